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
from n64c.dialects.n64_graph_index import INDEX_OPS, GatherOp, SliceOp
from n64c.dialects.n64_graph_math import (
    MATH_OPS,
    AbsOp,
    DivOp,
    EluOp,
    ExpOp,
    LogSoftmaxOp,
    LrnOp,
    SeluOp,
    SoftplusOp,
)
from n64c.dialects.n64_graph_window import (
    WINDOW_OPS,
    AvgPool3dOp,
    Conv3dOp,
    ConvTranspose2dOp,
    MaxPool3dOp,
)
from n64c.dialects.n64_pixel_conv import TilePixelConvOp
from n64c.dialects.n64_quant import QUANT_OPS
from n64c.dialects.n64_tile import TILE_ATTRS, TILE_OPS

N64 = Dialect(
    "n64",
    [
        *GRAPH_OPS,
        *MATH_OPS,
        *INDEX_OPS,
        *WINDOW_OPS,
        *QUANT_OPS,
        *TILE_OPS,
        TilePixelConvOp,
    ],
    [
        *GRAPH_ATTRS,
        *TILE_ATTRS,
    ],
)

__all__ = [
    "N64",
    "GRAPH_OPS",
    "INDEX_OPS",
    "MATH_OPS",
    "QUANT_OPS",
    "WINDOW_OPS",
    "AbsOp",
    "AvgPool3dOp",
    "Conv3dOp",
    "ConvTranspose2dOp",
    "DivOp",
    "EluOp",
    "ExpOp",
    "GatherOp",
    "LogSoftmaxOp",
    "LrnOp",
    "MaxPool3dOp",
    "SeluOp",
    "SliceOp",
    "SoftplusOp",
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
