"""Graph-level `n64` ops that pick parts of a tensor by constant positions:
`slice` (a contiguous range along one axis; ONNX Split gives one per output)
and `gather` (ONNX Gather with constant indices).

Both only copy elements, so any element type's kernel is a row copy; the
positions are properties, never tensors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from xdsl.dialects.builtin import I64, DenseArrayBase, IntegerAttr, i64
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from n64c.dialects.n64_graph import (
    F32Tensor,
    Shape,
    _expect_shape,
    _i64,
    _i64_array,
    _ints,
    _shape_error,
    _shape_of,
    normalize_axis,
)


def slice_output_shape(
    x_shape: Sequence[int], axis: int, start: int, end: int
) -> Shape:
    """`x_shape` with `axis` cut to `[start, end)`."""
    axis = normalize_axis(axis, len(x_shape))
    if not 0 <= start <= end <= x_shape[axis]:
        raise ValueError(
            f"slice [{start}, {end}) does not fit axis {axis} of size {x_shape[axis]}"
        )
    out = list(x_shape)
    out[axis] = end - start
    return tuple(out)


def gather_output_shape(
    x_shape: Sequence[int], axis: int, indices_shape: Sequence[int]
) -> Shape:
    """ONNX Gather: `x_shape[:axis] + indices_shape + x_shape[axis+1:]`."""
    axis = normalize_axis(axis, len(x_shape))
    return (*x_shape[:axis], *indices_shape, *x_shape[axis + 1 :])


@irdl_op_definition
class SliceOp(IRDLOperation):
    """Elements `start` to `end - 1` of `x` along `axis` (step 1).

    Example:

    ```mlir
    %lo = n64.slice %x {axis = 1 : i64, start = 0 : i64, end = 3 : i64}
        : (tensor<5x6xf32>) -> tensor<5x3xf32>
    ```
    """

    name = "n64.slice"

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    axis = prop_def(IntegerAttr[I64])
    start = prop_def(IntegerAttr[I64])
    end = prop_def(IntegerAttr[I64])

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` functional-type(operands, results)"

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute,
        *,
        axis: int,
        start: int,
        end: int,
    ) -> None:
        super().__init__(
            operands=[x],
            result_types=[result_type],
            properties={"axis": _i64(axis), "start": _i64(start), "end": _i64(end)},
        )

    def get_axis(self) -> int:
        """The axis, normalised to `[0, rank)`."""
        return self.axis.value.data % len(_shape_of(self.x, "x"))

    def get_range(self) -> tuple[int, int]:
        """(start, end)."""
        return self.start.value.data, self.end.value.data

    def verify_(self) -> None:
        try:
            expected = slice_output_shape(
                _shape_of(self.x, "x"), self.axis.value.data, *self.get_range()
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        _expect_shape(self, expected)


@irdl_op_definition
class GatherOp(IRDLOperation):
    """ONNX Gather with constant indices: `y = take(x, indices, axis)`.

    `indices` are flat, in `[0, x.shape[axis])`; the result type gives
    their shape (the result's axes from `axis` on, before the axes after
    `axis` of `x`), so a scalar index drops the axis.

    Example:

    ```mlir
    %y = n64.gather %x {axis = 1 : i64, indices = array<i64: 2, 0, 2>}
        : (tensor<1x4x8xf32>) -> tensor<1x3x8xf32>
    ```
    """

    name = "n64.gather"

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    axis = prop_def(IntegerAttr[I64])
    indices = prop_def(DenseArrayBase.constr(i64))

    traits = traits_def(Pure())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = "$x attr-dict `:` functional-type(operands, results)"

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute,
        *,
        axis: int,
        indices: Sequence[int],
    ) -> None:
        super().__init__(
            operands=[x],
            result_types=[result_type],
            properties={"axis": _i64(axis), "indices": _i64_array(indices)},
        )

    def get_axis(self) -> int:
        """The axis, normalised to `[0, rank)`."""
        return self.axis.value.data % len(_shape_of(self.x, "x"))

    def get_indices(self) -> tuple[int, ...]:
        return _ints(self.indices)

    def indices_shape(self) -> Shape:
        """The shape of the indices, read off the result type."""
        x = _shape_of(self.x, "x")
        y = _shape_of(self.result, "result")
        axis = self.get_axis()
        return y[axis : len(y) - (len(x) - axis - 1)]

    def verify_(self) -> None:
        x = _shape_of(self.x, "x")
        y = _shape_of(self.result, "result")
        try:
            axis = normalize_axis(self.axis.value.data, len(x))
        except ValueError as err:
            raise _shape_error(self, err) from err
        indices = self.get_indices()
        bad = [i for i in indices if not 0 <= i < x[axis]]
        if bad:
            raise VerifyException(
                f"n64.gather: indices {bad[:4]} are outside [0, {x[axis]}) "
                f"(axis {axis} of {list(x)})"
            )
        middle = len(y) - len(x) + 1
        if middle < 0:
            raise VerifyException(
                f"n64.gather: result rank {len(y)} is too small for x {list(x)}"
            )
        ishape = y[axis : axis + middle]
        if math.prod(ishape) != len(indices):
            raise VerifyException(
                f"n64.gather: {len(indices)} indices do not fill the index axes "
                f"{list(ishape)} of the result"
            )
        _expect_shape(self, gather_output_shape(x, axis, ishape))


INDEX_OPS: list[type[IRDLOperation]] = [SliceOp, GatherOp]
"""The ops of this module, in the order the dialect lists them."""
