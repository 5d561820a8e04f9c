"""Random programs, bit for bit: n64c's RSP simulator against the z64 core.

3,000 programs (seeds 0..2,999) in chunks that pytest-xdist spreads over the
workers. On a mismatch the failure shows, per program, the seed (regenerate
with `python -m n64c.sim.z64.randprog --seed S`), the differing registers
and memory, the source and the disassembly of the encoded IMEM.
"""

from __future__ import annotations

import re

import pytest

from n64c.sim.z64 import fuzz, randprog
from n64c.sim.z64.fuzz import Mismatch, check_programs, check_seeds

PROGRAMS = 3000
CHUNKS = 12
PER_CHUNK = PROGRAMS // CHUNKS
# Programs run in the simulator's batch mode (4 start images each).
BATCH_PROGRAMS = 400
BATCH = 4
BATCH_SEED_BASE = 1_000_000


def _fail_with(mismatches: list[Mismatch], checked: int) -> None:
    shown = "\n\n".join(m.report() for m in mismatches[:3])
    seeds = ", ".join(str(m.seed) for m in mismatches[:50])
    pytest.fail(
        f"{len(mismatches)} of {checked} random programs differ between the "
        f"simulator and z64 (seeds {seeds})\n\n{shown}",
        pytrace=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_simulator_matches_z64_on_random_programs(chunk: int) -> None:
    seeds = range(chunk * PER_CHUNK, (chunk + 1) * PER_CHUNK)
    checked = 0
    mismatches: list[Mismatch] = []
    for count, found in check_seeds(seeds):
        checked += count
        mismatches += found
    assert checked == PER_CHUNK
    if mismatches:
        _fail_with(mismatches, checked)


@pytest.mark.slow
def test_simulator_batch_mode_matches_z64_on_random_programs() -> None:
    seeds = range(BATCH_SEED_BASE, BATCH_SEED_BASE + BATCH_PROGRAMS)
    checked = 0
    mismatches: list[Mismatch] = []
    for count, found in check_seeds(seeds, batch=BATCH):
        checked += count
        mismatches += found
    assert checked == BATCH_PROGRAMS
    if mismatches:
        _fail_with(mismatches, checked)


def test_batch_variants_share_only_the_gpr_seeds() -> None:
    program = randprog.generate(5, batch=3)
    assert len(program.variants) == 3
    assert program.variants[0] == (program.dmem, program.rdram)
    start, size = randprog.DMEM_LAYOUT["gpr_seed"]
    gprs = {d[start : start + size] for d, _ in program.variants}
    vregs = {d[:start] for d, _ in program.variants}
    assert len(gprs) == 1 and len(vregs) == 3


def test_generator_is_reproducible_and_varied() -> None:
    a, b, c = randprog.generate(7), randprog.generate(7), randprog.generate(8)
    assert (a.text, a.dmem, a.rdram) == (b.text, b.dmem, b.rdram)
    assert a.text != c.text and a.dmem != c.dmem
    assert len(a.dmem) == 4096 and len(a.rdram) == randprog.RDRAM_BYTES
    # Over a few seeds, every kind of instruction shows up.
    body = "\n".join(line for s in range(40) for line in randprog.generate(s).body)
    for mnemonic in ("vmadh", "vaddc", "vge", "vnxor", "vsar", "lqv", "sdv", "lpv",
                     "suv", "lhu", "sb", "sllv", "COP0_DMA_WRITE", "COP0_DMA_READ",
                     "bgez", "jal", "jalr", "jr", "lui", "mfc2", "mtc2", "ctc2"):  # fmt: skip
        assert re.search(rf"\b{mnemonic}\b", body), mnemonic


def test_generator_keeps_memory_accesses_in_the_scratch_area() -> None:
    start, size = randprog.DMEM_LAYOUT["scratch"]
    access = re.compile(r"^(l|s)([bhw]u?|[bsldqpuh]v) .*?, (-?\d+)(?:\(|, )(k[01])\)?$")
    base_set = re.compile(r"^ori (k[01]), zero, 0x([0-9A-F]+)$")
    for seed in range(60):
        program = randprog.generate(seed)
        lines = [line.strip() for line in program.text.splitlines()]
        bases: dict[str, int] = {}
        for line in lines:
            if m := base_set.match(line):
                bases[m.group(1)] = int(m.group(2), 16)
            elif m := access.match(line):
                address = bases[m.group(4)] + int(m.group(3))
                assert start <= address < start + size, (seed, line)


def test_harness_reports_a_difference(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison can fail: corrupt one register of the simulator's
    final state and the mismatch names it."""
    real = fuzz.simulate_program

    def corrupted(
        program: randprog.RandomProgram, imem: bytes
    ) -> list[tuple[bytes, bytes]]:
        [(dmem, rdram)] = real(program, imem)
        out = bytearray(dmem)
        offset = randprog.DMEM_LAYOUT["vreg_out"][0] + 16 * 5 + 2  # $v05 lane 1
        out[offset] ^= 0x40
        return [(bytes(out), rdram)]

    monkeypatch.setattr(fuzz, "simulate_program", corrupted)
    mismatches = check_programs([randprog.generate(11)])
    assert len(mismatches) == 1
    assert mismatches[0].kind == "state"
    assert any(d.startswith("$v05:") for d in mismatches[0].differences)
    assert "seed 11" in mismatches[0].report()
