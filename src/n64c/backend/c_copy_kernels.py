"""C kernels of the ops that only move elements, for any element type:
reshapes (`n64.reshape`, `n64.flatten`, `n64.qreshape`: one copy),
concatenation (`n64.concat`, `n64.qconcat`: one block copy per outer index),
`n64.slice` and `n64.qslice` (one block per outer index), `n64.gather` and
`n64.qgather` (a table of byte offsets, one copy per index and outer
index). No index is computed with a
division.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation, SSAValue

from n64c.backend.c_common import SIZEOF, KernelContext, OpEmitter, c_type, shape_of
from n64c.dialects import n64_graph as g
from n64c.dialects import n64_graph_index as gi
from n64c.dialects import n64_quant as q

COPY_KERNELS: dict[str, str] = {
    "concat": """\
/* One input of a concatenation (any element type): `outer` blocks of
 * `part` bytes, block o going to y + o * row + offset. */
static void n64c_concat_part(uint8_t *y, const uint8_t *x, uint32_t outer,
                             uint32_t part, uint32_t row, uint32_t offset)
{
    uint32_t o;
    for (o = 0; o < outer; o++)
        memcpy(y + (size_t)o * row + offset, x + (size_t)o * part, part);
}
""",
    "slice": """\
/* A slice along one axis (any element type): y's `outer` blocks of `part`
 * bytes, block o read from x + o * row + offset. */
static void n64c_slice_part(uint8_t *y, const uint8_t *x, uint32_t outer,
                            uint32_t part, uint32_t row, uint32_t offset)
{
    uint32_t o;
    for (o = 0; o < outer; o++)
        memcpy(y + (size_t)o * part, x + (size_t)o * row + offset, part);
}
""",
    "gather": """\
/* Gather along one axis (any element type): for each of x's `outer` blocks
 * of `row` bytes, the `count` runs of `part` bytes at byte offsets
 * offsets[0..count) of the block, in order. */
static void n64c_gather(uint8_t *y, const uint8_t *x, uint32_t outer,
                        uint32_t row, const uint32_t *offsets, uint32_t count,
                        uint32_t part)
{
    uint32_t o, j;
    if (part == 2 && ((uintptr_t)y | (uintptr_t)x | row) % 2 == 0) {
        /* single int16 elements (the strip layout of a pixel-lane conv):
         * one halfword load and store each, no call */
        uint16_t *y16 = (uint16_t *)y;
        for (o = 0; o < outer; o++) {
            const uint8_t *block = x + (size_t)o * row;
            for (j = 0; j < count; j++)
                *y16++ = *(const uint16_t *)(block + offsets[j]);
        }
        return;
    }
    for (o = 0; o < outer; o++) {
        const uint8_t *block = x + (size_t)o * row;
        for (j = 0; j < count; j++) {
            memcpy(y, block + offsets[j], part);
            y += part;
        }
    }
}
""",
}
"""C text of the copy kernels, by name."""


class CopyOps(KernelContext):
    """Emitters of the ops that move elements."""

    def op_copy(self, op: Operation, out: list[str]) -> None:
        src = op.operands[0]
        n = int(np.prod(shape_of(src)))
        out.append(
            f"memcpy({self.buf(op.results[0])}, {self.buf(src)}, "
            f"{n}u * sizeof({c_type(src)}));"
        )

    def op_concat(self, op: Operation, out: list[str]) -> None:
        """`n64.concat` and `n64.qconcat` (the same copies for any type)."""
        assert isinstance(op, g.ConcatOp | q.QConcatOp)
        self.need("concat")
        ys = shape_of(op.results[0])
        axis = int(op.axis.value.data)
        axis = axis + len(ys) if axis < 0 else axis
        size = SIZEOF[c_type(op.results[0])]
        outer = int(np.prod(ys[:axis]))
        row = int(np.prod(ys[axis:])) * size
        y = self.buf(op.results[0])
        offset = 0
        for v in op.operands:
            part = int(np.prod(shape_of(v)[axis:])) * size
            out.append(
                f"n64c_concat_part((uint8_t *){y}, (const uint8_t *){self.buf(v)}, "
                f"{outer}u, {part}u, {row}u, {offset}u);"
            )
            offset += part

    def _axis_blocks(self, x: SSAValue, axis: int) -> tuple[int, int, int]:
        """(outer count, bytes of one block from `axis` on, bytes per
        element of `axis`) of tensor `x`."""
        shape = shape_of(x)
        size = SIZEOF[c_type(x)]
        inner = int(np.prod(shape[axis + 1 :])) * size
        return int(np.prod(shape[:axis])), shape[axis] * inner, inner

    def op_slice(self, op: Operation, out: list[str]) -> None:
        """`n64.slice` and `n64.qslice` (the same copies for any type)."""
        assert isinstance(op, gi.SliceOp | q.QSliceOp)
        self.need("slice")
        start, end = op.get_range()
        x, y = op.operands[0], op.results[0]
        outer, row, inner = self._axis_blocks(x, op.get_axis())
        out.append(
            f"n64c_slice_part((uint8_t *){self.buf(y)}, "
            f"(const uint8_t *){self.buf(x)}, {outer}u, {(end - start) * inner}u, "
            f"{row}u, {start * inner}u);"
        )

    def op_gather(self, op: Operation, out: list[str]) -> None:
        """`n64.gather` and `n64.qgather` (the same copies for any type)."""
        assert isinstance(op, gi.GatherOp | q.QGatherOp)
        self.need("gather")
        x, y = op.operands[0], op.results[0]
        outer, row, inner = self._axis_blocks(x, op.get_axis())
        indices = op.get_indices()
        offsets = self.small_table("uint32_t", [i * inner for i in indices])
        out.append(
            f"n64c_gather((uint8_t *){self.buf(y)}, "
            f"(const uint8_t *){self.buf(x)}, {outer}u, {row}u, {offsets}, "
            f"{len(indices)}u, {inner}u);"
        )


COPY_HANDLERS: dict[type[Operation], OpEmitter] = {
    g.ReshapeOp: CopyOps.op_copy,
    g.FlattenOp: CopyOps.op_copy,
    q.QReshapeOp: CopyOps.op_copy,
    g.ConcatOp: CopyOps.op_concat,
    q.QConcatOp: CopyOps.op_concat,
    gi.SliceOp: CopyOps.op_slice,
    gi.GatherOp: CopyOps.op_gather,
    q.QSliceOp: CopyOps.op_slice,
    q.QGatherOp: CopyOps.op_gather,
}
"""The ops this module emits, with their emitter."""
