"""`n64.qslice` on the channel axis between RSP layers: a DMA-only copy.

ONNX Split and Slice of the channels of an NCHW tensor become `qslice`s
along axis 1 of `qtranspose(y, NCHW)`, where `y` is the channels-last
output of an RSP layer. `sink_slice_transposes` moves each such slice
behind the transpose (`qslice(y)` along the innermost axis, then
`qtranspose(., NCHW)`), so the transposes around it cancel against those of
the RSP layers after it. Along the innermost axis of the RSP's layout (rows
padded to 8 elements), the slice takes `Cp_out` elements (`C_out` padded)
from each row of `Cp_in`, starting at element `start`: one strided DMA
transfer per chunk of rows, no vector code:

```
for each chunk of up to 256 rows:
  dma_in x[rows, start : start + Cp_out] -> a      (rows with the input's row stride)
  dma_wait
  dma_out a -> y[rows]                              (contiguous)
dma_wait
```

The RDRAM offset must be 8-byte aligned (`start` a multiple of 4) and the
padded slice must end inside the padded input row (`start + Cp_out <=
Cp_in`); other slices, Gather (indices need not be a range) and slices of
other axes stay on the CPU (`n64c_qslice`, a byte copy).
"""

from __future__ import annotations

import math

from xdsl.dialects.builtin import (
    DenseArrayBase,
    ModuleOp,
    i64,
)
from xdsl.ir import Block, Region, SSAValue
from xdsl.rewriter import Rewriter

from n64c.dialects.n64_quant import QSliceOp, QTransposeOp, tensor_shape
from n64c.dialects.n64_tile import (
    DmaInOp,
    DmaOutOp,
    DmaWaitOp,
    DmemAllocOp,
    DmemType,
    RdramType,
    TileKernelOp,
)
from n64c.errors import BudgetError
from n64c.passes.chunk_loop import add_chunks
from n64c.passes.tile_constants import PARAM_BYTES, TO_NCHW

MAX_DMA_ROWS = 256
"""Rows of one strided RSP DMA transfer."""


def _padded(channels: int) -> int:
    return (channels + 7) // 8 * 8


def sink_slice_transposes(module: ModuleOp) -> None:
    """`qslice(qtranspose(y, NCHW), axis 1)` becomes
    `qtranspose(qslice(y, axis 3), NCHW)`."""
    for op in [o for o in module.walk() if isinstance(o, QSliceOp)]:
        back = op.input.owner
        if not isinstance(back, QTransposeOp):
            continue
        perm = tuple(int(v) for v in back.perm.get_values())
        if perm != TO_NCHW or op.get_axis() != 1:
            continue
        frac = op.frac_bits.value.data
        start, end = op.get_range()
        moved = QSliceOp(back.input, 3, start, end, frac)
        moved.attributes.update(op.attributes)
        Rewriter.replace_op(op, [moved, QTransposeOp(moved.output, TO_NCHW, frac)])
        if not back.output.uses:
            Rewriter.erase_op(back)


def slice_on_rsp(op: QSliceOp) -> bool:
    """Whether `op` is a channel slice the DMA can copy (see the module
    docstring)."""
    shape = tensor_shape(op.input)
    if len(shape) < 2 or op.get_axis() != len(shape) - 1:
        return False
    start, end = op.get_range()
    return start % 4 == 0 and start + _padded(end - start) <= _padded(shape[-1])


def build_slice_kernel(op: QSliceOp, layer: str, dmem_bytes: int) -> TileKernelOp:
    """The DMA-only tile program of one channel `qslice`. Raises
    `BudgetError` when not even one output row fits DMEM."""
    shape = tensor_shape(op.input)
    start, end = op.get_range()
    rows = math.prod(shape[:-1])
    in_row = 2 * _padded(shape[-1])
    out_row = 2 * _padded(end - start)
    per_chunk = min(rows, MAX_DMA_ROWS, (dmem_bytes - PARAM_BYTES) // out_row)
    if per_chunk < 1:
        raise BudgetError(
            f"layer {layer}: a row of {out_row} bytes does not fit the "
            f"{dmem_bytes - PARAM_BYTES} bytes of DMEM available"
        )
    full, tail = divmod(rows, per_chunk)
    body = Block(arg_types=[RdramType(rows * in_row), RdramType(rows * out_row)])
    x_region, y_region = body.args
    buf = DmemAllocOp("a", DmemType(per_chunk * out_row))
    body.add_op(buf)

    def copy(block: Block, indices: list[SSAValue], first_row: int, count: int) -> None:
        block.add_ops(
            [
                DmaInOp(
                    x_region,
                    buf.result,
                    indices,
                    offset=first_row * in_row + 2 * start,
                    strides=[per_chunk * in_row] * len(indices),
                    nbytes=out_row,
                    rows=count,
                    row_stride=in_row,
                    tag=0,
                ),
                DmaWaitOp(0),
                DmaOutOp(
                    buf.result,
                    y_region,
                    indices,
                    offset=first_row * out_row,
                    strides=[per_chunk * out_row] * len(indices),
                    nbytes=count * out_row,
                    tag=1,
                ),
            ]
        )

    add_chunks(body, full, per_chunk, tail, copy)
    body.add_op(DmaWaitOp(1))
    kernel = TileKernelOp(layer, [op.input], [op.output.type], Region(body), 0)
    kernel.attributes["n64.eltwise"] = DenseArrayBase.from_list(
        i64, [rows * out_row, 1, per_chunk * out_row]
    )
    return kernel
