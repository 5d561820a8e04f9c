"""RSP sequences of the int32 Gemm and conv kernels' epilogue: the bias and
the readout of `sat16(wrap_int32(acc) >> s)` (the `acc48` ones are in
`acc48_code`).

The MAC chain (`vmudh`/`vmadh`) leaves `acc = b + sum x * w` (modulo 2^32)
at ACC[47:16]; `k` is the kernel's constant vector `[16384, 1, lo, hi, ...]`
and the tile header holds the bias, then `mult = 2^(16-s)` per lane.

* Bias (`add_bias`): with the tile op's `short_bias` the header holds
  `v` and `2^j` (`b = v * 2^j`, `tile_constants.bias_exponents`) and one
  `vmadh v, 2^j` adds it; else `vmadh b >> 14, k.e0` and
  `vmadh b & 0x3FFF, k.e1`.
* Readout (`read_sums`): `vsar` of ACC_MD and ACC_HI, `vmudn MD, mult`,
  `vmadh HI, mult`, whose sclamp is `sat16(acc >> s)`; with `acc_hi`
  (every shift 16) ACC_HI itself is the result, one `vsar`.
"""

from __future__ import annotations

from collections.abc import Callable

from n64c.backend.rsp_emitter import ACC_HI, ACC_MD, RspEmitter
from n64c.dialects import rsp
from n64c.dialects.rsp_types import VregType


def add_bias(
    em: RspEmitter,
    sink: VregType,
    first: VregType,
    second: VregType,
    k: VregType,
    short: bool,
    start: bool = False,
) -> None:
    """ACC += the bias of the header vectors `first`, `second` (`start`:
    ACC = it)."""
    op = rsp.VmudhOp if start else rsp.VmadhOp
    if short:
        em.vop(op, sink, first, second)
        return
    em.vop(op, sink, first, k, 8 + 0)
    em.vop(rsp.VmadhOp, sink, second, k, 8 + 1)


def read_sums(
    em: RspEmitter,
    sink: VregType,
    mult: VregType,
    y: VregType,
    acc_hi: bool,
    between: Callable[[], None] | None = None,
) -> None:
    """`y = sat16(acc >> s)` of the int32 sums in ACC[47:16], not yet
    clamped; `between` writes code after the `vsar`s (filling their
    latency; it must leave ACC[47:16] alone, as a compare does)."""
    if acc_hi:
        em.vsar(y, ACC_HI)
        if between is not None:
            between()
        return
    md, hi = em.vreg(), em.vreg()
    em.vsar(md, ACC_MD)  # first: the first multiply reads it
    em.vsar(hi, ACC_HI)
    if between is not None:
        between()
    em.vop(rsp.VmudnOp, sink, md, mult)
    em.vop(rsp.VmadhOp, y, hi, mult)
