"""Types and attributes of the `rsp` dialect.

* `!rsp.reg<t0>`: a scalar general-purpose register (GPR). `!rsp.reg` alone is
  an unallocated register; `!rsp.reg<j_3>` is virtual register 3 of an
  unbounded set (what a register allocator starts from).
* `!rsp.vreg<v04>`: a 128-bit vector register `$v04`; `!rsp.vreg` is
  unallocated, `!rsp.vreg<vj_3>` is virtual.
* `#rsp.sym<"buf", 16>`, `#rsp.sym<lo "buf">`, `#rsp.sym<hi "buf", 4>`: a
  symbolic immediate (a label plus a constant, optionally `%lo()` / `%hi()`),
  resolved by the encoder.

The tables at the end name the element selectors, the COP0 registers and the
COP2 control registers the way libdragon's `rsp.inc` spells them.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.backend.register_type import RegisterType
from xdsl.dialects.builtin import IntAttr, StringAttr
from xdsl.ir import Attribute, ParametrizedAttribute
from xdsl.irdl import irdl_attr_definition, param_def
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.utils.exceptions import VerifyException

GPR_NAMES: tuple[str, ...] = (
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
    "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
    "t8", "t9", "k0", "k1", "gp", "sp", "fp", "ra",
)  # fmt: skip
"""ABI names of the 32 GPRs, by number (libdragon's `regdef.h` spelling)."""

GPR_INDEX_BY_NAME: dict[str, int] = {name: i for i, name in enumerate(GPR_NAMES)}

VREG_NAMES: tuple[str, ...] = tuple(f"v{i:02d}" for i in range(32))
VREG_INDEX_BY_NAME: dict[str, int] = {name: i for i, name in enumerate(VREG_NAMES)}


@irdl_attr_definition
class GprType(RegisterType):
    """A scalar register, e.g. `!rsp.reg<t0>`; `!rsp.reg` is unallocated."""

    name = "rsp.reg"

    @classmethod
    def index_by_name(cls) -> dict[str, int]:
        return GPR_INDEX_BY_NAME

    @classmethod
    def infinite_register_prefix(cls) -> str:
        return "j_"

    @classmethod
    def allocatable_registers(cls) -> Sequence[GprType]:
        """Registers free for allocation: all but zero, at, k0, k1, gp, sp and ra
        (gp is reserved by rspq, sp is libdragon's second return address)."""
        reserved = {"zero", "at", "k0", "k1", "gp", "sp", "ra"}
        return tuple(GprType.from_name(n) for n in GPR_NAMES if n not in reserved)


@irdl_attr_definition
class VregType(RegisterType):
    """A vector register, e.g. `!rsp.vreg<v04>`; `!rsp.vreg` is unallocated."""

    name = "rsp.vreg"

    @classmethod
    def index_by_name(cls) -> dict[str, int]:
        return VREG_INDEX_BY_NAME

    @classmethod
    def infinite_register_prefix(cls) -> str:
        return "vj_"

    @classmethod
    def allocatable_registers(cls) -> Sequence[VregType]:
        return tuple(VregType.from_name(n) for n in VREG_NAMES)


SYMBOL_MODIFIERS = ("", "lo", "hi")


@irdl_attr_definition
class SymbolExprAttr(ParametrizedAttribute):
    """A label plus a constant, optionally under `%lo()` or `%hi()`.

    Example: `#rsp.sym<lo "buffer", 16>` is `%lo(buffer+16)`.
    """

    name = "rsp.sym"

    symbol: StringAttr = param_def()
    modifier: StringAttr = param_def()
    addend: IntAttr = param_def()

    def __init__(self, symbol: str, modifier: str = "", addend: int = 0) -> None:
        super().__init__(StringAttr(symbol), StringAttr(modifier), IntAttr(addend))

    def verify(self) -> None:
        if self.modifier.data not in SYMBOL_MODIFIERS:
            raise VerifyException(
                f"symbol modifier must be lo, hi or none, not {self.modifier.data!r}"
            )
        if not self.symbol.data:
            raise VerifyException("empty symbol name")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        parser.parse_punctuation("<")
        modifier = ""
        for candidate in ("lo", "hi"):
            if parser.parse_optional_keyword(candidate):
                modifier = candidate
                break
        symbol = parser.parse_str_literal("symbol name")
        addend = 0
        if parser.parse_optional_punctuation(","):
            addend = parser.parse_integer()
        parser.parse_punctuation(">")
        return (StringAttr(symbol), StringAttr(modifier), IntAttr(addend))

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string("<")
        if self.modifier.data:
            printer.print_string(f"{self.modifier.data} ")
        printer.print_string_literal(self.symbol.data)
        if self.addend.data:
            printer.print_string(f", {self.addend.data}")
        printer.print_string(">")

    def assembly_str(self) -> str:
        """The libdragon spelling: `buf`, `buf+16`, `%lo(buf-4)`."""
        text = self.symbol.data
        addend = self.addend.data
        if addend > 0:
            text += f"+{addend}"
        elif addend < 0:
            text += f"-{-addend}"
        if self.modifier.data:
            text = f"%{self.modifier.data}({text})"
        return text

    def evaluate(self, address: int) -> int:
        """The value, given the address of the symbol."""
        value = address + self.addend.data
        if self.modifier.data == "lo":
            low = value & 0xFFFF
            return low - 0x10000 if low & 0x8000 else low
        if self.modifier.data == "hi":
            return ((value + 0x8000) >> 16) & 0xFFFF
        return value


# Element selectors of computational vector ops (the `e` field).
COMPUTE_ELEMENT_BY_SUFFIX: dict[str, int] = {
    "v": 0,
    "q0": 2,
    "q1": 3,
    **{f"h{i}": 4 + i for i in range(4)},
    **{f"e{i}": 8 + i for i in range(8)},
}
COMPUTE_SUFFIX_BY_ELEMENT: dict[int, str] = {
    e: s for s, e in COMPUTE_ELEMENT_BY_SUFFIX.items() if s != "v"
}

# vsar's accumulator slices.
ACC_SLICE_BY_NAME: dict[str, int] = {
    "COP2_ACC_HI": 8,
    "COP2_ACC_MD": 9,
    "COP2_ACC_LO": 10,
}
ACC_NAME_BY_SLICE: dict[int, str] = {v: k for k, v in ACC_SLICE_BY_NAME.items()}

# COP0 registers, as libdragon's rsp.inc names them.
COP0_NAMES: tuple[str, ...] = (
    "COP0_DMA_SPADDR", "COP0_DMA_RAMADDR", "COP0_DMA_READ", "COP0_DMA_WRITE",
    "COP0_SP_STATUS", "COP0_DMA_FULL", "COP0_DMA_BUSY", "COP0_SEMAPHORE",
    "COP0_DP_START", "COP0_DP_END", "COP0_DP_CURRENT", "COP0_DP_STATUS",
    "COP0_DP_CLOCK", "COP0_DP_BUSY", "COP0_DP_PIPE_BUSY", "COP0_DP_TMEM_BUSY",
)  # fmt: skip
COP0_INDEX_BY_NAME: dict[str, int] = {name: i for i, name in enumerate(COP0_NAMES)}

# COP2 control registers (cfc2 / ctc2).
COP2_CTRL_NAMES: tuple[str, ...] = ("COP2_CTRL_VCO", "COP2_CTRL_VCC", "COP2_CTRL_VCE")
COP2_CTRL_INDEX_BY_NAME: dict[str, int] = {
    name: i for i, name in enumerate(COP2_CTRL_NAMES)
}
