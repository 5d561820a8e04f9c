"""Non-instruction ops of the `rsp` dialect: register values, labels,
sections and data directives."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar, Self

from xdsl.backend.assembly_printer import AssemblyPrintable, AssemblyPrinter
from xdsl.dialects.builtin import ArrayAttr, IntAttr, StringAttr
from xdsl.ir import Attribute, Block, Region
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    prop_def,
    region_def,
    result_def,
    traits_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import NoTerminator, Pure

from n64c.dialects.rsp_base import (
    FieldVerifyException,
    PropKind,
    RspOperation,
    check_range,
    format_imm,
)
from n64c.dialects.rsp_types import GprType, SymbolExprAttr, VregType

LABEL_RE = re.compile(r"[A-Za-z_.$][A-Za-z0-9_.$]*\Z")


@irdl_op_definition
class GetRegisterOp(RspOperation):
    """The current value of a machine register, as an SSA value (prints no
    assembly). Reads of registers that no earlier op in the block wrote start
    from this op.

    Example:

    ```mlir
    %zero = rsp.get_register : () -> !rsp.reg<zero>
    %v = rsp.get_register : () -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.get_register"
    res = result_def(GprType | VregType)
    traits = traits_def(Pure())

    def __init__(self, register: GprType | VregType) -> None:
        super().__init__(result_types=[register])

    def assembly_args(self) -> Sequence[str]:
        return ()

    def assembly_line(self) -> str | None:
        return None


@irdl_op_definition
class LabelOp(RspOperation):
    """A label: a branch target in `.text`, an address in `.data`.

    Example: `loop:`

    ```mlir
    rsp.label "loop"
    ```
    """

    name = "rsp.label"
    label = prop_def(StringAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("label", "label"),)

    def __init__(self, label: str) -> None:
        super().__init__(properties={"label": StringAttr(label)})

    def verify_fields(self) -> None:
        super().verify_fields()
        if not LABEL_RE.match(self.label.data):
            raise FieldVerifyException(
                "label", f"invalid label name {self.label.data!r}"
            )

    def assembly_args(self) -> Sequence[str]:
        return ()

    def assembly_line(self) -> str | None:
        return AssemblyPrinter.append_comment(f"{self.label.data}:", self.comment)


class DataValuesOp(RspOperation):
    """Base of `.word`, `.half` and `.byte`: a list of values of SIZE bytes."""

    SIZE: ClassVar[int] = 4
    values = prop_def(ArrayAttr[IntAttr | SymbolExprAttr])

    def __init__(self, values: Sequence[int | SymbolExprAttr]) -> None:
        attrs = [IntAttr(v) if isinstance(v, int) else v for v in values]
        super().__init__(properties={"values": ArrayAttr(attrs)})

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        values: list[Attribute] = []
        while True:
            value = parser.parse_optional_integer(allow_boolean=False)
            if value is not None:
                values.append(IntAttr(value))
            else:
                attr = parser.parse_attribute()
                if not isinstance(attr, SymbolExprAttr):
                    parser.raise_error("expected an integer or #rsp.sym<...>")
                values.append(attr)
            if not parser.parse_optional_punctuation(","):
                break
        attributes = parser.parse_optional_attr_dict()
        return cls.create(
            properties={"values": ArrayAttr(values)}, attributes=attributes
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        for i, value in enumerate(self.values.data):
            if i:
                printer.print_string(", ")
            if isinstance(value, IntAttr):
                printer.print_string(str(value.data))
            else:
                printer.print_attribute(value)
        printer.print_op_attributes(self.attributes)

    def verify_fields(self) -> None:
        super().verify_fields()
        if not self.values.data:
            raise FieldVerifyException("values", f"{self.name} needs a value")
        bits = 8 * self.SIZE
        for value in self.values.data:
            if isinstance(value, IntAttr):
                check_range(
                    "values",
                    f".{self.mnemonic} value",
                    value.data,
                    -(1 << (bits - 1)),
                    (1 << bits) - 1,
                )
            elif self.SIZE != 4 and value.modifier.data == "":
                raise FieldVerifyException(
                    "values",
                    f".{self.mnemonic} cannot hold an address; use .word or %lo()",
                )

    def assembly_args(self) -> Sequence[str]:
        return tuple(format_imm(v, hex_form=self.SIZE == 4) for v in self.values.data)

    def assembly_line(self) -> str | None:
        return AssemblyPrinter.assembly_line(
            f".{self.mnemonic}", ", ".join(self.assembly_args()), self.comment
        )


@irdl_op_definition
class WordOp(DataValuesOp):
    """32-bit big-endian values; a value may be a label address.

    Example: `.word 1, 0x10000, table`

    ```mlir
    rsp.word 1, 65536, #rsp.sym<"table">
    ```
    """

    name = "rsp.word"
    SIZE: ClassVar[int] = 4


@irdl_op_definition
class HalfOp(DataValuesOp):
    """16-bit big-endian values.

    Example: `.half 0x7FFF, -1`

    ```mlir
    rsp.half 32767, -1
    ```
    """

    name = "rsp.half"
    SIZE: ClassVar[int] = 2


@irdl_op_definition
class ByteOp(DataValuesOp):
    """8-bit values.

    Example: `.byte 1, 2, 255`

    ```mlir
    rsp.byte 1, 2, 255
    ```
    """

    name = "rsp.byte"
    SIZE: ClassVar[int] = 1


@irdl_op_definition
class SpaceOp(RspOperation):
    """`size` bytes of the value `fill` (0 by default).

    Example: `.space 64`

    ```mlir
    rsp.space 64, 0
    ```
    """

    name = "rsp.space"
    size = prop_def(IntAttr)
    fill = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (
        ("size", "int"),
        ("fill", "int"),
    )

    def __init__(self, size: int, fill: int = 0) -> None:
        super().__init__(properties={"size": IntAttr(size), "fill": IntAttr(fill)})

    def verify_fields(self) -> None:
        super().verify_fields()
        check_range("size", ".space size", self.size.data, 0, 0x1000)
        check_range("fill", ".space fill byte", self.fill.data, -128, 255)

    def assembly_args(self) -> Sequence[str]:
        if self.fill.data:
            return (str(self.size.data), str(self.fill.data))
        return (str(self.size.data),)

    def assembly_line(self) -> str | None:
        return AssemblyPrinter.assembly_line(
            ".space", ", ".join(self.assembly_args()), self.comment
        )


@irdl_op_definition
class AlignOp(RspOperation):
    """Pad with zero bytes to a multiple of 2**power (GNU MIPS `.align`).

    Example: `.align 4` (16-byte alignment)

    ```mlir
    rsp.align 4
    ```
    """

    name = "rsp.align"
    power = prop_def(IntAttr)
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("power", "int"),)

    def __init__(self, power: int) -> None:
        super().__init__(properties={"power": IntAttr(power)})

    def verify_fields(self) -> None:
        super().verify_fields()
        check_range("power", ".align power", self.power.data, 0, 12)

    def assembly_args(self) -> Sequence[str]:
        return (str(self.power.data),)

    def assembly_line(self) -> str | None:
        return AssemblyPrinter.assembly_line(
            ".align", str(self.power.data), self.comment
        )


SECTION_NAMES = ("text", "data")


@irdl_op_definition
class SectionOp(IRDLOperation, AssemblyPrintable):
    """A section: `text` goes to IMEM, `data` to DMEM, each in order of
    appearance. Instructions and labels may also sit directly in the module,
    which counts as `text`.

    Example:

    ```mlir
    rsp.section "data" {
      rsp.label "table"
      rsp.half 1, 2, 3, 4
    }
    ```
    """

    name = "rsp.section"
    section = prop_def(StringAttr)
    body = region_def("single_block")
    traits = traits_def(NoTerminator())

    def __init__(self, section: str, ops: Sequence[IRDLOperation] = ()) -> None:
        super().__init__(
            properties={"section": StringAttr(section)},
            regions=[Region(Block(ops))],
        )

    def verify_(self) -> None:
        if self.section.data not in SECTION_NAMES:
            raise FieldVerifyException(
                "section",
                f"unknown section {self.section.data!r} (expected text or data)",
            )

    @classmethod
    def parse(cls, parser: Parser) -> Self:
        section = parser.parse_str_literal("section name")
        attr_dict = parser.parse_optional_attr_dict_with_keyword()
        attributes = dict(attr_dict.data) if attr_dict else {}
        region = parser.parse_region()
        if not region.blocks:
            region.add_block(Block())
        return cls.create(
            properties={"section": StringAttr(section)},
            attributes=attributes,
            regions=[region],
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_string_literal(self.section.data)
        printer.print_op_attributes(self.attributes, print_keyword=True)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)

    def print_assembly(self, printer: AssemblyPrinter) -> None:
        printer.emit_section(f".{self.section.data}")


DIRECTIVE_OPS = (
    GetRegisterOp,
    LabelOp,
    WordOp,
    HalfOp,
    ByteOp,
    SpaceOp,
    AlignOp,
    SectionOp,
)
