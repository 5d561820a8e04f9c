"""`n64c asm PROGRAM.S -o PROGRAM.bin`: assemble libdragon-syntax RSP code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from n64c.errors import N64cError
from n64c.tools.cli_common import user_errors


@user_errors
def asm_command(
    program: Annotated[Path, typer.Argument(help="RSP assembly (.S)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="IMEM image")],
) -> None:
    """Assemble an RSP program into a big-endian IMEM image."""
    raise N64cError("the RSP assembler is not available in this build")
