"""User mistakes on the command line and in the Python API: each one is a
single `error: ...` line (or an `N64cError`), a non-zero exit, no traceback,
and nothing the user had is overwritten or lost."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from n64c import __version__
from n64c.api import CompiledModel
from n64c.api import compile as compile_model
from n64c.errors import InvalidInputError, N64cError
from n64c.passes.plan_rdram import MIB, parse_memory
from n64c.tools import cli_common
from n64c.tools.n64_opt import main as n64_opt_main
from n64c.tools.n64c import app

runner = CliRunner()


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def assert_user_error(result: Result, *fragments: str) -> None:
    """Exit 1 with one `error:` line holding every fragment, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    assert result.exit_code == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def opt_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run `n64-opt`; it must fail with exit 1. Returns stderr."""
    with pytest.raises(SystemExit) as exit_info:
        n64_opt_main(list(args))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err, err
    return err


@pytest.fixture(scope="module")
def mlp(examples_dir: Path) -> CompiledModel:
    return compile_model(
        examples_dir / "mlp_digits.onnx",
        calibration=examples_dir / "mlp_digits_calib.npy",
    )


@pytest.fixture(scope="module")
def compiled_dir(mlp: CompiledModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mlp.save(tmp_path_factory.mktemp("cli_errors") / "out")


@pytest.fixture
def sample(examples_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "x.npy"
    np.save(path, np.load(examples_dir / "mlp_digits_input.npy")[0])
    return path


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"n64c {__version__}"


# --- inputs of `n64c run` and CompiledModel.run ------------------------------


@pytest.mark.parametrize(
    ("array", "fragment"),
    [
        (np.array(["a", "b"]), "dtype <U1"),
        (np.zeros((1, 64), np.complex64), "dtype complex64"),
        (np.zeros((0, 1, 64), np.float32), "empty batch"),
    ],
)
def test_run_rejects_inputs_that_are_not_real_numbers(
    compiled_dir: Path, tmp_path: Path, array: np.ndarray, fragment: str
) -> None:
    path = tmp_path / "bad.npy"
    np.save(path, array)
    assert_user_error(invoke("run", compiled_dir, "--input", path), fragment)


def test_run_rejects_nan_and_names_where(compiled_dir: Path, tmp_path: Path) -> None:
    x = np.zeros((2, 1, 64), np.float32)
    x[1, 0, 5] = np.nan
    path = tmp_path / "nan.npy"
    np.save(path, x)
    assert_user_error(invoke("run", compiled_dir, "--input", path), "NaN", "[1, 0, 5]")


@pytest.mark.parametrize("engine", ["int", "sim"])
def test_api_run_rejects_infinity(mlp: CompiledModel, engine: str) -> None:
    x = np.zeros((1, 64), np.float32)
    x[0, 0] = np.inf
    with pytest.raises(InvalidInputError, match="infinite"):
        mlp.run(x, engine=engine)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"hello, not numpy\n", "not a readable .npz file (not in numpy's"),
        (b"PK\x03\x04 truncated", "not a readable .npz file ("),
        (b"", "not a readable .npz file (not in numpy's"),
    ],
)
def test_run_input_file_that_is_not_numpy(
    compiled_dir: Path, tmp_path: Path, content: bytes, fragment: str
) -> None:
    path = tmp_path / "x.npz"
    path.write_bytes(content)
    assert_user_error(invoke("run", compiled_dir, "--input", path), fragment)


def test_calibration_as_a_list(examples_dir: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"has shape \(3,\), expected"):
        not_an_array: Any = [1.0, 2.0, 3.0]  # a plain list, as users pass
        compile_model(examples_dir / "mlp_digits.onnx", calibration=not_an_array)


def test_run_calibration_needs_an_onnx_model(compiled_dir: Path, sample: Path) -> None:
    result = invoke("run", compiled_dir, "--input", sample, "--calibration", sample)
    assert_user_error(result, "--calibration applies to an .onnx model")


def test_reference_when_onnxruntime_refuses_the_model(
    examples_dir: Path, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onnxruntime

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError(
            "[ONNXRuntimeError] : 1 : FAIL : Unsupported model IR version"
        )

    monkeypatch.setattr(onnxruntime, "InferenceSession", refuse)
    model = examples_dir / "mlp_digits.onnx"
    result = invoke("run", model, "--input", sample, "--engine", "float", "--reference")
    assert_user_error(result, "onnxruntime cannot run it", "Unsupported model IR")


def test_model_that_computes_nothing(tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "ident",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])],
    )
    path = tmp_path / "ident.onnx"
    onnx.save(helper.make_model(graph), path)
    assert_user_error(
        invoke("compile", path, "-o", tmp_path / "out"),
        "ident.onnx: no layer of the model runs on the RSP",
        "(it computes nothing from its inputs)",
    )


def test_unknown_non_batch_dimension(tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(np.ones((16, 4), np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "dyn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [w],
    )
    path = tmp_path / "dyn.onnx"
    onnx.save(helper.make_model(graph), path)
    assert_user_error(
        invoke("compile", path, "-o", tmp_path / "out"),
        "input 'x' has an unknown dimension at axis 1",
    )


def test_report_of_a_damaged_or_foreign_report(
    compiled_dir: Path, tmp_path: Path
) -> None:
    import json
    import shutil

    out = tmp_path / "out"
    shutil.copytree(compiled_dir, out)
    report = json.loads((out / "report.json").read_text())
    del report["rsp"]
    (out / "report.json").write_text(json.dumps(report))
    assert_user_error(invoke("report", out), "report.json is damaged or incomplete")
    (out / "report.json").write_text('{"memory": 1}')
    assert_user_error(invoke("report", out), "not an n64c report")
    assert_user_error(
        invoke("report", compiled_dir, "--calibration", out / "report.json"),
        "--calibration applies to an .onnx model",
    )


def test_run_on_a_damaged_compiled_directory(
    compiled_dir: Path, sample: Path, tmp_path: Path
) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(compiled_dir, out)
    (out / "model.mlir").write_text("builtin.module {\n  garbage\n}\n")
    assert_user_error(
        invoke("run", out, "--input", sample),
        "model.mlir:3:1: cannot parse the IR (Operation garbage",
    )


# --- output files --------------------------------------------------------------


def test_run_output_below_a_file(compiled_dir: Path, sample: Path) -> None:
    blocker = sample.parent / "afile"
    blocker.write_text("keep")
    result = invoke("run", compiled_dir, "--input", sample, "-o", blocker / "y.npy")
    assert_user_error(result, "afile is not a directory")
    assert blocker.read_text() == "keep"


def test_run_output_is_a_directory(compiled_dir: Path, sample: Path) -> None:
    target = sample.parent / "results"
    target.mkdir()
    result = invoke("run", compiled_dir, "--input", sample, "-o", target)
    assert_user_error(result, f"{target}: is a directory")
    assert list(target.iterdir()) == []


def test_run_output_onto_its_input(compiled_dir: Path, sample: Path) -> None:
    before = sample.read_bytes()
    result = invoke("run", compiled_dir, "--input", sample, "-o", sample)
    assert_user_error(result, "is also the input")
    assert sample.read_bytes() == before


def test_outputs_get_the_usual_permissions(
    compiled_dir: Path, sample: Path, examples_dir: Path
) -> None:
    old = os.umask(0o022)
    try:
        out = sample.parent / "y.npy"
        assert invoke("run", compiled_dir, "--input", sample, "-o", out).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o664)  # a replaced file keeps its mode
        assert invoke("run", compiled_dir, "--input", sample, "-o", out).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o664
        directory = sample.parent / "compiled"
        result = invoke("compile", examples_dir / "mlp_digits.onnx", "-o", directory)
        assert result.exit_code == 0, result.stderr
        assert stat.S_IMODE(directory.stat().st_mode) == 0o755
    finally:
        os.umask(old)


def test_unwritable_output_names_the_users_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli_common.tempfile, "mkstemp", denied)
    target = tmp_path / "y.bin"
    with pytest.raises(N64cError, match=f"{target}: cannot write it"):
        cli_common.write_atomically(target, b"data")


def test_recompile_keeps_files_it_did_not_write(
    examples_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    model = examples_dir / "mlp_digits.onnx"
    assert invoke("compile", model, "-o", out).exit_code == 0
    (out / "NOTES.txt").write_text("mine")
    (out / "data").mkdir()
    (out / "data" / "x.npy").write_bytes(b"x")
    assert invoke("compile", model, "-o", out, "--memory", "8MiB").exit_code == 0
    assert (out / "NOTES.txt").read_text() == "mine"
    assert (out / "data" / "x.npy").read_bytes() == b"x"
    assert '"8MiB"' in (out / "report.json").read_text()
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_compile_without_calibration_says_what_it_assumed(
    examples_dir: Path, tmp_path: Path
) -> None:
    model = examples_dir / "mlp_digits.onnx"
    result = invoke("compile", model, "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr.startswith("note: no --calibration: ")
    assert "[-1, 1]" in result.stderr


def test_recompile_never_overwrites_a_users_file(
    examples_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    model = examples_dir / "mlp_digits.onnx"
    assert invoke("compile", model, "-o", out).exit_code == 0
    report = out / "report.json"
    report.write_text(report.read_text().replace('"model.c",', ""))
    (out / "model.c").write_text("my own C")  # a name n64c writes, not listed
    result = invoke("compile", model, "-o", out)
    assert_user_error(result, "holds model.c, which n64c did not write")
    assert (out / "model.c").read_text() == "my own C"


# --- n64c asm / n64c sim --------------------------------------------------------


ASM = ".text\n  addi $t0, $zero, 1\n  break\n.data\n  .word 1, 2\n"


def test_asm_output_onto_its_source(tmp_path: Path) -> None:
    source = tmp_path / "p.S"
    source.write_text(ASM)
    assert_user_error(invoke("asm", source, "-o", source), "is also the input")
    assert_user_error(
        invoke("asm", source, "-o", tmp_path / "p.bin", "--dmem", source),
        "is also the input",
    )
    assert source.read_text() == ASM
    same = tmp_path / "same.bin"
    assert_user_error(
        invoke("asm", source, "-o", same, "--dmem", same), "name the same file"
    )
    assert not same.exists()


def test_sim_rejects_an_image_of_odd_length(tmp_path: Path) -> None:
    image = tmp_path / "odd.bin"
    image.write_bytes(b"\x00\x00\x00\x0d\x00\x00\x00")
    assert_user_error(invoke("sim", image), "7 bytes", "4-byte instructions")


def test_sim_dump_below_a_file(tmp_path: Path) -> None:
    source = tmp_path / "p.S"
    source.write_text(ASM)
    (tmp_path / "afile").write_text("keep")
    result = invoke("sim", source, "--dump-dmem", tmp_path / "afile" / "d.bin")
    assert_user_error(result, "afile is not a directory")


def test_asm_and_sim_of_a_program_without_code(tmp_path: Path) -> None:
    source = tmp_path / "data_only.S"
    source.write_text(".data\n  .word 1\n")
    assert_user_error(
        invoke("asm", source, "-o", tmp_path / "p.bin"), "data_only.S: no instructions"
    )
    assert not (tmp_path / "p.bin").exists()
    assert_user_error(invoke("sim", source), "data_only.S: no instructions")


def test_asm_imem_overflow_names_the_file(tmp_path: Path) -> None:
    source = tmp_path / "long.S"
    source.write_text(".text\n" + "  nop\n" * 1100 + "  break\n")
    assert_user_error(
        invoke("asm", source, "-o", tmp_path / "p.bin"), "long.S: the program's code"
    )


# --- n64-opt inputs ---------------------------------------------------------------


def test_n64_opt_binary_file_as_mlir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "x.mlir"
    path.write_bytes(b"\x93NUMPY\x01\x00")
    assert "x.mlir: not UTF-8 text (byte 0)" in opt_error(capsys, str(path))


def test_n64_opt_onnx_on_stdin_is_named_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    stdin = io.TextIOWrapper(io.BytesIO(b"not a model"))
    monkeypatch.setattr(sys, "stdin", stdin)
    err = opt_error(capsys, "-f", "onnx")
    assert err.startswith("error: <stdin>: not a valid ONNX model"), err


# --- pass options ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "fragment"),
    [
        ("dmem=100000", "dmem must lie in (0, 4096]"),
        ("dmem=0", "dmem must lie in (0, 4096]"),
        ("reserve=-1", "reserve must lie in [0, 4194304)"),
        ("reserve=5000000", "reserve must lie in [0, 4194304)"),
        ('memory="3000000"', "memory must be 4MiB or 8MiB"),
    ],
)
def test_n64_compile_options_out_of_range(
    capsys: pytest.CaptureFixture[str], examples_dir: Path, option: str, fragment: str
) -> None:
    pipeline = f"n64-compile{{{option}}}"
    err = opt_error(capsys, str(examples_dir / "mlp_digits.onnx"), "-p", pipeline)
    assert fragment in err


def test_rdram_overflow_mentions_the_expansion_pak(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    model = str(examples_dir / "mlp_digits.onnx")
    err = opt_error(capsys, model, "-p", "n64-compile{reserve=4190000}")
    assert "exceeded by" in err
    assert "memory 8MiB (with the Expansion Pak) gives 4198608 bytes" in err


def test_memory_as_a_number() -> None:
    assert parse_memory(8) == 8 * MIB
    assert parse_memory(str(4 * MIB)) == 4 * MIB
    with pytest.raises(InvalidInputError):
        parse_memory(3 * MIB)


def test_sim_z64_timeout_option(tmp_path: Path) -> None:
    source = tmp_path / "spin.S"
    source.write_text(".text\nspin:\n  j spin\n  nop\n")
    result = invoke("sim", source, "--engine", "z64", "--timeout", "0.5")
    assert_user_error(result, "0.5 s", "endless loop")
    assert_user_error(invoke("sim", source, "--timeout", "0"), "--timeout 0.0")
    assert_user_error(invoke("sim", source, "--timeout", "nan"), "--timeout nan")
