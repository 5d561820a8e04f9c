"""`n64c run --layers` and the warning about wrapped or saturated int16
values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from n64c.tools.n64c import app

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def cnn(examples_dir: Path, name: str) -> Path:
    return examples_dir / f"cnn_digits{name}"


def test_layers_table(examples_dir: Path) -> None:
    code, stdout, stderr = invoke(
        "run", cnn(examples_dir, ".onnx"), "--input", cnn(examples_dir, "_input.npy"),
        "--calibration", cnn(examples_dir, "_calib.npy"), "--engine", "int", "--layers",
    )  # fmt: skip
    assert code == 0, stderr
    assert stderr == ""  # typical inputs: nothing wrapped or saturated
    table = stdout[stdout.index("int16 layers against the float model") :]
    lines = table.splitlines()[1:]
    assert lines[0].split() == [
        "layer", "op", "formats", "wrapped", "saturated", "SQNR", "dB",
    ]  # fmt: skip
    rows = {line.split()[0]: line for line in lines[2:]}
    assert list(rows) == ["quantize0", "conv0", "maxpool0", "conv1", "gemm0"]
    for name in ("conv0", "conv1", "gemm0"):
        cells = rows[name].split()
        assert cells[1] in ("n64.qconv2d", "n64.qgemm")
        assert float(cells[-1]) >= 70.0  # SQNR against the float model
        assert cells[-3:-1] == ["0", "0"]  # nothing wrapped or saturated


def test_warning_names_the_layers_that_overflowed(
    examples_dir: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.npy"
    np.save(big, np.load(cnn(examples_dir, "_input.npy")) * 8.0)
    code, stdout, stderr = invoke(
        "run", cnn(examples_dir, ".onnx"), "--input", big,
        "--calibration", cnn(examples_dir, "_calib.npy"), "--engine", "int",
    )  # fmt: skip
    assert code == 0, stderr
    (warning,) = [line for line in stderr.splitlines() if line.strip()]
    assert warning.startswith("warning: int16 values went out of range")
    assert "quantize0:" in warning and "saturated" in warning
    assert "wrapped accumulator" in warning
    assert "logits" in stdout  # the outputs are still printed


@pytest.mark.parametrize("flag", ["--layers", "--reference"])
def test_layers_need_the_onnx_model(
    tmp_path: Path, examples_dir: Path, flag: str
) -> None:
    out = tmp_path / "out"
    code, _, stderr = invoke(
        "compile", cnn(examples_dir, ".onnx"), "-o", out,
        "--calibration", cnn(examples_dir, "_calib.npy"),
    )  # fmt: skip
    assert code == 0, stderr
    code, _, stderr = invoke(
        "run", out, "--input", cnn(examples_dir, "_input.npy"), flag
    )
    assert code == 1
    assert (
        stderr.strip()
        == f"error: {flag} needs the .onnx model, not a compiled directory"
    )


def test_layer_report_of_the_mlp_example(examples_dir: Path) -> None:
    import n64c

    x = np.load(examples_dir / "mlp_digits_input.npy")
    rows = n64c.layer_report(
        examples_dir / "mlp_digits.onnx", x, examples_dir / "mlp_digits_calib.npy"
    )
    assert [r.layer for r in rows] == ["quantize0", "gemm0", "gemm1", "gemm2"]
    assert all(r.wrapped == 0 and r.saturated == 0 for r in rows)
    assert all(r.sqnr_db >= 75.0 for r in rows)
    assert rows[1].formats.startswith("x ") and "shift" in rows[1].formats
