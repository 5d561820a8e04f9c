"""`rsp-schedule`: list scheduling of allocated `rsp` code for dual issue.

Within each basic block (split at labels and after each branch's delay
slot; the branch and its delay slot stay last), the pass reorders
instructions so that

* a scalar-unit instruction (ALU, scalar and vector loads/stores, COP moves)
  and a vector-unit instruction sit next to each other and issue together;
* a vector register is read at least 4 issue groups after the instruction
  that wrote it (the RSP stalls 3/2/1 cycles at distance 1/2/3), and a GPR
  loaded by `lw`/`mfc0`/`mfc2`/`cfc2` is read at least 3 groups later.

A block that ends with a branch and a `nop` in its delay slot gets, in
place of the `nop`, a scalar-unit instruction that would issue alone and
that nothing after it depends on (`_delay_slot_filler`), or else the
block's last vector-unit op when it issues alone and the block is then a
group shorter (`_vector_slot_filler`: the `vmadh` ending a loop trip's
readout, say); a DMA polling
loop's slot takes an op of the code after it that gives the same result
however often the loop spins (`_fill_poll_slot`). An increment of a
base register (`addi r, r, c`) may issue before earlier accesses through
`r`, whose offsets then drop by `c` (`_rebase`).

Dependences keep the program's meaning: register read/write order (on
machine registers, so it runs after `rsp-allocate-registers`), the order of
all accumulator/flag ops (every computational vector op), and the order of
memory accesses around stores and DMA register moves.

The scheduler models issue groups cycle by cycle: at each step it picks the
ready instruction with the longest latency-weighted path to the end of the
block that can issue without a stall (or the one with the least stall),
then looks for a partner of the other unit. Vector-unit instructions keep
their program order (they share the accumulator), so a kernel decides
where its vector ops go and the scheduler places the scalar ones around
them. The simulator's cycle model (`n64c.sim.rsp.timing`) is the reference
for measurements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects.builtin import IntAttr, ModuleOp, UnitAttr
from xdsl.ir import Block, Operation
from xdsl.passes import ModulePass

from n64c.backend.rsp_deps import (
    Effects,
    branch_target,
    effects,
    is_branch,
    is_vector_unit,
    text_ops,
)
from n64c.backend.rsp_emitter import fits_simm16
from n64c.dialects import rsp
from n64c.dialects.rsp_base import (
    RspInstruction,
    ScalarLoadOp,
    ScalarStoreOp,
    VectorLoadOp,
    VectorMemoryOp,
    VectorStoreOp,
)
from n64c.dialects.rsp_types import GprType, VregType

ZERO = GprType.from_name("zero")
SCHEDULED = "rsp.scheduled"
"""The unit attribute of a program `rsp-schedule` has scheduled."""
VECTOR_LATENCY = 4
LOAD_LATENCY = 3


def _is_load(op: Operation) -> bool:
    return isinstance(
        op,
        VectorLoadOp
        | rsp.LwOp
        | rsp.LhOp
        | rsp.LbOp
        | rsp.LhuOp
        | rsp.LbuOp
        | rsp.Mfc0Op
        | rsp.Mtc0Op
        | rsp.Mfc2Op
        | rsp.Mtc2Op
        | rsp.Cfc2Op
        | rsp.Ctc2Op,
    )


def _is_store(op: Operation) -> bool:
    return isinstance(
        op,
        VectorStoreOp
        | rsp.SwOp
        | rsp.ShOp
        | rsp.SbOp
        | rsp.Mfc0Op
        | rsp.Mtc0Op
        | rsp.Mfc2Op
        | rsp.Mtc2Op
        | rsp.Cfc2Op
        | rsp.Ctc2Op,
    )


def _slow_gpr_result(op: Operation) -> bool:
    return isinstance(
        op,
        rsp.LwOp
        | rsp.LhOp
        | rsp.LbOp
        | rsp.LhuOp
        | rsp.LbuOp
        | rsp.Mfc0Op
        | rsp.Mfc2Op
        | rsp.Cfc2Op,
    )


@dataclass
class _Node:
    op: Operation
    index: int
    eff: Effects
    vector: bool
    preds: list[tuple[_Node, int]]
    succs: list[tuple[_Node, int]]
    priority: int = 0
    group: int = -1
    load: bool = False
    store: bool = False
    vwrites: frozenset[object] = frozenset()
    vtouch: frozenset[object] = frozenset()
    increments: list[tuple[_Node, int]] = field(default_factory=list)
    """For a memory access through a base register: the later increments
    of that register (`addi r, r, c`) allowed to issue before it, its
    offset then less by their sum (`_rebase`)."""

    def __post_init__(self) -> None:
        self.load = _is_load(self.op)
        self.store = _is_store(self.op)
        self.vwrites = frozenset(r for r in self.eff.writes if isinstance(r, VregType))
        self.vtouch = frozenset(
            r for r in self.eff.reads | self.eff.writes if isinstance(r, VregType)
        )


def _latency(producer: _Node, consumer: _Node, shared: set[object]) -> int:
    """Issue-group distance for the consumer to avoid stalls."""
    latency = 1
    for res in shared:
        if isinstance(res, VregType):
            latency = max(latency, VECTOR_LATENCY)
        elif isinstance(res, GprType) and _slow_gpr_result(producer.op):
            latency = max(latency, LOAD_LATENCY)
    return latency


def _increment(op: Operation) -> tuple[GprType, int] | None:
    """`(r, c)` when `op` is `addi r, r, c` (r not `zero`)."""
    if (
        isinstance(op, rsp.AddiOp)
        and isinstance(op.imm, IntAttr)
        and op.rs.type == op.rt.type
        and isinstance(op.rt.type, GprType)
        and op.rt.type != ZERO
    ):
        return op.rt.type, op.imm.data
    return None


def _base(op: Operation) -> GprType | None:
    """The base register of a memory access with a constant offset that
    reads the register only as its base."""
    if not isinstance(op, VectorLoadOp | VectorStoreOp | ScalarLoadOp | ScalarStoreOp):
        return None
    if not isinstance(op.offset, IntAttr):
        return None
    base = op.base.type
    others = [o.type for o in op.operands if o is not op.base]
    if not isinstance(base, GprType) or base in others:
        return None
    return base


def _offset_fits(op: Operation, offset: int) -> bool:
    """Whether memory access `op` can encode `offset`."""
    if isinstance(op, VectorMemoryOp):
        low, high = op.offset_range()
        return offset % op.SIZE == 0 and low <= offset <= high
    return fits_simm16(offset)


def _build(ops: list[Operation]) -> list[_Node]:
    nodes = [
        _Node(op, i, effects(op), is_vector_unit(op), [], [])
        for i, op in enumerate(ops)
    ]
    last_writer: dict[object, _Node] = {}
    readers: dict[object, list[_Node]] = {}
    for b in nodes:
        found: list[tuple[_Node, int]] = []
        for res in b.eff.reads:
            writer = last_writer.get(res)
            if writer is not None:
                found.append((writer, _latency(writer, b, {res})))
        step = _increment(b.op)
        for res in b.eff.writes:
            writer = last_writer.get(res)
            if writer is not None:
                found.append((writer, 1))
            # WAR: may share a group with the reader issuing first; an
            # access through the base an increment moves may come after it
            # (`_rebase` decides which increments, on offsets)
            found.extend(
                (r, 0)
                for r in readers.get(res, ())
                if r is not b and not (step and res == step[0] == _base(r.op))
            )
        edges: dict[int, tuple[_Node, int]] = {}
        for a, latency in found:
            old = edges.get(a.index)
            if old is None or old[1] < latency:
                edges[a.index] = (a, latency)
        for a, latency in edges.values():
            a.succs.append((b, latency))
            b.preds.append((a, latency))
        for res in b.eff.reads:
            readers.setdefault(res, []).append(b)
        for res in b.eff.writes:
            last_writer[res] = b
            readers[res] = []
    _rebase(nodes)
    for node in reversed(nodes):
        node.priority = max((lat + s.priority for s, lat in node.succs), default=1)
    return nodes


def _rebase(nodes: list[_Node]) -> None:
    """For each access through a base register, the later increments of
    that register (up to its next other write) that may issue before it:
    while its offset less their running sum stays encodable. The first one
    that would not gets back its ordering edge (the rest follow it), and so
    does the register's next write that is not an increment (a move into
    it: the access must read the value before it)."""
    for node in nodes:
        base = _base(node.op)
        if base is None:
            continue
        offset = node.op.offset.data  # pyright: ignore[reportAttributeAccessIssue]
        total = 0
        for later in nodes[node.index + 1 :]:
            if base not in later.eff.writes:
                continue
            step = _increment(later.op)
            if step is None:  # another write: the access stays before it
                node.succs.append((later, 0))
                later.preds.append((node, 0))
                break
            total += step[1]
            if not _offset_fits(node.op, offset - total):
                node.succs.append((later, 0))
                later.preds.append((node, 0))
                break
            node.increments.append((later, step[1]))


def _apply_rebase(order: list[Operation], nodes: list[_Node]) -> None:
    """Lower the offset of each access by the increments scheduled before
    it that came after it in program order."""
    position = {id(op): n for n, op in enumerate(order)}
    for node in nodes:
        if not node.increments:  # not an access through a moved base
            continue
        here = position[id(node.op)]
        shift = sum(c for inc, c in node.increments if position[id(inc.op)] < here)
        if shift:
            offset = node.op.offset.data  # pyright: ignore[reportAttributeAccessIssue]
            node.op.properties["offset"] = IntAttr(offset - shift)


def _pairable(first: _Node, second: _Node) -> bool:
    if first.vector == second.vector or is_branch(first.op):
        return False
    writes = {r for r in first.eff.writes if isinstance(r, VregType)}
    touched = {
        r for r in second.eff.reads | second.eff.writes if isinstance(r, VregType)
    }
    return not (writes & touched)


class _Issue:
    """The hazard state of the group model while scheduling."""

    def __init__(self) -> None:
        self.group = 0
        self.load_groups: set[int] = set()

    def stall(self, node: _Node) -> int:
        wait = 0
        for pred, latency in node.preds:
            wait = max(wait, pred.group + latency - self.group)
        if node.store and (self.group - 2) in self.load_groups:
            wait = max(wait, 1)
        return max(0, wait)


def _groups(ops: list[Operation]) -> list[list[_Node]]:
    """The issue groups of one block's instructions, in order."""
    nodes = _build(ops)
    remaining = {n.index: n for n in nodes}
    scheduled_preds = {n.index: 0 for n in nodes}
    issue = _Issue()

    ready_set: dict[int, _Node] = {n.index: n for n in nodes if not n.preds}

    def ready() -> list[_Node]:
        return list(ready_set.values())

    def place(node: _Node) -> None:
        node.group = issue.group
        del remaining[node.index]
        del ready_set[node.index]
        for succ, _lat in node.succs:
            scheduled_preds[succ.index] += 1
            if scheduled_preds[succ.index] == len(succ.preds):
                ready_set[succ.index] = succ
        if node.load:
            issue.load_groups.add(issue.group)

    groups: list[list[_Node]] = []
    while remaining:
        candidates = ready()
        first = min(candidates, key=lambda n: (issue.stall(n), -n.priority, n.index))
        issue.group += issue.stall(first)
        place(first)
        group = [first]
        partners = [
            n
            for n in ready()
            if _pairable(first, n)
            and issue.stall(n) == 0
            and all(p.group < issue.group or p is first for p, _ in n.preds)
            and all(lat == 0 for p, lat in n.preds if p is first)
        ]
        if partners:
            partner = max(partners, key=lambda n: (n.priority, -n.index))
            place(partner)
            group.append(partner)
        groups.append(group)
        issue.group += 1
    return groups


def _delay_slot_filler(groups: list[list[_Node]], branch: Operation) -> int | None:
    """The index of a group whose one scalar-unit instruction can go into
    the delay slot of `branch` (which ends the block) instead of a `nop`:
    it issues alone, nothing after it in the block depends on it, it does
    not touch what the branch reads or writes, and the groups after it,
    one issue group earlier, still wait long enough for their operands.
    COP0 moves (the DMA protocol, its polling loops) stay where they are."""
    b = effects(branch)
    for i in range(len(groups) - 1, -1, -1):
        if len(groups[i]) != 1:
            continue
        node = groups[i][0]
        if (
            node.vector
            or node.succs
            or is_branch(node.op)
            or isinstance(node.op, rsp.Mfc0Op | rsp.Mtc0Op | rsp.BreakOp)
            or node.eff.writes & (b.reads | b.writes)
            or node.eff.reads & b.writes
        ):
            continue
        if _removable(groups, i):
            return i
    return None


def _vector_slot_filler(
    groups: list[list[_Node]], branch: Operation, next_ops: list[Operation]
) -> int | None:
    """The index of the group of the block's last vector-unit op when that
    op can go into the delay slot of `branch` (the vector ops keep their
    order) and the block then issues in one group fewer: it issues alone,
    nothing after it in the block depends on it, and, when its group is the
    block's last, the group before it is a lone op the branch can pair
    with, as the branch pairs with it now. (The delay slot issues alone
    whatever it holds.) Its result is ready later, so none of `next_ops`,
    the first ops at the branch's target, may read it; the fall-through
    path may (a loop's exit runs once, its back edge every other trip)."""
    b = effects(branch)
    last = max(
        (i for i, g in enumerate(groups) if any(n.vector for n in g)), default=-1
    )
    if last < 1 or len(groups[last]) != 1 or groups[last][0].succs:
        return None
    node = groups[last][0]
    result = {r for r in node.eff.writes if isinstance(r, VregType)}
    if node.eff.writes & b.reads or any(result & effects(o).reads for o in next_ops):
        return None
    if last == len(groups) - 1:  # the branch then follows the group before
        (before, *partner) = groups[last - 1]
        if partner or is_branch(before.op) or before.eff.writes & b.reads:
            return None
    return last if _removable(groups, last) else None


def _ops_after(
    blocks: list[tuple[list[Operation], list[Operation]]], start: int, count: int
) -> list[Operation]:
    """The first `count` instructions from block `start` on, in program
    order (labels skipped)."""
    found: list[Operation] = []
    for body, tail in blocks[start:]:
        found += [o for o in (*body, *tail) if isinstance(o, RspInstruction)]
        if len(found) >= count:
            break
    return found[:count]


def _target_ops(
    blocks: list[tuple[list[Operation], list[Operation]]],
    heads: dict[str, int],
    branch: Operation,
) -> list[Operation]:
    """The first two instructions at the target of `branch` (`heads`: the
    index of the block each label starts): the ops that would wait for a
    result in its delay slot (only the taken branch's bubble comes
    between)."""
    head = heads.get(branch_target(branch) or "")
    return [] if head is None else _ops_after(blocks, head, 2)


def _removable(groups: list[list[_Node]], i: int) -> bool:
    """Whether the groups after group `i`, one issue group earlier, still
    wait long enough for their operands."""
    node = groups[i][0]
    later = [n for group in groups[i + 1 :] for n in group]
    return all(
        p.group > node.group or n.group - 1 - p.group >= latency
        for n in later
        for p, latency in n.preds
        if p.group < node.group
    )


def _fill_poll_slot(
    label: list[Operation],
    poll: tuple[list[Operation], list[Operation]],
    after: list[Operation],
) -> None:
    """Move an op of `after` into the delay slot of `poll` when `poll` is a
    DMA polling loop (`L: mfc0 rt; bne rt, zero, L; nop`, `label` holding
    `L`) and `after` follows it with no label between: the first op of
    `after` that depends on nothing before it there and gives the same
    result however many times the loop spins (a scalar ALU op that writes
    none of its sources and touches neither `rt` nor what the branch
    reads). Done before scheduling, so that scheduling the result again
    changes nothing."""
    body, tail = poll
    code = [o for o in body if isinstance(o, RspInstruction)]
    if not (
        len(tail) == 2
        and isinstance(tail[1], rsp.NopOp)
        and is_branch(tail[0])
        and len(code) == 1
        and isinstance(code[0], rsp.Mfc0Op)
        and len(label) == 1
        and isinstance(label[0], rsp.LabelOp)
        and branch_target(tail[0]) == label[0].label.data
    ):
        return
    loop = effects(code[0]).writes | effects(tail[0]).reads
    touched: set[object] = set()  # what the ops before the candidate use
    for op in after:
        if not isinstance(op, RspInstruction):
            continue
        eff = effects(op)
        if not (
            is_vector_unit(op)
            or _is_load(op)
            or _is_store(op)
            or is_branch(op)
            or isinstance(op, rsp.BreakOp)
            or eff.writes & eff.reads
            or (eff.writes | eff.reads) & (loop | touched)
            or not all(isinstance(r, GprType) for r in eff.writes)
        ):
            after.remove(op)
            tail[1] = op
            return
        touched |= eff.reads | eff.writes


def _serialize(groups: list[list[_Node]]) -> list[Operation]:
    """The instruction order that makes the RSP form these issue groups.

    The hardware pairs greedily: an instruction left alone may pair with the
    next one. After a single instruction of one unit, a pair therefore
    starts with its instruction of the same unit (which cannot pair with
    the single one), when the two of the pair are independent."""
    order: list[Operation] = []
    previous: list[_Node] = []
    for group in groups:
        if len(group) == 2 and len(previous) == 1:
            first, second = group
            independent = all(p is not first for p, _ in second.preds)
            if (
                first.vector != previous[0].vector
                and independent
                and _pairable(second, first)
            ):
                group = [second, first]
        order.extend(n.op for n in group)
        previous = group
    return order


def _blocks(ops: list[Operation]) -> list[tuple[list[Operation], list[Operation]]]:
    """(schedulable body, pinned tail) per block, in order; labels and
    non-instruction ops stay at the front of the tail of the previous..."""
    blocks: list[tuple[list[Operation], list[Operation]]] = []
    body: list[Operation] = []
    i = 0
    while i < len(ops):
        op = ops[i]
        if isinstance(op, rsp.LabelOp):
            blocks.append((body, [op]))
            body = []
        elif is_branch(op) or isinstance(op, rsp.BreakOp):
            tail = [op]
            if i + 1 < len(ops) and isinstance(ops[i + 1], RspInstruction):
                tail.append(ops[i + 1])
                i += 1
            blocks.append((body, tail))
            body = []
        else:
            body.append(op)
        i += 1
    blocks.append((body, []))
    return blocks


def schedule_ops(ops: list[Operation]) -> list[Operation]:
    """The whole section in scheduled order."""
    blocks = _blocks(ops)
    for (_, label), poll, (after, _) in zip(
        blocks, blocks[1:], blocks[2:], strict=False
    ):
        _fill_poll_slot(label, poll, after)
    heads = {  # the block each label starts (the label ends the one before)
        tail[0].label.data: j + 1
        for j, (_, tail) in enumerate(blocks)
        if tail and isinstance(tail[0], rsp.LabelOp)
    }
    out: list[Operation] = []
    for body, tail in blocks:
        code: list[Operation] = [o for o in body if isinstance(o, RspInstruction)]
        other = [o for o in body if not isinstance(o, RspInstruction)]
        out.extend(other)
        groups = _groups(code)
        nodes = [n for group in groups for n in group]
        if len(tail) == 2 and isinstance(tail[1], rsp.NopOp) and is_branch(tail[0]):
            filler = _delay_slot_filler(groups, tail[0])
            if filler is None:
                filler = _vector_slot_filler(
                    groups, tail[0], _target_ops(blocks, heads, tail[0])
                )
            if filler is not None:
                (node,) = groups.pop(filler)
                tail = [tail[0], node.op]
        order = _serialize(groups) + tail
        _apply_rebase(order, nodes)
        out.extend(order)
    return out


def _reorder(block: Block, ops: list[Operation], order: list[Operation]) -> None:
    kept = set(order)
    for op in ops:
        op.detach()
        if op not in kept:  # a delay slot's `nop`, filled
            op.erase()
    for op in order:
        block.add_op(op)


@dataclass(frozen=True)
class RspSchedulePass(ModulePass):
    """Reorder allocated `rsp` code for dual issue and fewer stalls. Each
    program is scheduled once: the pass marks it `rsp.scheduled` and leaves
    a marked program as it is (its moves across blocks and rebased offsets
    make a second schedule of the result differ from the first)."""

    name = "rsp-schedule"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        programs = [
            m
            for m in op.walk()
            if isinstance(m, ModuleOp)
            and any(isinstance(o, RspInstruction) for o in m.walk())
            and not any(isinstance(i, ModuleOp) for i in m.body.block.ops)
            and SCHEDULED not in m.attributes
        ]
        for program in programs:
            program.attributes[SCHEDULED] = UnitAttr()
            for ops in text_ops(program):
                if not ops:
                    continue
                block = ops[0].parent_block()
                assert block is not None
                _reorder(block, ops, schedule_ops(ops))
