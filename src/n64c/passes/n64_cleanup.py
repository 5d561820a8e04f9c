"""`n64-cleanup`: the graph clean-up between import and quantisation.

Runs, in this order:

1. `fold-batchnorm`: needs conv2d/gemm directly followed by batchnorm, so
   it goes before anything fuses a clamp into the producer;
2. `canonicalize-reshapes`: collapses reshape/flatten chains;
3. `fuse-activation`: after folding, `conv2d -> relu` is adjacent again;
4. `dce`: removes what the rewrites left without users (old weights,
   normalisation parameters, inner reshapes).

None of the later steps creates work for an earlier one, so one round
reaches the fixed point. The float semantics of the graph are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.transforms.dead_code_elimination import DeadCodeElimination

from n64c.passes.canonicalize_reshapes import CanonicalizeReshapesPass
from n64c.passes.fold_batchnorm import FoldBatchnormPass
from n64c.passes.fuse_activation import FuseActivationPass


@dataclass(frozen=True)
class N64CleanupPass(ModulePass):
    """Fold batchnorm, canonicalise reshapes, fuse activations, drop dead ops."""

    name = "n64-cleanup"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        FoldBatchnormPass().apply(ctx, op)
        CanonicalizeReshapesPass().apply(ctx, op)
        FuseActivationPass().apply(ctx, op)
        DeadCodeElimination().apply(ctx, op)
