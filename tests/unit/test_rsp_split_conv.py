"""Dense convolutions split over their input channels (`n64.tile_window`
`split`): kernels in strips over slices of the input channels, the first
writing int32 sums, middle ones adding to them, the last requantising. The
simulator, the golden integer model and z64 agree bit for bit, and the
planner splits the 3x3 layers whose group tile does not fit DMEM."""

from __future__ import annotations

import numpy as np
import pytest
from test_rsp_conv import check, force_plan, random_conv
from xdsl.context import Context

import n64c.passes.window_tiles as window_tiles
from n64c.backend.conv_layer import qconv_module
from n64c.backend.depthwise_lowering import rows_wrap
from n64c.backend.strip_conv_lowering import (
    HELD_ROWS,
    strip_held_rows,
    strip_relocated,
    strip_tile_dmem_bytes,
)
from n64c.dialects.n64_tile import TileKernelOp, TileWindowOp, WindowGeometry
from n64c.passes.tile_for_dmem import TileForDmemPass

DMEM = 4096

# (x shape, O, kernel, strides, pads, dilations, relu, slice width, z64)
CASES = [
    ((1, 32, 8, 8), 32, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, 16, 1),
    ((2, 30, 7, 9), 20, (3, 3), (2, 2), (1, 0, 1, 1), (1, 1), False, 16, 1),
    ((1, 40, 6, 6), 12, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2), True, 8, 1),
    ((1, 24, 9, 5), 8, (2, 3), (1, 1), (0, 1, 1, 1), (1, 1), False, 8, 0),
    ((2, 64, 6, 6), 16, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, 16, 0),
]


def plans_of(case: tuple, width: int) -> list[list[WindowGeometry]]:
    x_shape, o, kernel, strides, pads, dilations, *_ = case
    return [
        plan
        for plan in window_tiles.split_plans(
            window_tiles.StripShape(
                x_shape, window_tiles.round_up(o, 8), kernel, strides, dilations, pads
            )
        )
        if plan[0].cs == width
        and all(window_tiles.window_dmem_bytes("conv", g) <= DMEM - 16 for g in plan)
    ]


def test_split_plan_covers_the_channels_in_order() -> None:
    """40 channels in slices of 8: first, three middles, last; the slices
    tile the input channels; a padded last slice keeps its real count."""
    (plan, *_) = plans_of(CASES[2], 8)
    assert [g.split for g in plan] == ["first", "middle", "middle", "middle", "last"]
    assert [g.c for g in plan] == [8] * 5
    (plan, *_) = plans_of(CASES[1], 16)
    assert [(g.split, g.c, g.cs, g.cp) for g in plan] == [
        ("first", 16, 16, 32),
        ("last", 14, 16, 32),
    ]
    assert [g.sums_out for g in plan] == [True, False]
    assert [g.sums_in for g in plan] == [False, True]


@pytest.mark.parametrize("index", range(len(CASES)))
def test_split_conv_matches_golden_and_z64(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[index]
    x_shape, o, kernel, strides, pads, dilations, relu, width, z64 = case
    plans = plans_of(case, width)
    rng = np.random.default_rng(index)
    plan = plans[int(rng.integers(0, len(plans)))]
    force_plan(monkeypatch, plan[0])
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, 1, relu)
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    windows = [w for w in tiled.walk() if isinstance(w, TileWindowOp)]
    assert [w.geo.split for w in windows] == [g.split for g in plan]
    assert [w.channel_offset for w in windows] == [i * width for i in range(len(plan))]
    assert all(w.alternating is not None for w in windows)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, z64)


@pytest.mark.parametrize("resident", [2, 3])
def test_split_pointwise_at_batch_one(
    resident: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1x1 layer at batch 1 with one column tile takes the rows-wrap walk
    in strips (a pass's last row loads the next pass's first row), its
    split kernels too: every group of a kernel reads the same slice of each
    row. With `resident` 3 each group's tile loads during the group before."""
    case = ((1, 64, 4, 3), 24, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), True, 32, 1)
    (plan,) = [
        p
        for p in plans_of(case, 32)
        if (p[0].col_tiles, p[0].resident) == (1, resident)
    ]
    unsplit = window_tiles._replace(plan[0], split="", slice_blocks=8, c=64)
    assert rows_wrap(unsplit) and rows_wrap(plan[0])
    force_plan(monkeypatch, plan[0])
    rng = np.random.default_rng(resident)
    x_shape, o, kernel, strides, pads, dilations, relu, *_ = case
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, 1, relu)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)


def test_planner_splits_a_3x3_layer_of_32_channels() -> None:
    """ResNet-8's 3x3 32->32 layer on 16x16: its group tile (4.6 KiB) does
    not fit DMEM, so it runs as two kernels of 16 channels; the sums tensor
    between them holds 32 bytes a pixel and group, and a spare row."""
    rng = np.random.default_rng(3)
    w = rng.integers(-300, 300, (32, 32, 3, 3)).astype(np.int16)
    b = rng.integers(-5000, 5000, 32).astype(np.int32)
    module = qconv_module(
        (1, 32, 16, 16), w, b, [12] * 32, strides=(1, 1), pads=(1, 1, 1, 1)
    )
    TileForDmemPass().apply(Context(), module)
    kernels = [k for k in module.walk() if isinstance(k, TileKernelOp)]
    assert [k.layer.data for k in kernels] == ["conv0.k0", "conv0.k1"]
    sums = kernels[0].outputs[0]
    assert sums.type.get_shape() == (17, 16, 64)  # type: ignore[attr-defined]
    assert list(kernels[1].inputs)[1] is sums
    assert sum(k.macs.value.data for k in kernels) == 16 * 16 * 32 * 32 * 9


def test_split_conv_without_alternating_signs_for_a_minus_32768_weight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A weight of -32768 has no int16 negation: the kernels keep positive
    sums and restore them with 8 multiplies. Bit-exact on sim and z64."""
    case = ((1, 32, 8, 8), 16, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, 16, 1)
    plan = plans_of(case, 16)[0]
    force_plan(monkeypatch, plan[0])
    rng = np.random.default_rng(7)
    w = rng.integers(-200, 200, (16, 32, 3, 3)).astype(np.int16)
    w[3, 20, 1, 1] = -32768
    b = rng.integers(-5000, 5000, 16).astype(np.int32)
    module = qconv_module(
        (1, 32, 8, 8), w, b, [14] * 16, pads=(1, 1, 1, 1), clamp=(0, 32767)
    )
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    windows = [o for o in tiled.walk() if isinstance(o, TileWindowOp)]
    assert [w.geo.split for w in windows] == ["first", "last"]
    assert all(w.alternating is None for w in windows)
    x = rng.uniform(-4.0, 4.0, (2, 1, 32, 8, 8)).astype(np.float32)
    check(module, x, 1)


@pytest.mark.parametrize("split", [True, False])
def test_held_rows_out_of_the_dmem_tile(
    split: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strips of 8 columns of the 3x3 32->32 layer split in 16-channel
    kernels do not fit DMEM with the held weight rows in the tile (4,240
    bytes); the held rows then stay out of it (the blob's tile has them
    last) and each strip loads them through the band's free slot. The same
    for a 16-channel layer in strips (not split) whose 10-column strips
    need it. Bit-exact on sim and z64."""
    if split:
        case = ((1, 32, 16, 16), 32, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, 16, 1)
        (plan,) = [p for p in plans_of(case, 16) if p[0].tile_cols == 8]
        first = plan[0]
    else:
        case = ((1, 16, 10, 10), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, 16, 1)
        (first,) = [
            g
            for g in window_tiles._strip_geometries(
                window_tiles.StripShape(
                    case[0], 8, (3, 3), (1, 1), (1, 1), (1, 1, 1, 1)
                )
            )
            if (g.tile_cols, g.resident) == (10, 2)
        ]
    assert strip_relocated(first)
    assert len(strip_held_rows(first)) == HELD_ROWS
    assert strip_tile_dmem_bytes(first) == first.tile_bytes - 16 * HELD_ROWS
    assert window_tiles.window_dmem_bytes("conv", first) <= DMEM - 16
    force_plan(monkeypatch, first)
    rng = np.random.default_rng(11)
    x_shape, o, kernel, strides, pads, dilations, relu, *_ = case
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, 1, relu)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)
