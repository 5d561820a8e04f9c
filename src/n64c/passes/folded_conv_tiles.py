"""Folding a first layer's kernel taps into channels, for `tile-for-dmem`.

A convolution with one or two input channels puts little on the lanes of
the channels-on-lanes kernel (one useful lane of eight per input vector)
and, when its output rows are short, few useful lanes on the pixel-lane
kernel (DS-CNN's first layer: 5 output columns of 8 lanes). Folding moves
kernel taps into input channels, so the same sums run as a convolution
with `f * C * KW` input channels and a `ceil(KH / f) x 1` kernel:

```
y = qconv2d(x)   ->   g = qgather(x, taps folded into channels)    (CPU)
                      y = qconv2d'(g)                               (RSP)
```

With `f` the height fold (1, or the vertical stride `sh` when the
vertical dilation is 1), folded row `y'` and sub-row `di` read input row
`f * y' + di - pt`, and folded channel `(di * C + c) * KW + j` of output
column `ox` holds `x[c, f * y' + di - pt, sw * ox + j * dw - pl]` (0
outside the image). The folded convolution has stride `(sh / f, 1)`,
dilation `(dh, 1)` for `f = 1`, no padding, and weights
`w'[o, (di, c, j), a, 0] = w[o, c, f * a + di, j]` (0 past the kernel).
It sums the same products, so its result is the original's bit for bit.

For DS-CNN's first layer (10x4 kernel, stride 2, 1 channel) the fold with
`f = 2` gives 8 channels and a 5x1 kernel: every lane of every input vector
holds a tap. The gather is built from ops the CPU already runs (flatten,
a concatenated zero for the padding, one `qgather`, a reshape to
channels-last and a `qtranspose` that cancels with the kernel's own).
`choose_conv_kernel` builds the folded kernel as a candidate and keeps it
when its estimate is the lowest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.ir import Operation

from n64c.dialects.n64_graph import ConstantOp
from n64c.dialects.n64_quant import (
    QConcatOp,
    QConv2dOp,
    QGatherOp,
    QReshapeOp,
    QTransposeOp,
    tensor_shape,
)
from n64c.passes.tile_constants import TO_NCHW
from n64c.passes.window_tiles import conv_input_frac

MAX_FOLDED_CHANNELS = 16
"""Input channels up to which a fold is considered (two lane groups)."""


@dataclass(frozen=True)
class Fold:
    """How `op`'s taps fold into channels: `f` rows of the kernel (the
    height fold) and all its columns. The other fields are the layer's, as
    `n64.qconv2d` gives them: `image` (N, C, H, W), `kernel` (KH, KW),
    `strides`, `dilations`, `top_left` (the top and left pads), `out`
    (OH, OW)."""

    image: tuple[int, int, int, int]
    kernel: tuple[int, int]
    strides: tuple[int, int]
    dilations: tuple[int, int]
    top_left: tuple[int, int]
    out: tuple[int, int]
    f: int

    @property
    def n(self) -> int:
        return self.image[0]

    @property
    def ow(self) -> int:
        return self.out[1]

    @property
    def rows(self) -> int:
        """Kernel rows of the folded convolution."""
        return -(-self.kernel[0] // self.f)

    @property
    def channels(self) -> int:
        """Input channels of the folded convolution."""
        return self.f * self.image[1] * self.kernel[1]

    @property
    def stride(self) -> int:
        """Vertical stride of the folded convolution."""
        return self.strides[0] // self.f

    @property
    def dilation(self) -> int:
        """Vertical dilation of the folded convolution."""
        return self.dilations[0] if self.f == 1 else 1

    @property
    def folded_rows(self) -> int:
        """Rows of the folded input."""
        oh = self.out[0]
        return self.stride * (oh - 1) + self.dilation * (self.rows - 1) + 1

    @property
    def gathered(self) -> int:
        """Elements of the folded input (the CPU's gather)."""
        return self.n * self.folded_rows * self.ow * self.channels

    def gather_indices(self) -> list[int]:
        """Per element of the folded input `[rows, OW, channels]`
        (channels-last), its index in the flattened image, or `C * H * W`
        (the appended zero) outside it."""
        _, channels, h, w = self.image
        kw = self.kernel[1]
        sw, dw = self.strides[1], self.dilations[1]
        pt, pl = self.top_left
        y = np.arange(self.folded_rows)[:, None, None, None, None]
        ox = np.arange(self.ow)[None, :, None, None, None]
        di = np.arange(self.f)[None, None, :, None, None]
        c = np.arange(channels)[None, None, None, :, None]
        j = np.arange(kw)[None, None, None, None, :]
        row = self.f * y + di - pt
        col = sw * ox + j * dw - pl
        inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
        flat = np.where(inside, (c * h + row) * w + col, channels * h * w)
        return [int(v) for v in flat.reshape(-1)]

    def weights(self, w: np.ndarray) -> np.ndarray:
        """The folded weights `[O, channels, rows, 1]`."""
        o, c, kh, kw = w.shape
        out = np.zeros((o, self.f, c, kw, self.rows), dtype=w.dtype)
        for a in range(self.rows):
            for di in range(self.f):
                if self.f * a + di < kh:
                    out[:, di, :, :, a] = w[:, :, self.f * a + di, :]
        return out.reshape(o, self.channels, self.rows, 1)


def folds(op: QConv2dOp) -> list[Fold]:
    """The folds worth planning for `op`: one group, a kernel wider than
    one column or a vertical stride to fold, and at most
    `MAX_FOLDED_CHANNELS` folded channels. Empty when none applies."""
    xs = tensor_shape(op.x)
    if len(xs) != 4 or op.group.value.data != 1:
        return []
    ws = tensor_shape(op.w)
    ys = tensor_shape(op.output)
    sh, sw = (int(v) for v in op.strides.get_values())
    dh, dw = (int(v) for v in op.dilations.get_values())
    pt, pl, _, _ = (int(v) for v in op.pads.get_values())
    heights = [1] + ([sh] if sh > 1 and dh == 1 else [])
    out: list[Fold] = []
    for f in heights:
        fold = Fold(
            image=(int(xs[0]), int(xs[1]), int(xs[2]), int(xs[3])),
            kernel=(int(ws[2]), int(ws[3])),
            strides=(sh, sw),
            dilations=(dh, dw),
            top_left=(pt, pl),
            out=(int(ys[2]), int(ys[3])),
            f=f,
        )
        if (fold.kernel[1] > 1 or f > 1) and fold.channels <= MAX_FOLDED_CHANNELS:
            out.append(fold)
    return out


def folded_conv(op: QConv2dOp, fold: Fold) -> tuple[list[Operation], QConv2dOp]:
    """The CPU ops building the folded input (in order, to insert before
    `op`) and the folded convolution reading it, detached with its weights
    constant: the caller builds its kernel, then calls `release`."""
    frac = conv_input_frac(op)
    flat = QReshapeOp(op.x, [fold.n, math.prod(fold.image[1:])], frac)
    zero = ConstantOp.from_numpy(np.zeros((fold.n, 1), dtype=np.int16))
    padded = QConcatOp([flat.output, zero.result], 1, frac)
    indices = fold.gather_indices()
    gathered = QGatherOp(padded.output, 1, indices, [fold.n, len(indices)], frac)
    nhwc = QReshapeOp(
        gathered.output, [fold.n, fold.folded_rows, fold.ow, fold.channels], frac
    )
    nchw = QTransposeOp(nhwc.output, TO_NCHW, frac)
    w = op.w.owner
    assert isinstance(w, ConstantOp)
    weights = ConstantOp.from_numpy(fold.weights(w.to_numpy()))
    lo, hi = op.clamp_bounds
    conv = QConv2dOp(
        nchw.output,
        weights.result,
        op.bias,
        (fold.stride, 1),
        (0, 0, 0, 0),
        (fold.dilation, 1),
        1,
        [int(v) for v in op.shifts.get_values()],
        [int(v) for v in op.w_frac_bits.get_values()],
        op.frac_bits.value.data,
        (lo, hi),
        op.wide,
    )
    return [flat, zero, padded, gathered, nhwc, nchw], conv


def release(conv: QConv2dOp) -> None:
    """Drop the detached folded convolution and its weights constant once
    its kernel is built (the kernel packs its own copy of the weights)."""
    weights = conv.w.owner
    conv.erase()
    assert isinstance(weights, ConstantOp)
    weights.erase()


__all__ = ["Fold", "folded_conv", "folds", "release"]
