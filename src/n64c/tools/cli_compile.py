"""`n64c compile` and `n64c report`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from n64c.errors import InvalidInputError
from n64c.report_schema import REPORT_SCHEMA, check_report
from n64c.tools.cli_common import stderr_is_tty, user_errors
from n64c.tools.cli_pipeline import ModelInput, PipelineOption, open_model

if TYPE_CHECKING:
    from xdsl.passes import ModulePass

STAGES = 11
"""Progress lines of the default flow: import, seven passes (`allocate-dmem`
shows as part of `tile`), encode, count cycles, emit C."""


class StageLines:
    """Progress on stderr, one line per compiler stage (only on a tty)."""

    def __init__(self, enabled: bool, total: int = STAGES) -> None:
        self.enabled = enabled
        self.count = 0
        self.total = total

    def __call__(self, stage: str) -> None:
        self.count += 1
        if self.enabled:
            typer.echo(f"n64c: [{self.count}/{self.total}] {stage}", err=True)


@user_errors
def compile_command(
    model: Annotated[
        Path, typer.Argument(help="ONNX model, or .mlir IR at any stage of the flow")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="output directory")],
    calibration: Annotated[
        Path | None, typer.Option(help=".npy or .npz calibration data")
    ] = None,
    memory: Annotated[str, typer.Option(help="RDRAM size: 4MiB or 8MiB")] = "4MiB",
    pipeline: PipelineOption = None,
    weights: Annotated[
        str,
        typer.Option(
            help="where the weights live: rdram (loaded once), or rom (kept in "
            "the cartridge, each layer's weights streamed by PI DMA into two "
            "RDRAM staging slots while the RSP works)"
        ),
    ] = "rdram",
) -> None:
    """Compile a model to RSP microcode, MIPS C and a weights file."""
    from n64c.api import compile
    from n64c.output_dir import check_output_dir
    from n64c.passes.plan_rdram import check_weights_placement
    from n64c.pipeline import default_pipeline

    if not model.is_file():
        raise InvalidInputError(f"{model}: no such model file")
    if calibration is not None and not calibration.is_file():
        raise InvalidInputError(f"{calibration}: no such calibration file")
    check_output_dir(output)
    check_weights_placement(weights)
    if pipeline and weights != "rdram":
        raise InvalidInputError(
            "--weights applies to the default pipeline; with --pipeline give "
            "plan-rdram{weights=rom}"
        )
    given = open_model(model, pipeline, calibration)
    passes = (
        given.passes if pipeline else default_pipeline(memory=memory, weights=weights)
    )
    compiled = compile(
        given.model,
        calibration=calibration,
        memory=memory,
        progress=StageLines(stderr_is_tty(), progress_total(given, passes)),
        passes=passes,
        name=model.name,
    )
    compiled.save(output)
    rsp = compiled.report["rsp"]
    typer.echo(
        f"wrote {output}: {rsp['runs']} RSP run(s), {rsp['macs']} MACs, "
        f"{rsp['cycles']} RSP cycles per inference"
    )
    streamed = compiled.report["weights"]
    if streamed["placement"] == "rom":
        typer.echo("\n".join(format_weights(streamed)))
    if calibration is None and given.is_graph:
        typer.echo(NO_CALIBRATION_NOTE, err=True)


def progress_total(given: ModelInput, passes: list[ModulePass]) -> int:
    """How many progress lines compiling `given` through `passes` prints."""
    from n64c.api import PASS_STEPS
    from n64c.pipeline import GRAPH, continue_pipeline

    todo = continue_pipeline(given.stage or GRAPH, passes)
    return 4 + sum(1 for p in todo if PASS_STEPS.get(p.name, p.name) is not None)


NO_CALIBRATION_NOTE = (
    "note: no --calibration: the int16 formats assume inputs in [-1, 1] "
    "(larger inputs saturate); give typical inputs with --calibration"
)


@user_errors
def report_command(
    target: Annotated[
        Path,
        typer.Argument(help="ONNX model, .mlir IR at any stage, or compiled directory"),
    ],
    calibration: Annotated[
        Path | None, typer.Option(help=".npy or .npz calibration data (.onnx only)")
    ] = None,
    memory: Annotated[
        str, typer.Option(help="RDRAM size: 4MiB or 8MiB (.onnx only)")
    ] = "4MiB",
    as_json: Annotated[bool, typer.Option("--json", help="print the JSON")] = False,
    pipeline: PipelineOption = None,
    weights: Annotated[
        str, typer.Option(help="rdram or rom (.onnx / .mlir only; see compile)")
    ] = "rdram",
) -> None:
    """Print memory use, cycles and MACs per layer."""
    report = load_report(target, calibration, memory, pipeline, weights)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    try:
        text = format_report(report)
    except (KeyError, TypeError, ValueError) as e:
        raise InvalidInputError(
            f"{target}: report.json is damaged or incomplete ({type(e).__name__}: {e})"
        ) from None
    typer.echo(text)


def load_report(
    target: Path,
    calibration: Path | None,
    memory: str,
    pipeline: str | None = None,
    weights: str = "rdram",
) -> dict[str, Any]:
    """The report of a compiled directory, or of compiling an `.onnx` model
    or `.mlir` IR (through `pipeline`, default the default flow)."""
    from n64c.api import compile
    from n64c.passes.plan_rdram import check_weights_placement
    from n64c.pipeline import default_pipeline
    from n64c.report import MARKER_KEY, REPORT_FILE

    if target.is_dir():
        if pipeline is not None:
            raise InvalidInputError(
                "--pipeline applies to an .onnx model or .mlir IR, not a "
                "compiled directory"
            )
        if calibration is not None:
            raise InvalidInputError(
                "--calibration applies to an .onnx model, not a compiled directory"
            )
        path = target / REPORT_FILE
        if not path.is_file():
            raise InvalidInputError(f"{target}: not an n64c output directory")
        try:
            report = json.loads(path.read_text())
        except ValueError as e:
            raise InvalidInputError(f"{path}: unreadable ({e})") from None
        if not isinstance(report, dict) or MARKER_KEY not in report:
            raise InvalidInputError(
                f"{path}: not an n64c report (no {MARKER_KEY}); is {target} "
                "an n64c output directory?"
            )
        check_report(report, REPORT_SCHEMA, f"{target}: report.json")
        return report
    if not target.is_file():
        raise InvalidInputError(f"{target}: no such model file or directory")
    check_weights_placement(weights)
    given = open_model(target, pipeline, calibration)
    passes = (
        given.passes if pipeline else default_pipeline(memory=memory, weights=weights)
    )
    return compile(
        given.model,
        calibration=calibration,
        memory=memory,
        passes=passes,
        name=target.name,
    ).report


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
        for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [line(headers), rule, *(line(r) for r in rows)]


def format_report(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    mem = report["memory"]
    rdram = mem["rdram"]
    out = [f"model: {report['model']}", ""]
    rows = [
        ["RDRAM weights", str(rdram["weights_bytes"]), ""],
        ["RDRAM activations", str(rdram["activations_bytes"]), ""],
        ["RDRAM arena", str(rdram["arena_bytes"]), ""],
        ["RDRAM CPU scratch", str(rdram["scratch_bytes"]), ""],
        ["RDRAM CPU constants", str(rdram.get("cpu_constants_bytes", 0)), ""],
        ["RDRAM total", str(rdram["total_bytes"]), f"{mem['budget']}"],
        [
            "DMEM peak",
            str(mem["dmem"]["peak_bytes"]),
            str(mem["dmem"]["capacity_bytes"]),
        ],
        [
            "IMEM peak",
            str(mem["imem"]["peak_bytes"]),
            str(mem["imem"]["capacity_bytes"]),
        ],
    ]
    out += _table(["memory", "bytes", "budget"], rows)
    out.append("")
    layer_rows = [
        [
            str(layer["layer"]),
            str(layer["ucode"]),
            str(layer["macs"]),
            str(layer["cycles"]),
            "-"
            if layer.get("macs_per_cycle") is None
            else f"{layer['macs_per_cycle']:.2f}",
            str(layer.get("dmem_bytes", "")),
        ]
        for layer in report["layers"]
    ]
    rsp = report["rsp"]
    mpc = rsp["macs_per_cycle"]
    layer_rows.append(
        [
            "total",
            f"{rsp['runs']} run(s)",
            str(rsp["macs"]),
            str(rsp["cycles"]),
            "-" if mpc is None else f"{mpc:.2f}",
            "",
        ]
    )
    out += _table(
        ["layer", "ucode", "MACs", "cycles", "MACs/cycle", "DMEM"], layer_rows
    )
    out.append("")
    out.append(
        f"RSP time per inference: {rsp['time_us']} us at 62.5 MHz "
        f"(peak {rsp['peak_macs_per_cycle']} MACs/cycle)"
    )
    if report.get("cpu_ops"):
        out.append("on the CPU: " + ", ".join(report["cpu_ops"]))
    weights = report.get("weights")
    if weights is not None and weights["placement"] == "rom":
        out.append("")
        out += format_weights(weights)
    return "\n".join(out)


def format_weights(weights: dict[str, Any]) -> list[str]:
    """The table of weights streamed from the cartridge (report `weights`)."""
    rows = [
        [
            str(s["layer"]),
            str(s["bytes"]),
            str(s["pi_cycles"]),
            str(s["rsp_cycles"]),
            str(s["next_pi_cycles"]),
            "yes" if s["next_hidden"] else "no",
            str(s["stall_cycles"]),
        ]
        for s in weights["segments"]
    ]
    rows.append(
        [
            "total",
            str(weights["blob_bytes"]),
            str(weights["pi_dma_cycles"]),
            "",
            "",
            "",
            str(weights["exposed_stall_cycles"]),
        ]
    )
    out = [
        f"weights in the cartridge: {weights['blob_bytes']} bytes; RDRAM staging "
        f"{weights['staging_bytes']} bytes (slots "
        + " + ".join(str(b) for b in weights["staging_slots_bytes"])
        + f"), {weights['rdram_saved_bytes']} bytes of RDRAM saved",
        "",
    ]
    out += _table(
        ["streamed layer", "bytes", "PI cycles", "RSP cycles", "next PI", "hidden",
         "stall"],
        rows,
    )  # fmt: skip
    out.append("")
    out.append(
        f"PI DMA per inference: {weights['pi_dma_cycles']} cycles "
        f"({weights['pi_dma_us']} us); exposed stall {weights['exposed_stall_cycles']} "
        f"cycles; RSP + stall {weights['inference_cycles']} cycles"
        + ("" if weights["hidden"] else " (streaming does not hide behind the RSP)")
    )
    return out
