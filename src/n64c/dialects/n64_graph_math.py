"""Graph-level `n64` ops for element-wise maths and normalisations that only
run in float: exponentials and logarithms (`exp`, `elu`, `selu`, `softplus`,
`log_softmax`), `abs`, division by a computed divisor (`div`) and local
response normalisation (`lrn`).

They follow the conventions of :mod:`n64c.dialects.n64_graph` (static
`f32` tensors, explicit result types, ONNX semantics at the newest opset)
and reuse its element-wise base classes.
"""

from __future__ import annotations

from xdsl.dialects.builtin import (
    I64,
    Float32Type,
    FloatAttr,
    IntegerAttr,
    f32,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import IRDLOperation, irdl_op_definition, prop_def
from xdsl.utils.exceptions import VerifyException

from n64c.dialects.n64_graph import (
    BinaryOp,
    UnaryOp,
    _i64,
    _shape_error,
    _shape_of,
    normalize_axis,
)

SELU_ALPHA = 1.67326319217681884765625
"""ONNX Selu's default `alpha` (the float32 nearest to the SELU constant)."""
SELU_GAMMA = 1.05070102214813232421875
"""ONNX Selu's default `gamma`."""


def _f32(value: float) -> FloatAttr[Float32Type]:
    return FloatAttr(float(value), f32)


@irdl_op_definition
class ExpOp(UnaryOp):
    """`exp(x)`.

    Example:

    ```mlir
    %y = n64.exp %x : tensor<1x16xf32>
    ```
    """

    name = "n64.exp"


@irdl_op_definition
class AbsOp(UnaryOp):
    """`|x|`.

    Example:

    ```mlir
    %y = n64.abs %x : tensor<1x16xf32>
    ```
    """

    name = "n64.abs"


@irdl_op_definition
class SoftplusOp(UnaryOp):
    """`log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(-|x|))` so that
    it never overflows.

    Example:

    ```mlir
    %y = n64.softplus %x : tensor<1x16xf32>
    ```
    """

    name = "n64.softplus"


@irdl_op_definition
class EluOp(UnaryOp):
    """`x` if `x > 0` else `alpha * (exp(x) - 1)`; `alpha` defaults to 1.

    Example:

    ```mlir
    %y = n64.elu %x {alpha = 2.000000e+00 : f32} : tensor<1x16xf32>
    ```
    """

    name = "n64.elu"

    alpha = prop_def(FloatAttr[Float32Type], _f32(1.0))

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute | None = None,
        *,
        alpha: float = 1.0,
    ) -> None:
        self._init_unary(x, result_type, {"alpha": _f32(alpha)})

    def get_alpha(self) -> float:
        return self.alpha.value.data


@irdl_op_definition
class SeluOp(UnaryOp):
    """`gamma * x` if `x > 0` else `gamma * alpha * (exp(x) - 1)`; the
    defaults are ONNX's (alpha 1.6732632, gamma 1.0507010).

    Example:

    ```mlir
    %y = n64.selu %x : tensor<1x16xf32>
    ```
    """

    name = "n64.selu"

    alpha = prop_def(FloatAttr[Float32Type], _f32(SELU_ALPHA))
    gamma = prop_def(FloatAttr[Float32Type], _f32(SELU_GAMMA))

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute | None = None,
        *,
        alpha: float = SELU_ALPHA,
        gamma: float = SELU_GAMMA,
    ) -> None:
        self._init_unary(x, result_type, {"alpha": _f32(alpha), "gamma": _f32(gamma)})

    def get_alpha(self) -> float:
        return self.alpha.value.data

    def get_gamma(self) -> float:
        return self.gamma.value.data


@irdl_op_definition
class DivOp(BinaryOp):
    """`a / b` with numpy broadcasting (the importer turns a constant divisor
    into `n64.mul` by its reciprocal; this op is for computed divisors).

    Example:

    ```mlir
    %y = n64.div %a, %b : (tensor<3x2x5xf32>, tensor<3x2x5xf32>) -> tensor<3x2x5xf32>
    ```
    """

    name = "n64.div"


@irdl_op_definition
class LogSoftmaxOp(UnaryOp):
    """`x - max - log(sum(exp(x - max)))` along `axis` (ONNX opset-13
    LogSoftmax: one axis).

    Example:

    ```mlir
    %y = n64.log_softmax %x {axis = 1 : i64} : tensor<10x20xf32>
    ```
    """

    name = "n64.log_softmax"

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
class LrnOp(UnaryOp):
    """Local response normalisation across channels (ONNX LRN) on
    `x[N,C,...]`: `y = x / (bias + alpha / size * sum(x^2))^beta`, the sum
    running over channels `c - (size-1)/2 ... c + size/2` (rounded down, up)
    that exist.

    Example:

    ```mlir
    %y = n64.lrn %x {size = 5 : i64, alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32}
        : tensor<1x64x56x56xf32>
    ```
    """

    name = "n64.lrn"

    size = prop_def(IntegerAttr[I64])
    alpha = prop_def(FloatAttr[Float32Type], _f32(1e-4))
    beta = prop_def(FloatAttr[Float32Type], _f32(0.75))
    bias = prop_def(FloatAttr[Float32Type], _f32(1.0))

    def __init__(
        self,
        x: SSAValue | Operation,
        result_type: Attribute | None = None,
        *,
        size: int,
        alpha: float = 1e-4,
        beta: float = 0.75,
        bias: float = 1.0,
    ) -> None:
        self._init_unary(
            x,
            result_type,
            {
                "size": _i64(size),
                "alpha": _f32(alpha),
                "beta": _f32(beta),
                "bias": _f32(bias),
            },
        )

    def get_params(self) -> tuple[int, float, float, float]:
        """(size, alpha, beta, bias)."""
        return (
            self.size.value.data,
            self.alpha.value.data,
            self.beta.value.data,
            self.bias.value.data,
        )

    def verify_(self) -> None:
        super().verify_()
        x = _shape_of(self.x, "x")
        if len(x) < 2:
            raise VerifyException(f"n64.lrn: x {list(x)} needs rank >= 2")
        if self.size.value.data < 1:
            raise VerifyException(
                f"n64.lrn: size {self.size.value.data} must be positive"
            )


MATH_OPS: list[type[IRDLOperation]] = [
    ExpOp,
    AbsOp,
    SoftplusOp,
    EluOp,
    SeluOp,
    DivOp,
    LogSoftmaxOp,
    LrnOp,
]
"""The ops of this module, in the order the dialect lists them."""
