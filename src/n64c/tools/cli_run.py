"""`n64c run MODEL.onnx|OUTDIR --input X.npy [-o Y.npy] [--engine E]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from n64c.tools.cli_common import user_errors
from n64c.tools.cli_pipeline import PipelineOption


@user_errors
def run_command(
    model: Annotated[Path, typer.Argument(help="ONNX model or compiled directory")],
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            "-i",
            help=".npy (one model input) or .npz keyed by input name; each "
            "array of the input's shape, or a batch of them on a leading axis",
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="write outputs to .npy/.npz")
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="float, int, sim (default), z64, native (the generated C built "
            "for the host, RSP runs on z64) or mupen64plus (the whole program as "
            "a ROM on the emulator)"
        ),
    ] = "sim",
    calibration: Annotated[
        Path | None,
        typer.Option(help=".npy or .npz calibration data (.onnx only)"),
    ] = None,
    reference: Annotated[
        bool, typer.Option(help="also run onnxruntime and compare")
    ] = False,
    layers: Annotated[
        bool,
        typer.Option(
            "--layers",
            help="also print each int16 layer's formats, wrapped and saturated "
            "values and SQNR against the float model on these inputs (.onnx only)",
        ),
    ] = False,
    pipeline: PipelineOption = None,
) -> None:
    """Run a model on one of n64c's engines (float32 in and out)."""
    from n64c.driver import run_cli

    run_cli(model, input, output, engine, calibration, reference, layers, pipeline)
