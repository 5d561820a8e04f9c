"""Planning of the pixel-lane convolution (`n64.tile_pixel_conv`) for
`tile-for-dmem`.

A convolution with few input channels (a first layer: 1 to 4 channels,
`group = 1`, int32 sums) can run with 8 output pixels of one output channel
on the lanes instead of 8 output channels (`n64c.dialects.n64_pixel_conv`).
`choose_conv_kernel` plans both kernels and keeps the one with the lower
estimated cycle count; the pixel-lane plan rewrites

```
y = qconv2d(x)   ->   g = qgather(x, axis 3, strip indices)     (CPU)
                      t = tile_kernel(g) { tile_pixel_conv }   (RSP, NHWC out)
                      y = qtranspose(t, NCHW)
```

The gather (one copy of the image, in place of the `qtranspose` to
channels-last the other kernel needs) builds the strip layout: row `r` of
channel `c` becomes `wt` vectors, vector `x'` holding in lane `k` input
column `k * m * sw + x' - pl` (`m = ceil(OW / 8)`). Columns outside the
image read column 0; the kernel zeroes those slots after loading a band.

`estimate_pixel_cycles` is the analytic cost the choice uses: DMA requests
timed with the rules of `n64c.sim.rsp.timing` (a fixed cost per request and
the per-byte rate), and per block of 8 pixels the larger of its scalar-unit
work (an input `lqv` per tap, an `ssv` per stored pixel) and its vector work
(a `vmadh` per tap, bias, read-out and clamp), which dual-issue.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import BytesAttr, DenseIntOrFPElementsAttr, TensorType, i16
from xdsl.ir import Block, Operation, Region, SSAValue

from n64c.dialects.n64_graph import ConstantOp
from n64c.dialects.n64_pixel_conv import PIXEL_FIELDS, PixelGeometry, TilePixelConvOp
from n64c.dialects.n64_quant import QConv2dOp, QGatherOp, QTransposeOp, tensor_shape
from n64c.dialects.n64_tile import (
    DmemAllocOp,
    DmemType,
    RdramType,
    TileKernelOp,
)
from n64c.errors import BudgetError, UnsupportedModelError
from n64c.passes.tile_constants import (
    PARAM_BYTES,
    TO_NCHW,
    gemm_constants,
    tile_header,
)
from n64c.passes.window_tiles import (
    conv_input_frac,
    round_up,
)
from n64c.sim.rsp.timing import dma_cycles

MAX_PIXEL_CHANNELS = 4
"""Input channels up to which the pixel-lane kernel is considered."""
MAX_RECORD_VECTORS = 8
"""Vectors of one channel's weights held in registers (taps * channels + 3
slots): at most 61 weights per output channel."""
VECTOR_REGISTERS = 32
FIXED_REGISTERS = 14
"""Vector registers a chain needs besides its record and the held inputs:
4 constants, the previous chain's HI, MD, result and mult, the
accumulator sink, and room for streamed inputs in flight."""
RING_CHUNK = 8
"""Output channels per streamed weight chunk."""
MAX_DMA_ROW = 4096


def _divisors_desc(value: int) -> list[int]:
    return [d for d in range(value, 0, -1) if value % d == 0]


def _out_size(size: int, k: int, s: int, d: int, p0: int, p1: int) -> int:
    return (size + p0 + p1 - d * (k - 1) - 1) // s + 1


def _constant(value: SSAValue, what: str, layer: str) -> np.ndarray:
    owner = value.owner
    if not isinstance(owner, ConstantOp):
        raise UnsupportedModelError(
            f"layer {layer}: the convolution {what} must be a constant to run on the RSP"
        )
    return owner.to_numpy()


def _weights_attr(values: np.ndarray) -> DenseIntOrFPElementsAttr:
    return DenseIntOrFPElementsAttr(
        TensorType(i16, [values.size]),
        BytesAttr(np.ascontiguousarray(values, dtype="<i2").tobytes()),
    )


def strip_columns(g: PixelGeometry) -> list[int]:
    """Per slot `x' * 8 + k` of a strip-layout row, the input column it
    holds, or -1 outside the image."""
    out: list[int] = []
    for xs in range(g.wt):
        for k in range(8):
            col = k * g.m * g.sw + xs - g.pl
            out.append(col if 0 <= col < g.w else -1)
    return out


def pad_slots(g: PixelGeometry) -> list[tuple[int, int]]:
    """(vector, lane) of the slots outside the image that an output pixel
    reads: the kernel zeroes them in every band row."""
    columns = strip_columns(g)
    return [
        (xs, k)
        for xs in range(g.wt)
        for k in range(8)
        if columns[8 * xs + k] < 0 and k * g.m < g.ow
    ]


def gather_indices(g: PixelGeometry) -> list[int]:
    """The `qgather` indices (axis 3) building the strip layout."""
    return [max(col, 0) for col in strip_columns(g)]


def store_plan(g: PixelGeometry) -> list[tuple[int, int, int]]:
    """Per stored lane of a block's result: (lane, window, offset), the
    `ssv` going to `window_base(window) + offset` from the block's output
    position (`offset` in the instruction's range [-128, 126]). Lanes past
    the row's end for block 0 are left out."""
    plan: list[tuple[int, int, int]] = []
    for lane in range(8):
        if lane * g.m >= g.ow:
            continue
        byte = 2 * g.op * lane * g.m
        window = byte // 256
        plan.append((lane, window, byte - window_base(window)))
    return plan


def window_base(window: int) -> int:
    """Offset of the base register of store window `window` from the
    block's output position (each window spans 256 bytes)."""
    return 256 * window + 128


def held_taps(g: PixelGeometry) -> int:
    """Input vectors of a block kept in registers for all output channels:
    what the 32 vector registers leave beside the record, the constants,
    the pipelined sum and four streamed inputs."""
    return max(0, min(g.taps, VECTOR_REGISTERS - FIXED_REGISTERS - g.record_vectors))


def _geometry(**fields: int) -> PixelGeometry:
    return PixelGeometry([fields[name] for name in PIXEL_FIELDS])


def estimate_pixel_cycles(g: PixelGeometry, lo: int = 0, hi: int = 32767) -> int:
    """Analytic cycle estimate of a pixel-lane conv (see the module
    docstring); `lo`/`hi` the clamp (a compare each when not the int16
    range)."""
    rows = g.c * g.band_rows
    edge_band = rows * (dma_cycles(True, 1, g.row_bytes) + 12) + 20
    whole = g.channel_band_bytes
    block = (
        dma_cycles(True, 1, whole)
        if whole <= MAX_DMA_ROW
        else dma_cycles(True, g.band_rows, g.row_bytes)
    )
    inner_band = g.c * (block + 8) + 20
    starts = [t * g.tile_rows * g.sh - g.pt for t in range(g.tiles)]
    inner = sum(0 <= s <= g.h - g.band_rows for s in starts)
    fixup = rows * (len(pad_slots(g)) + 6)
    clamps = (lo > -32768) + (hi < 32767)
    stores = len(store_plan(g))
    windows = len({w for _, w, _ in store_plan(g)})
    held = held_taps(g)
    vector = g.taps + 7 + clamps
    scalar = g.record_vectors + g.taps - held + stores + windows + 4
    chain = max(vector, scalar)
    # the loop branch, every second chain (its delay slot filled)
    block = held + 2 * windows + 8 + g.chunk * chain + g.chunk // 2
    compute = g.tile_rows * g.m * block + 20
    if not g.resident:
        compute = max(compute, dma_cycles(True, 1, g.chunk_bytes) + 12)
    out_rows = 1 if g.tile_rows * g.out_row_bytes <= MAX_DMA_ROW else g.tile_rows
    out = dma_cycles(False, out_rows, g.tile_rows * g.out_row_bytes // out_rows) + 12
    per_tile = fixup + g.chunks * compute + out + 20
    band = inner * inner_band + (g.tiles - inner) * edge_band
    once = dma_cycles(True, 1, g.chunk_bytes) + 60
    return once + g.n * (g.tiles * per_tile + band)


def plan_pixel_conv(
    x_shape: Sequence[int],
    out_channels: int,
    kernel: Sequence[int],
    strides: Sequence[int],
    pads: Sequence[int],
    dilations: Sequence[int],
    layer: str,
    dmem_bytes: int,
    clamp: tuple[int, int] = (-32768, 32767),
) -> PixelGeometry:
    """The cheapest pixel-lane geometry (estimated cycles) whose working set
    fits `dmem_bytes` minus the parameter block; `BudgetError` naming the
    layer when none does."""
    n, c, h, w = (int(v) for v in x_shape)
    kh, kw = kernel
    sh, sw = strides
    dh, dw = dilations
    pt, pl, pb, pr = pads
    oh = _out_size(h, kh, sh, dh, pt, pb)
    ow = _out_size(w, kw, sw, dw, pl, pr)
    m = -(-ow // 8)
    wt = (m - 1) * sw + (kw - 1) * dw + 1
    o = out_channels
    op = round_up(o, 8)
    available = dmem_bytes - PARAM_BYTES
    best: tuple[int, PixelGeometry] | None = None
    smallest = 0
    for resident in (1, 0):
        chunk = o if resident else min(RING_CHUNK, op)
        for rows in _divisors_desc(oh):
            geo = _geometry(
                n=n, c=c, h=h, w=w, oh=oh, ow=ow, o=o, op=op, kh=kh, kw=kw,
                sh=sh, sw=sw, dh=dh, dw=dw, pt=pt, pl=pl, m=m, wt=wt,
                tile_rows=rows, resident=resident, chunk=chunk,
            )  # fmt: skip
            need = geo.dmem_bytes
            smallest = need if not smallest else min(smallest, need)
            if need > available or geo.row_bytes > MAX_DMA_ROW:
                continue
            if rows * geo.out_row_bytes > MAX_DMA_ROW and geo.out_row_bytes % 8:
                continue
            cost = estimate_pixel_cycles(geo, *clamp)
            if best is None or cost < best[0]:
                best = (cost, geo)
    if best is None:
        raise BudgetError(
            f"layer {layer}: the pixel-lane conv needs at least {smallest} bytes "
            f"of DMEM, over the {available} bytes available"
        )
    return best[1]


def pack_pixel_weights(
    w: np.ndarray, bias: np.ndarray | None, shifts: Sequence[int], g: PixelGeometry
) -> np.ndarray:
    """The weights region (int16): per output channel (padded to whole
    chunks) its record of `c * kh * kw` weights (channel, kernel row,
    kernel column order), bias_hi, bias_lo and mult, in whole vectors; with
    a ring a copy of the first chunk; then a zero row of the strip layout."""
    channels = g.chunks * g.chunk
    header = tile_header(bias, shifts, max(channels, g.op), False)
    records = np.zeros((channels, 8 * g.record_vectors), dtype=np.int16)
    records[: g.o, : g.taps] = w.reshape(g.o, -1)
    records[:, g.taps : g.taps + 3] = header[:, :channels].T
    parts = [records.reshape(-1)]
    if not g.resident:
        parts.append(records[: g.chunk].reshape(-1))
    parts.append(np.zeros(8 * g.wt, dtype=np.int16))
    return np.concatenate(parts)


def zero_row_offset(g: PixelGeometry) -> int:
    """Byte offset of the zero row in the weights region."""
    return (g.chunks + (0 if g.resident else 1)) * g.chunk_bytes


def pixel_lane_applies(op: QConv2dOp) -> bool:
    """Whether `op` may run as a pixel-lane conv: one group, int32 sums,
    at most `MAX_PIXEL_CHANNELS` input channels, a record that fits the
    registers, and an input not handed over channels-last by an earlier RSP
    layer (it would need a CPU transpose between two RSP runs)."""
    xs = tensor_shape(op.x)
    w = tensor_shape(op.w)
    return (
        len(xs) == 4
        and op.group.value.data == 1
        and not op.wide
        and xs[1] <= MAX_PIXEL_CHANNELS
        and (w[1] * w[2] * w[3] + 3 + 7) // 8 <= MAX_RECORD_VECTORS
        and not input_from_rsp(op)
    )


def input_from_rsp(op: QConv2dOp) -> bool:
    """Whether `op`'s input comes channels-last from an earlier RSP layer
    (through the `qtranspose` to NCHW that cancels with the conv's own)."""
    source = op.x.owner
    return isinstance(source, QTransposeOp) and tuple(
        int(v) for v in source.perm.get_values()
    ) == tuple(TO_NCHW)


def build_pixel_conv_kernel(
    op: QConv2dOp, layer: str, dmem_bytes: int, g: PixelGeometry
) -> list[Operation]:
    """`qgather` to the strip layout, the `n64.tile_kernel` of the
    pixel-lane conv (channels-last output), `qtranspose` back to NCHW."""
    w = _constant(op.w, "weights", layer)
    bias = None if op.bias is None else _constant(op.bias, "bias", layer)
    packed = pack_pixel_weights(w, bias, [int(v) for v in op.shifts.get_values()], g)
    gather = QGatherOp(
        op.x, 3, gather_indices(g), [g.n, g.c, g.h, 8 * g.wt], conv_input_frac(op)
    )
    body = Block(
        arg_types=[
            RdramType(g.n * g.c * g.h * g.row_bytes),
            RdramType(g.n * g.oh * g.out_row_bytes),
            RdramType(2 * packed.size),
        ]
    )
    xr, yr, wr = body.args
    allocs = [
        DmemAllocOp("band", DmemType(g.band_bytes)),
        DmemAllocOp("out", DmemType(g.out_bytes)),
        DmemAllocOp("k", DmemType(16), gemm_constants(op)),
        DmemAllocOp("w", DmemType(g.chunk_bytes, 1 if g.resident else 2)),
    ]
    body.add_ops(allocs)
    lo, hi = op.clamp_bounds
    body.add_op(
        TilePixelConvOp(xr, yr, wr, [a.result for a in allocs], g.values, lo, hi)
    )
    macs = g.n * g.oh * g.ow * g.o * g.taps
    kernel = TileKernelOp(
        layer,
        [gather.output],
        [TensorType(i16, [g.n, g.oh, g.ow, g.o])],
        Region(body),
        macs,
        _weights_attr(packed),
    )
    frac = op.frac_bits.value.data
    return [gather, kernel, QTransposeOp(kernel.outputs[0], TO_NCHW, frac)]


__all__ = [
    "build_pixel_conv_kernel",
    "estimate_pixel_cycles",
    "gather_indices",
    "input_from_rsp",
    "pack_pixel_weights",
    "pad_slots",
    "pixel_lane_applies",
    "plan_pixel_conv",
]
