"""The `n64` dialect: graph-level, quantised and tile-level ops.

Each level lives in its own module (`n64_graph.py`, ...) and exports its op
and attribute lists; this module assembles them into one `Dialect` and
re-exports the op classes, so `from n64c.dialects import n64; n64.GemmOp`
works.
"""

from __future__ import annotations

from xdsl.ir import Dialect

from n64c.dialects.n64_graph import (
    GRAPH_ATTRS,
    GRAPH_OPS,
    AddOp,
    AvgPoolOp,
    BatchNormOp,
    ClipOp,
    ConcatOp,
    ConstantOp,
    Conv2dOp,
    FlattenOp,
    GemmOp,
    GlobalAvgPoolOp,
    LeakyReluOp,
    MatMulOp,
    MaxPoolOp,
    MulOp,
    PadOp,
    ReluOp,
    ReshapeOp,
    SigmoidOp,
    SoftmaxOp,
    SubOp,
    TanhOp,
    TransposeOp,
)
from n64c.dialects.n64_quant import QUANT_OPS
from n64c.dialects.n64_tile import TILE_ATTRS, TILE_OPS

N64 = Dialect(
    "n64",
    [
        *GRAPH_OPS,
        *QUANT_OPS,
        *TILE_OPS,
    ],
    [
        *GRAPH_ATTRS,
        *TILE_ATTRS,
    ],
)

__all__ = [
    "N64",
    "GRAPH_OPS",
    "QUANT_OPS",
    "AddOp",
    "AvgPoolOp",
    "BatchNormOp",
    "ClipOp",
    "ConcatOp",
    "ConstantOp",
    "Conv2dOp",
    "FlattenOp",
    "GemmOp",
    "GlobalAvgPoolOp",
    "LeakyReluOp",
    "MatMulOp",
    "MaxPoolOp",
    "MulOp",
    "PadOp",
    "ReluOp",
    "ReshapeOp",
    "SigmoidOp",
    "SoftmaxOp",
    "SubOp",
    "TanhOp",
    "TransposeOp",
]
