"""Translators from ONNX nodes (at the newest opset) to `n64` graph ops.

Each translator takes the :class:`Context` and one node, emits `n64` ops and
binds the node's outputs. A translator raises :class:`NotSupported` with a
short reason when a node uses a feature n64c cannot express (a 3-D
convolution, a non-constant Reshape target, ...); the importer collects these
and reports every one at once. :data:`TRANSLATORS` maps ONNX op types to
translators.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from xdsl.dialects.builtin import TensorType
from xdsl.ir import Block, Operation, SSAValue

from n64c.dialects.n64_graph import (
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
    f32_tensor,
)
from n64c.dialects.n64_graph_index import GatherOp, SliceOp
from n64c.dialects.n64_graph_math import (
    SELU_ALPHA,
    SELU_GAMMA,
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
    AvgPool3dOp,
    Conv3dOp,
    ConvTranspose2dOp,
    MaxPool3dOp,
)
from n64c.frontend.onnx_graph import OnnxGraph, Shape


class NotSupported(Exception):
    """A node n64c cannot translate; the message says why."""


@dataclass
class Context:
    """Translation state: the prepared graph, the block being filled and the
    SSA value of every ONNX tensor translated so far."""

    graph: OnnxGraph
    block: Block
    values: dict[str, SSAValue] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    """Every tensor some node or the graph output reads."""

    def __post_init__(self) -> None:
        self.used = {i for n in self.graph.nodes for i in n.input if i}
        self.used.update(self.graph.outputs)

    def emit(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0]

    def shape(self, name: str) -> Shape:
        return self.graph.shapes[name]

    def const(self, name: str) -> np.ndarray | None:
        """The constant value of tensor `name`, or None if it is computed."""
        return self.graph.consts.get(name)

    def constant(self, array: np.ndarray) -> SSAValue:
        """A new `n64.constant` holding `array` as float32."""
        return self.emit(ConstantOp.from_numpy(np.asarray(array, dtype=np.float32)))

    def value(self, name: str) -> SSAValue:
        """The SSA value of tensor `name` (constants materialise on first use)."""
        if name in self.values:
            return self.values[name]
        array = self.const(name)
        if array is None:
            raise KeyError(name)
        if array.dtype.kind != "f":
            raise NotSupported(f"{array.dtype} tensor '{name}' used as data")
        self.values[name] = self.constant(array)
        return self.values[name]

    def bind(self, name: str, value: SSAValue) -> None:
        self.values[name] = value


Translator = Callable[[Context, onnx.NodeProto, dict[str, Any]], None]

TRANSLATORS: dict[str, Translator] = {}
"""ONNX op type -> translator (default domain, newest opset)."""


def translates(*op_types: str) -> Callable[[Translator], Translator]:
    def register(func: Translator) -> Translator:
        for op_type in op_types:
            TRANSLATORS[op_type] = func
        return func

    return register


def node_attributes(node: onnx.NodeProto) -> dict[str, Any]:
    """The node's attributes as Python values (strings decoded)."""
    attrs: dict[str, Any] = {}
    for attr in node.attribute:
        value = onnx.helper.get_attribute_value(attr)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        attrs[attr.name] = value
    return attrs


# ------------------------------------------------------------------ helpers


def _input(node: onnx.NodeProto, index: int) -> str:
    """Name of input `index`, or "" when absent."""
    return node.input[index] if index < len(node.input) else ""


def _out_type(ctx: Context, node: onnx.NodeProto, index: int = 0) -> TensorType:
    return f32_tensor(ctx.shape(node.output[index]))


def _require_const(
    ctx: Context, node: onnx.NodeProto, index: int, what: str
) -> np.ndarray:
    name = _input(node, index)
    array = ctx.const(name) if name else None
    if array is None:
        raise NotSupported(f"non-constant {what}")
    return array


def _unused_outputs(ctx: Context, node: onnx.NodeProto, first: int, what: str) -> None:
    """Reject a node whose optional outputs from `first` on are used."""
    for name in node.output[first:]:
        if name and name in ctx.used:
            raise NotSupported(f"{what} output is used")


def _reshape(ctx: Context, value: SSAValue, shape: Sequence[int]) -> SSAValue:
    assert isinstance(value.type, TensorType)
    if tuple(value.type.get_shape()) == tuple(shape):
        return value
    return ctx.emit(ReshapeOp(value, f32_tensor(shape)))


def _same_pads(
    sizes: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    upper: bool,
) -> list[int]:
    """Explicit pads (begins then ends) for auto_pad SAME_UPPER/SAME_LOWER."""
    begins, ends = [], []
    for size, k, s, d in zip(sizes, kernel, strides, dilations, strict=True):
        out = -(-size // s)
        total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
        small, big = total // 2, total - total // 2
        begins.append(small if upper else big)
        ends.append(big if upper else small)
    return begins + ends


def _window_attrs(
    attrs: dict[str, Any], sizes: Sequence[int], kernel: Sequence[int]
) -> tuple[list[int], list[int], list[int]]:
    """(strides, pads as begins+ends, dilations) with auto_pad resolved."""
    rank = len(kernel)
    strides = list(attrs.get("strides", [1] * rank))
    dilations = list(attrs.get("dilations", [1] * rank))
    auto_pad = attrs.get("auto_pad", "NOTSET")
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pads = _same_pads(sizes, kernel, strides, dilations, auto_pad == "SAME_UPPER")
    elif auto_pad == "VALID":
        pads = [0] * (2 * rank)
    else:
        pads = list(attrs.get("pads", [0] * (2 * rank)))
    return strides, pads, dilations


def _spatial_rank(ctx: Context, node: onnx.NodeProto, what: str, most: int = 3) -> int:
    """The number of spatial axes of the node's first input: 1 to `most`."""
    spatial = len(ctx.shape(node.input[0])) - 2
    if 1 <= spatial <= most:
        return spatial
    known = ", ".join(f"{r}-D" for r in range(1, most))
    raise NotSupported(f"{spatial}-D {what} (only {known} and {most}-D)")


def _to_2d(
    strides: list[int], pads: list[int], dilations: list[int]
) -> tuple[list[int], list[int], list[int]]:
    """1-D window attributes as 2-D ones over a height-1 image."""
    return [1, strides[0]], [0, pads[0], 0, pads[1]], [1, dilations[0]]


# ---------------------------------------------------------- pass-throughs


@translates("Identity")
def _identity(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    ctx.bind(node.output[0], ctx.value(node.input[0]))


@translates("Dropout")
def _dropout(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    training = _input(node, 2)
    if training:
        mode = ctx.const(training)
        if mode is None or bool(mode):
            raise NotSupported("training mode")
    _unused_outputs(ctx, node, 1, "mask")
    ctx.bind(node.output[0], ctx.value(node.input[0]))


@translates("Cast", "CastLike")
def _cast(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    if ctx.graph.types.get(node.output[0]) != onnx.TensorProto.FLOAT:
        raise NotSupported("cast to a type other than float32")
    if ctx.graph.types.get(node.input[0]) != onnx.TensorProto.FLOAT:
        raise NotSupported("cast from a type other than float32")
    ctx.bind(node.output[0], ctx.value(node.input[0]))


# -------------------------------------------------------------- element-wise


_UNARY: dict[str, type[ReluOp | SigmoidOp | TanhOp | ExpOp | AbsOp | SoftplusOp]] = {
    "Relu": ReluOp,
    "Sigmoid": SigmoidOp,
    "Tanh": TanhOp,
    "Exp": ExpOp,
    "Abs": AbsOp,
    "Softplus": SoftplusOp,
}


@translates(*_UNARY)
def _unary(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = _UNARY[node.op_type](ctx.value(node.input[0]))
    ctx.bind(node.output[0], ctx.emit(op))


@translates("LeakyRelu")
def _leaky_relu(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = LeakyReluOp(ctx.value(node.input[0]), alpha=attrs.get("alpha", 0.01))
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Elu")
def _elu(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = EluOp(ctx.value(node.input[0]), alpha=attrs.get("alpha", 1.0))
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Selu")
def _selu(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = SeluOp(
        ctx.value(node.input[0]),
        alpha=attrs.get("alpha", SELU_ALPHA),
        gamma=attrs.get("gamma", SELU_GAMMA),
    )
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Clip")
def _clip(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    bounds: list[float | None] = []
    for index, what in ((1, "minimum"), (2, "maximum")):
        if _input(node, index):
            bounds.append(float(_require_const(ctx, node, index, what).reshape(-1)[0]))
        else:
            bounds.append(None)
    op = ClipOp(ctx.value(node.input[0]), min=bounds[0], max=bounds[1])
    ctx.bind(node.output[0], ctx.emit(op))


@translates("PRelu")
def _prelu(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    x = ctx.value(node.input[0])
    slope = ctx.const(node.input[1])
    if slope is not None and slope.size and bool((slope == slope.flat[0]).all()):
        op = LeakyReluOp(x, alpha=float(slope.flat[0]))
        ctx.bind(node.output[0], ctx.emit(op))
        return
    # prelu(x) = relu(x) + slope * (x - relu(x)); every step is exact.
    out = _out_type(ctx, node)
    pos = ctx.emit(ReluOp(x))
    neg = ctx.emit(SubOp(x, pos, x.type))
    scaled = ctx.emit(MulOp(ctx.value(node.input[1]), neg, out))
    ctx.bind(node.output[0], ctx.emit(AddOp(pos, scaled, out)))


_BINARY: dict[str, type[AddOp | SubOp | MulOp]] = {
    "Add": AddOp,
    "Sub": SubOp,
    "Mul": MulOp,
}


@translates(*_BINARY)
def _binary(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    a, b = ctx.value(node.input[0]), ctx.value(node.input[1])
    op = _BINARY[node.op_type](a, b, _out_type(ctx, node))
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Div")
def _div(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    """A constant divisor becomes a multiplication by its reciprocal."""
    divisor = ctx.const(node.input[1])
    if divisor is None:
        a, b = ctx.value(node.input[0]), ctx.value(node.input[1])
        ctx.bind(node.output[0], ctx.emit(DivOp(a, b, _out_type(ctx, node))))
        return
    reciprocal = ctx.constant((1.0 / divisor.astype(np.float64)).astype(np.float32))
    op = MulOp(ctx.value(node.input[0]), reciprocal, _out_type(ctx, node))
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Neg")
def _neg(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    rank = len(ctx.shape(node.input[0]))
    minus_one = ctx.constant(np.full((1,) * rank, -1.0, np.float32))
    op = MulOp(ctx.value(node.input[0]), minus_one, _out_type(ctx, node))
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Sum")
def _sum(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    names = [n for n in node.input if n]
    acc = ctx.value(names[0])
    acc_shape = ctx.shape(names[0])
    for name in names[1:]:
        acc_shape = tuple(np.broadcast_shapes(acc_shape, ctx.shape(name)))
        acc = ctx.emit(AddOp(acc, ctx.value(name), f32_tensor(acc_shape)))
    ctx.bind(node.output[0], acc)


@translates("Softmax")
def _softmax(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = SoftmaxOp(ctx.value(node.input[0]), axis=attrs.get("axis", -1))
    ctx.bind(node.output[0], ctx.emit(op))


@translates("LogSoftmax")
def _log_softmax(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = LogSoftmaxOp(ctx.value(node.input[0]), axis=attrs.get("axis", -1))
    ctx.bind(node.output[0], ctx.emit(op))


# ------------------------------------------------------------ linear algebra


@translates("Gemm")
def _gemm(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    """alpha, beta, transA and transB are folded into the operands: constant
    operands are transposed/scaled here, computed ones get n64 ops."""
    alpha = float(attrs.get("alpha", 1.0))
    beta = float(attrs.get("beta", 1.0))
    # alpha goes to B, unless only A is constant (then no n64.mul is needed).
    alpha_on_a = (
        alpha != 1.0
        and ctx.const(node.input[0]) is not None
        and ctx.const(node.input[1]) is None
    )
    a_scale, b_scale = (alpha, 1.0) if alpha_on_a else (1.0, alpha)
    a = _gemm_operand(ctx, node.input[0], bool(attrs.get("transA", 0)), a_scale)
    b = _gemm_operand(ctx, node.input[1], bool(attrs.get("transB", 0)), b_scale)
    bias: SSAValue | None = None
    c_name = _input(node, 2)
    if c_name and beta != 0.0:
        c = ctx.const(c_name)
        if c is not None:
            bias = ctx.constant(c.astype(np.float32) * np.float32(beta))
        else:
            bias = ctx.value(c_name)
            if beta != 1.0:
                scale = ctx.constant(np.full((1,) * len(ctx.shape(c_name)), beta))
                bias = ctx.emit(MulOp(bias, scale, bias.type))
    op = GemmOp(a, b, bias, _out_type(ctx, node))
    ctx.bind(node.output[0], ctx.emit(op))


def _gemm_operand(ctx: Context, name: str, transpose: bool, scale: float) -> SSAValue:
    array = ctx.const(name)
    if array is not None:
        array = array.astype(np.float32, copy=False)
        if transpose:
            array = transpose_matrix(array)
        if scale != 1.0:
            array = array * np.float32(scale)
        return ctx.constant(array)
    value = ctx.value(name)
    shape = ctx.shape(name)
    if transpose:
        shape = (shape[1], shape[0])
        value = ctx.emit(TransposeOp(value, f32_tensor(shape), perm=(1, 0)))
    if scale != 1.0:
        factor = ctx.constant(np.full((1, 1), scale, np.float32))
        value = ctx.emit(MulOp(value, factor, f32_tensor(shape)))
    return value


_TILE = 256


def transpose_matrix(array: np.ndarray) -> np.ndarray:
    """A contiguous transpose of a matrix; big ones go tile by tile, which
    is several times faster than numpy's strided copy."""
    rows, cols = array.shape
    if rows * cols <= _TILE * _TILE:
        return np.ascontiguousarray(array.T)
    out = np.empty((cols, rows), dtype=array.dtype)
    for i in range(0, rows, _TILE):
        for j in range(0, cols, _TILE):
            out[j : j + _TILE, i : i + _TILE] = array[i : i + _TILE, j : j + _TILE].T
    return out


@translates("MatMul")
def _matmul(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = MatMulOp(
        ctx.value(node.input[0]), ctx.value(node.input[1]), _out_type(ctx, node)
    )
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Conv")
def _conv(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    rank = _spatial_rank(ctx, node, "convolution")
    x_shape, w_shape = ctx.shape(node.input[0]), ctx.shape(node.input[1])
    kernel = list(attrs.get("kernel_shape", w_shape[2:]))
    strides, pads, dilations = _window_attrs(attrs, x_shape[2:], kernel)
    x = ctx.value(node.input[0])
    w_const = ctx.const(node.input[1])
    w = ctx.value(node.input[1]) if w_const is None or rank != 1 else None
    bias = ctx.value(node.input[2]) if _input(node, 2) else None
    out_shape = ctx.shape(node.output[0])
    if rank == 3:
        assert w is not None
        op3 = Conv3dOp(
            x, w, bias, f32_tensor(out_shape), strides=strides, pads=pads,
            dilations=dilations, group=int(attrs.get("group", 1)),
        )  # fmt: skip
        ctx.bind(node.output[0], ctx.emit(op3))
        return
    if rank == 1:
        strides, pads, dilations = _to_2d(strides, pads, dilations)
        x = _reshape(ctx, x, (x_shape[0], x_shape[1], 1, x_shape[2]))
        w4 = (w_shape[0], w_shape[1], 1, w_shape[2])
        if w_const is not None:
            w = ctx.constant(w_const.reshape(w4))
        else:
            assert w is not None
            w = _reshape(ctx, w, w4)
        conv_shape: Shape = (out_shape[0], out_shape[1], 1, out_shape[2])
    else:
        conv_shape = out_shape
    assert w is not None
    y = ctx.emit(
        Conv2dOp(
            x,
            w,
            bias,
            f32_tensor(conv_shape),
            strides=strides,
            pads=pads,
            dilations=dilations,
            group=int(attrs.get("group", 1)),
        )  # fmt: skip
    )
    ctx.bind(node.output[0], _reshape(ctx, y, out_shape))


@translates("ConvTranspose")
def _conv_transpose(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    """1-D runs as 2-D over a height-1 image; `output_shape` and `auto_pad`
    become explicit pads (from the inferred output shape)."""
    rank = _spatial_rank(ctx, node, "transposed convolution", most=2)
    x_shape, w_shape = ctx.shape(node.input[0]), ctx.shape(node.input[1])
    out_shape = ctx.shape(node.output[0])
    kernel = list(attrs.get("kernel_shape", w_shape[2:]))
    strides = list(attrs.get("strides", [1] * rank))
    dilations = list(attrs.get("dilations", [1] * rank))
    extra = list(attrs.get("output_padding", [0] * rank))
    auto_pad = attrs.get("auto_pad", "NOTSET")
    if "output_shape" in attrs or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        begins, ends = [], []
        for i in range(rank):
            full = (x_shape[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i]
            total = full + 1 + extra[i] - out_shape[2 + i]
            if total < 0:
                raise NotSupported("output_shape larger than the full output")
            small, big = total // 2, total - total // 2
            upper = auto_pad == "SAME_UPPER"
            begins.append(small if upper else big)
            ends.append(big if upper else small)
        pads = begins + ends
    elif auto_pad == "VALID":
        pads = [0] * (2 * rank)
    else:
        pads = list(attrs.get("pads", [0] * (2 * rank)))
    x = ctx.value(node.input[0])
    w_const = ctx.const(node.input[1])
    bias = ctx.value(node.input[2]) if _input(node, 2) else None
    if rank == 1:
        strides, pads, dilations = _to_2d(strides, pads, dilations)
        extra = [0, extra[0]]
        x = _reshape(ctx, x, (x_shape[0], x_shape[1], 1, x_shape[2]))
        w4 = (w_shape[0], w_shape[1], 1, w_shape[2])
        if w_const is not None:
            w = ctx.constant(w_const.reshape(w4))
        else:
            w = _reshape(ctx, ctx.value(node.input[1]), w4)
        conv_shape: Shape = (out_shape[0], out_shape[1], 1, out_shape[2])
    else:
        w = ctx.value(node.input[1])
        conv_shape = out_shape
    y = ctx.emit(
        ConvTranspose2dOp(
            x,
            w,
            bias,
            f32_tensor(conv_shape),
            strides=strides,
            pads=pads,
            dilations=dilations,
            output_padding=extra,
            group=int(attrs.get("group", 1)),
        )  # fmt: skip
    )
    ctx.bind(node.output[0], _reshape(ctx, y, out_shape))


# ------------------------------------------------------------------- pooling


@translates("MaxPool", "AveragePool")
def _pool(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    rank = _spatial_rank(ctx, node, "pooling")
    if node.op_type == "MaxPool":
        _unused_outputs(ctx, node, 1, "indices")
    x_shape = ctx.shape(node.input[0])
    kernel = list(attrs["kernel_shape"])
    strides, pads, dilations = _window_attrs(attrs, x_shape[2:], kernel)
    out_shape = ctx.shape(node.output[0])
    x = ctx.value(node.input[0])
    if rank == 1:
        kernel = [1, kernel[0]]
        strides, pads, dilations = _to_2d(strides, pads, dilations)
        x = _reshape(ctx, x, (x_shape[0], x_shape[1], 1, x_shape[2]))
        pool_shape: Shape = (out_shape[0], out_shape[1], 1, out_shape[2])
    else:
        pool_shape = out_shape
    if any(p >= k for p, k in zip(pads, kernel * 2, strict=True) if p > 0):
        raise NotSupported("padding as large as the kernel")
    ceil_mode = bool(attrs.get("ceil_mode", 0))
    if rank == 3:
        ctx.bind(
            node.output[0],
            ctx.emit(
                _pool3d(node.op_type, x, out_shape, kernel, strides, pads,
                        dilations, ceil_mode, attrs)
            ),
        )  # fmt: skip
        return
    if node.op_type == "MaxPool":
        op: Operation = MaxPoolOp(
            x, f32_tensor(pool_shape), kernel=kernel, strides=strides, pads=pads,
            dilations=dilations, ceil_mode=ceil_mode,
        )  # fmt: skip
    else:
        op = AvgPoolOp(
            x, f32_tensor(pool_shape), kernel=kernel, strides=strides, pads=pads,
            dilations=dilations, ceil_mode=ceil_mode,
            count_include_pad=bool(attrs.get("count_include_pad", 0)),
        )  # fmt: skip
    ctx.bind(node.output[0], _reshape(ctx, ctx.emit(op), out_shape))


def _pool3d(
    op_type: str,
    x: SSAValue,
    out_shape: Shape,
    kernel: list[int],
    strides: list[int],
    pads: list[int],
    dilations: list[int],
    ceil_mode: bool,
    attrs: dict[str, Any],
) -> Operation:
    if op_type == "MaxPool":
        return MaxPool3dOp(
            x, f32_tensor(out_shape), kernel=kernel, strides=strides, pads=pads,
            dilations=dilations, ceil_mode=ceil_mode,
        )  # fmt: skip
    return AvgPool3dOp(
        x, f32_tensor(out_shape), kernel=kernel, strides=strides, pads=pads,
        dilations=dilations, ceil_mode=ceil_mode,
        count_include_pad=bool(attrs.get("count_include_pad", 0)),
    )  # fmt: skip


@translates("GlobalAveragePool")
def _global_avgpool(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = GlobalAvgPoolOp(ctx.value(node.input[0]), _out_type(ctx, node))
    ctx.bind(node.output[0], ctx.emit(op))


# -------------------------------------------------------------------- shapes


@translates("Reshape", "Squeeze", "Unsqueeze")
def _reshape_like(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    """The target shape is the statically inferred output shape."""
    value = _reshape(ctx, ctx.value(node.input[0]), ctx.shape(node.output[0]))
    ctx.bind(node.output[0], value)


@translates("Flatten")
def _flatten(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = FlattenOp(
        ctx.value(node.input[0]), _out_type(ctx, node), axis=attrs.get("axis", 1)
    )
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Transpose")
def _transpose(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    rank = len(ctx.shape(node.input[0]))
    perm = list(attrs.get("perm", range(rank - 1, -1, -1)))
    op = TransposeOp(ctx.value(node.input[0]), _out_type(ctx, node), perm=perm)
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Concat")
def _concat(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    names = [n for n in node.input if n and math.prod(ctx.shape(n)) > 0]
    values = [ctx.value(n) for n in names]
    op = ConcatOp(values, _out_type(ctx, node), axis=attrs["axis"])
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Split")
def _split(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    """One `n64.slice` per output; the sizes come from the inferred shapes."""
    x = ctx.value(node.input[0])
    rank = len(ctx.shape(node.input[0]))
    axis = int(attrs.get("axis", 0)) % rank
    start = 0
    for name in node.output:
        shape = ctx.shape(name)
        end = start + shape[axis]
        if name:
            op = SliceOp(x, f32_tensor(shape), axis=axis, start=start, end=end)
            ctx.bind(name, ctx.emit(op))
        start = end


@translates("Slice")
def _slice(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    """Constant starts, ends, axes and steps of 1: one `n64.slice` per
    axis that is cut."""
    shape = list(ctx.shape(node.input[0]))
    rank = len(shape)
    starts = [int(v) for v in _require_const(ctx, node, 1, "starts")]
    ends = [int(v) for v in _require_const(ctx, node, 2, "ends")]
    axes = list(range(len(starts)))
    if _input(node, 3):
        axes = [int(a) % rank for a in _require_const(ctx, node, 3, "axes")]
    steps = [1] * len(starts)
    if _input(node, 4):
        steps = [int(v) for v in _require_const(ctx, node, 4, "steps")]
    if any(step != 1 for step in steps):
        raise NotSupported("steps other than 1")
    value = ctx.value(node.input[0])
    for axis, start, end in zip(axes, starts, ends, strict=True):
        size = shape[axis]
        start = min(max(start + size if start < 0 else start, 0), size)
        end = min(max(end + size if end < 0 else end, 0), size)
        if end <= start:
            raise NotSupported("an empty slice")
        if (start, end) == (0, size):
            continue
        shape[axis] = end - start
        op = SliceOp(value, f32_tensor(shape), axis=axis, start=start, end=end)
        value = ctx.emit(op)
    ctx.bind(node.output[0], value)


@translates("Gather")
def _gather(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    indices = ctx.const(node.input[1])
    if indices is None:
        raise NotSupported("indices computed at run time")
    rank = len(ctx.shape(node.input[0]))
    axis = int(attrs.get("axis", 0)) % rank
    size = ctx.shape(node.input[0])[axis]
    flat = [int(i) + size if int(i) < 0 else int(i) for i in indices.reshape(-1)]
    op = GatherOp(
        ctx.value(node.input[0]), _out_type(ctx, node), axis=axis, indices=flat
    )
    ctx.bind(node.output[0], ctx.emit(op))


@translates("Pad")
def _pad(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    mode = attrs.get("mode", "constant")
    if mode not in ("constant", "reflect", "edge"):
        raise NotSupported(f"{mode} padding")
    rank = len(ctx.shape(node.input[0]))
    given = [int(p) for p in _require_const(ctx, node, 1, "pads")]
    value = 0.0
    if _input(node, 2):
        value = float(_require_const(ctx, node, 2, "pad value").reshape(-1)[0])
    if _input(node, 3):
        axes = [int(a) % rank for a in _require_const(ctx, node, 3, "axes")]
    else:
        axes = list(range(rank))
    pads = [0] * (2 * rank)
    for i, axis in enumerate(axes):
        pads[axis] = given[i]
        pads[rank + axis] = given[len(axes) + i]
    op = PadOp(
        ctx.value(node.input[0]),
        _out_type(ctx, node),
        pads=pads,
        mode=mode,
        value=value,
    )
    ctx.bind(node.output[0], ctx.emit(op))


# ------------------------------------------------------------- normalisation


@translates("LRN")
def _lrn(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    op = LrnOp(
        ctx.value(node.input[0]),
        size=int(attrs["size"]),
        alpha=attrs.get("alpha", 1e-4),
        beta=attrs.get("beta", 0.75),
        bias=attrs.get("bias", 1.0),
    )
    ctx.bind(node.output[0], ctx.emit(op))


@translates("BatchNormalization")
def _batchnorm(ctx: Context, node: onnx.NodeProto, attrs: dict[str, Any]) -> None:
    if attrs.get("training_mode", 0):
        raise NotSupported("training mode")
    _unused_outputs(ctx, node, 1, "running statistics")
    x, scale, bias, mean, var = (ctx.value(n) for n in node.input[:5])
    op = BatchNormOp(
        x,
        scale,
        bias,
        mean,
        var,
        _out_type(ctx, node),
        epsilon=attrs.get("epsilon", 1e-5),
    )
    ctx.bind(node.output[0], ctx.emit(op))
