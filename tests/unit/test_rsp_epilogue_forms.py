"""The short epilogue forms of int32 layers on the RSP.

* One-op bias: the quantiser rounds each bias to `v * 2^j` (`|v| <=
  32767`, `j <= 14`), the tile headers then hold `v` and `2^j`, and every
  kernel adds the bias with one `vmadh` instead of two (`short_bias`).
* ACC_HI readout: when every shift is 16, the result is ACC_HI itself, one
  `vsar` instead of the four-op shift (`acc_hi`), wrapped sums included.

The simulator, the golden integer model and z64 agree bit for bit on each
kind of conv kernel and on Gemm, in each form."""

from __future__ import annotations

import numpy as np
import pytest
from test_rsp_conv import check, lower
from test_rsp_gemm import check_layer
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

import n64c.passes.window_tiles as window_tiles
from n64c.backend.conv_layer import qconv_module
from n64c.backend.gemm_layer import qgemm_module
from n64c.backend.rsp_program import build_rsp_program
from n64c.dialects.n64_quant import BIAS_LIMIT
from n64c.dialects.n64_tile import TileMatmulOp, TileWindowOp
from n64c.passes.quantize_int16 import quantize_bias
from n64c.passes.tile_constants import (
    BIAS_EXPONENT,
    BIAS_MANTISSA,
    bias_exponents,
    one_op_bias,
    round_bias,
    tile_header,
)
from n64c.passes.tile_for_dmem import TileForDmemPass


def short_biases(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` biases `v * 2^j` over the whole range of `j`, both signs."""
    v = rng.integers(-BIAS_MANTISSA, BIAS_MANTISSA + 1, n)
    j = rng.integers(0, BIAS_EXPONENT + 1, n)
    return (v << j).astype(np.int32)


def test_bias_exponents_take_the_smallest_power() -> None:
    b = np.array([0, 1, -32767, 32767, 32768, 40000, 3 << 16, 32767 << 14])
    exponents, none = bias_exponents(b), bias_exponents(None)
    assert exponents is not None and exponents.tolist() == [0, 0, 0, 0, 1, 1, 3, 14]
    assert none is not None and none.tolist() == []
    # an odd bias above 15 bits, and one that needs 2^15, have no one-op form
    assert bias_exponents([32769]) is None
    assert bias_exponents([32767 << 15]) is None
    assert not one_op_bias([32769], wide=False)
    assert not one_op_bias([5], wide=True)  # acc48 keeps its own header
    assert one_op_bias(None, wide=False)


def test_round_bias_is_the_nearest_one_op_form() -> None:
    rng = np.random.default_rng(3)
    b = rng.integers(-(1 << 29) + 1, 1 << 29, 2000)
    r = round_bias(b).astype(np.int64)
    j = bias_exponents(r)
    assert j is not None
    # within half a step of the smallest exponent that fits b
    power = np.ceil(np.log2((np.abs(b) + 1) / 32767.5))
    step = np.left_shift(1, np.maximum(0, power).astype(np.int64))
    assert (np.abs(r - b) <= step // 2).all()
    assert (np.abs(r) < 1 << 29).all()
    small = np.arange(-32767, 32768, 997)
    np.testing.assert_array_equal(round_bias(small), small)  # exact below 2^15


def test_quantiser_biases_have_the_one_op_form() -> None:
    rng = np.random.default_rng(4)
    bias = rng.normal(0.0, 40.0, 64)
    frac = [int(f) for f in rng.integers(10, 26, 64)]
    shifts = [int(s) for s in rng.integers(2, 17, 64)]
    q = quantize_bias(bias, frac, shifts)
    assert q.dtype == np.int32 and one_op_bias(q, wide=False)
    exact = np.clip(
        np.floor(bias * 2.0 ** np.array(frac) + 0.5), -BIAS_LIMIT, BIAS_LIMIT
    )
    exact = np.clip(exact + 2.0 ** (np.array(shifts) - 1), -BIAS_LIMIT, BIAS_LIMIT)
    assert (np.abs(q - exact) <= np.maximum(1.0, np.abs(exact) * 2.0**-15)).all()
    wide = quantize_bias(bias, [f + 8 for f in frac], shifts, wide=True)
    assert wide.dtype == np.int64  # acc48 biases keep every bit


def test_tile_header_holds_v_and_its_power() -> None:
    b = np.array([7, -(5 << 10), 32767 << 14, 0])
    header = tile_header(b, [16, 12, 2, 16], 8, wide=False, short=True)
    v, power, mult = (header[i].astype(np.int64) for i in range(3))
    np.testing.assert_array_equal(v[:4] * power[:4], b)
    assert power[4:].tolist() == [1] * 4 and v[4:].tolist() == [0] * 4
    assert mult[:4].tolist() == [1, 16, 16384, 1]


def _tiled(module: ModuleOp) -> list[TileWindowOp]:
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    return [op for op in tiled.walk() if isinstance(op, TileWindowOp)]


# (x shape, O, kernel, strides, pads, dilations, group, relu, banded only)
CONV_CASES = [
    ((1, 8, 9, 9), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True, False),
    ((1, 40, 6, 6), 20, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1, False, True),
    ((1, 32, 8, 8), 32, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True, False),
    ((1, 64, 25, 5), 64, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 64, True, False),
    ((2, 5, 7, 5), 9, (3, 2), (2, 1), (0, 1, 1, 0), (1, 1), 1, False, False),
]


FORMS = ("short_bias", "acc_hi", "both")


def biases_and_shifts(
    rng: np.random.Generator, form: str, n: int
) -> tuple[np.ndarray, list[int]]:
    """A layer's biases (of the one-op form, or odd ones above 2^15 that
    have none) and shifts (all 16, or random) for `form`."""
    if form == "acc_hi":
        bias = (rng.integers(1 << 14, 1 << 27, n) * 2 + 1) * rng.choice([-1, 1], n)
    else:
        bias = short_biases(rng, n)
    shifts = [16] * n if form != "short_bias" else rng.integers(6, 17, n).tolist()
    return bias.astype(np.int32), [int(s) for s in shifts]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", CONV_CASES)
def test_short_epilogue_conv_matches_golden_and_z64(
    case: tuple, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    x_shape, o, kernel, strides, pads, dilations, group, relu, banded = case
    if banded:
        monkeypatch.setattr(window_tiles, "_strip_geometries", lambda *_: [])
    rng = np.random.default_rng(sum(x_shape) + o + len(form))
    w = rng.integers(-4000, 4000, (o, x_shape[1] // group, *kernel)).astype(np.int16)
    bias, shifts = biases_and_shifts(rng, form, o)
    module = qconv_module(
        x_shape, w, bias, shifts, strides=strides, pads=pads, dilations=dilations,
        group=group, clamp=(0, 32767) if relu else (-32768, 32767),
    )  # fmt: skip
    windows = _tiled(module)
    # (the later kernels of a split conv have no bias: zero has the form)
    assert (windows[0].short_bias is not None) == (form != "acc_hi")
    assert all((op.acc_hi is not None) == (form != "short_bias") for op in windows)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    check(module, x, 1)


def test_conv_cases_cover_every_kernel_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cases run the banded kernel with partial sums of alternating
    signs, strips, a split conv and the depthwise kernel."""
    seen: set[str] = set()
    for x_shape, o, kernel, strides, pads, dilations, group, _, banded in CONV_CASES:
        with monkeypatch.context() as m:
            if banded:
                m.setattr(window_tiles, "_strip_geometries", lambda *_: [])
            w = np.ones((o, x_shape[1] // group, *kernel), np.int16)
            module = qconv_module(
                x_shape, w, np.zeros(o, np.int32), [8] * o, strides=strides,
                pads=pads, dilations=dilations, group=group,
            )  # fmt: skip
            for op in _tiled(module):
                g = op.geo
                seen.add("depthwise" if g.depthwise else "split" if g.split else
                         "strips" if g.strips else "banded")  # fmt: skip
                if op.alternating is not None and not g.split:
                    seen.add("alternating")
    assert seen == {"depthwise", "split", "strips", "banded", "alternating"}


def test_one_op_bias_saves_cycles() -> None:
    """The same depthwise layer (9 MACs an output vector) with a bias of
    the one-op form and with one that has none (the two-op form): the first
    runs in fewer cycles."""
    rng = np.random.default_rng(5)
    w = rng.integers(-4000, 4000, (32, 1, 3, 3)).astype(np.int16)
    cycles = []
    for bias in (short_biases(rng, 32), np.full(32, (1 << 20) + 1, np.int32)):
        module = qconv_module(
            (1, 32, 12, 10), w, bias, [12] * 32, pads=(1, 1, 1, 1), group=32
        )
        cycles.append(build_rsp_program(lower(module), measure=True).cycles)
    assert cycles[0] < cycles[1]


def test_acc_hi_readout_saves_cycles() -> None:
    """The same depthwise layer with every shift 16 and with one shift 15:
    the first reads its results with one `vsar` and runs in fewer cycles."""
    rng = np.random.default_rng(7)
    w = rng.integers(-4000, 4000, (32, 1, 3, 3)).astype(np.int16)
    bias = short_biases(rng, 32)
    cycles = []
    for shifts in ([16] * 32, [16] * 31 + [15]):
        module = qconv_module(
            (1, 32, 12, 10), w, bias, shifts, pads=(1, 1, 1, 1), group=32
        )
        cycles.append(build_rsp_program(lower(module), measure=True).cycles)
    assert cycles[0] < cycles[1]


@pytest.mark.parametrize("form", FORMS)
def test_short_epilogue_gemm_matches_golden_and_z64(form: str) -> None:
    rng = np.random.default_rng(6 + len(form))
    w = rng.integers(-6000, 6000, (72, 20)).astype(np.int16)
    bias, shifts = biases_and_shifts(rng, form, 20)
    module = qgemm_module(w, bias, np.array(shifts), (0, 32767), rows=3)
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    ops = [op for op in tiled.walk() if isinstance(op, TileMatmulOp)]
    assert ops
    for op in ops:
        assert (op.short_bias is not None) == (form != "acc_hi")
        assert (op.acc_hi is not None) == (form != "short_bias")
    x = rng.uniform(-4.0, 4.0, (3, 3, 72)).astype(np.float32)
    check_layer(module, x, z64=True)
