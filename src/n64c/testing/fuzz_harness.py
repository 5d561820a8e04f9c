"""Run one fuzz case and judge the outcome.

A case is a set of files written into a fresh directory and one command
line of `n64c` or `n64-opt` (`$D` in an argument stands for that
directory). The command runs in this process (its `main` with stdout and
stderr captured, `SystemExit` caught) under a wall-clock limit, or in a
subprocess (`in_process=False`, the console script itself). The outcome is
acceptable when it is

* a success (exit 0) that wrote every declared output, or
* a failure with a non-zero exit whose stderr starts with one
  `error: ...` line naming the problem,

and in both cases no traceback was printed, nothing hung, and every file
the case started with is byte-identical afterwards (declared outputs may
change only on success), with no stray files left behind on failure.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

DIR = "$D"
"""Placeholder for the case directory in command arguments."""

TOOLS = ("n64c", "n64-opt")

INTERNAL_ERROR_WORDS = re.compile(
    r"Traceback|AssertionError|NoneType|object has no attribute|"
    r"object is not subscriptable|unhashable type|not supported between instances|"
    r"list index out of range|tuple index out of range|takes \d+ positional argument"
)
"""Phrases that show an internal failure leaking into an error message."""

GOOD = ("ok", "error")
"""The acceptable verdicts; every other verdict is a defect."""


@dataclass(frozen=True)
class Case:
    """One fuzz input: files to write, a command to run on them."""

    kind: str
    tool: str
    args: tuple[str, ...]
    files: dict[str, bytes]
    """Path relative to the case directory -> contents (parents created)."""
    outputs: tuple[str, ...] = ()
    """Relative paths the command may write (or replace) when it succeeds."""
    mutation: str = ""
    keep: tuple[str, ...] = ()
    """User files inside an output (a directory) that must survive even a
    successful run byte for byte (a compile carries them over)."""
    seed: int = 0
    index: int = 0
    timeout: float = 20.0

    def argv(self, directory: Path) -> list[str]:
        return [a.replace(DIR, str(directory)) for a in self.args]

    def command_line(self) -> str:
        """The shell command (run in the case directory)."""
        import shlex

        return " ".join(
            [self.tool, *(shlex.quote(a.replace(f"{DIR}/", "")) for a in self.args)]
        )


@dataclass
class Outcome:
    """What a case did and the verdict on it."""

    verdict: str
    """`ok`, `error`, or a defect: `traceback`, `hang`, `bad-error`,
    `file-changed`, `stray-file`, `missing-output`."""
    exit_code: int | None
    stdout: str
    stderr: str
    detail: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def defect(self) -> bool:
        return self.verdict not in GOOD

    def error_line(self) -> str:
        lines = self.stderr.strip().splitlines()
        return lines[0] if lines else ""


class CaseTimeout(BaseException):
    """Raised by the alarm inside a case that ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `CaseTimeout` in this (main) thread after `seconds`."""

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise CaseTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Capture(io.TextIOWrapper):
    """A text stream with a binary `buffer`, like `sys.stdout`."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="replace")

    def text(self) -> str:
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode("utf-8", errors="replace")


def _entry(tool: str) -> Callable[[list[str]], object]:
    if tool == "n64c":
        from n64c.tools.n64c import app

        return lambda argv: app(argv, prog_name="n64c")
    if tool == "n64-opt":
        from n64c.tools.n64_opt import main

        return main
    raise ValueError(f"unknown tool {tool!r}")


def run_in_process(
    tool: str, argv: list[str], timeout: float
) -> tuple[int | None, str, str, str]:
    """(exit code or None on a hang, stdout, stderr, traceback text)."""
    entry = _entry(tool)
    out, err = _Capture(), _Capture()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, io.TextIOWrapper(io.BytesIO())
    code: int | None = 0
    crash = ""
    try:
        with time_limit(timeout):
            entry(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except CaseTimeout:
        code = None
    except BaseException:
        crash = traceback.format_exc()
        code = 1
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    return code, out.text(), err.text(), crash


def run_subprocess(
    tool: str, argv: list[str], timeout: float, cwd: Path
) -> tuple[int | None, str, str, str]:
    """The console script in a subprocess (the real entry point)."""
    exe = Path(sys.executable).with_name(tool)
    try:
        proc = subprocess.run(
            [str(exe), *argv],
            capture_output=True,
            timeout=timeout,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return None, out, (e.stderr or b"").decode(errors="replace"), ""
    return (
        proc.returncode,
        proc.stdout.decode(errors="replace"),
        proc.stderr.decode(errors="replace"),
        "",
    )


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every entry below `directory`: file contents, or None for a directory."""
    state: dict[str, bytes | None] = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs:
            state[os.path.relpath(os.path.join(root, name), directory)] = None
        for name in files:
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                state[os.path.relpath(path, directory)] = Path(path).read_bytes()
    return state


def write_files(directory: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _under(rel: str, outputs: tuple[str, ...]) -> bool:
    names = [o.rstrip("?") for o in outputs]
    return any(rel == o or rel.startswith(o.rstrip("/") + "/") for o in names)


def check_files(
    before: dict[str, bytes | None],
    after: dict[str, bytes | None],
    outputs: tuple[str, ...],
    succeeded: bool,
    keep: tuple[str, ...] = (),
) -> tuple[str, str]:
    """(verdict, detail) of the file checks, ('', '') when all is well: the
    files the case started with are untouched (outputs may change on
    success, except the files in `keep`), a success wrote its outputs (a name ending in `?` is
    optional), a failure left no new files."""
    for rel, data in before.items():
        if succeeded and _under(rel, outputs) and rel not in keep:
            continue
        if rel not in after:
            return "file-changed", f"{rel} was deleted"
        if after[rel] != data:
            return "file-changed", f"{rel} was changed"
    new = sorted(rel for rel in after if rel not in before)
    if not succeeded:
        return ("stray-file", f"failed run left {', '.join(new)}") if new else ("", "")
    stray = [rel for rel in new if not _under(rel, outputs)]
    if stray:
        return "stray-file", f"left {', '.join(stray)}"
    missing = [o for o in outputs if not o.endswith("?") and o not in after]
    if missing:
        return "missing-output", f"{', '.join(missing)} not written"
    return "", ""


def judge(code: int | None, stdout: str, stderr: str, crash: str) -> tuple[str, str]:
    """(verdict, detail) from the exit status and the printed text."""
    if code is None:
        return "hang", "ran past its time limit"
    if crash:
        last = crash.strip().splitlines()[-1]
        return "traceback", last
    if "Traceback (most recent call last)" in stdout + stderr:
        lines = (stdout + stderr).strip().splitlines()
        return "traceback", lines[-1] if lines else ""
    if code == 0:
        return "ok", ""
    first = (stderr.strip().splitlines() or [""])[0]
    if not first.startswith("error: "):
        usage = "Usage:" in stderr or "usage:" in stderr
        if code == 2 and usage:  # typer/argparse usage errors
            return "error", first
        return "bad-error", f"exit {code}, stderr starts {first[:200]!r}"
    if INTERNAL_ERROR_WORDS.search(first):
        return "bad-error", first
    return "error", first


def run_case(case: Case, directory: Path, *, in_process: bool = True) -> Outcome:
    """Write the case's files into `directory` (empty), run it, judge it."""
    import time

    write_files(directory, case.files)
    before = snapshot(directory)
    argv = case.argv(directory)
    start = time.perf_counter()
    if in_process:
        code, out, err, crash = run_in_process(case.tool, argv, case.timeout)
    else:
        code, out, err, crash = run_subprocess(case.tool, argv, case.timeout, directory)
    seconds = time.perf_counter() - start
    verdict, detail = judge(code, out, err, crash)
    if verdict in GOOD:
        file_verdict, file_detail = check_files(
            before, snapshot(directory), case.outputs, code == 0, case.keep
        )
        if file_verdict:
            verdict, detail = file_verdict, file_detail
    return Outcome(verdict, code, out, err, crash or detail, seconds)


def save_reproducer(case: Case, outcome: Outcome, directory: Path) -> Path:
    """Write the case as a reproducer directory: its files under `files/`
    and `case.json` (tool, arguments, outputs, what was mutated, verdict)."""
    directory.mkdir(parents=True, exist_ok=True)
    write_files(directory / "files", case.files)
    meta = {
        "kind": case.kind,
        "tool": case.tool,
        "args": list(case.args),
        "outputs": list(case.outputs),
        "keep": list(case.keep),
        "mutation": case.mutation,
        "seed": case.seed,
        "index": case.index,
        "verdict": outcome.verdict,
        "detail": outcome.detail.strip().splitlines()[-1:] if outcome.detail else [],
        "command": case.command_line(),
    }
    (directory / "case.json").write_text(json.dumps(meta, indent=2) + "\n")
    return directory


def load_reproducer(directory: Path) -> Case:
    """The case saved by `save_reproducer` in `directory`."""
    meta = json.loads((directory / "case.json").read_text())
    root = directory / "files"
    files = {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    return Case(
        kind=meta["kind"],
        tool=meta["tool"],
        args=tuple(meta["args"]),
        files=files,
        outputs=tuple(meta["outputs"]),
        keep=tuple(meta.get("keep", ())),
        mutation=meta.get("mutation", ""),
        seed=meta.get("seed", 0),
        index=meta.get("index", 0),
    )
