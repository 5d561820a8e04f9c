"""The RSP cycle model on small programs, with totals counted by hand.

Each comment walks the issue groups: ``[a+b]`` is a dual-issued pair, ``+n``
are stall cycles. See docs/rsp-timing.md for the rules.
"""

from __future__ import annotations

from rsp_words import (
    BREAK,
    NOP,
    addiu,
    beq,
    bne,
    jal,
    jr,
    lw,
    mfc0,
    mtc0,
    ori,
    program,
    sw,
    vector_engine,  # noqa: F401 (autouse: both engines)
    vload,
    vop,
)

from n64c.sim.rsp import simulate
from n64c.sim.rsp.timing import dma_cycles

VX = vop("vxor", 1, 2, 3)  # a vector op touching nothing below


def cycles(*ops: int | list[int], **kw: object) -> int:
    return simulate(program(*ops), **kw).cycles  # type: ignore[arg-type]


def test_scalar_ops_take_one_cycle_each() -> None:
    assert cycles(addiu("t0", "zero", 1), addiu("t1", "zero", 2), BREAK) == 3


def test_scalar_and_vector_dual_issue_in_either_order() -> None:
    # [addiu+vxor] [break]
    assert cycles(addiu("t0", "zero", 1), VX, BREAK) == 2
    # [vxor+addiu] [break]
    assert cycles(VX, addiu("t0", "zero", 1), BREAK) == 2
    # two vector ops never pair: [vxor] [vxor+break]
    assert cycles(VX, vop("vxor", 4, 5, 6), BREAK) == 2
    r = simulate(program(addiu("t0", "zero", 1), VX, BREAK))
    assert r.timing.dual_issues == 1 and r.instructions == 3


def test_no_dual_issue_when_the_second_reads_what_the_first_writes() -> None:
    # [lqv v1] +3 (RAW at distance 1) [vxor v2,v1,v1 + break]
    assert cycles(vload("qv", 1, 0, "zero"), vop("vxor", 2, 1, 1), BREAK) == 1 + 3 + 1
    # flags: vaddc writes VCO, vadd reads it: they cannot pair, but an unrelated
    # scalar op pairs with vaddc: [vaddc+addiu] [vadd+break]
    ops = [vop("vaddc", 4, 5, 6), addiu("t0", "zero", 1), vop("vadd", 7, 8, 9), BREAK]
    assert cycles(*ops) == 2


def test_vector_raw_stalls_3_2_1() -> None:
    v1 = vop("vxor", 1, 2, 3)
    use = vop("vxor", 7, 1, 1)
    fill = [vop("vxor", 4, 5, 6), vop("vxor", 10, 11, 12), vop("vxor", 13, 14, 15)]
    # the last vxor pairs with break each time
    assert cycles(v1, use, BREAK) == 2 + 3  # distance 1
    assert cycles(v1, fill[0], use, BREAK) == 3 + 2  # distance 2
    assert cycles(v1, fill[0], fill[1], use, BREAK) == 4 + 1  # distance 3
    assert cycles(v1, *fill, use, BREAK) == 5  # distance 4: no stall


def test_scalar_load_use_stalls_2_1_and_alu_bypasses() -> None:
    # [lw] [addiu t1,t0] +2 [break]
    assert cycles(lw("t0", 0, "zero"), addiu("t1", "t0", 1), BREAK) == 3 + 2
    # [lw] [addiu t2] [addiu t1,t0] +1 [break]
    assert (
        cycles(lw("t0", 0, "zero"), addiu("t2", "zero", 1), addiu("t1", "t0", 1), BREAK)
        == 4 + 1
    )
    assert cycles(addiu("t0", "zero", 1), addiu("t1", "t0", 1), BREAK) == 3


def test_store_two_after_a_load_costs_one() -> None:
    # [lw t0] [addiu t2] [sw t2] +1 [break]
    assert (
        cycles(lw("t0", 0, "zero"), addiu("t2", "zero", 1), sw("t2", 4, "zero"), BREAK)
        == 4 + 1
    )
    # right after the load (and not using its result): no stall
    assert cycles(lw("t0", 0, "zero"), sw("t2", 4, "zero"), BREAK) == 3


def test_taken_branch_costs_one_and_its_delay_slot_issues_alone() -> None:
    # [beq] [addiu (delay slot, alone)] +1 [vxor+break]
    # (the branch offset counts words from the delay slot: 1 lands on the vxor)
    assert cycles(beq("zero", "zero", 1), addiu("t0", "zero", 1), VX, BREAK) == 4
    # not taken: [bne] [addiu (delay slot, alone)] [vxor+break]
    assert cycles(bne("zero", "zero", 1), addiu("t0", "zero", 1), VX, BREAK) == 3


def test_branch_target_with_address_bit_2_issues_alone() -> None:
    body = [addiu("t0", "zero", 1), VX, vop("vxor", 4, 5, 6), BREAK]
    # target 0x10: [beq] [nop] +1 [addiu+vxor] [vxor+break]
    aligned = cycles(beq("zero", "zero", 3), NOP, NOP, NOP, *body)
    assert aligned == 5
    # target 0x14: [beq] [nop] +1 [addiu] [vxor] [vxor+break]
    odd = cycles(beq("zero", "zero", 4), NOP, NOP, NOP, NOP, *body)
    assert odd == 6


def dma_read(nbytes: int) -> list[int]:
    return [
        ori("t0", "zero", 0x100), mtc0("t0", 0),
        ori("t0", "zero", 0x40), mtc0("t0", 1),
        ori("t0", "zero", nbytes - 1), mtc0("t0", 2),
    ]  # fmt: skip


def test_dma_waited_on_costs_the_remaining_time() -> None:
    # COP0 moves count as load and store (ares): an mtc0 two groups after an
    # mtc0 stalls 1. Groups: ori, mtc0, ori, mtc0 +1, ori, mtc0 +1 -> the DMA
    # starts at cycle 7 and ends when its measured duration has passed.
    end = 7 + dma_cycles(True, 1, 64)
    # a lone mfc0 DMA_BUSY (no polling loop) issues at cycle 8 and is charged
    # the remaining time as one bubble, then break
    assert cycles(dma_read(64), mfc0("t1", 6), BREAK, rdram=bytes(0x1000)) == end + 2
    # not waited on: the run still ends only when the DMA is done
    assert cycles(dma_read(64), BREAK, rdram=bytes(0x1000)) == end
    # a short DMA hidden behind enough work costs nothing extra
    work = [addiu("t2", "zero", 1)] * 40
    assert (
        cycles(dma_read(8), *work, mfc0("t1", 6), BREAK, rdram=bytes(0x1000))
        == 8 + 40 + 2
    )


def poll(register: int) -> list[int]:
    """`loop: mfc0 t1, cN; bne t1, zero, loop; nop` (the compiler's wait)."""
    return [mfc0("t1", register), bne("t1", "zero", -2), NOP]


def test_polling_loop_spins_in_whole_iterations() -> None:
    """The wait rounds up to whole trips round the polling loop: per trip
    the bne (+2 load-use stall on the mfc0), its delay slot, the taken-branch
    bubble and the mfc0 again: 6 cycles. The loop's mfc0 first reads at
    cycle 8 (see above); after the last read: bne +2, nop, break."""
    for nbytes in (8, 64, 1024, 4096):
        end = 7 + dma_cycles(True, 1, nbytes)
        trips = -(-(end - 8) // 6)
        last_read = 8 + 6 * trips
        result = simulate(
            program(dma_read(nbytes), poll(6), BREAK), rdram=bytes(0x2000)
        )
        assert result.cycles == last_read + 6
        # the simulator runs the loop once, as the z64 core does
        assert result.instructions == 6 + 3 + 1
        assert result.timing.dma_wait_cycles == 6 * trips


def test_polling_loop_at_a_target_with_bit_2_set_costs_the_same() -> None:
    # the mfc0 at 0x1C (bit 2 set) issues alone anyway: it never pairs with
    # the branch after it. nop at 8; the mfc0 (a COP move, so a store) sits
    # two groups after the mtc0 (a load): +1, it first reads at 10.
    end = 7 + dma_cycles(True, 1, 512)
    trips = -(-(end - 10) // 6)
    prog = program(dma_read(512), NOP, poll(6), BREAK)
    assert simulate(prog, rdram=bytes(0x2000)).cycles == 10 + 6 * trips + 6


def test_polling_dma_full_waits_for_the_oldest_transfer_only() -> None:
    """Two transfers in flight: DMA_FULL reads busy until the first is done;
    the loop then falls through while the second still runs."""
    length = ori("t0", "zero", 1024 - 1)
    first_end = 7 + dma_cycles(True, 1, 1024)
    second_end = first_end + dma_cycles(True, 1, 1024)
    # ori, mtc0 (2nd length, queued at 10) +1 stall: the loop's mfc0 at 11
    trips = -(-(first_end - 11) // 6)
    last_read = 11 + 6 * trips
    prog = program(dma_read(1024), length, mtc0("t0", 2), poll(5), BREAK)
    result = simulate(prog, rdram=bytes(0x2000))
    assert last_read < second_end
    assert result.cycles == second_end
    # and a DMA_BUSY loop after it waits for the second one
    prog = program(dma_read(1024), length, mtc0("t0", 2), poll(5), poll(6), BREAK)
    result = simulate(prog, rdram=bytes(0x2000))
    # second loop's first read: after bne +2, nop of the first loop
    first_read = last_read + 1 + 2 + 1 + 1
    trips2 = -(-(second_end - first_read) // 6)
    assert result.cycles == first_read + 6 * trips2 + 6


def test_polling_loop_replay_equals_iterating_every_trip(monkeypatch) -> None:
    """Trips past the pipeline's steady state are counted without replaying
    them; the count must equal replaying each one."""
    from n64c.sim.rsp import timing

    prog = program(dma_read(4096), vop("vxor", 1, 2, 3), poll(6), BREAK)
    fast = simulate(prog, rdram=bytes(0x2000))

    def every_trip(
        self: timing.CycleModel, kind: int, loop: timing.PollLoop, read: int
    ) -> None:
        start = self.clocks
        while self._busy_until(kind, self._poll_iteration(loop)) is not None:
            pass
        self.dma_wait += self.clocks - start

    monkeypatch.setattr(timing.CycleModel, "_spin", every_trip)
    slow = simulate(prog, rdram=bytes(0x2000))
    assert fast.timing == slow.timing
    assert fast.timing.dma_wait_cycles > 600


def test_third_dma_after_a_dma_full_poll_starts_when_the_second_ends() -> None:
    one = [
        ori("t0", "zero", 0x100),
        mtc0("t0", 0),
        ori("t0", "zero", 0x40),
        mtc0("t0", 1),
    ]
    length = ori("t0", "zero", 1024 - 1)
    start = [length, mtc0("t0", 2)]
    per = dma_cycles(True, 1, 1024)
    # DMA 1 starts at 7 and ends at 7+per, DMA 2 at 7+2*per; the DMA_FULL
    # loop (its mfc0 first reads at 11) spins in 6-cycle trips until DMA 1
    # is done, then DMA 3 queues behind DMA 2 and ends at 7+3*per, long
    # after the break.
    prog = program(*one, *start, *start, poll(5), *start, BREAK)
    report = simulate(prog, rdram=bytes(0x1000)).timing
    assert report.cycles == 7 + 3 * per
    assert report.dma_wait_cycles == 6 * -(-(7 + per - 11) // 6)


class _NoMemo(dict):
    def __setitem__(self, key: object, value: object) -> None:
        return None


def test_loop_memoisation_gives_the_same_count(monkeypatch) -> None:
    """Loops are costed per distinct entry state; the totals must equal
    costing every iteration."""
    from n64c.sim.rsp import timing

    body = [
        vload("qv", 1, 0, "s0"),
        vop("vmadh", 4, 1, 1),
        vop("vmadh", 5, 4, 1, 9),
        lw("t2", 0, "s0"),
        addiu("t3", "t2", 1),
        sw("t3", 16, "s0"),
        addiu("t0", "t0", -1),
        bne("t0", "zero", -8),
        vop("vxor", 6, 5, 4),
    ]
    prog = program(
        addiu("s1", "zero", 3),
        addiu("s0", "zero", 0x100),
        addiu("t0", "zero", 40),  # outer loop (index 2)
        *body,  # inner loop (indices 3-11)
        dma_read(64),
        mfc0("t1", 6),
        addiu("s1", "s1", -1),
        bne("s1", "zero", -19),
        NOP,
        BREAK,
    )
    fast = simulate(prog, rdram=bytes(0x1000))

    real_init = timing.CycleModel.__init__

    def init(self: timing.CycleModel) -> None:
        real_init(self)
        self.memo = _NoMemo()

    monkeypatch.setattr(timing.CycleModel, "__init__", init)
    slow = simulate(prog, rdram=bytes(0x1000))
    assert fast.timing == slow.timing
    assert fast.instructions == slow.instructions == 3 + 3 * (1 + 40 * 9 + 10)


def test_memoised_costs_are_forgotten_when_dma_rewrites_imem(monkeypatch) -> None:
    """Two overlays at 0x800 complete a loop that starts at 0x7FC, outside the
    overlay; the second overlay has a vector hazard the first lacks, so the
    loop's cost must be recomputed although its first instruction is the same."""
    from n64c.sim.rsp import timing

    def overlay(hazard: bool) -> bytes:
        return program(
            vop("vxor", 4, 1 if hazard else 5, 6),  # 0x800
            addiu("t0", "t0", -1),
            bne("t0", "zero", -4),  # back to 0x7FC
            NOP,
            jr("ra"),
            NOP,
            NOP,
            NOP,
        )

    rdram = bytearray(0x1000)
    rdram[0x100 : 0x100 + 32] = overlay(False)
    rdram[0x200 : 0x200 + 32] = overlay(True)

    def load(dram: int) -> list[int]:
        return [
            ori("t0", "zero", 0x1800), mtc0("t0", 0),
            ori("t0", "zero", dram), mtc0("t0", 1),
            ori("t0", "zero", 31), mtc0("t0", 2),
            mfc0("t0", 6), bne("t0", "zero", -2), NOP,  # until it is in
        ]  # fmt: skip

    imem = bytearray(
        program(load(0x100), jal(0x7F8), NOP, load(0x200), jal(0x7F8), NOP, BREAK)
    )
    imem = imem.ljust(0x7F8, b"\0")
    imem += program(addiu("t0", "zero", 20), vop("vxor", 1, 2, 3))  # 0x7F8, 0x7FC
    fast = simulate(bytes(imem), rdram=bytes(rdram))

    real_init = timing.CycleModel.__init__

    def init(self: timing.CycleModel) -> None:
        real_init(self)
        self.memo = _NoMemo()

    monkeypatch.setattr(timing.CycleModel, "__init__", init)
    slow = simulate(bytes(imem), rdram=bytes(rdram))
    assert fast.timing == slow.timing
    assert slow.timing.stall_cycles >= 20 * 3


def test_single_lane_ops_have_a_false_dependency_on_their_lane_field() -> None:
    # vmov's destination-lane field sits where vs would be; ares counts it as
    # a read for pairing. lqv $v05 then vmov with lane field 5: no pair.
    lqv5 = vload("qv", 5, 0, "zero")
    # [lqv+vmov] [vxor+break]
    assert cycles(lqv5, vop("vmov", 9, 4, 10, 8), VX, BREAK) == 2
    # [lqv] [vmov] [vxor+break]
    assert cycles(lqv5, vop("vmov", 9, 5, 10, 8), VX, BREAK) == 3
