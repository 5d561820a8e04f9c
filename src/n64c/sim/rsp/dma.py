"""COP0 of the RSP simulator: the SP registers and the DMA engine.

Registers (``mfc0``/``mtc0`` rd): c0 SP_MEM_ADDR (bits 11:3 address, bit 12
selects IMEM), c1 SP_DRAM_ADDR (bits 23:3), c2 RD_LEN (RDRAM -> DMEM/IMEM),
c3 WR_LEN (DMEM/IMEM -> RDRAM), c4 SP_STATUS, c5 DMA_FULL, c6 DMA_BUSY,
c7 semaphore. A length word is ``(bytes-1) | (rows-1) << 12 | skip << 20``:
bytes round up to a multiple of 8, addresses are 8-byte aligned, ``skip``
(a multiple of 8) is the RDRAM gap after each row; the DMEM/IMEM side wraps
at 4 KiB and does not skip.

Functionally a transfer happens as *late* as the program can tell: it is
queued when its length register is written, and its bytes move when the
program learns it is over, that is when DMA_BUSY or SP_STATUS is read
(every queued transfer), when DMA_FULL is read (every transfer but the
newest: in-order DMA with one busy and one pending slot), and when the run
ends. A length write while two transfers are queued that the program has
not seen finish (no read of DMA_FULL, DMA_BUSY or SP_STATUS since) is an
error: on the console the new request takes the pending slot's place and
the pending transfer is lost (ares's SP register write replaces
``dma.pending`` whatever its state), so a kernel must poll DMA_FULL
first. DMA_BUSY and DMA_FULL read 0 and SP_STATUS shows neither busy nor
full. A program that touches DMEM a transfer is still filling, or
overwrites a buffer a transfer is still sending, without waiting for it,
works on a core whose DMA is instant (z64) and fails on the console; here
it reads the stale bytes (or sends the new ones) and its results differ.
How long the transfer would have taken, and what waiting on it costs, is
the cycle model's job: each write of a length register and each read of c4/c5/c6 is recorded as
an event for :mod:`n64c.sim.rsp.timing`; a read that starts a polling loop
carries the loop, so the model can replay the iterations a busy DMA costs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from n64c.sim.rsp.state import DMEM_SIZE, MASK32, RspRuntimeError, RspState, uniform
from n64c.sim.rsp.timing import (
    DMA_QUEUE_DEPTH,
    EVENT_DMA_READ,
    EVENT_DMA_WRITE,
    EVENT_WAIT_IDLE,
    EVENT_WAIT_SLOT,
    Event,
    PollLoop,
    poll_loop,
)
from n64c.sim.rsp.timing_only import Taint, TimingOnlyError

RDP_REGISTERS = "RDP command registers (COP0 c8-c15) are not supported by the simulator"


class Cop0:
    """SP registers, DMA transfers and their timing events."""

    def __init__(
        self,
        st: RspState,
        current_index: Callable[[], int],
        events: dict[int, list[Event]],
        imem_written: Callable[[int, int], None],
    ) -> None:
        self.st = st
        self.current_index = current_index
        self.events = events
        self.imem_written = imem_written
        # polling loops by the IMEM address of their mfc0 (None: no loop)
        self.loops: dict[int, PollLoop | None] = {}
        self.taint: Taint | None = None  # set for timing-only runs
        self.mem_addr = 0  # bits 12:3
        self.dram_addr = 0  # bits 23:3
        self.last_length = 0xFF8
        # transfers queued and not yet done, oldest first
        self.queue: list[Callable[[], None]] = []

    def _event(
        self, kind: int, a: int = 0, b: int = 0, loop: PollLoop | None = None
    ) -> None:
        self.events.setdefault(self.current_index(), []).append((kind, a, b, loop))

    def _wait(self, kind: int, pc: int) -> None:
        if pc not in self.loops:
            self.loops[pc] = poll_loop(self.st.imem, pc)
        self._event(kind, loop=self.loops[pc])

    # ------------------------------------------------------------- reads
    def read(self, reg: int, pc: int) -> int:
        """Read register ``reg`` by the ``mfc0`` at IMEM address ``pc``."""
        st = self.st
        if reg & 8:
            raise RspRuntimeError(RDP_REGISTERS)
        if reg == 0:
            return self.mem_addr
        if reg == 1:
            return self.dram_addr
        if reg in (2, 3):
            return self.last_length
        if reg == 4:
            self._wait(EVENT_WAIT_IDLE, pc)
            self.finish(0)
            status = int(st.halted) | int(st.broke) << 1
            return status | st.signals << 7
        if reg == 5:
            self._wait(EVENT_WAIT_SLOT, pc)
            self.finish(1)
            return 0
        if reg == 6:
            self._wait(EVENT_WAIT_IDLE, pc)
            self.finish(0)
            return 0
        # semaphore: reading returns it and sets it
        value = st.semaphore
        st.semaphore = 1
        return value

    # ------------------------------------------------------------ writes
    def write(self, reg: int, value: int) -> bool:
        """Write a register; returns True when the write halts the RSP."""
        st = self.st
        if reg & 8:
            raise RspRuntimeError(RDP_REGISTERS)
        if reg == 0:
            self.mem_addr = value & 0x1FF8
        elif reg == 1:
            self.dram_addr = value & 0xFFFFF8
        elif reg in (2, 3):
            self._transfer(value, to_rsp=reg == 2)
        elif reg == 4:
            halt = False
            if value & 2 and not value & 1:
                st.halted = True
                halt = True
            if value & 4:
                st.broke = False
            for n in range(8):
                clear = value >> (9 + 2 * n) & 1
                setb = value >> (10 + 2 * n) & 1
                if clear and not setb:
                    st.signals &= ~(1 << n)
                if setb and not clear:
                    st.signals |= 1 << n
            return halt
        elif reg == 7:
            st.semaphore = 0
        return False

    def finish(self, keep: int = 0) -> None:
        """Complete the queued transfers, oldest first, but the newest
        ``keep``."""
        while len(self.queue) > keep:
            self.queue.pop(0)()

    def _transfer(self, value: int, to_rsp: bool) -> None:
        st = self.st
        length = (value & 0xFF8) + 8
        rows = ((value >> 12) & 0xFF) + 1
        skip = (value >> 20) & 0xFF8
        imem = bool(self.mem_addr & 0x1000)
        pbus = self.mem_addr & 0xFF8
        dram = self.dram_addr
        rdram = st.rdram
        size = rdram.shape[1]
        if len(self.queue) >= DMA_QUEUE_DEPTH:
            raise RspRuntimeError(
                f"DMA request (a write of {'RD_LEN' if to_rsp else 'WR_LEN'}) while "
                "two transfers the program has not seen finish are queued: the "
                "console holds one busy and one pending transfer and this "
                "request would replace the pending one; read DMA_FULL (c5) "
                "until it is 0 first"
            )
        self._event(EVENT_DMA_READ if to_rsp else EVENT_DMA_WRITE, rows, length)
        stride = length + skip
        last = dram + (rows - 1) * stride
        if (last & 0xFFFFF8) != last or last + length > size:
            raise RspRuntimeError(
                f"DMA of {rows} x {length} bytes at RDRAM 0x{dram:06x} (skip {skip}) "
                f"runs past the end of the {size}-byte RDRAM image"
            )
        total = rows * length
        if rows == 1:
            remote: slice | np.ndarray = slice(dram, dram + length)
        else:
            starts = dram + stride * np.arange(rows)
            remote = (starts[:, None] + np.arange(length)).ravel()
        if pbus + total <= DMEM_SIZE:
            local: slice | np.ndarray = slice(pbus, pbus + total)
        else:
            local = (pbus + np.arange(total)) & 0xFFF
        self.queue.append(lambda: self._move(local, remote, to_rsp, imem, pbus, total))
        self.mem_addr = ((pbus + total) & 0xFFF) | (0x1000 if imem else 0)
        self.dram_addr = last + length
        self.last_length = 0xFF8 | (skip << 20)

    def _move(
        self,
        local: slice | np.ndarray,
        remote: slice | np.ndarray,
        to_rsp: bool,
        imem: bool,
        pbus: int,
        total: int,
    ) -> None:
        """The bytes of one transfer."""
        st = self.st
        rdram = st.rdram
        if self.taint is not None:
            self._carry_taint(local, remote, to_rsp, imem)
        if to_rsp:
            if imem:
                block = rdram[:, remote]
                if block.shape[0] > 1 and not (block == block[0]).all():
                    raise RspRuntimeError(
                        "a DMA into IMEM reads code that differs across the batch"
                    )
                code = np.frombuffer(bytes(st.imem), dtype=np.uint8).copy()
                code[local] = block[0]
                st.imem[:] = code.tobytes()
                self.loops.clear()
                first = pbus
                end = pbus + total
                if end <= DMEM_SIZE:
                    self.imem_written(first, end)
                else:
                    self.imem_written(first, DMEM_SIZE)
                    self.imem_written(0, end - DMEM_SIZE)
            else:
                st.dmem[:, local] = rdram[:, remote]
        elif imem:
            code = np.frombuffer(bytes(st.imem), dtype=np.uint8)
            rdram[:, remote] = code[local]
        else:
            rdram[:, remote] = st.dmem[:, local]

    def _carry_taint(
        self,
        local: slice | np.ndarray,
        remote: slice | np.ndarray,
        to_rsp: bool,
        imem: bool,
    ) -> None:
        """Move the taint of a timing-only run along with the bytes."""
        taint = self.taint
        assert taint is not None
        if not to_rsp:
            taint.rdram[remote] = False if imem else taint.dmem[local]
        elif not imem:
            taint.dmem[local] = taint.rdram[remote]
        elif taint.rdram[remote].any():
            raise TimingOnlyError("a DMA into IMEM reads vector results")


def make_cop0_move(
    st: RspState, cop0: Cop0, word: int, pc: int
) -> Callable[[], object]:
    """mfc0 / mtc0 at IMEM address ``pc``."""
    from n64c.sim.rsp.scalar import HALT

    fmt = (word >> 21) & 31
    rt = (word >> 16) & 31
    rd = (word >> 11) & 31
    g = st.gpr
    if rd & 8:
        raise RspRuntimeError(RDP_REGISTERS)
    if fmt == 0x00:

        def op_mfc0() -> None:
            value = cop0.read(rd & 7, pc) & MASK32
            if rt:
                g[rt] = value

        return op_mfc0
    if fmt == 0x04:

        def op_mtc0() -> object:
            value = uniform(g[rt], f"the value written to COP0 register c{rd}")
            return HALT if cop0.write(rd & 7, value) else None

        return op_mtc0
    raise RspRuntimeError(
        f"unsupported COP0 instruction (format {fmt}, word 0x{word:08x})"
    )
