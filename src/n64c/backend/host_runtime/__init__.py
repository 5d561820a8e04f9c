"""Build and run a generated `model.c` natively, every RSP run on the z64 core.

The C pieces beside this file: ``n64c_rsp.h`` (the RSP driver interface,
inlined into every `model.h`), ``n64c_host_rsp.c`` (the driver for a host:
it sends each RSP run to the z64 runner process of :mod:`n64c.sim.z64`)
and ``n64c_host_main.c`` (a command-line program that loads `weights.bin`
and runs a batch of samples through ``n64c_model_run`` or
``n64c_model_run_q``).

    >>> outs = run_native("out/", [x], quantized=True)   # doctest: +SKIP

`build_native` compiles with the host ``gcc`` (``-std=c99 -Wall -Wextra
-Werror``) into a given directory, or into a temporary one that is removed
when the Python process exits; `native_build` is the same as a context
manager whose directory goes at the end of the ``with`` block. `run_native`
takes the inputs of each sample (float32, or int16
for `quantized`) with a leading batch axis and returns the outputs likewise.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from n64c.errors import N64cError

HERE = Path(__file__).resolve().parent
DRIVER_SOURCES = ("n64c_host_rsp.c", "n64c_host_main.c")
CFLAGS = ("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror")


@functools.cache
def _process_build_root() -> Path:
    """One temporary directory per process for builds without a build
    directory, removed when the interpreter exits."""
    root = Path(tempfile.mkdtemp(prefix="n64c-native-"))
    atexit.register(shutil.rmtree, root, True)
    return root


def build_native(outdir: Path, build_dir: Path | None = None) -> Path:
    """Compile `outdir/model.c` with the host runtime; returns the program.

    Without `build_dir` the program goes to a temporary directory that is
    removed when the Python process exits (see `native_build` for a shorter
    life)."""
    outdir = Path(outdir)
    if not (outdir / "model.c").is_file() or not (outdir / "model.h").is_file():
        raise N64cError(f"{outdir}: no model.c / model.h (run n64c compile first)")
    compiler = os.environ.get("CC") or "gcc"
    gcc = shutil.which(compiler)
    if gcc is None:
        raise N64cError(f"{compiler} was not found; it builds the native model")
    if build_dir is None:
        root = _process_build_root()
        root.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(dir=root))
    else:
        build = Path(build_dir)
        build.mkdir(parents=True, exist_ok=True)
    exe = build / "n64c_host_run"
    command = [
        gcc,
        *CFLAGS,
        "-D_POSIX_C_SOURCE=200809L",
        f"-I{outdir}",
        "-o",
        str(exe),
        str(outdir / "model.c"),
        *(str(HERE / name) for name in DRIVER_SOURCES),
        "-lm",
    ]
    built = subprocess.run(command, capture_output=True, text=True)
    if built.returncode != 0:
        raise N64cError("building the native model failed: " + built.stderr.strip())
    return exe


@contextmanager
def native_build(outdir: Path) -> Iterator[Path]:
    """`build_native` into a temporary directory that is removed when the
    ``with`` block ends; yields the program."""
    with tempfile.TemporaryDirectory(prefix="n64c-native-") as tmp:
        yield build_native(outdir, Path(tmp))


def _runner_environment() -> dict[str, str]:
    from n64c.sim.z64 import _build_runner, find_plugin

    plugin = find_plugin()
    runner, core = _build_runner()
    env = dict(os.environ)
    env.update(
        N64C_Z64_RUNNER=str(runner),
        N64C_Z64_PLUGIN=str(plugin),
        N64C_Z64_CORE=str(core),
    )
    return env


def run_native(
    outdir: Path,
    inputs: Sequence[np.ndarray],
    quantized: bool = False,
    output_shapes: Sequence[tuple[int, ...]] | None = None,
    exe: Path | None = None,
    timeout: float = 600.0,
) -> tuple[list[np.ndarray], int]:
    """Run a batch through the native build of `outdir` (built if `exe` is
    None). `inputs` holds one array per model input with a leading batch
    axis; returns the outputs (batch first; flat per sample unless
    `output_shapes` is given) and the number of RSP runs made."""
    outdir = Path(outdir)
    if exe is None:
        with native_build(outdir) as built:
            return run_native(outdir, inputs, quantized, output_shapes, built, timeout)
    dtype = np.int16 if quantized else np.float32
    batch = int(inputs[0].shape[0])
    flat = [np.ascontiguousarray(x, dtype=dtype).reshape(batch, -1) for x in inputs]
    sizes_out = _output_sizes(outdir)
    with tempfile.TemporaryDirectory(prefix="n64c-run-") as tmp:
        fin, fout = Path(tmp) / "in.bin", Path(tmp) / "out.bin"
        np.concatenate(flat, axis=1).astype(dtype).tofile(fin)
        done = subprocess.run(
            [str(exe), str(outdir / "weights.bin"), "q" if quantized else "f",
             str(batch), str(fin), str(fout)],
            capture_output=True, text=True, env=_runner_environment(), timeout=timeout,
        )  # fmt: skip
        if done.returncode != 0:
            raise N64cError("the native model failed: " + done.stderr.strip())
        data = np.fromfile(fout, dtype=dtype).reshape(batch, -1)
    runs = int(done.stdout.strip().rsplit(" ", 1)[-1])
    outputs: list[np.ndarray] = []
    start = 0
    for i, size in enumerate(sizes_out):
        part = data[:, start : start + size]
        if output_shapes is not None:
            part = part.reshape(batch, *output_shapes[i])
        outputs.append(part)
        start += size
    return outputs, runs


def _output_sizes(outdir: Path) -> list[int]:
    sizes: dict[int, int] = {}
    for line in (outdir / "model.h").read_text().splitlines():
        parts = line.split()
        if (
            len(parts) == 3
            and parts[0] == "#define"
            and parts[1].startswith("N64C_MODEL_OUTPUT")
        ):
            key = parts[1][len("N64C_MODEL_OUTPUT") :]
            if key.endswith("_SIZE") and key[:-5].isdigit():
                sizes[int(key[:-5])] = int(parts[2].rstrip("u"))
    return [sizes[i] for i in sorted(sizes)]
