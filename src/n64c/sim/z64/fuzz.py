"""Differential testing: random programs on n64c's RSP simulator and on z64.

Each seed gives a random program (:mod:`n64c.sim.z64.randprog`). It is
assembled and encoded by n64c, run by the simulator and by
mupen64plus-rsp-z64 (many programs stream through one z64 runner), and the
final DMEM and RDRAM images must agree byte for byte. A disagreement is a
:class:`Mismatch`, whose :meth:`Mismatch.report` names the differing
registers and shows the source and the disassembly of the encoded IMEM.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from n64c.errors import N64cError
from n64c.sim.z64 import Z64Job, Z64Result, run_z64_many
from n64c.sim.z64.randprog import DMEM_LAYOUT, RandomProgram, describe_state, generate

__all__ = ["Mismatch", "assemble", "check_programs", "check_seeds", "simulate_program"]


@dataclass
class Mismatch:
    """One program on which the simulator and z64 disagree (or one of the
    tools failed)."""

    program: RandomProgram
    kind: str  # "state", "assembler", "simulator" or "z64"
    differences: list[str] = field(default_factory=list)
    imem: bytes = b""

    @property
    def seed(self) -> int:
        return self.program.seed

    def report(self) -> str:
        batch = len(self.program.variants)
        option = f" --batch {batch}" if batch > 1 else ""
        lines = [
            f"seed {self.seed}: {self.kind} mismatch "
            f"(reproduce: python -m n64c.sim.z64.randprog --seed {self.seed}{option})",
            *("  " + d for d in self.differences),
            "--- source ---",
            self.program.text.rstrip(),
        ]
        if self.imem:
            lines += [
                "--- disassembly of the encoded IMEM ---",
                _disassemble(self.imem),
            ]
        return "\n".join(lines)


def _disassemble(imem: bytes) -> str:
    try:
        from n64c.backend.rsp_asm import print_asm
        from n64c.backend.rsp_encode import decode_imem

        return print_asm(decode_imem(imem)).rstrip()
    except Exception as error:  # the report must not fail on a decoder bug
        words = [imem[i : i + 4].hex() for i in range(0, len(imem), 4)]
        return f"(disassembler failed: {error})\n" + "\n".join(words)


def assemble(program: RandomProgram) -> bytes:
    """The IMEM image of a random program, through n64c's assembler."""
    from n64c.backend.rsp_asm import parse_asm
    from n64c.backend.rsp_encode import encode_program

    image = encode_program(parse_asm(program.text, f"<random seed {program.seed}>"))
    return bytes(image.imem)


def _as_bytes(data: object) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    array = np.asarray(data)
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    return array.astype(np.uint8, copy=False).tobytes()


def _variants(program: RandomProgram) -> tuple[tuple[bytes, bytes], ...]:
    return program.variants or ((program.dmem, program.rdram),)


def simulate_program(program: RandomProgram, imem: bytes) -> list[tuple[bytes, bytes]]:
    """Final (DMEM, RDRAM) of the simulator for each start image of the
    program; several images run as one batch, in lockstep."""
    from n64c.sim.rsp import simulate

    variants = _variants(program)
    if len(variants) == 1:
        result = simulate(imem, program.dmem, program.rdram, max_instructions=200_000)
        return [(_as_bytes(result.dmem), _as_bytes(result.rdram))]
    dmem = np.stack([np.frombuffer(d, dtype=np.uint8) for d, _ in variants])
    rdram = np.stack([np.frombuffer(r, dtype=np.uint8) for _, r in variants])
    result = simulate(imem, dmem, rdram, max_instructions=200_000)
    out_dmem, out_rdram = np.asarray(result.dmem), np.asarray(result.rdram)
    return [
        (out_dmem[i].tobytes(), out_rdram[i].tobytes()) for i in range(len(variants))
    ]


def _state_differences(
    program: RandomProgram, sim: tuple[bytes, bytes], ref: tuple[bytes, bytes]
) -> list[str]:
    differences: list[str] = []
    sim_state, ref_state = describe_state(sim[0]), describe_state(ref[0])
    for name, want in ref_state.items():
        got = sim_state[name]
        if got != want:
            differences.append(f"{name}: simulator {_fmt(got)}, z64 {_fmt(want)}")
    dumped = {DMEM_LAYOUT[k] for k in ("gpr_out", "flag_out", "vreg_out", "acc_out")}
    covered = np.zeros(len(ref[0]), dtype=bool)
    for start, size in dumped:
        covered[start : start + size] = True
    for label, got_mem, want_mem, mask in (
        ("DMEM", sim[0], ref[0], covered),
        ("RDRAM", sim[1], ref[1], None),
    ):
        if len(got_mem) != len(want_mem):
            differences.append(
                f"{label} size: simulator {len(got_mem)}, z64 {len(want_mem)}"
            )
            continue
        a = np.frombuffer(got_mem, dtype=np.uint8)
        b = np.frombuffer(want_mem, dtype=np.uint8)
        bad = a != b
        if mask is not None:
            bad &= ~mask
        for start, stop in _runs(np.flatnonzero(bad)):
            differences.append(
                f"{label}[0x{start:03X}:0x{stop:03X}]: simulator {a[start:stop].tobytes().hex()}, "
                f"z64 {b[start:stop].tobytes().hex()}"
            )
    return differences


def _fmt(value: object) -> str:
    if isinstance(value, int):
        return f"0x{value:08X}"
    if isinstance(value, list):
        return "[" + " ".join(f"{v:04X}" for v in value) + "]"
    return str(value)


def _runs(indices: np.ndarray) -> Iterator[tuple[int, int]]:
    if indices.size == 0:
        return
    start = prev = int(indices[0])
    for index in indices[1:]:
        i = int(index)
        if i > prev + 1:
            yield start, prev + 1
            start = i
        prev = i
    yield start, prev + 1


def check_programs(
    programs: Iterable[RandomProgram], *, timeout_per_job: float = 10.0
) -> list[Mismatch]:
    """Compare simulator and z64 on each program; returns the mismatches."""
    mismatches: list[Mismatch] = []
    ready: list[tuple[RandomProgram, bytes]] = []
    for program in programs:
        try:
            ready.append((program, assemble(program)))
        except N64cError as error:
            mismatches.append(Mismatch(program, "assembler", [str(error)]))
    results = iter(
        run_z64_many(
            [
                Z64Job(imem, dmem, rdram)
                for program, imem in ready
                for dmem, rdram in _variants(program)
            ],
            timeout_per_job,
        )
    )
    for program, imem in ready:
        references = [next(results) for _ in _variants(program)]
        failed = [r for r in references if not isinstance(r, Z64Result)]
        if failed:
            mismatches.append(Mismatch(program, "z64", [str(failed[0])], imem))
            continue
        try:
            sims = simulate_program(program, imem)
        except N64cError as error:
            mismatches.append(Mismatch(program, "simulator", [str(error)], imem))
            continue
        differences: list[str] = []
        for index, (sim, reference) in enumerate(zip(sims, references, strict=True)):
            assert isinstance(reference, Z64Result)
            ref = (reference.dmem, reference.rdram)
            if sim != ref:
                where = f"start image {index}: " if len(references) > 1 else ""
                differences += [
                    where + d for d in _state_differences(program, sim, ref)
                ]
        if differences:
            mismatches.append(Mismatch(program, "state", differences, imem))
    return mismatches


def check_seeds(
    seeds: Iterable[int],
    *,
    chunk: int = 250,
    batch: int = 1,
    timeout_per_job: float = 10.0,
) -> Iterator[tuple[int, list[Mismatch]]]:
    """Check the programs of `seeds` in chunks; yields (programs checked in
    the chunk, its mismatches) per chunk. With `batch` > 1 every program
    runs on that many start images, as one simulator batch."""
    pending: list[RandomProgram] = []
    for seed in seeds:
        pending.append(generate(seed, batch=batch))
        if len(pending) >= chunk:
            yield len(pending), check_programs(pending, timeout_per_job=timeout_per_job)
            pending = []
    if pending:
        yield len(pending), check_programs(pending, timeout_per_job=timeout_per_job)
