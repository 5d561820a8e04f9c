"""DMA durations of the cycle model against console measurements.

The measured values are the expected values of the n64-systembench suite
(RCP cycles, timed from the CPU), as tabulated in the "Timing" section of
``rsp-reference.md``. The model must reproduce each within 5%.
"""

from __future__ import annotations

import pytest
from rsp_words import BREAK, li, mtc0, program

from n64c.sim.rsp import simulate
from n64c.sim.rsp.timing import dma_cycles

# (rows, bytes per row, skip, measured RDRAM->DMEM, measured DMEM->RDRAM)
MEASURED = {
    "4 B": (1, 4, 0, 34, 34),
    "8 B": (1, 8, 0, 35, 34),
    "128 B": (1, 128, 0, 50, 50),
    "2 KiB": (1, 2048, 0, 339, 327),
    "4 KiB": (1, 4096, 0, 653, 623),
    "8 rows x 8 B, skip 8": (8, 8, 8, 136, 102),
    "128 rows x 1 KiB": (128, 1024, 0, 20079, 19176),
    "256 rows x 1 KiB, skip 256": (256, 1024, 256, 40289, 38540),
}
CASES = [
    pytest.param(case, to_rsp, id=f"{'read' if to_rsp else 'write'} {case}")
    for case in MEASURED
    for to_rsp in (True, False)
]


@pytest.mark.parametrize(("case", "to_rsp"), CASES)
def test_dma_duration_matches_the_console_within_5_percent(
    case: str, to_rsp: bool
) -> None:
    rows, nbytes, _skip, read, write = MEASURED[case]
    measured = read if to_rsp else write
    model = dma_cycles(to_rsp, rows, nbytes)
    assert abs(model - measured) <= 0.05 * measured, (model, measured)


@pytest.mark.parametrize(("case", "to_rsp"), CASES)
def test_the_simulator_charges_the_modelled_duration(case: str, to_rsp: bool) -> None:
    """A transfer started by the program and not waited on ends the run
    exactly its modelled duration after the length register is written
    (groups: lui, ori, mtc0 three times, no stalls: the transfer starts at
    the last mtc0, in cycle 8)."""
    rows, nbytes, skip, _read, _write = MEASURED[case]
    word = (nbytes - 1) | (rows - 1) << 12 | skip << 20
    rdram = bytes(rows * (nbytes + skip) + 0x108)
    prog = program(
        *li("t0", 0), mtc0("t0", 0), *li("t0", 0x100), mtc0("t0", 1),
        *li("t0", word), mtc0("t0", 2 if to_rsp else 3), BREAK,
    )  # fmt: skip
    result = simulate(prog, rdram=rdram)
    assert result.cycles == 8 + dma_cycles(to_rsp, rows, nbytes)


def test_reads_are_slower_than_writes_and_short_rows_cost_extra() -> None:
    assert dma_cycles(True, 1, 4096) > dma_cycles(False, 1, 4096)
    # 8 rows of 8 bytes cost far more than one row of 64 bytes
    assert dma_cycles(True, 8, 8) > 2 * dma_cycles(True, 1, 64)
    assert dma_cycles(False, 8, 8) > 2 * dma_cycles(False, 1, 64)
