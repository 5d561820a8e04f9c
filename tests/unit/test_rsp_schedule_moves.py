"""`rsp-schedule`'s moves across blocks' edges: increments of a base
register ahead of the accesses through it (their offsets rebased), and
delay slots filled (with a scalar-unit op, or with the loop's last vector
op). Each program runs on the simulator scheduled and as
written, with the same DMEM at the end."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.context import Context

from n64c.backend.rsp_asm import parse_asm, print_asm
from n64c.backend.rsp_encode import encode_program
from n64c.passes import rsp_schedule
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.sim.rsp import simulate

START = """
    .text
    addi t0, zero, 6
    addi t1, zero, 64
    addi t2, zero, 1024
loop:
"""
"""Six trips of a loop over `t1` (loads) and `t2` (stores)."""

LOOP = (
    START
    + """    lqv $v01, {first}, t1
    lqv $v02, 16, t1
    vaddc $v03, $v01, $v02
    vaddc $v04, $v03, $v03
    vaddc $v05, $v04, $v04
    sqv $v05, 0, t2
    sw t0, 2048(t1)
    addi t2, t2, 16
    addi t1, t1, 32
    addi t0, t0, -1
    bne t0, zero, loop
    nop
    break
"""
)


def scheduled(text: str) -> str:
    module = parse_asm(text)
    RspSchedulePass().apply(Context(), module)
    return print_asm(module)


def run(text: str) -> np.ndarray:
    dmem = bytes(range(256)) * 16
    result = simulate(encode_program(parse_asm(text)).imem, dmem)
    return np.frombuffer(result.dmem.tobytes(), dtype=np.uint8)


@pytest.mark.parametrize("first", [0, -1024])
def test_moves_keep_the_results(first: int) -> None:
    text = LOOP.format(first=first)
    after = scheduled(text)
    np.testing.assert_array_equal(run(after), run(text))


def test_the_store_pointer_moves_up_and_rebases() -> None:
    after = scheduled(LOOP.format(first=0))
    lines = [line.strip() for line in after.splitlines()]
    assert "sqv $v05, -16, t2" in lines
    assert lines.index("addi t2, t2, 16") < lines.index("sqv $v05, -16, t2")
    # t1's increment moves up too: the `sw` through it is rebased; t0, the
    # value it stores, keeps its increment after it
    assert lines.index("addi t1, t1, 32") < lines.index("sw t0, 2016(t1)")
    assert lines.index("sw t0, 2016(t1)") < lines.index("addi t0, t0, -1")


def test_an_offset_out_of_range_keeps_the_order() -> None:
    """`lqv` offsets stop at -1024: rebasing -1024 by 32 cannot be encoded,
    so t1's increment stays after that load."""
    after = scheduled(LOOP.format(first=-1024))
    lines = [line.strip() for line in after.splitlines()]
    assert "lqv $v01, -1024, t1" in lines
    assert lines.index("lqv $v01, -1024, t1") < lines.index("addi t1, t1, 32")


READOUT = (
    START
    + """{head}    lqv $v01, 0, t1
    lqv $v02, 16, t1
    vmudh $v03, $v01, $v02
    vmadh $v03, $v02, $v02
    vmadh $v03, $v01, $v01
    vsar $v04, COP2_ACC_MD
    vsar $v05, COP2_ACC_HI
{store}    vmudn $v07, $v04, $v02
    vmadh $v06, $v05, $v02
    addi t2, t2, 16
    addi t1, t1, 32
    addi t0, t0, -1
    bne t0, zero, loop
    nop
    sqv $v06, 0, t2
    break
"""
)
"""A loop whose last vector op is a readout's lone `vmadh`: its result is
stored by the next trip, after that trip's first instructions (or, with
`head`, by its first one)."""


def cycles(text: str) -> int:
    return simulate(encode_program(parse_asm(text)).imem, bytes(range(256)) * 16).cycles


def test_the_last_vector_op_fills_the_delay_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The slot takes the lone `vmadh` (the `vmudn` before it then pairs
    with the branch): the same results, and each of the 6 trips a cycle
    shorter than with the `nop`, less the cycle the store after the loop
    now waits for the result."""
    text = READOUT.format(head="", store="    sqv $v06, 0, t2\n")
    after = scheduled(text)
    lines = [line.strip() for line in after.splitlines()]
    branch = lines.index("bne t0, zero, loop")
    assert lines[branch + 1] == "vmadh $v06, $v05, $v02"
    assert lines[branch - 1] == "vmudn $v07, $v04, $v02"
    np.testing.assert_array_equal(run(after), run(text))
    monkeypatch.setattr(rsp_schedule, "_vector_slot_filler", lambda *_: None)
    with_nop = scheduled(text)
    assert "nop" in with_nop.split("bne t0, zero, loop")[1].split("\n")[1]
    assert cycles(with_nop) - cycles(after) == 5


def test_a_result_the_loop_reads_first_keeps_the_nop() -> None:
    """When the loop's first instruction stores the result, a `vmadh` in
    the slot would stall it: the slot keeps its `nop`."""
    text = READOUT.format(head="    sqv $v06, 0, t2\n", store="")
    lines = [line.strip() for line in scheduled(text).splitlines()]
    assert lines[lines.index("bne t0, zero, loop") + 1] == "nop"


MOVED_INTO_THE_BASE = """
    .text
    addi t1, zero, 64
    addi t3, zero, 512
    lqv $v01, 0, t1
    vaddc $v04, $v01, $v01
    lqv $v05, 16, t1
    addi t1, t1, 32
    addi t1, t3, 0
    lqv $v06, 0, t1
    vaddc $v07, $v06, $v06
    vsubc $v08, $v07, $v06
    vaddc $v09, $v08, $v07
    sqv $v04, 960, zero
    sqv $v05, 976, zero
    sqv $v09, 992, zero
    break
"""
"""A load through `t1`, an increment of `t1` that may go before it, then a
move into `t1` whose long chain asks to issue early (as a ring of slot
pointers rotates after a row's last loads)."""


def test_a_move_into_the_base_stays_after_its_accesses() -> None:
    """The increment goes up (the load rebased to -16), the move does not:
    the load reads `t1` before the move writes it."""
    after = scheduled(MOVED_INTO_THE_BASE)
    lines = [line.strip() for line in after.splitlines()]
    assert lines.index("addi t1, t1, 32") < lines.index("lqv $v05, -16, t1")
    assert lines.index("lqv $v05, -16, t1") < lines.index("addi t1, t3, 0")
    np.testing.assert_array_equal(run(after), run(MOVED_INTO_THE_BASE))
