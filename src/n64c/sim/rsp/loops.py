"""Affine loops of timing-only runs: how many more iterations repeat exactly.

A timing-only run (:mod:`n64c.sim.rsp.timing_only`) executes the scalar
unit only. When one iteration of a loop (from an arrival at its head, by a
taken branch, to the next) runs nothing but additions, subtractions,
constant shifts left and constants on the scalar registers, branches and
jumps, vector-unit instructions and vector stores, the iteration is an
affine map of the registers modulo 2**32. Each further iteration along the
same path then changes every register by the same amount, provided two
consecutive iterations do (if ``x' = Ax + b`` and ``A d = d`` for
``d = x' - x``, the next difference ``A d`` is ``d`` again), and the value
each branch tests is affine in the iteration number too. So the number of
iterations that follow the same path is the first iteration at which a
branch would go the other way: solved in closed form for ``beq``/``bne``
(a linear congruence modulo 2**32) and for the sign tests (a monotone
sequence, trusted only while it stays inside the int32 range).

:class:`LoopBody` is the scalar program of one such path;
:meth:`LoopBody.trips` predicts from the current registers how many
iterations repeat it exactly, what they add to each register and where
their vector stores write. Anything else in the body (scalar loads or
stores, COP0, ``jr``, links, an unsupported instruction) makes the path
ineligible: the run then simply executes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from n64c.sim.rsp.timing_only import is_timing_noop, store_span

MASK32 = 0xFFFFFFFF
NEVER = 1 << 62
"""Iterations until a branch that never flips goes the other way."""

# step kinds: (kind, a, b, c)
_ADDI = 0  # r[a] = r[b] + c
_ADD = 1  # r[a] = r[b] + r[c]
_SUB = 2  # r[a] = r[b] - r[c]
_SLL = 3  # r[a] = r[b] << c
_CONST = 4  # r[a] = b
_EQ = 5  # record r[a] - r[b] (beq, bne)
_SIGN = 6  # record r[a] (blez, bgtz, bltz, bgez)
_STORE = 7  # record r[a] (the base of a vector store)

# SPECIAL functs the scalar unit executes as ALU operations or shifts
_ALU_FUNCTS = frozenset(
    (0x00, 0x02, 0x03, 0x04, 0x06, 0x07, *range(0x20, 0x28), 0x2A, 0x2B)
)


@dataclass(frozen=True)
class BranchTest:
    """What the recorded path needs of one conditional branch.

    ``zero``: a ``beq``/``bne``, whose operands must be equal (True) or
    differ (False). Otherwise a sign test: ``signed(rs) >= threshold`` must
    be ``at_least``."""

    zero: bool | None
    threshold: int = 0
    at_least: bool = False


@dataclass(frozen=True)
class Trips:
    """Prediction of :meth:`LoopBody.trips`."""

    count: int
    """Iterations, from the current one, that follow the path exactly."""
    deltas: tuple[tuple[int, int], ...]
    """(register, what each iteration adds to it mod 2**32) of the
    registers that change."""
    stores: tuple[tuple[int, int, int], ...]
    """Per vector store of the body: (address in the current iteration,
    its change per iteration, bytes)."""


@dataclass(frozen=True)
class Shift:
    """Per-iteration changes of a body whose every write adds a constant to
    its own register (``x' = x + d``: ``A`` is the identity)."""

    deltas: tuple[tuple[int, int], ...]
    """(register, change) of the registers that change."""
    tests: tuple[int, ...]
    """Change of each value a branch tests."""
    stores: tuple[int, ...]
    """Change of each vector store's base register."""


@dataclass(frozen=True)
class LoopBody:
    """The scalar program of one loop path (see the module docstring)."""

    steps: tuple[tuple[int, int, int, int], ...]
    tests: tuple[BranchTest, ...]
    """One per `_EQ`/`_SIGN` step, in order."""
    stores: tuple[tuple[int, int], ...]
    """(offset, bytes) per `_STORE` step, in order."""
    written: tuple[int, ...]
    """Registers the steps write."""
    pcs: tuple[int, ...]
    """Address of each instruction of the path."""

    shift: Shift | None
    """The steps per iteration, when the body only adds constants to
    registers (:func:`_shift`)."""
    evaluate: Callable[[list[int]], tuple[list[int], list[int]]] = field(
        compare=False, repr=False
    )
    """Runs one iteration on a register list (changed in place); returns the
    values the branches test and the vector stores' base registers
    (:func:`_compile`)."""

    def trips(self, gpr: list[int]) -> Trips | None:
        """The iterations from the current registers ``gpr`` (plain ints)
        that follow this path, or None when the registers do not change by
        the same amount in two consecutive iterations."""
        r1 = list(gpr)
        tested0, bases0 = self.evaluate(r1)
        if self.shift is not None:
            # every register only adds constants to itself: the steps are
            # known without a second iteration
            deltas: tuple[tuple[int, int], ...] = self.shift.deltas
            test_steps = self.shift.tests
            store_steps = self.shift.stores
        else:
            r2 = list(r1)
            tested1, bases1 = self.evaluate(r2)
            changes = []
            for r in self.written:
                delta = (r1[r] - gpr[r]) & MASK32
                if (r2[r] - r1[r]) & MASK32 != delta:
                    return None
                if delta:
                    changes.append((r, delta))
            deltas = tuple(changes)
            test_steps = tuple(
                (b - a) & MASK32 for a, b in zip(tested0, tested1, strict=True)
            )
            store_steps = tuple(
                (b - a) & MASK32 for a, b in zip(bases0, bases1, strict=True)
            )
        count = NEVER
        for test, v0, step in zip(self.tests, tested0, test_steps, strict=True):
            if test.zero is None:
                n = _sign_trips(v0, step, test.threshold, test.at_least)
            else:
                n = _zero_trips(v0, step, test.zero)
            count = min(count, n)
            if count == 0:
                break
        stores = tuple(
            ((b0 + offset) & MASK32, step, size)
            for (offset, size), b0, step in zip(
                self.stores, bases0, store_steps, strict=True
            )
        )
        return Trips(count, deltas, stores)


def _shift(steps: tuple[tuple[int, int, int, int], ...]) -> Shift | None:
    """The :class:`Shift` of ``steps``, or None when a step writes anything
    but its own register plus a constant."""
    total: dict[int, int] = {}
    for kind, a, b, c in steps:
        if kind <= _CONST:
            if kind != _ADDI or a != b:
                return None
            total[a] = (total.get(a, 0) + c) & MASK32
    tests: list[int] = []
    stores: list[int] = []
    for kind, a, b, _ in steps:
        if kind == _EQ:
            tests.append((total.get(a, 0) - total.get(b, 0)) & MASK32)
        elif kind == _SIGN:
            tests.append(total.get(a, 0))
        elif kind == _STORE:
            stores.append(total.get(a, 0))
    deltas = tuple(sorted((r, d) for r, d in total.items() if d))
    return Shift(deltas, tuple(tests), tuple(stores))


_STATEMENTS = {
    _ADDI: "r[{a}] = (r[{b}] + {c}) & 0xFFFFFFFF",
    _ADD: "r[{a}] = (r[{b}] + r[{c}]) & 0xFFFFFFFF",
    _SUB: "r[{a}] = (r[{b}] - r[{c}]) & 0xFFFFFFFF",
    _SLL: "r[{a}] = (r[{b}] << {c}) & 0xFFFFFFFF",
    _CONST: "r[{a}] = {b}",
    _EQ: "v{n} = (r[{a}] - r[{b}]) & 0xFFFFFFFF",
    _SIGN: "v{n} = r[{a}]",
    _STORE: "s{n} = r[{a}]",
}


def _compile(
    steps: tuple[tuple[int, int, int, int], ...],
) -> Callable[[list[int]], tuple[list[int], list[int]]]:
    """One Python function running ``steps`` on a register list: a loop
    body is evaluated at every arrival, a call per step would cost more
    than the whole body."""
    lines = ["def evaluate(r):"]
    tested: list[str] = []
    bases: list[str] = []
    for kind, a, b, c in steps:
        if kind in (_EQ, _SIGN):
            n = len(tested)
            tested.append(f"v{n}")
        elif kind == _STORE:
            n = len(bases)
            bases.append(f"s{n}")
        else:
            n = 0
        lines.append("    " + _STATEMENTS[kind].format(a=a, b=b, c=c, n=n))
    lines.append(f"    return [{', '.join(tested)}], [{', '.join(bases)}]")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<loop body>", "exec"), namespace)  # noqa: S102
    return namespace["evaluate"]


def _signed(value: int) -> int:
    return value - ((value & 0x80000000) << 1)


def _zero_trips(v0: int, step: int, zero: bool) -> int:
    """First iteration ``j >= 0`` at which ``v0 + j * step == 0`` (mod
    2**32) stops being ``zero``."""
    if zero:
        if v0:
            return 0
        return NEVER if step == 0 else 1
    if v0 == 0:
        return 0
    if step == 0:
        return NEVER
    g = step & -step  # the power of two dividing step
    if v0 % g:
        return NEVER
    m = (1 << 32) // g
    return (-(v0 // g)) * pow(step // g, -1, m) % m


def _sign_trips(v0: int, step: int, threshold: int, at_least: bool) -> int:
    """First iteration ``j >= 0`` at which ``signed(v0 + j * step) >=
    threshold`` stops being ``at_least``, or at which the sequence leaves
    the int32 range (beyond it the test is not predicted)."""
    x0 = _signed(v0)
    s = _signed(step)
    if (x0 >= threshold) != at_least:
        return 0
    if s == 0:
        return NEVER
    if s > 0:
        leaves = (0x7FFFFFFF - x0) // s + 1
        flips = -((x0 - threshold) // s) if not at_least else NEVER
    else:
        leaves = (x0 + 0x80000000) // -s + 1
        flips = (x0 - threshold) // -s + 1 if at_least else NEVER
    return min(leaves, flips)


def _word(imem: bytes | bytearray, pc: int) -> int:
    return int.from_bytes(imem[pc : pc + 4], "big")


def _target(word: int, pc: int) -> int:
    """Where the branch or ``j`` ``word`` at ``pc`` goes when taken."""
    if word >> 26 == 0x02:
        return (word << 2) & 0xFFC
    offset = ((word & 0xFFFF) ^ 0x8000) - 0x8000
    return (pc + 4 + 4 * offset) & 0xFFC


def _is_branch(word: int) -> bool:
    opcode = word >> 26
    return 0x01 <= opcode <= 0x07 or (opcode == 0 and (word & 0x3F) in (0x08, 0x09))


def _step(word: int) -> tuple[int, int, int, int] | BranchTest | bool | None:
    """The step of one instruction word: a step tuple, a branch test (its
    `_EQ`/`_SIGN` step is made by the caller), True for no step (vector
    unit, ``j``, a write of ``$zero``), None when ineligible."""
    opcode = word >> 26
    rs = (word >> 21) & 31
    rt = (word >> 16) & 31
    rd = (word >> 11) & 31
    uimm = word & 0xFFFF
    simm = uimm - 0x10000 if uimm & 0x8000 else uimm
    if is_timing_noop(word) or opcode == 0x02:
        return True
    if opcode == 0x00:
        funct = word & 0x3F
        if rd == 0 and funct in _ALU_FUNCTS:
            return True
        if funct in (0x20, 0x21):
            return (_ADD, rd, rs, rt)
        if funct in (0x22, 0x23):
            return (_SUB, rd, rs, rt)
        if funct in (0x25, 0x26) and 0 in (rs, rt):  # or/xor with $zero: a move
            return (_ADD, rd, rs, rt)
        if funct == 0x00:
            return (_SLL, rd, rt, (word >> 6) & 31)
        return None
    if 0x08 <= opcode <= 0x0F and rt == 0:
        return True
    if opcode in (0x08, 0x09):
        return (_ADDI, rt, rs, simm)
    if opcode == 0x0F:
        return (_CONST, rt, uimm << 16, 0)
    if opcode in (0x0C, 0x0D, 0x0E) and rs == 0:
        return (_CONST, rt, 0 if opcode == 0x0C else uimm, 0)
    if opcode in (0x0D, 0x0E) and uimm == 0:
        return (_ADDI, rt, rs, 0)
    if opcode in (0x04, 0x05):
        return BranchTest(zero=opcode == 0x04)
    if opcode in (0x06, 0x07) or (opcode == 0x01 and rt in (0x00, 0x01)):
        # taken when signed(rs) >= threshold (bgtz, bgez) or < it (blez, bltz)
        threshold = 1 if opcode in (0x06, 0x07) else 0
        return BranchTest(None, threshold, opcode == 0x07 or rt == 0x01)
    return None


def loop_body(
    imem: bytes | bytearray, head: int, length: int, taken: tuple[tuple[int, int], ...]
) -> LoopBody | None:
    """The body of the path of ``length`` instructions from ``head`` whose
    taken branches sit at the given offsets (with their targets); None
    when the path is not an eligible affine loop iteration."""
    targets = dict(taken)
    steps: list[tuple[int, int, int, int]] = []
    tests: list[BranchTest] = []
    stores: list[tuple[int, int]] = []
    pcs: list[int] = []
    pc = head
    after_branch = False
    for k in range(length):
        if k >= 2 and (k - 2) in targets:
            pc = targets[k - 2]
        pcs.append(pc)
        word = _word(imem, pc)
        branch = _is_branch(word)
        if branch and after_branch:
            return None  # a branch in a delay slot
        after_branch = branch
        if word >> 26 == 0x3A:  # a vector store
            span = store_span(word)
            if span is None:
                return None
            base, offset, size = span
            steps.append((_STORE, base, 0, 0))
            stores.append((offset, size))
            pc = (pc + 4) & 0xFFC
            continue
        step = _step(word)
        if step is None:
            return None
        if branch and _target(word, pc) != targets.get(k, _target(word, pc)):
            return None  # the path does not go where the branch leads
        if word >> 26 == 0x02 and k not in targets:
            return None  # a jump the path does not take
        if isinstance(step, BranchTest):
            taken_here = k in targets
            if step.zero is None:
                steps.append((_SIGN, (word >> 21) & 31, 0, 0))
                tests.append(
                    BranchTest(None, step.threshold, step.at_least == taken_here)
                )
            else:
                steps.append((_EQ, (word >> 21) & 31, (word >> 16) & 31, 0))
                # beq taken / bne not taken: the operands are equal
                tests.append(BranchTest(zero=step.zero == taken_here))
        elif step is not True:
            assert not isinstance(step, bool)
            if step[1] != 0:
                steps.append(step)
        pc = (pc + 4) & 0xFFC
    written = sorted({a for kind, a, _, _ in steps if kind <= _CONST})
    return LoopBody(
        tuple(steps),
        tuple(tests),
        tuple(stores),
        tuple(written),
        tuple(pcs),
        _shift(tuple(steps)),
        _compile(tuple(steps)),
    )
