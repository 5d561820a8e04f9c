"""Pre-decoding of IMEM words into executable closures.

Each 32-bit word is decoded once (and again only when a DMA rewrites IMEM)
into a closure bound to the machine state; the run loop then only calls
closures. A word the simulator cannot execute decodes to a closure that
raises :class:`RspRuntimeError` when (and only if) it is executed, since IMEM
beyond the program usually holds zeros or data.
"""

from __future__ import annotations

from collections.abc import Callable

from n64c.sim.rsp.dma import Cop0, make_cop0_move
from n64c.sim.rsp.lanes import (
    make_lane_load,
    make_lane_move,
    make_lane_store,
    make_lane_vector_op,
)
from n64c.sim.rsp.loadstore import make_cop2_move, make_vector_load, make_vector_store
from n64c.sim.rsp.scalar import make_branch, make_immediate, make_memory, make_special
from n64c.sim.rsp.state import RspRuntimeError, RspState
from n64c.sim.rsp.timing_only import Taint, timing_only_op
from n64c.sim.rsp.vector import make_vector_op

Op = Callable[[], object]


def _decode(st: RspState, cop0: Cop0, word: int, pc: int) -> Op:
    opcode = word >> 26
    if opcode == 0x00:
        return make_special(st, word, pc)
    if opcode in (0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07):
        return make_branch(st, word, pc)
    if 0x08 <= opcode <= 0x0F:
        return make_immediate(st, word)
    if opcode == 0x10:
        return make_cop0_move(st, cop0, word, pc)
    lanes = st.lanes is not None
    if opcode == 0x12:
        if word & (1 << 25):
            return make_lane_vector_op(st, word) if lanes else make_vector_op(st, word)
        return make_lane_move(st, word) if lanes else make_cop2_move(st, word)
    if opcode in (0x20, 0x21, 0x23, 0x24, 0x25, 0x27, 0x28, 0x29, 0x2B):
        return make_memory(st, word)
    if opcode == 0x32:
        return make_lane_load(st, word) if lanes else make_vector_load(st, word)
    if opcode == 0x3A:
        return make_lane_store(st, word) if lanes else make_vector_store(st, word)
    raise RspRuntimeError(
        f"unsupported instruction (opcode 0x{opcode:02x}, word 0x{word:08x})"
    )


def decode_word(
    st: RspState, cop0: Cop0, word: int, pc: int, taint: Taint | None = None
) -> Op:
    """The closure executing ``word`` at address ``pc``; with ``taint``, the
    closure of a timing-only run (see :mod:`n64c.sim.rsp.timing_only`)."""
    try:
        op = _decode(st, cop0, word, pc)
        return op if taint is None else timing_only_op(st, word, op, taint)
    except RspRuntimeError as e:
        message = f"at IMEM 0x{pc:03x}: {e.message}"

        def invalid() -> object:
            raise RspRuntimeError(message)

        return invalid
