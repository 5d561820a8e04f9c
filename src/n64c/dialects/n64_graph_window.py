"""Graph-level `n64` window ops beyond the 2-D conv and pools of
:mod:`n64c.dialects.n64_graph`: the transposed 2-D convolution
(`conv_transpose2d`) and the 3-D convolution and pools (`conv3d`,
`maxpool3d`, `avgpool3d`) on `[N, C, D, H, W]`.

Pads are all begins, then all ends (ONNX order): `[top, left, bottom,
right]` in 2-D, `[front, top, left, back, bottom, right]` in 3-D.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import I64, BoolAttr, DenseArrayBase, IntegerAttr, i64
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from n64c.dialects.n64_graph import (
    DEFAULT_DILATIONS,
    DEFAULT_PADS,
    DEFAULT_STRIDES,
    FALSE,
    F32Tensor,
    Shape,
    _bool,
    _expect_shape,
    _i64,
    _i64_array,
    _ints,
    _shape_error,
    _shape_of,
    _window_count,
)

DEFAULT_STRIDES_3D = _i64_array((1, 1, 1))
DEFAULT_DILATIONS_3D = _i64_array((1, 1, 1))
DEFAULT_PADS_3D = _i64_array((0,) * 6)
DEFAULT_OUTPUT_PADDING = _i64_array((0, 0))


def _check_window(
    rank: int,
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
) -> None:
    if len(kernel) != rank or len(strides) != rank or len(dilations) != rank:
        raise ValueError(f"kernel, strides and dilations must have {rank} entries")
    if len(pads) != 2 * rank:
        raise ValueError(f"pads must have {2 * rank} entries (begins, then ends)")
    if min(kernel) < 1 or min(strides) < 1 or min(dilations) < 1:
        raise ValueError(
            f"kernel {list(kernel)}, strides {list(strides)} and dilations "
            f"{list(dilations)} must be positive"
        )
    if min(pads) < 0:
        raise ValueError(f"pads {list(pads)} must not be negative")


def window_output_sizes(
    sizes: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    ceil_mode: bool = False,
) -> Shape:
    """Output sizes of a convolution or pool window along each spatial axis
    (ONNX rules, `ceil_mode` included); pads are begins then ends."""
    rank = len(sizes)
    _check_window(rank, kernel, strides, pads, dilations)
    return tuple(
        _window_count(
            sizes[i],
            kernel[i],
            strides[i],
            pads[i],
            pads[rank + i],
            dilations[i],
            ceil_mode,
        )
        for i in range(rank)
    )


def conv3d_output_shape(
    x_shape: Sequence[int],
    w_shape: Sequence[int],
    strides: Sequence[int] = (1, 1, 1),
    pads: Sequence[int] = (0,) * 6,
    dilations: Sequence[int] = (1, 1, 1),
    group: int = 1,
) -> Shape:
    """`[N, O, OD, OH, OW]` of a 3-D convolution."""
    if len(x_shape) != 5 or len(w_shape) != 5:
        raise ValueError(
            f"conv3d needs x[N,C,D,H,W] and w[O,C/group,KD,KH,KW], got "
            f"{list(x_shape)} and {list(w_shape)}"
        )
    n, c = x_shape[:2]
    o, cg = w_shape[:2]
    if group < 1 or c % group or o % group:
        raise ValueError(
            f"conv3d group {group} must divide the {c} input and {o} output channels"
        )
    if cg != c // group:
        raise ValueError(
            f"conv3d weight {list(w_shape)} needs {c // group} input channels per "
            f"group, has {cg}"
        )
    sizes = window_output_sizes(x_shape[2:], w_shape[2:], strides, pads, dilations)
    return (n, o, *sizes)


def conv_transpose2d_output_shape(
    x_shape: Sequence[int],
    w_shape: Sequence[int],
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    output_padding: Sequence[int] = (0, 0),
    group: int = 1,
) -> Shape:
    """`[N, O, OH, OW]` of a transposed 2-D convolution:
    `OH = (H - 1) * s + (KH - 1) * d + 1 + output_padding - pt - pb`."""
    if len(x_shape) != 4 or len(w_shape) != 4:
        raise ValueError(
            f"conv_transpose2d needs x[N,C,H,W] and w[C,O/group,KH,KW], got "
            f"{list(x_shape)} and {list(w_shape)}"
        )
    n, c, h, w = x_shape
    wc, og, kh, kw = w_shape
    if wc != c:
        raise ValueError(
            f"conv_transpose2d weight {list(w_shape)} needs {c} input channels"
        )
    if group < 1 or c % group:
        raise ValueError(
            f"conv_transpose2d group {group} must divide the {c} input channels"
        )
    _check_window(2, (kh, kw), strides, pads, dilations)
    if len(output_padding) != 2 or min(output_padding) < 0:
        raise ValueError(
            f"output_padding {list(output_padding)} must be 2 non-negative values"
        )
    out = []
    for size, k, s, d, extra, pb, pe in zip(
        (h, w), (kh, kw), strides, dilations, output_padding, pads[:2], pads[2:],
        strict=True,
    ):  # fmt: skip
        full = (size - 1) * s + (k - 1) * d + 1 + extra
        if full - pb - pe < 1:
            raise ValueError(
                f"pads {list(pads)} crop the whole {full}-element output away"
            )
        out.append(full - pb - pe)
    return (n, og * group, out[0], out[1])


@irdl_op_definition
class ConvTranspose2dOp(IRDLOperation):
    """Transposed 2-D convolution (ONNX ConvTranspose): every input pixel
    adds `x * w` over a window of the output, windows `strides` apart; the
    output is then cropped by `pads` (`[top, left, bottom, right]`) after
    `output_padding` extra rows/columns were added at the end.

    `x[N,C,H,W]`, `w[C,O/group,KH,KW]`, optional `bias[O]`. The importer
    resolves `output_shape` and `auto_pad` into `pads`.

    Example:

    ```mlir
    %y = n64.conv_transpose2d %x, %w, %b {strides = array<i64: 3, 2>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>}
        : (tensor<1x3x7x6xf32>, tensor<3x3x3x3xf32>, tensor<3xf32>) -> tensor<1x3x20x12xf32>
    ```
    """

    name = "n64.conv_transpose2d"

    x = operand_def(F32Tensor)
    w = operand_def(F32Tensor)
    bias = opt_operand_def(F32Tensor)
    result = result_def(F32Tensor)

    strides = prop_def(DenseArrayBase.constr(i64), DEFAULT_STRIDES)
    pads = prop_def(DenseArrayBase.constr(i64), DEFAULT_PADS)
    dilations = prop_def(DenseArrayBase.constr(i64), DEFAULT_DILATIONS)
    output_padding = prop_def(DenseArrayBase.constr(i64), DEFAULT_OUTPUT_PADDING)
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
        output_padding: Sequence[int] = (0, 0),
        group: int = 1,
    ) -> None:
        super().__init__(
            operands=[x, w, bias],
            result_types=[result_type],
            properties={
                "strides": _i64_array(strides),
                "pads": _i64_array(pads),
                "dilations": _i64_array(dilations),
                "output_padding": _i64_array(output_padding),
                "group": _i64(group),
            },
        )

    def get_strides(self) -> tuple[int, ...]:
        return _ints(self.strides)

    def get_pads(self) -> tuple[int, ...]:
        return _ints(self.pads)

    def get_dilations(self) -> tuple[int, ...]:
        return _ints(self.dilations)

    def get_output_padding(self) -> tuple[int, ...]:
        return _ints(self.output_padding)

    def get_group(self) -> int:
        return self.group.value.data

    def verify_(self) -> None:
        w = _shape_of(self.w, "w")
        try:
            expected = conv_transpose2d_output_shape(
                _shape_of(self.x, "x"),
                w,
                self.get_strides(),
                self.get_pads(),
                self.get_dilations(),
                self.get_output_padding(),
                self.get_group(),
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        if self.bias is not None and _shape_of(self.bias, "bias") != (expected[1],):
            raise VerifyException(
                f"n64.conv_transpose2d: bias shape "
                f"{list(_shape_of(self.bias, 'bias'))} must be [{expected[1]}]"
            )
        _expect_shape(self, expected)


@irdl_op_definition
class Conv3dOp(IRDLOperation):
    """3-D convolution (cross-correlation, like ONNX Conv) on `x[N,C,D,H,W]`
    with `w[O,C/group,KD,KH,KW]` and optional `bias[O]`. Defaults (elided
    when printed): strides 1, pads 0, dilations 1, group 1.

    Example:

    ```mlir
    %y = n64.conv3d %x, %w, %b {strides = array<i64: 2, 2, 2>}
        : (tensor<2x3x5x5x5xf32>, tensor<4x3x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x2x2x2xf32>
    ```
    """

    name = "n64.conv3d"

    x = operand_def(F32Tensor)
    w = operand_def(F32Tensor)
    bias = opt_operand_def(F32Tensor)
    result = result_def(F32Tensor)

    strides = prop_def(DenseArrayBase.constr(i64), DEFAULT_STRIDES_3D)
    pads = prop_def(DenseArrayBase.constr(i64), DEFAULT_PADS_3D)
    dilations = prop_def(DenseArrayBase.constr(i64), DEFAULT_DILATIONS_3D)
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
        strides: Sequence[int] = (1, 1, 1),
        pads: Sequence[int] = (0,) * 6,
        dilations: Sequence[int] = (1, 1, 1),
        group: int = 1,
    ) -> None:
        super().__init__(
            operands=[x, w, bias],
            result_types=[result_type],
            properties={
                "strides": _i64_array(strides),
                "pads": _i64_array(pads),
                "dilations": _i64_array(dilations),
                "group": _i64(group),
            },
        )

    def get_strides(self) -> tuple[int, ...]:
        return _ints(self.strides)

    def get_pads(self) -> tuple[int, ...]:
        return _ints(self.pads)

    def get_dilations(self) -> tuple[int, ...]:
        return _ints(self.dilations)

    def get_group(self) -> int:
        return self.group.value.data

    def verify_(self) -> None:
        w = _shape_of(self.w, "w")
        try:
            expected = conv3d_output_shape(
                _shape_of(self.x, "x"),
                w,
                self.get_strides(),
                self.get_pads(),
                self.get_dilations(),
                self.get_group(),
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        if self.bias is not None and _shape_of(self.bias, "bias") != (w[0],):
            raise VerifyException(
                f"n64.conv3d: bias shape {list(_shape_of(self.bias, 'bias'))} must "
                f"be [{w[0]}]"
            )
        _expect_shape(self, expected)


class Pool3dOp(IRDLOperation):
    """Base of the 3-D pools on `x[N,C,D,H,W]`."""

    x = operand_def(F32Tensor)
    result = result_def(F32Tensor)

    kernel = prop_def(DenseArrayBase.constr(i64))
    strides = prop_def(DenseArrayBase.constr(i64), DEFAULT_STRIDES_3D)
    pads = prop_def(DenseArrayBase.constr(i64), DEFAULT_PADS_3D)
    dilations = prop_def(DenseArrayBase.constr(i64), DEFAULT_DILATIONS_3D)
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

    def get_kernel(self) -> tuple[int, ...]:
        return _ints(self.kernel)

    def get_strides(self) -> tuple[int, ...]:
        return _ints(self.strides)

    def get_pads(self) -> tuple[int, ...]:
        return _ints(self.pads)

    def get_dilations(self) -> tuple[int, ...]:
        return _ints(self.dilations)

    def get_ceil_mode(self) -> bool:
        return bool(self.ceil_mode.value.data)

    def verify_(self) -> None:
        x = _shape_of(self.x, "x")
        if len(x) != 5:
            raise VerifyException(f"{self.name}: x {list(x)} must be [N,C,D,H,W]")
        kernel, pads = self.get_kernel(), self.get_pads()
        try:
            sizes = window_output_sizes(
                x[2:],
                kernel,
                self.get_strides(),
                pads,
                self.get_dilations(),
                self.get_ceil_mode(),
            )
        except ValueError as err:
            raise _shape_error(self, err) from err
        if any(p >= kernel[i % 3] for i, p in enumerate(pads)):
            raise VerifyException(
                f"{self.name}: pads {list(pads)} must be smaller than the kernel "
                f"{list(kernel)}"
            )
        _expect_shape(self, (*x[:2], *sizes))


@irdl_op_definition
class MaxPool3dOp(Pool3dOp):
    """3-D max pooling (ONNX MaxPool on `[N,C,D,H,W]`; padding never wins).

    Example:

    ```mlir
    %y = n64.maxpool3d %x {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>}
        : (tensor<1x3x4x4x4xf32>) -> tensor<1x3x2x2x2xf32>
    ```
    """

    name = "n64.maxpool3d"

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute,
        *,
        kernel: Sequence[int],
        strides: Sequence[int] = (1, 1, 1),
        pads: Sequence[int] = (0,) * 6,
        dilations: Sequence[int] = (1, 1, 1),
        ceil_mode: bool = False,
    ) -> None:
        self._init_pool(x, result_type, kernel, strides, pads, dilations, ceil_mode)


@irdl_op_definition
class AvgPool3dOp(Pool3dOp):
    """3-D average pooling (ONNX AveragePool on `[N,C,D,H,W]`), divisors as
    in `n64.avgpool`.

    Example:

    ```mlir
    %y = n64.avgpool3d %x {kernel = array<i64: 3, 3, 3>, pads = array<i64: 1, 1, 1, 1, 1, 1>, count_include_pad = true}
        : (tensor<1x3x4x4x4xf32>) -> tensor<1x3x4x4x4xf32>
    ```
    """

    name = "n64.avgpool3d"

    count_include_pad = prop_def(BoolAttr, FALSE)

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute,
        *,
        kernel: Sequence[int],
        strides: Sequence[int] = (1, 1, 1),
        pads: Sequence[int] = (0,) * 6,
        dilations: Sequence[int] = (1, 1, 1),
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


WINDOW_OPS: list[type[IRDLOperation]] = [
    ConvTranspose2dOp,
    Conv3dOp,
    MaxPool3dOp,
    AvgPool3dOp,
]
"""The ops of this module, in the order the dialect lists them."""
