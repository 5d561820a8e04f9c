"""One model through several pass pipelines, side by side: RSP cycles,
memory, MACs per cycle and SQNR of the outputs against the float model.

    >>> rows = n64c.compare("mlp.onnx", {"default": n64c.default_pipeline(),
    ...                                  "mine": my_passes},
    ...                     calibration="calib.npy")      # doctest: +SKIP
    >>> print(format_comparison(rows))                    # doctest: +SKIP

`n64c compare MODEL --pipeline A --pipeline B` is the command-line form.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from n64c.errors import InvalidInputError

if TYPE_CHECKING:
    from xdsl.passes import ModulePass


@dataclass(frozen=True)
class PipelineResult:
    """One pipeline's numbers."""

    name: str
    """The pipeline's label (its text on the command line)."""
    cycles: int
    """RSP cycles per inference (cycle model)."""
    macs: int
    macs_per_cycle: float | None
    rdram_bytes: int
    """RDRAM in use: weights, activations, CPU scratch and constants."""
    dmem_peak_bytes: int
    imem_peak_bytes: int
    sqnr_db: float
    """Of all outputs of the RSP simulator against the float model."""


def compare(
    model: str | Path | Any,
    pipelines: Mapping[str, Sequence[ModulePass]],
    calibration: Any = None,
    inputs: np.ndarray | Mapping[str, np.ndarray] | None = None,
    memory: str = "4MiB",
) -> list[PipelineResult]:
    """Compile `model` (ONNX or float-graph IR) through each pipeline and
    measure it. SQNR is taken on `inputs` (an array for one-input models or
    a dict keyed by input name, with a leading batch axis); without them on
    the calibration data, or on n64c's synthetic calibration batch."""
    from n64c.api import _import, compile
    from n64c.pipeline import GRAPH, detect_stage
    from n64c.sim.float_engine import find_main, input_names, run_float

    if not pipelines:
        raise InvalidInputError("nothing to compare: give at least one pipeline")
    _, imported = _import(model)
    stage = detect_stage(imported)
    if stage is not GRAPH:
        raise InvalidInputError(
            f"comparing pipelines needs the float model (ONNX or IR at stage "
            f"'graph'), not IR at stage {stage.describe()}"
        )
    names = input_names(find_main(imported))
    feed = _feed(imported, names, inputs if inputs is not None else calibration)
    reference = run_float(imported, feed)
    results = []
    for label, passes in pipelines.items():
        cm = compile(imported, calibration, memory, passes=passes)
        outputs = cm.run_dict(feed, engine="sim")
        report = cm.report
        rsp, mem = report["rsp"], report["memory"]
        results.append(
            PipelineResult(
                name=label,
                cycles=int(rsp["cycles"]),
                macs=int(rsp["macs"]),
                macs_per_cycle=rsp["macs_per_cycle"],
                rdram_bytes=int(mem["rdram"]["total_bytes"]),
                dmem_peak_bytes=int(mem["dmem"]["peak_bytes"]),
                imem_peak_bytes=int(mem["imem"]["peak_bytes"]),
                sqnr_db=_sqnr(outputs, reference),
            )
        )
    return results


def _feed(module: Any, names: list[str], data: Any) -> dict[str, np.ndarray]:
    """Inputs keyed by name from an array, a dict, a path or nothing, checked
    and shaped as calibration data is (a `(B, 64)` array for a `[1, 64]`
    input is `B` inputs, as `--calibration` reads it)."""
    from n64c.passes.quantize_int16 import default_calibration, input_signature
    from n64c.sim.calibration import match_calibration, read_arrays
    from n64c.sim.float_engine import find_main, static_shape

    main = find_main(module)
    if data is None:
        shapes = [static_shape(a) for a in main.args]
        return {n: np.asarray(v) for n, v in default_calibration(names, shapes).items()}
    source = "inputs"
    if isinstance(data, str | Path):
        source = str(data)
        data = read_arrays(Path(data), "input")
    _, shapes = input_signature(main)
    return dict(match_calibration(data, names, shapes, source))


def _sqnr(
    outputs: Mapping[str, np.ndarray], reference: Mapping[str, np.ndarray]
) -> float:
    from n64c.sim.layer_report import sqnr_db

    ours = np.concatenate([np.ravel(outputs[n]) for n in reference])
    ref = np.concatenate([np.ravel(reference[n]) for n in reference])
    return sqnr_db(ours, ref)


def format_comparison(results: Sequence[PipelineResult]) -> str:
    """The results as a table, one column per pipeline."""
    rows = [
        ("RSP cycles", [str(r.cycles) for r in results]),
        ("MACs", [str(r.macs) for r in results]),
        (
            "MACs/cycle",
            [
                "-" if r.macs_per_cycle is None else f"{r.macs_per_cycle:.2f}"
                for r in results
            ],
        ),
        ("RDRAM bytes", [str(r.rdram_bytes) for r in results]),
        ("DMEM peak bytes", [str(r.dmem_peak_bytes) for r in results]),
        ("IMEM peak bytes", [str(r.imem_peak_bytes) for r in results]),
        ("SQNR vs float (dB)", [_db(r.sqnr_db) for r in results]),
    ]
    heads = [f"[{i + 1}]" for i in range(len(results))]
    width0 = max(len(r[0]) for r in rows)
    widths = [max(len(h), *(len(r[1][i]) for r in rows)) for i, h in enumerate(heads)]
    lines = [
        "  ".join(
            [" " * width0, *(h.rjust(w) for h, w in zip(heads, widths, strict=True))]
        )
    ]
    for label, cells in rows:
        lines.append(
            "  ".join(
                [
                    label.ljust(width0),
                    *(c.rjust(w) for c, w in zip(cells, widths, strict=True)),
                ]
            )
        )
    lines.append("")
    lines += [f"[{i + 1}] {r.name}" for i, r in enumerate(results)]
    return "\n".join(line.rstrip() for line in lines)


def _db(value: float) -> str:
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.1f}"
