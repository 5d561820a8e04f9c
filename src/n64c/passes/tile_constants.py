"""The constants RSP tile kernels of quantised layers read: the header of
each weight tile (bias and multiplier vectors) and the kernel's constant
vectors, and the DMEM parameter block and layout permutations every
tiling uses. Shared by the Gemm (`tile_for_dmem`), conv (`window_tiles`,
`pixel_lane_tiles`), PRelu and slice tilings; the layouts are described in
`n64c.dialects.n64_tile`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from n64c.dialects.n64_quant import (
    QConv2dOp,
    QGemmOp,
)
from n64c.dialects.n64_tile import acc48_mode

PARAM_BYTES = 16
"""DMEM bytes 0..15 hold the invocation parameters (the RDRAM base word);
every tiling's budget starts after them."""
TO_NHWC = (0, 2, 3, 1)
"""The `qtranspose` before a channels-last RSP kernel."""
TO_NCHW = (0, 3, 1, 2)
"""The `qtranspose` after it, back to the graph's layout."""


BIAS_MANTISSA = 32767
"""The largest `|v|` of a bias `v * 2^j` added by one `vmadh`."""
BIAS_EXPONENT = 14
"""The largest `j` of a bias `v * 2^j` (`2^j` is a signed 16-bit lane)."""


def bias_exponents(bias: np.ndarray | Sequence[int] | None) -> np.ndarray | None:
    """Per channel the smallest `j <= BIAS_EXPONENT` with `b = v * 2^j`,
    `|v| <= BIAS_MANTISSA`, or None when some channel's bias has no such
    form (an int32 layer's bias then takes two `vmadh`)."""
    if bias is None:
        return np.zeros(0, dtype=np.int64)
    b = np.asarray(bias, dtype=np.int64).reshape(-1)
    j = np.zeros(b.size, dtype=np.int64)
    for _ in range(BIAS_EXPONENT):
        grow = (np.abs(b >> j) > BIAS_MANTISSA) & ((b & ((1 << j) - 1)) == 0)
        if not grow.any():
            break
        j += grow
    whole = (b & ((1 << j) - 1)) == 0
    if not (whole & (np.abs(b >> j) <= BIAS_MANTISSA)).all():
        return None
    return j


def one_op_bias(
    bias: np.ndarray | Sequence[int] | None, wide: bool, window: bool = False
) -> bool:
    """Whether a layer's bias has the form one op adds (`bias_exponents`;
    the quantiser rounds int32 biases, and `acc48` ones with shifts up to
    16, to it): one `vmadh v, 2^j` in an int32 layer, one `vmudm v, 2^j`
    in an `acc48` `window` conv (other `acc48` kernels add every bias in
    three ops)."""
    return (window or not wide) and bias_exponents(bias) is not None


def acc_hi_readout(shifts: Sequence[int] | np.ndarray, wide: bool) -> bool:
    """Whether an int32 (not `wide`) layer's results are ACC_HI itself:
    every shift is 16, so `sat16(wrap_int32(acc) >> 16)` is bits 47:32 of
    the accumulator (one `vsar` instead of the four-op shift)."""
    return not wide and all(int(s) == 16 for s in shifts)


def round_bias(b: np.ndarray) -> np.ndarray:
    """Each int32 bias rounded (half up) to the nearest `v * 2^j` with the
    smallest `j` that keeps `|v| <= BIAS_MANTISSA` (`|b| < 2^29`): the form
    one `vmadh v, 2^j` adds. Exact on float64 or int64 input."""
    q = np.asarray(b, dtype=np.float64)
    j = np.zeros(q.shape)
    for _ in range(BIAS_EXPONENT):
        over = np.abs(np.floor(q / 2.0**j + 0.5)) > BIAS_MANTISSA
        if not over.any():
            break
        j += over
    v = np.clip(np.floor(q / 2.0**j + 0.5), -BIAS_MANTISSA, BIAS_MANTISSA)
    return v * 2.0**j


def tile_header(
    bias: np.ndarray | None,
    shifts: Sequence[int] | np.ndarray,
    channels: int,
    wide: bool,
    short: bool = False,
) -> np.ndarray:
    """The header vectors of the weight tiles, `[3 or 4, channels]` int16,
    channels beyond the bias and shifts padded (zero bias, `mult = 1`).

    int32 layers: `b_div = b >> 14`, `b_mod = b & 0x3FFF` (`|b| < 2^29`), then
    `mult = 2^(16 - s)`; with `short` (every bias has the form of
    `bias_exponents`) `v = b >> j` and `2^j` instead of `b_div` and `b_mod`,
    so that one `vmadh v, 2^j` adds the bias. `acc48` layers: the same split of
    `B = b >> 16` (`|B| < 2^29` as `|b| < 2^45`), `mult = 2^(16 - s)` for
    shifts in [2, 16] or `2^(32 - s)` for shifts in [18, 32], and
    `c0 = b mod 2^16` (as the 16 bits of a lane); with `short` `v`, `2^j`,
    `mult` and a zero vector.
    """
    b = np.zeros(channels, dtype=np.int64)
    if bias is not None:
        values = np.asarray(bias, dtype=np.int64)
        b[: values.size] = values
    shift_values = np.asarray(shifts, dtype=np.int64)
    mult = np.ones(channels, dtype=np.int64)
    top = 32 if wide and acc48_mode([int(v) for v in shift_values]) == "high" else 16
    mult[: shift_values.size] = np.left_shift(1, top - shift_values)
    high = b >> 16 if wide else b
    rows = [high >> 14, high & 0x3FFF, mult]
    if short:
        j = bias_exponents(b)
        assert j is not None, "the bias has no one-op form"
        rows = [b >> j, np.left_shift(1, j), mult]
    if wide:
        rows.append(np.zeros_like(b) if short else b & 0xFFFF)
    return np.stack(rows).astype(np.uint16).view(np.int16)


def gemm_constants(op: QGemmOp | QConv2dOp) -> list[int]:
    """The constant vector(s) of a Gemm or conv kernel:
    `[16384, 1, lo, hi, 0, 0, 0, 0]` (the `acc48` readout reads a zero
    lane, `acc48_code.E_ZERO`)."""
    lo, hi = op.clamp_bounds
    return [16384, 1, lo, hi, 0, 0, 0, 0]
