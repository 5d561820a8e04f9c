"""`n64c sim PROGRAM`: run a raw RSP program from PC 0 to `break`.

PROGRAM is libdragon-syntax assembly (`.S`, assembled first; its `.data`
section is the initial DMEM) or a big-endian IMEM image (`.bin`). `--dmem`
gives the initial DMEM image instead. The simulator engine prints the cycle
count of the cycle model and the number of executed instructions and stops
after `--max-instructions`; the `z64` engine runs the program on the
mupen64plus-rsp-z64 core (no cycle count, no instruction count) and stops
after `--timeout` seconds of wall-clock time.
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

ENGINES = ("sim", "z64")


def load_program(program: Path) -> tuple[bytes, bytes]:
    """(IMEM image, DMEM image from the program's data) of a `.S` or `.bin` file."""
    suffix = program.suffix.lower()
    if suffix == ".s":
        image = assemble_file(program)
        return bytes(image.imem), bytes(image.dmem)
    if suffix == ".bin":
        imem = program.read_bytes()
        if not imem:
            raise InvalidInputError(f"{program}: empty IMEM image")
        if len(imem) > 4096:
            raise InvalidInputError(
                f"{program}: {len(imem)} bytes; IMEM holds at most 4096"
            )
        if len(imem) % 4:
            raise InvalidInputError(
                f"{program}: {len(imem)} bytes, not a whole number of 4-byte "
                "instructions; is it an IMEM image?"
            )
        return imem, b""
    raise InvalidInputError(f"{program}: expected an RSP program ending in .S or .bin")


@user_errors
def sim_command(
    program: Annotated[Path, typer.Argument(help="RSP program (.S or .bin)")],
    dmem: Annotated[Path | None, typer.Option(help="initial DMEM image")] = None,
    dump_dmem: Annotated[Path | None, typer.Option(help="write final DMEM")] = None,
    engine: Annotated[str, typer.Option(help="sim or z64")] = "sim",
    max_instructions: Annotated[
        int,
        typer.Option(
            help="sim engine: stop with an error after this many instructions"
        ),
    ] = 20_000_000,
    timeout: Annotated[
        float,
        typer.Option(
            help="z64 engine: stop with an error after this many seconds "
            "(the core counts no instructions)"
        ),
    ] = 10.0,
) -> None:
    """Run an RSP program on the simulator or the real RSP core."""
    if engine not in ENGINES:
        raise InvalidInputError(
            f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}"
        )
    if not timeout > 0 or timeout == float("inf"):
        raise InvalidInputError(
            f"--timeout {timeout}: expected a positive number of seconds"
        )
    if dump_dmem is not None:
        check_output_file(dump_dmem, program, *([dmem] if dmem else []))
    imem, data = load_program(program)
    if dmem is not None:
        data = dmem.read_bytes()
        if len(data) > 4096:
            raise InvalidInputError(
                f"{dmem}: {len(data)} bytes; DMEM holds at most 4096"
            )
    if engine == "sim":
        from n64c.sim.rsp import simulate

        result = simulate(imem, data, max_instructions=max_instructions)
        final = result.dmem.tobytes()
        typer.echo(f"cycles: {result.cycles}")
        typer.echo(f"instructions: {result.instructions}")
    else:
        from n64c.sim.z64 import run_z64

        final = bytes(run_z64(imem, data, timeout=timeout).dmem)
        typer.echo("z64: halted at break")
    if dump_dmem is not None:
        write_atomically(dump_dmem, final)
