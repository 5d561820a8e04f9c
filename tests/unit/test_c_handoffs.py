"""Activations handed from one RSP run to the next in the arena
(`backend/c_handoffs.py`): an input is left unpacked when the run just
before wrote it in a slot of the same place and layout and none of the
run's own packs overlaps it; an output is left unpacked when every use is
such an input. The generated drivers run bit-exact on z64 and the
emulated console with them (`test_c_emit.py`, `test_rom.py`); here, which
copies go."""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import TensorType, i16
from xdsl.ir import Block, SSAValue

from n64c.backend.c_handoffs import plan_handoffs
from n64c.backend.rsp_program import RspInvocation, TensorSlot
from n64c.dialects import n64_quant as q
from n64c.dialects.n64_tile import RspInvokeOp

T = TensorType(i16, [4, 8])


def invoke(name: str, inputs: Sequence[SSAValue], outputs: int = 1) -> RspInvokeOp:
    return RspInvokeOp(
        name,
        inputs,
        [T] * outputs,
        layers=[name],
        input_offsets=[0] * len(inputs),
        output_offsets=[0] * outputs,
        macs=0,
        cycles=0,
    )


def run(
    op: RspInvokeOp, ins: Sequence[tuple[int, tuple[int, ...]]], outs: Sequence[int]
) -> RspInvocation:
    return RspInvocation(
        op.ucode.root_reference.data,
        (op.ucode.root_reference.data,),
        tuple(TensorSlot(offset, shape) for offset, shape in ins),
        tuple(TensorSlot(offset, (4, 8)) for offset in outs),
        0,
        0,
        (0,),
        0,
    )


def chain() -> Block:
    """A block whose argument is the model input."""
    return Block(arg_types=[T])


def test_a_chain_of_runs_hands_every_activation_over() -> None:
    block = chain()
    a = invoke("ucode0", [block.args[0]])
    b = invoke("ucode1", [a.outputs[0]])
    c = invoke("ucode2", [b.outputs[0]])
    ops = [a, b, c]
    runs = [
        run(a, [(0, (4, 8))], [64]),
        run(b, [(64, (4, 8))], [128]),
        run(c, [(128, (32,))], [0]),  # same rows, cols and padding: 1 x 32
    ]
    plan = plan_handoffs(ops, runs)
    assert plan.packs(a, 0)  # the model input comes from the CPU
    assert not plan.packs(b, 0)
    assert plan.packs(c, 0)  # one row of 32, not 4 rows of 8: a new layout
    assert not plan.unpacks(a.outputs[0])
    assert plan.unpacks(b.outputs[0])
    assert plan.unpacks(c.outputs[0])


def test_a_value_read_later_or_on_the_cpu_is_unpacked() -> None:
    block = chain()
    a = invoke("ucode0", [block.args[0]], outputs=2)
    b = invoke("ucode1", [a.outputs[0]])
    c = invoke("ucode2", [a.outputs[1]])  # two runs after its producer
    cpu = q.QClampOp(a.outputs[0], 10, (0, 100))  # a CPU op reads the first
    ops = [a, b, cpu, c]
    runs = [
        run(a, [(0, (4, 8))], [64, 128]),
        run(b, [(64, (4, 8))], [192]),
        run(c, [(128, (4, 8))], [0]),
    ]
    plan = plan_handoffs(ops, runs)
    assert not plan.packs(b, 0)  # still the run just before: no copy in
    assert plan.unpacks(a.outputs[0])  # ... but the CPU op needs it
    assert plan.packs(c, 0) and plan.unpacks(a.outputs[1])


def test_an_overlapping_pack_keeps_the_copy() -> None:
    """The second run's other input is packed over part of the slot the
    first run left its output in: that output goes through the CPU."""
    block = chain()
    a = invoke("ucode0", [block.args[0]])
    b = invoke("ucode1", [a.outputs[0], block.args[0]])
    runs = [
        run(a, [(0, (4, 8))], [64]),
        run(b, [(64, (4, 8)), (96, (4, 8))], [0]),
    ]
    plan = plan_handoffs([a, b], runs)
    assert plan.packs(b, 0) and plan.packs(b, 1)
    assert plan.unpacks(a.outputs[0])
