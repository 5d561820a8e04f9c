"""The chunk loop of the streaming tile programs (PRelu, channel slices):
`full` chunks of `chunk` units, in an `scf.for` when there are several,
then a shorter `tail`."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IndexType
from xdsl.ir import Block, Region, SSAValue

ChunkStep = Callable[[Block, list[SSAValue], int, int], None]
"""`step(block, loop_indices, start, count)` adds the ops of one chunk."""


def index_constant(block: Block, value: int) -> SSAValue:
    """An `index` constant appended to `block`."""
    op = arith.ConstantOp.from_int_and_width(value, IndexType())
    block.add_op(op)
    return op.result


def add_chunks(body: Block, full: int, chunk: int, tail: int, step: ChunkStep) -> None:
    """Append to `body` the `full` chunks of `chunk` units (a loop over them
    when there are two or more, the loop index passed to `step`) and the
    `tail` chunk after them."""
    if full > 1:
        loop_body = Block(arg_types=[IndexType()])
        loop = scf.ForOp(
            index_constant(body, 0),
            index_constant(body, full),
            index_constant(body, 1),
            [],
            Region(loop_body),
        )
        step(loop_body, [loop_body.args[0]], 0, chunk)
        loop_body.add_op(scf.YieldOp())
        body.add_op(loop)
    elif full:
        step(body, [], 0, chunk)
    if tail:
        step(body, [], full * chunk, tail)
