"""Parsing MLIR text safely: xDSL's parser with two guards.

Every place n64c reads MLIR text (`n64-opt`, `CompiledModel.load`) goes
through :func:`parse_mlir_module`, which

* fixes the regular expression of xDSL's lexer for string literals, whose
  nested repetition `(?:[^"...]+|...)*"` backtracks exponentially when a
  string has no closing quote (a truncated `dense<"0x...` took minutes for
  a few dozen hex digits); the replacement matches the same strings in
  linear time;
* checks that every operand is defined before its use, in a block that
  encloses the use (xDSL resolves forward references but does not check
  dominance, so ops in the wrong order reached the passes and broke them
  there);
* turns an internal failure of the parser on malformed text (for example
  the `AssertionError` "Unexpected token ..., expected R_PAREN" of a stray
  comma inside a custom op's syntax) into a `ParseError` at the token
  where parsing stopped, so the user gets the line and column, not a
  traceback.
"""

from __future__ import annotations

import re

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp
from xdsl.ir import Block, BlockArgument, Operation, OpResult, SSAValue
from xdsl.parser import Parser
from xdsl.utils.exceptions import DiagnosticException, ParseError, VerifyException
from xdsl.utils.mlir_lexer import MLIRLexer

from n64c.errors import N64cError

LINEAR_STRING_LITERAL = re.compile(r'"(?:[^"\\\n\v\f]|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*"')
"""xDSL's string-literal pattern without the nested `+` (same language)."""


def use_linear_string_lexer() -> None:
    """Make xDSL's MLIR lexer match string literals in linear time."""
    MLIRLexer._unescaped_characters_regex = LINEAR_STRING_LITERAL  # pyright: ignore[reportPrivateUsage]


use_linear_string_lexer()


def parse_mlir_module(
    ctx: Context, text: str, source: str, implicit_module: bool = True
) -> ModuleOp:
    """Parse `text` (named `source` in messages) into a module. Malformed
    text raises `ParseError` (with line and column); an op that refuses its
    operands or attributes may raise xDSL's `DiagnosticException` or an
    `N64cError`."""
    parser = Parser(ctx, text, source)
    try:
        module = parser.parse_module(implicit_module)
    except (ParseError, DiagnosticException, N64cError):
        raise
    except (RecursionError, MemoryError):
        raise ParseError(
            parser._current_token.span,  # pyright: ignore[reportPrivateUsage]
            "the IR is nested too deeply or too large to parse",
        ) from None
    except Exception as e:  # the parser's internal checks on malformed text
        raise ParseError(
            parser._current_token.span,  # pyright: ignore[reportPrivateUsage]
            unexpected_token_message(parser, e),
        ) from None
    check_defined_before_use(module)
    return module


def unexpected_token_message(parser: Parser, error: Exception) -> str:
    """What to tell the user about the token where `error` stopped the parser."""
    token = parser._current_token.text  # pyright: ignore[reportPrivateUsage]
    shown = repr(token) if token else "the end of the input"
    reason = (str(error).strip().splitlines() or [""])[0]
    if isinstance(error, AssertionError) or not reason or isinstance(error, KeyError):
        return f"unexpected {shown}"
    return f"unexpected {shown} ({reason})"


def check_defined_before_use(module: ModuleOp) -> None:
    """Raise `VerifyException` for an operand used before its definition or
    outside the block that defines it (the bodies of `builtin.module`, a
    graph region, and multi-block regions are not checked)."""
    order: dict[Operation, int] = {}
    for op in module.walk():
        for index, operand in enumerate(op.operands):
            problem = _scope_problem(op, operand, order)
            if problem:
                raise VerifyException(
                    f"{where(op)} (`{op.name}`): operand {index} {problem}"
                )


def _index(block: Block, order: dict[Operation, int]) -> None:
    for i, op in enumerate(block.ops):
        order[op] = i


def _scope_problem(
    user: Operation, value: SSAValue, order: dict[Operation, int]
) -> str | None:
    if isinstance(value, OpResult):
        definer: Operation | None = value.op
        block = value.op.parent_block()
    elif isinstance(value, BlockArgument):
        definer, block = None, value.block
    else:
        return None
    if block is None or isinstance(block.parent_op(), ModuleOp):
        return None
    region = block.parent_region()
    if region is not None and len(region.blocks) > 1:
        return None  # a CFG region: dominance across blocks is not checked
    ancestor: Operation | None = user
    while ancestor is not None and ancestor.parent_block() is not block:
        ancestor = ancestor.parent_op()
    if ancestor is None:
        return "is defined in a region that does not enclose this use"
    if definer is None:
        return None
    if definer is ancestor:
        return "is the result of the op itself (or of an op that encloses it)"
    if definer not in order:
        _index(block, order)
    if order[definer] > order[ancestor]:
        return f"is used before it is defined ({where(definer)}, `{definer.name}`)"
    return None


def where(op: Operation) -> str:
    """`@main, op 3` (the op's place in its function's body), or its name."""
    path: list[Operation] = [op]
    while (parent := path[-1].parent_op()) is not None and not isinstance(
        parent, FuncOp | ModuleOp
    ):
        path.append(parent)
    parent = path[-1].parent_op()
    block = path[-1].parent_block()
    if isinstance(parent, FuncOp) and block is not None:
        index = next(i for i, o in enumerate(block.ops) if o is path[-1])
        return f"@{parent.sym_name.data}, op {index + 1}"
    return f"`{op.name}`"
