"""What an `rsp` op reads and writes: registers, the accumulator, flags,
memory, DMA. Shared by `rsp-allocate-registers` and `rsp-schedule`."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from xdsl.backend.register_type import RegisterType
from xdsl.ir import Operation

from n64c.dialects import rsp
from n64c.dialects.rsp_base import (
    BranchCompareOp,
    BranchZeroOp,
    RspInstruction,
    VectorAccReadOp,
    VectorComputeOp,
    VectorLaneOp,
    VectorLoadOp,
    VectorMemoryOp,
)
from n64c.dialects.rsp_types import GprType, VregType


def text_ops(module: Operation) -> Iterator[list[Operation]]:
    """The op lists of every `text` section of a program (or the module's
    own block when it has no sections)."""
    sections = [op for op in module.walk() if isinstance(op, rsp.SectionOp)]
    if not sections:
        for region in module.regions:
            for block in region.blocks:
                yield list(block.ops)
        return
    for section in sections:
        if section.section.data == "text":
            yield list(section.body.block.ops)


def is_full_vector_load(op: Operation) -> bool:
    """An `lqv` with element 0: it overwrites all of vt (the lowering only
    emits 16-byte aligned ones), so the previous value is not read."""
    return isinstance(op, rsp.LqvOp) and op.element.data == 0


def register_uses(op: Operation) -> list[RegisterType]:
    regs: list[RegisterType] = []
    for i, operand in enumerate(op.operands):
        if i == 0 and is_full_vector_load(op):
            continue
        if isinstance(operand.type, RegisterType):
            regs.append(operand.type)
    return regs


def register_defs(op: Operation) -> list[RegisterType]:
    return [r.type for r in op.results if isinstance(r.type, RegisterType)]


def is_branch(op: Operation) -> bool:
    kinds = (BranchCompareOp, BranchZeroOp, rsp.JOp, rsp.JrOp, rsp.JalOp, rsp.JalrOp)
    return isinstance(op, kinds)


def branch_target(op: Operation) -> str | None:
    target = op.properties.get("target")
    data = getattr(target, "data", None)
    return data if isinstance(data, str) else None


def is_vector_unit(op: Operation) -> bool:
    """Ops that issue on the vector unit (the rest use the scalar unit)."""
    return isinstance(op, VectorComputeOp | VectorLaneOp | VectorAccReadOp | rsp.VnopOp)


@dataclass(frozen=True)
class Effects:
    """Resources an op reads and writes, for dependence analysis."""

    reads: frozenset[object]
    writes: frozenset[object]


ACC = "acc"
FLAGS = "flags"
MEMORY = "dmem"
DMA = "dma"
SCALAR_LOAD_RESULT = "sload"


@functools.cache
def _zero() -> GprType:
    """`$zero` (built once: making a register type verifies it)."""
    return GprType.from_name("zero")


def effects(op: Operation) -> Effects:
    reads: set[object] = set(register_uses(op))
    writes: set[object] = set(register_defs(op))
    reads.discard(_zero())
    writes.discard(_zero())
    if isinstance(op, VectorComputeOp | VectorLaneOp):
        # every computational op reads and writes the accumulator and flags
        # (conservatively): keeps vector ops in order
        reads |= {ACC, FLAGS}
        writes |= {ACC, FLAGS}
    elif isinstance(op, VectorAccReadOp):
        reads.add(ACC)
    if isinstance(op, VectorMemoryOp):
        if isinstance(op, VectorLoadOp):
            reads.add(MEMORY)
        else:
            writes.add(MEMORY)
    elif isinstance(op, rsp.LwOp | rsp.LhOp | rsp.LbOp | rsp.LhuOp | rsp.LbuOp):
        reads.add(MEMORY)
    elif isinstance(op, rsp.SwOp | rsp.ShOp | rsp.SbOp):
        writes.add(MEMORY)
    elif isinstance(op, rsp.Mfc0Op | rsp.Mtc0Op):
        # DMA reads and writes DMEM behind the program's back
        reads |= {MEMORY, DMA}
        writes |= {MEMORY, DMA}
    elif isinstance(op, rsp.Cfc2Op | rsp.Ctc2Op | rsp.Mfc2Op | rsp.Mtc2Op):
        reads |= {FLAGS}
        writes |= {FLAGS}
    return Effects(frozenset(reads), frozenset(writes))


def instructions(ops: Sequence[Operation]) -> list[Operation]:
    return [o for o in ops if isinstance(o, RspInstruction | rsp.LabelOp)]


def is_virtual(reg: RegisterType) -> bool:
    if not reg.register_name.data:
        return True
    prefix = reg.infinite_register_prefix()
    return reg.register_name.data.startswith(prefix)


__all__ = [
    "GprType",
    "VregType",
]
