"""`-t rsp-bin`: the binary IMEM (or DMEM) image of an `rsp` module.

`n64-opt prog.S -t rsp-bin -o prog.bin` writes the big-endian IMEM image;
`-t "rsp-bin{section=dmem}"` writes the DMEM image (the program's data
sections) instead. For a compiled model (one nested `builtin.module @ucodeN`
per ucode), `rsp-bin{ucode=ucode0}` picks the ucode; a module with a single
program needs no choice. Hosts without binary output (plain `xdsl-opt`) get a hex
dump of the chosen image through `emit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.target import Target

from n64c.backend.rsp_encode import encode_program, select_program
from n64c.errors import N64cError

SECTIONS = ("imem", "dmem")


@dataclass(frozen=True)
class RspBinTarget(Target):
    """IMEM image (default) or DMEM image (`section=dmem`) of the program."""

    name = "rsp-bin"

    section: str = "imem"
    ucode: str = ""

    def __post_init__(self) -> None:
        if self.section not in SECTIONS:
            raise ValueError(f"section must be imem or dmem, not {self.section!r}")

    def emit_binary(self, ctx: Context, module: ModuleOp) -> bytes:
        image = encode_program(select_program(module, self.ucode))
        return image.imem if self.section == "imem" else image.dmem

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        output.write(hex_dump(self.emit_binary(ctx, module)))


def hex_dump(data: bytes) -> str:
    """One line per 16 bytes: `0x000: 24100000 ca012000 ...` (big-endian words)."""
    if len(data) % 4:
        raise N64cError(f"image length {len(data)} is not a multiple of 4")
    lines = []
    for start in range(0, len(data), 16):
        chunk = data[start : start + 16]
        words = " ".join(chunk[i : i + 4].hex() for i in range(0, len(chunk), 4))
        lines.append(f"0x{start:03x}: {words}\n")
    return "".join(lines)
