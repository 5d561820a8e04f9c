"""Activations handed from one RSP run to the next in the arena
(`backend/c_handoffs.py`): an input is left unpacked when an earlier run
wrote it in a slot of the same place and layout and none of the run's own
packs overlaps it; an output is left unpacked when every use is such an
input. The generated drivers run bit-exact on z64 and the
emulated console with them (`test_c_emit.py`, `test_rom.py`); here, which
copies go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from test_rom import _residual_cnn as residual_cnn
from xdsl.dialects.builtin import TensorType, i16
from xdsl.ir import Block, SSAValue

from n64c.api import compile as compile_model
from n64c.backend.c_handoffs import plan_handoffs
from n64c.backend.host_runtime import run_native
from n64c.backend.rsp_program import RspInvocation, TensorSlot
from n64c.dialects import n64_quant as q
from n64c.dialects.n64_tile import RspInvokeOp
from n64c.passes.lower_to_rsp import LowerToRspPass
from n64c.pipeline import default_pipeline
from n64c.sim.int_engine import quantize, run_int_raw

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


def test_a_value_read_later_stays_and_one_the_cpu_reads_is_unpacked() -> None:
    """A run two runs later reads its input where its producer left it
    (`plan-rdram` keeps the space to that value until its last use); an
    output a CPU op reads is unpacked, and still handed to the next run."""
    block = chain()
    a = invoke("ucode0", [block.args[0]], outputs=2)
    b = invoke("ucode1", [a.outputs[0]])
    cpu = q.QClampOp(a.outputs[0], 10, (0, 100))
    c = invoke("ucode2", [a.outputs[1]])
    ops = [a, b, cpu, c]
    runs = [
        run(a, [(0, (4, 8))], [64, 128]),
        run(b, [(64, (4, 8))], [192]),
        run(c, [(128, (4, 8))], [0]),
    ]
    plan = plan_handoffs(ops, runs)
    assert not plan.packs(b, 0) and plan.unpacks(a.outputs[0])
    assert not plan.packs(c, 0) and not plan.unpacks(a.outputs[1])


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


def test_residual_branches_stay_in_the_arena_on_z64(tmp_path: Path) -> None:
    """A residual CNN with one RSP run per layer: each activation, the
    residual branch included (read two runs after it is written), is read
    where its producer left it, and the native driver on the z64 RSP core
    matches the golden model bit for bit."""
    passes = [
        replace(p, shared=False) if isinstance(p, LowerToRspPass) else p
        for p in default_pipeline()
    ]
    rng = np.random.default_rng(3)
    calib = rng.random((16, 1, 1, 8, 8)).astype(np.float32)
    cm = compile_model(residual_cnn(), calibration=calib, passes=passes)
    assert len(cm.program.invocations) >= 4
    out = tmp_path / "out"
    cm.save(out)
    source = (out / "model.c").read_text()
    # the input, packed through its transpose to channels-last
    assert source.count("n64c_pack_transposed(n64c_arena") == 1
    assert "n64c_pack(n64c_arena" not in source
    assert source.count("n64c_unpack(n64c_t") == 1
    invokes = [o for o in cm.module.walk() if isinstance(o, RspInvokeOp)]
    later = [  # inputs produced more than one run before
        (op, i)
        for k, op in enumerate(invokes)
        for i, v in enumerate(op.inputs)
        if isinstance(v.owner, RspInvokeOp) and invokes.index(v.owner) < k - 1
    ]
    assert later
    x = rng.random((3, 1, 1, 8, 8)).astype(np.float32)
    assert cm.quantized is not None
    golden, _frac = next(
        iter(run_int_raw(cm.quantized, {cm.input_names[0]: x}).values())
    )
    header = (out / "model.h").read_text()
    frac = int(header.split("#define N64C_MODEL_INPUT0_FRAC_BITS ")[1].split()[0])
    (outputs,), runs = run_native(out, [quantize(x, frac)], quantized=True)
    assert runs == 3 * len(cm.program.invocations)
    assert np.array_equal(outputs, golden.reshape(3, -1))
