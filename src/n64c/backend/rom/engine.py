"""The `mupen64plus` engine: a compiled model run as a ROM on the emulator.

`run_on_emulator(compiled, inputs)` writes the model's C sources and
weights to a temporary directory, builds the test ROM for the given
inputs (:mod:`~n64c.backend.rom.build`), runs it on mupen64plus
(:mod:`~n64c.backend.rom.emulator`) and returns the float32 outputs keyed
by output name, shaped like every other engine's. The int16 outputs and
the Count cycles stay available in the returned :class:`EmulatorRun`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from n64c.backend.rom.build import build_rom, read_model_header
from n64c.backend.rom.emulator import RomOutputs, parse_outputs, run_rom
from n64c.errors import InvalidInputError


@dataclass
class EmulatorRun:
    """One run of the `mupen64plus` engine."""

    outputs: dict[str, np.ndarray]
    raw: RomOutputs
    rom_bytes: int
    seconds: float
    """Wall time of the emulator process, start-up included."""

    @property
    def count_per_inference(self) -> int:
        """CP0 Count ticks of one `n64c_model_run` as the emulator counts
        them (mupen64plus advances Count per instruction: not a timing)."""
        return int(np.median(self.raw.count_f)) if len(self.raw.count_f) else 0


def batched_inputs(
    inputs: Mapping[str, np.ndarray], names: list[str], shapes: list[tuple[int, ...]]
) -> tuple[list[np.ndarray], bool]:
    """One float32 array per input, batch first, and whether the inputs
    came with a batch axis."""
    arrays: list[np.ndarray] = []
    batched: bool | None = None
    for name, shape in zip(names, shapes, strict=True):
        x = np.asarray(inputs[name], dtype=np.float32)
        if x.shape == shape:
            this = False
            x = x[None]
        elif x.shape[1:] == shape:
            this = True
        else:
            raise InvalidInputError(
                f"input '{name}': shape {list(x.shape)}, the model takes {list(shape)} "
                "(optionally with a leading batch axis)"
            )
        if batched is not None and this != batched:
            raise InvalidInputError("give every input a batch axis, or none")
        batched = this
        arrays.append(x)
    if len({a.shape[0] for a in arrays}) > 1:
        raise InvalidInputError("the inputs' batch sizes differ")
    return arrays, bool(batched)


def run_on_emulator(
    compiled: Any, inputs: Mapping[str, np.ndarray], timeout: float = 300.0
) -> EmulatorRun:
    """Run `compiled` (a :class:`~n64c.api.CompiledModel`) on mupen64plus."""
    names: list[str] = compiled.input_names
    arrays, batched = batched_inputs(inputs, names, compiled.input_shapes)
    # only the C and the weights: the other files (the IR text above all)
    # take long to print for a large model
    files: dict[str, str | bytes] = {
        "model.h": compiled.sources.header,
        "model.c": compiled.sources.source,
        "weights.bin": compiled.program.weights,
    }
    out_types = [v.type for v in compiled._main.body.block.last_op.operands]
    out_shapes = [tuple(t.get_shape()) for t in out_types]
    with tempfile.TemporaryDirectory(prefix="n64c-rom-") as tmp:
        outdir = Path(tmp)
        for name in ("model.h", "model.c", "weights.bin"):
            data = files[name]
            (outdir / name).write_bytes(
                data if isinstance(data, bytes) else data.encode()
            )
        header = read_model_header(outdir)
        rom = outdir / "model.z64"
        layout = build_rom(outdir, arrays, rom)
        run = run_rom(rom, timeout=timeout)
    raw = parse_outputs(run.lines, header.output_sizes, header.has_run_q)
    outputs: dict[str, np.ndarray] = {}
    for name, shape, values in zip(
        compiled.output_names, out_shapes, raw.f, strict=True
    ):
        y = values.reshape(values.shape[0], *shape)
        outputs[name] = y if batched else y[0]
    return EmulatorRun(outputs, raw, layout.size, run.seconds)


__all__ = ["EmulatorRun", "batched_inputs", "run_on_emulator"]
