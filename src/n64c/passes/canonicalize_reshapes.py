"""`canonicalize-reshapes`: one reshape where the graph had a chain of them.

Rewrites, applied until none matches:

* `n64.flatten` becomes the `n64.reshape` to its result type (both are
  row-major; flatten only names the target shape differently);
* `reshape(reshape(x))` becomes `reshape(x)` (the inner one disappears once
  it has no other user);
* a reshape to its operand's own type disappears;
* a reshape of a `n64.constant` used only by that reshape becomes a constant
  of the new shape (same bytes). A constant shared with other users stays, so
  weights are never duplicated.

```mlir
%f = n64.flatten %x {axis = 1 : i64} : (tensor<1x8x2x2xf32>) -> tensor<1x32xf32>
%r = n64.reshape %f : (tensor<1x32xf32>) -> tensor<1x8x4xf32>
```
becomes
```mlir
%r = n64.reshape %x : (tensor<1x8x2x2xf32>) -> tensor<1x8x4xf32>
```
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, ModuleOp, TensorType
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from n64c.dialects.n64_graph import ConstantOp, FlattenOp, ReshapeOp


class FlattenToReshapePattern(RewritePattern):
    """`flatten(x)` -> `reshape(x)` to the same result type."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: FlattenOp, rewriter: PatternRewriter) -> None:
        rewriter.replace(op, ReshapeOp(op.x, op.result.type))


class ReshapeOfReshapePattern(RewritePattern):
    """`reshape(reshape(x))` or `reshape(flatten(x))` -> `reshape(x)`."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter) -> None:
        inner = op.x.owner
        if not isinstance(inner, ReshapeOp | FlattenOp):
            return
        rewriter.replace(op, ReshapeOp(inner.x, op.result.type))


class IdentityReshapePattern(RewritePattern):
    """A reshape to the type it already has is its operand."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter) -> None:
        if op.x.type == op.result.type:
            rewriter.replace(op, [], [op.x])


class ReshapeOfConstantPattern(RewritePattern):
    """`reshape(constant)` -> a constant of the result type, when the reshape
    is the constant's only user."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ReshapeOp, rewriter: PatternRewriter) -> None:
        constant = op.x.owner
        if not isinstance(constant, ConstantOp) or not op.x.has_one_use():
            return
        result_type = op.result.type
        assert isinstance(result_type, TensorType)
        value = DenseIntOrFPElementsAttr(result_type, constant.value.data)
        rewriter.replace(op, ConstantOp(value))
        rewriter.erase(constant)


@dataclass(frozen=True)
class CanonicalizeReshapesPass(ModulePass):
    """Collapse reshape/flatten chains, drop identity reshapes, fold constants."""

    name = "canonicalize-reshapes"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier(
                [
                    FlattenToReshapePattern(),
                    IdentityReshapePattern(),
                    ReshapeOfConstantPattern(),
                    ReshapeOfReshapePattern(),
                ]
            ),
        ).rewrite_module(op)
