"""LWC2/SWC2 and COP2 moves of the RSP simulator (hand-computed, per ares).

DMEM is filled with ``byte[a] = a & 0xFF`` (plus a marker page), so a loaded
byte names the address it came from.
"""

from __future__ import annotations

import numpy as np
from rsp_words import (
    BREAK,
    addiu,
    li,
    mfc2,
    mtc2,
    program,
    vector_engine,  # noqa: F401 (autouse: both engines)
    vload,
    vstore,
)

from n64c.sim.rsp import simulate

PATTERN = bytes(a & 0xFF for a in range(4096))
FILL = 0xEE


def vbytes(res, reg: int) -> list[int]:
    """The 16 bytes of a register, most significant first."""
    out = []
    for lane in res.vpr[reg]:
        out += [int(lane) >> 8, int(lane) & 0xFF]
    return out


def run(*ops: int | list[int], dmem: bytes = PATTERN):
    """Preload v1 and v2 with 0xEE bytes (from a filled block at 0xC00)."""
    d = bytearray(dmem)
    d[0xC00:0xC10] = bytes([FILL] * 16)
    prog = program(
        li("s7", 0xC00), vload("qv", 1, 0, "s7"), vload("qv", 2, 0, "s7"), *ops, BREAK
    )
    return simulate(prog, bytes(d))


def test_aligned_lqv() -> None:
    res = run(li("t0", 0x100), vload("qv", 1, 0, "t0"))
    assert vbytes(res, 1) == list(range(16))


def test_unaligned_lqv_plus_lrv_is_a_16_byte_load() -> None:
    res = run(li("t0", 0x105), vload("qv", 1, 0, "t0"))
    assert vbytes(res, 1) == list(range(5, 16)) + [FILL] * 5
    res = run(li("t0", 0x105), vload("qv", 1, 0, "t0"), vload("rv", 1, 16, "t0"))
    assert vbytes(res, 1) == list(range(5, 21))
    # lrv alone fills the tail of the register with the bytes before the address
    res = run(li("t0", 0x115), vload("rv", 1, 0, "t0"))
    assert vbytes(res, 1) == [FILL] * 11 + [0x10, 0x11, 0x12, 0x13, 0x14]


def test_partial_loads_with_element() -> None:
    res = run(li("t0", 0x100), vload("qv", 1, 0, "t0", e=4))
    assert vbytes(res, 1) == [FILL] * 4 + list(range(12))
    res = run(li("t0", 0x108), vload("dv", 1, 0, "t0", e=12))  # truncated at byte 15
    assert vbytes(res, 1) == [FILL] * 12 + [8, 9, 10, 11]
    res = run(li("t0", 0x100), vload("sv", 1, 0, "t0", e=15))
    assert vbytes(res, 1) == [FILL] * 15 + [0]
    res = run(
        li("t0", 0x100), vload("bv", 1, 3, "t0", e=3), vload("lv", 2, 4, "t0", e=6)
    )
    assert vbytes(res, 1) == [FILL] * 3 + [3] + [FILL] * 12
    assert vbytes(res, 2) == [FILL] * 6 + [4, 5, 6, 7] + [FILL] * 6


def test_loads_wrap_at_the_end_of_dmem() -> None:
    res = run(li("t0", 0xFFE), vload("lv", 1, 0, "t0"))
    assert vbytes(res, 1)[:4] == [0xFE, 0xFF, 0x00, 0x01]
    res = run(li("t0", 0xFF8), vload("qv", 1, 0, "t0"))
    assert vbytes(res, 1) == list(range(0xF8, 0x100)) + [FILL] * 8
    # an address register beyond 4 KiB wraps too
    res = run(li("t0", 0x12100), vload("qv", 1, 0, "t0"))
    assert vbytes(res, 1) == list(range(16))


def test_negative_offsets_scale_by_size() -> None:
    res = run(li("t0", 0x120), vload("qv", 1, -32, "t0"), vload("dv", 2, -8, "t0"))
    assert vbytes(res, 1) == list(range(16))
    assert vbytes(res, 2)[:8] == list(range(0x18, 0x20))


def test_unaligned_sqv_plus_srv_is_a_16_byte_store() -> None:
    res = run(li("t0", 0x100), vload("qv", 1, 0, "t0"), li("t1", 0x205),
              vstore("qv", 1, 0, "t1"), vstore("rv", 1, 16, "t1"))  # fmt: skip
    assert list(res.dmem[0x205:0x215]) == list(range(16))
    assert res.dmem[0x204] == 0x04 and res.dmem[0x215] == 0x15  # untouched
    res = run(
        li("t0", 0x100),
        vload("qv", 1, 0, "t0"),
        li("t1", 0x205),
        vstore("qv", 1, 0, "t1"),
    )
    assert list(res.dmem[0x205:0x210]) == list(range(11))
    assert list(res.dmem[0x210:0x215]) == [0x10, 0x11, 0x12, 0x13, 0x14]


def test_stores_wrap_around_the_register() -> None:
    res = run(li("t0", 0x100), vload("qv", 1, 0, "t0"), li("t1", 0x300),
              vstore("dv", 1, 0, "t1", e=12), vstore("sv", 1, 16, "t1", e=15),
              vstore("qv", 1, 32, "t1", e=8))  # fmt: skip
    assert list(res.dmem[0x300:0x308]) == [12, 13, 14, 15, 0, 1, 2, 3]
    assert list(res.dmem[0x310:0x312]) == [15, 0]
    assert list(res.dmem[0x320:0x330]) == list(range(8, 16)) + list(range(8))


def test_stores_wrap_at_the_end_of_dmem() -> None:
    res = run(
        li("t0", 0x100),
        vload("qv", 1, 0, "t0"),
        li("t1", 0xFFC),
        vstore("dv", 1, 0, "t1"),
    )
    assert list(res.dmem[0xFFC:0x1000]) == [0, 1, 2, 3]
    assert list(res.dmem[0:4]) == [4, 5, 6, 7]


def test_packed_loads() -> None:
    d = bytearray(PATTERN)
    d[0x400:0x410] = bytes([0x80, 0x7F, 0x01, 0xFF, 0x10, 0x20, 0x30, 0x40,
                            0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])  # fmt: skip
    ops = [li("t0", 0x400), vload("pv", 3, 0, "t0"), vload("uv", 4, 0, "t0"),
           vload("hv", 5, 0, "t0"), vload("fv", 6, 0, "t0")]  # fmt: skip
    res = run(*ops, dmem=bytes(d))
    src = list(d[0x400:0x410])
    assert [int(x) for x in res.vpr[3]] == [b << 8 for b in src[:8]]
    assert [int(x) for x in res.vpr[4]] == [b << 7 for b in src[:8]]
    assert [int(x) for x in res.vpr[5]] == [src[2 * i] << 7 for i in range(8)]
    # lfv e=0 writes lanes 0-3 with bytes 0, 4, 8, 12 << 7; lanes 4-7 keep v6's zeros
    assert [int(x) for x in res.vpr[6]] == [
        src[0] << 7,
        src[4] << 7,
        src[8] << 7,
        src[12] << 7,
        0,
        0,
        0,
        0,
    ]


def test_packed_stores() -> None:
    d = bytearray(PATTERN)
    values = [0x8000, 0x7FFF, 0x0180, 0xFF00, 0x1234, 0x00FF, 0xC3A5, 0x0001]
    for i, v in enumerate(values):
        d[0x400 + 2 * i : 0x402 + 2 * i] = v.to_bytes(2, "big")
    ops = [li("t0", 0x400), vload("qv", 3, 0, "t0"), li("t1", 0x500),
           vstore("pv", 3, 0, "t1"), vstore("uv", 3, 8, "t1"),
           vstore("hv", 3, 16, "t1"), vstore("fv", 3, 48, "t1")]  # fmt: skip
    res = run(*ops, dmem=bytes(d))
    assert list(res.dmem[0x500:0x508]) == [v >> 8 for v in values]
    assert list(res.dmem[0x508:0x510]) == [(v >> 7) & 0xFF for v in values]
    assert list(res.dmem[0x510:0x520:2]) == [(v >> 7) & 0xFF for v in values]
    assert list(res.dmem[0x511:0x520:2]) == [
        (0x511 + 2 * i) & 0xFF for i in range(8)
    ]  # untouched
    assert list(res.dmem[0x530:0x540:4]) == [(v >> 7) & 0xFF for v in values[:4]]


def test_spv_with_element_8_uses_the_other_form() -> None:
    d = bytearray(PATTERN)
    values = [0x8000, 0x7FFF, 0x0180, 0xFF00, 0x1234, 0x00FF, 0xC3A5, 0x0001]
    for i, v in enumerate(values):
        d[0x400 + 2 * i : 0x402 + 2 * i] = v.to_bytes(2, "big")
    ops = [
        li("t0", 0x400),
        vload("qv", 3, 0, "t0"),
        li("t1", 0x500),
        vstore("pv", 3, 0, "t1", e=8),
    ]
    res = run(*ops, dmem=bytes(d))
    assert list(res.dmem[0x500:0x508]) == [(v >> 7) & 0xFF for v in values]


def test_transposed_load_and_store() -> None:
    d = bytearray(PATTERN)
    ops = [
        li("t0", 0x100),
        vload("tv", 8, 0, "t0"),
        li("t1", 0x600),
        vstore("tv", 8, 0, "t1"),
    ]
    res = run(*ops, dmem=bytes(d))
    for i in range(8):  # register 8+i, lane i = halfword i
        assert int(res.vpr[8 + i][i]) == (2 * i) << 8 | (2 * i + 1)
    assert list(res.dmem[0x600:0x610]) == list(range(16))
    # element 2: the register sequence starts one later and memory at +2, wrapping
    res = run(li("t0", 0x100), vload("tv", 8, 0, "t0", e=2), dmem=bytes(d))
    for i in range(8):
        reg = 8 + ((1 + i) & 7)
        lo = (2 + 2 * i) & 15
        assert int(res.vpr[reg][i]) == lo << 8 | (lo + 1)


def test_mtc2_and_mfc2() -> None:
    ops = [li("t0", 0x100), vload("qv", 3, 0, "t0"), li("t1", 0xABCD),
           mtc2("t1", 4, 2), mtc2("t1", 5, 15), mfc2("t2", 3, 15), mfc2("t3", 3, 1),
           li("t4", 0x80FF), mtc2("t4", 6, 0), mfc2("t5", 6, 0)]  # fmt: skip
    res = run(*ops)
    assert int(res.vpr[4][1]) == 0xABCD
    assert int(res.vpr[5][7]) == 0x00AB  # e = 15 writes only the last byte
    assert int(res.gpr[10]) == 0x0F00  # byte 15 then byte 0
    assert int(res.gpr[11]) == 0x0102
    assert int(res.gpr[13]) == 0xFFFF80FF  # sign-extended


def test_vector_stores_leave_other_bytes_alone() -> None:
    res = run(li("t0", 0x100), vload("qv", 1, 0, "t0"), addiu("t1", "zero", 0x700),
              vstore("bv", 1, 3, "t1", e=5), vstore("lv", 1, 8, "t1", e=14))  # fmt: skip
    assert res.dmem[0x703] == 5
    assert list(res.dmem[0x708:0x70C]) == [14, 15, 0, 1]
    expect = np.array([a & 0xFF for a in range(0x700, 0x710)], dtype=np.uint8)
    expect[3], expect[8:12] = 5, [14, 15, 0, 1]
    assert list(res.dmem[0x700:0x710]) == list(expect)
