"""Hand encoders of RSP instruction words for the simulator tests.

Kept independent of n64c's assembler on purpose: the simulator tests check
the simulator against encodings taken straight from rsp-reference.md.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

REG = {
    name: i
    for i, name in enumerate(
        [
            "zero",
            "at",
            "v0",
            "v1",
            "a0",
            "a1",
            "a2",
            "a3",
            "t0",
            "t1",
            "t2",
            "t3",
            "t4",
            "t5",
            "t6",
            "t7",
            "s0",
            "s1",
            "s2",
            "s3",
            "s4",
            "s5",
            "s6",
            "s7",
            "t8",
            "t9",
            "k0",
            "k1",
            "gp",
            "sp",
            "fp",
            "ra",
        ]
    )
}

BREAK = 0x0000000D
NOP = 0x00000000

VFUNCT = {
    "vmulf": 0x00, "vmulu": 0x01, "vmudl": 0x04, "vmudm": 0x05, "vmudn": 0x06,
    "vmudh": 0x07, "vmacf": 0x08, "vmacu": 0x09, "vmadl": 0x0C, "vmadm": 0x0D,
    "vmadn": 0x0E, "vmadh": 0x0F, "vadd": 0x10, "vsub": 0x11, "vabs": 0x13,
    "vaddc": 0x14, "vsubc": 0x15, "vsar": 0x1D, "vlt": 0x20, "veq": 0x21,
    "vne": 0x22, "vge": 0x23, "vcl": 0x24, "vch": 0x25, "vcr": 0x26,
    "vmrg": 0x27, "vand": 0x28, "vnand": 0x29, "vor": 0x2A, "vnor": 0x2B,
    "vxor": 0x2C, "vnxor": 0x2D, "vrcp": 0x30, "vrcpl": 0x31, "vrcph": 0x32,
    "vmov": 0x33, "vrsq": 0x34, "vrsql": 0x35, "vrsqh": 0x36, "vnop": 0x37,
}  # fmt: skip

LOADS = {"bv": 0, "sv": 1, "lv": 2, "dv": 3, "qv": 4, "rv": 5, "pv": 6, "uv": 7,
         "hv": 8, "fv": 9, "wv": 10, "tv": 11}  # fmt: skip
SIZES = {"bv": 1, "sv": 2, "lv": 4, "dv": 8, "qv": 16, "rv": 16, "pv": 8, "uv": 8,
         "hv": 16, "fv": 16, "wv": 16, "tv": 16}  # fmt: skip


def r(name: str | int) -> int:
    return name if isinstance(name, int) else REG[name]


def vop(name: str, vd: int, vs: int, vt: int, e: int = 0) -> int:
    """Vector computational op; for single-lane ops vs is the destination lane."""
    return 0x4A000000 | e << 21 | vt << 16 | vs << 11 | vd << 6 | VFUNCT[name]


def vload(kind: str, vt: int, offset: int, base: str | int, e: int = 0) -> int:
    """l<kind> $vt[e], offset(base); offset in bytes (a multiple of the size)."""
    off = offset // SIZES[kind]
    assert off * SIZES[kind] == offset
    return (
        0xC8000000
        | r(base) << 21
        | vt << 16
        | LOADS[kind] << 11
        | e << 7
        | (off & 0x7F)
    )


def vstore(kind: str, vt: int, offset: int, base: str | int, e: int = 0) -> int:
    off = offset // SIZES[kind]
    assert off * SIZES[kind] == offset
    return (
        0xE8000000
        | r(base) << 21
        | vt << 16
        | LOADS[kind] << 11
        | e << 7
        | (off & 0x7F)
    )


def itype(opcode: int, rs: str | int, rt: str | int, imm: int) -> int:
    return opcode << 26 | r(rs) << 21 | r(rt) << 16 | (imm & 0xFFFF)


def rtype(funct: int, rd: str | int, rs: str | int, rt: str | int, sa: int = 0) -> int:
    return r(rs) << 21 | r(rt) << 16 | r(rd) << 11 | sa << 6 | funct


def addiu(rt: str, rs: str, imm: int) -> int:
    return itype(0x09, rs, rt, imm)


def ori(rt: str, rs: str, imm: int) -> int:
    return itype(0x0D, rs, rt, imm)


def lui(rt: str, imm: int) -> int:
    return itype(0x0F, 0, rt, imm)


def li(rt: str, value: int) -> list[int]:
    return [lui(rt, value >> 16), ori(rt, rt, value & 0xFFFF)]


def lw(rt: str, offset: int, base: str) -> int:
    return itype(0x23, base, rt, offset)


def sw(rt: str, offset: int, base: str) -> int:
    return itype(0x2B, base, rt, offset)


def beq(rs: str, rt: str, words: int) -> int:
    """Branch by `words` instructions relative to the delay slot."""
    return itype(0x04, rs, rt, words)


def bne(rs: str, rt: str, words: int) -> int:
    return itype(0x05, rs, rt, words)


def j(address: int) -> int:
    return 0x02 << 26 | (address >> 2)


def jal(address: int) -> int:
    return 0x03 << 26 | (address >> 2)


def jr(rs: str) -> int:
    return rtype(0x08, 0, rs, 0)


def mtc0(rt: str, rd: int) -> int:
    return 0x40800000 | r(rt) << 16 | rd << 11


def mfc0(rt: str, rd: int) -> int:
    return 0x40000000 | r(rt) << 16 | rd << 11


def mtc2(rt: str, vs: int, e: int) -> int:
    return 0x48800000 | r(rt) << 16 | vs << 11 | e << 7


def mfc2(rt: str, vs: int, e: int) -> int:
    return 0x48000000 | r(rt) << 16 | vs << 11 | e << 7


def cfc2(rt: str, rd: int) -> int:
    return 0x48400000 | r(rt) << 16 | rd << 11


def ctc2(rt: str, rd: int) -> int:
    return 0x48C00000 | r(rt) << 16 | rd << 11


def program(*items: int | list[int]) -> bytes:
    words: list[int] = []
    for item in items:
        words.extend(item if isinstance(item, list) else [item])
    return b"".join(struct.pack(">I", w & 0xFFFFFFFF) for w in words)


def halves(*values: int) -> bytes:
    """Big-endian 16-bit values (signed or unsigned)."""
    return b"".join(struct.pack(">H", v & 0xFFFF) for v in values)


def dmem_with(*chunks: tuple[int, bytes]) -> bytes:
    d = bytearray(4096)
    for address, data in chunks:
        d[address : address + len(data)] = data
    return bytes(d)


def lanes(vpr: np.ndarray, reg: int) -> list[int]:
    """Signed lanes of a register of SimResult.vpr."""
    return [int(x) - 0x10000 if x & 0x8000 else int(x) for x in vpr[reg]]


def ulanes(vpr: np.ndarray, reg: int) -> list[int]:
    return [int(x) for x in vpr[reg]]


@pytest.fixture(autouse=True, params=["python-lanes", "numpy"])
def vector_engine(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Run a test once on each vector-unit engine of single-input runs
    (autouse in every module that imports it)."""
    from n64c.sim.rsp import machine

    monkeypatch.setattr(machine, "_PYTHON_LANES", request.param == "python-lanes")
    return request.param
