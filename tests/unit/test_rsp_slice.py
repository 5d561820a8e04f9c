"""Channel slices (ONNX Split and Slice) between RSP layers: the DMA-only
copy kernel of `slice_tiles`, simulator == golden model == z64, and which
slices it takes."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, TensorType, f32
from xdsl.ir import Block, Region

from n64c.api import compile as compile_model
from n64c.backend.rsp_program import build_rsp_program, run_rsp_program
from n64c.dialects.n64_quant import DequantizeOp, QSliceOp, QTransposeOp, QuantizeOp
from n64c.dialects.n64_tile import TileKernelOp
from n64c.passes.allocate_dmem import AllocateDmemPass
from n64c.passes.lower_to_rsp import LowerToRspPass
from n64c.passes.plan_rdram import PlanRdramPass
from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.sim.int_engine import run_int_raw

FRAC = 10


def qslice_module(shape: tuple[int, ...], start: int, end: int) -> ModuleOp:
    """`@main(x) -> y`: a channels-last `x` read through qtranspose(NCHW),
    sliced along the channels, transposed back."""
    typ = TensorType(f32, list(shape))
    block = Block(arg_types=[typ])
    quant = QuantizeOp(block.args[0], FRAC)
    to_nchw = QTransposeOp(quant.results[0], (0, 3, 1, 2), FRAC)
    piece = QSliceOp(to_nchw.results[0], 1, start, end, FRAC)
    back = QTransposeOp(piece.results[0], (0, 2, 3, 1), FRAC)
    deq = DequantizeOp(back.results[0], FRAC)
    block.add_ops([quant, to_nchw, piece, back, deq, func.ReturnOp(deq.results[0])])
    out = TensorType(f32, [*shape[:-1], end - start])
    fn = func.FuncOp("main", ([typ], [out]), Region(block))
    fn.attributes["n64.input_names"] = ArrayAttr([StringAttr("x")])
    fn.attributes["n64.output_names"] = ArrayAttr([StringAttr("output")])
    return ModuleOp([fn])


def lower(module: ModuleOp) -> ModuleOp:
    ctx = Context()
    for pass_ in (
        TileForDmemPass(),
        AllocateDmemPass(),
        PlanRdramPass(),
        LowerToRspPass(),
        RspAllocateRegistersPass(),
        RspSchedulePass(),
    ):
        pass_.apply(ctx, module)
    return module


@pytest.mark.parametrize(
    ("shape", "start", "end"),
    [
        ((1, 4, 5, 16), 8, 16),  # the second half of a Split
        ((1, 3, 3, 20), 12, 20),  # start a multiple of 4, not of 8
        ((1, 2, 2, 24), 0, 10),  # padded slice inside the padded row
        ((1, 20, 30, 16), 8, 12),  # 600 rows: a loop of 256-row transfers, a tail
    ],
)
def test_channel_slice_bit_exact(shape: tuple[int, ...], start: int, end: int) -> None:
    module = qslice_module(shape, start, end)
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    assert not [o for o in tiled.walk() if isinstance(o, QSliceOp | QTransposeOp)]
    assert [o for o in tiled.walk() if isinstance(o, TileKernelOp)]
    golden_module = module.clone()
    program = build_rsp_program(lower(module), measure=False)
    x = np.random.default_rng(end).uniform(-30, 30, (2, *shape)).astype(np.float32)
    golden = run_int_raw(golden_module, {"x": x})["output"][0]
    sim = run_rsp_program(program, {"x": x}, engine="sim")["output"]
    np.testing.assert_array_equal(sim, golden)
    real = run_rsp_program(program, {"x": x[:1]}, engine="z64")["output"]
    np.testing.assert_array_equal(real, golden[:1])


@pytest.mark.parametrize(("start", "end"), [(2, 10), (6, 16)])
def test_unaligned_slices_stay_on_cpu(start: int, end: int) -> None:
    """A start that is not a multiple of 4 (the DMA's 8-byte alignment) or a
    padded slice past the padded row keeps the CPU copy."""
    tiled = qslice_module((1, 2, 2, 16), start, end)
    TileForDmemPass().apply(Context(), tiled)
    assert [o for o in tiled.walk() if isinstance(o, QSliceOp)]
    assert not [o for o in tiled.walk() if isinstance(o, TileKernelOp)]


def _split_model() -> onnx.ModelProto:
    rng = np.random.default_rng(3)
    w1 = (rng.standard_normal((16, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    wa = (rng.standard_normal((4, 8, 3, 3)) / np.sqrt(72)).astype(np.float32)
    wb = (rng.standard_normal((4, 8, 1, 1)) / np.sqrt(8)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["h"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Split", ["r"], ["s0", "s1"], axis=1, num_outputs=2),
        helper.make_node("Conv", ["s0", "wa"], ["a"], pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["s1", "wb"], ["b"]),
    ]
    inits = [
        numpy_helper.from_array(v, n) for v, n in ((w1, "w1"), (wa, "wa"), (wb, "wb"))
    ]
    graph = helper.make_graph(
        nodes,
        "split",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 4, 8, 8]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 4, 8, 8]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def test_split_between_convs_stays_on_the_rsp() -> None:
    """Conv, Relu, Split of the channels, two convs: the slices join the
    convs' RSP run (before, the Split cost a CPU round trip: a transpose,
    two copies and two transposes). The second conv's run starts after the
    CPU transposes and dequantises the first conv's output."""
    model = _split_model()
    rng = np.random.default_rng(4)
    calib = rng.standard_normal((32, 1, 3, 8, 8)).astype(np.float32)
    compiled = compile_model(model, calibration=calib)
    assert [i.layers for i in compiled.program.invocations] == [
        ("conv0", "slice0", "slice1", "conv1"),
        ("conv2",),
    ]
    assert not [o for o in compiled.module.walk() if isinstance(o, QSliceOp)]
    x = rng.standard_normal((4, 1, 3, 8, 8)).astype(np.float32)
    golden = compiled.run_dict({"x": x}, "int")
    sim = compiled.run_dict({"x": x}, "sim")
    real = compiled.run_dict({"x": x[:1]}, "z64")
    for name in ("a", "b"):
        np.testing.assert_array_equal(sim[name], golden[name])
        np.testing.assert_array_equal(real[name], golden[name][:1])
