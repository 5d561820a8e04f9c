"""Single quantised sliding-window layers (conv, max pool) as modules, for
tests and benchmarks.

Like `gemm_layer.qgemm_module`: a float input quantised at entry, one
`n64.qconv2d`, `n64.qmaxpool` or `n64.qavgpool`, the int16 result dequantised at the exit,
so the golden model (`run_int_raw`) and the RSP pipeline can both run it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, TensorType, f32
from xdsl.ir import Block, Operation, Region

from n64c.dialects.n64_graph import ConstantOp
from n64c.dialects.n64_quant import (
    DequantizeOp,
    QAvgPoolOp,
    QConv2dOp,
    QMaxPoolOp,
    QuantizeOp,
)


def _module(
    x_shape: Sequence[int], ops: list[Operation], result: Operation, frac: int
) -> ModuleOp:
    block = ops[0].parent_block()
    assert block is not None
    deq = DequantizeOp(result.results[0], frac)
    block.add_ops([deq, func.ReturnOp(deq.results[0])])
    out_type = TensorType(f32, deq.results[0].type.get_shape())  # type: ignore[attr-defined]
    fn = func.FuncOp(
        "main", ([TensorType(f32, list(x_shape))], [out_type]), Region(block)
    )
    fn.attributes["n64.input_names"] = ArrayAttr([StringAttr("input")])
    fn.attributes["n64.output_names"] = ArrayAttr([StringAttr("output")])
    return ModuleOp([fn])


def qconv_module(
    x_shape: Sequence[int],
    w: np.ndarray,
    bias: np.ndarray | None,
    shifts: Sequence[int],
    *,
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    group: int = 1,
    clamp: tuple[int, int] = (-32768, 32767),
    in_frac: int = 12,
    out_frac: int = 10,
    wide: bool = False,
) -> ModuleOp:
    """`@main(x: f32[N,C,H,W]) -> f32[N,O,OH,OW]` around one `n64.qconv2d`
    with int16 weights `w[O, C/group, KH, KW]` and int32 `bias[O]` (`wide`:
    the `acc48` form, with an int64 bias)."""
    block = Block(arg_types=[TensorType(f32, list(x_shape))])
    quant = QuantizeOp(block.args[0], in_frac)
    wc = ConstantOp.from_numpy(np.asarray(w, dtype=np.int16))
    ops: list[Operation] = [quant, wc]
    bc = None
    if bias is not None:
        bc = ConstantOp.from_numpy(
            np.asarray(bias, dtype=np.int64 if wide else np.int32)
        )
        ops.append(bc)
    conv = QConv2dOp(
        quant.results[0],
        wc.result,
        None if bc is None else bc.result,
        strides,
        pads,
        dilations,
        group,
        [int(s) for s in shifts],
        [int(s) + out_frac - in_frac for s in shifts],
        out_frac,
        clamp,
        wide,
    )
    block.add_ops([*ops, conv])
    return _module(x_shape, ops, conv, out_frac)


def qmaxpool_module(
    x_shape: Sequence[int],
    kernel: Sequence[int],
    *,
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    frac: int = 10,
) -> ModuleOp:
    """`@main(x: f32[N,C,H,W])` around one `n64.qmaxpool`."""
    block = Block(arg_types=[TensorType(f32, list(x_shape))])
    quant = QuantizeOp(block.args[0], frac)
    pool = QMaxPoolOp(quant.results[0], kernel, strides, pads, dilations, frac)
    block.add_ops([quant, pool])
    return _module(x_shape, [quant], pool, frac)


def qavgpool_module(
    x_shape: Sequence[int],
    kernel: Sequence[int],
    multiplier: int,
    shift: int,
    *,
    strides: Sequence[int] = (1, 1),
    pads: Sequence[int] = (0, 0, 0, 0),
    dilations: Sequence[int] = (1, 1),
    in_frac: int = 10,
) -> ModuleOp:
    """`@main(x: f32[N,C,H,W])` around one `n64.qavgpool`
    (`y = sat16((multiplier * sum(window) + 2^(shift-1)) >> shift)`)."""
    block = Block(arg_types=[TensorType(f32, list(x_shape))])
    quant = QuantizeOp(block.args[0], in_frac)
    out_frac = in_frac
    pool = QAvgPoolOp(
        quant.results[0], kernel, strides, pads, dilations, multiplier, shift, out_frac
    )
    block.add_ops([quant, pool])
    return _module(x_shape, [quant], pool, out_frac)
