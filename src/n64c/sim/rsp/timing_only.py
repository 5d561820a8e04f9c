"""Timing-only runs: cycles without executing the vector data path.

RSP control flow in n64c's code never depends on data: branch conditions,
loop counters, DMA lengths and addresses come from the scalar unit, from
the DMEM image and from the weights. A timing-only run therefore executes
the scalar unit, COP0 and DMA as the full simulator does, and replaces
every vector-unit instruction (computational ops, LWC2 loads, ``mtc2``,
``ctc2``) by a no-op; it records the same run record (instruction trace,
taken branches, DMA events, marks), so :class:`~n64c.sim.rsp.timing.CycleModel`
counts the same cycles.

The data the vector unit would have produced is unknown, so it is
tracked: DMEM bytes written by a vector store are *tainted*, DMA carries the
taint between DMEM and RDRAM, and a scalar load of a tainted byte, an
``mfc2`` or a ``cfc2`` (whose results depend on vector data) stops the run
with :class:`TimingOnlyError`. :func:`count_cycles` then falls back to the
full simulator, so its result is exact for every program.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from n64c.sim.rsp.loadstore import STORE_OPS
from n64c.sim.rsp.state import DMEM_SIZE, RspRuntimeError, RspState

Op = Callable[[], object]


class TimingOnlyError(RspRuntimeError):
    """The program reads a value only the vector unit could compute."""


class Taint:
    """Which DMEM and RDRAM bytes hold data a timing-only run did not compute."""

    def __init__(self, rdram_size: int) -> None:
        self.dmem = np.zeros(DMEM_SIZE, dtype=bool)
        self.lines = self.dmem.reshape(DMEM_SIZE // 16, 16)  # a view: a row a line
        self.rdram = np.zeros(rdram_size, dtype=bool)


def noop() -> None:
    """What a timing-only run executes for a vector-unit instruction."""
    return None


def store_span(word: int) -> tuple[int, int, int] | None:
    """(base register, byte offset, bytes) of the DMEM span a vector store
    ``word`` may write (``srv``: the 16 bytes before its address), or None
    for a sub-op the simulator does not execute."""
    kind = (word >> 11) & 31
    if kind not in STORE_OPS:
        return None
    size = STORE_OPS[kind][1]
    offset = (((word & 0x7F) ^ 0x40) - 0x40) * size
    if kind == 5:  # srv writes the bytes of the line before its address
        offset -= 16
    return (word >> 21) & 31, offset, size


def _make_tainting_store(st: RspState, word: int, taint: Taint) -> Op:
    """A vector store that, instead of writing, taints every 16-byte DMEM
    line its span (:func:`store_span`) touches, a superset of what it
    writes."""
    span = store_span(word)
    assert span is not None  # the full decoder rejected the others
    base, offset, size = span
    g = st.gpr
    mask = taint.dmem

    def op_taint() -> None:
        start = (g[base] + offset) & 0xFF0  # type: ignore[operator]
        end = (((g[base] + offset + size - 1) & 0xFFF) | 15) + 1  # type: ignore[operator]
        if end > start:
            mask[start:end] = True
        else:  # wraps at 4 KiB
            mask[start:] = True
            mask[:end] = True

    return op_taint


_STEPS = np.arange(DMEM_SIZE, dtype=np.int64)


def taint_strided(
    lines: np.ndarray, first: int, step: int, count: int, size: int
) -> None:
    """Taint what ``count`` vector stores of ``size`` bytes (at most 16) at
    DMEM addresses ``first``, ``first + step``, ... taint one by one: the
    16-byte lines of the first and the last byte of each span. ``lines``
    is the DMEM taint as one row of 16 per line (:attr:`Taint.lines`)."""
    step &= 0xFFF
    first &= 0xFFF
    n = min(count, 4096 // math.gcd(step, 4096))  # addresses repeat after that
    if step & 15 == 0 and first + (n - 1) * step + size <= DMEM_SIZE:
        # whole lines apart, no wrap: two strided runs of lines
        stride = step >> 4 or 1
        for line in {first >> 4, (first + size - 1) >> 4}:
            lines[line : line + (n - 1) * stride + 1 : stride] = True
        return
    address = (first + step * _STEPS[:n]) & 0xFFF
    lines[address >> 4] = True
    lines[((address + size - 1) & 0xFFF) >> 4] = True


def _make_checked_load(st: RspState, word: int, real: Op, taint: Taint) -> Op:
    """A scalar load that refuses to read a tainted DMEM byte."""
    base = (word >> 21) & 31
    imm = ((word & 0xFFFF) ^ 0x8000) - 0x8000
    size = {0x20: 1, 0x24: 1, 0x21: 2, 0x25: 2, 0x23: 4, 0x27: 4}[word >> 26]
    g = st.gpr
    mask = taint.dmem

    def op_checked_load() -> object:
        a = (g[base] + imm) & 0xFFF  # type: ignore[operator]
        if mask[a] or mask[(a + size - 1) & 0xFFF]:
            raise TimingOnlyError(
                f"a scalar load reads DMEM 0x{a:03x}, which holds vector results"
            )
        return real()

    return op_checked_load


def _vector_result_read() -> None:
    raise TimingOnlyError("mfc2/cfc2 read vector-unit state")


def is_timing_noop(word: int) -> bool:
    """Whether a timing-only run executes ``word`` as a no-op: a vector
    computational op, ``mtc2``, ``ctc2`` or a vector load."""
    opcode = word >> 26
    if opcode == 0x12:
        return bool(word & (1 << 25)) or (word >> 21) & 31 in (0x04, 0x06)
    return opcode == 0x32


def timing_only_op(st: RspState, word: int, real: Op, taint: Taint) -> Op:
    """The closure a timing-only run executes for ``word``: ``real`` (its
    full closure) for the scalar unit and COP0, a no-op or taint bookkeeping
    for the vector unit."""
    opcode = word >> 26
    if is_timing_noop(word):
        return noop  # vector op, mtc2, ctc2, vector load
    if opcode == 0x12:
        return _vector_result_read  # mfc2, cfc2
    if opcode == 0x3A:
        return _make_tainting_store(st, word, taint)
    if opcode in (0x20, 0x21, 0x23, 0x24, 0x25, 0x27):
        return _make_checked_load(st, word, real, taint)
    return real


def count_cycles(
    imem: bytes,
    dmem: bytes,
    rdram: np.ndarray,
    *,
    marks: Mapping[int, int] | None = None,
    max_instructions: int | None = None,
) -> tuple[int, tuple[tuple[int, int], ...]]:
    """Cycles of one run of ``imem`` (and the cycle at which each mark was
    first reached: see :func:`n64c.sim.rsp.simulate`), without executing
    the vector data path. Falls back to the full simulator when the program
    reads vector results; either way the count equals the simulator's."""
    from n64c.sim.rsp.machine import DEFAULT_MAX_INSTRUCTIONS, simulate

    limit = DEFAULT_MAX_INSTRUCTIONS if max_instructions is None else max_instructions
    try:
        result = simulate(
            imem,
            dmem,
            rdram,
            marks=marks,
            max_instructions=limit,
            timing_only=True,
        )
    except TimingOnlyError:
        result = simulate(imem, dmem, rdram, marks=marks, max_instructions=limit)
    return result.cycles, result.timing.marks
