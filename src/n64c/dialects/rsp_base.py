"""Base classes of the `rsp` dialect: the custom MLIR format shared by all
instructions, assembly printing, register constraints and the instruction
formats (one abstract class per operand shape).

Every instruction op prints in MLIR as

    %results = rsp.<mnemonic> %operands, <properties> : (operand types) -> result types

where the properties come in a fixed order per format (an element selector
such as `e3`, an offset, an immediate, a label string...). Its
`assembly_line()` gives the libdragon-syntax line.

Operations that write only part of a vector register (loads, `mtc2`, `vmov`,
`vrcp`...) take the register's previous value as an operand and are
constrained to return it in the same register (an `inout` pair).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Literal, Self

from xdsl.backend.assembly_printer import AssemblyPrinter, OneLineAssemblyPrintable
from xdsl.backend.register_allocatable import (
    HasRegisterConstraints,
    RegisterConstraints,
)
from xdsl.backend.register_type import RegisterAllocatedMemoryEffect, RegisterType
from xdsl.dialects.builtin import IntAttr, StringAttr
from xdsl.ir import Attribute, Dialect, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    operand_def,
    opt_attr_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

from n64c.dialects.rsp_types import (
    ACC_NAME_BY_SLICE,
    ACC_SLICE_BY_NAME,
    COMPUTE_ELEMENT_BY_SUFFIX,
    COMPUTE_SUFFIX_BY_ELEMENT,
    COP0_INDEX_BY_NAME,
    COP0_NAMES,
    COP2_CTRL_INDEX_BY_NAME,
    COP2_CTRL_NAMES,
    GprType,
    SymbolExprAttr,
    VregType,
)


class FieldVerifyException(VerifyException):
    """A verifier error about one field (property or operand) of an op; the
    assembler uses `field` to point at the right column."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# region: property kinds of the custom format

PropKind = str  # "int", "element", "imm", "target", "slice", "cop0", "ctrl", "label"


def _parse_prop(parser: Parser, kind: PropKind) -> Attribute:
    if kind == "int":
        return IntAttr(parser.parse_integer(allow_boolean=False))
    if kind == "element":
        value = parser.parse_optional_integer(allow_boolean=False)
        if value is not None:
            return IntAttr(value)
        suffix = parser.parse_identifier("element selector (v, q0, h2, e3...)")
        if suffix not in COMPUTE_ELEMENT_BY_SUFFIX:
            parser.raise_error(f"unknown element selector {suffix!r}")
        return IntAttr(COMPUTE_ELEMENT_BY_SUFFIX[suffix])
    if kind == "imm":
        value = parser.parse_optional_integer(allow_boolean=False)
        if value is not None:
            return IntAttr(value)
        attr = parser.parse_attribute()
        if not isinstance(attr, SymbolExprAttr):
            parser.raise_error("expected an integer or #rsp.sym<...>")
        return attr
    if kind in ("target", "label"):
        if (label := parser.parse_optional_str_literal()) is not None:
            return StringAttr(label)
        if kind == "label":
            parser.raise_error("expected a label name in quotes")
        return IntAttr(parser.parse_integer(allow_boolean=False))
    names: dict[str, int] = {
        "slice": ACC_SLICE_BY_NAME,
        "cop0": COP0_INDEX_BY_NAME,
        "ctrl": COP2_CTRL_INDEX_BY_NAME,
    }[kind]
    value = parser.parse_optional_integer(allow_boolean=False)
    if value is not None:
        return IntAttr(value)
    name = parser.parse_identifier(f"one of {', '.join(names)}")
    if name not in names:
        parser.raise_error(f"expected one of {', '.join(names)}, got {name!r}")
    return IntAttr(names[name])


def _print_prop(printer: Printer, kind: PropKind, attr: Attribute) -> None:
    if isinstance(attr, StringAttr):
        printer.print_string_literal(attr.data)
        return
    if isinstance(attr, SymbolExprAttr):
        printer.print_attribute(attr)
        return
    assert isinstance(attr, IntAttr)
    value = attr.data
    text: str | None = None
    if kind == "element":
        text = "v" if value == 0 else COMPUTE_SUFFIX_BY_ELEMENT.get(value)
    elif kind == "slice":
        text = ACC_NAME_BY_SLICE.get(value)
    elif kind == "cop0" and 0 <= value < len(COP0_NAMES):
        text = COP0_NAMES[value]
    elif kind == "ctrl" and 0 <= value < len(COP2_CTRL_NAMES):
        text = COP2_CTRL_NAMES[value]
    printer.print_string(text if text is not None else str(value))


# endregion


def reg_name(value: SSAValue | RegisterType) -> str:
    """The register's name as written in assembly: `t0`, `$v04`."""
    reg = value.type if isinstance(value, SSAValue) else value
    if not isinstance(reg, RegisterType):
        raise VerifyException(f"expected a register type, got {reg}")
    if not reg.is_allocated or reg.index_by_name().get(reg.register_name.data) is None:
        raise VerifyException(
            f"register {reg} is not allocated to a machine register; "
            "run register allocation before printing or encoding"
        )
    name = reg.register_name.data
    # `at` is no plain name in GNU as (regdef.h spells it AT); `$at` always is
    return f"${name}" if isinstance(reg, VregType) or name == "at" else name


def reg_index(value: SSAValue | RegisterType) -> int:
    """The register's number (0..31); the register must be allocated."""
    reg = value.type if isinstance(value, SSAValue) else value
    assert isinstance(reg, RegisterType)
    reg_name(reg)  # checks allocation
    index = reg.index
    assert isinstance(index, IntAttr)
    return index.data


class RspOperation(
    IRDLOperation, OneLineAssemblyPrintable, HasRegisterConstraints, ABC
):
    """Base of every `rsp` op: custom format, comment, register constraints."""

    comment = opt_attr_def(StringAttr)
    """An optional comment, printed after the assembly line."""

    traits = traits_def(RegisterAllocatedMemoryEffect())

    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = ()
    """The properties printed after the operands, in order, with their kind."""

    INOUTS: ClassVar[tuple[tuple[str, str], ...]] = ()
    """(operand, result) field pairs that must share one register."""

    # region: custom MLIR format

    @classmethod
    def _parse_operand_list(cls, parser: Parser) -> list[UnresolvedOperand]:
        operands: list[UnresolvedOperand] = []
        if operand := parser.parse_optional_unresolved_operand():
            operands.append(operand)
            while parser.parse_optional_punctuation(",") and (
                operand := parser.parse_optional_unresolved_operand()
            ):
                operands.append(operand)
        return operands

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        pos = parser.pos
        has_operands = bool(cls.get_irdl_definition().operands)
        args = cls._parse_operand_list(parser) if has_operands else []
        properties: dict[str, Attribute] = {}
        for i, (name, kind) in enumerate(cls.CUSTOM_PROPS):
            if i:
                parser.parse_punctuation(",")
            properties[name] = _parse_prop(parser, kind)
        attributes = parser.parse_optional_attr_dict()
        operand_types: Sequence[Attribute] = ()
        result_types: Sequence[Attribute] = ()
        if parser.parse_optional_punctuation(":"):
            func_type = parser.parse_function_type()
            operand_types, result_types = func_type.inputs.data, func_type.outputs.data
        operands = parser.resolve_operands(args, operand_types, pos)
        return cls.create(
            operands=operands,
            result_types=result_types,
            properties=properties,
            attributes=attributes,
        )

    def print(self, printer: Printer) -> None:
        if self.operands:
            printer.print_string(" ")
            printer.print_list(self.operands, printer.print_operand)
        for i, (name, kind) in enumerate(self.CUSTOM_PROPS):
            printer.print_string(", " if i or self.operands else " ")
            _print_prop(printer, kind, self.properties[name])
        printer.print_op_attributes(self.attributes)
        if self.operands or self.results:
            printer.print_string(" : ")
            printer.print_operation_type(self)

    # endregion

    def get_register_constraints(self) -> RegisterConstraints:
        definition = type(self).get_irdl_definition()
        operand_names = [name for name, _ in definition.operands]
        result_names = [name for name, _ in definition.results]
        inout_operands = {operand_names.index(o) for o, _ in self.INOUTS}
        inout_results = {result_names.index(r) for _, r in self.INOUTS}
        return RegisterConstraints(
            [o for i, o in enumerate(self.operands) if i not in inout_operands],
            [r for i, r in enumerate(self.results) if i not in inout_results],
            [(getattr(self, o), getattr(self, r)) for o, r in self.INOUTS],
        )

    def verify_(self) -> None:
        super().verify_()
        self.verify_fields()

    def verify_fields(self) -> None:
        """Checks of the fields against what the hardware can encode."""
        for operand_name, result_name in self.INOUTS:
            operand = getattr(self, operand_name)
            result = getattr(self, result_name)
            if operand.type != result.type:
                raise FieldVerifyException(
                    result_name,
                    f"{self.name}: the result must be in the register of "
                    f"{operand_name} ({operand.type}), got {result.type}",
                )

    @property
    def mnemonic(self) -> str:
        return Dialect.split_name(self.name)[1]

    @abstractmethod
    def assembly_args(self) -> Sequence[str]:
        """The operands as written in libdragon syntax."""
        ...

    def assembly_line(self) -> str | None:
        return AssemblyPrinter.assembly_line(
            self.mnemonic, ", ".join(self.assembly_args()), self.comment
        )


def check_range(field: str, what: str, value: int, lo: int, hi: int) -> None:
    if not lo <= value <= hi:
        raise FieldVerifyException(
            field, f"{what} {value} is out of range [{lo}, {hi}]"
        )


def format_imm(attr: Attribute, hex_form: bool = False) -> str:
    if isinstance(attr, SymbolExprAttr):
        return attr.assembly_str()
    assert isinstance(attr, IntAttr)
    if hex_form and attr.data >= 0:
        return f"0x{attr.data:X}"
    return str(attr.data)


def format_target(attr: Attribute) -> str:
    if isinstance(attr, StringAttr):
        return attr.data
    assert isinstance(attr, IntAttr)
    return f"0x{attr.data:X}"


def byte_suffix(element: int) -> str:
    """Dot suffix of a byte-indexed element (loads/stores, mfc2/mtc2)."""
    if element == 0:
        return ""
    return f".e{element // 2}" if element % 2 == 0 else f".b{element}"


class RspInstruction(RspOperation, ABC):
    """An op that assembles to one 32-bit instruction word."""


# region: vector unit formats


class VectorComputeOp(RspInstruction, ABC):
    """`op vd, vs, vt.e`: a computational vector op on whole registers."""

    FUNCT: ClassVar[int]
    vd = result_def(VregType)
    vs = operand_def(VregType)
    vt = operand_def(VregType)
    element = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("element", "element"),)

    def __init__(
        self,
        vs: SSAValue | Operation,
        vt: SSAValue | Operation,
        element: int = 0,
        *,
        vd: VregType | None = None,
        comment: str | None = None,
    ) -> None:
        super().__init__(
            operands=[vs, vt],
            result_types=[vd or VregType.unallocated()],
            properties={"element": IntAttr(element)},
            attributes={"comment": StringAttr(comment)} if comment else {},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_range("element", "element selector", self.element.data, 0, 15)

    def assembly_args(self) -> Sequence[str]:
        e = self.element.data
        if e in COMPUTE_SUFFIX_BY_ELEMENT or e == 0:
            suffix = f".{COMPUTE_SUFFIX_BY_ELEMENT[e]}" if e else ""
            return (reg_name(self.vd), reg_name(self.vs), reg_name(self.vt) + suffix)
        return (reg_name(self.vd), reg_name(self.vs), reg_name(self.vt), str(e))


class VectorLaneOp(RspInstruction, ABC):
    """`op vd.eD, vt.eS`: a single-lane op writing lane D of vd.

    The element selector applies to vt as for computational ops (8..15 pick
    one lane); the destination lane goes into the vs field (as 8 + D).
    """

    FUNCT: ClassVar[int]
    vd = result_def(VregType)
    vd_in = operand_def(VregType)
    vt = operand_def(VregType)
    lane = prop_def(IntAttr)
    element = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (
        ("lane", "int"),
        ("element", "element"),
    )
    INOUTS: ClassVar[tuple[tuple[str, str], ...]] = (("vd_in", "vd"),)

    def __init__(
        self,
        vd_in: SSAValue | Operation,
        vt: SSAValue | Operation,
        lane: int,
        element: int,
        *,
        comment: str | None = None,
    ) -> None:
        vd_in_value = SSAValue.get(vd_in)
        super().__init__(
            operands=[vd_in_value, vt],
            result_types=[vd_in_value.type],
            properties={"lane": IntAttr(lane), "element": IntAttr(element)},
            attributes={"comment": StringAttr(comment)} if comment else {},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_range("lane", "destination lane", self.lane.data, 0, 7)
        check_range("element", "element selector", self.element.data, 0, 15)

    def assembly_args(self) -> Sequence[str]:
        lane, e = self.lane.data, self.element.data
        if e >= 8:
            return (
                f"{reg_name(self.vd)}.e{lane}",
                f"{reg_name(self.vt)}.e{e - 8}",
            )
        return (reg_name(self.vd), str(8 + lane), reg_name(self.vt), str(e))


class VectorAccReadOp(RspInstruction, ABC):
    """`vsar vd, COP2_ACC_HI`: read one 16-bit slice of the accumulator."""

    FUNCT: ClassVar[int]
    vd = result_def(VregType)
    slice = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("slice", "slice"),)

    def __init__(self, slice: int, *, vd: VregType | None = None) -> None:
        super().__init__(
            result_types=[vd or VregType.unallocated()],
            properties={"slice": IntAttr(slice)},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        if self.slice.data not in ACC_NAME_BY_SLICE:
            raise FieldVerifyException(
                "slice",
                f"vsar reads COP2_ACC_HI (8), COP2_ACC_MD (9) or COP2_ACC_LO (10), "
                f"not {self.slice.data}",
            )

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.vd), ACC_NAME_BY_SLICE[self.slice.data])


class VectorNoOperandOp(RspInstruction, ABC):
    """A vector op without operands (`vnop`)."""

    FUNCT: ClassVar[int]

    def __init__(self) -> None:
        super().__init__()

    def assembly_args(self) -> Sequence[str]:
        return ()


ElementMode = Literal["byte", "lane", "lane_as_byte"]
"""What the element field of a vector load/store counts: bytes (`byte`), lanes
(`lane`), or bytes written as lanes, `.eN` being byte 2N (`lane_as_byte`)."""


def vector_mem_element_suffix(mode: ElementMode, element: int) -> str | None:
    """The dot suffix of a load/store element, or None if the dot syntax cannot
    express it (the 4-operand form is printed then)."""
    if element == 0:
        return ""
    if mode == "byte":
        return byte_suffix(element)
    if mode == "lane":
        return f".e{element}" if element < 8 else None
    return f".e{element // 2}" if element % 2 == 0 else None


class VectorMemoryOp(RspInstruction, ABC):
    """Common part of LWC2/SWC2: sub-op, access size and element mode."""

    SUBOP: ClassVar[int]
    SIZE: ClassVar[int]
    ELEMENT_MODE: ClassVar[ElementMode] = "byte"
    element = prop_def(IntAttr)
    offset = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (
        ("element", "int"),
        ("offset", "int"),
    )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_range("element", "element", self.element.data, 0, 15)
        offset, size = self.offset.data, self.SIZE
        if offset % size:
            raise FieldVerifyException(
                "offset",
                f"{self.mnemonic} offset {offset} is not a multiple of {size}",
            )
        check_range("offset", f"{self.mnemonic} offset", offset, *self.offset_range())

    @classmethod
    def offset_range(cls) -> tuple[int, int]:
        """The encodable offsets (multiples of `SIZE`): a signed 7-bit
        count of `SIZE` bytes."""
        return -64 * cls.SIZE, 63 * cls.SIZE

    def _vector_args(self, vt: SSAValue, base: SSAValue) -> Sequence[str]:
        e = self.element.data
        suffix = vector_mem_element_suffix(self.ELEMENT_MODE, e)
        if suffix is None:
            return (reg_name(vt), str(e), str(self.offset.data), reg_name(base))
        return (reg_name(vt) + suffix, str(self.offset.data), reg_name(base))


class VectorLoadOp(VectorMemoryOp, ABC):
    """`lXv vt.e, offset, base`: load into part of vt (LWC2)."""

    vt = result_def(VregType)
    vt_in = operand_def(VregType)
    base = operand_def(GprType)
    INOUTS: ClassVar[tuple[tuple[str, str], ...]] = (("vt_in", "vt"),)

    def __init__(
        self,
        vt_in: SSAValue | Operation,
        base: SSAValue | Operation,
        offset: int,
        element: int = 0,
        *,
        comment: str | None = None,
    ) -> None:
        vt_in_value = SSAValue.get(vt_in)
        super().__init__(
            operands=[vt_in_value, base],
            result_types=[vt_in_value.type],
            properties={"element": IntAttr(element), "offset": IntAttr(offset)},
            attributes={"comment": StringAttr(comment)} if comment else {},
        )

    def assembly_args(self) -> Sequence[str]:
        return self._vector_args(self.vt, self.base)


class VectorStoreOp(VectorMemoryOp, ABC):
    """`sXv vt.e, offset, base`: store part of vt (SWC2)."""

    vt = operand_def(VregType)
    base = operand_def(GprType)

    def __init__(
        self,
        vt: SSAValue | Operation,
        base: SSAValue | Operation,
        offset: int,
        element: int = 0,
        *,
        comment: str | None = None,
    ) -> None:
        super().__init__(
            operands=[vt, base],
            properties={"element": IntAttr(element), "offset": IntAttr(offset)},
            attributes={"comment": StringAttr(comment)} if comment else {},
        )

    def assembly_args(self) -> Sequence[str]:
        return self._vector_args(self.vt, self.base)


# endregion

# region: coprocessor moves


class MoveFromVectorOp(RspInstruction, ABC):
    """`mfc2 rt, vs.e`: read the 16 bits at byte `element` of vs."""

    rt = result_def(GprType)
    vs = operand_def(VregType)
    element = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("element", "int"),)

    def __init__(
        self, vs: SSAValue | Operation, element: int = 0, *, rt: GprType | None = None
    ) -> None:
        super().__init__(
            operands=[vs],
            result_types=[rt or GprType.unallocated()],
            properties={"element": IntAttr(element)},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_range("element", "byte element", self.element.data, 0, 15)

    def assembly_args(self) -> Sequence[str]:
        # rsp.inc's mfc2/mtc2 macros take the GPR by its plain ABI name
        rt = reg_name(self.rt).removeprefix("$")
        return (rt, reg_name(self.vs) + byte_suffix(self.element.data))


class MoveToVectorOp(RspInstruction, ABC):
    """`mtc2 rt, vs.e`: write 16 bits at byte `element` of vs."""

    vs = result_def(VregType)
    rt = operand_def(GprType)
    vs_in = operand_def(VregType)
    element = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("element", "int"),)
    INOUTS: ClassVar[tuple[tuple[str, str], ...]] = (("vs_in", "vs"),)

    def __init__(
        self, rt: SSAValue | Operation, vs_in: SSAValue | Operation, element: int = 0
    ) -> None:
        vs_in_value = SSAValue.get(vs_in)
        super().__init__(
            operands=[rt, vs_in_value],
            result_types=[vs_in_value.type],
            properties={"element": IntAttr(element)},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_range("element", "byte element", self.element.data, 0, 15)

    def assembly_args(self) -> Sequence[str]:
        # rsp.inc's mfc2/mtc2 macros take the GPR by its plain ABI name
        rt = reg_name(self.rt).removeprefix("$")
        return (rt, reg_name(self.vs) + byte_suffix(self.element.data))


class MoveFromControlOp(RspInstruction, ABC):
    """`cfc2 rt, COP2_CTRL_VCO` / `mfc0 rt, COP0_SP_STATUS`."""

    REG_KIND: ClassVar[str]
    rt = result_def(GprType)
    reg = prop_def(IntAttr)

    def __init__(self, reg: int, *, rt: GprType | None = None) -> None:
        super().__init__(
            result_types=[rt or GprType.unallocated()],
            properties={"reg": IntAttr(reg)},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        hi = 2 if self.REG_KIND == "ctrl" else 15
        check_range("reg", "control register", self.reg.data, 0, hi)

    def assembly_args(self) -> Sequence[str]:
        names = COP2_CTRL_NAMES if self.REG_KIND == "ctrl" else COP0_NAMES
        return (reg_name(self.rt), names[self.reg.data])


class MoveToControlOp(RspInstruction, ABC):
    """`ctc2 rt, COP2_CTRL_VCC` / `mtc0 rt, COP0_DMA_SPADDR`."""

    REG_KIND: ClassVar[str]
    rt = operand_def(GprType)
    reg = prop_def(IntAttr)

    def __init__(self, rt: SSAValue | Operation, reg: int) -> None:
        super().__init__(operands=[rt], properties={"reg": IntAttr(reg)})

    def verify_fields(self) -> None:
        super().verify_fields()
        hi = 2 if self.REG_KIND == "ctrl" else 15
        check_range("reg", "control register", self.reg.data, 0, hi)

    def assembly_args(self) -> Sequence[str]:
        names = COP2_CTRL_NAMES if self.REG_KIND == "ctrl" else COP0_NAMES
        return (reg_name(self.rt), names[self.reg.data])


# endregion

# region: scalar formats


class RegRegOp(RspInstruction, ABC):
    """`op rd, rs, rt` (SPECIAL, R-type)."""

    FUNCT: ClassVar[int]
    rd = result_def(GprType)
    rs = operand_def(GprType)
    rt = operand_def(GprType)

    def __init__(
        self,
        rs: SSAValue | Operation,
        rt: SSAValue | Operation,
        *,
        rd: GprType | None = None,
        comment: str | None = None,
    ) -> None:
        super().__init__(
            operands=[rs, rt],
            result_types=[rd or GprType.unallocated()],
            attributes={"comment": StringAttr(comment)} if comment else {},
        )

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rd), reg_name(self.rs), reg_name(self.rt))


class ShiftVariableOp(RspInstruction, ABC):
    """`op rd, rt, rs`: shift rt by the low 5 bits of rs."""

    FUNCT: ClassVar[int]
    rd = result_def(GprType)
    rt = operand_def(GprType)
    rs = operand_def(GprType)

    def __init__(
        self,
        rt: SSAValue | Operation,
        rs: SSAValue | Operation,
        *,
        rd: GprType | None = None,
    ) -> None:
        super().__init__(operands=[rt, rs], result_types=[rd or GprType.unallocated()])

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rd), reg_name(self.rt), reg_name(self.rs))


class ShiftImmOp(RspInstruction, ABC):
    """`op rd, rt, sa`: shift by a constant 0..31."""

    FUNCT: ClassVar[int]
    rd = result_def(GprType)
    rt = operand_def(GprType)
    sa = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("sa", "int"),)

    def __init__(
        self, rt: SSAValue | Operation, sa: int, *, rd: GprType | None = None
    ) -> None:
        super().__init__(
            operands=[rt],
            result_types=[rd or GprType.unallocated()],
            properties={"sa": IntAttr(sa)},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_range("sa", "shift amount", self.sa.data, 0, 31)

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rd), reg_name(self.rt), str(self.sa.data))


def _imm_attr(imm: int | SymbolExprAttr) -> Attribute:
    return IntAttr(imm) if isinstance(imm, int) else imm


def check_imm(field: str, what: str, attr: Attribute, signed: bool) -> None:
    if isinstance(attr, IntAttr):
        lo, hi = (-0x8000, 0x7FFF) if signed else (0, 0xFFFF)
        check_range(field, what, attr.data, lo, hi)


class ImmediateOp(RspInstruction, ABC):
    """`op rt, rs, imm` (I-type arithmetic and logic)."""

    OPCODE: ClassVar[int]
    SIGNED: ClassVar[bool]
    rt = result_def(GprType)
    rs = operand_def(GprType)
    imm = prop_def(IntAttr | SymbolExprAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("imm", "imm"),)

    def __init__(
        self,
        rs: SSAValue | Operation,
        imm: int | SymbolExprAttr,
        *,
        rt: GprType | None = None,
        comment: str | None = None,
    ) -> None:
        super().__init__(
            operands=[rs],
            result_types=[rt or GprType.unallocated()],
            properties={"imm": _imm_attr(imm)},
            attributes={"comment": StringAttr(comment)} if comment else {},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_imm("imm", f"{self.mnemonic} immediate", self.imm, self.SIGNED)

    def assembly_args(self) -> Sequence[str]:
        imm = format_imm(self.imm, hex_form=not self.SIGNED)
        return (reg_name(self.rt), reg_name(self.rs), imm)


class UpperImmediateOp(RspInstruction, ABC):
    """`lui rt, imm`."""

    OPCODE: ClassVar[int]
    rt = result_def(GprType)
    imm = prop_def(IntAttr | SymbolExprAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("imm", "imm"),)

    def __init__(self, imm: int | SymbolExprAttr, *, rt: GprType | None = None) -> None:
        super().__init__(
            result_types=[rt or GprType.unallocated()],
            properties={"imm": _imm_attr(imm)},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_imm("imm", "lui immediate", self.imm, signed=False)

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rt), format_imm(self.imm, hex_form=True))


class ScalarLoadOp(RspInstruction, ABC):
    """`op rt, offset(base)`: load from DMEM into a GPR."""

    OPCODE: ClassVar[int]
    rt = result_def(GprType)
    base = operand_def(GprType)
    offset = prop_def(IntAttr | SymbolExprAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("offset", "imm"),)

    def __init__(
        self,
        base: SSAValue | Operation,
        offset: int | SymbolExprAttr,
        *,
        rt: GprType | None = None,
    ) -> None:
        super().__init__(
            operands=[base],
            result_types=[rt or GprType.unallocated()],
            properties={"offset": _imm_attr(offset)},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_imm("offset", f"{self.mnemonic} offset", self.offset, signed=True)

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rt), f"{format_imm(self.offset)}({reg_name(self.base)})")


class ScalarStoreOp(RspInstruction, ABC):
    """`op rt, offset(base)`: store a GPR to DMEM."""

    OPCODE: ClassVar[int]
    rt = operand_def(GprType)
    base = operand_def(GprType)
    offset = prop_def(IntAttr | SymbolExprAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("offset", "imm"),)

    def __init__(
        self,
        rt: SSAValue | Operation,
        base: SSAValue | Operation,
        offset: int | SymbolExprAttr,
    ) -> None:
        super().__init__(operands=[rt, base], properties={"offset": _imm_attr(offset)})

    def verify_fields(self) -> None:
        super().verify_fields()
        check_imm("offset", f"{self.mnemonic} offset", self.offset, signed=True)

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rt), f"{format_imm(self.offset)}({reg_name(self.base)})")


def _target_attr(target: str | int) -> Attribute:
    return StringAttr(target) if isinstance(target, str) else IntAttr(target)


def check_target(attr: Attribute) -> None:
    if isinstance(attr, IntAttr):
        if attr.data % 4 or not 0 <= attr.data <= 0xFFC:
            raise FieldVerifyException(
                "target",
                f"branch target 0x{attr.data:X} is not a word address in IMEM",
            )
    elif isinstance(attr, StringAttr) and not attr.data:
        raise FieldVerifyException("target", "empty branch target label")


class BranchCompareOp(RspInstruction, ABC):
    """`op rs, rt, label`: compare two registers and branch (one delay slot)."""

    OPCODE: ClassVar[int]
    rs = operand_def(GprType)
    rt = operand_def(GprType)
    target = prop_def(StringAttr | IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("target", "target"),)

    def __init__(
        self, rs: SSAValue | Operation, rt: SSAValue | Operation, target: str | int
    ) -> None:
        super().__init__(operands=[rs, rt], properties={"target": _target_attr(target)})

    def verify_fields(self) -> None:
        super().verify_fields()
        check_target(self.target)

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rs), reg_name(self.rt), format_target(self.target))


class BranchZeroOp(RspInstruction, ABC):
    """`op rs, label`: compare a register with zero and branch."""

    OPCODE: ClassVar[int]
    RT_CODE: ClassVar[int]
    rs = operand_def(GprType)
    target = prop_def(StringAttr | IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("target", "target"),)

    def __init__(self, rs: SSAValue | Operation, target: str | int) -> None:
        super().__init__(operands=[rs], properties={"target": _target_attr(target)})

    def verify_fields(self) -> None:
        super().verify_fields()
        check_target(self.target)

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rs), format_target(self.target))


RA = GprType.from_name("ra")


def check_link(op: Operation, result: SSAValue) -> None:
    reg = result.type
    assert isinstance(reg, GprType)
    if reg.is_allocated and reg != RA:
        raise FieldVerifyException(
            "ra", f"{op.name} writes the return address to ra, not {reg}"
        )


class BranchLinkOp(RspInstruction, ABC):
    """`op rs, label`: compare with zero, branch and link (ra = PC + 8)."""

    OPCODE: ClassVar[int]
    RT_CODE: ClassVar[int]
    ra = result_def(GprType)
    rs = operand_def(GprType)
    target = prop_def(StringAttr | IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("target", "target"),)

    def __init__(self, rs: SSAValue | Operation, target: str | int) -> None:
        super().__init__(
            operands=[rs],
            result_types=[RA],
            properties={"target": _target_attr(target)},
        )

    def verify_fields(self) -> None:
        super().verify_fields()
        check_target(self.target)
        check_link(self, self.ra)
        if self.rs.type == RA:
            raise FieldVerifyException(
                "rs",
                f"{self.name} cannot test ra, which it overwrites "
                "(unpredictable on MIPS; GNU as rejects it)",
            )

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rs), format_target(self.target))


class JumpOp(RspInstruction, ABC):
    """`j label`."""

    OPCODE: ClassVar[int]
    target = prop_def(StringAttr | IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("target", "target"),)

    def __init__(self, target: str | int) -> None:
        super().__init__(properties={"target": _target_attr(target)})

    def verify_fields(self) -> None:
        super().verify_fields()
        check_target(self.target)

    def assembly_args(self) -> Sequence[str]:
        return (format_target(self.target),)


class JumpLinkOp(RspInstruction, ABC):
    """`jal label` (ra = PC + 8)."""

    OPCODE: ClassVar[int]
    ra = result_def(GprType)
    target = prop_def(StringAttr | IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("target", "target"),)

    def __init__(self, target: str | int) -> None:
        super().__init__(result_types=[RA], properties={"target": _target_attr(target)})

    def verify_fields(self) -> None:
        super().verify_fields()
        check_target(self.target)
        check_link(self, self.ra)

    def assembly_args(self) -> Sequence[str]:
        return (format_target(self.target),)


class JumpRegisterOp(RspInstruction, ABC):
    """`jr rs`."""

    FUNCT: ClassVar[int]
    rs = operand_def(GprType)

    def __init__(self, rs: SSAValue | Operation) -> None:
        super().__init__(operands=[rs])

    def assembly_args(self) -> Sequence[str]:
        return (reg_name(self.rs),)


class JumpLinkRegisterOp(RspInstruction, ABC):
    """`jalr rd, rs` (rd defaults to ra)."""

    FUNCT: ClassVar[int]
    rd = result_def(GprType)
    rs = operand_def(GprType)

    def __init__(self, rs: SSAValue | Operation, *, rd: GprType = RA) -> None:
        super().__init__(operands=[rs], result_types=[rd])

    def verify_fields(self) -> None:
        super().verify_fields()
        rd = self.rd.type
        if isinstance(rd, GprType) and rd.is_allocated and rd == self.rs.type:
            raise FieldVerifyException(
                "rd",
                "jalr needs different source and link registers "
                "(unpredictable on MIPS; GNU as rejects it)",
            )

    def assembly_args(self) -> Sequence[str]:
        if self.rd.type == RA:
            return (reg_name(self.rs),)
        return (reg_name(self.rd), reg_name(self.rs))


class FixedWordOp(RspInstruction, ABC):
    """An instruction without operands and a fixed encoding (`nop`, `break`)."""

    WORD: ClassVar[int]

    def __init__(self) -> None:
        super().__init__()

    def assembly_args(self) -> Sequence[str]:
        return ()


# endregion
