"""RSP code of a dense convolution in strips (`n64.tile_window` "conv" with
`resident == 2`), used by `WindowLowering`.

Output channels are on lanes, as in the banded conv kernel, but one group
of 8 output channels keeps its whole weight tile (every tap of every input
channel) in DMEM while the layer walks the image, so each output pixel runs
one unbroken MAC chain: no partial sums go to DMEM and back, and no
requantisation loop follows. The image is walked as a depthwise conv walks
it (`DepthwiseLowering.strip`): column tiles of `tile_cols` output pixels,
one output row at a time, over a rolling band of `(kh - 1) * dh + 1 + sh`
input rows of all channels whose next rows load while a row is computed,
and two output buffers whose transfers overlap the next row.

```
for image, group:                          its tile: header, a row per tap
  dma_in tile -> w                         and real input channel
  for column tile (strip), output row:
    dma_in next input row(s) -> band ring  overlaps this row
    for pixel (several a trip):
      vmudh ACC, BIAS_HI, k.e0 ; vmadh ACC, BIAS_LO, k.e1     bias first
      lqv   X, (j*dw + sw*px)*cp*2 + 16*b (row_i)             8 input channels
      lqv   W, 48 + 16*row                 unless the row is held
      vmadh ACC, W, X.eJ                   per tap, vector and channel; the
                                           previous pixel's clamp inside
      sqv   Y_prev                         after the chain's last load
      vsar MD ; vsar HI ; vmudn ACC, MD, MULT ; vmadh Y_prev, HI, MULT
    clamp, sqv Y_prev                      the row's last pixel
    dma_out row -> y                       tile_cols x 16 bytes
```

Every `vmadh` of a weight row not held in registers needs its `lqv` (the
two issue together), plus one `lqv` per input vector: about 7 MACs per
cycle in the loop. A chain of at most `HELD_ROWS` rows keeps them all in
registers for the whole strip; a longer one keeps one row in `SPREAD` (up
to `HELD_ROWS`), spread through the chain. Padded input channels are left
out of the chain and of the tile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from n64c.backend.depthwise_lowering import DepthwiseLowering
from n64c.backend.rsp_emitter import (
    ACC_HI,
    ACC_MD,
    COP0_DMA_RAMADDR,
    COP0_DMA_SPADDR,
    COP0_DMA_WRITE,
    dma_length_word,
)
from n64c.dialects import rsp
from n64c.dialects.n64_tile import WindowGeometry
from n64c.dialects.rsp_types import GprType, VregType

if TYPE_CHECKING:
    from n64c.backend.window_lowering import WindowLowering

HELD_ROWS = 12
"""Chains of at most this many weight rows keep them in registers; longer
chains keep this many of their rows."""
SPREAD = 4
"""A long chain keeps at most one row in this many in registers."""
TRIP_ROWS = 128
"""Most weight rows per trip of the pixel loop (its code is unrolled)."""
UNROLL = 6
"""Most output pixels per trip of the pixel loop."""
MAX_SLOTS = 7
"""Most input rows in the rolling band: each slot pointer holds a GPR
through the whole loop nest (there is no spilling)."""


def strip_chain_rows(g: WindowGeometry) -> int:
    """Weight rows in one pixel's chain (padded input channels left out)."""
    return g.kh * g.kw * g.c


def strip_held_rows(g: WindowGeometry) -> frozenset[int]:
    """The weight rows a strip keeps in registers: all of a chain of at
    most `HELD_ROWS` rows, else one in `SPREAD` up to `HELD_ROWS`."""
    rows = strip_chain_rows(g)
    if rows <= HELD_ROWS:
        return frozenset(range(rows))
    count = min(HELD_ROWS, rows // SPREAD)
    return frozenset((2 * i + 1) * rows // (2 * count) for i in range(count))


def strip_unroll(g: WindowGeometry) -> int:
    """Output pixels per trip of the pixel loop: as many as fit `TRIP_ROWS`
    weight rows (at most `UNROLL` and `tile_cols`); a divisor of
    `tile_cols` when one is as large, else the rest runs after the loop."""
    rows = max(1, strip_chain_rows(g))
    most = max(1, min(UNROLL, g.tile_cols, TRIP_ROWS // rows))
    divisor = max(d for d in range(1, most + 1) if g.tile_cols % d == 0)
    return divisor if 2 * divisor > most else most


def strip_out_rows(g: WindowGeometry) -> tuple[int, int]:
    """(rows, bytes) of one strip row's output transfer: one run when the
    layer has one group of output channels, else a row of 16 bytes a
    pixel."""
    if g.op == 8:
        return 1, g.tile_cols * 16
    return g.tile_cols, 16


def strip_out_bytes(g: WindowGeometry) -> int:
    """Two output buffers of one strip row of one group (16 bytes a pixel),
    each after a scratch slot for the pipelined pixel loop's first store."""
    return 2 * (g.tile_cols * 16 + 16)


class StripConvLowering(DepthwiseLowering):
    """Writes a dense `n64.tile_window` conv in strips."""

    def __init__(self, wl: WindowLowering) -> None:
        super().__init__(wl)
        g = self.g
        self.blocks = [
            (i, j, cb) for i in range(g.kh) for j in range(g.kw)
            for cb in range(g.slice_blocks)
        ]  # fmt: skip
        # per input vector, its (weight row, element) pairs: rows numbered
        # over the taps and real channels (the tile skips padded channels)
        self.rows: list[list[tuple[int, int]]] = []
        row = 0
        for _i, _j, cb in self.blocks:
            uses = []
            for j in range(min(8, g.c - 8 * cb)):
                uses.append((row, 8 + j))
                row += 1
            self.rows.append(uses)
        self.held_set = strip_held_rows(g)
        """Weight rows kept in registers for the whole strip: every row of a
        short chain, else rows spread evenly through the chain, so that
        their `vmadh`s, which need no load, leave the scalar unit room
        for the input vectors' loads."""

    pass_label = "group"

    def out_rows(self) -> tuple[int, int]:
        return strip_out_rows(self.g)

    @property
    def passes(self) -> int:
        return self.g.groups

    @property
    def pass_weight_bytes(self) -> int:
        return self.g.tile_bytes

    @property
    def pass_in_bytes(self) -> int:
        return 0  # every group reads all input channels

    @property
    def pass_out_bytes(self) -> int:
        return 16

    @property
    def out_buffers(self) -> tuple[int, int]:
        """Each output buffer follows its 16-byte scratch slot."""
        first = self.wl.out + 16
        return first, first + self.out_size + 16

    def out_dma(self, out: GprType, y: GprType) -> None:
        """The strip row's transfer, its length word kept in a register
        (the queue is idle)."""
        em = self.em
        em.mtc0(out, COP0_DMA_SPADDR)
        em.mtc0(y, COP0_DMA_RAMADDR)
        em.mtc0(self.out_length_reg, COP0_DMA_WRITE)

    def layer_setup(self) -> None:
        """With two tile buffers: the first group's tile, and the register
        naming the buffer of the group to come."""
        if self.g.tile_slots == 1:
            return
        em, wl = self.em, self.wl
        self.tile_buffer = em.gpr()
        em.addi(self.tile_buffer, em.zero, wl.ring)
        first = wl.em.copy(wl.base, wl.w_off)
        em.dma(self.tile_buffer, first, self.tile_length, False)

    @property
    def tile_length(self) -> int:
        """The length word of one group's tile transfer."""
        return dma_length_word(self.g.tile_bytes, 1, self.g.tile_bytes)

    def pass_weights(self, w_src: GprType, size: int) -> None:
        if self.g.tile_slots == 1:
            super().pass_weights(w_src, size)
        # else the previous group (or `layer_setup`) has queued it

    def strip_setup(self) -> None:
        """The group's tile header, its held weight rows, the base
        registers of its far rows and the output length word, for every
        row of the strip; with two tile buffers, the next group's tile
        (the copy of the first after the last) is queued into the other
        one (the queue is idle: the strip waited for its first rows)."""
        wl, em = self.wl, self.em
        self.out_length_reg = em.gpr()
        em.li(self.out_length_reg, self.out_length)
        if self.g.tile_slots == 1:
            self.w_tile = em.gpr()
            em.addi(self.w_tile, em.zero, wl.ring)
        else:
            self.w_tile = em.copy(self.tile_buffer)
            toggle = wl.ring ^ (wl.ring + self.g.tile_bytes)
            em.xori(self.tile_buffer, self.tile_buffer, toggle)
            em.dma(self.tile_buffer, self.w_src, self.tile_length, False, poll=False)
        self.header = tuple(em.vreg() for _ in range(wl.header_vectors))
        for n, reg in enumerate(self.header):
            em.lqv(reg, self.w_tile, 16 * n)
        self.w_bases: dict[int, GprType] = {}
        self.held_regs: dict[int, VregType] = {}
        for uses in self.rows:
            for row, _element in uses:
                offset = wl.header_bytes + 16 * row
                address = wl.far(self.w_tile, offset, self.w_bases)
                if row in self.held_set:
                    self.held_regs[row] = em.vreg()
                    em.lqv(self.held_regs[row], *address)

    def row(self, slots: list[GprType], out: GprType) -> None:
        """One output row of the strip for the current group. The pixel
        loop is software-pipelined: a pixel's result is clamped and stored
        inside the next pixel's chain (a row's first pixel stores the stale
        register into the scratch slot before the buffer), the last one
        after the loop."""
        wl, em, g = self.wl, self.em, self.g
        w_tile, header, w_bases = self.w_tile, self.header, self.w_bases
        held = self.held_regs
        # the chain reads rows through the slot pointers themselves (few
        # registers are free), bumped per pixel and put back after the row
        rows = [slots[i * g.dh] for i in range(g.kh)]
        po = wl.em.copy(out)
        y_prev = em.vreg()  # defined before the loop: live across its back edge
        em.vop(rsp.VxorOp, y_prev, wl.zero, wl.zero)
        # the first input vector of the next pixel, loaded during the
        # previous one (loop-carried like `y_prev`)
        x_first = em.vreg()
        em.lqv(x_first, rows[0], 0)

        def pixels(count: int) -> None:
            self.pixels_dense(
                count, rows, po, y_prev, x_first, w_tile, w_bases, held, header
            )
            for reg in rows:
                em.add_const(reg, reg, count * g.sw * g.cs * 2)
            em.add_const(po, po, count * 16)

        unroll = strip_unroll(g)
        wl.em.counted(g.tile_cols // unroll, lambda: pixels(unroll), "pixel")
        if g.tile_cols % unroll:
            pixels(g.tile_cols % unroll)
        wl.clamp(y_prev)
        em.sqv(y_prev, po, -16)
        for reg in rows:
            em.add_const(reg, reg, -g.tile_cols * g.sw * g.cs * 2)

    def pixels_dense(
        self,
        count: int,
        rows: list[GprType],
        po: GprType,
        y_prev: VregType,
        x_first: VregType,
        w_tile: GprType,
        w_bases: dict[int, GprType],
        held: dict[int, VregType],
        header: tuple[VregType, ...],
    ) -> None:
        """`count` consecutive output pixels of the group. Each chain holds
        the previous pixel's clamp, its two compares four MACs apart (a
        compare writes only ACC_LO, which the chain's `vmadh`s, all
        multiples of 2^16, never carry out of, and the readout's `vmudn`
        overwrites); its store follows the chain's last load (a store keeps
        every later load below it). The readout leaves the result in
        `y_prev`."""
        wl, em, g = self.wl, self.em, self.g
        x_bases: dict[int, dict[int, GprType]] = {i: {} for i in range(g.kh)}
        bias_hi, bias_lo, mult = header
        macs = sum(len(r) for r in self.rows)
        # the two halves of the clamp apart, so the second need not wait
        # for the first's result
        low_at, high_at = min(2, macs), min(6, macs)
        for u in range(count):
            sink = em.vreg()
            em.vop(rsp.VmudhOp, sink, bias_hi, wl.k, 8 + 0)
            em.vop(rsp.VmadhOp, sink, bias_lo, wl.k, 8 + 1)
            done = 0

            def previous(done: int) -> None:
                if done == low_at:
                    wl.clamp_low(y_prev)
                if done == high_at:
                    wl.clamp_high(y_prev)

            previous(done)
            for (i, j, cb), uses in zip(self.blocks, self.rows, strict=True):
                if not uses:
                    continue
                offset = (u * g.sw + j * g.dw) * g.cs * 2 + 16 * cb
                if (i, j, cb, u) == (0, 0, 0, 0):
                    x = x_first  # loaded by the previous pixel
                else:
                    x = em.vreg()
                    em.lqv(x, *wl.far(rows[i], offset, x_bases[i]))
                for row, element in uses:
                    w = held.get(row)
                    if w is None:
                        w = em.vreg()
                        offset = wl.header_bytes + 16 * row
                        em.lqv(w, *wl.far(w_tile, offset, w_bases))
                    em.vop(rsp.VmadhOp, sink, w, x, element)
                    done += 1
                    previous(done)
            if u + 1 == count:  # the first vector of the next call's pixel
                offset = count * g.sw * g.cs * 2
                em.lqv(x_first, *wl.far(rows[0], offset, x_bases[0]))
            # after every load of the chain (a store keeps later loads below
            # it), into the previous pixel's slot: on a row's first trip the
            # scratch slot before the buffer
            em.sqv(y_prev, po, 16 * (u - 1))
            md, hi = em.vreg(), em.vreg()
            em.vsar(md, ACC_MD)
            em.vsar(hi, ACC_HI)
            em.vop(rsp.VmudnOp, sink, md, mult)
            em.vop(rsp.VmadhOp, y_prev, hi, mult)
