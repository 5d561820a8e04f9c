"""Replays every saved fuzz reproducer (`reproducers/*/case.json` and its
`files/`): each one once ended in a traceback, a hang or a damaged error
message, and must now end in a result or one clean `error:` line holding
the fragment its `case.json` names under `expect`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from n64c.testing.fuzz_harness import load_reproducer, run_case

REPRODUCERS = Path(__file__).parent / "reproducers"
CASES = sorted(p.parent.name for p in REPRODUCERS.glob("*/case.json"))


def test_there_are_reproducers() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("name", CASES)
def test_reproducer_ends_cleanly(name: str, tmp_path: Path) -> None:
    directory = REPRODUCERS / name
    case = load_reproducer(directory)
    expect = json.loads((directory / "case.json").read_text())["expect"]
    outcome = run_case(case, tmp_path)
    assert outcome.verdict == expect["verdict"], (outcome.verdict, outcome.detail)
    assert expect["fragment"] in outcome.error_line(), outcome.error_line()
    assert outcome.seconds < expect.get("seconds", 10), outcome.seconds
