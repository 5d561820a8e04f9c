"""Numpy kernels with ONNX semantics for the graph-level `n64` ops.

The float reference engine calls these, and so can any other engine that
keeps an op on the CPU. They take and return plain arrays (any real dtype;
the float engine passes float32) and need no IR: the op's properties come in
as Python values (pool output sizes follow `n64_graph.pool_output_shape`).
Shapes follow the array arguments, so a leading axis larger than the IR's
static one is simply carried through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from n64c.dialects.n64_graph import pool_output_shape

_IM2COL_BUDGET = 1 << 24
"""Largest im2col buffer (elements) built at once; larger batches are chunked."""


def clamp(x: np.ndarray, lo: float | None, hi: float | None) -> np.ndarray:
    """`min(max(x, lo), hi)`; `None` leaves that side unbounded."""
    if lo is None and hi is None:
        return x
    return np.clip(x, lo, hi)


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, np.zeros((), x.dtype))


def leaky_relu(x: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(x >= 0, x, x * np.asarray(alpha, x.dtype))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, written with tanh so it never overflows."""
    half = np.asarray(0.5, x.dtype)
    return half * (np.tanh(half * x) + 1)


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """ONNX (opset 13+) Softmax along one axis."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def batchnorm(
    x: np.ndarray,
    scale: np.ndarray,
    bias: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    epsilon: float,
) -> np.ndarray:
    """Inference BatchNormalization over axis 1."""
    shape = (-1,) + (1,) * (x.ndim - 2)
    inv = scale / np.sqrt(var + np.asarray(epsilon, var.dtype))
    return (x - mean.reshape(shape)) * inv.reshape(shape) + bias.reshape(shape)


def gemm(
    a: np.ndarray,
    b: np.ndarray,
    bias: np.ndarray | None,
    clamp_min: float | None = None,
    clamp_max: float | None = None,
) -> np.ndarray:
    y = a @ b
    if bias is not None:
        y = y + bias
    return clamp(y, clamp_min, clamp_max)


def pad(
    x: np.ndarray, pads: Sequence[int], mode: str = "constant", value: float = 0.0
) -> np.ndarray:
    """ONNX Pad: `pads` = all begins then all ends; negative values crop."""
    rank = x.ndim
    begins, ends = list(pads[:rank]), list(pads[rank:])
    crop = tuple(
        slice(max(-b, 0), x.shape[i] - max(-e, 0))
        for i, (b, e) in enumerate(zip(begins, ends, strict=True))
    )
    x = x[crop]
    widths = [(max(b, 0), max(e, 0)) for b, e in zip(begins, ends, strict=True)]
    if not any(b or e for b, e in widths):
        return x
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=value)
    if mode in ("reflect", "edge"):
        return np.pad(x, widths, mode=mode)
    raise ValueError(f"unknown pad mode {mode!r}")


def _windows(
    x: np.ndarray,
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    out_hw: Sequence[int],
) -> np.ndarray:
    """View `[N, C, OH, OW, KH, KW]` of the windows of an already padded x."""
    kh, kw = kernel
    dh, dw = dilations
    extent = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    # numpy takes a tuple of axes; its stubs name only one (SupportsIndex)
    axes: Any = (2, 3)
    view = sliding_window_view(x, extent, axis=axes)
    oh, ow = out_hw
    return view[
        :,
        :,
        : (oh - 1) * strides[0] + 1 : strides[0],
        : (ow - 1) * strides[1] + 1 : strides[1],
        ::dh,
        ::dw,
    ]


def _pool_padding(
    x_hw: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    ceil_mode: bool,
) -> tuple[tuple[int, int], tuple[tuple[int, int], tuple[int, int]]]:
    """Output size and the (begin, end) padding per spatial axis, including
    the extra end padding a ceil-mode window may reach into."""
    _, _, *out = pool_output_shape(
        (1, 1, *x_hw), kernel, strides, pads, dilations, ceil_mode
    )
    widths: list[tuple[int, int]] = []
    for i in range(2):
        size, k, s, d = x_hw[i], kernel[i], strides[i], dilations[i]
        pb, pe = pads[i], pads[i + 2]
        needed = (out[i] - 1) * s + (k - 1) * d + 1
        widths.append((pb, max(pe, needed - size - pb)))
    return (out[0], out[1]), (widths[0], widths[1])


def max_pool2d(
    x: np.ndarray,
    kernel: Sequence[int],
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    ceil_mode: bool = False,
) -> np.ndarray:
    """ONNX MaxPool on `[N, C, H, W]`; padding never wins."""
    out_hw, widths = _pool_padding(
        x.shape[2:], kernel, strides, pads, dilations, ceil_mode
    )
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = np.pad(x, ((0, 0), (0, 0), *widths), constant_values=low)
    return _windows(xp, kernel, strides, dilations, out_hw).max(axis=(4, 5))


def avg_pool2d(
    x: np.ndarray,
    kernel: Sequence[int],
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    ceil_mode: bool = False,
    count_include_pad: bool = False,
) -> np.ndarray:
    """ONNX AveragePool on `[N, C, H, W]`.

    The divisor counts input pixels, plus the explicit padding when
    `count_include_pad`; the part of a ceil-mode window past the explicit
    padding never counts.
    """
    h, w = x.shape[2:]
    out_hw, widths = _pool_padding((h, w), kernel, strides, pads, dilations, ceil_mode)
    xp = np.pad(x, ((0, 0), (0, 0), *widths))
    sums = _windows(xp, kernel, strides, dilations, out_hw).sum(axis=(4, 5))
    mask = np.zeros((1, 1, h + sum(widths[0]), w + sum(widths[1])), dtype=x.dtype)
    if count_include_pad:
        mask[:, :, : h + pads[0] + pads[2], : w + pads[1] + pads[3]] = 1
    else:
        mask[:, :, pads[0] : pads[0] + h, pads[1] : pads[1] + w] = 1
    counts = _windows(mask, kernel, strides, dilations, out_hw).sum(axis=(4, 5))
    return sums / counts


def global_avg_pool(x: np.ndarray) -> np.ndarray:
    """Mean over every axis after the first two, kept as size-1 axes."""
    return x.mean(axis=tuple(range(2, x.ndim)), keepdims=True, dtype=x.dtype)


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None = None,
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    group: int = 1,
    clamp_min: float | None = None,
    clamp_max: float | None = None,
) -> np.ndarray:
    """ONNX Conv (2-D) by im2col and one batched matmul per chunk of images.

    `x[N, C, H, W]`, `w[O, C/group, KH, KW]`, `pads` = top, left, bottom,
    right. Returns `[N, O, OH, OW]`.
    """
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    og = o // group
    oh = (h + pads[0] + pads[2] - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    # Weights as [G, CG*KH*KW, OG] so that cols @ weights gives [G, B*P, OG].
    wm = w.reshape(group, og, cg * kh * kw).transpose(0, 2, 1)
    per_image = c * kh * kw * oh * ow
    chunk = max(1, _IM2COL_BUDGET // max(per_image, 1))
    out = np.empty((n, o, oh, ow), dtype=np.result_type(x, w))
    for start in range(0, n, chunk):
        xs = x[start : start + chunk]
        if any(pads):
            xs = np.pad(xs, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
        win = _windows(xs, (kh, kw), strides, dilations, (oh, ow))
        b = xs.shape[0]
        # [B, G, CG, OH, OW, KH, KW] -> [G, B, OH, OW, CG, KH, KW] -> [G, B*P, K]:
        # one 2-D product per group (numpy's stacked matmul skips BLAS)
        cols = win.reshape(b, group, cg, oh, ow, kh, kw).transpose(1, 0, 3, 4, 2, 5, 6)
        cols = cols.reshape(group, b * oh * ow, cg * kh * kw)
        for g in range(group):
            y = cols[g] @ wm[g]  # [B*P, OG]
            out[start : start + b, g * og : (g + 1) * og] = y.reshape(
                b, oh, ow, og
            ).transpose(0, 3, 1, 2)
    if bias is not None:
        out += bias.reshape(1, o, 1, 1)
    return clamp(out, clamp_min, clamp_max)


def elu(x: np.ndarray, alpha: float) -> np.ndarray:
    """ONNX Elu: `x` above 0, else `alpha * (exp(x) - 1)` (as `expm1`)."""
    neg = np.expm1(np.minimum(x, np.zeros((), x.dtype))) * np.asarray(alpha, x.dtype)
    return np.where(x > 0, x, neg)


def selu(x: np.ndarray, alpha: float, gamma: float) -> np.ndarray:
    """ONNX Selu: `gamma * elu(x, alpha)`."""
    return elu(x, alpha) * np.asarray(gamma, x.dtype)


def softplus(x: np.ndarray) -> np.ndarray:
    """`log(1 + exp(x))` as `max(x, 0) + log1p(exp(-|x|))` (never overflows)."""
    return relu(x) + np.log1p(np.exp(-np.abs(x)))


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """ONNX (opset 13+) LogSoftmax along one axis."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def lrn(x: np.ndarray, size: int, alpha: float, beta: float, bias: float) -> np.ndarray:
    """ONNX LRN across axis 1: `x / (bias + alpha / size * sum(x^2))^beta`,
    the sum over channels `c - (size-1)//2 ... c + ceil((size-1)/2)`."""
    channels = x.shape[1]
    before, after = (size - 1) // 2, size - 1 - (size - 1) // 2
    squares = x * x
    padded = np.pad(squares, [(0, 0), (before, after)] + [(0, 0)] * (x.ndim - 2))
    total = np.zeros_like(x)
    for i in range(size):
        total += padded[:, i : i + channels]
    scale = np.asarray(alpha / size, x.dtype)
    return x * (np.asarray(bias, x.dtype) + scale * total) ** np.asarray(-beta, x.dtype)


def take(x: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    """ONNX Gather (constant, non-negative indices of any shape)."""
    return np.take(x, indices, axis=axis)
