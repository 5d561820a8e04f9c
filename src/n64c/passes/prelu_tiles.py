"""`n64.qprelu` (LeakyRelu, PRelu) as an RSP element-wise tile program.

The layout rule: the slope may vary only along the innermost axis. A single
slope (LeakyRelu, or a PRelu with one value) runs on any layout; per-channel
slopes need the channel axis last, which is the channels-last layout
between RSP convolution layers (`sink_prelu_transposes` moves a `qprelu`
whose input comes channels-last through `qtranspose(., NCHW)` behind that
transpose, so the layer sees NHWC). A per-channel `qprelu` on an NCHW tensor
stays on the CPU (`n64c_qprelu`).

With the channels last, vector `j` of a row (rows padded to a multiple of
8 elements) always holds channels `8j .. 8j+7`, so the slopes of a vector
are a constant: the kernel keeps a table of one entry per group of 8
channels (`PRELU_ENTRY_BYTES` each, see `n64.tile_eltwise`), DMA'd into
DMEM once, and walks it in step with the vectors of each row:

```
dma_in table -> t
for each chunk of whole rows:
  dma_in x chunk -> a ; dma_wait
  tile_eltwise "prelu" a, t -> a
  dma_out a -> y chunk
dma_wait
```

A shift of 1 (a slope of 2^14 or more) has no RSP form (`2^(16-s)` does
not fit int16) and stays on the CPU, as does a layer whose row and table do
not fit DMEM.
"""

from __future__ import annotations

import math

import numpy as np
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    ModuleOp,
    TensorType,
    i16,
    i64,
)
from xdsl.ir import Block, Region, SSAValue
from xdsl.rewriter import Rewriter

from n64c.dialects.n64_quant import QPReluOp, QTransposeOp, tensor_shape
from n64c.dialects.n64_tile import (
    PRELU_ENTRY_BYTES,
    DmaInOp,
    DmaOutOp,
    DmaWaitOp,
    DmemAllocOp,
    DmemType,
    RdramType,
    TileEltwiseOp,
    TileKernelOp,
)
from n64c.errors import BudgetError
from n64c.passes.chunk_loop import add_chunks
from n64c.passes.tile_constants import PARAM_BYTES, TO_NCHW

CHUNK_BYTES = 1536
"""Largest chunk of `x` (as for the other element-wise kernels)."""
CONSTS_BYTES = 32
"""The zero vectors `tile_eltwise "prelu"` compares with."""


def _round_up(value: int, multiple: int) -> int:
    return (value + multiple - 1) // multiple * multiple


def prelu_on_rsp(op: QPReluOp) -> bool:
    """Whether the layout rule allows `op` on the RSP: one slope, or slopes
    along the innermost axis; every shift at least 2."""
    shape = tensor_shape(op.input)
    one_slope = len(op.multipliers.get_values()) == 1
    innermost = op.axis.value.data == len(shape) - 1
    return (one_slope or innermost) and min(op.shifts.get_values()) >= 2


def sink_prelu_transposes(module: ModuleOp) -> None:
    """`qprelu(qtranspose(y, NCHW))` with `y` channels-last becomes
    `qtranspose(qprelu'(y), NCHW)`, the slope axis mapped to `y`'s axes, so
    the op runs in the RSP layers' layout and the transposes can cancel."""
    for op in [o for o in module.walk() if isinstance(o, QPReluOp)]:
        back = op.input.owner
        if not isinstance(back, QTransposeOp):
            continue
        perm = tuple(int(v) for v in back.perm.get_values())
        if perm != TO_NCHW:
            continue
        frac = op.frac_bits.value.data
        moved = QPReluOp(
            back.input,
            perm[op.axis.value.data],
            op.multipliers.get_values(),
            op.shifts.get_values(),
            frac,
        )
        moved.attributes.update(op.attributes)
        Rewriter.replace_op(op, [moved, QTransposeOp(moved.output, TO_NCHW, frac)])
        if not back.output.uses:
            Rewriter.erase_op(back)


def rounding_factors(shift: int) -> tuple[int, int]:
    """Two int16 factors whose product is `2^(shift-1)` (`shift` in
    [1, 30]): `2^29` is `-2^14 * -2^15`."""
    if shift - 1 <= 28:
        ra = min(shift - 1, 14)
        return 1 << ra, 1 << (shift - 1 - ra)
    return -(1 << 14), -(1 << 15)


def prelu_table(op: QPReluOp, groups: int) -> np.ndarray:
    """The slope table as int16: `groups` entries of the five vectors
    `m, ra, rb, mlo, mhi` (lane `l` of entry `g` for channel `8g + l`;
    padded channels get a zero multiplier)."""
    muls = [int(v) for v in op.multipliers.get_values()]
    shifts = [int(v) for v in op.shifts.get_values()]
    lanes = 8 * groups
    if len(muls) == 1:
        muls, shifts = muls * lanes, shifts * lanes
    table = np.zeros((groups, 5, 8), dtype=np.int64)
    for channel in range(lanes):
        g, lane = divmod(channel, 8)
        m, s = (muls[channel], shifts[channel]) if channel < len(muls) else (0, 16)
        ra, rb = rounding_factors(s)
        mlo = 1 << (16 - s) if s <= 16 else 0
        mhi = 1 << (32 - s) if s > 16 else 0
        table[g, :, lane] = [m, ra, rb, mlo, mhi]
    # mhi is read unsigned: 2^15 is stored as its bit pattern
    return (table.reshape(-1) & 0xFFFF).astype(np.uint16).view(np.int16)


def build_prelu_kernel(op: QPReluOp, layer: str, dmem_bytes: int) -> TileKernelOp:
    """The tile program of one `n64.qprelu` (see the module docstring).
    Raises `BudgetError` when a row and the table do not fit DMEM."""
    shape = tensor_shape(op.input)
    cols = shape[-1] if shape else 1
    rows = math.prod(shape[:-1]) if len(shape) > 1 else 1
    per_channel = len(op.multipliers.get_values()) > 1
    row_vectors = _round_up(cols, 8) // 8
    groups = row_vectors if per_channel else 1
    nbytes = rows * row_vectors * 16
    table_bytes = groups * PRELU_ENTRY_BYTES
    room = dmem_bytes - PARAM_BYTES - table_bytes
    row_bytes = row_vectors * 16 if per_channel else 16
    chunk = min(nbytes, CHUNK_BYTES, room) // row_bytes * row_bytes
    if chunk <= 0:
        raise BudgetError(
            f"layer {layer}: a row of {cols} channels and its slope table need "
            f"{row_bytes + table_bytes} bytes of DMEM, {max(room, 0)} available"
        )
    full, tail = divmod(nbytes, chunk)
    table = prelu_table(op, groups)
    weights = DenseIntOrFPElementsAttr(
        TensorType(i16, [table.size]),
        BytesAttr(np.ascontiguousarray(table, dtype="<i2").tobytes()),
    )

    body = Block(
        arg_types=[RdramType(nbytes), RdramType(nbytes), RdramType(table_bytes)]
    )
    x_region, y_region, t_region = body.args
    buf = DmemAllocOp("a", DmemType(chunk))
    tab = DmemAllocOp("t", DmemType(table_bytes))
    zero = DmemAllocOp("k", DmemType(CONSTS_BYTES), [0] * (CONSTS_BYTES // 2))
    body.add_ops([buf, tab, zero])
    body.add_op(
        DmaInOp(
            t_region, tab.result, [], offset=0, strides=[], nbytes=table_bytes, tag=0
        )
    )

    def step(block: Block, indices: list[SSAValue], offset: int, size: int) -> None:
        strides = [chunk] * len(indices)
        block.add_ops(
            [
                DmaInOp(
                    x_region,
                    buf.result,
                    indices,
                    offset=offset,
                    strides=strides,
                    nbytes=size,
                    tag=0,
                ),
                DmaWaitOp(0),
                TileEltwiseOp(
                    "prelu",
                    [buf.result, tab.result],
                    buf.result,
                    zero.result,
                    vectors=size // 16,
                ),
                DmaOutOp(
                    buf.result,
                    y_region,
                    indices,
                    offset=offset,
                    strides=strides,
                    nbytes=size,
                    tag=1,
                ),
            ]
        )

    add_chunks(body, full, chunk, tail, step)
    body.add_op(DmaWaitOp(1))
    kernel = TileKernelOp(layer, [op.input], [op.output.type], Region(body), 0, weights)
    kernel.attributes["n64.eltwise"] = DenseArrayBase.from_list(i64, [nbytes, 1, chunk])
    return kernel
