"""Deep and wide windows fit the RSP's registers and IMEM: random layers
drawn from the shapes that once stopped with "needs 26 GPRs live at once",
"33 vector registers" or "IMEM over budget" (5x5 and 7x7 windows,
dilations up to 6, strides up to 3, depthwise, grouped and dense, channel
counts not multiples of 8) all lower, allocate and schedule. (Their
arithmetic is checked bit for bit on z64 by the conv, strip and depthwise
tests, which hold one layer of each failing kind.)"""

from __future__ import annotations

import numpy as np
import pytest
from test_rsp_conv import lower, random_conv

from n64c.dialects.n64_tile import RspInvokeOp

SEEDS = range(24)


def random_deep_layer(seed: int) -> tuple[tuple[int, ...], int, int, int, int, int]:
    """(x shape, output channels, kernel, stride, dilation, group)."""
    rng = np.random.default_rng(seed)
    kernel = int(rng.choice([5, 7]))
    dilation = (
        int(rng.choice([1, 2, 2, 3, 6])) if kernel == 5 else int(rng.choice([1, 2]))
    )
    stride = int(rng.choice([1, 2, 3]))
    c = int(rng.choice([8, 13, 16, 24, 40, 64, 96]))
    kind = ("depthwise", "dense", "grouped")[seed % 3]
    group = (
        c if kind == "depthwise" else (1 if kind == "dense" else 2 if c % 2 == 0 else 1)
    )
    o = c if kind == "depthwise" else int(rng.choice([8, 24, 64]))
    if o % group:
        o = group * max(1, o // group)
    span = (kernel - 1) * dilation + 1
    hw = int(rng.integers(max(6, span // 2), 25))
    return (1, c, hw, hw), o, kernel, stride, dilation, group


# (x shape, output channels, kernel, stride, dilation, group): one layer of
# each kind that stopped (dense 5x5 of stride 2 split over its channels;
# depthwise 7x7; depthwise 5x5 and 7x7 of dilation 2, with column tiles)
KNOWN = [
    ((1, 16, 20, 20), 24, 5, 2, 1, 1),
    ((1, 8, 13, 13), 8, 7, 1, 1, 8),
    ((1, 16, 13, 13), 16, 5, 1, 2, 16),
    ((1, 96, 13, 13), 96, 7, 2, 2, 96),
]


def lowered_runs(
    layer: tuple[tuple[int, ...], int, int, int, int, int], seed: int
) -> int:
    """The RSP runs of the layer once lowered, allocated and scheduled
    (none if no tiling of it fits DMEM: the CPU runs it)."""
    x_shape, o, kernel, stride, dilation, group = layer
    pad = (kernel // 2) * dilation
    rng = np.random.default_rng(seed)
    module = random_conv(
        rng, x_shape, o, (kernel, kernel), (stride, stride), (pad,) * 4,
        (dilation, dilation), group, bool(seed % 2),
    )  # fmt: skip
    lowered = lower(module)
    return sum(isinstance(op, RspInvokeOp) for op in lowered.walk())


@pytest.mark.parametrize("index", range(len(KNOWN)))
def test_known_deep_windows_fit_the_registers(index: int) -> None:
    assert lowered_runs(KNOWN[index], index) >= 1


@pytest.mark.parametrize("seed", SEEDS)
def test_random_deep_windows_fit_the_registers(seed: int) -> None:
    lowered_runs(random_deep_layer(seed), seed)  # no budget error
