"""Vector loads and stores (LWC2/SWC2) and the GPR <-> COP2 moves.

Each access is reduced to a *plan*: which register bytes (or lanes) meet
which DMEM bytes, computed from the element field and the effective address
by the rules of ares's RSP (the hardware-tested reference), including the
wrap-around of 16-byte accesses within an aligned DMEM line and the
register wrap of stores. Plans are cached per address, so executing an
access is one or two numpy fancy-index (or slice) copies for the whole batch.

Word format: ``base<<21 | vt<<16 | op<<11 | e<<7 | off7``; address =
``GPR[base] + sign_extend7(off7) * size``; every DMEM address wraps at 4 KiB.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from n64c.sim.rsp.state import RspRuntimeError, RspState, fold, uniform

Op = Callable[[], object]

# sub-op -> (name, size in bytes of the offset unit)
LOAD_OPS = {
    0: ("lbv", 1),
    1: ("lsv", 2),
    2: ("llv", 4),
    3: ("ldv", 8),
    4: ("lqv", 16),
    5: ("lrv", 16),
    6: ("lpv", 8),
    7: ("luv", 8),
    8: ("lhv", 16),
    9: ("lfv", 16),
    11: ("ltv", 16),
}
STORE_OPS = {
    0: ("sbv", 1),
    1: ("ssv", 2),
    2: ("slv", 4),
    3: ("sdv", 8),
    4: ("sqv", 16),
    5: ("srv", 16),
    6: ("spv", 8),
    7: ("suv", 8),
    8: ("shv", 16),
    9: ("sfv", 16),
    10: ("swv", 16),
    11: ("stv", 16),
}

# Index of a constant zero byte appended to the register bytes of stores.
ZERO_BYTE = 16


def _as_index(values: list[int]) -> np.ndarray | slice:
    """A slice when the indices are consecutive ascending, else an index array."""
    if values and values == list(range(values[0], values[0] + len(values))):
        return slice(values[0], values[0] + len(values))
    return np.array(values, dtype=np.intp)


class MemIndex:
    """DMEM addresses of a plan made for the line at address 0 (``a & 15``);
    :meth:`at` places them at the access's 16-byte line, wrapping at 4 KiB."""

    __slots__ = ("lo", "hi", "rel")

    def __init__(self, rel: list[int]) -> None:
        self.rel = np.array(rel, dtype=np.intp)
        contiguous = bool(rel) and rel == list(range(rel[0], rel[0] + len(rel)))
        self.lo = rel[0] if contiguous else -1
        self.hi = rel[0] + len(rel) if contiguous else -1

    def at(self, base: int) -> slice | np.ndarray:
        if self.lo >= 0 and base + self.hi <= 0x1000:
            return slice(base + self.lo, base + self.hi)
        return (self.rel + base) & 0xFFF


# --------------------------------------------------------------------- loads


def load_bytes_plan(name: str, e: int, a: int) -> tuple[list[int], list[int]]:
    """(register byte indices, DMEM addresses) of a byte-copy load."""
    regs: list[int] = []
    mem: list[int] = []
    if name == "lbv":
        return [e], [a & 0xFFF]
    if name in ("lsv", "llv", "ldv"):
        n = {"lsv": 2, "llv": 4, "ldv": 8}[name]
        for offset in range(e, min(e + n, 16)):
            regs.append(offset & 15)
            mem.append(a & 0xFFF)
            a += 1
    elif name == "lqv":
        for offset in range(e, min(16 + e - (a & 15), 16)):
            regs.append(offset & 15)
            mem.append(a & 0xFFF)
            a += 1
    elif name == "lrv":
        start = 16 - ((a & 15) - e)
        a &= ~15
        for offset in range(start, 16):
            regs.append(offset & 15)
            mem.append(a & 0xFFF)
            a += 1
    else:  # pragma: no cover
        raise AssertionError(name)
    return regs, mem


def load_lanes_plan(name: str, e: int, a: int) -> tuple[list[int], int]:
    """(DMEM address per lane, shift) of lpv/luv/lhv/lfv; lfv lists its 8 tmp lanes."""
    index = (a & 7) - e
    base = a & ~7
    if name in ("lpv", "luv"):
        addrs = [(base + ((index + i) & 15)) & 0xFFF for i in range(8)]
        return addrs, 8 if name == "lpv" else 7
    if name == "lhv":
        return [(base + ((index + 2 * i) & 15)) & 0xFFF for i in range(8)], 7
    if name == "lfv":
        addrs = [0] * 8
        for o in range(4):
            addrs[o] = (base + ((index + 4 * o) & 15)) & 0xFFF
            addrs[o + 4] = (base + ((index + 4 * o + 8) & 15)) & 0xFFF
        return addrs, 7
    raise AssertionError(name)  # pragma: no cover


def ltv_plan(vt: int, e: int, a: int) -> tuple[list[int], list[int], list[int]]:
    """(registers, register bytes, DMEM addresses) of ltv (transposed load)."""
    begin = a & ~7
    a = begin + ((e + (a & 8)) & 15)
    vtbase = vt & ~7
    vtoff = e >> 1
    regs: list[int] = []
    byts: list[int] = []
    mem: list[int] = []
    for i in range(8):
        for half in range(2):
            regs.append(vtbase + vtoff)
            byts.append(i * 2 + half)
            mem.append(a & 0xFFF)
            a += 1
            if a == begin + 16:
                a = begin
        vtoff = (vtoff + 1) & 7
    return regs, byts, mem


# -------------------------------------------------------------------- stores


def store_plan(
    name: str, e: int, a: int
) -> tuple[list[int], list[int], list[int], list[int]]:
    """(DMEM addresses, byte index i0, byte index i1, shift) of a store.

    The stored byte k is ``((B[i0] << sh) | (B[i1] >> (8 - sh))) & 0xFF`` where
    ``B`` is the 16 register bytes plus a zero byte at index 16: ``sh = 0`` is
    a byte copy, ``sh = 1`` gives ``lane >> 7`` for ``i0 = 2n, i1 = 2n + 1``.
    """
    mem: list[int] = []
    i0: list[int] = []
    i1: list[int] = []
    sh: list[int] = []

    def put(addr: int, b0: int, b1: int = ZERO_BYTE, shift: int = 0) -> None:
        mem.append(addr & 0xFFF)
        i0.append(b0)
        i1.append(b1)
        sh.append(shift)

    if name == "sbv":
        put(a, e & 15)
    elif name in ("ssv", "slv", "sdv"):
        n = {"ssv": 2, "slv": 4, "sdv": 8}[name]
        for offset in range(e, e + n):
            put(a, offset & 15)
            a += 1
    elif name == "sqv":
        for offset in range(e, e + (16 - (a & 15))):
            put(a, offset & 15)
            a += 1
    elif name == "srv":
        end = e + (a & 15)
        base = 16 - (a & 15)
        a &= ~15
        for offset in range(e, end):
            put(a, (offset + base) & 15)
            a += 1
    elif name == "swv":
        base = a & 7
        a &= ~7
        for offset in range(e, e + 16):
            put(a + (base & 15), offset & 15)
            base += 1
    elif name in ("spv", "suv"):
        for offset in range(e, e + 8):
            lane = offset & 7
            high_half = (offset & 15) < 8
            if high_half == (name == "spv"):
                put(a, lane << 1)
            else:
                put(a, lane << 1, (lane << 1) + 1, 1)
            a += 1
    elif name == "shv":
        index = a & 7
        a &= ~7
        for o in range(8):
            b = e + o * 2
            put(a + ((index + o * 2) & 15), b & 15, (b + 1) & 15, 1)
    elif name == "sfv":
        base = a & 7
        a &= ~7
        lanes = {
            0: (0, 1, 2, 3),
            15: (0, 1, 2, 3),
            1: (6, 7, 4, 5),
            4: (1, 2, 3, 0),
            5: (7, 4, 5, 6),
            8: (4, 5, 6, 7),
            11: (3, 0, 1, 2),
            12: (5, 6, 7, 4),
        }.get(e)
        for k in range(4):
            addr = a + ((base + 4 * k) & 15)
            if lanes is None:
                put(addr, ZERO_BYTE)
            else:
                put(addr, lanes[k] << 1, (lanes[k] << 1) + 1, 1)
    else:  # pragma: no cover
        raise AssertionError(name)
    return mem, i0, i1, sh


def stv_plan(vt: int, e: int, a: int) -> tuple[list[int], list[int], list[int]]:
    """(DMEM addresses, registers, register bytes) of stv (transposed store)."""
    start = vt & ~7
    element = 16 - (e & ~1)
    base = (a & 7) - (e & ~1)
    a &= ~7
    mem: list[int] = []
    regs: list[int] = []
    byts: list[int] = []
    for reg in range(start, start + 8):
        for _ in range(2):
            mem.append((a + (base & 15)) & 0xFFF)
            regs.append(reg)
            byts.append(element & 15)
            base += 1
            element += 1
    return mem, regs, byts


# ------------------------------------------------------------------ closures


def vector_memory_fields(word: int, store: bool) -> tuple[int, int, int, str, int]:
    """``(base, vt, element, name, displacement)`` of an LWC2 (or, with
    ``store``, SWC2) word; raises :class:`RspRuntimeError` for an unknown
    sub-op."""
    sub = (word >> 11) & 31
    table = STORE_OPS if store else LOAD_OPS
    if sub not in table:
        kind = "store" if store else "load"
        raise RspRuntimeError(
            f"unsupported vector {kind} sub-op {sub} (word 0x{word:08x})"
        )
    name, size = table[sub]
    off = word & 0x7F
    if off & 0x40:
        off -= 0x80
    return (word >> 21) & 31, (word >> 16) & 31, (word >> 7) & 15, name, off * size


def make_vector_load(st: RspState, word: int) -> Op:
    base, vt, e, name, disp = vector_memory_fields(word, store=False)
    gpr = st.gpr
    dmem = st.dmem
    cache: dict[int, Any] = {}

    def address() -> int:
        return (uniform(gpr[base], "a vector load address") + disp) & 0xFFF

    if name in ("lbv", "lsv", "llv", "ldv", "lqv", "lrv"):
        reg_bytes = st.vb[vt]

        v_t, v64_t = st.v[vt], st.v64[vt]

        def op() -> None:
            a = address()
            plan = cache.get(a & 15)
            if plan is None:
                regs, mem = load_bytes_plan(name, e, a & 15)
                plan = cache[a & 15] = (_as_index(regs), MemIndex(mem))
            r, m = plan
            reg_bytes[:, r] = dmem[:, m.at(a & ~15)]
            v64_t[...] = v_t

        return op

    if name in ("lpv", "luv", "lhv", "lfv"):

        def op() -> None:
            a = address()
            plan = cache.get(a & 15)
            if plan is None:
                addrs, shift = load_lanes_plan(name, e, a & 15)
                plan = cache[a & 15] = (MemIndex(addrs), shift)
            m, shift = plan
            lanes = dmem[:, m.at(a & ~15)].astype(np.int64) << shift
            if name != "lfv":
                st.write_v(vt, lanes)
                return
            tmp = np.empty((st.batch, 8), dtype=">i2")
            tmp[...] = lanes
            start, end = e, min(e + 8, 16)
            st.vb[vt, :, start:end] = tmp.view(np.uint8)[:, start:end]
            st.v64[vt] = st.v[vt]

        return op

    # ltv
    group = slice(vt & ~7, (vt & ~7) + 8)

    def op() -> None:
        a = address()
        plan = cache.get(a & 15)
        if plan is None:
            regs, byts, mem = ltv_plan(vt, e, a & 15)
            plan = cache[a & 15] = (np.array(regs), np.array(byts), MemIndex(mem))
        r, b, m = plan
        st.vb[r, :, b] = dmem[:, m.at(a & ~15)].T
        st.v64[group] = st.v[group]

    return op


def make_vector_store(st: RspState, word: int) -> Op:
    base, vt, e, name, disp = vector_memory_fields(word, store=True)
    gpr = st.gpr
    dmem = st.dmem
    cache: dict[int, Any] = {}

    def address() -> int:
        return (uniform(gpr[base], "a vector store address") + disp) & 0xFFF

    if name == "stv":

        def op() -> None:
            a = address()
            plan = cache.get(a & 15)
            if plan is None:
                mem, regs, byts = stv_plan(vt, e, a & 15)
                plan = cache[a & 15] = (MemIndex(mem), np.array(regs), np.array(byts))
            m, r, b = plan
            dmem[:, m.at(a & ~15)] = st.vb[r, :, b].T

        return op

    reg_bytes = st.vb[vt]

    def op() -> None:
        a = address()
        plan: Any = cache.get(a & 15)
        if plan is None:
            mem, i0, i1, sh = store_plan(name, e, a & 15)
            if not any(sh) and ZERO_BYTE not in i0:
                plan = cache[a & 15] = (True, MemIndex(mem), _as_index(i0), None, None)
            else:
                plan = cache[a & 15] = (
                    False,
                    MemIndex(mem),
                    np.array(i0),
                    np.array(i1),
                    np.array(sh, dtype=np.int64),
                )
        copy, mi, b0, b1, shift = plan
        m = mi.at(a & ~15)
        if copy:
            dmem[:, m] = reg_bytes[:, b0]
            return
        pool = np.zeros((st.batch, 17), dtype=np.int64)
        pool[:, :16] = reg_bytes
        dmem[:, m] = ((pool[:, b0] << shift) | (pool[:, b1] >> (8 - shift))) & 0xFF

    return op


# ------------------------------------------------------------ mfc2 / mtc2 ...


def make_cop2_move(st: RspState, word: int) -> Op:
    """mfc2, mtc2, cfc2, ctc2."""
    fmt = (word >> 21) & 31
    rt = (word >> 16) & 31
    rd = (word >> 11) & 31
    e = (word >> 7) & 15
    gpr = st.gpr
    vb = st.vb

    if fmt == 0x00:  # mfc2 rt, vs[e]

        def op() -> None:
            hi = vb[rd, :, e].astype(np.int64)
            lo = vb[rd, :, (e + 1) & 15].astype(np.int64)
            value = (hi << 8) | lo
            value = (value ^ 0x8000) - 0x8000
            if rt:
                gpr[rt] = fold(value & 0xFFFFFFFF)

        return op

    if fmt == 0x04:  # mtc2 rt, vs[e]

        def op() -> None:
            value = gpr[rt]
            vb[rd, :, e] = (value >> 8) & 0xFF
            if e != 15:
                vb[rd, :, e + 1] = value & 0xFF
            st.v64[rd] = st.v[rd]

        return op

    weights = 1 << np.arange(8, dtype=np.int64)
    flags: list[tuple[np.ndarray, np.ndarray | None]] = [
        (st.vco_c, st.vco_ne),
        (st.vcc_lo, st.vcc_hi),
        (st.vce, None),
        (st.vce, None),
    ]
    lo_flags, hi_flags = flags[rd & 3]

    if fmt == 0x02:  # cfc2

        def op() -> None:
            value = (lo_flags * weights).sum(axis=1)
            if hi_flags is not None:
                value = value | ((hi_flags * weights).sum(axis=1) << 8)
            value = (value ^ 0x8000) - 0x8000
            if rt:
                gpr[rt] = fold(value & 0xFFFFFFFF)

        return op

    if fmt == 0x06:  # ctc2

        def op() -> None:
            value = gpr[rt]
            if value.__class__ is int:
                bits = (value >> np.arange(16)) & 1
                lo_flags[...] = bits[:8].astype(bool)
                if hi_flags is not None:
                    hi_flags[...] = bits[8:].astype(bool)
            else:
                arr = np.asarray(value)[:, None]
                lo_flags[...] = ((arr >> np.arange(8)) & 1).astype(bool)
                if hi_flags is not None:
                    hi_flags[...] = ((arr >> np.arange(8, 16)) & 1).astype(bool)

        return op

    raise RspRuntimeError(f"unsupported COP2 move format {fmt} (word 0x{word:08x})")
