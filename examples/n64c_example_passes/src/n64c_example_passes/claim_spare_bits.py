"""`claim-spare-bits`: one more fractional bit where the calibration data
leaves room for it.

`quantize-int16` gives each activation room for `1 + 8/n` times its
calibrated range (`n` calibration samples), so that new inputs a little
larger than the calibration data saturate rarely. Where that room pushes a
layer's format down a bit, the layer's int16 outputs on the calibration
data stay below 16384 in magnitude: half of the int16 range is unused. This
pass takes that bit back, one layer at a time, and keeps the change only if
the golden integer model, run on the calibration data, wraps and saturates
no more than before. It trades the quantiser's safety room for precision;
`n64c compare` and the per-layer report measure what that is worth.

Raising the output format `f_y` of an `n64.qgemm` / `n64.qconv2d` layer by
one is exact bookkeeping (`docs/quantization.md` has the formulas):

- the layer: `frac_bits + 1`, every shift `s - 1` (all shifts must stay at
  least 2), the bias's rounding constant `2^(s-1)` becomes `2^(s-2)`, and
  clamp bounds double (the int16 limits stay);
- an `n64.dequantize` user: `frac_bits + 1`; an `n64.qmaxpool`,
  `n64.qreshape`, `n64.qtranspose` or `n64.qslice` user likewise, and its
  own users in turn;
- an `n64.qgemm` / `n64.qconv2d` user (its input `x`): its `f_x` grows by
  one, so per output channel either the shift grows by one (and the bias,
  at format `f_x + f_w`, doubles), or, for a channel already at the
  largest shift 16, the weights lose one fractional bit (rounded to
  nearest) and the shift and bias stay.

Layers with another kind of user, with the 48-bit accumulator form, or
whose bias or clamp bounds would leave their ranges are left alone.

Options: `calibration` (a `.npy` / `.npz` file, as for `quantize-int16`;
none: n64c's synthetic calibration batch) and `layers` (names as in
`report.json`: `gemm0`, `conv1`, ...; none: every layer).

    n64-opt model.onnx -p 'n64-cleanup,quantize-int16{calibration="c.npy"},claim-spare-bits{calibration="c.npy"}'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, ModuleOp, i32
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from n64c.dialects.n64_graph import ConstantOp
from n64c.dialects.n64_quant import (
    INT16_MAX,
    INT16_MIN,
    DequantizeOp,
    QConv2dOp,
    QGemmOp,
    QMaxPoolOp,
    QReshapeOp,
    QSliceOp,
    QTransposeOp,
)
from n64c.errors import N64cError

MIN_SHIFT = 2
"""The smallest requantisation shift of `qgemm` / `qconv2d`."""
MAX_SHIFT = 16
"""The largest requantisation shift (without `acc48`)."""
BIAS_LIMIT = 1 << 29
"""`|b| < 2^29` for an int32 bias."""

WeightedOp = QGemmOp | QConv2dOp
FORMAT_KEEPING_OPS = (QMaxPoolOp, QReshapeOp, QTransposeOp, QSliceOp)
"""int16 ops whose output has their input's format and values (data
movement, maximum): a finer input makes an equally finer output."""


@dataclass
class _Edit:
    """New properties and operands for one op; what they replaced is kept
    so that the edit can be undone."""

    op: Operation
    properties: dict[str, Attribute] = field(default_factory=dict)
    operands: dict[int, ConstantOp] = field(default_factory=dict)
    _old_properties: dict[str, Attribute] = field(default_factory=dict)
    _old_operands: dict[int, SSAValue] = field(default_factory=dict)

    def apply(self) -> None:
        for name, value in self.properties.items():
            self._old_properties[name] = self.op.properties[name]
            self.op.properties[name] = value
        for index, constant in self.operands.items():
            Rewriter.insert_op(constant, InsertPoint.before(self.op))
            self._old_operands[index] = self.op.operands[index]
            self.op.operands[index] = constant.result

    def undo(self) -> None:
        self.op.properties.update(self._old_properties)
        for index, value in self._old_operands.items():
            self.op.operands[index] = value
        for constant in self.operands.values():
            Rewriter.erase_op(constant)

    def drop_replaced_constants(self) -> None:
        for value in self._old_operands.values():
            owner = value.owner
            if isinstance(owner, ConstantOp) and not owner.result.uses:
                Rewriter.erase_op(owner)


def _i32_array(values: Sequence[int] | np.ndarray) -> DenseArrayBase:
    return DenseArrayBase.from_list(i32, [int(v) for v in values])


def _constant_of(value: SSAValue | None) -> np.ndarray | None:
    owner = None if value is None else value.owner
    return owner.to_numpy().astype(np.int64) if isinstance(owner, ConstantOp) else None


def _int32_constant(values: np.ndarray) -> ConstantOp:
    return ConstantOp.from_numpy(values.astype(np.int32))


def _doubled_bound(bound: int) -> int | None:
    """A clamp bound in the format one bit finer (the int16 limits stay)."""
    if bound in (INT16_MIN, INT16_MAX):
        return bound
    return 2 * bound if INT16_MIN <= 2 * bound <= INT16_MAX else None


def _raise_output(op: WeightedOp) -> _Edit | None:
    """The layer's own edit: `frac_bits + 1`, shifts `- 1`, rounding
    constants halved, clamp bounds doubled."""
    shifts = list(op.shift_values)
    if op.wide or min(shifts) - 1 < MIN_SHIFT:
        return None
    lo, hi = op.clamp_bounds
    new_lo, new_hi = _doubled_bound(lo), _doubled_bound(hi)
    if new_lo is None or new_hi is None:
        return None
    edit = _Edit(op)
    edit.properties = {
        "frac_bits": IntegerAttr(op.out_frac_bits + 1, i32),
        "shifts": _i32_array([s - 1 for s in shifts]),
        "clamp_lo": IntegerAttr(new_lo, i32),
        "clamp_hi": IntegerAttr(new_hi, i32),
    }
    if op.bias is not None:
        bias = _constant_of(op.bias)
        if bias is None:
            return None
        new_bias = bias - (1 << (np.asarray(shifts, np.int64) - 2))
        if np.abs(new_bias).max() >= BIAS_LIMIT:
            return None
        edit.operands[2] = _int32_constant(new_bias)
    return edit


def _finer_input(op: WeightedOp) -> _Edit | None:
    """The edit of a `qgemm` / `qconv2d` whose input `x` gains a bit."""
    if op.wide:
        return None
    weights = _constant_of(op.w)
    if weights is None:
        return None
    axis = 1 if isinstance(op, QGemmOp) else 0
    shifts = np.asarray(op.shift_values, np.int64)
    w_frac = np.asarray(op.weight_frac_bits, np.int64)
    at_limit = shifts >= MAX_SHIFT
    edit = _Edit(op)
    edit.properties = {
        "shifts": _i32_array(np.where(at_limit, shifts, shifts + 1)),
        "w_frac_bits": _i32_array(np.where(at_limit, w_frac - 1, w_frac)),
    }
    if at_limit.any():
        shape = [1] * weights.ndim
        shape[axis] = -1
        halve = at_limit.reshape(shape)
        # round to nearest, ties up: floor(w / 2 + 1/2)
        new_weights = np.where(halve, (weights + 1) >> 1, weights)
        edit.operands[1] = ConstantOp.from_numpy(new_weights.astype(np.int16))
    if op.bias is not None:
        bias = _constant_of(op.bias)
        if bias is None:
            return None
        new_bias = np.where(at_limit, bias, 2 * bias)
        if np.abs(new_bias).max() >= BIAS_LIMIT:
            return None
        edit.operands[2] = _int32_constant(new_bias)
    return edit


def _user_edits(value: SSAValue) -> list[_Edit] | None:
    """The edits of every user of `value` when `value` gains a bit, through
    ops that move data without changing it; None if a user cannot take it."""
    edits: list[_Edit] = []
    for use in value.uses:
        user = use.operation
        if isinstance(user, (DequantizeOp, *FORMAT_KEEPING_OPS)):
            edit = _Edit(user)
            frac_bits = user.properties["frac_bits"]
            assert isinstance(frac_bits, IntegerAttr)
            edit.properties = {"frac_bits": IntegerAttr(frac_bits.value.data + 1, i32)}
            edits.append(edit)
            if isinstance(user, FORMAT_KEEPING_OPS):
                further = _user_edits(user.results[0])
                if further is None:
                    return None
                edits += further
        elif isinstance(user, QGemmOp | QConv2dOp) and use.index == 0:
            edit = _finer_input(user)
            if edit is None:
                return None
            edits.append(edit)
        else:
            return None
    return edits


def plan_one_more_bit(op: WeightedOp) -> list[_Edit] | None:
    """The edits that give `op`'s output one more fractional bit, or None
    if `op` or one of its users cannot take it."""
    own = _raise_output(op)
    users = _user_edits(op.output)
    if own is None or users is None:
        return None
    return [own, *users]


def _out_of_range(overflow: Mapping[Operation, object]) -> int:
    return sum(
        getattr(counts, "wrapped", 0) + getattr(counts, "saturated", 0)
        for counts in overflow.values()
    )


def _calibration(
    module: ModuleOp, calibration: str | Path | None
) -> dict[str, np.ndarray]:
    from n64c.passes.quantize_int16 import (
        default_calibration,
        input_signature,
        main_function,
    )
    from n64c.sim.calibration import load_calibration

    names, shapes = input_signature(main_function(module))
    if calibration is None:
        return dict(default_calibration(names, shapes))
    return dict(load_calibration(calibration, names, shapes))


def claim_spare_bits(
    module: ModuleOp,
    calibration: str | Path | None = None,
    layers: Sequence[str] = (),
) -> list[str]:
    """Give each chosen layer of the quantised `module` one more fractional
    bit where the golden model, on the calibration data, then wraps and
    saturates no more than before (in place). Returns the names of the
    layers that took the bit, in graph order."""
    from n64c.pipeline import QUANTISED, detect_stage
    from n64c.sim.int_engine import run_int_checked
    from n64c.sim.layer_report import layer_names

    stage = detect_stage(module)
    if stage is not QUANTISED:
        raise N64cError(
            f"claim-spare-bits works on quantised IR (after quantize-int16); "
            f"the IR is at stage {stage.describe()}"
        )
    names = layer_names(module)
    weighted = {
        name: op for op, name in names.items() if isinstance(op, QGemmOp | QConv2dOp)
    }
    unknown = [name for name in layers if name not in weighted]
    if unknown:
        raise N64cError(
            f"claim-spare-bits: no layer {', '.join(unknown)} (the gemm and conv "
            f"layers are: {', '.join(weighted) or 'none'})"
        )
    batch = _calibration(module, calibration)
    baseline = _out_of_range(run_int_checked(module, batch)[1])
    claimed: list[str] = []
    for name, op in weighted.items():
        if layers and name not in layers:
            continue
        edits = plan_one_more_bit(op)
        if edits is None:
            continue
        for edit in edits:
            edit.apply()
        if _out_of_range(run_int_checked(module, batch)[1]) > baseline:
            for edit in reversed(edits):
                edit.undo()
            continue
        for edit in edits:
            edit.drop_replaced_constants()
        claimed.append(name)
    return claimed


@dataclass(frozen=True)
class ClaimSpareBitsPass(ModulePass):
    """One more fractional bit for each layer whose calibrated int16 range
    is half empty (see the module doc)."""

    name = "claim-spare-bits"

    calibration: str | None = None
    """`.npy` / `.npz` calibration data; none: n64c's synthetic batch."""

    layers: tuple[str, ...] = ()
    """The layers to try (`gemm0`, `conv1`, ...); none: every layer."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        claim_spare_bits(op, self.calibration, self.layers)
