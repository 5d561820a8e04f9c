"""`fuse-activation`: fold Relu and Clip into the op that produces their input.

`n64.gemm`, `n64.matmul`, `n64.conv2d` and `n64.add` end in an optional
clamp (`clamp_min`, `clamp_max`). A `n64.relu` (the clamp `[0, +inf)`) or
`n64.clip` (`[min, max]`) whose operand comes from such an op, and is used
by nothing else, becomes part of that clamp:

```mlir
%y = n64.gemm %a, %b : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
%z = n64.relu %y : tensor<1x2xf32>
```
becomes
```mlir
%z = n64.gemm %a, %b {clamp_min = 0.000000e+00 : f32}
    : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
```

A producer that already carries a clamp gets the composition of both
clamps, which is again a clamp (see `compose_clamps`), so a chain such as
`conv2d -> clip -> relu` fuses completely.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from n64c.dialects.n64_graph import ClipOp, FusedClampOp, ReluOp

Bound = float | None
"""A clamp bound; `None` is unbounded (-inf for a minimum, +inf for a maximum)."""


def _clamp(value: float, lo: Bound, hi: Bound) -> float:
    if lo is not None:
        value = max(value, lo)
    if hi is not None:
        value = min(value, hi)
    return value


def compose_clamps(
    first: tuple[Bound, Bound], second: tuple[Bound, Bound]
) -> tuple[Bound, Bound]:
    """The single clamp equal to applying `first`, then `second`.

    Clamping is monotone, so the composition is the clamp between the images
    of -inf and +inf. Overlapping ranges intersect; disjoint ranges collapse
    to the bound of `second` nearest to `first`.
    """
    (lo1, hi1), (lo2, hi2) = first, second
    lo = lo2 if lo1 is None else _clamp(lo1, lo2, hi2)
    hi = hi2 if hi1 is None else _clamp(hi1, lo2, hi2)
    return lo, hi


def fuse_into_producer(
    activation: ReluOp | ClipOp, bounds: tuple[Bound, Bound], rewriter: PatternRewriter
) -> None:
    """Fold `bounds` into the clamp of the op producing the activation's
    operand, when it carries one and has no other user."""
    producer = activation.x.owner
    if not isinstance(producer, FusedClampOp):
        return
    if not activation.x.has_one_use():
        return
    producer.set_clamp(*compose_clamps(producer.get_clamp(), bounds))
    rewriter.notify_op_modified(producer)
    rewriter.replace(activation, [], [producer.results[0]])


class FuseReluPattern(RewritePattern):
    """`relu(p(x))` -> `p(x)` with the clamp `[0, +inf)` composed in."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReluOp, rewriter: PatternRewriter) -> None:
        fuse_into_producer(op, (0.0, None), rewriter)


class FuseClipPattern(RewritePattern):
    """`clip(p(x), min, max)` -> `p(x)` with the clamp `[min, max]` composed in."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ClipOp, rewriter: PatternRewriter) -> None:
        fuse_into_producer(op, op.get_bounds(), rewriter)


@dataclass(frozen=True)
class FuseActivationPass(ModulePass):
    """Fuse Relu and Clip into a single-use gemm, matmul, conv2d or add."""

    name = "fuse-activation"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier([FuseReluPattern(), FuseClipPattern()]),
        ).rewrite_module(op)
