"""COP0 registers and DMA of the RSP simulator."""

from __future__ import annotations

import numpy as np
import pytest
from rsp_words import (
    BREAK,
    NOP,
    REG,
    addiu,
    bne,
    j,
    li,
    lw,
    mfc0,
    mtc0,
    program,
    sw,
    vector_engine,  # noqa: F401 (autouse: both engines)
)

from n64c.errors import N64cError
from n64c.sim.rsp import simulate

RDRAM = bytes((a * 7 + 3) & 0xFF for a in range(1 << 16))


def dma(mem: int, dram: int, length_word: int, read: bool = True) -> list[int]:
    return [*li("t0", mem), mtc0("t0", 0), *li("t0", dram), mtc0("t0", 1),
            *li("t0", length_word), mtc0("t0", 2 if read else 3)]  # fmt: skip


def length(nbytes: int, rows: int = 1, skip: int = 0) -> int:
    return (nbytes - 1) | (rows - 1) << 12 | skip << 20


def test_read_one_row() -> None:
    res = simulate(program(dma(0x100, 0x1000, length(16)), BREAK), rdram=RDRAM)
    assert res.dmem[0x100:0x110].tobytes() == RDRAM[0x1000:0x1010]
    assert res.dmem[0x110] == 0


def test_lengths_round_up_to_8_and_addresses_align_down() -> None:
    res = simulate(program(dma(0x105, 0x1003, length(5)), BREAK), rdram=RDRAM)
    assert res.dmem[0x100:0x108].tobytes() == RDRAM[0x1000:0x1008]
    assert not res.dmem[0x108:0x110].any()


def test_two_dimensional_read_gathers_rows() -> None:
    res = simulate(
        program(dma(0x200, 0x1000, length(8, rows=3, skip=24)), BREAK), rdram=RDRAM
    )
    want = RDRAM[0x1000:0x1008] + RDRAM[0x1020:0x1028] + RDRAM[0x1040:0x1048]
    assert res.dmem[0x200:0x218].tobytes() == want
    assert not res.dmem[0x218:0x220].any()


def test_two_dimensional_write_scatters_rows() -> None:
    dmem = bytes(range(256)) * 16
    res = simulate(program(dma(0x040, 0x2000, length(16, rows=2, skip=16), read=False), BREAK),
                   dmem, rdram=bytes(0x4000))  # fmt: skip
    rd = res.rdram
    assert rd[0x2000:0x2010].tobytes() == dmem[0x40:0x50]
    assert not rd[0x2010:0x2020].any()
    assert rd[0x2020:0x2030].tobytes() == dmem[0x50:0x60]
    assert not rd[0x2030:].any() and not rd[:0x2000].any()


def test_dmem_side_wraps_at_4k() -> None:
    res = simulate(program(dma(0xFF8, 0x1000, length(16)), BREAK), rdram=RDRAM)
    assert res.dmem[0xFF8:0x1000].tobytes() == RDRAM[0x1000:0x1008]
    assert res.dmem[0:8].tobytes() == RDRAM[0x1008:0x1010]


def test_dma_into_imem_loads_code() -> None:
    code = program(addiu("t5", "zero", 0x55), BREAK)
    rdram = bytearray(0x1000)
    rdram[0x800 : 0x800 + len(code)] = code
    prog = program(dma(0x1800, 0x800, length(8)), poll(6), j(0x800), NOP)
    res = simulate(prog, rdram=bytes(rdram))
    assert int(res.gpr[REG["t5"]]) == 0x55
    assert res.pc == 0x804


def test_write_from_imem() -> None:
    prog = program(dma(0x1000, 0x100, length(8), read=False), BREAK)
    res = simulate(prog, rdram=bytes(0x200))
    assert res.rdram[0x100:0x108].tobytes() == prog[:8]


def test_registers_read_back_and_status_is_idle() -> None:
    prog = program(
        dma(0x100, 0x1000, length(16)),
        mfc0("s0", 0), mfc0("s1", 1), mfc0("s2", 4), mfc0("s3", 5), mfc0("s4", 6),
        mfc0("s5", 7), mfc0("s6", 7), mtc0("zero", 7), mfc0("s7", 7),
        BREAK,
    )  # fmt: skip
    res = simulate(prog, rdram=RDRAM)
    g = {
        name: int(res.gpr[REG[name]])
        for name in ("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7")
    }
    assert g["s0"] == 0x110 and g["s1"] == 0x1010
    assert g["s2"] == 0 and g["s3"] == 0 and g["s4"] == 0  # DMA finished: not busy/full
    assert (g["s5"], g["s6"], g["s7"]) == (0, 1, 0)  # semaphore


def test_dma_outside_rdram_is_a_clear_error() -> None:
    with pytest.raises(N64cError, match="runs past the end"):
        simulate(program(dma(0, 0xFF8, length(16)), BREAK), rdram=bytes(0x1000))


def test_status_write_halts() -> None:
    res = simulate(
        program(addiu("t0", "zero", 2), mtc0("t0", 4), addiu("t1", "zero", 1), BREAK)
    )
    assert int(res.gpr[REG["t1"]]) == 0 and res.pc == 4


def test_rdram_can_be_a_numpy_array() -> None:
    rdram = np.frombuffer(RDRAM, dtype=np.uint8)
    res = simulate(program(dma(0, 0x10, length(8)), BREAK), rdram=rdram)
    assert res.dmem[:8].tobytes() == RDRAM[0x10:0x18]
    assert res.rdram.shape == (1 << 16,)


def test_dma_outside_rdram_names_the_instruction() -> None:
    words = dma(0, 0xFF8, length(16))
    # the length write (mtc0 to c2) is the last word of the DMA sequence
    pc = 4 * (len(words) - 1)
    with pytest.raises(N64cError, match=rf"^at IMEM 0x{pc:03x}: DMA of 1 x 16 bytes"):
        simulate(program(words, BREAK), rdram=bytes(0x1000))


# ------------------------------------------- transfers end as late as allowed


def word(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "big")


def poll(register: int) -> list[int]:
    """The usual wait: spin on a DMA register until it reads 0."""
    return [mfc0("t1", register), bne("t1", "zero", -2), NOP]


def test_a_read_lands_when_the_program_waits_for_it() -> None:
    """DMEM read before any wait still holds its old bytes (on the console
    the transfer has not arrived yet); after DMA_BUSY reads 0 it is in."""
    res = simulate(
        program(dma(0x100, 0x1000, length(16)), lw("s0", 0x100, "zero"),
                poll(6), lw("s1", 0x100, "zero"), BREAK),
        rdram=RDRAM,
    )  # fmt: skip
    assert int(res.gpr[REG["s0"]]) == 0
    assert int(res.gpr[REG["s1"]]) == word(RDRAM, 0x1000)


def test_dma_full_means_all_but_the_newest_transfer_are_done() -> None:
    res = simulate(
        program(dma(0x100, 0x1000, length(8)), dma(0x200, 0x2000, length(8)),
                poll(5), lw("s0", 0x100, "zero"), lw("s1", 0x200, "zero"),
                poll(4), lw("s2", 0x200, "zero"), BREAK),
        rdram=RDRAM,
    )  # fmt: skip
    assert int(res.gpr[REG["s0"]]) == word(RDRAM, 0x1000)
    assert int(res.gpr[REG["s1"]]) == 0  # the newest may still be running
    assert int(res.gpr[REG["s2"]]) == word(RDRAM, 0x2000)  # SP_STATUS: idle


def test_a_third_request_without_a_poll_is_rejected() -> None:
    """Two transfers queued and not seen finish: a third length write would
    replace the console's pending request, so the simulator stops there."""
    requests = [dma(0x100, 0x1000, length(8)), dma(0x200, 0x2000, length(8)),
                dma(0x300, 0x3000, length(8))]  # fmt: skip
    with pytest.raises(N64cError, match=r"at IMEM 0x0.*RD_LEN.*DMA_FULL"):
        simulate(program(*requests, BREAK), rdram=RDRAM)


def test_a_third_transfer_after_a_dma_full_poll_is_queued() -> None:
    res = simulate(
        program(dma(0x100, 0x1000, length(8)), dma(0x200, 0x2000, length(8)),
                poll(5), dma(0x300, 0x3000, length(8)), lw("s0", 0x100, "zero"),
                lw("s1", 0x200, "zero"), BREAK),
        rdram=RDRAM,
    )  # fmt: skip
    assert int(res.gpr[REG["s0"]]) == word(RDRAM, 0x1000)
    assert int(res.gpr[REG["s1"]]) == 0
    # the run ends when every transfer is done
    assert res.dmem[0x300:0x308].tobytes() == RDRAM[0x3000:0x3008]


@pytest.mark.parametrize("wait", [False, True])
def test_a_buffer_overwritten_before_its_write_finished_sends_new_bytes(
    wait: bool,
) -> None:
    """Storing into a buffer a write to RDRAM is still sending changes what
    arrives; waiting first keeps the sent bytes."""
    dmem = bytes(range(256)) * 16
    res = simulate(
        program(dma(0x040, 0x2000, length(8), read=False),
                poll(6) if wait else [], *li("s0", 0x01020304),
                sw("s0", 0x040, "zero"), BREAK),
        dmem, rdram=bytes(0x4000),
    )  # fmt: skip
    sent = res.rdram[0x2000:0x2004].tobytes()
    assert sent == (dmem[0x40:0x44] if wait else bytes([1, 2, 3, 4]))
