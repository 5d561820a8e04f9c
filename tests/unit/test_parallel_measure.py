"""Counting a program's RSP runs on two processes gives the serial counts."""

from __future__ import annotations

import os

import pytest

from n64c.backend import parallel_measure as pm
from n64c.errors import N64cError


def test_split_by_work_balances() -> None:
    mine, theirs = pm.split_by_work([10, 1, 7, 3, 3])
    assert sorted(mine + theirs) == [0, 1, 2, 3, 4]
    weights = [10, 1, 7, 3, 3]
    a = sum(weights[i] for i in mine)
    b = sum(weights[i] for i in theirs)
    assert abs(a - b) <= 2


def test_map_two_processes_equals_serial() -> None:
    pids: set[int] = set()

    def work(i: int) -> tuple[int, int]:
        pids.add(os.getpid())
        return i * i, os.getpid()

    results = pm.map_two_processes(work, [5, 4, 3, 2, 1])
    assert [r[0] for r in results] == [0, 1, 4, 9, 16]
    assert len({r[1] for r in results}) == 2  # a share came from the child


def test_error_in_the_child_is_raised_here() -> None:
    parent = os.getpid()

    def work(i: int) -> int:
        if os.getpid() != parent:
            raise N64cError(f"run {i} did not reach break")
        return i

    with pytest.raises(N64cError, match="did not reach break"):
        pm.map_two_processes(work, [1, 1, 1, 1])


def test_unpicklable_result_is_counted_by_the_parent() -> None:
    def work(i: int) -> object:
        return (lambda: i) if os.getpid() != parent else i

    parent = os.getpid()
    results = pm.map_two_processes(work, [1, 1, 1, 1])
    assert results == [0, 1, 2, 3]


def test_resnet8_counts_match_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ResNet-8 shape (12.5 M MACs, five RSP runs) counted on two
    processes and in one: the same cycles for every run and layer."""
    import n64c
    from n64c.testing import mlperf_tiny as mt

    compiled = n64c.compile(
        mt.build_network("resnet8"), calibration=mt.sample_inputs("resnet8", 4, 1)
    )
    program = compiled.program
    assert pm.parallel_enabled(program.macs, len(program.invocations))
    parallel = [(i.cycles, i.layer_cycles) for i in program.invocations]
    monkeypatch.setenv("N64C_JOBS", "1")
    program.measure()
    serial = [(i.cycles, i.layer_cycles) for i in program.invocations]
    assert parallel == serial and all(c for c, _ in serial)
