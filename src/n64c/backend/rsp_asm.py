"""libdragon-syntax RSP assembly: `parse_asm` (text to an `rsp` module) and
`print_asm` (module to text).

Accepted syntax (see `docs/dialects/rsp.md` for the full list):

* `#include <rsp.inc>` (other includes are rejected), `#define NAME tokens`,
  `#undef`, `.set noreorder|at|noat`, `.set NAME, expr`, `.equ NAME, expr`;
* comments `# ...`, `// ...`, `/* ... */`; `;` separates statements;
* GPRs by ABI name, `$name` or `$N`; vector registers `$v00`..`$v31` with
  `.v .q0 .q1 .h0-.h3 .e0-.e7` (and `.b0-.b15` where bytes are meant);
  `COP2_ACC_HI/MD/LO`, `COP0_*`, `COP2_CTRL_*`;
* expressions with `+ - * / % << >> & | ^ ~` and parentheses over decimal,
  hex (`0x`), binary (`0b`), octal (leading `0`) and character literals,
  constants, and labels (`label`, `label+4`, `%lo(label)`, `%hi(label)`);
* sections `.text` / `.data`, `.word .half .short .byte .space .skip .align
  .balign .ascii .asciz`, labels anywhere;
* pseudo-instructions `li la move b bal beqz bnez neg negu not`.

Every mistake raises `AsmError(message, line, column, source)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.utils.exceptions import VerifyException

from n64c.backend.rsp_build import Fields, ProgramBuilder
from n64c.dialects import rsp
from n64c.dialects.rsp_base import (
    BranchCompareOp,
    BranchLinkOp,
    BranchZeroOp,
    FieldVerifyException,
    FixedWordOp,
    ImmediateOp,
    JumpLinkOp,
    JumpLinkRegisterOp,
    JumpOp,
    JumpRegisterOp,
    MoveFromControlOp,
    MoveFromVectorOp,
    MoveToControlOp,
    MoveToVectorOp,
    RegRegOp,
    RspInstruction,
    RspOperation,
    ScalarLoadOp,
    ScalarStoreOp,
    ShiftImmOp,
    ShiftVariableOp,
    UpperImmediateOp,
    VectorAccReadOp,
    VectorComputeOp,
    VectorLaneOp,
    VectorMemoryOp,
    VectorNoOperandOp,
)
from n64c.dialects.rsp_types import (
    ACC_SLICE_BY_NAME,
    COMPUTE_ELEMENT_BY_SUFFIX,
    COP0_INDEX_BY_NAME,
    COP2_CTRL_INDEX_BY_NAME,
    GPR_INDEX_BY_NAME,
    GprType,
    SymbolExprAttr,
)
from n64c.errors import AsmError, N64cError

# region: tokens


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "id", "reg", "str", "mod" (%lo/%hi), "op"
    text: str
    col: int  # 1-based
    value: int = 0


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<reg>\$[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)
  | (?P<num>0[xX][0-9A-Fa-f]+|0[bB][01]+|[0-9]+)
  | (?P<chr>'(?:\\.|[^\\'])')
  | (?P<mod>%(?:lo|hi)\b)
  | (?P<id>[A-Za-z_.][A-Za-z0-9_.]*)
  | (?P<str>"(?:\\.|[^\\"])*")
  | (?P<op><<|>>|[-+*/%&|^~(),:;<>!=])
    """,
    re.VERBOSE,
)

_ESCAPES = {"n": "\n", "t": "\t", "0": "\0", "\\": "\\", "'": "'", '"': '"'}


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


# endregion

ELEMENT_MACRO = {  # e(x) of libdragon's rsp.inc, for computational elements
    "v": 0, "0q": 2, "1q": 3, "0h": 4, "1h": 5, "2h": 6, "3h": 7,
    **{str(i): 8 + i for i in range(8)},
}  # fmt: skip

VREG_RE = re.compile(r"\$v([0-9]{2})(?:\.([A-Za-z0-9_]+))?\Z")

PSEUDO_MNEMONICS = frozenset(
    {"li", "la", "move", "b", "bal", "beqz", "bnez", "neg", "negu", "not"}
)

IGNORED_DIRECTIVES = frozenset(
    {".globl", ".global", ".type", ".size", ".ent", ".end", ".func", ".endfunc",
     ".file", ".loc", ".local", ".weak", ".frame", ".mask", ".fmask", ".option",
     ".module", ".nan", ".gnu_attribute", ".abicalls"}
)  # fmt: skip


@dataclass(frozen=True)
class Sym:
    """A symbolic expression value: label + addend, maybe under %lo/%hi."""

    name: str
    addend: int
    modifier: str
    col: int


Value = int | Sym


class _Statement:
    """One statement: a mnemonic or directive and its operands."""

    def __init__(self, head: Token, operands: list[list[Token]]) -> None:
        self.head = head
        self.operands = operands


class _AsmParser:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.line = 0
        self.defines: dict[str, list[Token]] = {}
        self.builder = ProgramBuilder()
        self.labels: dict[str, tuple[int, int]] = {}
        self.label_refs: list[tuple[str, int, int]] = []

    # region: errors and tokens

    def error(self, message: str, col: int) -> AsmError:
        return AsmError(message, self.line, col, self.source)

    def tokenize(self, line: str) -> list[Token]:
        tokens: list[Token] = []
        pos = 0
        while pos < len(line):
            m = _TOKEN_RE.match(line, pos)
            if m is None:
                raise self.error(f"unexpected character {line[pos]!r}", pos + 1)
            kind = m.lastgroup
            assert kind is not None
            text = m.group()
            col = pos + 1
            pos = m.end()
            if kind == "ws":
                continue
            if kind == "num":
                if pos < len(line) and (line[pos].isalnum() or line[pos] == "_"):
                    end = re.compile(r"[A-Za-z0-9_]*").match(line, pos)
                    assert end is not None
                    bad = text + end.group()
                    if re.fullmatch(r"[0-3][qh]", bad):  # e(1q), e(2h) of rsp.inc
                        tokens.append(Token("id", bad, col))
                        pos = end.end()
                        continue
                    raise self.error(f"invalid number {bad!r}", col)
                tokens.append(Token("num", text, col, _parse_number(text)))
            elif kind == "chr":
                tokens.append(Token("num", text, col, ord(_unescape(text[1:-1]))))
            else:
                tokens.append(Token(kind, text, col))
        return tokens

    def expand(self, tokens: list[Token], depth: int = 0) -> list[Token]:
        """Replace `#define`d names by their tokens (at the name's column)."""
        if not self.defines:
            return tokens
        out: list[Token] = []
        for tok in tokens:
            body = self.defines.get(tok.text) if tok.kind in ("id", "reg") else None
            if body is None:
                out.append(tok)
                continue
            if depth > 32:
                raise self.error(f"#define {tok.text} expands recursively", tok.col)
            body = [Token(t.kind, t.text, tok.col, t.value) for t in body]
            out.extend(self.expand(body, depth + 1))
        return out

    # endregion

    # region: driver

    def parse(self) -> ModuleOp:
        lines = _strip_block_comments(self.text).split("\n")
        for self.line, raw in enumerate(lines, start=1):
            self.parse_line(raw)
        self.line = 0
        for name, line, col in self.label_refs:
            if name not in self.labels:
                raise AsmError(f"unknown label {name!r}", line, col, self.source)
        return self.builder.module

    def parse_line(self, raw: str) -> None:
        stripped = raw.lstrip()
        if stripped.startswith("#"):
            if self.preprocessor_line(raw):
                return
            return  # a `#` comment line
        code = _strip_line_comment(raw)
        tokens = self.expand(self.tokenize(code))
        statement: list[Token] = []
        for tok in [*tokens, Token("op", ";", len(code) + 1)]:
            if tok.kind == "op" and tok.text == ";":
                if statement:
                    self.parse_statement(statement)
                statement = []
            else:
                statement.append(tok)

    def preprocessor_line(self, raw: str) -> bool:
        m = re.match(r"\s*#\s*([A-Za-z]+)\b(.*)", raw)
        if m is None:
            return False
        word, rest = m.group(1), m.group(2)
        col = raw.index(word) + 1
        if word == "include":
            target = rest.strip()
            if target not in ("<rsp.inc>", '"rsp.inc"'):
                raise self.error(
                    f"cannot include {target or 'nothing'}: only <rsp.inc> is built in",
                    col,
                )
            return True
        if word == "define":
            body_col = raw.index(word) + len(word)
            dm = re.match(r"\s+([A-Za-z_][A-Za-z0-9_]*)(\()?(.*)", rest)
            if dm is None:
                raise self.error("#define needs a name", body_col + 1)
            if dm.group(2):
                raise self.error(
                    f"function-like macro {dm.group(1)!r} is not supported", col
                )
            value_text = _strip_line_comment(dm.group(3))
            offset = body_col + dm.start(3)
            tokens = [
                Token(t.kind, t.text, t.col + offset, t.value)
                for t in self.tokenize(value_text)
            ]
            self.defines[dm.group(1)] = self.expand(tokens)
            return True
        if word == "undef":
            self.defines.pop(rest.strip(), None)
            return True
        if word in ("if", "ifdef", "ifndef", "elif", "else", "endif", "error"):
            raise self.error(f"preprocessor #{word} is not supported", col)
        return False  # `# word ...` is a comment

    def parse_statement(self, tokens: list[Token]) -> None:
        while (
            len(tokens) >= 2
            and tokens[0].kind == "id"
            and tokens[1].kind == "op"
            and tokens[1].text == ":"
        ):
            self.define_label(tokens[0])
            tokens = tokens[2:]
        if not tokens:
            return
        head = tokens[0]
        if head.kind != "id":
            raise self.error(f"expected an instruction, found {head.text!r}", head.col)
        operands = self.split_operands(tokens[1:], head)
        statement = _Statement(head, operands)
        if head.text.startswith("."):
            self.directive(statement)
        else:
            self.instruction(statement)

    def split_operands(self, tokens: list[Token], head: Token) -> list[list[Token]]:
        if not tokens:
            return []
        operands: list[list[Token]] = [[]]
        depth = 0
        for tok in tokens:
            if tok.kind == "op" and tok.text == "(":
                depth += 1
            elif tok.kind == "op" and tok.text == ")":
                depth -= 1
            if tok.kind == "op" and tok.text == "," and depth == 0:
                if not operands[-1]:
                    raise self.error("missing operand before ','", tok.col)
                operands.append([])
            else:
                operands[-1].append(tok)
        if not operands[-1]:
            raise self.error("missing operand after ','", tokens[-1].col + 1)
        return operands

    def define_label(self, tok: Token) -> None:
        if tok.text in self.labels:
            first = self.labels[tok.text][0]
            raise self.error(
                f"label {tok.text!r} is already defined on line {first}", tok.col
            )
        self.labels[tok.text] = (self.line, tok.col)
        self.builder.append(rsp.LabelOp(tok.text))

    # endregion

    # region: expressions

    def eval(self, tokens: list[Token]) -> Value:
        stream = _TokenStream(tokens, self)
        value = self._expr(stream, 0)
        if not stream.done():
            tok = stream.peek()
            assert tok is not None
            raise self.error(f"unexpected {tok.text!r} in expression", tok.col)
        return value

    def eval_int(self, tokens: list[Token], what: str) -> int:
        value = self.eval(tokens)
        if isinstance(value, Sym):
            raise self.error(f"{what} must be a constant, not a label", value.col)
        return value

    _BINARY_PRECEDENCE = {
        "|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5,
        "*": 6, "/": 6, "%": 6,
    }  # fmt: skip

    def _expr(self, s: _TokenStream, min_prec: int) -> Value:
        left = self._unary(s)
        while True:
            tok = s.peek()
            if tok is None or tok.kind != "op":
                return left
            prec = self._BINARY_PRECEDENCE.get(tok.text)
            if prec is None or prec <= min_prec:
                return left
            s.next()
            right = self._expr(s, prec)
            left = self._binary(tok, left, right)

    def _binary(self, op: Token, a: Value, b: Value) -> Value:
        if isinstance(a, Sym) or isinstance(b, Sym):
            if isinstance(a, Sym) and isinstance(b, int) and not a.modifier:
                if op.text == "+":
                    return Sym(a.name, a.addend + b, "", a.col)
                if op.text == "-":
                    return Sym(a.name, a.addend - b, "", a.col)
            if (
                isinstance(b, Sym)
                and isinstance(a, int)
                and not b.modifier
                and op.text == "+"
            ):
                return Sym(b.name, b.addend + a, "", b.col)
            raise self.error(
                "a label can only be combined as label + constant or label - constant",
                op.col,
            )
        if op.text in ("/", "%") and b == 0:
            raise self.error("division by zero", op.col)
        match op.text:
            case "|":
                return a | b
            case "^":
                return a ^ b
            case "&":
                return a & b
            case "<<":
                return a << b
            case ">>":
                return a >> b
            case "+":
                return a + b
            case "-":
                return a - b
            case "*":
                return a * b
            case "/":
                return int(a / b)
            case _:
                return a - int(a / b) * b

    def _unary(self, s: _TokenStream) -> Value:
        tok = s.next()
        if tok is None:
            raise self.error("expected an expression", s.end_col)
        if tok.kind == "op" and tok.text in ("-", "+", "~"):
            value = self._unary(s)
            if isinstance(value, Sym):
                raise self.error(f"cannot apply {tok.text!r} to a label", tok.col)
            return {"-": -value, "+": value, "~": ~value}[tok.text]
        if tok.kind == "num":
            return tok.value
        if tok.kind == "op" and tok.text == "(":
            value = self._expr(s, 0)
            s.expect(")")
            return value
        if tok.kind == "mod":
            s.expect("(")
            inner = self._expr(s, 0)
            s.expect(")")
            modifier = tok.text[1:]
            if isinstance(inner, Sym):
                if inner.modifier:
                    raise self.error(f"nested {tok.text}", tok.col)
                return Sym(inner.name, inner.addend, modifier, inner.col)
            if modifier == "lo":
                low = inner & 0xFFFF
                return low - 0x10000 if low & 0x8000 else low
            return ((inner + 0x8000) >> 16) & 0xFFFF
        if tok.kind == "id":
            if tok.text.startswith(".") or not re.match(r"[A-Za-z_]", tok.text):
                raise self.error(f"unexpected {tok.text!r} in expression", tok.col)
            self.label_refs.append((tok.text, self.line, tok.col))
            return Sym(tok.text, 0, "", tok.col)
        raise self.error(f"unexpected {tok.text!r} in expression", tok.col)

    # endregion

    # region: operands

    def one_token(self, operand: list[Token], what: str) -> Token:
        if len(operand) != 1:
            raise self.error(f"expected {what}", operand[0].col)
        return operand[0]

    def gpr(self, operand: list[Token]) -> int:
        tok = self.one_token(operand, "a scalar register")
        name = tok.text[1:] if tok.kind == "reg" else tok.text
        if tok.kind == "reg" and name.isdigit():
            index = int(name)
            if index < 32:
                return index
        elif tok.kind in ("reg", "id") and name in GPR_INDEX_BY_NAME:
            return GPR_INDEX_BY_NAME[name]
        elif tok.kind in ("reg", "id") and name in GPR_ALIASES:
            return GPR_ALIASES[name]
        if VREG_RE.match(tok.text):
            raise self.error(
                f"expected a scalar register, found vector register {tok.text}",
                tok.col,
            )
        raise self.error(f"unknown scalar register {tok.text!r}", tok.col)

    def vreg(self, operand: list[Token]) -> tuple[int, str | None]:
        """A vector register and its dot suffix (None if there is none)."""
        tok = self.one_token(operand, "a vector register")
        m = VREG_RE.match(tok.text) if tok.kind == "reg" else None
        if m is None or int(m.group(1)) > 31:
            hint = ""
            if tok.kind == "reg" and re.match(r"\$v[0-9]\b", tok.text):
                hint = " (vector registers have two digits: $v00..$v31)"
            raise self.error(
                f"expected a vector register, found {tok.text!r}{hint}", tok.col
            )
        return int(m.group(1)), m.group(2)

    def compute_element(self, suffix: str | None, col: int) -> int:
        if suffix is None:
            return 0
        if suffix not in COMPUTE_ELEMENT_BY_SUFFIX:
            raise self.error(
                f"invalid element .{suffix} (expected .v, .q0, .q1, .h0-.h3 or .e0-.e7)",
                col,
            )
        return COMPUTE_ELEMENT_BY_SUFFIX[suffix]

    def element_number(self, operand: list[Token], table: dict[str, int] | None) -> int:
        """A numeric element operand, or `e(x)` of rsp.inc when `table` is given."""
        first = operand[0]
        if (
            table is not None
            and first.kind == "id"
            and first.text == "e"
            and len(operand) >= 3
            and operand[1].text == "("
            and operand[-1].text == ")"
        ):
            key = "".join(t.text for t in operand[2:-1])
            if key not in table:
                raise self.error(f"invalid element e({key})", first.col)
            return table[key]
        return self.eval_int(operand, "an element")

    def named_or_number(
        self, operand: list[Token], names: dict[str, int], what: str, hi: int
    ) -> int:
        tok = operand[0]
        if len(operand) == 1 and tok.kind == "id" and tok.text in names:
            return names[tok.text]
        if len(operand) == 1 and tok.kind == "reg" and tok.text[1:].isdigit():
            value = int(tok.text[1:])
        else:
            if len(operand) == 1 and tok.kind == "id":
                raise self.error(
                    f"unknown {what} {tok.text!r} (expected one of {', '.join(names)})",
                    tok.col,
                )
            value = self.eval_int(operand, what)
        if not 0 <= value <= hi:
            raise self.error(f"{what} {value} is out of range [0, {hi}]", tok.col)
        return value

    def imm(self, operand: list[Token]) -> int | SymbolExprAttr:
        value = self.eval(operand)
        if isinstance(value, Sym):
            return SymbolExprAttr(value.name, value.modifier, value.addend)
        return value

    def target(self, operand: list[Token]) -> str | int:
        value = self.eval(operand)
        if isinstance(value, Sym):
            if value.addend or value.modifier:
                raise self.error(
                    "a branch target must be a label or an address", value.col
                )
            return value.name
        return value

    def memory(
        self, operand: list[Token]
    ) -> tuple[int | SymbolExprAttr, int, int, int]:
        """`offset(base)`, `(base)` or `offset`: (offset, base, offset col, base col)."""
        if (
            len(operand) >= 3
            and operand[-1].text == ")"
            and operand[-3].text == "("
            and operand[-2].kind in ("id", "reg")
            and (len(operand) == 3 or operand[-4].kind != "mod")
        ):
            base_tok = operand[-2]
            base = self.gpr([base_tok])
            offset_tokens = operand[:-3]
            offset = self.imm(offset_tokens) if offset_tokens else 0
            return offset, base, operand[0].col, base_tok.col
        return self.imm(operand), 0, operand[0].col, operand[0].col

    # endregion

    # region: instructions

    def instruction(self, st: _Statement) -> None:
        mnemonic = st.head.text.lower()
        if mnemonic in PSEUDO_MNEMONICS:
            self.pseudo(st, mnemonic)
            return
        cls = rsp.OP_BY_MNEMONIC.get(mnemonic)
        if cls is None:
            raise self.error(f"unknown instruction {st.head.text!r}", st.head.col)
        if self.builder.section == "data":
            raise self.error(
                f"instruction {mnemonic!r} in the .data section (missing .text?)",
                st.head.col,
            )
        fields, cols = self.operands_for(cls, st)
        self.emit(cls, fields, cols, st.head)

    def emit(
        self,
        cls: type[RspInstruction],
        fields: Fields,
        cols: dict[str, int],
        head: Token,
    ) -> Operation:
        op = self.builder.add_instruction(cls, fields)
        self.check(op, cols, head)
        return op

    def check(self, op: Operation, cols: dict[str, int], head: Token) -> None:
        try:
            # the builder gets operand and result types right by construction;
            # what remains is the range checks of the fields
            if isinstance(op, RspOperation):
                op.verify_fields()
            else:
                op.verify_()
        except FieldVerifyException as e:
            raise self.error(str(e), cols.get(e.field, head.col)) from None
        except VerifyException as e:
            raise self.error(str(e), head.col) from None

    def expect_count(self, st: _Statement, counts: tuple[int, ...], usage: str) -> None:
        n = len(st.operands)
        if n not in counts:
            expected = " or ".join(str(c) for c in counts)
            col = st.operands[-1][0].col if n else st.head.col + len(st.head.text)
            raise self.error(
                f"{st.head.text} takes {expected} operand{'s' if counts != (1,) else ''}, "
                f"got {n} (usage: {usage})",
                col,
            )

    def operands_for(
        self, cls: type[RspInstruction], st: _Statement
    ) -> tuple[Fields, dict[str, int]]:
        ops = st.operands
        m = st.head.text
        f: Fields = {}
        cols: dict[str, int] = {}

        def col(i: int) -> int:
            return ops[i][0].col

        if issubclass(cls, VectorComputeOp):
            self.expect_count(st, (2, 3, 4), f"{m} vd, vs, vt.e")
            f["vd"], sfx = self.vreg(ops[0])
            if sfx is not None:
                raise self.error(f"{m} takes no element on vd", col(0))
            if len(ops) == 4:
                f["vs"], _ = self.vreg_plain(ops[1], m)
                f["vt"], _ = self.vreg_plain(ops[2], m)
                f["element"] = self.element_number(ops[3], ELEMENT_MACRO)
                cols["element"] = col(3)
            else:
                if len(ops) == 3:
                    f["vs"], _ = self.vreg_plain(ops[1], m)
                else:
                    f["vs"] = f["vd"]
                f["vt"], sfx = self.vreg(ops[-1])
                f["element"] = self.compute_element(sfx, col(len(ops) - 1))
                cols["element"] = col(len(ops) - 1)
        elif issubclass(cls, VectorLaneOp):
            self.expect_count(st, (2, 4), f"{m} vd.eN, vt.eM")
            if len(ops) == 2:
                f["vd"], dsfx = self.vreg(ops[0])
                f["vt"], ssfx = self.vreg(ops[1])
                f["lane"] = self.lane_suffix(dsfx, col(0), "destination")
                f["element"] = 8 + self.lane_suffix(ssfx, col(1), "source")
                cols.update(lane=col(0), element=col(1))
            else:
                f["vd"], _ = self.vreg_plain(ops[0], m)
                de = self.element_number(ops[1], ELEMENT_MACRO)
                if not 0 <= de <= 15:
                    raise self.error(
                        f"destination element {de} is out of range [0, 15]", col(1)
                    )
                f["lane"] = de & 7
                f["vt"], _ = self.vreg_plain(ops[2], m)
                f["element"] = self.element_number(ops[3], ELEMENT_MACRO)
                cols.update(lane=col(1), element=col(3))
        elif issubclass(cls, VectorAccReadOp):
            self.expect_count(
                st, (2, 4), f"{m} vd, COP2_ACC_HI|COP2_ACC_MD|COP2_ACC_LO"
            )
            f["vd"], _ = self.vreg_plain(ops[0], m)
            last = ops[-1]
            f["slice"] = self.named_or_number(
                last, ACC_SLICE_BY_NAME, "accumulator slice", 15
            )
            cols["slice"] = last[0].col
        elif issubclass(cls, VectorNoOperandOp | FixedWordOp):
            self.expect_count(st, (0,), m)
        elif issubclass(cls, VectorMemoryOp):
            self.vector_memory_operands(cls, st, f, cols)
        elif issubclass(cls, MoveFromVectorOp | MoveToVectorOp):
            self.expect_count(st, (2, 3), f"{m} rt, vs.eN")
            f["rt"] = self.gpr(ops[0])
            f["vs"], sfx = self.vreg(ops[1])
            if len(ops) == 3:
                if sfx is not None:
                    raise self.error("element given twice", col(2))
                f["element"] = self.element_number(ops[2], _BYTE_ELEMENT_MACRO)
            else:
                f["element"] = self.byte_suffix(sfx, col(1), "byte")
            cols["element"] = col(len(ops) - 1)
        elif issubclass(cls, MoveFromControlOp | MoveToControlOp):
            kind = cls.REG_KIND
            names = COP2_CTRL_INDEX_BY_NAME if kind == "ctrl" else COP0_INDEX_BY_NAME
            example = "COP2_CTRL_VCO" if kind == "ctrl" else "COP0_DMA_BUSY"
            self.expect_count(st, (2,), f"{m} rt, {example}")
            f["rt"] = self.gpr(ops[0])
            if kind == "ctrl" and len(ops[1]) == 1 and ops[1][0].text in _CTRL_ALIASES:
                f["reg"] = _CTRL_ALIASES[ops[1][0].text]
            else:
                what = "COP2 control register" if kind == "ctrl" else "COP0 register"
                f["reg"] = self.named_or_number(
                    ops[1], names, what, 2 if kind == "ctrl" else 15
                )
        elif issubclass(cls, RegRegOp):
            self.expect_count(st, (3,), f"{m} rd, rs, rt")
            f["rd"], f["rs"], f["rt"] = (self.gpr(o) for o in ops)
        elif issubclass(cls, ShiftVariableOp):
            self.expect_count(st, (3,), f"{m} rd, rt, rs")
            f["rd"], f["rt"], f["rs"] = (self.gpr(o) for o in ops)
        elif issubclass(cls, ShiftImmOp):
            self.expect_count(st, (3,), f"{m} rd, rt, sa")
            f["rd"], f["rt"] = self.gpr(ops[0]), self.gpr(ops[1])
            f["sa"] = self.eval_int(ops[2], "a shift amount")
            cols["sa"] = col(2)
        elif issubclass(cls, ImmediateOp):
            self.expect_count(st, (2, 3), f"{m} rt, rs, imm")
            f["rt"] = self.gpr(ops[0])
            f["rs"] = self.gpr(ops[1]) if len(ops) == 3 else f["rt"]
            f["imm"] = self.imm(ops[-1])
            cols["imm"] = col(len(ops) - 1)
        elif issubclass(cls, UpperImmediateOp):
            self.expect_count(st, (2,), f"{m} rt, imm")
            f["rt"] = self.gpr(ops[0])
            f["imm"] = self.imm(ops[1])
            cols["imm"] = col(1)
        elif issubclass(cls, ScalarLoadOp | ScalarStoreOp):
            self.expect_count(st, (2,), f"{m} rt, offset(base)")
            f["rt"] = self.gpr(ops[0])
            f["offset"], f["base"], cols["offset"], _ = self.memory(ops[1])
        elif issubclass(cls, BranchCompareOp):
            self.expect_count(st, (3,), f"{m} rs, rt, label")
            f["rs"], f["rt"] = self.gpr(ops[0]), self.gpr(ops[1])
            f["target"] = self.target(ops[2])
            cols["target"] = col(2)
        elif issubclass(cls, BranchZeroOp | BranchLinkOp):
            self.expect_count(st, (2,), f"{m} rs, label")
            f["rs"] = self.gpr(ops[0])
            f["target"] = self.target(ops[1])
            cols.update(rs=col(0), target=col(1))
        elif issubclass(cls, JumpOp | JumpLinkOp):
            self.expect_count(st, (1,), f"{m} label")
            f["target"] = self.target(ops[0])
            cols["target"] = col(0)
        elif issubclass(cls, JumpRegisterOp):
            self.expect_count(st, (1,), f"{m} rs")
            f["rs"] = self.gpr(ops[0])
        elif issubclass(cls, JumpLinkRegisterOp):
            self.expect_count(st, (1, 2), f"{m} [rd,] rs")
            f["rs"] = self.gpr(ops[-1])
            f["rd"] = self.gpr(ops[0]) if len(ops) == 2 else 31
            cols["rd"] = col(0)
        else:  # pragma: no cover - every format is listed above
            raise AssertionError(cls)
        return f, cols

    def vreg_plain(self, operand: list[Token], mnemonic: str) -> tuple[int, None]:
        index, sfx = self.vreg(operand)
        if sfx is not None:
            raise self.error(f"unexpected element .{sfx} here", operand[0].col)
        return index, None

    def lane_suffix(self, sfx: str | None, col: int, which: str) -> int:
        m = re.fullmatch(r"e([0-7])", sfx or "")
        if m is None:
            raise self.error(f"the {which} register needs a lane element .e0-.e7", col)
        return int(m.group(1))

    def byte_suffix(self, sfx: str | None, col: int, mode: str) -> int:
        """Element field for a byte-indexed dot suffix (`.eN` = 2N, `.bN` = N)."""
        if sfx is None:
            return 0
        m = re.fullmatch(r"([eb])([0-9]+)", sfx)
        if m is not None:
            n = int(m.group(2))
            if m.group(1) == "e" and n < 8:
                return {"byte": 2 * n, "lane": n, "lane_as_byte": 2 * n}[mode]
            if m.group(1) == "b" and n < 16 and mode == "byte":
                return n
        allowed = {
            "byte": ".e0-.e7 or .b0-.b15",
            "lane": ".e0-.e7",
            "lane_as_byte": ".e0-.e7",
        }
        raise self.error(f"invalid element .{sfx} (expected {allowed[mode]})", col)

    def vector_memory_operands(
        self, cls: type[VectorMemoryOp], st: _Statement, f: Fields, cols: dict[str, int]
    ) -> None:
        ops = st.operands
        self.expect_count(st, (3, 4), f"{st.head.text} vt.e, offset, base")
        f["vt"], sfx = self.vreg(ops[0])
        mode = cls.ELEMENT_MODE
        if len(ops) == 4:
            if sfx is not None:
                raise self.error("element given twice", ops[1][0].col)
            table = _BYTE_ELEMENT_MACRO if mode != "lane" else _LANE_ELEMENT_MACRO
            f["element"] = self.element_number(ops[1], table)
            cols["element"] = ops[1][0].col
        else:
            f["element"] = self.byte_suffix(sfx, ops[0][0].col, mode)
            cols["element"] = ops[0][0].col
        f["offset"] = self.eval_int(ops[-2], "a vector load/store offset")
        cols["offset"] = ops[-2][0].col
        f["base"] = self.gpr(ops[-1])

    def pseudo(self, st: _Statement, m: str) -> None:
        ops = st.operands
        head = st.head
        if self.builder.section == "data":
            raise self.error(f"instruction {m!r} in the .data section", head.col)
        if m in ("li", "la"):
            self.expect_count(st, (2,), f"{m} rt, value")
            rt = self.gpr(ops[0])
            value = self.imm(ops[1])
            cols = {"imm": ops[1][0].col}
            if isinstance(value, SymbolExprAttr):
                if value.modifier.data == "hi":
                    self.emit(rsp.LuiOp, {"rt": rt, "imm": value}, cols, head)
                else:
                    self.emit(
                        rsp.AddiuOp, {"rt": rt, "rs": 0, "imm": value}, cols, head
                    )
            elif -0x8000 <= value <= 0x7FFF:
                self.emit(rsp.AddiuOp, {"rt": rt, "rs": 0, "imm": value}, cols, head)
            elif 0 <= value <= 0xFFFF:
                self.emit(rsp.OriOp, {"rt": rt, "rs": 0, "imm": value}, cols, head)
            elif -0x80000000 <= value <= 0xFFFFFFFF:
                value &= 0xFFFFFFFF
                self.emit(rsp.LuiOp, {"rt": rt, "imm": value >> 16}, cols, head)
                if value & 0xFFFF:
                    self.emit(
                        rsp.OriOp,
                        {"rt": rt, "rs": rt, "imm": value & 0xFFFF},
                        cols,
                        head,
                    )
            else:
                raise self.error(f"{value} does not fit in 32 bits", ops[1][0].col)
        elif m == "move":
            self.expect_count(st, (2,), "move rd, rs")
            fields = {"rd": self.gpr(ops[0]), "rs": self.gpr(ops[1]), "rt": 0}
            self.emit(rsp.AdduOp, fields, {}, head)
        elif m in ("neg", "negu"):
            self.expect_count(st, (1, 2), f"{m} rd, rs")
            cls = rsp.SubOp if m == "neg" else rsp.SubuOp
            fields = {"rd": self.gpr(ops[0]), "rs": 0, "rt": self.gpr(ops[-1])}
            self.emit(cls, fields, {}, head)
        elif m == "not":
            self.expect_count(st, (1, 2), "not rd, rs")
            fields = {"rd": self.gpr(ops[0]), "rs": self.gpr(ops[-1]), "rt": 0}
            self.emit(rsp.NorOp, fields, {}, head)
        elif m in ("b", "bal"):
            self.expect_count(st, (1,), f"{m} label")
            fields = {"rs": 0, "rt": 0, "target": self.target(ops[0])}
            cls = rsp.BeqOp if m == "b" else rsp.BgezalOp
            self.emit(cls, fields, {"target": ops[0][0].col}, head)
        else:  # beqz, bnez
            self.expect_count(st, (2,), f"{m} rs, label")
            fields = {"rs": self.gpr(ops[0]), "rt": 0, "target": self.target(ops[1])}
            cls = rsp.BeqOp if m == "beqz" else rsp.BneOp
            self.emit(cls, fields, {"target": ops[1][0].col}, head)

    # endregion

    # region: directives

    def directive(self, st: _Statement) -> None:
        name = st.head.text.lower()
        ops = st.operands
        head = st.head
        if name in IGNORED_DIRECTIVES:
            return
        if name in (".text", ".data", ".bss", ".rodata"):
            self.expect_count(st, (0,), name)
            self.builder.enter_section("text" if name == ".text" else "data")
            return
        if name == ".section":
            self.expect_count(st, (1, 2, 3), ".section .data")
            section = "".join(t.text for t in ops[0])
            if section.startswith(".text"):
                self.builder.enter_section("text")
            elif section.startswith((".data", ".bss", ".rodata")):
                self.builder.enter_section("data")
            else:
                raise self.error(f"unknown section {section!r}", ops[0][0].col)
            return
        if name in (".set", ".equ"):
            self.set_directive(st)
            return
        if name in (".word", ".long", ".half", ".short", ".hword", ".byte"):
            if not ops:
                raise self.error(f"{name} needs at least one value", head.col)
            cls: Any = {
                ".word": rsp.WordOp, ".long": rsp.WordOp, ".half": rsp.HalfOp,
                ".short": rsp.HalfOp, ".hword": rsp.HalfOp, ".byte": rsp.ByteOp,
            }[name]  # fmt: skip
            values = [self.imm(o) for o in ops]
            self.directive_op(cls(values), {"values": ops[0][0].col}, head)
            return
        if name in (".space", ".skip"):
            self.expect_count(st, (1, 2), f"{name} size[, fill]")
            size = self.eval_int(ops[0], "a size")
            fill = self.eval_int(ops[1], "a fill byte") if len(ops) == 2 else 0
            cols = {"size": ops[0][0].col, "fill": ops[-1][0].col}
            self.directive_op(rsp.SpaceOp(size, fill), cols, head)
            return
        if name in (".align", ".p2align", ".balign"):
            self.expect_count(st, (1,), f"{name} n")
            n = self.eval_int(ops[0], "an alignment")
            if name == ".balign":
                if n <= 0 or n & (n - 1):
                    raise self.error(
                        f".balign {n} is not a power of two", ops[0][0].col
                    )
                n = n.bit_length() - 1
            self.directive_op(rsp.AlignOp(n), {"power": ops[0][0].col}, head)
            return
        if name in (".ascii", ".asciz", ".asciiz", ".string"):
            data = bytearray()
            for operand in ops:
                tok = self.one_token(operand, "a string")
                if tok.kind != "str":
                    raise self.error("expected a string in double quotes", tok.col)
                data += _unescape(tok.text[1:-1]).encode("latin-1")
                if name != ".ascii":
                    data.append(0)
            if data:
                self.directive_op(rsp.ByteOp(list(data)), {}, head)
            return
        raise self.error(f"unknown directive {st.head.text!r}", head.col)

    def directive_op(self, op: RspOperation, cols: dict[str, int], head: Token) -> None:
        self.builder.append(op)
        self.check(op, cols, head)

    def set_directive(self, st: _Statement) -> None:
        ops = st.operands
        if st.head.text == ".set" and len(ops) == 1 and len(ops[0]) == 1:
            option = ops[0][0].text
            if option in (
                "noreorder",
                "at",
                "noat",
                "nomacro",
                "macro",
                "nomips16",
                "noautoextend",
            ):
                return
            if option == "reorder":
                raise self.error(
                    ".set reorder is not supported: RSP code fills its delay slots "
                    "explicitly (.set noreorder)",
                    ops[0][0].col,
                )
            raise self.error(f"unknown .set option {option!r}", ops[0][0].col)
        self.expect_count(st, (2,), f"{st.head.text} NAME, value")
        name_tok = self.one_token(ops[0], "a name")
        value = self.eval(ops[1])
        if isinstance(value, Sym):
            if value.modifier or value.addend:
                raise self.error(
                    "a constant must be a number or a label", ops[1][0].col
                )
            self.defines[name_tok.text] = [Token("id", value.name, ops[1][0].col)]
        else:
            self.defines[name_tok.text] = [
                Token("num", str(value), ops[1][0].col, value)
            ]

    # endregion


_BYTE_ELEMENT_MACRO = {str(i): 2 * i for i in range(8)}
_LANE_ELEMENT_MACRO = {str(i): i for i in range(8)}
_CTRL_ALIASES = {"$vco": 0, "$vcc": 1, "$vce": 2}
GPR_ALIASES = {"AT": 1, "s8": 30}  # regdef.h spellings


class _TokenStream:
    def __init__(self, tokens: list[Token], parser: _AsmParser) -> None:
        self.tokens = tokens
        self.pos = 0
        self.parser = parser
        self.end_col = tokens[-1].col + len(tokens[-1].text) if tokens else 1

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> Token | None:
        tok = self.peek()
        if tok is not None:
            self.pos += 1
        return tok

    def done(self) -> bool:
        return self.pos >= len(self.tokens)

    def expect(self, text: str) -> None:
        tok = self.next()
        if tok is None or tok.text != text:
            col = tok.col if tok is not None else self.end_col
            raise self.parser.error(f"expected {text!r}", col)


def _parse_number(text: str) -> int:
    lower = text.lower()
    if lower.startswith("0x"):
        return int(text[2:], 16)
    if lower.startswith("0b"):
        return int(text[2:], 2)
    if len(text) > 1 and text.startswith("0"):
        if any(c in "89" for c in text):
            return int(text, 10)
        return int(text, 8)
    return int(text)


def _strip_block_comments(text: str) -> str:
    """Blank out `/* ... */` comments, keeping line and column numbers."""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group())

    return re.sub(r"/\*.*?(\*/|\Z)", blank, text, flags=re.S)


def _strip_line_comment(line: str) -> str:
    """Cut `#` and `//` comments (outside string and character literals)."""
    quote: str | None = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#" or line.startswith("//", i):
            return line[:i]
        i += 1
    return line


def parse_asm(text: str, source: str = "<input>") -> ModuleOp:
    """Parse libdragon-syntax RSP assembly into an `rsp` module.

    Raises `AsmError` (with line and column) for malformed input.
    """
    return _AsmParser(text, source).parse()


# region: printing

ASM_HEADER = """\
#include <rsp.inc>

    .set noreorder
    .set at
"""


def _walk_asm_ops(module: ModuleOp) -> Iterator[tuple[str, Operation]]:
    for op in module.body.block.ops:
        if isinstance(op, rsp.SectionOp):
            for inner in op.body.block.ops:
                yield op.section.data, inner
        else:
            yield "text", op


def _uses_at(module: ModuleOp) -> bool:
    for op in module.walk():
        for value in (*op.operands, *op.results):
            reg = value.type
            if isinstance(reg, GprType) and reg.register_name.data == "at":
                return True
    return False


def print_asm(module: ModuleOp) -> str:
    """libdragon-syntax assembly for an `rsp` module (registers allocated).

    The header says `.set at`, or `.set noat` when the program itself uses
    `$at` (the printed code never needs the assembler's temporary).
    """
    header = ASM_HEADER
    if _uses_at(module):
        header = header.replace(".set at\n", ".set noat\n")
    lines = [header]
    section: str | None = None
    for name, op in _walk_asm_ops(module):
        if not isinstance(op, RspOperation):
            raise N64cError(f"cannot print {op.name} as RSP assembly")
        try:
            line = op.assembly_line()
        except VerifyException as e:
            raise N64cError(f"{op.name}: {e}") from None
        if line is None:
            continue
        if name != section:
            lines.append(f"\n    .{name}\n")
            section = name
        lines.append(line + "\n")
    return "".join(lines)


# endregion
