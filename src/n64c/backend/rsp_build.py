"""Building `rsp` modules from machine-level instruction fields.

The assembler (`rsp_asm.parse_asm`) and the disassembler
(`rsp_encode.decode_imem`) both describe an instruction as its op class and a
dict of fields (register numbers, element, offset, immediate, target...);
:class:`ProgramBuilder` turns those into ops with SSA register values.

SSA form: a read of a register uses the value of the last op in the same
straight-line stretch that wrote it; at the start of a section, after a label
and for registers not written yet, the read starts from an
`rsp.get_register` op placed just before the reading instruction.
"""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue

from n64c.dialects import rsp
from n64c.dialects.rsp_base import (
    BranchCompareOp,
    BranchLinkOp,
    BranchZeroOp,
    FixedWordOp,
    ImmediateOp,
    JumpLinkOp,
    JumpLinkRegisterOp,
    JumpOp,
    JumpRegisterOp,
    MoveFromControlOp,
    MoveFromVectorOp,
    MoveToControlOp,
    MoveToVectorOp,
    RegRegOp,
    RspInstruction,
    ScalarLoadOp,
    ScalarStoreOp,
    ShiftImmOp,
    ShiftVariableOp,
    UpperImmediateOp,
    VectorAccReadOp,
    VectorComputeOp,
    VectorLaneOp,
    VectorLoadOp,
    VectorNoOperandOp,
    VectorStoreOp,
)
from n64c.dialects.rsp_types import GPR_NAMES, VREG_NAMES, GprType, VregType

Fields = dict[str, Any]

_GPRS = tuple(GprType.from_name(n) for n in GPR_NAMES)
_VREGS = tuple(VregType.from_name(n) for n in VREG_NAMES)


class ProgramBuilder:
    """Appends ops to sections of a new module, threading register values."""

    def __init__(self) -> None:
        self.module = ModuleOp([])
        self._block: Block | None = None
        self._section: str | None = None
        self._values: dict[GprType | VregType, SSAValue] = {}

    @property
    def section(self) -> str | None:
        return self._section

    def enter_section(self, name: str) -> None:
        if name == self._section:
            return
        section = rsp.SectionOp(name)
        self.module.body.block.add_op(section)
        self._block = section.body.block
        self._section = name
        self._values.clear()

    def _current_block(self) -> Block:
        if self._block is None:
            self.enter_section("text")
        assert self._block is not None
        return self._block

    def append(self, op: Operation) -> None:
        """Append a non-instruction op (label or data directive)."""
        self._current_block().add_op(op)
        if isinstance(op, rsp.LabelOp):
            self._values.clear()

    def read(self, register: GprType | VregType) -> SSAValue:
        value = self._values.get(register)
        if value is None:
            get = rsp.GetRegisterOp(register)
            self._current_block().add_op(get)
            value = get.res
            self._values[register] = value
        return value

    def gpr(self, index: int) -> SSAValue:
        return self.read(_GPRS[index])

    def vreg(self, index: int) -> SSAValue:
        return self.read(_VREGS[index])

    def add_instruction(self, cls: type[RspInstruction], f: Fields) -> RspInstruction:
        """Build the op of class `cls` from fields `f`, append it and record
        the registers it writes."""
        op = make_instruction(self, cls, f)
        self._current_block().add_op(op)
        for result in op.results:
            register = result.type
            assert isinstance(register, GprType | VregType)
            if register != _GPRS[0]:
                self._values[register] = result
        return op


def make_instruction(b: ProgramBuilder, cls: type[RspInstruction], f: Fields) -> Any:
    """The op for fields `f` (register numbers and properties) of class `cls`."""
    if issubclass(cls, VectorComputeOp):
        return cls(
            b.vreg(f["vs"]), b.vreg(f["vt"]), f.get("element", 0), vd=_VREGS[f["vd"]]
        )
    if issubclass(cls, VectorLaneOp):
        return cls(b.vreg(f["vd"]), b.vreg(f["vt"]), f["lane"], f["element"])
    if issubclass(cls, VectorAccReadOp):
        return cls(f["slice"], vd=_VREGS[f["vd"]])
    if issubclass(cls, VectorNoOperandOp | FixedWordOp):
        return cls()
    if issubclass(cls, VectorLoadOp):
        return cls(b.vreg(f["vt"]), b.gpr(f["base"]), f["offset"], f.get("element", 0))
    if issubclass(cls, VectorStoreOp):
        return cls(b.vreg(f["vt"]), b.gpr(f["base"]), f["offset"], f.get("element", 0))
    if issubclass(cls, MoveFromVectorOp):
        return cls(b.vreg(f["vs"]), f.get("element", 0), rt=_GPRS[f["rt"]])
    if issubclass(cls, MoveToVectorOp):
        return cls(b.gpr(f["rt"]), b.vreg(f["vs"]), f.get("element", 0))
    if issubclass(cls, MoveFromControlOp):
        return cls(f["reg"], rt=_GPRS[f["rt"]])
    if issubclass(cls, MoveToControlOp):
        return cls(b.gpr(f["rt"]), f["reg"])
    if issubclass(cls, RegRegOp):
        return cls(b.gpr(f["rs"]), b.gpr(f["rt"]), rd=_GPRS[f["rd"]])
    if issubclass(cls, ShiftVariableOp):
        return cls(b.gpr(f["rt"]), b.gpr(f["rs"]), rd=_GPRS[f["rd"]])
    if issubclass(cls, ShiftImmOp):
        return cls(b.gpr(f["rt"]), f["sa"], rd=_GPRS[f["rd"]])
    if issubclass(cls, ImmediateOp):
        return cls(b.gpr(f["rs"]), f["imm"], rt=_GPRS[f["rt"]])
    if issubclass(cls, UpperImmediateOp):
        return cls(f["imm"], rt=_GPRS[f["rt"]])
    if issubclass(cls, ScalarLoadOp):
        return cls(b.gpr(f["base"]), f["offset"], rt=_GPRS[f["rt"]])
    if issubclass(cls, ScalarStoreOp):
        return cls(b.gpr(f["rt"]), b.gpr(f["base"]), f["offset"])
    if issubclass(cls, BranchCompareOp):
        return cls(b.gpr(f["rs"]), b.gpr(f["rt"]), f["target"])
    if issubclass(cls, BranchZeroOp | BranchLinkOp):
        return cls(b.gpr(f["rs"]), f["target"])
    if issubclass(cls, JumpOp | JumpLinkOp):
        return cls(f["target"])
    if issubclass(cls, JumpRegisterOp):
        return cls(b.gpr(f["rs"]))
    if issubclass(cls, JumpLinkRegisterOp):
        return cls(b.gpr(f["rs"]), rd=_GPRS[f.get("rd", 31)])
    raise AssertionError(f"no builder for {cls.__name__}")
