"""`quantize-int16`: rewrite the float graph onto int16 fixed point.

Formats are powers of two: an int16 tensor with `f` fractional bits holds
`q = value * 2^f`. Every activation gets one format from calibration (the
float engine runs the calibration batch and records `max|x|` per tensor);
weights get one format per output channel. The rewritten graph uses the ops
of `n64_quant.py` and has the exact integer semantics of
`docs/quantization.md` (the golden integer model, `n64c.sim.int_engine`).

Quantised: `n64.gemm` (constant weights, per-column bias), `n64.matmul`
(2-D, constant right operand), `n64.conv2d` (constant weights), `n64.add`,
and, when their input is already int16, `n64.relu`, `n64.clip`,
`n64.maxpool`, `n64.flatten`, `n64.reshape`, `n64.transpose`. Every other op
stays in float: `n64.dequantize` feeds it and `n64.quantize` converts its
result again where an int16 op consumes it.

Before (after `n64-cleanup`):

```mlir
%y = n64.gemm %x, %w, %b {clamp_min = 0.0 : f32} : (...) -> tensor<1x32xf32>
```
after:
```mlir
%q = n64.quantize %x frac_bits 15 : tensor<1x64xf32> -> tensor<1x64xi16>
%wq = n64.constant dense<...> : tensor<64x32xi16>
%bq = n64.constant dense<...> : tensor<32xi32>
%yq = n64.qgemm %q, %wq, %bq shifts [...] w_frac_bits [...] frac_bits 12
        clamp(0, 32767) : (...) -> tensor<1x32xi16>
%y = n64.dequantize %yq frac_bits 12 : tensor<1x32xi16> -> tensor<1x32xf32>
```

Options: `calibration="data.npz"` (a `.npy` for a single input, or `.npz`
keyed by ONNX input name, leading batch axis) and `percentile` (the
statistic per tensor: 100 = max|x|). Without calibration data a synthetic
batch is used (see `default_calibration`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    ArrayAttr,
    FunctionType,
    ModuleOp,
    StringAttr,
    TensorType,
    f32,
)
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from n64c.dialects.n64_graph import (
    AddOp,
    AvgPoolOp,
    ClipOp,
    ConcatOp,
    ConstantOp,
    Conv2dOp,
    FlattenOp,
    GemmOp,
    GlobalAvgPoolOp,
    MatMulOp,
    MaxPoolOp,
    ReluOp,
    ReshapeOp,
    TransposeOp,
)
from n64c.dialects.n64_quant import (
    BIAS_LIMIT,
    FRAC_BITS_LIMIT,
    INT16_MAX,
    INT16_MIN,
    MAX_MUL_LOG2,
    MAX_SHIFT,
    MIN_SHIFT,
    DequantizeOp,
    QAddOp,
    QAvgPoolOp,
    QClampOp,
    QConcatOp,
    QConv2dOp,
    QGemmOp,
    QMaxPoolOp,
    QRescaleOp,
    QReshapeOp,
    QTransposeOp,
    QuantizeOp,
)
from n64c.errors import InvalidInputError, UnsupportedModelError
from n64c.sim.calibration import CalibrationData, load_calibration, match_calibration
from n64c.sim.float_engine import find_main, input_names
from n64c.sim.int_engine import quantize, run_int

DEFAULT_CALIBRATION_SAMPLES = 32
DEFAULT_CALIBRATION_SEED = 0
ACT_FRAC_BITS_RANGE = (-32, 32)
"""Activation formats are kept within this range (also for all-zero tensors)."""
ZERO_TENSOR_FRAC_BITS = 15
"""Format of a tensor that is zero on the whole calibration batch."""


# ---------------------------------------------------------------------------
# Format arithmetic (pure functions; the docs spell out the same rules)
# ---------------------------------------------------------------------------


def frac_bits_for(max_abs: float, default: int = ZERO_TENSOR_FRAC_BITS) -> int:
    """The largest `f` with `max_abs * 2^f < 32767.5`, so that `max_abs`
    quantises without saturating; `default` when `max_abs` is 0."""
    if not max_abs > 0.0 or not math.isfinite(max_abs):
        return default
    f = math.floor(math.log2(32767.5 / max_abs))
    while max_abs * 2.0**f >= 32767.5:
        f -= 1
    while max_abs * 2.0 ** (f + 1) < 32767.5:
        f += 1
    return f


def activation_frac_bits(max_abs: float) -> int:
    lo, hi = ACT_FRAC_BITS_RANGE
    return min(max(frac_bits_for(max_abs), lo), hi)


def weight_frac_bits(w: np.ndarray, axis: int) -> list[int]:
    """Ideal per-output-channel formats of the weights (channel = `axis`)."""
    moved = np.moveaxis(np.abs(w.astype(np.float64)), axis, 0)
    maxima = moved.reshape(moved.shape[0], -1).max(axis=1, initial=0.0)
    return [frac_bits_for(float(m)) for m in maxima]


def choose_gemm_formats(
    f_x: int, f_w_ideal: Sequence[int], f_y_ideal: int
) -> tuple[list[int], int, list[int]]:
    """`(f_w, f_y, shifts)` with `shifts[n] = f_x + f_w[n] - f_y` in [2, 16]:
    `f_y` is lowered until every ideal shift is at least 2, then weight
    formats whose shift would exceed 16 are lowered."""
    f_y = min(f_y_ideal, min(f_x + f - MIN_SHIFT for f in f_w_ideal))
    f_w = [min(f, f_y + MAX_SHIFT - f_x) for f in f_w_ideal]
    shifts = [f_x + f - f_y for f in f_w]
    assert all(MIN_SHIFT <= s <= MAX_SHIFT for s in shifts)
    return f_w, f_y, shifts


def choose_add_formats(f_a: int, f_b: int, f_y_ideal: int) -> tuple[int, int, int, int]:
    """`(ka, kb, s, f_y)` for `acc = a*2^ka + b*2^kb + 2^(s-1)`, `y = acc >> s`.

    Requires `|f_a - f_b| <= 14`. With `F = max(f_a, f_b)`, extra bits
    `d = max(0, min(2 - (F - f_y), 14 - |f_a - f_b|))` keep precision when the
    output is finer than the inputs; `ka = F - f_a + d`, `kb = F - f_b + d`,
    `f_y` is clamped to `[F + d - 16, F + d - 2]` and `s = F + d - f_y`.
    """
    big_f = max(f_a, f_b)
    spread = abs(f_a - f_b)
    assert spread <= MAX_MUL_LOG2
    d = max(0, min(MIN_SHIFT - (big_f - f_y_ideal), MAX_MUL_LOG2 - spread))
    f_y = min(max(f_y_ideal, big_f + d - MAX_SHIFT), big_f + d - MIN_SHIFT)
    return big_f - f_a + d, big_f - f_b + d, big_f + d - f_y, f_y


def rescale_steps(f_in: int, f_out: int) -> list[tuple[int, int, int]]:
    """`(mul_log2, shift, frac_bits)` of the `qrescale` ops taking format
    `f_in` to `f_out` (several when the format drops by more than 16)."""
    steps: list[tuple[int, int, int]] = []
    f = f_in
    while f - f_out > MAX_SHIFT:
        f -= MAX_SHIFT
        steps.append((0, MAX_SHIFT, f))
    drop = f - f_out
    if drop < MIN_SHIFT - MAX_MUL_LOG2:
        raise UnsupportedModelError(
            f"cannot raise an int16 format by {-drop} bits in one step"
        )
    shift = max(MIN_SHIFT, drop)
    steps.append((shift - drop, shift, f_out))
    return steps


def choose_avgpool_params(
    f_x: int, f_y_ideal: int, count: int
) -> tuple[int, int, int] | None:
    """`(multiplier, shift, f_y)` for an average over `count` values:
    `multiplier = floor(2^(shift + f_y - f_x) / count + 1/2)` with the
    largest `shift` in [2, 16] that keeps `multiplier <= 32767`; `f_y` is
    lowered when no shift does. None when even `shift = 16` rounds the
    multiplier to 0 (the pool then stays in float)."""
    f_y = f_y_ideal
    while True:
        for shift in range(MAX_SHIFT, MIN_SHIFT - 1, -1):
            ratio = Fraction(2) ** (shift + f_y - f_x) / count
            multiplier = math.floor(ratio + Fraction(1, 2))
            if multiplier <= INT16_MAX:
                return (multiplier, shift, f_y) if multiplier > 0 else None
        f_y -= 1


def quantize_weights(w: np.ndarray, frac_bits: Sequence[int], axis: int) -> np.ndarray:
    """`clamp(floor(w * 2^f[c] + 0.5))` per channel `c` along `axis` (exact,
    float64)."""
    shape = [1] * w.ndim
    shape[axis] = len(frac_bits)
    scale = np.power(2.0, np.asarray(frac_bits, dtype=np.float64)).reshape(shape)
    q = np.floor(w.astype(np.float64) * scale + 0.5)
    return np.clip(q, INT16_MIN, INT16_MAX).astype(np.int16)


def quantize_bias(
    bias: np.ndarray | None, frac_bits: Sequence[int], shifts: Sequence[int]
) -> np.ndarray:
    """`sat29(floor(b[n] * 2^frac_bits[n] + 0.5) + 2^(s[n]-1))` as int32."""
    n = len(frac_bits)
    b = np.zeros(n) if bias is None else bias.astype(np.float64).reshape(n)
    scale = np.power(2.0, np.asarray(frac_bits, dtype=np.float64))
    q = np.floor(b * scale + 0.5)
    q = np.clip(q, -BIAS_LIMIT, BIAS_LIMIT)
    rounding = np.power(2.0, np.asarray(shifts, dtype=np.float64) - 1)
    return np.clip(q + rounding, -BIAS_LIMIT, BIAS_LIMIT).astype(np.int32)


def quantize_scalar(value: float | None, frac_bits: int, default: int) -> int:
    """A clamp bound in format `frac_bits` (the boundary `quantize` rule)."""
    if value is None:
        return default
    scaled = np.float32(value) * np.float32(2.0**frac_bits) + np.float32(0.5)
    return int(np.clip(np.floor(scaled), INT16_MIN, INT16_MAX))


def clamp_bounds(lo: float | None, hi: float | None, frac_bits: int) -> tuple[int, int]:
    return (
        quantize_scalar(lo, frac_bits, INT16_MIN),
        quantize_scalar(hi, frac_bits, INT16_MAX),
    )


# ---------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------


def main_function(module: ModuleOp) -> func.FuncOp:
    """The module's `func.func @main` (InvalidInputError if missing)."""
    return find_main(module)


def input_signature(fn: func.FuncOp) -> tuple[list[str], list[tuple[int, ...]]]:
    """ONNX input names and shapes of the main function."""
    shapes: list[tuple[int, ...]] = []
    for typ in fn.function_type.inputs.data:
        if not isinstance(typ, TensorType):
            raise InvalidInputError(f"function argument of type {typ} is not a tensor")
        shapes.append(tuple(typ.get_shape()))
    names = input_names(fn)
    return names, shapes


def default_calibration(
    names: Sequence[str], shapes: Sequence[Sequence[int]]
) -> CalibrationData:
    """The calibration batch used when none is given: 32 samples uniform in
    [-1, 1] per input, from a fixed seed (so results are reproducible)."""
    rng = np.random.default_rng(DEFAULT_CALIBRATION_SEED)
    return {
        name: rng.uniform(-1.0, 1.0, (DEFAULT_CALIBRATION_SAMPLES, *shape)).astype(
            np.float32
        )
        for name, shape in zip(names, shapes, strict=True)
    }


def collect_ranges(
    module: ModuleOp, data: CalibrationData, percentile: float = 100.0
) -> dict[SSAValue, float]:
    """The statistic of `|x|` (max, or the given percentile) over the
    calibration batch, per function argument and float op result.

    Runs the float engine (with the int16 ops of an already partly
    quantised module) on a copy of the module whose main function returns
    every float tensor it computes."""
    clone = module.clone()
    fn, fn_clone = main_function(module), main_function(clone)
    observed: list[SSAValue] = []
    observed_clone: list[SSAValue] = []
    for arg, arg_clone in zip(fn.args, fn_clone.args, strict=True):
        observed.append(arg)
        observed_clone.append(arg_clone)
    for op, op_clone in zip(fn.body.walk(), fn_clone.body.walk(), strict=True):
        if isinstance(op, ConstantOp | func.ReturnOp):
            continue
        for res, res_clone in zip(op.results, op_clone.results, strict=True):
            if isinstance(res.type, TensorType) and res.type.element_type == f32:
                observed.append(res)
                observed_clone.append(res_clone)
    ret = fn_clone.body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    ret.operands = observed_clone
    fn_clone.function_type = FunctionType.from_lists(
        fn_clone.function_type.inputs.data, [v.type for v in observed_clone]
    )
    keys = [f"v{i}" for i in range(len(observed))]
    fn_clone.attributes["n64.output_names"] = ArrayAttr([StringAttr(k) for k in keys])
    outputs = run_int(clone, data)
    stats: dict[SSAValue, float] = {}
    for key, value in zip(keys, observed, strict=True):
        magnitude = np.abs(outputs[key].astype(np.float64))
        if magnitude.size == 0:
            stats[value] = 0.0
        elif percentile >= 100.0:
            stats[value] = float(magnitude.max())
        else:
            stats[value] = float(np.percentile(magnitude, percentile))
    return stats


# ---------------------------------------------------------------------------
# The rewrite
# ---------------------------------------------------------------------------


@dataclass
class _Quantizer:
    """Walks the main function once, creating int16 ops next to the float
    ops they replace; `finish` then connects float users and erases the
    replaced ops."""

    ranges: dict[SSAValue, float]
    rewriter: Rewriter = field(default_factory=Rewriter)
    int_values: dict[SSAValue, tuple[SSAValue, int]] = field(default_factory=dict)
    replaced: list[Operation] = field(default_factory=list)

    # -- helpers ------------------------------------------------------------

    def insert(self, op: Operation, before: Operation) -> Operation:
        self.rewriter.insert_op(op, InsertPoint.before(before))
        return op

    def frac_of(self, value: SSAValue) -> int:
        if value not in self.ranges:
            raise UnsupportedModelError(
                "calibration recorded no values for a tensor produced by "
                f"{value.owner.name if isinstance(value.owner, Operation) else 'an argument'}"
            )
        return activation_frac_bits(self.ranges[value])

    def int_input(self, value: SSAValue, before: Operation) -> tuple[SSAValue, int]:
        """The int16 version of a float value (a `quantize` at its calibrated
        format unless an int16 op computes it already)."""
        if value in self.int_values:
            return self.int_values[value]
        const = constant_array(value)
        if const is not None:
            f = activation_frac_bits(float(np.abs(const).max(initial=0.0)))
            op = self.insert(ConstantOp.from_numpy(quantize(const, f)), before)
        else:
            f = self.frac_of(value)
            op = self.insert(QuantizeOp(value, f), before)
        self.int_values[value] = (op.results[0], f)
        return self.int_values[value]

    def done(self, op: Operation, result: SSAValue, frac_bits: int) -> None:
        self.int_values[op.results[0]] = (result, frac_bits)
        self.replaced.append(op)

    # -- per op -------------------------------------------------------------

    def visit(self, op: Operation) -> None:
        handler = _HANDLERS.get(type(op))
        if handler is not None:
            getattr(self, handler)(op)

    def _weighted(
        self,
        op: Operation,
        x: SSAValue,
        w: np.ndarray,
        bias: np.ndarray | None,
        channel_axis: int,
        clamp: tuple[float | None, float | None],
        build: Callable[..., Operation],
    ) -> None:
        xq, f_x = self.int_input(x, op)
        f_w, f_y, shifts = choose_gemm_formats(
            f_x, weight_frac_bits(w, channel_axis), self.frac_of(op.results[0])
        )
        _check_formats(op, [f_x, f_y, *f_w])
        wq = self.insert(
            ConstantOp.from_numpy(quantize_weights(w, f_w, channel_axis)), op
        )
        bq = self.insert(
            ConstantOp.from_numpy(quantize_bias(bias, [f_x + f for f in f_w], shifts)),
            op,
        )
        new = self.insert(
            build(xq, wq, bq, shifts, f_w, f_y, clamp_bounds(*clamp, f_y)), op
        )
        self.done(op, new.results[0], f_y)

    def _gemm(self, op: GemmOp) -> None:
        w = constant_array(op.b)
        if w is None or constant_array(op.a) is not None:
            return
        m, n = _shape(op.result)
        bias: np.ndarray | None = None
        if op.bias is not None:
            b = constant_array(op.bias)
            if b is None:
                return
            full = np.broadcast_to(b, (m, n))
            if not bool((full == full[:1]).all()):
                return  # a bias that varies along M is not per channel
            bias = full[0]
        self._weighted(
            op,
            op.a,
            w,
            bias,
            1,
            op.get_clamp(),
            QGemmOp,
        )

    def _matmul(self, op: MatMulOp) -> None:
        w = constant_array(op.b)
        if w is None or w.ndim != 2 or len(_shape(op.a)) != 2:
            return
        if constant_array(op.a) is not None:
            return
        self._weighted(
            op,
            op.a,
            w,
            None,
            1,
            op.get_clamp(),
            QGemmOp,
        )

    def _conv2d(self, op: Conv2dOp) -> None:
        w = constant_array(op.w)
        if w is None or constant_array(op.x) is not None:
            return
        bias = None
        if op.bias is not None:
            bias = constant_array(op.bias)
            if bias is None:
                return
        strides = op.strides.get_values()
        pads = op.pads.get_values()
        dilations = op.dilations.get_values()
        group = op.group.value.data
        self._weighted(
            op,
            op.x,
            w,
            bias,
            0,
            op.get_clamp(),
            lambda x, w, b, s, fw, fy, c: QConv2dOp(
                x, w, b, strides, pads, dilations, group, s, fw, fy, c
            ),
        )

    def _add(self, op: AddOp) -> None:
        a, b = op.a, op.b
        if a not in self.int_values and b not in self.int_values:
            return
        (aq, f_a), (bq, f_b) = self.int_input(a, op), self.int_input(b, op)
        # bring the finer operand within 14 bits of the coarser one
        if f_a - f_b > MAX_MUL_LOG2:
            aq, f_a = self._rescale(aq, f_a, f_b + MAX_MUL_LOG2, op)
        elif f_b - f_a > MAX_MUL_LOG2:
            bq, f_b = self._rescale(bq, f_b, f_a + MAX_MUL_LOG2, op)
        ka, kb, shift, f_y = choose_add_formats(f_a, f_b, self.frac_of(op.result))
        _check_formats(op, [f_a, f_b, f_y])
        new = self.insert(
            QAddOp(
                aq,
                bq,
                ka,
                kb,
                shift,
                f_y,
                _shape(op.result),
                clamp_bounds(*op.get_clamp(), f_y),
            ),
            op,
        )
        self.done(op, new.results[0], f_y)

    def _rescale(
        self, value: SSAValue, f_in: int, f_out: int, before: Operation
    ) -> tuple[SSAValue, int]:
        for mul_log2, shift, f in rescale_steps(f_in, f_out):
            step = self.insert(QRescaleOp(value, mul_log2, shift, f), before)
            value = step.results[0]
        return value, f_out

    def _clamp(self, op: Operation, lo: float | None, hi: float | None) -> None:
        x = op.operands[0]
        if x not in self.int_values:
            return
        xq, f = self.int_values[x]
        new = self.insert(QClampOp(xq, f, clamp_bounds(lo, hi, f)), op)
        self.done(op, new.results[0], f)

    def _relu(self, op: ReluOp) -> None:
        self._clamp(op, 0.0, None)

    def _clip(self, op: ClipOp) -> None:
        lo = None if op.min is None else op.min.value.data
        hi = None if op.max is None else op.max.value.data
        self._clamp(op, lo, hi)

    def _pool_pads(self, op: MaxPoolOp | AvgPoolOp) -> list[int]:
        """The pads, with ONNX `ceil_mode` turned into extra end padding."""
        kernel, strides = op.get_kernel(), op.get_strides()
        dilations, pads = op.get_dilations(), list(op.get_pads())
        out, x = _shape(op.result), _shape(op.x)
        for axis in range(2):
            need = (
                (out[2 + axis] - 1) * strides[axis]
                + dilations[axis] * (kernel[axis] - 1)
                + 1
            )
            have = x[2 + axis] + pads[axis] + pads[axis + 2]
            pads[axis + 2] += max(0, need - have)
        return pads

    def _maxpool(self, op: MaxPoolOp) -> None:
        if op.x not in self.int_values:
            return
        xq, f = self.int_values[op.x]
        kernel = op.get_kernel()
        pads = self._pool_pads(op)
        if max(pads[0], pads[2]) >= kernel[0] or max(pads[1], pads[3]) >= kernel[1]:
            return
        new = QMaxPoolOp(xq, kernel, op.get_strides(), pads, op.get_dilations(), f)
        self.done(op, self.insert(new, op).results[0], f)

    def _avgpool(self, op: AvgPoolOp) -> None:
        if op.x not in self.int_values:
            return
        pads = self._pool_pads(op)
        if pads != list(op.get_pads()):
            return  # a ceil-mode window past the padding has a smaller divisor
        if any(pads) and not op.get_count_include_pad():
            return  # border windows would have smaller divisors
        kernel = op.get_kernel()
        if max(pads[0], pads[2]) >= kernel[0] or max(pads[1], pads[3]) >= kernel[1]:
            return
        self._average(op, kernel, op.get_strides(), pads, op.get_dilations())

    def _global_avgpool(self, op: GlobalAvgPoolOp) -> None:
        x = _shape(op.x)
        if op.x not in self.int_values or len(x) != 4:
            return
        self._average(op, x[2:], (1, 1), (0, 0, 0, 0), (1, 1))

    def _average(
        self,
        op: Operation,
        kernel: Sequence[int],
        strides: Sequence[int],
        pads: Sequence[int],
        dilations: Sequence[int],
    ) -> None:
        xq, f_x = self.int_values[op.operands[0]]
        params = choose_avgpool_params(
            f_x, self.frac_of(op.results[0]), kernel[0] * kernel[1]
        )
        if params is None:
            return
        multiplier, shift, f_y = params
        _check_formats(op, [f_y])
        new = QAvgPoolOp(xq, kernel, strides, pads, dilations, multiplier, shift, f_y)
        self.done(op, self.insert(new, op).results[0], f_y)

    def _reshape(self, op: Operation) -> None:
        x = op.operands[0]
        if x not in self.int_values:
            return
        xq, f = self.int_values[x]
        new = self.insert(QReshapeOp(xq, _shape(op.results[0]), f), op)
        self.done(op, new.results[0], f)

    def _concat(self, op: ConcatOp) -> None:
        if not any(v in self.int_values for v in op.inputs):
            return
        f_y = min(
            [self.frac_of(op.result)]
            + [self.int_values[v][1] for v in op.inputs if v in self.int_values]
        )
        _check_formats(op, [f_y])
        parts: list[SSAValue] = []
        converted: dict[SSAValue, SSAValue] = {}
        for value in op.inputs:
            if value in converted:
                vq = converted[value]
            elif value in self.int_values:
                vq, f = self.int_values[value]
                if f != f_y:
                    vq, _ = self._rescale(vq, f, f_y, op)
            elif (const := constant_array(value)) is not None:
                vq = self.insert(
                    ConstantOp.from_numpy(quantize(const, f_y)), op
                ).results[0]
            else:
                vq = self.insert(QuantizeOp(value, f_y), op).results[0]
            converted[value] = vq
            parts.append(vq)
        new = self.insert(QConcatOp(parts, op.get_axis(), f_y), op)
        self.done(op, new.results[0], f_y)

    def _transpose(self, op: TransposeOp) -> None:
        if op.x not in self.int_values:
            return
        xq, f = self.int_values[op.x]
        new = self.insert(QTransposeOp(xq, op.perm.get_values(), f), op)
        self.done(op, new.results[0], f)

    # -- wiring ---------------------------------------------------------------

    def finish(self) -> None:
        replaced = set(self.replaced)
        for op in self.replaced:
            result = op.results[0]
            if any(use.operation not in replaced for use in result.uses):
                qvalue, f = self.int_values[result]
                producer = qvalue.owner
                assert isinstance(producer, Operation)
                deq = DequantizeOp(qvalue, f)
                self.rewriter.insert_op(deq, InsertPoint.after(producer))
                result.replace_uses_with_if(
                    deq.output, lambda use: use.operation not in replaced
                )
        operands: list[SSAValue] = []
        for op in reversed(self.replaced):
            operands.extend(op.operands)
            self.rewriter.erase_op(op)
        for value in operands:
            owner = value.owner
            if (
                isinstance(owner, ConstantOp)
                and not owner.result.uses
                and owner.parent is not None
            ):
                self.rewriter.erase_op(owner)


_HANDLERS: dict[type[Operation], str] = {
    GemmOp: "_gemm",
    MatMulOp: "_matmul",
    Conv2dOp: "_conv2d",
    AddOp: "_add",
    ReluOp: "_relu",
    ClipOp: "_clip",
    MaxPoolOp: "_maxpool",
    AvgPoolOp: "_avgpool",
    GlobalAvgPoolOp: "_global_avgpool",
    FlattenOp: "_reshape",
    ReshapeOp: "_reshape",
    TransposeOp: "_transpose",
    ConcatOp: "_concat",
}
"""Graph op -> the `_Quantizer` method that rewrites it onto int16."""


def constant_array(value: SSAValue) -> np.ndarray | None:
    owner = value.owner
    if isinstance(owner, ConstantOp):
        return owner.to_numpy()
    return None


def _shape(value: SSAValue) -> tuple[int, ...]:
    typ = value.type
    assert isinstance(typ, TensorType)
    return tuple(typ.get_shape())


def _check_formats(op: Operation, formats: Sequence[int]) -> None:
    if any(abs(f) > FRAC_BITS_LIMIT for f in formats):
        raise UnsupportedModelError(
            f"{op.name}: values span too many orders of magnitude for int16 formats "
            f"within +-{FRAC_BITS_LIMIT} fractional bits"
        )


def quantize_int16(
    module: ModuleOp,
    calibration: CalibrationData | np.ndarray | str | Path | None = None,
    percentile: float = 100.0,
) -> ModuleOp:
    """Quantise `module` in place (and return it).

    `calibration` maps ONNX input names to batches (leading batch axis); a
    single array is accepted for a one-input model, and a path names a
    `.npy` / `.npz` file; `None` uses :func:`default_calibration`.
    """
    if not 0.0 < percentile <= 100.0:
        raise InvalidInputError(f"percentile {percentile} must lie in (0, 100]")
    fn = main_function(module)
    names, shapes = input_signature(fn)
    if calibration is None:
        data = default_calibration(names, shapes)
    elif isinstance(calibration, str | Path):
        data = load_calibration(calibration, names, shapes)
    else:
        data = match_calibration(calibration, names, shapes)
    ranges = collect_ranges(module, data, percentile)
    quantizer = _Quantizer(ranges)
    for op in list(fn.body.walk()):
        quantizer.visit(op)
    quantizer.finish()
    return module


@dataclass(frozen=True)
class QuantizeInt16Pass(ModulePass):
    """Rewrites the float graph onto int16 fixed point (see the module doc)."""

    name = "quantize-int16"

    calibration: str | None = None
    """Path of a `.npy` / `.npz` calibration file; none: a synthetic batch."""

    percentile: float | int = 100.0
    """Statistic of |x| per tensor that sets its format (100: the maximum).
    An int is accepted too (`percentile=99` in a pass pipeline)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        quantize_int16(op, self.calibration, float(self.percentile))
