"""Bit-exact RSP simulator with a batch mode and a cycle model.

``simulate(imem, dmem, rdram, batch=...)`` runs an IMEM image from PC 0 to
``break`` and returns a :class:`SimResult`. Semantics follow ares (see
``rsp-reference.md``); the cycle model lives in :mod:`n64c.sim.rsp.timing`
and is described in ``docs/rsp-timing.md``.

Batch mode runs B DMEM/RDRAM images in lockstep with numpy along the batch
axis. Scalar registers are shared while their values agree across the batch
and become per-element arrays when data makes them differ; a branch, jump,
memory address or DMA register value that differs across the batch raises
:class:`RspRuntimeError` (an :class:`~n64c.errors.N64cError`) — the batch is
never split.
"""

from n64c.sim.rsp.machine import DEFAULT_MAX_INSTRUCTIONS, SimResult, simulate
from n64c.sim.rsp.state import RspRuntimeError
from n64c.sim.rsp.timing import CycleReport

__all__ = [
    "DEFAULT_MAX_INSTRUCTIONS",
    "CycleReport",
    "RspRuntimeError",
    "SimResult",
    "simulate",
]
