"""Graph-level ops of the `n64` dialect: the imported network on `f32` tensors.

Every op here works on statically shaped `tensor<...xf32>` values and mirrors
one ONNX operator (after the importer has normalised its attributes). Result
types are always explicit in the IR; the shape helpers at the top of this
module (`conv2d_output_shape`, `pool_output_shape`, `broadcast_shapes`, ...)
compute them, and the verifiers use the same helpers, so a constructor call
with a wrong result type fails verification with a message naming both shapes.

Ops that end in an activation carry an optional fused clamp
(`clamp_min` / `clamp_max`, f32 properties): `gemm`, `matmul`, `conv2d`, `add`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import (
    I64,
    BoolAttr,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float32Type,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    StringAttr,
    TensorType,
    f32,
    i1,
    i8,
    i16,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

Shape = tuple[int, ...]

F32Tensor = TensorType.constr(f32)
"""Constraint for the operands and results of graph ops."""


# ---------------------------------------------------------------------------
# Shape helpers (shared with the importer and the passes). They raise
# ValueError with a readable message when the shapes do not fit together.
# ---------------------------------------------------------------------------


def f32_tensor(shape: Iterable[int]) -> TensorType[Float32Type]:
    """`tensor<shape x f32>`."""
    return TensorType(f32, list(shape))


def broadcast_shapes(*shapes: Sequence[int]) -> Shape:
    """The numpy/ONNX multidirectional broadcast of `shapes`."""
    rank = max((len(s) for s in shapes), default=0)
    out: list[int] = []
    for i in range(rank):
        dims = {s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0}
        dims.discard(1)
        if len(dims) > 1:
            pretty = ", ".join(str(list(s)) for s in shapes)
            raise ValueError(f"shapes {pretty} cannot be broadcast together")
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def gemm_output_shape(
    a_shape: Sequence[int], b_shape: Sequence[int], bias_shape: Sequence[int] | None
) -> Shape:
    """`[M, N]` for `a[M, K] @ b[K, N] (+ bias)`."""
    if len(a_shape) != 2 or len(b_shape) != 2:
        raise ValueError(
            f"gemm operands must be matrices, got {list(a_shape)} and {list(b_shape)}"
        )
    if a_shape[1] != b_shape[0]:
        raise ValueError(
            f"gemm inner dimensions differ: a is {list(a_shape)}, b is {list(b_shape)}"
        )
    out = (a_shape[0], b_shape[1])
    if bias_shape is not None and broadcast_shapes(out, bias_shape) != out:
        raise ValueError(
            f"gemm bias {list(bias_shape)} does not broadcast to {list(out)}"
        )
    return out


def matmul_output_shape(a_shape: Sequence[int], b_shape: Sequence[int]) -> Shape:
    """Result shape of `numpy.matmul` on operands of these shapes."""
    if not a_shape or not b_shape:
        raise ValueError("matmul operands must have rank 1 or more")
    a = list(a_shape) if len(a_shape) > 1 else [1, a_shape[0]]
    b = list(b_shape) if len(b_shape) > 1 else [b_shape[0], 1]
    if a[-1] != b[-2]:
        raise ValueError(
            f"matmul inner dimensions differ: {list(a_shape)} and {list(b_shape)}"
        )
    batch = broadcast_shapes(a[:-2], b[:-2])
    out = [*batch, a[-2], b[-1]]
    if len(a_shape) == 1:
        out.pop(-2)
    if len(b_shape) == 1:
        out.pop(-1)
    return tuple(out)


def _window_count(
    size: int,
    kernel: int,
    stride: int,
    pad_begin: int,
    pad_end: int,
    dilation: int,
    ceil_mode: bool,
) -> int:
    extent = dilation * (kernel - 1) + 1
    span = size + pad_begin + pad_end - extent
    if span < 0:
        raise ValueError(
            f"window of extent {extent} does not fit an input of size {size} "
            f"with pads {pad_begin}, {pad_end}"
        )
    if not ceil_mode:
        return span // stride + 1
    count = -(-span // stride) + 1
    # A window that would start inside the end padding is dropped (ONNX rule).
    if (count - 1) * stride >= size + pad_begin:
        count -= 1
    return count


def _check_window_params(
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
) -> None:
    if len(kernel) != 2 or len(strides) != 2 or len(dilations) != 2:
        raise ValueError("kernel, strides and dilations must have 2 entries")
    if len(pads) != 4:
        raise ValueError("pads must have 4 entries (top, left, bottom, right)")
    if min(kernel) < 1 or min(strides) < 1 or min(dilations) < 1:
        raise ValueError(
            f"kernel {list(kernel)}, strides {list(strides)} and dilations "
            f"{list(dilations)} must be positive"
        )
    if min(pads) < 0:
        raise ValueError(f"pads {list(pads)} must not be negative")


def conv2d_output_shape(
    x_shape: Sequence[int],
    w_shape: Sequence[int],
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    group: int = 1,
) -> Shape:
    """`[N, O, OH, OW]` of a 2-D convolution (pads: top, left, bottom, right)."""
    if len(x_shape) != 4 or len(w_shape) != 4:
        raise ValueError(
            f"conv2d needs x[N,C,H,W] and w[O,C/group,KH,KW], got "
            f"{list(x_shape)} and {list(w_shape)}"
        )
    n, c, h, w = x_shape
    o, cg, kh, kw = w_shape
    if group < 1 or c % group or o % group:
        raise ValueError(
            f"conv2d group {group} must divide the {c} input and {o} output channels"
        )
    if cg != c // group:
        raise ValueError(
            f"conv2d weight {list(w_shape)} needs {c // group} input channels per "
            f"group, has {cg}"
        )
    _check_window_params((kh, kw), strides, pads, dilations)
    oh = _window_count(h, kh, strides[0], pads[0], pads[2], dilations[0], False)
    ow = _window_count(w, kw, strides[1], pads[1], pads[3], dilations[1], False)
    return (n, o, oh, ow)


def pool_output_shape(
    x_shape: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    ceil_mode: bool = False,
) -> Shape:
    """`[N, C, OH, OW]` of a 2-D max or average pool (ONNX rules incl. ceil_mode)."""
    if len(x_shape) != 4:
        raise ValueError(f"pooling needs x[N,C,H,W], got {list(x_shape)}")
    _check_window_params(kernel, strides, pads, dilations)
    n, c, h, w = x_shape
    oh = _window_count(
        h, kernel[0], strides[0], pads[0], pads[2], dilations[0], ceil_mode
    )
    ow = _window_count(
        w, kernel[1], strides[1], pads[1], pads[3], dilations[1], ceil_mode
    )
    return (n, c, oh, ow)


def normalize_axis(axis: int, rank: int) -> int:
    """`axis` in `[0, rank)`; negative axes count from the end."""
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range for rank {rank}")
    return axis % rank


def concat_output_shape(shapes: Sequence[Sequence[int]], axis: int) -> Shape:
    """Shape of the concatenation of `shapes` along `axis`."""
    if not shapes:
        raise ValueError("concat needs at least one input")
    rank = len(shapes[0])
    axis = normalize_axis(axis, rank)
    for s in shapes:
        if len(s) != rank or any(
            s[i] != shapes[0][i] for i in range(rank) if i != axis
        ):
            pretty = ", ".join(str(list(t)) for t in shapes)
            raise ValueError(f"concat inputs {pretty} differ off axis {axis}")
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    return tuple(out)


def flatten_output_shape(x_shape: Sequence[int], axis: int) -> Shape:
    """ONNX Flatten: `[prod(shape[:axis]), prod(shape[axis:])]`."""
    rank = len(x_shape)
    if not -rank <= axis <= rank:
        raise ValueError(f"flatten axis {axis} is out of range for rank {rank}")
    axis = axis + rank if axis < 0 else axis
    return (math.prod(x_shape[:axis]), math.prod(x_shape[axis:]))


def transpose_output_shape(x_shape: Sequence[int], perm: Sequence[int]) -> Shape:
    """`x_shape` permuted by `perm`."""
    if sorted(perm) != list(range(len(x_shape))):
        raise ValueError(
            f"perm {list(perm)} is not a permutation of the {len(x_shape)} axes"
        )
    return tuple(x_shape[p] for p in perm)


def pad_output_shape(x_shape: Sequence[int], pads: Sequence[int]) -> Shape:
    """ONNX Pad: `pads` holds all begins, then all ends (may be negative)."""
    rank = len(x_shape)
    if len(pads) != 2 * rank:
        raise ValueError(f"pad needs {2 * rank} pads for rank {rank}, got {len(pads)}")
    out = tuple(x_shape[i] + pads[i] + pads[rank + i] for i in range(rank))
    if min(out, default=0) < 0:
        raise ValueError(f"pads {list(pads)} crop {list(x_shape)} below zero")
    return out


# ---------------------------------------------------------------------------
# Attribute helpers
# ---------------------------------------------------------------------------


def _i64_array(values: Sequence[int]) -> DenseArrayBase[I64]:
    return DenseArrayBase.from_list(i64, [int(v) for v in values])


def _i64(value: int) -> IntegerAttr[I64]:
    return IntegerAttr(int(value), i64)


def _f32(value: float | None) -> FloatAttr[Float32Type] | None:
    return None if value is None else FloatAttr(float(value), f32)


def _bool(value: bool) -> BoolAttr:
    return IntegerAttr(int(bool(value)), i1)


def _ints(attr: DenseArrayBase[I64]) -> tuple[int, ...]:
    return tuple(int(v) for v in attr.get_values())


def _shape_of(value: SSAValue, what: str) -> Shape:
    typ = value.type
    if not isinstance(typ, TensorType):
        raise VerifyException(f"{what} must be a tensor, got {typ}")
    shape = typ.get_shape()
    if any(d < 0 for d in shape):
        raise VerifyException(f"{what} must have a static shape, got {typ}")
    return shape


def _expect_shape(op: IRDLOperation, expected: Shape) -> None:
    got = _shape_of(op.results[0], "result")
    if got != tuple(expected):
        raise VerifyException(
            f"{op.name}: result shape {list(got)} does not match the expected "
            f"{list(expected)}"
        )


def _shape_error(op: IRDLOperation, err: ValueError) -> VerifyException:
    return VerifyException(f"{op.name}: {err}")


DEFAULT_STRIDES = _i64_array((1, 1))
DEFAULT_DILATIONS = _i64_array((1, 1))
DEFAULT_PADS = _i64_array((0, 0, 0, 0))
FALSE = _bool(False)


class FusedClampOp(IRDLOperation):
    """Base of ops that may end in a fused clamp (`clamp_min`, `clamp_max`)."""

    clamp_min = opt_prop_def(FloatAttr[Float32Type])
    clamp_max = opt_prop_def(FloatAttr[Float32Type])

    irdl_options = (ParsePropInAttrDict(),)

    def get_clamp(self) -> tuple[float | None, float | None]:
        """The fused clamp bounds; `None` for an absent bound."""
        lo = None if self.clamp_min is None else self.clamp_min.value.data
        hi = None if self.clamp_max is None else self.clamp_max.value.data
        return lo, hi

    def set_clamp(self, clamp_min: float | None, clamp_max: float | None) -> None:
        """Set (or, with `None`, remove) the fused clamp bounds in place."""
        for name, value in (("clamp_min", clamp_min), ("clamp_max", clamp_max)):
            if value is None:
                self.properties.pop(name, None)
            else:
                self.properties[name] = FloatAttr(float(value), f32)

    def _verify_clamp(self) -> None:
        lo, hi = self.get_clamp()
        if lo is not None and hi is not None and lo > hi:
            raise VerifyException(f"{self.name}: clamp_min {lo} exceeds clamp_max {hi}")


def _clamp_props(
    clamp_min: float | None, clamp_max: float | None
) -> dict[str, Attribute | None]:
    return {"clamp_min": _f32(clamp_min), "clamp_max": _f32(clamp_max)}


# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------

_NUMPY_TO_ELEMENT: dict[str, Float32Type | IntegerType] = {
    "float32": f32,
    "int8": i8,
    "int16": i16,
    "int32": i32,
    "int64": i64,
}

_LIST_PRINT_LIMIT = 100
"""Constants with more elements print as hex (exact and fast to parse)."""


def _numpy_dtype(element_type: Attribute) -> np.dtype:
    if element_type == f32:
        return np.dtype("<f4")
    if isinstance(element_type, IntegerType) and element_type.width.data in (
        8,
        16,
        32,
        64,
    ):
        return np.dtype(f"<i{element_type.width.data // 8}")
    raise ValueError(f"no numpy dtype for element type {element_type}")


def _float_prints_as_decimal(value: float) -> bool:
    """Whether `Printer.print_float` writes this f32 as an exact decimal."""
    if not math.isfinite(value):
        return False
    short = f"{value:.5e}"
    if float(np.float32(short)) == value:
        return True
    return "." in f"{value:.9g}"


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """A constant tensor (weights, biases, folded subgraphs).

    The value is a `DenseIntOrFPElementsAttr` whose type is the result type.
    Graph-level constants are `f32`; the quantised graph also stores integer
    constants (`i8`, `i16`, `i32`, `i64`) with this op. Large values print in
    MLIR's hex form, which round-trips bit for bit.

    Example:

    ```mlir
    %w = n64.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    %b = n64.constant dense<0.0> : tensor<64xf32>
    %big = n64.constant dense<"0x0000803F..."> : tensor<64x32xf32>
    ```
    """

    name = "n64.constant"

    value = prop_def(DenseIntOrFPElementsAttr)
    result = result_def(TensorType)

    traits = traits_def(ConstantLike(), Pure())

    def __init__(self, value: DenseIntOrFPElementsAttr) -> None:
        super().__init__(result_types=[value.type], properties={"value": value})

    @staticmethod
    def from_numpy(array: np.ndarray) -> ConstantOp:
        """A constant holding `array` (float32, int8/16/32/64; float64 is
        converted to float32). Copies the bytes once; no per-element work."""
        arr = np.asarray(array)
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        element = _NUMPY_TO_ELEMENT.get(arr.dtype.name)
        if element is None:
            raise ValueError(f"cannot make an n64.constant from dtype {arr.dtype}")
        data = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
        typ = TensorType(element, arr.shape)
        return ConstantOp(DenseIntOrFPElementsAttr(typ, BytesAttr(data)))

    def to_numpy(self) -> np.ndarray:
        """The value as a read-only numpy array of the result's shape."""
        dtype = _numpy_dtype(self.value.get_element_type())
        arr = np.frombuffer(self.value.data.data, dtype=dtype)
        shape = self.value.get_shape()
        if arr.size == 1 and math.prod(shape) != 1:
            arr = np.broadcast_to(arr, (math.prod(shape),))
        return arr.reshape(shape)

    def verify_(self) -> None:
        if self.value.type != self.result.type:
            raise VerifyException(
                f"n64.constant: value type {self.value.type} differs from the "
                f"result type {self.result.type}"
            )
        _shape_of(self.result, "result")
        try:
            _numpy_dtype(self.value.get_element_type())
        except ValueError as err:
            raise VerifyException(f"n64.constant: {err}") from err
        if not self.value.shape_is_complete:
            raise VerifyException(
                f"n64.constant: value holds {len(self.value)} elements, its type "
                f"{self.value.type} needs {math.prod(self.value.get_shape())}"
            )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        value = self.value
        arr = self.to_numpy().reshape(-1)
        words = arr.view(f"<u{arr.itemsize}")
        if len(words) and bool((words == words[0]).all()):
            printer.print_string("dense<")
            if arr.dtype.kind == "f" and not _float_prints_as_decimal(float(arr[0])):
                printer.print_string(f'"0x{arr[:1].tobytes().hex().upper()}"')
            elif arr.dtype.kind == "f":
                printer.print_float(float(arr[0]), f32)
            else:
                printer.print_int(int(arr[0]))
            printer.print_string(">")
        elif len(arr) <= _LIST_PRINT_LIMIT and self._prints_exactly_as_list():
            value.print_without_type(printer)
        else:
            printer.print_string(f'dense<"0x{value.data.data.hex().upper()}">')
        printer.print_string(" : ")
        printer.print_attribute(value.type)
        printer.print_op_attributes(self.attributes)

    def _prints_exactly_as_list(self) -> bool:
        arr = self.to_numpy().reshape(-1)
        if arr.dtype.kind != "f":
            return True
        # The builtin list printer writes some floats as hex integers and
        # takes equal values (0.0 and -0.0) for a splat: use hex for those.
        values = arr.tolist()
        return not all(v == values[0] for v in values) and all(
            _float_prints_as_decimal(v) for v in values
        )

    @classmethod
    def parse(cls, parser: Parser) -> ConstantOp:
        pos = parser.pos
        value = parser.parse_attribute()
        if not isinstance(value, DenseIntOrFPElementsAttr):
            parser.raise_error("n64.constant expects a dense elements value", pos)
        attrs = parser.parse_optional_attr_dict()
        op = cls(value)
        op.attributes.update(attrs)
        return op


# ---------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------


@irdl_op_definition
class GemmOp(FusedClampOp):
    """`y = clamp(a @ b + bias)` on matrices `a[M,K]`, `b[K,N]`.

    `bias` is optional and broadcasts to `[M,N]`. ONNX Gemm's `alpha`,
    `beta`, `transA` and `transB` are folded into the operands at import.

    Example:

    ```mlir
    %y = n64.gemm %a, %b, %bias {clamp_min = 0.000000e+00 : f32}
        : (tensor<1x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<1x32xf32>
    ```
    """

    name = "n64.gemm"

    a = operand_def(F32Tensor)
    b = operand_def(F32Tensor)
    bias = opt_operand_def(F32Tensor)
    result = result_def(F32Tensor)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = (
        "$a `,` $b (`,` $bias^)? attr-dict `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        a: SSAValue | Operation,
        b: SSAValue | Operation,
        bias: SSAValue | Operation | None,
        result_type: Attribute,
        *,
        clamp_min: float | None = None,
        clamp_max: float | None = None,
    ) -> None:
        super().__init__(
            operands=[a, b, bias],
            result_types=[result_type],
            properties=_clamp_props(clamp_min, clamp_max),
        )

    def verify_(self) -> None:
        self._verify_clamp()
        bias = None if self.bias is None else _shape_of(self.bias, "bias")
        try:
            expected = gemm_output_shape(
                _shape_of(self.a, "a"), _shape_of(self.b, "b"), bias
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        _expect_shape(self, expected)


@irdl_op_definition
class MatMulOp(FusedClampOp):
    """`y = clamp(a @ b)` with numpy `matmul` semantics (batched, rank >= 1).

    Example:

    ```mlir
    %y = n64.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    ```
    """

    name = "n64.matmul"

    a = operand_def(F32Tensor)
    b = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$a `,` $b attr-dict `:` functional-type(operands, results)"

    def __init__(
        self,
        a: SSAValue | Operation,
        b: SSAValue | Operation,
        result_type: Attribute,
        *,
        clamp_min: float | None = None,
        clamp_max: float | None = None,
    ) -> None:
        super().__init__(
            operands=[a, b],
            result_types=[result_type],
            properties=_clamp_props(clamp_min, clamp_max),
        )

    def verify_(self) -> None:
        self._verify_clamp()
        try:
            expected = matmul_output_shape(
                _shape_of(self.a, "a"), _shape_of(self.b, "b")
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        _expect_shape(self, expected)


@irdl_op_definition
class Conv2dOp(FusedClampOp):
    """2-D convolution (cross-correlation, like ONNX Conv) with a fused clamp.

    `x[N,C,H,W]`, `w[O,C/group,KH,KW]`, optional `bias[O]`. `pads` is
    `[top, left, bottom, right]`. `group = C = O` is a depthwise convolution.
    Defaults (elided when printed): strides 1, pads 0, dilations 1, group 1.

    Example:

    ```mlir
    %y = n64.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
        : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
    ```
    """

    name = "n64.conv2d"

    x = operand_def(F32Tensor)
    w = operand_def(F32Tensor)
    bias = opt_operand_def(F32Tensor)
    result = result_def(F32Tensor)

    strides = prop_def(DenseArrayBase.constr(i64), DEFAULT_STRIDES)
    pads = prop_def(DenseArrayBase.constr(i64), DEFAULT_PADS)
    dilations = prop_def(DenseArrayBase.constr(i64), DEFAULT_DILATIONS)
    group = prop_def(IntegerAttr[I64], _i64(1))

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = (
        "$x `,` $w (`,` $bias^)? attr-dict `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        x: SSAValue | Operation,
        w: SSAValue | Operation,
        bias: SSAValue | Operation | None,
        result_type: Attribute,
        *,
        strides: Sequence[int] = (1, 1),
        pads: Sequence[int] = (0, 0, 0, 0),
        dilations: Sequence[int] = (1, 1),
        group: int = 1,
        clamp_min: float | None = None,
        clamp_max: float | None = None,
    ) -> None:
        super().__init__(
            operands=[x, w, bias],
            result_types=[result_type],
            properties={
                "strides": _i64_array(strides),
                "pads": _i64_array(pads),
                "dilations": _i64_array(dilations),
                "group": _i64(group),
                **_clamp_props(clamp_min, clamp_max),
            },
        )

    def get_strides(self) -> tuple[int, int]:
        s = _ints(self.strides)
        return (s[0], s[1])

    def get_pads(self) -> tuple[int, int, int, int]:
        p = _ints(self.pads)
        return (p[0], p[1], p[2], p[3])

    def get_dilations(self) -> tuple[int, int]:
        d = _ints(self.dilations)
        return (d[0], d[1])

    def get_group(self) -> int:
        return self.group.value.data

    def verify_(self) -> None:
        self._verify_clamp()
        x = _shape_of(self.x, "x")
        w = _shape_of(self.w, "w")
        try:
            expected = conv2d_output_shape(
                x,
                w,
                _ints(self.strides),
                _ints(self.pads),
                _ints(self.dilations),
                self.get_group(),
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        if self.bias is not None and _shape_of(self.bias, "bias") != (w[0],):
            raise VerifyException(
                f"n64.conv2d: bias shape {list(_shape_of(self.bias, 'bias'))} must be "
                f"[{w[0]}]"
            )
        _expect_shape(self, expected)


# ---------------------------------------------------------------------------
# Element-wise
# ---------------------------------------------------------------------------


class UnaryOp(IRDLOperation):
    """Base of element-wise ops whose result type equals the operand type."""

    T: ClassVar = VarConstraint("T", F32Tensor)

    x = operand_def(T)
    result = result_def(T)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` type($x)"

    def __init__(
        self, x: SSAValue | Operation, result_type: Attribute | None = None
    ) -> None:
        self._init_unary(x, result_type, {})

    def _init_unary(
        self,
        x: SSAValue | Operation,
        result_type: Attribute | None,
        properties: dict[str, Attribute | None],
    ) -> None:
        """Build with `properties`; the result type defaults to the operand's."""
        x = SSAValue.get(x)
        super().__init__(
            operands=[x], result_types=[result_type or x.type], properties=properties
        )

    def verify_(self) -> None:
        _shape_of(self.x, "x")


@irdl_op_definition
class ReluOp(UnaryOp):
    """`max(x, 0)`.

    Example:

    ```mlir
    %y = n64.relu %x : tensor<1x16xf32>
    ```
    """

    name = "n64.relu"


@irdl_op_definition
class SigmoidOp(UnaryOp):
    """`1 / (1 + exp(-x))`.

    Example:

    ```mlir
    %y = n64.sigmoid %x : tensor<1x16xf32>
    ```
    """

    name = "n64.sigmoid"


@irdl_op_definition
class TanhOp(UnaryOp):
    """`tanh(x)`.

    Example:

    ```mlir
    %y = n64.tanh %x : tensor<1x16xf32>
    ```
    """

    name = "n64.tanh"


@irdl_op_definition
class ClipOp(UnaryOp):
    """`min(max(x, min), max)`; an absent bound is unbounded.

    Example:

    ```mlir
    %y = n64.clip %x {min = 0.000000e+00 : f32, max = 6.000000e+00 : f32} : tensor<1x16xf32>
    ```
    """

    name = "n64.clip"

    min = opt_prop_def(FloatAttr[Float32Type])
    max = opt_prop_def(FloatAttr[Float32Type])

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute | None = None,
        *,
        min: float | None = None,
        max: float | None = None,
    ) -> None:
        self._init_unary(x, result_type, {"min": _f32(min), "max": _f32(max)})

    def get_bounds(self) -> tuple[float | None, float | None]:
        lo = None if self.min is None else self.min.value.data
        hi = None if self.max is None else self.max.value.data
        return lo, hi

    def verify_(self) -> None:
        super().verify_()
        lo, hi = self.get_bounds()
        if lo is not None and hi is not None and lo > hi:
            raise VerifyException(f"n64.clip: min {lo} exceeds max {hi}")


@irdl_op_definition
class LeakyReluOp(UnaryOp):
    """`x if x >= 0 else alpha * x` (alpha defaults to 0.01, like ONNX).

    Example:

    ```mlir
    %y = n64.leaky_relu %x {alpha = 1.000000e-01 : f32} : tensor<1x16xf32>
    ```
    """

    name = "n64.leaky_relu"

    alpha = prop_def(FloatAttr[Float32Type], FloatAttr(0.01, f32))

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute | None = None,
        *,
        alpha: float = 0.01,
    ) -> None:
        self._init_unary(x, result_type, {"alpha": FloatAttr(float(alpha), f32)})


class BinaryOp(IRDLOperation):
    """Base of element-wise ops with numpy broadcasting."""

    a = operand_def(F32Tensor)
    b = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$a `,` $b attr-dict `:` functional-type(operands, results)"

    def __init__(
        self, a: SSAValue | Operation, b: SSAValue | Operation, result_type: Attribute
    ) -> None:
        self._init_binary(a, b, result_type, {})

    def _init_binary(
        self,
        a: SSAValue | Operation,
        b: SSAValue | Operation,
        result_type: Attribute,
        properties: dict[str, Attribute | None],
    ) -> None:
        super().__init__(
            operands=[a, b], result_types=[result_type], properties=properties
        )

    def verify_(self) -> None:
        try:
            expected = broadcast_shapes(_shape_of(self.a, "a"), _shape_of(self.b, "b"))
        except ValueError as err:
            raise _shape_error(self, err) from err
        _expect_shape(self, expected)


@irdl_op_definition
class AddOp(BinaryOp, FusedClampOp):
    """`clamp(a + b)` with numpy broadcasting.

    Example:

    ```mlir
    %y = n64.add %a, %b {clamp_min = 0.000000e+00 : f32}
        : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    ```
    """

    name = "n64.add"

    def __init__(
        self,
        a: SSAValue | Operation,
        b: SSAValue | Operation,
        result_type: Attribute,
        *,
        clamp_min: float | None = None,
        clamp_max: float | None = None,
    ) -> None:
        self._init_binary(a, b, result_type, _clamp_props(clamp_min, clamp_max))

    def verify_(self) -> None:
        self._verify_clamp()
        super().verify_()


@irdl_op_definition
class SubOp(BinaryOp):
    """`a - b` with numpy broadcasting.

    Example:

    ```mlir
    %y = n64.sub %a, %b : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
    ```
    """

    name = "n64.sub"


@irdl_op_definition
class MulOp(BinaryOp):
    """`a * b` with numpy broadcasting.

    Example:

    ```mlir
    %y = n64.mul %a, %b : (tensor<1x8xf32>, tensor<1xf32>) -> tensor<1x8xf32>
    ```
    """

    name = "n64.mul"


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


class PoolOp(IRDLOperation):
    """Base of the windowed pools on `x[N,C,H,W]`."""

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    kernel = prop_def(DenseArrayBase.constr(i64))
    strides = prop_def(DenseArrayBase.constr(i64), DEFAULT_STRIDES)
    pads = prop_def(DenseArrayBase.constr(i64), DEFAULT_PADS)
    dilations = prop_def(DenseArrayBase.constr(i64), DEFAULT_DILATIONS)
    ceil_mode = prop_def(BoolAttr, FALSE)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` functional-type(operands, results)"

    def _init_pool(
        self,
        x: SSAValue | Operation,
        result_type: Attribute,
        kernel: Sequence[int],
        strides: Sequence[int],
        pads: Sequence[int],
        dilations: Sequence[int],
        ceil_mode: bool,
        properties: dict[str, Attribute] | None = None,
    ) -> None:
        super().__init__(
            operands=[x],
            result_types=[result_type],
            properties={
                "kernel": _i64_array(kernel),
                "strides": _i64_array(strides),
                "pads": _i64_array(pads),
                "dilations": _i64_array(dilations),
                "ceil_mode": _bool(ceil_mode),
                **(properties or {}),
            },
        )

    def get_kernel(self) -> tuple[int, int]:
        k = _ints(self.kernel)
        return (k[0], k[1])

    def get_strides(self) -> tuple[int, int]:
        s = _ints(self.strides)
        return (s[0], s[1])

    def get_pads(self) -> tuple[int, int, int, int]:
        p = _ints(self.pads)
        return (p[0], p[1], p[2], p[3])

    def get_dilations(self) -> tuple[int, int]:
        d = _ints(self.dilations)
        return (d[0], d[1])

    def get_ceil_mode(self) -> bool:
        return bool(self.ceil_mode.value.data)

    def verify_(self) -> None:
        try:
            expected = pool_output_shape(
                _shape_of(self.x, "x"),
                _ints(self.kernel),
                _ints(self.strides),
                _ints(self.pads),
                _ints(self.dilations),
                self.get_ceil_mode(),
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        k, p = self.get_kernel(), self.get_pads()
        if p[0] >= k[0] or p[2] >= k[0] or p[1] >= k[1] or p[3] >= k[1]:
            raise VerifyException(
                f"{self.name}: pads {list(p)} must be smaller than the kernel {list(k)}"
            )
        _expect_shape(self, expected)


@irdl_op_definition
class MaxPoolOp(PoolOp):
    """2-D max pooling (ONNX MaxPool; padding never wins the max).

    Example:

    ```mlir
    %y = n64.maxpool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
    ```
    """

    name = "n64.maxpool"

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute,
        *,
        kernel: Sequence[int],
        strides: Sequence[int] = (1, 1),
        pads: Sequence[int] = (0, 0, 0, 0),
        dilations: Sequence[int] = (1, 1),
        ceil_mode: bool = False,
    ) -> None:
        self._init_pool(x, result_type, kernel, strides, pads, dilations, ceil_mode)


@irdl_op_definition
class AvgPoolOp(PoolOp):
    """2-D average pooling (ONNX AveragePool).

    With `count_include_pad` the divisor counts the explicit padding (never
    the part of a ceil-mode window beyond it); without, only input pixels.

    Example:

    ```mlir
    %y = n64.avgpool %x {count_include_pad = true, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
    ```
    """

    name = "n64.avgpool"

    count_include_pad = prop_def(BoolAttr, FALSE)

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute,
        *,
        kernel: Sequence[int],
        strides: Sequence[int] = (1, 1),
        pads: Sequence[int] = (0, 0, 0, 0),
        dilations: Sequence[int] = (1, 1),
        ceil_mode: bool = False,
        count_include_pad: bool = False,
    ) -> None:
        self._init_pool(
            x,
            result_type,
            kernel,
            strides,
            pads,
            dilations,
            ceil_mode,
            {"count_include_pad": _bool(count_include_pad)},
        )

    def get_count_include_pad(self) -> bool:
        return bool(self.count_include_pad.value.data)


@irdl_op_definition
class GlobalAvgPoolOp(IRDLOperation):
    """Mean over the spatial axes: `x[N,C,H,W] -> [N,C,1,1]`.

    Example:

    ```mlir
    %y = n64.global_avgpool %x : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
    ```
    """

    name = "n64.global_avgpool"

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` functional-type(operands, results)"

    def __init__(self, x: SSAValue | Operation, result_type: Attribute) -> None:
        super().__init__(operands=[x], result_types=[result_type])

    def verify_(self) -> None:
        x = _shape_of(self.x, "x")
        if len(x) < 3:
            raise VerifyException(f"n64.global_avgpool: x {list(x)} needs rank >= 3")
        _expect_shape(self, (*x[:2], *([1] * (len(x) - 2))))


# ---------------------------------------------------------------------------
# Shape manipulation
# ---------------------------------------------------------------------------


@irdl_op_definition
class ConcatOp(IRDLOperation):
    """Concatenation of the inputs along `axis`.

    Example:

    ```mlir
    %y = n64.concat %a, %b {axis = 1 : i64}
        : (tensor<1x4x8x8xf32>, tensor<1x6x8x8xf32>) -> tensor<1x10x8x8xf32>
    ```
    """

    name = "n64.concat"

    inputs = var_operand_def(F32Tensor)
    result = result_def(F32Tensor)

    axis = prop_def(IntegerAttr[I64])

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$inputs attr-dict `:` functional-type(operands, results)"

    def __init__(
        self,
        inputs: Sequence[SSAValue | Operation],
        result_type: Attribute,
        *,
        axis: int,
    ) -> None:
        super().__init__(
            operands=[list(inputs)],
            result_types=[result_type],
            properties={"axis": _i64(axis)},
        )

    def get_axis(self) -> int:
        """The axis, normalised to `[0, rank)`."""
        return self.axis.value.data % len(_shape_of(self.result, "result"))

    def verify_(self) -> None:
        try:
            expected = concat_output_shape(
                [_shape_of(v, "input") for v in self.inputs], self.axis.value.data
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        _expect_shape(self, expected)


@irdl_op_definition
class FlattenOp(IRDLOperation):
    """ONNX Flatten: `[prod(shape[:axis]), prod(shape[axis:])]`.

    Example:

    ```mlir
    %y = n64.flatten %x {axis = 1 : i64} : (tensor<1x8x2x2xf32>) -> tensor<1x32xf32>
    ```
    """

    name = "n64.flatten"

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    axis = prop_def(IntegerAttr[I64], _i64(1))

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` functional-type(operands, results)"

    def __init__(
        self, x: SSAValue | Operation, result_type: Attribute, *, axis: int = 1
    ) -> None:
        super().__init__(
            operands=[x], result_types=[result_type], properties={"axis": _i64(axis)}
        )

    def verify_(self) -> None:
        try:
            expected = flatten_output_shape(
                _shape_of(self.x, "x"), self.axis.value.data
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        _expect_shape(self, expected)


@irdl_op_definition
class ReshapeOp(IRDLOperation):
    """Reshape (row-major); the target shape is the result type.

    Example:

    ```mlir
    %y = n64.reshape %x : (tensor<1x32xf32>) -> tensor<1x8x2x2xf32>
    ```
    """

    name = "n64.reshape"

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` functional-type(operands, results)"

    def __init__(self, x: SSAValue | Operation, result_type: Attribute) -> None:
        super().__init__(operands=[x], result_types=[result_type])

    def verify_(self) -> None:
        x = _shape_of(self.x, "x")
        y = _shape_of(self.result, "result")
        if math.prod(x) != math.prod(y):
            raise VerifyException(
                f"n64.reshape: {list(x)} has {math.prod(x)} elements, result "
                f"{list(y)} has {math.prod(y)}"
            )


@irdl_op_definition
class TransposeOp(IRDLOperation):
    """Axis permutation: `result.shape[i] = x.shape[perm[i]]`.

    Example:

    ```mlir
    %y = n64.transpose %x {perm = array<i64: 0, 2, 3, 1>}
        : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
    ```
    """

    name = "n64.transpose"

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    perm = prop_def(DenseArrayBase.constr(i64))

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` functional-type(operands, results)"

    def __init__(
        self, x: SSAValue | Operation, result_type: Attribute, *, perm: Sequence[int]
    ) -> None:
        super().__init__(
            operands=[x],
            result_types=[result_type],
            properties={"perm": _i64_array(perm)},
        )

    def get_perm(self) -> tuple[int, ...]:
        return _ints(self.perm)

    def verify_(self) -> None:
        try:
            expected = transpose_output_shape(_shape_of(self.x, "x"), self.get_perm())
        except ValueError as err:
            raise _shape_error(self, err) from err
        _expect_shape(self, expected)


PAD_MODES = ("constant", "reflect", "edge")


@irdl_op_definition
class PadOp(IRDLOperation):
    """ONNX Pad: `pads` = all begins then all ends (negative crops);
    `mode` is `constant` (fill with `value`), `reflect` or `edge`.

    Example:

    ```mlir
    %y = n64.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>}
        : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32>
    ```
    """

    name = "n64.pad"

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    pads = prop_def(DenseArrayBase.constr(i64))
    mode = prop_def(StringAttr, StringAttr("constant"))
    value = prop_def(FloatAttr[Float32Type], FloatAttr(0.0, f32))

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` functional-type(operands, results)"

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute,
        *,
        pads: Sequence[int],
        mode: str = "constant",
        value: float = 0.0,
    ) -> None:
        super().__init__(
            operands=[x],
            result_types=[result_type],
            properties={
                "pads": _i64_array(pads),
                "mode": StringAttr(mode),
                "value": FloatAttr(float(value), f32),
            },
        )

    def get_pads(self) -> tuple[int, ...]:
        return _ints(self.pads)

    def verify_(self) -> None:
        if self.mode.data not in PAD_MODES:
            raise VerifyException(
                f"n64.pad: mode {self.mode.data!r} is not one of {', '.join(PAD_MODES)}"
            )
        x = _shape_of(self.x, "x")
        pads = self.get_pads()
        try:
            expected = pad_output_shape(x, pads)
        except ValueError as err:
            raise _shape_error(self, err) from err
        if self.mode.data == "reflect":
            rank = len(x)
            for i in range(rank):
                if (
                    max(pads[i], pads[rank + i]) >= x[i]
                    and max(pads[i], pads[rank + i]) > 0
                ):
                    raise VerifyException(
                        f"n64.pad: reflect pads {list(pads)} must be smaller than the "
                        f"input dimensions {list(x)}"
                    )
        _expect_shape(self, expected)


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------


@irdl_op_definition
class SoftmaxOp(UnaryOp):
    """Softmax along `axis` (ONNX opset-13 semantics: one axis).

    Example:

    ```mlir
    %y = n64.softmax %x {axis = 1 : i64} : tensor<1x10xf32>
    ```
    """

    name = "n64.softmax"

    axis = prop_def(IntegerAttr[I64], _i64(-1))

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute | None = None,
        *,
        axis: int = -1,
    ) -> None:
        self._init_unary(x, result_type, {"axis": _i64(axis)})

    def get_axis(self) -> int:
        """The axis, normalised to `[0, rank)`."""
        return self.axis.value.data % len(_shape_of(self.x, "x"))

    def verify_(self) -> None:
        super().verify_()
        try:
            normalize_axis(self.axis.value.data, len(_shape_of(self.x, "x")))
        except ValueError as err:
            raise _shape_error(self, err) from err


@irdl_op_definition
class BatchNormOp(IRDLOperation):
    """Inference batch normalisation over axis 1:
    `y = (x - mean) / sqrt(var + epsilon) * scale + bias`.

    Example:

    ```mlir
    %y = n64.batchnorm %x, %scale, %bias, %mean, %var {epsilon = 9.99999974E-6 : f32}
        : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
        -> tensor<1x8x4x4xf32>
    ```
    """

    name = "n64.batchnorm"

    x = operand_def(F32Tensor)
    scale = operand_def(F32Tensor)
    bias = operand_def(F32Tensor)
    mean = operand_def(F32Tensor)
    var = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    epsilon = prop_def(FloatAttr[Float32Type], FloatAttr(1e-5, f32))

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = (
        "$x `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:` "
        "functional-type(operands, results)"
    )

    def __init__(
        self,
        x: SSAValue | Operation,
        scale: SSAValue | Operation,
        bias: SSAValue | Operation,
        mean: SSAValue | Operation,
        var: SSAValue | Operation,
        result_type: Attribute | None = None,
        *,
        epsilon: float = 1e-5,
    ) -> None:
        x = SSAValue.get(x)
        super().__init__(
            operands=[x, scale, bias, mean, var],
            result_types=[result_type or x.type],
            properties={"epsilon": FloatAttr(float(epsilon), f32)},
        )

    def verify_(self) -> None:
        x = _shape_of(self.x, "x")
        if len(x) < 2:
            raise VerifyException(f"n64.batchnorm: x {list(x)} needs rank >= 2")
        for name in ("scale", "bias", "mean", "var"):
            shape = _shape_of(getattr(self, name), name)
            if shape != (x[1],):
                raise VerifyException(
                    f"n64.batchnorm: {name} shape {list(shape)} must be [{x[1]}]"
                )
        if self.epsilon.value.data < 0:
            raise VerifyException("n64.batchnorm: epsilon must not be negative")
        _expect_shape(self, x)


GRAPH_OPS: list[type[IRDLOperation]] = [
    ConstantOp,
    GemmOp,
    MatMulOp,
    Conv2dOp,
    ReluOp,
    ClipOp,
    LeakyReluOp,
    SigmoidOp,
    TanhOp,
    MaxPoolOp,
    AvgPoolOp,
    GlobalAvgPoolOp,
    AddOp,
    SubOp,
    MulOp,
    ConcatOp,
    FlattenOp,
    ReshapeOp,
    TransposeOp,
    PadOp,
    SoftmaxOp,
    BatchNormOp,
]
"""Every graph-level op, in the order the dialect lists them."""

GRAPH_ATTRS: list[type[Attribute]] = []
"""Graph-level attributes (none: the graph ops use builtin attributes)."""
