"""`-t c`: the MIPS C of a compiled module, `model.h` then `model.c`.

The input is a module after `n64-compile` (or the passes through
`rsp-allocate-registers`). Both files go to one output, each introduced by
a `/* ===== n64c: FILE ===== */` line; `n64c compile` writes them as two
files together with the ucode images and `weights.bin`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target

from n64c.backend.c_emit import emit_c
from n64c.backend.rsp_program import build_rsp_program


def file_banner(name: str) -> str:
    return f"/* ===== n64c: {name} ===== */\n"


@dataclass(frozen=True)
class CTarget(Target):
    """`model.h` and `model.c` (portable C99 plus a libdragon RSP driver)."""

    name = "c"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        sources = emit_c(build_rsp_program(module))
        output.write(file_banner("model.h"))
        output.write(sources.header)
        output.write(file_banner("model.c"))
        output.write(sources.source)
