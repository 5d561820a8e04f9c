"""A small builder of `rsp` instruction sequences on virtual registers.

`lower-to-rsp` uses it to write RSP code the way one would by hand: every
value gets a virtual register (`!rsp.reg<j_N>`, `!rsp.vreg<vj_N>`), and a
register may be written many times (loop counters, pointers), so the code is
not in SSA form: the register *type* says which storage an op reads or
writes. The SSA operands only keep xDSL's use-def chains in order (each read
uses the latest op that wrote the register, in program order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xdsl.backend.register_type import RegisterType
from xdsl.dialects.builtin import IntAttr
from xdsl.ir import Operation, SSAValue

from n64c.backend.rsp_deps import is_branch
from n64c.dialects import rsp
from n64c.dialects.rsp_types import COP0_INDEX_BY_NAME, GprType, VregType

COP0_DMA_SPADDR = COP0_INDEX_BY_NAME["COP0_DMA_SPADDR"]
COP0_DMA_RAMADDR = COP0_INDEX_BY_NAME["COP0_DMA_RAMADDR"]
COP0_DMA_READ = COP0_INDEX_BY_NAME["COP0_DMA_READ"]
COP0_DMA_WRITE = COP0_INDEX_BY_NAME["COP0_DMA_WRITE"]
COP0_DMA_FULL = COP0_INDEX_BY_NAME["COP0_DMA_FULL"]
COP0_DMA_BUSY = COP0_INDEX_BY_NAME["COP0_DMA_BUSY"]

ACC_HI = 8
ACC_MD = 9


def fits_simm16(value: int) -> bool:
    return -0x8000 <= value <= 0x7FFF


class RspEmitter:
    """Appends `rsp` ops to a list; allocates virtual registers and labels."""

    def __init__(self, prefix: str = "") -> None:
        self.ops: list[Operation] = []
        self.prefix = prefix
        self._gprs = 0
        self._vregs = 0
        self._labels = 0
        self._current: dict[RegisterType, SSAValue] = {}
        self.zero = GprType.from_name("zero")

    # ------------------------------------------------------------ registers
    def gpr(self) -> GprType:
        reg = GprType.infinite_register(self._gprs)
        self._gprs += 1
        return reg

    def vreg(self) -> VregType:
        reg = VregType.infinite_register(self._vregs)
        self._vregs += 1
        return reg

    def label(self, hint: str) -> str:
        self._labels += 1
        return f"{self.prefix}{hint}_{self._labels}"

    def value(self, reg: RegisterType) -> SSAValue:
        """The latest value written to `reg` (a `get_register` if none)."""
        current = self._current.get(reg)
        if current is None:
            op = rsp.GetRegisterOp(reg)  # type: ignore[arg-type]
            self.ops.append(op)
            current = op.res
            self._current[reg] = current
        return current

    def emit(self, op: Operation) -> Operation:
        self.ops.append(op)
        for result in op.results:
            if isinstance(result.type, RegisterType):
                self._current[result.type] = result
        return op

    # --------------------------------------------------------------- scalar
    def addi(
        self, dst: GprType, src: GprType, imm: int, comment: str | None = None
    ) -> None:
        assert fits_simm16(imm), imm
        self.emit(rsp.AddiOp(self.value(src), imm, rt=dst, comment=comment))

    def li(self, dst: GprType, value: int, comment: str | None = None) -> None:
        """`dst = value` for any 32-bit value."""
        value &= 0xFFFFFFFF
        signed = value - (1 << 32) if value & 0x80000000 else value
        if fits_simm16(signed):
            self.addi(dst, self.zero, signed, comment)
            return
        self.emit(rsp.LuiOp(value >> 16, rt=dst))
        if value & 0xFFFF:
            self.emit(
                rsp.OriOp(self.value(dst), value & 0xFFFF, rt=dst, comment=comment)
            )

    def add_const(
        self, dst: GprType, src: GprType, value: int, comment: str | None = None
    ) -> None:
        """`dst = src + value` (a temporary register when value is large).
        `reg += value` right after an unread `reg += c` (no label or branch
        between) becomes one `reg += c + value`."""
        if dst == src and comment is None and self._merge_increment(dst, value):
            return
        if fits_simm16(value):
            self.addi(dst, src, value, comment)
            return
        tmp = self.gpr()
        self.li(tmp, value)
        self.emit(rsp.AddOp(self.value(src), self.value(tmp), rd=dst, comment=comment))

    def _merge_increment(self, reg: GprType, value: int) -> bool:
        current = self._current.get(reg)
        last = current.owner if current is not None else None
        if (
            not isinstance(last, rsp.AddiOp)
            or current is None
            or current.uses
            or last.rs.type != reg
            or last.comment is not None
            or not isinstance(last.imm, IntAttr)
            or not fits_simm16(last.imm.data + value)
        ):
            return False
        for index in range(len(self.ops) - 1, -1, -1):
            op = self.ops[index]
            if op is last:
                break
            if isinstance(op, rsp.LabelOp) or is_branch(op):
                return False
        else:
            return False
        total = last.imm.data + value
        del self.ops[index]
        source = last.rs
        last.erase()
        if total:
            self.emit(rsp.AddiOp(source, total, rt=reg))
        else:
            self._current[reg] = source
        return True

    def copy(self, src: GprType, delta: int = 0) -> GprType:
        """A new register holding `src + delta`."""
        reg = self.gpr()
        self.add_const(reg, src, delta)
        return reg

    def bump(self, reg: GprType, delta: int) -> None:
        """`reg += delta` (nothing for 0)."""
        if delta:
            self.add_const(reg, reg, delta)

    def counted(
        self,
        trips: int,
        body: Callable[[], None],
        hint: str,
        first: Callable[[], None] | None = None,
    ) -> None:
        """`body` `trips` times: a down-counter and a backward `bne` (the
        body once, without a loop, for one trip; nothing for none). With
        `first`, that runs once after the first trip's body (in the loop,
        behind a test of the counter)."""
        if trips <= 0:
            return
        if trips == 1:
            body()
            if first is not None:
                first()
            return
        counter = self.gpr()
        self.li(counter, trips, comment=hint)
        head = self.label(hint)
        self.place_label(head)
        body()
        if first is not None:
            done = self.label("queued")
            first_trip = self.gpr()
            self.addi(first_trip, counter, -trips)
            self.bne(first_trip, self.zero, done)
            first()
            self.place_label(done)
        self.addi(counter, counter, -1)
        self.bne(counter, self.zero, head)

    def xori(self, dst: GprType, src: GprType, imm: int) -> None:
        self.emit(rsp.XoriOp(self.value(src), imm, rt=dst))

    def lw(self, dst: GprType, base: GprType, offset: int) -> None:
        self.emit(rsp.LwOp(self.value(base), offset, rt=dst))

    def place_label(self, name: str) -> None:
        self.emit(rsp.LabelOp(name))

    def bne(self, a: GprType, b: GprType, target: str) -> None:
        self.emit(rsp.BneOp(self.value(a), self.value(b), target))
        self.emit(rsp.NopOp())

    def mfc0(self, dst: GprType, reg: int) -> None:
        self.emit(rsp.Mfc0Op(reg, rt=dst))

    def mtc0(self, src: GprType, reg: int) -> None:
        self.emit(rsp.Mtc0Op(self.value(src), reg))

    # --------------------------------------------------------------- vector
    def lqv(self, dst: VregType, base: GprType, offset: int) -> None:
        """Load 16 aligned bytes at `base + offset` (any offset)."""
        if not -1024 <= offset <= 1008:
            tmp = self.gpr()
            self.add_const(tmp, base, offset)
            base, offset = tmp, 0
        self.emit(rsp.LqvOp(self.value(dst), self.value(base), offset))

    def sqv(self, src: VregType, base: GprType, offset: int) -> None:
        if not -1024 <= offset <= 1008:
            tmp = self.gpr()
            self.add_const(tmp, base, offset)
            base, offset = tmp, 0
        self.emit(rsp.SqvOp(self.value(src), self.value(base), offset))

    def vop(
        self,
        cls: type[rsp.VectorComputeOp],
        dst: VregType,
        vs: VregType,
        vt: VregType,
        element: int = 0,
    ) -> None:
        self.emit(cls(self.value(vs), self.value(vt), element, vd=dst))

    def vconst(self, values: Sequence[int]) -> VregType:
        """A new vector register holding the eight int16 `values`, built
        from immediates (no DMEM): a `vxor` clears it, then one `mtc2` a
        non-zero lane (eight equal values: one `mtc2` and a broadcast)."""
        assert len(values) == 8, values
        lanes = [((int(v) + 0x8000) & 0xFFFF) - 0x8000 for v in values]
        reg = self.vreg()
        self.vop(rsp.VxorOp, reg, reg, reg)
        if lanes[0] != 0 and len(set(lanes)) == 1:
            tmp = self.gpr()
            self.addi(tmp, self.zero, lanes[0])
            self.emit(rsp.Mtc2Op(self.value(tmp), self.value(reg), 0))
            self.vop(rsp.VorOp, reg, reg, reg, 8 + 0)  # lanes 1..7 are 0
            return reg
        scalars: dict[int, GprType] = {}
        for lane, value in enumerate(lanes):
            if value == 0:
                continue
            if value not in scalars:
                scalars[value] = self.gpr()
                self.addi(scalars[value], self.zero, value)
            scalar = self.value(scalars[value])
            self.emit(rsp.Mtc2Op(scalar, self.value(reg), 2 * lane))
        return reg

    def vsar(self, dst: VregType, acc_slice: int) -> None:
        self.emit(rsp.VsarOp(acc_slice, vd=dst))

    # ------------------------------------------------------------------ DMA
    def wait_dma_slot(self) -> None:
        """Spin until the DMA queue has room for one more transfer."""
        loop = self.label("dma_full")
        tmp = self.gpr()
        self.place_label(loop)
        self.mfc0(tmp, COP0_DMA_FULL)
        self.bne(tmp, self.zero, loop)

    def wait_dma_idle(self) -> None:
        """Spin until every queued DMA transfer has finished."""
        loop = self.label("dma_busy")
        tmp = self.gpr()
        self.place_label(loop)
        self.mfc0(tmp, COP0_DMA_BUSY)
        self.bne(tmp, self.zero, loop)

    def dma(
        self,
        dmem: GprType,
        rdram: GprType,
        length_word: int | GprType,
        to_rdram: bool,
        poll: bool = True,
    ) -> None:
        """Queue one transfer (after waiting for a free queue slot, unless
        `poll` is False: the caller knows one is free); the length word a
        constant or a register holding it."""
        if poll:
            self.wait_dma_slot()
        self.mtc0(dmem, COP0_DMA_SPADDR)
        self.mtc0(rdram, COP0_DMA_RAMADDR)
        if isinstance(length_word, int):
            length = self.gpr()
            self.li(length, length_word)
        else:
            length = length_word
        self.mtc0(length, COP0_DMA_WRITE if to_rdram else COP0_DMA_READ)


def layer_label(ucode: str, index: int) -> str:
    """The label at the first instruction of layer `index` of `ucode`: the
    cycle model times each layer from its label to the next one."""
    return f"{ucode}_layer_{index}"


def dma_length_word(nbytes: int, rows: int, row_stride: int) -> int:
    """SP_RD_LEN / SP_WR_LEN: `(bytes-1) | (rows-1) << 12 | skip << 20`."""
    return (nbytes - 1) | ((rows - 1) << 12) | ((row_stride - nbytes) << 20)
