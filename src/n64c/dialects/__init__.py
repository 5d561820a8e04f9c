"""The dialects of n64c: `n64` (graph, quantised and tile level) and `rsp`."""

from __future__ import annotations

from collections.abc import Callable

from xdsl.ir import Dialect


def get_n64() -> Dialect:
    from n64c.dialects.n64 import N64

    return N64


def get_rsp() -> Dialect:
    from n64c.dialects.rsp import RSP

    return RSP


def get_all_dialects() -> dict[str, Callable[[], Dialect]]:
    return {"n64": get_n64, "rsp": get_rsp}
