"""Malformed RSP assembly: one `AsmError` naming line and column."""

from __future__ import annotations

import pytest

from n64c.backend.rsp_asm import parse_asm
from n64c.errors import AsmError, N64cError

# (source line, token the column must point at (or the column), message fragment)
CASES = [
    ("    bogus t0, t1", "bogus", "unknown instruction 'bogus'"),
    ("    addu t0, t1, x9", "x9", "unknown scalar register 'x9'"),
    ("    addu t0, $32, t1", "$32", "unknown scalar register '$32'"),
    ("    addu t0, $v01, t1", "$v01", "found vector register $v01"),
    ("    vadd $v01, $v02, $v32", "$v32", "expected a vector register"),
    ("    vadd $v01, $v1, $v02", "$v1", "two digits"),
    ("    vadd $v01, t0, $v02", "t0", "expected a vector register"),
    ("    lqv $v01, 1024, s0", "1024", "lqv offset 1024 is out of range [-1024, 1008]"),
    ("    lsv $v01, 3, s0", "3", "lsv offset 3 is not a multiple of 2"),
    ("    lbv $v01, -65, s0", "-65", "out of range [-64, 63]"),
    ("    sdv $v01, 12, s0", "12", "not a multiple of 8"),
    ("    j nowhere", "nowhere", "unknown label 'nowhere'"),
    ("    addiu t0, zero, %lo(missing)", "missing", "unknown label 'missing'"),
    ("    addu t0, t1", "t1", "addu takes 3 operands, got 2"),
    ("    vnop $v01", "$v01", "vnop takes 0 operand"),
    ("    break 3", "3", "break takes 0 operand"),
    (
        "    addiu t0, t0, 40000",
        "40000",
        "addiu immediate 40000 is out of range [-32768, 32767]",
    ),
    ("    ori t0, t0, -1", "-1", "ori immediate -1 is out of range [0, 65535]"),
    ("    lui t0, 0x10000", "0x10000", "out of range [0, 65535]"),
    ("    sll t0, t0, 32", "32", "shift amount 32 is out of range [0, 31]"),
    ("    lw t0, 0x8000(s0)", "0x8000", "lw offset 32768 is out of range"),
    ("    vadd $v01, $v02, $v03.e8", "$v03.e8", "invalid element .e8"),
    ("    vmudh $v01.e1, $v02, $v03", "$v01.e1", "takes no element on vd"),
    ("    vmov $v01, $v02.e1", "$v01", "destination register needs a lane element"),
    (
        "    vrcp $v01.e9, $v02.e1",
        "$v01.e9",
        "destination register needs a lane element",
    ),
    (
        "    vsar $v01, 5",
        "5",
        "vsar reads COP2_ACC_HI (8), COP2_ACC_MD (9) or COP2_ACC_LO (10)",
    ),
    ("    vsar $v01, COP2_ACC_XX", "COP2_ACC_XX", "unknown accumulator slice"),
    ("    mtc0 t0, COP0_FOO", "COP0_FOO", "unknown COP0 register 'COP0_FOO'"),
    ("    mfc0 t0, $16", "$16", "COP0 register 16 is out of range [0, 15]"),
    ("    cfc2 t0, $3", "$3", "out of range [0, 2]"),
    ("    mfc2 t0, $v01.b16", "$v01.b16", "invalid element .b16"),
    ("    lpv $v01.b1, 0, s0", "$v01.b1", "invalid element .b1 (expected .e0-.e7)"),
    ("    addu t0, , t1", 14, "missing operand before ','"),
    ("    addu t0, t1,", 17, "missing operand after ','"),
    ("    addiu t0, t0, (1", 21, "expected ')'"),
    ("    addiu t0, t0, 1 +", 22, "expected an expression"),
    ("    addiu t0, t0, a + b", "+", "label can only be combined as label + constant"),
    ("    addiu t0, t0, 08x", "08x", "invalid number '08x'"),
    ("    addiu t0, t0, 1/0", "/", "division by zero"),
    ("    beq t0, t1, x + 4", "x", "branch target must be a label"),
    ("    bgezal ra, somewhere", "ra", "rsp.bgezal cannot test ra"),
    ("    jalr t0, t0", "t0", "jalr needs different source and link registers"),
    ("    jalr ra", "ra", "jalr needs different source and link registers"),
    ("    .foo 1", ".foo", "unknown directive '.foo'"),
    ("    .set reorder", "reorder", ".set reorder is not supported"),
    ("    .byte 256", "256", ".byte value 256 is out of range [-128, 255]"),
    ("    .half 1, 70000", "1", ".half value 70000 is out of range"),
    ("    .align 13", "13", ".align power 13 is out of range [0, 12]"),
    ("    .balign 3", "3", ".balign 3 is not a power of two"),
    ("    .word", ".word", ".word needs at least one value"),
    ("    li t0, 0x100000000", "0x100000000", "does not fit in 32 bits"),
    ("#include <rsp_queue.inc>", "include", "only <rsp.inc> is built in"),
    ("#define F(x) x", "define", "function-like macro 'F' is not supported"),
    ("#ifdef FOO", "ifdef", "preprocessor #ifdef is not supported"),
    ("    addu t0, t1, t2 @", "@", "unexpected character '@'"),
    ("/* one */ bogus2", "bogus2", "unknown instruction 'bogus2'"),
    ("    .data\n    addu t0, t1, t2", "addu", "in the .data section"),
]


def column_of(text: str, token: str | int) -> tuple[int, int]:
    lines = text.split("\n")
    if isinstance(token, int):
        return len(lines), token
    for number in range(len(lines), 0, -1):
        line = lines[number - 1]
        if token in line and not line.strip().startswith(".data"):
            return number, line.index(token) + 1
    raise AssertionError(f"{token!r} not in {text!r}")


@pytest.mark.parametrize(("text", "token", "message"), CASES)
def test_error_position_and_message(text: str, token: str | int, message: str) -> None:
    with pytest.raises(AsmError) as info:
        parse_asm(text + "\n", "prog.S")
    error = info.value
    line, column = column_of(text, token)
    assert message in str(error)
    assert (error.line, error.column) == (line, column), str(error)
    assert str(error).startswith(f"prog.S:{line}:{column}: ")
    assert "\n" not in str(error)


def test_errors_are_n64c_errors() -> None:
    with pytest.raises(N64cError):
        parse_asm("bogus\n")


def test_later_line_and_default_source() -> None:
    text = "start:\n    nop\n    /* a\n  b */ addu t0, t1\n"
    with pytest.raises(AsmError) as info:
        parse_asm(text)
    assert str(info.value).startswith("<input>:4:")


def test_duplicate_label() -> None:
    with pytest.raises(AsmError, match=r"2:1: label 'x' is already defined on line 1"):
        parse_asm("x: nop\nx: nop\n")


def test_unknown_label_reported_where_used() -> None:
    with pytest.raises(AsmError, match=r"3:10: unknown label 'later'"):
        parse_asm("nop\nnop\nbnez t0, later\n")


def test_accepted_syntax_is_not_an_error() -> None:
    text = """
    #include <rsp.inc>
    #include "rsp.inc"
    #define VAL 3
    #define VREG $v07
    # a comment line
    // another
        .set noreorder
        .set at
        .set noat
        .set K, VAL * 2 + 1
        .equ L, K << 1
        .text
        .globl start
    start:  addiu t0, zero, K   ; addiu t1, zero, L  # two statements
        vadd VREG, VREG, $v01.e3
        lw t2, %lo(tbl)(zero)
        jr ra
        nop
        .data
    tbl: .word 1, 'x', 0b101, 010, -2
        .asciz "ok"
    """
    module = parse_asm(text)
    module.verify()


def test_at_register_spelling_and_header() -> None:
    from n64c.backend.rsp_asm import print_asm

    text = print_asm(parse_asm("addu $at, AT, $1\nmtc2 at, $v01.e1\nlqv $v01, 0, at\n"))
    assert "    .set noat\n" in text
    assert ".set at\n" not in text
    assert "    addu $at, $at, $at\n" in text
    assert "    mtc2 at, $v01.e1\n" in text  # rsp.inc's macro wants the plain name
    assert "    lqv $v01, 0, $at\n" in text
    assert "    .set at\n" in print_asm(parse_asm("addu t0, t1, t2\n"))
