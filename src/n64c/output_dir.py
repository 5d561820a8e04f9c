"""Output directories of `n64c compile`: what an earlier output holds, the
refusal to overwrite anything else, and the swap of a new output into
place with the user's own files kept.

An output directory is one whose `report.json` carries the report's marker
key; its report lists the files the compile wrote, and any other entry is
the user's.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from n64c.errors import InvalidInputError
from n64c.report import MARKER_KEY, REPORT_FILE


def is_output_dir(directory: Path) -> bool:
    """True if `directory` holds an earlier n64c output (its report.json)."""
    report = directory / REPORT_FILE
    if not report.is_file():
        return False
    try:
        content = json.loads(report.read_text())
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and MARKER_KEY in content


def _written_files(directory: Path) -> set[str]:
    """The names an earlier compile wrote into `directory` (its report lists them)."""
    try:
        report = json.loads((directory / REPORT_FILE).read_text())
    except (OSError, ValueError):
        return set()
    files = report.get("files", []) if isinstance(report, dict) else []
    if not isinstance(files, list):  # a damaged report lists nothing
        files = []
    return {str(name) for name in files} | {REPORT_FILE}


def user_files(directory: Path) -> list[str]:
    """The entries of an earlier output `directory` that n64c did not write
    (the user's own files): a new compile carries them over."""
    if not is_output_dir(directory):
        return []
    written = _written_files(directory)
    return sorted(p.name for p in directory.iterdir() if p.name not in written)


def check_output_dir(directory: Path) -> None:
    """Refuse to replace a file, or a directory that is neither empty nor an
    earlier n64c output."""
    if directory.exists() and not directory.is_dir():
        raise InvalidInputError(f"{directory}: exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not is_output_dir(directory):
        raise InvalidInputError(
            f"{directory}: a directory with other files in it, not an n64c output; "
            "choose another output directory"
        )


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
    except ValueError:
        return False
    return True


def _replace_files(work: Path, directory: Path) -> None:
    """Move the new files in one by one, then drop the old output's others
    (used when the directory cannot be swapped: it holds the working
    directory)."""
    new = {p.name for p in work.iterdir()}
    old = set()
    if is_output_dir(directory):
        old = _written_files(directory) - {REPORT_FILE}
    for name in sorted(new - {REPORT_FILE}) + [REPORT_FILE]:
        os.replace(work / name, directory / name)
    for name in old - new:
        (directory / name).unlink(missing_ok=True)
    work.rmdir()


def replace_dir(work: Path, directory: Path) -> None:
    """Put the new output `work` in place of `directory`: swapped whole, the
    user's own files carried over (or file by file where the directory holds
    the working directory)."""
    if not directory.exists():
        os.rename(work, directory)
        return
    if _inside(Path.cwd().resolve(), directory):
        _replace_files(work, directory)
        return
    keep = user_files(directory)
    old = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old.", dir=work.parent))
    os.rmdir(old)
    os.rename(directory, old)
    try:
        os.rename(work, directory)
    except BaseException:
        os.rename(old, directory)
        raise
    for name in keep:  # the user's own files stay where they were
        os.rename(old / name, directory / name)
    shutil.rmtree(old, ignore_errors=True)
