"""Round trips of RSP programs: text -> module -> binary -> module -> text,
and the MLIR form of the `rsp` dialect (custom and generic)."""

from __future__ import annotations

import random

import pytest
from test_rsp_encoding import SCALAR_FORMS, VECTOR_FORMS
from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.parser import Parser
from xdsl.printer import Printer

from n64c.backend.rsp_asm import parse_asm, print_asm
from n64c.backend.rsp_build import Fields, ProgramBuilder
from n64c.backend.rsp_encode import decode_imem, encode_program, label_for
from n64c.dialects import rsp
from n64c.dialects.rsp_base import (
    BranchCompareOp,
    BranchLinkOp,
    BranchZeroOp,
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
    VectorMemoryOp,
)


def roundtrip(text: str) -> tuple[str, str]:
    """(printed parse of `text`, printed disassembly of its IMEM image)."""
    module = parse_asm(text)
    module.verify()
    image = encode_program(module)
    decoded = decode_imem(image.imem)
    decoded.verify()
    assert encode_program(decoded).imem == image.imem
    return print_asm(module), print_asm(decoded)


@pytest.mark.parametrize("line", [line for line, _ in VECTOR_FORMS + SCALAR_FORMS])
def test_every_form_roundtrips(line: str) -> None:
    printed, disassembled = roundtrip(line)
    assert printed == disassembled
    # the printed text parses back to the same program
    assert print_asm(parse_asm(printed)) == printed


def test_branches_become_labels() -> None:
    text = """
    L_000:
        addiu t0, t0, -1
        bne t0, zero, L_000
        nop
        j L_014
        nop
    L_014:
        jal L_000
        bgezal t1, L_01C
    L_01C:
        break
    """
    printed, disassembled = roundtrip(text)
    assert printed == disassembled
    assert "L_014:" in disassembled


def test_decode_names_labels_from_symbols() -> None:
    image = encode_program(parse_asm("loop: j loop\nnop\n"))
    decoded = decode_imem(image.imem, {v: k for k, v in image.symbols.items()})
    assert "loop:\n    j loop\n" in print_asm(decoded)


# region: random programs


def random_fields(cls: type[RspInstruction], rng: random.Random) -> Fields:
    reg = lambda: rng.randrange(32)  # noqa: E731
    if issubclass(cls, VectorComputeOp):
        return {"vd": reg(), "vs": reg(), "vt": reg(), "element": rng.randrange(16)}
    if issubclass(cls, VectorLaneOp):
        return {
            "vd": reg(),
            "vt": reg(),
            "lane": rng.randrange(8),
            "element": rng.randrange(16),
        }
    if issubclass(cls, VectorAccReadOp):
        return {"vd": reg(), "slice": rng.choice([8, 9, 10])}
    if issubclass(cls, VectorMemoryOp):
        return {
            "vt": reg(),
            "base": reg(),
            "element": rng.randrange(16),
            "offset": cls.SIZE * rng.randrange(-64, 64),
        }
    if issubclass(cls, MoveFromVectorOp | MoveToVectorOp):
        return {"rt": reg(), "vs": reg(), "element": rng.randrange(16)}
    if issubclass(cls, MoveFromControlOp | MoveToControlOp):
        return {"rt": reg(), "reg": rng.randrange(3 if cls.REG_KIND == "ctrl" else 16)}
    if issubclass(cls, RegRegOp | ShiftVariableOp):
        return {"rd": reg(), "rs": reg(), "rt": reg()}
    if issubclass(cls, ShiftImmOp):
        fields = {"rd": reg(), "rt": reg(), "sa": rng.randrange(32)}
        if fields == {"rd": 0, "rt": 0, "sa": 0} and cls is rsp.SllOp:
            fields["sa"] = 1  # the all-zero word is `nop`
        return fields
    if issubclass(cls, ImmediateOp):
        imm = rng.randrange(-0x8000, 0x8000) if cls.SIGNED else rng.randrange(0x10000)
        return {"rt": reg(), "rs": reg(), "imm": imm}
    if issubclass(cls, UpperImmediateOp):
        return {"rt": reg(), "imm": rng.randrange(0x10000)}
    if issubclass(cls, ScalarLoadOp | ScalarStoreOp):
        return {"rt": reg(), "base": reg(), "offset": rng.randrange(-0x8000, 0x8000)}
    if issubclass(cls, BranchLinkOp):  # may not test ra, the link register
        return {"rs": rng.randrange(31), "target": None}
    if issubclass(cls, BranchCompareOp | BranchZeroOp | JumpOp | JumpLinkOp):
        return {"rs": reg(), "rt": reg(), "target": None}
    if issubclass(cls, JumpRegisterOp):
        return {"rs": reg()}
    if issubclass(cls, JumpLinkRegisterOp):  # link and source must differ
        rs = reg()
        return {"rs": rs, "rd": (rs + rng.randrange(1, 32)) % 32}
    return {}


def random_program(rng: random.Random, length: int) -> ModuleOp:
    choices = [rng.choice(rsp.INSTRUCTION_OPS) for _ in range(length)]
    fields = [random_fields(cls, rng) for cls in choices]
    targets: set[int] = set()
    for f in fields:
        if "target" in f:
            index = rng.randrange(length + 1)
            targets.add(index)
            f["target"] = label_for(4 * index)
    builder = ProgramBuilder()
    builder.enter_section("text")
    for index, (cls, f) in enumerate(zip(choices, fields, strict=True)):
        if index in targets:
            builder.append(rsp.LabelOp(label_for(4 * index)))
        builder.add_instruction(cls, f)
    if length in targets:
        builder.append(rsp.LabelOp(label_for(4 * length)))
    builder.module.verify()
    return builder.module


def make_context() -> Context:
    ctx = Context()
    ctx.load_dialect(Builtin)
    ctx.load_dialect(rsp.RSP)
    return ctx


@pytest.mark.parametrize("seed", range(20))
def test_random_programs_roundtrip(seed: int) -> None:
    rng = random.Random(seed)
    module = random_program(rng, 200)
    text = print_asm(module)
    printed, disassembled = roundtrip(text)
    assert printed == text
    assert disassembled == text


@pytest.mark.parametrize("seed", range(5))
def test_random_programs_mlir_roundtrip(seed: int) -> None:
    module = random_program(random.Random(100 + seed), 100)
    ctx = make_context()
    custom = str(module)
    reparsed = Parser(ctx, custom).parse_module()
    reparsed.verify()
    assert str(reparsed) == custom
    generic = StringIOPrinter.generic(module)
    assert str(Parser(ctx, generic).parse_module()) == custom


class StringIOPrinter:
    @staticmethod
    def generic(module: ModuleOp) -> str:
        from io import StringIO

        stream = StringIO()
        Printer(stream=stream, print_generic_format=True).print_op(module)
        return stream.getvalue()


def test_random_words_decode_or_fail_cleanly() -> None:
    """Any word either decodes to an op that encodes back to it, or is reported."""
    from n64c.errors import InvalidInputError

    rng = random.Random(7)
    decoded = 0
    for _ in range(3000):
        word = rng.getrandbits(32)
        if rng.random() < 0.5:  # bias towards the RSP's opcodes
            word = (
                rng.choice(
                    [
                        0,
                        1,
                        2,
                        3,
                        4,
                        5,
                        6,
                        7,
                        8,
                        9,
                        10,
                        11,
                        12,
                        13,
                        14,
                        15,
                        0x10,
                        0x12,
                        0x20,
                        0x21,
                        0x23,
                        0x24,
                        0x25,
                        0x28,
                        0x29,
                        0x2B,
                        0x32,
                        0x3A,
                    ]
                )
                << 26
            ) | (word & 0x3FFFFFF)
        data = word.to_bytes(4, "big")
        try:
            module = decode_imem(data)
        except InvalidInputError as e:
            assert "0x000" in str(e)
            continue
        decoded += 1
        image = encode_program(module).imem
        if word >> 26 in (2, 3):
            assert image == (word & 0xFC0003FF).to_bytes(4, "big")
        else:
            assert image == data
    assert decoded > 500


# endregion
