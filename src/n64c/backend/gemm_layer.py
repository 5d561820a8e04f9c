"""Single quantised layers (Gemm, element-wise) as modules, for tests and
benchmarks.

`qgemm_module` builds the quantised graph of one layer
`y = clamp(sat16((x.w + b) >> s), lo, hi)` the way `quantize-int16` would
leave it (float input quantised at entry, the int16 result dequantised at
the exit), so the golden model (`run_int_raw`) and the RSP pipeline can
both run it.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, TensorType, f32
from xdsl.ir import Block, Region

from n64c.dialects.n64_graph import ConstantOp
from n64c.dialects.n64_quant import (
    DequantizeOp,
    QAddOp,
    QClampOp,
    QGemmOp,
    QRescaleOp,
    QuantizeOp,
)


def qgemm_module(
    w: np.ndarray,
    bias: np.ndarray | None,
    shifts: np.ndarray,
    clamp: tuple[int, int] = (-32768, 32767),
    rows: int = 1,
    in_frac: int = 12,
    out_frac: int = 10,
) -> ModuleOp:
    """`@main(x: f32[rows, K]) -> f32[rows, N]` around one `n64.qgemm`."""
    k, n = w.shape
    block = Block(arg_types=[TensorType(f32, [rows, k])])
    quant = QuantizeOp(block.args[0], in_frac)
    wc = ConstantOp.from_numpy(np.asarray(w, dtype=np.int16))
    ops = [quant, wc]
    bc = None
    if bias is not None:
        bc = ConstantOp.from_numpy(np.asarray(bias, dtype=np.int32))
        ops.append(bc)
    w_frac = [int(s) + out_frac - in_frac for s in shifts]
    gemm = QGemmOp(
        quant.results[0],
        wc.result,
        None if bc is None else bc.result,
        [int(s) for s in shifts],
        w_frac,
        out_frac,
        clamp,
    )
    deq = DequantizeOp(gemm.output, out_frac)
    ret = func.ReturnOp(deq.results[0])
    block.add_ops([*ops, gemm, deq, ret])
    fn = func.FuncOp(
        "main",
        ([TensorType(f32, [rows, k])], [TensorType(f32, [rows, n])]),
        Region(block),
    )
    fn.attributes["n64.input_names"] = ArrayAttr([StringAttr("input")])
    fn.attributes["n64.output_names"] = ArrayAttr([StringAttr("output")])
    return ModuleOp([fn])


def qeltwise_module(
    kind: str,
    shape: tuple[int, ...],
    *,
    ka: int = 0,
    kb: int = 0,
    shift: int = 2,
    clamp: tuple[int, int] = (-32768, 32767),
    in_frac: int = 10,
) -> ModuleOp:
    """`@main` around one element-wise int16 op on tensors of `shape`:
    `add` (inputs `a`, `b`), `rescale` or `clamp` (input `a`)."""
    names = ["a", "b"] if kind == "add" else ["a"]
    typ = TensorType(f32, list(shape))
    block = Block(arg_types=[typ] * len(names))
    quants = [QuantizeOp(arg, in_frac) for arg in block.args]
    block.add_ops(quants)
    values = [q.results[0] for q in quants]
    if kind == "add":
        op = QAddOp(
            values[0], values[1], ka, kb, shift, in_frac + ka - shift, shape, clamp
        )
        out_frac = in_frac + ka - shift
    elif kind == "rescale":
        op = QRescaleOp(values[0], ka, shift, in_frac + ka - shift, clamp)
        out_frac = in_frac + ka - shift
    else:
        op = QClampOp(values[0], in_frac, clamp)
        out_frac = in_frac
    deq = DequantizeOp(op.results[0], out_frac)
    block.add_ops([op, deq, func.ReturnOp(deq.results[0])])
    fn = func.FuncOp("main", ([typ] * len(names), [typ]), Region(block))
    fn.attributes["n64.input_names"] = ArrayAttr([StringAttr(n) for n in names])
    fn.attributes["n64.output_names"] = ArrayAttr([StringAttr("output")])
    return ModuleOp([fn])
