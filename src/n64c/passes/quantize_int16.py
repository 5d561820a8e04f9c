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
`n64.leaky_relu` and PRelu (`n64.qprelu`), `n64.maxpool`, `n64.flatten`,
`n64.reshape`, `n64.transpose`, `n64.slice`, `n64.gather`;
`n64.conv_transpose2d` (constant weights) on the CPU. Every other op
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
from xdsl.dialects.builtin import ModuleOp, TensorType, f32
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

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
    ReluOp,
    ReshapeOp,
    SubOp,
    TransposeOp,
)
from n64c.dialects.n64_graph_index import GatherOp, SliceOp
from n64c.dialects.n64_graph_window import ConvTranspose2dOp
from n64c.dialects.n64_quant import (
    BIAS_LIMIT,
    FRAC_BITS_LIMIT,
    INT16_MAX,
    INT16_MIN,
    MAX_MUL_LOG2,
    MAX_SHIFT,
    MIN_SHIFT,
    PRELU_MAX_MULTIPLIER,
    PRELU_SHIFTS,
    WIDE_BIAS_LIMIT,
    WIDE_HIGH_SHIFTS,
    DequantizeOp,
    QAddOp,
    QAvgPoolOp,
    QClampOp,
    QConcatOp,
    QConv2dOp,
    QConvTranspose2dOp,
    QGatherOp,
    QGemmOp,
    QMaxPoolOp,
    QPReluOp,
    QRescaleOp,
    QReshapeOp,
    QSliceOp,
    QTransposeOp,
    QuantizeOp,
    tensor_shape,
)
from n64c.errors import InvalidInputError, UnsupportedModelError
from n64c.passes.tile_constants import one_op_bias, round_bias
from n64c.sim.calibration import CalibrationData, load_calibration, match_calibration
from n64c.sim.float_engine import find_main, input_names
from n64c.sim.int_engine import quantize
from n64c.sim.observe import clone_with_maps, run_observed

DEFAULT_CALIBRATION_SAMPLES = 32
DEFAULT_CALIBRATION_SEED = 0
ACT_FRAC_BITS_RANGE = (-32, 32)
"""Activation formats are kept within this range (also for all-zero tensors)."""
ZERO_TENSOR_FRAC_BITS = 15
"""Format of a tensor that is zero on the whole calibration batch."""
RANGE_MARGIN_SAMPLES = 8.0
"""By default activation formats leave room for `1 + 8 / n` times the
calibrated range, `n` the number of calibration samples (1.5 for 16
samples, 1.125 for 64): the fewer the samples, the more often a new input
exceeds their extremes, and a value beyond the range saturates."""
AFFINE_RANGE_CAP = 16.0
"""A per-channel affine op that stays in float on the CPU (a BatchNorm not
folded into a conv) can turn a channel that was nearly silent on the
calibration data into the largest of its output once a new input wakes it:
its gain `scale / sqrt(var + eps)` is large exactly where the channel's
variance is small. Such a result's format covers what the affine map can
make of any input value within the input's calibrated range (times the
margin), up to this factor above its own calibrated range (24 dB of
resolution at most)."""
ACC_HEADROOM = 2.0
"""Safety margin of the int32 accumulators of `qgemm` / `qconv2d`: the
largest calibrated accumulator (pre-activation, bias included), times this,
must fit. Values up to this factor beyond the calibration data then
saturate instead of wrapping."""
ACC_LIMIT = 1 << 31
"""Accumulators (int32) hold values in [-2^31, 2^31)."""
MAX_ROUNDING = 1 << (MAX_SHIFT - 1)
"""The largest rounding constant a requantisation adds."""
WIDE_ACC_LIMIT = 1 << 47
"""`acc48` accumulators hold values in [-2^47, 2^47)."""
WIDE_GAIN = 1.25
"""The 48-bit form is used where the noise model expects it to cut a
layer's rounding noise by more than this factor (its requantisation costs
more RSP instructions)."""
CHEAP_WIDE_ROWS = 64
"""The most input channels of a 1x1 conv that the quantiser gives the
`acc48` form for speed (`_cheap_wide_conv`; measured on MobileNetV1: its
1x1 convs of 128 and 256 channels ran 1.6% and 12% slower in it)."""
INPUT_FORMAT_SEARCH = 6
"""How many bits below its calibrated format the quantiser tries for an
input that a CPU `quantize` feeds to a Gemm or conv."""


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


def activation_frac_bits(max_abs: float, margin: float = 1.0) -> int:
    """The format of an activation whose calibration statistic is
    `max_abs`, with room for `margin` times it, within `ACT_FRAC_BITS_RANGE`."""
    lo, hi = ACT_FRAC_BITS_RANGE
    return min(max(frac_bits_for(max_abs * margin), lo), hi)


def weight_frac_bits(w: np.ndarray, axis: int) -> list[int]:
    """Ideal per-output-channel formats of the weights (channel = `axis`)."""
    moved = np.moveaxis(np.abs(w.astype(np.float64)), axis, 0)
    maxima = moved.reshape(moved.shape[0], -1).max(axis=1, initial=0.0)
    return [frac_bits_for(float(m)) for m in maxima]


def accumulator_frac_limit(
    acc_max: float, bias: float, headroom: float = ACC_HEADROOM, wide: bool = False
) -> int:
    """The largest accumulator format `F = f_x + f_w` at which a `qgemm` /
    `qconv2d` channel cannot wrap on the calibration data: `headroom` times
    the largest calibrated accumulator `acc_max`, plus the largest rounding
    constant, stays within the accumulator (2^31; 2^47 for `acc48`), and
    the bias `bias` plus the rounding constant within the bias limit (2^29;
    2^45 for `acc48`). A channel that is 0 throughout gets
    `FRAC_BITS_LIMIT`."""
    acc_bound, bias_bound = (
        (WIDE_ACC_LIMIT, WIDE_BIAS_LIMIT + 1) if wide else (ACC_LIMIT, BIAS_LIMIT + 1)
    )
    rounding = 1 << (WIDE_HIGH_SHIFTS[1] - 1) if wide else MAX_ROUNDING
    limit = FRAC_BITS_LIMIT
    for value, bound in ((acc_max * headroom, acc_bound), (bias, bias_bound)):
        if value > 0.0 and math.isfinite(value):
            room = (bound - rounding) / value  # 2^F must stay below this
            f = math.floor(math.log2(room))
            while 2.0 ** (f + 1) < room:
                f += 1
            while 2.0**f >= room:
                f -= 1
            limit = min(limit, f)
    return limit


def choose_gemm_formats(
    f_x: int,
    f_w_ideal: Sequence[int],
    f_y_ideal: int,
    acc_limits: Sequence[int] | None = None,
) -> tuple[list[int], int, list[int]]:
    """`(f_w, f_y, shifts)` with `shifts[n] = f_x + f_w[n] - f_y` in [2, 16]:
    weight formats are first lowered so that channel `n`'s accumulator
    format `f_x + f_w[n]` stays within `acc_limits[n]` (see
    :func:`accumulator_frac_limit`), then `f_y` is lowered until every shift
    is at least 2, then weight formats whose shift would exceed 16 are
    lowered."""
    limits = (
        acc_limits if acc_limits is not None else [FRAC_BITS_LIMIT] * len(f_w_ideal)
    )
    f_w = [min(f, limit - f_x) for f, limit in zip(f_w_ideal, limits, strict=True)]
    f_y = min(f_y_ideal, min(f_x + f - MIN_SHIFT for f in f_w))
    f_w = [min(f, f_y + MAX_SHIFT - f_x) for f in f_w]
    shifts = [f_x + f - f_y for f in f_w]
    assert all(MIN_SHIFT <= s <= MAX_SHIFT for s in shifts)
    return f_w, f_y, shifts


def choose_wide_formats(
    f_x: int,
    f_w_ideal: Sequence[int],
    f_y_ideal: int,
    acc_limits: Sequence[int],
    high: bool,
) -> tuple[list[int], int, list[int]]:
    """`(f_w, f_y, shifts)` of the `acc48` form, every shift in [18, 32]
    (`high`) or every shift in [2, 16]: weight formats within the 48-bit
    accumulator's limits; `f_y` lowered until every shift reaches the
    smallest of its range and, for shifts up to 16, until
    `acc * 2^(16-s)` fits 48 bits at the accumulator's limit (so the
    output format covers what the accumulator can hold, beyond the
    calibrated range of the output); weight formats lowered where a shift
    would exceed the largest of its range."""
    low_shift, high_shift = WIDE_HIGH_SHIFTS if high else (MIN_SHIFT, MAX_SHIFT)
    f_w = [min(f, limit - f_x) for f, limit in zip(f_w_ideal, acc_limits, strict=True)]
    f_y = min(f_y_ideal, min(f_x + f - low_shift for f in f_w))
    if not high:
        f_y = min(f_y, min(acc_limits) - MAX_SHIFT)
    f_w = [min(f, f_y + high_shift - f_x) for f in f_w]
    shifts = [f_x + f - f_y for f in f_w]
    assert all(low_shift <= s <= high_shift for s in shifts)
    return f_w, f_y, shifts


def estimated_noise(
    f_x: int,
    f_w: Sequence[int],
    f_y: int,
    x_rms: float,
    w_rms: Sequence[float],
    terms: int,
) -> float:
    """A model of the rounding noise power a choice of formats adds to a
    `qgemm` / `qconv2d` output, summed over channels: per channel `n`,
    `terms` products each carry the input's rounding error (uniform, step
    `2^-f_x`) times a weight of the channel's mean square `w_rms[n]^2`, and
    the weight's rounding error (step `2^-f_w[n]`) times an input of mean
    square `x_rms^2`; the output adds its own rounding (step `2^-f_y`).
    The quantiser compares choices with it (the input format of a layer fed
    by a CPU `quantize`)."""
    total = 0.0
    for fw, wr in zip(f_w, w_rms, strict=True):
        total += terms * (4.0**-f_x * wr * wr + 4.0**-fw * x_rms * x_rms)
        total += 4.0**-f_y
    return total / 12.0


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
    f_x: int, f_y_ideal: int, count: int, sum_max: float | None = None
) -> tuple[int, int, int] | None:
    """`(multiplier, shift, f_y)` for an average over `count` values:
    `multiplier = floor(2^(shift + f_y - f_x) / count + 1/2)` with the
    largest `shift` in [2, 16] that keeps `multiplier <= 32767` and the
    accumulator `multiplier * sum + 2^(shift-1)` within int32 for window
    sums up to `sum_max` (int16 units; the calibrated largest sum times the
    headroom), or for every int16 input when `sum_max` is None; `f_y` is
    lowered when no shift does. None when even `shift = 16` rounds the
    multiplier to 0 (the pool then stays in float)."""
    # the largest positive and negative window sums
    high = float(count * INT16_MAX) if sum_max is None else sum_max
    low = float(count * -INT16_MIN) if sum_max is None else sum_max
    f_y = f_y_ideal
    while True:
        for shift in range(MAX_SHIFT, MIN_SHIFT - 1, -1):
            ratio = Fraction(2) ** (shift + f_y - f_x) / count
            multiplier = math.floor(ratio + Fraction(1, 2))
            rounding = 1 << (shift - 1)
            fits = (
                multiplier * high + rounding < ACC_LIMIT
                and multiplier * low - rounding <= ACC_LIMIT
            )
            if multiplier <= INT16_MAX and fits:
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
    bias: np.ndarray | None,
    frac_bits: Sequence[int],
    shifts: Sequence[int],
    wide: bool = False,
) -> np.ndarray:
    """`sat29(floor(b[n] * 2^frac_bits[n] + 0.5) + 2^(s[n]-1))` as int32,
    rounded to 15 significant bits (`round_bias`: the form one `vmadh`
    adds on the RSP; off by less than 2^-15 of the bias); for `wide`
    (`acc48`) `sat45` and int64, rounded the same way when every shift is
    at most 16 and every bias within 2^29 (one `vmudm` adds it). Exact:
    float64 holds these integers."""
    n = len(frac_bits)
    b = np.zeros(n) if bias is None else bias.astype(np.float64).reshape(n)
    scale = np.power(2.0, np.asarray(frac_bits, dtype=np.float64))
    q = np.floor(b * scale + 0.5)
    limit = WIDE_BIAS_LIMIT if wide else BIAS_LIMIT
    q = np.clip(q, -limit, limit)
    rounding = np.power(2.0, np.asarray(shifts, dtype=np.float64) - 1)
    q = np.clip(q + rounding, -limit, limit)
    if wide and (max(shifts, default=0) > MAX_SHIFT or (np.abs(q) > BIAS_LIMIT).any()):
        return q.astype(np.int64)
    if wide:
        return round_bias(q).astype(np.int64)
    return round_bias(q).astype(np.int32)


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


def prelu_slope(alpha: float) -> tuple[int, int] | None:
    """`(m, s)` with `m * 2^-s` the nearest to the slope `alpha`: the largest
    shift `s` in `PRELU_SHIFTS` with `|m| <= 32767`,
    `m = floor(alpha * 2^s + 1/2)` (exact); None when even the smallest
    shift cannot hold `alpha`."""
    if not math.isfinite(alpha):
        return None
    exact = Fraction(alpha)
    lo, hi = PRELU_SHIFTS
    for shift in range(hi, lo - 1, -1):
        m = math.floor(exact * 2**shift + Fraction(1, 2))
        if abs(m) <= PRELU_MAX_MULTIPLIER:
            return m, shift
    return None


def slope_channels(
    slope: np.ndarray, x_shape: Sequence[int]
) -> tuple[int, np.ndarray] | None:
    """`(axis, values)` of a PRelu slope that broadcasts to `x_shape` and
    varies along at most one axis (`values` has one entry per element of
    that axis, or a single entry); None otherwise."""
    if slope.ndim > len(x_shape):
        return None
    full = slope.reshape((1,) * (len(x_shape) - slope.ndim) + slope.shape)
    if any(d not in (1, n) for d, n in zip(full.shape, x_shape, strict=True)):
        return None
    flat = full.astype(np.float64).reshape(-1)
    if flat.size and bool((flat == flat[0]).all()):
        return 0, flat[:1]
    axes = [i for i, d in enumerate(full.shape) if d > 1]
    if len(axes) != 1:
        return None
    return axes[0], flat


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


ACCUMULATING_OPS = (GemmOp, MatMulOp, Conv2dOp, ConvTranspose2dOp)
"""Float ops that become `qgemm` / `qconv2d` / `qconv_transpose2d`, whose
accumulators are calibrated per output channel."""


def channel_axis(op: Operation) -> int:
    """The output-channel axis of an accumulating op's result, counted from
    the end (Gemm / MatMul columns, conv channels of `[N, C, H, W]`)."""
    return -3 if isinstance(op, Conv2dOp | ConvTranspose2dOp) else -1


@dataclass
class Ranges:
    """What calibration measured on the float graph.

    `tensor`: the statistic of `|x|` per function argument and float op
    result (after any fused clamp). `accumulator`: per op of
    `ACCUMULATING_OPS`, keyed by its result, `max |x|` per output channel of
    the result before its fused clamp, bias included (what the int32
    accumulator has to hold)."""

    tensor: dict[SSAValue, float] = field(default_factory=dict)
    rms: dict[SSAValue, float] = field(default_factory=dict)
    """Root mean square of each tensor (for the rounding-noise model)."""
    accumulator: dict[SSAValue, np.ndarray] = field(default_factory=dict)


def _unfused_probe(
    module: ModuleOp,
) -> tuple[ModuleOp, dict[SSAValue, SSAValue], dict[SSAValue, SSAValue]]:
    """A copy of `module` in which every accumulating op's fused clamp is a
    separate `n64.clip`, and the maps from `module`'s values to the copy's:
    each float result (after its clamp) and each accumulating op's result
    before its clamp."""
    probe = module.clone()
    fn, fn_probe = main_function(module), main_function(probe)
    after: dict[SSAValue, SSAValue] = dict(zip(fn.args, fn_probe.args, strict=True))
    before: dict[SSAValue, SSAValue] = {}
    pairs = list(zip(fn.body.walk(), fn_probe.body.walk(), strict=True))
    for op, op_probe in pairs:
        if isinstance(op, ConstantOp | func.ReturnOp):
            continue
        for res, res_probe in zip(op.results, op_probe.results, strict=True):
            if isinstance(res.type, TensorType) and res.type.element_type == f32:
                after[res] = res_probe
        if not isinstance(op_probe, ACCUMULATING_OPS):
            continue
        raw = op_probe.results[0]
        before[op.results[0]] = raw
        if isinstance(op_probe, ConvTranspose2dOp):
            continue  # no fused clamp
        lo, hi = op_probe.get_clamp()
        if lo is None and hi is None:
            continue
        op_probe.set_clamp(None, None)
        clip = ClipOp(raw, min=lo, max=hi)
        Rewriter.insert_op(clip, InsertPoint.after(op_probe))
        raw.replace_uses_with_if(
            clip.results[0], lambda use, clip=clip: use.operation is not clip
        )
        after[op.results[0]] = clip.results[0]
    return probe, after, before


def collect_ranges(
    module: ModuleOp, data: CalibrationData, percentile: float = 100.0
) -> Ranges:
    """Run the calibration batch through the float graph (with the int16
    ops of an already partly quantised module) and measure, per function
    argument and float op result, the statistic of `|x|` (max, or the given
    percentile), and per accumulating op and output channel the largest
    pre-activation `|x|` (always the maximum: an accumulator that wraps
    gives a wrong value, not a saturated one)."""
    probe, after, before = _unfused_probe(module)
    observed = list(after.values()) + list(before.values())
    arrays, _ = run_observed(probe, data, observed)
    ranges = Ranges()
    for key, array in zip(after, arrays, strict=False):
        magnitude = np.abs(array.astype(np.float64))
        ranges.rms[key] = (
            float(np.sqrt(np.mean(magnitude**2))) if magnitude.size else 0.0
        )
        if magnitude.size == 0:
            ranges.tensor[key] = 0.0
        elif percentile >= 100.0:
            ranges.tensor[key] = float(magnitude.max())
        else:
            ranges.tensor[key] = float(np.percentile(magnitude, percentile))
    for key, array in zip(before, arrays[len(after) :], strict=True):
        owner = key.owner
        assert isinstance(owner, Operation)
        moved = np.moveaxis(np.abs(array.astype(np.float64)), channel_axis(owner), 0)
        flat = moved.reshape(moved.shape[0], -1)
        ranges.accumulator[key] = flat.max(axis=1, initial=0.0)
    return ranges


def batchnorm_bound(op: BatchNormOp, source: float | None) -> float | None:
    """The largest `|y|` a BatchNorm can give for inputs within `source`
    (None when its parameters are not constants or its input's range is
    unknown)."""
    params = [constant_array(v) for v in (op.scale, op.bias, op.mean, op.var)]
    if source is None or any(p is None for p in params):
        return None
    scale, bias, mean, var = (
        np.asarray(p, np.float64).reshape(-1) for p in params if p is not None
    )
    gain = scale / np.sqrt(var + op.epsilon.value.data)
    shift = bias - gain * mean
    return float(np.max(np.abs(gain) * source + np.abs(shift), initial=0.0))


# ---------------------------------------------------------------------------
# The rewrite
# ---------------------------------------------------------------------------


@dataclass
class _Quantizer:
    """Walks the main function once, creating int16 ops next to the float
    ops they replace; `finish` then connects float users and erases the
    replaced ops."""

    ranges: Ranges
    headroom: float = ACC_HEADROOM
    margin: float = 1.0
    rewriter: Rewriter = field(default_factory=Rewriter)
    int_values: dict[SSAValue, tuple[SSAValue, int]] = field(default_factory=dict)
    replaced: list[Operation] = field(default_factory=list)
    widened: dict[SSAValue, float] = field(default_factory=dict)
    """`range_of`, computed once per value."""

    # -- helpers ------------------------------------------------------------

    def insert(self, op: Operation, before: Operation) -> Operation:
        self.rewriter.insert_op(op, InsertPoint.before(before))
        return op

    def frac_of(self, value: SSAValue) -> int:
        if value not in self.ranges.tensor:
            raise UnsupportedModelError(
                "calibration recorded no values for a tensor produced by "
                f"{value.owner.name if isinstance(value.owner, Operation) else 'an argument'}"
            )
        return activation_frac_bits(self.range_of(value))

    def range_of(self, value: SSAValue) -> float:
        """The magnitude a value's format must hold: its calibrated range
        times the margin, widened (up to `AFFINE_RANGE_CAP` times) for a
        float BatchNorm's result to what its gain can make of its input's
        range, for the sum or Relu of such a widened value to what its
        operands' ranges allow, and for a Gemm, MatMul or conv of it by the
        factor its input grew."""
        if value not in self.widened:
            calibrated = self.ranges.tensor[value] * self.margin
            bound = self._bound(value)
            self.widened[value] = (
                calibrated
                if bound is None
                else max(calibrated, min(bound, AFFINE_RANGE_CAP * calibrated))
            )
        return self.widened[value]

    def _widened(self, value: SSAValue) -> bool:
        return (
            value in self.ranges.tensor
            and self.range_of(value) > self.ranges.tensor[value] * self.margin
        )

    def _bound(self, value: SSAValue) -> float | None:
        owner = value.owner
        if isinstance(owner, BatchNormOp):
            source = self.range_of(owner.x) if owner.x in self.ranges.tensor else None
            return batchnorm_bound(owner, source)
        if isinstance(owner, AddOp) and any(
            self._widened(v) for v in (owner.a, owner.b)
        ):
            parts = [
                self.range_of(v) if v in self.ranges.tensor else None
                for v in (owner.a, owner.b)
            ]
            return None if None in parts else sum(p for p in parts if p is not None)
        if isinstance(owner, ReluOp) and self._widened(owner.x):
            return self.range_of(owner.x)
        if isinstance(owner, GemmOp | MatMulOp | Conv2dOp):
            x = owner.x if isinstance(owner, Conv2dOp) else owner.a
            if self._widened(x):
                # a linear layer: its result grows with its input
                growth = self.range_of(x) / (self.ranges.tensor[x] * self.margin)
                return growth * self.ranges.tensor[value] * self.margin
        return None

    def int_input(
        self, value: SSAValue, before: Operation, frac_bits: int | None = None
    ) -> tuple[SSAValue, int]:
        """The int16 version of a float value (a `quantize` at `frac_bits`,
        by default its calibrated format, unless an int16 op computes it
        already)."""
        if value in self.int_values:
            return self.int_values[value]
        const = constant_array(value)
        if const is not None:
            f = activation_frac_bits(float(np.abs(const).max(initial=0.0)))
            op = self.insert(ConstantOp.from_numpy(quantize(const, f)), before)
        else:
            f = self.frac_of(value) if frac_bits is None else frac_bits
            op = self.insert(QuantizeOp(value, f), before)
        self.int_values[value] = (op.results[0], f)
        return self.int_values[value]

    def acc_limits(
        self,
        result: SSAValue,
        bias: np.ndarray | None,
        channels: int,
        wide: bool = False,
    ) -> list[int] | None:
        """Per output channel, the largest accumulator format that cannot
        wrap on the calibration data (None if it was not measured)."""
        acc = self.ranges.accumulator.get(result)
        if acc is None:
            return None
        b = np.zeros(channels) if bias is None else np.abs(bias.astype(np.float64))
        b = np.broadcast_to(b.reshape(-1), (channels,))
        return [
            accumulator_frac_limit(float(a), float(bn), self.headroom, wide)
            for a, bn in zip(acc, b, strict=True)
        ]

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
        layout: Callable[[np.ndarray], np.ndarray] | None = None,
        allow_wide: bool = True,
        cheap_wide: bool = False,
    ) -> None:
        """Replace `op` by the int16 op `build` makes; `w`'s output channels
        lie on `channel_axis`, `layout` (if given) turns the quantised
        weights into the layout the op takes; `allow_wide`: the op has an
        `acc48` form; `cheap_wide`: its `acc48` form with shifts up to 16
        and a one-op bias runs faster than its int32 one
        (`_cheap_wide_conv`), so it is taken whenever its noise estimate is
        no higher and its bias has the one-op form, else with the int32
        formats (unless those shifts are all 16: one op reads them out)."""
        f_w_ideal = weight_frac_bits(w, channel_axis)
        f_y_ideal = self.frac_of(op.results[0])
        channels = w.shape[channel_axis]
        moved = np.moveaxis(w.astype(np.float64), channel_axis, 0)
        w_rms = np.sqrt(np.mean(moved.reshape(channels, -1) ** 2, axis=1))
        terms = moved[0].size
        x_rms = self.ranges.rms.get(x, 0.0)
        limits = self.acc_limits(op.results[0], bias, channels)

        def options(f_x: int) -> tuple[float, list[int], int, list[int]]:
            f_w, f_y, shifts = choose_gemm_formats(f_x, f_w_ideal, f_y_ideal, limits)
            noise = estimated_noise(f_x, f_w, f_y, x_rms, w_rms, terms)
            return noise, f_w, f_y, shifts

        if (
            x in self.int_values
            or constant_array(x) is not None
            or any(use.operation is not op for use in x.uses)
        ):
            xq, f_x = self.int_input(x, op)
        else:
            # a `quantize` on the CPU for this op alone: its format is free,
            # so balance the input's bits against the weights' within the
            # accumulator
            f_top = self.frac_of(x)
            candidates = range(f_top, f_top - INPUT_FORMAT_SEARCH - 1, -1)
            f_x = min(candidates, key=lambda f: options(f)[0])
            xq, f_x = self.int_input(x, op, f_x)
        noise, f_w, f_y, shifts = options(f_x)
        wide = False
        wide_limits = self.acc_limits(op.results[0], bias, channels, wide=True)
        positive = allow_wide and never_negative(xq)
        # int32 sums whose shifts are all 16 are read out with one op, fewer
        # than the 48-bit form's three
        cheap_wide = cheap_wide and not all(s == MAX_SHIFT for s in shifts)
        if positive and wide_limits is not None:
            for high in (False, True):
                formats = choose_wide_formats(
                    f_x, f_w_ideal, f_y_ideal, wide_limits, high
                )
                wide_noise = estimated_noise(f_x, *formats[:2], x_rms, w_rms, terms)
                fast = cheap_wide and not high and self._one_op_bias(bias, f_x, formats)
                if wide_noise * WIDE_GAIN < noise or (fast and wide_noise <= noise):
                    f_w, f_y, shifts = formats
                    noise, wide = wide_noise * (1.0 if fast else WIDE_GAIN), True
        if positive and cheap_wide and not wide:
            # the int32 formats in the acc48 form: as precise (shifts in
            # [2, 16], biases within 2^29, so one op adds them), and faster
            wide = True
        _check_formats(op, [f_x, f_y, *f_w])
        w_int = quantize_weights(w, f_w, channel_axis)
        if layout is not None:
            w_int = layout(w_int)
        wq = self.insert(ConstantOp.from_numpy(w_int), op)
        bias_q = quantize_bias(bias, [f_x + f for f in f_w], shifts, wide)
        bq = self.insert(ConstantOp.from_numpy(bias_q), op)
        new = self.insert(
            build(xq, wq, bq, shifts, f_w, f_y, clamp_bounds(*clamp, f_y), wide), op
        )
        self.done(op, new.results[0], f_y)

    @staticmethod
    def _one_op_bias(
        bias: np.ndarray | None, f_x: int, formats: tuple[list[int], int, list[int]]
    ) -> bool:
        """Whether an `acc48` layer of these `(f_w, f_y, shifts)` has biases
        that round to the form one `vmudm` adds."""
        f_w, _, shifts = formats
        q = quantize_bias(bias, [f_x + f for f in f_w], shifts, True)
        return one_op_bias(q, wide=True, window=True)

    def _gemm(self, op: GemmOp) -> None:
        w = constant_array(op.b)
        if w is None or constant_array(op.a) is not None:
            return
        m, n = tensor_shape(op.result)
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
        if w is None or w.ndim != 2 or len(tensor_shape(op.a)) != 2:
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
            lambda x, w, b, s, fw, fy, c, wide: QConv2dOp(
                x, w, b, strides, pads, dilations, group, s, fw, fy, c, wide
            ),
            cheap_wide=_cheap_wide_conv(w.shape, group),
        )

    def _conv_transpose2d(self, op: ConvTranspose2dOp) -> None:
        w = constant_array(op.w)
        if w is None or constant_array(op.x) is not None:
            return
        bias = None
        if op.bias is not None:
            bias = constant_array(op.bias)
            if bias is None:
                return
        group = op.get_group()
        c, og, kh, kw = w.shape
        cg = c // group
        # [C, O/g, KH, KW] -> [O, C/g, KH, KW]: one output channel per row
        by_output = (
            w.reshape(group, cg, og, kh, kw)
            .transpose(0, 2, 1, 3, 4)
            .reshape(group * og, cg, kh, kw)
        )

        def layout(wq: np.ndarray) -> np.ndarray:
            back = wq.reshape(group, og, cg, kh, kw).transpose(0, 2, 1, 3, 4)
            return np.ascontiguousarray(back.reshape(c, og, kh, kw))

        strides, pads = op.get_strides(), op.get_pads()
        dilations, extra = op.get_dilations(), op.get_output_padding()
        self._weighted(
            op,
            op.x,
            by_output,
            bias,
            0,
            (None, None),
            lambda x, w, b, s, fw, fy, clamp, wide: QConvTranspose2dOp(
                x, w, b, strides, pads, dilations, extra, group, s, fw, fy, clamp
            ),
            layout,
            allow_wide=False,
        )

    def _add(self, op: AddOp) -> None:
        if self._prelu_pattern(op):
            return
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
                tensor_shape(op.result),
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
        out, x = tensor_shape(op.result), tensor_shape(op.x)
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
        x = tensor_shape(op.x)
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
        count = kernel[0] * kernel[1]
        sum_max: float | None = None
        if op.results[0] in self.ranges.tensor:  # the calibrated mean's range
            mean_max = self.ranges.tensor[op.results[0]]
            sum_max = min(count * mean_max * 2.0**f_x * self.headroom, count * 32768.0)
        params = choose_avgpool_params(f_x, self.frac_of(op.results[0]), count, sum_max)
        if params is None:
            return
        multiplier, shift, f_y = params
        _check_formats(op, [f_y])
        new = QAvgPoolOp(xq, kernel, strides, pads, dilations, multiplier, shift, f_y)
        self.done(op, self.insert(new, op).results[0], f_y)

    def _leaky_relu(self, op: LeakyReluOp) -> None:
        if op.operands[0] in self.int_values:
            alpha = np.array([op.alpha.value.data], dtype=np.float64)
            self._prelu(op, op.operands[0], 0, alpha)

    def _prelu(self, op: Operation, x: SSAValue, axis: int, slopes: np.ndarray) -> bool:
        """Replace `op` (LeakyRelu, or the Add that ends a PRelu) by
        `n64.qprelu` of the int16 `x`; the output keeps `x`'s format unless
        calibration asks for a coarser one (slopes above 1)."""
        pairs = [prelu_slope(float(a)) for a in slopes]
        if any(p is None for p in pairs):
            return False
        xq, f = self.int_values[x]
        f_y = min(f, self.frac_of(op.results[0]))
        if f_y < f:
            _check_formats(op, [f_y])
            xq, f = self._rescale(xq, f, f_y, op)
        muls = [p[0] for p in pairs if p is not None]
        shifts = [p[1] for p in pairs if p is not None]
        new = self.insert(QPReluOp(xq, axis, muls, shifts, f), op)
        self.done(op, new.results[0], f)
        return True

    def _prelu_pattern(self, op: AddOp) -> bool:
        """The PRelu the importer spells `relu(x) + slope * (x - relu(x))`
        with a constant slope: one `n64.qprelu` of the int16 `x` in place of
        the four ops."""
        for pos, scaled in ((op.a, op.b), (op.b, op.a)):
            relu, mul = pos.owner, scaled.owner
            if not isinstance(relu, ReluOp) or not isinstance(mul, MulOp):
                continue
            x = relu.operands[0]
            for slope_value, neg in ((mul.a, mul.b), (mul.b, mul.a)):
                sub, slope = neg.owner, constant_array(slope_value)
                if (
                    not isinstance(sub, SubOp)
                    or slope is None
                    or sub.a != x
                    or sub.b != pos
                    or x not in self.int_values
                    or pos not in self.int_values
                    or {u.operation for u in pos.uses} != {sub, op}
                    or len(list(pos.uses)) != 2
                    or len(list(neg.uses)) != 1
                    or len(list(scaled.uses)) != 1
                    or tensor_shape(op.result) != tensor_shape(x)
                    or op.get_clamp() != (None, None)
                ):
                    continue
                channels = slope_channels(slope, tensor_shape(x))
                if channels is None:
                    continue
                clamp = self.int_values[pos][0].owner
                if not self._prelu(op, x, *channels):
                    continue
                assert isinstance(clamp, QClampOp)
                self.rewriter.erase_op(clamp)
                del self.int_values[pos]
                self.replaced[-1:-1] = [sub, mul]
                return True
        return False

    def _reshape(self, op: Operation) -> None:
        x = op.operands[0]
        if x not in self.int_values:
            return
        xq, f = self.int_values[x]
        new = self.insert(QReshapeOp(xq, tensor_shape(op.results[0]), f), op)
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

    def _slice(self, op: SliceOp) -> None:
        if op.x not in self.int_values:
            return
        xq, f = self.int_values[op.x]
        new = self.insert(QSliceOp(xq, op.get_axis(), *op.get_range(), f), op)
        self.done(op, new.results[0], f)

    def _gather(self, op: GatherOp) -> None:
        if op.x not in self.int_values:
            return
        xq, f = self.int_values[op.x]
        new = QGatherOp(xq, op.get_axis(), op.get_indices(), tensor_shape(op.result), f)
        self.done(op, self.insert(new, op).results[0], f)

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
    ConvTranspose2dOp: "_conv_transpose2d",
    AddOp: "_add",
    ReluOp: "_relu",
    ClipOp: "_clip",
    LeakyReluOp: "_leaky_relu",
    MaxPoolOp: "_maxpool",
    AvgPoolOp: "_avgpool",
    GlobalAvgPoolOp: "_global_avgpool",
    FlattenOp: "_reshape",
    ReshapeOp: "_reshape",
    TransposeOp: "_transpose",
    ConcatOp: "_concat",
    SliceOp: "_slice",
    GatherOp: "_gather",
}
"""Graph op -> the `_Quantizer` method that rewrites it onto int16."""


_SIGN_KEEPING_OPS = (
    QMaxPoolOp,
    QAvgPoolOp,
    QReshapeOp,
    QTransposeOp,
    QRescaleOp,
    QSliceOp,
    QGatherOp,
)
"""int16 ops whose result is never negative when their input is not."""


def _cheap_wide_conv(w_shape: Sequence[int], group: int) -> bool:
    """Whether a conv of weights `w_shape` (`[O, C/group, KH, KW]`) runs
    faster in the `acc48` form with shifts up to 16 and a one-op bias than
    in the int32 one: a depthwise conv (one op less a pixel, its readout
    split over two pixels) and a dense 1x1 conv of at most
    `CHEAP_WIDE_ROWS` input channels (the same in strips). Longer chains
    gain less than the clamp pipeline that form always has costs them in
    registers (weight rows held), and cannot be split over kernels."""
    o, per_group, kh, kw = (int(v) for v in w_shape)
    depthwise = group > 1 and per_group == 1 and group == o
    pointwise = group == 1 and kh == kw == 1 and per_group <= CHEAP_WIDE_ROWS
    return depthwise or pointwise


def never_negative(value: SSAValue) -> bool:
    """Whether the int16 `value` is >= 0 for every input of the model, as
    the ops computing it guarantee: a clamp with a lower bound >= 0, pooling
    or data movement of such a value, a constant without negative
    entries."""
    op = value.owner
    if isinstance(op, QGemmOp | QConv2dOp | QConvTranspose2dOp | QAddOp | QClampOp):
        return op.clamp_bounds[0] >= 0
    if isinstance(op, _SIGN_KEEPING_OPS):
        return never_negative(op.operands[0])
    if isinstance(op, QConcatOp):
        return all(never_negative(v) for v in op.operands)
    if isinstance(op, ConstantOp):
        return bool((op.to_numpy() >= 0).all())
    return False


def constant_array(value: SSAValue) -> np.ndarray | None:
    owner = value.owner
    if isinstance(owner, ConstantOp):
        return owner.to_numpy()
    return None


def _check_formats(op: Operation, formats: Sequence[int]) -> None:
    if any(abs(f) > FRAC_BITS_LIMIT for f in formats):
        raise UnsupportedModelError(
            f"{op.name}: values span too many orders of magnitude for int16 formats "
            f"within +-{FRAC_BITS_LIMIT} fractional bits"
        )


def _calibration_batch(
    fn: func.FuncOp, calibration: CalibrationData | np.ndarray | str | Path | None
) -> CalibrationData:
    names, shapes = input_signature(fn)
    if calibration is None:
        return default_calibration(names, shapes)
    if isinstance(calibration, str | Path):
        return load_calibration(calibration, names, shapes)
    return match_calibration(calibration, names, shapes)


@dataclass(frozen=True)
class QuantOptions:
    """The knobs of `quantize-int16` (see the module constants)."""

    percentile: float = 100.0
    """Statistic of |x| per tensor that sets its format (100: the maximum)."""
    headroom: float = ACC_HEADROOM
    """Accumulator safety margin (`ACC_HEADROOM`)."""
    margin: float | None = None
    """Activation range margin; None: `1 + RANGE_MARGIN_SAMPLES / n` for `n`
    calibration samples."""

    def check(self) -> None:
        """Raise `InvalidInputError` for an option out of its range."""
        if not 0.0 < self.percentile <= 100.0:
            raise InvalidInputError(
                f"percentile {self.percentile} must lie in (0, 100]"
            )
        for name in ("headroom", "margin"):
            value = getattr(self, name)
            if value is not None and not (
                math.isfinite(value) and 1.0 <= value <= 2.0**16
            ):
                raise InvalidInputError(f"{name} {value} must lie in [1, 65536]")


def _quantize(
    module: ModuleOp,
    calibration: CalibrationData | np.ndarray | str | Path | None,
    options: QuantOptions,
) -> _Quantizer:
    options.check()
    fn = main_function(module)
    batch = _calibration_batch(fn, calibration)
    ranges = collect_ranges(module, batch, options.percentile)
    samples = next(iter(batch.values())).shape[0] if batch else 1
    margin = options.margin
    if margin is None:
        margin = 1.0 + RANGE_MARGIN_SAMPLES / max(samples, 1)
    quantizer = _Quantizer(ranges, options.headroom, margin)
    for op in list(fn.body.walk()):
        quantizer.visit(op)
    quantizer.finish()
    return quantizer


def quantize_int16(
    module: ModuleOp,
    calibration: CalibrationData | np.ndarray | str | Path | None = None,
    percentile: float = 100.0,
    headroom: float = ACC_HEADROOM,
    margin: float | None = None,
) -> ModuleOp:
    """Quantise `module` in place (and return it).

    `calibration` maps ONNX input names to batches (leading batch axis); a
    single array is accepted for a one-input model, and a path names a
    `.npy` / `.npz` file; `None` uses :func:`default_calibration`.
    `headroom` and `margin`: see `ACC_HEADROOM` and `RANGE_MARGIN_SAMPLES`
    (None: the default for the calibration batch's size).
    """
    _quantize(module, calibration, QuantOptions(percentile, headroom, margin))
    return module


@dataclass
class QuantizedTensor:
    """A float tensor of the graph and the int16 tensor that replaced it."""

    float_value: SSAValue
    """The value in `QuantTrace.float_module`."""
    int_value: SSAValue
    """The int16 value in the quantised module."""
    frac_bits: int


@dataclass
class QuantTrace:
    """Which int16 tensor stands for which float tensor after quantisation:
    a copy of the float graph as it was, and the pairs in graph order."""

    float_module: ModuleOp
    tensors: list[QuantizedTensor]


def quantize_int16_traced(
    module: ModuleOp,
    calibration: CalibrationData | np.ndarray | str | Path | None = None,
    options: QuantOptions | None = None,
) -> QuantTrace:
    """:func:`quantize_int16`, keeping a copy of the float graph and the
    float tensor behind each int16 tensor (for the per-layer error
    report)."""
    float_module, to_float, _ = clone_with_maps(module)
    quantizer = _quantize(module, calibration, options or QuantOptions())
    tensors = [
        QuantizedTensor(to_float[value], int_value, f)
        for value, (int_value, f) in quantizer.int_values.items()
        if value in to_float and not isinstance(int_value.owner, ConstantOp)
    ]
    return QuantTrace(float_module, tensors)


@dataclass(frozen=True)
class QuantizeInt16Pass(ModulePass):
    """Rewrites the float graph onto int16 fixed point (see the module doc)."""

    name = "quantize-int16"

    calibration: str | None = None
    """Path of a `.npy` / `.npz` calibration file; none: a synthetic batch."""

    percentile: float | int = 100.0
    """Statistic of |x| per tensor that sets its format (100: the maximum).
    An int is accepted too (`percentile=99` in a pass pipeline)."""

    headroom: float | int = ACC_HEADROOM
    """Accumulator safety margin: the largest calibrated pre-activation of a
    Gemm or conv channel, times this, fits its int32 accumulator."""

    margin: float | int | None = None
    """Activation formats leave room for this many times the calibration
    statistic; none: `1 + 8 / n` for `n` calibration samples."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        quantize_int16(
            op,
            self.calibration,
            float(self.percentile),
            float(self.headroom),
            None if self.margin is None else float(self.margin),
        )
