"""Dense convolutions in strips (`resident` 2 or 3, `strip_conv_lowering`):
the simulator, the golden integer model and z64 agree bit for bit on random
layers (kernel sizes, strides, pads, dilations, groups, channel counts not
multiples of 8, with and without Relu, every column-tile width that fits),
and the planner picks strips where they are the fastest kernel."""

from __future__ import annotations

import numpy as np
import pytest
from test_rsp_conv import check, force_plan, lower, random_conv
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

import n64c.backend.strip_conv_lowering as strip_conv_lowering
import n64c.passes.window_tiles as window_tiles
from n64c.backend.conv_layer import qconv_module
from n64c.backend.depthwise_lowering import pad_band_columns, rows_wrap
from n64c.backend.rsp_asm import print_asm
from n64c.backend.rsp_encode import find_programs
from n64c.backend.rsp_program import build_rsp_program
from n64c.backend.strip_conv_lowering import (
    HELD_ROWS,
    LONG_TRIP_MACS,
    strip_chain_rows,
    strip_macs,
    strip_unroll,
)
from n64c.dialects.n64_tile import (
    RspInvokeOp,
    TileKernelOp,
    TileWindowOp,
    WindowGeometry,
)
from n64c.dialects.rsp_base import RspInstruction
from n64c.passes.allocate_dmem import AllocateDmemPass
from n64c.passes.lower_to_rsp import IMEM_BYTES, LowerToRspPass, _pack
from n64c.passes.plan_rdram import PlanRdramPass
from n64c.passes.tile_constants import round_bias
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.passes.window_tiles import plan_window
from n64c.sim.int_engine import run_int_raw

DMEM = 4064

Case = tuple[
    tuple[int, int, int, int],  # x shape
    int,  # output channels
    tuple[int, int],  # kernel
    tuple[int, int],  # strides
    tuple[int, int, int, int],  # pads
    tuple[int, int],  # dilations
    int,  # group
    bool,  # relu
]


def strip_geometries(case: Case) -> list[WindowGeometry]:
    x_shape, o, kernel, strides, pads, dilations, *_ = case
    return [
        g
        for g in window_tiles._strip_geometries(
            window_tiles.StripShape(
                x_shape, window_tiles.round_up(o, 8), kernel, strides, dilations, pads
            )
        )
        if window_tiles.window_dmem_bytes("conv", g) <= DMEM - 16
    ]


def random_cases(count: int, seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases: list[Case] = []
    while len(cases) < count:
        kh, kw = (int(v) for v in rng.integers(1, 6, 2))
        group = int(rng.choice([1, 1, 1, 2, 3]))
        c = group * int(rng.integers(1, 25 // group + 1))
        o = group * int(rng.integers(1, 25 // group + 1))
        h, w = (int(v) for v in rng.integers(max(kh, kw) + 1, 14, 2))
        strides = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        dilations = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        if (kh - 1) * dilations[0] >= h or (kw - 1) * dilations[1] >= w:
            continue
        pt, pl, pb, pr = (int(v) for v in rng.integers(0, 3, 4))
        pads = (pt, pl, pb, pr)
        batch = int(rng.integers(1, 3))
        relu = bool(rng.integers(0, 2))
        case: Case = (
            (batch, c, h, w), o, (kh, kw), strides, pads, dilations, group, relu,
        )  # fmt: skip
        if strip_geometries(case) and group < c:
            cases.append(case)
    return cases


CASES = random_cases(14, seed=2026)
Z64_CASES = 4
"""The first cases also run on the real RSP core (z64)."""


@pytest.mark.parametrize("index", range(len(CASES)))
def test_random_strip_conv_matches_golden_and_z64(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[index]
    x_shape, o, kernel, strides, pads, dilations, group, relu = case
    geometries = strip_geometries(case)
    rng = np.random.default_rng(index)
    g = geometries[int(rng.integers(0, len(geometries)))]
    force_plan(monkeypatch, g)
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, group, relu)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1 if index < Z64_CASES else 0)


@pytest.mark.parametrize(
    ("cols", "resident", "batch"),
    [(3, 2, 2), (5, 3, 2), (15, 2, 2), (15, 3, 2), (5, 2, 1), (15, 3, 1)],
)
def test_pointwise_strips_span_image_rows(
    cols: int, resident: int, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1x1 conv (stride 1, no padding) is planned on its pixels reshaped
    to rows of any divisor of H * W (here 6 x 10 pixels as rows of 3, 5 or
    15): the layout in RDRAM is the same, so the results are too. With
    `resident == 3` each group's tile loads while the group before runs
    (two groups; with two images the last group prefetches the first's
    copy for the next image). With one image each group's last row loads
    the next group's first row (`rows_wrap`)."""
    case: Case = (
        (batch, 20, 6, 10), 12, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, True,
    )  # fmt: skip
    geometries = strip_geometries(case)
    (g,) = [g for g in geometries if (g.tile_cols, g.resident) == (cols, resident)]
    assert (g.h, g.w, g.col_tiles, g.tile_slots) == (60 // cols, cols, 1, resident - 1)
    assert rows_wrap(g) == (batch == 1)
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(cols)
    x_shape, o, kernel, strides, pads, dilations, group, relu = case
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, group, relu)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1 if cols == 5 or batch == 1 else 0)


@pytest.mark.parametrize("resident", [2, 3])
def test_rows_wrap_with_padding_columns(
    resident: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1x5 kernel with left and right padding at batch 1: each group's
    last row loads the next group's first row, after the slot's padding
    column, as the layer's first load does."""
    case: Case = ((1, 6, 6, 15), 12, (1, 5), (1, 1), (0, 1, 0, 1), (1, 1), 1, False)
    (g,) = [
        g for g in strip_geometries(case) if g.resident == resident and g.col_tiles == 1
    ]
    assert rows_wrap(g) and g.pl == 1
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(resident)
    x_shape, o, kernel, strides, pads, dilations, group, relu = case
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, group, relu)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1 if resident == 3 else 0)


@pytest.mark.parametrize(
    ("x_shape", "o", "kernel", "pads"),
    [
        ((1, 8, 12, 12), 16, (1, 1), (0, 0, 0, 0)),  # weights held in registers
        ((1, 13, 6, 7), 12, (3, 3), (1, 1, 1, 1)),  # weights loaded per MAC
    ],
)
def test_clamp_on_both_sides_matches_golden_and_z64(
    x_shape: tuple[int, int, int, int],
    o: int,
    kernel: tuple[int, int],
    pads: tuple[int, int, int, int],
) -> None:
    """A ReLU6-like clamp (both bounds): its two compares sit in the next
    pixel's chain four MACs apart, the row's last pixel is clamped after
    the loop."""
    rng = np.random.default_rng(o)
    c = x_shape[1]
    module = qconv_module(
        x_shape,
        rng.integers(-4000, 4000, (o, c, *kernel)).astype(np.int16),
        rng.integers(-(1 << 24), 1 << 24, o).astype(np.int32),
        [int(s) for s in rng.integers(8, 15, o)],
        pads=pads,
        clamp=(0, 3000),
    )
    g = plan_window("conv", x_shape, o, kernel, (1, 1), pads, (1, 1), "l", DMEM)
    assert g.strips
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)


# (x shape, O, kernel, pads, clamp): chains short enough for the clamp's
# compares to fill the readout's wait (`pipelined_clamp`): both compares
# (32 rows), the lower one (63 rows), the upper one (16 rows); pixel loops
# with several trips and a remainder
PIPELINED_CASES = [
    ((1, 32, 9, 10), 24, (1, 1), (0, 0, 0, 0), (0, 3000)),
    ((2, 7, 9, 11), 16, (3, 3), (1, 1, 1, 1), (0, 32767)),
    ((1, 16, 7, 13), 8, (1, 1), (0, 0, 0, 0), (-32768, 2000)),
]


def clamped_conv(
    rng: np.random.Generator,
    x_shape: tuple[int, int, int, int],
    o: int,
    kernel: tuple[int, int],
    pads: tuple[int, int, int, int],
    clamp: tuple[int, int],
) -> ModuleOp:
    c = x_shape[1]
    return qconv_module(
        x_shape,
        rng.integers(-4000, 4000, (o, c, *kernel)).astype(np.int16),
        rng.integers(-(1 << 24), 1 << 24, o).astype(np.int32),
        [int(s) for s in rng.integers(8, 16, o)],
        pads=pads,
        clamp=clamp,
    )


@pytest.mark.parametrize(("x_shape", "o", "kernel", "pads", "clamp"), PIPELINED_CASES)
def test_pipelined_clamp_matches_golden_and_z64(
    x_shape: tuple[int, int, int, int],
    o: int,
    kernel: tuple[int, int],
    pads: tuple[int, int, int, int],
    clamp: tuple[int, int],
) -> None:
    """Each compare of the clamp sits between the next readout's `vsar`s
    and its shift, the result is stored a pixel after its last compare
    (the row's first pixels store stale registers into the scratch slots
    before the buffer), and the row's last results are finished after the
    loop. Both bounds are hit."""
    rng = np.random.default_rng(o)
    module = clamped_conv(rng, x_shape, o, kernel, pads, clamp)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    golden = run_int_raw(module, {"input": x})["output"][0]
    for bound in clamp:
        assert abs(bound) == 32767 or bound == -32768 or (golden == bound).any()
    check(module, x, 1)


def test_pipelined_clamp_saves_cycles(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1x1 layer of 16 channels with a two-sided clamp runs faster with
    its compares in the readout's wait than inside the next chain; its
    kernel uses the three-pixel scratch slots."""
    rng = np.random.default_rng(3)
    module = clamped_conv(rng, (1, 16, 12, 12), 16, (1, 1), (0, 0, 0, 0), (0, 3000))
    cycles = []
    for rows in (strip_conv_lowering.PIPELINED_CHAIN_ROWS, 0):
        monkeypatch.setattr(strip_conv_lowering, "PIPELINED_CHAIN_ROWS", rows)
        cycles.append(build_rsp_program(lower(module.clone()), measure=True).cycles)
    assert cycles[0] < cycles[1]
    g = plan_window(
        "conv", (1, 16, 12, 12), 16, (1, 1), (1, 1), (0,) * 4, (1, 1), "l", DMEM
    )
    assert strip_conv_lowering.strip_scratch_bytes(g) == 16 * 3


def test_random_cases_cover_the_strip_code_paths() -> None:
    """Column tables (several strips per row), one strip per row, pixel
    loops of one and of several pixels a trip, weights held in registers
    and loaded per MAC, one and two tile buffers, strides and dilations
    above 1."""
    seen = set()
    for index, case in enumerate(CASES):
        geometries = strip_geometries(case)
        rng = np.random.default_rng(index)
        g = geometries[int(rng.integers(0, len(geometries)))]
        seen.add(("column tiles", g.col_tiles > 1))
        seen.add(("unrolled", strip_unroll(g) > 1))
        seen.add(("held", strip_chain_rows(g) <= HELD_ROWS))
        seen.add(("strided", g.sh > 1 or g.sw > 1))
        seen.add(("dilated", g.dh > 1 or g.dw > 1))
        seen.add(("prefetched tiles", g.tile_slots == 2))
    for key in ("column tiles", "unrolled", "held", "prefetched tiles"):
        assert {(key, True), (key, False)} <= seen
    assert {("strided", True), ("dilated", True)} <= seen


@pytest.mark.parametrize(
    ("x_shape", "o", "kernel", "pads"),
    [
        ((1, 16, 32, 32), 16, (3, 3), (1, 1, 1, 1)),  # ResNet-8's 3x3 layers
        ((1, 64, 25, 5), 64, (1, 1), (0, 0, 0, 0)),  # DS-CNN's pointwise layers
        ((1, 128, 6, 6), 128, (1, 1), (0, 0, 0, 0)),  # MobileNet's pointwise
    ],
)
def test_planner_takes_strips_for_dense_layers(
    x_shape: tuple[int, int, int, int],
    o: int,
    kernel: tuple[int, int],
    pads: tuple[int, int, int, int],
) -> None:
    g = plan_window("conv", x_shape, o, kernel, (1, 1), pads, (1, 1), "l", 3808)
    assert g.strips and g.partial is False


@pytest.mark.parametrize("pads", [(0, 0, 0, 0), (1, 1, 0, 1)])
def test_strided_pointwise_reads_only_the_rows_it_uses(
    pads: tuple[int, int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1x1 conv of stride 2 reads one input row in two: each output row
    loads only the last of its two new rows (the other is never read).
    Bit-exact on sim and z64, with and without padding rows."""
    case: Case = ((2, 24, 9, 8), 16, (1, 1), (2, 2), pads, (1, 1), 1, True)
    (g, *_) = [g for g in strip_geometries(case) if g.resident == 2]
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(sum(pads))
    x_shape, o, kernel, strides, pads, dilations, group, relu = case
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, group, relu)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)


def test_strips_zero_only_the_padding_columns_again() -> None:
    """ResNet-8's strided 16->32 layer in 4-column strips: a band of 9
    columns, of which only the first is ever padding (the left padding of
    the first strip; the last strip's window ends inside the image); a
    strip zeroes that column of its 5 band rows (10 stores) instead of the
    whole band (90)."""
    (g,) = [
        g
        for g in window_tiles._strip_geometries(
            window_tiles.StripShape(
                (1, 16, 32, 32), 32, (3, 3), (2, 2), (1, 1), (1, 1, 1, 1)
            )
        )
        if (g.tile_cols, g.resident) == (4, 2)
    ]
    assert (g.wp, g.col_tiles) == (9, 4)
    assert pad_band_columns(g) == [0]
    assert window_tiles.pad_fill_stores(g) == 10


# layers whose chains (43 to 150 weight rows) take more pixels a trip when
# long: 1x1 with 64 channels (2 -> 4 and a rest), 3x3 with 16 (1 -> 2),
# a strided 3x3 with 12 (1 -> 2: a row's second input row queues after the
# first trip)
LONG_CASES: list[Case] = [
    ((1, 64, 6, 5), 24, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, True),
    ((2, 16, 9, 10), 12, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, False),
    ((1, 12, 11, 9), 16, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, True),
]


def widest(case: Case) -> WindowGeometry:
    """The strip geometry of `case` with the widest column tiles."""
    return max(strip_geometries(case), key=lambda g: (g.tile_cols, -g.resident))


@pytest.mark.parametrize("case", LONG_CASES)
def test_long_trips_match_golden_and_z64(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long pixel-loop trips (`LONG_TRIP_ROWS` weight rows, which only
    layers of `LONG_TRIP_MACS` or more take) on small layers: more pixels a
    trip than the short trips, bit-exact on the simulator and z64."""
    monkeypatch.setattr(strip_conv_lowering, "LONG_TRIP_MACS", 0)
    x_shape, o, kernel, strides, pads, dilations, group, relu = case
    g = widest(case)
    assert strip_unroll(g, long_trips=False) < strip_unroll(g)
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(sum(x_shape))
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, group, relu)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)


def test_long_trips_too_large_for_imem_fall_back_to_short_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An 80-row chain in rows of 5 pixels takes 3 pixels a trip and a rest
    of 2 when long: 4,248 bytes of code. `lower-to-rsp` marks it
    `short_trips` (1 pixel a trip), and the results stay exact."""
    monkeypatch.setattr(strip_conv_lowering, "LONG_TRIP_MACS", 0)
    case: Case = ((1, 16, 9, 6), 10, (5, 1), (1, 2), (2, 2, 2, 2), (1, 2), 1, True)
    x_shape, o, kernel, strides, pads, dilations, group, relu = case
    g = next(g for g in strip_geometries(case) if g.tile_cols == 5)
    assert (strip_unroll(g), strip_unroll(g, long_trips=False)) == (3, 1)
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(0)
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, group, relu)
    tiled = module.clone()
    for step in (TileForDmemPass(), AllocateDmemPass(), PlanRdramPass()):
        step.apply(Context(), tiled)
    kernels = [k for k in tiled.walk() if isinstance(k, TileKernelOp)]
    assert len(_pack(kernels, IMEM_BYTES)) == 1
    (window,) = [w for w in tiled.walk() if isinstance(w, TileWindowOp)]
    assert window.short_trips is not None
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)
    alone = module.clone()  # one ucode per layer: the same fall-back
    for step in (TileForDmemPass(), AllocateDmemPass(), PlanRdramPass()):
        step.apply(Context(), alone)
    LowerToRspPass(shared=False).apply(Context(), alone)
    assert any(isinstance(op, RspInvokeOp) for op in alone.walk())


@pytest.mark.parametrize(
    "case",
    [
        # 150 weight rows a chain, 2 pixels a trip: the largest trip code
        ((1, 6, 32, 32), 16, (5, 5), (1, 1), (2, 2, 2, 2), (1, 1), 1, True),
        ((1, 16, 32, 32), 16, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
        ((1, 144, 8, 8), 64, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, False),
        # split over its input channels: kernels with sums in and out
        ((1, 64, 16, 16), 64, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
    ],
)
def test_long_trip_kernels_fit_imem(case: Case) -> None:
    """Layers large enough for long trips, with the longest chains that
    take 2 pixels a trip: each kernel fits IMEM alone (`lower-to-rsp`
    raises a budget error otherwise) in at most 920 instructions."""
    x_shape, o, kernel, strides, pads, dilations, group, relu = case
    module = random_conv(
        np.random.default_rng(0), x_shape, o, kernel, strides, pads, dilations,
        group, relu,
    )  # fmt: skip
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    windows = [op for op in tiled.walk() if isinstance(op, TileWindowOp)]
    assert windows and all(w.geo.strips for w in windows)
    assert all(strip_macs(w.geo) >= LONG_TRIP_MACS for w in windows)
    assert all(strip_unroll(w.geo) >= 2 for w in windows)
    programs = find_programs(lower(module))
    for program in programs.values():
        count = sum(isinstance(op, RspInstruction) for op in program.walk())
        assert count <= 920


# (x shape, O, strides, tile columns, resident): gathered band rows, whole
# rows or column tiles, with the next group's tile prefetched or not; the
# rows wrap from group to group when the image is one image of `oh * sh`
# rows (not when a row is left over or the batch is 2)
GATHER_CASES = [
    ((1, 24, 12, 10), 24, (2, 2), 5, 2, True),
    ((1, 24, 12, 10), 24, (2, 2), 5, 3, True),
    ((1, 16, 11, 12), 16, (2, 3), 4, 2, False),
    ((1, 32, 12, 16), 24, (3, 2), 4, 2, False),
    ((2, 32, 8, 9), 16, (2, 2), 5, 3, False),
]


@pytest.mark.parametrize("case", GATHER_CASES)
def test_strided_pointwise_gathers_only_the_pixels_it_reads(
    case: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1x1 conv of horizontal stride 2 or 3 whose band rows hold only the
    pixels it reads (`gathers`: a 2-D transfer of one pixel every `sw`),
    with the rows of a group's walk wrapping into the next group's where
    the image allows. Bit-exact on sim and z64."""
    x_shape, o, strides, cols, resident, wraps = case
    shape = window_tiles.StripShape(x_shape, o, (1, 1), strides, (1, 1), (0,) * 4)
    (g,) = [
        g
        for g in window_tiles._strip_geometries(shape)
        if g.gathers and (g.tile_cols, g.resident) == (cols, resident)
    ]
    assert g.band_sw == 1 and g.wp == cols and rows_wrap(g) == wraps
    force_plan(monkeypatch, g)
    rng = np.random.default_rng(sum(x_shape) + o)
    module = random_conv(
        rng, x_shape, o, (1, 1), strides, (0, 0, 0, 0), (1, 1), 1, True
    )
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)


def test_planner_gathers_resnet8_conv8() -> None:
    """ResNet-8's strided 32->64 shortcut: band rows of the 8 pixels it
    reads (512 bytes, not 1,024) leave room for the next group's tile. Its
    16->32 one reads whole rows: one pixel of 32 bytes is a row of its own
    in a 2-D transfer, slower than the contiguous row it is part of."""
    g = plan_window(
        "conv", (1, 32, 16, 16), 64, (1, 1), (2, 2), (0,) * 4, (1, 1), "l", 4096
    )
    assert g.gathers and g.band_row_bytes == 512 and g.tile_slots == 2
    assert rows_wrap(g)
    shape = window_tiles.StripShape(
        (1, 16, 32, 32), 32, (1, 1), (2, 2), (1, 1), (0,) * 4
    )
    assert not any(
        g.gathers and g.tile_cols > 1 for g in window_tiles._strip_geometries(shape)
    )


# (x shape, O, kernel, pads, clamp): `acc48` convs with shifts in [2, 16]
# and one-op biases in strips (`split_readout`): each readout ends after the
# next pixel's `vsar`; two-sided, one-sided and no clamp; pixel loops with
# several trips, a remainder of one pixel and of several; a 3x3 layer (a
# long chain) and several groups of output channels
WIDE_STRIP_CASES = [
    ((1, 8, 12, 12), 16, (1, 1), (0, 0, 0, 0), (0, 3000)),
    ((2, 16, 7, 13), 24, (1, 1), (0, 0, 0, 0), (0, 32767)),
    ((1, 24, 9, 10), 8, (1, 1), (0, 0, 0, 0), (-32768, 32767)),
    ((1, 12, 1, 17), 16, (1, 1), (0, 0, 0, 0), (-500, 2000)),
    ((1, 16, 9, 9), 16, (3, 3), (1, 1, 1, 1), (0, 3000)),
]


def wide_strip_conv(
    x_shape: tuple[int, int, int, int],
    o: int,
    kernel: tuple[int, int],
    pads: tuple[int, int, int, int],
    clamp: tuple[int, int],
    wide: bool = True,
) -> ModuleOp:
    c = x_shape[1]
    rng = np.random.default_rng(sum(x_shape) + o)
    bias = round_bias(rng.integers(-(1 << 27), 1 << 27, o))
    shifts = [int(s) for s in rng.integers(2, 17, o)]
    shifts[:3] = [16, 13, 2]
    return qconv_module(
        x_shape,
        rng.integers(-4000, 4000, (o, c, *kernel)).astype(np.int16),
        bias.astype(np.int64 if wide else np.int32),
        shifts,
        pads=pads,
        clamp=clamp,
        wide=wide,
    )


@pytest.mark.parametrize(("x_shape", "o", "kernel", "pads", "clamp"), WIDE_STRIP_CASES)
def test_acc48_strips_match_golden_and_z64(
    x_shape: tuple[int, int, int, int],
    o: int,
    kernel: tuple[int, int],
    pads: tuple[int, int, int, int],
    clamp: tuple[int, int],
) -> None:
    """The layer runs in strips (`test_acc48_strip_cases_cover_the_split_
    readout`), its chains are `vmadm`s (no `vmadn` of a bias's low bits),
    and it agrees bit for bit on the simulator, the golden model and z64,
    inputs over the whole 16-bit range (negative ones read as unsigned)."""
    module = wide_strip_conv(x_shape, o, kernel, pads, clamp)
    lowered = lower(module.clone())
    text = "\n".join(print_asm(p) for p in find_programs(lowered).values())
    assert "vmadm" in text and "vmadn" not in text
    rng = np.random.default_rng(5)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    golden = run_int_raw(module, {"input": x})["output"][0]
    assert ((golden > clamp[0]) & (golden < clamp[1])).any()
    check(module, x, 1)


def test_acc48_strip_cases_cover_the_split_readout() -> None:
    """Every case runs in strips; the pixel loops of the split readout have
    a remainder of one pixel and of several, and several trips, and the
    3x3 layer's trips of one pixel read each result out whole."""
    seen = set()
    for x_shape, o, kernel, pads, _ in WIDE_STRIP_CASES:
        g = plan_window(
            "conv", x_shape, o, kernel, (1, 1), pads, (1, 1), "l", DMEM,
            wide=True, wide_strips=True,
        )  # fmt: skip
        assert g.strips and g.wide
        unroll = strip_unroll(g)
        seen.add(("split", unroll >= 2))
        if unroll >= 2:
            seen.add(("rest", min(g.tile_cols % unroll, 2)))
            seen.add(("trips", g.tile_cols // unroll > 1))
    expected = {("split", True), ("split", False), ("rest", 1), ("rest", 2)}
    assert expected | {("trips", True)} <= seen


def test_acc48_strips_save_cycles() -> None:
    """MobileNet's 1x1 layer of 8 to 16 channels (48x48, ReLU6) runs
    faster in the `acc48` form: three readout ops and no wait for them."""
    cycles = []
    for wide in (False, True):
        module = wide_strip_conv(
            (1, 8, 48, 48), 16, (1, 1), (0, 0, 0, 0), (0, 3000), wide
        )
        cycles.append(build_rsp_program(lower(module), measure=True).cycles)
    assert cycles[1] < cycles[0] * 0.96, cycles
