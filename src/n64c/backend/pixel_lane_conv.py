"""RSP code for `n64.tile_pixel_conv` (8 output pixels on the lanes), used by
`lower-to-rsp`.

The input is the strip layout (`n64c.dialects.n64_pixel_conv`): lane `k`
of block `b` of an output row is output column `b + k * m`, and the input
of its tap `(c, i, j)` is the aligned vector `b * sw + j * dw` of band row
`r * sh + i * dh` of channel `c`. Per spatial tile of `tile_rows` output
rows:

```
band:   per channel one DMA of its band rows (inside the image), or one per
        row (strip row, or the zero row outside the image); wait
fixup:  ssv zero into the slots outside the image (left/right padding)
for each chunk of output channels (resident, or prefetched through a ring):
  for each output row of the tile, for each block of 8 pixels:
    lqv   H0..Hh, tap(n)(tp)             the block's first taps, held
    for each output channel (unrolled by 2), record R in registers:
      vmudn/vmadh Y', MD', HI', MULT'    previous chain: sat16(acc >> s)
      vmudh ACC, H0, R.e(w0)             held taps first, then streamed:
      lqv   X, tap(n)(tp)                8 pixels' input of one tap
      vmadh ACC, X, R.e(wn)              one weight broadcast to 8 pixels
      vge / vlt Y' ; ssv Y'.e(k) ...     previous chain: clamp, 8 stores
      vmadh ACC, K16384, R.e(bias_hi) ; vmadh ACC, ONES, R.e(bias_lo)
      vsar  HI', ACC_HI ; vsar MD', ACC_MD ; vor MULT', ZERO, R.e(mult)
      lqv   R, next record               each register after its last use
dma the tile's channels-last output rows out
```

The sums are the Gemm kernel's (`ACC[47:16] = b + sum x * w` modulo
2^32) and the read-out is its `vmudn`/`vmadh` shift, so the results are
the golden model's bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import SSAValue

from n64c.backend.rsp_emitter import ACC_HI, ACC_MD, RspEmitter, dma_length_word
from n64c.dialects import rsp
from n64c.dialects.n64_pixel_conv import HEADER_SLOTS, PixelGeometry, TilePixelConvOp
from n64c.dialects.n64_tile import constant_vectors
from n64c.dialects.rsp_types import GprType, VregType
from n64c.passes.pixel_lane_tiles import (
    MAX_DMA_ROW,
    held_taps,
    pad_slots,
    store_plan,
    window_base,
    zero_row_offset,
)

LQV_RANGE = (-1024, 1008, 16)
LEAD_TAPS = 4
"""Held inputs a chain starts with while its first streamed inputs load."""
SSV_RANGE = (-128, 126, 2)


class PixelConvLowering:
    """Writes one `n64.tile_pixel_conv` with an `RspEmitter`."""

    def __init__(
        self,
        em: RspEmitter,
        op: TilePixelConvOp,
        base: GprType,
        rdram_offset: Callable[[SSAValue], int],
        dmem_offset: Callable[[SSAValue], int],
        first_slot: int,
    ) -> None:
        self.em = em
        self.g: PixelGeometry = op.geo
        self.base = base
        self.x_off = rdram_offset(op.x)
        self.y_off = rdram_offset(op.y)
        self.w_off = rdram_offset(op.wr)
        band, out, consts, wbuf = op.buffers
        self.const_vectors = constant_vectors(consts)
        self.band, self.out, self.wbuf = (dmem_offset(b) for b in (band, out, wbuf))
        self.first_slot = first_slot
        self.lo = op.clamp_lo.value.data
        self.hi = op.clamp_hi.value.data

    # ------------------------------------------------------------ helpers
    def near(
        self,
        reg: GprType,
        offset: int,
        cache: dict[int, GprType],
        span: tuple[int, int, int],
    ) -> tuple[GprType, int]:
        """(base, offset) for an access at `reg + offset` whose offset field
        covers `span` (lowest, highest, step): offsets beyond it use extra
        base registers."""
        low, high, step = span
        if low <= offset <= high:
            return reg, offset
        width = high - low + step
        window = (offset - low) // width
        if window not in cache:
            cache[window] = self.em.copy(reg, width * window)
        return cache[window], offset - width * window

    # ------------------------------------------------------------- entry
    def lower(self) -> None:
        em, g = self.em, self.g
        em.wait_dma_idle()  # an earlier kernel's transfers may still run
        k = em.vconst(self.const_vectors[0])
        zero, c16384, ones = em.vreg(), em.vreg(), em.vreg()
        em.vop(rsp.VxorOp, zero, k, k)
        em.vop(rsp.VorOp, c16384, zero, k, 8 + 0)  # eight 16384s
        em.vop(rsp.VorOp, ones, zero, k, 8 + 1)  # eight 1s
        self.k, self.zero, self.c16384, self.ones = k, zero, c16384, ones
        self.pipeline_registers()
        size = g.chunk_bytes
        if g.resident:
            dst = em.gpr()
            em.addi(dst, em.zero, self.wbuf)
            em.dma(
                dst,
                self.em.copy(self.base, self.w_off),
                dma_length_word(size, 1, size),
                False,
            )
        else:
            start = self.wbuf + size * self.first_slot
            self.ring_write, self.ring_read = em.gpr(), em.gpr()
            em.addi(self.ring_write, em.zero, start)
            em.addi(self.ring_read, em.zero, start)
            self.toggle = self.wbuf ^ (self.wbuf + size)
            em.dma(
                self.ring_write,
                self.em.copy(self.base, self.w_off),
                dma_length_word(size, 1, size),
                False,
            )
            em.xori(self.ring_write, self.ring_write, self.toggle)
        x_img = self.em.copy(self.base, self.x_off)
        y_img = self.em.copy(self.base, self.y_off)
        out_bytes = g.tile_rows * g.out_row_bytes
        if out_bytes <= MAX_DMA_ROW:
            out_length = dma_length_word(out_bytes, 1, out_bytes)
        else:
            out_length = dma_length_word(g.out_row_bytes, g.tile_rows, g.out_row_bytes)

        def image() -> None:
            ih = em.gpr()
            em.li(ih, -g.pt)
            row = self.em.copy(x_img, -g.pt * g.row_bytes)
            y_tile = self.em.copy(y_img)

            def tile() -> None:
                self.load_band(row, ih)
                self.fixup()
                self.compute_tile()
                out = em.gpr()
                em.addi(out, em.zero, self.out)
                em.dma(out, y_tile, out_length, to_rdram=True)
                self.em.bump(y_tile, out_bytes)
                em.addi(ih, ih, g.tile_rows * g.sh)
                self.em.bump(row, g.tile_rows * g.sh * g.row_bytes)

            self.em.counted(g.tiles, tile, "tile")
            if g.n > 1:  # (one image: no pointer kept through the tiles)
                self.em.bump(x_img, g.c * g.h * g.row_bytes)
                self.em.bump(y_img, g.oh * g.out_row_bytes)

        self.em.counted(g.n, image, "image")
        em.wait_dma_idle()

    # --------------------------------------------------------------- band
    def load_band(self, row: GprType, ih0: GprType) -> None:
        """The band of every channel, then wait. Inside the image a channel's
        band rows are one block in RDRAM and in DMEM: one DMA per channel.
        Near the top or bottom edge, one DMA per row: strip row `ih0 + r`,
        or the zero row outside the image."""
        em, g = self.em, self.g
        whole = g.channel_band_bytes
        if whole <= MAX_DMA_ROW:
            block = dma_length_word(whole, 1, whole)
        else:
            block = dma_length_word(g.row_bytes, g.band_rows, g.row_bytes)
        edge, done = em.label("band_edge"), em.label("band_done")
        if g.band_rows <= g.h:  # else every band reaches outside the image
            inside = em.gpr()
            # 0 <= ih0 <= h - band_rows, as one unsigned compare
            em.emit(rsp.SltiuOp(em.value(ih0), g.h - g.band_rows + 1, rt=inside))
            em.emit(rsp.BeqOp(em.value(inside), em.value(em.zero), edge))
            em.emit(rsp.NopOp())
            src_block, dst_block = self.em.copy(row), em.gpr()
            em.addi(dst_block, em.zero, self.band)

            def channel_block() -> None:
                em.dma(dst_block, src_block, block, to_rdram=False)
                self.em.bump(src_block, g.h * g.row_bytes)
                self.em.bump(dst_block, whole)

            self.em.counted(g.c, channel_block, "band_channel")
            em.emit(rsp.JOp(done))
            em.emit(rsp.NopOp())
        em.place_label(edge)
        src_channel = self.em.copy(row)
        dst = em.gpr()
        em.addi(dst, em.zero, self.band)
        pad_src = self.em.copy(self.base, self.w_off + zero_row_offset(g))
        length = dma_length_word(g.row_bytes, 1, g.row_bytes)

        def channel() -> None:
            ih = self.em.copy(ih0)
            src = self.em.copy(src_channel)

            def one_row() -> None:
                inside, use = em.gpr(), em.gpr()
                em.emit(rsp.SltiuOp(em.value(ih), g.h, rt=inside))
                em.addi(use, pad_src, 0)
                pad = em.label("pad_row")
                em.emit(rsp.BeqOp(em.value(inside), em.value(em.zero), pad))
                em.emit(rsp.NopOp())
                em.addi(use, src, 0)
                em.place_label(pad)
                em.dma(dst, use, length, to_rdram=False)
                em.addi(ih, ih, 1)
                self.em.bump(src, g.row_bytes)
                em.addi(dst, dst, g.row_bytes)

            self.em.counted(g.band_rows, one_row, "band")
            self.em.bump(src_channel, g.h * g.row_bytes)

        self.em.counted(g.c, channel, "band_channel")
        em.place_label(done)
        em.wait_dma_idle()

    def fixup(self) -> None:
        """Zero the slots outside the image in every band row."""
        em, g = self.em, self.g
        slots = pad_slots(g)
        if not slots:
            return
        ptr = em.gpr()
        em.addi(ptr, em.zero, self.band)

        def one_row() -> None:
            cache: dict[int, GprType] = {}
            for xs, lane in slots:
                reg, offset = self.near(ptr, 16 * xs + 2 * lane, cache, SSV_RANGE)
                em.emit(rsp.SsvOp(em.value(self.zero), em.value(reg), offset, 0))
            em.addi(ptr, ptr, g.row_bytes)

        self.em.counted(g.c * g.band_rows, one_row, "fixup")

    # ------------------------------------------------------------ compute
    def pipeline_registers(self) -> None:
        """The registers one chain hands to the next: its sum (HI, MD), its
        result, its channel's `mult` (broadcast) and the output pointers of
        its stores (`prev`). They are set before every loop, so they stay
        live through all of them."""
        em, g = self.em, self.g
        self.hi_sum, self.md_sum, self.y, self.mult = (em.vreg() for _ in range(4))
        for reg in (self.hi_sum, self.md_sum, self.y, self.mult):
            em.vop(rsp.VxorOp, reg, self.zero, self.zero)
        self.plan = store_plan(g)
        windows = sorted({window for _, window, _ in self.plan})
        self.prev = {w: em.gpr() for w in windows}
        for window, reg in self.prev.items():
            em.addi(reg, em.zero, self.out + window_base(window))
        self.held = [em.vreg() for _ in range(held_taps(g))]
        self.record = [em.vreg() for _ in range(g.record_vectors)]
        self.taps = [
            (c, i, j) for c in range(g.c) for i in range(g.kh) for j in range(g.kw)
        ]

    def slot(self, record: list[VregType], index: int) -> tuple[VregType, int]:
        """(register, broadcast element) of slot `index` of a record."""
        return record[index // 8], 8 + index % 8

    def tap_offset(self, n: int) -> int:
        """Band offset of tap `n` of block 0 of output row 0."""
        g = self.g
        c, i, j = self.taps[n]
        return c * g.channel_band_bytes + i * g.dh * g.row_bytes + j * g.dw * 16

    def read_out(self) -> None:
        """The previous chain's `sat16(acc >> s)` (ACC is free again)."""
        em = self.em
        sink = em.vreg()
        em.vop(rsp.VmudnOp, sink, self.md_sum, self.mult)
        em.vop(rsp.VmadhOp, self.y, self.hi_sum, self.mult)

    def clamp(self) -> None:
        """Clamp the previous chain's result."""
        em = self.em
        if self.lo > -32768:
            em.vop(rsp.VgeOp, self.y, self.y, self.k, 8 + 2)
        if self.hi < 32767:
            em.vop(rsp.VltOp, self.y, self.y, self.k, 8 + 3)

    def store(self, bases: dict[int, GprType]) -> None:
        """Store the previous chain's pixels, lane `k` at `bases[window] +
        offset`."""
        em = self.em
        for lane, window, offset in self.plan:
            em.emit(
                rsp.SsvOp(em.value(self.y), em.value(bases[window]), offset, 2 * lane)
            )

    def chain(self, rec: GprType, tp: GprType, bases: dict[int, GprType]) -> None:
        """One output channel of one block, software-pipelined: the previous
        chain's read-out and clamp run among this one's first MACs (the
        clamps write ACC_LO and VCC, which the sums in ACC[47:16] never
        read) and its stores pair with the MACs of the held inputs, which
        come last (a store must follow every earlier load of DMEM); each
        record register is reloaded with the next channel's record (at
        `rec + record_bytes`) after its last use."""
        em, g = self.em, self.g
        record = self.record
        held = len(self.held)
        # a few held inputs first (no load to wait for), then the streamed
        # ones, then the other held ones
        lead = min(held, LEAD_TAPS)
        order = [*range(lead), *range(held, g.taps), *range(lead, held)]
        # the compares each wait 4 groups for their input; the stores follow
        # the streamed loads (a store must come after every earlier load)
        ge_at, lt_at = min(2, g.taps - 1), min(6, g.taps - 1)
        store_at = max(lead + g.taps - held, lt_at + 1)
        last_use: dict[int, int] = {}
        for position, n in enumerate(order):
            last_use[n // 8] = position
        for slot in range(g.taps, g.taps + HEADER_SLOTS):  # bias and mult, at the end
            last_use[slot // 8] = len(order)
        self.read_out()
        cache: dict[int, GprType] = {}
        sink = em.vreg()

        def reload(position: int) -> None:
            for v, last in last_use.items():
                if last == position:
                    em.lqv(record[v], rec, g.record_bytes + 16 * v)

        for position, n in enumerate(order):
            if position == store_at:  # the streamed inputs are loaded
                self.store(bases)
            if n < held:
                x = self.held[n]
            else:
                x = em.vreg()
                em.lqv(x, *self.near(tp, self.tap_offset(n), cache, LQV_RANGE))
            op = rsp.VmudhOp if position == 0 else rsp.VmadhOp
            em.vop(op, sink, x, *self.slot(record, n))
            reload(position)
            if position == ge_at and self.lo > -32768:
                em.vop(rsp.VgeOp, self.y, self.y, self.k, 8 + 2)
            if position == lt_at and self.hi < 32767:
                em.vop(rsp.VltOp, self.y, self.y, self.k, 8 + 3)
        em.vop(rsp.VmadhOp, sink, self.c16384, *self.slot(record, g.taps))
        em.vop(rsp.VmadhOp, sink, self.ones, *self.slot(record, g.taps + 1))
        em.vsar(self.hi_sum, ACC_HI)
        em.vsar(self.md_sum, ACC_MD)
        if store_at >= g.taps:
            self.store(bases)
        mult = self.slot(record, g.taps + HEADER_SLOTS - 1)
        em.vop(rsp.VorOp, self.mult, self.zero, *mult)
        reload(len(order))

    def compute_tile(self) -> None:
        em, g = self.em, self.g
        rec_chunk = self.ring_read if not g.resident else em.gpr()
        w_next: GprType | None = None
        if g.resident:
            em.addi(rec_chunk, em.zero, self.wbuf)
        else:
            w_next = self.em.copy(self.base, self.w_off + g.chunk_bytes)
        po_chunk = em.gpr()
        em.addi(po_chunk, em.zero, self.out)

        def chunk() -> None:
            if w_next is not None:
                size = g.chunk_bytes
                em.dma(self.ring_write, w_next, dma_length_word(size, 1, size), False)
                em.xori(self.ring_write, self.ring_write, self.toggle)
                self.em.bump(w_next, size)
                em.wait_dma_slot()
            tp = em.gpr()
            em.addi(tp, em.zero, self.band)
            po = self.em.copy(po_chunk)

            def row() -> None:

                def block() -> None:
                    self.block(rec_chunk, tp, po)
                    self.em.bump(tp, g.sw * 16)
                    self.em.bump(po, 2 * g.op)

                self.em.counted(g.m, block, "block")
                # the next row, back from the row's end
                self.em.bump(tp, g.sh * g.row_bytes - g.m * g.sw * 16)
                self.em.bump(po, g.out_row_bytes - g.m * 2 * g.op)

            self.em.counted(g.tile_rows, row, "row")
            if w_next is not None:
                em.xori(self.ring_read, self.ring_read, self.toggle)
            self.em.bump(po_chunk, 2 * g.chunk)

        self.em.counted(g.chunks, chunk, "chunk")
        self.read_out()  # the last chain's results
        self.clamp()
        self.store(self.prev)

    def block(self, rec_chunk: GprType, tp: GprType, po: GprType) -> None:
        """Every output channel of the chunk for one block of 8 pixels: the
        block's first taps stay in registers for all channels."""
        em, g = self.em, self.g
        cache: dict[int, GprType] = {}
        for n, reg in enumerate(self.held):
            em.lqv(reg, *self.near(tp, self.tap_offset(n), cache, LQV_RANGE))
        rec = self.em.copy(rec_chunk)
        for v, reg in enumerate(self.record):
            em.lqv(reg, rec, 16 * v)
        # the first channel stores the chain before it (another block) ...
        self.chain(rec, tp, self.prev)
        # ... then the store pointers follow this block's channels
        for window, reg in self.prev.items():
            em.addi(reg, po, window_base(window))

        def next_channel() -> None:
            em.addi(rec, rec, g.record_bytes)
            self.chain(rec, tp, self.prev)  # stores the previous channel
            for reg in self.prev.values():
                em.addi(reg, reg, 2)

        def two_channels() -> None:  # halves the loop's branch overhead
            next_channel()
            next_channel()

        pairs, odd = divmod(g.chunk - 1, 2)
        self.em.counted(pairs, two_channels, "channels")
        if odd:
            next_channel()
