"""Strips that chain (`WindowGeometry.chains`): a strip's last output
row reads the next strip's first image rows (the next column tile, or the
next pass's first) into the slots it frees, so the next strip starts with
them in its ring. Depthwise layers (channel slices, column tiles with
padding, strides 1 and 2, a two-sided clamp) and dense convs in strips
(a split over input channels in column tiles, as ResNet-8's strided 32->64
layer runs) agree bit for bit between the simulator, the golden integer
model and z64, and run faster than unchained."""

from __future__ import annotations

import numpy as np
import pytest
from test_rsp_conv import check, lower

from n64c.backend.conv_layer import qconv_module
from n64c.backend.depthwise_lowering import pad_band_columns
from n64c.backend.rsp_program import build_rsp_program
from n64c.dialects.n64_tile import WindowGeometry
from n64c.passes.window_tiles import column_table, plan_window

DMEM = 4064

# (x shape, output channels, group, strides, clamp)
CASES = [
    # 4 channel slices of one column tile (MobileNet's 6x6x128 layer)
    ((1, 128, 6, 6), 128, 128, (1, 1), (0, 3000)),
    # 4 column tiles of 3 pixels, the first with a padding column, stride 2
    ((1, 32, 24, 24), 32, 32, (2, 2), (0, 3000)),
    # 2 slices of 2 column tiles, stride 1
    ((1, 32, 24, 24), 32, 32, (1, 1), (0, 32767)),
    # dense, split over its input channels, 2 column tiles of 4 pixels
    ((1, 32, 16, 16), 64, 1, (2, 2), (0, 32767)),
]


def conv_module(case: tuple, seed: int):  # noqa: ANN201
    x_shape, o, group, strides, clamp = case
    rng = np.random.default_rng(seed)
    w = rng.integers(-4000, 4000, (o, x_shape[1] // group, 3, 3)).astype(np.int16)
    bias = rng.integers(-(1 << 27), 1 << 27, o).astype(np.int32)
    shifts = [int(s) for s in rng.integers(8, 17, o)]
    return qconv_module(
        x_shape, w, bias, shifts, strides=strides, pads=(1, 1, 1, 1),
        group=group, clamp=clamp,
    )  # fmt: skip


def geometry(case: tuple):  # noqa: ANN201
    x_shape, o, group, strides, _clamp = case
    return plan_window(
        "conv", x_shape, o, (3, 3), strides, (1, 1, 1, 1), (1, 1), "l", DMEM,
        depthwise=group > 1,
    )  # fmt: skip


def test_cases_chain_slices_column_tiles_and_splits() -> None:
    """The cases chain strips of channel slices, of column tiles whose
    bands have padding columns, of both strides, and of a split conv."""
    seen = set()
    for case in CASES:
        g = geometry(case)
        assert g.chains
        seen.add(("slices", g.depthwise and g.slices > 1))
        seen.add(("padded columns", g.col_tiles > 1 and bool(pad_band_columns(g))))
        seen.add(("stride", g.sh))
        seen.add(("split", bool(g.split)))
    assert {("slices", True), ("padded columns", True), ("split", True)} <= seen
    assert {("stride", 1), ("stride", 2)} <= seen


@pytest.mark.parametrize("index", range(len(CASES)))
def test_chained_strips_match_golden_and_z64(index: int) -> None:
    module = conv_module(CASES[index], index)
    rng = np.random.default_rng(index)
    x = rng.uniform(-8.0, 8.0, (2, *CASES[index][0])).astype(np.float32)
    check(module, x, 1)


@pytest.mark.parametrize("index", [0, 1, 3])
def test_chained_strips_save_cycles(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each strip after the first loads `sh` rows fewer before its first
    output row: the layers run faster than with every strip loading all
    of its first rows."""
    module = conv_module(CASES[index], index)
    chained = build_rsp_program(lower(module.clone()), measure=True).cycles
    monkeypatch.setattr(WindowGeometry, "chains", property(lambda _g: False))
    unchained = build_rsp_program(lower(module.clone()), measure=True).cycles
    assert chained < unchained


def test_column_table_ends_with_the_next_pass_first_tile() -> None:
    """A depthwise layer's table has one entry more than it has column
    tiles: the first tile's, at the next channel slice (a dense conv's
    groups read the same channels: the same offset)."""
    g = geometry(CASES[1])
    words = column_table(g).view(np.uint16).astype(np.int64)
    entries = [
        [(words[2 * i] << 16) | words[2 * i + 1] for i in range(3 * t, 3 * t + 3)]
        for t in range(g.col_tiles + 1)
    ]
    first, after = entries[0], entries[g.col_tiles]
    assert after == [first[0], first[1] + g.cs * 2, first[2]]
    dense = geometry(CASES[3])
    words = column_table(dense).view(np.uint16).astype(np.int64)
    n = dense.col_tiles
    assert [words[6 * n + k] for k in range(6)] == [words[k] for k in range(6)]


def test_one_output_row_strips_chain() -> None:
    """Strips of one output row (a 3x3 window on 3 rows, no padding; 4
    channel slices of 2 column tiles): the only row reads the next strip's
    rows, with no row loop around it."""
    x_shape = (1, 128, 3, 10)
    g = plan_window(
        "conv", x_shape, 128, (3, 3), (1, 1), (0, 0, 0, 0), (1, 1), "l", DMEM,
        depthwise=True,
    )  # fmt: skip
    assert g.chains and g.oh == 1 and g.slices * g.col_tiles > 1
    rng = np.random.default_rng(5)
    w = rng.integers(-4000, 4000, (128, 1, 3, 3)).astype(np.int16)
    bias = rng.integers(-(1 << 27), 1 << 27, 128).astype(np.int32)
    module = qconv_module(
        x_shape, w, bias, [12] * 128, pads=(0, 0, 0, 0), group=128,
        clamp=(0, 32767),
    )  # fmt: skip
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)
