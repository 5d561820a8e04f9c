"""Top level of the RSP simulator: the run loop and :func:`simulate`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import islice

import numpy as np

from n64c.errors import InvalidInputError
from n64c.sim.rsp.decode import decode_word
from n64c.sim.rsp.dma import Cop0
from n64c.sim.rsp.loops import LoopBody, loop_body
from n64c.sim.rsp.state import DMEM_SIZE, IMEM_SIZE, RspRuntimeError, RspState
from n64c.sim.rsp.timing import (
    EVENT_MARK,
    CycleModel,
    CycleReport,
    Event,
    OpInfo,
    op_info,
)
from n64c.sim.rsp.timing_only import Taint, is_timing_noop, noop, taint_strided

DEFAULT_MAX_INSTRUCTIONS = 20_000_000
# Single inputs run the vector unit on Python ints (lanes.py), which is
# several times faster than numpy on one input; batches use numpy.
_PYTHON_LANES = True
# Run-record entries handed to the cycle model at a time.
TRACE_CHUNK = 1 << 16
# A timing-only run skips a loop's iterations only when it can skip this many.
MIN_SKIP = 2


_UNDECODED = op_info(0)  # placeholder until a slot first runs
# OpInfo of each word seen (the cycle model's memo keys compare them by
# identity, so equal words share one)
_INFOS: dict[int, OpInfo] = {}
# vector-unit words a timing-only run executes as no-ops: whether the full
# decoder accepts them (otherwise running them is an error)
_TIMING_NOOPS: dict[int, bool] = {}


def _pc_dependent(word: int) -> bool:
    """Branches, jumps and COP0 moves (a DMA wait needs its address)."""
    opcode = word >> 26
    return (
        0x01 <= opcode <= 0x07
        or opcode == 0x10
        or (opcode == 0 and (word & 0x3F) in (0x08, 0x09))
    )


@dataclass
class SimResult:
    """Final state of a run. Batched fields have a leading batch axis."""

    dmem: np.ndarray  # uint8 [4096] or [B, 4096]
    rdram: np.ndarray  # uint8 [N] or [B, N]
    gpr: np.ndarray  # uint32 [32] or [B, 32]
    vpr: np.ndarray  # uint16 [32, 8] or [B, 32, 8]
    acc: np.ndarray  # int64 [8] or [B, 8]: the 48-bit accumulator, sign-extended
    vco: np.ndarray  # uint16 [] or [B], as cfc2 reads it: bits 0-7 carry, 8-15 ne
    vcc: np.ndarray  # uint16: bits 0-7 compare, 8-15 clip
    vce: np.ndarray  # uint8
    pc: int  # address of the instruction that halted the RSP
    cycles: int
    instructions: int
    timing: CycleReport


@dataclass(frozen=True)
class _Block:
    """Straight-line code of a timing-only run (see :meth:`Machine._block`)."""

    steps: tuple[tuple[tuple[OpInfo, ...], Callable[[], object]], ...]
    """(run-record entries up to and including the instruction, its closure)."""
    pcs: tuple[int, ...]
    """Address of each step's instruction."""
    counts: tuple[int, ...]
    """Instructions of the block up to and including each step's."""
    tail: tuple[OpInfo, ...]
    """Vector-unit instructions after the last step."""
    length: int
    """Instructions in the block."""
    end: int
    """Address after the block."""


_Path = tuple[int, int, tuple[tuple[int, int], ...]]
"""A loop path: (head, instructions, (offset, target) of its taken branches)."""


class Machine:
    """B RSPs in lockstep: decoded IMEM, state, run record, cycle model.

    ``taint`` makes the run timing-only (:mod:`n64c.sim.rsp.timing_only`);
    ``marks`` maps IMEM word indices to mark numbers recorded in the run
    record when the instruction there executes."""

    def __init__(
        self,
        st: RspState,
        taint: Taint | None = None,
        marks: Mapping[int, int] | None = None,
    ) -> None:
        self.st = st
        self.taint = taint
        self.marks = dict(marks or {})
        self.trace: list[OpInfo] = []
        self.taken: dict[int, int] = {}
        self.events: dict[int, list[Event]] = {}
        self.fed = 0  # run-record entries already handed to the cycle model
        self.cop0 = Cop0(st, self._current_index, self.events, self._imem_written)
        self.cop0.taint = taint
        self.table: list[object] = [None] * (IMEM_SIZE // 4)
        self.infos: list[OpInfo] = [None] * (IMEM_SIZE // 4)  # type: ignore[list-item]
        self.model = CycleModel()
        self._decoded: dict[tuple[int, int], object] = {}
        # timing-only runs: the straight-line block starting at each slot
        # (None: not yet built)
        self.blocks: list[_Block | None] = [None] * (IMEM_SIZE // 4)
        # timing-only runs: the last arrival at each loop head, as (fed,
        # run-record length, taken branches, event entries) then, and the
        # affine loop paths tried, with their run records (None: not
        # eligible)
        self.arrivals: dict[int, tuple[int, int, int, int]] = {}
        self.loops: dict[_Path, tuple[LoopBody, list[OpInfo]] | None] = {}
        # loop heads with an eligible straight path, tried on entry too
        self.heads: dict[int, _Path] = {}
        self.skipped = 0  # instructions of skipped loop iterations
        self._decode_range(0, IMEM_SIZE // 4)

    def _decode_range(self, first: int, last: int) -> None:
        """(Re)load slots: each decodes itself the first time it runs, so a
        run pays only for the instructions it executes."""
        for i in range(first, last):
            self.table[i] = self._first_use(i)
            self.infos[i] = _UNDECODED
        # a block starting before `first` may reach into the rewritten slots
        self.blocks = [None] * (IMEM_SIZE // 4)
        self.arrivals.clear()
        self.loops.clear()
        self.heads.clear()

    def _decoded_op(self, i: int, word: int) -> object:
        """The (cached) closure of ``word`` in slot ``i``."""
        key = (word, 4 * i) if _pc_dependent(word) else (word, -1)
        op = self._decoded.get(key)
        if op is None:
            if self.taint is not None and _TIMING_NOOPS.get(word):
                op = noop  # decoded before: a valid vector-unit instruction
            else:
                op = decode_word(self.st, self.cop0, word, 4 * i, self.taint)
                if self.taint is not None and is_timing_noop(word):
                    _TIMING_NOOPS[word] = op is noop
            self._decoded[key] = op
        return op

    def _info(self, word: int) -> OpInfo:
        info = _INFOS.get(word)
        if info is None:
            info = _INFOS[word] = op_info(word)
        return info

    def _block(self, i: int) -> _Block:
        """The block of a timing-only run starting at slot ``i``: its scalar,
        COP0 and vector-store instructions with the vector-unit instructions
        before each (which the run does not execute), up to the first
        branch, jump, ``break`` or COP0 move (included), marked slot or the
        end of IMEM (excluded)."""
        imem = self.st.imem
        steps: list[tuple[tuple[OpInfo, ...], Callable[[], object]]] = []
        pcs: list[int] = []
        counts: list[int] = []
        run: list[OpInfo] = []
        count = 0
        j = i
        heads = self.heads
        while (
            j < IMEM_SIZE // 4
            and j not in self.marks
            and (j == i or 4 * j not in heads)
        ):
            word = int.from_bytes(imem[4 * j : 4 * j + 4], "big")
            op = self._decoded_op(j, word)
            info = self._info(word)
            count += 1
            j += 1
            run.append(info)
            if op is noop and is_timing_noop(word):
                continue
            steps.append((tuple(run), op))  # type: ignore[arg-type]
            pcs.append(4 * (j - 1))
            counts.append(count)
            run = []
            if info.branch or word >> 26 == 0x10:
                break
        return _Block(tuple(steps), tuple(pcs), tuple(counts), tuple(run), count, 4 * j)

    def _first_use(self, i: int) -> Callable[[], object]:
        def decode_and_run() -> object:
            word = int.from_bytes(self.st.imem[4 * i : 4 * i + 4], "big")
            # Only branches and jumps depend on their address.
            op = self._decoded_op(i, word)
            info = self._info(word)
            if i in self.marks:
                op = self._marked(op, self.marks[i])  # type: ignore[arg-type]
            self.table[i] = op
            self.infos[i] = info
            self.trace[-1] = info  # the run loop recorded the placeholder
            return op()  # type: ignore[operator]

        return decode_and_run

    def _marked(self, op: Callable[[], object], mark: int) -> Callable[[], object]:
        events = self.events
        index = self._current_index

        def op_marked() -> object:
            events.setdefault(index(), []).append((EVENT_MARK, mark, 0, None))
            return op()

        return op_marked

    def _current_index(self) -> int:
        """Global run-record index of the instruction being executed."""
        return self.fed + len(self.trace) - 1

    def _imem_written(self, start: int, end: int) -> None:
        self._decode_range(start // 4, (end + 3) // 4)

    def _flush(self) -> None:
        self.model.feed(self.trace, self.taken, self.events)
        self.fed += len(self.trace)
        self.trace.clear()
        self.taken.clear()
        self.events.clear()

    def _arrive(self, head: int, branch: int, count: int, max_instructions: int) -> int:
        """A timing-only run arrived at ``head`` by the branch at ``branch``
        (taken, its delay slot run). Skips the further iterations of an
        eligible affine loop path (:mod:`n64c.sim.rsp.loops`) that follow it
        exactly: advances the registers, taints what their vector stores
        write and lets the cycle model count them (:meth:`CycleModel.repeat`).
        The path tried first is the straight one from ``head`` to a branch
        back; then the path run since the last arrival at ``head``, when it
        ran without DMA events or marks. Returns the instructions skipped."""
        now = (self.fed, len(self.trace), len(self.taken), len(self.events))
        seen = self.arrivals.get(head)
        self.arrivals[head] = now
        if head <= branch:
            length = (branch - head) // 4 + 2
            path = (head, length, ((length - 2, head),))
            skipped = self._skip(path, count, max_instructions)
            if self.loops[path] is not None and head not in self.heads:
                self.heads[head] = path
                # blocks now end before the head, so entries find it
                blocks = self.blocks
                for i, block in enumerate(blocks):
                    if block is not None and 4 * i < head < block.end:
                        blocks[i] = None
            if skipped:
                return skipped
        if seen is None or seen[0] != now[0] or seen[3] != now[3]:
            return 0  # first arrival, a flush or an event since
        start = now[0] + seen[1]
        recent = islice(reversed(self.taken.items()), now[2] - seen[2])
        taken = tuple(
            (index - start, target) for index, target in reversed(list(recent))
        )
        return self._skip((head, now[1] - seen[1], taken), count, max_instructions)

    def _loop(self, path: _Path) -> tuple[LoopBody, list[OpInfo]] | None:
        """The affine body of a loop path and its run record (None: the path
        is not eligible or runs a marked instruction)."""
        imem = self.st.imem
        body = loop_body(imem, *path)
        if body is None or any(pc >> 2 in self.marks for pc in body.pcs):
            return None
        words = (int.from_bytes(imem[pc : pc + 4], "big") for pc in body.pcs)
        return body, [self._info(word) for word in words]

    def _skip(self, path: _Path, count: int, max_instructions: int) -> int:
        """Skip the iterations that follow ``path`` from here, if at least
        `MIN_SKIP`; returns the instructions skipped."""
        if path in self.loops:
            loop = self.loops[path]
        else:
            loop = self.loops[path] = self._loop(path)
        gpr = self.st.gpr
        if loop is None or (
            self.st.batch > 1 and any(v.__class__ is not int for v in gpr)
        ):
            return 0
        body, segment = loop
        trips = body.trips(gpr)  # type: ignore[arg-type]
        if trips is None:
            return 0
        length = path[1]
        times = min(trips.count, (max_instructions - count) // length)
        if times < MIN_SKIP:
            return 0
        for r, delta in trips.deltas:
            gpr[r] = (gpr[r] + times * delta) & 0xFFFFFFFF  # type: ignore[operator]
        assert self.taint is not None
        for first, step, size in trips.stores:
            taint_strided(self.taint.lines, first, step, times, size)
        self._flush()
        self.model.repeat(segment, path[2], times)
        self.fed += times * length
        self.arrivals[path[0]] = (self.fed, 0, 0, 0)
        self.skipped += times * length
        return times * length

    def run(self, max_instructions: int) -> tuple[int, int]:
        """Run from PC 0 until the RSP halts; returns (halting pc, instructions).

        A timing-only run executes whole blocks (:meth:`_block`) outside
        delay slots: it does not call the no-op closures of vector-unit
        instructions, it appends them to the run record in bulk."""
        timing_only = self.taint is not None
        table = self.table
        infos = self.infos
        trace = self.trace
        append = trace.append
        extend = trace.extend
        taken = self.taken
        heads = self.heads
        pc = 0
        npc = 4
        count = 0
        budget = min(max_instructions, TRACE_CHUNK)
        head = -1  # target of the taken branch whose delay slot runs next
        branch = 0  # address of that branch
        while True:
            if len(trace) >= budget:
                if count >= max_instructions:
                    raise RspRuntimeError(
                        f"the program did not reach `break` within {max_instructions} "
                        "instructions (endless loop?)"
                    )
                self._flush()
                budget = min(max_instructions - count, TRACE_CHUNK)
            i = pc >> 2
            if timing_only and npc == pc + 4:
                skipped = 0
                if head >= 0:
                    skipped = self._arrive(pc, branch, count, max_instructions)
                    head = -1
                elif pc in heads:  # entering a known loop
                    skipped = self._skip(heads[pc], count, max_instructions)
                if skipped:
                    count += skipped
                    budget = min(max_instructions - count, TRACE_CHUNK)
                    if budget <= 0:
                        continue  # the limit check above raises
                block = self.blocks[i]  # the list is replaced on IMEM writes
                if block is None:
                    block = self.blocks[i] = self._block(i)
                if block.length and count + block.length <= max_instructions:
                    r = None
                    k = 0
                    try:
                        for prefix, op in block.steps:
                            extend(prefix)
                            r = op()
                            if r is not None:
                                break
                            k += 1
                    except RspRuntimeError as error:
                        if error.message.startswith("at IMEM 0x"):
                            raise
                        raise type(error)(
                            f"at IMEM 0x{block.pcs[k]:03x}: {error.message}"
                        ) from None
                    if r is None:
                        extend(block.tail)
                        count += block.length
                        pc = block.end & 0xFFC
                        npc = (pc + 4) & 0xFFC
                        continue
                    count += block.counts[k]
                    pc = block.pcs[k]
                    if isinstance(r, int) and r >= 0:
                        taken[self.fed + len(trace) - 1] = r
                        pc = (pc + 4) & 0xFFC
                        npc = r
                        head = r
                        branch = block.pcs[k]
                        continue
                    self._flush()
                    return pc, count
            append(infos[i])
            count += 1
            try:
                r = table[i]()  # type: ignore[operator]
            except RspRuntimeError as error:
                if error.message.startswith("at IMEM 0x"):
                    raise
                # DMA past RDRAM, RDP registers, ...: say which instruction
                raise type(error)(f"at IMEM 0x{pc:03x}: {error.message}") from None
            if r is None:
                pc = npc
                npc = (npc + 4) & 0xFFC
            elif r >= 0:  # type: ignore[operator]
                taken[self.fed + len(trace) - 1] = r  # type: ignore[assignment]
                head = -1
                pc = npc
                npc = r  # type: ignore[assignment]
            else:
                self._flush()
                return pc, count


def _as_batch(
    data: bytes | np.ndarray | None, size: int, what: str
) -> tuple[np.ndarray, bool]:
    """Normalise a memory image to uint8[B?, size]; returns (array, batched)."""
    if data is None:
        return np.zeros((1, size), dtype=np.uint8), False
    if isinstance(data, (bytes, bytearray, memoryview)):
        arr = np.frombuffer(bytes(data), dtype=np.uint8)[None, :]
        batched = False
    else:
        arr = np.asarray(data)
        if arr.dtype != np.uint8:
            raise InvalidInputError(
                f"{what} must be bytes or a uint8 array, not {arr.dtype}"
            )
        if arr.ndim not in (1, 2):
            raise InvalidInputError(
                f"{what} must have 1 or 2 dimensions, not {arr.ndim}"
            )
        batched = arr.ndim == 2
        if not batched:
            arr = arr[None, :]
    if arr.shape[1] > size:
        raise InvalidInputError(f"{what} has {arr.shape[1]} bytes; at most {size} fit")
    out = np.zeros((arr.shape[0], size), dtype=np.uint8)
    out[:, : arr.shape[1]] = arr
    return out, batched


def simulate(
    imem: bytes,
    dmem: bytes | np.ndarray = b"",
    rdram: bytes | np.ndarray | None = None,
    *,
    rdram_size: int = 8 << 20,
    max_instructions: int = DEFAULT_MAX_INSTRUCTIONS,
    batch: int | None = None,
    marks: Mapping[int, int] | None = None,
    timing_only: bool = False,
) -> SimResult:
    """Run an RSP program from PC 0 to ``break``.

    ``imem`` is the big-endian IMEM image (at most 4096 bytes). ``dmem`` and
    ``rdram`` are initial images (bytes or uint8 arrays, zero-padded). With
    ``batch=B``, or when ``dmem``/``rdram`` is a 2-D array (leading batch
    axis), B inputs run in lockstep; a 1-D image is shared by every batch
    element. The RDRAM image is ``rdram_size`` bytes unless given (its length
    then counts). Raises :class:`~n64c.errors.N64cError` on an endless loop
    (more than ``max_instructions``), an unsupported instruction, DMA outside
    RDRAM, or control flow / addresses that differ across the batch.

    ``marks`` maps IMEM addresses to numbers: each time the instruction at
    such an address issues, ``(number, cycle)`` is appended to
    ``result.timing.marks``. With ``timing_only`` the vector unit does not
    execute (:mod:`n64c.sim.rsp.timing_only`): the cycles are exact, the
    vector registers, accumulator, flags and what the vector unit stores
    are not; a program that reads vector results raises
    :class:`~n64c.sim.rsp.timing_only.TimingOnlyError`.
    """
    if len(imem) > IMEM_SIZE:
        raise InvalidInputError(
            f"IMEM image has {len(imem)} bytes; at most {IMEM_SIZE} fit"
        )
    if max_instructions < 1:
        raise InvalidInputError("max_instructions must be positive")
    d, d_batched = _as_batch(dmem, DMEM_SIZE, "DMEM image")
    if rdram is None:
        r, r_batched = np.zeros((0, 0), dtype=np.uint8), False
    else:
        r_size = (
            len(rdram)
            if isinstance(rdram, (bytes, bytearray))
            else np.asarray(rdram).shape[-1]
        )
        r, r_batched = _as_batch(rdram, r_size, "RDRAM image")
    batched = batch is not None or d_batched or r_batched
    sizes = {x.shape[0] for x, b in ((d, d_batched), (r, r_batched)) if b}
    if batch is not None:
        sizes.add(batch)
    if len(sizes) > 1:
        raise InvalidInputError(f"batch sizes disagree: {sorted(sizes)}")
    n = sizes.pop() if sizes else 1
    if n < 1:
        raise InvalidInputError("the batch must not be empty")
    if d.shape[0] != n:
        d = np.repeat(d, n, axis=0)
    if rdram is None:
        # calloc'ed: pages a program never touches cost no memory
        try:
            r = np.zeros((n, rdram_size), dtype=np.uint8)
        except MemoryError:
            raise InvalidInputError(
                f"no memory for {n} RDRAM images of {rdram_size} bytes; pass "
                "`rdram` images or a smaller `rdram_size`"
            ) from None
    elif r.shape[0] != n:
        r = np.repeat(r, n, axis=0)
    st = RspState(n, d, r, bytes(imem), python_lanes=n == 1 and _PYTHON_LANES)
    taint = Taint(r.shape[1]) if timing_only else None
    words = {address // 4: mark for address, mark in (marks or {}).items()}
    machine = Machine(st, taint, words)
    pc, count = machine.run(max_instructions)
    machine.cop0.finish()  # the run ends when its transfers are done
    if st.lanes is not None:
        st.lanes.store_into(st)
    report = machine.model.finish()
    return _result(st, pc, count, report, batched)


def _flags16(lo: np.ndarray, hi: np.ndarray | None) -> np.ndarray:
    w = 1 << np.arange(8)
    value = (lo * w).sum(axis=1)
    if hi is not None:
        value = value | ((hi * w).sum(axis=1) << 8)
    return value


def _result(
    st: RspState, pc: int, count: int, report: CycleReport, batched: bool
) -> SimResult:
    b = st.batch
    gpr = np.zeros((b, 32), dtype=np.uint32)
    for i, value in enumerate(st.gpr):
        gpr[:, i] = value
    vpr = st.v.astype(np.int64).astype(np.uint16).transpose(1, 0, 2)
    vco = _flags16(st.vco_c, st.vco_ne).astype(np.uint16)
    vcc = _flags16(st.vcc_lo, st.vcc_hi).astype(np.uint16)
    vce = _flags16(st.vce, None).astype(np.uint8)

    def pick(x: np.ndarray) -> np.ndarray:
        return x if batched else x[0]

    return SimResult(
        dmem=pick(st.dmem),
        rdram=pick(st.rdram),
        gpr=pick(gpr),
        vpr=pick(vpr),
        acc=pick(st.acc.copy()),
        vco=pick(vco),
        vcc=pick(vcc),
        vce=pick(vce),
        pc=pc,
        cycles=report.cycles,
        instructions=count,
        timing=report,
    )
