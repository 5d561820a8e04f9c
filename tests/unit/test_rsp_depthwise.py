"""Depthwise convolutions on the RSP (`backend/depthwise_lowering.py`):
the rolling band, channel slices, column tiles, strides, pads, dilations
and `acc48` sums agree bit for bit between the simulator, the golden
integer model and z64."""

from __future__ import annotations

import numpy as np
import pytest
from test_rsp_conv import check, lower
from xdsl.dialects.builtin import ModuleOp

from n64c.backend import depthwise_lowering
from n64c.backend.conv_layer import qconv_module
from n64c.backend.depthwise_lowering import (
    HELD_TAPS,
    LOADED_TAPS,
    carries_weights,
    defers_rows,
    depthwise_weight_bytes,
    last_trip_straight,
    pixel_unroll,
    wraps_weights,
)
from n64c.backend.rsp_asm import print_asm
from n64c.backend.rsp_encode import find_programs
from n64c.backend.rsp_program import build_rsp_program, run_rsp_program
from n64c.passes import window_tiles
from n64c.passes.tile_constants import round_bias
from n64c.passes.window_tiles import pack_conv_weights, plan_window
from n64c.sim.int_engine import run_int_raw

# (x shape, kernel, strides, pads, dilations, relu, wide, z64 samples)
DEPTHWISE_CASES = [
    ((1, 64, 25, 5), (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, False, 1),
    ((1, 16, 48, 48), (3, 3), (2, 2), (0, 1, 0, 1), (1, 1), True, False, 0),
    ((2, 12, 7, 9), (3, 3), (1, 2), (1, 0, 2, 1), (1, 1), False, False, 1),
    ((1, 36, 9, 8), (3, 2), (2, 1), (1, 1, 1, 1), (2, 1), True, False, 1),
    ((1, 20, 9, 7), (5, 5), (2, 1), (2, 2, 2, 2), (1, 1), False, False, 1),
    ((1, 8, 6, 30), (1, 4), (1, 3), (0, 2, 0, 1), (1, 2), True, False, 1),
    ((1, 24, 8, 8), (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, True, 1),
    ((1, 8, 40, 90), (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), False, False, 0),
    # deep windows: 49 taps (each input loaded before its MAC, one pixel a
    # trip: the code fits IMEM), a 6x6 image under a 7x7 window, a 5x5 of
    # dilation 2 (a ring of 10 rows, read through the slot pointers), and
    # 49 taps with 48-bit sums
    ((1, 8, 13, 13), (7, 7), (1, 1), (3, 3, 3, 3), (1, 1), True, False, 1),
    ((1, 8, 6, 6), (7, 7), (1, 1), (3, 3, 3, 3), (1, 1), False, False, 1),
    ((1, 16, 13, 13), (5, 5), (1, 1), (4, 4, 4, 4), (2, 2), True, False, 1),
    ((1, 16, 9, 9), (7, 7), (2, 2), (3, 3, 3, 3), (1, 1), True, True, 1),
    # trips whose results go on to the next group (3 groups, 2 column tiles)
    ((1, 24, 5, 18), (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, False, 1),
    # weights carried from group to group but not over rows (3 rows)
    ((1, 32, 3, 3), (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), False, False, 1),
    # a slice of one group (MobileNet's 48x48x8 layer): its header and
    # weights loaded once a strip and kept over the rows, 2 column tiles
    ((1, 8, 48, 48), (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True, False, 1),
]


@pytest.mark.parametrize(
    ("x_shape", "kernel", "strides", "pads", "dilations", "relu", "wide", "z64"),
    DEPTHWISE_CASES,
)
def test_depthwise_matches_golden_and_z64(
    x_shape: tuple[int, int, int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    dilations: tuple[int, int],
    relu: bool,
    wide: bool,
    z64: int,
) -> None:
    c = x_shape[1]
    rng = np.random.default_rng(sum(x_shape) * 10 + kernel[0])
    w = rng.integers(-4000, 4000, (c, 1, *kernel)).astype(np.int16)
    if wide:  # acc48: int64 bias, shifts in [2, 16]
        bias = rng.integers(-(1 << 40), 1 << 40, c).astype(np.int64)
        shifts = [int(s) for s in rng.integers(2, 17, c)]
    else:
        bias = rng.integers(-(1 << 27), 1 << 27, c).astype(np.int32)
        shifts = [int(s) for s in rng.integers(6, 17, c)]
    module = qconv_module(
        x_shape, w, bias, shifts, strides=strides, pads=pads,
        dilations=dilations, group=c, clamp=(0, 32767) if relu else (-32768, 32767),
        wide=wide,
    )  # fmt: skip
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, z64)


def test_depthwise_cases_cover_slices_and_column_tiles() -> None:
    """The cases above run with several channel slices, with several column
    tiles, with slices of more than one group, and with a stride of 2 (two
    rows fetched per output row), also where a row queues its second input
    row after its first group (`defers_rows`) and where it cannot (one
    group)."""
    seen = set()
    for x_shape, kernel, strides, pads, dilations, *_ in DEPTHWISE_CASES:
        c = x_shape[1]
        g = plan_window(
            "conv", x_shape, c, kernel, strides, pads, dilations, "l", 4064, True
        )
        assert g.depthwise and g.tile_rows == 1
        seen.add(("sliced", g.slices > 1))
        seen.add(("columns", g.col_tiles > 1))
        seen.add(("wide slice", g.slice_blocks > 1))
        seen.add(("stride 2", g.sh == 2))
        if g.sh == 2:
            seen.add(("deferred rows", defers_rows(g)))
    assert {("sliced", True), ("columns", True), ("wide slice", True)} <= seen
    assert ("stride 2", True) in seen
    assert {("deferred rows", True), ("deferred rows", False)} <= seen


# (x shape, kernel, strides, pads, clamp): a two-sided clamp (ReLU6-like)
# over pixel loops with unrolled trips and a remainder, one-pixel and
# two-pixel rows, weights held and loaded per MAC, and batches
TWO_SIDED_CASES = [
    ((2, 16, 5, 13), (3, 3), (1, 1), (1, 1, 1, 1), (0, 3000)),
    ((1, 24, 7, 23), (3, 3), (2, 2), (1, 1, 1, 1), (-500, 2000)),
    ((2, 8, 4, 2), (3, 3), (1, 1), (1, 1, 1, 1), (0, 3000)),
    ((1, 8, 5, 1), (3, 1), (1, 1), (1, 0, 1, 0), (-1000, 1000)),
    ((1, 12, 9, 7), (5, 5), (1, 1), (2, 2, 2, 2), (0, 3000)),
    ((1, 16, 11, 11), (7, 7), (1, 1), (3, 3, 3, 3), (-700, 2500)),
    # results carried from group to group over trips (a rest of 5 pixels)
    ((1, 16, 3, 34), (3, 3), (1, 1), (1, 1, 1, 1), (0, 3000)),
    # two trips of 6 pixels: the second, straight-line code, loads the next
    # group's weights (MobileNet's 24x24x32 and 12x12x64 layers)
    ((1, 16, 5, 12), (3, 3), (1, 1), (1, 1, 1, 1), (0, 3000)),
]


@pytest.mark.parametrize(
    ("x_shape", "kernel", "strides", "pads", "clamp"), TWO_SIDED_CASES
)
def test_depthwise_two_sided_clamp(
    x_shape: tuple[int, int, int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    clamp: tuple[int, int],
) -> None:
    """The clamp's two compares a readout apart (the `vlt` inside the next
    pixel's chain, the store a chain later) and the last pixels of each
    call of the pixel loop: the results hit both bounds and values between,
    and agree on the simulator, the golden model and z64."""
    c = x_shape[1]
    rng = np.random.default_rng(sum(x_shape) + kernel[0])
    w = rng.integers(-4000, 4000, (c, 1, *kernel)).astype(np.int16)
    bias = rng.integers(-(1 << 24), 1 << 24, c).astype(np.int32)
    shifts = [int(s) for s in rng.integers(10, 14, c)]
    module = qconv_module(
        x_shape, w, bias, shifts, strides=strides, pads=pads, group=c,
        clamp=clamp,
    )  # fmt: skip
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    golden = run_int_raw(module, {"input": x})["output"][0]
    assert (golden == clamp[0]).any() and (golden == clamp[1]).any()
    assert ((golden > clamp[0]) & (golden < clamp[1])).any()
    check(module, x, 1)


def test_two_sided_cases_cover_the_pixel_loop() -> None:
    """Unrolled trips with and without a remainder, calls of one and two
    pixels, held and loaded weights, several images."""
    seen = set()
    for x_shape, kernel, strides, pads, _ in TWO_SIDED_CASES:
        c = x_shape[1]
        g = plan_window(
            "conv", x_shape, c, kernel, strides, pads, (1, 1), "l", 4064, True
        )
        assert g.depthwise
        unroll = pixel_unroll(g.tile_cols, kernel[0] * kernel[1])
        seen.add(("trips", g.tile_cols // unroll > 1))
        seen.add(("remainder", g.tile_cols % unroll > 0))
        seen.add(("single", g.tile_cols == 1))
        seen.add(("pair", g.tile_cols == 2))
        seen.add(("held", kernel[0] * kernel[1] <= HELD_TAPS))
        seen.add(("streams", kernel[0] * kernel[1] > LOADED_TAPS))
        seen.add(("batch", g.n > 1))
    for key in ("trips", "remainder", "held", "streams", "batch"):
        assert {(key, True), (key, False)} <= seen
    assert {("single", True), ("pair", True)} <= seen


# (x shape, kernel, strides, pads, clamp): `acc48` layers with shifts in
# [2, 16] and biases of the one-op form take the int32 kernel's pipelined
# pixels (`fast_acc48`): one-sided and two-sided clamps, trips and
# remainders, one-pixel rows, slices of several groups, loaded weights
FAST_ACC48_CASES = [
    ((1, 64, 25, 5), (3, 3), (1, 1), (1, 1, 1, 1), (0, 32767)),
    ((1, 64, 25, 5), (3, 3), (1, 1), (1, 1, 1, 1), (0, 3000)),
    ((2, 16, 5, 13), (3, 3), (1, 1), (1, 1, 1, 1), (-500, 2000)),
    ((1, 24, 7, 23), (3, 3), (2, 2), (1, 1, 1, 1), (-32768, 32767)),
    ((1, 8, 5, 1), (3, 1), (1, 1), (1, 0, 1, 0), (-1000, 1000)),
    ((1, 12, 9, 7), (5, 5), (1, 1), (2, 2, 2, 2), (0, 3000)),
    # trips whose results go on to the next group's first trip: a rest of
    # 5 pixels, and none
    ((1, 16, 5, 17), (3, 3), (1, 1), (1, 1, 1, 1), (0, 3000)),
    ((1, 16, 6, 12), (3, 3), (1, 1), (1, 1, 1, 1), (0, 32767)),
    # groups that carry their weights, in a strip too short to carry them
    # over rows (no copy of the first tile)
    ((1, 32, 3, 3), (3, 3), (1, 1), (1, 1, 1, 1), (0, 3000)),
    # MobileNet's shapes with a two-sided clamp: calls of 6 pixels (the last
    # readout's `vlt` before its shift) and of 3 (after it), column tiles
    ((1, 32, 6, 24), (3, 3), (1, 1), (1, 1, 1, 1), (0, 3000)),
    ((1, 32, 8, 24), (3, 3), (2, 2), (1, 1, 1, 1), (0, 3000)),
]


def fast_acc48_module(
    x_shape: tuple[int, int, int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    clamp: tuple[int, int],
    wide: bool = True,
) -> ModuleOp:
    c = x_shape[1]
    rng = np.random.default_rng(sum(x_shape) * 3 + kernel[0])
    w = rng.integers(-4000, 4000, (c, 1, *kernel)).astype(np.int16)
    bias = round_bias(rng.integers(-(1 << 28), 1 << 28, c))
    shifts = [int(s) for s in rng.integers(2, 17, c)]
    shifts[:3] = [16, 13, 2]
    return qconv_module(
        x_shape, w, bias.astype(np.int64 if wide else np.int32), shifts,
        strides=strides, pads=pads, group=c, clamp=clamp, wide=wide,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("x_shape", "kernel", "strides", "pads", "clamp"), FAST_ACC48_CASES
)
def test_fast_acc48_depthwise(
    x_shape: tuple[int, int, int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    pads: tuple[int, int, int, int],
    clamp: tuple[int, int],
) -> None:
    """Bit-exact on the simulator, the golden model and z64, inputs over
    the whole 16-bit range (negative ones read as unsigned): the chain
    starts with `vmudm` of the bias and the readout has no `vmadn` of a
    bias's low bits."""
    module = fast_acc48_module(x_shape, kernel, strides, pads, clamp)
    text = print_asm(next(iter(find_programs(lower(module.clone())).values())))
    assert "vmudm" in text and "vmadn" not in text
    rng = np.random.default_rng(7)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    golden = run_int_raw(module, {"input": x})["output"][0]
    if clamp[0] > -32768:
        assert (golden == clamp[0]).any()
    assert ((golden > clamp[0]) & (golden < clamp[1])).any()
    check(module, x, 1)


def test_fast_acc48_cases_cover_the_split_readout() -> None:
    """With held weights (the readout split over two pixels): a group's
    pixels in one call whose last results go to the next group, trips
    that carry results into the next, trips with a remainder, one-pixel
    rows, two-sided clamps; and loaded weights (the readout whole)."""
    seen = set()
    for x_shape, kernel, strides, pads, clamp in FAST_ACC48_CASES:
        c = x_shape[1]
        g = plan_window(
            "conv", x_shape, c, kernel, strides, pads, (1, 1), "l", 4064, True, True
        )
        taps = kernel[0] * kernel[1]
        unroll = pixel_unroll(g.tile_cols, taps)
        held = taps <= HELD_TAPS
        seen.add(("held", held))
        if held:
            seen.add(("one call", unroll == g.tile_cols >= 3 and g.slice_blocks > 1))
            seen.add(("carried trips", g.tile_cols // unroll >= 2 and unroll >= 3))
            seen.add(("remainder", g.tile_cols % unroll > 0))
            seen.add(("single", g.tile_cols == 1))
            seen.add(("two-sided", clamp[0] > -32768 and clamp[1] < 32767))
            rest = g.tile_cols % unroll
            carried = g.tile_cols // unroll >= 2 and unroll >= 3
            seen.add(("across", carried and (rest == 0 or rest >= 3)))
            seen.add(("across, rest", carried and rest >= 3))
    for key in ("held", "one call", "carried trips", "remainder", "single", "across"):
        assert (key, True) in seen, key
    assert ("two-sided", True) in seen and ("held", False) in seen
    assert ("across, rest", True) in seen


def test_fast_acc48_depthwise_saves_cycles() -> None:
    """The DS-CNN depthwise layer (64 channels, 25x5, ReLU) in the `acc48`
    form takes fewer cycles than in the int32 form: a readout op less per
    output vector, and no wait for its `vsar`."""
    cycles = []
    for wide in (False, True):
        module = fast_acc48_module(
            (1, 64, 25, 5), (3, 3), (1, 1), (1, 1, 1, 1), (0, 32767), wide
        )
        program = build_rsp_program(lower(module), measure=True)
        cycles.append(program.cycles)
    assert cycles[1] < cycles[0] * 0.97, cycles


def test_slices_end_with_a_copy_of_their_first_tile() -> None:
    """Where a row's groups carry their weights in registers (DS-CNN's
    depthwise layer: two slices of four groups), each slice's weights end
    with a copy of its first tile, so the row's last group loads the next
    row's first group's; the pad row follows the copies."""
    x_shape = (1, 64, 25, 5)
    g = plan_window(
        "conv", x_shape, 64, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), "l", 4064, True
    )
    assert g.slices == 2 and g.slice_blocks == 4 and wraps_weights(g)
    assert depthwise_weight_bytes(g) == 5 * g.tile_bytes
    w = np.arange(64 * 9, dtype=np.int16).reshape(64, 1, 3, 3)
    blob = pack_conv_weights(w, np.arange(64), [16] * 64, 64, 64, g)
    tiles = blob[: 11 * g.tile_bytes // 2].reshape(11, -1)
    for first in (0, 5):
        np.testing.assert_array_equal(tiles[first + 4], tiles[first])
        assert not np.array_equal(tiles[first + 1], tiles[first])
    assert not blob[11 * g.tile_bytes // 2 : 11 * g.tile_bytes // 2 + g.w * g.cp].any()
    short = plan_window(
        "conv", (1, 32, 3, 3), 32, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), "l", 4064, True
    )
    assert carries_weights(short) and not wraps_weights(short)  # 3 rows
    assert depthwise_weight_bytes(short) == short.slice_blocks * short.tile_bytes


def test_two_trips_carry_the_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    """A row of two trips whose results are carried (12-pixel column tiles
    of 2 groups, 6 pixels a trip) ends in straight-line code, so its groups
    carry their weights: faster than loading each group's at its start, and
    the same results."""
    assert last_trip_straight(12, 6) and last_trip_straight(8, 4)
    assert not last_trip_straight(18, 6) and not last_trip_straight(4, 2)
    x_shape = (1, 16, 24, 24)
    g = plan_window(
        "conv", x_shape, 16, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), "l", 4064, True
    )
    assert (g.tile_cols, g.slice_blocks) == (12, 2) and carries_weights(g)
    rng = np.random.default_rng(7)
    w = rng.integers(-4000, 4000, (16, 1, 3, 3)).astype(np.int16)
    bias = rng.integers(-(1 << 24), 1 << 24, 16).astype(np.int32)
    shifts = [int(v) for v in rng.integers(6, 17, 16)]
    x = np.random.default_rng(8).uniform(-8.0, 8.0, x_shape).astype(np.float32)

    def measure() -> tuple[int, np.ndarray]:
        module = qconv_module(
            x_shape, w, bias, shifts, pads=(1, 1, 1, 1), group=16, clamp=(0, 6000)
        )
        planner = window_tiles.plan_window
        monkeypatch.setattr(window_tiles, "plan_window", lambda *_a, **_k: g)
        program = build_rsp_program(lower(module), measure=True)
        monkeypatch.setattr(window_tiles, "plan_window", planner)
        y = run_rsp_program(program, {"input": x}, engine="sim")["output"]
        return program.cycles, y

    carried, y = measure()
    monkeypatch.setattr(
        depthwise_lowering, "last_trip_straight", lambda cols, unroll: cols == unroll
    )
    loaded, y_loaded = measure()
    np.testing.assert_array_equal(y, y_loaded)
    assert carried < loaded * 0.98, (carried, loaded)
