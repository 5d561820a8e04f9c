"""The vector unit on plain Python ints, for single-input runs.

numpy pays about a microsecond per call whatever the array size, which
dominates when the batch is one input; on Python lists of 8 ints the same
ops run several times faster. This module implements the COP2 computational
ops, LWC2/SWC2 and the COP2 moves on :class:`LaneState` with exactly the
semantics of :mod:`n64c.sim.rsp.vector` and :mod:`n64c.sim.rsp.loadstore`
(whose address plans it reuses); ``tests/unit/test_rsp_sim_batch.py`` runs
both engines on the same programs and requires identical results.

Registers are lists of 8 signed lane values; the accumulator is a list of 8
sign-extended 48-bit ints; flags are lists of 8 ints (0 or 1). DMEM is the
bytearray behind the state's numpy DMEM view.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import numpy as np

from n64c.sim.rsp.loadstore import (
    load_bytes_plan,
    load_lanes_plan,
    ltv_plan,
    store_plan,
    stv_plan,
    vector_memory_fields,
)
from n64c.sim.rsp.state import RspRuntimeError, RspState
from n64c.sim.rsp.vector import _UNSUPPORTED, RCP_TABLE, RSQ_TABLE, selector_lanes

Op = Callable[[], object]

B47 = 1 << 47
M48 = (1 << 48) - 1
_RCP = [int(x) for x in RCP_TABLE]
_RSQ = [int(x) for x in RSQ_TABLE]
_PACK = struct.Struct(">8h")


def sx16(x: int) -> int:
    return ((x + 0x8000) & 0xFFFF) - 0x8000


class LaneState:
    """Vector registers, accumulator, flags and divider of one RSP."""

    def __init__(self) -> None:
        self.v: list[list[int]] = [[0] * 8 for _ in range(32)]
        self.acc: list[int] = [0] * 8
        self.vco_c: list[int] = [0] * 8
        self.vco_ne: list[int] = [0] * 8
        self.vcc_lo: list[int] = [0] * 8
        self.vcc_hi: list[int] = [0] * 8
        self.vce: list[int] = [0] * 8
        self.divin = 0
        self.divout = 0
        self.divdp = False

    def store_into(self, st: RspState) -> None:
        """Copy this state into the numpy arrays of ``st`` (batch of one)."""
        st.v[:, 0, :] = np.array(self.v, dtype=np.int64)
        st.v64[...] = st.v
        st.acc[0] = self.acc
        st.vco_c[0] = self.vco_c
        st.vco_ne[0] = self.vco_ne
        st.vcc_lo[0] = self.vcc_lo
        st.vcc_hi[0] = self.vcc_hi
        st.vce[0] = self.vce
        st.divin[0] = self.divin
        st.divout[0] = self.divout
        st.divdp = self.divdp


# ------------------------------------------------------------------ helpers


def _sclamp(acc: list[int]) -> list[int]:
    out = []
    for x in acc:
        m = x >> 16
        out.append(-32768 if m < -32768 else 32767 if m > 32767 else m)
    return out


def _uclamp(acc: list[int]) -> list[int]:
    out = []
    for x in acc:
        m = x >> 16
        out.append(0 if m < 0 else -1 if m > 0x7FFF else sx16(m))
    return out


def _uclamp_lo(acc: list[int]) -> list[int]:
    out = []
    for x in acc:
        m = x >> 16
        out.append(0 if m < -32768 else -1 if m > 32767 else sx16(x))
    return out


def _acc_lo(acc: list[int], r: list[int]) -> None:
    acc[:] = [(c & ~0xFFFF) | (v & 0xFFFF) for c, v in zip(acc, r, strict=True)]


def _divide(inp: int, square_root: bool) -> int:
    """ares's vrcp/vrsq on a signed 32-bit input; the signed 32-bit result."""
    mask = inp >> 31
    data = inp ^ mask
    if inp > -32768:
        data -= mask
    if data == 0:
        return 0x7FFFFFFF
    if inp == -32768:
        return -65536
    shift = 32 - data.bit_length()
    index = ((data << shift) & 0x7FC00000) >> 22
    if square_root:
        r = _RSQ[(index & 0x1FE) | (shift & 1)]
        r = ((0x10000 | r) << 14) >> ((31 - shift) >> 1)
    else:
        r = _RCP[index]
        r = ((0x10000 | r) << 14) >> (31 - shift)
    return r ^ mask


# ------------------------------------------------------------ computational


def make_lane_vector_op(st: RspState, word: int) -> Op:
    """The closure executing COP2 computational op ``word`` on ``st.lanes``."""
    L = st.lanes
    assert L is not None
    funct = word & 0x3F
    e = (word >> 21) & 15
    vt = (word >> 16) & 31
    vs = (word >> 11) & 31
    vd = (word >> 6) & 31
    S, T, D, A = L.v[vs], L.v[vt], L.v[vd], L.acc
    sel = selector_lanes(e)
    idx = None if sel is None else [int(k) for k in sel]
    CO, NE, LO, HI = L.vco_c, L.vco_ne, L.vcc_lo, L.vcc_hi

    def tsel() -> list[int]:
        return T if idx is None else [T[k] for k in idx]

    if funct in (0x00, 0x01):  # vmulf, vmulu
        clamp = _sclamp if funct == 0x00 else _uclamp

        def op_mulf() -> None:
            a = [((x * y) << 1) + 0x8000 for x, y in zip(S, tsel(), strict=True)]
            A[:] = a
            D[:] = clamp(a)

        return op_mulf
    if funct == 0x04:  # vmudl

        def op_mudl() -> None:
            a = [
                ((x & 0xFFFF) * (y & 0xFFFF)) >> 16
                for x, y in zip(S, tsel(), strict=True)
            ]
            A[:] = a
            D[:] = [sx16(x) for x in a]

        return op_mudl
    if funct == 0x05:  # vmudm

        def op_mudm() -> None:
            a = [x * (y & 0xFFFF) for x, y in zip(S, tsel(), strict=True)]
            A[:] = a
            D[:] = [sx16(x >> 16) for x in a]

        return op_mudm
    if funct == 0x06:  # vmudn

        def op_mudn() -> None:
            a = [(x & 0xFFFF) * y for x, y in zip(S, tsel(), strict=True)]
            A[:] = a
            D[:] = [sx16(x) for x in a]

        return op_mudn
    if funct == 0x07:  # vmudh

        def op_mudh() -> None:
            a = [(x * y) << 16 for x, y in zip(S, tsel(), strict=True)]
            A[:] = a
            D[:] = _sclamp(a)

        return op_mudh
    if funct in (0x08, 0x09, 0x0C, 0x0D, 0x0E, 0x0F):
        product: Callable[[int, int], int] = {
            0x08: lambda x, y: (x * y) << 1,  # vmacf
            0x09: lambda x, y: (x * y) << 1,  # vmacu
            0x0C: lambda x, y: ((x & 0xFFFF) * (y & 0xFFFF)) >> 16,  # vmadl
            0x0D: lambda x, y: x * (y & 0xFFFF),  # vmadm
            0x0E: lambda x, y: (x & 0xFFFF) * y,  # vmadn
            0x0F: lambda x, y: (x * y) << 16,  # vmadh
        }[funct]
        clamp = {
            0x08: _sclamp,
            0x09: _uclamp,
            0x0C: _uclamp_lo,
            0x0D: _sclamp,
            0x0E: _uclamp_lo,
            0x0F: _sclamp,
        }[funct]
        if funct == 0x0F:  # the hot one, without the extra call

            def op_madh() -> None:
                a = [
                    ((c + ((x * y) << 16) + B47) & M48) - B47
                    for c, x, y in zip(A, S, tsel(), strict=True)
                ]
                A[:] = a
                D[:] = _sclamp(a)

            return op_madh

        def op_mac() -> None:
            a = [
                ((c + product(x, y) + B47) & M48) - B47
                for c, x, y in zip(A, S, tsel(), strict=True)
            ]
            A[:] = a
            D[:] = clamp(a)

        return op_mac
    if funct in (0x10, 0x11):  # vadd, vsub
        sign = 1 if funct == 0x10 else -1

        def op_add() -> None:
            r = [x + sign * (y + c) for x, y, c in zip(S, tsel(), CO, strict=True)]
            _acc_lo(A, r)
            D[:] = [-32768 if v < -32768 else 32767 if v > 32767 else v for v in r]
            CO[:] = [0] * 8
            NE[:] = [0] * 8

        return op_add
    if funct == 0x13:  # vabs

        def op_abs() -> None:
            r = [
                y if x > 0 else -y if x < 0 else 0
                for x, y in zip(S, tsel(), strict=True)
            ]
            _acc_lo(A, r)
            D[:] = [32767 if v > 32767 else v for v in r]

        return op_abs
    if funct == 0x14:  # vaddc

        def op_addc() -> None:
            r = [(x & 0xFFFF) + (y & 0xFFFF) for x, y in zip(S, tsel(), strict=True)]
            _acc_lo(A, r)
            CO[:] = [int(v > 0xFFFF) for v in r]
            NE[:] = [0] * 8
            D[:] = [sx16(v) for v in r]

        return op_addc
    if funct == 0x15:  # vsubc

        def op_subc() -> None:
            r = [(x & 0xFFFF) - (y & 0xFFFF) for x, y in zip(S, tsel(), strict=True)]
            _acc_lo(A, r)
            CO[:] = [int(v < 0) for v in r]
            NE[:] = [int(v != 0) for v in r]
            D[:] = [sx16(v) for v in r]

        return op_subc
    if funct == 0x1D:  # vsar

        def op_sar() -> None:
            if e == 8:
                D[:] = [sx16(c >> 32) for c in A]
            elif e == 9:
                D[:] = [sx16(c >> 16) for c in A]
            elif e == 10:
                D[:] = [sx16(c) for c in A]
            else:
                D[:] = [0] * 8

        return op_sar
    if 0x20 <= funct <= 0x23:  # vlt, veq, vne, vge
        test: Callable[[int, int, int, int], int] = {
            0x20: lambda x, y, c, n: int(x < y or (x == y and c and n)),
            0x21: lambda x, y, c, n: int(x == y and not n),
            0x22: lambda x, y, c, n: int(x != y or bool(n)),
            0x23: lambda x, y, c, n: int(x > y or (x == y and not (c and n))),
        }[funct]

        def op_cmp() -> None:
            t = tsel()
            c = [test(x, y, p, q) for x, y, p, q in zip(S, t, CO, NE, strict=True)]
            r = [x if f else y for x, y, f in zip(S, t, c, strict=True)]
            LO[:] = c
            HI[:] = [0] * 8
            CO[:] = [0] * 8
            NE[:] = [0] * 8
            _acc_lo(A, r)
            D[:] = r

        return op_cmp
    if funct == 0x27:  # vmrg

        def op_mrg() -> None:
            r = [x if f else y for x, y, f in zip(S, tsel(), LO, strict=True)]
            CO[:] = [0] * 8
            NE[:] = [0] * 8
            _acc_lo(A, r)
            D[:] = r

        return op_mrg
    if funct == 0x24:  # vcl
        return _vcl(S, tsel, D, A, L)
    if funct == 0x25:  # vch
        return _vch(S, tsel, D, A, L)
    if funct == 0x26:  # vcr
        return _vcr(S, tsel, D, A, L)
    if 0x28 <= funct <= 0x2D:  # logic
        fn: Callable[[int, int], int] = {
            0x28: lambda x, y: x & y,
            0x29: lambda x, y: ~(x & y),
            0x2A: lambda x, y: x | y,
            0x2B: lambda x, y: ~(x | y),
            0x2C: lambda x, y: x ^ y,
            0x2D: lambda x, y: ~(x ^ y),
        }[funct]

        def op_logic() -> None:
            r = [fn(x, y) for x, y in zip(S, tsel(), strict=True)]
            _acc_lo(A, r)
            D[:] = [sx16(v) for v in r]

        return op_logic
    if funct == 0x33:  # vmov
        de = vs & 7

        def op_mov() -> None:
            t = tsel()
            _acc_lo(A, t)
            D[de] = t[de]

        return op_mov
    if 0x30 <= funct <= 0x36:
        return _divider(funct, vs & 7, e & 7, T, tsel, D, A, L)
    if funct in (0x37, 0x3F):  # vnop, vnull

        def op_nop() -> None:
            return None

        return op_nop
    name = _UNSUPPORTED.get(funct, f"funct 0x{funct:02x}")
    raise RspRuntimeError(f"unsupported vector instruction {name} (word 0x{word:08x})")


def _vch(
    S: list[int],
    tsel: Callable[[], list[int]],
    D: list[int],
    A: list[int],
    L: LaneState,
) -> Op:
    def op_vch() -> None:
        t = tsel()
        r = [0] * 8
        lo, hi, co, ne, ce = [0] * 8, [0] * 8, [0] * 8, [0] * 8, [0] * 8
        for n in range(8):
            x, y = S[n], t[n]
            if (x ^ y) < 0:
                res = x + y
                r[n] = -y if res <= 0 else x
                lo[n], hi[n], co[n], ce[n] = (
                    int(res <= 0),
                    int(y < 0),
                    1,
                    int(res == -1),
                )
            else:
                res = x - y
                r[n] = y if res >= 0 else x
                lo[n], hi[n] = int(y < 0), int(res >= 0)
            ne[n] = int(res != 0 and (x & 0xFFFF) != ((y & 0xFFFF) ^ 0xFFFF))
        L.vcc_lo[:], L.vcc_hi[:], L.vco_c[:], L.vco_ne[:], L.vce[:] = lo, hi, co, ne, ce
        _acc_lo(A, r)
        D[:] = [sx16(v) for v in r]

    return op_vch


def _vcl(
    S: list[int],
    tsel: Callable[[], list[int]],
    D: list[int],
    A: list[int],
    L: LaneState,
) -> Op:
    def op_vcl() -> None:
        t = tsel()
        lo, hi = list(L.vcc_lo), list(L.vcc_hi)
        co, ne, ce = L.vco_c, L.vco_ne, L.vce
        r = [0] * 8
        for n in range(8):
            us, ut = S[n] & 0xFFFF, t[n] & 0xFFFF
            if co[n]:
                if not ne[n]:
                    total = us + ut
                    zero = (total & 0xFFFF) == 0
                    carry = total > 0xFFFF
                    lo[n] = int(zero or not carry) if ce[n] else int(zero and not carry)
                r[n] = -ut if lo[n] else us
            else:
                if not ne[n]:
                    hi[n] = int(us >= ut)
                r[n] = ut if hi[n] else us
        L.vcc_lo[:], L.vcc_hi[:] = lo, hi
        L.vco_c[:], L.vco_ne[:], L.vce[:] = [0] * 8, [0] * 8, [0] * 8
        _acc_lo(A, r)
        D[:] = [sx16(v) for v in r]

    return op_vcl


def _vcr(
    S: list[int],
    tsel: Callable[[], list[int]],
    D: list[int],
    A: list[int],
    L: LaneState,
) -> Op:
    def op_vcr() -> None:
        t = tsel()
        r = [0] * 8
        lo, hi = [0] * 8, [0] * 8
        for n in range(8):
            x, y = S[n], t[n]
            if (x ^ y) < 0:
                hi[n] = int(y < 0)
                lo[n] = int(x + y + 1 <= 0)
                r[n] = ~y if lo[n] else x
            else:
                lo[n] = int(y < 0)
                hi[n] = int(x - y >= 0)
                r[n] = y if hi[n] else x
        L.vcc_lo[:], L.vcc_hi[:] = lo, hi
        L.vco_c[:], L.vco_ne[:], L.vce[:] = [0] * 8, [0] * 8, [0] * 8
        _acc_lo(A, r)
        D[:] = [sx16(v) for v in r]

    return op_vcr


def _divider(
    funct: int,
    de: int,
    lane: int,
    T: list[int],
    tsel: Callable[[], list[int]],
    D: list[int],
    A: list[int],
    L: LaneState,
) -> Op:
    square_root = funct >= 0x34
    kind = funct & 3  # 0: full, 1: low, 2: high

    if kind == 2:  # vrcph / vrsqh

        def op_high() -> None:
            _acc_lo(A, tsel())
            L.divdp = True
            L.divin = T[lane]
            D[de] = L.divout

        return op_high

    def op_divide() -> None:
        t = tsel()
        element = T[lane]
        if kind == 1 and L.divdp:
            inp = (L.divin << 16) | (element & 0xFFFF)
            inp = ((inp + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
        else:
            inp = element
        result = _divide(inp, square_root)
        L.divdp = False
        L.divout = sx16(result >> 16)
        _acc_lo(A, t)
        D[de] = sx16(result)

    return op_divide


# ---------------------------------------------------------- loads and stores


def make_lane_load(st: RspState, word: int) -> Op:
    L = st.lanes
    buf = st.dmem_buf
    assert L is not None and buf is not None
    base, vt, e, name, disp = vector_memory_fields(word, store=False)
    g: list[Any] = st.gpr
    D = L.v[vt]
    cache: dict[int, Any] = {}
    unpack_from = _PACK.unpack_from
    pack = _PACK.pack

    if name in ("lbv", "lsv", "llv", "ldv", "lqv", "lrv"):
        whole = name == "lqv" and e == 0

        def op_load() -> None:
            a = (g[base] + disp) & 0xFFF
            if whole and not a & 15:
                D[:] = unpack_from(buf, a)
                return
            plan = cache.get(a & 15)
            if plan is None:
                plan = cache[a & 15] = list(
                    zip(*load_bytes_plan(name, e, a & 15), strict=True)
                )
            line = a & ~15
            rb = bytearray(pack(*D))
            for r, m in plan:
                rb[r] = buf[(line + m) & 0xFFF]
            D[:] = unpack_from(rb)

        return op_load

    if name in ("lpv", "luv", "lhv", "lfv"):

        def op_lanes() -> None:
            a = (g[base] + disp) & 0xFFF
            plan = cache.get(a & 15)
            if plan is None:
                plan = cache[a & 15] = load_lanes_plan(name, e, a & 15)
            rel, shift = plan
            line = a & ~15
            lanes = [sx16(buf[(line + m) & 0xFFF] << shift) for m in rel]
            if name != "lfv":
                D[:] = lanes
                return
            rb = bytearray(pack(*D))
            tmp = pack(*lanes)
            end = min(e + 8, 16)
            rb[e:end] = tmp[e:end]
            D[:] = unpack_from(rb)

        return op_lanes

    def op_ltv() -> None:
        a = (g[base] + disp) & 0xFFF
        plan = cache.get(a & 15)
        if plan is None:
            plan = cache[a & 15] = list(zip(*ltv_plan(vt, e, a & 15), strict=True))
        line = a & ~15
        group = vt & ~7
        regs = [bytearray(pack(*L.v[group + k])) for k in range(8)]
        for reg, byte, m in plan:
            regs[reg - group][byte] = buf[(line + m) & 0xFFF]
        for k in range(8):
            L.v[group + k][:] = unpack_from(regs[k])

    return op_ltv


def make_lane_store(st: RspState, word: int) -> Op:
    L = st.lanes
    buf = st.dmem_buf
    assert L is not None and buf is not None
    base, vt, e, name, disp = vector_memory_fields(word, store=True)
    g: list[Any] = st.gpr
    T = L.v[vt]
    cache: dict[int, Any] = {}
    pack = _PACK.pack
    pack_into = _PACK.pack_into

    if name == "stv":

        def op_stv() -> None:
            a = (g[base] + disp) & 0xFFF
            plan = cache.get(a & 15)
            if plan is None:
                plan = cache[a & 15] = list(zip(*stv_plan(vt, e, a & 15), strict=True))
            line = a & ~15
            regs = {r: pack(*L.v[r]) for r in range(vt & ~7, (vt & ~7) + 8)}
            for m, reg, byte in plan:
                buf[(line + m) & 0xFFF] = regs[reg][byte]

        return op_stv

    whole = name == "sqv" and e == 0

    def op_store() -> None:
        a = (g[base] + disp) & 0xFFF
        if whole and not a & 15:
            pack_into(buf, a, *T)
            return
        plan = cache.get(a & 15)
        if plan is None:
            plan = cache[a & 15] = list(zip(*store_plan(name, e, a & 15), strict=True))
        line = a & ~15
        rb = pack(*T) + b"\0"
        for m, b0, b1, sh in plan:
            buf[(line + m) & 0xFFF] = ((rb[b0] << sh) | (rb[b1] >> (8 - sh))) & 0xFF

    return op_store


def make_lane_move(st: RspState, word: int) -> Op:
    """mfc2, mtc2, cfc2, ctc2 on a single input."""
    L = st.lanes
    assert L is not None
    fmt = (word >> 21) & 31
    rt = (word >> 16) & 31
    rd = (word >> 11) & 31
    e = (word >> 7) & 15
    g: list[Any] = st.gpr
    pack = _PACK.pack
    unpack_from = _PACK.unpack_from

    if fmt == 0x00:  # mfc2
        R = L.v[rd]

        def op_mfc2() -> None:
            rb = pack(*R)
            value = sx16(rb[e] << 8 | rb[(e + 1) & 15])
            if rt:
                g[rt] = value & 0xFFFFFFFF

        return op_mfc2
    if fmt == 0x04:  # mtc2
        R = L.v[rd]

        def op_mtc2() -> None:
            value: Any = g[rt]
            rb = bytearray(pack(*R))
            rb[e] = (value >> 8) & 0xFF
            if e != 15:
                rb[e + 1] = value & 0xFF
            R[:] = unpack_from(rb)

        return op_mtc2
    pairs: list[tuple[list[int], list[int] | None]] = [
        (L.vco_c, L.vco_ne),
        (L.vcc_lo, L.vcc_hi),
        (L.vce, None),
        (L.vce, None),
    ]
    lo, hi = pairs[rd & 3]
    if fmt == 0x02:  # cfc2

        def op_cfc2() -> None:
            value = sum(bit << n for n, bit in enumerate(lo))
            if hi is not None:
                value |= sum(bit << (8 + n) for n, bit in enumerate(hi))
            if rt:
                g[rt] = sx16(value) & 0xFFFFFFFF

        return op_cfc2
    if fmt == 0x06:  # ctc2

        def op_ctc2() -> None:
            value: Any = g[rt]
            lo[:] = [(value >> n) & 1 for n in range(8)]
            if hi is not None:
                hi[:] = [(value >> (8 + n)) & 1 for n in range(8)]

        return op_ctc2
    raise RspRuntimeError(f"unsupported COP2 move format {fmt} (word 0x{word:08x})")
