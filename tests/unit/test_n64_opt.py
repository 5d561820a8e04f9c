"""`n64-opt` in process: binary targets, errors, atomic output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.utils.target import Target

from n64c.errors import BudgetError
from n64c.tools.n64_opt import N64OptMain, main

PROGRAM = """\
func.func @f(%a: i32) -> i32 {
  %b = arith.addi %a, %a : i32
  func.return %b : i32
}
"""


@dataclass(frozen=True)
class OpCountTarget(Target):
    """A binary target for the test: one byte per op in the module."""

    name = "op-count-bin"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        raise AssertionError("a binary target must not be asked for text")

    def emit_binary(self, ctx: Context, module: ModuleOp) -> bytes:
        return bytes(len(list(module.walk())) * [0xA5])


class OptWithBinaryTarget(N64OptMain):
    def register_all_targets(self) -> None:
        super().register_all_targets()
        factory: Callable[[], type[Target]] = lambda: OpCountTarget  # noqa: E731
        self.available_targets["op-count-bin"] = factory


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "f.mlir"
    path.write_text(PROGRAM)
    return path


def main_with(cls: type[N64OptMain], args: list[str]) -> None:
    """Run `cls` the way `main` runs `N64OptMain`."""
    import n64c.tools.n64_opt as n64_opt

    original = n64_opt.N64OptMain
    n64_opt.N64OptMain = cls
    try:
        main(args)
    finally:
        n64_opt.N64OptMain = original


def test_n64c_passes_and_targets_are_registered() -> None:
    opt = N64OptMain(args=[])
    assert {"n64-cleanup", "fold-batchnorm", "canonicalize-reshapes"} <= set(
        opt.available_passes
    )
    assert {"rsp-asm", "rsp-bin", "c", "mlir"} <= set(opt.available_targets)
    assert {"n64", "rsp", "arith", "func"} <= set(opt.ctx.registered_dialect_names)
    assert {"mlir", "onnx", "S", "s"} <= set(opt.available_frontends)


def test_binary_target_writes_bytes_to_file(program: Path, tmp_path: Path) -> None:
    out = tmp_path / "f.bin"
    OptWithBinaryTarget(args=[str(program), "-t", "op-count-bin", "-o", str(out)]).run()
    # module, func, addi, return
    assert out.read_bytes() == bytes([0xA5] * 4)


def test_binary_target_writes_bytes_to_stdout(
    program: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    OptWithBinaryTarget(args=[str(program), "-t", "op-count-bin"]).run()
    assert capsysbinary.readouterr().out == bytes([0xA5] * 4)


def test_binary_target_refuses_split_input(program: Path, tmp_path: Path) -> None:
    program.write_text(PROGRAM + "// -----\n" + PROGRAM)
    out = tmp_path / "f.bin"
    out.write_bytes(b"old")
    with pytest.raises(SystemExit) as exit_info:
        main_with(
            OptWithBinaryTarget,
            [str(program), "--split-input-file", "-t", "op-count-bin", "-o", str(out)],
        )
    assert exit_info.value.code == 1
    assert out.read_bytes() == b"old"


def test_text_output_written_on_success(program: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mlir"
    main([str(program), "-o", str(out)])
    assert "arith.addi" in out.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.mlir", "out.mlir"]


def test_failing_run_keeps_existing_output(
    program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program.write_text(PROGRAM.replace("%a, %a", "%a, %missing"))
    out = tmp_path / "out.mlir"
    out.write_text("precious\n")
    with pytest.raises(SystemExit) as exit_info:
        main([str(program), "-o", str(out)])
    assert exit_info.value.code == 1
    assert out.read_text() == "precious\n"
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "Traceback" not in err
    # no temporary file left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.mlir", "out.mlir"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "no-such-pass"], "Unrecognized passes"),
        (["-p", "dce{bad=1}"], "bad"),
        (["-p", "dce{"], "pass pipeline"),
    ],
)
def test_pipeline_errors_are_one_message(
    program: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([str(program), *args])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err


def test_unknown_extension_and_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weird = tmp_path / "model.txt"
    weird.write_text("hello")
    with pytest.raises(SystemExit):
        main([str(weird)])
    assert "unknown input kind '.txt'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(tmp_path / "absent.mlir")])
    assert "no such file" in capsys.readouterr().err


def test_verify_diagnostics_prints_and_succeeds(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program.write_text(PROGRAM.replace("func.return %b : i32", "func.return"))
    main([str(program), "--verify-diagnostics"])
    out = capsys.readouterr().out
    assert "Expected arguments to have the same types" in out


@dataclass(frozen=True)
class OverBudgetPass(ModulePass):
    """A pass that always finds the model too big."""

    name = "over-budget"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        raise BudgetError("DMEM: 5000 bytes needed, 4096 available")


class OptWithFailingPass(N64OptMain):
    def register_all_passes(self) -> None:
        super().register_all_passes()
        factory: Callable[[], type[ModulePass]] = lambda: OverBudgetPass  # noqa: E731
        self.available_passes["over-budget"] = factory


def test_pass_raising_n64c_error_is_one_message(
    program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.mlir"
    out.write_text("old\n")
    with pytest.raises(SystemExit) as exit_info:
        main_with(
            OptWithFailingPass, [str(program), "-p", "over-budget", "-o", str(out)]
        )
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err == "error: DMEM: 5000 bytes needed, 4096 available\n"
    assert out.read_text() == "old\n"


def test_pass_error_under_verify_diagnostics(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_with(
        OptWithFailingPass, [str(program), "-p", "over-budget", "--verify-diagnostics"]
    )
    assert capsys.readouterr().out == "DMEM: 5000 bytes needed, 4096 available\n"


def _missing_module() -> type:
    from importlib import import_module

    return import_module("n64c.no_such_module").Missing


@pytest.mark.parametrize(
    ("table", "flag", "kind"),
    [("all_passes", "-p", "pass"), ("all_targets", "-t", "target")],
)
def test_unloadable_pass_or_target_is_one_line(
    table: str,
    flag: str,
    kind: str,
    program: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from n64c.universe import N64C_UNIVERSE

    monkeypatch.setitem(getattr(N64C_UNIVERSE, table), "broken", _missing_module)
    with pytest.raises(SystemExit) as exit_info:
        main([str(program), flag, "broken"])
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == (
        f"error: {kind} 'broken' failed to load: ModuleNotFoundError: "
        "No module named 'n64c.no_such_module'\n"
    )


def test_percentile_accepts_an_integer() -> None:
    from xdsl.utils.arg_spec import parse_spec

    from n64c.passes.n64_compile import N64CompilePass
    from n64c.passes.quantize_int16 import QuantizeInt16Pass

    spec = parse_spec("quantize-int16{percentile=99}")
    assert QuantizeInt16Pass.from_pass_spec(spec).percentile == 99
    spec = parse_spec("n64-compile{percentile=99.5}")
    assert N64CompilePass.from_pass_spec(spec).percentile == 99.5


def test_percentile_out_of_range_names_the_range(
    examples_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(examples_dir / "mlp_digits.onnx")
    with pytest.raises(SystemExit) as exit_info:
        main([model, "-p", "quantize-int16{percentile=200}"])
    assert exit_info.value.code == 1
    assert "percentile 200.0 must lie in (0, 100]" in capsys.readouterr().err
