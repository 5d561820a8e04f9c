"""The bridge to mupen64plus-rsp-z64, on hand-encoded programs with known
results (independent of n64c's assembler, encoder and simulator)."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from n64c.errors import N64cError
from n64c.sim import z64
from n64c.sim.z64 import Z64Job, Z64Result, Z64UnavailableError, run_z64, run_z64_many

ZERO, T0, T1 = 0, 8, 9
BREAK = 0x0000000D
NOP = 0


def ori(rt: int, rs: int, imm: int) -> int:
    return 0x34000000 | rs << 21 | rt << 16 | imm


def lui(rt: int, imm: int) -> int:
    return 0x3C000000 | rt << 16 | imm


def addiu(rt: int, rs: int, imm: int) -> int:
    return 0x24000000 | rs << 21 | rt << 16 | (imm & 0xFFFF)


def sw(rt: int, offset: int, base: int) -> int:
    return 0xAC000000 | base << 21 | rt << 16 | offset


def bne(rs: int, rt: int, words: int) -> int:
    return 0x14000000 | rs << 21 | rt << 16 | (words & 0xFFFF)


def mtc0(rt: int, rd: int) -> int:
    return 0x40800000 | rt << 16 | rd << 11


def mfc0(rt: int, rd: int) -> int:
    return 0x40000000 | rt << 16 | rd << 11


def lqv(vt: int, offset: int, base: int = ZERO) -> int:
    return 0xC8000000 | base << 21 | vt << 16 | 4 << 11 | (offset // 16) & 0x7F


def sqv(vt: int, offset: int, base: int = ZERO) -> int:
    return 0xE8000000 | base << 21 | vt << 16 | 4 << 11 | (offset // 16) & 0x7F


def program(*words: int) -> bytes:
    return struct.pack(f">{len(words)}I", *words)


def s16(values: list[int]) -> bytes:
    return np.array(values, dtype=">i2").tobytes()


def test_scalar_store() -> None:
    result = run_z64(program(ori(T0, ZERO, 0x1234), sw(T0, 0x100, ZERO), BREAK))
    assert len(result.dmem) == 4096
    assert result.dmem[0x100:0x104] == bytes([0, 0, 0x12, 0x34])
    assert result.dmem[:0x100] == bytes(0x100)


def test_dmem_image_round_trips_in_big_endian_order() -> None:
    dmem = bytes(range(256)) * 16
    result = run_z64(program(BREAK), dmem, rdram_size=0)
    assert result.dmem == dmem
    assert result.rdram == b""


def test_vmudh_saturates_like_the_reference() -> None:
    # vmudh $v04, $v01, $v02.e3 == 0x4B620907 (rsp-reference.md)
    s = [1, -2, 300, -300, 32767, -32768, 1000, 0]
    t = [0, 0, 0, 200, 0, 0, 0, 0]
    words = program(lqv(1, 0), lqv(2, 16), 0x4B620907, sqv(4, 32), BREAK)
    result = run_z64(words, s16(s) + s16(t))
    got = np.frombuffer(result.dmem[32:48], dtype=">i2").tolist()
    assert got == [max(-32768, min(32767, v * 200)) for v in s]


def test_dma_1d_in_and_2d_out() -> None:
    rdram = bytes((7 * i + 3) & 0xFF for i in range(4096))
    length_2d = 7 | 1 << 12 | 8 << 20  # two rows of 8 bytes, 8-byte skip
    words = program(
        ori(T0, ZERO, 0x200), mtc0(T0, 0),  # SP_MEM_ADDR = DMEM 0x200
        ori(T0, ZERO, 0x100), mtc0(T0, 1),  # SP_DRAM_ADDR = 0x100
        ori(T0, ZERO, 15), mtc0(T0, 2),  # RD_LEN: 16 bytes into DMEM
        mfc0(T1, 6), bne(T1, ZERO, -2), NOP,  # wait while DMA_BUSY
        ori(T0, ZERO, 0x200), mtc0(T0, 0),
        ori(T0, ZERO, 0x400), mtc0(T0, 1),
        lui(T0, length_2d >> 16), ori(T0, T0, length_2d & 0xFFFF),
        mtc0(T0, 3),  # WR_LEN: DMEM to RDRAM, 2-D
        mfc0(T1, 6), bne(T1, ZERO, -2), NOP,
        BREAK,
    )  # fmt: skip
    result = run_z64(words, b"", rdram)
    assert result.dmem[0x200:0x210] == rdram[0x100:0x110]
    expected = bytearray(rdram)
    expected[0x400:0x408] = rdram[0x100:0x108]
    expected[0x410:0x418] = rdram[0x108:0x110]
    assert result.rdram == bytes(expected)


def test_runs_past_the_plugins_early_stop_window() -> None:
    # A loop of 200 iterations at PC 0x138..0x14C, where the plugin's game
    # hack stops a run early; the bridge must keep going until `break`.
    head = [NOP] * (0x138 // 4 - 1)
    words = program(
        ori(T0, ZERO, 200), *head,
        addiu(T1, T1, 3),  # 0x138
        addiu(T0, T0, -1),
        bne(T0, ZERO, -3),
        NOP,
        sw(T1, 0x10, ZERO),
        BREAK,
    )  # fmt: skip
    result = run_z64(words)
    assert struct.unpack(">I", result.dmem[0x10:0x14])[0] == 600


def test_hang_times_out_with_a_clear_error() -> None:
    spin = program(0x1000FFFF, NOP, BREAK)  # b . (forever)
    with pytest.raises(N64cError, match="did not reach `break`"):
        run_z64(spin, timeout=1.0)
    # The next run gets a fresh runner.
    assert run_z64(program(BREAK)).dmem == bytes(4096)


def test_unknown_opcode_is_an_error() -> None:
    with pytest.raises(N64cError, match="unknown opcode"):
        run_z64(program(0xFC000000, BREAK))


def test_batch_of_jobs_with_a_hang_in_the_middle() -> None:
    jobs: list[Z64Job] = []
    for k in range(200):
        words = program(ori(T0, ZERO, k), sw(T0, 4 * (k % 64), ZERO), BREAK)
        jobs.append(Z64Job(words, bytes([k & 0xFF]) * 4096, rdram=bytes([k]) * 64))
    jobs.insert(100, Z64Job(program(0x1000FFFF, NOP)))
    results = run_z64_many(jobs, timeout_per_job=2.0)
    assert len(results) == 201
    assert isinstance(results[100], N64cError)
    for k, result in enumerate(results[:100] + results[101:]):
        assert isinstance(result, Z64Result)
        offset = 4 * (k % 64)
        assert result.dmem[offset : offset + 4] == struct.pack(">I", k)
        assert result.dmem[offset + 4 :] == bytes([k & 0xFF]) * (4092 - offset)
        assert result.rdram == bytes([k]) * 64


def test_images_that_do_not_fit_are_rejected() -> None:
    with pytest.raises(N64cError, match="IMEM image"):
        run_z64(bytes(4100))
    with pytest.raises(N64cError, match="RDRAM image"):
        run_z64(program(BREAK), rdram_size=9 << 20)


def test_missing_plugin_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("N64C_Z64_PLUGIN", "/nonexistent/mupen64plus-rsp-z64.so")
    with pytest.raises(Z64UnavailableError, match="does not exist"):
        z64.find_plugin()


def test_missing_compiler_names_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("CC", "no-such-compiler-n64c")
    with pytest.raises(Z64UnavailableError, match="apt-get install gcc"):
        z64._build_runner()


def test_known_deviations_of_z64_that_random_programs_avoid() -> None:
    """docs/testing-against-z64.md: z64 lacks bltzal, and its vmulu
    overflows on -32768 x -32768 (hardware: ACC = 0x000080008000, vd = 0xFFFF)."""
    with pytest.raises(N64cError, match="unknown opcode"):
        run_z64(program(0x04100001, NOP, BREAK))  # bltzal zero, +1
    minus = s16([-32768] * 8)
    vmulu = 0x4A0208C1  # vmulu $v03, $v01, $v02
    result = run_z64(
        program(lqv(1, 0), lqv(2, 16), vmulu, sqv(3, 32), BREAK), minus * 2
    )
    assert result.dmem[32:48] == bytes(16)
