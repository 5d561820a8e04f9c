"""The RSP simulator on a vector-heavy multiply-accumulate loop.

`time_*` measure one run of the loop for a single input and for a batch of
1,000 inputs in lockstep; `track_*` report instructions per second (per
input and summed over the batch) and the cost of the batch relative to one
input (well under 1,000 means batching pays).
"""

from __future__ import annotations

import struct
import time

import numpy as np

ITERATIONS = 64
BATCH = 1000


def _words(*words: int) -> bytes:
    return b"".join(struct.pack(">I", w) for w in words)


def _vop(funct: int, vd: int, vs: int, vt: int, e: int = 0) -> int:
    return 0x4A000000 | e << 21 | vt << 16 | vs << 11 | vd << 6 | funct


def _lqv(vt: int, base: int, offset: int) -> int:
    return 0xC8000000 | base << 21 | vt << 16 | 4 << 11 | ((offset // 16) & 0x7F)


def _sqv(vt: int, base: int, offset: int) -> int:
    return 0xE8000000 | base << 21 | vt << 16 | 4 << 11 | ((offset // 16) & 0x7F)


def mac_loop() -> bytes:
    """Per iteration: 2 loads, 6 multiply-accumulates, loop control (11 instructions)."""
    T1, S0 = 9, 16
    return _words(
        0x24000000 | T1 << 16 | ITERATIONS,  # addiu t1, zero, ITERATIONS
        0x24000000 | S0 << 16 | 0x100,  # addiu s0, zero, 0x100
        _vop(0x07, 5, 0, 0),  # vmudh: clear ACC
        # loop:
        _lqv(1, S0, 0),
        _lqv(2, S0, 16),
        _vop(0x0F, 5, 1, 2),  # vmadh
        _vop(0x0F, 6, 1, 2, 9),  # vmadh .e1
        _vop(0x0E, 7, 2, 1),  # vmadn
        _vop(0x0D, 8, 1, 2, 4),  # vmadm .h0
        _vop(0x0C, 9, 2, 1),  # vmadl
        _vop(0x08, 10, 1, 2),  # vmacf
        0x2529FFFF,  # addiu t1, t1, -1
        0x1520FFF6,  # bne t1, zero, loop
        0x24000000 | S0 << 21 | S0 << 16 | 16,  # addiu s0, s0, 16 (delay slot)
        _vop(0x1D, 11, 0, 0, 8),  # vsar ACC_HI
        _sqv(5, 0, 0x20),
        _sqv(11, 0, 0x30),
        0x0000000D,  # break
    )


def inputs(batch: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(batch, 4096), dtype=np.uint8)


class RspSimMacLoop:
    number = 1
    repeat = (3, 10, 20.0)
    warmup_time = 0.0
    timeout = 600

    def setup(self) -> None:
        self.imem = mac_loop()
        self.one = inputs(1)[0].tobytes()
        self.many = inputs(BATCH)

    def time_single(self) -> None:
        from n64c.sim.rsp import simulate

        simulate(self.imem, self.one, rdram_size=4096)

    def time_batch_1000(self) -> None:
        from n64c.sim.rsp import simulate

        simulate(self.imem, self.many, rdram=np.zeros((BATCH, 8), dtype=np.uint8))

    def _measure(self) -> tuple[float, float, int]:
        from n64c.sim.rsp import simulate

        simulate(self.imem, self.one, rdram_size=4096)  # warm up
        t0 = time.perf_counter()
        result = simulate(self.imem, self.one, rdram_size=4096)
        single = time.perf_counter() - t0
        t0 = time.perf_counter()
        simulate(self.imem, self.many, rdram=np.zeros((BATCH, 8), dtype=np.uint8))
        batch = time.perf_counter() - t0
        return single, batch, result.instructions

    def track_instructions_per_second_single(self) -> float:
        single, _, count = self._measure()
        return count / single

    track_instructions_per_second_single.unit = "instructions/s"  # type: ignore[attr-defined]

    def track_instructions_per_second_batch_1000(self) -> float:
        _, batch, count = self._measure()
        return count * BATCH / batch

    track_instructions_per_second_batch_1000.unit = "instructions/s"  # type: ignore[attr-defined]

    def track_batch_1000_cost_in_single_runs(self) -> float:
        single, batch, _ = self._measure()
        return batch / single

    track_batch_1000_cost_in_single_runs.unit = "single runs"  # type: ignore[attr-defined]
