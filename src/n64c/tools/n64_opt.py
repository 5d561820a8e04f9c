"""`n64-opt`: xDSL's `xdsl-opt` with n64c's dialects, passes, targets and inputs.

Everything `xdsl-opt` accepts works unchanged (`-p`, `-t`, `-o`,
`--split-input-file`, `--print-op-generic`, `--verify-diagnostics`, ...).
On top of that:

* inputs: `.mlir` (xDSL/MLIR text), `.onnx` (ONNX models, through
  `n64c.frontend.onnx.import_onnx`) and `.S` / `.s` (libdragon-syntax RSP
  assembly, through `n64c.backend.rsp_asm.parse_asm`); `-f` overrides the
  choice made from the file extension;
* binary targets: a target class that defines
  `emit_binary(self, ctx, module) -> bytes` has those bytes written, not text;
* errors: user mistakes (`N64cError`, xDSL parse and verify errors, failing
  passes) print one `error: ...` message and exit 1 without a traceback;
* `-o FILE` is written through a temporary file renamed on success, so a
  failing run leaves an existing FILE untouched.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from io import StringIO
from pathlib import Path
from typing import IO, TypeVar, cast

import typer
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.arg_spec import parse_spec
from xdsl.utils.exceptions import (
    ArgSpecParseError,
    DiagnosticException,
    ParseError,
    ShrinkException,
)
from xdsl.utils.target import Target
from xdsl.xdsl_opt_main import xDSLOptMain

from n64c import __version__
from n64c.errors import AsmError, InvalidInputError, N64cError
from n64c.mlir_text import parse_mlir_module
from n64c.tools.cli_common import user_errors, write_atomically
from n64c.universe import N64C_UNIVERSE, check_plugin_universes

TEXT_FRONTENDS = ("mlir", "S", "s")
"""Input kinds that are text, so `--split-input-file` can cut them."""

BinaryEmitter = Callable[[Context, ModuleOp], bytes]

T = TypeVar("T")


def guarded_loader(kind: str, name: str, factory: Callable[[], T]) -> Callable[[], T]:
    """`factory`, turning a failure to import its module into an `N64cError`
    that names the pass or target (one line, no traceback)."""

    def load() -> T:
        try:
            return factory()
        except N64cError:
            raise
        except Exception as e:
            reason = (str(e).strip().splitlines() or [""])[0]
            raise N64cError(
                f"{kind} '{name}' failed to load: {type(e).__name__}: {reason}"
            ) from None

    return load


def diagnostic_message(error: BaseException) -> str:
    """xDSL's diagnostic text for `error`, location first, notes appended."""
    if isinstance(error, ParseError):
        context = error.span.print_with_context().split("\n", 1)[1]
        return f"{error.span.get_location()}: {error.msg}\n{context}".rstrip()
    notes: list[str] = list(getattr(error, "__notes__", []))
    return "\n".join([str(error), *notes]).rstrip()


class OutputSink:
    """Where the program goes: straight to stdout, or collected for `-o FILE`.

    A file is written once, by `commit`, after every chunk succeeded.
    """

    def __init__(self, path: str | None) -> None:
        self.path = None if path is None else Path(path)
        self.text: list[str] = []
        self.binary: bytes | None = None

    def write_text(self, text: str) -> None:
        if self.binary is not None:
            raise N64cError(
                "a binary target produces one output; drop --split-input-file"
            )
        if self.path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            self.text.append(text)

    def write_binary(self, data: bytes) -> None:
        if self.binary is not None or self.text:
            raise N64cError(
                "a binary target produces one output; drop --split-input-file"
            )
        self.binary = data
        if self.path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()

    def commit(self) -> None:
        if self.path is None:
            return
        write_atomically(
            self.path, self.binary if self.binary is not None else "".join(self.text)
        )


class N64OptMain(xDSLOptMain):
    """The `n64-opt` driver: `xDSLOptMain` plus n64c's universe and frontends."""

    version_format = f"n64-opt {__version__} built from xdsl version {{xdsl_version}}"

    def __init__(
        self,
        description: str = "n64c modular optimizer driver",
        args: Sequence[str] | None = None,
    ) -> None:
        check_plugin_universes()
        try:
            super().__init__(description=description, args=args)
        except ArgSpecParseError as e:
            raise N64cError(str(e)) from None

    # --- registration -------------------------------------------------------

    def register_all_dialects(self) -> None:
        super().register_all_dialects()
        registered = set(self.ctx.registered_dialect_names)
        for name, factory in N64C_UNIVERSE.all_dialects.items():
            if name not in registered:
                self.ctx.register_dialect(name, factory)

    def register_all_passes(self) -> None:
        super().register_all_passes()
        # xDSL registers n64c's passes too (entry point); ours get the guard
        for name, factory in N64C_UNIVERSE.all_passes.items():
            self.available_passes[name] = guarded_loader("pass", name, factory)

    def register_all_targets(self) -> None:
        super().register_all_targets()
        for name, factory in N64C_UNIVERSE.all_targets.items():
            self.available_targets[name] = guarded_loader("target", name, factory)

    def register_all_frontends(self) -> None:
        super().register_all_frontends()
        self.available_frontends["mlir"] = self.parse_mlir
        self.available_frontends["onnx"] = self.parse_onnx
        self.available_frontends["S"] = self.parse_rsp_asm
        self.available_frontends["s"] = self.parse_rsp_asm

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.epilog = (
            "Inputs: .mlir, .onnx (ONNX model), .S/.s (RSP assembly). "
            "`-p n64-cleanup` runs the graph clean-up passes."
        )

    # --- frontends ----------------------------------------------------------

    def parse_onnx(self, io: IO[bytes]) -> ModuleOp:
        """Import an ONNX model (read from the input path when there is one)."""
        from n64c.frontend.onnx import import_onnx

        name = getattr(io, "name", None)
        if isinstance(name, str) and os.path.isfile(name):
            return import_onnx(name)
        # stdin: the importer reads files, so go through a temporary one
        with tempfile.TemporaryDirectory(prefix="n64-opt-") as tmp:
            path = Path(tmp) / "stdin.onnx"
            path.write_bytes(io.read())
            try:
                return import_onnx(path)
            except N64cError as e:  # name the input, not the temporary file
                raise type(e)(e.message.replace(str(path), "<stdin>")) from None

    def read_text(self, io: IO[bytes]) -> str:
        """The input as text; binary input is a one-line error."""
        try:
            return io.read().decode("utf-8")
        except UnicodeDecodeError as e:
            raise InvalidInputError(
                f"{self.get_input_name()}: not UTF-8 text (byte {e.start}); "
                "is it a binary file?"
            ) from None

    def parse_mlir(self, io: IO[bytes]) -> ModuleOp:
        """Parse MLIR text (xDSL's frontend, after the text check)."""
        return parse_mlir_module(
            self.ctx,
            self.read_text(io),
            self.get_input_name(),
            not self.args.no_implicit_module,
        )

    def parse_rsp_asm(self, io: IO[bytes]) -> ModuleOp:
        """Parse libdragon-syntax RSP assembly into the `rsp` dialect."""
        from n64c.backend.rsp_asm import parse_asm

        return parse_asm(self.read_text(io), self.get_input_name())

    # --- pipeline and input -------------------------------------------------

    def setup_pipeline(self) -> None:
        try:
            super().setup_pipeline()
        except ValueError as e:
            raise N64cError(f"pass pipeline: {e}") from None

    def prepare_input(self):
        extension = self.args.frontend
        if extension is None and self.args.input_file is not None:
            extension = os.path.splitext(self.args.input_file)[1].lstrip(".")
        if extension is not None and extension not in self.available_frontends:
            kinds = ", ".join(f".{k}" for k in self.available_frontends)
            raise InvalidInputError(
                f"{self.args.input_file}: unknown input kind '.{extension}' "
                f"(expected {kinds}, or choose one with -f)"
            )
        if self.args.split_input_file and extension not in (None, *TEXT_FRONTENDS):
            raise InvalidInputError(
                f"--split-input-file needs text input, not '.{extension}'"
            )
        return super().prepare_input()

    # --- output -------------------------------------------------------------

    def make_target(self) -> Target | Callable[[ModuleOp, IO[str]], None]:
        """The chosen `-t` target, configured from its spec and the print flags."""
        spec = parse_spec(self.args.target)
        entry = self.available_targets[spec.name]
        if inspect.signature(entry).parameters:
            return cast(Callable[[ModuleOp, IO[str]], None], entry)
        factory = cast(Callable[[], type[Target]], entry)
        try:
            target = factory().from_spec(spec)
        except ValueError as e:
            raise N64cError(f"target {spec.name}: {e}") from None
        if spec.name == "mlir":
            target = dataclasses.replace(
                target,
                **{
                    "print_generic_format": self.args.print_op_generic,
                    "print_properties_as_attributes": self.args.print_no_properties,
                    "print_debuginfo": self.args.print_debuginfo,
                    "syntax_highlight": self.args.syntax_highlight,
                },
            )
        return target

    def emit(self, module: ModuleOp, sink: OutputSink) -> None:
        """Write `module` through the target: bytes if it has `emit_binary`."""
        target = self.make_target()
        emit_binary = cast(BinaryEmitter | None, getattr(target, "emit_binary", None))
        if emit_binary is not None:
            data = emit_binary(self.ctx, module)
            if not isinstance(data, bytes | bytearray):
                raise TypeError(
                    f"{type(target).__name__}.emit_binary must return bytes"
                )
            sink.write_binary(bytes(data))
            return
        output = StringIO()
        if isinstance(target, Target):
            target.emit(self.ctx, module, output)
        else:
            target(module, output)
        sink.write_text(output.getvalue())

    def output_resulting_program(self, prog: ModuleOp) -> str:
        sink = OutputSink(path="")  # collects text; never committed
        self.emit(prog, sink)
        if sink.binary is not None:
            raise N64cError(f"target {self.args.target} produces bytes, not text")
        return "".join(sink.text)

    # --- the run ------------------------------------------------------------

    def run(self) -> None:
        """Parse, transform and print each chunk; write `-o` only on success."""
        chunks, file_extension = self.prepare_input()
        sink = OutputSink(self.args.output_file)
        try:
            for i, (chunk, offset) in enumerate(chunks):
                try:
                    if i > 0:
                        sink.write_text("// -----\n")
                    self.run_chunk(chunk, file_extension, offset, sink)
                finally:
                    chunk.close()
        except ShrinkException:
            assert self.args.shrink
            print("Success, can shrink")
            sys.exit(0)
        if self.args.shrink:
            print("Failure, can't shrink")
            sys.exit(1)
        sink.commit()

    def run_chunk(
        self, chunk: IO[bytes], file_extension: str, offset: int, sink: OutputSink
    ) -> None:
        """One chunk; with the diagnostics flags, errors are printed, not raised."""
        parsed = False
        try:
            try:
                module = self.parse_chunk(chunk, file_extension, offset)
            except AsmError as e:  # its lines count from the chunk's start
                raise e.moved_down(offset) from None
            parsed = True
            if module is not None:
                self.apply_passes(module)
                self.emit(module, sink)
        except ParseError as e:
            e.span = dataclasses.replace(e.span, line_offset=offset)
            if not self.args.parsing_diagnostics:
                raise N64cError(diagnostic_message(e)) from None
            print(e)
        except DiagnosticException as e:
            if not self.args.verify_diagnostics:
                raise N64cError(diagnostic_message(e)) from None
            print(e)
            for note in getattr(e, "__notes__", []):
                print(note)
        except N64cError as e:
            flag = (
                self.args.verify_diagnostics
                if parsed
                else self.args.parsing_diagnostics
            )
            if not flag:
                raise
            print(e.message)


@user_errors
def run_n64_opt(args: Sequence[str] | None = None) -> None:
    """Build the driver from `args` (default: the command line) and run it."""
    N64OptMain(args=args).run()


def main(args: Sequence[str] | None = None) -> None:
    """Console entry point of `n64-opt`."""
    try:
        run_n64_opt(args)
    except typer.Exit as e:
        sys.exit(e.exit_code)


if __name__ == "__main__":
    main()
