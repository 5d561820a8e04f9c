"""Run RSP programs on a real RSP core: Debian's mupen64plus-rsp-z64 plugin.

The plugin is an interpreter written for emulators, so it runs outside this
process, in a small C runner (``z64run.c``) that is compiled with the host
``gcc`` on first use and cached. One runner serves many programs: each job
(IMEM, DMEM and RDRAM images) goes down a pipe, the runner resets the RSP,
runs from PC 0 until ``break`` and sends back the final DMEM and RDRAM.

    >>> from n64c.sim.z64 import run_z64
    >>> result = run_z64(imem, dmem)          # doctest: +SKIP
    >>> result.dmem[:16]                      # doctest: +SKIP

A program that never reaches ``break`` hangs the plugin: the runner is
killed after ``timeout`` seconds and an :class:`~n64c.errors.N64cError` says
so. The plugin models no timing (DMA completes at once), its RDRAM is 8 MiB.
``docs/testing-against-z64.md`` lists what it is trusted for.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import selectors
import shutil
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from n64c.errors import N64cError

__all__ = [
    "RDRAM_SIZE",
    "Z64Job",
    "Z64Result",
    "Z64UnavailableError",
    "find_plugin",
    "run_z64",
    "run_z64_many",
]

#: RDRAM the plugin sees (the Expansion Pak size).
RDRAM_SIZE = 8 << 20
IMEM_SIZE = 4096
DMEM_SIZE = 4096

PLUGIN_NAME = "mupen64plus-rsp-z64.so"
PLUGIN_PACKAGE = "mupen64plus-rsp-z64"
_PLUGIN_DIRS = (
    "/usr/lib/x86_64-linux-gnu/mupen64plus",
    "/usr/lib/aarch64-linux-gnu/mupen64plus",
    "/usr/lib/i386-linux-gnu/mupen64plus",
    "/usr/lib64/mupen64plus",
    "/usr/lib/mupen64plus",
    "/usr/local/lib/mupen64plus",
)

_MAGIC_START = b"Z64S"
_MAGIC_JOB = b"Z64J"
_MAGIC_REPLY = b"Z64R"
_SOURCES = ("z64run.c", "z64core.c")
_ERROR_LEVEL = 1
# Warnings of the plugin that mean it met something it does not implement.
_FATAL_WARNINGS = ("unimplemented", "unknown")


@dataclass(frozen=True)
class Z64Job:
    """One program run: IMEM and DMEM images (big-endian, at most 4 KiB each)
    and an RDRAM image placed at address 0. ``rdram_size`` is the number of
    RDRAM bytes returned when ``rdram`` is None (otherwise ``len(rdram)``)."""

    imem: bytes
    dmem: bytes = b""
    rdram: bytes | None = None
    rdram_size: int = RDRAM_SIZE


@dataclass(frozen=True)
class Z64Result:
    """Final DMEM (4096 bytes) and RDRAM image of a run; ``messages`` holds
    the plugin's harmless warnings, if any."""

    dmem: bytes
    rdram: bytes
    messages: tuple[str, ...] = field(default=())


class Z64UnavailableError(N64cError):
    """The z64 core cannot be used here (plugin or compiler missing)."""


# --------------------------------------------------------------------------
# Locating the plugin and building the runner


def find_plugin() -> Path:
    """The mupen64plus-rsp-z64 plugin (not its -hlevideo variant).

    ``N64C_Z64_PLUGIN`` overrides the search; otherwise the usual library
    directories and the files of the Debian package are searched.
    """
    override = os.environ.get("N64C_Z64_PLUGIN")
    if override:
        path = Path(override)
        if path.is_file():
            return path
        raise Z64UnavailableError(
            f"N64C_Z64_PLUGIN names {override}, which does not exist"
        )
    for directory in _PLUGIN_DIRS:
        candidate = Path(directory) / PLUGIN_NAME
        if candidate.is_file():
            return candidate
    for line in _dpkg_files(PLUGIN_PACKAGE):
        if line.endswith("/" + PLUGIN_NAME) and Path(line).is_file():
            return Path(line)
    raise Z64UnavailableError(
        f"the RSP core {PLUGIN_NAME} was not found; install the Debian package "
        f"{PLUGIN_PACKAGE} (apt-get install {PLUGIN_PACKAGE}) or set N64C_Z64_PLUGIN"
    )


def _dpkg_files(package: str) -> list[str]:
    dpkg = shutil.which("dpkg")
    if dpkg is None:
        return []
    try:
        listing = subprocess.run(
            [dpkg, "-L", package], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return listing.stdout.splitlines() if listing.returncode == 0 else []


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "n64c"


def _source_dir() -> Path:
    return Path(__file__).resolve().parent


def _build_runner() -> tuple[Path, Path]:
    """Compile the runner and the stub core once per source version.

    The build goes to a private directory that is renamed into place, so
    processes building at the same time never see a half-written file.
    """
    sources = [_source_dir() / name for name in _SOURCES]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    final = _cache_root() / f"z64-{digest.hexdigest()[:16]}"
    runner, core = final / "z64run", final / "libn64c_z64core.so"
    if runner.is_file() and core.is_file():
        return runner, core
    compiler = os.environ.get("CC") or "gcc"
    gcc = shutil.which(compiler)
    if gcc is None:
        raise Z64UnavailableError(
            f"{compiler} was not found; it builds the bridge to the z64 RSP core: "
            "install the Debian package gcc (apt-get install gcc)"
        )
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=final.parent))
    except OSError:
        final = Path(tempfile.mkdtemp(prefix="n64c-z64-"))
        work = final
        runner, core = final / "z64run", final / "libn64c_z64core.so"
    commands = [
        [gcc, "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-o",
         str(work / core.name), str(sources[1])],
        [gcc, "-O2", "-o", str(work / runner.name), str(sources[0]), "-ldl"],
    ]  # fmt: skip
    for command in commands:
        built = subprocess.run(command, capture_output=True, text=True)
        if built.returncode != 0:
            raise Z64UnavailableError(
                "building the z64 bridge failed: "
                + built.stderr.strip().replace("\n", " ")
            )
    if work != final:
        try:
            work.rename(final)
        except OSError:
            # Another process finished first: its build is identical.
            shutil.rmtree(work, ignore_errors=True)
    return runner, core


# --------------------------------------------------------------------------
# The runner process


class _Runner:
    """One long-lived z64run process answering jobs in order."""

    def __init__(self) -> None:
        plugin = find_plugin()
        runner, core = _build_runner()
        self.process = subprocess.Popen(
            [str(runner), str(plugin), str(core)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.buffer = bytearray()
        magic, status, length = struct.unpack("<4sII", self._read(12, 30.0))
        text = self._read(length, 30.0).decode(errors="replace").strip()
        if magic != _MAGIC_START or status != 0:
            self.close()
            raise Z64UnavailableError(
                f"the z64 RSP core {plugin} did not start (code {status}): {text}"
            )

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        self.selector.close()

    def _read(self, size: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while len(self.buffer) < size:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                raise TimeoutError
            chunk = os.read(fd, max(size - len(self.buffer), 1 << 16))
            if not chunk:
                raise self._died()
            self.buffer += chunk
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _died(self) -> N64cError:
        self.process.wait()
        assert self.process.stderr is not None
        err = self.process.stderr.read().decode(errors="replace").strip()
        code = self.process.returncode
        detail = f": {err}" if err else ""
        return N64cError(f"the z64 runner stopped unexpectedly (exit {code}){detail}")

    def run(self, job: Z64Job, timeout: float) -> Z64Result:
        rdram = job.rdram or b""
        out_rdram = len(job.rdram) if job.rdram is not None else job.rdram_size
        header = _MAGIC_JOB + struct.pack(
            "<IIII", len(job.imem), len(job.dmem), len(rdram), out_rdram
        )
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(header + job.imem + job.dmem + rdram)
            self.process.stdin.flush()
        except BrokenPipeError:
            raise self._died() from None
        started = time.monotonic()
        magic, _calls, length = struct.unpack("<4sII", self._read(12, timeout))
        if magic != _MAGIC_REPLY:
            raise N64cError("the z64 runner sent a malformed reply")
        left = max(timeout - (time.monotonic() - started), 1.0)
        text = self._read(length, left).decode(errors="replace")
        dmem = self._read(DMEM_SIZE, left)
        rdram_out = self._read(out_rdram, left)
        fatal: list[str] = []
        harmless: list[str] = []
        for line in text.splitlines():
            level, _, message = line.partition("\t")
            message = message.strip()
            if level == str(_ERROR_LEVEL) or any(
                word in message.lower() for word in _FATAL_WARNINGS
            ):
                fatal.append(message)
            elif message:
                harmless.append(message)
        if fatal:
            raise N64cError("the z64 RSP core reported: " + "; ".join(fatal))
        return Z64Result(dmem, rdram_out, tuple(harmless))


_shared: _Runner | None = None
_shared_lock = threading.Lock()


def _close_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None


atexit.register(_close_shared)


def _check(job: Z64Job) -> Z64Job:
    if len(job.imem) > IMEM_SIZE:
        raise N64cError(f"IMEM image is {len(job.imem)} bytes; IMEM holds {IMEM_SIZE}")
    if len(job.dmem) > DMEM_SIZE:
        raise N64cError(f"DMEM image is {len(job.dmem)} bytes; DMEM holds {DMEM_SIZE}")
    size = len(job.rdram) if job.rdram is not None else job.rdram_size
    if not 0 <= size <= RDRAM_SIZE:
        raise N64cError(
            f"RDRAM image is {size} bytes; the z64 bridge models {RDRAM_SIZE} bytes"
        )
    rdram = None if job.rdram is None else bytes(job.rdram)
    return Z64Job(bytes(job.imem), bytes(job.dmem), rdram, job.rdram_size)


def _job_from_tuple(item: Sequence[bytes]) -> Z64Job:
    if not 1 <= len(item) <= 3:
        raise N64cError("a z64 job is (imem, dmem[, rdram])")
    imem = item[0]
    dmem = item[1] if len(item) > 1 else b""
    rdram = item[2] if len(item) > 2 else None
    return Z64Job(imem, dmem, rdram)


def _run_on_shared(job: Z64Job, timeout: float) -> Z64Result:
    """Run one checked job on the shared runner, restarting it as needed."""
    global _shared
    if _shared is None or _shared.process.poll() is not None:
        _shared = _Runner()
    runner = _shared
    try:
        return runner.run(job, timeout)
    except TimeoutError:
        runner.close()
        _shared = None
        raise N64cError(
            f"the program did not reach `break` on the z64 RSP core within "
            f"{timeout:g} s (an endless loop?); the run was killed"
        ) from None
    except N64cError:
        if runner.process.poll() is not None:
            runner.close()
            _shared = None
        raise


def run_z64(
    imem: bytes,
    dmem: bytes = b"",
    rdram: bytes | None = None,
    *,
    rdram_size: int = RDRAM_SIZE,
    timeout: float = 10.0,
) -> Z64Result:
    """Run one program on mupen64plus-rsp-z64 from PC 0 until ``break``.

    ``imem``/``dmem`` are big-endian images (zero-padded to 4 KiB); ``rdram``
    is placed at RDRAM address 0 (the rest of the 8 MiB is zero). The result
    holds DMEM and the first ``len(rdram)`` (or ``rdram_size``) RDRAM bytes.
    Raises :class:`N64cError` when the core is missing, the program hangs
    for ``timeout`` seconds, or the core meets an instruction it does not
    implement.
    """
    job = _check(Z64Job(imem, dmem, rdram, rdram_size))
    with _shared_lock:
        return _run_on_shared(job, timeout)


def run_z64_many(
    jobs: Iterable[Z64Job | Sequence[bytes]],
    timeout_per_job: float = 10.0,
) -> list[Z64Result | N64cError]:
    """Run many programs through one runner process, in order.

    Each job is a :class:`Z64Job` or a tuple ``(imem, dmem[, rdram])``.
    The list holds, per job, its :class:`Z64Result` or the
    :class:`N64cError` that describes its failure (a hang is killed after
    ``timeout_per_job`` seconds and the runner restarted for the next job).
    A missing plugin or compiler raises at once.
    """
    results: list[Z64Result | N64cError] = []
    with _shared_lock:
        for item in jobs:
            job = item if isinstance(item, Z64Job) else _job_from_tuple(item)
            try:
                results.append(_run_on_shared(_check(job), timeout_per_job))
            except Z64UnavailableError:
                raise
            except N64cError as error:
                results.append(error)
    return results
