"""Activations handed from one RSP run to the next in the arena, with no CPU
copy in between (used by the C back end, `c_emit`).

Each `n64.rsp_invoke` reads its inputs from arena slots and writes its
outputs to arena slots (`RspInvocation`). The C driver packs a CPU tensor
into an input slot before a run (`n64c_pack`: big-endian rows padded to 8
channels) and unpacks each output slot into a CPU tensor after it
(`n64c_unpack`). When a run's input is an output of the run just before,
in a slot of the same place and layout, the arena already holds exactly
the bytes the pack would write: nothing writes the arena between two runs
but the second run's own packs, so the input is a *handoff* unless one of
those packs overlaps its slot. An output whose every use is such a
handoff is never unpacked. On MobileNetV1-0.25 this leaves out 123,648
int16 elements unpacked and packed again per inference (every boundary
between its 19 runs), about 2.5 M VR4300 cycles of copying.
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
    `invocations`, in the same order)."""
    invokes = [op for op in ops if isinstance(op, RspInvokeOp)]
    assert len(invokes) == len(invocations)
    plan = Handoffs()
    previous: dict[SSAValue, TensorSlot] = {}
    for op, inv in zip(invokes, invocations, strict=True):
        candidates = [
            i
            for i, (value, slot) in enumerate(zip(op.inputs, inv.inputs, strict=True))
            if value in previous and _layout(previous[value]) == _layout(slot)
        ]
        packed = [s for i, s in enumerate(inv.inputs) if i not in candidates]
        for i in candidates:
            if not any(_overlap(inv.inputs[i], other) for other in packed):
                plan.inputs.add((op, i))
        previous = dict(zip(op.outputs, inv.outputs, strict=True))
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
