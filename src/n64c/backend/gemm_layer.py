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
    wide: bool = False,
) -> ModuleOp:
    """`@main(x: f32[rows, K]) -> f32[rows, N]` around one `n64.qgemm`
    (`wide`: the `acc48` form, with an int64 bias)."""
    k, n = w.shape
    block = Block(arg_types=[TensorType(f32, [rows, k])])
    quant = QuantizeOp(block.args[0], in_frac)
    wc = ConstantOp.from_numpy(np.asarray(w, dtype=np.int16))
    ops = [quant, wc]
    bc = None
    if bias is not None:
        bc = ConstantOp.from_numpy(
            np.asarray(bias, dtype=np.int64 if wide else np.int32)
        )
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
        wide,
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


def qmlp_module(
    sizes: list[int],
    rng: np.random.Generator,
    *,
    relu_between: str = "fused",
) -> ModuleOp:
    """A chain of quantised Gemm layers `sizes[0] -> sizes[1] -> ...` with
    random int16 weights and biases. Between layers the Relu is fused into
    the Gemm's clamp (`relu_between="fused"`) or a separate `n64.qclamp`
    (`"separate"`)."""
    typ = TensorType(f32, [1, sizes[0]])
    block = Block(arg_types=[typ])
    quant = QuantizeOp(block.args[0], 12)
    block.add_op(quant)
    value = quant.results[0]
    frac = 12
    for i, (k, n) in enumerate(zip(sizes, sizes[1:], strict=False)):
        last = i == len(sizes) - 2
        w = ConstantOp.from_numpy(rng.integers(-3000, 3000, (k, n)).astype(np.int16))
        b = ConstantOp.from_numpy(rng.integers(-(1 << 24), 1 << 24, n).astype(np.int32))
        shifts = [int(s) for s in rng.integers(10, 17, n)]
        out_frac = 10
        fused = not last and relu_between == "fused"
        gemm = QGemmOp(
            value,
            w.result,
            b.result,
            shifts,
            [s + out_frac - frac for s in shifts],
            out_frac,
            (0, 32767) if fused else (-32768, 32767),
        )
        block.add_ops([w, b, gemm])
        value, frac = gemm.output, out_frac
        if not last and relu_between == "separate":
            clamp = QClampOp(value, frac, (0, 32767))
            block.add_op(clamp)
            value = clamp.results[0]
    deq = DequantizeOp(value, frac)
    block.add_ops([deq, func.ReturnOp(deq.results[0])])
    out_type = TensorType(f32, [1, sizes[-1]])
    fn = func.FuncOp("main", ([typ], [out_type]), Region(block))
    fn.attributes["n64.input_names"] = ArrayAttr([StringAttr("input")])
    fn.attributes["n64.output_names"] = ArrayAttr([StringAttr("output")])
    return ModuleOp([fn])
