"""`n64.qprelu` (LeakyRelu, PRelu) on the RSP: the element-wise kernel of
`prelu_tiles`, simulator == golden model == z64 bit for bit, over every
shift range of the slopes, and the layout rule that picks it."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from test_int16_cpu_ops import _prelu_model, _sqnr
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, TensorType, f32
from xdsl.ir import Block, Region

from n64c.api import compile as compile_model
from n64c.backend.rsp_program import build_rsp_program, run_rsp_program
from n64c.dialects.n64_quant import DequantizeOp, QPReluOp, QTransposeOp, QuantizeOp
from n64c.dialects.n64_tile import TileKernelOp
from n64c.passes.allocate_dmem import AllocateDmemPass
from n64c.passes.lower_to_rsp import LowerToRspPass
from n64c.passes.plan_rdram import PlanRdramPass
from n64c.passes.prelu_tiles import prelu_table, rounding_factors
from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.sim.int_engine import run_int_raw

FRAC = 10


def qprelu_module(
    shape: tuple[int, ...],
    axis: int,
    muls: list[int],
    shifts: list[int],
    nchw_view: bool = False,
) -> ModuleOp:
    """`@main(x) -> y` around one `n64.qprelu`; with `nchw_view` the input is
    channels-last and the op reads it through `qtranspose(., NCHW)` (as
    between RSP conv layers), the output transposed back."""
    typ = TensorType(f32, list(shape))
    block = Block(arg_types=[typ])
    quant = QuantizeOp(block.args[0], FRAC)
    block.add_op(quant)
    value = quant.results[0]
    if nchw_view:
        to_nchw = QTransposeOp(value, (0, 3, 1, 2), FRAC)
        block.add_op(to_nchw)
        value = to_nchw.results[0]
    prelu = QPReluOp(value, axis, muls, shifts, FRAC)
    block.add_op(prelu)
    value = prelu.results[0]
    if nchw_view:
        back = QTransposeOp(value, (0, 2, 3, 1), FRAC)
        block.add_op(back)
        value = back.results[0]
    deq = DequantizeOp(value, FRAC)
    block.add_ops([deq, func.ReturnOp(deq.results[0])])
    fn = func.FuncOp("main", ([typ], [typ]), Region(block))
    fn.attributes["n64.input_names"] = ArrayAttr([StringAttr("x")])
    fn.attributes["n64.output_names"] = ArrayAttr([StringAttr("output")])
    return ModuleOp([fn])


def tiled(module: ModuleOp) -> ModuleOp:
    TileForDmemPass().apply(Context(), module)
    return module


def lower(module: ModuleOp) -> ModuleOp:
    ctx = Context()
    tiled(module)
    AllocateDmemPass().apply(ctx, module)
    PlanRdramPass().apply(ctx, module)
    LowerToRspPass().apply(ctx, module)
    RspAllocateRegistersPass().apply(ctx, module)
    RspSchedulePass().apply(ctx, module)
    return module


def check(module: ModuleOp, shape: tuple[int, ...], seed: int) -> None:
    golden_module = module.clone()
    program = build_rsp_program(lower(module), measure=False)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-32.0, 32.0, (3, *shape)).astype(np.float32)
    x[0].flat[:4] = [-32.0, 31.999, 0.0, -1.0 / 1024]  # ends, zero, one LSB
    golden = run_int_raw(golden_module, {"x": x})["output"][0]
    sim = run_rsp_program(program, {"x": x}, engine="sim")["output"]
    np.testing.assert_array_equal(sim, golden)
    real = run_rsp_program(program, {"x": x[:2]}, engine="z64")["output"]
    np.testing.assert_array_equal(real, golden[:2])


@pytest.mark.parametrize(
    ("shape", "mul", "shift"),
    [
        ((2, 37), 20972, 21),  # LeakyRelu 0.01 (shift above 16)
        ((1, 8, 5, 5), 26214, 17),  # 0.2
        ((3, 16), 16384, 15),  # 0.5 (shift at most 16)
        ((1, 64), -24576, 2),  # a negative slope, smallest shift
        ((1, 40), 32767, 30),  # largest shift (rounding 2^29 = -2^14 * -2^15)
        ((1, 24), 32767, 16),
    ],
)
def test_one_slope_bit_exact(shape: tuple[int, ...], mul: int, shift: int) -> None:
    module = qprelu_module(shape, 0, [mul], [shift])
    assert any(isinstance(o, TileKernelOp) for o in tiled(module.clone()).walk())
    check(module, shape, shift)


def test_per_channel_last_axis_bit_exact() -> None:
    """20 channels (three groups of 8, the last padded), every shift range."""
    rng = np.random.default_rng(5)
    channels = 20
    muls = [int(v) for v in rng.integers(-32767, 32768, channels)]
    shifts = [int(v) for v in rng.integers(2, 31, channels)]
    shifts[:4] = [2, 16, 17, 30]
    module = qprelu_module((3, 4, channels), 2, muls, shifts)
    check(module, (3, 4, channels), 7)


def test_per_channel_between_rsp_layers_runs_channels_last() -> None:
    """A per-channel qprelu reading a channels-last tensor through
    qtranspose(NCHW) is moved behind it (slope axis 1 -> 3), the transposes
    cancel, and the layer runs on the RSP."""
    rng = np.random.default_rng(6)
    muls = [int(v) for v in rng.integers(1000, 32767, 16)]
    shifts = [int(v) for v in rng.integers(15, 22, 16)]
    module = qprelu_module((1, 6, 5, 16), 1, muls, shifts, nchw_view=True)
    after = tiled(module.clone())
    assert not [o for o in after.walk() if isinstance(o, QTransposeOp | QPReluOp)]
    check(module, (1, 6, 5, 16), 8)


def test_per_channel_nchw_stays_on_cpu() -> None:
    """Slopes along a non-innermost axis (NCHW) keep the CPU kernel."""
    module = qprelu_module((1, 4, 3, 3), 1, [100, 200, 300, 400], [16, 17, 18, 19])
    after = tiled(module)
    assert [o for o in after.walk() if isinstance(o, QPReluOp)]
    assert not [o for o in after.walk() if isinstance(o, TileKernelOp)]


def test_shift_one_stays_on_cpu() -> None:
    module = qprelu_module((1, 16), 0, [32767], [1])
    assert [o for o in tiled(module).walk() if isinstance(o, QPReluOp)]


@pytest.mark.parametrize("shift", range(1, 31))
def test_rounding_factors(shift: int) -> None:
    ra, rb = rounding_factors(shift)
    assert -32768 <= ra <= 32767 and -32768 <= rb <= 32767
    assert ra * rb == 1 << (shift - 1)


def test_table_layout() -> None:
    """Entry g, lane l is channel 8g + l: m, ra, rb, mlo, mhi; padded lanes
    multiply by 0; mhi = 2^15 is stored as its bit pattern."""
    module = qprelu_module((1, 10), 1, [7] * 9 + [-5], [16] * 9 + [17])
    (op,) = [o for o in module.walk() if isinstance(o, QPReluOp)]
    table = prelu_table(op, 2).reshape(2, 5, 8)
    assert list(table[0, :, 0]) == [7, 1 << 14, 2, 1, 0]
    assert list(table[1, :, 1]) == [-5, 1 << 14, 4, 0, -32768]
    assert list(table[1, 0, 2:]) == [0] * 6


def test_prelu_model_on_the_rsp_tracks_onnxruntime() -> None:
    """Conv, per-channel PRelu, conv, LeakyRelu (the CPU-kernel test model):
    both activations now run on the RSP in the conv's ucode; sim, z64 and
    the golden model agree, and against onnxruntime on held-out inputs the
    PRelu layer keeps its SQNR."""
    model = _prelu_model(0)
    rng = np.random.default_rng(2)
    calib = rng.standard_normal((64, 1, 3, 8, 8)).astype(np.float32)
    compiled = compile_model(model, calibration=calib)
    assert [i.layers for i in compiled.program.invocations] == [
        ("conv0", "prelu0"),
        ("conv1", "prelu1"),
    ]
    x = rng.standard_normal((16, 1, 3, 8, 8)).astype(np.float32)
    golden = compiled.run_dict({"x": x}, "int")
    sim = compiled.run_dict({"x": x}, "sim")
    for name in ("p", "y"):
        np.testing.assert_array_equal(sim[name], golden[name])
    real = compiled.run_dict({"x": x[:1]}, "z64")
    for name in ("p", "y"):
        np.testing.assert_array_equal(real[name], golden[name][:1])
    session = ort.InferenceSession(model.SerializeToString())
    ref = [session.run(None, {"x": xi}) for xi in x]
    want = np.stack([np.asarray(r[0]) for r in ref])
    assert _sqnr(want, sim["p"].reshape(want.shape)) > 70.0
