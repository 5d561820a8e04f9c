"""Scalar unit of the RSP simulator: ALU, loads/stores, branches, delay slots."""

from __future__ import annotations

import pytest
from rsp_words import (
    BREAK,
    NOP,
    REG,
    addiu,
    beq,
    bne,
    itype,
    j,
    jal,
    jr,
    li,
    lui,
    lw,
    ori,
    program,
    rtype,
    sw,
    vector_engine,  # noqa: F401 (autouse: both engines)
)

from n64c.errors import N64cError
from n64c.sim.rsp import simulate


def gpr(res, name: str) -> int:
    return int(res.gpr[REG[name]])


def test_alu_ops_and_shifts() -> None:
    res = simulate(program(
        li("t0", 0x80000001), li("t1", 0x0000FFFF),
        rtype(0x21, "t2", "t0", "t1"),  # addu
        rtype(0x20, "t3", "t0", "t0"),  # add: overflow never traps
        rtype(0x23, "t4", "t1", "t0"),  # subu
        rtype(0x24, "t5", "t0", "t1"),  # and
        rtype(0x25, "t6", "t0", "t1"),  # or
        rtype(0x26, "t7", "t0", "t1"),  # xor
        rtype(0x27, "s0", "t0", "t1"),  # nor
        rtype(0x2A, "s1", "t0", "t1"),  # slt: signed, negative < positive
        rtype(0x2B, "s2", "t0", "t1"),  # sltu
        rtype(0x00, "s3", 0, "t0", 4),  # sll
        rtype(0x02, "s4", 0, "t0", 4),  # srl
        rtype(0x03, "s5", 0, "t0", 4),  # sra
        addiu("a0", "zero", 36),
        rtype(0x07, "s6", "a0", "t0"),  # srav by 36 & 31 = 4
        itype(0x0A, "t0", "a1", -1),  # slti
        itype(0x0B, "t0", "a2", -1),  # sltiu: 0x80000001 < 0xFFFFFFFF
        itype(0x0C, "t0", "a3", 0xF0F1),  # andi zero-extends
        itype(0x0E, "t1", "v0", 0x8000),  # xori
        BREAK,
    ))  # fmt: skip
    assert gpr(res, "t2") == 0x80010000
    assert gpr(res, "t3") == 0x00000002
    assert gpr(res, "t4") == (0x0000FFFF - 0x80000001) & 0xFFFFFFFF
    assert gpr(res, "t5") == 0x00000001
    assert gpr(res, "t6") == 0x8000FFFF
    assert gpr(res, "t7") == 0x8000FFFE
    assert gpr(res, "s0") == 0x7FFF0000
    assert gpr(res, "s1") == 1 and gpr(res, "s2") == 0
    assert gpr(res, "s3") == 0x00000010
    assert gpr(res, "s4") == 0x08000000
    assert gpr(res, "s5") == 0xF8000000
    assert gpr(res, "s6") == 0xF8000000
    assert gpr(res, "a1") == 1 and gpr(res, "a2") == 1
    assert gpr(res, "a3") == 0x00000001
    assert gpr(res, "v0") == 0x00007FFF


def test_zero_register_is_hardwired() -> None:
    res = simulate(program(addiu("zero", "zero", 5), lui("zero", 0x1234),
                           rtype(0x21, "t0", "zero", "zero"), BREAK))  # fmt: skip
    assert gpr(res, "zero") == 0 and gpr(res, "t0") == 0


def test_loads_sign_and_zero_extend_and_may_be_unaligned() -> None:
    d = bytearray(4096)
    d[0x100:0x108] = bytes([0x81, 0x82, 0x83, 0x84, 0x05, 0x06, 0x07, 0x08])
    d[0xFFE:0x1000] = bytes([0xAA, 0xBB])
    d[0:2] = bytes([0xCC, 0xDD])
    res = simulate(program(
        addiu("t0", "zero", 0x100),
        itype(0x20, "t0", "s0", 0),  # lb
        itype(0x24, "t0", "s1", 0),  # lbu
        itype(0x21, "t0", "s2", 1),  # lh (unaligned)
        itype(0x25, "t0", "s3", 1),  # lhu
        lw("s4", 3, "t0"),  # unaligned word
        addiu("t1", "zero", 0xFFE),
        lw("s5", 0, "t1"),  # wraps at the end of DMEM
        BREAK,
    ), bytes(d))  # fmt: skip
    assert gpr(res, "s0") == 0xFFFFFF81
    assert gpr(res, "s1") == 0x81
    assert gpr(res, "s2") == 0xFFFF8283
    assert gpr(res, "s3") == 0x8283
    assert gpr(res, "s4") == 0x84050607
    assert gpr(res, "s5") == 0xAABBCCDD


def test_stores_are_big_endian_and_wrap() -> None:
    res = simulate(program(
        li("t0", 0x11223344), addiu("t1", "zero", 0x200),
        sw("t0", 0, "t1"), itype(0x29, "t1", "t0", 5), itype(0x28, "t1", "t0", 9),
        addiu("t2", "zero", 0xFFE), sw("t0", 0, "t2"),
        BREAK,
    ))  # fmt: skip
    assert list(res.dmem[0x200:0x204]) == [0x11, 0x22, 0x33, 0x44]
    assert list(res.dmem[0x205:0x207]) == [0x33, 0x44]
    assert res.dmem[0x209] == 0x44
    assert list(res.dmem[0xFFE:0x1000]) == [0x11, 0x22] and list(res.dmem[0:2]) == [
        0x33,
        0x44,
    ]


def test_delay_slot_runs_and_taken_branch_skips() -> None:
    res = simulate(program(
        addiu("t0", "zero", 1),
        beq("zero", "zero", 3),  # to the addiu t2 below (delay slot + 3 words)
        addiu("t1", "zero", 7),  # delay slot: runs
        addiu("t0", "zero", 99),  # skipped
        addiu("t3", "zero", 5),  # skipped
        addiu("t2", "zero", 3),
        BREAK,
    ))  # fmt: skip
    assert (gpr(res, "t0"), gpr(res, "t1"), gpr(res, "t2"), gpr(res, "t3")) == (
        1,
        7,
        3,
        0,
    )
    assert res.instructions == 5


def test_counted_loop() -> None:
    res = simulate(program(
        addiu("t0", "zero", 10),
        addiu("t1", "zero", 0),
        addiu("t0", "t0", -1),  # loop:
        bne("t0", "zero", -2),
        addiu("t1", "t1", 3),  # delay slot
        BREAK,
    ))  # fmt: skip
    assert gpr(res, "t1") == 30
    assert res.instructions == 2 + 3 * 10 + 1


def test_jal_links_and_jr_returns() -> None:
    res = simulate(program(
        jal(0x20),  # 0x00
        addiu("t0", "zero", 1),  # 0x04 delay slot
        addiu("t1", "zero", 2),  # 0x08: return here
        BREAK,  # 0x0C
        NOP, NOP, NOP, NOP,  # 0x10..0x1C
        jr("ra"),  # 0x20
        addiu("t2", "zero", 4),  # 0x24 delay slot
    ))  # fmt: skip
    assert gpr(res, "ra") == 0x08
    assert (gpr(res, "t0"), gpr(res, "t1"), gpr(res, "t2")) == (1, 2, 4)


def test_regimm_branches_and_link() -> None:
    res = simulate(program(
        li("t0", 0xFFFFFFFF),
        itype(0x01, "t0", 0x10, 3),  # bltzal t0 (taken) +3
        NOP,
        addiu("t1", "zero", 9),  # skipped
        addiu("t2", "zero", 9),  # skipped
        itype(0x01, "t0", 0x01, 2),  # bgez (not taken)
        NOP,
        addiu("t3", "zero", 1),
        BREAK,
    ))  # fmt: skip
    assert gpr(res, "ra") == 0x10
    assert (gpr(res, "t1"), gpr(res, "t2"), gpr(res, "t3")) == (0, 0, 1)


def test_pc_is_12_bits() -> None:
    # a jump to 0xFFC runs the last word, then wraps to 0... which jumps on
    imem = bytearray(program(
        addiu("t0", "t0", 1),  # 0x000
        addiu("t1", "zero", 1),  # 0x004
        bne("t0", "t1", 3),  # 0x008: second pass -> 0x018
        NOP,
        j(0xFFC),  # 0x010
        NOP,
        BREAK,  # 0x018
    )).ljust(4096, b"\0")  # fmt: skip
    imem[0xFFC:0x1000] = program(addiu("t2", "zero", 7))
    res = simulate(bytes(imem))
    assert gpr(res, "t0") == 2 and gpr(res, "t2") == 7


def test_endless_loop_is_a_clear_error() -> None:
    with pytest.raises(N64cError, match="did not reach `break` within 1000"):
        simulate(program(j(0), NOP), max_instructions=1000)


def test_unsupported_instruction_is_reported_when_executed() -> None:
    # a MULT word after break is never executed: fine
    simulate(program(BREAK, rtype(0x18, 0, "t0", "t1")))
    with pytest.raises(
        N64cError, match="at IMEM 0x004: unsupported scalar instruction"
    ):
        simulate(program(NOP, rtype(0x18, 0, "t0", "t1"), BREAK))
    with pytest.raises(N64cError, match="opcode 0x3f"):
        simulate(program(0xFC000000, BREAK))


def test_ori_lui_build_constants() -> None:
    res = simulate(program(lui("t0", 0xDEAD), ori("t0", "t0", 0xBEEF), BREAK))
    assert gpr(res, "t0") == 0xDEADBEEF
    assert res.pc == 8
