"""`n64c asm PROGRAM.S -o PROGRAM.bin`: assemble libdragon-syntax RSP code.

The IMEM image goes to `-o`; if the program has a `.data` section, its DMEM
image goes next to it as `PROGRAM.dmem.bin` (a trailing `.bin` of the output
name is replaced by `.dmem.bin`), or to `--dmem FILE`. Both images are
big-endian and exactly as long as their contents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from n64c.errors import InvalidInputError
from n64c.tools.cli_common import (
    assemble_file,
    check_output_file,
    user_errors,
    write_atomically,
)


def dmem_path_for(output: Path) -> Path:
    """`prog.bin` -> `prog.dmem.bin`; other names get `.dmem.bin` appended."""
    name = output.name
    stem = name[: -len(".bin")] if name.endswith(".bin") else name
    return output.with_name(f"{stem}.dmem.bin")


@user_errors
def asm_command(
    program: Annotated[Path, typer.Argument(help="RSP assembly (.S)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="IMEM image")],
    dmem: Annotated[
        Path | None,
        typer.Option(
            "--dmem", help="DMEM image (default: OUTPUT with .dmem.bin), if any data"
        ),
    ] = None,
) -> None:
    """Assemble an RSP program into a big-endian IMEM image (and DMEM image)."""
    check_output_file(output, program)
    check_output_file(dmem or dmem_path_for(output), program)
    if dmem is not None and dmem.resolve() == output.resolve():
        raise InvalidInputError(
            f"{dmem}: --dmem and -o name the same file; give the DMEM image its own"
        )
    image = assemble_file(program)
    write_atomically(output, image.imem)
    if image.dmem:
        write_atomically(dmem or dmem_path_for(output), image.dmem)
    typer.echo(
        f"{output}: {len(image.imem)} bytes of IMEM"
        + (
            f", {dmem or dmem_path_for(output)}: {len(image.dmem)} bytes of DMEM"
            if image.dmem
            else ""
        ),
        err=True,
    )
