"""Activations handed from one RSP run to the next in the arena, with no CPU
copy in between (used by the C back end, `c_emit`).

Each `n64.rsp_invoke` reads its inputs from arena slots and writes its
outputs to arena slots (`RspInvocation`). The C driver packs a CPU tensor
into an input slot before a run (`n64c_pack`: big-endian rows padded to 8
channels) and unpacks each output slot into a CPU tensor after it
(`n64c_unpack`). When a run's input is an output of an earlier run, in a
slot of the same place and layout, the arena still holds exactly the
bytes the pack would write: `plan-rdram` gives every activation an RSP
kernel reads or writes its own space from its producer to its last use
(tensors share space only when their lifetimes do not overlap), so no run
in between, and no pack for one, writes there. The input is then a
*handoff* (unless one of the run's own packs overlaps its slot, which that
rule excludes too; the check stays as a guard). An output whose every use
is such a handoff is never unpacked. On MobileNetV1-0.25 this leaves out
about 238,000 int16 elements unpacked and packed again per inference
(every boundary between its 19 runs), and on ResNet-8 the residual
branches too, read two runs after they are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xdsl.ir import Operation, SSAValue

from n64c.backend.rsp_program import RspInvocation, TensorSlot
from n64c.dialects.n64_tile import RspInvokeOp


def _layout(slot: TensorSlot) -> tuple[int, int, int, int]:
    return slot.offset, slot.rows, slot.cols, slot.padded_cols


def _overlap(a: TensorSlot, b: TensorSlot) -> bool:
    return a.offset < b.offset + b.nbytes and b.offset < a.offset + a.nbytes


@dataclass
class Handoffs:
    """The inputs left unpacked (`(invoke, input index)`) and the outputs
    left in the arena (never unpacked)."""

    inputs: set[tuple[Operation, int]] = field(default_factory=set)
    outputs: set[SSAValue] = field(default_factory=set)

    def packs(self, op: Operation, index: int) -> bool:
        """Whether input `index` of invoke `op` is packed by the CPU."""
        return (op, index) not in self.inputs

    def unpacks(self, value: SSAValue) -> bool:
        """Whether the CPU unpacks the run output `value`."""
        return value not in self.outputs


def plan_handoffs(
    ops: Sequence[Operation], invocations: Sequence[RspInvocation]
) -> Handoffs:
    """The handoffs among `ops` (in program order; their invokes are
    `invocations`, in the same order), whose arena slots `plan-rdram`
    placed by liveness."""
    invokes = [op for op in ops if isinstance(op, RspInvokeOp)]
    assert len(invokes) == len(invocations)
    plan = Handoffs()
    written: dict[SSAValue, TensorSlot] = {}  # every earlier run's outputs
    for op, inv in zip(invokes, invocations, strict=True):
        candidates = [
            i
            for i, (value, slot) in enumerate(zip(op.inputs, inv.inputs, strict=True))
            if value in written and _layout(written[value]) == _layout(slot)
        ]
        packed = [s for i, s in enumerate(inv.inputs) if i not in candidates]
        for i in candidates:
            if not any(_overlap(inv.inputs[i], other) for other in packed):
                plan.inputs.add((op, i))
        written.update(zip(op.outputs, inv.outputs, strict=True))
    for op in invokes:
        for value in op.outputs:
            uses = [use.operation for use in value.uses]
            if uses and all(
                isinstance(user, RspInvokeOp)
                and all(
                    (user, i) in plan.inputs
                    for i, x in enumerate(user.inputs)
                    if x is value
                )
                for user in uses
            ):
                plan.outputs.add(value)
    return plan
