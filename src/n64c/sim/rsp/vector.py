"""Vector unit (COP2 computational ops) of the RSP simulator.

Every op is built once per instruction word into a closure that updates all
batch elements with whole-array numpy operations (no per-lane Python loop).
Semantics follow ares's RSP vector unit (the hardware-tested reference);
``docs/rsp-timing.md`` and ``rsp-reference.md`` list the ops.

Notation: ``s`` = lanes of vs, ``t`` = lanes of vt after the element
selector, both sign-extended ``int64[B, 8]``; ``u(x)`` = ``x & 0xFFFF``.
The accumulator ``acc`` is a sign-extended 48-bit value per lane.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from n64c.sim.rsp.state import RspRuntimeError, RspState

Op = Callable[[], object]

LANES = np.arange(8)

# numpy's clip ufunc (one pass, no Python wrapper); np.clip is much slower
# on small arrays.
_core: Any = getattr(np, "_core", None) or np.core
clip = _core.umath.clip


def select(c: np.ndarray, x: Any, y: Any) -> np.ndarray:
    """``np.where(c, x, y)`` for integers by arithmetic: numpy's where is an
    order of magnitude slower on large arrays."""
    return y + c * (x - y)


def select_bool(c: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``np.where(c, x, y)`` for boolean arrays."""
    return (c & x) | (~c & y)


def selector_lanes(e: int) -> np.ndarray | None:
    """Which vt lane each lane n reads for element selector ``e`` (None: n)."""
    if e < 2:
        return None
    if e < 4:
        return (LANES & ~1) | (e & 1)
    if e < 8:
        return (LANES & ~3) | (e & 3)
    return np.full(8, e & 7)


def _t_source(st: RspState, vt: int, e: int) -> tuple[np.ndarray, np.ndarray | None]:
    """A view of vt and, for quarter/half selectors, the lane index to gather.

    Broadcast selectors (e >= 8) give a ``[B, 1]`` view that numpy broadcasts.
    """
    reg = st.v64[vt]
    if e < 2:
        return reg, None
    if e >= 8:
        k = e & 7
        return st.v64[vt, :, k : k + 1], None
    return reg, selector_lanes(e)


# ---------------------------------------------------------------------------
# Reciprocal and reciprocal square root tables (512 entries each), generated
# from their defining formulas:
#   rcp[0] = 0xFFFF; rcp[i] = ((2**34 // (i + 512)) + 1) >> 8   for i >= 1
#   rsq[i] = b >> 1 where a = (i + 512) >> (i & 1) and b is the largest
#            integer with a * b**2 < 2**44 (at least 2**17)
# (the mantissa of 1/x and 1/sqrt(x) for a 9-bit normalised input; odd rsq
# indices cover the other parity of the exponent).
# ---------------------------------------------------------------------------


def _reciprocal_table() -> np.ndarray:
    table = [0xFFFF] + [
        (((1 << 34) // (i + 512)) + 1) >> 8 & 0xFFFF for i in range(1, 512)
    ]
    return np.array(table, dtype=np.int64)


def _inverse_sqrt_table() -> np.ndarray:
    from math import isqrt

    out = []
    limit = 1 << 44
    for i in range(512):
        a = (i + 512) >> (i & 1)
        # largest b with a * b * b < limit, i.e. a * b * b <= limit - 1
        b = max(isqrt((limit - 1) // a), 1 << 17)
        out.append((b >> 1) & 0xFFFF)
    return np.array(out, dtype=np.int64)


RCP_TABLE = _reciprocal_table()
RSQ_TABLE = _inverse_sqrt_table()


def _clz32(data: np.ndarray) -> np.ndarray:
    """Leading zeros of positive 32-bit values (exact: frexp of an int < 2**53)."""
    _, exp = np.frexp(data.astype(np.float64))
    return 32 - exp.astype(np.int64)


def divide(inp: np.ndarray, square_root: bool) -> np.ndarray:
    """The 32-bit result of vrcp/vrsq for signed 32-bit inputs ``inp`` (int64[B])."""
    mask = inp >> 31  # 0 or -1
    data = inp ^ mask
    data = np.where(inp > -32768, data - mask, data)
    result = np.zeros_like(inp)
    zero = data == 0
    minus = (~zero) & (inp == -32768)
    normal = ~(zero | minus)
    if normal.any():
        d = np.where(normal, data, 1)
        shift = _clz32(d)
        index = ((d << shift) & 0x7FC00000) >> 22
        if square_root:
            r = RSQ_TABLE[(index & 0x1FE) | (shift & 1)]
            r = ((0x10000 | r) << 14) >> ((31 - shift) >> 1)
        else:
            r = RCP_TABLE[index]
            r = ((0x10000 | r) << 14) >> (31 - shift)
        r = r ^ mask
        result = np.where(normal, r, result)
    result = np.where(zero, 0x7FFFFFFF, result)
    result = np.where(minus, -65536, result)
    return result


def make_vector_op(st: RspState, word: int) -> Op:
    """Build the closure that executes the COP2 computational op ``word``."""
    funct = word & 0x3F
    e = (word >> 21) & 15
    vt = (word >> 16) & 31
    vs = (word >> 11) & 31
    vd = (word >> 6) & 31
    factory = _FACTORIES.get(funct)
    if factory is None:
        name = _UNSUPPORTED.get(funct, f"funct 0x{funct:02x}")
        raise RspRuntimeError(
            f"unsupported vector instruction {name} (word 0x{word:08x})"
        )
    return factory(st, vd, vs, vt, e)


_UNSUPPORTED = {
    0x02: "vrndp",
    0x03: "vmulq",
    0x0A: "vrndn",
    0x0B: "vmacq",
}


def _mul_factory(kind: str) -> Callable[[RspState, int, int, int, int], Op]:
    """Multiplies and multiply-accumulates (vmulf .. vmadh)."""

    def factory(st: RspState, vd: int, vs: int, vt: int, e: int) -> Op:
        acc = st.acc
        S = st.v64[vs]
        T, idx = _t_source(st, vt, e)
        v_d = st.v[vd]
        v64_d = st.v64[vd]
        mul = np.multiply
        add = np.add
        lshift = np.left_shift
        rshift = np.right_shift

        def sclamp() -> None:
            m = acc >> 16
            clip(m, -32768, 32767, out=m)
            v64_d[...] = m
            v_d[...] = m

        def uclamp() -> None:
            # 0 below zero, 0xFFFF above 0x7FFF, else ACC_MD
            r = acc >> 16
            clip(r, 0, 0x8000, out=r)
            r += (r == 0x8000) * 0x7FFF
            v_d[...] = r
            v64_d[...] = v_d

        def uclamp_lo() -> None:
            # 0 when ACC[47:16] < -32768, 0xFFFF when > 32767, else ACC_LO
            m = acc >> 16
            r = acc & 0xFFFF
            r += (m > 32767) * (0xFFFF - r)
            r *= m >= -32768
            v_d[...] = r
            v64_d[...] = v_d

        def wrap() -> None:
            lshift(acc, 16, out=acc)
            rshift(acc, 16, out=acc)

        if kind in ("vmulf", "vmulu"):
            clamp = sclamp if kind == "vmulf" else uclamp

            def op() -> None:
                p = mul(S, T if idx is None else T[:, idx])
                p <<= 1
                p += 0x8000
                acc[...] = p
                clamp()

        elif kind == "vmudl":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                p = mul(S & 0xFFFF, t & 0xFFFF)
                p >>= 16
                acc[...] = p
                v_d[...] = p
                v64_d[...] = v_d

        elif kind == "vmudm":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                mul(S, t & 0xFFFF, out=acc)
                v_d[...] = acc >> 16
                v64_d[...] = v_d

        elif kind == "vmudn":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                mul(S & 0xFFFF, t, out=acc)
                v_d[...] = acc
                v64_d[...] = v_d

        elif kind == "vmudh":

            def op() -> None:
                mul(S, T if idx is None else T[:, idx], out=acc)
                lshift(acc, 16, out=acc)
                sclamp()

        elif kind in ("vmacf", "vmacu"):
            clamp = sclamp if kind == "vmacf" else uclamp

            def op() -> None:
                p = mul(S, T if idx is None else T[:, idx])
                p <<= 1
                add(acc, p, out=acc)
                wrap()
                clamp()

        elif kind == "vmadl":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                p = mul(S & 0xFFFF, t & 0xFFFF)
                p >>= 16
                add(acc, p, out=acc)
                wrap()
                uclamp_lo()

        elif kind == "vmadm":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                add(acc, mul(S, t & 0xFFFF), out=acc)
                wrap()
                sclamp()

        elif kind == "vmadn":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                add(acc, mul(S & 0xFFFF, t), out=acc)
                wrap()
                uclamp_lo()

        elif kind == "vmadh":

            def op() -> None:
                p = mul(S, T if idx is None else T[:, idx])
                p <<= 16
                add(acc, p, out=acc)
                wrap()
                sclamp()

        else:  # pragma: no cover - table below only names the kinds above
            raise AssertionError(kind)
        return op

    return factory


def _set_acc_lo(acc: np.ndarray, r: np.ndarray) -> None:
    acc &= -65536
    acc |= r & 0xFFFF


def _add_factory(kind: str) -> Callable[[RspState, int, int, int, int], Op]:
    """vadd, vsub, vaddc, vsubc, vabs."""

    def factory(st: RspState, vd: int, vs: int, vt: int, e: int) -> Op:
        acc = st.acc
        S = st.v64[vs]
        T, idx = _t_source(st, vt, e)
        v_d = st.v[vd]
        v64_d = st.v64[vd]
        vco_c, vco_ne = st.vco_c, st.vco_ne

        if kind in ("vadd", "vsub"):
            sign = 1 if kind == "vadd" else -1

            def op() -> None:
                t = T if idx is None else T[:, idx]
                r = S + t if sign == 1 else S - t
                r += sign * vco_c
                _set_acc_lo(acc, r)
                clip(r, -32768, 32767, out=r)
                v64_d[...] = r
                v_d[...] = r
                vco_c[...] = False
                vco_ne[...] = False

        elif kind == "vaddc":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                r = (S & 0xFFFF) + (t & 0xFFFF)
                _set_acc_lo(acc, r)
                vco_c[...] = r > 0xFFFF
                vco_ne[...] = False
                v_d[...] = r
                v64_d[...] = v_d

        elif kind == "vsubc":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                r = (S & 0xFFFF) - (t & 0xFFFF)
                _set_acc_lo(acc, r)
                vco_c[...] = r < 0
                vco_ne[...] = r != 0
                v_d[...] = r
                v64_d[...] = v_d

        elif kind == "vabs":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                r = np.sign(S) * t
                _set_acc_lo(acc, r)
                np.minimum(r, 32767, out=r)
                v64_d[...] = r
                v_d[...] = r

        else:  # pragma: no cover
            raise AssertionError(kind)
        return op

    return factory


def _compare_factory(kind: str) -> Callable[[RspState, int, int, int, int], Op]:
    """vlt, veq, vne, vge, vmrg, vcl, vch, vcr."""

    def factory(st: RspState, vd: int, vs: int, vt: int, e: int) -> Op:
        acc = st.acc
        S = st.v64[vs]
        T, idx = _t_source(st, vt, e)
        v_d = st.v[vd]
        v64_d = st.v64[vd]
        vco_c, vco_ne = st.vco_c, st.vco_ne
        vcc_lo, vcc_hi, vce = st.vcc_lo, st.vcc_hi, st.vce

        def finish(r: np.ndarray) -> None:
            _set_acc_lo(acc, r)
            v_d[...] = r
            v64_d[...] = v_d

        if kind in ("vlt", "veq", "vne", "vge"):

            def op() -> None:
                t = T if idx is None else T[:, idx]
                if kind == "vlt":
                    c = (t > S) | ((t == S) & vco_c & vco_ne)
                elif kind == "veq":
                    c = (t == S) & ~vco_ne
                elif kind == "vne":
                    c = (t != S) | vco_ne
                else:
                    c = (t < S) | ((t == S) & ~(vco_c & vco_ne))
                vcc_lo[...] = c
                vcc_hi[...] = False
                vco_c[...] = False
                vco_ne[...] = False
                finish(select(c, S, t))

        elif kind == "vmrg":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                vco_c[...] = False
                vco_ne[...] = False
                finish(select(vcc_lo, S, t))

        elif kind == "vch":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                t = np.broadcast_to(t, S.shape)
                sign = (S ^ t) < 0
                total = S + t
                diff = S - t
                result = select(sign, total, diff)
                le = total <= 0
                ge = diff >= 0
                tneg = t < 0
                r = select(sign, select(le, -t, S), select(ge, t, S))
                ne = (result != 0) & (((t & 0xFFFF) ^ 0xFFFF) != (S & 0xFFFF))
                vcc_lo[...] = select_bool(sign, le, tneg)
                vcc_hi[...] = select_bool(sign, tneg, ge)
                vco_c[...] = sign
                vco_ne[...] = ne
                vce[...] = sign & (total == -1)
                finish(r)

        elif kind == "vcl":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                us = S & 0xFFFF
                ut = np.broadcast_to(t & 0xFFFF, S.shape)
                total = us + ut
                sum0 = (total & 0xFFFF) == 0
                carry = total > 0xFFFF
                le_new = select_bool(vce, sum0 | ~carry, sum0 & ~carry)
                lo = select_bool(vco_c & ~vco_ne, le_new, vcc_lo)
                hi = select_bool(~vco_c & ~vco_ne, us >= ut, vcc_hi)
                r = select(vco_c, select(lo, -ut, us), select(hi, ut, us))
                vcc_lo[...] = lo
                vcc_hi[...] = hi
                vco_c[...] = False
                vco_ne[...] = False
                vce[...] = False
                finish(r)

        elif kind == "vcr":

            def op() -> None:
                t = T if idx is None else T[:, idx]
                t = np.broadcast_to(t, S.shape)
                sign = (S ^ t) < 0
                tneg = t < 0
                le = (S + t + 1) <= 0
                ge = (S - t) >= 0
                lo = select_bool(sign, le, tneg)
                hi = select_bool(sign, tneg, ge)
                r = select(sign, select(le, ~t, S), select(ge, t, S))
                vcc_lo[...] = lo
                vcc_hi[...] = hi
                vco_c[...] = False
                vco_ne[...] = False
                vce[...] = False
                finish(r)

        else:  # pragma: no cover
            raise AssertionError(kind)
        return op

    return factory


def _logic_factory(kind: str) -> Callable[[RspState, int, int, int, int], Op]:
    def factory(st: RspState, vd: int, vs: int, vt: int, e: int) -> Op:
        acc = st.acc
        S = st.v64[vs]
        T, idx = _t_source(st, vt, e)
        v_d = st.v[vd]
        v64_d = st.v64[vd]
        fn = {
            "vand": lambda a, b: a & b,
            "vnand": lambda a, b: ~(a & b),
            "vor": lambda a, b: a | b,
            "vnor": lambda a, b: ~(a | b),
            "vxor": lambda a, b: a ^ b,
            "vnxor": lambda a, b: ~(a ^ b),
        }[kind]

        def op() -> None:
            r = fn(S, T if idx is None else T[:, idx])
            _set_acc_lo(acc, r)
            v_d[...] = r
            v64_d[...] = v_d

        return op

    return factory


def _vsar(st: RspState, vd: int, vs: int, vt: int, e: int) -> Op:
    acc = st.acc

    def op() -> None:
        if e == 8:
            st.write_v(vd, acc >> 32)
        elif e == 9:
            st.write_v(vd, acc >> 16)
        elif e == 10:
            st.write_v(vd, acc)
        else:
            st.write_v(vd, np.zeros_like(acc))

    return op


def _selected(st: RspState, vt: int, e: int) -> np.ndarray:
    """The whole selected vt (``vt(e)``) as int64[B, 8]."""
    T, idx = _t_source(st, vt, e)
    t = T if idx is None else T[:, idx]
    return np.broadcast_to(t, (st.batch, 8))


def _vmov(st: RspState, vd: int, vs: int, vt: int, e: int) -> Op:
    de = vs & 7
    acc = st.acc

    def op() -> None:
        t = _selected(st, vt, e)
        _set_acc_lo(acc, t)
        st.v[vd, :, de] = t[:, de]
        st.v64[vd, :, de] = t[:, de]

    return op


def _divide_factory(kind: str) -> Callable[[RspState, int, int, int, int], Op]:
    """vrcp, vrcpl, vrcph, vrsq, vrsql, vrsqh (single-lane ops)."""

    def factory(st: RspState, vd: int, vs: int, vt: int, e: int) -> Op:
        de = vs & 7
        lane = e & 7
        acc = st.acc
        square_root = kind.startswith("vrsq")
        low = kind.endswith("l")

        if kind.endswith("h"):

            def op() -> None:
                t = _selected(st, vt, e)
                _set_acc_lo(acc, t)
                st.divdp = True
                st.divin[...] = st.v64[vt, :, lane]
                st.v[vd, :, de] = st.divout
                st.v64[vd, :, de] = st.v[vd, :, de]

        else:

            def op() -> None:
                t = _selected(st, vt, e)
                element = st.v64[vt, :, lane]
                if low and st.divdp:
                    inp = (st.divin << 16) | (element & 0xFFFF)
                    inp = ((inp + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
                else:
                    inp = element.copy()
                result = divide(inp, square_root)
                st.divdp = False
                st.divout[...] = ((result >> 16) + 0x8000 & 0xFFFF) - 0x8000
                _set_acc_lo(acc, t)
                st.v[vd, :, de] = result & 0xFFFF
                st.v64[vd, :, de] = st.v[vd, :, de]

        return op

    return factory


def _vnop(st: RspState, vd: int, vs: int, vt: int, e: int) -> Op:
    def op() -> None:
        return None

    return op


_FACTORIES: dict[int, Callable[[RspState, int, int, int, int], Op]] = {
    0x00: _mul_factory("vmulf"),
    0x01: _mul_factory("vmulu"),
    0x04: _mul_factory("vmudl"),
    0x05: _mul_factory("vmudm"),
    0x06: _mul_factory("vmudn"),
    0x07: _mul_factory("vmudh"),
    0x08: _mul_factory("vmacf"),
    0x09: _mul_factory("vmacu"),
    0x0C: _mul_factory("vmadl"),
    0x0D: _mul_factory("vmadm"),
    0x0E: _mul_factory("vmadn"),
    0x0F: _mul_factory("vmadh"),
    0x10: _add_factory("vadd"),
    0x11: _add_factory("vsub"),
    0x13: _add_factory("vabs"),
    0x14: _add_factory("vaddc"),
    0x15: _add_factory("vsubc"),
    0x1D: _vsar,
    0x20: _compare_factory("vlt"),
    0x21: _compare_factory("veq"),
    0x22: _compare_factory("vne"),
    0x23: _compare_factory("vge"),
    0x24: _compare_factory("vcl"),
    0x25: _compare_factory("vch"),
    0x26: _compare_factory("vcr"),
    0x27: _compare_factory("vmrg"),
    0x28: _logic_factory("vand"),
    0x29: _logic_factory("vnand"),
    0x2A: _logic_factory("vor"),
    0x2B: _logic_factory("vnor"),
    0x2C: _logic_factory("vxor"),
    0x2D: _logic_factory("vnxor"),
    0x30: _divide_factory("vrcp"),
    0x31: _divide_factory("vrcpl"),
    0x32: _divide_factory("vrcph"),
    0x33: _vmov,
    0x34: _divide_factory("vrsq"),
    0x35: _divide_factory("vrsql"),
    0x36: _divide_factory("vrsqh"),
    0x37: _vnop,
    0x3F: _vnop,
}
