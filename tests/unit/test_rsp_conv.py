"""Convolution and max-pool layers on the RSP: simulator, golden integer
model and z64 agree bit for bit on random layers (shapes, strides, pads,
dilations, groups, depthwise, with and without Relu); every layer of the
CNN example runs on the RSP and matches the golden model on the held-out
split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, TensorType, f32
from xdsl.ir import Block, Region, SSAValue

import n64c
import n64c.backend.window_lowering as window_lowering
import n64c.passes.conv_kernel_choice as conv_kernel_choice
import n64c.passes.window_tiles as window_tiles
from n64c.backend.conv_layer import qavgpool_module, qconv_module, qmaxpool_module
from n64c.backend.rsp_program import build_rsp_program, run_rsp_program
from n64c.backend.window_lowering import (
    POOL_VECTORS,
    global_pool_chunk,
    partial_unroll,
    pool_unroll,
)
from n64c.dialects.n64_graph import ConstantOp
from n64c.dialects.n64_quant import (
    DequantizeOp,
    QAddOp,
    QAvgPoolOp,
    QClampOp,
    QConv2dOp,
    QMaxPoolOp,
    QuantizeOp,
)
from n64c.dialects.n64_tile import RspInvokeOp, TileWindowOp
from n64c.errors import BudgetError
from n64c.passes.allocate_dmem import AllocateDmemPass
from n64c.passes.lower_to_rsp import LowerToRspPass
from n64c.passes.plan_rdram import PlanRdramPass
from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.passes.window_tiles import plan_window
from n64c.sim.int_engine import run_int_raw


def force_plan(monkeypatch: pytest.MonkeyPatch, g: window_tiles.WindowGeometry) -> None:
    """Make tile-for-dmem plan every conv as `g`, unfolded (a folded first
    layer is a conv of another shape)."""
    monkeypatch.setattr(window_tiles, "plan_window", lambda *_a, **_k: g)
    monkeypatch.setattr(conv_kernel_choice, "folds", lambda _op: [])


def lower(module: ModuleOp) -> ModuleOp:
    ctx = Context()
    TileForDmemPass().apply(ctx, module)
    AllocateDmemPass().apply(ctx, module)
    PlanRdramPass().apply(ctx, module)
    LowerToRspPass().apply(ctx, module)
    RspAllocateRegistersPass().apply(ctx, module)
    RspSchedulePass().apply(ctx, module)
    return module


def random_conv(
    rng: np.random.Generator,
    x_shape: tuple[int, int, int, int],
    out_channels: int,
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
    group: int,
    relu: bool,
) -> ModuleOp:
    c = x_shape[1]
    w = rng.integers(-4000, 4000, (out_channels, c // group, *kernel)).astype(np.int16)
    b = rng.integers(-(1 << 27), 1 << 27, out_channels).astype(np.int32)
    return qconv_module(
        x_shape,
        w,
        b,
        [int(s) for s in rng.integers(6, 17, out_channels)],
        strides=strides,
        pads=pads,
        dilations=dilations,
        group=group,
        clamp=(0, 32767) if relu else (-32768, 32767),
    )


def check(module: ModuleOp, x: np.ndarray, z64: int) -> None:
    golden = run_int_raw(module, {"input": x})["output"][0]
    lowered = lower(module.clone())
    leftover = (QConv2dOp, QMaxPoolOp, QAvgPoolOp, TileWindowOp)
    assert not any(isinstance(o, leftover) for o in lowered.walk())
    program = build_rsp_program(lowered, measure=False)
    sim = run_rsp_program(program, {"input": x}, engine="sim")["output"]
    np.testing.assert_array_equal(sim, golden)
    if z64:
        real = run_rsp_program(program, {"input": x[:z64]}, engine="z64")["output"]
        np.testing.assert_array_equal(real, golden[:z64])


# (x shape, O, kernel, strides, pads, dilations, group, relu, z64 samples)
CONV_CASES = [
    ((1, 1, 8, 8), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True, 1),
    ((2, 5, 7, 5), 9, (3, 2), (2, 1), (0, 1, 1, 0), (1, 1), 1, False, 1),
    ((1, 8, 9, 9), 8, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2), 1, True, 1),
    ((1, 6, 5, 7), 6, (3, 3), (1, 2), (1, 0, 1, 2), (1, 1), 3, False, 1),
    ((1, 12, 6, 6), 12, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 12, True, 1),
    ((1, 40, 6, 6), 20, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, False, 1),
    ((1, 24, 5, 5), 11, (5, 5), (1, 1), (2, 2, 2, 2), (1, 1), 1, True, 0),
    ((1, 96, 3, 3), 10, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 2, False, 0),
    ((1, 20, 9, 7), 20, (5, 5), (2, 1), (2, 2, 2, 2), (1, 1), 20, False, 1),
    ((1, 4, 6, 6), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 4, True, 0),
    # a 5x5 window of stride 2 split over two kernels, in column tiles: the
    # ring of 7 band rows leaves two scalar registers for the transfers
    # queued inside the pixel loop (this shape once ran out of them)
    ((1, 16, 20, 20), 24, (5, 5), (2, 2), (2, 2, 2, 2), (1, 1), 1, True, 1),
    # a 7x7 window of dilation 2 in partial-sum chunks: seven nested loop
    # counters live around the pixel loop (this shape once ran out too)
    ((1, 16, 9, 9), 32, (7, 7), (1, 1), (6, 6, 6, 6), (2, 2), 1, True, 1),
]


@pytest.fixture(params=["planner", "banded"])
def kernels(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each case runs with the planner's choice and with strips disabled (so
    the banded channels-on-lanes kernel meets every case too)."""
    if request.param == "banded":
        monkeypatch.setattr(window_tiles, "_strip_geometries", lambda *_: [])
    return request.param


@pytest.mark.parametrize(
    ("x_shape", "o", "kernel", "strides", "pads", "dilations", "group", "relu", "z64"),
    CONV_CASES,
)
def test_random_conv_matches_golden_and_z64(
    kernels: str,
    x_shape: tuple[int, int, int, int],
    o: int,
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
    group: int,
    relu: bool,
    z64: int,
) -> None:
    rng = np.random.default_rng(sum(x_shape) * 100 + o)
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, group, relu)
    x = rng.uniform(-8.0, 8.0, (3, *x_shape)).astype(np.float32)
    check(module, x, z64)


def test_conv_cases_cover_every_code_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cases above, with the planner's choice and with strips disabled,
    exercise one chunk per group, partial sums across chunks, channel
    slices, chunk levels 0 and 1, several spatial tiles, the depthwise (lane
    by lane) kernel, weights resident or streamed, and strips."""
    seen = set()
    strips = window_tiles._strip_geometries
    for variant in (strips, lambda *_: []):
        monkeypatch.setattr(window_tiles, "_strip_geometries", variant)
        for x_shape, o, kernel, strides, pads, dilations, group, *_ in CONV_CASES:
            depthwise = group == x_shape[1] == o
            g = plan_window(
                "conv", x_shape, o, kernel, strides, pads, dilations, "l", 4064,
                depthwise,
            )  # fmt: skip
            seen.add(("depthwise", g.depthwise))
            seen.add(("resident", g.resident))
            seen.add(("partial", g.partial))
            seen.add(("sliced", g.slices > 1))
            seen.add(("level", g.level))
            seen.add(("tiled", g.tiles > 1))
            if g.partial:
                seen.add(("unroll", partial_unroll(g)))
    assert {("partial", True), ("partial", False), ("sliced", True)} <= seen
    assert ("unroll", 1) in seen  # two pixels a trip: the partial-sum tests
    assert {("level", 0), ("level", 1), ("tiled", True), ("depthwise", 1)} <= seen
    assert {("resident", 0), ("resident", 1), ("resident", 2)} <= seen


POOL_CASES = [
    ((1, 3, 8, 8), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1)),
    ((2, 10, 7, 9), (3, 3), (2, 1), (1, 1, 1, 1), (1, 1)),
    ((1, 40, 9, 6), (2, 3), (1, 2), (0, 1, 1, 1), (2, 1)),
    # a 225-element window over 32 channels: its unrolled code must fit IMEM
    ((1, 32, 15, 15), (15, 15), (1, 1), (0, 0, 0, 0), (1, 1)),
    # trips of 4 pixels and a remainder of 3 (LeNet-5's pools); of 3 pixels
    # of two channel blocks and a remainder of 1
    ((2, 8, 10, 14), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1)),
    ((1, 16, 8, 8), (2, 2), (1, 1), (0, 0, 0, 0), (1, 1)),
]


@pytest.mark.parametrize(
    ("x_shape", "kernel", "strides", "pads", "dilations"), POOL_CASES
)
def test_maxpool_matches_golden_and_z64(
    x_shape: tuple[int, int, int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
) -> None:
    rng = np.random.default_rng(sum(x_shape))
    module = qmaxpool_module(
        x_shape, kernel, strides=strides, pads=pads, dilations=dilations
    )
    # large negative values too: padding (-32768) must never win
    x = rng.uniform(-40.0, 8.0, (3, *x_shape)).astype(np.float32)
    check(module, x, 1)


def test_max_pool_trips_cover_trees_and_running_maxima() -> None:
    """The cases above load a trip's window vectors and compare them
    pairwise (one pixel or several a trip, with and without a remainder)
    or, with more vectors than `POOL_VECTORS`, keep running maxima."""
    seen = set()
    for x_shape, kernel, strides, pads, dilations in POOL_CASES:
        g = plan_window(
            "maxpool", x_shape, x_shape[1], kernel, strides, pads, dilations, "l", 4064
        )
        unroll = pool_unroll("maxpool", g)
        seen.add(("unrolled", unroll > 1))
        seen.add(("remainder", g.tile_cols % unroll > 0))
        seen.add(("running", unroll * g.kh * g.kw * g.slice_blocks > POOL_VECTORS))
    assert seen == {(key, flag) for key in ("unrolled", "remainder", "running")
                    for flag in (True, False)}  # fmt: skip


def test_unrolled_max_pool_saves_cycles(monkeypatch: pytest.MonkeyPatch) -> None:
    """LeNet-5's first pool (2x2, stride 2, 6 channels on 24x24): four
    pixels a trip, their compares level by level, take at least a fifth
    fewer cycles than one pixel a trip (the layer's transfers stay)."""
    module = qmaxpool_module((1, 6, 24, 24), (2, 2), strides=(2, 2))
    cycles = []
    for unroll in (window_lowering.POOL_UNROLL, 1):
        monkeypatch.setattr(window_lowering, "POOL_UNROLL", unroll)
        cycles.append(build_rsp_program(lower(module.clone()), measure=True).cycles)
    assert cycles[0] * 5 < cycles[1] * 4


# (x shape, kernel, strides, pads, multiplier, shift): global average pools
# (the window is the whole image: summed in chunks of whole pixels, the
# DS-CNN and ResNet-8 shapes, two images of 20 channels; a 3x3 one slice by
# slice) and strided / padded windows.
AVG_CASES = [
    ((1, 12, 7, 7), (7, 7), (1, 1), (0, 0, 0, 0), 21399, 20 - 4),
    ((1, 64, 25, 5), (25, 5), (25, 5), (0, 0, 0, 0), 524, 16),
    ((1, 64, 8, 8), (8, 8), (8, 8), (0, 0, 0, 0), 1024, 16),
    ((2, 20, 5, 7), (5, 7), (5, 7), (0, 0, 0, 0), 1872, 16),
    ((1, 64, 3, 3), (3, 3), (3, 3), (0, 0, 0, 0), 7282, 16),
    ((2, 5, 6, 9), (2, 3), (2, 2), (1, 1, 1, 0), 32767, 16),
    ((1, 33, 5, 5), (3, 3), (1, 1), (1, 1, 1, 1), 7282, 16),
]


@pytest.mark.parametrize(("x_shape", "kernel", "strides", "pads", "m", "s"), AVG_CASES)
def test_avgpool_matches_golden_and_z64(
    x_shape: tuple[int, int, int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    m: int,
    s: int,
) -> None:
    rng = np.random.default_rng(sum(x_shape) + m)
    module = qavgpool_module(x_shape, kernel, m, s, strides=strides, pads=pads)
    g = plan_window(
        "avgpool", x_shape, x_shape[1], kernel, strides, pads, (1, 1), "l", 4064
    )
    chunked = global_pool_chunk("avgpool", g) > 0
    assert chunked == (kernel == x_shape[2:] and x_shape[2] > 3)
    # full-scale values: sums overflow 16 bits, results saturate
    x = rng.uniform(-32.0, 32.0, (3, *x_shape)).astype(np.float32)
    check(module, x, 1)


def test_cnn_example_on_the_rsp_bit_exact(examples_dir: Path) -> None:
    """Every layer of the digits CNN runs on the RSP, in two runs (both
    convs in strips: their code and the Gemm's do not fit one IMEM), with
    nothing for the CPU between them."""
    cm = n64c.compile(
        examples_dir / "cnn_digits.onnx",
        calibration=examples_dir / "cnn_digits_calib.npy",
    )
    program = cm.program
    assert [i.layers for i in program.invocations] == [
        ("conv0", "maxpool0", "conv1"),
        ("gemm0",),
    ]
    cpu = {o.name for o in program.cpu_ops}
    # the first conv runs in strips (by the estimates a little faster than
    # pixels on lanes for an 8x8 image): its input is made channels-last
    assert cpu == {"n64.quantize", "n64.qtranspose", "n64.dequantize"}
    heldout = np.load(examples_dir / "digits_heldout.npz")["X"].astype(np.float32)
    x = heldout.reshape(len(heldout), *cm.input_shapes[0])
    np.testing.assert_array_equal(cm.run(x, engine="sim"), cm.run(x, engine="int"))


def residual_block(rng: np.random.Generator, shape: tuple[int, ...]) -> ModuleOp:
    """conv -> Relu (a separate qclamp) -> conv -> residual add."""
    c = shape[1]
    block = Block(arg_types=[TensorType(f32, list(shape))])
    quant = QuantizeOp(block.args[0], 12)
    block.add_op(quant)

    def conv(value: SSAValue, frac: int) -> SSAValue:
        w = ConstantOp.from_numpy(
            rng.integers(-3000, 3000, (c, c, 3, 3)).astype(np.int16)
        )
        b = ConstantOp.from_numpy(rng.integers(-(1 << 20), 1 << 20, c).astype(np.int32))
        op = QConv2dOp(
            value, w.result, b.result, (1, 1), (1, 1, 1, 1), (1, 1), 1,
            [14] * c, [14 + 10 - frac] * c, 10,
        )  # fmt: skip
        block.add_ops([w, b, op])
        return op.output

    first = conv(quant.results[0], 12)
    relu = QClampOp(first, 10, (0, 32767))
    block.add_op(relu)
    second = conv(relu.results[0], 10)
    add = QAddOp(second, relu.results[0], 0, 0, 2, 8, shape, (-32768, 32767))
    deq = DequantizeOp(add.results[0], 8)
    block.add_ops([add, deq, func.ReturnOp(deq.results[0])])
    typ = TensorType(f32, list(shape))
    fn = func.FuncOp("main", ([typ], [typ]), Region(block))
    fn.attributes["n64.input_names"] = ArrayAttr([StringAttr("input")])
    fn.attributes["n64.output_names"] = ArrayAttr([StringAttr("output")])
    return ModuleOp([fn])


def test_residual_block_is_one_rsp_run() -> None:
    """Element-wise ops between RSP conv layers run channels-last too: only
    the entry and exit transposes are left for the CPU."""
    rng = np.random.default_rng(7)
    module = residual_block(rng, (1, 8, 6, 6))
    x = rng.uniform(-4.0, 4.0, (3, 1, 8, 6, 6)).astype(np.float32)
    golden = run_int_raw(module, {"input": x})["output"][0]
    program = build_rsp_program(lower(module.clone()), measure=False)
    assert [i.layers for i in program.invocations] == [
        ("conv0", "clamp0", "conv1", "add0")
    ]
    assert [o.name for o in program.cpu_ops].count("n64.qtranspose") == 2
    sim = run_rsp_program(program, {"input": x}, engine="sim")["output"]
    np.testing.assert_array_equal(sim, golden)
    real = run_rsp_program(program, {"input": x[:1]}, engine="z64")["output"]
    np.testing.assert_array_equal(real, golden[:1])


def test_wide_images_use_column_tiles() -> None:
    """Bands of whole rows too wide for DMEM: one output row per tile, fewer
    columns, the band's columns from the column table (edges padded)."""
    rng = np.random.default_rng(3)
    module = random_conv(
        rng, (1, 64, 4, 60), 8, (3, 3), (1, 2), (1, 1, 1, 1), (1, 1), 1, True
    )
    g = plan_window(
        "conv", (1, 64, 4, 60), 8, (3, 3), (1, 2), (1, 1, 1, 1), (1, 1), "l", 4064
    )
    assert g.col_tiles > 1 and g.tile_rows == 1
    x = rng.uniform(-8.0, 8.0, (2, 1, 64, 4, 60)).astype(np.float32)
    check(module, x, 1)
    pool = qmaxpool_module((1, 40, 5, 90), (3, 3), strides=(1, 1), pads=(1, 1, 1, 1))
    x = rng.uniform(-40.0, 8.0, (2, 1, 40, 5, 90)).astype(np.float32)
    check(pool, x, 1)


def test_conv_too_large_for_dmem_stays_on_cpu() -> None:
    """A window whose band does not fit DMEM even for one output pixel: the
    planner names the layer and `tile-for-dmem` leaves it on the CPU."""
    shape, kernel, dil = (1, 8, 40, 40), (15, 15), (2, 2)
    with pytest.raises(BudgetError, match="layer conv0: the conv needs"):
        plan_window("conv", shape, 8, kernel, (1, 1), (0, 0, 0, 0), dil, "conv0", 4064)
    rng = np.random.default_rng(0)
    module = random_conv(rng, shape, 8, kernel, (1, 1), (0, 0, 0, 0), dil, 1, False)
    lowered = lower(module.clone())
    assert any(isinstance(o, QConv2dOp) for o in lowered.walk())
    assert not any(isinstance(o, RspInvokeOp) for o in lowered.walk())


def partial_geometry(
    x_shape: tuple[int, int, int, int],
    o: int,
    level: int,
    slice_blocks: int,
    resident: int,
    wide: bool = False,
) -> window_tiles.WindowGeometry:
    """A banded 3x3 stride-1 pad-1 conv geometry of whole images with the
    given chunk level, slice width and weight residency."""
    n, c, h, w = x_shape
    return window_tiles._geometry(
        n=n, h=h, w=w, cp=-(-c // 8) * 8, oh=h, ow=w, op=-(-o // 8) * 8, kh=3,
        kw=3, sh=1, sw=1, dh=1, dw=1, pt=1, pl=1, wp=w + 2, tile_rows=h,
        slice_blocks=slice_blocks, level=level, c=c, depthwise=0,
        resident=resident, tile_cols=w, wide=wide,
    )  # fmt: skip


# (output channels, level, slice_blocks, resident, chunks per group)
PARTIAL_CASES = [
    (8, 0, 1, 1, 2),
    (16, 0, 1, 0, 2),
    (8, 1, 1, 1, 6),
    (16, 2, 2, 0, 9),
]


@pytest.mark.parametrize(
    ("o", "level", "slice_blocks", "resident", "chunks"), PARTIAL_CASES
)
def test_partial_sums_first_middle_and_last_chunk(
    monkeypatch: pytest.MonkeyPatch,
    o: int,
    level: int,
    slice_blocks: int,
    resident: int,
    chunks: int,
) -> None:
    """A group's first chunk starts its sums with the bias, a middle one
    restores and saves them, the last one restores them and requantises in
    place: groups of two chunks (no middle one) and of several, over one
    and two channel slices, one and two groups, weights resident and
    streamed; two pixels a loop trip (the random cases above cover one)."""
    x_shape = (1, 16, 3, 4)
    g = partial_geometry(x_shape, o, level, slice_blocks, resident)
    assert g.partial and g.slices_per_group * g.chunks == chunks
    assert partial_unroll(g) == 2
    assert window_tiles.window_dmem_bytes("conv", g) <= 4064 - 16
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(level * 10 + slice_blocks + resident)
    module = random_conv(
        rng, x_shape, o, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, level == 0
    )
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)


@pytest.mark.parametrize(
    ("chunks_level", "extreme"), [(0, False), (2, False), (2, True)]
)
def test_partial_sums_alternate_signs_unless_a_weight_is_int16_min(
    monkeypatch: pytest.MonkeyPatch, chunks_level: int, extreme: bool
) -> None:
    """The chunks of a group alternate the sign of their sums, the last one
    positive (every other chunk's weights negated, and the first chunk's
    bias when it is negative; a restore is four multiplies by -32768), for
    even (2) and odd (9) chunk counts; a weight of -32768, which has no
    int16 negation, keeps the plain restore. Bit-exact either way."""
    x_shape = (1, 16, 3, 4)
    g = partial_geometry(x_shape, 16, chunks_level, 1 if chunks_level == 0 else 2, 0)
    assert g.partial
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(chunks_level + extreme)
    w = rng.integers(-9000, 9000, (16, 16, 3, 3)).astype(np.int16)
    if extreme:
        w[3, 5, 1, 1] = -32768
    module = qconv_module(
        x_shape,
        w,
        rng.integers(-(1 << 26), 1 << 26, 16).astype(np.int32),
        [int(s) for s in rng.integers(10, 16, 16)],
        pads=(1, 1, 1, 1),
        clamp=(-30000, 30000),
    )
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    (op,) = [o for o in tiled.walk() if isinstance(o, TileWindowOp)]
    assert (op.alternating is not None) == (not extreme)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)
