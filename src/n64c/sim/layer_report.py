"""The per-layer error report: where int16 loses precision.

For each int16 layer of a quantised graph, the report gives its formats,
how many accumulators wrapped and how many results saturated on the given
inputs, and the SQNR of the layer's output (dequantised) against the same
tensor of the float graph on the same inputs.

    >>> from n64c.sim.layer_report import layer_report, format_layer_report
    >>> rows = layer_report(module, {"input": x}, calibration)  # doctest: +SKIP
    >>> print(format_layer_report(rows))                        # doctest: +SKIP

`module` is a float graph (as imported, or after `n64-cleanup`); the report
cleans it up and quantises a copy with :func:`quantize_int16_traced`, exactly
as `n64c compile` does, so the formats are those of the compiled model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from xdsl.dialects.builtin import IntegerAttr, ModuleOp
from xdsl.ir import Operation

from n64c.dialects import n64_quant as q
from n64c.errors import InvalidInputError
from n64c.sim.int_engine import Overflow, dequantize, run_int_checked
from n64c.sim.observe import run_observed

if TYPE_CHECKING:
    from xdsl.passes import ModulePass

    from n64c.passes.quantize_int16 import QuantOptions

LAYER_KINDS: dict[type[Operation], str] = {
    q.QuantizeOp: "quantize",
    q.QConv2dOp: "conv",
    q.QConvTranspose2dOp: "convt",
    q.QGemmOp: "gemm",
    q.QAddOp: "add",
    q.QRescaleOp: "rescale",
    q.QClampOp: "clamp",
    q.QPReluOp: "prelu",
    q.QMaxPoolOp: "maxpool",
    q.QAvgPoolOp: "avgpool",
    q.QConcatOp: "concat",
}
"""int16 ops that compute a new tensor (data movement, such as reshapes
and transposes, is left out), with the kind that names their layers."""


@dataclass
class LayerNumerics:
    """One int16 layer of the report."""

    layer: str
    """Kind and index in graph order (`conv0`, `gemm1`, ...), as in
    `report.json`."""
    op: str
    """The int16 op (`n64.qconv2d`, ...)."""
    formats: str
    """Its formats: `f_x`, `f_w` (range over channels), `f_y`, shifts."""
    wrapped: int
    """Accumulators that wrapped on the inputs."""
    saturated: int
    """Results cut to the int16 range on the inputs."""
    elements: int
    """Results computed."""
    sqnr_db: float
    """SQNR of the dequantised output against the float graph (dB; inf when
    equal)."""


def layer_names(module: ModuleOp) -> dict[Operation, str]:
    """Each layer op of `module` (see `LAYER_KINDS`) and its name: its kind
    and its index among the ops of that kind, in graph order."""
    counts: dict[str, int] = {}
    names: dict[Operation, str] = {}
    for op in module.walk():
        kind = LAYER_KINDS.get(type(op))
        if kind is None:
            continue
        index = counts.get(kind, 0)
        counts[kind] = index + 1
        names[op] = f"{kind}{index}"
    return names


def _span(values: list[int]) -> str:
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}..{hi}"


def describe_formats(op: Operation) -> str:
    """The formats of an int16 op in a few characters."""
    f_y = op.properties.get("frac_bits")
    out = f"y {f_y.value.data}" if f_y is not None else ""  # type: ignore[attr-defined]
    if isinstance(op, q.QGemmOp | q.QConv2dOp):
        f_x = _frac_bits_of(op.operands[0])
        shifts = list(op.shift_values)
        w = [int(v) for v in op.w_frac_bits.get_values()]
        acc = ", acc48" if op.wide else ""
        return f"x {f_x}, w {_span(w)}, {out}, shift {_span(shifts)}{acc}"
    if isinstance(op, q.QAddOp):
        return (
            f"{out}, ka {op.lhs_mul_log2.value.data}, "
            f"kb {op.rhs_mul_log2.value.data}, shift {op.shift.value.data}"
        )
    if isinstance(op, q.QAvgPoolOp):
        return f"{out}, m {op.multiplier.value.data}, shift {op.shift.value.data}"
    if isinstance(op, q.QRescaleOp):
        return f"{out}, k {op.mul_log2.value.data}, shift {op.shift.value.data}"
    return out


def _frac_bits_of(value: object) -> str:
    owner = getattr(value, "owner", None)
    prop = owner.properties.get("frac_bits") if isinstance(owner, Operation) else None
    return "?" if prop is None else str(prop.value.data)  # type: ignore[attr-defined]


def sqnr_db(ours: np.ndarray, ref: np.ndarray) -> float:
    """`10 log10(sum(ref^2) / sum((ours - ref)^2))`; inf when equal, -inf
    when the reference is all zero and ours is not."""
    ours = ours.astype(np.float64)
    ref = ref.astype(np.float64)
    noise = float(np.sum((ours - ref) ** 2))
    signal = float(np.sum(ref**2))
    if noise == 0.0:
        return math.inf
    if signal == 0.0:
        return -math.inf
    return 10.0 * math.log10(signal / noise)


def layer_report(
    model: ModuleOp | str | Path | Any,
    inputs: Mapping[str, np.ndarray] | np.ndarray,
    calibration: Mapping[str, np.ndarray] | np.ndarray | str | Path | None = None,
    percentile: float = 100.0,
    passes: Sequence[ModulePass] = (),
    options: QuantOptions | None = None,
) -> list[LayerNumerics]:
    """The per-layer report of a model (an `.onnx` path, an
    `onnx.ModelProto` or an imported float module) quantised with
    `calibration` as `n64c compile` would, run on `inputs` (float32: an
    array for a one-input model or a dict keyed by input name, leading batch
    axis allowed). `n64c.layer_report` is this function.

    `passes` run on the quantised graph after the quantiser (a quantisation
    experiment of your own, for example); they may change the formats and
    constants of the layers, and each layer they keep is compared with the
    float tensor it stood for. `options` (percentile, headroom, margin)
    replace `percentile` when given."""
    from n64c.api import _import
    from n64c.ir_io import ir_context
    from n64c.passes.n64_cleanup import N64CleanupPass
    from n64c.passes.quantize_int16 import QuantOptions, quantize_int16_traced
    from n64c.sim.float_engine import find_main, input_names

    _, module = _import(model)
    if not isinstance(inputs, Mapping):
        names = input_names(find_main(module))
        if len(names) != 1:
            raise InvalidInputError(
                f"the model has inputs {names}: give a dict keyed by input name"
            )
        inputs = {names[0]: np.asarray(inputs)}
    cleaned = module.clone()
    N64CleanupPass().apply(ir_context(), cleaned)
    quantized = cleaned.clone()
    calib = dict(calibration) if isinstance(calibration, Mapping) else calibration
    trace = quantize_int16_traced(quantized, calib, options or QuantOptions(percentile))
    if passes:
        _run_quantised_passes(quantized, passes)
    names = layer_names(quantized)
    tensors = [t for t in trace.tensors if t.int_value.owner in names]
    reference, _ = run_observed(
        trace.float_module, inputs, [t.float_value for t in tensors]
    )
    ours, overflow = run_observed(quantized, inputs, [t.int_value for t in tensors])
    rows: list[LayerNumerics] = []
    for tensor, ref, got in zip(tensors, reference, ours, strict=True):
        op = tensor.int_value.owner
        assert isinstance(op, Operation)
        counts = overflow.get(op, Overflow())
        rows.append(
            LayerNumerics(
                layer=names[op],
                op=op.name,
                formats=describe_formats(op),
                wrapped=counts.wrapped,
                saturated=counts.saturated,
                elements=counts.elements or int(got.size),
                sqnr_db=sqnr_db(dequantize(got, _out_frac_bits(op)), ref),
            )
        )
    return rows


def layer_report_of_pipeline(
    model: ModuleOp,
    inputs: Mapping[str, np.ndarray] | np.ndarray,
    calibration: Mapping[str, np.ndarray] | np.ndarray | str | Path | None,
    passes: Sequence[ModulePass],
) -> list[LayerNumerics]:
    """The per-layer report of the float graph `model` compiled through
    `passes` (a whole pipeline): the passes before n64c's `quantize-int16`
    run on the float graph, the quantiser with its options, and the passes
    after it on the quantised graph, up to tiling."""
    from n64c.ir_io import ir_context
    from n64c.passes.quantize_int16 import QuantizeInt16Pass, QuantOptions
    from n64c.pipeline import GRAPH, pipeline_text, quantised_part, run_pipeline

    front = quantised_part(passes)
    at = [i for i, p in enumerate(front) if isinstance(p, QuantizeInt16Pass)]
    if len(at) != 1:
        raise InvalidInputError(
            "the per-layer report needs one quantize-int16 before tiling in the "
            f"pipeline; it runs: {pipeline_text(passes)}"
        )
    quantizer = front[at[0]]
    assert isinstance(quantizer, QuantizeInt16Pass)
    graph = model.clone()
    stage = run_pipeline(graph, front[: at[0]], ir_context()).stage
    if stage is not GRAPH:
        raise InvalidInputError(
            f"the per-layer report compares with the float graph; "
            f"{pipeline_text(front[: at[0]])} takes it to stage {stage.describe()}"
        )
    options = QuantOptions(
        float(quantizer.percentile),
        float(quantizer.headroom),
        None if quantizer.margin is None else float(quantizer.margin),
    )
    return layer_report(
        graph,
        inputs,
        quantizer.calibration or calibration,
        passes=front[at[0] + 1 :],
        options=options,
    )


def _run_quantised_passes(module: ModuleOp, passes: Sequence[ModulePass]) -> None:
    """Run `passes` on the quantised `module`, which must stay quantised."""
    from n64c.ir_io import ir_context
    from n64c.pipeline import QUANTISED, pipeline_text, run_pipeline

    stage = run_pipeline(module, passes, ir_context()).stage
    if stage is not QUANTISED:
        raise InvalidInputError(
            f"the per-layer report runs passes on the quantised graph; "
            f"{pipeline_text(passes)} takes it to stage {stage.describe()}"
        )


def _out_frac_bits(op: Operation) -> int:
    """The format of a layer op's result, as the op records it now."""
    attr = op.properties["frac_bits"]
    assert isinstance(attr, IntegerAttr)
    return attr.value.data


def format_layer_report(rows: list[LayerNumerics]) -> str:
    """The report as a plain-text table."""
    headers = ["layer", "op", "formats", "wrapped", "saturated", "SQNR dB"]
    cells = [
        [
            r.layer,
            r.op,
            r.formats,
            str(r.wrapped),
            f"{r.saturated}/{r.elements}" if r.saturated else "0",
            f"{r.sqnr_db:.1f}",
        ]
        for r in rows
    ]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(headers)]
    lines = []
    for row in [headers, ["-" * w for w in widths], *cells]:
        left = [row[i].ljust(widths[i]) for i in range(3)]
        right = [row[i].rjust(widths[i]) for i in range(3, len(row))]
        lines.append("  ".join(left + right).rstrip())
    return "\n".join(lines)


def overflow_warning(module: ModuleOp, inputs: Mapping[str, np.ndarray]) -> str | None:
    """One line naming the int16 layers of the quantised `module` whose
    accumulators wrapped or whose results saturated on `inputs` (golden
    model), or None when nothing did."""
    _, overflow = run_int_checked(module, inputs)
    return describe_overflow(module, overflow)


def describe_overflow(
    module: ModuleOp, overflow: Mapping[Operation, Overflow]
) -> str | None:
    """The warning of :func:`overflow_warning` from counts already taken."""
    names = layer_names(module)
    parts: list[str] = []
    for op, counts in overflow.items():
        what = []
        if counts.wrapped:
            what.append(f"{counts.wrapped} wrapped accumulator(s)")
        if counts.saturated:
            what.append(f"{counts.saturated} of {counts.elements} results saturated")
        if what:
            parts.append(f"{names.get(op, op.name)}: {', '.join(what)}")
    if not parts:
        return None
    return (
        "warning: int16 values went out of range on these inputs ("
        + "; ".join(parts)
        + "); calibrate with inputs like these (--calibration), and see "
        "`n64c run --layers` for each layer's error"
    )
