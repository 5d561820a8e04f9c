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


def tile_header(
    bias: np.ndarray | None,
    shifts: Sequence[int] | np.ndarray,
    channels: int,
    wide: bool,
) -> np.ndarray:
    """The header vectors of the weight tiles, `[3 or 4, channels]` int16,
    channels beyond the bias and shifts padded (zero bias, `mult = 1`).

    int32 layers: `b_div = b >> 14`, `b_mod = b & 0x3FFF` (`|b| < 2^29`), then
    `mult = 2^(16 - s)`. `acc48` layers: the same split of
    `B = b >> 16` (`|B| < 2^29` as `|b| < 2^45`), `mult = 2^(16 - s)` for
    shifts in [2, 16] or `2^(32 - s)` for shifts in [18, 32], and
    `c0 = b mod 2^16` (as the 16 bits of a lane).
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
    if wide:
        rows.append(b & 0xFFFF)
    return np.stack(rows).astype(np.uint16).view(np.int16)


def gemm_constants(op: QGemmOp | QConv2dOp) -> list[int]:
    """The constant vector(s) of a Gemm or conv kernel:
    `[16384, 1, lo, hi, 0, 0, 0, 0]`, and for `acc48` eight 2s after it."""
    lo, hi = op.clamp_bounds
    return [16384, 1, lo, hi, 0, 0, 0, 0] + ([2] * 8 if op.wide else [])
