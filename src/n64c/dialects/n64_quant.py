"""Quantised (int16) operations of the `n64` dialect.

Tensors of `i16` hold fixed-point numbers `q = value * 2^f`; the format `f`
(fractional bits) of every int16 tensor is recorded as the `frac_bits`
property of the op that produces it. Weights carry one format per output
channel (`w_frac_bits`), biases are `i32` tensors at format
`f_x + w_frac_bits[n]`. The exact arithmetic of every op (the golden integer
model, `n64c.sim.int_engine`) is specified in `docs/quantization.md`; the RSP
lowering reproduces it bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import (
    I32,
    DenseArrayBase,
    IntegerAttr,
    IntegerType,
    TensorType,
    UnitAttr,
    f32,
    i16,
    i32,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from n64c.dialects.n64_graph import ConstantOp, broadcast_shapes
from n64c.dialects.n64_graph_index import gather_output_shape, slice_output_shape
from n64c.dialects.n64_graph_window import conv_transpose2d_output_shape

INT16_MIN = -32768
INT16_MAX = 32767
MIN_SHIFT = 2
MAX_SHIFT = 16
MAX_MUL_LOG2 = 14
BIAS_LIMIT = (1 << 29) - 1
WIDE_BIAS_LIMIT = (1 << 45) - 1
WIDE_HIGH_SHIFTS = (18, 32)
"""With `acc48`, `qgemm` / `qconv2d` accumulate in 48 bits: the shifts of
one op all lie in [2, 16] or all in [18, 32], and biases (`i64`) satisfy
`|b| < 2^45`."""
FRAC_BITS_LIMIT = 96
"""Formats stay within [-96, 96] fractional bits: 2^f is exact in float32,
and an int16 times 2^96 (below 2^111) is a normal float32. Values up to
about 2^110 have a format, as deep networks with untrained uniform weights
need (VGG-19's last layer reaches 2^104)."""

F32Tensor = TensorType.constr(f32)
I16Tensor = TensorType.constr(i16)
I32Tensor = TensorType.constr(i32)
BiasTensor = TensorType.constr(i32) | TensorType.constr(i64)


def _i32(value: int) -> IntegerAttr:
    return IntegerAttr(value, i32)


def _i32_array(values: Sequence[int]) -> DenseArrayBase:
    return DenseArrayBase.from_list(i32, [int(v) for v in values])


def tensor_shape(value: SSAValue | Attribute) -> tuple[int, ...]:
    """The static shape of a tensor value (or tensor type)."""
    typ = value.type if isinstance(value, SSAValue) else value
    assert isinstance(typ, TensorType)
    return tuple(int(d) for d in typ.get_shape())


def _check_frac_bits(op: Operation, name: str, value: int) -> None:
    if not -FRAC_BITS_LIMIT <= value <= FRAC_BITS_LIMIT:
        raise VerifyException(
            f"{op.name}: {name} {value} outside [{-FRAC_BITS_LIMIT}, {FRAC_BITS_LIMIT}]"
        )


def _check_shift(
    op: Operation,
    value: int,
    what: str = "shift",
    bounds: tuple[int, int] = (MIN_SHIFT, MAX_SHIFT),
) -> None:
    lo, hi = bounds
    if not lo <= value <= hi:
        raise VerifyException(f"{op.name}: {what} {value} outside [{lo}, {hi}]")


def _check_mul_log2(op: Operation, name: str, value: int) -> None:
    if not 0 <= value <= MAX_MUL_LOG2:
        raise VerifyException(
            f"{op.name}: {name} {value} outside [0, {MAX_MUL_LOG2}] "
            "(multipliers are int16 powers of two)"
        )


def _check_clamp(op: Operation, lo: int, hi: int) -> None:
    if not INT16_MIN <= lo <= hi <= INT16_MAX:
        raise VerifyException(
            f"{op.name}: clamp bounds ({lo}, {hi}) must satisfy "
            f"{INT16_MIN} <= lo <= hi <= {INT16_MAX}"
        )


def _check_same_shape(op: Operation, a: SSAValue, b: SSAValue) -> None:
    if tensor_shape(a) != tensor_shape(b):
        raise VerifyException(
            f"{op.name}: result shape {list(tensor_shape(b))} differs from input shape "
            f"{list(tensor_shape(a))}"
        )


def _check_constant_bias(op: Operation, bias: SSAValue, wide: bool) -> None:
    """The bias is `i32` (`i64` with `acc48`); when it is an `n64.constant`,
    check `|b| < 2^29` (`2^45` with `acc48`)."""
    typ = bias.type
    element = typ.element_type if isinstance(typ, TensorType) else None
    expected = i64 if wide else i32
    if element != expected:
        raise VerifyException(
            f"{op.name}: the bias must be a tensor of {expected}"
            + (" with acc48" if wide else " (i64 needs acc48)")
        )
    limit, log2 = (WIDE_BIAS_LIMIT, 45) if wide else (BIAS_LIMIT, 29)
    owner = bias.owner
    if isinstance(owner, ConstantOp) and owner.value.type == bias.type:
        values = owner.to_numpy().astype(np.int64)
        if values.size and int(np.abs(values).max()) > limit:
            raise VerifyException(f"{op.name}: bias values must satisfy |b| < 2^{log2}")


class _RequantMixin:
    """Shared accessors of ops that record `frac_bits` and clamp bounds."""

    @property
    def out_frac_bits(self) -> int:
        """The format `f` of the result."""
        return _int_prop(self, "frac_bits")

    @property
    def clamp_bounds(self) -> tuple[int, int]:
        """`(clamp_lo, clamp_hi)`."""
        return _int_prop(self, "clamp_lo"), _int_prop(self, "clamp_hi")


def _int_prop(op: object, name: str) -> int:
    attr = getattr(op, name)
    assert isinstance(attr, IntegerAttr)
    return attr.value.data


class _FormatConversionOp(IRDLOperation):
    """Base of `n64.quantize` and `n64.dequantize`: one operand, a result of
    the same shape in the other element type, and the int16 format."""

    RESULT_ELEMENT: ClassVar[Attribute]

    input = operand_def(TensorType)
    output = result_def(TensorType)
    frac_bits = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$input `frac_bits` $frac_bits attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(self, input: SSAValue | Operation, frac_bits: int) -> None:
        shape = tensor_shape(SSAValue.get(input))
        super().__init__(
            operands=[input],
            result_types=[TensorType(self.RESULT_ELEMENT, shape)],
            properties={"frac_bits": _i32(frac_bits)},
        )

    def verify_(self) -> None:
        _check_same_shape(self, self.input, self.output)
        _check_frac_bits(self, "frac_bits", self.frac_bits.value.data)


@irdl_op_definition
class QuantizeOp(_FormatConversionOp):
    """Converts float32 to int16 with `frac_bits` fractional bits:
    `q = clamp(floor(x * 2^f + 0.5), -32768, 32767)`, each step in float32.

    Example:

    ```mlir
    %q = n64.quantize %x frac_bits 14 : tensor<1x64xf32> -> tensor<1x64xi16>
    ```
    """

    name = "n64.quantize"
    RESULT_ELEMENT: ClassVar[Attribute] = i16

    input = operand_def(F32Tensor)
    output = result_def(I16Tensor)


@irdl_op_definition
class DequantizeOp(_FormatConversionOp):
    """Converts int16 with `frac_bits` fractional bits to float32:
    `x = q * 2^-f` (exact).

    Example:

    ```mlir
    %x = n64.dequantize %q frac_bits 10 : tensor<1x10xi16> -> tensor<1x10xf32>
    ```
    """

    name = "n64.dequantize"
    RESULT_ELEMENT: ClassVar[Attribute] = f32

    input = operand_def(I16Tensor)
    output = result_def(F32Tensor)


def _weighted_properties(
    shifts: Sequence[int],
    w_frac_bits: Sequence[int],
    frac_bits: int,
    clamp: tuple[int, int],
    wide: bool,
) -> dict[str, Attribute]:
    """The requantisation properties shared by `qgemm` and `qconv2d`."""
    properties: dict[str, Attribute] = {
        "shifts": _i32_array(shifts),
        "w_frac_bits": _i32_array(w_frac_bits),
        "frac_bits": _i32(frac_bits),
        "clamp_lo": _i32(clamp[0]),
        "clamp_hi": _i32(clamp[1]),
    }
    if wide:
        properties["acc48"] = UnitAttr()
    return properties


class _WeightedOpBase(IRDLOperation, _RequantMixin):
    """Accessors shared by `qgemm` and `qconv2d`."""

    shifts = prop_def(DenseArrayBase.constr(i32))
    w_frac_bits = prop_def(DenseArrayBase.constr(i32))
    frac_bits = prop_def(IntegerAttr[I32])
    clamp_lo = prop_def(IntegerAttr[I32])
    clamp_hi = prop_def(IntegerAttr[I32])
    acc48 = opt_prop_def(UnitAttr)
    """48-bit accumulation of `x` read as unsigned (see `wide`)."""

    @property
    def wide(self) -> bool:
        """Whether the op accumulates in 48 bits (`acc48`): products of `x`
        read as unsigned 16-bit and `w`, shifts in [2, 16] or [18, 32]; the
        quantiser uses it only on inputs that cannot be negative."""
        return self.acc48 is not None

    @property
    def shift_values(self) -> tuple[int, ...]:
        return self.shifts.get_values()

    @property
    def weight_frac_bits(self) -> tuple[int, ...]:
        return self.w_frac_bits.get_values()

    @property
    def input_frac_bits(self) -> int:
        """`f_x`, from `s[n] = f_x + f_w[n] - f_y`."""
        return self.shift_values[0] + self.out_frac_bits - self.weight_frac_bits[0]

    def _verify_channels(self, channels: int) -> None:
        shifts = self.shift_values
        w_frac = self.weight_frac_bits
        if len(shifts) != channels or len(w_frac) != channels:
            raise VerifyException(
                f"{self.name}: expected {channels} shifts and w_frac_bits (one per "
                f"output channel), got {len(shifts)} and {len(w_frac)}"
            )
        low_shifts = shifts
        if self.wide and any(s >= WIDE_HIGH_SHIFTS[0] for s in shifts):
            bounds = WIDE_HIGH_SHIFTS
            for s in shifts:
                _check_shift(
                    self, s, "shift (acc48: all in [2, 16] or all in [18, 32])", bounds
                )
            low_shifts = ()
        for s in low_shifts:
            _check_shift(
                self,
                s,
                "shift" + (" (acc48: [2, 16] or [18, 32])" if self.wide else ""),
            )
        _check_frac_bits(self, "frac_bits", self.out_frac_bits)
        for f in w_frac:
            _check_frac_bits(self, "w_frac_bits", f)
        f_x = {s + self.out_frac_bits - f for s, f in zip(shifts, w_frac, strict=True)}
        if len(f_x) > 1:
            raise VerifyException(
                f"{self.name}: shifts must equal f_x + w_frac_bits - frac_bits for one "
                f"input format f_x (got f_x candidates {sorted(f_x)})"
            )
        _check_clamp(self, *self.clamp_bounds)


@irdl_op_definition
class QGemmOp(_WeightedOpBase):
    """Quantised Gemm `y[M,N] = x[M,K] . w[K,N] + b[N]` with a fused clamp:

    `acc = wrap_int32(b[n] + sum_k x[m,k] * w[k,n])`,
    `y = clamp(sat16(acc >> shifts[n]), clamp_lo, clamp_hi)`.

    `shifts[n] = f_x + w_frac_bits[n] - frac_bits` lies in [2, 16]; the bias
    (format `f_x + w_frac_bits[n]`) includes the rounding constant
    `2^(shifts[n]-1)` and satisfies `|b| < 2^29`.

    With `acc48` the accumulator has 48 bits and reads `x` as unsigned
    (`u16(x) = x mod 2^16`, which is `x` on the non-negative inputs the
    quantiser uses it for): `acc = wrap_int48(b[n] + sum_k u16(x[m,k]) *
    w[k,n])` with an `i64` bias, `|b| < 2^45`, and a shift `s` in [2, 16]
    or [18, 32] gives `sat16(acc >> s)`; see `docs/quantization.md`.

    Example:

    ```mlir
    %y = n64.qgemm %x, %w, %b shifts [11, 12] w_frac_bits [13, 14] frac_bits 12
           clamp(0, 32767)
           : (tensor<1x64xi16>, tensor<64x2xi16>, tensor<2xi32>) -> tensor<1x2xi16>
    %z = n64.qgemm %y, %w2, %b2 shifts [14, 20] w_frac_bits [14, 20] frac_bits 12
           acc48 clamp(0, 32767)
           : (tensor<1x2xi16>, tensor<2x2xi16>, tensor<2xi64>) -> tensor<1x2xi16>
    ```
    """

    name = "n64.qgemm"

    x = operand_def(I16Tensor)
    w = operand_def(I16Tensor)
    bias = opt_operand_def(BiasTensor)
    output = result_def(I16Tensor)

    traits = traits_def(Pure())

    assembly_format = (
        "$x `,` $w (`,` $bias^)? `shifts` $shifts `w_frac_bits` $w_frac_bits "
        "`frac_bits` $frac_bits (`acc48` $acc48^)? `clamp` `(` $clamp_lo `,` "
        "$clamp_hi `)` attr-dict `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        x: SSAValue | Operation,
        w: SSAValue | Operation,
        bias: SSAValue | Operation | None,
        shifts: Sequence[int],
        w_frac_bits: Sequence[int],
        frac_bits: int,
        clamp: tuple[int, int] = (INT16_MIN, INT16_MAX),
        wide: bool = False,
    ) -> None:
        m = tensor_shape(SSAValue.get(x))[0]
        n = tensor_shape(SSAValue.get(w))[1]
        properties = _weighted_properties(shifts, w_frac_bits, frac_bits, clamp, wide)
        super().__init__(
            operands=[x, w, [] if bias is None else [bias]],
            result_types=[TensorType(i16, (m, n))],
            properties=properties,
        )

    def verify_(self) -> None:
        x, w, y = tensor_shape(self.x), tensor_shape(self.w), tensor_shape(self.output)
        if len(x) != 2 or len(w) != 2 or x[1] != w[0] or y != (x[0], w[1]):
            raise VerifyException(
                f"{self.name}: expected x[M,K], w[K,N] -> y[M,N], got x{list(x)}, "
                f"w{list(w)} -> y{list(y)}"
            )
        if self.bias is not None:
            if tensor_shape(self.bias) != (w[1],):
                raise VerifyException(
                    f"{self.name}: bias must have shape [{w[1]}], got {list(tensor_shape(self.bias))}"
                )
            _check_constant_bias(self, self.bias, self.wide)
        self._verify_channels(w[1])


@irdl_op_definition
class QConv2dOp(_WeightedOpBase):
    """Quantised 2-D convolution (NCHW), `w[O, C/group, KH, KW]`, `b[O]`,
    zero padding `pads` = (top, left, bottom, right). Each output element is
    the Gemm contract on its im2col patch, per output channel `o`:

    `acc = wrap_int32(b[o] + sum_{c,i,j} x[c, oh*sh + i*dh - pt, ow*sw + j*dw - pl] * w[o,c,i,j])`,
    `y = clamp(sat16(acc >> shifts[o]), clamp_lo, clamp_hi)`;
    `acc48` as for `n64.qgemm` (48-bit accumulator, `x` read as unsigned).

    Example:

    ```mlir
    %y = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1]
           group 1 shifts [12, 12] w_frac_bits [14, 14] frac_bits 12 clamp(0, 32767)
           : (tensor<1x1x8x8xi16>, tensor<2x1x3x3xi16>, tensor<2xi32>) -> tensor<1x2x8x8xi16>
    ```
    """

    name = "n64.qconv2d"

    x = operand_def(I16Tensor)
    w = operand_def(I16Tensor)
    bias = opt_operand_def(BiasTensor)
    output = result_def(I16Tensor)
    strides = prop_def(DenseArrayBase.constr(i32))
    pads = prop_def(DenseArrayBase.constr(i32))
    dilations = prop_def(DenseArrayBase.constr(i32))
    group = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$x `,` $w (`,` $bias^)? `strides` $strides `pads` $pads `dilations` "
        "$dilations `group` $group `shifts` $shifts `w_frac_bits` $w_frac_bits "
        "`frac_bits` $frac_bits (`acc48` $acc48^)? `clamp` `(` $clamp_lo `,` "
        "$clamp_hi `)` attr-dict `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        x: SSAValue | Operation,
        w: SSAValue | Operation,
        bias: SSAValue | Operation | None,
        strides: Sequence[int],
        pads: Sequence[int],
        dilations: Sequence[int],
        group: int,
        shifts: Sequence[int],
        w_frac_bits: Sequence[int],
        frac_bits: int,
        clamp: tuple[int, int] = (INT16_MIN, INT16_MAX),
        wide: bool = False,
    ) -> None:
        xs = tensor_shape(SSAValue.get(x))
        ws = tensor_shape(SSAValue.get(w))
        out = conv_output_shape(xs, ws, strides, pads, dilations)
        properties = {
            "strides": _i32_array(strides),
            "pads": _i32_array(pads),
            "dilations": _i32_array(dilations),
            "group": _i32(group),
            **_weighted_properties(shifts, w_frac_bits, frac_bits, clamp, wide),
        }
        super().__init__(
            operands=[x, w, [] if bias is None else [bias]],
            result_types=[TensorType(i16, out)],
            properties=properties,
        )

    def verify_(self) -> None:
        x, w, y = tensor_shape(self.x), tensor_shape(self.w), tensor_shape(self.output)
        strides = self.strides.get_values()
        pads = self.pads.get_values()
        dilations = self.dilations.get_values()
        group = self.group.value.data
        if len(strides) != 2 or len(dilations) != 2 or len(pads) != 4:
            raise VerifyException(
                f"{self.name}: expected 2 strides, 4 pads and 2 dilations"
            )
        if min(strides) < 1 or min(dilations) < 1 or min(pads) < 0:
            raise VerifyException(
                f"{self.name}: strides and dilations must be >= 1, pads >= 0"
            )
        if len(x) != 4 or len(w) != 4:
            raise VerifyException(
                f"{self.name}: expected x[N,C,H,W] and w[O,C/g,KH,KW]"
            )
        if group < 1 or x[1] % group or w[0] % group or x[1] // group != w[1]:
            raise VerifyException(
                f"{self.name}: channels {x[1]} and weight shape {list(w)} do not fit "
                f"group {group}"
            )
        expected = conv_output_shape(x, w, strides, pads, dilations)
        if y != expected:
            raise VerifyException(
                f"{self.name}: result shape {list(y)}, expected {list(expected)}"
            )
        if self.bias is not None:
            if tensor_shape(self.bias) != (w[0],):
                raise VerifyException(
                    f"{self.name}: bias must have shape [{w[0]}], got {list(tensor_shape(self.bias))}"
                )
            _check_constant_bias(self, self.bias, self.wide)
        self._verify_channels(w[0])


def conv_output_shape(
    x: Sequence[int],
    w: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
) -> tuple[int, ...]:
    """`[N, O, OH, OW]` of a convolution (floor division, no ceil mode)."""
    out_h = (x[2] + pads[0] + pads[2] - dilations[0] * (w[2] - 1) - 1) // strides[0] + 1
    out_w = (x[3] + pads[1] + pads[3] - dilations[1] * (w[3] - 1) - 1) // strides[1] + 1
    return (x[0], w[0], out_h, out_w)


@irdl_op_definition
class QAddOp(IRDLOperation, _RequantMixin):
    """Element-wise int16 addition with numpy broadcasting and a fused clamp:

    `acc = wrap_int32(lhs * 2^lhs_mul_log2 + rhs * 2^rhs_mul_log2 + 2^(shift-1))`,
    `y = clamp(sat16(acc >> shift), clamp_lo, clamp_hi)`.

    With `F = max(f_lhs, f_rhs)`: `lhs_mul_log2 = F - f_lhs`,
    `rhs_mul_log2 = F - f_rhs` (both in [0, 14]), `shift = F - frac_bits`
    (in [2, 16]).

    Example:

    ```mlir
    %y = n64.qadd %a, %b lhs_mul_log2 0 rhs_mul_log2 2 shift 3 frac_bits 10
           clamp(-32768, 32767)
           : (tensor<1x8xi16>, tensor<1x8xi16>) -> tensor<1x8xi16>
    ```
    """

    name = "n64.qadd"

    lhs = operand_def(I16Tensor)
    rhs = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    lhs_mul_log2 = prop_def(IntegerAttr[I32])
    rhs_mul_log2 = prop_def(IntegerAttr[I32])
    shift = prop_def(IntegerAttr[I32])
    frac_bits = prop_def(IntegerAttr[I32])
    clamp_lo = prop_def(IntegerAttr[I32])
    clamp_hi = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$lhs `,` $rhs `lhs_mul_log2` $lhs_mul_log2 `rhs_mul_log2` $rhs_mul_log2 "
        "`shift` $shift `frac_bits` $frac_bits `clamp` `(` $clamp_lo `,` $clamp_hi "
        "`)` attr-dict `:` functional-type(operands, results)"
    )

    def __init__(
        self,
        lhs: SSAValue | Operation,
        rhs: SSAValue | Operation,
        lhs_mul_log2: int,
        rhs_mul_log2: int,
        shift: int,
        frac_bits: int,
        result_shape: Sequence[int],
        clamp: tuple[int, int] = (INT16_MIN, INT16_MAX),
    ) -> None:
        super().__init__(
            operands=[lhs, rhs],
            result_types=[TensorType(i16, tuple(result_shape))],
            properties={
                "lhs_mul_log2": _i32(lhs_mul_log2),
                "rhs_mul_log2": _i32(rhs_mul_log2),
                "shift": _i32(shift),
                "frac_bits": _i32(frac_bits),
                "clamp_lo": _i32(clamp[0]),
                "clamp_hi": _i32(clamp[1]),
            },
        )

    def verify_(self) -> None:
        _check_mul_log2(self, "lhs_mul_log2", self.lhs_mul_log2.value.data)
        _check_mul_log2(self, "rhs_mul_log2", self.rhs_mul_log2.value.data)
        _check_shift(self, self.shift.value.data)
        _check_frac_bits(self, "frac_bits", self.out_frac_bits)
        _check_clamp(self, *self.clamp_bounds)
        try:
            expected = broadcast_shapes(tensor_shape(self.lhs), tensor_shape(self.rhs))
        except ValueError:
            expected = None
        if expected != tensor_shape(self.output):
            raise VerifyException(
                f"{self.name}: operand shapes {list(tensor_shape(self.lhs))} and "
                f"{list(tensor_shape(self.rhs))} do not broadcast to result shape "
                f"{list(tensor_shape(self.output))}"
            )


@irdl_op_definition
class QRescaleOp(IRDLOperation, _RequantMixin):
    """Changes the format of an int16 tensor:

    `acc = input * 2^mul_log2 + 2^(shift-1)`,
    `y = clamp(sat16(acc >> shift), clamp_lo, clamp_hi)`,

    so `frac_bits = f_in + mul_log2 - shift`.

    Example:

    ```mlir
    %y = n64.qrescale %x mul_log2 0 shift 4 frac_bits 8 clamp(-32768, 32767)
           : tensor<1x8xi16> -> tensor<1x8xi16>
    ```
    """

    name = "n64.qrescale"

    input = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    mul_log2 = prop_def(IntegerAttr[I32])
    shift = prop_def(IntegerAttr[I32])
    frac_bits = prop_def(IntegerAttr[I32])
    clamp_lo = prop_def(IntegerAttr[I32])
    clamp_hi = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$input `mul_log2` $mul_log2 `shift` $shift `frac_bits` $frac_bits `clamp` "
        "`(` $clamp_lo `,` $clamp_hi `)` attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        mul_log2: int,
        shift: int,
        frac_bits: int,
        clamp: tuple[int, int] = (INT16_MIN, INT16_MAX),
    ) -> None:
        super().__init__(
            operands=[input],
            result_types=[SSAValue.get(input).type],
            properties={
                "mul_log2": _i32(mul_log2),
                "shift": _i32(shift),
                "frac_bits": _i32(frac_bits),
                "clamp_lo": _i32(clamp[0]),
                "clamp_hi": _i32(clamp[1]),
            },
        )

    def verify_(self) -> None:
        _check_same_shape(self, self.input, self.output)
        _check_mul_log2(self, "mul_log2", self.mul_log2.value.data)
        _check_shift(self, self.shift.value.data)
        _check_frac_bits(self, "frac_bits", self.out_frac_bits)
        _check_clamp(self, *self.clamp_bounds)


@irdl_op_definition
class QClampOp(IRDLOperation, _RequantMixin):
    """Clamps int16 values: `y = clamp(x, clamp_lo, clamp_hi)` (a Relu or
    Clip on int16; the format is unchanged and recorded as `frac_bits`).

    Example:

    ```mlir
    %y = n64.qclamp %x frac_bits 12 clamp(0, 32767) : tensor<1x8xi16> -> tensor<1x8xi16>
    ```
    """

    name = "n64.qclamp"

    input = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    frac_bits = prop_def(IntegerAttr[I32])
    clamp_lo = prop_def(IntegerAttr[I32])
    clamp_hi = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$input `frac_bits` $frac_bits `clamp` `(` $clamp_lo `,` $clamp_hi `)` "
        "attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(
        self, input: SSAValue | Operation, frac_bits: int, clamp: tuple[int, int]
    ) -> None:
        super().__init__(
            operands=[input],
            result_types=[SSAValue.get(input).type],
            properties={
                "frac_bits": _i32(frac_bits),
                "clamp_lo": _i32(clamp[0]),
                "clamp_hi": _i32(clamp[1]),
            },
        )

    def verify_(self) -> None:
        _check_same_shape(self, self.input, self.output)
        _check_frac_bits(self, "frac_bits", self.out_frac_bits)
        _check_clamp(self, *self.clamp_bounds)


PRELU_MAX_MULTIPLIER = 32767
"""`n64.qprelu` multipliers lie in [-32767, 32767]."""
PRELU_SHIFTS = (1, 30)
"""`n64.qprelu` shifts lie in this range, so that `x * m + 2^(s-1)` stays
below 2^31 in magnitude."""


@irdl_op_definition
class QPReluOp(IRDLOperation):
    """Piecewise-linear int16 activation (ONNX LeakyRelu and PRelu): with
    `c` the index of an element along `axis` (0 when there is a single
    multiplier),

    `y = x` for `x >= 0`,
    `y = sat16((x * multipliers[c] + 2^(shifts[c]-1)) >> shifts[c])` for `x < 0`,

    so the slope of channel `c` is `multipliers[c] * 2^-shifts[c]`. The
    format is unchanged (`frac_bits`). `multipliers` has one entry or one per
    element of `axis`; multipliers lie in [-32767, 32767], shifts in [1, 30].

    Example:

    ```mlir
    %y = n64.qprelu %x axis 1 multipliers [20972, -16384] shifts [21, 15]
           frac_bits 12 : tensor<1x2x4x4xi16> -> tensor<1x2x4x4xi16>
    ```
    """

    name = "n64.qprelu"

    input = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    axis = prop_def(IntegerAttr[I32])
    multipliers = prop_def(DenseArrayBase.constr(i32))
    shifts = prop_def(DenseArrayBase.constr(i32))
    frac_bits = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$input `axis` $axis `multipliers` $multipliers `shifts` $shifts "
        "`frac_bits` $frac_bits attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        axis: int,
        multipliers: Sequence[int],
        shifts: Sequence[int],
        frac_bits: int,
    ) -> None:
        super().__init__(
            operands=[input],
            result_types=[SSAValue.get(input).type],
            properties={
                "axis": _i32(axis),
                "multipliers": _i32_array(multipliers),
                "shifts": _i32_array(shifts),
                "frac_bits": _i32(frac_bits),
            },
        )

    @property
    def slopes(self) -> tuple[tuple[int, int], ...]:
        """`(multiplier, shift)` per channel."""
        return tuple(
            zip(self.multipliers.get_values(), self.shifts.get_values(), strict=True)
        )

    def verify_(self) -> None:
        _check_same_shape(self, self.input, self.output)
        _check_frac_bits(self, "frac_bits", self.frac_bits.value.data)
        shape = tensor_shape(self.input)
        axis = self.axis.value.data
        if not 0 <= axis < max(len(shape), 1):
            raise VerifyException(f"{self.name}: axis {axis} outside [0, {len(shape)})")
        muls, shifts = self.multipliers.get_values(), self.shifts.get_values()
        if len(muls) != len(shifts):
            raise VerifyException(
                f"{self.name}: {len(muls)} multipliers but {len(shifts)} shifts"
            )
        channels = shape[axis] if shape else 1
        if len(muls) not in (1, channels):
            raise VerifyException(
                f"{self.name}: {len(muls)} multipliers for axis {axis} of size "
                f"{channels} (expected 1 or {channels})"
            )
        for m in muls:
            if abs(m) > PRELU_MAX_MULTIPLIER:
                raise VerifyException(
                    f"{self.name}: multiplier {m} outside "
                    f"[{-PRELU_MAX_MULTIPLIER}, {PRELU_MAX_MULTIPLIER}]"
                )
        for s in shifts:
            _check_shift(self, s, bounds=PRELU_SHIFTS)


class _QPoolOp(IRDLOperation):
    """Base of the int16 pools on `input[N,C,H,W]`: the window properties and
    the format of the result."""

    input = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    kernel = prop_def(DenseArrayBase.constr(i32))
    strides = prop_def(DenseArrayBase.constr(i32))
    pads = prop_def(DenseArrayBase.constr(i32))
    dilations = prop_def(DenseArrayBase.constr(i32))
    frac_bits = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    def _init_pool(
        self,
        input: SSAValue | Operation,
        kernel: Sequence[int],
        strides: Sequence[int],
        pads: Sequence[int],
        dilations: Sequence[int],
        properties: dict[str, Attribute],
    ) -> None:
        xs = tensor_shape(SSAValue.get(input))
        out = conv_output_shape(xs, (xs[1], 1, *kernel), strides, pads, dilations)
        super().__init__(
            operands=[input],
            result_types=[TensorType(i16, out)],
            properties={
                "kernel": _i32_array(kernel),
                "strides": _i32_array(strides),
                "pads": _i32_array(pads),
                "dilations": _i32_array(dilations),
                **properties,
            },
        )

    def verify_(self) -> None:
        x, y = tensor_shape(self.input), tensor_shape(self.output)
        kernel = _ints(self.kernel)
        strides = _ints(self.strides)
        pads = _ints(self.pads)
        dilations = _ints(self.dilations)
        if (
            len(kernel) != 2
            or len(strides) != 2
            or len(dilations) != 2
            or len(pads) != 4
        ):
            raise VerifyException(
                f"{self.name}: expected 2 kernel sizes, 2 strides, 4 pads, 2 dilations"
            )
        if min(kernel) < 1 or min(strides) < 1 or min(dilations) < 1 or min(pads) < 0:
            raise VerifyException(
                f"{self.name}: kernel, strides and dilations must be >= 1, pads >= 0"
            )
        if len(x) != 4:
            raise VerifyException(f"{self.name}: expected an input [N,C,H,W]")
        if max(pads[0], pads[2]) >= kernel[0] or max(pads[1], pads[3]) >= kernel[1]:
            raise VerifyException(
                f"{self.name}: padding must be smaller than the kernel"
            )
        expected = conv_output_shape(x, (x[1], 1, *kernel), strides, pads, dilations)
        if y != expected:
            raise VerifyException(
                f"{self.name}: result shape {list(y)}, expected {list(expected)}"
            )
        _check_frac_bits(self, "frac_bits", self.frac_bits.value.data)


def _ints(attr: DenseArrayBase[IntegerType]) -> tuple[int, ...]:
    return tuple(int(v) for v in attr.get_values())


@irdl_op_definition
class QMaxPoolOp(_QPoolOp):
    """Max pooling on int16 (NCHW): the exact maximum over each window;
    padding (top, left, bottom, right) never wins. The format is unchanged.

    Example:

    ```mlir
    %y = n64.qmaxpool %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0]
           dilations [1, 1] frac_bits 11 : tensor<1x4x8x8xi16> -> tensor<1x4x4x4xi16>
    ```
    """

    name = "n64.qmaxpool"

    assembly_format = (
        "$input `kernel` $kernel `strides` $strides `pads` $pads `dilations` "
        "$dilations `frac_bits` $frac_bits attr-dict `:` type($input) `->` "
        "type($output)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        kernel: Sequence[int],
        strides: Sequence[int],
        pads: Sequence[int],
        dilations: Sequence[int],
        frac_bits: int,
    ) -> None:
        self._init_pool(
            input, kernel, strides, pads, dilations, {"frac_bits": _i32(frac_bits)}
        )


@irdl_op_definition
class QAvgPoolOp(_QPoolOp):
    """Average pooling on int16 (NCHW; also global average pooling, with the
    whole image as kernel). Per window, zero padding included in the sum:

    `acc = wrap_int32(multiplier * sum(window) + 2^(shift-1))`,
    `y = sat16(acc >> shift)`,

    where `multiplier / 2^shift` approximates `2^(frac_bits - f_x) / (KH*KW)`.

    Example:

    ```mlir
    %y = n64.qavgpool %x kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0]
           dilations [1, 1] multiplier 4096 shift 16 frac_bits 12
           : tensor<1x8x4x4xi16> -> tensor<1x8x1x1xi16>
    ```
    """

    name = "n64.qavgpool"

    multiplier = prop_def(IntegerAttr[I32])
    shift = prop_def(IntegerAttr[I32])

    assembly_format = (
        "$input `kernel` $kernel `strides` $strides `pads` $pads `dilations` "
        "$dilations `multiplier` $multiplier `shift` $shift `frac_bits` $frac_bits "
        "attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        kernel: Sequence[int],
        strides: Sequence[int],
        pads: Sequence[int],
        dilations: Sequence[int],
        multiplier: int,
        shift: int,
        frac_bits: int,
    ) -> None:
        self._init_pool(
            input,
            kernel,
            strides,
            pads,
            dilations,
            {
                "multiplier": _i32(multiplier),
                "shift": _i32(shift),
                "frac_bits": _i32(frac_bits),
            },
        )

    def verify_(self) -> None:
        super().verify_()
        _check_shift(self, self.shift.value.data)
        if not 1 <= self.multiplier.value.data <= INT16_MAX:
            raise VerifyException(
                f"{self.name}: multiplier {self.multiplier.value.data} outside [1, {INT16_MAX}]"
            )


@irdl_op_definition
class QReshapeOp(IRDLOperation):
    """Row-major reshape of an int16 tensor (ONNX Flatten and Reshape): pure
    data movement, the format is unchanged.

    Example:

    ```mlir
    %y = n64.qreshape %x frac_bits 11 : tensor<1x4x2x2xi16> -> tensor<1x16xi16>
    ```
    """

    name = "n64.qreshape"

    input = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    frac_bits = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$input `frac_bits` $frac_bits attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(
        self, input: SSAValue | Operation, shape: Sequence[int], frac_bits: int
    ) -> None:
        super().__init__(
            operands=[input],
            result_types=[TensorType(i16, tuple(shape))],
            properties={"frac_bits": _i32(frac_bits)},
        )

    def verify_(self) -> None:
        if math.prod(tensor_shape(self.input)) != math.prod(tensor_shape(self.output)):
            raise VerifyException(
                f"{self.name}: cannot reshape {list(tensor_shape(self.input))} into "
                f"{list(tensor_shape(self.output))}"
            )
        _check_frac_bits(self, "frac_bits", self.frac_bits.value.data)


@irdl_op_definition
class QConcatOp(IRDLOperation):
    """Concatenates int16 tensors of one format along `axis` (in `[0, rank)`):
    pure data movement. The quantiser first brings every input to the
    output format `frac_bits` (with `n64.qrescale`).

    Example:

    ```mlir
    %y = n64.qconcat %a, %b axis 1 frac_bits 11
           : (tensor<1x4x2x2xi16>, tensor<1x2x2x2xi16>) -> tensor<1x6x2x2xi16>
    ```
    """

    name = "n64.qconcat"

    inputs = var_operand_def(I16Tensor)
    output = result_def(I16Tensor)
    axis = prop_def(IntegerAttr[I32])
    frac_bits = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$inputs `axis` $axis `frac_bits` $frac_bits attr-dict `:` "
        "functional-type($inputs, $output)"
    )

    def __init__(
        self, inputs: Sequence[SSAValue | Operation], axis: int, frac_bits: int
    ) -> None:
        shapes = [tensor_shape(SSAValue.get(v)) for v in inputs]
        out = list(shapes[0])
        out[axis] = sum(s[axis] for s in shapes)
        super().__init__(
            operands=[list(inputs)],
            result_types=[TensorType(i16, tuple(out))],
            properties={"axis": _i32(axis), "frac_bits": _i32(frac_bits)},
        )

    def verify_(self) -> None:
        shapes = [tensor_shape(v) for v in self.inputs]
        if not shapes:
            raise VerifyException(f"{self.name}: needs at least one input")
        rank = len(shapes[0])
        axis = self.axis.value.data
        if not 0 <= axis < rank:
            raise VerifyException(f"{self.name}: axis {axis} outside [0, {rank})")
        for s in shapes:
            if len(s) != rank or any(
                s[i] != shapes[0][i] for i in range(rank) if i != axis
            ):
                raise VerifyException(
                    f"{self.name}: input shapes {[list(t) for t in shapes]} differ "
                    f"off axis {axis}"
                )
        expected = list(shapes[0])
        expected[axis] = sum(s[axis] for s in shapes)
        if list(tensor_shape(self.output)) != expected:
            raise VerifyException(
                f"{self.name}: result shape {list(tensor_shape(self.output))}, expected "
                f"{expected}"
            )
        _check_frac_bits(self, "frac_bits", self.frac_bits.value.data)


@irdl_op_definition
class QTransposeOp(IRDLOperation):
    """Permutes the axes of an int16 tensor (`numpy.transpose(x, perm)`):
    pure data movement, the format is unchanged.

    Example:

    ```mlir
    %y = n64.qtranspose %x perm [1, 0] frac_bits 11 : tensor<2x3xi16> -> tensor<3x2xi16>
    ```
    """

    name = "n64.qtranspose"

    input = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    perm = prop_def(DenseArrayBase.constr(i32))
    frac_bits = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$input `perm` $perm `frac_bits` $frac_bits attr-dict `:` type($input) `->` "
        "type($output)"
    )

    def __init__(
        self, input: SSAValue | Operation, perm: Sequence[int], frac_bits: int
    ) -> None:
        shape = tensor_shape(SSAValue.get(input))
        super().__init__(
            operands=[input],
            result_types=[TensorType(i16, tuple(shape[p] for p in perm))],
            properties={"perm": _i32_array(perm), "frac_bits": _i32(frac_bits)},
        )

    def verify_(self) -> None:
        perm = self.perm.get_values()
        x = tensor_shape(self.input)
        if sorted(perm) != list(range(len(x))):
            raise VerifyException(
                f"{self.name}: perm {list(perm)} is not a permutation of {len(x)} axes"
            )
        expected = tuple(x[p] for p in perm)
        if tensor_shape(self.output) != expected:
            raise VerifyException(
                f"{self.name}: result shape {list(tensor_shape(self.output))}, expected "
                f"{list(expected)}"
            )
        _check_frac_bits(self, "frac_bits", self.frac_bits.value.data)


def _check_axis(op: Operation, axis: int, rank: int) -> None:
    if not 0 <= axis < rank:
        raise VerifyException(f"{op.name}: axis {axis} outside [0, {rank})")


def _check_result_shape(op: Operation, expected: Sequence[int]) -> None:
    got = tensor_shape(op.results[0])
    if got != tuple(expected):
        raise VerifyException(
            f"{op.name}: result shape {list(got)}, expected {list(expected)}"
        )


@irdl_op_definition
class QSliceOp(IRDLOperation):
    """Elements `start` to `end - 1` of an int16 tensor along `axis` (in
    `[0, rank)`; ONNX Slice with step 1 and Split): pure data movement, the
    format is unchanged.

    Example:

    ```mlir
    %y = n64.qslice %x axis 1 start 2 end 5 frac_bits 11
           : tensor<1x6x4x4xi16> -> tensor<1x3x4x4xi16>
    ```
    """

    name = "n64.qslice"

    input = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    axis = prop_def(IntegerAttr[I32])
    start = prop_def(IntegerAttr[I32])
    end = prop_def(IntegerAttr[I32])
    frac_bits = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$input `axis` $axis `start` $start `end` $end `frac_bits` $frac_bits "
        "attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        axis: int,
        start: int,
        end: int,
        frac_bits: int,
    ) -> None:
        shape = slice_output_shape(tensor_shape(SSAValue.get(input)), axis, start, end)
        super().__init__(
            operands=[input],
            result_types=[TensorType(i16, shape)],
            properties={
                "axis": _i32(axis),
                "start": _i32(start),
                "end": _i32(end),
                "frac_bits": _i32(frac_bits),
            },
        )

    def get_axis(self) -> int:
        """The axis (in `[0, rank)`)."""
        return self.axis.value.data

    def get_range(self) -> tuple[int, int]:
        """(start, end)."""
        return self.start.value.data, self.end.value.data

    def verify_(self) -> None:
        x = tensor_shape(self.input)
        _check_axis(self, self.get_axis(), len(x))
        try:
            expected = slice_output_shape(x, self.get_axis(), *self.get_range())
        except ValueError as err:
            raise VerifyException(f"{self.name}: {err}") from err
        _check_result_shape(self, expected)
        _check_frac_bits(self, "frac_bits", self.frac_bits.value.data)


@irdl_op_definition
class QGatherOp(IRDLOperation):
    """Gather with constant indices on an int16 tensor (ONNX Gather):
    `y = take(x, indices, axis)`, `axis` in `[0, rank)`, indices flat in
    `[0, x.shape[axis])` with their shape read off the result type (as for
    `n64.gather`): pure data movement, the format is unchanged.

    Example:

    ```mlir
    %y = n64.qgather %x axis 1 indices [2, 0, 2] frac_bits 11
           : tensor<1x4x8xi16> -> tensor<1x3x8xi16>
    ```
    """

    name = "n64.qgather"

    input = operand_def(I16Tensor)
    output = result_def(I16Tensor)
    axis = prop_def(IntegerAttr[I32])
    indices = prop_def(DenseArrayBase.constr(i32))
    frac_bits = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$input `axis` $axis `indices` $indices `frac_bits` $frac_bits "
        "attr-dict `:` type($input) `->` type($output)"
    )

    def __init__(
        self,
        input: SSAValue | Operation,
        axis: int,
        indices: Sequence[int],
        result_shape: Sequence[int],
        frac_bits: int,
    ) -> None:
        super().__init__(
            operands=[input],
            result_types=[TensorType(i16, tuple(result_shape))],
            properties={
                "axis": _i32(axis),
                "indices": _i32_array(indices),
                "frac_bits": _i32(frac_bits),
            },
        )

    def get_axis(self) -> int:
        """The axis (in `[0, rank)`)."""
        return self.axis.value.data

    def get_indices(self) -> tuple[int, ...]:
        """The flat indices."""
        return tuple(self.indices.get_values())

    def verify_(self) -> None:
        x, y = tensor_shape(self.input), tensor_shape(self.output)
        axis = self.get_axis()
        _check_axis(self, axis, len(x))
        indices = self.get_indices()
        bad = [i for i in indices if not 0 <= i < x[axis]]
        if bad:
            raise VerifyException(
                f"{self.name}: indices {bad[:4]} are outside [0, {x[axis]}) "
                f"(axis {axis} of {list(x)})"
            )
        middle = len(y) - len(x) + 1
        index_shape = y[axis : axis + middle] if middle >= 0 else ()
        if middle < 0 or math.prod(index_shape) != len(indices):
            raise VerifyException(
                f"{self.name}: {len(indices)} indices do not fit result shape "
                f"{list(y)} for x {list(x)}"
            )
        _check_result_shape(self, gather_output_shape(x, axis, index_shape))
        _check_frac_bits(self, "frac_bits", self.frac_bits.value.data)


@irdl_op_definition
class QConvTranspose2dOp(_WeightedOpBase):
    """Quantised transposed 2-D convolution (ONNX ConvTranspose, NCHW),
        `w[C, O/group, KH, KW]`, `b[O]`, runs on the CPU. Per output channel
        `o` of group `g` (`o = g * O/group + k`), summing over the input pixels
        `(c, iy, ix)` of group `g` and taps `(i, j)` with
        `iy*sh + i*dh - pt = oy` and `ix*sw + j*dw - pl = ox`:

        `acc = wrap_int32(b[o] + sum x[c, iy, ix] * w[c, k, i, j])`,
        `y = clamp(sat16(acc >> shifts[o]), clamp_lo, clamp_hi)`.

        `output_padding` adds rows / columns at the end, as in ONNX. The
    verifier rejects `acc48` (the format has it only because the shared
    properties of `qgemm` / `qconv2d` do).

        Example:

        ```mlir
        %y = n64.qconv_transpose2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1]
               dilations [1, 1] output_padding [1, 1] group 1 shifts [12, 13]
               w_frac_bits [14, 15] frac_bits 12 clamp(-32768, 32767)
               : (tensor<1x3x4x4xi16>, tensor<3x2x3x3xi16>, tensor<2xi32>) -> tensor<1x2x8x8xi16>
        ```
    """

    name = "n64.qconv_transpose2d"

    x = operand_def(I16Tensor)
    w = operand_def(I16Tensor)
    bias = opt_operand_def(I32Tensor)
    output = result_def(I16Tensor)
    strides = prop_def(DenseArrayBase.constr(i32))
    pads = prop_def(DenseArrayBase.constr(i32))
    dilations = prop_def(DenseArrayBase.constr(i32))
    output_padding = prop_def(DenseArrayBase.constr(i32))
    group = prop_def(IntegerAttr[I32])

    traits = traits_def(Pure())

    assembly_format = (
        "$x `,` $w (`,` $bias^)? `strides` $strides `pads` $pads `dilations` "
        "$dilations `output_padding` $output_padding `group` $group `shifts` "
        "$shifts `w_frac_bits` $w_frac_bits `frac_bits` $frac_bits (`acc48` $acc48^)? "
        "`clamp` `(` $clamp_lo `,` $clamp_hi `)` attr-dict `:` "
        "functional-type(operands, results)"
    )

    def __init__(
        self,
        x: SSAValue | Operation,
        w: SSAValue | Operation,
        bias: SSAValue | Operation | None,
        strides: Sequence[int],
        pads: Sequence[int],
        dilations: Sequence[int],
        output_padding: Sequence[int],
        group: int,
        shifts: Sequence[int],
        w_frac_bits: Sequence[int],
        frac_bits: int,
        clamp: tuple[int, int] = (INT16_MIN, INT16_MAX),
    ) -> None:
        out = conv_transpose2d_output_shape(
            tensor_shape(SSAValue.get(x)),
            tensor_shape(SSAValue.get(w)),
            strides,
            pads,
            dilations,
            output_padding,
            group,
        )
        super().__init__(
            operands=[x, w, [] if bias is None else [bias]],
            result_types=[TensorType(i16, out)],
            properties={
                "strides": _i32_array(strides),
                "pads": _i32_array(pads),
                "dilations": _i32_array(dilations),
                "output_padding": _i32_array(output_padding),
                "group": _i32(group),
                **_weighted_properties(shifts, w_frac_bits, frac_bits, clamp, False),
            },
        )

    def verify_(self) -> None:
        if self.wide:
            raise VerifyException(f"{self.name}: acc48 is not supported")
        try:
            expected = conv_transpose2d_output_shape(
                tensor_shape(self.x),
                tensor_shape(self.w),
                self.strides.get_values(),
                self.pads.get_values(),
                self.dilations.get_values(),
                self.output_padding.get_values(),
                self.group.value.data,
            )
        except ValueError as err:
            raise VerifyException(f"{self.name}: {err}") from err
        _check_result_shape(self, expected)
        channels = expected[1]
        if self.bias is not None:
            if tensor_shape(self.bias) != (channels,):
                raise VerifyException(
                    f"{self.name}: bias must have shape [{channels}], got "
                    f"{list(tensor_shape(self.bias))}"
                )
            _check_constant_bias(self, self.bias, False)
        self._verify_channels(channels)


QUANT_OPS: list[type[IRDLOperation]] = [
    QuantizeOp,
    DequantizeOp,
    QGemmOp,
    QConv2dOp,
    QAddOp,
    QRescaleOp,
    QClampOp,
    QPReluOp,
    QMaxPoolOp,
    QAvgPoolOp,
    QReshapeOp,
    QConcatOp,
    QTransposeOp,
    QSliceOp,
    QGatherOp,
    QConvTranspose2dOp,
]
"""The int16 ops, added to the `n64` dialect by `n64c.dialects.n64`."""
