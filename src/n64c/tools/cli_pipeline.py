"""What `n64c compile`, `run` and `report` share about pipelines and IR
input: the `--pipeline` option and `.mlir` files at any stage of the flow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from n64c.errors import InvalidInputError

if TYPE_CHECKING:
    import numpy as np
    from xdsl.dialects.builtin import ModuleOp
    from xdsl.passes import ModulePass

    from n64c.pipeline import Stage

PipelineOption = Annotated[
    str | None,
    typer.Option(
        "--pipeline",
        "-p",
        help="pass pipeline in n64-opt -p syntax (default: the default flow); "
        "passes of packages with an xdsl.universe entry point are found too",
    ),
]


@dataclass
class ModelInput:
    """A model given on the command line, ready for `n64c.compile`."""

    path: Path
    passes: list[ModulePass]
    module: ModuleOp | None = None
    """The parsed IR of an `.mlir` input (None for `.onnx`)."""
    stage: Stage | None = None
    """The stage the `.mlir` input is at."""

    @property
    def model(self) -> Path | ModuleOp:
        """What to hand to `n64c.compile`."""
        return self.path if self.module is None else self.module

    @property
    def is_graph(self) -> bool:
        """True if the input is a float graph (ONNX, or IR before quantisation)."""
        from n64c.pipeline import GRAPH

        return self.stage is None or self.stage is GRAPH


def is_ir(path: Path) -> bool:
    """True for an `.mlir` file name."""
    return Path(path).suffix == ".mlir"


def open_model(
    path: Path, pipeline: str | None, calibration: Path | None = None
) -> ModelInput:
    """Resolve `--pipeline` and read an `.mlir` input: its stage goes to
    stderr as one line; IR that cannot continue is a clear error."""
    from n64c.pipeline import continue_pipeline, detect_stage, load_ir, parse_pipeline
    from n64c.pipeline import stage_line as notice

    path = Path(path)
    passes = parse_pipeline(pipeline or "")
    if not is_ir(path):
        return ModelInput(path, passes)
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such IR file")
    module = load_ir(path)
    stage = detect_stage(module)
    continue_pipeline(stage, passes)  # raises if the pipeline cannot continue
    result = ModelInput(path, passes, module, stage)
    if calibration is not None and not result.is_graph:
        raise InvalidInputError(
            f"--calibration applies to a float graph; {path} is at stage "
            f"{stage.describe()}, quantised already"
        )
    typer.echo(notice(str(path), stage, passes), err=True)
    return result


@dataclass
class IrRun:
    """What `n64c run` on IR computed."""

    module: ModuleOp
    inputs: dict[str, np.ndarray]
    outputs: dict[str, np.ndarray]
    cycles: int | None
    warning: str | None


def run_ir(
    path: Path,
    input_path: Path,
    engine: str,
    calibration: Path | None,
    layers: bool,
    pipeline: str | None = None,
) -> IrRun:
    """`n64c run IR.mlir`: the inputs, the outputs, the RSP cycles per
    inference (`sim`) and the int16 overflow warning. Each engine runs the
    IR from the stages it applies to: `float` the float graph, `int` the
    float or the quantised graph, the RSP engines any stage."""
    from n64c.driver import _print_emulator_run, _warning, load_arrays, run_engine
    from n64c.pipeline import QUANTISED
    from n64c.sim.float_engine import find_main, input_names

    given = open_model(path, pipeline, calibration)
    passes = given.passes if pipeline is not None else None
    module, stage = given.module, given.stage
    assert module is not None and stage is not None
    inputs = load_arrays(input_path, input_names(find_main(module)), "input")
    where = f"{path} is at stage {stage.describe()}"
    if layers and not given.is_graph:
        raise InvalidInputError(
            f"--layers compares the int16 layers with the float graph; {where}"
        )
    if given.is_graph:
        outputs, cycles, warning = run_engine(
            module, inputs, engine, calibration, passes
        )
        return IrRun(module, inputs, outputs, cycles, warning)
    if engine == "float":
        raise InvalidInputError(
            f"the float engine runs the float graph; {where}: choose --engine "
            + ("int, sim or z64" if stage is QUANTISED else "sim or z64")
        )
    if engine == "int" and passes is not None and stage is QUANTISED:
        outputs, _, warning = run_engine(module, inputs, engine, None, passes)
        return IrRun(module, inputs, outputs, None, warning)
    if engine == "int":
        if stage is not QUANTISED:
            raise InvalidInputError(
                f"the int engine runs the quantised graph; {where}: choose "
                "--engine sim or z64"
            )
        from n64c.sim.int_engine import run_int_checked
        from n64c.sim.layer_report import describe_overflow

        outputs, overflow = run_int_checked(module, inputs)
        return IrRun(module, inputs, outputs, None, describe_overflow(module, overflow))
    from n64c.api import compile

    compiled = compile(module, name=path.name, passes=passes)
    outputs = compiled.run_dict(inputs, engine)
    _print_emulator_run(compiled)
    warning = _warning(compiled.quantized, inputs, engine)
    return IrRun(module, inputs, outputs, compiled.last_cycles, warning)
