"""`n64c compile`, `n64c run` and `n64c report` end to end, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from typer.testing import CliRunner

import n64c
from n64c.tools.n64c import app

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def compiled(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "mlp_out"
    code, stdout, stderr = invoke(
        "compile", examples_dir / "mlp_digits.onnx", "-o", out,
        "--calibration", examples_dir / "mlp_digits_calib.npy",
    )  # fmt: skip
    assert code == 0, stderr
    assert f"wrote {out}" in stdout
    assert stderr == ""  # no progress lines when stderr is not a terminal
    return out


EXPECTED_FILES = {
    "rsp_model.S",
    "rsp_model.imem.bin",
    "rsp_model.dmem.bin",
    "model.c",
    "model.h",
    "weights.bin",
    "model.mlir",
    "model.int16.mlir",
    "report.json",
}


def test_compile_writes_every_file(compiled: Path) -> None:
    assert {p.name for p in compiled.iterdir()} == EXPECTED_FILES
    assert (compiled / "rsp_model.S").read_text().startswith("#include <rsp.inc>")
    imem = (compiled / "rsp_model.imem.bin").read_bytes()
    assert 0 < len(imem) <= 4096 and len(imem) % 4 == 0
    assert b"\x00\x00\x00\x0d" in imem  # break
    assert "n64.rsp_invoke" in (compiled / "model.mlir").read_text()
    assert not any(p.name.startswith(".") for p in compiled.parent.iterdir())


def test_report_json_fields(compiled: Path) -> None:
    report = json.loads((compiled / "report.json").read_text())
    mem = report["memory"]
    assert mem["budget"] == "4MiB" and mem["budget_bytes"] == 4 << 20
    rdram = mem["rdram"]
    assert rdram["weights_bytes"] == (compiled / "weights.bin").stat().st_size
    assert rdram["activations_bytes"] > 0
    assert rdram["arena_bytes"] >= rdram["weights_bytes"] + rdram["activations_bytes"]
    assert (
        rdram["total_bytes"]
        == rdram["arena_bytes"] + rdram["scratch_bytes"] + rdram["cpu_constants_bytes"]
    )
    assert 0 < mem["dmem"]["peak_bytes"] <= 4096
    assert mem["imem"]["peak_bytes"] == (compiled / "rsp_model.imem.bin").stat().st_size
    layers = report["layers"]
    assert [layer["macs"] for layer in layers] == [64 * 64, 64 * 32, 32 * 10]
    assert all(layer["cycles"] > 0 and layer["dmem_bytes"] > 0 for layer in layers)
    rsp = report["rsp"]
    assert rsp["macs"] == sum(layer["macs"] for layer in layers)
    assert rsp["cycles"] == sum(layer["cycles"] for layer in layers)
    assert rsp["macs_per_cycle"] == pytest.approx(rsp["macs"] / rsp["cycles"], abs=1e-3)
    assert 0 < rsp["macs_per_cycle"] <= rsp["peak_macs_per_cycle"] == 8
    assert report["cpu_ops"] == ["n64.quantize", "n64.dequantize", "n64.softmax"]
    assert set(report["files"]) == EXPECTED_FILES


def test_report_command_table(compiled: Path) -> None:
    code, stdout, _ = invoke("report", compiled)
    assert code == 0
    report = json.loads((compiled / "report.json").read_text())
    assert "RDRAM weights" in stdout and "DMEM peak" in stdout and "IMEM peak" in stdout
    for layer in report["layers"]:
        assert any(
            line.split()[:4]
            == [
                layer["layer"],
                layer["ucode"],
                str(layer["macs"]),
                str(layer["cycles"]),
            ]
            for line in stdout.splitlines()
        )
    total = next(line for line in stdout.splitlines() if line.startswith("total"))
    assert total.split()[3:5] == [
        str(report["rsp"]["macs"]),
        str(report["rsp"]["cycles"]),
    ]


def test_report_of_onnx_model(examples_dir: Path) -> None:
    code, stdout, _ = invoke("report", examples_dir / "mlp_digits.onnx", "--json")
    assert code == 0
    report = json.loads(stdout)
    assert report["rsp"]["macs"] == 6464


def test_run_compiled_dir_engines_agree(
    compiled: Path, examples_dir: Path, tmp_path: Path
) -> None:
    x = examples_dir / "mlp_digits_input.npy"
    results = {}
    for engine in ("sim", "z64", "int"):
        out = tmp_path / f"{engine}.npy"
        code, stdout, stderr = invoke(
            "run", compiled, "--input", x, "--engine", engine, "-o", out
        )
        assert code == 0, stderr
        results[engine] = np.load(out)
        assert ("RSP cycles per inference:" in stdout) == (engine == "sim")
    assert results["sim"].shape == (8, 1, 10)
    assert np.array_equal(results["sim"], results["z64"])
    assert np.array_equal(results["sim"], results["int"])
    report = json.loads((compiled / "report.json").read_text())
    code, stdout, _ = invoke("run", compiled, "--input", x)
    assert f"RSP cycles per inference: {report['rsp']['cycles']}" in stdout


def test_run_onnx_with_sim_engine(examples_dir: Path) -> None:
    code, stdout, stderr = invoke(
        "run", examples_dir / "mlp_digits.onnx", "--input", examples_dir / "mlp_digits_input.npy",
        "--calibration", examples_dir / "mlp_digits_calib.npy", "--reference",
    )  # fmt: skip
    assert code == 0, stderr
    assert "RSP cycles per inference:" in stdout
    assert "top-1 agreement 100.0% of 8" in stdout


def test_api_matches_cli(compiled: Path, examples_dir: Path) -> None:
    x = np.load(examples_dir / "mlp_digits_input.npy")
    loaded = n64c.CompiledModel.load(compiled)
    fresh = n64c.compile(
        examples_dir / "mlp_digits.onnx",
        calibration=np.load(examples_dir / "mlp_digits_calib.npy"),
    )
    assert np.array_equal(loaded.run(x, engine="sim"), fresh.run(x, engine="sim"))
    assert loaded.last_cycles == fresh.last_cycles == fresh.report["rsp"]["cycles"]
    ref = fresh.run(x, engine="float")
    assert np.abs(fresh.run(x, engine="sim") - ref).max() < 1e-2
    with pytest.raises(
        n64c.errors.N64cError, match="float engine needs the imported model"
    ):
        loaded.run(x, engine="float")


# --- errors -------------------------------------------------------------------


def test_missing_model(tmp_path: Path) -> None:
    code, _, stderr = invoke("compile", tmp_path / "nope.onnx", "-o", tmp_path / "out")
    assert code == 1
    assert stderr.strip() == f"error: {tmp_path / 'nope.onnx'}: no such model file"
    assert not (tmp_path / "out").exists()


def _save(graph: onnx.GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


def test_unsupported_op(tmp_path: Path) -> None:
    graph = helper.make_graph(
        [helper.make_node("Erf", ["x"], ["y"], name="erf_1")],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])],
    )
    path = _save(graph, tmp_path / "erf.onnx")
    code, _, stderr = invoke("compile", path, "-o", tmp_path / "out")
    assert code == 1
    assert stderr.startswith("error: ") and "Erf" in stderr and "erf_1" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_model_too_big_for_4mib(tmp_path: Path) -> None:
    w = np.random.default_rng(0).standard_normal((1024, 2048)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w"], ["y"])],
        "big",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1024])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2048])],
        [numpy_helper.from_array(w, "w")],
    )
    path = _save(graph, tmp_path / "big.onnx")
    code, _, stderr = invoke(
        "compile", path, "-o", tmp_path / "out", "--memory", "4MiB"
    )
    assert code == 1
    assert "RDRAM budget of 4MiB" in stderr and "exceeded by" in stderr
    assert not (tmp_path / "out").exists()


def test_bad_memory_option(examples_dir: Path, tmp_path: Path) -> None:
    code, _, stderr = invoke(
        "compile",
        examples_dir / "mlp_digits.onnx",
        "-o",
        tmp_path / "o",
        "--memory",
        "6MiB",
    )
    assert code == 1 and "4MiB or 8MiB" in stderr


def test_output_dir_not_clobbered(examples_dir: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    code, _, stderr = invoke("compile", examples_dir / "mlp_digits.onnx", "-o", mine)
    assert code == 1 and "not an n64c output" in stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    # a file in the way
    (tmp_path / "afile").write_text("x")
    code, _, stderr = invoke(
        "compile", examples_dir / "mlp_digits.onnx", "-o", tmp_path / "afile"
    )
    assert code == 1 and "not a directory" in stderr


def test_failed_compile_keeps_earlier_output(compiled: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(compiled, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    code, _, stderr = invoke("compile", bad, "-o", out)
    assert code == 1 and stderr.startswith("error: ")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.onnx", "out"]


def test_recompile_replaces_earlier_output(
    compiled: Path, examples_dir: Path, tmp_path: Path
) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(compiled, out)
    (out / "stale.txt").write_text("from an older version")
    report = json.loads((out / "report.json").read_text())
    report["files"].append("stale.txt")  # an older compile wrote it
    (out / "report.json").write_text(json.dumps(report))
    code, _, stderr = invoke(
        "compile", examples_dir / "mlp_digits.onnx", "-o", out, "--memory", "8MiB"
    )
    assert code == 0, stderr
    assert {p.name for p in out.iterdir()} == EXPECTED_FILES
    assert json.loads((out / "report.json").read_text())["memory"]["budget"] == "8MiB"


def test_run_and_report_on_non_output_dir(tmp_path: Path) -> None:
    code, _, stderr = invoke("report", tmp_path)
    assert code == 1 and "not an n64c output directory" in stderr
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((1, 64), dtype=np.float32))
    code, _, stderr = invoke("run", tmp_path, "--input", x)
    assert code == 1 and "not an n64c output directory" in stderr


def test_model_without_rsp_layers(tmp_path: Path) -> None:
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "r",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])],
    )
    path = _save(graph, tmp_path / "relu.onnx")
    code, _, stderr = invoke("compile", path, "-o", tmp_path / "out")
    assert code == 1
    assert (
        stderr.strip()
        == "error: relu.onnx: no layer of the model runs on the RSP, so there is nothing to compile for it (its layers all stay on the CPU: n64.relu; docs/rsp-kernels.md lists what runs on the RSP)"
    )


def test_progress_lines_on_a_terminal(
    examples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from n64c.tools import cli_compile

    monkeypatch.setattr(cli_compile, "stderr_is_tty", lambda: True)
    code, _, stderr = invoke(
        "compile", examples_dir / "mlp_digits.onnx", "-o", tmp_path / "out",
        "--calibration", examples_dir / "mlp_digits_calib.npy",
    )  # fmt: skip
    assert code == 0
    lines = stderr.splitlines()
    assert lines[0] == f"n64c: [1/{cli_compile.STAGES}] import"
    assert lines[-1] == f"n64c: [{cli_compile.STAGES}/{cli_compile.STAGES}] emit C"
    assert len(lines) == cli_compile.STAGES


def test_api_runs_the_n64_compile_pipeline(examples_dir: Path) -> None:
    """`n64c.compile` runs the passes of `n64-compile` one by one (to keep
    the int16 graph and the DMEM use); the final IR must be the same."""
    from xdsl.context import Context

    from n64c.frontend.onnx import import_onnx
    from n64c.passes.n64_compile import N64CompilePass

    calib = examples_dir / "cnn_digits_calib.npy"
    module = import_onnx(examples_dir / "cnn_digits.onnx")
    N64CompilePass(calibration=str(calib)).apply(Context(), module)
    compiled = n64c.compile(examples_dir / "cnn_digits.onnx", calibration=calib)
    assert str(compiled.module) == str(module)


def test_compile_into_the_working_directory(
    compiled: Path, examples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    out = tmp_path / "here"
    shutil.copytree(compiled, out)
    (out / "rsp_model_old.S").write_text("; from an earlier multi-ucode build\n")
    report = json.loads((out / "report.json").read_text())
    report["files"].append("rsp_model_old.S")
    (out / "report.json").write_text(json.dumps(report))
    monkeypatch.chdir(out)
    code, _, stderr = invoke("compile", examples_dir / "mlp_digits.onnx", "-o", ".")
    assert code == 0, stderr
    assert {p.name for p in out.iterdir()} == EXPECTED_FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["here"]


def test_cpu_buffers_count_against_the_rdram_budget(tmp_path: Path) -> None:
    """A Gemm small enough for the RSP arena beside a CPU op on a large
    tensor: the CPU buffers take the program over 4 MiB, and the compile
    says so in one line (it used to check the RSP arena alone)."""
    w = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Gemm", ["x", "w"], ["y"]),
            helper.make_node("Sigmoid", ["big"], ["t1"]),
            helper.make_node("Tanh", ["t1"], ["t2"]),
            helper.make_node("Sigmoid", ["t2"], ["s"]),
        ],
        "cpu_heavy",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64]),
            helper.make_tensor_value_info("big", TensorProto.FLOAT, [1, 600_000]),
        ],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64]),
            helper.make_tensor_value_info("s", TensorProto.FLOAT, [1, 600_000]),
        ],
        [numpy_helper.from_array(w, "w")],
    )
    path = _save(graph, tmp_path / "cpu_heavy.onnx")
    code, _, stderr = invoke(
        "compile", path, "-o", tmp_path / "out", "--memory", "4MiB"
    )
    assert code == 1, stderr
    (line,) = stderr.strip().splitlines()
    assert "RDRAM budget of 4MiB" in line and "CPU ops' buffers" in line
    assert not (tmp_path / "out").exists()
    code, _, stderr = invoke(
        "compile", path, "-o", tmp_path / "out8", "--memory", "8MiB"
    )
    assert code == 0, stderr
