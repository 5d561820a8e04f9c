"""`n64c compile` and `n64c report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from n64c.errors import N64cError
from n64c.tools.cli_common import user_errors


@user_errors
def compile_command(
    model: Annotated[Path, typer.Argument(help="ONNX model")],
    output: Annotated[Path, typer.Option("-o", "--output", help="output directory")],
    calibration: Annotated[
        Path | None, typer.Option(help=".npy or .npz calibration data")
    ] = None,
    memory: Annotated[str, typer.Option(help="RDRAM size: 4MiB or 8MiB")] = "4MiB",
) -> None:
    """Compile a model to RSP microcode, MIPS C and a weights file."""
    raise N64cError("compilation to the RSP is not available in this build")


@user_errors
def report_command(
    target: Annotated[Path, typer.Argument(help="ONNX model or compiled directory")],
) -> None:
    """Print memory use, cycles and MACs per layer."""
    raise N64cError("reports are not available in this build")
