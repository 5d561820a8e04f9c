"""`n64c compare` and `n64c.compare.compare`: pipelines side by side."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

import n64c
from n64c.compare import compare, format_comparison
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.pipeline import pipeline_index
from n64c.tools.n64c import app

runner = CliRunner()

SMALL_TILES = (
    "n64-cleanup,quantize-int16,tile-for-dmem{dmem=1024},allocate-dmem,"
    "plan-rdram,lower-to-rsp,rsp-allocate-registers,rsp-schedule"
)


def test_compare_in_python(examples_dir: Path) -> None:
    small = n64c.default_pipeline()
    small[pipeline_index(small, "tile-for-dmem")] = TileForDmemPass(dmem=1024)
    x = np.load(examples_dir / "mlp_digits_input.npy")
    results = compare(
        examples_dir / "mlp_digits.onnx",
        {"default": n64c.default_pipeline(), "small tiles": small},
        calibration=examples_dir / "mlp_digits_calib.npy",
        inputs=x,
    )
    default, tiles = results
    assert (default.name, tiles.name) == ("default", "small tiles")
    assert tiles.cycles > default.cycles
    assert tiles.macs == default.macs
    assert default.macs_per_cycle == round(default.macs / default.cycles, 3)
    # the same quantisation: the same outputs, the same SQNR
    assert math.isfinite(default.sqnr_db) and default.sqnr_db > 40
    assert tiles.sqnr_db == default.sqnr_db
    text = format_comparison(results)
    assert "[1] default" in text and "[2] small tiles" in text
    assert "RSP cycles" in text


def test_compare_command(examples_dir: Path) -> None:
    result = runner.invoke(
        app,
        [
            "compare", str(examples_dir / "mlp_digits.onnx"),
            "-p", "default", "-p", SMALL_TILES,
            "--calibration", str(examples_dir / "mlp_digits_calib.npy"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "model: mlp_digits.onnx"
    assert lines[1].split() == ["[1]", "[2]"]
    cycles = lines[2].split()
    assert cycles[:2] == ["RSP", "cycles"] and int(cycles[2]) < int(cycles[3])
    assert any(line.startswith("SQNR vs float (dB)") for line in lines)
    assert lines[-1] == f"[2] {SMALL_TILES}"


def test_compare_needs_two_pipelines(examples_dir: Path) -> None:
    result = runner.invoke(
        app, ["compare", str(examples_dir / "mlp_digits.onnx"), "-p", "default"]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: give two or more --pipeline options to compare"
    )


def test_compare_needs_the_float_model(examples_dir: Path, tmp_path: Path) -> None:
    from n64c.frontend.onnx import import_onnx
    from n64c.ir_io import ir_context
    from n64c.pipeline import run_pipeline

    module = import_onnx(examples_dir / "mlp_digits.onnx")
    run_pipeline(module, n64c.default_pipeline()[:2], ir_context())
    ir = tmp_path / "q.mlir"
    ir.write_text(str(module))
    result = runner.invoke(
        app, ["compare", str(ir), "-p", "default", "-p", SMALL_TILES]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: comparing pipelines needs the float model (ONNX or IR at stage "
        "'graph'), not IR at stage 'quantised' (after quantize-int16)"
    )


def test_compare_takes_inputs_shaped_as_calibration(examples_dir: Path) -> None:
    """`(B, 64)` inputs for a `[1, 64]` model input are `B` inputs, as for
    `--calibration`; the SQNR equals the one of `(B, 1, 64)` inputs."""
    x = np.load(examples_dir / "mlp_digits_input.npy").reshape(-1, 1, 64)
    pipelines = {"default": n64c.default_pipeline()}
    calib = examples_dir / "mlp_digits_calib.npy"
    model = examples_dir / "mlp_digits.onnx"
    (flat,) = compare(model, pipelines, calibration=calib, inputs=x.reshape(-1, 64))
    (nested,) = compare(model, pipelines, calibration=calib, inputs=x)
    assert math.isfinite(flat.sqnr_db) and flat.sqnr_db == nested.sqnr_db
