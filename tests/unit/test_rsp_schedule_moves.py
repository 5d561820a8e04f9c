"""`rsp-schedule`'s moves across blocks' edges: increments of a base
register ahead of the accesses through it (their offsets rebased), and
delay slots filled. Each program runs on the simulator scheduled and as
written, with the same DMEM at the end."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.context import Context

from n64c.backend.rsp_asm import parse_asm, print_asm
from n64c.backend.rsp_encode import encode_program
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.sim.rsp import simulate

LOOP = """
    .text
    addi t0, zero, 6
    addi t1, zero, 64
    addi t2, zero, 1024
loop:
    lqv $v01, {first}, t1
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
