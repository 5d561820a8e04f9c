"""Which RSP kernel runs a convolution, for `tile-for-dmem`.

Three kernels can run an `n64.qconv2d`: the channels-on-lanes kernel
(`window_tiles.build_conv_kernel`: the banded, strip, split or depthwise
forms its planner picks), the pixel-lane kernel for layers with few input
channels (`pixel_lane_tiles`), and the channels-on-lanes kernel on a
folded input, its kernel taps moved into channels by a CPU gather
(`folded_conv_tiles`). `choose_conv_kernel` plans each one that applies
and keeps the lowest estimate (each planner's analytic cycle count); a
fold must also pay for the CPU's larger gather.
"""

from __future__ import annotations

import math

from xdsl.ir import Operation

from n64c.dialects.n64_pixel_conv import PixelGeometry
from n64c.dialects.n64_quant import QConv2dOp, tensor_shape
from n64c.dialects.n64_tile import TileWindowOp
from n64c.errors import BudgetError
from n64c.passes.folded_conv_tiles import folded_conv, folds, release
from n64c.passes.pixel_lane_tiles import (
    build_pixel_conv_kernel,
    estimate_pixel_cycles,
    input_from_rsp,
    pixel_lane_applies,
    plan_pixel_conv,
)
from n64c.passes.window_tiles import build_conv_kernel, estimate_window_cycles

CPU_ELEMENT_CYCLES = 6
"""RSP cycles charged for each element the CPU gathers or transposes to
feed a candidate, when a fold is weighed against the others: about 10
VR4300 cycles (at 93.75 MHz) an element for those copies (`docs/rsp-
kernels.md`, the CPU's work per inference); plain copies count a
quarter."""


def channels_on_lanes_estimate(ops: list[Operation]) -> int:
    """The estimate of the channels-on-lanes kernels among `ops` (the sum
    over the kernels of a split convolution)."""
    return sum(
        estimate_window_cycles("conv", window.geo)
        for o in ops
        for window in o.walk()
        if isinstance(window, TileWindowOp)
    )


def _drop(ops: list[Operation]) -> None:
    """Erase detached candidate ops (dropping their operand uses)."""
    for op in reversed(ops):
        op.erase()


def _pixel_plan(op: QConv2dOp, layer: str, dmem_bytes: int) -> PixelGeometry | None:
    if not pixel_lane_applies(op):
        return None
    w = tensor_shape(op.w)
    try:
        return plan_pixel_conv(
            tensor_shape(op.x),
            w[0],
            w[2:],
            [int(v) for v in op.strides.get_values()],
            [int(v) for v in op.pads.get_values()],
            [int(v) for v in op.dilations.get_values()],
            layer,
            dmem_bytes,
            op.clamp_bounds,
        )
    except BudgetError:
        return None


def choose_conv_kernel(
    op: QConv2dOp,
    layer: str,
    dmem_bytes: int,
    strips: bool = True,
    folding: bool = True,
) -> list[Operation]:
    """The ops replacing `op` (CPU ops, RSP kernels, the transpose back to
    NCHW): the candidate with the lowest estimate among the channels-on-
    lanes kernel (`strips`: whether it may run in strips), the pixel-lane
    kernel and (`folding`) the folded kernels, each where it applies and fits
    DMEM.
    `BudgetError` when none fits."""
    best: tuple[int, int, list[Operation]] | None = None
    failure: BudgetError | None = None

    def offer(cost: int, moves: int, ops: list[Operation], cpu: bool = False) -> None:
        """Keep `ops` if they beat the best so far: by the RSP estimate, or
        with `cpu` by it plus `CPU_ELEMENT_CYCLES` for each element the
        CPU moves for either (`moves`)."""
        nonlocal best
        if best is None or (
            cost + CPU_ELEMENT_CYCLES * moves < best[0] + CPU_ELEMENT_CYCLES * best[1]
            if cpu
            else cost < best[0]
        ):
            if best is not None:
                _drop(best[2])
            best = (cost, moves, ops)
        else:
            _drop(ops)

    x_elements = math.prod(tensor_shape(op.x))
    try:
        lanes = build_conv_kernel(op, layer, dmem_bytes, strips)
        moves = 0 if input_from_rsp(op) else x_elements  # its transpose
        offer(channels_on_lanes_estimate(lanes), moves, lanes)
    except BudgetError as err:
        failure = err
    pixel = _pixel_plan(op, layer, dmem_bytes)
    if pixel is not None:
        cost = estimate_pixel_cycles(pixel, *op.clamp_bounds)
        if best is None or cost < best[0]:
            moves = pixel.n * pixel.c * pixel.h * 8 * pixel.wt  # its gather
            offer(cost, moves, build_pixel_conv_kernel(op, layer, dmem_bytes, pixel))
    if folding and not input_from_rsp(op):  # folding is a CPU gather of the input
        for fold in folds(op):
            gather, conv = folded_conv(op, fold)
            try:
                kernel = build_conv_kernel(conv, layer, dmem_bytes, strips)
            except BudgetError:
                kernel = []
            release(conv)
            if kernel:
                moves = fold.gathered + x_elements // 2  # + two copies
                cost = channels_on_lanes_estimate(kernel)
                offer(cost, moves, [*gather, *kernel], cpu=True)
            else:
                _drop(gather)
    if best is None:
        assert failure is not None
        raise failure
    return best[2]


__all__ = ["channels_on_lanes_estimate", "choose_conv_kernel"]
