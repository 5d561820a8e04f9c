"""The RSP assembler: parsing libdragon-syntax text, encoding to IMEM/DMEM
images, disassembling and printing, on a program of about 1000 instructions
(`track_` reports instructions per second for parse + encode)."""

from __future__ import annotations

import time

BLOCK = """\
blk{i}:
    lqv $v01, 0, s0
    lqv $v02, 16, s0
    vmudh $v04, $v01, $v02.e{e}
    vmadh $v04, $v03, $v02.h{h}
    vmadn $v05, $v06, $v07.q1
    vsar $v08, COP2_ACC_HI
    vsar $v09, COP2_ACC_MD
    vmov $v10.e{e}, $v08.e{e}
    vxor $v11, $v11, $v11
    ssv $v09.e1, -2, s1
    sqv $v04, 32, s1
    addiu s0, s0, 32
    addiu s1, s1, %lo(buf{i})
    lw t0, 4(s2)
    sll t1, t0, 3
    addu t2, t1, t0
    mtc2 t2, $v12.e{e}
    mfc2 t3, $v12.b{b}
    bne t3, zero, blk{i}
    nop
"""


def program(blocks: int = 50) -> str:
    code = "".join(BLOCK.format(i=i, e=i % 8, h=i % 4, b=i % 16) for i in range(blocks))
    data = "".join(f"buf{i}: .half {i}, {-i}, 3, 4\n" for i in range(blocks))
    return f"#include <rsp.inc>\n    .data\n{data}    .text\n{code}    break\n"


class Assembler:
    number = 1
    repeat = (3, 10, 20.0)
    warmup_time = 0.0

    def setup(self) -> None:
        from n64c.backend.rsp_asm import parse_asm
        from n64c.backend.rsp_encode import encode_program

        self.text = program()
        self.module = parse_asm(self.text)
        self.image = encode_program(self.module)
        self.instructions = len(self.image.imem) // 4

    def time_parse_asm(self) -> None:
        from n64c.backend.rsp_asm import parse_asm

        parse_asm(self.text)

    def time_encode_program(self) -> None:
        from n64c.backend.rsp_encode import encode_program

        encode_program(self.module)

    def time_decode_imem(self) -> None:
        from n64c.backend.rsp_encode import decode_imem

        decode_imem(self.image.imem)

    def time_print_asm(self) -> None:
        from n64c.backend.rsp_asm import print_asm

        print_asm(self.module)

    def track_assemble_instructions_per_second(self) -> float:
        from n64c.backend.rsp_asm import parse_asm
        from n64c.backend.rsp_encode import encode_program

        start = time.perf_counter()
        encode_program(parse_asm(self.text))
        return self.instructions / (time.perf_counter() - start)

    track_assemble_instructions_per_second.unit = "instructions/s"  # type: ignore[attr-defined]
