"""`n64c compare MODEL --pipeline A --pipeline B`: two (or more) pass
pipelines side by side."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from n64c.errors import InvalidInputError
from n64c.tools.cli_common import user_errors

if TYPE_CHECKING:
    import numpy as np


@user_errors
def compare_command(
    model: Annotated[
        Path, typer.Argument(help="ONNX model, or .mlir IR at stage 'graph'")
    ],
    pipeline: Annotated[
        list[str],
        typer.Option(
            "--pipeline",
            "-p",
            help="a pass pipeline (n64-opt -p syntax; 'default' for the "
            "default flow); give two or more",
        ),
    ],
    calibration: Annotated[
        Path | None, typer.Option(help=".npy or .npz calibration data")
    ] = None,
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="inputs for the SQNR (.npy or .npz; default: the calibration data)",
        ),
    ] = None,
) -> None:
    """Compile a model through each pipeline and print RSP cycles, memory,
    MACs per cycle and SQNR against the float model side by side."""
    from n64c.compare import compare, format_comparison
    from n64c.pipeline import parse_pipeline

    for path in (model, calibration, input):
        if path is not None and not path.is_file():
            raise InvalidInputError(f"{path}: no such file")
    if len(pipeline) < 2:
        raise InvalidInputError("give two or more --pipeline options to compare")
    pipelines = {text: parse_pipeline(text) for text in pipeline}
    if len(pipelines) < len(pipeline):
        raise InvalidInputError("the same --pipeline is given twice")
    model_arg: Path | object = model
    if model.suffix == ".mlir":
        from n64c.pipeline import load_ir

        model_arg = load_ir(model)
    results = compare(
        model_arg,
        pipelines,
        calibration=calibration,
        inputs=_inputs(input, model_arg),
    )
    typer.echo(f"model: {model.name}")
    typer.echo(format_comparison(results))


def _inputs(
    path: Path | None, model: object
) -> np.ndarray | dict[str, np.ndarray] | None:
    del model
    if path is None:
        return None
    from n64c.sim.calibration import read_arrays

    data = read_arrays(path, "input")
    import numpy as np

    return data if isinstance(data, np.ndarray) else dict(data)
