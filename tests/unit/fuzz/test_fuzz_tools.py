"""The fuzzer's own parts: mutators are deterministic and do mutate, the
harness recognises each kind of defect, and cases are reproducible."""

from __future__ import annotations

import io
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from n64c.testing import mutators as m
from n64c.testing.fuzz_cases import KINDS, make_case
from n64c.testing.fuzz_harness import (
    Case,
    CaseTimeout,
    check_files,
    judge,
    load_reproducer,
    run_case,
    save_reproducer,
    time_limit,
)


def npy_bytes() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.zeros((2, 3), np.float32))
    return buf.getvalue()


@pytest.mark.parametrize(
    "mutate",
    [m.mutate_bytes, m.mutate_text_file, m.mutate_npy, m.mutate_json],
)
def test_mutators_are_deterministic_and_change_the_input(
    mutate: Callable[[random.Random, bytes], m.Mutation],
) -> None:
    data = npy_bytes() if mutate is m.mutate_npy else b'{"a": [1, 2], "b": "x"}\n'
    first = [mutate(random.Random(f"s{i}"), data) for i in range(20)]
    again = [mutate(random.Random(f"s{i}"), data) for i in range(20)]
    assert first == again
    assert sum(out != data for out, _ in first) >= 15
    assert all(what for _, what in first)


def test_stray_punctuation_inserts_one_mark() -> None:
    text = "%1 = n64.relu %0 : tensor<1x4xf32>"
    for i in range(20):
        out, _ = m.stray_punctuation(random.Random(i), text)
        added = Counter(out) - Counter(text)
        assert not Counter(text) - Counter(out)
        assert "".join(sorted(added.elements())) in {
            "".join(sorted(mark)) for mark in m.PUNCTUATION
        }


def test_npy_header_edit_keeps_the_data_in_place() -> None:
    data = npy_bytes()
    for i in range(30):
        out, what = m.mutate_npy(random.Random(i), data)
        if what.startswith("header '") and "length field" not in what:
            assert len(out) == len(data)


def test_cases_are_the_same_for_the_same_seed_and_index() -> None:
    for kind in KINDS:
        a, b = make_case(kind, 5, 7), make_case(kind, 5, 7)
        assert (a.args, a.files, a.mutation) == (b.args, b.files, b.mutation)
        assert (
            a.files != make_case(kind, 6, 7).files
            or a.args != make_case(kind, 6, 7).args
        )


@pytest.mark.parametrize(
    ("code", "out", "err", "crash", "verdict"),
    [
        (0, "done\n", "", "", "ok"),
        (1, "", "error: x.npy: damaged header\n", "", "error"),
        (None, "", "", "", "hang"),
        (
            1,
            "",
            "",
            "Traceback (most recent call last):\nValueError: boom\n",
            "traceback",
        ),
        (
            1,
            "",
            "Traceback (most recent call last):\n  ...\nKeyError: 'a'\n",
            "",
            "traceback",
        ),
        (1, "", "something went wrong\n", "", "bad-error"),
        (1, "", "error: 'NoneType' object has no attribute 'x'\n", "", "bad-error"),
        (2, "", "Usage: n64c run [OPTIONS]\nTry 'n64c run --help'\n", "", "error"),
    ],
)
def test_judge(code: int | None, out: str, err: str, crash: str, verdict: str) -> None:
    assert judge(code, out, err, crash)[0] == verdict


def test_file_checks() -> None:
    before: dict[str, bytes | None] = {"in.npy": b"x", "y.npy": b"old"}
    assert check_files(before, dict(before), ("y.npy",), False) == ("", "")
    assert check_files(before, {"in.npy": b"x"}, ("y.npy",), False)[0] == "file-changed"
    assert (
        check_files(before, {**before, "in.npy": b"z"}, (), True)[0] == "file-changed"
    )
    assert check_files(before, {**before, "y.npy": b"new"}, ("y.npy",), True) == (
        "",
        "",
    )
    assert check_files(before, {**before, "y.npy": b"new"}, ("y.npy",), False)[0] == (
        "file-changed"
    )
    assert check_files(before, {**before, ".y.npy.tmp": b""}, ("y.npy",), False)[0] == (
        "stray-file"
    )
    assert check_files({}, {}, ("out.bin",), True)[0] == "missing-output"
    kept: dict[str, bytes | None] = {"out": None, "out/notes.txt": b"mine"}
    assert check_files(kept, {"out": None}, ("out",), True) == ("", "")
    assert check_files(kept, {"out": None}, ("out",), True, ("out/notes.txt",))[0] == (
        "file-changed"
    )
    assert check_files({}, {}, ("out.dmem.bin?",), True) == ("", "")


def test_time_limit_interrupts_a_loop() -> None:
    start = time.perf_counter()
    with pytest.raises(CaseTimeout), time_limit(0.2):
        while True:
            pass
    assert time.perf_counter() - start < 2


def test_run_case_sees_a_clean_error_and_keeps_the_input(tmp_path: Path) -> None:
    case = Case("asm", "n64c", ("sim", "$D/p.S"), {"p.S": b"    nosuch $v1\n"})
    outcome = run_case(case, tmp_path)
    assert outcome.verdict == "error", outcome.stderr
    assert "p.S:1:" in outcome.error_line()
    assert (tmp_path / "p.S").read_bytes() == b"    nosuch $v1\n"


def test_reproducers_round_trip(tmp_path: Path) -> None:
    case = make_case("dmem", 1, 3)
    outcome = run_case(case, tmp_path / "run")
    saved = load_reproducer(save_reproducer(case, outcome, tmp_path / "saved"))
    assert (saved.tool, saved.args, saved.files) == (case.tool, case.args, case.files)
