"""RSP sequences of the `acc48` Gemm and conv kernels (48-bit sums).

An `acc48` layer (`n64.qgemm` / `n64.qconv2d` with the `acc48` property)
accumulates `acc = wrap_int48(b + sum u16(x) * w)` at the bottom of the
RSP's 48-bit accumulator: `vmudm`/`vmadm ACC, W, X.eJ` add `s(W) * u(X)`
at ACC bit 0 (see `mac_ops`). This module writes the rest of the kernel's
arithmetic; `k` is the kernel's constant vector `[16384, 1, lo, hi, 0, ...]`.

* Bias (`add_bias`), `b = (16384 * b_div + b_mod) * 2^16 + u(c0)`:
  `vmadh b_div, k.e0` and `vmadh b_mod, k.e1` add `B * 2^16`
  (`B = floor(b / 2^16)`, `|B| < 2^29`), `vmadn c0, k.e1` adds `u(c0)`.
* Readout, shifts in [18, 32] (`readout`, mode `high`): `vsar` ACC_HI and
  ACC_MD hold `floor(acc / 2^16)`; the int32 kernel's shift with
  `mult = 2^(32-s)` (`vmudn MD, mult; vmadh HI, mult`) leaves
  `sat16(acc >> s)` in the sclamp.
* Readout, shifts in [2, 16] (mode `low`), `c = mult = 2^(16-s)`:
  `T = sclamp(ACC[47:16])` (the result of a `vmadm` adding 0, or of the
  chain's last `vmadm`) and `L = vsar ACC_LO`; `vmudn L, c; vmadh T, c`
  leave `sat16((T * 2^16 + u(L)) * c >> 16)` in the sclamp. That is
  `sat16(acc >> s)`: `T * 2^16 + u(L)` is `acc` when `|acc| < 2^31`, and
  otherwise has its sign and a magnitude that saturates too (`c >= 1`).
* Partial sums between weight chunks (`restore`): ACC_HI, ACC_MD
  and ACC_LO go to DMEM (48 bytes a pixel); four `vmadh HI, k.e0`, four
  `vmadn MD, k.e0` and `vmadn LO, k.e1` put back
  `HI * 2^32 + u(MD) * 2^16 + u(LO)`, the whole 48-bit sum.
"""

from __future__ import annotations

from collections.abc import Callable

from n64c.backend.rsp_emitter import ACC_HI, ACC_MD, RspEmitter
from n64c.dialects import rsp
from n64c.dialects.rsp_types import GprType, VregType

ACC_LO = 10
"""`vsar` element selecting ACC_LO."""
E_16384 = 8 + 0
E_ONE = 8 + 1
E_ZERO = 8 + 4
"""A lane of `k` that is 0."""


def mac_ops(
    wide: bool,
) -> tuple[type[rsp.VmudhOp | rsp.VmudmOp], type[rsp.VmadhOp | rsp.VmadmOp]]:
    """(first, next) multiply-accumulate ops of a chain: `vmudm`/`vmadm`
    (product at ACC bit 0, `x` unsigned) for `acc48`, else `vmudh`/`vmadh`."""
    if wide:
        return rsp.VmudmOp, rsp.VmadmOp
    return rsp.VmudhOp, rsp.VmadhOp


def add_bias(
    em: RspEmitter, sink: VregType, k: VregType, header: tuple[VregType, ...]
) -> None:
    """ACC += b, from the tile header `(b_div, b_mod, mult, c0)`."""
    b_div, b_mod, _mult, c0 = header
    em.vop(rsp.VmadhOp, sink, b_div, k, E_16384)
    em.vop(rsp.VmadhOp, sink, b_mod, k, E_ONE)
    em.vop(rsp.VmadnOp, sink, c0, k, E_ONE)


def add_short_bias(
    em: RspEmitter, sink: VregType, header: tuple[VregType, ...], start: bool
) -> None:
    """ACC += b (`start`: ACC = b) for a header `(v, 2^j, ...)` with
    `b = v * 2^j`, `j <= 14`: one `vmudm` / `vmadm` (`s(v) * u(2^j)`)."""
    op = rsp.VmudmOp if start else rsp.VmadmOp
    em.vop(op, sink, header[0], header[1])


def readout(
    em: RspEmitter,
    mode: str,
    sink: VregType,
    k: VregType,
    mult: VregType,
    y: VregType | None = None,
    top: VregType | None = None,
    between: Callable[[], None] | None = None,
) -> VregType:
    """The register holding the 8 requantised (not yet clamped) results
    `sat16(acc >> s)` of the 48-bit sum in ACC (`mode` "low" or "high"):
    `y`, or a new one. `top`: a register that already holds
    `sclamp(ACC[47:16])` (the result of the chain's last `vmadm`), so the
    low readout needs no `vmadm` of zero. `between` writes code after the
    `vsar`s (it may write ACC_LO only: the next multiply overwrites ACC)."""
    y = em.vreg() if y is None else y
    if mode == "high":
        hi, md = em.vreg(), em.vreg()
        em.vsar(hi, ACC_HI)
        em.vsar(md, ACC_MD)
        if between is not None:
            between()
        em.vop(rsp.VmudnOp, sink, md, mult)
        em.vop(rsp.VmadhOp, y, hi, mult)
        return y
    if top is None:
        top = em.vreg()
        em.vop(rsp.VmadmOp, top, k, k, E_ZERO)  # ACC += 0: sclamp(ACC[47:16])
    lo = em.vreg()
    em.vsar(lo, ACC_LO)
    if between is not None:
        between()
    scale_low(em, lo, top, mult, y)
    return y


def scale_low(
    em: RspEmitter, lo: VregType, top: VregType, mult: VregType, y: VregType
) -> None:
    """The low readout's multiplies: `y = sat16((T * 2^16 + u(L)) * c >> 16)`
    of `T = top`, `L = lo` (which it overwrites) and `c = mult`."""
    em.vop(rsp.VmudnOp, lo, lo, mult)
    em.vop(rsp.VmadhOp, y, top, mult)


def restore(
    em: RspEmitter, sink: VregType, k: VregType, ptr: GprType, offset: int = 0
) -> None:
    """ACC = the 48-bit sums saved at `ptr + offset` by `save`."""
    hi, md, lo = em.vreg(), em.vreg(), em.vreg()
    em.lqv(hi, ptr, offset)
    em.lqv(md, ptr, offset + 16)
    em.lqv(lo, ptr, offset + 32)
    for n in range(4):
        em.vop(rsp.VmudhOp if n == 0 else rsp.VmadhOp, sink, hi, k, E_16384)
    for _ in range(4):
        em.vop(rsp.VmadnOp, sink, md, k, E_16384)
    em.vop(rsp.VmadnOp, sink, lo, k, E_ONE)
