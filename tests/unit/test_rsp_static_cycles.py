"""Cycle counts without the vector data path equal the full simulator's.

`build_rsp_program` counts the cycles of each RSP run, and of each layer of
it, with a timing-only run (the scalar unit, COP0 and DMA execute, the
vector unit does not). Every layer kind and both bundled examples must
give the same count, run and layer, cycle for cycle, as a full simulation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from rsp_words import BREAK, NOP, addiu, bne, lw, mfc0, mtc0, ori, program, vop, vstore
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from n64c.api import compile as compile_model
from n64c.backend.conv_layer import qavgpool_module, qconv_module, qmaxpool_module
from n64c.backend.gemm_layer import qeltwise_module, qgemm_module, qmlp_module
from n64c.backend.rsp_program import (
    RspProgram,
    _arena,
    _dmem,
    build_rsp_program,
    layer_spans,
    measure_invocation,
)
from n64c.passes.allocate_dmem import AllocateDmemPass
from n64c.passes.lower_to_rsp import LowerToRspPass
from n64c.passes.plan_rdram import PlanRdramPass
from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.sim.rsp import simulate
from n64c.sim.rsp.timing_only import TimingOnlyError, count_cycles


def lower(module: ModuleOp) -> ModuleOp:
    ctx = Context()
    for rewrite in (
        TileForDmemPass(),
        AllocateDmemPass(),
        PlanRdramPass(),
        LowerToRspPass(),
        RspAllocateRegistersPass(),
        RspSchedulePass(),
    ):
        rewrite.apply(ctx, module)
    return module


def assert_exact(program: RspProgram) -> None:
    """Per run and per layer: timing-only counts == full simulation, and
    the timing-only run needs no fallback to the full simulator."""
    assert program.invocations
    for inv in program.invocations:
        image = program.ucodes[inv.ucode]
        dmem = _dmem(image, inv.base_slot)
        simulate(image.imem, dmem, _arena(program, 1, inv)[0], timing_only=True)
        full = measure_invocation(program, inv, timing_only=False)
        assert (inv.cycles, inv.layer_cycles) == full
        assert sum(inv.layer_cycles) == inv.cycles > 0
        assert all(c > 0 for c in inv.layer_cycles)


def _conv(
    x_shape: tuple[int, int, int, int],
    out_channels: int,
    strides: tuple[int, int],
    group: int,
) -> ModuleOp:
    rng = np.random.default_rng(sum(x_shape) + out_channels)
    c = x_shape[1]
    w = rng.integers(-4000, 4000, (out_channels, c // group, 3, 3)).astype(np.int16)
    b = rng.integers(-(1 << 20), 1 << 20, out_channels).astype(np.int32)
    return qconv_module(
        x_shape,
        w,
        b,
        [int(s) for s in rng.integers(6, 17, out_channels)],
        strides=strides,
        pads=(1, 1, 1, 1),
        group=group,
        clamp=(0, 32767),
    )


def _gemm(k: int, n: int) -> ModuleOp:
    rng = np.random.default_rng(k * n)
    w = rng.integers(-2000, 2000, (k, n)).astype(np.int16)
    b = rng.integers(-(1 << 20), 1 << 20, n).astype(np.int32)
    return qgemm_module(w, b, rng.integers(8, 17, n), (0, 32767))


LAYERS: dict[str, Callable[[], ModuleOp]] = {
    "gemm": lambda: _gemm(200, 40),
    "gemm chain with separate relu": lambda: qmlp_module(
        [24, 16, 8], np.random.default_rng(1), relu_between="separate"
    ),
    "conv": lambda: _conv((1, 8, 9, 9), 16, (1, 1), 1),
    "conv depthwise": lambda: _conv((1, 12, 6, 6), 12, (1, 1), 12),
    "conv strided": lambda: _conv((1, 40, 6, 6), 20, (2, 2), 1),
    "conv column tiles": lambda: _conv((1, 64, 4, 60), 8, (1, 2), 1),
    "maxpool": lambda: qmaxpool_module(
        (1, 10, 7, 9), (3, 3), strides=(2, 1), pads=(1, 1, 1, 1)
    ),
    "maxpool column tiles": lambda: qmaxpool_module(
        (1, 40, 5, 90), (3, 3), strides=(1, 1), pads=(1, 1, 1, 1)
    ),
    "avgpool": lambda: qavgpool_module((1, 12, 7, 7), (7, 7), 21399, 16),
    "add": lambda: qeltwise_module("add", (3, 13), ka=2, kb=0, shift=3),
    "relu": lambda: qeltwise_module("clamp", (2, 5, 7), clamp=(0, 32767)),
    "rescale": lambda: qeltwise_module("rescale", (1, 2000), ka=3, shift=16),
}


@pytest.mark.parametrize("kind", LAYERS)
def test_timing_only_cycles_equal_the_simulator_per_layer(kind: str) -> None:
    assert_exact(build_rsp_program(lower(LAYERS[kind]())))


@pytest.mark.parametrize("name", ["mlp_digits", "cnn_digits"])
def test_examples_report_exact_cycles_per_layer(
    name: str, examples_dir: Path, tmp_path: Path
) -> None:
    calibration = np.load(examples_dir / f"{name}_calib.npy")
    compiled = compile_model(examples_dir / f"{name}.onnx", calibration=calibration)
    assert_exact(compiled.program)
    compiled.save(tmp_path / name)
    report = json.loads((tmp_path / name / "report.json").read_text())
    expected = [c for inv in compiled.program.invocations for c in inv.layer_cycles]
    assert [layer["cycles"] for layer in report["layers"]] == expected
    assert sum(expected) == report["rsp"]["cycles"]
    # the simulator's count of a whole inference agrees too
    x = np.load(examples_dir / f"{name}_input.npy")
    compiled.run(x, engine="sim")
    assert compiled.last_cycles == report["rsp"]["cycles"]


def test_layer_spans_run_from_label_to_label() -> None:
    assert layer_spans(100, 3, [(0, 2), (1, 30), (2, 70), (1, 90)]) == (30, 40, 30)


def test_marks_record_the_issue_cycle_of_each_marked_instruction() -> None:
    prog = program(addiu("t0", "zero", 1), addiu("t1", "zero", 2), BREAK)
    result = simulate(prog, marks={4: 7, 8: 9})
    assert result.timing.marks == ((7, 1), (9, 2))


def test_programs_reading_vector_results_fall_back_to_the_full_simulator() -> None:
    # sqv $v01 at 0x100, then lw from there: the timing-only run cannot know
    # the value, stops, and the full simulator counts instead
    store_then_load = program(
        ori("t0", "zero", 0x100),
        vop("vxor", 1, 2, 3),
        vstore("qv", 1, 0, "t0"),
        lw("t1", 4, "t0"),
        addiu("t2", "t1", 1),
        BREAK,
    )
    with pytest.raises(TimingOnlyError):
        simulate(store_then_load, timing_only=True)
    cycles, _ = count_cycles(store_then_load, b"", np.zeros(0x100, dtype=np.uint8))
    assert cycles == simulate(store_then_load).cycles


def test_taint_travels_through_dma() -> None:
    """A vector result written to RDRAM and read back into DMEM is still
    unknown: a scalar load of it stops the timing-only run."""

    def dma(dmem: int, to_rsp: bool) -> list[int]:
        return [
            ori("t0", "zero", dmem), mtc0("t0", 0),
            ori("t0", "zero", 0x40), mtc0("t0", 1),
            ori("t0", "zero", 15), mtc0("t0", 2 if to_rsp else 3),
            mfc0("t0", 6), bne("t0", "zero", -2), NOP,  # until it is done
        ]  # fmt: skip

    prog = program(
        vstore("qv", 1, 0x200, "zero"),
        dma(0x200, False),
        dma(0x300, True),
        lw("t1", 0x300, "zero"),
        BREAK,
    )
    with pytest.raises(TimingOnlyError):
        simulate(prog, rdram=bytes(0x100), timing_only=True)
    clean = program(dma(0x300, True), lw("t1", 0x300, "zero"), BREAK)
    timed = simulate(clean, rdram=bytes(0x100), timing_only=True)
    assert timed.cycles == simulate(clean, rdram=bytes(0x100)).cycles
