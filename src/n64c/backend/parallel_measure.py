"""Counting the cycles of a program's RSP runs on two processes.

The runs of a program are independent (each starts from the arena as the
CPU hands it over), so :meth:`RspProgram.measure` can count some of them in
a forked child while the parent counts the others: on a machine with two
or more cores the compile's `count cycles` stage then takes about as long
as its larger half. The child sends its results (or the error it met)
back through a pipe; any failure of the mechanism itself falls back to
counting everything in the parent, so the figures never depend on it.

`N64C_JOBS=1` in the environment keeps counting in one process.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

MIN_PARALLEL_MACS = 2_000_000
"""Programs with fewer MACs than this are counted in one process (forking
costs more than it saves)."""


def split_by_work(weights: Sequence[int]) -> tuple[list[int], list[int]]:
    """Indices split into two groups of about equal total weight (largest
    first, each to the lighter group)."""
    groups: tuple[list[int], list[int]] = ([], [])
    totals = [0, 0]
    for index in sorted(range(len(weights)), key=lambda i: -weights[i]):
        lighter = 0 if totals[0] <= totals[1] else 1
        groups[lighter].append(index)
        totals[lighter] += weights[index]
    return groups


def parallel_enabled(total_work: int, items: int) -> bool:
    """Whether counting `items` runs of `total_work` MACs forks a child."""
    if items < 2 or total_work < MIN_PARALLEL_MACS or not hasattr(os, "fork"):
        return False
    if os.environ.get("N64C_JOBS", "").strip() == "1":
        return False
    return (os.cpu_count() or 1) > 1


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def map_two_processes(work: Callable[[int], T], weights: Sequence[int]) -> list[T]:
    """`[work(i) for i in range(len(weights))]`, with about half of the
    work (by `weights`) done in a forked child. An exception raised by
    `work` in the child is raised again here; if the child cannot report
    (it crashed, or its result does not pickle), the parent does its share
    too."""
    mine, theirs = split_by_work(weights)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: count its share, report, leave at once
        os.close(read_fd)
        status = 0
        try:
            payload: object = ("ok", [(i, work(i)) for i in theirs])
        except BaseException as error:  # reported to the parent, raised there
            payload = ("error", error)
        try:
            data = pickle.dumps(payload)
        except Exception:
            data, status = b"", 1
        try:
            _write_all(write_fd, data)
        finally:
            os._exit(status)
    os.close(write_fd)
    results: dict[int, T] = {}
    try:
        for i in mine:
            results[i] = work(i)
    finally:
        data = _read_all(read_fd)
        os.close(read_fd)
        os.waitpid(pid, 0)
    report: object = None
    if data:
        try:
            report = pickle.loads(data)
        except Exception:
            report = None
    if isinstance(report, tuple) and len(report) == 2:
        kind, value = report
        if kind == "error" and isinstance(value, BaseException):
            raise value
        if kind == "ok" and isinstance(value, list):
            for i, result in value:
                results[i] = result
    for i in theirs:  # whatever the child could not report
        if i not in results:
            results[i] = work(i)
    return [results[i] for i in range(len(weights))]
