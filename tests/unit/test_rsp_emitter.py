"""`RspEmitter` helpers run on the simulator and the real RSP core."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import IntAttr, ModuleOp

from n64c.backend.rsp_emitter import RspEmitter, layer_label
from n64c.backend.rsp_encode import encode_program
from n64c.dialects import rsp
from n64c.passes.rsp_allocate_registers import (
    RegisterPressureError,
    RspAllocateRegistersPass,
    allocate,
)
from n64c.sim.rsp import simulate
from n64c.sim.z64 import run_z64

CONSTANTS = [
    [16384, 1, 0, 32767, 0, 0, 0, 0],
    [16384, 1, -32768, 32767, 0, 0, 0, -32768],
    [2, 2, 2, 2, 2, 2, 2, 2],
    [-1, -1, -1, -1, -1, -1, -1, -1],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [7, -7, 7, 0, 12345, -12345, 1, 7],
]


def _vconst_program() -> bytes:
    """IMEM of a program that builds every vector of `CONSTANTS` and
    stores them at DMEM 0."""
    em = RspEmitter()
    built = [em.vconst(values) for values in CONSTANTS]
    for n, reg in enumerate(built):
        em.sqv(reg, em.zero, 16 * n)
    em.emit(rsp.BreakOp())
    em.emit(rsp.NopOp())
    module = ModuleOp([rsp.SectionOp("text", em.ops)])  # type: ignore[arg-type]
    RspAllocateRegistersPass().apply(Context(), module)
    return encode_program(module).imem


DMEM = b"\x55" * 4096


def test_vconst_builds_the_lanes_on_sim_and_z64() -> None:
    imem = _vconst_program()
    want = np.array(CONSTANTS, dtype=">i2")
    sim = simulate(imem, DMEM)
    got = np.frombuffer(sim.dmem[: want.nbytes].tobytes(), dtype=">i2")
    np.testing.assert_array_equal(got.reshape(want.shape), want)
    real = run_z64(imem, DMEM)
    z64 = np.frombuffer(real.dmem[: want.nbytes], dtype=">i2")
    np.testing.assert_array_equal(z64.reshape(want.shape), want)


def test_vconst_takes_one_mtc2_per_non_zero_lane() -> None:
    """A `vxor` of the register with itself first (whatever it held), then
    an `addi` per distinct value and an `mtc2` per non-zero lane."""
    em = RspEmitter()
    em.vconst(CONSTANTS[1])  # 5 non-zero lanes, 4 distinct values
    em.vconst(CONSTANTS[2])  # eight equal lanes: mtc2 and a broadcast
    names = [op.name for op in em.ops if op.name != "rsp.get_register"]
    assert names == [
        "rsp.vxor",
        *["rsp.addi", "rsp.mtc2"] * 4,
        "rsp.mtc2",
        "rsp.vxor",
        "rsp.addi",
        "rsp.mtc2",
        "rsp.vor",
    ]


def test_register_pressure_names_the_layer() -> None:
    """33 vectors live at once do not fit the 32 vector registers: the
    allocator stops with a message that gives the live count, what the RSP
    has, and the layer whose code it is (from the layer's label; the pass
    names it from the program's `n64.rsp_invoke`)."""
    em = RspEmitter(prefix="ucode3_")
    em.place_label(layer_label("ucode3", 1))
    regs = [em.vreg() for _ in range(33)]
    for reg in regs:
        em.lqv(reg, em.zero, 0)
    for reg in regs:
        em.sqv(reg, em.zero, 0)
    with pytest.raises(RegisterPressureError) as info:
        allocate(em.ops)
    assert info.value.where == ("ucode3", 1)
    assert info.value.describe("conv5") == (
        "layer conv5 (ucode3): its RSP code needs 33 vector registers live at "
        "once, more than the 32 it can use (register allocation does not "
        "spill): its tiling keeps too many pointers or vectors in flight"
    )
    assert str(info.value).startswith("ucode3, layer 1: its RSP code needs 33")


def test_consecutive_increments_merge() -> None:
    """`reg += a` then `reg += b` with nothing reading `reg` between is one
    `addi` of `a + b` (none when they cancel); a read, a label or a branch
    between keeps them apart."""
    em = RspEmitter()
    p, q = em.gpr(), em.gpr()
    em.li(p, 0x100)
    em.li(q, 0x200)
    em.bump(p, 320)
    em.bump(q, 64)
    em.bump(p, -304)  # merged: p += 16
    em.bump(q, -64)  # cancels: no addi at all
    em.emit(rsp.SwOp(em.value(p), em.value(em.zero), 0))
    em.bump(p, 8)  # p was read by the store: a new addi
    label = em.label("loop")
    em.place_label(label)
    em.bump(p, 4)  # after a label: a new addi
    em.emit(rsp.SwOp(em.value(p), em.value(em.zero), 4))
    em.emit(rsp.SwOp(em.value(q), em.value(em.zero), 8))
    adds = [op.imm for op in em.ops if isinstance(op, rsp.AddiOp)]
    assert adds == [IntAttr(v) for v in (0x100, 0x200, 16, 8, 4)]
    em.emit(rsp.BreakOp())
    em.emit(rsp.NopOp())
    module = ModuleOp([rsp.SectionOp("text", em.ops)])  # type: ignore[arg-type]
    RspAllocateRegistersPass().apply(Context(), module)
    sim = simulate(encode_program(module).imem, DMEM)
    words = np.frombuffer(sim.dmem[:12].tobytes(), dtype=">u4")
    assert list(words) == [0x110, 0x11C, 0x200]
