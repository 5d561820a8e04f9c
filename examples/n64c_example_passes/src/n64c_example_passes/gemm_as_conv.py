"""`gemm-as-conv` and its inverse `conv-as-gemm`: a Gemm on a flattened
feature map and a convolution over the whole map are the same layer.

A classifier at the end of a CNN flattens the feature map `x[N,C,H,W]` and
multiplies it by a constant matrix `w[C*H*W, O]`. The same numbers come out
of a convolution whose kernel covers the whole map: output channel `o` has
the kernel `w[:, o]` read back as `[C, H, W]` (row-major, the order the
flatten wrote), no padding, and a `1x1` output, reshaped to `[N, O]`:

    %f = n64.reshape %x : (tensor<1x16x4x4xf32>) -> tensor<1x256xf32>
    %y = n64.gemm %f, %w, %b : (tensor<1x256xf32>, tensor<256x10xf32>,
                                tensor<10xf32>) -> tensor<1x10xf32>

becomes

    %k = n64.constant ... : tensor<10x16x4x4xf32>
    %c = n64.conv2d %x, %k, %b : (tensor<1x16x4x4xf32>, tensor<10x16x4x4xf32>,
                                  tensor<10xf32>) -> tensor<1x10x1x1xf32>
    %y = n64.reshape %c : (tensor<1x10x1x1xf32>) -> tensor<1x10xf32>

The float results are the same up to the order of the float32 sums. On
n64c's RSP kernels the two forms run different code (the Gemm kernel on a
flattened vector, or the convolution kernel on channel-last tiles), so the
rewrite is an experiment in cycles: `n64c compare` shows which is faster.

The rewrite applies when `x` is 4-D, the flatten keeps the batch axis
(`[N,C,H,W] -> [N, C*H*W]`, an `n64.reshape` or `n64.flatten`), the Gemm's
matrix is a constant and its bias is absent or a constant that is the same
for every row. A fused clamp moves to the convolution.

`conv-as-gemm` rewrites the other way: a convolution whose kernel covers
its whole unpadded input (`w[O,C,H,W]` on `x[N,C,H,W]`, group 1, a `1x1`
output), as classifiers of fully convolutional networks are written,
becomes `reshape(gemm(reshape(x), w as [C*H*W, O], b))`. On the bundled
CNN the Gemm form is the cheaper one (`docs/tutorial/02-a-graph-rewrite.md`
has the figures), so `conv-as-gemm` is the rewrite to keep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from n64c.dialects.n64_graph import (
    ConstantOp,
    Conv2dOp,
    FlattenOp,
    GemmOp,
    ReshapeOp,
)


def _shape(value: SSAValue) -> tuple[int, ...]:
    typ = value.type
    assert isinstance(typ, TensorType)
    return tuple(typ.get_shape())


def _row_bias(bias: SSAValue, rows: int, channels: int) -> np.ndarray | None:
    """The Gemm bias as one `[O]` vector, or None if it is not a constant
    equal for every row."""
    if not isinstance(bias.owner, ConstantOp):
        return None
    full = np.broadcast_to(bias.owner.to_numpy(), (rows, channels))
    if not (full == full[0]).all():
        return None
    return np.ascontiguousarray(full[0], dtype=np.float32)


class GemmOnFlattenedMapPattern(RewritePattern):
    """`gemm(flatten(x[N,C,H,W]), w, b)` -> `reshape(conv2d(x, w^T as
    [O,C,H,W], b))`."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: GemmOp, rewriter: PatternRewriter) -> None:
        flatten = op.a.owner
        if not isinstance(flatten, ReshapeOp | FlattenOp):
            return
        x = flatten.x
        x_shape = _shape(x)
        if len(x_shape) != 4:
            return
        n, c, h, w = x_shape
        if _shape(op.a) != (n, c * h * w):
            return
        matrix = op.b.owner
        if not isinstance(matrix, ConstantOp):
            return
        weights = matrix.to_numpy()
        channels = weights.shape[1]
        bias_op = None
        if op.bias is not None:
            bias = _row_bias(op.bias, n, channels)
            if bias is None:
                return
            bias_op = ConstantOp.from_numpy(bias)
        kernel = ConstantOp.from_numpy(
            np.ascontiguousarray(weights.T.reshape(channels, c, h, w))
        )
        kernel.result.name_hint = "kernel"
        lo, hi = op.get_clamp()
        conv = Conv2dOp(
            x,
            kernel,
            bias_op,
            TensorType(f32, (n, channels, 1, 1)),
            clamp_min=lo,
            clamp_max=hi,
        )
        rows = ReshapeOp(conv, op.result.type)
        new_constants = [kernel] if bias_op is None else [kernel, bias_op]
        rewriter.replace(op, [*new_constants, conv, rows])


class WholeMapConvPattern(RewritePattern):
    """`conv2d(x[N,C,H,W], w[O,C,H,W], b)` with no padding and group 1 ->
    `reshape(gemm(reshape(x), w as [C*H*W, O], b))`."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: Conv2dOp, rewriter: PatternRewriter) -> None:
        x_shape, w_shape = _shape(op.x), _shape(op.w)
        if len(x_shape) != 4 or len(w_shape) != 4:
            return
        n, c, h, w = x_shape
        channels = w_shape[0]
        if (
            w_shape[1:] != (c, h, w)
            or op.get_group() != 1
            or op.get_pads() != (0, 0, 0, 0)
            or op.get_dilations() != (1, 1)
            or _shape(op.result) != (n, channels, 1, 1)
        ):
            return
        kernel = op.w.owner
        if not isinstance(kernel, ConstantOp):
            return
        matrix = ConstantOp.from_numpy(
            np.ascontiguousarray(kernel.to_numpy().reshape(channels, c * h * w).T)
        )
        flat = ReshapeOp(op.x, TensorType(f32, (n, c * h * w)))
        lo, hi = op.get_clamp()
        gemm = GemmOp(
            flat,
            matrix,
            op.bias,
            TensorType(f32, (n, channels)),
            clamp_min=lo,
            clamp_max=hi,
        )
        back = ReshapeOp(gemm, op.result.type)
        rewriter.replace(op, [matrix, flat, gemm, back])


@dataclass(frozen=True)
class ConvAsGemmPass(ModulePass):
    """Rewrites each convolution over its whole unpadded input as a Gemm on
    the flattened input (see the module doc)."""

    name = "conv-as-gemm"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier([WholeMapConvPattern()])
        ).rewrite_module(op)


@dataclass(frozen=True)
class GemmAsConvPass(ModulePass):
    """Rewrites each Gemm on a flattened 4-D feature map as a convolution
    over the whole map (see the module doc)."""

    name = "gemm-as-conv"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier([GemmOnFlattenedMapPattern()])
        ).rewrite_module(op)
