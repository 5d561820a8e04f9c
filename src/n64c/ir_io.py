"""Reading IR back: the context with n64c's dialects, MLIR text parsed and
verified, and the checks of a compiled module's RDRAM layout.

    >>> from n64c.ir_io import parse_module                      # doctest: +SKIP
    >>> module = parse_module(text, "model.mlir")                 # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from n64c.errors import InvalidInputError


def check_rdram_layout(module: ModuleOp, source: str) -> None:
    """Check the `n64.rdram_layout` attribute of a compiled module read from
    `source`: one value of the right kind for each field of `RdramLayout`."""
    from dataclasses import MISSING, fields

    from xdsl.dialects.builtin import DictionaryAttr, IntegerAttr, StringAttr

    from n64c.backend.rsp_program import RdramLayout

    attr = module.attributes.get("n64.rdram_layout")
    if not isinstance(attr, DictionaryAttr):
        return  # build_rsp_program names the missing layout
    expected = {
        f.name: StringAttr if f.type in (str, "str") else IntegerAttr
        for f in fields(RdramLayout)
    }
    optional = {f.name for f in fields(RdramLayout) if f.default is not MISSING}
    unknown = sorted(set(attr.data) - set(expected))
    missing = sorted(set(expected) - set(attr.data) - optional)
    if unknown or missing:
        parts = [f"unknown {', '.join(unknown)}"] if unknown else []
        parts += [f"missing {', '.join(missing)}"] if missing else []
        raise InvalidInputError(
            f"{source}: damaged n64.rdram_layout ({'; '.join(parts)})"
        )
    for key, kind in expected.items():
        if key in attr.data and not isinstance(attr.data[key], kind):
            raise InvalidInputError(
                f"{source}: damaged n64.rdram_layout ({key} should be "
                f"{'a string' if kind is StringAttr else 'an integer'})"
            )


def read_ir_text(path: Path) -> str:
    """The MLIR text of `path`; anything but UTF-8 text is a clear error."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidInputError(
            f"{path}: not UTF-8 text (byte {e.start}); is the file damaged?"
        ) from None
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot read it ({e.strerror})") from None


def parse_module(text: str, source: str) -> ModuleOp:
    """Parse and verify MLIR text with n64c's dialects registered."""
    from xdsl.utils.exceptions import DiagnosticException, ParseError

    from n64c.mlir_text import parse_mlir_module

    ctx = ir_context()
    try:
        module = parse_mlir_module(ctx, text, source)
        module.verify()  # an edited file may break any op's invariants
    except ParseError as e:
        raise InvalidInputError(
            f"{e.span.get_location()}: cannot parse the IR ({e.msg})"
        ) from None
    except DiagnosticException as e:
        reason = (str(e).strip().splitlines() or ["invalid IR"])[0]
        raise InvalidInputError(f"{source}: invalid IR ({reason})") from None
    return module


def ir_context() -> Context:
    """A context with every xDSL dialect and n64c's registered."""
    from xdsl.universe import Universe

    from n64c.universe import N64C_UNIVERSE

    ctx = Context()
    for universe in (Universe.get_multiverse(), N64C_UNIVERSE):
        for name, factory in universe.all_dialects.items():
            if name not in ctx.registered_dialect_names:
                ctx.register_dialect(name, factory)
    return ctx
