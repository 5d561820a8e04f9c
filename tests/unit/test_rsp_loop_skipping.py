"""Timing-only runs that skip loop iterations count what a full run counts.

A timing-only run solves eligible affine loops for their trip count and
skips the iterations (sim/rsp/loops.py, CycleModel.repeat). Random loop
nests of every shape the compiler could emit, and some it never does, must
give the full simulator's cycles, cycle breakdown, marks, instruction count
and scalar registers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from rsp_words import (
    BREAK,
    NOP,
    addiu,
    bne,
    itype,
    lui,
    lw,
    mfc0,
    mtc0,
    ori,
    rtype,
    sw,
    vop,
    vstore,
)

from n64c.sim.rsp import RspRuntimeError, simulate
from n64c.sim.rsp import machine as machine_module
from n64c.sim.rsp.loops import NEVER, _sign_trips, _zero_trips
from n64c.sim.rsp.machine import Machine
from n64c.sim.rsp.state import RspState
from n64c.sim.rsp.timing_only import Taint, TimingOnlyError, taint_strided


class Asm:
    """Instruction words with labels; branches resolved at the end."""

    def __init__(self) -> None:
        self.items: list[int | tuple[Callable[[int], int], str, bool]] = []
        self.labels: dict[str, int] = {}
        self.fresh = 0

    def emit(self, *words: int) -> None:
        self.items.extend(words)

    def label(self, name: str) -> None:
        self.labels[name] = len(self.items)

    def new(self) -> str:
        self.fresh += 1
        return f"L{self.fresh}"

    def branch(self, make: Callable[[int], int], name: str) -> None:
        """A branch to `name`: `make(offset in words from the delay slot)`."""
        self.items.append((make, name, False))

    def jump(self, name: str) -> None:
        self.items.append((lambda address: 0x02 << 26 | address >> 2, name, True))

    def words(self) -> list[int]:
        out = []
        for pos, item in enumerate(self.items):
            if isinstance(item, int):
                out.append(item)
            else:
                make, name, absolute = item
                target = self.labels[name]
                out.append(make(4 * target if absolute else target - pos - 1))
        return out


def beq(rs: str, rt: str, words: int) -> int:
    return itype(0x04, rs, rt, words)


def blez(rs: str, words: int) -> int:
    return itype(0x06, rs, 0, words)


def bgtz(rs: str, words: int) -> int:
    return itype(0x07, rs, 0, words)


def bltz(rs: str, words: int) -> int:
    return itype(0x01, rs, 0, words)


def bgez(rs: str, words: int) -> int:
    return itype(0x01, rs, 1, words)


def addu(rd: str, rs: str, rt: str) -> int:
    return rtype(0x21, rd, rs, rt)


def subu(rd: str, rs: str, rt: str) -> int:
    return rtype(0x23, rd, rs, rt)


def sll(rd: str, rt: str, sa: int) -> int:
    return rtype(0x00, rd, 0, rt, sa)


def xori(rt: str, rs: str, imm: int) -> int:
    return itype(0x0E, rs, rt, imm)


def andi(rt: str, rs: str, imm: int) -> int:
    return itype(0x0C, rs, rt, imm)


COUNTERS = ["s0", "s1", "s2"]
LIMITS = ["s3", "s4", "s5"]
POINTERS = ["t0", "t1", "t2"]  # vector stores, one DMEM region per level
STORE_REGION = 0x280


def _poll(asm: Asm, register: int) -> None:
    """Spin until DMA_FULL (5) or DMA_BUSY (6) reads 0."""
    poll = asm.new()
    asm.label(poll)
    asm.emit(mfc0("a2", register))
    asm.branch(lambda w: bne("a2", "zero", w), poll)
    asm.emit(NOP)


def _body_item(asm: Asm, rng: np.random.Generator, level: int) -> None:
    choice = int(rng.integers(0, 11))
    if choice <= 2:
        asm.emit(vop("vxor", int(rng.integers(0, 32)), 1, 2))
    elif choice == 3:
        p = POINTERS[level]
        asm.emit(vstore("qv", int(rng.integers(0, 32)), 0, p), addiu(p, p, 16))
    elif choice == 4:  # affine scalar work
        asm.emit(
            [addu("t3", "t3", "t6"), subu("t7", "t7", "t6"), sll("t9", "t6", 3)][
                int(rng.integers(0, 3))
            ]
        )
    elif choice == 5:  # not affine: a toggle or a ring pointer
        if rng.random() < 0.5:
            asm.emit(xori("t6", "t6", 0x30))
        else:
            asm.emit(addiu("t7", "t7", 16), andi("t7", "t7", 0xF0))
    elif choice == 6:  # scalar load and store
        asm.emit(lw("t8", 0xC00, "a0"), addiu("a0", "a0", 4))
        if rng.random() < 0.5:
            asm.emit(sw("t3", 0xD80, "zero"))
    elif choice == 7:  # DMA, after a free queue slot; waited on or not
        asm.emit(
            ori("a1", "zero", 0xE00),
            mtc0("a1", 0),
            ori("a1", "zero", 8 * int(rng.integers(0, 64))),
            mtc0("a1", 1),
        )
        _poll(asm, 5)
        asm.emit(ori("a1", "zero", 8 * int(rng.integers(1, 8)) - 1), mtc0("a1", 2))
        if rng.random() < 0.7:
            _poll(asm, 6)
    elif choice == 8:  # a data-independent branch or a jump over one instruction
        skip = asm.new()
        kind = rng.random()
        if kind < 0.4:
            asm.branch(lambda w: beq("zero", "zero", w), skip)  # always taken
        elif kind < 0.7:
            asm.jump(skip)
        else:
            asm.branch(lambda w: bne("t5", "zero", w), skip)  # never taken
        asm.emit(NOP, vop("vxor", 3, 4, 5))
        asm.label(skip)
    elif choice == 9:  # constants and moves
        asm.emit(lui("v0", int(rng.integers(0, 0x10000))), ori("v1", "t3", 0))
    else:
        asm.emit(NOP)


def _loop(asm: Asm, rng: np.random.Generator, level: int, depth: int) -> None:
    c, lim, p = COUNTERS[level], LIMITS[level], POINTERS[level]
    innermost = level == depth - 1
    trips = int(rng.integers(1, 40 if innermost else 5))
    shape = str(
        rng.choice(
            ["down-bne", "down-bgtz", "down-bgez", "up-bne", "up-bltz", "up-blez"]
            + ["exit-beq", "overflow", "jump-back", "chase"]
        )
    )
    head, done = asm.new(), asm.new()
    asm.emit(ori(p, "zero", STORE_REGION * level), ori("a0", "zero", 0))
    step = int(rng.choice([1, 2, 3, 16, -5]))
    if shape.startswith("down"):
        asm.emit(addiu(c, "zero", trips - (shape == "down-bgez")))
    elif shape in ("up-bne", "chase"):
        asm.emit(addiu(c, "zero", 0), addiu(lim, "zero", trips * step))
    elif shape == "up-bltz":
        asm.emit(addiu(c, "zero", -trips))
    elif shape == "up-blez":
        asm.emit(addiu(c, "zero", 1 - trips))
    elif shape == "overflow":  # counts up to 0x80000000
        asm.emit(lui(c, 0x7FFF), ori(c, c, 0x10000 - trips))
    else:
        asm.emit(addiu(c, "zero", trips))
    asm.label(head)
    for _ in range(int(rng.integers(0, 5))):
        _body_item(asm, rng, level)
    if not innermost:
        _loop(asm, rng, level + 1, depth)
        for _ in range(int(rng.integers(0, 3))):
            _body_item(asm, rng, level)
    # the counter update sits before the branch or in its delay slot
    update = {
        "up-bne": addiu(c, c, step),
        "chase": addiu(c, c, step + 1),  # the limit moves by 1 too
        "up-bltz": addiu(c, c, 1),
        "up-blez": addiu(c, c, 1),
        "overflow": addiu(c, c, 1),
    }.get(shape, addiu(c, c, -1))
    in_slot = shape not in ("exit-beq", "jump-back", "chase") and rng.random() < 0.3
    if shape == "chase":
        asm.emit(addiu(lim, lim, 1))
    if not in_slot:
        asm.emit(update)
    slot = update if in_slot else [NOP, vop("vxor", 6, 7, 8)][int(rng.integers(0, 2))]
    if shape == "exit-beq":
        asm.branch(lambda w: beq(c, "zero", w), done)
        asm.emit(NOP)
        asm.branch(lambda w: beq("zero", "zero", w), head)
        asm.emit(slot)
    elif shape == "jump-back":
        asm.branch(lambda w: blez(c, w), done)
        asm.emit(NOP)
        asm.jump(head)
        asm.emit(slot)
    else:
        make: Callable[[int], int] = {
            "down-bne": lambda w: bne(c, "zero", w),
            "down-bgtz": lambda w: bgtz(c, w),
            "down-bgez": lambda w: bgez(c, w),
            "up-bne": lambda w: bne(c, lim, w),
            "chase": lambda w: bne(c, lim, w),
            "up-bltz": lambda w: bltz(c, w),
            "up-blez": lambda w: blez(c, w),
            "overflow": lambda w: bgez(c, w),
        }[shape]
        # an update in the delay slot runs after the test: one more trip
        asm.branch(make, head)
        asm.emit(slot)
    asm.label(done)


def random_program(seed: int) -> tuple[bytes, dict[int, int]]:
    rng = np.random.default_rng(seed)
    asm = Asm()
    asm.emit(ori("t6", "zero", int(rng.integers(1, 0x100))), ori("t5", "zero", 0))
    for _ in range(int(rng.integers(1, 3))):
        _loop(asm, rng, 0, int(rng.integers(1, 4)))
    asm.emit(BREAK)
    words = asm.words()
    assert len(words) <= 1024
    marks = {
        4 * int(i): n
        for n, i in enumerate(rng.integers(0, len(words), int(rng.integers(0, 3))))
    }
    return b"".join(w.to_bytes(4, "big") for w in words), marks


def assert_same(imem: bytes, marks: dict[int, int], seed: int) -> None:
    rng = np.random.default_rng(seed + 1)
    dmem = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
    rdram = rng.integers(0, 256, 0x1000, dtype=np.uint8)
    limit = 2_000_000
    full = simulate(imem, dmem, rdram, marks=marks, max_instructions=limit)
    try:
        fast = simulate(
            imem, dmem, rdram, marks=marks, max_instructions=limit, timing_only=True
        )
    except TimingOnlyError:
        pytest.fail("the random programs never read vector results")
    assert fast.cycles == full.cycles
    assert fast.timing == full.timing
    assert fast.instructions == full.instructions
    assert fast.gpr.tolist() == full.gpr.tolist()


@pytest.mark.parametrize("seed", range(120))
def test_random_loop_nests_count_as_the_full_simulator(seed: int) -> None:
    imem, marks = random_program(seed)
    assert_same(imem, marks, seed)


def _skipped(imem: bytes, max_instructions: int = 5_000_000) -> tuple[int, int]:
    """(instructions run, instructions the timing-only run skipped)."""
    st = RspState(1, np.zeros((1, 4096), np.uint8), np.zeros((1, 64), np.uint8), imem)
    machine = Machine(st, Taint(64))
    _, count = machine.run(max_instructions)
    return count, machine.skipped


def _vector_loop(trips: int) -> bytes:
    return b"".join(
        w.to_bytes(4, "big")
        for w in [
            addiu("s0", "zero", trips),
            ori("t0", "zero", 0),
            vop("vxor", 1, 2, 3),
            vstore("qv", 1, 0, "t0"),
            addiu("s0", "s0", -1),
            vop("vxor", 4, 1, 3),
            bne("s0", "zero", -5),
            addiu("t0", "t0", 16),
            BREAK,
        ]
    )


def test_long_loops_are_skipped_and_counted_exactly() -> None:
    imem = _vector_loop(5000)
    count, skipped = _skipped(imem)
    assert count == 2 + 5000 * 6 + 1
    assert skipped > 0.99 * count
    full = simulate(imem)
    fast = simulate(imem, timing_only=True)
    assert (fast.cycles, fast.timing, fast.gpr.tolist()) == (
        full.cycles,
        full.timing,
        full.gpr.tolist(),
    )


def test_skipped_vector_stores_taint_what_they_write() -> None:
    # 40 stores from 0x000 step 16 cover 0x000-0x27f; a load at 0x270 then
    # reads a vector result, one at 0x280 does not
    loop = _vector_loop(40)[:-4]
    reads = program_bytes(lw("t1", 0x270, "zero"), BREAK)
    with pytest.raises(TimingOnlyError):
        simulate(loop + reads, timing_only=True)
    clean = program_bytes(lw("t1", 0x280, "zero"), BREAK)
    assert (
        simulate(loop + clean, timing_only=True).cycles == simulate(loop + clean).cycles
    )


def program_bytes(*words: int) -> bytes:
    return b"".join(w.to_bytes(4, "big") for w in words)


def test_a_jump_inside_a_loop_body_is_followed() -> None:
    # the straight code from the head to the branch back is not the path:
    # the `j` skips the addiu every trip
    imem = program_bytes(
        ori("s0", "zero", 50),
        addiu("s0", "s0", -1),  # head
        0x02 << 26 | (0x14 >> 2),  # j 0x14
        NOP,
        addiu("t1", "t1", 7),  # never runs
        bne("s0", "zero", -5),  # 0x14: back to the head
        addiu("t2", "t2", 3),
        BREAK,
    )
    full = simulate(imem)
    fast = simulate(imem, timing_only=True)
    assert full.gpr.tolist()[9:11] == [0, 150]
    assert (fast.cycles, fast.timing, fast.gpr.tolist()) == (
        full.cycles,
        full.timing,
        full.gpr.tolist(),
    )
    assert _skipped(imem)[1] > 0


def test_endless_loops_still_hit_the_instruction_limit() -> None:
    # t0 goes 1, 3, 5, ... and never equals zero
    imem = program_bytes(
        ori("t0", "zero", 1), addiu("t0", "t0", 2), bne("t0", "zero", -2), NOP, BREAK
    )
    for timing_only in (False, True):
        with pytest.raises(RspRuntimeError, match="did not reach `break`"):
            simulate(imem, max_instructions=100_000, timing_only=timing_only)


def test_a_counter_wrapping_modulo_2_32_exits_where_the_simulator_does() -> None:
    # t0 from 0xfffffff0 up by 4: equal to zero after 4 trips (mod 2**32)
    imem = program_bytes(
        lui("t0", 0xFFFF),
        ori("t0", "t0", 0xFFF0),
        addiu("t0", "t0", 4),
        bne("t0", "zero", -2),
        vop("vxor", 1, 2, 3),
        BREAK,
    )
    full = simulate(imem)
    fast = simulate(imem, timing_only=True)
    assert full.instructions == 2 + 4 * 3 + 1
    assert (fast.cycles, fast.timing, fast.gpr.tolist()) == (
        full.cycles,
        full.timing,
        full.gpr.tolist(),
    )


def test_trip_solvers() -> None:
    # v0 + j * step == 0 (mod 2**32) first at j
    assert _zero_trips(10, (-2) & 0xFFFFFFFF, zero=False) == 5
    assert _zero_trips(10, 4, zero=False) == NEVER  # 10 + 4j is never 0 mod 4
    assert _zero_trips(0xFFFFFFF0, 4, zero=False) == 4
    assert _zero_trips(3, 0, zero=False) == NEVER
    assert _zero_trips(0, 5, zero=True) == 1
    assert _zero_trips(7, 5, zero=True) == 0
    # signed(v0 + j * step) >= threshold stays at_least until
    assert _sign_trips(5, (-1) & 0xFFFFFFFF, 1, True) == 5  # bgtz countdown
    assert _sign_trips((-3) & 0xFFFFFFFF, 1, 0, False) == 3  # bltz count-up
    assert _sign_trips(0x7FFFFFFE, 1, 0, True) == 2  # leaves the int32 range
    assert _sign_trips(4, 0, 1, True) == NEVER
    assert _sign_trips(4, 1, 1, False) == 0


@pytest.mark.parametrize("seed", range(20))
def test_strided_taint_equals_tainting_store_by_store(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(50):
        first = int(rng.integers(0, 1 << 32))
        step = int(
            rng.choice([0, 16, 32, 48, 4096 - 16, int(rng.integers(0, 1 << 32))])
        )
        count = int(rng.integers(1, 400))
        size = int(rng.choice([1, 2, 4, 8, 16]))
        expected = np.zeros(4096, dtype=bool)
        for j in range(count):
            # as the tainting store closure does it
            start = (first + j * step) & 0xFF0
            end = (((first + j * step + size - 1) & 0xFFF) | 15) + 1
            if end > start:
                expected[start:end] = True
            else:
                expected[start:] = True
                expected[:end] = True
        mask = np.zeros(4096, dtype=bool)
        taint_strided(mask.reshape(256, 16), first, step, count, size)
        assert (mask == expected).all()


@pytest.mark.parametrize("seed", range(40))
def test_the_cycle_model_counts_the_same_in_any_chunks(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memoised segments, chunk ends and repeats of the cycle model
    give what issuing every group gives, wherever the run record is cut."""
    imem, marks = random_program(seed)
    rng = np.random.default_rng(seed + 1)
    dmem = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
    rdram = rng.integers(0, 256, 0x1000, dtype=np.uint8)
    whole = simulate(imem, dmem, rdram, marks=marks, max_instructions=2_000_000)
    for chunk in (1, 2, 3, 5, 13):
        monkeypatch.setattr(machine_module, "TRACE_CHUNK", chunk)
        for timing_only in (False, True):
            cut = simulate(
                imem,
                dmem,
                rdram,
                marks=marks,
                max_instructions=2_000_000,
                timing_only=timing_only,
            )
            assert cut.timing == whole.timing
