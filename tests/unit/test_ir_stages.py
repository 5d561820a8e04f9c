"""IR saved after any pass of the default flow continues through
`n64c compile`, `n64c run` and `n64c report` (and `n64c.compile`) to the
results of compiling the ONNX model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import n64c
from n64c.frontend.onnx import import_onnx
from n64c.ir_io import ir_context
from n64c.pipeline import (
    DEFAULT_PASS_NAMES,
    STAGES,
    continue_pipeline,
    detect_stage,
    run_pipeline,
)
from n64c.tools.n64c import app

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def stage_files(
    examples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The digits MLP saved after each pass of the default flow, by the name
    of the last pass run (`import`: as imported)."""
    tmp = tmp_path_factory.mktemp("stages")
    calib = np.load(examples_dir / "mlp_digits_calib.npy")
    module = import_onnx(examples_dir / "mlp_digits.onnx")
    files = {"import": tmp / "import.mlir"}
    files["import"].write_text(str(module))
    for p in n64c.default_pipeline():
        run_pipeline(module, [p], ir_context(), calibration=calib)
        files[p.name] = tmp / f"{p.name}.mlir"
        files[p.name].write_text(str(module))
    return files


@pytest.fixture(scope="module")
def reference(examples_dir: Path) -> n64c.CompiledModel:
    return n64c.compile(
        examples_dir / "mlp_digits.onnx",
        calibration=examples_dir / "mlp_digits_calib.npy",
    )


EXPECTED_STAGE = {
    "import": "graph",
    "n64-cleanup": "graph",
    "quantize-int16": "quantised",
    "tile-for-dmem": "tiled",
    "allocate-dmem": "allocated",
    "plan-rdram": "planned",
    "lower-to-rsp": "lowered",
    "rsp-allocate-registers": "registers",
    "rsp-schedule": "registers",
}


def test_stages_are_detected(stage_files: dict[str, Path]) -> None:
    from n64c.pipeline import load_ir

    for after, path in stage_files.items():
        assert detect_stage(load_ir(path)).name == EXPECTED_STAGE[after], after


def test_continuation_after_each_stage() -> None:
    passes = n64c.default_pipeline()
    for stage in STAGES:
        todo = [p.name for p in continue_pipeline(stage, passes)]
        start = 0 if stage.after is None else DEFAULT_PASS_NAMES.index(stage.after) + 1
        assert todo == list(DEFAULT_PASS_NAMES[start:])


@pytest.mark.parametrize("after", list(EXPECTED_STAGE))
def test_compile_from_each_stage_matches_onnx(
    after: str,
    stage_files: dict[str, Path],
    reference: n64c.CompiledModel,
    examples_dir: Path,
    tmp_path: Path,
) -> None:
    ir = stage_files[after]
    stage = EXPECTED_STAGE[after]
    calib = (
        ["--calibration", examples_dir / "mlp_digits_calib.npy"]
        if stage == "graph"
        else []
    )
    code, stdout, stderr = invoke("compile", ir, "-o", tmp_path / "out", *calib)
    assert code == 0, stderr
    assert stderr.splitlines()[0].startswith(f"n64c: {ir}: IR at stage '{stage}'")
    assert (tmp_path / "out" / "model.mlir").read_text() == str(reference.module) + "\n"
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["rsp"] == reference.report["rsp"]
    assert report["memory"]["rdram"] == reference.report["memory"]["rdram"]
    assert report["model"] == ir.name
    # report from the IR: the same numbers
    code, stdout, _ = invoke("report", ir, "--json", *calib)
    assert code == 0
    assert json.loads(stdout)["rsp"] == reference.report["rsp"]


@pytest.mark.parametrize("after", ["quantize-int16", "tile-for-dmem", "rsp-schedule"])
def test_run_sim_from_each_stage_matches_onnx(
    after: str,
    stage_files: dict[str, Path],
    reference: n64c.CompiledModel,
    examples_dir: Path,
    tmp_path: Path,
) -> None:
    x = examples_dir / "mlp_digits_input.npy"
    code, stdout, stderr = invoke(
        "run", stage_files[after], "-i", x, "--engine", "sim", "-o", tmp_path / "y.npy"
    )
    assert code == 0, stderr
    expected = reference.run(np.load(x), engine="sim")
    assert isinstance(expected, np.ndarray)
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), expected)
    assert f"RSP cycles per inference: {reference.last_cycles}" in stdout


def test_run_int_on_quantised_ir_is_the_golden_model(
    stage_files: dict[str, Path],
    reference: n64c.CompiledModel,
    examples_dir: Path,
    tmp_path: Path,
) -> None:
    x = examples_dir / "mlp_digits_input.npy"
    code, _, stderr = invoke(
        "run", stage_files["quantize-int16"], "-i", x, "--engine", "int",
        "-o", tmp_path / "y.npy",
    )  # fmt: skip
    assert code == 0, stderr
    expected = reference.run(np.load(x), engine="int")
    assert isinstance(expected, np.ndarray)
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), expected)


def test_run_float_on_graph_ir(
    stage_files: dict[str, Path], reference: n64c.CompiledModel, examples_dir: Path
) -> None:
    x = examples_dir / "mlp_digits_input.npy"
    code, stdout, stderr = invoke(
        "run", stage_files["import"], "-i", x, "--engine", "float"
    )
    assert code == 0, stderr
    assert "engine float" in stdout


@pytest.mark.parametrize(
    ("after", "engine", "message"),
    [
        (
            "quantize-int16",
            "float",
            "the float engine runs the float graph; {ir} is at stage 'quantised' "
            "(after quantize-int16): choose --engine int, sim or z64",
        ),
        (
            "tile-for-dmem",
            "int",
            "the int engine runs the quantised graph; {ir} is at stage 'tiled' "
            "(after tile-for-dmem): choose --engine sim or z64",
        ),
    ],
)
def test_engine_that_does_not_apply_is_clear(
    after: str,
    engine: str,
    message: str,
    stage_files: dict[str, Path],
    examples_dir: Path,
) -> None:
    ir = stage_files[after]
    x = examples_dir / "mlp_digits_input.npy"
    code, _, stderr = invoke("run", ir, "-i", x, "--engine", engine)
    assert code == 1
    assert stderr.splitlines()[-1] == "error: " + message.format(ir=ir)


def test_calibration_on_quantised_ir_is_refused(
    stage_files: dict[str, Path], examples_dir: Path, tmp_path: Path
) -> None:
    ir = stage_files["quantize-int16"]
    code, _, stderr = invoke(
        "compile", ir, "-o", tmp_path / "out",
        "--calibration", examples_dir / "mlp_digits_calib.npy",
    )  # fmt: skip
    assert code == 1
    assert stderr.strip() == (
        f"error: --calibration applies to a float graph; {ir} is at stage "
        "'quantised' (after quantize-int16), quantised already"
    )
    assert not (tmp_path / "out").exists()


def test_pipeline_without_the_stage_pass_is_clear(
    stage_files: dict[str, Path], tmp_path: Path
) -> None:
    ir = stage_files["tile-for-dmem"]
    code, _, stderr = invoke(
        "compile", ir, "-o", tmp_path / "out", "-p", "n64-cleanup,quantize-int16"
    )
    assert code == 1
    assert stderr.strip() == (
        "error: the IR is at stage 'tiled' (after tile-for-dmem), but the "
        "pipeline has no 'tile-for-dmem' pass to continue after "
        "(n64-cleanup,quantize-int16)"
    )


def test_ir_without_main_is_clear(tmp_path: Path) -> None:
    ir = tmp_path / "empty.mlir"
    ir.write_text("builtin.module {}\n")
    code, _, stderr = invoke("compile", ir, "-o", tmp_path / "out")
    assert code == 1
    assert stderr.strip().startswith(f"error: {ir}: no func.func @main in the module")


def test_api_compiles_ir_path(
    stage_files: dict[str, Path], reference: n64c.CompiledModel
) -> None:
    cm = n64c.compile(stage_files["plan-rdram"])
    assert cm.name == "plan-rdram.mlir"
    assert str(cm.module) == str(reference.module)
    assert cm.quantized is None and cm.imported is None
