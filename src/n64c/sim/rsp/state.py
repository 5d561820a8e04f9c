"""Machine state of the RSP simulator.

All per-input state carries a leading batch axis of length ``B`` (``B == 1``
for a single run), so one instruction updates every batch element with a few
numpy operations:

* ``vb``: vector registers as big-endian bytes, ``uint8[32, B, 16]``
  (register-major, so one register of the whole batch is a contiguous
  block); byte 0 of a register is the most significant byte of lane 0,
  exactly as it sits in DMEM. ``v`` is a zero-copy ``>i2`` view of it
  (``[32, B, 8]``) and ``v64`` an ``int64`` mirror of the lanes that every
  writer keeps in sync; arithmetic reads ``v64`` and never converts.
* ``acc``: the 48-bit accumulator per lane as a sign-extended ``int64``.
* ``vco_c``, ``vco_ne``, ``vcc_lo``, ``vcc_hi``, ``vce``: flag bits, ``bool[B, 8]``.
* ``dmem``: ``uint8[B, 4096]``; ``rdram``: ``uint8[B, N]`` (big-endian bytes).

Scalar registers are not batched by default: ``gpr[i]`` is a Python ``int``
(unsigned 32-bit) shared by every batch element. A value read from data that
differs across the batch (a scalar load, ``mfc2``, ``cfc2``) becomes an
``int64[B]`` array; any value that is the same for every element is folded
back to an ``int`` right away. Branch conditions and memory/DMA addresses
must be uniform (see :func:`uniform`).
"""

from __future__ import annotations

import numpy as np

from n64c.errors import N64cError

DMEM_SIZE = 4096
IMEM_SIZE = 4096
MASK32 = 0xFFFFFFFF

Scalar = int | np.ndarray


class RspRuntimeError(N64cError):
    """A program did something the simulator cannot execute (an invalid
    opcode, an endless loop, a batch that diverges, DMA outside RDRAM)."""


def fold(value: Scalar) -> Scalar:
    """Fold a per-batch ``int64[B]`` value to an ``int`` when all elements agree."""
    if value.__class__ is int:
        return value
    arr = np.asarray(value, dtype=np.int64)
    first = int(arr[0])
    if arr.shape[0] == 1 or bool((arr == first).all()):
        return first
    return arr


def uniform(value: Scalar, what: str) -> int:
    """The single value of a scalar that must be the same for the whole batch."""
    if value.__class__ is int:
        return value  # type: ignore[return-value]
    folded = fold(value)
    if folded.__class__ is not int:
        raise RspRuntimeError(
            f"{what} differs across the batch; batch mode needs data-independent "
            "control flow and addresses"
        )
    return folded  # type: ignore[return-value]


class RspState:
    """Registers and memories of B RSPs running in lockstep."""

    def __init__(
        self,
        batch: int,
        dmem: np.ndarray,
        rdram: np.ndarray,
        imem: bytes,
        python_lanes: bool = False,
    ) -> None:
        from n64c.sim.rsp.lanes import LaneState

        self.batch = batch
        # Single inputs may run the vector unit on Python ints (lanes.py);
        # DMEM is then a bytearray that the numpy view `dmem` shares.
        self.lanes: LaneState | None = None
        self.dmem_buf: bytearray | None = None
        if python_lanes:
            if batch != 1:
                raise ValueError("the Python-int vector unit runs a single input")
            self.lanes = LaneState()
            self.dmem_buf = bytearray(dmem.tobytes())
            dmem = np.frombuffer(self.dmem_buf, dtype=np.uint8).reshape(1, -1)
        self.vb = np.zeros((32, batch, 16), dtype=np.uint8)
        self.v = self.vb.view(">i2")
        self.v64 = np.zeros((32, batch, 8), dtype=np.int64)
        self.acc = np.zeros((batch, 8), dtype=np.int64)
        self.vco_c = np.zeros((batch, 8), dtype=bool)
        self.vco_ne = np.zeros((batch, 8), dtype=bool)
        self.vcc_lo = np.zeros((batch, 8), dtype=bool)
        self.vcc_hi = np.zeros((batch, 8), dtype=bool)
        self.vce = np.zeros((batch, 8), dtype=bool)
        # Divider state of vrcp/vrsq (per batch element).
        self.divin = np.zeros(batch, dtype=np.int64)
        self.divout = np.zeros(batch, dtype=np.int64)
        self.divdp = False
        self.gpr: list[Scalar] = [0] * 32
        self.dmem = dmem
        self.rdram = rdram
        self.imem = bytearray(imem.ljust(IMEM_SIZE, b"\0")[:IMEM_SIZE])
        self.halted = False
        self.broke = False
        self.semaphore = 0
        self.signals = 0

    def write_v(self, reg: int, lanes: np.ndarray) -> None:
        """Write lanes (any integer array broadcastable to [B, 8]; wrapped to 16 bits)."""
        self.v[reg] = lanes
        self.v64[reg] = self.v[reg]
