"""The tutorial (`docs/tutorial/`) runs as written: each chapter's `sh`
and `python` blocks in the chapter's order, from the repository root.

A block whose fence names a file (```` ```python file=examples/x.py ````)
is an excerpt: it must appear verbatim in that file, so the chapter cannot
drift from the code it explains. Other fences (`text`, `mlir`, ...) show
output or IR and are not run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "docs" / "tutorial").glob("[0-9][0-9]-*.md"))
BLOCK = re.compile(
    r"^```(?P<kind>[\w-]+)(?: file=(?P<file>\S+))?\n(?P<code>.*?)^```",
    re.MULTILINE | re.DOTALL,
)
RUN_KINDS = ("sh", "python")


def blocks(chapter: Path) -> list[tuple[str, str | None, str]]:
    """(kind, excerpted file or None, code) of each fenced block."""
    return [
        (m.group("kind"), m.group("file"), m.group("code"))
        for m in BLOCK.finditer(chapter.read_text())
    ]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs_as_written(chapter: Path) -> None:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    for kind, file, code in blocks(chapter):  # in the chapter's order
        if file is not None:
            source = (ROOT / file).read_text()
            assert code in source, (
                f"{chapter.name}: excerpt not found in {file}:\n{code}"
            )
            continue
        if kind not in RUN_KINDS:
            continue
        command = (
            ["bash", "-e", "-o", "pipefail", "-c", code]
            if kind == "sh"
            else [sys.executable, "-c", code]
        )
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (
            f"{chapter.name}: {code}\n{done.stdout}\n{done.stderr}"
        )


def test_every_chapter_is_in_the_index() -> None:
    index = (ROOT / "docs" / "tutorial" / "README.md").read_text()
    for chapter in CHAPTERS:
        assert f"]({chapter.name})" in index, chapter.name


def test_excerpt_fences_are_recognised() -> None:
    text = "```python file=a.py\nx = 1\n```\n```sh\necho\n```\n```text\nout\n```\n"
    found = [
        (m.group("kind"), m.group("file"), m.group("code"))
        for m in BLOCK.finditer(text)
    ]
    assert found == [
        ("python", "a.py", "x = 1\n"),
        ("sh", None, "echo\n"),
        ("text", None, "out\n"),
    ]


def test_there_is_a_chapter() -> None:
    assert len(CHAPTERS) >= 6
