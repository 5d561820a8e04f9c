"""`-t rsp-asm`: libdragon-syntax assembly of an `rsp` module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target

from n64c.backend.rsp_asm import print_asm


@dataclass(frozen=True)
class RspAsmTarget(Target):
    """Print the program as a `.S` file that libdragon's toolchain builds
    (`#include <rsp.inc>`, `.set noreorder`, `.data` then `.text`)."""

    name = "rsp-asm"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        output.write(print_asm(module))
