"""Instruction words of every RSP instruction form, checked by hand.

The scalar words come from GNU as (`mips-linux-gnu-as -march=mips1 -EB`);
the vector words from the encodings in rsp-reference.md (checked against
the independent encoders of `rsp_words.py` and the three examples of the
reference).
"""

from __future__ import annotations

import pytest

from n64c.backend.rsp_asm import parse_asm
from n64c.backend.rsp_encode import encode_program
from n64c.errors import BudgetError, N64cError

REFERENCE_EXAMPLES = [
    ("vmudh $v04, $v01, $v02.e3", 0x4B620907),
    ("vmov $v09.e2, $v10.e5", 0x4BAA5273),
    ("vsar $v08, COP2_ACC_MD", 0x4B20021D),
]

VECTOR_FORMS = [
    ("vmulf $v04, $v01, $v02.e3", 0x4B620900),
    ("vmulu $v04, $v01, $v02.e3", 0x4B620901),
    ("vmudl $v04, $v01, $v02.e3", 0x4B620904),
    ("vmudm $v04, $v01, $v02.e3", 0x4B620905),
    ("vmudn $v04, $v01, $v02.e3", 0x4B620906),
    ("vmudh $v04, $v01, $v02.e3", 0x4B620907),
    ("vmacf $v04, $v01, $v02.e3", 0x4B620908),
    ("vmacu $v04, $v01, $v02.e3", 0x4B620909),
    ("vmadl $v04, $v01, $v02.e3", 0x4B62090C),
    ("vmadm $v04, $v01, $v02.e3", 0x4B62090D),
    ("vmadn $v04, $v01, $v02.e3", 0x4B62090E),
    ("vmadh $v04, $v01, $v02.e3", 0x4B62090F),
    ("vadd $v04, $v01, $v02.e3", 0x4B620910),
    ("vsub $v04, $v01, $v02.e3", 0x4B620911),
    ("vabs $v04, $v01, $v02.e3", 0x4B620913),
    ("vaddc $v04, $v01, $v02.e3", 0x4B620914),
    ("vsubc $v04, $v01, $v02.e3", 0x4B620915),
    ("vlt $v04, $v01, $v02.e3", 0x4B620920),
    ("veq $v04, $v01, $v02.e3", 0x4B620921),
    ("vne $v04, $v01, $v02.e3", 0x4B620922),
    ("vge $v04, $v01, $v02.e3", 0x4B620923),
    ("vcl $v04, $v01, $v02.e3", 0x4B620924),
    ("vch $v04, $v01, $v02.e3", 0x4B620925),
    ("vcr $v04, $v01, $v02.e3", 0x4B620926),
    ("vmrg $v04, $v01, $v02.e3", 0x4B620927),
    ("vand $v04, $v01, $v02.e3", 0x4B620928),
    ("vnand $v04, $v01, $v02.e3", 0x4B620929),
    ("vor $v04, $v01, $v02.e3", 0x4B62092A),
    ("vnor $v04, $v01, $v02.e3", 0x4B62092B),
    ("vxor $v04, $v01, $v02.e3", 0x4B62092C),
    ("vnxor $v04, $v01, $v02.e3", 0x4B62092D),
    ("vadd $v31, $v30, $v29", 0x4A1DF7D0),
    ("vadd $v31, $v30, $v29.q0", 0x4A5DF7D0),
    ("vadd $v31, $v30, $v29.q1", 0x4A7DF7D0),
    ("vadd $v31, $v30, $v29.h0", 0x4A9DF7D0),
    ("vadd $v31, $v30, $v29.h1", 0x4ABDF7D0),
    ("vadd $v31, $v30, $v29.h2", 0x4ADDF7D0),
    ("vadd $v31, $v30, $v29.h3", 0x4AFDF7D0),
    ("vadd $v31, $v30, $v29.e0", 0x4B1DF7D0),
    ("vadd $v31, $v30, $v29.e1", 0x4B3DF7D0),
    ("vadd $v31, $v30, $v29.e2", 0x4B5DF7D0),
    ("vadd $v31, $v30, $v29.e3", 0x4B7DF7D0),
    ("vadd $v31, $v30, $v29.e4", 0x4B9DF7D0),
    ("vadd $v31, $v30, $v29.e5", 0x4BBDF7D0),
    ("vadd $v31, $v30, $v29.e6", 0x4BDDF7D0),
    ("vadd $v31, $v30, $v29.e7", 0x4BFDF7D0),
    ("vsub $v05, $v06, $v07, 1", 0x4A273151),
    ("vrcp $v09.e2, $v10.e5", 0x4BAA5270),
    ("vrcpl $v09.e2, $v10.e5", 0x4BAA5271),
    ("vrcph $v09.e2, $v10.e5", 0x4BAA5272),
    ("vmov $v09.e2, $v10.e5", 0x4BAA5273),
    ("vrsq $v09.e2, $v10.e5", 0x4BAA5274),
    ("vrsql $v09.e2, $v10.e5", 0x4BAA5275),
    ("vrsqh $v09.e2, $v10.e5", 0x4BAA5276),
    ("vrcph $v01.e7, $v31.e0", 0x4B1F7872),
    ("vmov $v03, 12, $v04, 6", 0x4AC460F3),
    ("vsar $v08, COP2_ACC_HI", 0x4B00021D),
    ("vsar $v08, COP2_ACC_MD", 0x4B20021D),
    ("vsar $v08, COP2_ACC_LO", 0x4B40021D),
    ("vnop", 0x4A000037),
    ("lbv $v01.b5, -64, s0", 0xCA0102C0),
    ("lbv $v02, 63, s1", 0xCA22003F),
    ("lsv $v02.e3, 126, s1", 0xCA220B3F),
    ("lsv $v03.b1, -128, t0", 0xC90308C0),
    ("llv $v04.e2, -256, a0", 0xC8841240),
    ("llv $v05, 252, a1", 0xC8A5103F),
    ("ldv $v06.e4, 504, a2", 0xC8C61C3F),
    ("ldv $v07, -512, a3", 0xC8E71840),
    ("lqv $v08, 1008, t1", 0xC928203F),
    ("lqv $v09, -1024, t2", 0xC9492040),
    ("lrv $v10, 16, t3", 0xC96A2801),
    ("lrv $v11.e1, -16, t4", 0xC98B297F),
    ("lpv $v12, 8, t5", 0xC9AC3001),
    ("lpv $v13.e1, -8, t6", 0xC9CD30FF),
    ("luv $v14, 504, t7", 0xC9EE383F),
    ("luv $v15.e7, 0, s2", 0xCA4F3B80),
    ("lhv $v16, 32, s3", 0xCA704002),
    ("lfv $v17, 48, s4", 0xCA914803),
    ("lfv $v18.e4, 0, s5", 0xCAB24C00),
    ("ltv $v24, 0, s6", 0xCAD85800),
    ("ltv $v16.e3, 16, s7", 0xCAF05B01),
    ("sbv $v01.b5, -64, s0", 0xEA0102C0),
    ("sbv $v02, 63, s1", 0xEA22003F),
    ("ssv $v02.e3, 126, s1", 0xEA220B3F),
    ("ssv $v03.b1, -128, t0", 0xE90308C0),
    ("slv $v04.e2, -256, a0", 0xE8841240),
    ("slv $v05, 252, a1", 0xE8A5103F),
    ("sdv $v06.e4, 504, a2", 0xE8C61C3F),
    ("sdv $v07, -512, a3", 0xE8E71840),
    ("sqv $v08, 1008, t1", 0xE928203F),
    ("sqv $v09, -1024, t2", 0xE9492040),
    ("srv $v10, 16, t3", 0xE96A2801),
    ("srv $v11.e1, -16, t4", 0xE98B297F),
    ("spv $v12, 8, t5", 0xE9AC3001),
    ("spv $v13.e1, -8, t6", 0xE9CD30FF),
    ("suv $v14, 504, t7", 0xE9EE383F),
    ("suv $v15.e7, 0, s2", 0xEA4F3B80),
    ("shv $v16, 32, s3", 0xEA704002),
    ("sfv $v17, 48, s4", 0xEA914803),
    ("sfv $v18.e4, 0, s5", 0xEAB24C00),
    ("stv $v24, 0, s6", 0xEAD85800),
    ("stv $v16.e3, 16, s7", 0xEAF05B01),
    ("lqv $v01, 0, 0x20, s0", 0xCA012002),
    ("ltv $v08, 3, 32, t0", 0xC9085982),
    ("slv $v08, e(2), 4, t0", 0xE9081201),
    ("mfc2 t0, $v03.e2", 0x48081A00),
    ("mfc2 v0, $v31.b15", 0x4802FF80),
    ("mfc2 a0, $v01", 0x48040800),
    ("mtc2 t1, $v04.e7", 0x48892700),
    ("mtc2 ra, $v05.b1", 0x489F2880),
    ("cfc2 t2, COP2_CTRL_VCO", 0x484A0000),
    ("ctc2 s0, COP2_CTRL_VCO", 0x48D00000),
    ("cfc2 t2, COP2_CTRL_VCC", 0x484A0800),
    ("ctc2 s0, COP2_CTRL_VCC", 0x48D00800),
    ("cfc2 t2, COP2_CTRL_VCE", 0x484A1000),
    ("ctc2 s0, COP2_CTRL_VCE", 0x48D01000),
    ("mtc0 t0, COP0_DMA_SPADDR", 0x40880000),
    ("mfc0 t3, COP0_DMA_SPADDR", 0x400B0000),
    ("mtc0 t0, COP0_DMA_RAMADDR", 0x40880800),
    ("mfc0 t3, COP0_DMA_RAMADDR", 0x400B0800),
    ("mtc0 t0, COP0_DMA_READ", 0x40881000),
    ("mfc0 t3, COP0_DMA_READ", 0x400B1000),
    ("mtc0 t0, COP0_DMA_WRITE", 0x40881800),
    ("mfc0 t3, COP0_DMA_WRITE", 0x400B1800),
    ("mtc0 t0, COP0_SP_STATUS", 0x40882000),
    ("mfc0 t3, COP0_SP_STATUS", 0x400B2000),
    ("mtc0 t0, COP0_DMA_FULL", 0x40882800),
    ("mfc0 t3, COP0_DMA_FULL", 0x400B2800),
    ("mtc0 t0, COP0_DMA_BUSY", 0x40883000),
    ("mfc0 t3, COP0_DMA_BUSY", 0x400B3000),
    ("mtc0 t0, COP0_SEMAPHORE", 0x40883800),
    ("mfc0 t3, COP0_SEMAPHORE", 0x400B3800),
    ("mtc0 t0, COP0_DP_TMEM_BUSY", 0x40887800),
    ("mfc0 t3, COP0_DP_TMEM_BUSY", 0x400B7800),
    ("mtc0 a1, $5", 0x40852800),
]

SCALAR_FORMS = [
    ("add $8, $9, $10", 0x012A4020),
    ("addu $2, $3, $31", 0x007F1021),
    ("sub $16, $17, $18", 0x02328022),
    ("subu $4, $5, $6", 0x00A62023),
    ("and $24, $25, $1", 0x0321C024),
    ("or $8, $0, $9", 0x00094025),
    ("xor $26, $27, $28", 0x037CD026),
    ("nor $29, $30, $31", 0x03DFE827),
    ("slt $8, $9, $10", 0x012A402A),
    ("sltu $11, $12, $13", 0x018D582B),
    ("sll $8, $9, 4", 0x00094100),
    ("srl $10, $11, 31", 0x000B57C2),
    ("sra $12, $13, 1", 0x000D6043),
    ("sllv $8, $9, $10", 0x01494004),
    ("srlv $11, $12, $13", 0x01AC5806),
    ("srav $14, $15, $16", 0x020F7007),
    ("addi $8, $9, -16", 0x2128FFF0),
    ("addiu $29, $29, 32767", 0x27BD7FFF),
    ("slti $8, $9, -32768", 0x29288000),
    ("sltiu $10, $11, 100", 0x2D6A0064),
    ("andi $8, $9, 0xff", 0x312800FF),
    ("ori $8, $0, 0xffff", 0x3408FFFF),
    ("xori $12, $13, 0x8000", 0x39AC8000),
    ("lui $8, 0x1234", 0x3C081234),
    ("lb $8, -1($16)", 0x8208FFFF),
    ("lbu $9, 0($17)", 0x92290000),
    ("lh $10, 2($18)", 0x864A0002),
    ("lhu $11, 0x7ffe($19)", 0x966B7FFE),
    ("lw $12, -0x8000($20)", 0x8E8C8000),
    ("sb $13, 1($21)", 0xA2AD0001),
    ("sh $14, -2($22)", 0xA6CEFFFE),
    ("sw $15, 4($23)", 0xAEEF0004),
    ("nop", 0x00000000),
    ("nop", 0x00000000),
    ("jr $31", 0x03E00008),
    ("jalr $8", 0x0100F809),
    ("jalr $9, $10", 0x01404809),
    ("break", 0x0000000D),
    ("nop", 0x00000000),
    ("move t0, s1", 0x02204021),
    ("li t0, -5", 0x2408FFFB),
    ("li t0, 0x8000", 0x34088000),
    ("negu t1, t2", 0x000A4823),
    ("not t3, t4", 0x01805827),
    ("lw t0, (s0)", 0x8E080000),
    ("sw t0, 0x10", 0xAC080010),
    ("addiu $t0, $zero, 'A'", 0x24080041),
]

# The GNU-assembled scalar program (branches and jumps by label included).
GNU_PROGRAM = """    .set noreorder
    .set noat
    .text
start:
    add $8, $9, $10
    addu $2, $3, $31
    sub $16, $17, $18
    subu $4, $5, $6
    and $24, $25, $1
    or $8, $0, $9
    xor $26, $27, $28
    nor $29, $30, $31
    slt $8, $9, $10
    sltu $11, $12, $13
    sll $8, $9, 4
    srl $10, $11, 31
    sra $12, $13, 1
    sllv $8, $9, $10
    srlv $11, $12, $13
    srav $14, $15, $16
    addi $8, $9, -16
    addiu $29, $29, 32767
    slti $8, $9, -32768
    sltiu $10, $11, 100
    andi $8, $9, 0xff
    ori $8, $0, 0xffff
    xori $12, $13, 0x8000
    lui $8, 0x1234
    lb $8, -1($16)
    lbu $9, 0($17)
    lh $10, 2($18)
    lhu $11, 0x7ffe($19)
    lw $12, -0x8000($20)
    sb $13, 1($21)
    sh $14, -2($22)
    sw $15, 4($23)
loop:
    beq $8, $9, loop
    nop
    bne $10, $0, fwd
    nop
    blez $11, loop
    bgtz $12, fwd
    bltz $13, loop
    bgez $14, fwd
    bltzal $15, loop
    bgezal $16, fwd
fwd:
    j start
    jal fwd
    jr $31
    jalr $8
    jalr $9, $10
    break
    nop
"""

GNU_WORDS = [
    0x012A4020,
    0x007F1021,
    0x02328022,
    0x00A62023,
    0x0321C024,
    0x00094025,
    0x037CD026,
    0x03DFE827,
    0x012A402A,
    0x018D582B,
    0x00094100,
    0x000B57C2,
    0x000D6043,
    0x01494004,
    0x01AC5806,
    0x020F7007,
    0x2128FFF0,
    0x27BD7FFF,
    0x29288000,
    0x2D6A0064,
    0x312800FF,
    0x3408FFFF,
    0x39AC8000,
    0x3C081234,
    0x8208FFFF,
    0x92290000,
    0x864A0002,
    0x966B7FFE,
    0x8E8C8000,
    0xA2AD0001,
    0xA6CEFFFE,
    0xAEEF0004,
    0x1109FFFF,
    0x00000000,
    0x15400007,
    0x00000000,
    0x1960FFFB,
    0x1D800004,
    0x05A0FFF9,
    0x05C10002,
    0x05F0FFF7,
    0x06110000,
    0x08000000,
    0x0C00002A,
    0x03E00008,
    0x0100F809,
    0x01404809,
    0x0000000D,
    0x00000000,
]


def word_of(line: str) -> int:
    image = encode_program(parse_asm(line))
    assert len(image.imem) == 4
    return int.from_bytes(image.imem, "big")


@pytest.mark.parametrize(("line", "word"), REFERENCE_EXAMPLES)
def test_reference_examples(line: str, word: int) -> None:
    assert word_of(line) == word


@pytest.mark.parametrize(("line", "word"), VECTOR_FORMS)
def test_vector_forms(line: str, word: int) -> None:
    assert word_of(line) == word


@pytest.mark.parametrize(("line", "word"), SCALAR_FORMS)
def test_scalar_forms(line: str, word: int) -> None:
    assert word_of(line) == word


def test_gnu_program_with_branches() -> None:
    image = encode_program(parse_asm(GNU_PROGRAM))
    words = [
        int.from_bytes(image.imem[i : i + 4], "big")
        for i in range(0, len(image.imem), 4)
    ]
    assert words == GNU_WORDS
    assert image.symbols == {"start": 0, "loop": 0x80, "fwd": 0xA8}


def test_two_operand_and_e_macro_forms() -> None:
    assert word_of("vadd $v01, $v02") == word_of("vadd $v01, $v01, $v02")
    assert word_of("vmudn $v01, $v02.e1") == word_of("vmudn $v01, $v01, $v02.e1")
    assert word_of("vmudn $v01, $v02, $v03, e(2)") == word_of(
        "vmudn $v01, $v02, $v03.e2"
    )
    assert word_of("vadd $v01, $v02, $v03, e(1q)") == word_of(
        "vadd $v01, $v02, $v03.q1"
    )
    assert word_of("vadd $v01, $v02, $v03.v") == word_of("vadd $v01, $v02, $v03")
    assert word_of("lqv $v01, 0, 16, s0") == word_of("lqv $v01, 16, s0")


def test_pseudo_instructions() -> None:
    program = """
        li t0, 0x12345678
        li t1, 0x10000
        b end
        nop
        beqz t0, end
        bnez t1, end
        bal end
        la s0, buf
    end:
        break
        .data
    buf: .word 0
    """
    image = encode_program(parse_asm(program))
    words = [
        int.from_bytes(image.imem[i : i + 4], "big")
        for i in range(0, len(image.imem), 4)
    ]
    assert words == [
        0x3C081234,
        0x35085678,  # lui/ori
        0x3C090001,  # lui only
        0x10000005,
        0x00000000,  # beq zero, zero, end
        0x11000003,  # beq t0, zero
        0x15200002,  # bne t1, zero
        0x04110001,  # bgezal zero
        0x24100000,  # addiu s0, zero, %lo(buf)
        0x0000000D,
    ]


def test_data_layout_alignment_and_symbols() -> None:
    program = """
        .data
    a:  .byte 1
    b:  .half 0x1234
    c:  .byte 2, 3
    d:  .word d, %lo(e), %hi(0x12345678)
        .space 3, 0xAA
        .align 3
    e:  .half -1
        .ascii "hi"
        .text
        lw t0, %lo(d)(zero)
    """
    image = encode_program(parse_asm(program))
    assert image.symbols["a"] == 0
    assert image.symbols["b"] == 2  # moved along with the alignment of .half
    assert image.symbols["c"] == 4
    assert image.symbols["d"] == 8
    assert image.symbols["e"] == 24
    assert image.dmem == bytes.fromhex(
        "01 00 1234 0203 0000 00000008 00000018 00001234 aaaaaa 00 ffff 6869"
    )
    assert image.imem == bytes.fromhex("8c080008")
    assert image.symbol_sections == {
        "a": "data",
        "b": "data",
        "c": "data",
        "d": "data",
        "e": "data",
    }


def test_hi_lo_of_text_and_data_labels() -> None:
    program = """
        lui t0, %hi(far)
        ori t0, t0, %lo(far)
        addiu t1, zero, here + 4
    here:
        .data
        .space 0x100
    far: .word 0
    """
    image = encode_program(parse_asm(program))
    assert image.imem == bytes.fromhex("3c080000 35080100 24090010")


def test_imem_budget() -> None:
    with pytest.raises(
        BudgetError, match="4100 bytes of IMEM, 4 bytes more than the 4096"
    ):
        encode_program(parse_asm("nop\n" * 1025))
    assert len(encode_program(parse_asm("nop\n" * 1024)).imem) == 4096


def test_dmem_budget() -> None:
    with pytest.raises(BudgetError, match="4097 bytes of DMEM, 1 bytes more"):
        encode_program(parse_asm(".data\n.space 4096\n.byte 1\n"))


def test_branch_to_data_label_rejected() -> None:
    with pytest.raises(N64cError, match="data label"):
        encode_program(parse_asm("j buf\nnop\n.data\nbuf: .word 0\n"))


def test_immediate_from_label_out_of_range() -> None:
    program = "ori t0, zero, far - 0x2000\n.data\n.space 8\nfar: .word 0\n"
    with pytest.raises(N64cError, match="out of range"):
        encode_program(parse_asm(program))


def test_label_before_align_moves_with_it() -> None:
    """As GNU as (checked with mips-linux-gnu-as): a label right before
    `.align` gets the aligned address; a trailing `.align` pads the image."""
    program = ".data\na: .byte 1\nf: .align 2\ng: .byte 7\nh: .byte 1\n.align 1\ni: .half 3\n.align 3\n"
    image = encode_program(parse_asm(program))
    assert image.symbols == {"a": 0, "f": 4, "g": 4, "h": 5, "i": 6}
    assert image.dmem == bytes.fromhex("0100000007010003")
    image = encode_program(parse_asm(".data\n.byte 1\n.align 3\n"))
    assert image.dmem == bytes.fromhex("0100000000000000")
