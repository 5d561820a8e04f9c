"""`fold-batchnorm`: fold an inference BatchNormalization into conv2d or gemm.

`n64.batchnorm` computes, per channel `c` (axis 1),
`y = (x - mean) * s + beta` with `s = scale / sqrt(var + epsilon)`. When `x`
comes from a `n64.conv2d` (channel = output channel `o`) or a `n64.gemm`
(channel = column `n`) whose weights, bias and the normalisation's
parameters are all `n64.constant`s, and the batchnorm is the producer's only
user, the pair becomes one op with new constants:

    w'[o, ...] = w[o, ...] * s[o]          (conv2d)
    b'[k, n]   = b[k, n] * s[n]            (gemm)
    bias'      = (bias - mean) * s + beta  (bias = 0 when absent)

```mlir
%y = n64.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
%z = n64.batchnorm %y, %scale, %beta, %mean, %var {epsilon = 1.0e-05 : f32} : ...
```
becomes
```mlir
%w2 = n64.constant dense<...> : tensor<2x1x3x3xf32>
%b2 = n64.constant dense<...> : tensor<2xf32>
%z = n64.conv2d %x, %w2, %b2 : (...) -> tensor<1x2x2x2xf32>
```

A producer that already ends in a fused clamp is left alone: the clamp
sits between it and the normalisation. The arithmetic is done in float64
and rounded to float32 once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from n64c.dialects.n64_graph import BatchNormOp, ConstantOp, Conv2dOp, GemmOp


def constant_value(value: SSAValue | None) -> np.ndarray | None:
    """The float64 contents of `value` if a `n64.constant` defines it."""
    if value is None or not isinstance(value.owner, ConstantOp):
        return None
    return value.owner.to_numpy().astype(np.float64)


def normalisation(op: BatchNormOp) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-channel `(s, t)` with `batchnorm(x) = x * s + t`, if constant."""
    params = [constant_value(v) for v in (op.scale, op.bias, op.mean, op.var)]
    if any(p is None for p in params):
        return None
    scale, beta, mean, var = (p for p in params if p is not None)
    s = scale / np.sqrt(var + float(op.epsilon.value.data))
    return s, beta - mean * s


def named(op: ConstantOp, like: SSAValue | None, fallback: str) -> ConstantOp:
    """`op`, its result named after the value it replaces."""
    hint = None if like is None else like.name_hint
    op.result.name_hint = hint or fallback
    return op


def folded_conv2d(
    conv: Conv2dOp, s: np.ndarray, t: np.ndarray
) -> list[Operation] | None:
    """New weight and bias constants and the conv2d that uses them."""
    w = constant_value(conv.w)
    bias = np.zeros(s.shape) if conv.bias is None else constant_value(conv.bias)
    if w is None or bias is None:
        return None
    new_w = ConstantOp.from_numpy((w * s.reshape(-1, 1, 1, 1)).astype(np.float32))
    new_b = ConstantOp.from_numpy((bias * s + t).astype(np.float32))
    named(new_w, conv.w, "w")
    named(new_b, conv.bias, "bias")
    lo, hi = conv.get_clamp()
    new_conv = Conv2dOp(
        conv.x,
        new_w,
        new_b,
        conv.result.type,
        strides=conv.get_strides(),
        pads=conv.get_pads(),
        dilations=conv.get_dilations(),
        group=conv.get_group(),
        clamp_min=lo,
        clamp_max=hi,
    )
    new_conv.attributes.update(conv.attributes)
    return [new_w, new_b, new_conv]


def folded_gemm(gemm: GemmOp, s: np.ndarray, t: np.ndarray) -> list[Operation] | None:
    """New `b` and bias constants and the gemm that uses them."""
    b = constant_value(gemm.b)
    bias = np.zeros(s.shape) if gemm.bias is None else constant_value(gemm.bias)
    if b is None or bias is None:
        return None
    new_b = ConstantOp.from_numpy((b * s).astype(np.float32))
    # the bias broadcasts against [M, N]; so does the folded one
    new_bias = ConstantOp.from_numpy((bias * s + t).astype(np.float32))
    named(new_b, gemm.b, "b")
    named(new_bias, gemm.bias, "bias")
    lo, hi = gemm.get_clamp()
    new_gemm = GemmOp(
        gemm.a, new_b, new_bias, gemm.result.type, clamp_min=lo, clamp_max=hi
    )
    new_gemm.attributes.update(gemm.attributes)
    return [new_b, new_bias, new_gemm]


class FoldBatchnormPattern(RewritePattern):
    """`batchnorm(conv2d | gemm)` with constant parameters -> one conv2d | gemm."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: BatchNormOp, rewriter: PatternRewriter) -> None:
        producer = op.x.owner
        if not isinstance(producer, Conv2dOp | GemmOp) or not op.x.has_one_use():
            return
        if producer.get_clamp() != (None, None):
            return
        affine = normalisation(op)
        if affine is None:
            return
        if isinstance(producer, Conv2dOp):
            new_ops = folded_conv2d(producer, *affine)
        else:
            new_ops = folded_gemm(producer, *affine)
        if new_ops is None:
            return
        # Everything the new ops read dominates the producer, which comes
        # before the batchnorm: inserting them in its place is safe.
        rewriter.replace(op, new_ops)
        rewriter.erase(producer)


@dataclass(frozen=True)
class FoldBatchnormPass(ModulePass):
    """Fold BatchNormalization into the conv2d or gemm that feeds it."""

    name = "fold-batchnorm"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier([FoldBatchnormPattern()]),
        ).rewrite_module(op)
