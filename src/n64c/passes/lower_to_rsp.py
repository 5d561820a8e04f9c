"""`lower-to-rsp`: tile kernels to RSP code on virtual registers.

Runs after `allocate-dmem` and `plan-rdram`. Consecutive `n64.tile_kernel`
ops are packed into ucodes (as many as fit IMEM's 4 KiB); each ucode becomes
a nested `builtin.module @ucodeN` holding `rsp` ops, and its kernels are
replaced by one `n64.rsp_invoke @ucodeN`. The CPU writes the RDRAM base
address of the arena into DMEM word 0 before starting the RSP; the code
reads it once (`lw base, 0(zero)`), runs the kernels in order, stores the
base into DMEM word `DONE_SLOT` (`sw base, 4(zero)`: the completion word a
CPU polls, since not every emulator sets SP_STATUS halt) and `break`s.
Each kernel's code starts at the label `layer_label(ucode, i)`: the
simulator times every layer from its label to the next.

How the tile ops become code:

* `scf.for` (constant bounds): a down-counter and a backward `bne`; a loop
  of one iteration is just its body. Loops stay loops.
* Addresses affine in loop indices (`n64.dma_in` / `n64.dma_out` offsets,
  the `x` chunk of `n64.tile_matmul`) are strength-reduced: one pointer
  register per access, set before its outermost loop, bumped at each
  latch and rewound when an inner loop ends (the RSP has no multiplier).
* Rings (2-slot DMEM buffers): a write cursor (advanced by `dma_in`) and a
  read cursor (advanced by `tile_matmul` and `tile_eltwise`) that toggle
  with `xori`; a `dma_out` from a ring sends the slot last read.
* `n64.dma_in` / `n64.dma_out`: wait for a free DMA queue slot (DMA_FULL),
  then SP_MEM_ADDR, SP_DRAM_ADDR and the length register; a `deferred`
  `dma_in` is written by the next `n64.tile_eltwise`, in its middle trip. `n64.dma_wait`
  spins on DMA_BUSY (`keep = 0`: all done) or DMA_FULL (`keep = 1`: all but
  the newest transfer done; transfers complete in order).
* `n64.tile_matmul`: the chunk's MAC chain unrolled by 8 rows per x vector
  (`lqv x`, then per row `lqv w` and `vmadh acc, w, x.eJ`), the first MAC
  of a group a `vmudh`; the last chunk adds the bias (with `short_bias`
  one `vmadh v, 2^j`, else `vmadh bias_hi, k.e0` with k.e0 = 16384 and
  `vmadh bias_lo, k.e1`),
  requantises (`vsar` HI/MD, `vmudn md, mult`, `vmadh hi, mult` gives
  `sat16(acc >> shift)` with `mult = 2^(16-shift)`), clamps (`vge`/`vlt`
  against k.e2 / k.e3) and stores the 8 results with `sqv`. An `acc48`
  matmul (48-bit sums) chains `vmudm`/`vmadm` instead, reads its weights
  after the 64-byte header, adds the bias with a third op (`vmadn` of its
  low 16 bits) and reads the sum out with the `acc48` sequences of
  `n64c.backend.acc48_code` (shifts in [18, 32]: the int32 shift with
  `mult = 2^(32-shift)`; shifts in [2, 16]: the sclamp of ACC[47:16] and
  ACC_LO times `2^(16-shift)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    UnitAttr,
    i64,
)
from xdsl.ir import Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from n64c.backend import acc48_code, int32_code
from n64c.backend.pixel_lane_conv import PixelConvLowering
from n64c.backend.prelu_lowering import lower_prelu
from n64c.backend.rsp_emitter import (
    RspEmitter,
    dma_length_word,
    layer_label,
)
from n64c.backend.window_lowering import WindowLowering
from n64c.dialects import rsp
from n64c.dialects.n64_pixel_conv import TilePixelConvOp
from n64c.dialects.n64_tile import (
    TILE_HEADER_BYTES,
    DmaInOp,
    DmaOutOp,
    DmaWaitOp,
    DmemAllocOp,
    RspInvokeOp,
    TileEltwiseOp,
    TileKernelOp,
    TileMatmulOp,
    TileWindowOp,
    tile_header_bytes,
)
from n64c.dialects.rsp_base import RspInstruction
from n64c.dialects.rsp_types import GprType, VregType
from n64c.errors import BudgetError, N64cError
from n64c.passes.pixel_lane_tiles import estimate_pixel_cycles
from n64c.passes.window_tiles import estimate_window_cycles
from n64c.sim.rsp.timing import dma_cycles

IMEM_BYTES = 4096
HANDOFF_BYTES = 80
"""IMEM reserved per kernel for prefetching the next kernel's first tile."""
BASE_SLOT = 0
"""DMEM byte offset of the RDRAM base word the CPU writes."""
DONE_SLOT = 4
"""DMEM byte offset of the completion word: zero in the DMEM image, the
ucode stores the (nonzero) RDRAM base there just before `break`."""
FRAME_BYTES = 16
"""IMEM bytes of a ucode outside its kernels: lw base, sw base, break, nop."""


# ---------------------------------------------------------------------------
# Affine accesses
# ---------------------------------------------------------------------------


@dataclass
class Access:
    """An address `const + sum(stride * iv)` kept in a pointer register."""

    const: int
    terms: list[tuple[scf.ForOp, int]]
    relative_to_base: bool
    """RDRAM addresses add the arena base; DMEM addresses do not."""
    reg: GprType | None = None

    @property
    def outermost(self) -> scf.ForOp | None:
        if not self.terms:
            return None
        loops = [loop for loop, _ in self.terms]
        for loop in loops:
            if all(loop is other or loop.is_ancestor(other) for other in loops):
                return loop
        raise N64cError("affine access over loops that are not nested")


def _loop_of(value: SSAValue) -> scf.ForOp | None:
    owner = value.owner
    if isinstance(owner, Block) and isinstance(owner.parent_op(), scf.ForOp):
        loop = owner.parent_op()
        assert isinstance(loop, scf.ForOp)
        return loop
    return None


def _const_index(value: SSAValue) -> int | None:
    owner = value.owner
    if isinstance(owner, arith.ConstantOp):
        attr = owner.value
        assert isinstance(attr, IntegerAttr)
        return attr.value.data
    return None


def _enclosing_loops(op: Operation) -> list[scf.ForOp]:
    loops: list[scf.ForOp] = []
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, TileKernelOp):
        if isinstance(parent, scf.ForOp):
            loops.append(parent)
        parent = parent.parent_op()
    return loops


def trip_count(loop: scf.ForOp) -> int:
    lb, ub, step = (_const_index(v) for v in (loop.lb, loop.ub, loop.step))
    if lb is None or ub is None or step is None:
        raise N64cError("lower-to-rsp: loops need constant bounds")
    if lb != 0 or step != 1:
        raise N64cError("lower-to-rsp: loops must run from 0 with step 1")
    return max(0, ub)


def _affine(
    indices: Sequence[SSAValue], strides: Sequence[int], const: int, rdram: bool
) -> Access:
    terms: list[tuple[scf.ForOp, int]] = []
    for index, stride in zip(indices, strides, strict=True):
        value = _const_index(index)
        if value is not None:
            const += value * stride
            continue
        loop = _loop_of(index)
        if loop is None:
            raise N64cError("lower-to-rsp: indices must be loop indices or constants")
        if trip_count(loop) == 1:
            continue
        if stride:
            terms.append((loop, stride))
    return Access(const, terms, rdram)


# ---------------------------------------------------------------------------
# Kernel lowering
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Handoff:
    """A kernel's first weight transfer, to be made by the kernel before it."""

    op: DmaInOp
    dmem: int
    rdram: int
    length: int


def _first_slot(ring: DmemAllocOp) -> int:
    attr = ring.attributes.get("n64.first_slot")
    return attr.value.data if isinstance(attr, IntegerAttr) else 0


def _dmem_range(kernel: TileKernelOp) -> tuple[int, int] | None:
    attr = kernel.attributes.get("n64.dmem_range")
    if not isinstance(attr, DenseArrayBase):
        return None
    low, high = (int(v) for v in attr.get_values())
    return low, high


def handoff_of(previous: TileKernelOp, kernel: TileKernelOp) -> Handoff | None:
    """`kernel`'s first weight transfer when `previous` can make it during its
    last tile: `kernel` starts with a DMA into its ring, `previous` ends its
    weight stream with a `skip_last` prefetch, and the slot the transfer
    fills is clear of every buffer of `previous` (so it cannot disturb the
    compute still running on them)."""
    if "n64.eltwise" in previous.attributes or not any(
        isinstance(o, DmaInOp) and o.skip_last is not None for o in previous.body.walk()
    ):  # (an element-wise kernel's prefetches are of its inputs)
        return None
    ops = list(kernel.body.block.ops)
    first = next((o for o in ops if isinstance(o, DmaInOp)), None)
    if first is None or first.indices or kernel.rdram_offsets is None:
        return None
    ring = first.dst.owner
    span = _dmem_range(previous)
    if (
        not isinstance(ring, DmemAllocOp)
        or ring.dmem_type.slots.data != 2
        or ring.offset is None
        or span is None
    ):
        return None
    size = ring.dmem_type.size.data
    start = ring.offset.value.data + size * _first_slot(ring)
    if start < span[1] and span[0] < start + first.bytes.value.data:
        return None
    args: list[SSAValue] = list(kernel.body.block.args)
    region_offset = int(list(kernel.rdram_offsets.get_values())[args.index(first.src)])
    length = dma_length_word(
        first.bytes.value.data, first.rows.value.data, first.row_stride.value.data
    )
    return Handoff(first, start, region_offset + first.offset.value.data, length)


@dataclass
class _Ring:
    write: GprType
    read: GprType
    toggle: int


@dataclass
class KernelCode:
    """The lowered code of one kernel (ops appended to a shared emitter)."""

    layer: str
    instructions: int
    macs: int
    cycles: int


@dataclass
class _KernelLowering:
    em: RspEmitter
    kernel: TileKernelOp
    base: GprType
    offsets: dict[SSAValue, int] = field(default_factory=dict)
    accesses: dict[tuple[Operation, str], Access] = field(default_factory=dict)
    inits: dict[scf.ForOp, list[Access]] = field(default_factory=dict)
    rings: dict[SSAValue, _Ring] = field(default_factory=dict)
    consts: dict[SSAValue, VregType] = field(default_factory=dict)
    consts2: dict[SSAValue, VregType] = field(default_factory=dict)
    counters: dict[scf.ForOp, tuple[GprType, int]] = field(default_factory=dict)
    deferred: list[DmaInOp] = field(default_factory=list)
    """`deferred` transfers waiting for the next `tile_eltwise`."""
    handoff: Handoff | None = None
    """The next kernel's first weight transfer, made by this kernel's last
    prefetch (see `handoff_of`)."""
    prefetched: DmaInOp | None = None
    """This kernel's first weight transfer, already made by the previous one."""
    followed: bool = False
    """Whether another kernel runs after this one in the same ucode: its
    DMA transfers queue behind this kernel's (the engine completes them in
    order) and it waits before touching DMEM, so the final wait is dropped."""

    def dmem_offset(self, buffer: SSAValue) -> int:
        owner = buffer.owner
        assert isinstance(owner, DmemAllocOp)
        if owner.offset is None:
            raise N64cError(
                f"layer {self.kernel.layer.data}: run allocate-dmem before lower-to-rsp"
            )
        return owner.offset.value.data

    # ----------------------------------------------------------- analysis
    def analyse(self) -> None:
        if self.kernel.rdram_offsets is None:
            raise N64cError(
                f"layer {self.kernel.layer.data}: run plan-rdram before lower-to-rsp"
            )
        rdram = [int(v) for v in self.kernel.rdram_offsets.get_values()]
        for arg, offset in zip(self.kernel.body.block.args, rdram, strict=True):
            self.offsets[arg] = offset
        for op in self.kernel.body.walk():
            found: dict[str, Access] = {}
            if isinstance(op, DmaInOp | DmaOutOp):
                region = op.src if isinstance(op, DmaInOp) else op.dst
                found["rdram"] = _affine(
                    list(op.indices),
                    op.get_strides(),
                    self.offsets[region] + op.offset.value.data,
                    True,
                )
            elif isinstance(op, TileMatmulOp):
                rows = op.rows.value.data
                streamed = op.stream_x is not None
                found["x"] = _affine(
                    [] if streamed else [op.chunk],
                    [] if streamed else [2 * rows],
                    self.dmem_offset(op.x),
                    False,
                )
                found["out"] = _affine(
                    [op.group], [16], self.dmem_offset(op.out), False
                )
            for which, access in found.items():
                self.accesses[(op, which)] = access
                outer = access.outermost
                if outer is not None:
                    self.inits.setdefault(outer, []).append(access)

    # -------------------------------------------------------------- emit
    def pointer(self, op: Operation, which: str) -> GprType:
        """The register holding the op's current address."""
        access = self.accesses[(op, which)]
        if access.reg is not None:
            return access.reg
        reg = self.em.gpr()
        self._init(access, reg)
        return reg

    def _init(self, access: Access, reg: GprType) -> None:
        base = self.base if access.relative_to_base else self.em.zero
        self.em.add_const(reg, base, access.const)

    def lower(self) -> None:
        self.analyse()
        em = self.em
        for op in self.kernel.body.walk():
            if isinstance(op, DmemAllocOp) and op.dmem_type.slots.data == 2:
                start = self.dmem_offset(op.result)
                size = op.dmem_type.size.data
                first = start + size * _first_slot(op)
                ring = _Ring(em.gpr(), em.gpr(), start ^ (start + size))
                em.addi(ring.write, em.zero, first)
                em.addi(ring.read, em.zero, first)
                self.rings[op.result] = ring
            elif isinstance(op, DmemAllocOp) and op.init is not None:
                if any(
                    isinstance(use.operation, TileWindowOp | TilePixelConvOp)
                    for use in op.result.uses
                ):
                    continue  # those kernels build their own
                vectors = op.init_vectors()
                self.consts[op.result] = em.vconst(vectors[0])
                if len(vectors) > 1:
                    self.consts2[op.result] = em.vconst(vectors[1])
        self.block(self.kernel.body.block)
        if self.deferred:
            raise N64cError(
                "lower-to-rsp: a deferred n64.dma_in has no n64.tile_eltwise "
                f"after it in kernel {self.kernel.layer.data}"
            )

    def block(self, block: Block) -> None:
        for op in block.ops:
            if isinstance(op, scf.ForOp):
                self.loop(op)
            elif isinstance(op, DmaInOp) and op.deferred is not None:
                self.deferred.append(op)  # queued by the next tile_eltwise
            elif isinstance(op, DmaInOp | DmaOutOp):
                self.dma(op)
            elif isinstance(op, DmaWaitOp):
                if self.followed and op is self.kernel.body.block.last_op:
                    continue
                if op.keep.value.data == 1:
                    self.em.wait_dma_slot()
                else:
                    self.em.wait_dma_idle()
            elif isinstance(op, TileMatmulOp):
                self.matmul(op)
            elif isinstance(op, TileEltwiseOp):
                self.eltwise(op)
            elif isinstance(op, TileWindowOp):
                self.window(op)
            elif isinstance(op, TilePixelConvOp):
                self.pixel_conv(op)
            elif isinstance(op, DmemAllocOp | arith.ConstantOp | scf.YieldOp):
                continue
            else:
                raise N64cError(
                    f"lower-to-rsp: cannot lower {op.name} in a tile kernel"
                )

    def loop(self, loop: scf.ForOp) -> None:
        em = self.em
        trips = trip_count(loop)
        if trips == 0:
            return
        for access in self.inits.get(loop, []):
            access.reg = em.gpr()
            self._init(access, access.reg)
        if trips == 1:
            self.block(loop.body.block)
            return
        counter = em.gpr()
        em.li(counter, trips, comment="loop counter")
        self.counters[loop] = (counter, trips)
        head = em.label("loop")
        em.place_label(head)
        self.block(loop.body.block)
        for access in self.accesses.values():
            for term_loop, stride in access.terms:
                if term_loop is loop and access.reg is not None:
                    em.add_const(access.reg, access.reg, stride)
        em.addi(counter, counter, -1)
        em.bne(counter, em.zero, head)
        for access in self.accesses.values():
            for term_loop, stride in access.terms:
                if term_loop is loop and access.outermost is not loop:
                    assert access.reg is not None
                    em.add_const(access.reg, access.reg, -stride * trips)

    def dma(self, op: DmaInOp | DmaOutOp) -> None:
        em = self.em
        if op is self.prefetched:
            # made by the previous kernel: only the cursor moves
            ring = self.rings[op.dst]
            em.xori(ring.write, ring.write, ring.toggle)
            return
        skip = ""
        done = ""
        if isinstance(op, DmaInOp) and op.skip_last is not None:
            counters = [
                self.counters[loop]
                for loop in _enclosing_loops(op)
                if loop in self.counters
            ]
            if not counters:
                # its only execution is the last one
                if self.handoff is not None:
                    self._handoff_dma(self.handoff)
                else:  # see the last trip's path below
                    em.wait_dma_idle()
                return
            skip = em.label("last_dma")
            flag = em.gpr()
            em.addi(flag, counters[0][0], -1)
            for counter, _trips in counters[1:]:
                tmp = em.gpr()
                em.addi(tmp, counter, -1)
                em.emit(rsp.OrOp(em.value(flag), em.value(tmp), rd=flag))
            em.emit(rsp.BeqOp(em.value(flag), em.value(em.zero), skip))
            em.emit(rsp.NopOp())
            if self.handoff is not None:
                done = em.label("dma_done")
        rdram = self.pointer(op, "rdram")
        dmem_value = op.dst if isinstance(op, DmaInOp) else op.src
        ring = self.rings.get(dmem_value)
        if ring is not None and isinstance(op, DmaOutOp):
            # the slot its consumer (`tile_eltwise`) last read
            dmem = em.gpr()
            em.xori(dmem, ring.read, ring.toggle)
            ring = None
        elif ring is not None:
            dmem = ring.write
        else:
            dmem = em.gpr()
            em.addi(dmem, em.zero, self.dmem_offset(dmem_value))
        length = dma_length_word(
            op.bytes.value.data, op.rows.value.data, op.row_stride.value.data
        )
        em.dma(dmem, rdram, length, to_rdram=isinstance(op, DmaOutOp))
        if ring is not None:
            em.xori(ring.write, ring.write, ring.toggle)
        if done and self.handoff is not None:
            em.emit(rsp.JOp(done))
            em.emit(rsp.NopOp())
            em.place_label(skip)
            self._handoff_dma(self.handoff)
            em.place_label(done)
        elif skip:
            # no prefetch on the last trip: the tile it uses may be the
            # newest transfer, which a wait with `keep = 1` would leave in
            # flight, so this path waits for all of them
            done = em.label("dma_done")
            em.emit(rsp.JOp(done))
            em.emit(rsp.NopOp())
            em.place_label(skip)
            em.wait_dma_idle()
            em.place_label(done)

    def _handoff_dma(self, handoff: Handoff) -> None:
        """The next kernel's first weight tile, into its first ring slot."""
        em = self.em
        dmem, rdram = em.gpr(), em.gpr()
        em.addi(dmem, em.zero, handoff.dmem)
        em.add_const(rdram, self.base, handoff.rdram)
        em.dma(dmem, rdram, handoff.length, to_rdram=False)

    def window(self, op: TileWindowOp) -> None:
        """A convolution or max pool (`n64c.backend.window_lowering`)."""
        ring = op.buffers[3].owner if op.kind.data == "conv" else None
        WindowLowering(
            self.em, op, self.base, self.rdram_offset, self.dmem_offset,
            _first_slot(ring) if isinstance(ring, DmemAllocOp) else 0,
        ).lower()  # fmt: skip

    def pixel_conv(self, op: TilePixelConvOp) -> None:
        """A conv with pixels on lanes (`n64c.backend.pixel_lane_conv`)."""
        ring = op.buffers[3].owner
        PixelConvLowering(
            self.em, op, self.base, self.rdram_offset, self.dmem_offset,
            _first_slot(ring) if isinstance(ring, DmemAllocOp) else 0,
        ).lower()  # fmt: skip

    def rdram_offset(self, region: SSAValue) -> int:
        """Arena byte offset of an RDRAM region of the kernel."""
        return self.offsets[region]

    def eltwise(self, op: TileEltwiseOp) -> None:
        """A loop over the vectors, up to 8 a trip, software-pipelined
        within a trip: a vector's inputs load during the vector before it;
        its sum is three multiplies (`vmudn` of the rounding, a `vmadm` or
        `vmadh` per term: `tile_eltwise`'s constants), the last one giving
        the result; its clamp's `vge` follows the next vector's multiplies
        (a compare writes ACC_LO, which the next `vmudn` overwrites), its
        `vlt` the multiplies of the vector after that, and its store
        follows."""
        em = self.em
        kind = op.kind.data
        if kind == "prelu":
            lower_prelu(self.em, op, self.dmem_offset, self.consts[op.consts])
            return
        vectors = op.vectors.value.data
        unroll = next(u for u in (8, 4, 2, 1) if vectors % u == 0)
        k, k2 = self.consts[op.consts], self.consts2[op.consts]
        lo, hi = op.clamp_lo.value.data, op.clamp_hi.value.data
        pointers = [self._slot(buf) for buf in op.inputs]
        out = self._slot(op.out)
        trips = vectors // unroll
        counter = em.gpr()
        head = em.label("eltwise")
        deferred, self.deferred = self.deferred, []
        if trips == 1:  # no trip to hide them in
            for dma in deferred:
                self.dma(dma)
            deferred = []
        if trips > 1:
            em.li(counter, trips, comment="vector groups")
            em.place_label(head)
        if deferred:  # queued in the middle trip
            later = em.label("queued")
            flag = em.gpr()
            em.addi(flag, counter, -(trips - trips // 2))
            em.emit(rsp.BneOp(em.value(flag), em.value(em.zero), later))
            em.emit(rsp.NopOp())
            for dma in deferred:
                self.dma(dma)
            em.place_label(later)

        def load(u: int) -> list[VregType]:
            values = []
            for ptr in pointers:
                reg = em.vreg()
                em.lqv(reg, ptr, 16 * u)
                values.append(reg)
            return values

        def clamp_low(y: VregType) -> None:
            if lo > -32768:
                em.vop(rsp.VgeOp, y, y, k, 8 + 2)

        def clamp_high(y: VregType) -> None:
            if hi < 32767:
                em.vop(rsp.VltOp, y, y, k, 8 + 3)

        sink = em.vreg()
        owner = op.consts.owner  # which terms multiply at bit 16
        assert isinstance(owner, DmemAllocOp)
        high_terms = owner.init_vectors()[0][6:8]
        previous: tuple[VregType, int] | None = None  # read out, not clamped
        low: tuple[VregType, int] | None = None  # `vge` done, `vlt` to come
        high: tuple[VregType, int] | None = None  # clamped, to be stored
        values = load(0)
        for u in range(unroll):
            current = values
            if u + 1 < unroll:
                values = load(u + 1)
            if kind == "clamp":  # in place: the loaded vector is not used again
                clamp_low(current[0])
                clamp_high(current[0])
                em.sqv(current[0], out, 16 * u)
                continue
            # 2^15 + (a*2^ka + b*2^kb) * 2^(16-s): the last multiply's
            # sclamp of ACC[47:16] is sat16((a*2^ka + b*2^kb + 2^(s-1)) >> s)
            y = em.vreg()
            em.vop(rsp.VmudnOp, sink, k2, k, 8 + 1)
            for n, x in enumerate(current):
                mac = rsp.VmadhOp if high_terms[n] else rsp.VmadmOp
                em.vop(mac, y if n == len(current) - 1 else sink, x, k, 8 + 4 + n)
            if low is not None:
                clamp_high(low[0])
                high, low = low, None
            if previous is not None:
                clamp_low(previous[0])
                low, previous = previous, None
            if high is not None:
                em.sqv(high[0], out, 16 * high[1])
                high = None
            previous = (y, u)
        if low is not None:  # the trip's last two vectors
            clamp_high(low[0])
        if previous is not None:
            clamp_low(previous[0])
        if low is not None:
            em.sqv(low[0], out, 16 * low[1])
        if previous is not None:
            clamp_high(previous[0])
            em.sqv(previous[0], out, 16 * previous[1])
        if trips > 1:
            for ptr in (*pointers, out):
                em.addi(ptr, ptr, 16 * unroll)
            em.addi(counter, counter, -1)
            em.bne(counter, em.zero, head)
        for buf in op.inputs:  # the next chunk's slots
            ring = self.rings.get(buf)
            if ring is not None:
                em.xori(ring.read, ring.read, ring.toggle)

    def _slot(self, buf: SSAValue) -> GprType:
        """A new register holding the DMEM address of `buf`: a ring's read
        slot, or the buffer."""
        ring = self.rings.get(buf)
        if ring is not None:
            return self.em.copy(ring.read)
        reg = self.em.gpr()
        self.em.addi(reg, self.em.zero, self.dmem_offset(buf))
        return reg

    def _address(self, op: Operation, which: str) -> tuple[GprType, int]:
        """(base register, offset) of one of the op's addresses."""
        access = self.accesses[(op, which)]
        if access.terms:
            return self.pointer(op, which), 0
        return self.em.zero, access.const

    def _chunk_test(self, op: TileMatmulOp, which: str) -> tuple[bool | None, str]:
        """Whether the chunk is the first/last: static True/False, or None
        with a label to branch to when it is not."""
        chunks = op.chunks.value.data
        want = 0 if which == "first" else chunks - 1
        value = _const_index(op.chunk)
        loop = _loop_of(op.chunk)
        if value is None and loop is not None and trip_count(loop) == 1:
            value = 0
        if value is not None:
            return value == want, ""
        assert loop is not None
        counter, trips = self.counters[loop]
        # the counter holds trips - iv
        em = self.em
        skip = em.label(f"not_{which}")
        tmp = em.gpr()
        em.addi(tmp, counter, -(trips - want))
        em.bne(tmp, em.zero, skip)
        return None, skip

    def matmul(self, op: TileMatmulOp) -> None:
        em = self.em
        rows = op.rows.value.data
        ring = self.rings[op.w]
        k = self.consts[op.consts]
        mode = op.acc48_mode
        header_bytes = tile_header_bytes(mode is not None)
        first_mac, next_mac = acc48_code.mac_ops(mode is not None)
        sink = em.vreg()
        x_base, x_offset = self._address(op, "x")

        first, skip_first = self._chunk_test(op, "first")
        if first is None:
            em.vop(rsp.VmudhOp, sink, k, k, 8 + 4)  # ACC = 0 (k.e4 == 0)
            em.place_label(skip_first)
        w_base, w_delta = ring.read, 0
        for block in range(rows // 8):
            vx = em.vreg()
            em.lqv(vx, x_base, x_offset + 16 * block)
            for j in range(8):
                row = 8 * block + j
                offset = header_bytes + 16 * row - w_delta
                if offset > 1008:
                    w_delta += offset
                    new_base = em.gpr()
                    em.add_const(new_base, ring.read, w_delta)
                    w_base, offset = new_base, 0
                vw = em.vreg()
                em.lqv(vw, w_base, offset)
                mac = first_mac if first is True and row == 0 else next_mac
                em.vop(mac, sink, vw, vx, 8 + j)

        last, skip_last = self._chunk_test(op, "last")
        if last is not False and mode is not None:
            header = tuple(em.vreg() for _ in range(4))
            for n, reg in enumerate(header):
                em.lqv(reg, ring.read, 16 * n)
            acc48_code.add_bias(em, sink, k, header)
            y = acc48_code.readout(em, mode, sink, k, header[2])
            self._clamp_and_store(op, y, k)
        elif last is not False:
            bias_hi, bias_lo, mult = em.vreg(), em.vreg(), em.vreg()
            em.lqv(bias_hi, ring.read, 0)
            em.lqv(bias_lo, ring.read, 16)
            em.lqv(mult, ring.read, 32)
            short = op.short_bias is not None
            int32_code.add_bias(em, sink, bias_hi, bias_lo, k, short)
            y = em.vreg()
            int32_code.read_sums(em, sink, mult, y, op.acc_hi is not None)
            self._clamp_and_store(op, y, k)
        if last is None:
            em.place_label(skip_last)
        em.xori(ring.read, ring.read, ring.toggle)

    def _clamp_and_store(self, op: TileMatmulOp, y: VregType, k: VregType) -> None:
        """Clamp the 8 results in `y` (`vge`/`vlt` against k.e2 / k.e3) and
        store them."""
        em = self.em
        if op.clamp_lo.value.data > -32768:
            em.vop(rsp.VgeOp, y, y, k, 8 + 2)
        if op.clamp_hi.value.data < 32767:
            em.vop(rsp.VltOp, y, y, k, 8 + 3)
        em.sqv(y, *self._address(op, "out"))


# ---------------------------------------------------------------------------
# Cycle estimate
# ---------------------------------------------------------------------------

DMA_SETUP = 12


ELTWISE_PAIR_CYCLES = {"add": 10, "rescale": 12, "clamp": 24, "prelu": 48}
"""Cycles of an element-wise kernel's loop per two output vectors, by kind
(fitted to the cycle model; `test_eltwise_estimate_tracks_the_cycle_model`
checks the fit)."""
ELTWISE_FIXED_CYCLES = 220
"""An element-wise kernel's start (constants, the first wait) and end."""


def eltwise_cycles(nbytes: int, inputs: int, chunk: int, per_pair: int) -> int:
    """Estimate of an element-wise kernel over `nbytes` output bytes in
    chunks of `chunk`, `per_pair` cycles of compute per 32 bytes: one
    chunk loads, computes and stores in turn; in rings (several chunks)
    each chunk's transfers (the DMA engine is serial) overlap the compute,
    after the first chunk's loads and before the last one's store (the
    cycle model's DMA timing, `dma_cycles`)."""

    def load(size: int) -> int:
        return inputs * dma_cycles(True, 1, size)

    def trip(size: int) -> int:  # a chunk's transfers against its compute
        return max(load(size) + dma_cycles(False, 1, size), per_pair * size // 32)

    if nbytes <= chunk:
        size = nbytes
        compute = per_pair * size // 32
        return ELTWISE_FIXED_CYCLES + load(size) + compute + dma_cycles(False, 1, size)
    full, tail = divmod(nbytes, chunk)
    last = tail or chunk
    return (
        ELTWISE_FIXED_CYCLES
        + load(chunk)
        + full * trip(chunk)
        + (trip(tail) if tail else 0)
        + dma_cycles(False, 1, last)
    )


def estimate_kernel_cycles(kernel: TileKernelOp) -> int:
    """Analytic estimate: per weight tile the larger of its DMA time and its
    compute time (they overlap), plus the x row loads; for element-wise
    kernels `eltwise_cycles`."""
    for op in kernel.body.block.ops:
        if isinstance(op, TileWindowOp):
            return estimate_window_cycles(op.kind.data, op.geo)
        if isinstance(op, TilePixelConvOp):
            return estimate_pixel_cycles(
                op.geo, op.clamp_lo.value.data, op.clamp_hi.value.data
            )
    eltwise = kernel.attributes.get("n64.eltwise")
    if isinstance(eltwise, DenseArrayBase):
        nbytes, inputs, chunk = (int(v) for v in eltwise.get_values())
        kinds = {
            o.kind.data for o in kernel.body.walk() if isinstance(o, TileEltwiseOp)
        }
        # no compute at all: a DMA-only copy (a channel slice)
        per_pair = max((ELTWISE_PAIR_CYCLES.get(k, 0) for k in kinds), default=0)
        return eltwise_cycles(nbytes, inputs, chunk, per_pair)
    tiling = kernel.attributes.get("n64.tiling")
    assert isinstance(tiling, DenseArrayBase)
    m, _k, n, rows, chunks = (int(v) for v in tiling.get_values())
    groups = (n + 7) // 8
    tile_bytes = TILE_HEADER_BYTES + 16 * rows
    dma = DMA_SETUP + tile_bytes // 8
    compute = rows * 9 // 8 + 24
    streamed = any(
        isinstance(o, TileMatmulOp) and o.stream_x is not None
        for o in kernel.body.walk()
    )
    if streamed:
        # each chunk of x is waited for before its tile is computed
        x_chunk = DMA_SETUP + (2 * rows) // 8
        return m * groups * (chunks * (max(dma, compute) + x_chunk) + 16) + dma
    per_row = groups * chunks * max(dma, compute) + groups * 16
    x_row = DMA_SETUP + ((2 * rows * chunks) // 8)
    return m * (per_row + x_row) + dma


# ---------------------------------------------------------------------------
# The pass
# ---------------------------------------------------------------------------


def _kernel_groups(block: Block) -> list[list[TileKernelOp]]:
    groups: list[list[TileKernelOp]] = []
    current: list[TileKernelOp] = []
    for op in block.ops:
        if isinstance(op, TileKernelOp):
            current.append(op)
        elif current and not isinstance(op, arith.ConstantOp):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def lower_kernel(
    em: RspEmitter,
    kernel: TileKernelOp,
    base: GprType,
    handoff: Handoff | None = None,
    prefetched: DmaInOp | None = None,
    followed: bool = False,
) -> KernelCode:
    start = len(em.ops)
    lowering = _KernelLowering(em, kernel, base)
    lowering.handoff = handoff
    lowering.prefetched = prefetched
    lowering.followed = followed
    lowering.lower()
    count = sum(isinstance(o, RspInstruction) for o in em.ops[start:])
    return KernelCode(
        kernel.layer.data, count, kernel.macs.value.data, estimate_kernel_cycles(kernel)
    )


def _data_section() -> rsp.SectionOp:
    """The DMEM image of a ucode: the parameter block (the kernels' constant
    vectors are built in registers, `RspEmitter.vconst`)."""
    ops: list[Operation] = [rsp.WordOp([0]), rsp.SpaceOp(12)]
    return rsp.SectionOp("data", ops)  # type: ignore[arg-type]


def _ucode_module(
    name: str, kernels: Sequence[TileKernelOp], overlap: bool = True
) -> tuple[ModuleOp, list[KernelCode]]:
    em = RspEmitter(prefix=f"{name}_")
    base = em.gpr()
    em.lw(base, em.zero, BASE_SLOT)
    handoffs = [
        handoff_of(a, b) if overlap else None
        for a, b in zip(kernels, kernels[1:], strict=False)
    ]
    codes: list[KernelCode] = []
    for i, kernel in enumerate(kernels):
        em.place_label(layer_label(name, i))
        codes.append(
            lower_kernel(
                em,
                kernel,
                base,
                handoff=handoffs[i] if i < len(handoffs) else None,
                prefetched=(h.op if i > 0 and (h := handoffs[i - 1]) else None),
                followed=overlap and i + 1 < len(kernels),
            )
        )
    em.emit(rsp.SwOp(em.value(base), em.value(em.zero), DONE_SLOT))
    em.emit(rsp.BreakOp())
    em.emit(rsp.NopOp())
    text = rsp.SectionOp("text", em.ops)  # type: ignore[arg-type]
    module = ModuleOp([text, _data_section()])
    module.sym_name = StringAttr(name)
    return module, codes


def _code_bytes(kernels: Sequence[TileKernelOp]) -> int:
    """IMEM bytes of one ucode running `kernels`."""
    return (
        4 * sum(c.instructions for c in _ucode_module("probe", kernels)[1])
        + FRAME_BYTES
    )


def _fit_alone(kernel: TileKernelOp, imem_bytes: int) -> int:
    """IMEM bytes of a ucode running `kernel` alone, after marking its convs
    in strips for short trips (`_shorten_trips`) when it would not fit
    `imem_bytes` with long ones."""
    size = _code_bytes([kernel])
    if size > imem_bytes and _shorten_trips(kernel):
        size = _code_bytes([kernel])
    return size


def _shorten_trips(kernel: TileKernelOp) -> bool:
    """Mark the convs in strips of `kernel` for short pixel-loop trips
    (`short_trips`); whether any was not already."""
    changed = False
    for window in kernel.body.walk():
        if (
            isinstance(window, TileWindowOp)
            and window.short_trips is None
            and window.geo.strips
        ):
            window.short_trips = UnitAttr()
            changed = True
    return changed


def _pack(
    kernels: Sequence[TileKernelOp], imem_bytes: int, one_weighted: bool = False
) -> list[list[TileKernelOp]]:
    """Split consecutive kernels into ucodes that fit IMEM (greedily, by the
    code size of each kernel lowered alone). With `one_weighted` (weights
    streamed from the cartridge) a ucode holds at most one kernel with
    weights: each one's weights arrive in a staging slot for its own run."""
    packs: list[list[TileKernelOp]] = []
    current: list[TileKernelOp] = []
    used = FRAME_BYTES
    for kernel in kernels:
        # + the hand-off of the next kernel's first tile (about 15 instructions)
        size = _fit_alone(kernel, imem_bytes - HANDOFF_BYTES) - FRAME_BYTES
        size += HANDOFF_BYTES
        if size + FRAME_BYTES > imem_bytes:
            raise BudgetError(
                f"layer {kernel.layer.data}: its RSP code needs {size + FRAME_BYTES} "
                f"bytes of IMEM, {size + FRAME_BYTES - imem_bytes} bytes over the "
                f"{imem_bytes}-byte budget"
            )
        second = one_weighted and kernel.weights is not None
        if current and (
            used + size > imem_bytes
            or (second and any(k.weights is not None for k in current))
        ):
            packs.append(current)
            current, used = [], FRAME_BYTES
        current.append(kernel)
        used += size
    if current:
        packs.append(current)
    return packs


@dataclass(frozen=True)
class LowerToRspPass(ModulePass):
    """Tile kernels to `rsp` code (virtual registers) and `n64.rsp_invoke`.

    Option `shared`: pack consecutive kernels into one ucode while it fits
    IMEM (default); with `shared=false` every layer gets its own ucode.
    """

    name = "lower-to-rsp"

    shared: bool = True
    imem: int = IMEM_BYTES

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        blocks = {k.parent_block() for k in op.walk() if isinstance(k, TileKernelOp)}
        count = 0
        layout = op.attributes.get("n64.rdram_layout")
        in_rom = isinstance(layout, DictionaryAttr) and layout.data.get(
            "weights_in"
        ) == StringAttr("rom")
        for block in [b for b in blocks if b is not None]:
            for group in _kernel_groups(block):
                if self.shared:
                    packs = _pack(group, self.imem, in_rom)
                else:
                    for kernel in group:
                        _fit_alone(kernel, self.imem)
                    packs = [[k] for k in group]
                for pack in packs:
                    name = f"ucode{count}"
                    count += 1
                    module, codes = _ucode_module(name, pack)
                    size = 4 * sum(c.instructions for c in codes) + FRAME_BYTES
                    if size > self.imem:
                        raise BudgetError(
                            f"layer {pack[0].layer.data}: its RSP code needs {size} "
                            f"bytes of IMEM, {size - self.imem} bytes over the "
                            f"{self.imem}-byte budget"
                        )
                    self._replace(op, pack, name, codes)
                    op.body.block.add_op(module)

    @staticmethod
    def _replace(
        top: ModuleOp, pack: Sequence[TileKernelOp], name: str, codes: list[KernelCode]
    ) -> None:
        inside = set(pack)
        produced = {r for k in pack for r in k.outputs}
        inputs: list[SSAValue] = []
        input_offsets: list[int] = []
        outputs: list[SSAValue] = []
        output_offsets: list[int] = []
        for kernel in pack:
            assert kernel.rdram_offsets is not None
            offsets = [int(v) for v in kernel.rdram_offsets.get_values()]
            for i, value in enumerate(kernel.inputs):
                if value not in produced and value not in inputs:
                    inputs.append(value)
                    input_offsets.append(offsets[i])
            for j, value in enumerate(kernel.outputs):
                if any(use.operation not in inside for use in value.uses):
                    outputs.append(value)
                    output_offsets.append(offsets[len(kernel.inputs) + j])
        invoke = RspInvokeOp(
            name,
            inputs,
            [v.type for v in outputs],
            layers=[k.layer.data for k in pack],
            input_offsets=input_offsets,
            output_offsets=output_offsets,
            macs=sum(c.macs for c in codes),
            cycles=sum(c.cycles for c in codes),
            base_slot=BASE_SLOT,
        )
        invoke.attributes["n64.layer_macs"] = DenseArrayBase.from_list(
            i64, [c.macs for c in codes]
        )
        invoke.attributes["n64.layer_cycles"] = DenseArrayBase.from_list(
            i64, [c.cycles for c in codes]
        )
        Rewriter.insert_op(invoke, InsertPoint.before(pack[-1]))
        for old, new in zip(outputs, invoke.outputs, strict=True):
            old.replace_all_uses_with(new)
        for kernel in reversed(pack):
            Rewriter.erase_op(kernel)
