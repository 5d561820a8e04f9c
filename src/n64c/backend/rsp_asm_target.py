"""`-t rsp-asm`: libdragon-syntax assembly of an `rsp` module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target

from n64c.backend.rsp_asm import print_asm
from n64c.backend.rsp_encode import find_programs, select_program


@dataclass(frozen=True)
class RspAsmTarget(Target):
    """Print the program as a `.S` file that libdragon's toolchain builds
    (`#include <rsp.inc>`, `.set noreorder`, `.data` then `.text`).

    A compiled model holds one nested `builtin.module @ucodeN` per ucode:
    `rsp-asm{ucode=ucode0}` prints one; without the option every ucode is
    printed, each after a `# ucode NAME` banner (one file per ucode is what
    a libdragon project builds).
    """

    name = "rsp-asm"

    ucode: str = ""

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        if self.ucode:
            output.write(print_asm(select_program(module, self.ucode)))
            return
        programs = find_programs(module)
        texts = [
            (f"# ucode {name}\n" if name else "") + print_asm(program)
            for name, program in programs.items()
        ]
        output.write("\n".join(texts))
