"""`n64c sim PROGRAM`: run a raw RSP program from PC 0 to `break`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from n64c.errors import N64cError
from n64c.tools.cli_common import user_errors


@user_errors
def sim_command(
    program: Annotated[Path, typer.Argument(help="RSP program (.S or .bin)")],
    dmem: Annotated[Path | None, typer.Option(help="initial DMEM image")] = None,
    dump_dmem: Annotated[Path | None, typer.Option(help="write final DMEM")] = None,
    engine: Annotated[str, typer.Option(help="sim or z64")] = "sim",
) -> None:
    """Run an RSP program on the simulator or the real RSP core."""
    raise N64cError("the RSP simulator is not available in this build")
