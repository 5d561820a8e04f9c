"""Cycle model of the RSP simulator (see ``docs/rsp-timing.md``).

The functional simulator records what ran: the static :class:`OpInfo` of
every executed instruction (in order), which branches were taken (and their
targets), and DMA events. :class:`CycleModel` turns that record into cycles,
so the timing rules live here alone and can be refined without touching the
functional model. The rules follow ``rsp-reference.md`` (ares's
hardware-tested pipeline model):

* An *issue group* is one instruction, or a scalar-unit instruction (vector
  loads/stores and COP2 moves count as scalar-unit) paired with a
  vector-unit instruction in either order when they are consecutive, the
  first is not a branch and does not sit in a delay slot or at a
  single-issue branch target, and the second neither reads nor writes a
  vector register or flag register (VCO/VCC/VCE) the first writes. Each
  group costs 1 cycle plus stalls.
* Scalar load-use: a GPR written by a load, ``mfc0``, ``mfc2`` or ``cfc2``
  costs 2 stall cycles when read by the next group, 1 by the one after.
  ALU results bypass.
* Vector read-after-write (vector ops, vector loads, ``mtc2``): 3, 2, 1
  stalls when the writer is 1, 2, 3 groups earlier.
* A store (scalar or vector, and the COP moves, which ares counts as both
  load and store) two groups after a load costs 1 stall.
* Stall cycles are bubbles: they age the hazard history like a group.
* A taken branch costs 1 cycle after its delay slot; the delay slot issues
  alone; a branch target whose address has bit 2 set issues alone.
* DMA: a transfer takes ``DMA_SETUP_CYCLES + rows * bytes_per_row / 8``
  cycles and runs concurrently; at most 2 transfers are queued (one busy,
  one pending). Starting a third while two are in flight, reading DMA_BUSY
  or SP_STATUS (waits for all) or DMA_FULL (waits for a free slot) costs the
  remaining time. A run ends when ``break`` has issued and all DMA is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from n64c.sim.rsp.dma import EVENT_DMA, EVENT_WAIT_IDLE, EVENT_WAIT_SLOT

# Fixed cost of a DMA transfer before its first 8 bytes move (RDRAM request
# latency, about 12 RCP clocks for a page-mode read).
DMA_SETUP_CYCLES = 12
# Bytes a DMA moves per RSP cycle within a row.
DMA_BYTES_PER_CYCLE = 8
# Transfers the DMA engine holds at once (one busy + one pending).
DMA_QUEUE_DEPTH = 2


class OpInfo:
    """What the cycle model needs to know about one instruction word."""

    __slots__ = (
        "word",
        "vector",
        "r_read",
        "r_write",
        "v_read",
        "v_write",
        "vc_use",
        "vc_def",
        "vfake",
        "vnop_group",
        "load",
        "store",
        "branch",
    )

    def __init__(self, word: int) -> None:
        self.word = word
        self.vector = False
        self.r_read = 0
        self.r_write = 0  # non-bypassed GPR results (loads, mfc0/mfc2/cfc2)
        self.v_read = 0
        self.v_write = 0
        self.vc_use = 0
        self.vc_def = 0
        self.vfake = 0
        self.vnop_group = False
        self.load = False
        self.store = False
        self.branch = False


VCO, VCC, VCE = 1, 2, 4


def op_info(word: int) -> OpInfo:
    """Decode the hazard-relevant facts of one instruction word."""
    info = OpInfo(word)
    opcode = word >> 26
    rs = (word >> 21) & 31
    rt = (word >> 16) & 31
    rd = (word >> 11) & 31
    vd = (word >> 6) & 31
    vs = rd
    vt = rt

    def use(*regs: int) -> None:
        for r in regs:
            info.r_read |= 1 << r

    if opcode == 0x00:
        funct = word & 0x3F
        if funct in (0x00, 0x02, 0x03):
            use(rt)
        elif funct in (0x04, 0x06, 0x07) or funct >= 0x20:
            use(rs, rt)
        elif funct in (0x08, 0x09):
            use(rs)
            info.branch = True
        elif funct == 0x0D:
            info.branch = True
    elif opcode == 0x01:
        use(rs)
        info.branch = True
    elif opcode in (0x02, 0x03):
        info.branch = True
    elif opcode in (0x04, 0x05):
        use(rs, rt)
        info.branch = True
    elif opcode in (0x06, 0x07):
        use(rs)
        info.branch = True
    elif 0x08 <= opcode <= 0x0E:
        use(rs)
    elif opcode == 0x10:  # COP0
        info.load = info.store = True
        if rs == 0x00:
            info.r_write = (1 << rt) & ~1
        else:
            use(rt)
    elif opcode == 0x12:  # COP2
        if word & (1 << 25):
            info.vector = True
            funct = word & 0x3F
            if funct == 0x1D:  # vsar
                info.v_write = 1 << vd
            elif 0x30 <= funct <= 0x36:  # single-lane ops
                info.v_write = 1 << vd
                info.v_read = 1 << vt
                info.vfake = 1 << vs
            elif funct in (0x37, 0x3F):  # vnop / vnull
                info.vfake = 1 << vd if funct == 0x37 else 0
                info.vnop_group = funct == 0x37
            else:
                info.v_write = 1 << vd
                info.v_read = (1 << vs) | (1 << vt)
                if funct in (0x10, 0x11, 0x13, 0x14, 0x15):
                    info.vc_use = info.vc_def = VCO
                elif 0x20 <= funct <= 0x23 or funct == 0x27:
                    info.vc_use = info.vc_def = VCO | VCC
                elif funct in (0x24, 0x25, 0x26):
                    info.vc_use = info.vc_def = VCO | VCC | VCE
        else:
            info.load = info.store = True
            if rs == 0x00:  # mfc2
                info.r_write = (1 << rt) & ~1
                info.v_read = 1 << vs
            elif rs == 0x02:  # cfc2
                info.r_write = (1 << rt) & ~1
                info.vc_use = 1 << (rd & 3)
            elif rs == 0x04:  # mtc2
                use(rt)
                info.v_write = 1 << vs
                info.vnop_group = True
            elif rs == 0x06:  # ctc2
                use(rt)
                info.vc_def = 1 << (rd & 3)
    elif opcode in (0x20, 0x21, 0x23, 0x24, 0x25, 0x27):
        use(rs)
        info.r_write = (1 << rt) & ~1
        info.load = True
    elif opcode in (0x28, 0x29, 0x2B):
        use(rs, rt)
        info.store = True
    elif opcode == 0x32:  # LWC2
        use(rs)
        info.load = True
        if (word >> 11) & 31 == 11:  # ltv writes a group of 8
            info.v_write = 0xFF << (vt & ~7)
            info.vnop_group = True
        else:
            info.v_write = 1 << vt
    elif opcode == 0x3A:  # SWC2
        use(rs)
        info.store = True
        info.v_read = 0xFF << (vt & ~7) if (word >> 11) & 31 == 11 else 1 << vt
    return info


def can_dual_issue(op0: OpInfo, op1: OpInfo) -> bool:
    """Whether op1 may issue in the same cycle as op0 (op0 first)."""
    return (
        op0.vector != op1.vector
        and not op0.branch
        and not (op0.v_write & (op1.v_read | op1.v_write))
        and not (op0.vc_def & (op1.vc_use | op1.vc_def))
        and not ((op0.vnop_group or not op1.vnop_group) and (op0.v_write & op1.vfake))
    )


@dataclass
class CycleReport:
    cycles: int
    groups: int
    dual_issues: int
    stall_cycles: int
    dma_wait_cycles: int


_EMPTY = (0, 0, False)


class CycleModel:
    """Streaming pipeline model; feed it the run record in chunks."""

    def __init__(self) -> None:
        self.clocks = 0
        self.groups = 0
        self.dual = 0
        self.stalls = 0
        self.dma_wait = 0
        self.single_issue = False
        self.h0: tuple[int, int, bool] = _EMPTY
        self.h1: tuple[int, int, bool] = _EMPTY
        self.h2: tuple[int, int, bool] = _EMPTY
        self.queue: list[int] = []  # completion times of DMA in flight
        # The open group: first instruction that may still take a partner.
        self.pending: tuple[OpInfo, int] | None = None
        self.base = 0  # trace index of the first entry of the current chunk
        self.taken: dict[int, int] = {}
        self.events: dict[int, list[tuple[int, int, int]]] = {}
        # (segment's OpInfos, branch target, entry state) -> deltas, exit state
        self.memo: dict[tuple[object, ...], Any] = {}

    # ---------------------------------------------------------- internals
    def _bubble(self, n: int) -> None:
        for _ in range(min(n, 3)):
            self.h2 = self.h1
            self.h1 = self.h0
            self.h0 = _EMPTY
        self.clocks += n

    def _wait_until(self, t: int) -> None:
        if t > self.clocks:
            n = t - self.clocks
            self.dma_wait += n
            self._bubble(n)

    def _dma_events(self, index: int) -> None:
        queue = self.queue
        for kind, a, b in self.events.pop(index, ()):
            now = self.clocks
            while queue and queue[0] <= now:
                queue.pop(0)
            if kind == EVENT_DMA:
                if len(queue) >= DMA_QUEUE_DEPTH:
                    self._wait_until(queue.pop(0))
                start = max(self.clocks, queue[-1] if queue else 0)
                cycles = DMA_SETUP_CYCLES + a * -(-b // DMA_BYTES_PER_CYCLE)
                queue.append(start + cycles)
            elif kind == EVENT_WAIT_IDLE:
                if queue:
                    self._wait_until(queue[-1])
                    queue.clear()
            elif kind == EVENT_WAIT_SLOT and len(queue) >= DMA_QUEUE_DEPTH:
                self._wait_until(queue.pop(0))

    def _finish_group(
        self,
        r_read: int,
        r_write: int,
        v_read: int,
        v_write: int,
        load: bool,
        store: bool,
        branch: bool,
        first: int,
        last: int,
    ) -> None:
        stalls = 0
        if r_read:
            if r_read & self.h0[0]:
                stalls = 2
            elif r_read & self.h1[0]:
                stalls = 1
            if stalls:
                self._bubble(stalls)
        if v_read:
            n = 0
            if v_read & self.h0[1]:
                n = 3
            elif v_read & self.h1[1]:
                n = 2
            elif v_read & self.h2[1]:
                n = 1
            if n:
                self._bubble(n)
                stalls += n
        if store:
            while self.h1[2]:
                self._bubble(1)
                stalls += 1
        self.stalls += stalls
        if self.events:
            for index in range(first, last + 1):
                if index in self.events:
                    self._dma_events(index)
        self.single_issue = branch
        self.h2 = self.h1
        self.h1 = self.h0
        self.h0 = (r_write, v_write, load)
        self.clocks += 1
        self.groups += 1
        target = self.taken.get(last - 1)
        if target is not None:
            # the group ends a taken branch's delay slot
            self._bubble(1)
            self.stalls += 1
            if target & 4:
                self.single_issue = True

    # ------------------------------------------------------------- public
    def _run(self, trace: list[OpInfo], start: int, stop: int, index: int) -> None:
        """Issue ``trace[start:stop]`` instruction by instruction; ``index`` is
        the global run-record index of ``trace[start]``."""
        pending = self.pending
        finish = self._finish_group
        taken = self.taken
        for k in range(start, stop):
            info = trace[k]
            if pending is not None:
                op0, i0 = pending
                pending = None
                # op0 is no branch, so `info` is the instruction at op0's pc + 4
                if can_dual_issue(op0, info):
                    self.dual += 1
                    finish(
                        op0.r_read | info.r_read,
                        op0.r_write | info.r_write,
                        op0.v_read | info.v_read,
                        op0.v_write | info.v_write,
                        op0.load or info.load,
                        op0.store or info.store,
                        info.branch,
                        i0,
                        index,
                    )
                    index += 1
                    continue
                finish(
                    op0.r_read,
                    op0.r_write,
                    op0.v_read,
                    op0.v_write,
                    op0.load,
                    op0.store,
                    op0.branch,
                    i0,
                    i0,
                )
            if not self.single_issue and not info.branch and index - 1 not in taken:
                pending = (info, index)
            else:
                finish(
                    info.r_read,
                    info.r_write,
                    info.v_read,
                    info.v_write,
                    info.load,
                    info.store,
                    info.branch,
                    index,
                    index,
                )
            index += 1
        self.pending = pending

    def feed(
        self,
        trace: list[OpInfo],
        taken: dict[int, int],
        events: dict[int, list[tuple[int, int, int]]],
    ) -> None:
        """Consume the next chunk of the run record.

        ``trace`` holds the OpInfo of each executed instruction; ``taken`` and
        ``events`` are keyed by global trace index (the chunk starts at the
        number of entries fed before).

        Straight-line segments that end with a taken branch's delay slot and
        contain no DMA event are memoised: the same segment entered in the
        same pipeline state always costs the same, so loops are costed once
        per distinct entry state rather than once per iteration.
        """
        self.taken.update(taken)
        for k, v in events.items():
            self.events.setdefault(k, []).extend(v)
        base = self.base
        end = base + len(trace)
        memo = self.memo
        all_events = self.events
        pos = base
        for t in taken:  # global indices, increasing
            seg_end = t + 2  # through the delay slot
            if seg_end > end or t < pos:
                break
            if (
                self.pending is not None
                or (t + 1) in self.taken
                or (all_events and any(i in all_events for i in range(pos, seg_end)))
            ):
                self._run(trace, pos - base, seg_end - base, pos)
                pos = seg_end
                continue
            state = (self.h0, self.h1, self.h2, self.single_issue)
            # OpInfo objects are shared by equal words: the key is the
            # segment's whole content
            key = (tuple(trace[pos - base : seg_end - base]), taken[t], state)
            hit = memo.get(key)
            if hit is None:
                before = (self.clocks, self.groups, self.dual, self.stalls)
                self._run(trace, pos - base, seg_end - base, pos)
                if self.pending is None:
                    memo[key] = (
                        self.clocks - before[0],
                        self.groups - before[1],
                        self.dual - before[2],
                        self.stalls - before[3],
                        (self.h0, self.h1, self.h2, self.single_issue),
                    )
            else:
                d_clocks, d_groups, d_dual, d_stalls, exit_state = hit
                self.clocks += d_clocks
                self.groups += d_groups
                self.dual += d_dual
                self.stalls += d_stalls
                self.h0, self.h1, self.h2, self.single_issue = exit_state
            pos = seg_end
        self._run(trace, pos - base, end - base, pos)
        self.base = end
        # forget taken branches that can no longer matter
        if len(self.taken) > 4096:
            self.taken = {k: v for k, v in self.taken.items() if k >= end - 2}

    def finish(self) -> CycleReport:
        """Close the run: issue the open group and wait for DMA in flight."""
        if self.pending is not None:
            op0, i0 = self.pending
            self.pending = None
            self._finish_group(
                op0.r_read,
                op0.r_write,
                op0.v_read,
                op0.v_write,
                op0.load,
                op0.store,
                op0.branch,
                i0,
                i0,
            )
        total = self.clocks
        if self.queue:
            total = max(total, self.queue[-1])
        return CycleReport(total, self.groups, self.dual, self.stalls, self.dma_wait)
