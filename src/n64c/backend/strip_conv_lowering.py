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
      vmudh ACC, V, 2^J                    bias first (`short_bias`; else
                                           BIAS_HI by k.e0, BIAS_LO by k.e1)
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

import functools
from typing import TYPE_CHECKING

from n64c.backend import acc48_code, int32_code
from n64c.backend.depthwise_lowering import (
    DepthwiseLowering,
    depthwise_band_bytes,
    rows_wrap,
)
from n64c.backend.rsp_emitter import (
    ACC_HI,
    ACC_MD,
    COP0_DMA_RAMADDR,
    COP0_DMA_SPADDR,
    COP0_DMA_WRITE,
    dma_length_word,
)
from n64c.dialects import rsp
from n64c.dialects.n64_tile import DMEM_SIZE, WindowGeometry
from n64c.dialects.rsp_types import GprType, VregType
from n64c.passes.tile_constants import PARAM_BYTES

if TYPE_CHECKING:
    from n64c.backend.window_lowering import WindowLowering

HELD_ROWS = 18
"""Chains of at most this many weight rows keep them in registers; longer
chains keep this many of their rows (each held row is one `lqv` less per
pixel in a chain bound by its loads; 19 and more leave the scheduler too
few registers on ResNet-8's 3x3 layers)."""
WIDE_HELD_ROWS = 12
"""The same for `acc48` chains, whose readout needs more registers."""
SPREAD = 3
"""A long chain keeps at most one row in this many in registers."""
TRIP_ROWS = 128
"""Most weight rows per trip of the pixel loop (its code is unrolled)."""
LONG_TRIP_ROWS = 300
"""Most weight rows per trip for a layer of `LONG_TRIP_MACS` or more: fewer
trips, so fewer pipeline fills and loop branches (1 to 3.5% faster on the
MLPerf-Tiny layers), for up to about twice the trip code. Where the kernel
would then not fit IMEM (a trip and a long rest after the loop),
`lower-to-rsp` lowers it with short trips (`short_trips`)."""
LONG_TRIP_MACS = 450_000
"""MACs from which a strip layer takes long trips: about 75,000 cycles at 6
MACs a cycle, so that the saving (750 cycles or more) outweighs the ucode
load (about 640 cycles of SP DMA for 4 KB of code) a larger kernel may add
by needing an RSP run of its own."""
UNROLL = 6
"""Most output pixels per trip of the pixel loop."""
MAX_SLOTS = 7
"""Most input rows in the rolling band: each slot pointer holds a GPR
through the whole loop nest (there is no spilling)."""


def strip_chain_rows(g: WindowGeometry) -> int:
    """Weight rows in one pixel's chain (padded input channels left out)."""
    return g.kh * g.kw * g.c


def held_chain_rows(rows: list[int], wide: bool = False) -> frozenset[int]:
    """The weight rows of a chain (in chain order) kept in registers: all
    of at most `HELD_ROWS` (`WIDE_HELD_ROWS` for `acc48`), else one in
    `SPREAD` (at most that many), spread evenly, so that their `vmadh`s,
    which need no load, leave the scalar unit room for the others' loads.
    The banded kernel's chunks use it too."""
    most = WIDE_HELD_ROWS if wide else HELD_ROWS
    if len(rows) <= most:
        return frozenset(rows)
    count = min(most, len(rows) // SPREAD)
    return frozenset(rows[(2 * i + 1) * len(rows) // (2 * count)] for i in range(count))


def strip_held_rows(g: WindowGeometry) -> frozenset[int]:
    """The weight rows a strip keeps in registers (`held_chain_rows`)."""
    return held_chain_rows(list(range(strip_chain_rows(g))), g.wide)


def strip_relocated(g: WindowGeometry) -> bool:
    """Whether a strip's held weight rows stay out of its DMEM tile, for a
    geometry that does not fit DMEM otherwise: the blob's tile holds them
    after the other rows, the DMEM tile only the header and the other rows,
    and each strip loads the held rows into the band's free slots (those of
    the first output row's next inputs, not yet loaded), reads them into
    registers and zeroes the slots again. Not with the rows-wrap walk (its
    slots are never free)."""
    if not g.strips or rows_wrap(g):
        return False
    if 16 * len(strip_held_rows(g)) > g.sh * g.wp * g.cs * 2:
        return False
    return _working_set(g, g.tile_bytes) > DMEM_SIZE - PARAM_BYTES


def strip_tile_dmem_bytes(g: WindowGeometry) -> int:
    """DMEM bytes of one group's tile (`g.tile_bytes` in the blob)."""
    if strip_relocated(g):
        return g.tile_bytes - 16 * len(strip_held_rows(g))
    return g.tile_bytes


def _working_set(g: WindowGeometry, tile_bytes: int) -> int:
    """DMEM bytes of a strip conv with group tiles of `tile_bytes`."""
    return (
        depthwise_band_bytes(g) + strip_out_bytes(g)
        + tile_bytes * g.tile_slots + g.table_bytes
    )  # fmt: skip


def strip_dmem_bytes(g: WindowGeometry) -> int:
    """Working set of a conv in strips (without the constants)."""
    return _working_set(g, strip_tile_dmem_bytes(g))


def strip_blob_rows(g: WindowGeometry) -> list[int]:
    """The chain rows in the order of the blob's tile: the rows that are
    not held, then (when `strip_relocated`) the held ones."""
    rows = list(range(strip_chain_rows(g)))
    if not strip_relocated(g):
        return rows
    held = strip_held_rows(g)
    return [r for r in rows if r not in held] + sorted(held)


def strip_macs(g: WindowGeometry) -> int:
    """MACs of a strip kernel (padded output channels counted)."""
    return g.n * g.oh * g.ow * g.op * strip_chain_rows(g)


def strip_unroll(g: WindowGeometry, long_trips: bool = True) -> int:
    """Output pixels per trip of the pixel loop: as many as fit `TRIP_ROWS`
    weight rows (`LONG_TRIP_ROWS` for a layer of `LONG_TRIP_MACS` or more,
    unless `long_trips` is off; at most `UNROLL` and `tile_cols`, and half
    of it when a row queues two transfers); a divisor of `tile_cols` when
    one is as large, else the rest runs after the loop."""
    rows = max(1, strip_chain_rows(g))
    long = long_trips and strip_macs(g) >= LONG_TRIP_MACS
    budget = LONG_TRIP_ROWS if long else TRIP_ROWS
    most = max(1, min(UNROLL, g.tile_cols, budget // rows))
    if g.sums_in or g.sh > 1:  # two trips at least: the next row's second
        # transfer (sums, or input row) queues after one
        most = max(1, min(most, g.tile_cols // 2))
    divisor = max(d for d in range(1, most + 1) if g.tile_cols % d == 0)
    return divisor if 2 * divisor > most else most


SUMS_BYTES = 32
"""Bytes of one pixel's int32 sums of a group (ACC_HI, then ACC_MD) in the
sums tensor between the kernels of a split conv."""


def strip_pixel_bytes(g: WindowGeometry) -> int:
    """Bytes a pixel and group of 8 channels take in the kernel's output:
    16 of results, or 32 of sums (ACC_HI, ACC_MD)."""
    return SUMS_BYTES if g.sums_out else 16


def strip_out_rows(g: WindowGeometry) -> tuple[int, int]:
    """(rows, bytes) of one strip row's output transfer: one run when the
    layer has one group of output channels, else a row a pixel."""
    size = strip_pixel_bytes(g)
    if g.op == 8:
        return 1, g.tile_cols * size
    return g.tile_cols, size


PIPELINED_CHAIN_ROWS = 64
"""Chains of at most this many rows per compare of the clamp pipeline it
(`pipelined_clamp`): each compare keeps a vector register live, which a
longer chain's streamed weight rows need more than the readout its wait."""
CLAMP_LAG = 3
"""Pixels between a result's readout and its store, at most (`row`): the
readout, then one pixel per compare of the clamp (one more for an `acc48`
conv, whose readout ends a pixel after its chain: `split_readout`)."""


def strip_scratch_bytes(g: WindowGeometry) -> int:
    """The scratch slot before each output buffer, where a row's first
    pixels store the stale registers of the pipelined loop: one pixel of
    sums, or `CLAMP_LAG` pixels of results (one more for `acc48`)."""
    return SUMS_BYTES if g.sums_out else 16 * (CLAMP_LAG + (1 if g.wide else 0))


def strip_out_bytes(g: WindowGeometry) -> int:
    """Two output buffers of one strip row of one group (16 bytes a pixel,
    32 for a split conv: its sums), each after a scratch slot."""
    size = SUMS_BYTES if g.split else 16
    return 2 * (g.tile_cols * size + strip_scratch_bytes(g))


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
        self.relocated = strip_relocated(g)
        self.tile_dmem = strip_tile_dmem_bytes(g)
        self.place = {row: n for n, row in enumerate(strip_blob_rows(g))}
        """Each chain row's place in the tile (DMEM, or after it in the blob
        for relocated held rows)."""

    pass_label = "group"
    defers = True
    later_in_pixel_loop = True
    holds_out_length = False

    def out_rows(self) -> tuple[int, int]:
        return strip_out_rows(self.g)

    @property
    def y_pixel(self) -> int:
        """The sums tensor of a split conv holds 32 bytes a pixel and group."""
        return strip_pixel_bytes(self.g) * self.g.groups

    @property
    def buffer_size(self) -> int:
        """Bytes of one output buffer: a split conv's buffers hold sums."""
        return self.g.tile_cols * SUMS_BYTES if self.g.split else self.out_size

    @property
    def sums_length(self) -> int:
        """The length word of one strip row's sums (read or written)."""
        g = self.g
        if g.op == 8:
            size = g.tile_cols * SUMS_BYTES
            return dma_length_word(size, 1, size)
        return dma_length_word(SUMS_BYTES, g.tile_cols, SUMS_BYTES * g.groups)

    def sums_address(self, y: GprType, rows_ahead: int) -> GprType:
        """RDRAM address of the sums of the output row `rows_ahead` rows
        below `y`'s: at the same offsets as `y` in the sums tensor (a
        middle kernel writes one too), at twice its offsets for the last
        kernel (16 bytes a pixel and group of results, 32 of sums)."""
        em, wl, g = self.em, self.wl, self.g
        s = em.gpr()
        row = g.ow * SUMS_BYTES * g.groups
        if g.sums_out:
            em.add_const(s, y, wl.s_off - wl.y_off + rows_ahead * row)
            return s
        em.emit(rsp.AddOp(em.value(y), em.value(y), rd=s))
        em.emit(rsp.SubOp(em.value(s), em.value(wl.base), rd=s))
        em.add_const(s, s, wl.s_off - 2 * wl.y_off + rows_ahead * row)
        return s

    def first_sums(self, y: GprType) -> None:
        """A middle or last kernel's first row of sums, into the first
        output buffer (each pixel's result replaces its sums in place)."""
        if not self.g.sums_in:
            return
        em = self.em
        dst = em.gpr()
        em.addi(dst, em.zero, self.out_buffers[0])
        em.dma(dst, self.sums_address(y, 0), self.sums_length, False)

    def next_sums(self, y: GprType, out: GprType) -> None:
        """The next row's sums into the other output buffer: queued behind
        the transfer of that buffer's previous results (DMA runs in order).
        The pixel loop queues it after its first trip, when that transfer
        is likely done (the row also queues its next input rows at its
        start, and the queue holds two)."""
        em = self.em
        first, second = self.out_buffers
        # one address at a time around the poll: at most two temporaries
        # live (the pixel loop queues this, where few registers are free)
        src = self.sums_address(y, 1)
        em.wait_dma_slot()
        dst = em.gpr()
        em.xori(dst, out, first ^ second)
        em.dma(dst, src, self.sums_length, False, poll=False)

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
        return strip_pixel_bytes(self.g)

    @property
    def out_buffers(self) -> tuple[int, int]:
        """Each output buffer follows its scratch slot."""
        scratch = strip_scratch_bytes(self.g)
        first = self.wl.out + scratch
        return first, first + self.buffer_size + scratch

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
        """The length word of one group's tile transfer (its DMEM part)."""
        return dma_length_word(self.tile_dmem, 1, self.tile_dmem)

    def row_offset(self, row: int) -> int:
        """Byte offset of a chain row (not relocated) in the DMEM tile."""
        return self.wl.header_bytes + 16 * self.place[row]

    def pass_weights(self, w_src: GprType, size: int) -> None:
        if self.g.tile_slots == 1:
            super().pass_weights(w_src, self.tile_dmem)
        # else the previous group (or `layer_setup`) has queued it

    def strip_setup(self) -> None:
        """The group's tile header, its held weight rows, the base
        registers of its far rows and the output length word, for every
        row of the strip; with two tile buffers, the next group's tile
        (the copy of the first after the last) is queued into the other
        one (the queue is idle: the strip waited for its first rows)."""
        wl, em, g = self.wl, self.em, self.g
        self.out_length_reg = em.gpr()
        em.li(self.out_length_reg, self.out_length)
        held_bytes = 16 * len(self.held_set)
        if self.relocated:  # the held rows, after the tile in the blob
            dst, src = self.held_slot(), em.gpr()
            em.add_const(src, self.w_src, self.tile_dmem - g.tile_bytes)
            length = dma_length_word(held_bytes, 1, held_bytes)
            em.dma(dst, src, length, False, poll=False)
        if g.tile_slots == 1:
            self.w_tile = em.gpr()
            em.addi(self.w_tile, em.zero, wl.ring)
        else:
            self.w_tile = em.copy(self.tile_buffer)
            toggle = wl.ring ^ (wl.ring + self.tile_dmem)
            em.xori(self.tile_buffer, self.tile_buffer, toggle)
            em.dma(self.tile_buffer, self.w_src, self.tile_length, False, poll=False)
        self.header = tuple(em.vreg() for _ in range(wl.header_vectors))
        for n, reg in enumerate(self.header):
            em.lqv(reg, self.w_tile, 16 * n)
        self.w_bases: dict[int, GprType] = {}
        self.held_regs: dict[int, VregType] = {}
        if self.relocated:
            # the held rows are in (with a prefetched tile queued behind
            # them, when the queue has room again)
            if g.tile_slots == 1:
                em.wait_dma_idle()
            else:
                em.wait_dma_slot()
            base = self.held_slot()
            first = len(self.place) - len(self.held_set)
            for row in sorted(self.held_set):
                self.held_regs[row] = em.vreg()
                em.lqv(self.held_regs[row], base, 16 * (self.place[row] - first))
            for n in range(len(self.held_set)):  # the slots' padding again
                em.sqv(wl.zero, base, 16 * n)
        for uses in self.rows:
            for row, _element in uses:
                if self.relocated and row in self.held_set:
                    continue
                address = wl.far(self.w_tile, self.row_offset(row), self.w_bases)
                if row in self.held_set:
                    self.held_regs[row] = em.vreg()
                    em.lqv(self.held_regs[row], *address)

    def held_slot(self) -> GprType:
        """A register with the address of the free slot the relocated held
        rows pass through (its padding is zeroed again after)."""
        assert self.free_slot is not None
        return self.em.copy(self.free_slot)

    rotates_early = False
    # a row ends in stores the moves cannot pair with; after the output
    # row's transfer one of them fills the wait's delay slot

    def row(self, slots: list[GprType], out: GprType) -> dict[GprType, int]:
        """One output row of the strip for the current group; the offsets
        the slot pointers have moved by (put back by the ring's rotation).
        The pixel
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
        # a last split kernel reads each pixel's sums (32 bytes) through `ps`
        # and writes its results (16 bytes) through `po`, over them
        ps = wl.em.copy(out) if g.sums_in and not g.sums_out else po
        step = strip_pixel_bytes(g)
        # the previous pixel's result, or its sums: defined before the loop
        # (live across its back edge), stored inside the next pixel's chain.
        # With a four-op readout each compare of the clamp fills the wait
        # for the `vsar` results: pixel u's readout holds pixel u-1's first
        # compare (into its own register) and pixel u-2's second, and the
        # clamped result is stored a pixel later (`y_regs`: the result, then
        # one register per compare; each pixel moves values one register on)
        y_regs: tuple[VregType, ...] = ()
        sums_prev = None
        if g.sums_out:
            sums_prev = (em.vreg(), em.vreg())
            for reg in sums_prev:
                em.vop(rsp.VxorOp, reg, wl.zero, wl.zero)
        else:
            steps = self.pipelined_clamp()
            y_regs = tuple(em.vreg() for _ in range(1 + len(steps)))
            for reg in y_regs:
                em.vop(rsp.VxorOp, reg, wl.zero, wl.zero)
        # the first input vector of the next pixel, loaded during the
        # previous one (loop-carried like `y_regs`)
        x_first = em.vreg()
        em.lqv(x_first, rows[0], 0)
        unroll = strip_unroll(g, wl.op.short_trips is None)
        halves: tuple[VregType, VregType] | None = None
        if self.split_readout(unroll):
            halves = (em.vreg(), em.vreg())
            for reg in halves:
                em.vop(rsp.VxorOp, reg, wl.zero, wl.zero)
        last_halves = halves

        def pixels(count: int, carry: bool = True) -> None:
            nonlocal last_halves
            last_halves = self.pixels_dense(
                count, rows, po, ps, y_regs, sums_prev, x_first, w_tile, w_bases,
                held, header, halves, carry,
            )  # fmt: skip
            for reg in rows:
                em.add_const(reg, reg, count * g.band_sw * g.cs * 2)
            em.add_const(po, po, count * step)
            if ps is not po:
                em.add_const(ps, ps, count * SUMS_BYTES)

        trips = g.tile_cols // unroll

        def queue_later() -> None:
            """The row's transfers beyond its first input row: the next
            input rows, the next row's sums."""
            for load in self.later:
                load()
            if g.sums_in:
                self.next_sums(self.y, out)

        if (self.later or g.sums_in) and trips > 1:
            wl.em.counted(trips, lambda: pixels(unroll), "pixel", queue_later)
        else:
            queue_later()
            wl.em.counted(trips, lambda: pixels(unroll), "pixel")
        if g.tile_cols % unroll:
            pixels(g.tile_cols % unroll, carry=False)
        steps = self.pipelined_clamp() if y_regs else []
        if last_halves is not None:  # the last pixel's readout
            results = list(y_regs)  # (split: never empty)
            em.sqv(results[-1], po, -16 * (len(results) + 1))
            self.move_compares(y_regs, steps)
            acc48_code.scale_low(
                em, last_halves[1], last_halves[0], header[2], results[0]
            )
        # the row's last results: each register's value gets the compares
        # it still lacks (the oldest none) and goes to its pixel
        for k in range(len(y_regs) - 1, -1, -1):
            if steps:
                for op, element in steps[k:]:
                    em.vop(op, y_regs[k], y_regs[k], wl.k, element)
            else:
                wl.clamp(y_regs[k])
            em.sqv(y_regs[k], po, -16 * (k + 1))
        if sums_prev is not None:
            em.sqv(sums_prev[0], po, -SUMS_BYTES)
            em.sqv(sums_prev[1], po, 16 - SUMS_BYTES)
        return {reg: -g.tile_cols * g.band_sw * g.cs * 2 for reg in rows}

    def split_readout(self, unroll: int) -> bool:
        """Whether a pixel's readout ends after the next pixel's chain
        (`pixels_dense`): an `acc48` conv (not split over kernels) whose
        pixel loop runs two pixels a trip or more (the last pixel's halves
        are carried into the next trip in the same registers)."""
        return self.wl.acc48 is not None and not self.g.sums_out and unroll >= 2

    def pipelined_clamp(self) -> list[tuple[type[rsp.VgeOp | rsp.VltOp], int]]:
        """The compares that fill the `vsar` waits of the four-op readout
        (int32 sums, shifts not all 16), or none (the clamp then goes inside
        the next pixel's chain). An `acc48` conv's compares are always
        pipelined (its readout's `vsar` of ACC_LO waits as well, and a
        compare inside its chain would write ACC_LO, part of the sum)."""
        wl = self.wl
        if wl.acc48 is not None:
            return wl.clamp_steps()
        if wl.op.acc_hi is not None:
            return []
        steps = wl.clamp_steps()
        rows = sum(len(r) for r in self.rows)
        if not steps or rows > PIPELINED_CHAIN_ROWS // len(steps):
            return []
        return steps

    def pixels_dense(
        self,
        count: int,
        rows: list[GprType],
        po: GprType,
        ps: GprType,
        y_regs: tuple[VregType, ...],
        sums_prev: tuple[VregType, VregType] | None,
        x_first: VregType,
        w_tile: GprType,
        w_bases: dict[int, GprType],
        held: dict[int, VregType],
        header: tuple[VregType, ...],
        halves: tuple[VregType, VregType] | None = None,
        carry: bool = True,
    ) -> tuple[VregType, VregType] | None:
        """`count` consecutive output pixels of the group. Each chain holds
        the previous pixel's clamp, its two compares four MACs apart (a
        compare writes only ACC_LO, which the chain's `vmadh`s, all
        multiples of 2^16, never carry out of, and the readout's `vmudn`
        overwrites); its store follows the chain's last load (a store keeps
        every later load below it). The readout leaves the result in
        `y_regs[0]` (with a pipelined clamp, `pipelined_clamp`, each of its
        compares fills the wait for the next readout's `vsar` results, and
        the result is stored one pixel after its last compare).

        A split conv's middle and last kernels start each chain from the
        pixel's sums (at `ps`, restored at ACC bit 16) instead of the bias;
        its first and middle kernels end it by reading the sum's ACC_HI and
        ACC_MD into `sums_prev` instead of requantising (no `y_regs`), stored
        at `po` inside the next pixel's chain, as a result would be.

        With `halves` (`split_readout`: an `acc48` conv) a pixel's readout
        ends after the next pixel's chain: its `T` (the chain's last
        `vmadm`) and ACC_LO wait in registers, the previous pixel's
        (`halves` for the first) are multiplied out after this one's `vsar`,
        so the `vmudn` never waits for it. With `carry` the last pixel's go
        into `halves` for the next call; the last pair is returned."""
        wl, em, g = self.wl, self.em, self.g
        x_bases: dict[int, dict[int, GprType]] = {i: {} for i in range(g.kh)}
        mult = header[2]
        macs = sum(len(r) for r in self.rows)
        # the two halves of the clamp apart, so the second need not wait
        # for the first's result
        low_at, high_at = min(2, macs), min(6, macs)
        steps = self.pipelined_clamp()
        y_prev = y_regs[0] if y_regs else None
        inside = None if steps else y_prev  # the clamp inside the next chain
        # an acc48 chain (one-op bias, shifts in [2, 16]): `vmadm`s, whose
        # last result is the readout's `T`
        mac = rsp.VmadmOp if wl.acc48 is not None else rsp.VmadhOp
        before = halves
        for u in range(count):
            carried = halves is not None and carry and u == count - 1
            sink = halves[0] if carried and halves is not None else em.vreg()
            if g.sums_in:
                wl.restore(sink, ps, SUMS_BYTES * u)
            else:
                wl.add_bias(sink, header, start=True)
            done = 0

            def previous(done: int) -> None:
                if inside is None:
                    return
                if done == low_at:
                    wl.clamp_low(inside)
                if done == high_at:
                    wl.clamp_high(inside)

            previous(done)
            for (i, j, cb), uses in zip(self.blocks, self.rows, strict=True):
                if not uses:
                    continue
                offset = (u * g.band_sw + j * g.dw) * g.cs * 2 + 16 * cb
                if (i, j, cb, u) == (0, 0, 0, 0):
                    x = x_first  # loaded by the previous pixel
                else:
                    x = em.vreg()
                    em.lqv(x, *wl.far(rows[i], offset, x_bases[i]))
                for row, element in uses:
                    w = held.get(row)
                    if w is None:
                        w = em.vreg()
                        offset = self.row_offset(row)
                        em.lqv(w, *wl.far(w_tile, offset, w_bases))
                    em.vop(mac, sink, w, x, element)
                    done += 1
                    previous(done)
            if u + 1 == count:  # the first vector of the next call's pixel
                offset = count * g.band_sw * g.cs * 2
                em.lqv(x_first, *wl.far(rows[0], offset, x_bases[0]))
            if sums_prev is not None:  # the sums, for the next kernel
                hi_prev, md_prev = sums_prev
                em.sqv(hi_prev, po, SUMS_BYTES * (u - 1))
                em.sqv(md_prev, po, SUMS_BYTES * (u - 1) + 16)
                em.vsar(md_prev, ACC_MD)
                em.vsar(hi_prev, ACC_HI)
                continue
            assert y_prev is not None
            # after every load of the chain (a store keeps later loads below
            # it), into its pixel's slot (the previous pixel's, or with a
            # pipelined clamp one more per compare): on a row's first trips
            # the scratch slots before the buffer
            lag = len(y_regs) + (1 if before is not None else 0)
            em.sqv(y_regs[-1], po, 16 * (u - lag))
            if before is not None and halves is not None:
                lo = halves[1] if carried else em.vreg()
                em.vsar(lo, acc48_code.ACC_LO)
                self.move_compares(y_regs, steps)
                acc48_code.scale_low(em, before[1], before[0], mult, y_prev)
                before = (sink, lo)
                continue
            if wl.acc48 is not None and not steps:  # no clamp
                acc48_code.readout(em, "low", sink, wl.k, mult, y_prev, sink)
                continue
            if not steps:
                wl.read_sums(sink, mult, y_prev)
                continue

            compares = functools.partial(self.move_compares, y_regs, steps)
            if wl.acc48 is not None:
                acc48_code.readout(em, "low", sink, wl.k, mult, y_prev, sink, compares)
            else:
                int32_code.read_sums(em, sink, mult, y_prev, False, compares)
        return before

    def move_compares(
        self,
        y_regs: tuple[VregType, ...],
        steps: list[tuple[type[rsp.VgeOp | rsp.VltOp], int]],
    ) -> None:
        """The pipelined clamp's compares: each moves its value one register
        on, the last first (every register is read before it is written)."""
        for k in range(len(steps), 0, -1):
            op, element = steps[k - 1]
            self.em.vop(op, y_regs[k], y_regs[k - 1], self.wl.k, element)
