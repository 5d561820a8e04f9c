"""Tiling of sliding-window layers (`n64.qconv2d`, `n64.qmaxpool`) for the RSP.

Used by `tile-for-dmem`. The RSP kernels work on channels-last
activations: a layer's input `x[N,C,H,W]` becomes `qtranspose(x) [N,H,W,C]`
(in the arena: one row of `C` channels, padded to a multiple of 8, per
pixel), the kernel writes `y[N,OH,OW,O]`, and a `qtranspose` turns it back
into NCHW for the rest of the graph. Back-to-back transposes between two
RSP layers cancel (`cancel_transposes`; element-wise ops between them run
channels-last too, `sink_transposes`), and a Flatten of a channels-last
result feeding a Gemm is folded into a row permutation of the Gemm's weights
(`fold_flatten_into_gemm`), so a CNN's conv, pool and Gemm layers share one
RSP run with no CPU work in between.

Layer geometry (`WindowGeometry`, see `n64.tile_window`): a spatial tile is
`tile_rows` whole output rows (at most 256 pixels); its *band* of input rows
(zero- or -32768-padded left and right, out-of-image rows filled from a pad
row in the weights blob) stays in DMEM. When the band of all channels does
not fit, channels are cut into slices of `8 * slice_blocks` channels and
the band holds one slice. Conv weights are tiles of 8 output channels by
one chunk of a slice (all taps, one kernel row or one tap: `level`),
`48 + 16 * rows` bytes like Gemm tiles, all resident in DMEM when they fit
beside the band, else streamed through a two-slot ring; each tile is used
for every pixel of the spatial tile (weight reuse). With
more than one chunk per group, the 32-bit sums live in DMEM between chunks
(48-bit for an `acc48` conv, whose tiles also have a 64-byte header).
`plan_conv` / `plan_maxpool` pick the geometry with the lowest estimated
cycle count that fits DMEM.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseIntOrFPElementsAttr,
    IntegerAttr,
    ModuleOp,
    TensorType,
    i16,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.rewriter import InsertPoint, Rewriter

from n64c.backend.depthwise_lowering import HELD_TAPS as DEPTHWISE_HELD_TAPS
from n64c.backend.depthwise_lowering import (
    band_row_length,
    carries_weights,
    depthwise_band_bytes,
    depthwise_dmem_bytes,
    depthwise_out_bytes,
    depthwise_weight_bytes,
    pad_band_columns,
    padded_column_tiles,
    pixel_unroll,
    rows_wrap,
    wraps_weights,
)
from n64c.backend.strip_conv_lowering import (
    MAX_SLOTS as STRIP_MAX_SLOTS,
)
from n64c.backend.strip_conv_lowering import (
    held_chain_rows,
    strip_blob_rows,
    strip_chain_rows,
    strip_dmem_bytes,
    strip_held_rows,
    strip_out_bytes,
    strip_out_rows,
    strip_relocated,
    strip_tile_dmem_bytes,
    strip_unroll,
)
from n64c.backend.window_lowering import (
    PARTIAL_ROWS,
    global_pool_chunk,
    global_pool_cycles,
    partial_loops,
    partial_unroll,
)
from n64c.dialects.n64_graph import ConstantOp
from n64c.dialects.n64_quant import (
    QAddOp,
    QAvgPoolOp,
    QClampOp,
    QConv2dOp,
    QGemmOp,
    QMaxPoolOp,
    QRescaleOp,
    QReshapeOp,
    QTransposeOp,
    tensor_shape,
)
from n64c.dialects.n64_tile import (
    WINDOW_FIELDS,
    DmemAllocOp,
    DmemType,
    RdramType,
    TileKernelOp,
    TileWindowOp,
    WindowGeometry,
    acc48_mode,
)
from n64c.errors import BudgetError, UnsupportedModelError
from n64c.passes.tile_constants import (
    PARAM_BYTES,
    TO_NCHW,
    TO_NHWC,
    acc_hi_readout,
    gemm_constants,
    one_op_bias,
    tile_header,
)
from n64c.sim.rsp.timing import dma_cycles

MAX_CHUNK_ROWS = 256
"""Largest weight chunk (its MAC chain is unrolled in IMEM)."""
MAX_PIXELS = 256
"""Output pixels per spatial tile (rows of one output DMA)."""
DEPTHWISE_TRIP = 6
"""Cycles of a depthwise pixel-loop trip besides its pixels (loads before
the first chain, the last store, the branch)."""
DEPTHWISE_CARRIED_GROUP = 2
"""Cycles of a depthwise group's start besides its pixels where the group
before loaded its weights (`carries_weights`; fitted)."""
ROW_ISSUE = 14
"""Cycles to issue one band-row transfer (pad-row test, three `mtc0`)."""
BAND_WAIT = 1
FILL_PER_16_BYTES = 1
PIXEL_LOOP = 10
"""Scalar-unit cycles of a pixel besides its loads (pointer bumps, the
loop). These constants of the conv estimate are fitted to the simulator's
counts over every geometry of a set of 3x3 and 5x5 layers (8 to 64
channels); `test_window_estimate.py` checks the fit."""
READOUT_VECTOR_OPS = 7
READOUT_STALLS = 20
PARTIAL_VECTOR_OPS = 20
PARTIAL_SCALAR_OPS = 8
FIRST_SAVED_VECTOR_OPS = 6
"""A group's first chunk adds the bias (2 ops) instead of restoring the
sum (8)."""
ALTERNATING_SAVED_VECTOR_OPS = 2
"""A restore of a conv with alternating chunk signs is 4 multiplies, not 8."""
LAST_EXTRA_VECTOR_OPS = 3
DISPATCH = 6
PAIR_VECTOR_OPS = 9
PAIR_PIXEL_LOOP = 4
PAIR_HELD_STALLS = 3
"""Cycles of picking a chunk's pixel loop (first, middle or last)."""
CHUNK_OVERHEAD = 45
GROUP_OVERHEAD = 8
TILE_OVERHEAD = 0
STRIP_PIXEL_STALLS = 4
STRIP_TRIP = 4
STRIP_ROW = 20
STRIP_SETUP = 40
STRIP_HELD_WAIT = 10
"""Cycles a strip waits for its relocated held rows besides the transfer."""


def round_up(value: int, multiple: int) -> int:
    return (value + multiple - 1) // multiple * multiple


def _divisors_desc(value: int) -> list[int]:
    return [d for d in range(value, 0, -1) if value % d == 0]


def _geometry(wide: bool = False, **fields: int) -> WindowGeometry:
    return WindowGeometry([fields[name] for name in WINDOW_FIELDS], wide)


def _replace(
    g: WindowGeometry, split: str | None = None, **fields: int
) -> WindowGeometry:
    """`g` with some of its fields (or its split role) changed."""
    values = dict(zip(WINDOW_FIELDS, g.values, strict=True)) | fields
    return WindowGeometry(
        [values[name] for name in WINDOW_FIELDS],
        g.wide,
        g.split if split is None else split,
    )


def window_dmem_bytes(kind: str, g: WindowGeometry) -> int:
    """Working set of a window kernel (without the constants)."""
    if kind != "conv":
        return g.band_bytes + 2 * g.cs * g.pixels + g.table_bytes
    if g.depthwise:
        return depthwise_dmem_bytes(g)
    if g.strips:
        return strip_dmem_bytes(g)
    # with partial sums, the output and partial-sum buffers each start
    # after a scratch pixel (`WindowLowering.carry`)
    partial = g.partial_stride * (g.pixels + 1) + 16 if g.partial else 0
    weights = g.tile_bytes * (g.weight_tiles if g.resident else 2)
    return g.band_bytes + weights + 16 * g.pixels + partial + g.table_bytes


def _read(rows: int, row_bytes: int) -> int:
    """Cycles of one RDRAM -> DMEM transfer (the cycle model's DMA rule)."""
    return dma_cycles(True, rows, row_bytes)


def _write(rows: int, row_bytes: int) -> int:
    """Cycles of one DMEM -> RDRAM transfer."""
    return dma_cycles(False, rows, row_bytes)


def _band_row_read(g: WindowGeometry) -> int:
    """One band row: the image columns of a slice (one run when the band
    holds every channel)."""
    if g.gathers:  # one pixel every `sw`
        return _read(g.wp, g.cs * 2)
    cols = g.w if g.col_tiles == 1 else min(g.w, g.wp)
    if g.cs == g.cp:
        return _read(1, cols * g.cp * 2)
    return _read(cols, g.cs * 2)


def _depthwise_cycles(g: WindowGeometry) -> int:
    """Estimate of the depthwise kernel (`depthwise_lowering`): per output
    row the larger of its compute and its DMA (the next rows' reads and
    this row's write overlap the compute). An `acc48` conv is taken to
    have the one-op bias the quantiser gives shifts up to 16 (its pixels
    then cost what int32 ones do, `DepthwiseLowering.fast_acc48`)."""
    taps = g.kh * g.kw
    held = taps <= DEPTHWISE_HELD_TAPS
    per_pixel = (taps if held else 2 * taps) + 7
    unroll = pixel_unroll(g.tile_cols, taps)
    loop = (g.tile_cols // unroll) * (DEPTHWISE_TRIP + g.kh) + 4 * (
        g.tile_cols % unroll
    )
    # a group's start loads its header and held weights, unless the group
    # before loaded them in its last chain (then its start is a few moves)
    start = DEPTHWISE_CARRIED_GROUP if carries_weights(g) else 8 + (taps if held else 0)
    group = start + g.tile_cols * per_pixel + loop
    compute = g.slice_blocks * group + 24 + 14 * g.sh
    read = _band_row_read(g)
    if g.cs == g.op:
        write = _write(1, g.tile_cols * g.op * 2)
    else:
        write = _write(g.tile_cols, g.cs * 2)
    row = max(compute, g.sh * read + write)
    span = g.ring_slots - g.sh  # the window's rows
    fill = pad_fill_stores(g)
    first = span - (g.sh if g.chains else 0)  # the rest: read by the strip before
    strip = fill + first * (read + 14) + 40 + g.oh * row
    weights = _read(1, depthwise_weight_bytes(g))
    return g.n * g.slices * (weights + g.col_tiles * strip)


def pad_fill_stores(g: WindowGeometry) -> int:
    """Stores a strip makes to zero its band's padding columns again."""
    if not padded_column_tiles(g):
        return 0
    return g.ring_slots * len(pad_band_columns(g)) * g.cs // 8


def _strip_cycles(g: WindowGeometry) -> int:
    """Estimate of a dense conv in strips (`strip_conv_lowering`): per
    group its tile's transfer, per strip the first rows (and the padding
    refill of a column tile that has padding), per output row the larger of
    its compute and its DMA. A pixel is the larger of its scalar-unit work
    (a weight `lqv` per row not held in registers, an `lqv` per input
    vector, the store) and its vector work (the chain, bias, readout and
    clamp), which dual-issue."""
    rows = strip_chain_rows(g)
    held = len(strip_held_rows(g))
    inputs = g.kh * g.kw * -(-g.c // 8)
    scalar = rows - held + inputs + 1
    vector = rows + 8
    if g.split:  # a restore (4: alternating signs) for the bias (2), sums
        # stored, not requantised
        vector += (2 if g.sums_in else 0) - (4 if g.sums_out else 0)
        scalar += (2 if g.sums_in else 0) + (1 if g.sums_out else 0)
    stalls = 1 if held == rows else STRIP_PIXEL_STALLS
    per_pixel = max(scalar, vector) + stalls
    unroll = strip_unroll(g)
    trips = g.tile_cols // unroll + (1 if g.tile_cols % unroll else 0)
    loop = trips * (g.kh + STRIP_TRIP)
    compute = STRIP_ROW + 14 * g.sh + g.tile_cols * per_pixel + loop
    write = _write(*strip_out_rows(g))
    if g.sums_in:  # the next row's sums
        write += _read(*strip_out_rows(_replace(g, split="middle")))
    reads = 1 if g.kh == 1 else g.sh  # a 1x1 window reads one new row
    row = max(compute, reads * _band_row_read(g) + write)
    span = g.ring_slots - g.sh  # the window's rows
    fill = pad_fill_stores(g)
    read_first = span - (g.sh if g.chains else 0)  # the rest: by the strip before
    first = 0 if rows_wrap(g) else read_first * (_band_row_read(g) + 14)
    strip = fill + first + STRIP_SETUP + g.oh * row
    tile = _read(1, strip_tile_dmem_bytes(g))
    if strip_relocated(g):  # the held rows, per strip
        strip += _read(1, 16 * held) + 2 * held + STRIP_HELD_WAIT
    if g.tile_slots == 1:
        return g.n * g.groups * (tile + g.col_tiles * strip)
    # the next group's tile loads during a group's first row
    first_row = max(compute, tile + reads * _band_row_read(g) + write) - row
    return tile + g.n * g.groups * (strip + first_row)


def _band_cycles(g: WindowGeometry) -> int:
    """Loading one band: a transfer per row (issued ~ROW_ISSUE cycles
    apart, completing back to back), then the wait; with column tiles the
    band is first refilled with padding."""
    fill = g.band_bytes * FILL_PER_16_BYTES // 16 if g.col_tiles > 1 else 0
    return fill + g.band_rows * max(_band_row_read(g), ROW_ISSUE) + BAND_WAIT


def _chain_cycles(g: WindowGeometry, held: int, mode: str = "only") -> int:
    """One pixel of one weight chunk: the MAC chain (a weight `lqv` per
    `vmadh` unless the rows are held in registers, an `lqv` per input
    vector), what comes before it (nothing; with partial sums the bias in
    a group's first chunk, else the restore) and after it (the
    requantisation in a group's only or last chunk, else the save) and the
    pixel loop. `mode`: the chunk's place, as `WindowLowering.mac_chain`
    takes it; `held`: the chain's weight rows kept in registers. An int32
    conv is taken to alternate its chunks' signs (`alternates`: a restore
    of four multiplies, not eight)."""
    ci, cj = g.chunk_dims
    channels = min(g.c, g.cs) if g.slices == 1 else g.cs
    macs = ci * cj * channels
    inputs = ci * cj * g.slice_blocks
    scalar = macs - held + inputs + PIXEL_LOOP
    restore_saved = 0 if g.wide else ALTERNATING_SAVED_VECTOR_OPS
    if mode == "only":
        vector = macs + READOUT_VECTOR_OPS + (2 if g.wide else 0)
        return max(scalar, vector) + READOUT_STALLS
    vector = macs + PARTIAL_VECTOR_OPS + (3 if g.wide else 0) - restore_saved
    scalar += PARTIAL_SCALAR_OPS + (1 if g.wide else 0)
    # the stores of a trip's last pixel go into the next trip: no stalls
    # but a short chain's (held rows, two pixels a trip)
    stalls = 0
    if partial_unroll(g) > 1:  # two pixels a trip: overlapped ends
        vector += PAIR_VECTOR_OPS - PARTIAL_VECTOR_OPS
        scalar += PAIR_PIXEL_LOOP - PIXEL_LOOP
        stalls = PAIR_HELD_STALLS if held == macs else 0
    if mode == "first":  # the bias instead of the restore
        vector -= FIRST_SAVED_VECTOR_OPS - restore_saved
        scalar -= 3 if g.wide else 2
    elif mode == "last":  # the readout instead of the save
        vector += LAST_EXTRA_VECTOR_OPS
        scalar -= 2 if g.wide else 1
    return max(scalar, vector) + stalls


def _conv_cycles(g: WindowGeometry) -> int:
    """Estimate of the channels-on-lanes conv kernel (`window_lowering`):
    band loads, per group and chunk the weight tile (streamed: the larger
    of its transfer and the previous chunk's compute) and the pixels (with
    partial sums: the group's first chunk, its middle ones, its last one,
    which requantises), and each group's output transfer."""
    ci, cj = g.chunk_dims
    rows = ci * cj * (min(g.c, g.cs) if g.slices == 1 else g.cs)
    held = len(held_chain_rows(list(range(rows)), g.wide))
    setup = CHUNK_OVERHEAD + held

    def chunk(mode: str) -> int:
        compute = g.pixels * _chain_cycles(g, held, mode) + setup
        if g.partial:
            compute += DISPATCH
        return compute if g.resident else max(compute, _read(1, g.tile_bytes))

    count = g.slices_per_group * g.chunks
    if g.partial:
        chunks = chunk("first") + (count - 2) * chunk("middle") + chunk("last")
    else:
        chunks = chunk("only")
    out = _write(1, 16 * g.pixels) if g.op == 8 else _write(g.pixels, 16)
    per_group = chunks + out + GROUP_OVERHEAD
    loads = 1 if g.slices == 1 else g.groups * g.slices
    per_tile = loads * _band_cycles(g) + g.groups * per_group + TILE_OVERHEAD
    once = _read(1, g.weight_tiles * g.tile_bytes) if g.resident else 0
    return once + g.n * g.tiles * per_tile


def estimate_window_cycles(kind: str, g: WindowGeometry) -> int:
    """Analytic cycle estimate of a window kernel, with the cycle model's
    DMA rule (`timing.dma_cycles`): `plan_window` minimises it, packing
    reports use it; the simulator measures the real number."""
    if kind == "conv" and g.depthwise:
        return _depthwise_cycles(g)
    if kind == "conv" and g.strips:
        return _strip_cycles(g)
    if kind == "conv":
        return _conv_cycles(g)
    per_chunk = global_pool_chunk(kind, g)
    if per_chunk:
        return g.n * global_pool_cycles(g, per_chunk)
    taps = g.kh * g.kw
    if kind == "maxpool":  # loads, then compares that do not wait (fitted)
        per_pixel = g.slice_blocks * (2 * taps + 2) + 4
    else:
        per_pixel = g.slice_blocks * (2 * taps + 10) + 6
    tiles = g.n * g.tiles
    return tiles * g.slices * (_band_cycles(g) + g.pixels * per_pixel + 40)


def _out_size(size: int, k: int, s: int, d: int, p0: int, p1: int) -> int:
    return (size + p0 + p1 - d * (k - 1) - 1) // s + 1


def plan_window(
    kind: str,
    x_shape: Sequence[int],
    out_channels: int,
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    layer: str,
    dmem_bytes: int,
    depthwise: bool = False,
    wide: bool = False,
    strips: bool = True,
    wide_strips: bool = False,
) -> WindowGeometry:
    """The cheapest geometry (estimated cycles) whose working set fits
    `dmem_bytes` minus the parameter block; `BudgetError` naming the layer
    when none does. `wide`: an `acc48` conv; `strips`: whether a dense conv
    may run in strips, also split over its input channels (`plan_split`:
    the geometry of the first kernel is returned; int32 convs only);
    `wide_strips`: whether an `acc48` conv may (shifts in [2, 16] and a
    one-op bias, `StripConvLowering`)."""
    n, c, h, w = (int(v) for v in x_shape)
    kh, kw = kernel
    sh, sw = strides
    dh, dw = dilations
    pt, pl, pb, pr = pads
    oh = _out_size(h, kh, sh, dh, pt, pb)
    ow = _out_size(w, kw, sw, dw, pl, pr)
    cp = round_up(c, 8)
    opad = round_up(out_channels, 8) if kind == "conv" else cp
    available = dmem_bytes - PARAM_BYTES
    candidates: list[WindowGeometry] = []
    # pool code is unrolled over window elements and channel vectors (IMEM)
    blocks = [
        b
        for b in _divisors_desc(cp // 8)
        if kind == "conv" or b == 1 or (b <= 4 and b * kh * kw <= MAX_POOL_TAPS)
    ]
    if depthwise:
        return _plan_depthwise(
            (n, c, h, w), (kh, kw), (sh, sw), (dh, dw), pads, layer, available, wide
        )
    levels = (0, 1, 2) if kind == "conv" else (0,)
    residency = (1, 0) if kind == "conv" else (0,)
    # whole output rows per tile, or one row cut into column tiles
    shapes = [(rows, ow) for rows in _divisors_desc(oh) if rows * ow <= MAX_PIXELS]
    shapes += [(1, cols) for cols in _divisors_desc(ow)[1:] if cols <= MAX_PIXELS]
    for slice_blocks in blocks:
        for level in levels:
            for resident in residency:
                for rows, cols in shapes:
                    span = (cols - 1) * sw + (kw - 1) * dw + 1
                    geo = _geometry(
                        n=n, h=h, w=w, cp=cp, oh=oh, ow=ow, op=opad, kh=kh, kw=kw,
                        sh=sh, sw=sw, dh=dh, dw=dw, pt=pt, pl=pl,
                        wp=w + pl + pr if cols == ow else span,
                        tile_rows=rows, slice_blocks=slice_blocks, level=level,
                        c=c, depthwise=0, resident=resident, tile_cols=cols,
                        wide=wide,
                    )  # fmt: skip
                    if kind == "conv" and geo.chunk_rows > MAX_CHUNK_ROWS:
                        continue
                    if (
                        kind == "conv"
                        and geo.partial
                        and partial_loops(geo) * geo.chunk_rows > PARTIAL_ROWS
                    ):
                        continue
                    if cols < ow and any(v < 1 for *_, v in _column_tiles(geo)):
                        continue
                    candidates.append(geo)
    shape = StripShape((n, c, h, w), opad, (kh, kw), (sh, sw), (dh, dw), pads)
    if kind == "conv" and (wide_strips or not wide) and strips:
        candidates += _strip_geometries(shape, wide)
    best, smallest = _cheapest(kind, candidates, available)
    if kind == "conv" and not wide and strips:
        plans = split_plans(shape)
        split = plan_split(plans, dmem_bytes)
        if split is not None and (
            best is None or split[0] < estimate_window_cycles(kind, best)
        ):
            return split[1][0]  # `split_plan` gives the other kernels
    if best is None:
        over = f", {smallest - available} bytes over" if smallest else ""
        raise BudgetError(
            f"layer {layer}: the {kind} needs at least {smallest} bytes of DMEM "
            f"for one output row{over} the {available} bytes available"
        )
    return best


def _cheapest(
    kind: str, candidates: Sequence[WindowGeometry], available: int
) -> tuple[WindowGeometry | None, int]:
    """The candidate with the lowest estimate among those whose working set
    fits `available` bytes (the first of equals), and the smallest working
    set of all (0 without candidates)."""
    best: tuple[int, WindowGeometry] | None = None
    smallest = 0
    for geo in candidates:
        need = window_dmem_bytes(kind, geo)
        smallest = need if not smallest else min(smallest, need)
        if need > available:
            continue
        cost = estimate_window_cycles(kind, geo)
        if best is None or cost < best[0]:
            best = (cost, geo)
    return (None if best is None else best[1]), smallest


class StripShape(NamedTuple):
    """A layer as the strip planners take it: the input shape, the padded
    output channels, the kernel, strides, dilations and pads (top, left,
    bottom, right)."""

    x_shape: tuple[int, int, int, int]
    opad: int
    kernel: tuple[int, int]
    strides: tuple[int, int]
    dilations: tuple[int, int]
    pads: Sequence[int]


def _strip_walks(
    shape: StripShape,
    slice_blocks: int,
    depthwise: int,
    resident: int,
    wide: bool = False,
) -> list[WindowGeometry]:
    """One geometry per column-tile width (a divisor of the output width)
    of a layer walked in strips, one output row at a time: the depthwise
    and strip kernels."""
    n, c, h, w = shape.x_shape
    op = shape.opad
    kh, kw = shape.kernel
    sh, sw = shape.strides
    dh, dw = shape.dilations
    pt, pl, pb, pr = shape.pads
    oh = _out_size(h, kh, sh, dh, pt, pb)
    ow = _out_size(w, kw, sw, dw, pl, pr)
    out = []
    for cols in _divisors_desc(ow):
        if cols > MAX_PIXELS:
            continue
        wp = w + pl + pr if cols == ow else (cols - 1) * sw + (kw - 1) * dw + 1
        geo = _geometry(
            n=n, h=h, w=w, cp=round_up(c, 8), oh=oh, ow=ow, op=op, kh=kh, kw=kw,
            sh=sh, sw=sw, dh=dh, dw=dw, pt=pt, pl=pl, wp=wp,
            tile_rows=1, slice_blocks=slice_blocks, level=0,
            c=c, depthwise=depthwise, resident=resident, tile_cols=cols, wide=wide,
        )  # fmt: skip
        if cols < ow and any(valid < 1 for *_, valid in _column_tiles(geo)):
            continue
        out.append(geo)
    return out


def _strip_geometries(shape: StripShape, wide: bool = False) -> list[WindowGeometry]:
    """The geometries of a dense conv in strips (one per column tile
    width) whose chain fits `MAX_CHUNK_ROWS` rows. A pointwise conv (1x1,
    stride 1, no padding) reads and writes its pixels as one contiguous
    run, so it is planned on the image reshaped to rows of any divisor of
    `H * W` pixels: one strip walks the whole image. A 1x1 conv of
    horizontal stride above 1 is also planned with band rows of only the
    pixels it reads (`WindowGeometry.gathers`)."""
    n, c, h, w = shape.x_shape
    kernel, strides, opad = shape.kernel, shape.strides, shape.opad
    if kernel == (1, 1) and strides == (1, 1) and not any(shape.pads):
        if c > MAX_CHUNK_ROWS:
            return []
        walks = [
            _pointwise_strip(n, c, h * w // cols, cols, opad, wide)
            for cols in _divisors_desc(h * w)
            if cols <= MAX_PIXELS
        ]
    else:
        kh, kw = kernel
        slots = (kh - 1) * shape.dilations[0] + 1 + strides[0]
        if kh * kw * c > MAX_CHUNK_ROWS or slots > STRIP_MAX_SLOTS:
            return []
        walks = _strip_walks(shape, round_up(c, 8) // 8, 0, 2, wide)
        _, pl, _, pr = shape.pads
        if kw == 1 and strides[1] > 1 and pl == pr == 0:
            # band rows of only the pixels read (`gathers`), where that
            # transfer is the shorter (each pixel of a 2-D transfer is a
            # row, with a minimum time: few channels read faster whole)
            pairs = [(g, _replace(g, wp=g.tile_cols)) for g in walks if g.tile_cols > 1]
            walks += [gg for g, gg in pairs if _band_row_read(gg) < _band_row_read(g)]
    # each also with the next group's tile loading while a group runs
    prefetching = [
        _replace(g, resident=3)
        for g in walks
        if g.col_tiles == 1 and g.n * g.groups > 1
    ]
    return walks + prefetching


def split_plans(shape: StripShape) -> list[list[WindowGeometry]]:
    """The plans of a dense conv split over its input channels: slices of
    whole channel vectors (a divisor of the padded count, at least two),
    each a kernel in strips whose group tile holds only the slice's
    channels; the first kernel writes each pixel's int32 sums, a middle
    one adds its slice to them, the last one adds its own and requantises.
    One plan per slice width, column-tile width and tile residency."""
    c = shape.x_shape[1]
    cp = round_up(c, 8)
    kh, kw = shape.kernel
    slots = (kh - 1) * shape.dilations[0] + 1 + shape.strides[0]
    if slots > STRIP_MAX_SLOTS:
        return []
    plans: list[list[WindowGeometry]] = []
    for blocks in _divisors_desc(cp // 8)[1:]:
        width = 8 * blocks
        if kh * kw * width > MAX_CHUNK_ROWS:
            continue
        for walk in _strip_walks(shape, blocks, 0, 2):
            prefetch = walk.col_tiles == 1 and walk.n * walk.groups > 1
            for resident in (2, 3) if prefetch else (2,):
                first = _replace(walk, split="first", c=width, resident=resident)
                plans.append(split_plan(first, c))
    return plans


def split_plan(first: WindowGeometry, channels: int) -> list[WindowGeometry]:
    """The geometries of every kernel of the split conv (`channels` real
    input channels) whose first kernel has geometry `first`."""
    width = first.cs
    count = first.cp // width
    return [
        _replace(
            first,
            split="first" if i == 0 else "last" if i == count - 1 else "middle",
            c=min(width, channels - i * width),
        )
        for i in range(count)
    ]


def plan_split(
    plans: Sequence[list[WindowGeometry]], dmem_bytes: int
) -> tuple[int, list[WindowGeometry]] | None:
    """The plan of `plans` (`split_plans`) of the lowest estimate whose
    kernels all fit `dmem_bytes` minus the parameter block, with its
    estimate."""
    available = dmem_bytes - PARAM_BYTES
    best: tuple[int, list[WindowGeometry]] | None = None
    for plan in plans:
        if any(window_dmem_bytes("conv", g) > available for g in plan):
            continue
        cost = sum(estimate_window_cycles("conv", g) for g in plan)
        if best is None or cost < best[0]:
            best = (cost, plan)
    return best


def _pointwise_strip(
    n: int, c: int, rows: int, cols: int, opad: int, wide: bool = False
) -> WindowGeometry:
    """A 1x1 conv in strips over `rows` rows of `cols` pixels."""
    cp = round_up(c, 8)
    return _geometry(
        n=n, h=rows, w=cols, cp=cp, oh=rows, ow=cols, op=opad, kh=1, kw=1,
        sh=1, sw=1, dh=1, dw=1, pt=0, pl=0, wp=cols,
        tile_rows=1, slice_blocks=cp // 8, level=0,
        c=c, depthwise=0, resident=2, tile_cols=cols, wide=wide,
    )  # fmt: skip


def _plan_depthwise(
    x_shape: tuple[int, int, int, int],
    kernel: tuple[int, int],
    strides: tuple[int, int],
    dilations: tuple[int, int],
    pads: Sequence[int],
    layer: str,
    available: int,
    wide: bool,
) -> WindowGeometry:
    """The cheapest depthwise geometry (`depthwise_lowering`): a channel
    slice of `slice_blocks` groups and a column tile of `tile_cols` output
    pixels per strip, one output row at a time."""
    cp = round_up(x_shape[1], 8)
    candidates = [
        geo
        for slice_blocks in _divisors_desc(cp // 8)
        for geo in _strip_walks(
            StripShape(x_shape, cp, kernel, strides, dilations, pads),
            slice_blocks,
            1,
            0,
            wide,
        )  # fmt: skip
    ]
    best, smallest = _cheapest("conv", candidates, available)
    if best is None:
        raise BudgetError(
            f"layer {layer}: the depthwise conv needs at least {smallest} bytes of "
            f"DMEM for one output row, {smallest - available} bytes over the "
            f"{available} bytes available"
        )
    return best


def _column_tiles(g: WindowGeometry) -> list[tuple[int, int, int]]:
    """Per column tile: (band byte of the first image column, image column
    of it, image columns in the band)."""
    out = []
    for ct in range(g.col_tiles):
        c0 = ct * g.tile_cols * g.sw - g.pl
        if g.gathers:  # the tile's pixels, one every `sw`
            out.append((0, c0, g.tile_cols))
            continue
        lo, hi = max(0, c0), min(g.w, c0 + g.wp)
        out.append(((lo - c0) * g.cs * 2, lo, hi - lo))
    return out


def column_table(g: WindowGeometry) -> np.ndarray:
    """The column-tile table (int16 halves of big-endian words): per column
    tile the band byte offset, the image row byte offset and the DMA length
    word of the columns inside the image. Where strips chain, one more
    entry: the first tile's with the image offset of the next pass's (a
    depthwise pass reads the next channel slice, a dense one the same
    channels); a strip's last row reads the next strip's first rows through
    the entry after its own (`WindowGeometry.chains`)."""
    if g.col_tiles == 1:
        return np.zeros(0, dtype=np.int16)
    words: list[int] = []
    for dst, col, count in _column_tiles(g):
        words += [dst, col * g.cp * 2, band_row_length(g, count)]
    if g.chains:
        next_pass = g.cs * 2 if g.depthwise else 0
        words += [words[0], words[1] + next_pass, words[2]]
    table = np.zeros(g.table_bytes // 2, dtype=np.uint16)
    for i, v in enumerate(words):
        table[2 * i], table[2 * i + 1] = (v >> 16) & 0xFFFF, v & 0xFFFF
    return table.view(np.int16)


def alternates(g: WindowGeometry, w: np.ndarray) -> bool:
    """Whether a conv with int32 partial sums (on the banded kernel, or
    split over its input channels) takes alternating signs (`n64.tile_window`
    `alternating`): every weight must have a negation in int16."""
    sums = bool(g.split) or (g.partial and not (g.depthwise or g.strips))
    return sums and not g.wide and not (w == -32768).any()


def conv_constants(op: QConv2dOp, alternating: bool) -> list[int]:
    """The conv kernel's constants (`gemm_constants`), with -32768 in lane 7
    for the restores of alternating signs."""
    consts = gemm_constants(op)
    if alternating:
        consts[7] = -32768
    return consts


def pack_conv_weights(
    w: np.ndarray,
    bias: np.ndarray | None,
    shifts: Sequence[int],
    group: int,
    channels: int,
    g: WindowGeometry,
    alternating: bool = False,
    first_channel: int = 0,
    short_bias: bool = False,
) -> np.ndarray:
    """Conv weight tiles (int16, in the order the kernel reads them), a copy
    of tile 0, then a zero pad row of `W * cp` values.

    Tile `(group g8, slice s, chunk)`: the header (`tile_header`: bias and
    `mult` vectors) for output channels `8 g8 .. 8 g8 + 7`, then per tap of
    the chunk (row-major) and per input channel of the slice one row of 8
    weights. In strips (`g.strips`) a group has one tile whose rows skip
    the padded input channels (a row per tap and real channel; a split
    conv's kernel only those of its `g.c` channels from `first_channel`). Grouped
    convolutions are expanded to dense weights (zero outside each group).
    With `alternating`, the tiles of a group counted back from its last
    alternate in sign: the weights of every other one, and the first
    one's bias when it is negative, are negated. `short_bias`: the headers
    hold the one-op form of the bias (`tile_header`).
    """
    o, cg, kh, kw = w.shape
    og = o // group
    dense = np.zeros((g.op, g.cp, kh, kw), dtype=np.int16)
    for grp in range(group):
        dense[grp * og : (grp + 1) * og, grp * cg : (grp + 1) * cg] = w[
            grp * og : (grp + 1) * og
        ]
    header = tile_header(bias, shifts, g.op, g.wide, short_bias)
    ci, cj = g.chunk_dims
    tiles: list[np.ndarray] = []
    if g.depthwise:  # one row of 8 channel weights per tap
        taps = np.zeros((g.op, kh, kw), dtype=np.int16)
        taps[:o] = w[:, 0]
        first = 0  # the slice's first tile
        for g8 in range(g.groups):
            chans = slice(8 * g8, 8 * g8 + 8)
            if g8 % g.slice_blocks == 0:
                first = len(tiles)
            for i0 in range(0, kh, ci):
                for j0 in range(0, kw, cj):
                    rows = taps[chans, i0 : i0 + ci, j0 : j0 + cj].reshape(8, -1).T
                    tiles.append(np.concatenate([header[:, chans], rows]).reshape(-1))
            if wraps_weights(g) and (g8 + 1) % g.slice_blocks == 0:
                tiles.append(tiles[first])
        tiles.append(tiles[0])
        fill = np.zeros(g.w * g.cp, dtype=np.int16)
        return np.concatenate([*tiles, fill, column_table(g)])
    if g.strips:  # per group: a row per tap and real input channel
        for g8 in range(g.groups):
            chans = slice(8 * g8, 8 * g8 + 8)
            part = dense[chans, first_channel : first_channel + g.c]  # [8,c,kh,kw]
            rows = part.transpose(2, 3, 1, 0).reshape(-1, 8)[strip_blob_rows(g)]
            tiles.append(np.concatenate([header[:, chans], rows]).reshape(-1))
        tiles.append(tiles[0])
        fill = np.zeros(g.w * g.cp, dtype=np.int16)
        return np.concatenate([*tiles, fill, column_table(g)])
    negated = tile_header(
        None if bias is None else -np.asarray(bias, np.int64),
        shifts,
        g.op,
        g.wide,
        short_bias,
    )
    count = g.slices * g.chunks
    for g8 in range(g.groups):
        chans = slice(8 * g8, 8 * g8 + 8)
        c = 0  # the tile's chunk in its group
        for sl in range(g.slices):
            cs = slice(sl * g.cs, (sl + 1) * g.cs)
            for i0 in range(0, kh, ci):
                for j0 in range(0, kw, cj):
                    part = dense[chans, cs, i0 : i0 + ci, j0 : j0 + cj]  # [8,cs,ci,cj]
                    rows = part.transpose(2, 3, 1, 0).reshape(-1, 8)
                    head = header[:, chans]
                    if alternating and (count - 1 - c) % 2:
                        rows = -rows
                        head = negated[:, chans] if c == 0 else head
                    tiles.append(np.concatenate([head, rows]).reshape(-1))
                    c += 1
    tiles.append(tiles[0])
    fill = np.zeros(g.w * g.cp, dtype=np.int16)
    return np.concatenate([*tiles, fill, column_table(g)])


def _weights_attr(values: np.ndarray) -> DenseIntOrFPElementsAttr:
    return DenseIntOrFPElementsAttr(
        TensorType(i16, [values.size]),
        BytesAttr(np.ascontiguousarray(values, dtype="<i2").tobytes()),
    )


def _constant(value: SSAValue, what: str, layer: str) -> np.ndarray:
    owner = value.owner
    if not isinstance(owner, ConstantOp):
        raise UnsupportedModelError(
            f"layer {layer}: the convolution {what} must be a constant to run on the RSP"
        )
    return owner.to_numpy()


def _window_kernel(
    kind: str,
    layer: str,
    x: SSAValue,
    out_type: TensorType,
    g: WindowGeometry,
    weights: np.ndarray,
    macs: int,
    clamp: tuple[int, int],
    consts: list[int] | None = None,
    acc48: str | None = None,
    alternating: bool = False,
    sums: SSAValue | None = None,
    first_channel: int = 0,
    short_bias: bool = False,
    acc_hi: bool = False,
) -> TileKernelOp:
    """The tile kernel of one window layer; for a kernel of a split conv
    (`g.split`), `sums` is the tensor of sums it starts from (middle and
    last kernels) and `first_channel` its slice of the input; `short_bias`:
    its tile headers hold the one-op form of the bias; `acc_hi`: its results
    are ACC_HI (`acc_hi_readout`)."""
    inputs = [x] if sums is None else [x, sums]
    regions = [RdramType(g.n * g.h * g.w * g.cp * 2)]
    if sums is not None:
        regions.append(RdramType(2 * math.prod(tensor_shape(sums))))
    if g.sums_out:
        regions.append(RdramType(2 * math.prod(out_type.get_shape())))
    else:
        regions.append(RdramType(g.n * g.oh * g.ow * g.op * 2))
    body = Block(arg_types=[*regions, RdramType(2 * weights.size)])
    xr, *_, yr, wr = body.args
    out_bytes = g.pixels * (16 if kind == "conv" else 2 * g.cs)
    if kind == "conv" and g.partial and not (g.depthwise or g.strips):
        out_bytes += 16  # a scratch pixel first
    band_bytes = g.band_bytes
    if kind == "conv" and g.depthwise:
        out_bytes = depthwise_out_bytes(g)
        band_bytes = depthwise_band_bytes(g)
    if kind == "conv" and g.strips:
        out_bytes = strip_out_bytes(g)
        band_bytes = depthwise_band_bytes(g)
    if consts is None:
        consts = (
            [16384, 1, clamp[0], clamp[1], 0, 0, 0, 0]
            if kind == "conv"
            else [-32768] * 8
        )
    allocs = [
        DmemAllocOp("band", DmemType(band_bytes)),
        DmemAllocOp("out", DmemType(out_bytes)),
        DmemAllocOp("k", DmemType(2 * len(consts)), consts),
    ]
    table = [DmemAllocOp("cols", DmemType(g.table_bytes))] if g.table_bytes else []
    if kind == "conv" and g.depthwise:
        allocs.append(DmemAllocOp("w", DmemType(depthwise_weight_bytes(g))))
    elif kind == "conv" and g.strips:
        allocs.append(
            DmemAllocOp("w", DmemType(strip_tile_dmem_bytes(g) * g.tile_slots))
        )
    elif kind == "conv":
        if g.resident:
            allocs.append(DmemAllocOp("w", DmemType(g.tile_bytes * g.weight_tiles)))
        else:
            allocs.append(DmemAllocOp("w", DmemType(g.tile_bytes, 2)))
        if g.partial:
            size = g.partial_stride * (g.pixels + 1)  # a scratch pixel first
            allocs.append(DmemAllocOp("partial", DmemType(size)))
    allocs += table
    body.add_ops(allocs)
    body.add_op(
        TileWindowOp(
            kind,
            xr,
            yr,
            wr,
            [a.result for a in allocs],
            g.values,
            clamp[0],
            clamp[1],
            acc48,
            alternating,
            (g.split, first_channel) if g.split else None,
            short_bias,
            acc_hi,
        )
    )
    return TileKernelOp(
        layer, inputs, [out_type], Region(body), macs, _weights_attr(weights)
    )


def _nhwc(value: SSAValue, frac_bits: int) -> QTransposeOp:
    return QTransposeOp(value, TO_NHWC, frac_bits)


def conv_input_frac(op: QConv2dOp) -> int:
    shifts = [int(v) for v in op.shifts.get_values()]
    w_frac = [int(v) for v in op.w_frac_bits.get_values()]
    return shifts[0] - w_frac[0] + op.frac_bits.value.data


def build_conv_kernel(
    op: QConv2dOp, layer: str, dmem_bytes: int, strips: bool = True
) -> list[Operation]:
    """`qtranspose` to NHWC, the conv's `n64.tile_kernel`, `qtranspose` back
    (`strips`: whether the planner may run the conv in strips)."""
    w = _constant(op.w, "weights", layer)
    bias = None if op.bias is None else _constant(op.bias, "bias", layer)
    xs = tensor_shape(op.x)
    o, cg, kh, kw = w.shape
    ys = tensor_shape(op.output)
    pads = [int(v) for v in op.pads.get_values()]
    group = op.group.value.data
    short = one_op_bias(bias, op.wide, window=True)
    g = plan_window(
        "conv",
        xs,
        o,
        (kh, kw),
        [int(v) for v in op.strides.get_values()],
        pads,
        [int(v) for v in op.dilations.get_values()],
        layer,
        dmem_bytes,
        depthwise=cg == 1 and group == xs[1] == o,
        wide=op.wide,
        strips=strips,
        wide_strips=op.wide and acc48_mode(op.shift_values) == "low" and short,
    )
    frac = op.frac_bits.value.data
    t_in = _nhwc(op.x, conv_input_frac(op))
    if g.split:
        kernels = _split_kernels(op, layer, split_plan(g, xs[1]), t_in.output, w, bias)
        return [t_in, *kernels, QTransposeOp(kernels[-1].outputs[0], TO_NCHW, frac)]
    alternating = alternates(g, w)
    packed = pack_conv_weights(
        w,
        bias,
        [int(v) for v in op.shifts.get_values()],
        op.group.value.data,
        xs[1],
        g,
        alternating,
        short_bias=short,
    )
    macs = ys[0] * ys[2] * ys[3] * o * cg * kh * kw
    kernel = _window_kernel(
        "conv",
        layer,
        t_in.output,
        TensorType(i16, [ys[0], ys[2], ys[3], ys[1]]),
        g,
        packed,
        macs,
        op.clamp_bounds,
        conv_constants(op, alternating),
        acc48_mode(op.shift_values) if op.wide else None,
        alternating,
        short_bias=short,
        acc_hi=acc_hi_readout(op.shift_values, op.wide),
    )
    return [t_in, kernel, QTransposeOp(kernel.outputs[0], TO_NCHW, frac)]


def _split_kernels(
    op: QConv2dOp,
    layer: str,
    plan: list[WindowGeometry],
    x: SSAValue,
    w: np.ndarray,
    bias: np.ndarray | None,
) -> list[TileKernelOp]:
    """The kernels of a conv split over its input channels, named
    `layer.k0`, `layer.k1`, ...: each but the last writes a tensor of int32
    sums, `[N * OH + 1, OW, 2 * op]` int16 (per pixel and group of 8
    output channels ACC_HI then ACC_MD; one spare row, which the next
    kernel's prefetch past the last row may read), that the next reads.
    Unless a weight is -32768, the kernels alternate the sign of their sums
    (`n64.tile_window` `alternating`: a restore is 4 multiplies, not 8)."""
    ys = tensor_shape(op.output)
    o, cg, kh, kw = w.shape
    channels = tensor_shape(op.x)[1]
    macs = ys[0] * ys[2] * ys[3] * o * cg * kh * kw
    shifts = [int(v) for v in op.shifts.get_values()]
    alternating = alternates(plan[0], w)
    consts = conv_constants(op, alternating)
    kernels: list[TileKernelOp] = []
    sums: SSAValue | None = None
    for index, g in enumerate(plan):
        first_channel = index * g.cs
        # with alternating signs, every other kernel counted back from the
        # last computes the negated sum (weights and, for the first, bias)
        negate = alternating and (len(plan) - 1 - index) % 2 == 1
        part = -w if negate else w
        part_bias = None
        if index == 0 and bias is not None:
            part_bias = -np.asarray(bias, np.int64) if negate else bias
        short = one_op_bias(part_bias, op.wide)
        packed = pack_conv_weights(
            part, part_bias, shifts, op.group.value.data,
            g.c, g, first_channel=first_channel, short_bias=short,
        )  # fmt: skip
        out_type = (
            TensorType(i16, [ys[0] * ys[2] + 1, ys[3], 2 * g.op])
            if g.sums_out
            else TensorType(i16, [ys[0], ys[2], ys[3], ys[1]])
        )
        kernel = _window_kernel(
            "conv", f"{layer}.k{index}", x, out_type, g, packed,
            macs * g.c // channels if index + 1 < len(plan)
            else macs - sum(k.macs.value.data for k in kernels),
            op.clamp_bounds, consts, alternating=alternating, sums=sums,
            first_channel=first_channel, short_bias=short,
            acc_hi=acc_hi_readout(shifts, op.wide),
        )  # fmt: skip
        kernels.append(kernel)
        sums = kernel.outputs[0]
    return kernels


MAX_POOL_TAPS = 256
"""Largest pooling window on the RSP (its code is unrolled per tap)."""


def avgpool_constants(multiplier: int, shift: int) -> list[int]:
    """The two constant vectors of an `avgpool` window kernel."""
    ra = min(shift - 1, 14)
    rb = shift - 1 - ra
    first = [16384, 1, 0, 0, multiplier, 1 << rb, 1 << (16 - shift), 0]
    return first + [1 << ra] * 8


def build_pool_kernel(
    op: QMaxPoolOp | QAvgPoolOp, layer: str, dmem_bytes: int
) -> list[Operation]:
    """`qtranspose` to NHWC, the pool's `n64.tile_kernel`, `qtranspose` back."""
    kind = "maxpool" if isinstance(op, QMaxPoolOp) else "avgpool"
    xs = tensor_shape(op.input)
    ys = tensor_shape(op.output)
    g = plan_window(
        kind,
        xs,
        xs[1],
        [int(v) for v in op.kernel.get_values()],
        [int(v) for v in op.strides.get_values()],
        [int(v) for v in op.pads.get_values()],
        [int(v) for v in op.dilations.get_values()],
        layer,
        dmem_bytes,
    )
    frac = op.frac_bits.value.data
    consts = None
    pad = -32768
    if isinstance(op, QAvgPoolOp):
        consts = avgpool_constants(op.multiplier.value.data, op.shift.value.data)
        pad = 0
        in_frac = _source_frac(op.input, frac)
    else:
        in_frac = frac
    fill = np.concatenate([np.full(g.w * g.cp, pad, dtype=np.int16), column_table(g)])
    t_in = _nhwc(op.input, in_frac)
    kernel = _window_kernel(
        kind,
        layer,
        t_in.output,
        TensorType(i16, [ys[0], ys[2], ys[3], ys[1]]),
        g,
        fill,
        0,
        (-32768, 32767),
        consts,
    )
    return [t_in, kernel, QTransposeOp(kernel.outputs[0], TO_NCHW, frac)]


def _source_frac(value: SSAValue, default: int) -> int:
    """The format of an int16 value: its producer's `frac_bits` (`default`
    when it has none, e.g. a function argument)."""
    attr = getattr(value.owner, "frac_bits", None)
    return attr.value.data if isinstance(attr, IntegerAttr) else default


def _perm(op: QTransposeOp) -> tuple[int, ...]:
    return tuple(int(v) for v in op.perm.get_values())


def cancel_transposes(module: ModuleOp) -> None:
    """`qtranspose(qtranspose(a, p), q)` with `p` then `q` the identity is `a`."""
    for second in [t for t in module.walk() if isinstance(t, QTransposeOp)]:
        first = second.input.owner
        if not isinstance(first, QTransposeOp):
            continue
        p, q = _perm(first), _perm(second)
        if tuple(p[i] for i in q) != tuple(range(len(p))):
            continue
        second.output.replace_all_uses_with(first.input)
        Rewriter.erase_op(second)
        if not first.output.uses:
            Rewriter.erase_op(first)


def sink_transposes(module: ModuleOp) -> None:
    """An element-wise op (`n64.qadd` of equal shapes, `n64.qclamp`,
    `n64.qrescale`) whose operands all come channels-last through
    `qtranspose(., NCHW)` runs channels-last, with one transpose after it:
    a Relu or a residual add between two RSP layers then needs no CPU
    transposes (the pairs cancel)."""
    for op in [
        o for o in module.walk() if isinstance(o, QAddOp | QClampOp | QRescaleOp)
    ]:
        owners = [v.owner for v in op.operands]
        if (
            not all(isinstance(t, QTransposeOp) and _perm(t) == TO_NCHW for t in owners)
            or len({tensor_shape(v) for v in (*op.operands, *op.results)}) != 1
        ):
            continue
        inputs = [t.input for t in owners]  # type: ignore[union-attr]
        moved = op.create(
            operands=inputs,
            result_types=[inputs[0].type],
            properties=dict(op.properties),
            attributes=dict(op.attributes),
        )
        frac = op.frac_bits.value.data
        Rewriter.replace_op(op, [moved, QTransposeOp(moved.results[0], TO_NCHW, frac)])
        for t in owners:
            assert isinstance(t, QTransposeOp)
            if not t.output.uses:
                Rewriter.erase_op(t)


def fold_flatten_into_gemm(module: ModuleOp) -> None:
    """`qgemm(qreshape(qtranspose(y, NCHW)), w)` with `y` channels-last, one
    image and constant `w` becomes `qgemm(qreshape(y), w')` where `w'` has
    its rows in channels-last order: the Gemm reads the RSP's layout."""
    for reshape in [r for r in module.walk() if isinstance(r, QReshapeOp)]:
        back = reshape.input.owner
        if not isinstance(back, QTransposeOp) or _perm(back) != TO_NCHW:
            continue
        n, c, h, w = tensor_shape(back.output)
        out = tensor_shape(reshape.output)
        users = [u.operation for u in reshape.output.uses]
        if n != 1 or out != (1, c * h * w) or not users:
            continue
        if not all(
            isinstance(u, QGemmOp)
            and u.x is reshape.output
            and isinstance(u.w.owner, ConstantOp)
            for u in users
        ):
            continue
        flat = QReshapeOp(back.input, out, reshape.frac_bits.value.data)
        Rewriter.insert_op(flat, InsertPoint.before(reshape))
        # row (h*W + w)*C + c of the new weights is row (c*H + h)*W + w
        order = np.arange(c * h * w).reshape(c, h, w).transpose(1, 2, 0).reshape(-1)
        for gemm in users:
            assert isinstance(gemm, QGemmOp) and isinstance(gemm.w.owner, ConstantOp)
            weights = gemm.w.owner.to_numpy()[order]
            const = ConstantOp.from_numpy(np.ascontiguousarray(weights))
            Rewriter.insert_op(const, InsertPoint.before(gemm))
            gemm.operands = [flat.output, const.result, *gemm.operands[2:]]
        Rewriter.erase_op(reshape)
        if not back.output.uses:
            Rewriter.erase_op(back)


def _pool_taps(op: QMaxPoolOp | QAvgPoolOp) -> int:
    kh, kw = (int(v) for v in op.kernel.get_values())
    return kh * kw


def window_ops(module: ModuleOp) -> list[QConv2dOp | QMaxPoolOp | QAvgPoolOp]:
    """The sliding-window ops `tile-for-dmem` puts on the RSP (rank-4, constant
    conv weights and bias)."""
    found: list[QConv2dOp | QMaxPoolOp | QAvgPoolOp] = []
    for op in module.walk():
        if (
            isinstance(op, QMaxPoolOp | QAvgPoolOp) and _pool_taps(op) <= MAX_POOL_TAPS
        ) or (
            isinstance(op, QConv2dOp)
            and isinstance(op.w.owner, ConstantOp)
            and (op.bias is None or isinstance(op.bias.owner, ConstantOp))
        ):
            found.append(op)
    return found


def alias_reshapes(module: ModuleOp) -> None:
    """A tile kernel reading `qreshape(v)` reads `v` itself when both have
    the same bytes in the arena (last dimensions multiples of 8: no row
    padding), so the reshape costs nothing and no CPU op splits the RSP run."""
    for kernel in [k for k in module.walk() if isinstance(k, TileKernelOp)]:
        for index, value in enumerate(kernel.inputs):
            reshape = value.owner
            if not isinstance(reshape, QReshapeOp):
                continue
            src, dst = tensor_shape(reshape.input), tensor_shape(reshape.output)
            if src[-1] % 8 or dst[-1] % 8:
                continue
            kernel.operands = [
                *kernel.operands[:index],
                reshape.input,
                *kernel.operands[index + 1 :],
            ]
            if not reshape.output.uses:
                Rewriter.erase_op(reshape)
