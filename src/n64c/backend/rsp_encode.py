"""Binary images of `rsp` programs: `encode_program` and `decode_imem`.

Layout: the `text` sections, in order, fill IMEM from address 0; the `data`
sections fill DMEM from address 0. As with GNU as on MIPS, `.word` and `.half`
(and instructions) are aligned to their size, and labels directly in front of
them move along; `.align n` pads to 2**n. Both images are big-endian and
exactly as long as their contents (at most 4096 bytes each).

Symbols: a text label's value is its IMEM offset (0..0xFFC), a data label's
its DMEM offset. `j`/`jal` encode the IMEM word address (`offset >> 2`) in
their target field; the RSP ignores higher bits, which the decoder also
accepts (libdragon links text at 0x04001000).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from xdsl.dialects.builtin import IntAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute, Operation

from n64c.backend.rsp_build import Fields, ProgramBuilder
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
    VectorMemoryOp,
    VectorNoOperandOp,
    VectorStoreOp,
    reg_index,
)
from n64c.dialects.rsp_ops import INSTRUCTION_OPS
from n64c.dialects.rsp_types import SymbolExprAttr
from n64c.errors import BudgetError, InvalidInputError, N64cError

IMEM_SIZE = 4096
DMEM_SIZE = 4096


@dataclass
class RspImage:
    """The IMEM and DMEM images of a program and the addresses of its labels."""

    imem: bytes
    dmem: bytes
    symbols: dict[str, int]
    symbol_sections: dict[str, str] = field(default_factory=dict)
    """For each symbol, `text` (IMEM address) or `data` (DMEM address)."""


def iter_program(module: ModuleOp) -> Iterator[tuple[str, Operation]]:
    """(section, op) for every op of the program, in layout order."""
    for op in module.body.block.ops:
        if isinstance(op, rsp.SectionOp):
            for inner in op.body.block.ops:
                yield op.section.data, inner
        else:
            yield "text", op


def find_programs(module: ModuleOp) -> dict[str, ModuleOp]:
    """The RSP programs of `module`: the module itself if it holds `rsp` ops
    (key ""), else its nested `builtin.module @name` of `rsp` ops (a compiled
    model has one per ucode)."""
    top = list(module.body.block.ops)
    if any(isinstance(op, rsp.SectionOp | rsp.RspOperation) for op in top) or not top:
        return {"": module}
    programs: dict[str, ModuleOp] = {}
    for op in top:
        if isinstance(op, ModuleOp) and op.sym_name is not None:
            inner = list(op.body.block.ops)
            if any(isinstance(o, rsp.SectionOp | rsp.RspOperation) for o in inner):
                programs[op.sym_name.data] = op
    if not programs:
        raise N64cError("the module holds no rsp program (lower it with lower-to-rsp)")
    return programs


def select_program(module: ModuleOp, ucode: str = "") -> ModuleOp:
    """The one program of `module`, or the nested ucode module named `ucode`."""
    programs = find_programs(module)
    if ucode:
        if ucode not in programs:
            names = ", ".join(n for n in programs if n) or "none"
            raise N64cError(f"no ucode named {ucode!r} (ucodes: {names})")
        return programs[ucode]
    if len(programs) > 1:
        names = ", ".join(programs)
        raise N64cError(
            f"the module has several ucodes ({names}); choose one with ucode=NAME"
        )
    return next(iter(programs.values()))


# region: layout


def _size_and_alignment(op: Operation) -> tuple[int, int]:
    if isinstance(op, RspInstruction):
        return 4, 4
    if isinstance(op, rsp.WordOp | rsp.HalfOp | rsp.ByteOp):
        return op.SIZE * len(op.values.data), op.SIZE
    if isinstance(op, rsp.SpaceOp):
        return op.size.data, 1
    if isinstance(op, rsp.AlignOp):
        # labels right before `.align` move to the aligned address (as in GNU as)
        return 0, 1 << op.power.data
    raise N64cError(f"{op.name} cannot be part of an RSP program")


@dataclass
class _Layout:
    symbols: dict[str, int] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    items: list[tuple[str, int, Operation]] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=lambda: {"text": 0, "data": 0})


def _layout(module: ModuleOp) -> _Layout:
    layout = _Layout()
    pending: dict[str, list[str]] = {"text": [], "data": []}
    for section, op in iter_program(module):
        if section not in layout.sizes:
            raise N64cError(f"unknown section {section!r}")
        if isinstance(op, rsp.GetRegisterOp):
            continue
        position = layout.sizes[section]
        if isinstance(op, rsp.LabelOp):
            name = op.label.data
            if name in layout.symbols:
                raise N64cError(f"label {name!r} is defined twice")
            layout.symbols[name] = position
            layout.sections[name] = section
            pending[section].append(name)
            continue
        if isinstance(op, RspInstruction) and section != "text":
            raise N64cError(f"instruction {op.name} in the data section")
        size, align = _size_and_alignment(op)
        aligned = -(-position // align) * align
        if aligned != position:
            for name in pending[section]:
                layout.symbols[name] = aligned
            position = aligned
        layout.items.append((section, position, op))
        if size:
            pending[section].clear()
        layout.sizes[section] = position + size
    return layout


# endregion

# region: encoding


class _Resolver:
    def __init__(self, layout: _Layout) -> None:
        self.layout = layout

    def address(self, name: str) -> int:
        if name not in self.layout.symbols:
            raise N64cError(f"unknown label {name!r}")
        return self.layout.symbols[name]

    def value(self, attr: Attribute) -> int:
        if isinstance(attr, SymbolExprAttr):
            return attr.evaluate(self.address(attr.symbol.data))
        assert isinstance(attr, IntAttr)
        return attr.data

    def text_target(self, op: Operation, attr: Attribute) -> int:
        if isinstance(attr, StringAttr):
            name = attr.data
            address = self.address(name)
            if self.layout.sections[name] != "text":
                raise N64cError(f"{op.name} targets {name!r}, which is a data label")
            return address
        assert isinstance(attr, IntAttr)
        return attr.data


def _check_field(op: Operation, what: str, value: int, lo: int, hi: int) -> None:
    if not lo <= value <= hi:
        raise N64cError(f"{op.name}: {what} {value} is out of range [{lo}, {hi}]")


def encode_instruction(op: RspInstruction, pc: int, r: _Resolver) -> int:
    """The 32-bit word of `op` at IMEM address `pc`."""
    if isinstance(op, VectorComputeOp):
        return (
            0x4A000000 | op.element.data << 21 | reg_index(op.vt) << 16
            | reg_index(op.vs) << 11 | reg_index(op.vd) << 6 | op.FUNCT
        )  # fmt: skip
    if isinstance(op, VectorLaneOp):
        return (
            0x4A000000 | op.element.data << 21 | reg_index(op.vt) << 16
            | (8 | op.lane.data) << 11 | reg_index(op.vd) << 6 | op.FUNCT
        )  # fmt: skip
    if isinstance(op, VectorAccReadOp):
        return 0x4A000000 | op.slice.data << 21 | reg_index(op.vd) << 6 | op.FUNCT
    if isinstance(op, VectorNoOperandOp):
        return 0x4A000000 | op.FUNCT
    if isinstance(op, VectorMemoryOp):
        base = 0xC8000000 if isinstance(op, VectorLoadOp) else 0xE8000000
        vt = op.vt if isinstance(op, VectorLoadOp | VectorStoreOp) else None
        assert vt is not None and isinstance(op, VectorLoadOp | VectorStoreOp)
        offset = op.offset.data // op.SIZE
        return (
            base | reg_index(op.base) << 21 | reg_index(vt) << 16 | op.SUBOP << 11
            | op.element.data << 7 | (offset & 0x7F)
        )  # fmt: skip
    if isinstance(op, MoveFromVectorOp):
        return (
            0x48000000
            | reg_index(op.rt) << 16
            | reg_index(op.vs) << 11
            | op.element.data << 7
        )
    if isinstance(op, MoveToVectorOp):
        return (
            0x48800000
            | reg_index(op.rt) << 16
            | reg_index(op.vs) << 11
            | op.element.data << 7
        )
    if isinstance(op, MoveFromControlOp):
        base = 0x48400000 if op.REG_KIND == "ctrl" else 0x40000000
        return base | reg_index(op.rt) << 16 | op.reg.data << 11
    if isinstance(op, MoveToControlOp):
        base = 0x48C00000 if op.REG_KIND == "ctrl" else 0x40800000
        return base | reg_index(op.rt) << 16 | op.reg.data << 11
    if isinstance(op, RegRegOp):
        return (
            reg_index(op.rs) << 21
            | reg_index(op.rt) << 16
            | reg_index(op.rd) << 11
            | op.FUNCT
        )
    if isinstance(op, ShiftVariableOp):
        return (
            reg_index(op.rs) << 21
            | reg_index(op.rt) << 16
            | reg_index(op.rd) << 11
            | op.FUNCT
        )
    if isinstance(op, ShiftImmOp):
        return (
            reg_index(op.rt) << 16 | reg_index(op.rd) << 11 | op.sa.data << 6 | op.FUNCT
        )
    if isinstance(op, ImmediateOp):
        imm = r.value(op.imm)
        lo, hi = (-0x8000, 0x7FFF) if op.SIGNED else (0, 0xFFFF)
        _check_field(op, "immediate", imm, lo, hi)
        return (
            op.OPCODE << 26
            | reg_index(op.rs) << 21
            | reg_index(op.rt) << 16
            | (imm & 0xFFFF)
        )
    if isinstance(op, UpperImmediateOp):
        imm = r.value(op.imm)
        _check_field(op, "immediate", imm, 0, 0xFFFF)
        return op.OPCODE << 26 | reg_index(op.rt) << 16 | imm
    if isinstance(op, ScalarLoadOp | ScalarStoreOp):
        offset = r.value(op.offset)
        _check_field(op, "offset", offset, -0x8000, 0x7FFF)
        return (
            op.OPCODE << 26 | reg_index(op.base) << 21 | reg_index(op.rt) << 16
            | (offset & 0xFFFF)
        )  # fmt: skip
    if isinstance(op, BranchCompareOp | BranchZeroOp | BranchLinkOp):
        target = r.text_target(op, op.target)
        delta = target - (pc + 4)
        if delta % 4:
            raise N64cError(
                f"{op.name}: branch target 0x{target:X} is not word aligned"
            )
        _check_field(op, "branch offset", delta >> 2, -0x8000, 0x7FFF)
        rt = reg_index(op.rt) if isinstance(op, BranchCompareOp) else op.RT_CODE
        return (
            op.OPCODE << 26
            | reg_index(op.rs) << 21
            | rt << 16
            | ((delta >> 2) & 0xFFFF)
        )
    if isinstance(op, JumpOp | JumpLinkOp):
        target = r.text_target(op, op.target)
        if target % 4 or not 0 <= target < IMEM_SIZE:
            raise N64cError(
                f"{op.name}: jump target 0x{target:X} is not a word in IMEM"
            )
        return op.OPCODE << 26 | target >> 2
    if isinstance(op, JumpRegisterOp):
        return reg_index(op.rs) << 21 | op.FUNCT
    if isinstance(op, JumpLinkRegisterOp):
        return reg_index(op.rs) << 21 | reg_index(op.rd) << 11 | op.FUNCT
    if isinstance(op, FixedWordOp):
        return op.WORD
    raise N64cError(f"cannot encode {op.name}")


def _encode_data(op: Operation, r: _Resolver) -> bytes:
    if isinstance(op, rsp.WordOp | rsp.HalfOp | rsp.ByteOp):
        size = op.SIZE
        out = bytearray()
        for value in op.values.data:
            v = r.value(value)
            if not -(1 << (8 * size - 1)) <= v < (1 << (8 * size)):
                raise N64cError(f"{op.name}: value {v} does not fit in {size} bytes")
            out += (v & ((1 << (8 * size)) - 1)).to_bytes(size, "big")
        return bytes(out)
    if isinstance(op, rsp.SpaceOp):
        return bytes([op.fill.data & 0xFF]) * op.size.data
    if isinstance(op, rsp.AlignOp):
        return b""
    raise N64cError(f"{op.name} cannot be part of an RSP program")


def _budget(kind: str, memory: str, used: int, limit: int) -> BudgetError:
    return BudgetError(
        f"the program's {kind} takes {used} bytes of {memory}, "
        f"{used - limit} bytes more than the {limit} available"
    )


def encode_program(module: ModuleOp) -> RspImage:
    """Assemble an `rsp` module (registers allocated) into IMEM/DMEM images."""
    layout = _layout(module)
    if layout.sizes["text"] > IMEM_SIZE:
        raise _budget("code", "IMEM", layout.sizes["text"], IMEM_SIZE)
    if layout.sizes["data"] > DMEM_SIZE:
        raise _budget("data", "DMEM", layout.sizes["data"], DMEM_SIZE)
    resolver = _Resolver(layout)
    images = {
        "text": bytearray(layout.sizes["text"]),
        "data": bytearray(layout.sizes["data"]),
    }
    for section, address, op in layout.items:
        if isinstance(op, RspInstruction):
            try:
                word = encode_instruction(op, address, resolver)
            except N64cError:
                raise
            except Exception as e:  # an unallocated register, a broken op
                raise N64cError(
                    f"cannot encode {op.name} at 0x{address:03X}: {e}"
                ) from None
            chunk = word.to_bytes(4, "big")
        else:
            chunk = _encode_data(op, resolver)
        images[section][address : address + len(chunk)] = chunk
    return RspImage(
        imem=bytes(images["text"]),
        dmem=bytes(images["data"]),
        symbols=dict(layout.symbols),
        symbol_sections=dict(layout.sections),
    )


# endregion

# region: decoding

_SPECIAL: dict[int, type[RspInstruction]] = {}
_REGIMM: dict[int, type[RspInstruction]] = {}
_PRIMARY: dict[int, type[RspInstruction]] = {}
_VECTOR: dict[int, type[RspInstruction]] = {}
_VECTOR_MEMORY: dict[tuple[bool, int], type[VectorMemoryOp]] = {}
_COP_MOVES: dict[tuple[int, int], type[RspInstruction]] = {}

for _cls in INSTRUCTION_OPS:
    if issubclass(
        _cls, VectorComputeOp | VectorLaneOp | VectorAccReadOp | VectorNoOperandOp
    ):
        _VECTOR[_cls.FUNCT] = _cls
    elif issubclass(_cls, VectorLoadOp | VectorStoreOp):
        _VECTOR_MEMORY[(issubclass(_cls, VectorLoadOp), _cls.SUBOP)] = _cls
    elif issubclass(
        _cls,
        RegRegOp | ShiftVariableOp | ShiftImmOp | JumpRegisterOp | JumpLinkRegisterOp,
    ):
        _SPECIAL[_cls.FUNCT] = _cls
    elif issubclass(_cls, BranchZeroOp | BranchLinkOp) and _cls.OPCODE == 1:
        _REGIMM[_cls.RT_CODE] = _cls
    elif issubclass(
        _cls,
        ImmediateOp | UpperImmediateOp | ScalarLoadOp | ScalarStoreOp
        | BranchCompareOp | BranchZeroOp | JumpOp | JumpLinkOp,
    ):  # fmt: skip
        _PRIMARY[_cls.OPCODE] = _cls
_COP_MOVES.update(
    {
        (0x10, 0): rsp.Mfc0Op,
        (0x10, 4): rsp.Mtc0Op,
        (0x12, 0): rsp.Mfc2Op,
        (0x12, 4): rsp.Mtc2Op,
        (0x12, 2): rsp.Cfc2Op,
        (0x12, 6): rsp.Ctc2Op,
    }
)


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def decode_word(word: int, pc: int) -> tuple[type[RspInstruction], Fields] | None:
    """The op class and fields of one instruction word (targets as absolute
    IMEM addresses), or None if it is no RSP instruction."""
    opcode = word >> 26
    rs, rt, rd = (word >> 21) & 31, (word >> 16) & 31, (word >> 11) & 31
    sa, funct, imm = (word >> 6) & 31, word & 63, word & 0xFFFF
    branch_target = (pc + 4 + 4 * _signed(imm, 16)) & 0xFFF
    if word == 0:
        return rsp.NopOp, {}
    if word == 0x0000000D:
        return rsp.BreakOp, {}
    if opcode == 0:
        cls = _SPECIAL.get(funct)
        if cls is None:
            return None
        return cls, {"rs": rs, "rt": rt, "rd": rd, "sa": sa}
    if opcode == 1:
        cls = _REGIMM.get(rt)
        return None if cls is None else (cls, {"rs": rs, "target": branch_target})
    if opcode in (0x10, 0x12) and not (opcode == 0x12 and word & (1 << 25)):
        cls = _COP_MOVES.get((opcode, rs))
        if cls is None:
            return None
        return cls, {"rt": rt, "reg": rd, "vs": rd, "element": (word >> 7) & 15}
    if opcode == 0x12:
        cls = _VECTOR.get(funct)
        if cls is None:
            return None
        e = (word >> 21) & 15
        return cls, {
            "vd": sa,
            "vs": rd,
            "vt": rt,
            "element": e,
            "slice": e,
            "lane": rd & 7,
        }
    if opcode in (0x32, 0x3A):
        mem_cls = _VECTOR_MEMORY.get((opcode == 0x32, rd))
        if mem_cls is None:
            return None
        return mem_cls, {
            "vt": rt,
            "base": rs,
            "element": (word >> 7) & 15,
            "offset": _signed(word & 0x7F, 7) * mem_cls.SIZE,
        }
    cls = _PRIMARY.get(opcode)
    if cls is None:
        return None
    if issubclass(cls, JumpOp | JumpLinkOp):
        return cls, {"target": (word << 2) & 0xFFC}
    if issubclass(cls, BranchCompareOp | BranchZeroOp):
        return cls, {"rs": rs, "rt": rt, "target": branch_target}
    if issubclass(cls, ImmediateOp):
        value = _signed(imm, 16) if cls.SIGNED else imm
        return cls, {"rs": rs, "rt": rt, "imm": value}
    if issubclass(cls, UpperImmediateOp):
        return cls, {"rt": rt, "imm": imm}
    return cls, {"rt": rt, "base": rs, "offset": _signed(imm, 16)}


def _canonical(word: int) -> int:
    """Drop the bits the RSP ignores (the high bits of a jump target)."""
    if word >> 26 in (2, 3):
        return word & 0xFC0003FF
    return word


def label_for(address: int) -> str:
    return f"L_{address:03X}"


def decode_imem(data: bytes, labels: Mapping[int, str] | None = None) -> ModuleOp:
    """Disassemble an IMEM image into an `rsp` module with one text section.

    Branch and jump targets become labels (named from `labels`, an IMEM
    address to name map, or `L_<hex address>`). A word that is no RSP
    instruction, or not in the canonical form the encoder produces, raises
    `InvalidInputError` naming its address.
    """
    if len(data) % 4:
        raise InvalidInputError(f"IMEM image length {len(data)} is not a multiple of 4")
    if len(data) > IMEM_SIZE:
        raise InvalidInputError(
            f"IMEM image is {len(data)} bytes, more than the {IMEM_SIZE} of IMEM"
        )
    words = [int.from_bytes(data[i : i + 4], "big") for i in range(0, len(data), 4)]
    decoded: list[tuple[type[RspInstruction], Fields]] = []
    targets: set[int] = set()
    for index, word in enumerate(words):
        pc = 4 * index
        result = decode_word(word, pc)
        if result is None:
            raise InvalidInputError(
                f"IMEM 0x{pc:03X}: word 0x{word:08X} is not an RSP instruction"
            )
        decoded.append(result)
        if "target" in result[1]:
            targets.add(result[1]["target"])
    names = dict(labels or {})
    builder = ProgramBuilder()
    builder.enter_section("text")
    end = len(data)
    for index, (cls, fields) in enumerate(decoded):
        pc = 4 * index
        if pc in targets:
            builder.append(rsp.LabelOp(names.get(pc, label_for(pc))))
        if "target" in fields and fields["target"] <= end:
            fields = {
                **fields,
                "target": names.get(fields["target"], label_for(fields["target"])),
            }
        builder.add_instruction(cls, fields)
    if end in targets:
        builder.append(rsp.LabelOp(names.get(end, label_for(end))))
    module = builder.module
    check = encode_program(module).imem
    for index, word in enumerate(words):
        again = int.from_bytes(check[4 * index : 4 * index + 4], "big")
        if again != _canonical(word):
            raise InvalidInputError(
                f"IMEM 0x{4 * index:03X}: word 0x{word:08X} is not a canonical RSP "
                f"instruction (its fields would encode as 0x{again:08X})"
            )
    return module


# endregion
