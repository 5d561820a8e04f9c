"""`n64c rom OUTDIR --input X.npy -o model.z64`: a test ROM for an emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from n64c.tools.cli_common import user_errors


@user_errors
def rom_command(
    outdir: Annotated[Path, typer.Argument(help="compiled directory (n64c compile)")],
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            "-i",
            help=".npy (one model input) or .npz keyed by input name; each "
            "array of the input's shape, or a batch of them on a leading axis",
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="the .z64 ROM")],
) -> None:
    """Build a Nintendo 64 ROM that runs the inputs through the compiled
    model and prints the outputs and CP0 Count cycles through ISViewer.
    The weights go into the cartridge; a model compiled with --weights rom
    streams them from there by PI DMA, layer by layer."""
    from n64c.api import CompiledModel
    from n64c.backend.rom.build import build_rom
    from n64c.backend.rom.engine import batched_inputs
    from n64c.driver import load_arrays
    from n64c.tools.cli_common import check_output_file

    check_output_file(output, input, outdir)
    compiled = CompiledModel.load(outdir)
    names = compiled.input_names
    inputs = load_arrays(input, names, "input")
    arrays, _ = batched_inputs(inputs, names, compiled.input_shapes)
    layout = build_rom(outdir, arrays, output)
    streamed = compiled.program.layout.weights_in == "rom"
    typer.echo(
        f"wrote {output} ({layout.size // 1024} KiB: program {layout.program_size} "
        f"bytes, weights {layout.weights_size} bytes"
        + (" streamed from the cartridge" if streamed else "")
        + f", {layout.sample_count} input(s))"
    )
