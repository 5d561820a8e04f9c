"""`acc48` Gemm and conv layers on the RSP (48-bit sums of the input read
as unsigned): simulator, golden integer model and z64 agree bit for bit for
both shift ranges ([2, 16] and [18, 32]), per-channel shifts, clamps,
inputs over the whole 16-bit range (values >= 32768 read as unsigned),
biases near +-2^45 and sums far beyond 2^31 that saturate; conv layers
cover dense, grouped, depthwise, strided and dilated kernels, weights held
in registers, resident or streamed, and sums kept in DMEM between chunks.
A model the quantiser gives `acc48` layers runs them on the RSP."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from test_rsp_conv import force_plan, partial_geometry
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from n64c.api import compile as compile_model
from n64c.backend.conv_layer import qconv_module
from n64c.backend.gemm_layer import qgemm_module
from n64c.backend.rsp_program import build_rsp_program, run_rsp_program
from n64c.dialects.n64_quant import QConv2dOp, QGemmOp
from n64c.dialects.n64_tile import TileMatmulOp, TileWindowOp, WindowGeometry
from n64c.passes.allocate_dmem import AllocateDmemPass
from n64c.passes.lower_to_rsp import LowerToRspPass
from n64c.passes.plan_rdram import PlanRdramPass
from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.passes.window_tiles import plan_window
from n64c.sim.int_engine import requantize_wide, run_int_raw, wrap_int32

WIDE_BIAS = (1 << 45) - 1
SHIFTS = {"low": (2, 16), "high": (18, 32)}
CLAMPS = [(-32768, 32767), (0, 32767), (-1000, 2000)]


def tile(module: ModuleOp) -> ModuleOp:
    TileForDmemPass().apply(Context(), module)
    return module


def lower(module: ModuleOp) -> ModuleOp:
    ctx = Context()
    tile(module)
    AllocateDmemPass().apply(ctx, module)
    PlanRdramPass().apply(ctx, module)
    LowerToRspPass().apply(ctx, module)
    RspAllocateRegistersPass().apply(ctx, module)
    RspSchedulePass().apply(ctx, module)
    return module


def raw_inputs(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """int16 values over the whole range (with `in_frac = 0` the entry
    `quantize` keeps them): negative ones are read as u16 >= 32768."""
    x = rng.integers(-32768, 32768, shape)
    x.reshape(-1)[:8] = [-1, -32768, 32767, 0, -2, 1, -16384, 16384][: x.size]
    return x.astype(np.float32)


def weights_and_shifts(
    rng: np.random.Generator, terms: int, channels: int, mode: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per output channel a weight amplitude `2^a`, a shift in the mode's
    range that keeps most results of `terms` products inside int16 (some
    saturate), and a bias: mostly moderate, every fifth channel `+-(2^45 -
    1)` (those saturate and, for shifts in [2, 16], wrap the 48-bit
    product of the readout)."""
    lo, hi = SHIFTS[mode]
    bits = np.log2(terms * 65535.0)
    top = 15 if mode == "high" else max(0, int(np.floor(31 - bits)))
    amp = rng.integers(0, top + 1, channels)
    spread = np.ceil(bits + amp - np.log2(terms) / 2) - 15
    shifts = np.clip(spread + rng.integers(-1, 2, channels), lo, hi).astype(np.int64)
    bias = np.array(
        [int(rng.integers(-(1 << (s + 13)), 1 << (s + 13))) for s in shifts],
        dtype=np.int64,
    )
    bias[::5] = np.where(np.arange(channels)[::5] % 2 == 0, WIDE_BIAS, -WIDE_BIAS)
    return amp, shifts, bias


def check(
    module: ModuleOp,
    x: np.ndarray,
    z64: int,
    kind: type[TileMatmulOp] | type[TileWindowOp],
) -> np.ndarray:
    """sim == golden (all of `x`), z64 == golden on `z64` samples; no layer
    left on the CPU."""
    golden = run_int_raw(module, {"input": x})["output"][0]
    tiled = tile(module.clone())
    assert not any(isinstance(o, QGemmOp | QConv2dOp) for o in tiled.walk())
    kernels = [o for o in tiled.walk() if isinstance(o, kind)]
    assert kernels and all(o.acc48 is not None for o in kernels)
    program = build_rsp_program(lower(module.clone()), measure=False)
    sim = run_rsp_program(program, {"input": x}, engine="sim")["output"]
    np.testing.assert_array_equal(sim, golden)
    if z64:
        real = run_rsp_program(program, {"input": x[:z64]}, engine="z64")["output"]
        np.testing.assert_array_equal(real, golden[:z64])
    return golden


def in_range_share(y: np.ndarray) -> float:
    return float(np.mean((y > -32768) & (y < 32767)))


# (M, K, N, mode, clamp index, z64 samples): one chunk, several chunks of a
# long row (K = 1000: 8 chunks), several rows of x (the tile-0 copy), whole
# output rows in DMEM or 8 results at a time (N = 600)
GEMM_CASES = [
    (1, 16, 8, "low", 0, 1),
    (1, 16, 8, "high", 1, 1),
    (2, 300, 20, "low", 2, 1),
    (2, 300, 20, "high", 0, 1),
    (1, 1000, 12, "low", 1, 1),
    (1, 1000, 12, "high", 2, 1),
    (3, 64, 17, "high", 0, 0),
    (1, 40, 600, "low", 0, 0),
]


@pytest.mark.parametrize(("m", "k", "n", "mode", "clamp", "z64"), GEMM_CASES)
def test_acc48_gemm_matches_golden_and_z64(
    m: int, k: int, n: int, mode: str, clamp: int, z64: int
) -> None:
    rng = np.random.default_rng(7 * k + n + (mode == "high"))
    amp, shifts, bias = weights_and_shifts(rng, k, n, mode)
    bound = np.left_shift(1, amp)
    w = rng.integers(-bound, bound + 1, (k, n)).clip(-32768, 32767).astype(np.int16)
    module = qgemm_module(
        w, bias, shifts, CLAMPS[clamp], rows=m, in_frac=0, out_frac=0, wide=True
    )
    golden = check(module, raw_inputs(rng, (4, m, k)), z64, TileMatmulOp)
    assert in_range_share(golden) > 0.3


def test_acc48_gemm_without_bias() -> None:
    rng = np.random.default_rng(5)
    amp, shifts, _ = weights_and_shifts(rng, 24, 9, "low")
    w = rng.integers(-(1 << amp), (1 << amp) + 1, (24, 9)).astype(np.int16)
    module = qgemm_module(w, None, shifts, in_frac=0, out_frac=0, wide=True)
    check(module, raw_inputs(rng, (3, 1, 24)), 1, TileMatmulOp)


@pytest.mark.parametrize("mode", ["low", "high"])
def test_acc48_extremes(mode: str) -> None:
    """The largest products (u16 65535 or 32768 by -32768 / 32767), biases
    of +-(2^45 - 1) and both ends of the shift range: sums far beyond 2^31
    (the low readout's `sclamp` saturates), sat16 clips both ways."""
    k, n = 24, 16
    w = np.full((k, n), 32767, dtype=np.int16)
    w[:, 1::2] = -32768
    bias = np.where(np.arange(n) % 4 < 2, WIDE_BIAS, -WIDE_BIAS).astype(np.int64)
    bias[12:] = [1, -1, 0, 1 << 20]
    lo, hi = SHIFTS[mode]
    shifts = np.where(np.arange(n) < 8, lo, hi)
    module = qgemm_module(w, bias, shifts, in_frac=0, out_frac=0, wide=True)
    x = np.stack(
        [
            np.full((1, k), -1.0),  # u16 65535
            np.full((1, k), -32768.0),  # u16 32768
            np.full((1, k), 32767.0),
            np.zeros((1, k)),
            np.tile([-1.0, 0.0, 1.0], (1, k // 3)),
        ]
    ).astype(np.float32)
    golden = check(module, x, 2, TileMatmulOp)
    assert (golden == 32767).any() and (golden == -32768).any()


def test_acc48_requantisation_is_the_saturated_shift() -> None:
    """Both readouts give `sat16(wrap_int48(acc) >> s)`: a sum of 2^40
    saturates at every shift, one wrapping 48 bits changes sign."""
    acc = np.array([1 << 40, -(1 << 40), (1 << 31) - 1, -(1 << 31), 1 << 47, 5])
    for s in (2, 16, 18, 32):
        got = requantize_wide(acc, np.array(s), -32768, 32767)
        want = np.clip(wrap_int32(acc, None, 48) >> s, -32768, 32767)
        assert got.tolist() == want.tolist()
    low = requantize_wide(acc, np.array(16), -32768, 32767).tolist()
    assert low == [32767, -32768, 32767, -32768, -32768, 0]


# (x shape, O, kernel, strides, pads, dilations, group, mode, clamp, z64)
CONV_CASES = [
    # one input channel: weight rows held in registers
    ((1, 1, 8, 8), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, "low", 1, 1),
    ((2, 5, 7, 5), 9, (3, 2), (2, 1), (0, 1, 1, 0), (1, 1), 1, "high", 0, 1),
    ((1, 8, 9, 9), 8, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2), 1, "high", 2, 1),
    ((1, 6, 5, 7), 6, (3, 3), (1, 2), (1, 0, 1, 2), (1, 1), 3, "low", 0, 1),
    # depthwise
    ((1, 12, 6, 6), 12, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 12, "low", 1, 1),
    ((1, 20, 9, 7), 20, (5, 5), (2, 1), (2, 2, 2, 2), (1, 1), 20, "high", 0, 1),
    # channel slices, partial sums across chunks
    ((1, 40, 6, 6), 20, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, "low", 0, 1),
    ((1, 40, 6, 6), 20, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, "high", 1, 0),
    ((1, 24, 5, 5), 11, (5, 5), (1, 1), (2, 2, 2, 2), (1, 1), 1, "high", 0, 0),
    ((1, 96, 3, 3), 10, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 2, "low", 2, 0),
    ((1, 4, 6, 6), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 4, "high", 1, 0),
    # column tiles (a band of whole rows does not fit)
    ((1, 64, 4, 60), 8, (3, 3), (1, 2), (1, 1, 1, 1), (1, 1), 1, "low", 1, 0),
]


def _conv_geometry(case: tuple[Any, ...]) -> WindowGeometry:
    x_shape, o, kernel, strides, pads, dil, group, *_ = case
    depthwise = group == x_shape[1] == o
    return plan_window(
        "conv", x_shape, o, kernel, strides, pads, dil, "l", 4064, depthwise, True
    )


def test_acc48_conv_cases_cover_every_code_path() -> None:
    """The conv cases exercise, with 64-byte tile headers and 48-byte
    partial sums: one chunk per group and partial sums, channel slices,
    chunk levels 0 and 1, several spatial tiles, column tiles, depthwise,
    resident and streamed weights, both shift ranges."""
    seen = set()
    for case in CONV_CASES:
        g = _conv_geometry(case)
        for key in ("depthwise", "resident", "partial", "level"):
            seen.add((key, getattr(g, key)))
        seen.add(("sliced", g.slices > 1))
        seen.add(("tiled", g.tiles > 1))
        seen.add(("columns", g.col_tiles > 1))
        seen.add(("mode", case[7]))
    assert {("partial", True), ("partial", False), ("sliced", True)} <= seen
    assert {("level", 0), ("level", 1), ("tiled", True), ("depthwise", 1)} <= seen
    assert {("resident", 0), ("resident", 1), ("columns", True)} <= seen
    assert {("mode", "low"), ("mode", "high")} <= seen


@pytest.mark.parametrize(
    (
        "x_shape",
        "o",
        "kernel",
        "strides",
        "pads",
        "dilations",
        "group",
        "mode",
        "clamp",
        "z64",
    ),
    CONV_CASES,
)
def test_acc48_conv_matches_golden_and_z64(
    x_shape: tuple[int, int, int, int],
    o: int,
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
    group: int,
    mode: str,
    clamp: int,
    z64: int,
) -> None:
    rng = np.random.default_rng(sum(x_shape) * 100 + o + (mode == "high"))
    c = x_shape[1]
    terms = c // group * kernel[0] * kernel[1]
    amp, shifts, bias = weights_and_shifts(rng, terms, o, mode)
    bound = np.left_shift(1, amp)[:, None, None, None]
    w = rng.integers(-bound, bound + 1, (o, c // group, *kernel))
    module = qconv_module(
        x_shape,
        w.clip(-32768, 32767).astype(np.int16),
        bias,
        [int(s) for s in shifts],
        strides=strides,
        pads=pads,
        dilations=dilations,
        group=group,
        clamp=CLAMPS[clamp],
        in_frac=0,
        out_frac=0,
        wide=True,
    )
    golden = check(module, raw_inputs(rng, (2, *x_shape)), z64, TileWindowOp)
    assert in_range_share(golden) > 0.3


def _relu_stack(kind: str) -> onnx.ModelProto:
    """A layer, Relu, then a layer with many non-negative products (its
    sums grow with the terms): the quantiser gives the second one `acc48`."""
    rng = np.random.default_rng(0)
    if kind == "gemm":
        shape, hidden = [1, 16], 512
        w0 = rng.normal(size=(16, hidden))
        w1 = rng.uniform(0.0, 1.0, (hidden, 10)) / hidden
        nodes = [
            helper.make_node("Gemm", ["input", "w0", "b0"], ["h"]),
            helper.make_node("Relu", ["h"], ["r"]),
            helper.make_node("Gemm", ["r", "w1", "b1"], ["output"]),
        ]
        out_shape = [1, 10]
    else:
        shape, hidden = [1, 2, 6, 6], 64
        w0 = rng.normal(size=(hidden, 2, 3, 3))
        w1 = rng.uniform(0.0, 1.0, (8, hidden, 3, 3)) / (9 * hidden)
        nodes = [
            helper.make_node("Conv", ["input", "w0", "b0"], ["h"], pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["h"], ["r"]),
            helper.make_node("Conv", ["r", "w1", "b1"], ["output"], pads=[1, 1, 1, 1]),
        ]
        out_shape = [1, 8, 6, 6]
    arrays = {
        "w0": w0,
        "b0": rng.normal(size=hidden) * 0.1,
        "w1": w1,
        "b1": rng.normal(size=w1.shape[1 if kind == "gemm" else 0]) * 0.1,
    }
    graph = helper.make_graph(
        nodes,
        f"acc48_{kind}",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_shape)],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in arrays.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


@pytest.mark.parametrize("kind", ["gemm", "conv"])
def test_quantised_acc48_layers_run_on_the_rsp(kind: str) -> None:
    model = _relu_stack(kind)
    compiled = compile_model(model)
    quantized = compiled.quantized
    assert quantized is not None
    layers = [o for o in quantized.walk() if isinstance(o, QGemmOp | QConv2dOp)]
    assert any(o.wide for o in layers) and not all(o.wide for o in layers)
    assert not any(isinstance(o, QGemmOp | QConv2dOp) for o in compiled.module.walk())
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(1).uniform(-1.0, 1.0, (4, *shape)).astype(np.float32)
    golden = run_int_raw(quantized, {"input": x})["output"][0]
    np.testing.assert_array_equal(compiled.run(x, "sim"), compiled.run(x, "int"))
    sim = run_rsp_program(compiled.program, {"input": x}, engine="sim")["output"]
    np.testing.assert_array_equal(sim, golden)
    real = run_rsp_program(compiled.program, {"input": x[:1]}, engine="z64")
    np.testing.assert_array_equal(real["output"], golden[:1])


@pytest.mark.parametrize(("level", "resident", "mode"), [(0, 1, "low"), (1, 0, "high")])
def test_acc48_partial_sums_first_middle_and_last_chunk(
    monkeypatch: pytest.MonkeyPatch, level: int, resident: int, mode: str
) -> None:
    """48-bit sums across chunks: the group's first chunk starts with the
    whole bias (`c0` too), the last one requantises in place; two chunks
    (resident weights) and six (streamed)."""
    x_shape, o = (1, 16, 3, 4), 8
    g = partial_geometry(x_shape, o, level, 1, resident, wide=True)
    assert g.partial and g.slices_per_group * g.chunks == (2 if level == 0 else 6)
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(level + 2 * resident)
    amp, shifts, bias = weights_and_shifts(rng, 16 * 9, o, mode)
    bound = np.left_shift(1, amp)[:, None, None, None]
    w = rng.integers(-bound, bound + 1, (o, 16, 3, 3))
    module = qconv_module(
        x_shape,
        w.clip(-32768, 32767).astype(np.int16),
        bias,
        [int(s) for s in shifts],
        pads=(1, 1, 1, 1),
        in_frac=0,
        out_frac=0,
        wide=True,
    )
    golden = check(module, raw_inputs(rng, (2, *x_shape)), 1, TileWindowOp)
    assert in_range_share(golden) > 0.3
