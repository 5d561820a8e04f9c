"""A first layer's kernel taps folded into input channels
(`passes/folded_conv_tiles.py`): the fold's geometry, bit-exact results
(simulator and z64 against the golden model of the unfolded layer) and
`tile-for-dmem`'s choice of it."""

from __future__ import annotations

import numpy as np
import pytest
from test_rsp_conv import check, random_conv
from test_rsp_pixel_lane_conv import NETWORK_LAYERS, Case
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

import n64c.passes.conv_kernel_choice as conv_kernel_choice
from n64c.backend.conv_layer import qconv_module
from n64c.dialects.n64_pixel_conv import TilePixelConvOp
from n64c.dialects.n64_quant import QConv2dOp, QGatherOp, QTransposeOp
from n64c.dialects.n64_tile import TileWindowOp
from n64c.errors import BudgetError
from n64c.passes.folded_conv_tiles import Fold, folds
from n64c.passes.tile_for_dmem import TileForDmemPass


def conv(case: Case, seed: int) -> ModuleOp:
    x_shape, o, kernel, strides, pads, dilations, relu = case
    rng = np.random.default_rng(seed)
    return random_conv(rng, x_shape, o, kernel, strides, pads, dilations, 1, relu)


def first_conv(module: ModuleOp) -> QConv2dOp:
    return next(o for o in module.walk() if isinstance(o, QConv2dOp))


@pytest.fixture
def force_fold(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Make tile-for-dmem take the fold with height factor `request.param`:
    the unfolded channels-on-lanes and pixel-lane kernels are not offered."""
    build = conv_kernel_choice.build_conv_kernel

    def folded_only(op: QConv2dOp, *args: object, **kwargs: object) -> object:
        if not isinstance(op.x.owner, QTransposeOp):  # the unfolded layer
            raise BudgetError("unfolded kernel not offered")
        return build(op, *args, **kwargs)  # type: ignore[arg-type]

    def chosen_folds(op: QConv2dOp) -> list[Fold]:
        picked = [f for f in folds(op) if f.f == request.param]
        assert picked, "the case has no such fold"
        return picked

    monkeypatch.setattr(conv_kernel_choice, "build_conv_kernel", folded_only)
    monkeypatch.setattr(conv_kernel_choice, "folds", chosen_folds)
    monkeypatch.setattr(conv_kernel_choice, "_pixel_plan", lambda *args: None)


def test_fold_geometry_of_the_ds_cnn_first_layer() -> None:
    """10x4 kernel, stride 2, pads (4, 1, 5, 1) on 49x10: the fold with
    f = 2 has 8 channels (sub-row, column), a 5x1 kernel of stride 1 and
    29 rows; the weights move as w'[o, di * 4 + j, a] = w[o, 0, 2a + di, j]."""
    module = conv(NETWORK_LAYERS[1], 0)
    by_f = {f.f: f for f in folds(first_conv(module))}
    assert sorted(by_f) == [1, 2]
    fold = by_f[2]
    assert (fold.channels, fold.rows, fold.stride, fold.dilation) == (8, 5, 1, 1)
    assert (fold.folded_rows, fold.ow) == (29, 5)
    assert (by_f[1].channels, by_f[1].rows, by_f[1].stride) == (4, 10, 2)
    assert by_f[1].folded_rows == 2 * 24 + 10
    zero = 49 * 10
    indices = np.array(fold.gather_indices()).reshape(29, 5, 2, 4)
    assert (indices[:2] == zero).all()  # input rows -4 .. -1
    # folded row 2, column 0: input rows 0 and 1, columns -1 .. 2
    assert indices[2, 0].tolist() == [[zero, 0, 1, 2], [zero, 10, 11, 12]]
    # folded row 26, column 4: input rows 48 and 49 (past the image)
    assert indices[26, 4].tolist() == [[487, 488, 489, zero], [zero] * 4]
    w = np.arange(64 * 40, dtype=np.int16).reshape(64, 1, 10, 4)
    folded = fold.weights(w)
    assert folded.shape == (64, 8, 5, 1)
    assert folded[7, 1 * 4 + 2, 3, 0] == w[7, 0, 2 * 3 + 1, 2]


def test_fold_pads_kernel_rows_past_the_kernel_with_zeros() -> None:
    """A 3-row kernel folded by 2 has 2 rows; the fourth tap row is 0."""
    module = conv(((1, 1, 9, 9), 8, (3, 2), (2, 1), (1, 0, 1, 0), (1, 1), True), 0)
    fold = next(f for f in folds(first_conv(module)) if f.f == 2)
    assert (fold.rows, fold.channels) == (2, 4)
    w = np.ones((8, 1, 3, 2), dtype=np.int16)
    folded = fold.weights(w).reshape(8, 2, 1, 2, 2)  # o, di, c, j, a
    assert folded[:, 1, :, :, 1].sum() == 0
    assert folded.sum() == w.sum()


def test_folds_do_not_apply_to_many_channels_or_groups() -> None:
    """At most 16 folded channels, one group, something to fold."""
    many = conv(((1, 3, 12, 12), 8, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), True), 0)
    assert [f.f for f in folds(first_conv(many))] == [1]  # 9 channels, not 18
    pointwise = conv(((1, 2, 6, 6), 8, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), True), 0)
    assert folds(first_conv(pointwise)) == []
    rng = np.random.default_rng(0)
    grouped = random_conv(
        rng, (1, 2, 8, 8), 4, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 2, True
    )
    assert folds(first_conv(grouped)) == []


# (x shape, O, kernel, strides, pads, dilations, relu), height fold
FOLD_CASES: list[tuple[Case, int]] = [
    (NETWORK_LAYERS[1], 2),  # DS-CNN's first layer
    (((2, 1, 12, 10), 20, (10, 4), (2, 2), (4, 1, 5, 2), (1, 1), False), 1),
    (((1, 1, 13, 9), 12, (3, 2), (2, 1), (1, 0, 1, 1), (1, 1), True), 2),
    (((1, 2, 11, 12), 9, (3, 3), (3, 2), (0, 1, 2, 0), (1, 1), False), 1),
    (((2, 2, 9, 11), 16, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), True), 2),
    (((1, 1, 10, 14), 8, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2), True), 1),
    (((1, 1, 16, 16), 24, (5, 5), (1, 1), (2, 2, 2, 2), (1, 1), False), 1),
]


@pytest.mark.parametrize(("case", "force_fold"), FOLD_CASES, indirect=["force_fold"])
@pytest.mark.usefixtures("force_fold")
def test_folded_conv_matches_golden_and_z64(case: Case) -> None:
    """The folded kernel's results equal the golden model of the unfolded
    layer (simulator on every image, z64 on the first), strides, pads,
    dilations, kernel rows past the fold, odd channel counts."""
    module = conv(case, sum(case[0]) + case[1])
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    windows = [o for o in tiled.walk() if isinstance(o, TileWindowOp)]
    assert len(windows) == 1 and any(isinstance(o, QGatherOp) for o in tiled.walk())
    x = np.random.default_rng(1).uniform(-8.0, 8.0, (2, *case[0])).astype(np.float32)
    check(module, x, 1)


@pytest.mark.parametrize(
    ("case", "kernel"),
    list(
        zip(
            NETWORK_LAYERS[:4], ["strips", "fold", "strips", "pixel lanes"], strict=True
        )
    ),
)
def test_tile_for_dmem_folds_ds_cnns_first_layer(case: Case, kernel: str) -> None:
    """By the estimates, with no forcing: DS-CNN's one-channel 10x4 layer
    runs folded (60,705 cycles in the network against the pixel-lane
    kernel's 98,330). MobileNetV1's 3-channel stride-2 layer folded into 9
    channels would save 39 RSP cycles for a CPU gather of 41,904 elements
    instead of a transpose of 27,648, so it keeps strips; LeNet-5's 5x5
    keeps pixel lanes (18,883 against 22,206 folded), ResNet-8's 3x3
    strips."""
    tiled = conv(case, 2).clone()
    TileForDmemPass().apply(Context(), tiled)
    windows = [o for o in tiled.walk() if isinstance(o, TileWindowOp)]
    pixels = [o for o in tiled.walk() if isinstance(o, TilePixelConvOp)]
    gathered = any(isinstance(o, QGatherOp) for o in tiled.walk())
    found = (
        "pixel lanes"
        if pixels
        else "fold"
        if gathered
        else "strips"
        if windows[0].geo.strips
        else "banded"
    )
    assert found == kernel


@pytest.mark.parametrize("force_fold", [1], indirect=True)
@pytest.mark.usefixtures("force_fold")
def test_folded_acc48_conv_matches_golden_and_z64() -> None:
    """An `acc48` first layer (48-bit sums, input read as unsigned) folds
    too: the folded conv keeps the form, and the sums are the same."""
    rng = np.random.default_rng(4)
    module = qconv_module(
        (2, 1, 12, 10),
        rng.integers(-3000, 3000, (12, 1, 3, 3)).astype(np.int16),
        rng.integers(-(1 << 30), 1 << 30, 12).astype(np.int64),
        [20] * 12,
        pads=(1, 1, 1, 1),
        clamp=(0, 32767),
        wide=True,
    )
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    (window,) = [o for o in tiled.walk() if isinstance(o, TileWindowOp)]
    assert window.acc48 is not None and window.geo.kw == 1
    x = rng.uniform(0.0, 7.0, (2, 2, 1, 12, 10)).astype(np.float32)
    check(module, x, 1)
