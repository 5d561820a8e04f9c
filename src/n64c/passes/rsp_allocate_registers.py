"""`rsp-allocate-registers`: virtual to machine registers in `rsp` code.

Linear scan over the program order of each `text` section. A virtual
register (`!rsp.reg<j_N>`, `!rsp.vreg<vj_N>`) may be written many times; its
live range is the span from its first to its last mention, extended to the
end of every loop (a backward branch) it is live into, so loop-carried
values survive the back edge. Freed machine registers are reused
least-recently-freed first: consecutive loads then land in different
registers, which leaves `rsp-schedule` room to move them apart.

Usable GPRs are those of `GprType.allocatable_registers()` (not zero, at,
k0, k1, gp, sp, ra); all 32 vector registers are usable. Machine registers
already named in the code are left out of the pools. Running out of
registers raises a `BudgetError` (there is no spilling) that names the
layer whose code it is, from the layer's label and the program's
`n64.rsp_invoke`.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from xdsl.backend.register_type import RegisterType
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from n64c.backend.rsp_deps import (
    branch_target,
    is_branch,
    is_virtual,
    register_defs,
    register_uses,
    text_ops,
)
from n64c.dialects import rsp
from n64c.dialects.n64_tile import RspInvokeOp
from n64c.dialects.rsp_base import RspInstruction
from n64c.dialects.rsp_types import GprType, VregType
from n64c.errors import BudgetError

LAYER_LABEL = re.compile(r"^(.*)_layer_(\d+)$")
"""A layer's first label (`rsp_emitter.layer_label`): ucode, layer index."""


class RegisterPressureError(BudgetError):
    """More virtual registers of one kind live at once than the RSP has
    (`usable`); `where` is the (ucode, layer index) of the code, when a
    layer label precedes it."""

    def __init__(
        self, kind: str, live: int, usable: int, where: tuple[str, int] | None
    ) -> None:
        self.kind, self.live, self.usable, self.where = kind, live, usable, where
        super().__init__(self.describe(None))

    def describe(self, layer: str | None) -> str:
        """The message, naming `layer` (else the layer's index) when the
        place is known."""
        place = "RSP code"
        if self.where is not None:
            ucode, index = self.where
            name = f"layer {layer} ({ucode})" if layer else f"{ucode}, layer {index}"
            place = f"{name}: its RSP code"
        return (
            f"{place} needs {self.live} {self.kind} live at once, more than "
            f"the {self.usable} it can use (register allocation does not "
            "spill): its tiling keeps too many pointers or vectors in flight"
        )


def live_ranges(ops: list[Operation]) -> dict[RegisterType, list[int]]:
    """[start, end] program positions of every virtual register."""
    code = [o for o in ops if isinstance(o, RspInstruction | rsp.LabelOp)]
    label_pos = {
        o.label.data: i for i, o in enumerate(code) if isinstance(o, rsp.LabelOp)
    }
    ranges: dict[RegisterType, list[int]] = {}
    for i, op in enumerate(code):
        for reg in (*register_uses(op), *register_defs(op)):
            if not is_virtual(reg):
                continue
            span = ranges.setdefault(reg, [i, i])
            span[0] = min(span[0], i)
            span[1] = max(span[1], i)
    loops: list[tuple[int, int]] = []
    for i, op in enumerate(code):
        target = branch_target(op) if is_branch(op) else None
        if target is not None and label_pos.get(target, i + 1) <= i:
            loops.append((label_pos[target], i + 1))  # + delay slot
    changed = True
    while changed:
        changed = False
        for head, tail in loops:
            for span in ranges.values():
                if span[0] < head <= span[1] < tail:
                    span[1] = tail
                    changed = True
    return ranges


def _physical_in_use(ops: list[Operation]) -> set[RegisterType]:
    used: set[RegisterType] = set()
    for op in ops:
        for reg in (*register_uses(op), *register_defs(op)):
            if not is_virtual(reg):
                used.add(reg)
    return used


@dataclass
class _Pool:
    free: deque[RegisterType]
    kind: str

    def __post_init__(self) -> None:
        self.usable = len(self.free)


def allocate(ops: list[Operation]) -> dict[RegisterType, RegisterType]:
    """Machine register for each virtual register of one `text` section."""
    ranges = live_ranges(ops)
    taken = _physical_in_use(ops)
    pools = {
        GprType: _Pool(
            deque(r for r in GprType.allocatable_registers() if r not in taken), "GPRs"
        ),
        VregType: _Pool(
            deque(r for r in VregType.allocatable_registers() if r not in taken),
            "vector registers",
        ),
    }
    assignment: dict[RegisterType, RegisterType] = {}
    active: list[tuple[int, RegisterType]] = []
    for reg, (start, end) in sorted(ranges.items(), key=lambda kv: kv[1][0]):
        still: list[tuple[int, RegisterType]] = []
        for a_end, a_reg in sorted(active, key=lambda a: a[0]):
            if a_end < start:
                pools[type(a_reg)].free.append(assignment[a_reg])  # type: ignore[index]
            else:
                still.append((a_end, a_reg))
        active = still
        pool = pools[type(reg)]  # type: ignore[index]
        if not pool.free:
            live = 1 + sum(isinstance(r, type(reg)) for _, r in active)
            where = _layer_at(ops, start)
            raise RegisterPressureError(pool.kind, live, pool.usable, where)
        assignment[reg] = pool.free.popleft()
        active.append((end, reg))
    return assignment


def _layer_at(ops: list[Operation], position: int) -> tuple[str, int] | None:
    """The (ucode, layer index) of the last layer label at or before
    `position` (an index into the program's instructions and labels, as
    `live_ranges` counts them)."""
    code = [o for o in ops if isinstance(o, RspInstruction | rsp.LabelOp)]
    for op in reversed(code[: position + 1]):
        if isinstance(op, rsp.LabelOp):
            match = LAYER_LABEL.match(op.label.data)
            if match:
                return match.group(1), int(match.group(2))
    return None


def apply_assignment(
    ops: list[Operation], assignment: dict[RegisterType, RegisterType]
) -> None:
    values: list[SSAValue] = []
    for op in ops:
        values.extend(op.results)
    for value in values:
        new = assignment.get(value.type)  # type: ignore[arg-type]
        if new is not None:
            Rewriter.replace_value_with_new_type(value, new)


@dataclass(frozen=True)
class RspAllocateRegistersPass(ModulePass):
    """Allocate machine registers in every `rsp` program of the module."""

    name = "rsp-allocate-registers"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        programs = [
            m
            for m in op.walk()
            if isinstance(m, ModuleOp)
            and any(isinstance(o, RspInstruction) for o in m.walk())
            and not any(isinstance(i, ModuleOp) for i in m.body.block.ops)
        ]
        layers = {
            o.ucode.root_reference.data: [a.data for a in o.layers.data]
            for o in op.walk()
            if isinstance(o, RspInvokeOp)
        }
        for program in programs:
            for ops in text_ops(program):
                try:
                    assignment = allocate(ops)
                except RegisterPressureError as error:
                    if error.where is not None:
                        ucode, index = error.where
                        names = layers.get(ucode, [])
                        if index < len(names):
                            raise BudgetError(error.describe(names[index])) from None
                    raise
                apply_assignment(ops, assignment)
