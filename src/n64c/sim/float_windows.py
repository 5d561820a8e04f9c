"""Numpy kernels (ONNX semantics) for the window ops of
:mod:`n64c.dialects.n64_graph_window`: N-D convolution and pooling (used for
3-D) and the transposed 2-D convolution.

Like :mod:`n64c.sim.float_kernels` they work on plain arrays; pads are all
begins then all ends, and a leading axis larger than the IR's is carried
through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from n64c.dialects.n64_graph_window import window_output_sizes
from n64c.sim.float_kernels import clamp

_CHUNK_BUDGET = 1 << 24
"""Largest im2col buffer (elements) built at once."""


def _windows(
    x: np.ndarray,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    out: Sequence[int],
) -> np.ndarray:
    """View `[N, C, *out, *kernel]` of the windows of an already padded x."""
    rank = len(kernel)
    extent = [(k - 1) * d + 1 for k, d in zip(kernel, dilations, strict=True)]
    # numpy takes a tuple of axes; its stubs name only one (SupportsIndex)
    axes: Any = tuple(range(2, 2 + rank))
    view = sliding_window_view(x, extent, axis=axes)
    picks = [slice(None), slice(None)]
    picks += [
        slice(None, (o - 1) * s + 1, s) for o, s in zip(out, strides, strict=True)
    ]
    picks += [slice(None, None, d) for d in dilations]
    return view[tuple(picks)]


def _padding(
    sizes: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    out: Sequence[int],
) -> list[tuple[int, int]]:
    """(begin, end) padding per spatial axis, including the end padding a
    ceil-mode window reaches into."""
    rank = len(sizes)
    widths = []
    for i in range(rank):
        needed = (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1
        widths.append((pads[i], max(pads[rank + i], needed - sizes[i] - pads[i])))
    return widths


def conv_nd(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None,
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    group: int = 1,
    clamp_min: float | None = None,
    clamp_max: float | None = None,
) -> np.ndarray:
    """ONNX Conv on `x[N, C, *S]`, `w[O, C/group, *K]` by im2col."""
    n, c, *sizes = x.shape
    o, cg, *kernel = w.shape
    rank = len(kernel)
    og = o // group
    out = window_output_sizes(sizes, kernel, strides, pads, dilations)
    positions, taps = int(np.prod(out)), cg * int(np.prod(kernel))
    wm = w.reshape(group, og, taps).transpose(0, 2, 1)  # [G, taps, OG]
    chunk = max(1, _CHUNK_BUDGET // max(c * int(np.prod(kernel)) * positions, 1))
    y = np.empty((n, o, *out), dtype=np.result_type(x, w))
    widths = [(pads[i], pads[rank + i]) for i in range(rank)]
    spatial = tuple(range(2, 2 + rank))
    kernel_axes = tuple(range(3 + rank, 3 + 2 * rank))
    for start in range(0, n, chunk):
        xs = np.pad(x[start : start + chunk], [(0, 0), (0, 0), *widths])
        win = _windows(xs, kernel, strides, dilations, out)
        b = xs.shape[0]
        # [B, G, CG, *out, *K] -> [B, G, *out, CG, *K] -> [B, G, P, taps]
        cols = win.reshape(b, group, cg, *out, *kernel)
        order = (0, 1, *(s + 1 for s in spatial), 2, *kernel_axes)
        cols = cols.transpose(order).reshape(b, group, positions, taps)
        prod = np.matmul(cols, wm)  # [B, G, P, OG]
        y[start : start + b] = prod.transpose(0, 1, 3, 2).reshape(b, o, *out)
    if bias is not None:
        y += bias.reshape(1, o, *([1] * rank))
    return clamp(y, clamp_min, clamp_max)


def max_pool_nd(
    x: np.ndarray,
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    ceil_mode: bool = False,
) -> np.ndarray:
    """ONNX MaxPool on `x[N, C, *S]`; padding never wins."""
    sizes = x.shape[2:]
    out = window_output_sizes(sizes, kernel, strides, pads, dilations, ceil_mode)
    widths = _padding(sizes, kernel, strides, pads, dilations, out)
    xp = np.pad(x, [(0, 0), (0, 0), *widths], constant_values=-np.inf)
    axes = tuple(range(2 + len(kernel), 2 + 2 * len(kernel)))
    return _windows(xp, kernel, strides, dilations, out).max(axis=axes)


def avg_pool_nd(
    x: np.ndarray,
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    ceil_mode: bool = False,
    count_include_pad: bool = False,
) -> np.ndarray:
    """ONNX AveragePool on `x[N, C, *S]` (divisors as `avg_pool2d`)."""
    rank = len(kernel)
    sizes = x.shape[2:]
    out = window_output_sizes(sizes, kernel, strides, pads, dilations, ceil_mode)
    widths = _padding(sizes, kernel, strides, pads, dilations, out)
    xp = np.pad(x, [(0, 0), (0, 0), *widths])
    axes = tuple(range(2 + rank, 2 + 2 * rank))
    sums = _windows(xp, kernel, strides, dilations, out).sum(axis=axes)
    mask = np.zeros(
        (1, 1, *(s + b + e for s, (b, e) in zip(sizes, widths, strict=True))), x.dtype
    )
    if count_include_pad:
        region = [slice(0, s + pads[i] + pads[rank + i]) for i, s in enumerate(sizes)]
    else:
        region = [slice(pads[i], pads[i] + s) for i, s in enumerate(sizes)]
    mask[(slice(None), slice(None), *region)] = 1
    counts = _windows(mask, kernel, strides, dilations, out).sum(axis=axes)
    return sums / counts


def conv_transpose2d(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None,
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    output_padding: Sequence[int],
    group: int = 1,
) -> np.ndarray:
    """ONNX ConvTranspose (2-D) on `x[N, C, H, W]`, `w[C, O/group, KH, KW]`:
    each kernel tap adds one strided product to the full output, which is
    then cropped by `pads`."""
    n, c, h, wd = x.shape
    _, og, kh, kw = w.shape
    sh, sw = strides
    dh, dw = dilations
    full_h = (h - 1) * sh + (kh - 1) * dh + 1 + output_padding[0]
    full_w = (wd - 1) * sw + (kw - 1) * dw + 1 + output_padding[1]
    out_h, out_w = full_h - pads[0] - pads[2], full_w - pads[1] - pads[3]
    cg = c // group
    dtype = np.result_type(x, w)
    full = np.zeros(
        (n, group, og, max(full_h, pads[0] + out_h), max(full_w, pads[1] + out_w)),
        dtype,
    )
    xg = x.reshape(n, group, cg, h * wd)
    wg = w.reshape(group, cg, og, kh, kw)
    for i in range(kh):
        for j in range(kw):
            # [N, G, OG, H*W] = sum over CG of w[g, c, o, i, j] * x[n, g, c, p]
            contrib = np.einsum("gco,ngcp->ngop", wg[:, :, :, i, j], xg)
            rows = slice(i * dh, i * dh + (h - 1) * sh + 1, sh)
            cols = slice(j * dw, j * dw + (wd - 1) * sw + 1, sw)
            full[:, :, :, rows, cols] += contrib.reshape(n, group, og, h, wd)
    y = full[:, :, :, pads[0] : pads[0] + out_h, pads[1] : pads[1] + out_w]
    y = y.reshape(n, group * og, out_h, out_w)
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1)
    return np.ascontiguousarray(y)
