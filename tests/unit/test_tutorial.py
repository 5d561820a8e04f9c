"""The tutorial (`docs/tutorial/`) runs as written: each chapter's `sh`
blocks, then its `python` blocks, from the repository root."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "docs" / "tutorial").glob("[0-9][0-9]-*.md"))
BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(chapter: Path) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(chapter.read_text())]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs_as_written(chapter: Path) -> None:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    for kind, code in blocks(chapter):  # in the chapter's order
        if kind == "sh":
            done = subprocess.run(
                ["bash", "-e", "-c", code],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
        else:
            done = subprocess.run(
                [sys.executable, "-c", code],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
        assert done.returncode == 0, f"{chapter.name}: {code}\n{done.stderr}"


def test_there_is_a_chapter() -> None:
    assert CHAPTERS
