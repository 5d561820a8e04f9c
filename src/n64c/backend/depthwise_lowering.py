"""RSP code of a depthwise convolution (`n64.tile_window` "conv" with
`depthwise`), used by `WindowLowering`.

Channels are on lanes: a vector of 8 channels of one pixel is multiplied
lane by lane by the same 8 channels' weights of one tap. The layer runs in
*strips*: one slice of `cs = 8 * slice_blocks` channels and one column tile
of `tile_cols` output pixels, walked down the image one output row at a
time.

* **Rolling band.** The band is a ring of `slots = (kh - 1) * dh + 1 + sh`
  input rows (`wp` pixels of `cs` channels each). An output row reads the
  `(kh - 1) * dh + 1` rows of its window; while it is computed, the `sh`
  rows the next output row needs are loaded into the other slots, so every
  input row is read once per strip and its DMA overlaps the compute. The
  slot pointers live in registers and rotate by `sh` after each row; the
  pixels read the window's rows through them (moved on per group, put
  back after the row), so a deep ring takes no further registers.
  Rows outside the image come from the pad row (zeros) in the weights blob;
  the padding columns of the slots are zeroed once (per strip with column
  tiles) and never written by a DMA. Where strips chain
  (`WindowGeometry.chains`), a strip's last row reads the next strip's
  first image rows into the slots it frees, and the slot pointers carry on
  from strip to strip.
* **Weights.** The slice's weight tiles (one per 8 channels: the Gemm tile
  header, then one row of 8 weights per tap) are loaded once per slice.
  For each output row and group of 8 channels, the header and (up to
  `HELD_TAPS` taps) the tap rows are loaded into registers, so a tap costs
  one `lqv` of input paired with one `vmadh`; a window of more than
  `LOADED_TAPS` taps loads each input right before its MAC (few vector
  registers live) and unrolls fewer pixels (`pixel_unroll`: its code must
  fit IMEM). When a group's last pixels are
  straight-line code (`prefetches`: one trip, a rest after the loop, or
  two trips whose results are carried, the first written before the loop,
  `last_trip_straight`), the registers are loop-carried: the
  strip loads the first group's, and each group's last chain loads the
  next group's, each right after its last read (the row's last group
  loads the copy of the first tile that ends the slice's weights,
  `wraps_weights`, for the next row); with the row in one call
  of 3 pixels or more, the group's last results are finished during the
  next group's first chains (`carried_results`), and a row of several
  loop trips carries each trip's last results into the next
  (`trip_carry`), and a group's last ones into the next group's first
  trip when its last call has none or 3 pixels or more.
* **Pixels.** Up to `UNROLL` pixels per loop trip (`pixel_unroll`). An
  int32 chain starts with the bias (`vmudh v, 2^j` with `short_bias`, else
  `vmudh bias_hi, 16384`, `vmadh bias_lo, 1`), so a group's first pixel
  need not wait for its loads; the next pixel's input loads (only the
  vectors its window does not share with the pixel before: 3 of 9 for a
  3x3 of stride 1) are written right after a pixel's chain (so they pair
  with its `vmadh`s), and the `vge` of pixel `p`'s clamp is
  placed between the `vsar`s and the shift of pixel `p + 1`, where it
  fills the stall of the `vsar` results (a compare writes only ACC_LO,
  which the `vmadh`s, multiples of 2^16, never carry out of and the
  shift's `vmudn` overwrites). A one-sided clamp is then done and stored
  after the shift. A two-sided clamp's `vlt` would stall on the `vge`
  result, so it goes into pixel `p + 2`'s chain after its first MAC and
  pixel `p` is stored after that chain and pixel `p + 3`'s loads (a store
  keeps every later load below it); a call's last two pixels are finished
  after its last readout. Without held weights (all of the next pixel's
  inputs live through the chain) the `vlt` follows pixel `p + 1`'s shift
  and the store the first three of pixel `p + 2`'s loads.
* **Output.** Two output buffers of one strip row (`tile_cols` pixels of
  `cs` channels) alternate, so each row's DMA to RDRAM overlaps the next
  row's compute; a row of all channels is one contiguous transfer.

An `acc48` layer (48-bit sums) with shifts in [2, 16] and a one-op bias
(`fast_acc48`) runs the same pipelined pixels: its chain is `vmudm` of the
bias and the taps' `vmadm`s, whose last result is the readout's `T`, so the
readout is `vsar` ACC_LO, `vmudn`, `vmadh` (`acc48_code.readout`), one op
fewer than the int32 one. With held weights it is split: the `vsar` right
after the chain, the multiplies after the next pixel's `vsar`, with the
clamp's compares (the `vge` of the last, then the `vlt` of the result
before it) between; a compare inside a chain would write ACC_LO, part
of the 48-bit sum. Other `acc48` layers use the `acc48_code` chain and
readout with the clamp right after each pixel.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from n64c.backend import acc48_code, int32_code
from n64c.backend.rsp_emitter import (
    COP0_DMA_RAMADDR,
    COP0_DMA_READ,
    COP0_DMA_SPADDR,
    RspEmitter,
    dma_length_word,
)
from n64c.dialects import rsp
from n64c.dialects.n64_tile import DEEP_RING_SLOTS, WindowGeometry
from n64c.dialects.rsp_types import GprType, VregType

if TYPE_CHECKING:
    from n64c.backend.window_lowering import WindowLowering

HELD_TAPS = 12
"""Kernels of at most this many taps keep their weights in registers."""
LOADED_TAPS = 16
"""Kernels of at most this many taps load a pixel's inputs before its
chain (reusing the previous pixel's); larger ones load each input right
before its MAC, so that few vector registers are live."""
UNROLL = 6
"""Most output pixels per trip of the pixel loop."""
ZERO_ROW_BYTES = 512
"""A strip's first rows above the image of at most this many bytes are
zeroed by vector stores (while the other first rows' transfers run), not
read from the pad row in RDRAM."""


def dma_bytes(length: int) -> int:
    """DMEM bytes a transfer of length word `length` writes (its rows one
    after another, each a multiple of 8 bytes)."""
    row = -(-((length & 0xFFF) + 1) // 8) * 8
    return row * (((length >> 12) & 0xFF) + 1)


_Result = tuple[VregType, tuple[GprType, int]]
"""A pixel's result register and its store address."""
_Carry = tuple[VregType | None, VregType]
"""Registers of results carried into the next call: the one before the
last (with a two-sided clamp) and the last."""


def pixel_unroll(cols: int, taps: int) -> int:
    """Pixels per trip of the pixel loop for `cols` pixels of a `taps`-tap
    window: the largest divisor of `cols` up to the most pixels a trip
    holds (`UNROLL`; fewer for a window too large to hold its weights,
    whose code is twice as long a tap and must fit IMEM), with no remainder
    code, or that most and a remainder when the divisor is 1 or 2."""
    most = UNROLL if taps <= HELD_TAPS else max(1, UNROLL * HELD_TAPS // taps)
    unroll = max(d for d in range(1, min(most, cols) + 1) if cols % d == 0)
    return unroll if unroll > 2 or cols <= 2 else min(most, cols)


def padded_column_tiles(g: WindowGeometry) -> bool:
    """Whether the layer has column tiles and some tile's band has padding
    columns: each strip then refills its band with padding (a band of image
    columns only is filled once)."""
    starts = [ct * g.tile_cols * g.sw - g.pl for ct in range(g.col_tiles)]
    return g.col_tiles > 1 and any(c0 < 0 or c0 + g.wp > g.w for c0 in starts)


def pad_band_columns(g: WindowGeometry) -> list[int]:
    """The band columns that are padding in some column tile (outside the
    image): a strip zeroes only these again; the others are image columns
    of every tile, which each row's transfer overwrites."""
    columns: set[int] = set()
    for ct in range(g.col_tiles):
        c0 = ct * g.tile_cols * g.sw - g.pl
        columns.update(c for c in range(g.wp) if not 0 <= c0 + c < g.w)
    return sorted(columns)


def band_row_length(g: WindowGeometry, pixels: int) -> int:
    """The DMA length word of `pixels` pixels of a band row: one pixel every
    `sw` (`gathers`), one contiguous run (the band holds every channel), or
    the slice's channels of each pixel."""
    if g.gathers:
        return dma_length_word(g.cs * 2, pixels, g.sw * g.cp * 2)
    if g.cs == g.cp:
        return dma_length_word(pixels * g.cp * 2, 1, pixels * g.cp * 2)
    return dma_length_word(g.cs * 2, pixels, g.cp * 2)


def rows_wrap(g: WindowGeometry) -> bool:
    """Whether the passes of a strip walk (groups of a conv in strips) all
    read the same rows, one new row per output row (every `sh`-th of a 1x1
    window) and none outside the image: the last row of a pass then loads
    the next pass's first row (the image's first) instead of a pad row, and
    the slots keep their rotation from pass to pass."""
    return (
        g.strips and g.groups > 1
        and (g.kh, g.pt, g.n, g.col_tiles) == (1, 0, 1, 1)
        and g.oh * g.sh == g.h
    )  # fmt: skip


def rotate(
    em: RspEmitter, regs: list[GprType], by: int, deltas: dict[GprType, int]
) -> None:
    """`regs[i] = regs[(i + by) % n] + deltas[that register]` (0 where it
    has none) for every `i`, by register moves: one cycle of the
    permutation at a time through one spare register (a deep ring's slots
    leave few free)."""
    n = len(regs)
    for start in range(math.gcd(n, by)):
        spare = em.gpr()
        em.addi(spare, regs[start], deltas.get(regs[start], 0))
        i = start
        while (i + by) % n != start:
            source = regs[(i + by) % n]
            em.addi(regs[i], source, deltas.get(source, 0))
            i = (i + by) % n
        em.addi(regs[i], spare, 0)


def depthwise_band_bytes(g: WindowGeometry) -> int:
    return g.ring_slots * g.wp * g.cs * 2


def depthwise_out_bytes(g: WindowGeometry) -> int:
    """Two output buffers of one strip row."""
    return 2 * g.tile_cols * g.cs * 2


WRAP_ROWS = 4
"""Output rows from which a depthwise strip's rows share their first group's
weight loads (`wraps_weights`): each row saves a dozen loads, the copy of
the tile costs its transfer once per slice."""


def carries_weights(g: WindowGeometry) -> bool:
    """Whether a depthwise row's groups can carry their header and held
    weights in registers (`DepthwiseLowering.prefetches`): held weights, a
    group's last pixels in straight-line code, more than one group."""
    taps = g.kh * g.kw
    unroll = pixel_unroll(g.tile_cols, taps)
    held = bool(g.depthwise) and taps <= HELD_TAPS
    return held and last_trip_straight(g.tile_cols, unroll) and g.slice_blocks > 1


def last_trip_straight(cols: int, unroll: int) -> bool:
    """Whether a row of `cols` pixels, `unroll` a trip, ends in straight-line
    code: one trip, a rest after the loop, or two trips of 3 pixels or more
    (the trips then carry their results, `DepthwiseLowering.trip_carry`:
    the first is written before the loop, whose one trip is no loop)."""
    trips, rest = divmod(cols, unroll)
    return trips == 1 or rest > 0 or (trips == 2 and unroll >= 3)


def wraps_weights(g: WindowGeometry) -> bool:
    """Whether a depthwise slice's weights end with a copy of its first
    tile, so that a row's last group loads the next row's first group's
    (`carries_weights`, images of at least `WRAP_ROWS` output rows)."""
    return carries_weights(g) and g.oh >= WRAP_ROWS


def depthwise_weight_bytes(g: WindowGeometry) -> int:
    """The weight tiles of one channel slice (and the copy of its first,
    `wraps_weights`)."""
    return (g.slice_blocks + (1 if wraps_weights(g) else 0)) * g.tile_bytes


def defers_rows(g: WindowGeometry) -> bool:
    """Whether a depthwise row queues its second new input row (and later
    ones) after its first group rather than right after the first: polling
    for a queue slot then finds the previous row's results out, where at
    the row's start it waits for them and the group cannot start. Strided
    windows (two new rows a row) of two groups or more, with a ring of few
    slots, whose band holds every channel: a channel slice's rows are 2-D
    transfers of a short row a pixel, which bound its rows anyway (the
    test after the first group would only cost cycles)."""
    return (
        g.sh > 1 and g.kh > 1 and g.slice_blocks > 1 and g.slices == 1
        and g.ring_slots <= DEEP_RING_SLOTS
    )  # fmt: skip


def depthwise_dmem_bytes(g: WindowGeometry) -> int:
    """Working set of a depthwise conv (without the constants)."""
    return (
        depthwise_band_bytes(g)
        + depthwise_out_bytes(g)
        + depthwise_weight_bytes(g)
        + g.table_bytes
    )


class DepthwiseLowering:
    """Writes a depthwise `n64.tile_window` with the helpers of `wl`."""

    w_src: GprType
    """RDRAM address of the weights of the pass after the current one."""
    y: GprType
    """RDRAM address of the current output row of the strip."""
    later: list[Callable[[], None]]
    """Transfers of the next row's inputs beyond the first, for `row` to
    queue when the queue has room (`defers`)."""
    defers = False
    """Whether `row` queues `later` itself (after its first group here,
    after the pixel loop's first trip in `StripConvLowering`: by then the
    previous row's results are out, and the queue holds two transfers);
    else they are queued with the first, each after a poll. Set for a
    depthwise strip that reads two rows or more a row, of one channel
    slice of two groups or more (`defers_rows`)."""
    later_in_pixel_loop = False
    """Whether `row` queues `later` inside its pixel loop, where few
    registers are free: the strip then holds no row words in registers."""
    holds_out_length = True
    """Whether `out_dma` takes its length word from `out_words`, set once a
    strip (`StripConvLowering` has transfers of its own)."""
    out_words: GprType | None = None

    def __init__(self, wl: WindowLowering) -> None:
        self.wl = wl
        self.em = wl.em
        self.g = wl.g
        self.slots = self.g.ring_slots
        self.span = self.slots - self.g.sh
        self.slot_bytes = self.g.wp * self.g.cs * 2
        self.in_row = self.g.w * self.g.cp * 2
        rows, size = self.out_rows()
        self.out_size = rows * size
        """Bytes of one output buffer (a strip row)."""
        stride = self.y_pixel if rows > 1 else size
        self.out_length = dma_length_word(size, rows, stride)
        self.taps = [(i, j) for i in range(self.g.kh) for j in range(self.g.kw)]
        self.row_carried: tuple[tuple[VregType, ...], list[VregType]] | None = None
        """The first group's header and held weights, loop-carried over the
        strip's rows (`prefetches`)."""
        self.held = len(self.taps) <= HELD_TAPS
        self.streams = len(self.taps) > LOADED_TAPS
        self.padded_columns = padded_column_tiles(self.g)
        self.wraps = rows_wrap(self.g)
        self.chains = self.g.chains
        self.ring: list[GprType] = []
        """The slot pointers kept from strip to strip (`wraps`, `chains`)."""
        self.free_slot: GprType | None = None
        """A slot no row is in at the strip's start (after its first rows)."""
        self.defers = self.defers or defers_rows(self.g)

    @property
    def zeroes_pad_rows(self) -> bool:
        """Whether a strip's pad rows above the image are zeroed by vector
        stores rather than read from the pad row (with column tiles the
        whole slot)."""
        if self.wl.table is None:
            return dma_bytes(self.row_length) <= ZERO_ROW_BYTES
        return self.slot_bytes <= ZERO_ROW_BYTES

    @property
    def y_pixel(self) -> int:
        """Bytes between two pixels of an output row in RDRAM."""
        return self.g.op * 2

    def first_sums(self, y: GprType) -> None:
        """Queue what the strip's first output row reads besides its input
        rows (nothing here; see `StripConvLowering`)."""

    def out_rows(self) -> tuple[int, int]:
        """(rows, bytes) of a strip row's output transfer: one run when the
        slice holds every channel, else a row of the slice's channels per
        pixel."""
        g = self.g
        if g.cs == g.op:
            return 1, g.tile_cols * g.cs * 2
        return g.tile_cols, g.cs * 2

    @property
    def out_buffers(self) -> tuple[int, int]:
        """DMEM addresses of the two output buffers of a strip row."""
        return self.wl.out, self.wl.out + self.out_size

    def out_dma(self, out: GprType, y: GprType) -> None:
        """Queue the transfer of a strip row's results (the queue is idle)."""
        length = self.out_length if self.out_words is None else self.out_words
        self.em.dma(out, y, length, to_rdram=True, poll=False)

    def layer_setup(self) -> None:
        """Code before the layer's first pass."""

    def pass_weights(self, w_src: GprType, size: int) -> None:
        """Queue the transfer of one pass's weights (`size` bytes at
        `w_src`) into the weight buffer."""
        em = self.em
        w_buf = em.gpr()
        em.addi(w_buf, em.zero, self.wl.ring)
        em.dma(w_buf, w_src, dma_length_word(size, 1, size), False)

    def strip_setup(self) -> None:
        """Code at the start of each strip, once its first rows and the
        pass's weights are in DMEM: with `prefetches`, the first group's
        header and weights (each row's last group loads them again, from
        the copy of the first tile after the last); with a slice of one
        group and held weights, that group's, kept for every row."""
        self.row_carried = None
        one_group = self.g.slice_blocks == 1 and self.held
        if (self.prefetches and wraps_weights(self.g)) or one_group:
            w_first = self.em.gpr()
            self.em.addi(w_first, self.em.zero, self.wl.ring)
            self.row_carried = self.load_group(w_first, {})

    # A *pass* is what one load of weights serves: a channel slice here, a
    # group of 8 output channels in strips (`StripConvLowering`).
    pass_label = "slice"

    @property
    def passes(self) -> int:
        return self.g.slices

    @property
    def pass_weight_bytes(self) -> int:
        return depthwise_weight_bytes(self.g)

    @property
    def pass_in_bytes(self) -> int:
        """Bytes of a pixel's input channels one pass reads."""
        return self.g.cs * 2

    @property
    def pass_out_bytes(self) -> int:
        """Bytes of a pixel's output channels one pass writes."""
        return self.g.cs * 2

    def lower(self, x_img: GprType, y_img: GprType) -> None:
        """The layer; `x_img` and `y_img` (RDRAM addresses of the first
        image) are bumped in place (few registers are free: the pixel loop
        is six loops deep)."""
        wl, em, g = self.wl, self.em, self.g
        if wl.table is None:  # the padding columns stay zero
            wl.fill(wl.band, depthwise_band_bytes(g), wl.zero)
        size = self.pass_weight_bytes

        self.layer_setup()
        if self.wraps or self.chains:
            self.ring = [em.gpr() for _ in range(self.slots)]
            for n, reg in enumerate(self.ring):
                em.addi(reg, em.zero, wl.band + n * self.slot_bytes)
        if self.wraps:  # the first pass's first row
            length = self.row_length
            dst = em.copy(self.ring[0], g.pl * g.cs * 2)
            em.dma(dst, x_img, length, False)
            em.add_const(x_img, x_img, self.in_row)
        if self.chains:  # the first strip's first image rows
            self.first_image_rows(x_img)

        def image() -> None:
            w_src = wl.em.copy(wl.base, wl.w_off)
            self.w_src = w_src

            def one_pass() -> None:
                self.pass_weights(w_src, size)
                em.add_const(w_src, w_src, size)
                if wl.table is not None:
                    em.addi(wl.table, em.zero, wl.table_buffer)

                def column_tile() -> None:
                    self.strip(x_img, y_img)
                    em.add_const(y_img, y_img, g.tile_cols * self.y_pixel)
                    if wl.table is not None:
                        em.addi(wl.table, wl.table, 12)

                wl.em.counted(g.col_tiles, column_tile, "column_tile")
                em.add_const(y_img, y_img, self.pass_out_bytes - g.ow * self.y_pixel)
                if self.pass_in_bytes:
                    em.addi(x_img, x_img, self.pass_in_bytes)

            wl.em.counted(self.passes, one_pass, self.pass_label)
            ins, outs = (
                self.passes * self.pass_in_bytes,
                self.passes * self.pass_out_bytes,
            )
            em.add_const(x_img, x_img, g.h * self.in_row - ins)
            em.add_const(y_img, y_img, g.oh * g.ow * self.y_pixel - outs)

        wl.em.counted(g.n, image, "image")
        em.wait_dma_idle()  # the last strip's results (and reads) are done
        if self.wraps:
            em.add_const(x_img, x_img, -self.in_row)

    def shift_by_column(
        self, reg: GprType, sign: int, column: GprType | None = None
    ) -> GprType:
        """`reg += sign * column` for the image row byte offset of the
        column tile at `wl.table`, loaded into `column` (a new register
        unless given); returns that register."""
        em, table = self.em, self.wl.table
        assert table is not None
        column = em.gpr() if column is None else column
        em.lw(column, table, 4)
        op = rsp.AddOp if sign > 0 else rsp.SubOp
        em.emit(op(em.value(reg), em.value(column), rd=reg))
        return column

    def row_target(self, slot: GprType) -> GprType:
        """DMEM address of a band row's image columns in `slot`."""
        em, g, table = self.em, self.g, self.wl.table
        dst = em.gpr()
        if table is None:
            em.addi(dst, slot, g.pl * g.cs * 2)
        else:
            em.lw(dst, table, 0)
            em.emit(rsp.AddOp(em.value(slot), em.value(dst), rd=dst))
        return dst

    def row_length_word(self) -> GprType:
        """A register with the DMA length word of a band row."""
        em, table = self.em, self.wl.table
        word = em.gpr()
        if table is None:
            em.li(word, self.row_length)
        else:
            em.lw(word, table, 8)
        return word

    def first_image_rows(self, x_img: GprType) -> None:
        """Queue the first strip's first `sh` image rows into the slots after
        its padding rows (`WindowGeometry.chains`: each later strip has them
        from the strip before), their padding columns zeroed first."""
        em, g = self.em, self.g
        src = em.copy(x_img)
        if self.wl.table is not None:
            self.shift_by_column(src, 1)
        for slot in self.ring[g.pt : g.pt + g.sh]:
            self.zero_pad_columns(slot)
            dst = self.row_target(slot)
            # a constant length word is loaded by `dma`, after its poll
            length: int | GprType = (
                self.row_length if self.wl.table is None else self.row_length_word()
            )
            em.dma(dst, src, length, False)
            em.add_const(src, src, self.in_row)

    def zero_pad_columns(self, slot: GprType) -> None:
        """Zero the band columns that are padding in some column tile, in
        the slot at `slot` (`pad_band_columns`)."""
        if not self.padded_columns:
            return
        em, g = self.em, self.g
        bases: dict[int, GprType] = {}
        for column in pad_band_columns(g):
            for offset in range(column * g.cs * 2, (column + 1) * g.cs * 2, 16):
                em.sqv(self.wl.zero, *self.wl.far(slot, offset, bases))

    def chained_rows(
        self,
        next_strip: Callable[[], None],
        new_rows: Callable[[], None],
        compute_row: Callable[[], None],
    ) -> None:
        """The output rows of a strip whose last row reads the next strip's
        first rows (`WindowGeometry.chains`): each row queues its new rows,
        then computes; the last row's new rows are the next strip's, queued
        by a second copy of the queueing code that jumps back into the
        row's (one branch on the row counter, where a loop has one
        anyway)."""
        em, g = self.em, self.g
        if g.oh == 1:
            next_strip()
            new_rows()
            compute_row()
            return
        left = em.gpr()  # rows after the one whose new rows come next
        em.li(left, g.oh - 1, comment="out_row")
        head, rows_in = em.label("out_row"), em.label("rows_in")
        last, done = em.label("last_row"), em.label("strip_done")
        em.place_label(head)
        new_rows()
        em.place_label(rows_in)
        compute_row()
        em.addi(left, left, -1)
        em.emit(rsp.BgtzOp(em.value(left), head))
        em.emit(rsp.NopOp())
        em.emit(rsp.BltzOp(em.value(left), done))
        em.emit(rsp.NopOp())
        em.place_label(last)
        next_strip()
        new_rows()
        em.emit(rsp.JOp(rows_in))
        em.emit(rsp.NopOp())
        em.place_label(done)

    @property
    def row_length(self) -> int:
        """The DMA length word of one band row (without column tiles)."""
        g = self.g
        return band_row_length(g, g.wp if g.gathers else g.w)

    # -------------------------------------------------------------- strip
    def strip(self, x: GprType, y: GprType) -> None:
        """All output rows of one channel slice and column tile. `x` (the
        slice's first input row) and `y` (its first output pixel) walk down
        the image and are restored at the end."""
        wl, em, g = self.wl, self.em, self.g
        table = wl.table
        chained = self.ring[g.pt : g.pt + g.sh] if self.chains else []
        if self.padded_columns and self.chains:  # but where the next rows are
            for slot in self.ring:
                if slot not in chained:
                    self.zero_pad_columns(slot)
        elif self.padded_columns:  # padding again where a column tile has it
            base = em.gpr()
            em.addi(base, em.zero, wl.band)
            bases: dict[int, GprType] = {}
            for n in range(self.slots):
                for column in pad_band_columns(g):
                    start = n * self.slot_bytes + column * g.cs * 2
                    for offset in range(start, start + g.cs * 2, 16):
                        em.sqv(wl.zero, *wl.far(base, offset, bases))
        if self.wraps or self.chains:  # rows in their slots from before
            slots = self.ring
        else:
            slots = [em.gpr() for _ in range(self.slots)]
            for n, reg in enumerate(slots):
                em.addi(reg, em.zero, wl.band + n * self.slot_bytes)
        em.add_const(x, x, -g.pt * self.in_row)
        if table is not None:
            self.shift_by_column(x, 1)
        deep = self.slots > DEEP_RING_SLOTS  # few registers are free
        ih = em.gpr()
        em.li(ih, 1 if self.wraps else -g.pt)
        length = self.row_length
        # the row transfers' length words and the pad row's address in
        # registers for the whole strip (not where few registers are free:
        # deep rings, queued transfers); a column tile's come from its table
        # entry, loaded again for the next strip's rows where strips chain
        held = not deep and not (self.defers and self.later_in_pixel_loop)
        words = em.gpr() if held else None
        pad_row = em.gpr() if held and not self.wraps else None

        def hold_words() -> None:
            if words is not None:
                if table is None:
                    em.li(words, length)
                else:
                    em.lw(words, table, 8)
            if pad_row is not None:
                em.add_const(pad_row, wl.base, wl.w_off + wl.fill_offset)
                if table is not None:
                    self.shift_by_column(pad_row, 1)

        hold_words()
        self.out_words = None
        if held and self.holds_out_length and table is None:
            self.out_words = em.gpr()
            em.li(self.out_words, self.out_length)

        def in_image(dst: GprType, back: int) -> None:
            """`dst` = whether input row `ih - back` is in the image (one
            unsigned compare: a row above it is negative)."""
            if back:
                em.addi(dst, ih, -back)
                em.emit(rsp.SltiuOp(em.value(dst), g.h, rt=dst))
            else:
                em.emit(rsp.SltiuOp(em.value(ih), g.h, rt=dst))

        def source(back: int) -> GprType:
            """RDRAM address of input row `ih - back` (at `x - back *
            in_row`), or of the pad row."""
            if self.wraps:  # past the last row: the first, for the next pass
                pad, offset = x, -(g.h + back) * self.in_row
            elif pad_row is not None:
                pad, offset = pad_row, 0
            else:
                pad, offset = wl.base, wl.w_off + wl.fill_offset
            if deep:
                return source_in_one(back, pad, offset)
            # the pad row's address first, then the bounds test in one
            # register: at most two temporaries live (`row` queues this
            # inside its pixel loop, where few registers are free)
            use = em.gpr()
            em.add_const(use, pad, offset)
            if table is not None and pad_row is None:
                self.shift_by_column(use, 1)
            inside = em.gpr()
            in_image(inside, back)
            outside = em.label("pad_row")
            em.emit(rsp.BeqOp(em.value(inside), em.value(em.zero), outside))
            em.emit(rsp.NopOp())
            em.add_const(use, x, -back * self.in_row)
            em.place_label(outside)
            return use

        def source_in_one(back: int, pad: GprType, offset: int) -> GprType:
            """`source` in one register (a deep ring's slots take the
            others): the bounds test, then either address."""
            use = em.gpr()
            in_image(use, back)
            outside, done = em.label("pad_row"), em.label("row_read")
            em.emit(rsp.BeqOp(em.value(use), em.value(em.zero), outside))
            em.emit(rsp.NopOp())
            em.add_const(use, x, -back * self.in_row)
            em.emit(rsp.JOp(done))
            em.emit(rsp.NopOp())
            em.place_label(outside)
            if table is not None:
                em.lw(use, table, 4)
                em.emit(rsp.AddOp(em.value(use), em.value(pad), rd=use))
                em.add_const(use, use, offset)
            else:
                em.add_const(use, pad, offset)
            em.place_label(done)
            return use

        target = self.row_target

        def length_word() -> GprType:
            return words if words is not None else self.row_length_word()

        def transfer(slot: GprType, poll: bool) -> None:
            """DMA input row `ih` (or the pad row) into `slot`. Without
            `poll` the caller knows a queue slot is free. A deep window's
            ring takes many registers: each DMA register is written as soon
            as its value is ready, after the poll."""
            if deep:
                if poll:
                    em.wait_dma_slot()
                em.mtc0(target(slot), COP0_DMA_SPADDR)
                em.mtc0(source(0), COP0_DMA_RAMADDR)
                em.mtc0(length_word(), COP0_DMA_READ)
                return
            use, dst, words = source(0), target(slot), length_word()
            if poll:
                em.wait_dma_slot()
            em.mtc0(dst, COP0_DMA_SPADDR)
            em.mtc0(use, COP0_DMA_RAMADDR)
            em.mtc0(words, COP0_DMA_READ)

        def transfer_later(slot: GprType, back: int) -> None:
            """DMA input row `ih - back` into `slot` after a poll, each DMA
            register written as soon as its value is ready (few registers
            are free: `row` queues it inside the pixel loop)."""
            em.wait_dma_slot()
            em.mtc0(target(slot), COP0_DMA_SPADDR)
            em.mtc0(source(back), COP0_DMA_RAMADDR)
            em.mtc0(length_word(), COP0_DMA_READ)

        def next_row() -> None:
            em.addi(ih, ih, 1)
            em.add_const(x, x, self.in_row)

        def load_row(slot: GprType, poll: bool = True) -> None:
            """DMA input row `ih` (or the pad row) into `slot`; next row."""
            transfer(slot, poll)
            next_row()

        def zero_row(slot: GprType) -> None:
            """Zero the image columns of `slot` (a pad row above the image:
            vector stores while the other first rows' transfers run); with
            column tiles the whole slot."""
            if table is None:
                dst, size = target(slot), dma_bytes(length)
            else:
                dst, size = slot, self.slot_bytes
            bases: dict[int, GprType] = {}
            for offset in range(0, size, 16):
                em.sqv(wl.zero, *wl.far(dst, offset, bases))
            next_row()

        if not self.wraps:
            for n, slot in enumerate(slots[: self.span]):
                if slot in chained:  # read by the strip before
                    next_row()
                elif n < g.pt and self.zeroes_pad_rows:
                    zero_row(slot)
                else:
                    load_row(slot)
        self.first_sums(y)
        self.y = y
        em.wait_dma_idle()  # the first rows and the pass's weights are in
        self.free_slot = slots[self.span]
        self.strip_setup()
        out = em.gpr()
        first, second = self.out_buffers
        em.addi(out, em.zero, first)
        toggle = first ^ second

        end = self.span - g.pt + (g.oh - 1) * g.sh  # `ih` in the last row

        def next_strip() -> None:
            """Before the strip's last output row reads its new rows: they
            are the next strip's first image rows, so `ih`, `x` (and the
            table) move to that strip's row 0 (its column tile, or the next
            pass's first), whose band padding is zeroed first."""
            for slot in slots[self.span :]:
                self.zero_pad_columns(slot)
            em.li(ih, 0)
            if table is None:
                em.add_const(x, x, self.pass_in_bytes - end * self.in_row)
                return
            column = self.shift_by_column(x, -1)
            em.addi(table, table, 12)
            self.shift_by_column(x, 1, column)
            em.add_const(x, x, -end * self.in_row)
            hold_words()

        def new_rows() -> None:
            # the next output row's new rows; the first needs no poll: the
            # previous row left at most one transfer in flight (its results)
            new = slots[self.span :]
            if g.kh == 1:  # a 1x1 window reads only the last of its new rows
                for _ in new[:-1]:
                    next_row()
                new = new[-1:]
            first, *rest = new
            load_row(first, poll=False)
            if self.defers:  # the rows' registers move on now, their
                # transfers are queued by `row` (reading back)
                self.later = [
                    functools.partial(transfer_later, slot, len(rest) - n)
                    for n, slot in enumerate(rest)
                ]
                for _ in rest:
                    next_row()
            else:
                self.later = []
                for slot in rest:
                    load_row(slot)

        def compute_row() -> None:
            moved = self.row(slots, out)
            if self.rotates_early:
                rotate(em, slots, g.sh, moved)
            # one wait: the next row's inputs are in, the last row's
            # results are out, and the queue is free for this row's
            em.wait_dma_idle()
            self.out_dma(out, y)
            em.xori(out, out, toggle)
            em.add_const(y, y, g.ow * self.y_pixel)
            if not self.rotates_early:
                rotate(em, slots, g.sh, moved)

        def out_row() -> None:
            new_rows()
            compute_row()

        if self.chains:
            self.chained_rows(next_strip, new_rows, compute_row)
        elif deep and g.oh > 1:  # the row index counts the rows: no counter
            last = (1 if self.wraps else self.span - g.pt) + g.oh * g.sh
            head = em.label("out_row")
            em.place_label(head)
            out_row()
            more = em.gpr()
            em.addi(more, ih, -last)
            em.bne(more, em.zero, head)
        else:
            wl.em.counted(g.oh, out_row, "out_row")
        # the last row's results may still be going out: the next strip's
        # start waits for its own transfers after queueing them, and the
        # layer's end waits for all (`lower`)
        em.add_const(y, y, -g.oh * g.ow * self.y_pixel)
        if self.chains:
            # the next strip's first image rows (read last, now the slots
            # before the free ones) go after its padding rows; `x` is back
            # at this strip's first row from the next strip's
            by = (self.span - g.sh - g.pt) % self.slots
            if by:
                rotate(em, slots, by, {})
            em.add_const(x, x, -g.sh * self.in_row)
            if table is None:
                em.add_const(x, x, -self.pass_in_bytes)
            else:
                self.shift_by_column(x, -1)
                em.addi(table, table, -12)
            return
        if self.wraps:
            em.add_const(x, x, -g.h * self.in_row)
        else:
            em.add_const(x, x, -(self.span + g.oh * g.sh - g.pt) * self.in_row)
        if table is not None:
            self.shift_by_column(x, -1)

    # ---------------------------------------------------------------- row
    rotates_early = True
    """Whether the ring's rotation goes before the row's DMA wait (where
    its moves fill the stalls of the row's last stores) or after the
    output row's transfer."""

    def row(self, slots: list[GprType], out: GprType) -> dict[GprType, int]:
        """One output row of the strip: every group of 8 channels; returns
        the offsets the slot pointers moved by (put back by the ring's
        rotation). When a
        group's last pixels are straight-line code (`prefetches`), the
        header and held weights are loop-carried: the row loads the first
        group's before the loop, and each group's last chain loads the next
        group's into the same registers after their last reads.

        The pixels read the window's rows through the slot pointers
        themselves and write through the output buffer's pointer: each moves
        on to the next group's channels after a group and is put back after
        the row (no register per row and group: a deep window has many
        rows)."""
        wl, em, g = self.wl, self.em, self.g
        w_tile = em.gpr()
        em.addi(w_tile, em.zero, wl.ring)
        rows = [slots[i * g.dh] for i in range(g.kh)]
        po = out
        unroll = pixel_unroll(g.tile_cols, len(self.taps))
        prefetch = self.prefetches
        carried = self.row_carried  # loaded by `strip_setup`
        if prefetch and carried is None:
            carried = self.load_group(w_tile, {})
        results = self.carried_results(unroll)
        rest = g.tile_cols % unroll
        trips = g.tile_cols // unroll
        ends = trips == 2 and not rest  # the loop's one trip ends the row
        # trips that carry results: the group's last results go on to the
        # next group's first trip too when its last call carries (a rest of
        # none, or of 3 pixels or more), and the row finishes the last ones
        across: _Carry | None = None
        if (
            results is None
            and self.trip_carry(unroll)
            and rest in (0, *range(3, unroll))
        ):
            across = self.result_registers()
        for reg in results or across or ():
            if reg is not None:  # stored into slots written again later
                em.vop(rsp.VxorOp, reg, wl.zero, wl.zero)

        def group() -> None:
            w_bases: dict[int, GprType] = {}
            if carried is None:
                header, weights = self.load_group(w_tile, w_bases)
            else:  # the tile pointer moves on first: only the reloads read it
                header, weights = carried
                em.add_const(w_tile, w_tile, g.tile_bytes)

            def pixels(
                count: int,
                last: bool,
                carry_in: tuple[int, _Carry] | None = None,
                carry_out: _Carry | None = None,
            ) -> None:
                self.pixels(
                    count, rows, po, w_tile, w_bases, weights, header,
                    0 if prefetch and last else None, carry_in, carry_out,
                )  # fmt: skip
                for reg in rows:
                    em.add_const(reg, reg, count * g.sw * g.cs * 2)
                em.add_const(po, po, count * g.cs * 2)

            if results is not None:  # one call: the groups' results carried
                pixels(unroll, True, ((unroll - 1) * g.cs * 2 - 16, results), results)
            elif across is not None:  # the trips' and groups' results carried
                back = (-g.cs * 2, across)
                first = ((g.tile_cols - 1) * g.cs * 2 - 16, across)
                pixels(unroll, False, first, across)  # the first trip
                wl.em.counted(
                    trips - 1, lambda: pixels(unroll, ends, back, across), "pixel"
                )
                if rest:
                    pixels(rest, True, back, across)
            elif self.trip_carry(unroll):  # the trips' results carried
                regs = self.result_registers()
                back = (-g.cs * 2, regs)
                pixels(unroll, False, None, regs)  # the first trip
                wl.em.counted(
                    trips - 1, lambda: pixels(unroll, ends, back, regs), "pixel"
                )
                if rest:
                    pixels(rest, True, back)
                else:
                    self.finish(regs, po, -g.cs * 2)
            else:
                wl.em.counted(
                    trips, lambda: pixels(unroll, trips == 1 and not rest), "pixel"
                )
                if rest:
                    pixels(rest, True)
            if carried is None:
                em.add_const(w_tile, w_tile, g.tile_bytes)
            for reg in rows:  # the next group's channels of the row's start
                em.add_const(reg, reg, 16 - g.tile_cols * g.sw * g.cs * 2)
            em.add_const(po, po, 16 - g.tile_cols * g.cs * 2)

        def queue_later() -> None:
            """The row's later input rows (`defers`), after its first group."""
            for load in self.later:
                load()

        wl.em.counted(
            g.slice_blocks, group, "group", queue_later if self.later else None
        )
        if results is not None or across is not None:  # the last group's last
            last = results if results is not None else across
            assert last is not None
            self.finish(last, po, (g.tile_cols - 1) * g.cs * 2 - 16)
        # the output pointer is put back here, the slot pointers by the
        # ring's rotation (`strip`, before the row's wait: the moves fill
        # the wait of the last results' stores for their compares)
        em.add_const(po, po, -16 * g.slice_blocks)
        return {reg: -16 * g.slice_blocks for reg in rows}

    def finish(self, results: _Carry, base: GprType, last: int) -> None:
        """Clamp and store carried results: the last at `base + last`, the
        one before it (`result_registers`) a pixel earlier."""
        wl, em = self.wl, self.em
        low, pending = results
        if low is not None and wl.two_sided:  # its `vge` done
            wl.clamp_high(low)
        elif low is not None:  # a one-sided clamp's result before last
            wl.clamp(low)
        wl.clamp_low(pending)
        if low is not None:
            em.sqv(low, base, last - self.g.cs * 2)
        wl.clamp_high(pending)
        em.sqv(pending, base, last)

    @property
    def fast_acc48(self) -> bool:
        """Whether an `acc48` layer takes the int32 code's pipelined pixels:
        shifts in [2, 16] and a one-op bias, so a chain starts with the bias
        and ends with a `vmadm` whose result is the readout's `T`
        (`acc48_code.readout`)."""
        wl = self.wl
        return wl.acc48 == "low" and wl.op.short_bias is not None

    @property
    def reads_out_late(self) -> bool:
        """Whether a pixel's readout is split (`fast_acc48`, held weights):
        its `vsar` right after its chain, its multiplies after the next
        pixel's `vsar`."""
        return self.fast_acc48 and self.held

    def result_registers(self) -> _Carry:
        """Registers of a call's last result and the one before it: with a
        two-sided clamp (whose `vlt` trails a pixel), and with the split
        readout (`reads_out_late`), whose result before last is read out at
        the call's end, too late to clamp and store it there without a
        stall: the next call clamps it before its first chain."""
        early = self.wl.two_sided or self.reads_out_late
        return (self.em.vreg() if early else None), self.em.vreg()

    def trip_carry(self, unroll: int) -> bool:
        """Whether the pixel loop's trips carry their last results into the
        next trip (finished during its first chains, not at the trip's
        end): int32 sums (or `fast_acc48`), held weights, two trips at least
        and 3 pixels a trip or more. The first trip is written before the
        loop."""
        g = self.g
        return (
            (self.wl.acc48 is None or self.fast_acc48)
            and self.held
            and g.tile_cols // unroll >= 2
            and unroll >= 3
        )

    def carried_results(self, unroll: int) -> _Carry | None:
        """With `prefetches` and a group's pixels in one straight call of 3
        or more: the registers of the group's last two results (the second
        to last only with a two-sided clamp), finished (clamped and stored)
        during the next group's first chains instead of at the group's end.
        The first group stores them (stale) into the slots of pixels
        `tile_cols - 2` and `tile_cols - 3` of the row's last group, written
        again later; the row finishes the last group's after the loop."""
        g = self.g
        if not self.prefetches or unroll != g.tile_cols or g.tile_cols < 3:
            return None
        return self.result_registers()

    @property
    def prefetches(self) -> bool:
        """Whether each group's last chain loads the next group's header
        and weights (int32 sums or `fast_acc48`, held weights, a group's last
        pixels in straight-line code, and more than one group)."""
        sums = self.wl.acc48 is None or self.fast_acc48
        return sums and carries_weights(self.g)

    def load_group(
        self, w_tile: GprType, w_bases: dict[int, GprType]
    ) -> tuple[tuple[VregType, ...], list[VregType]]:
        """The header and (held) tap weights of the group tile at `w_tile`,
        in new registers."""
        wl, em = self.wl, self.em
        # a one-op bias leaves the fourth vector of an acc48 header unused
        vectors = 3 if self.fast_acc48 else wl.header_vectors
        header = tuple(em.vreg() for _ in range(vectors))
        for n, reg in enumerate(header):
            em.lqv(reg, w_tile, 16 * n)
        weights: list[VregType] = []
        if self.held:
            for t in range(len(self.taps)):
                reg = em.vreg()
                em.lqv(reg, *wl.far(w_tile, wl.header_bytes + 16 * t, w_bases))
                weights.append(reg)
        return header, weights

    def pixels(
        self,
        count: int,
        rows: list[GprType],
        po: GprType,
        w_tile: GprType,
        w_bases: dict[int, GprType],
        weights: list[VregType],
        header: tuple[VregType, ...],
        next_tile: int | None = None,
        carry_in: tuple[int, _Carry] | None = None,
        carry_out: _Carry | None = None,
    ) -> None:
        """`count` consecutive output pixels of one group; with `next_tile`
        (the bytes to the next group's tile) the last pixel's chain reloads
        `header` and the held `weights` with the next group's, each after
        its last read. With `carry_in` (the offset from `po` of the last
        carried result, and the registers) the call starts with earlier
        results pending (`result_registers`); with `carry_out` it leaves
        its own last results in those registers, unfinished."""
        wl, em, g = self.wl, self.em, self.g
        first_mac, next_mac = acc48_code.mac_ops(wl.acc48 is not None)
        fast48 = self.fast_acc48
        x_bases: dict[int, dict[int, GprType]] = {i: {} for i in range(g.kh)}
        y_bases: dict[int, GprType] = {}

        def put(result: _Result) -> None:
            em.sqv(result[0], *result[1])

        loaded: dict[tuple[int, int], VregType] = {}

        def load_inputs(u: int, then: _Result | None = None) -> list[VregType]:
            """Pixel `u`'s input vectors; the store of `then` after the
            first three loads (four groups after the caller's last vector
            op). A vector pixel `u - 1` loaded (its window overlaps when
            the stride is below the kernel's span) is used again, not
            loaded twice."""
            xs = []
            loads = 0
            previous = dict(loaded)
            loaded.clear()
            for i, j in self.taps:
                offset = (u * g.sw + j * g.dw) * g.cs * 2
                x = previous.get((i, offset))
                if x is None:
                    if loads == 3 and then is not None:
                        put(then)
                        then = None
                    x = em.vreg()
                    em.lqv(x, *wl.far(rows[i], offset, x_bases[i]))
                    loads += 1
                loaded[i, offset] = x
                xs.append(x)
            if then is not None:
                put(then)
            return xs

        def reload(reg: VregType, offset: int) -> None:
            assert next_tile is not None
            em.lqv(reg, *wl.far(w_tile, next_tile + offset, w_bases))

        def stream(u: int, t: int) -> VregType:
            """Pixel `u`'s input vector of tap `t`, loaded now."""
            i, j = self.taps[t]
            x = em.vreg()
            offset = (u * g.sw + j * g.dw) * g.cs * 2
            em.lqv(x, *wl.far(rows[i], offset, x_bases[i]))
            return x

        def chain(
            xs: list[VregType] | int,
            inside: VregType | None = None,
            last: bool = False,
            then: _Result | None = None,
        ) -> VregType:
            """The taps' MACs; an int32 chain starts with the bias (the sum
            is the same modulo 2^32), so it can start before the inputs and
            weights of a group's first pixel are loaded, and so does an
            `acc48` one with a one-op bias (`fast_acc48`). `inside` (a
            result whose `vge` is done; int32 chains only) gets the clamp's
            `vlt` after the first MAC (a compare writes only ACC_LO, which
            the `vmadh`s, multiples of 2^16, never carry out of, and the
            readout's `vmudn` overwrites). `xs` is the inputs, or the pixel
            whose inputs the chain loads itself (`streams`), storing `then`
            after its first four loads."""
            assert inside is None or wl.acc48 is None, "ACC_LO is part of the sum"
            sink = em.vreg()
            started = wl.acc48 is None or fast48
            if started:
                wl.add_bias(sink, header, start=True)
                if last:
                    reload(header[0], 0)
                    reload(header[1], 16)
            for t in range(len(self.taps)):
                if self.held:
                    w = weights[t]
                else:
                    w = em.vreg()
                    offset = wl.header_bytes + 16 * t
                    em.lqv(w, *wl.far(w_tile, offset, w_bases))
                if isinstance(xs, int):
                    x = stream(xs, t)
                    if t == 1 and then is not None:
                        put(then)
                else:
                    x = xs[t]
                em.vop(next_mac if t or started else first_mac, sink, w, x, 0)
                if last:
                    reload(w, wl.header_bytes + 16 * t)
                if t == 0 and inside is not None:
                    wl.clamp_high(inside)
            return sink

        if wl.acc48 is not None and not fast48:
            for u in range(count):
                sink = chain(u if self.streams else load_inputs(u))
                store = wl.far(po, u * g.cs * 2, y_bases)
                em.sqv(wl.requantise(sink, header), *store)
            return
        # Program order per pixel u with held weights: its chain (with pixel
        # u-2's `vlt` after the first MAC), the next pixel's input loads
        # (free to move up into the chain), pixel u-2's store (after those
        # loads: a store keeps every later load below it), its readout with
        # pixel u-1's `vge` between the `vsar`s and the shift (filling the
        # stall of the `vsar` results). The two compares of a two-sided
        # clamp are thus a readout apart, and each store a chain after its
        # `vlt`. Without held weights the next pixel's input loads follow
        # the readout (registers: all of them are live through the chain),
        # so pixel u-1's `vlt` follows the shift and its store the first
        # three of those loads. A one-sided clamp (one compare) is whole in
        # the readout, and pixel u-1 is stored after the shift.
        mult = header[2]
        two_sided = wl.two_sided
        pending: _Result | None = None  # read out, not clamped
        low: _Result | None = None  # `vge` done
        outputs: dict[int, VregType] = {}
        if carry_in is not None:
            last, (carried_low, carried_pending) = carry_in
            pending = (carried_pending, wl.far(po, last, y_bases))
            if carried_low is not None:
                low = (carried_low, wl.far(po, last - g.cs * 2, y_bases))
        if carry_out is not None:
            outputs[count - 1] = carry_out[1]
            if carry_out[0] is not None:
                outputs[count - 2] = carry_out[0]
        xs: list[VregType] | int = 0 if self.streams else load_inputs(0)
        deferred: _Result | None = None  # stored inside the next chain
        # `fast_acc48` with held weights reads pixel u's ACC_LO after its
        # chain and finishes its readout after pixel u+1's `vsar`, so the
        # `vmudn` never waits for the `vsar` (pixel, T, L)
        split = self.reads_out_late
        halves: tuple[int, VregType, VregType] | None = None

        def read_out(
            v: int,
            sink: VregType,
            lo: VregType | None,
            last: bool,
            late: bool = False,
            keep: bool = False,
        ) -> None:
            """Pixel `v`'s readout (with `lo`, its second half), with the
            previous result's clamp filling the wait for the `vsar`s (with
            `late`, after the second half: no `vsar` came just before, and
            the previous result was just read out). With `lo` a two-sided
            clamp's `vge` of the previous result and `vlt` of the one before
            it (`low`) go here too, the `vge` first (that result's `vlt`, in
            the next readout, is then further from it), each a pixel after
            its operand was written, and `low` is stored; a call's last
            readout of 4 pixels or more has the `vlt` before its shift and
            the `vge` after it, so that store waits less. With `keep` (a
            call's last readout when it carries two results) a one-sided
            clamp leaves the previous result to the next call."""
            nonlocal pending, low
            y = outputs[v] if v in outputs else em.vreg()
            between = None
            if keep and not two_sided:
                assert pending is not None and v - 1 in outputs and lo is not None
                pending = (y, wl.far(po, v * g.cs * 2, y_bases))
                acc48_code.scale_low(em, lo, sink, mult, y)
                if last:
                    reload(mult, 32)
                return
            stored = None  # with `lo`: the result whose `vlt` is here
            before: list[Callable[[], None]] = []  # with `lo`: around the shift
            after: list[Callable[[], None]] = []
            if lo is not None and two_sided:
                stored = low
                vlt = [functools.partial(wl.clamp_high, low[0])] if low else []
                vge = [functools.partial(wl.clamp_low, pending[0])] if pending else []
                if not late:  # the `vge` first: that result's `vlt`, in the
                    before = vge + vlt  # next readout, is then further from it
                elif count >= 4:  # the readout before had a `vlt` too, so the
                    before, after = vlt, vge  # `vge` of this `vlt` came early
                else:  # enough; its store then waits less
                    after = vlt + vge
                low = pending
            elif pending is not None and two_sided:
                between = functools.partial(wl.clamp_low, pending[0])
                low = pending
            elif pending is not None:
                between = functools.partial(wl.clamp, pending[0])
            if lo is not None:
                if between is not None:
                    (after if late else before).append(between)
                for step in before:
                    step()
                acc48_code.scale_low(em, lo, sink, mult, y)
                for step in after:
                    step()
            elif fast48:  # the chain's last `vmadm` left sclamp(ACC[47:16])
                acc48_code.readout(em, "low", sink, wl.k, mult, y, sink, between)
            else:
                acc_hi = wl.op.acc_hi is not None
                int32_code.read_sums(em, sink, mult, y, acc_hi, between)
            if last:
                reload(mult, 32)
            if stored is not None:
                put(stored)
            if pending is not None and not two_sided:
                put(pending)
            pending = (y, wl.far(po, v * g.cs * 2, y_bases))

        def settle() -> None:
            """`low`'s `vlt` and `pending`'s `vge` (each a no-op at its
            int16 bound), then `low`'s store."""
            if low is not None:
                wl.clamp_high(low[0])
            if pending is not None:
                wl.clamp_low(pending[0])
            if low is not None:
                put(low)

        if split and carry_in is not None:
            # the carried results' compares go before the first chain (its
            # bias starts a new sum), where they pair with the first
            # pixel's input loads
            if two_sided:
                settle()
                low, pending = pending, None
            else:
                for result in (low, pending):
                    if result is not None:
                        wl.clamp(result[0])
                for result in (low, pending):
                    if result is not None:
                        put(result)
                low = pending = None
        for u in range(count):
            last = next_tile is not None and u == count - 1
            if self.held and split:  # both compares in the readout's window
                sink = chain(xs, None, last)
                if u + 1 < count:
                    xs = load_inputs(u + 1)
            elif self.held:
                sink = chain(xs, None if low is None else low[0], last)
                high, low = low, None
                if u + 1 < count:
                    xs = load_inputs(u + 1)
                if high is not None:
                    put(high)
            else:
                sink = chain(u if self.streams else xs, then=deferred)
                deferred = None
            if split:
                lo = em.vreg()
                em.vsar(lo, acc48_code.ACC_LO)
                if halves is not None:
                    read_out(*halves, last=False)
                halves = (u, sink, lo)
                continue
            read_out(u, sink, None, last)
            if not self.held:
                if low is not None:
                    wl.clamp_high(low[0])
                if u + 1 < count and self.streams:
                    deferred = low
                elif u + 1 < count:
                    xs = load_inputs(u + 1, low)
                elif low is not None:
                    put(low)
                low = None
        if halves is not None:  # the last pixel's second half
            keep = carry_out is not None and carry_out[0] is not None
            read_out(*halves, next_tile is not None, late=True, keep=keep)
        if carry_out is not None:  # finished by the next call
            return
        settle()  # the call's last two pixels
        if pending is not None:
            wl.clamp_high(pending[0])
            put(pending)
