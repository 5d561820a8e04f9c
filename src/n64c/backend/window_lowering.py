"""RSP code for `n64.tile_window` (convolution and max pooling), used by
`lower-to-rsp`.

Both kernels keep a *band* of channels-last input rows in DMEM: at the
start the whole band buffer is filled with the padding value (0 for conv,
-32768 for max pooling), so the left/right padding columns, which no DMA
writes, read as padding; each band row is one DMA from the input image or,
for rows outside the image (top/bottom padding), from the pad row stored
after the layer's weights. A spatial tile of `tile_rows` output rows is
computed from one band; pixel addresses are pointers bumped by the stride.

A depthwise conv has its own code (`depthwise_lowering`: a rolling band,
weights in registers), and so does a dense conv in strips
(`strip_conv_lowering`: the same rolling band, one group's weights resident,
one MAC chain per pixel). Conv (output channels on lanes, 8 per group): for each group and each
weight chunk (resident weights: the chunk's tile in the weights buffer;
streamed: the tile waits in the ring while the next one is fetched),
every pixel of the tile runs the chunk's MAC chain

```
lqv   X, tap_offset + 16*b(px)        8 input channels of one tap
lqv   W, 48 + 16*row(ring)            8 output channels' weights of one input channel
vmadh ACC, W, X.eJ                    (vmudh for the first)
```

then, with one chunk per group, adds the bias, requantises and clamps as
the Gemm kernel does and stores 8 results. With several chunks the 32-bit
sum goes to DMEM between chunks (`vsar` HI and MD) and comes back exactly:
`ACC = HI << 32 + u(MD) << 16` is four `vmadh HI, 16384` and four
`vmadn MD, 16384`. A chunk then has three pixel loops, picked by a
down-counter of the group's chunks: the first chunk starts each sum with
the bias (`vmudh V, 2^J` with `short_bias`, else `vmudh BIAS_HI, k.e0 ;
vmadh BIAS_LO, k.e1`: the sum modulo 2^32 is the same in any order) and
saves it, a middle chunk restores and saves it, the last one restores it
and requantises in place (no bias again).
These loops run two pixels a trip when they fit (`partial_unroll`), the
first pixel's stores after the second one's loads, and are
software-pipelined (`carry`): a trip's last pixel is stored by the next
trip, after its first chain's loads (the first trip stores to a scratch
slot below the buffer), and after the tile's last row.

An `acc48` conv (48-bit sums, `n64c.backend.acc48_code`) chains `vmudm` /
`vmadm` (the input read as unsigned, the product at ACC bit 0), reads its
weights after a 64-byte tile header, adds the bias with one more `vmadn`
(its low 16 bits), reads the sum out with the `acc48` readout of its shift
range, and saves ACC_LO too between chunks (48 bytes a pixel; the restore
adds `vmadn LO, 1`).

Max pooling (channels on lanes): per pixel and channel vector, `lqv` the
first window element, then `lqv` + `vge` (the exact int16 maximum) for the
others, `sqv` the result. Average pooling: `vmudh`/`vmadh` of each window
element with the multiplier, `vmadh` of the rounding constant
`2^ra * 2^rb = 2^(s-1)`, then the Gemm shift sequence (`vsar`, `vmudn`,
`vmadh` with `2^(16-s)`).
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import SSAValue

from n64c.backend import acc48_code, int32_code
from n64c.backend.depthwise_lowering import DepthwiseLowering, wraps_weights
from n64c.backend.rsp_emitter import (
    ACC_HI,
    ACC_MD,
    COP0_DMA_RAMADDR,
    COP0_DMA_READ,
    COP0_DMA_SPADDR,
    RspEmitter,
    dma_length_word,
)
from n64c.backend.strip_conv_lowering import StripConvLowering, held_chain_rows
from n64c.dialects import rsp
from n64c.dialects.n64_tile import (
    TileWindowOp,
    WindowGeometry,
    constant_vectors,
    tile_header_bytes,
)
from n64c.dialects.rsp_types import GprType, VregType
from n64c.sim.rsp.timing import dma_cycles

LQV_MAX = 1008
PARTIAL_ROWS = 320
"""Most weight rows of the unrolled chains of a conv with partial sums
(three pixel loops per chunk, each of `partial_unroll` pixels a trip):
`plan_window` keeps to it, so the code fits IMEM."""
PARTIAL_UNROLL = 2
POOL_UNROLL = 4
"""Most output pixels per trip of a max pool's pixel loop (`pool_unroll`)."""
POOL_VECTORS = 24
"""Most window vectors a max pool's trip loads before its compares (a
larger window keeps `POOL_CHAINS` running maxima instead)."""
POOL_CHAINS = 4


def partial_loops(g: WindowGeometry) -> int:
    """Pixel loops per chunk of a conv with partial sums: first, middle
    (none with two chunks a group) and last."""
    return min(3, g.slices_per_group * g.chunks)


GLOBAL_POOL_VECTORS = 8
"""Most channel vectors of a global average pool summed chunk by chunk
(their partial sums stay in two registers each)."""


def global_pool_cycles(g: WindowGeometry, per_chunk: int) -> int:
    """Estimate of one image of a global average pool in chunks of
    `per_chunk` pixels (`WindowLowering.global_average`): each chunk the
    larger of its transfer and its sums (a restore, the MACs and a save
    per channel vector), then the readout."""
    vectors = g.cp // 8
    chunks = g.h * g.w // per_chunk
    read = dma_cycles(True, 1, per_chunk * g.cp * 2)
    chunk = max(read, vectors * (per_chunk + 10) + 14)
    return read + chunks * chunk + vectors * 8 + 40


def sliced_pool_cycles(g: WindowGeometry) -> int:
    """Estimate of one image of a global average pool slice by slice: a
    slice's band is one 2-D transfer of a short row per pixel."""
    pixels = g.h * g.w
    band = dma_cycles(True, pixels, g.cs * 2)
    return g.slices * (band + pixels * g.slice_blocks * 2 + 40)


def global_pool_chunk(kind: str, g: WindowGeometry) -> int:
    """Pixels per chunk of a global average pool (a window over the whole
    unpadded image, one output pixel) read as runs of whole pixels: the
    largest divisor of `H * W` whose two chunks of all channels fit the
    band buffer, when that is estimated faster than pooling slice by slice;
    else 0 (also for any other layer)."""
    if kind != "avgpool" or (g.oh, g.ow, g.kh, g.kw) != (1, 1, g.h, g.w):
        return 0
    if g.pt or g.pl or g.cp // 8 > GLOBAL_POOL_VECTORS:
        return 0
    pixels = g.h * g.w
    fits = [r for r in range(1, pixels + 1) if pixels % r == 0]
    best = max((r for r in fits if 4 * r * g.cp <= g.band_bytes), default=0)
    if best and global_pool_cycles(g, best) < sliced_pool_cycles(g):
        return best
    return 0


def pool_unroll(kind: str, g: WindowGeometry) -> int:
    """Output pixels per trip of a pool's pixel loop: a max pool's trip
    loads every window vector before its compares, up to `POOL_UNROLL`
    pixels whose vectors fit `POOL_VECTORS` registers; an average pool
    one pixel (its sums share the accumulator)."""
    if kind != "maxpool":
        return 1
    vectors = g.kh * g.kw * g.slice_blocks
    return max(1, min(POOL_UNROLL, POOL_VECTORS // vectors, g.tile_cols))


def partial_unroll(g: WindowGeometry) -> int:
    """Output pixels per trip of a partial-sum conv's pixel loops: two
    (the second pixel's loads overlap the first one's save, one loop
    branch for both) when `tile_cols` is even and the unrolled chains fit
    `PARTIAL_ROWS` rows, else one."""
    loops = partial_loops(g)
    if g.tile_cols % PARTIAL_UNROLL or (
        loops * PARTIAL_UNROLL * g.chunk_rows > PARTIAL_ROWS
    ):
        return 1
    return PARTIAL_UNROLL


Store = tuple[VregType, GprType, int]
"""An `sqv` left for later: (register, base, offset)."""
Chain = Callable[
    [GprType, GprType, GprType, str, int, list[Store], list[VregType] | None],
    list[Store],
]
"""A chunk's `mac_chain` with its chunk arguments bound."""


class WindowLowering:
    """Writes one `n64.tile_window` with an `RspEmitter`."""

    def __init__(
        self,
        em: RspEmitter,
        op: TileWindowOp,
        base: GprType,
        rdram_offset: Callable[[SSAValue], int],
        dmem_offset: Callable[[SSAValue], int],
        first_slot: int,
    ) -> None:
        self.em = em
        self.op = op
        self.g: WindowGeometry = op.geo
        self.base = base
        self.kind = op.kind.data
        # a split conv's kernel reads a slice of the input channels
        self.x_off = rdram_offset(op.x) + 2 * op.channel_offset
        self.y_off = rdram_offset(op.y)
        self.s_off = rdram_offset(op.sums_region) if self.g.sums_in else 0
        self.w_off = rdram_offset(op.wr)
        self.const_vectors = constant_vectors(op.buffers[2])
        offsets = [0 if i == 2 else dmem_offset(b) for i, b in enumerate(op.buffers)]
        self.band, self.out = offsets[:2]
        self.ring = offsets[3] if self.kind == "conv" else 0
        self.partial = 0
        banded = not (self.g.depthwise or self.g.strips)
        if self.kind == "conv" and self.g.partial and banded:
            # both buffers start after a scratch slot (`carry`)
            self.out += 16
            self.partial = offsets[4] + self.g.partial_stride
        self.first_slot = first_slot
        self.table_buffer = offsets[-1] if self.g.col_tiles > 1 else 0
        self.table: GprType | None = None
        self.lo = op.clamp_lo.value.data
        self.hi = op.clamp_hi.value.data
        self.acc48 = op.acc48_mode
        """`"low"` / `"high"` for an `acc48` conv (48-bit sums), else None."""
        self.alternating = op.alternating is not None
        """Whether the chunks of a group alternate signs (`restore` negates)."""
        self.header_bytes = tile_header_bytes(self.acc48 is not None)
        self.header_vectors = self.header_bytes // 16

    # ------------------------------------------------------------ helpers
    def fill(self, start: int, nbytes: int, value: VregType) -> None:
        """Store `value` over `nbytes` of DMEM from `start` (16-byte steps)."""
        em = self.em
        vectors = nbytes // 16
        unroll = next(u for u in (4, 2, 1) if vectors % u == 0)
        ptr = em.gpr()
        em.addi(ptr, em.zero, start)

        def body() -> None:
            for u in range(unroll):
                em.sqv(value, ptr, 16 * u)
            em.addi(ptr, ptr, 16 * unroll)

        self.em.counted(vectors // unroll, body, "fill")

    def tap_offset(self, i: int, j: int) -> int:
        g = self.g
        return i * g.dh * g.band_row_bytes + j * g.dw * g.cs * 2

    def load_band(self, row: GprType, ih0: GprType) -> None:
        """DMA the band: row `r` is input row `ih0 + r` from `row + r * W*cp*2`,
        or the pad row when that input row is outside the image. With column
        tiles, the columns, their place in the band and the length word come
        from the column table (`self.table`)."""
        em, g = self.em, self.g
        ih = self.em.copy(ih0)
        src = self.em.copy(row)
        dst = em.gpr()
        pad_src = self.em.copy(self.base, self.w_off + self.fill_offset)
        length: int | GprType
        if self.table is not None:
            em.lw(dst, self.table, 0)
            em.add_const(dst, dst, self.band)
            column = em.gpr()
            em.lw(column, self.table, 4)
            for reg in (src, pad_src):
                em.emit(rsp.AddOp(em.value(reg), em.value(column), rd=reg))
            length = em.gpr()
            em.lw(length, self.table, 8)
        elif g.slices == 1:
            em.addi(dst, em.zero, self.band + g.pl * g.cs * 2)
            length = dma_length_word(g.w * g.cp * 2, 1, g.w * g.cp * 2)
        else:
            em.addi(dst, em.zero, self.band + g.pl * g.cs * 2)
            length = dma_length_word(g.cs * 2, g.w, g.cp * 2)

        def body() -> None:
            inside, use = em.gpr(), em.gpr()
            em.emit(rsp.SltiuOp(em.value(ih), g.h, rt=inside))
            em.addi(use, pad_src, 0)
            pad = em.label("pad_row")
            em.emit(rsp.BeqOp(em.value(inside), em.value(em.zero), pad))
            em.emit(rsp.NopOp())
            em.addi(use, src, 0)
            em.place_label(pad)
            if isinstance(length, int):
                em.dma(dst, use, length, to_rdram=False)
            else:
                em.wait_dma_slot()
                em.mtc0(dst, COP0_DMA_SPADDR)
                em.mtc0(use, COP0_DMA_RAMADDR)
                em.mtc0(length, COP0_DMA_READ)
            em.addi(ih, ih, 1)
            self.em.bump(src, g.w * g.cp * 2)
            em.addi(dst, dst, g.band_row_bytes)

        self.em.counted(g.band_rows, body, "band")
        em.wait_dma_idle()

    @property
    def fill_offset(self) -> int:
        """Byte offset of the pad row in the layer's weights region: after
        the tiles (a depthwise slice's with the copy of its first,
        `wraps_weights`) and a copy of the first."""
        g = self.g
        copies = g.slices if wraps_weights(g) else 0
        return (
            (g.weight_tiles + copies + 1) * g.tile_bytes if self.kind == "conv" else 0
        )

    @property
    def table_offset(self) -> int:
        """Byte offset of the column table in the layer's weights region."""
        return self.fill_offset + self.g.w * self.g.cp * 2

    def far(
        self, reg: GprType, offset: int, cache: dict[int, GprType]
    ) -> tuple[GprType, int]:
        """(base, offset) for an `lqv` at `reg + offset` with offsets beyond
        the instruction's range served from extra base registers."""
        if -1024 <= offset <= LQV_MAX:
            return reg, offset
        window = (offset + 1024) // 2048
        if window not in cache:
            cache[window] = self.em.copy(reg, 2048 * window)
        return cache[window], offset - 2048 * window

    # ------------------------------------------------------------- entry
    def lower(self) -> None:
        em, g = self.em, self.g
        # an earlier kernel's transfers may still read or write DMEM
        em.wait_dma_idle()
        k = em.vconst(self.const_vectors[0])
        self.k = k
        if g.col_tiles > 1:  # the column table, from the weights blob
            self.table = em.gpr()
            em.addi(self.table, em.zero, self.table_buffer)
            table_src = self.em.copy(self.base, self.w_off + self.table_offset)
            em.dma(
                self.table,
                table_src,
                dma_length_word(g.table_bytes, 1, g.table_bytes),
                False,
            )
            em.wait_dma_idle()
        self.pad = k
        if self.kind == "maxpool":
            self.fill(self.band, g.band_bytes, k)
        else:
            zero = em.vreg()
            em.vop(rsp.VxorOp, zero, k, k)
            self.zero = zero
            self.pad = zero
            if self.kind == "avgpool":
                self.k2 = em.vconst(self.const_vectors[1])
            if not (g.depthwise or g.strips or global_pool_chunk(self.kind, g)):
                self.fill(self.band, g.band_bytes, zero)
        x_img = self.em.copy(self.base, self.x_off)
        y_img = self.em.copy(self.base, self.y_off)
        if global_pool_chunk(self.kind, g):
            self.em.counted(g.n, lambda: self.global_average(x_img, y_img), "image")
            em.wait_dma_idle()
            return
        if self.kind == "conv" and (g.depthwise or g.strips):
            strips = StripConvLowering if g.strips else DepthwiseLowering
            strips(self).lower(x_img, y_img)
            em.wait_dma_idle()
            return
        if self.kind == "conv" and g.resident:
            # every weight tile stays in DMEM: one transfer, before any band
            # load (whose wait covers it)
            self.ring_read = em.gpr()
            total = g.weight_tiles * g.tile_bytes
            first = self.em.copy(self.base, self.w_off)
            dmem = em.gpr()
            em.addi(dmem, em.zero, self.ring)
            em.dma(dmem, first, dma_length_word(total, 1, total), False)
        elif self.kind == "conv":
            size = g.tile_bytes
            start = self.ring + size * self.first_slot
            self.ring_write, self.ring_read = em.gpr(), em.gpr()
            em.addi(self.ring_write, em.zero, start)
            em.addi(self.ring_read, em.zero, start)
            self.toggle = self.ring ^ (self.ring + size)
            first = self.em.copy(self.base, self.w_off)
            em.dma(self.ring_write, first, dma_length_word(size, 1, size), False)
            em.xori(self.ring_write, self.ring_write, self.toggle)
        in_row = g.w * g.cp * 2

        def image() -> None:
            ih = em.gpr()
            em.li(ih, -g.pt)
            row = self.em.copy(x_img, -g.pt * in_row)
            y_tile = self.em.copy(y_img)

            def column_tile() -> None:
                if self.table is not None:  # a fresh band: padding everywhere
                    self.fill(self.band, g.band_bytes, self.pad)
                if self.kind == "conv":
                    self.conv_tile(row, ih, y_tile)
                else:
                    self.pool_tile(row, ih, y_tile)
                self.em.bump(y_tile, g.pixels * g.op * 2)
                if self.table is not None:
                    em.addi(self.table, self.table, 12)

            def tile() -> None:
                if self.table is not None:
                    em.addi(self.table, em.zero, self.table_buffer)
                self.em.counted(g.col_tiles, column_tile, "column_tile")
                em.addi(ih, ih, g.tile_rows * g.sh)
                self.em.bump(row, g.tile_rows * g.sh * in_row)

            self.em.counted(g.oh // g.tile_rows, tile, "tile")
            self.em.bump(x_img, g.h * in_row)
            self.em.bump(y_img, g.oh * g.ow * g.op * 2)

        self.em.counted(g.n, image, "image")
        em.wait_dma_idle()

    # --------------------------------------------------------------- pool
    def global_average(self, x_img: GprType, y_img: GprType) -> None:
        """A global average pool of one image, read in chunks of whole
        pixels (one contiguous transfer each, the next loading while one is
        summed) instead of one 16-byte row per pixel and channel slice. Each
        channel vector's sum of `m * x` lives in two registers (HI, MD)
        between chunks and comes back into ACC exactly (`restore`); after
        the last chunk, the rounding constant, the shift, and the results
        leave from the band buffer. `x_img` and `y_img` move on to the next
        image."""
        em, g, k = self.em, self.g, self.k
        per_chunk = global_pool_chunk(self.kind, g)
        chunk_bytes = per_chunk * g.cp * 2
        chunks = g.h * g.w // per_chunk
        length = dma_length_word(chunk_bytes, 1, chunk_bytes)
        src = self.em.copy(x_img)
        buf, other = em.gpr(), em.gpr()
        em.addi(buf, em.zero, self.band)
        em.addi(other, em.zero, self.band + chunk_bytes)
        toggle = self.band ^ (self.band + chunk_bytes)
        em.dma(buf, src, length, False)
        em.add_const(src, src, chunk_bytes)
        sums = [(em.vreg(), em.vreg()) for _ in range(g.cp // 8)]
        for hi, md in sums:  # live across the loop: defined before it
            em.vop(rsp.VxorOp, hi, self.zero, self.zero)
            em.vop(rsp.VxorOp, md, self.zero, self.zero)
        counter = em.gpr()
        em.li(counter, chunks, comment="chunk")
        head, last, ready = (
            em.label("chunk"),
            em.label("last_chunk"),
            em.label("chunk_ready"),
        )
        em.place_label(head)
        # the next chunk into the other buffer, unless this is the last;
        # then this chunk's transfer may be the newest: wait for all
        is_last = em.gpr()
        em.addi(is_last, counter, -1)
        em.emit(rsp.BeqOp(em.value(is_last), em.value(em.zero), last))
        em.emit(rsp.NopOp())
        em.dma(other, src, length, False)
        em.add_const(src, src, chunk_bytes)
        em.wait_dma_slot()
        em.emit(rsp.JOp(ready))
        em.emit(rsp.NopOp())
        em.place_label(last)
        em.wait_dma_idle()
        em.place_label(ready)
        sink = em.vreg()
        cache: dict[int, GprType] = {}
        for v, (hi, md) in enumerate(sums):
            self.restore_registers(sink, hi, md)
            for p in range(per_chunk):
                x = em.vreg()
                em.lqv(x, *self.far(buf, p * g.cp * 2 + 16 * v, cache))
                em.vop(rsp.VmadhOp, sink, x, k, 8 + 4)
            em.vsar(hi, ACC_HI)
            em.vsar(md, ACC_MD)
        em.xori(buf, buf, toggle)
        em.xori(other, other, toggle)
        em.addi(counter, counter, -1)
        em.bne(counter, em.zero, head)
        out = em.gpr()  # the results, into the band (every chunk is summed)
        em.addi(out, em.zero, self.band)
        for v, (hi, md) in enumerate(sums):
            self.restore_registers(sink, hi, md)
            em.vop(rsp.VmadhOp, sink, self.k2, k, 8 + 5)  # + 2^(s-1)
            top, mid, y = em.vreg(), em.vreg(), em.vreg()
            em.vsar(top, ACC_HI)
            em.vsar(mid, ACC_MD)
            em.vop(rsp.VmudnOp, sink, mid, k, 8 + 6)
            em.vop(rsp.VmadhOp, y, top, k, 8 + 6)
            em.sqv(y, out, 16 * v)
        em.dma(out, y_img, dma_length_word(g.cp * 2, 1, g.cp * 2), to_rdram=True)
        em.add_const(x_img, x_img, g.h * g.w * g.cp * 2)
        em.add_const(y_img, y_img, g.cp * 2)

    def restore_registers(self, sink: VregType, hi: VregType, md: VregType) -> None:
        """ACC = the 32-bit sum held in `hi` and `md` (`vsar` ACC_HI and
        ACC_MD), at ACC[47:16]: `HI * 2^32 + u(MD) * 2^16`."""
        em, k = self.em, self.k
        for n in range(4):
            em.vop(rsp.VmudhOp if n == 0 else rsp.VmadhOp, sink, hi, k, 8 + 0)
        for _ in range(4):
            em.vop(rsp.VmadnOp, sink, md, k, 8 + 0)

    def pool_tile(self, row: GprType, ih: GprType, y_tile: GprType) -> None:
        em, g = self.em, self.g
        src = self.em.copy(row)
        dst = self.em.copy(y_tile)
        taps = [(i, j) for i in range(g.kh) for j in range(g.kw)]
        if g.cs == g.cp:  # whole pixels: one contiguous run
            length = dma_length_word(g.pixels * g.cp * 2, 1, g.pixels * g.cp * 2)
        else:
            length = dma_length_word(g.cs * 2, g.pixels, g.cp * 2)

        def one_slice() -> None:
            self.load_band(src, ih)
            px_row = em.gpr()
            em.addi(px_row, em.zero, self.band)
            po = em.gpr()
            em.addi(po, em.zero, self.out)

            def out_row() -> None:
                px = self.em.copy(px_row)

                def pixels(count: int) -> None:
                    cache: dict[int, GprType] = {}
                    windows = []
                    for u in range(count):
                        for cb in range(g.slice_blocks):
                            start = u * g.sw * g.cs * 2 + 16 * cb
                            windows.append(
                                [
                                    self.far(px, start + self.tap_offset(i, j), cache)
                                    for i, j in taps
                                ]
                            )
                    if self.kind == "maxpool":
                        results = self.window_maxima(windows)
                    else:
                        results = [self.average_vector(loads) for loads in windows]
                    for n, y in enumerate(results):
                        u, cb = divmod(n, g.slice_blocks)
                        em.sqv(y, po, u * g.cs * 2 + 16 * cb)
                    em.addi(px, px, count * g.sw * g.cs * 2)
                    em.addi(po, po, count * g.cs * 2)

                unroll = pool_unroll(self.kind, g)
                self.em.counted(g.tile_cols // unroll, lambda: pixels(unroll), "pixel")
                if g.tile_cols % unroll:
                    pixels(g.tile_cols % unroll)
                self.em.bump(px_row, g.sh * g.band_row_bytes)

            self.em.counted(g.tile_rows, out_row, "out_row")
            out = em.gpr()
            em.addi(out, em.zero, self.out)
            em.dma(out, dst, length, to_rdram=True)
            em.addi(src, src, g.cs * 2)
            em.addi(dst, dst, g.cs * 2)

        self.em.counted(g.slices, one_slice, "slice")

    def window_maxima(self, windows: list[list[tuple[GprType, int]]]) -> list[VregType]:
        """The maximum of each window's vectors: every vector loaded, then
        pairwise `vge`s level by level across all the windows, so that no
        compare waits for the one before (a chain of compares would stall 3
        cycles on each)."""
        em = self.em
        if sum(len(loads) for loads in windows) > POOL_VECTORS:
            # running maxima, a few windows at a time, each batch's chains
            # combined together (no combining compare waits for another)
            batch = max(1, POOL_VECTORS // (2 * POOL_CHAINS))
            results: list[VregType] = []
            for start in range(0, len(windows), batch):
                chains = [
                    self.running_maxima(w) for w in windows[start : start + batch]
                ]
                results += self.pairwise_maxima(chains)
            return results
        values = []
        for loads in windows:
            regs = []
            for address in loads:
                x = em.vreg()
                em.lqv(x, *address)
                regs.append(x)
            values.append(regs)
        return self.pairwise_maxima(values)

    def running_maxima(self, loads: list[tuple[GprType, int]]) -> list[VregType]:
        """`POOL_CHAINS` running maxima of a large window's vectors, each
        vector compared into the one it is due to (a compare reads a result
        `POOL_CHAINS` compares old: no stall)."""
        em = self.em
        chains: list[VregType] = []

        def compare(t: int, x: VregType) -> None:
            if len(chains) < POOL_CHAINS:
                chains.append(x)
            else:
                reg = chains[t % POOL_CHAINS]
                em.vop(rsp.VgeOp, reg, reg, x)

        # each vector is loaded `POOL_CHAINS` compares before its own (its
        # register is then not the one just freed: no load-use stall)
        loaded: list[VregType] = []
        for t, address in enumerate(loads):
            x = em.vreg()
            em.lqv(x, *address)
            loaded.append(x)
            if t >= POOL_CHAINS:
                compare(t - POOL_CHAINS, loaded[t - POOL_CHAINS])
        for t in range(max(0, len(loads) - POOL_CHAINS), len(loads)):
            compare(t, loaded[t])
        return chains

    def pairwise_maxima(self, values: list[list[VregType]]) -> list[VregType]:
        """Each list's maximum, by `vge`s in place, pairwise and level by
        level across the lists."""
        em = self.em
        while any(len(regs) > 1 for regs in values):
            for n, regs in enumerate(values):
                for a, b in zip(regs[::2], regs[1::2], strict=False):
                    em.vop(rsp.VgeOp, a, a, b)
                values[n] = regs[::2]
        return [regs[0] for regs in values]

    def average_vector(self, loads: list[tuple[GprType, int]]) -> VregType:
        """One channel vector of an average-pooled pixel from its window
        elements: acc = m * sum + 2^(s-1), y = sat16(acc >> s) (a max pool
        takes `window_maxima`)."""
        em, k = self.em, self.k
        sink = em.vreg()
        for n, address in enumerate(loads):
            x = em.vreg()
            em.lqv(x, *address)
            em.vop(rsp.VmadhOp if n else rsp.VmudhOp, sink, x, k, 8 + 4)
        em.vop(rsp.VmadhOp, sink, self.k2, k, 8 + 5)
        hi, md, y = em.vreg(), em.vreg(), em.vreg()
        em.vsar(hi, ACC_HI)
        em.vsar(md, ACC_MD)
        em.vop(rsp.VmudnOp, sink, md, k, 8 + 6)
        em.vop(rsp.VmadhOp, y, hi, k, 8 + 6)
        return y

    # --------------------------------------------------------------- conv
    def conv_tile(self, row: GprType, ih: GprType, y_tile: GprType) -> None:
        em, g = self.em, self.g
        if g.resident:
            em.addi(self.ring_read, em.zero, self.ring)
        else:
            self.w_next = self.em.copy(self.base, self.w_off + g.tile_bytes)
        if g.slices == 1:
            self.load_band(row, ih)
        y_group = self.em.copy(y_tile)
        if g.op == 8:  # one group: the tile's pixels are one contiguous run
            out_length = dma_length_word(16 * g.pixels, 1, 16 * g.pixels)
        else:
            out_length = dma_length_word(16, g.pixels, g.op * 2)

        def group() -> None:
            src = self.em.copy(row)

            def one_slice() -> None:
                if g.slices > 1:
                    self.load_band(src, ih)
                self.chunks(left)
                em.addi(src, src, g.cs * 2)

            left = None
            if g.partial:  # the group's chunks still to run
                left = em.gpr()
                em.li(left, g.slices * g.chunks)
            self.em.counted(g.slices, one_slice, "slice")
            out = em.gpr()
            em.addi(out, em.zero, self.out)
            em.dma(out, y_group, out_length, to_rdram=True)
            em.addi(y_group, y_group, 16)

        self.em.counted(g.groups, group, "group")

    def chunks(self, left: GprType | None) -> None:
        em, g = self.em, self.g
        ci, cj = g.chunk_dims
        chunk_row = em.gpr()
        em.addi(chunk_row, em.zero, self.band)

        def kernel_row() -> None:
            chunk = self.em.copy(chunk_row)

            def kernel_col() -> None:
                self.chunk(chunk, left)
                em.addi(chunk, chunk, cj * g.dw * g.cs * 2 if cj == 1 else 0)

            self.em.counted(g.kw // cj, kernel_col, "kernel_col")
            self.em.bump(chunk_row, ci * g.dh * g.band_row_bytes if ci == 1 else 0)

        self.em.counted(g.kh // ci, kernel_row, "kernel_row")

    def chunk(self, band_ptr: GprType, left: GprType | None) -> None:
        """Prefetch the next weight tile, wait for this one, run every pixel."""
        em, g = self.em, self.g
        size = g.tile_bytes
        if not g.resident:
            em.dma(self.ring_write, self.w_next, dma_length_word(size, 1, size), False)
            em.xori(self.ring_write, self.ring_write, self.toggle)
            self.em.bump(self.w_next, size)
            em.wait_dma_slot()
        ci, cj = g.chunk_dims
        blocks = [
            (self.tap_offset(i, j) + 16 * cb)
            for i in range(ci)
            for j in range(cj)
            for cb in range(g.slice_blocks)
        ]
        w_bases: dict[int, GprType] = {}
        for row in range(g.chunk_rows):  # weight base registers, set once
            self.far(self.ring_read, self.header_bytes + 16 * row, w_bases)
        # a short chain keeps its weight rows in registers for every pixel,
        # a longer one some of them, spread through it
        rows = self.chain_rows(len(blocks))
        held: dict[int, VregType] = {}
        keep = held_chain_rows(
            [row for r in rows for row, _element in r], self.acc48 is not None
        )
        for row, _element in (u for r in rows for u in r):
            if row in keep:
                held[row] = em.vreg()
                offset = self.header_bytes + 16 * row
                em.lqv(held[row], *self.far(self.ring_read, offset, w_bases))
        header = tuple(em.vreg() for _ in range(self.header_vectors))
        for n, reg in enumerate(header):
            em.lqv(reg, self.ring_read, 16 * n)

        unroll = partial_unroll(g) if g.partial else 1

        def chain(
            px: GprType,
            po: GprType,
            pp: GprType,
            mode: str,
            u: int,
            pending: list[Store],
            out: list[VregType] | None,
        ) -> list[Store]:
            return self.mac_chain(
                px, blocks, rows, w_bases, held, header, po, pp, mode, u, pending, out
            )

        def pixels(mode: str) -> None:
            # one pointer walks every row: after a row's trips it moves to
            # the next row's first pixel (a register less than a row pointer
            # and its copy: deep windows keep many loop counters live)
            px = self.em.copy(band_ptr)
            trips = g.tile_cols // unroll
            next_row = g.sh * g.band_row_bytes - trips * unroll * g.sw * g.cs * 2
            po = em.gpr()
            if mode in ("only", "last"):
                em.addi(po, em.zero, self.out)
            pp = em.gpr()
            if mode != "only":
                em.addi(pp, em.zero, self.partial)

            carried: list[Store] | None = None
            carry: list[VregType] | None = None
            if mode != "only":
                carried, carry = self.carry(po, pp, mode)

            def out_row() -> None:
                trip = self.pixel_trip(px, po, pp, mode, carried, carry, chain, unroll)
                self.em.counted(trips, trip, "pixel")
                self.em.bump(px, next_row)

            self.em.counted(g.tile_rows, out_row, "out_row")
            for store in carried or []:
                em.sqv(*store)

        if left is None:
            pixels("only")
        else:
            self.dispatch(left, pixels)
        if g.resident:
            self.em.bump(self.ring_read, size)
        else:
            em.xori(self.ring_read, self.ring_read, self.toggle)

    def pixel_trip(
        self,
        px: GprType,
        po: GprType,
        pp: GprType,
        mode: str,
        carried: list[Store] | None,
        carry: list[VregType] | None,
        chain: Chain,
        unroll: int = 1,
    ) -> Callable[[], None]:
        """The body of a pixel loop: `unroll` chains, each one's stores
        after the next one's loads. With `carried` (the previous trip's last
        pixel's stores, just below this trip's first pixel), the last
        pixel's sums or results stay in the `carry` registers and its
        stores go into the next trip."""
        em, g = self.em, self.g

        def trip() -> None:
            stores = list(carried) if carried is not None else []
            for u in range(unroll):
                out = carry if u == unroll - 1 else None
                stores = chain(px, po, pp, mode, u, stores, out)
            if carried is None:
                for store in stores:
                    em.sqv(*store)
            em.addi(px, px, unroll * g.sw * g.cs * 2)
            if mode in ("only", "last"):
                em.addi(po, po, unroll * 16)
            if mode != "only":
                em.addi(pp, pp, unroll * g.partial_stride)

        return trip

    def carry(
        self, po: GprType, pp: GprType, mode: str
    ) -> tuple[list[Store], list[VregType]]:
        """The software pipelining of a partial-sum chunk's pixel loops: a
        trip's last pixel leaves its saved sum (or its result) in the
        returned registers, and the next trip stores it (the returned
        stores, just below that trip's first pixel) after its first chain's
        loads, across output rows too (the buffers are contiguous); the
        stores follow the last row. The first trip stores the zeroed
        registers to the scratch slot below the output or partial-sum
        buffer."""
        em, g = self.em, self.g
        ptr, step = (po, 16) if mode == "last" else (pp, g.partial_stride)
        carry = [em.vreg() for _ in range(step // 16)]
        for reg in carry:  # live across the back edges: defined before them
            em.vop(rsp.VxorOp, reg, self.zero, self.zero)
        return [(reg, ptr, 16 * n - step) for n, reg in enumerate(carry)], carry

    def dispatch(self, left: GprType, pixels: Callable[[str], None]) -> None:
        """The chunk's pixel loop for its place in the group (`left`
        counts the group's chunks down): the first one starts each sum with
        the bias, a middle one restores and saves it, the last one restores
        it and requantises in place."""
        em, g = self.em, self.g
        total = g.slices * g.chunks
        em.addi(left, left, -1)
        first, last, done = (
            em.label("first_chunk"),
            em.label("last_chunk"),
            em.label("chunk_done"),
        )
        is_first = em.gpr()
        em.addi(is_first, left, 1 - total)
        em.emit(rsp.BeqOp(em.value(is_first), em.value(em.zero), first))
        em.emit(rsp.NopOp())
        if total > 2:
            em.emit(rsp.BeqOp(em.value(left), em.value(em.zero), last))
            em.emit(rsp.NopOp())
            pixels("middle")
            em.emit(rsp.JOp(done))
            em.emit(rsp.NopOp())
            em.place_label(last)
        pixels("last")
        em.emit(rsp.JOp(done))
        em.emit(rsp.NopOp())
        em.place_label(first)
        pixels("first")
        em.place_label(done)

    def restore(self, sink: VregType, ptr: GprType, offset: int = 0) -> None:
        """ACC = the 32-bit sum saved at `ptr + offset` (HI, MD), at
        ACC[47:16]; for `acc48` the 48-bit sum (HI, MD, LO)."""
        em, k = self.em, self.k
        if self.acc48 is not None:
            acc48_code.restore(em, sink, k, ptr, offset)
            return
        hi, md = em.vreg(), em.vreg()
        em.lqv(hi, ptr, offset)
        em.lqv(md, ptr, offset + 16)
        if self.alternating:  # the negated sum: HI * 2^32 and MD * 2^16 by -2^15
            for n in range(2):
                em.vop(rsp.VmudhOp if n == 0 else rsp.VmadhOp, sink, hi, k, 8 + 7)
            for _ in range(2):
                em.vop(rsp.VmadnOp, sink, md, k, 8 + 7)
            return
        self.restore_registers(sink, hi, md)

    def requantise(
        self,
        sink: VregType,
        header: tuple[VregType, ...],
        bias: bool = True,
        y: VregType | None = None,
    ) -> VregType:
        """Bias (unless `bias` is False: the sums already hold it), shift
        and clamp of the sums in ACC; `header` holds the tile header's
        vectors (`bias_hi, bias_lo, mult`, and for `acc48` the low 16 bits
        of the bias)."""
        em, k = self.em, self.k
        if self.acc48 is not None:
            top = None  # a one-op bias's `vmadm` leaves sclamp(ACC[47:16])
            if bias and self.op.short_bias is not None:
                self.add_bias(sink, header)
                top = sink
            elif bias:
                acc48_code.add_bias(em, sink, k, header)
            y = acc48_code.readout(em, self.acc48, sink, k, header[2], y, top)
            self.clamp(y)
            return y
        if bias:
            self.add_bias(sink, header)
        y = em.vreg() if y is None else y
        self.read_sums(sink, header[2], y)
        self.clamp(y)
        return y

    def read_sums(self, sink: VregType, mult: VregType, y: VregType) -> None:
        """`y = sat16(sum >> s)` of the int32 sums in ACC (`int32_code`)."""
        int32_code.read_sums(self.em, sink, mult, y, self.op.acc_hi is not None)

    def clamp(self, y: VregType) -> None:
        """`y = clamp(y, lo, hi)` (`vge`/`vlt` against k.e2 / k.e3)."""
        self.clamp_low(y)
        self.clamp_high(y)

    @property
    def two_sided(self) -> bool:
        """Whether the clamp has both compares (neither bound is the int16
        range's)."""
        return self.lo > -32768 and self.hi < 32767

    def clamp_steps(self) -> list[tuple[type[rsp.VgeOp | rsp.VltOp], int]]:
        """The clamp's compares, in order: `(op, element of k)` of
        `max(., lo)` and `min(., hi)`, each left out at the int16 bound."""
        steps: list[tuple[type[rsp.VgeOp | rsp.VltOp], int]] = []
        if self.lo > -32768:
            steps.append((rsp.VgeOp, 8 + 2))
        if self.hi < 32767:
            steps.append((rsp.VltOp, 8 + 3))
        return steps

    def clamp_low(self, y: VregType) -> None:
        """`y = max(y, lo)` unless `lo` is the int16 minimum."""
        if self.lo > -32768:
            self.em.vop(rsp.VgeOp, y, y, self.k, 8 + 2)

    def clamp_high(self, y: VregType) -> None:
        """`y = min(y, hi)` unless `hi` is the int16 maximum."""
        if self.hi < 32767:
            self.em.vop(rsp.VltOp, y, y, self.k, 8 + 3)

    def chain_rows(self, blocks: int) -> list[list[tuple[int, int]]]:
        """Per x vector of the chain, its (weight row, element) pairs: one
        row per input channel broadcast from lane `8 + j`, padded channels
        left out when all channels are in one slice (their weights are
        zero)."""
        g = self.g
        return [
            [
                (8 * b + j, 8 + j)
                for j in range(8)
                if not (g.slices == 1 and 8 * (b % g.slice_blocks) + j >= g.c)
            ]
            for b in range(blocks)
        ]

    def mac_chain(
        self,
        px: GprType,
        blocks: list[int],
        rows: list[list[tuple[int, int]]],
        w_bases: dict[int, GprType],
        held: dict[int, VregType],
        header: tuple[VregType, ...],
        po: GprType,
        pp: GprType,
        mode: str,
        u: int,
        pending: list[Store],
        out: list[VregType] | None = None,
    ) -> list[Store]:
        """The chain over the chunk of pixel `u` of the loop trip. `mode`:
        `only` (one chunk per group: chain, bias, requantise), `first`
        (bias, chain, save), `middle` (restore, chain, save) or `last`
        (restore, chain, requantise). The `pending` stores of the previous
        pixel follow this chain's last load (a store keeps every later
        load below it); this pixel's stores are returned, not emitted. With
        `out`, the saved sum's parts (or the result) are written to those
        registers."""
        g = self.g
        px_delta = u * g.sw * g.cs * 2
        pp_delta = u * g.partial_stride
        em = self.em
        first_mac, next_mac = acc48_code.mac_ops(self.acc48 is not None)
        sink = em.vreg()
        started = mode != "only"
        if mode == "first":
            self.start_with_bias(sink, header)
        elif mode != "only":
            self.restore(sink, pp, pp_delta)
        x_bases: dict[int, GprType] = {}
        for x_offset, uses in zip(blocks, rows, strict=True):
            x = em.vreg()
            em.lqv(x, *self.far(px, x_offset + px_delta, x_bases))
            for row, element in uses:
                w = held.get(row)
                if w is None:
                    w = em.vreg()
                    offset = self.header_bytes + 16 * row
                    em.lqv(w, *self.far(self.ring_read, offset, w_bases))
                em.vop(next_mac if started else first_mac, sink, w, x, element)
                started = True
        for store in pending:
            em.sqv(*store)
        if mode in ("only", "last"):
            y = self.requantise(
                sink, header, bias=mode == "only", y=None if out is None else out[0]
            )
            return [(y, po, 16 * u)]
        parts = (ACC_HI, ACC_MD, acc48_code.ACC_LO)
        saved: list[Store] = []
        for n, which in enumerate(parts[: g.partial_stride // 16]):
            part = em.vreg() if out is None else out[n]
            em.vsar(part, which)
            saved.append((part, pp, pp_delta + 16 * n))
        return saved

    def start_with_bias(self, sink: VregType, header: tuple[VregType, ...]) -> None:
        """ACC = the bias (the first chunk's chain adds to it; the sum
        modulo 2^32, or 2^48 for `acc48`, is the same in any order)."""
        em, k = self.em, self.k
        self.add_bias(sink, header, start=True)
        if self.acc48 is not None and self.op.short_bias is None:
            em.vop(rsp.VmadnOp, sink, header[3], k, 8 + 1)

    def add_bias(
        self, sink: VregType, header: tuple[VregType, ...], start: bool = False
    ) -> None:
        """ACC += the bias of the tile header (`start`: ACC = it; for
        `acc48` without `short_bias` its part above bit 16;
        `int32_code.add_bias`, or `acc48_code.add_short_bias`)."""
        short = self.op.short_bias is not None
        if short and self.acc48 is not None:
            acc48_code.add_short_bias(self.em, sink, header, start)
            return
        int32_code.add_bias(self.em, sink, header[0], header[1], self.k, short, start)
