"""Scalar unit of the RSP simulator: the MIPS I subset the RSP implements.

Registers hold unsigned 32-bit values (Python ``int``; an ``int64[B]`` array
when the value differs across a batch, see :mod:`n64c.sim.rsp.state`).
ADD/ADDI/SUB never trap, there is no MULT/DIV/HI/LO, no 64-bit op, no
LWL/LWR/SWL/SWR and no branch-likely. Every branch and jump has one delay
slot; the PC is 12 bits. Scalar loads and stores may be unaligned and wrap
at the end of DMEM.

A closure returns ``None`` to fall through, a target PC for a taken branch,
or :data:`HALT` to stop the RSP after this instruction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from n64c.sim.rsp.state import MASK32, RspRuntimeError, RspState, fold, uniform

Op = Callable[[], object]

HALT = -1


def _signed(value: Any) -> Any:
    """Signed view of an unsigned 32-bit value (int or array)."""
    return value - ((value & 0x80000000) << 1)


def _bool(value: object, what: str) -> bool:
    if value.__class__ is bool or value.__class__ is int:
        return bool(value)
    arr = np.asarray(value)
    first = bool(arr.flat[0])
    if arr.size > 1 and not bool((arr == first).all()):
        raise RspRuntimeError(
            f"{what} differs across the batch; batch mode needs data-independent control flow"
        )
    return first


def _nop() -> None:
    return None


def _alu_function(funct: int, sa: int) -> Callable[[Any, Any], Any] | None:
    """The operation of a SPECIAL ALU/shift funct on (rs value, rt value)."""
    if funct == 0x00:
        return lambda s, t: (t << sa) & MASK32  # sll
    if funct == 0x02:
        return lambda s, t: t >> sa  # srl
    if funct == 0x03:
        return lambda s, t: (_signed(t) >> sa) & MASK32  # sra
    return _ALU.get(funct)


_ALU: dict[int, Callable[[Any, Any], Any]] = {
    0x04: lambda s, t: (t << (s & 31)) & MASK32,  # sllv
    0x06: lambda s, t: t >> (s & 31),  # srlv
    0x07: lambda s, t: (_signed(t) >> (s & 31)) & MASK32,  # srav
    0x20: lambda s, t: (s + t) & MASK32,  # add (never traps)
    0x21: lambda s, t: (s + t) & MASK32,  # addu
    0x22: lambda s, t: (s - t) & MASK32,  # sub (never traps)
    0x23: lambda s, t: (s - t) & MASK32,  # subu
    0x24: lambda s, t: s & t,  # and
    0x25: lambda s, t: s | t,  # or
    0x26: lambda s, t: s ^ t,  # xor
    0x27: lambda s, t: ~(s | t) & MASK32,  # nor
    0x2A: lambda s, t: (_signed(s) < _signed(t)) * 1,  # slt
    0x2B: lambda s, t: (s < t) * 1,  # sltu
}


def make_special(st: RspState, word: int, pc: int) -> Op:
    """Opcode 0 (SPECIAL): shifts, ALU ops, jr/jalr, break."""
    g = st.gpr
    rs = (word >> 21) & 31
    rt = (word >> 16) & 31
    rd = (word >> 11) & 31
    sa = (word >> 6) & 31
    funct = word & 0x3F
    link = (pc + 8) & 0xFFF

    if funct == 0x08:  # jr

        def op_jr() -> object:
            return uniform(g[rs], "a jump register") & 0xFFC

        return op_jr
    if funct == 0x09:  # jalr

        def op_jalr() -> object:
            target = uniform(g[rs], "a jump register") & 0xFFC
            if rd:
                g[rd] = link
            return target

        return op_jalr
    if funct == 0x0D:  # break

        def op_break() -> object:
            st.halted = True
            st.broke = True
            return HALT

        return op_break

    fn = _alu_function(funct, sa)
    if fn is None:
        raise RspRuntimeError(
            f"unsupported scalar instruction (SPECIAL funct 0x{funct:02x}, word 0x{word:08x})"
        )
    if rd == 0:
        return _nop

    def op() -> None:
        r: Any = fn(g[rs], g[rt])
        g[rd] = r if r.__class__ is int else fold(r)

    return op


def make_immediate(st: RspState, word: int) -> Op:
    """addi/addiu/slti/sltiu/andi/ori/xori/lui."""
    g = st.gpr
    opcode = word >> 26
    rs = (word >> 21) & 31
    rt = (word >> 16) & 31
    uimm = word & 0xFFFF
    simm = uimm - 0x10000 if uimm & 0x8000 else uimm
    if rt == 0:
        return _nop
    if opcode == 0x0F:  # lui
        value = (uimm << 16) & MASK32

        def op_lui() -> None:
            g[rt] = value

        return op_lui
    sext = simm & MASK32
    fns: dict[int, Callable[[Any], Any]] = {
        0x08: lambda s: (s + sext) & MASK32,
        0x09: lambda s: (s + sext) & MASK32,
        0x0A: lambda s: (_signed(s) < simm) * 1,
        0x0B: lambda s: (s < sext) * 1,
        0x0C: lambda s: s & uimm,
        0x0D: lambda s: s | uimm,
        0x0E: lambda s: s ^ uimm,
    }
    fn = fns[opcode]

    def op() -> None:
        r: Any = fn(g[rs])
        g[rt] = r if r.__class__ is int else fold(r)

    return op


def make_branch(st: RspState, word: int, pc: int) -> Op:
    """j, jal, beq, bne, blez, bgtz and the REGIMM branches."""
    g = st.gpr
    opcode = word >> 26
    rs = (word >> 21) & 31
    rt = (word >> 16) & 31
    imm = word & 0xFFFF
    if imm & 0x8000:
        imm -= 0x10000
    target = (pc + 4 + (imm << 2)) & 0xFFF
    link = (pc + 8) & 0xFFF

    if opcode == 0x02:  # j
        jump = (word << 2) & 0xFFC

        def op_j() -> object:
            return jump

        return op_j
    if opcode == 0x03:  # jal
        jump = (word << 2) & 0xFFC

        def op_jal() -> object:
            g[31] = link
            return jump

        return op_jal

    conds: dict[int, Callable[[], Any]] = {
        0x04: lambda: g[rs] == g[rt],
        0x05: lambda: g[rs] != g[rt],
        0x06: lambda: _signed(g[rs]) <= 0,
        0x07: lambda: _signed(g[rs]) > 0,
    }
    links = False
    if opcode == 0x01:
        kind = rt
        regimm: dict[int, Callable[[], Any]] = {
            0x00: lambda: _signed(g[rs]) < 0,  # bltz
            0x01: lambda: _signed(g[rs]) >= 0,  # bgez
            0x10: lambda: _signed(g[rs]) < 0,  # bltzal
            0x11: lambda: _signed(g[rs]) >= 0,  # bgezal
        }
        if kind not in regimm:
            raise RspRuntimeError(
                f"unsupported REGIMM instruction (rt {kind}, word 0x{word:08x})"
            )
        cond = regimm[kind]
        links = kind >= 0x10
    else:
        cond = conds[opcode]

    def op() -> object:
        c = cond()
        taken = c if c.__class__ is bool else _bool(c, "a branch condition")
        if links:
            g[31] = link
        return target if taken else None

    return op


def make_memory(st: RspState, word: int) -> Op:
    """lb/lh/lw/lbu/lhu/lwu and sb/sh/sw on DMEM (big-endian, unaligned, wrapping)."""
    g = st.gpr
    dmem = st.dmem
    opcode = word >> 26
    rs = (word >> 21) & 31
    rt = (word >> 16) & 31
    imm = word & 0xFFFF
    if imm & 0x8000:
        imm -= 0x10000
    size = {
        0x20: 1,
        0x24: 1,
        0x21: 2,
        0x25: 2,
        0x23: 4,
        0x27: 4,
        0x28: 1,
        0x29: 2,
        0x2B: 4,
    }[opcode]
    signed = opcode in (0x20, 0x21)
    batch1 = st.batch == 1
    d0 = dmem[0]

    def address() -> int:
        return (uniform(g[rs], "a scalar memory address") + imm) & 0xFFF

    buf = st.dmem_buf  # a single input's DMEM as a bytearray, if any
    mask = (1 << (8 * size)) - 1

    if opcode >= 0x28:  # stores
        shifts = [8 * (size - 1 - i) for i in range(size)]

        if buf is not None:

            def op_store_buf() -> None:
                a = (g[rs] + imm) & 0xFFF  # type: ignore[operator]
                data = (g[rt] & mask).to_bytes(size, "big")  # type: ignore[union-attr]
                if a + size <= 0x1000:
                    buf[a : a + size] = data
                else:
                    for i in range(size):
                        buf[(a + i) & 0xFFF] = data[i]

            return op_store_buf

        def op_store() -> None:
            a = address()
            value: Any = g[rt]
            if a + size <= 0x1000:
                if value.__class__ is int:
                    dmem[:, a : a + size] = np.frombuffer(
                        (value & ((1 << (8 * size)) - 1)).to_bytes(size, "big"),
                        dtype=np.uint8,
                    )
                else:
                    arr = np.asarray(value)
                    for i, shift in enumerate(shifts):
                        dmem[:, a + i] = (arr >> shift) & 0xFF
            else:
                for i, shift in enumerate(shifts):
                    dmem[:, (a + i) & 0xFFF] = (value >> shift) & 0xFF

        return op_store

    sign_bit = 1 << (8 * size - 1)
    if rt == 0:
        return _nop

    if buf is not None:

        def op_load_buf() -> None:
            a = (g[rs] + imm) & 0xFFF  # type: ignore[operator]
            if a + size <= 0x1000:
                value = int.from_bytes(buf[a : a + size], "big")
            else:
                value = int.from_bytes(
                    bytes(buf[(a + i) & 0xFFF] for i in range(size)), "big"
                )
            if signed and value & sign_bit:
                value = (value - (sign_bit << 1)) & MASK32
            g[rt] = value

        return op_load_buf

    def op_load() -> None:
        a = address()
        if batch1:
            if a + size <= 0x1000:
                value = int.from_bytes(d0[a : a + size].tobytes(), "big")
            else:
                value = 0
                for i in range(size):
                    value = (value << 8) | int(d0[(a + i) & 0xFFF])
            if signed and value & sign_bit:
                value = (value - (sign_bit << 1)) & MASK32
            g[rt] = value
            return
        arr = np.zeros(st.batch, dtype=np.int64)
        for i in range(size):
            arr = (arr << 8) | dmem[:, (a + i) & 0xFFF]
        if signed:
            arr = ((arr ^ sign_bit) - sign_bit) & MASK32
        g[rt] = fold(arr)

    return op_load
