"""RSP code of `n64.tile_eltwise "prelu"` (see `n64c.passes.prelu_tiles`).

Per vector `x` with its table entry `m, ra, rb, mlo, mhi` and `z = 0`:

```
vge   p, x, z          p = max(x, 0)
vlt   n, x, z          n = min(x, 0)
vmudh acc, n, m        acc = n*m             (as ACC[47:16])
vmadh acc, ra, rb      acc += 2^(s-1)
vsar  hi / md          the 32-bit sum v, high and low halves
vmudn acc, md, mlo
vmadh lo, hi, mlo      lo = sat16(v * 2^(16-s) >> 16) = sat16(v >> s)   (s <= 16)
vmudm hv, hi, mhi      hv = (v >> 16) * 2^(32-s) >> 16 = v >> s        (s > 16)
vadd  y, lo, hv        one of the two is 0 in each lane
vadd  y, y, p          x >= 0: y = x (the scaled part is 0 for n = 0)
```

A single table entry (one slope) is loaded once and the loop runs over all
vectors; with `G` entries the loop runs over rows of `G` vectors and the
table pointer steps with the vector pointer.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import SSAValue

from n64c.backend.rsp_emitter import ACC_HI, ACC_MD, RspEmitter
from n64c.dialects import rsp
from n64c.dialects.n64_tile import PRELU_ENTRY_BYTES, DmemType, TileEltwiseOp
from n64c.dialects.rsp_types import GprType, VregType


def lower_prelu(
    em: RspEmitter,
    op: TileEltwiseOp,
    dmem_offset: Callable[[SSAValue], int],
    zero: VregType,
) -> None:
    """Emit the loop of one `tile_eltwise "prelu"`."""
    x_buf, table_buf = op.inputs
    table_type = table_buf.type
    assert isinstance(table_type, DmemType)
    groups = table_type.size.data // PRELU_ENTRY_BYTES
    vectors = op.vectors.value.data
    x = em.gpr()
    em.addi(x, em.zero, dmem_offset(x_buf))
    out = em.gpr()
    em.addi(out, em.zero, dmem_offset(op.out))
    table_base = dmem_offset(table_buf)

    def load_entry(base: GprType, offset: int) -> list[VregType]:
        regs = [em.vreg() for _ in range(5)]
        for n, reg in enumerate(regs):
            em.lqv(reg, base, offset + 16 * n)
        return regs

    def one_vector(entry: list[VregType], at: int) -> None:
        m, ra, rb, mlo, mhi = entry
        sink = em.vreg()
        v, pos, neg = em.vreg(), em.vreg(), em.vreg()
        em.lqv(v, x, at)
        em.vop(rsp.VgeOp, pos, v, zero)
        em.vop(rsp.VltOp, neg, v, zero)
        em.vop(rsp.VmudhOp, sink, neg, m)
        em.vop(rsp.VmadhOp, sink, ra, rb)
        hi, md = em.vreg(), em.vreg()
        em.vsar(hi, ACC_HI)
        em.vsar(md, ACC_MD)
        low, high, y = em.vreg(), em.vreg(), em.vreg()
        em.vop(rsp.VmudnOp, sink, md, mlo)
        em.vop(rsp.VmadhOp, low, hi, mlo)
        em.vop(rsp.VmudmOp, high, hi, mhi)
        em.vop(rsp.VaddOp, y, low, high)
        em.vop(rsp.VaddOp, y, y, pos)
        em.sqv(y, out, at)

    if groups == 1:
        entry = load_entry(em.zero, table_base)
        unroll = next(u for u in (4, 2, 1) if vectors % u == 0)

        def block() -> None:
            for u in range(unroll):
                one_vector(entry, 16 * u)
            em.addi(x, x, 16 * unroll)
            em.addi(out, out, 16 * unroll)

        em.counted(vectors // unroll, block, "prelu")
        return

    table = em.gpr()

    def row() -> None:
        em.addi(table, em.zero, table_base)

        def group() -> None:
            one_vector(load_entry(table, 0), 0)
            em.addi(x, x, 16)
            em.addi(out, out, 16)
            em.addi(table, table, PRELU_ENTRY_BYTES)

        em.counted(groups, group, "prelu_group")

    em.counted(vectors // groups, row, "prelu_row")
