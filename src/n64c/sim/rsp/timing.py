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
* DMA (fitted to console measurements, see :class:`DmaTiming`): a transfer
  costs a fixed time per request, a time per byte, and for every row after
  the first a row gap, with a minimum per row (short rows cost extra);
  reads (RDRAM to DMEM) and writes have their own constants. Transfers run
  concurrently; at most 2 are queued (one busy, one pending).
* Waiting for DMA: a recognised polling loop (``mfc0`` of DMA_BUSY, DMA_FULL
  or SP_STATUS followed by a branch back on its result) spins instruction
  by instruction: each extra iteration issues the branch, its delay slot,
  the taken-branch bubble and the ``mfc0`` again, through the same pipeline
  rules, until a read finds the condition met. The functional simulator
  runs the loop once (its reads return 0, as on the z64 core); only the
  cycle model replays the extra iterations. A read outside such a loop is
  charged the remaining time as one bubble. Starting a third transfer while
  two are in flight waits for the first (a program the functional
  simulator accepts never does: it must poll DMA_FULL first). A run ends
  when ``break`` has issued and all DMA is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Timing event kinds, recorded by the functional simulator (dma.py) at the
# run-record index of the instruction that caused them.
EVENT_DMA_READ = 0  # a write of RD_LEN: payload (rows, bytes per row)
EVENT_DMA_WRITE = 1  # a write of WR_LEN: payload (rows, bytes per row)
EVENT_WAIT_IDLE = 2  # a read of SP_STATUS or DMA_BUSY: waits for all DMA
EVENT_WAIT_SLOT = 3  # a read of DMA_FULL: waits for a free queue slot
EVENT_MARK = 4  # a marked IMEM address was reached: payload (mark, 0)

# Transfers the DMA engine holds at once (one busy + one pending).
DMA_QUEUE_DEPTH = 2


@dataclass(frozen=True)
class DmaTiming:
    """Duration of one DMA request of ``rows`` rows of ``row_bytes`` bytes.

    ``cycles = request + t + (rows - 1) * max(t + row_gap, row_min)`` with
    ``t = row_bytes * per_kib / 1024``, rounded up once. The constants are
    fitted to the console measurements of the n64-systembench suite (table
    "Timing" of ``rsp-reference.md``); every measured case is reproduced
    within 3% (``tests/unit/test_rsp_dma_timing.py``). Those figures are
    timed from the CPU and include a few cycles of its polling: they are not
    subtracted, so ``request`` is an upper bound of the RSP-side latency.
    """

    request: int
    """Fixed cycles per request (RDRAM latency, set-up)."""
    per_kib: int
    """Cycles to move 1 KiB within a row."""
    row_gap: int
    """Extra cycles of each row after the first."""
    row_min: int
    """A row after the first takes at least this long (short rows)."""

    def cycles(self, rows: int, row_bytes: int) -> int:
        row_bytes = -(-row_bytes // 8) * 8
        t = row_bytes * self.per_kib
        further = max(t + 1024 * self.row_gap, 1024 * self.row_min)
        return -(-(1024 * self.request + t + (rows - 1) * further) // 1024)


# RDRAM -> DMEM/IMEM: about 6.7 bytes per cycle; 8-byte rows about 15 cycles.
DMA_READ = DmaTiming(request=32, per_kib=152, row_gap=5, row_min=15)
# DMEM/IMEM -> RDRAM: about 6.9 bytes per cycle; 8-byte rows about 10 cycles.
DMA_WRITE = DmaTiming(request=32, per_kib=148, row_gap=2, row_min=10)


def dma_cycles(to_rsp: bool, rows: int, row_bytes: int) -> int:
    """Cycles of one DMA request (``to_rsp``: RDRAM to DMEM/IMEM)."""
    return (DMA_READ if to_rsp else DMA_WRITE).cycles(rows, row_bytes)


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


@dataclass(frozen=True, eq=False)
class PollLoop:
    """A loop that polls a DMA register: ``pc: mfc0 rt, cN``, then a
    conditional branch on ``rt`` back to ``pc``, then its delay slot.
    Compared by identity (cheap to hash in the cycle model's memo keys)."""

    mfc0: OpInfo
    branch: OpInfo
    delay: OpInfo
    pc: int


def _word_at(imem: bytes | bytearray, pc: int) -> int:
    pc &= 0xFFC
    return int.from_bytes(imem[pc : pc + 4], "big")


def poll_loop(imem: bytes | bytearray, pc: int) -> PollLoop | None:
    """The polling loop whose ``mfc0`` sits at ``pc``, if ``pc`` starts one."""
    word = _word_at(imem, pc)
    rt = (word >> 16) & 31
    branch = _word_at(imem, pc + 4)
    opcode = branch >> 26
    conditional = 0x04 <= opcode <= 0x07 or (
        opcode == 0x01 and (branch >> 16) & 31 in (0x00, 0x01)
    )
    offset = ((branch & 0xFFFF) ^ 0x8000) - 0x8000
    target = (pc + 8 + 4 * offset) & 0xFFC
    branch_info = op_info(branch)
    delay_info = op_info(_word_at(imem, pc + 8))
    if (
        not conditional
        or rt == 0
        or target != pc & 0xFFC
        or not branch_info.r_read >> rt & 1
        or delay_info.branch
    ):
        return None
    return PollLoop(op_info(word), branch_info, delay_info, pc & 0xFFC)


Event = tuple[int, int, int, PollLoop | None]
"""(kind, a, b, polling loop of a wait event)."""


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
    marks: tuple[tuple[int, int], ...] = ()
    """(mark, cycle) each time a marked instruction issued, in run order."""


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
        self.events: dict[int, list[Event]] = {}
        # a polling loop that read busy: (kind, loop, read cycle), replayed
        # once its group has issued
        self.spin: tuple[int, PollLoop, int] | None = None
        self.marks: list[tuple[int, int]] = []
        # (segment's OpInfos, branch target, entry state) -> deltas, exit state
        self.memo: dict[tuple[object, ...], Any] = {}
        # (iteration, taken branches, times, entry state) -> what `repeat` adds
        # chunk ends by content and entry state -> what `_tail` adds
        self.tails: dict[tuple[object, ...], Any] = {}
        self.repeats: dict[tuple[object, ...], Any] = {}

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

    def _busy_until(self, kind: int, now: int) -> int | None:
        """When a read of kind ``kind`` at ``now`` stops seeing busy (None if
        it does not see busy now)."""
        queue = self.queue
        while queue and queue[0] <= now:
            queue.pop(0)
        if kind == EVENT_WAIT_IDLE:
            return queue[-1] if queue else None
        return queue[0] if len(queue) >= DMA_QUEUE_DEPTH else None

    def _events(self, index: int) -> None:
        queue = self.queue
        for kind, a, b, loop in self.events.pop(index, ()):
            now = self.clocks
            if kind == EVENT_MARK:
                self.marks.append((a, now))
                continue
            if kind <= EVENT_DMA_WRITE:
                while queue and queue[0] <= now:
                    queue.pop(0)
                if len(queue) >= DMA_QUEUE_DEPTH:
                    self._wait_until(queue.pop(0))
                start = max(self.clocks, queue[-1] if queue else 0)
                queue.append(start + dma_cycles(kind == EVENT_DMA_READ, a, b))
                continue
            done = self._busy_until(kind, now)
            if done is None:
                continue
            if loop is not None:
                self.spin = (kind, loop, now)
            else:
                self._wait_until(done)

    def _stalls(self, r_read: int, v_read: int, store: bool) -> int:
        """Insert the stall bubbles of a group about to issue; returns them."""
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
        return stalls

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
        self.stalls += self._stalls(r_read, v_read, store)
        if self.events:
            for index in range(first, last + 1):
                if index in self.events:
                    self._events(index)
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
            self.spin = None  # not the polling loop it looked like
        if self.spin is not None:
            kind, loop, read = self.spin
            self.spin = None
            self._spin(kind, loop, read)

    def _issue_alone(self, info: OpInfo) -> int:
        """Issue one instruction as a group of its own; returns its issue
        cycle (after its stalls)."""
        self._stalls(info.r_read, info.v_read, info.store)
        issue = self.clocks
        self.h2 = self.h1
        self.h1 = self.h0
        self.h0 = (info.r_write, info.v_write, info.load)
        self.clocks += 1
        return issue

    def _poll_iteration(self, loop: PollLoop) -> int:
        """One more trip round a polling loop: the branch (taken), its delay
        slot, the taken-branch bubble, the ``mfc0``. Returns the cycle at
        which the ``mfc0`` reads its register."""
        self._issue_alone(loop.branch)
        self._issue_alone(loop.delay)
        self._bubble(1)
        read = self._issue_alone(loop.mfc0)
        self.single_issue = False
        return read

    def _spin(self, kind: int, loop: PollLoop, read: int) -> None:
        """The polling loop read busy at cycle ``read``: replay its extra
        iterations until a read finds the DMA condition met.

        Once an iteration leaves the pipeline in the state it found it in,
        every later iteration costs the same, so the iterations that cannot
        yet see the condition met are counted without replaying them."""
        start = self.clocks
        previous: tuple[object, ...] | None = None
        while True:
            last_read = read
            read = self._poll_iteration(loop)
            done = self._busy_until(kind, read)
            if done is None:
                break
            period = read - last_read
            key = (self.h0, self.h1, self.h2, period)
            if key == previous:
                skip = -(-(done - read) // period) - 1
                if skip > 0:
                    self.clocks += skip * period
                    read += skip * period
            previous = key
        self.dma_wait += self.clocks - start

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
        events: dict[int, list[Event]],
    ) -> None:
        """Consume the next chunk of the run record.

        ``trace`` holds the OpInfo of each executed instruction; ``taken`` and
        ``events`` are keyed by global trace index (the chunk starts at the
        number of entries fed before).

        Straight-line segments that end with a taken branch's delay slot
        are memoised: the same segment entered in the same pipeline state
        always costs the same, so loops are costed once per distinct entry
        state rather than once per iteration. A segment with DMA events or
        marks is memoised with them (at their offsets into the segment) and
        with the DMA transfers in flight, as times relative to its entry:
        the rules only ever compare those times with the clock.
        """
        self.taken.update(taken)
        for k, v in events.items():
            self.events.setdefault(k, []).extend(v)
        base = self.base
        end = base + len(trace)
        memo = self.memo
        # run-record indices of this chunk's events, increasing; `next_event`
        # walks them as the segments advance
        event_at = sorted(k for k in self.events if k >= base)
        next_event = 0
        n_events = len(event_at)
        pos = base
        for t in taken:  # global indices, increasing
            seg_end = t + 2  # through the delay slot
            if seg_end > end or t < pos:
                break
            while next_event < n_events and event_at[next_event] < pos:
                next_event += 1
            first_event = next_event
            while next_event < n_events and event_at[next_event] < seg_end:
                next_event += 1
            pending = self.pending
            if (t + 1) in self.taken or (
                pending is not None and pending[1] in self.events
            ):
                self._run(trace, pos - base, seg_end - base, pos)
                pos = seg_end
                continue
            state = (
                self.h0,
                self.h1,
                self.h2,
                self.single_issue,
                None if pending is None else (pending[0], pending[1] - pos),
            )
            # OpInfo objects are shared by equal words: the key is the
            # segment's whole content
            segment = tuple(trace[pos - base : seg_end - base])
            clocks = self.clocks
            seg_events = event_at[first_event:next_event]
            if seg_events:
                in_flight = tuple(q - clocks for q in self.queue if q > clocks)
                happen = tuple((k - pos, tuple(self.events[k])) for k in seg_events)
                key: tuple[object, ...] = (segment, taken[t], state, in_flight, happen)
            else:
                key = (segment, taken[t], state)
            hit = memo.get(key)
            if hit is None:
                before = (self.groups, self.dual, self.stalls, self.dma_wait)
                n_marks = len(self.marks)
                self._run(trace, pos - base, seg_end - base, pos)
                if self.pending is None:
                    after = self.clocks
                    memo[key] = (
                        after - clocks,
                        self.groups - before[0],
                        self.dual - before[1],
                        self.stalls - before[2],
                        self.dma_wait - before[3],
                        (self.h0, self.h1, self.h2, self.single_issue),
                        tuple(q - after for q in self.queue if q > after),
                        tuple((m, c - clocks) for m, c in self.marks[n_marks:]),
                    )
            else:
                self.pending = None
                d_clocks, d_groups, d_dual, d_stalls, d_wait, exit_state = hit[:6]
                self.clocks = after = clocks + d_clocks
                self.groups += d_groups
                self.dual += d_dual
                self.stalls += d_stalls
                self.dma_wait += d_wait
                self.h0, self.h1, self.h2, self.single_issue = exit_state
                if seg_events:
                    for k in seg_events:
                        del self.events[k]
                    self.queue = [after + q for q in hit[6]]
                    self.marks.extend((m, clocks + c) for m, c in hit[7])
            pos = seg_end
        if pos < end:
            while next_event < n_events and event_at[next_event] < pos:
                next_event += 1
            self._tail(trace, pos, end, event_at[next_event:], taken)
        self.base = end
        # forget taken branches that can no longer matter
        if len(self.taken) > 4096:
            self.taken = {k: v for k, v in self.taken.items() if k >= end - 2}

    def _tail(
        self,
        trace: list[OpInfo],
        pos: int,
        end: int,
        seg_events: list[int],
        chunk_taken: dict[int, int],
    ) -> None:
        """Issue the end of a chunk, ``trace[pos - base:end - base]`` (no
        taken branch's delay slot ends it), memoised like a segment of
        :meth:`feed` with what it leaves open: the group that may still
        take a partner and the events of its instructions."""
        base = self.base
        taken = self.taken
        pending = self.pending
        if pending is not None and pending[1] in self.events:
            # the open group's events happen here: not part of the key
            self._run(trace, pos - base, end - base, pos)
            return
        clocks = self.clocks
        state = (
            self.h0,
            self.h1,
            self.h2,
            self.single_issue,
            None if pending is None else (pending[0], pending[1] - pos),
            taken.get(pos - 1),
            tuple((k - pos, t) for k, t in chunk_taken.items() if k >= pos),
        )
        segment = tuple(trace[pos - base : end - base])
        key: tuple[object, ...]
        if seg_events:
            in_flight = tuple(q - clocks for q in self.queue if q > clocks)
            happen = tuple((k - pos, tuple(self.events[k])) for k in seg_events)
            key = (segment, state, in_flight, happen)
        else:
            key = (segment, state)
        hit = self.tails.get(key)
        if hit is None:
            before = (self.groups, self.dual, self.stalls, self.dma_wait)
            n_marks = len(self.marks)
            self._run(trace, pos - base, end - base, pos)
            if self.spin is not None:
                return
            after = self.clocks
            left = self.pending
            self.tails[key] = (
                after - clocks,
                self.groups - before[0],
                self.dual - before[1],
                self.stalls - before[2],
                self.dma_wait - before[3],
                (self.h0, self.h1, self.h2, self.single_issue),
                None if left is None else (left[0], left[1] - pos),
                tuple(q - after for q in self.queue if q > after),
                tuple((m, c - clocks) for m, c in self.marks[n_marks:]),
                tuple(k - pos for k in seg_events if k not in self.events),
            )
            return
        self.clocks = after = clocks + hit[0]
        self.groups += hit[1]
        self.dual += hit[2]
        self.stalls += hit[3]
        self.dma_wait += hit[4]
        self.h0, self.h1, self.h2, self.single_issue = hit[5]
        left = hit[6]
        self.pending = None if left is None else (left[0], pos + left[1])
        if seg_events:
            for k in hit[9]:
                del self.events[pos + k]
            self.queue = [after + q for q in hit[7]]
            self.marks.extend((m, clocks + c) for m, c in hit[8])

    def repeat(
        self,
        trace: list[OpInfo],
        taken: tuple[tuple[int, int], ...],
        times: int,
    ) -> None:
        """Consume ``times`` copies of one loop iteration's run record, as
        :meth:`feed` would consume them one after the other: ``trace`` with
        the taken branches at the given offsets into it (and their targets),
        no DMA event and no mark.

        What a copy costs depends only on the pipeline state it is entered
        in, so copies are fed until an entry state repeats; the periods
        left are then counted without replaying them, the remainder fed.
        The outcome is memoised by the iteration, ``times`` and the entry
        state (with the group left open before, unless it has events)."""
        length = len(trace)
        pending = self.pending
        key: tuple[object, ...] | None = None
        if self.spin is None and (pending is None or pending[1] not in self.events):
            key = (
                tuple(trace),
                taken,
                times,
                (self.h0, self.h1, self.h2, self.single_issue),
                None if pending is None else (pending[0], pending[1] - self.base),
            )
            hit = self.repeats.get(key)
            if hit is not None:
                self.clocks += hit[0]
                self.groups += hit[1]
                self.dual += hit[2]
                self.stalls += hit[3]
                self.h0, self.h1, self.h2, self.single_issue = hit[4]
                self.pending = None
                self.base += times * length
                return
        before = (self.clocks, self.groups, self.dual, self.stalls, self.dma_wait)
        if pending is not None:
            # the first copy closes the open group
            self.feed(trace, {self.base + offset: t for offset, t in taken}, {})
            times -= 1
        self._repeat(trace, taken, times)
        if key is not None and self.pending is None and self.dma_wait == before[4]:
            self.repeats[key] = (
                self.clocks - before[0],
                self.groups - before[1],
                self.dual - before[2],
                self.stalls - before[3],
                (self.h0, self.h1, self.h2, self.single_issue),
            )

    def _repeat(
        self,
        trace: list[OpInfo],
        taken: tuple[tuple[int, int], ...],
        times: int,
    ) -> None:
        """:meth:`repeat` without its memo."""
        length = len(trace)
        seen: dict[tuple[object, ...], tuple[int, ...]] | None = {}
        done = 0
        while done < times:
            if seen is not None:
                state = (
                    self.h0,
                    self.h1,
                    self.h2,
                    self.single_issue,
                    self.pending,
                    self.spin,
                )
                before = seen.get(state)
                if before is not None:
                    period = done - before[0]
                    rounds = (times - done) // period
                    self.clocks += rounds * (self.clocks - before[1])
                    self.groups += rounds * (self.groups - before[2])
                    self.dual += rounds * (self.dual - before[3])
                    self.stalls += rounds * (self.stalls - before[4])
                    self.dma_wait += rounds * (self.dma_wait - before[5])
                    self.base += rounds * period * length
                    done += rounds * period
                    seen = None
                    continue
                seen[state] = (
                    done,
                    self.clocks,
                    self.groups,
                    self.dual,
                    self.stalls,
                    self.dma_wait,
                )
            base = self.base
            self.feed(trace, {base + offset: target for offset, target in taken}, {})
            done += 1

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
        return CycleReport(
            total,
            self.groups,
            self.dual,
            self.stalls,
            self.dma_wait,
            tuple(self.marks),
        )
