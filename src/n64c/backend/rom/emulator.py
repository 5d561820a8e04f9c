"""Run an n64c test ROM on mupen64plus and read back what it printed.

`run_rom(rom)` starts Debian's ``mupen64plus`` (the ui-console front end)
headless: dummy video, audio and input, the z64 RSP plugin, line-buffered
output (``stdbuf -oL``). The ROM prints through ISViewer, which the
emulator shows as ``Core: IS64: <text>`` lines. The emulator never exits by
itself: it is ended (by its process id) once the ROM prints its end
marker, an error or an exception, or when the time-out passes.
`parse_outputs` turns the lines into arrays (see `n64c_rom_main.c` for
the format). Every failure is an :class:`~n64c.errors.N64cError` with one
line naming the cause.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from n64c.errors import N64cError

EMULATOR_NAME = "mupen64plus"
EMULATOR_PACKAGE = "mupen64plus-ui-console"
EMULATOR_DIRS = ("/usr/games", "/usr/local/games")
ISVIEWER_TAG = "IS64: "
DEFAULT_TIMEOUT = 300.0
DEFAULT_EMUMODE = 2
"""mupen64plus' CPU core: 0 pure interpreter, 1 cached interpreter, 2
dynamic recompiler (the fastest; all three run the ROM alike)."""


@dataclass
class RomRun:
    """What a ROM printed, and how long the emulator ran."""

    lines: list[str]
    seconds: float
    log: list[str] = field(default_factory=list)


@dataclass
class RomOutputs:
    """The outputs of every sample: int16 (when the model has
    `n64c_model_run_q`) and float32, and the Count cycles per inference."""

    q: list[np.ndarray] | None
    f: list[np.ndarray]
    count_q: np.ndarray
    count_f: np.ndarray


def find_emulator() -> Path:
    """The mupen64plus front end (``N64C_MUPEN64PLUS`` overrides the
    search), or a clear error."""
    override = os.environ.get("N64C_MUPEN64PLUS")
    if override:
        if Path(override).is_file():
            return Path(override)
        raise N64cError(f"N64C_MUPEN64PLUS names {override}, which does not exist")
    found = shutil.which(EMULATOR_NAME)
    if found:
        return Path(found)
    for directory in EMULATOR_DIRS:
        candidate = Path(directory) / EMULATOR_NAME
        if candidate.is_file():
            return candidate
    raise N64cError(
        f"the emulator {EMULATOR_NAME} was not found; install the Debian package "
        f"{EMULATOR_PACKAGE} (scripts/setup.sh does) or set N64C_MUPEN64PLUS"
    )


def emulator_command(rom: Path, config_dir: Path, emumode: int) -> list[str]:
    """The command line of a headless run of `rom`."""
    from n64c.sim.z64 import find_plugin

    command = [
        str(find_emulator()), "--nosaveoptions", "--noosd",
        "--configdir", str(config_dir), "--gfx", "dummy", "--audio", "dummy",
        "--input", "dummy", "--rsp", str(find_plugin()),
        "--emumode", str(emumode), str(rom),
    ]  # fmt: skip
    stdbuf = shutil.which("stdbuf")
    return [stdbuf, "-oL", "-eL", *command] if stdbuf else command


def _finished(text: str) -> bool:
    return text in ("N64C END",) or text.startswith(("N64C ERROR", "N64C EXCEPTION"))


def run_rom(
    rom: Path, timeout: float = DEFAULT_TIMEOUT, emumode: int = DEFAULT_EMUMODE
) -> RomRun:
    """Run `rom` until it prints its end marker; returns its ISViewer lines.

    Raises N64cError when the emulator is missing, exits early, the ROM
    reports an error or an exception (with the PC), or the time-out passes.
    """
    rom = Path(rom)
    if not rom.is_file():
        raise N64cError(f"{rom}: no such ROM")
    with tempfile.TemporaryDirectory(prefix="n64c-mupen-") as config:
        command = emulator_command(rom, Path(config), emumode)
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, text=True, errors="replace",
                env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"},
            )  # fmt: skip
        except OSError as e:
            raise N64cError(f"cannot start {command[0]}: {e.strerror}") from None
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        printed: list[str] = []
        log: list[str] = []
        ended = False
        exited = False
        try:
            while True:
                left = timeout - (time.monotonic() - start)
                if left <= 0:
                    break
                try:
                    line = lines.get(timeout=min(left, 1.0))
                except queue.Empty:
                    continue
                if line is None:
                    exited = True
                    break
                log.append(line)
                at = line.find(ISVIEWER_TAG)
                if at >= 0:
                    text = line[at + len(ISVIEWER_TAG) :].strip()
                    printed.append(text)
                    if _finished(text):
                        ended = True
                        break
        finally:
            seconds = time.monotonic() - start
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            reader.join(timeout=5)
    run = RomRun(printed, seconds, log)
    if ended:
        last = printed[-1]
        if last.startswith("N64C EXCEPTION"):
            raise N64cError(f"the ROM crashed: {describe_exception(last)}")
        if last.startswith("N64C ERROR"):
            raise N64cError(f"the ROM failed: {last[11:]}")
        return run
    if exited:
        reason = next(
            (ln for ln in reversed(log) if "rror" in ln or "xception" in ln), None
        )
        raise N64cError(
            f"{EMULATOR_NAME} exited (status {proc.returncode}) before the ROM "
            f"finished" + (f": {reason.strip()}" if reason else "")
        )
    where = f" after {len(printed)} ISViewer lines" if printed else " (no output)"
    raise N64cError(
        f"the ROM did not finish within {timeout:g} s on {EMULATOR_NAME}{where}; "
        "it hangs or the time-out is too short"
    )


EXCEPTION_NAMES = {
    0: "interrupt", 1: "TLB modification", 2: "TLB miss on load",
    3: "TLB miss on store", 4: "address error on load",
    5: "address error on store", 6: "bus error on fetch", 7: "bus error on data",
    8: "syscall", 9: "breakpoint", 10: "reserved instruction",
    11: "coprocessor unusable", 12: "arithmetic overflow", 13: "trap",
    15: "floating-point exception", 23: "watch",
}  # fmt: skip
"""The VR4300's exception codes (CP0 Cause bits 6:2)."""


def describe_exception(line: str) -> str:
    """`N64C EXCEPTION code=C pc=P badvaddr=B cause=X` in words."""
    fields = dict(part.split("=", 1) for part in line.split()[2:] if "=" in part)
    try:
        code = int(fields["code"])
    except (KeyError, ValueError):
        return line
    name = EXCEPTION_NAMES.get(code, f"exception {code}")
    text = f"{name} at pc={fields.get('pc', '?')}"
    if code in (1, 2, 3, 4, 5):
        text += f" (address {fields.get('badvaddr', '?')})"
    return text + f", CP0 Cause {fields.get('cause', '?')}"


def parse_outputs(
    lines: Sequence[str], output_sizes: Sequence[int], has_q: bool
) -> RomOutputs:
    """The outputs of every sample from the ROM's lines."""
    begin = next((ln for ln in lines if ln.startswith("N64C BEGIN ")), None)
    if begin is None:
        raise N64cError("the ROM printed no N64C BEGIN line")
    count = int(begin.split()[2])
    f = [np.zeros((count, n), dtype=np.uint32) for n in output_sizes]
    q = [np.zeros((count, n), dtype=np.uint16) for n in output_sizes] if has_q else None
    seen_f = [np.zeros((count, n), dtype=bool) for n in output_sizes]
    count_q = np.zeros(count, dtype=np.int64)
    count_f = np.zeros(count, dtype=np.int64)
    for line in lines:
        parts = line.split()
        if len(parts) < 3 or parts[0] != "N64C":
            continue
        if parts[1] == "T":
            s = int(parts[2])
            count_q[s], count_f[s] = int(parts[3]), int(parts[4])
        elif parts[1] in ("F", "Q"):
            s, o, first = int(parts[2]), int(parts[3]), int(parts[4])
            values = [int(v, 16) for v in parts[5:]]
            if parts[1] == "F":
                f[o][s, first : first + len(values)] = values
                seen_f[o][s, first : first + len(values)] = True
            elif q is not None:
                q[o][s, first : first + len(values)] = values
    if not all(seen.all() for seen in seen_f):
        raise N64cError("the ROM's output is incomplete (lines lost?)")
    return RomOutputs(
        q=[a.view(np.int16) for a in q] if q is not None else None,
        f=[a.view(np.float32) for a in f],
        count_q=count_q,
        count_f=count_f,
    )


__all__ = [
    "RomOutputs",
    "RomRun",
    "describe_exception",
    "emulator_command",
    "find_emulator",
    "parse_outputs",
    "run_rom",
]
