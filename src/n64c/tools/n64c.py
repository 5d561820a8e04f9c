"""The `n64c` command: compile, run, report, compare, rom, asm and sim.

Each sub-command lives in its own module (`cli_*.py`); this one only
assembles the typer application.
"""

from __future__ import annotations

from typing import Annotated

import typer

from n64c import __version__
from n64c.tools import cli_asm, cli_compare, cli_compile, cli_rom, cli_run, cli_sim

app = typer.Typer(
    name="n64c",
    help="Compile ONNX neural networks for the Nintendo 64 (RSP + VR4300).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help and usage errors: formatting them with rich would
    # import it (a third of the start-up time of `n64c --help`)
    rich_markup_mode=None,
)


def print_version(value: bool) -> None:
    if value:
        typer.echo(f"n64c {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=print_version, is_eager=True, help="print the version"
        ),
    ] = False,
) -> None:
    """Compile ONNX neural networks for the Nintendo 64 (RSP + VR4300)."""


app.command("compile")(cli_compile.compile_command)
app.command("report")(cli_compile.report_command)
app.command("run")(cli_run.run_command)
app.command("compare")(cli_compare.compare_command)
app.command("rom")(cli_rom.rom_command)
app.command("asm")(cli_asm.asm_command)
app.command("sim")(cli_sim.sim_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
