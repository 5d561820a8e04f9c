"""Build an n64c test ROM from a compiled output directory.

`build_rom(outdir, inputs, rom_path)` compiles the directory's `model.c`
with the bare-metal runtime beside this module for the VR4300
(``mips-linux-gnu-gcc -march=vr4300 -mabi=32 -EB``, freestanding, ``-O2
-Wall -Wextra -Werror``), links it with `n64c_rom.ld` at 0x80000400,
assembles the boot stub, and lays the image out with the weights and the
inputs (:mod:`n64c.backend.rom.layout`). `read_model_header` reads the
sizes and formats the ROM needs from `model.h`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from n64c.backend.rom.layout import RomLayout, rom_image, sample_records
from n64c.errors import N64cError

HERE = Path(__file__).resolve().parent
HOST_RUNTIME = HERE.parent / "host_runtime"
TOOL_PREFIX = "mips-linux-gnu-"
RUNTIME_SOURCES = ("n64c_rom.c", "n64c_libc.c", "n64c_libm.c")
CFLAGS = (
    "-march=vr4300", "-mabi=32", "-EB", "-mfix4300", "-O2", "-std=c99",
    "-Wall", "-Wextra", "-Werror", "-ffreestanding", "-nostdinc", "-fno-pic",
    "-mno-abicalls", "-G0", "-fno-tree-loop-distribute-patterns",
    "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-fno-math-errno",
)  # fmt: skip
LDFLAGS = (
    "-march=vr4300", "-mabi=32", "-EB", "-nostdlib", "-static", "-no-pie",
    "-Wl,--build-id=none",
)  # fmt: skip


@dataclass(frozen=True)
class ModelHeader:
    """What `model.h` says about a compiled model's interface."""

    input_sizes: list[int]
    output_sizes: list[int]
    input_frac_bits: list[int]
    has_run_q: bool
    weights_size: int


def read_model_header(outdir: Path) -> ModelHeader:
    """Sizes, formats and entry points from `outdir/model.h`."""
    path = Path(outdir) / "model.h"
    if not path.is_file() or not (Path(outdir) / "model.c").is_file():
        raise N64cError(f"{outdir}: no model.c / model.h (run n64c compile first)")
    defines: dict[str, str] = {}
    for match in re.finditer(
        r"^#define (N64C_MODEL_\w+) (\S+)", path.read_text(), re.M
    ):
        defines[match.group(1)] = match.group(2)

    def number(key: str) -> int:
        return int(defines[key].rstrip("u"))

    try:
        n_in = number("N64C_MODEL_NUM_INPUTS")
        n_out = number("N64C_MODEL_NUM_OUTPUTS")
        has_q = number("N64C_MODEL_HAS_RUN_Q") == 1
        return ModelHeader(
            input_sizes=[number(f"N64C_MODEL_INPUT{i}_SIZE") for i in range(n_in)],
            output_sizes=[number(f"N64C_MODEL_OUTPUT{i}_SIZE") for i in range(n_out)],
            input_frac_bits=[
                number(f"N64C_MODEL_INPUT{i}_FRAC_BITS") for i in range(n_in)
            ]
            if has_q
            else [],
            has_run_q=has_q,
            weights_size=number("N64C_MODEL_WEIGHTS_SIZE"),
        )
    except (KeyError, ValueError) as e:
        raise N64cError(f"{path}: not an n64c model header (no {e})") from None


def find_tool(name: str) -> str:
    """The cross tool `mips-linux-gnu-<name>`, or a clear error."""
    tool = shutil.which(TOOL_PREFIX + name)
    if tool is None:
        raise N64cError(
            f"{TOOL_PREFIX}{name} was not found; it builds the ROM "
            "(install gcc-mips-linux-gnu, see scripts/setup.sh)"
        )
    return tool


def _run(command: Sequence[str], what: str) -> None:
    done = subprocess.run(list(command), capture_output=True, text=True)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        first = next((line for line in message if "error" in line), None)
        raise N64cError(f"{what} failed: {first or (message[0] if message else '?')}")


def _include_flags() -> list[str]:
    gcc = find_tool("gcc")
    builtin = subprocess.run(
        [gcc, "-print-file-name=include"], capture_output=True, text=True
    ).stdout.strip()
    return [
        "-isystem",
        builtin,
        f"-I{HERE / 'include'}",
        f"-I{HOST_RUNTIME}",
        f"-I{HERE}",
    ]


def link_program(
    sources: Sequence[Path], build: Path, extra_flags: Sequence[str] = ()
) -> bytes:
    """Compile `sources` (C) with `crt0.S` and the runtime, link them at
    0x80000400; returns the bytes the boot stub loads there."""
    gcc, objcopy = find_tool("gcc"), find_tool("objcopy")
    flags = [*CFLAGS, *_include_flags(), *extra_flags]
    objects = [build / "crt0.o"]
    _run(
        [gcc, *flags, "-c", str(HERE / "crt0.S"), "-o", str(objects[0])],
        "assembling crt0.S",
    )
    for source in [*sources, *(HERE / name for name in RUNTIME_SOURCES)]:
        obj = build / (Path(source).stem + ".o")
        _run(
            [gcc, *flags, "-c", str(source), "-o", str(obj)],
            f"compiling {Path(source).name}",
        )
        objects.append(obj)
    elf = build / "n64c_rom.elf"
    _run(
        [gcc, *LDFLAGS, "-T", str(HERE / "n64c_rom.ld"), "-o", str(elf),
         *map(str, objects), "-lgcc"],
        "linking the ROM program",
    )  # fmt: skip
    image = build / "program.bin"
    _run(
        [objcopy, "-O", "binary", "-j", ".text", "-j", ".rodata", "-j", ".data",
         str(elf), str(image)],
        "extracting the ROM program",
    )  # fmt: skip
    return image.read_bytes()


def build_program(
    outdir: Path, build: Path, sample_stride: int, output_max: int
) -> bytes:
    """The ROM program of the compiled directory `outdir`: its `model.c`
    and `n64c_rom_main.c`."""
    outdir = Path(outdir).resolve()
    return link_program(
        [outdir / "model.c", HERE / "n64c_rom_main.c"],
        build,
        [
            f"-I{outdir}",
            f"-DN64C_ROM_SAMPLE_STRIDE={sample_stride}u",
            f"-DN64C_ROM_OUTPUT_MAX={max(output_max, 1)}u",
        ],
    )


def build_boot(build: Path) -> bytes:
    """The boot stub for the IPL3 area (position independent)."""
    gcc, objcopy = find_tool("gcc"), find_tool("objcopy")
    obj, elf, image = build / "boot.o", build / "boot.elf", build / "boot.bin"
    _run(
        [gcc, *CFLAGS, "-c", str(HERE / "boot.S"), "-o", str(obj)], "assembling boot.S"
    )
    _run(
        [
            gcc,
            *LDFLAGS,
            "-Wl,-Ttext=0xA4000040",
            "-Wl,-e,_boot",
            "-o",
            str(elf),
            str(obj),
        ],
        "linking the boot stub",
    )
    _run(
        [objcopy, "-O", "binary", "-j", ".text", str(elf), str(image)],
        "extracting the boot stub",
    )
    return image.read_bytes()


def quantized_inputs(
    header: ModelHeader, floats: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """The int16 form of float inputs, with the golden model's rounding."""
    from n64c.sim.int_engine import quantize

    return [quantize(x, f) for x, f in zip(floats, header.input_frac_bits, strict=True)]


def build_rom(
    outdir: Path,
    inputs: Sequence[np.ndarray],
    rom_path: Path,
    build_dir: Path | None = None,
) -> RomLayout:
    """Build the test ROM of `outdir` running `inputs` (float32, one array
    per model input, batch first) into `rom_path`."""
    outdir = Path(outdir)
    header = read_model_header(outdir)
    if len(inputs) != len(header.input_sizes):
        raise N64cError(
            f"the model has {len(header.input_sizes)} inputs, {len(inputs)} given"
        )
    batch = int(inputs[0].shape[0])
    floats = [np.asarray(x, dtype=np.float32).reshape(batch, -1) for x in inputs]
    for i, (x, size) in enumerate(zip(floats, header.input_sizes, strict=True)):
        if x.shape[1] != size:
            raise N64cError(
                f"input {i}: {x.shape[1]} values per sample, the model takes {size}"
            )
    ints = quantized_inputs(header, floats) if header.has_run_q else None
    records, stride, float_bytes, q_bytes = sample_records(floats, ints)
    weights_path = outdir / "weights.bin"
    weights = weights_path.read_bytes() if weights_path.is_file() else b""
    if len(weights) != header.weights_size:
        raise N64cError(
            f"{weights_path}: {len(weights)} bytes, model.h expects {header.weights_size}"
        )
    with tempfile.TemporaryDirectory(prefix="n64c-rom-") as tmp:
        build = Path(build_dir) if build_dir is not None else Path(tmp)
        build.mkdir(parents=True, exist_ok=True)
        program = build_program(outdir, build, stride, max(header.output_sizes))
        boot = build_boot(build)
    image, layout = rom_image(
        boot, program, weights, records, batch, stride, float_bytes, q_bytes
    )
    try:
        Path(rom_path).write_bytes(image)
    except OSError as e:
        raise N64cError(f"{rom_path}: cannot write it ({e.strerror})") from None
    return layout


__all__ = [
    "ModelHeader",
    "build_boot",
    "build_program",
    "build_rom",
    "find_tool",
    "link_program",
    "quantized_inputs",
    "read_model_header",
]
