"""The float reference engine: runs the graph-level `n64` dialect in numpy.

It is an xDSL interpreter (`xdsl.interpreter.Interpreter`) over
`func.func @main`; :class:`FloatFunctions` holds one implementation per graph
op, calling the kernels of :mod:`n64c.sim.float_kernels`. Other engines
combine it with their own functions through :func:`run_main`.

Batches: each input either has its argument's static shape or one extra
leading batch axis. When the batched arguments have a leading static
dimension of 1 and every op on the way is known to treat axis 0 as
independent samples (see :func:`float_fold_rule`), the whole batch runs in
one pass with the batch in place of that dimension; otherwise the graph runs
once per sample.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, TensorType
from xdsl.interpreter import (
    Interpreter,
    InterpreterFunctions,
    PythonValues,
    impl,
    register_impls,
)
from xdsl.ir import Operation, SSAValue
from xdsl.utils.exceptions import DiagnosticException, InterpretationError

from n64c.dialects import n64_graph as g
from n64c.dialects import n64_graph_index as gi
from n64c.dialects import n64_graph_math as gm
from n64c.dialects import n64_graph_window as gw
from n64c.errors import InvalidInputError, UnsupportedModelError
from n64c.sim import float_kernels as k
from n64c.sim import float_windows as kw
from n64c.sim.func_impls import FuncCallFunctions

FoldRule = Callable[[Operation, Sequence[bool]], "bool | None"]
"""Says whether `op` may run with its operands flagged True carrying the
batch in axis 0 (in place of a static 1); None when the rule does not know
the op."""


def static_shape(value: SSAValue) -> tuple[int, ...]:
    typ = value.type
    assert isinstance(typ, TensorType)
    return typ.get_shape()


def fold_shape(
    x: np.ndarray, static_in: SSAValue, static_out: SSAValue
) -> tuple[int, ...]:
    """The result shape of a reshape-like op, keeping a folded batch axis."""
    target = static_shape(static_out)
    if x.shape != static_shape(static_in):
        return (x.shape[0], *target[1:])
    return target


def broadcast_folds(op: Operation, batched: Sequence[bool]) -> bool:
    """Fold rule of a broadcasting element-wise op: its result starts with a
    static 1 and every batched operand has the result's rank."""
    out = static_shape(op.results[0])
    return out[0] == 1 and all(
        len(static_shape(v)) == len(out)
        for v, b in zip(op.operands, batched, strict=True)
        if b
    )


@register_impls
class FloatFunctions(InterpreterFunctions):
    """Numpy implementations of the graph-level `n64` ops (float32)."""

    @impl(g.ConstantOp)
    def run_constant(
        self, interpreter: Interpreter, op: g.ConstantOp, args: PythonValues
    ) -> PythonValues:
        return (op.to_numpy(),)

    @impl(g.GemmOp)
    def run_gemm(
        self, interpreter: Interpreter, op: g.GemmOp, args: PythonValues
    ) -> PythonValues:
        a, b, *bias = args
        return (k.gemm(a, b, bias[0] if bias else None, *op.get_clamp()),)

    @impl(g.MatMulOp)
    def run_matmul(
        self, interpreter: Interpreter, op: g.MatMulOp, args: PythonValues
    ) -> PythonValues:
        a, b = args
        return (k.clamp(np.matmul(a, b), *op.get_clamp()),)

    @impl(g.Conv2dOp)
    def run_conv2d(
        self, interpreter: Interpreter, op: g.Conv2dOp, args: PythonValues
    ) -> PythonValues:
        x, w, *bias = args
        lo, hi = op.get_clamp()
        y = k.conv2d(
            x,
            w,
            bias[0] if bias else None,
            op.get_strides(),
            op.get_pads(),
            op.get_dilations(),
            op.get_group(),
            lo,
            hi,
        )
        return (y,)

    @impl(g.ReluOp)
    def run_relu(
        self, interpreter: Interpreter, op: g.ReluOp, args: PythonValues
    ) -> PythonValues:
        return (k.relu(args[0]),)

    @impl(g.ClipOp)
    def run_clip(
        self, interpreter: Interpreter, op: g.ClipOp, args: PythonValues
    ) -> PythonValues:
        return (k.clamp(args[0], *op.get_bounds()),)

    @impl(g.LeakyReluOp)
    def run_leaky_relu(
        self, interpreter: Interpreter, op: g.LeakyReluOp, args: PythonValues
    ) -> PythonValues:
        return (k.leaky_relu(args[0], op.alpha.value.data),)

    @impl(g.SigmoidOp)
    def run_sigmoid(
        self, interpreter: Interpreter, op: g.SigmoidOp, args: PythonValues
    ) -> PythonValues:
        return (k.sigmoid(args[0]),)

    @impl(g.TanhOp)
    def run_tanh(
        self, interpreter: Interpreter, op: g.TanhOp, args: PythonValues
    ) -> PythonValues:
        return (np.tanh(args[0]),)

    @impl(g.MaxPoolOp)
    def run_maxpool(
        self, interpreter: Interpreter, op: g.MaxPoolOp, args: PythonValues
    ) -> PythonValues:
        y = k.max_pool2d(
            args[0],
            op.get_kernel(),
            op.get_strides(),
            op.get_pads(),
            op.get_dilations(),
            op.get_ceil_mode(),
        )
        return (y,)

    @impl(g.AvgPoolOp)
    def run_avgpool(
        self, interpreter: Interpreter, op: g.AvgPoolOp, args: PythonValues
    ) -> PythonValues:
        y = k.avg_pool2d(
            args[0],
            op.get_kernel(),
            op.get_strides(),
            op.get_pads(),
            op.get_dilations(),
            op.get_ceil_mode(),
            op.get_count_include_pad(),
        )
        return (y,)

    @impl(g.GlobalAvgPoolOp)
    def run_global_avgpool(
        self, interpreter: Interpreter, op: g.GlobalAvgPoolOp, args: PythonValues
    ) -> PythonValues:
        return (k.global_avg_pool(args[0]),)

    @impl(g.AddOp)
    def run_add(
        self, interpreter: Interpreter, op: g.AddOp, args: PythonValues
    ) -> PythonValues:
        return (k.clamp(args[0] + args[1], *op.get_clamp()),)

    @impl(g.SubOp)
    def run_sub(
        self, interpreter: Interpreter, op: g.SubOp, args: PythonValues
    ) -> PythonValues:
        return (args[0] - args[1],)

    @impl(g.MulOp)
    def run_mul(
        self, interpreter: Interpreter, op: g.MulOp, args: PythonValues
    ) -> PythonValues:
        return (args[0] * args[1],)

    @impl(g.ConcatOp)
    def run_concat(
        self, interpreter: Interpreter, op: g.ConcatOp, args: PythonValues
    ) -> PythonValues:
        axis = op.get_axis()
        batch = max(a.shape[0] for a in args)
        if axis != 0 and any(a.shape[0] != batch for a in args):
            args = tuple(np.broadcast_to(a, (batch, *a.shape[1:])) for a in args)
        return (np.concatenate(args, axis=axis),)

    @impl(g.FlattenOp)
    def run_flatten(
        self, interpreter: Interpreter, op: g.FlattenOp, args: PythonValues
    ) -> PythonValues:
        return (args[0].reshape(fold_shape(args[0], op.x, op.result)),)

    @impl(g.ReshapeOp)
    def run_reshape(
        self, interpreter: Interpreter, op: g.ReshapeOp, args: PythonValues
    ) -> PythonValues:
        return (args[0].reshape(fold_shape(args[0], op.x, op.result)),)

    @impl(g.TransposeOp)
    def run_transpose(
        self, interpreter: Interpreter, op: g.TransposeOp, args: PythonValues
    ) -> PythonValues:
        return (np.ascontiguousarray(args[0].transpose(op.get_perm())),)

    @impl(g.PadOp)
    def run_pad(
        self, interpreter: Interpreter, op: g.PadOp, args: PythonValues
    ) -> PythonValues:
        return (k.pad(args[0], op.get_pads(), op.mode.data, op.value.value.data),)

    @impl(g.SoftmaxOp)
    def run_softmax(
        self, interpreter: Interpreter, op: g.SoftmaxOp, args: PythonValues
    ) -> PythonValues:
        return (k.softmax(args[0], op.get_axis()),)

    @impl(g.BatchNormOp)
    def run_batchnorm(
        self, interpreter: Interpreter, op: g.BatchNormOp, args: PythonValues
    ) -> PythonValues:
        x, scale, bias, mean, var = args
        return (k.batchnorm(x, scale, bias, mean, var, op.epsilon.value.data),)

    @impl(gm.ExpOp)
    def run_exp(
        self, interpreter: Interpreter, op: gm.ExpOp, args: PythonValues
    ) -> PythonValues:
        return (np.exp(args[0]),)

    @impl(gm.AbsOp)
    def run_abs(
        self, interpreter: Interpreter, op: gm.AbsOp, args: PythonValues
    ) -> PythonValues:
        return (np.abs(args[0]),)

    @impl(gm.SoftplusOp)
    def run_softplus(
        self, interpreter: Interpreter, op: gm.SoftplusOp, args: PythonValues
    ) -> PythonValues:
        return (k.softplus(args[0]),)

    @impl(gm.EluOp)
    def run_elu(
        self, interpreter: Interpreter, op: gm.EluOp, args: PythonValues
    ) -> PythonValues:
        return (k.elu(args[0], op.get_alpha()),)

    @impl(gm.SeluOp)
    def run_selu(
        self, interpreter: Interpreter, op: gm.SeluOp, args: PythonValues
    ) -> PythonValues:
        return (k.selu(args[0], op.get_alpha(), op.get_gamma()),)

    @impl(gm.DivOp)
    def run_div(
        self, interpreter: Interpreter, op: gm.DivOp, args: PythonValues
    ) -> PythonValues:
        return (args[0] / args[1],)

    @impl(gm.LogSoftmaxOp)
    def run_log_softmax(
        self, interpreter: Interpreter, op: gm.LogSoftmaxOp, args: PythonValues
    ) -> PythonValues:
        return (k.log_softmax(args[0], op.get_axis()),)

    @impl(gm.LrnOp)
    def run_lrn(
        self, interpreter: Interpreter, op: gm.LrnOp, args: PythonValues
    ) -> PythonValues:
        return (k.lrn(args[0], *op.get_params()),)

    @impl(gi.SliceOp)
    def run_slice(
        self, interpreter: Interpreter, op: gi.SliceOp, args: PythonValues
    ) -> PythonValues:
        start, end = op.get_range()
        picks = [slice(None)] * args[0].ndim
        picks[op.get_axis()] = slice(start, end)
        return (np.ascontiguousarray(args[0][tuple(picks)]),)

    @impl(gi.GatherOp)
    def run_gather(
        self, interpreter: Interpreter, op: gi.GatherOp, args: PythonValues
    ) -> PythonValues:
        indices = np.array(op.get_indices(), np.int64).reshape(op.indices_shape())
        return (k.take(args[0], indices, op.get_axis()),)

    @impl(gw.ConvTranspose2dOp)
    def run_conv_transpose2d(
        self, interpreter: Interpreter, op: gw.ConvTranspose2dOp, args: PythonValues
    ) -> PythonValues:
        x, w, *bias = args
        y = kw.conv_transpose2d(
            x,
            w,
            bias[0] if bias else None,
            op.get_strides(),
            op.get_pads(),
            op.get_dilations(),
            op.get_output_padding(),
            op.get_group(),
        )
        return (y,)

    @impl(gw.Conv3dOp)
    def run_conv3d(
        self, interpreter: Interpreter, op: gw.Conv3dOp, args: PythonValues
    ) -> PythonValues:
        x, w, *bias = args
        y = kw.conv_nd(
            x,
            w,
            bias[0] if bias else None,
            op.get_strides(),
            op.get_pads(),
            op.get_dilations(),
            op.get_group(),
        )
        return (y,)

    @impl(gw.MaxPool3dOp)
    def run_maxpool3d(
        self, interpreter: Interpreter, op: gw.MaxPool3dOp, args: PythonValues
    ) -> PythonValues:
        y = kw.max_pool_nd(
            args[0],
            op.get_kernel(),
            op.get_strides(),
            op.get_pads(),
            op.get_dilations(),
            op.get_ceil_mode(),
        )
        return (y,)

    @impl(gw.AvgPool3dOp)
    def run_avgpool3d(
        self, interpreter: Interpreter, op: gw.AvgPool3dOp, args: PythonValues
    ) -> PythonValues:
        y = kw.avg_pool_nd(
            args[0],
            op.get_kernel(),
            op.get_strides(),
            op.get_pads(),
            op.get_dilations(),
            op.get_ceil_mode(),
            op.get_count_include_pad(),
        )
        return (y,)


_ONLY_FIRST_OPERAND = (
    g.Conv2dOp,
    g.MaxPoolOp,
    g.AvgPoolOp,
    g.GlobalAvgPoolOp,
    g.GemmOp,
    g.BatchNormOp,
    gw.ConvTranspose2dOp,
    gw.Conv3dOp,
    gw.MaxPool3dOp,
    gw.AvgPool3dOp,
)
_ELEMENTWISE = (
    g.ReluOp,
    g.ClipOp,
    g.LeakyReluOp,
    g.SigmoidOp,
    g.TanhOp,
    gm.ExpOp,
    gm.AbsOp,
    gm.SoftplusOp,
    gm.EluOp,
    gm.SeluOp,
    gm.LrnOp,
)


def float_fold_rule(op: Operation, batched: Sequence[bool]) -> bool | None:
    """Batch-folding rule of the graph ops (see :data:`FoldRule`)."""
    if isinstance(op, _ELEMENTWISE):
        return True
    if isinstance(op, _ONLY_FIRST_OPERAND):
        return not any(batched[1:])
    if isinstance(op, g.SoftmaxOp | gm.LogSoftmaxOp | gi.SliceOp | gi.GatherOp):
        return op.get_axis() != 0
    if isinstance(op, g.MatMulOp):
        rank = len(static_shape(op.a))
        return not batched[1] and rank >= 2 and rank == len(static_shape(op.result))
    if isinstance(op, g.AddOp | g.SubOp | g.MulOp | gm.DivOp):
        return broadcast_folds(op, batched)
    if isinstance(op, g.ConcatOp):
        return op.get_axis() != 0
    if isinstance(op, g.FlattenOp | g.ReshapeOp):
        return static_shape(op.result)[:1] == (1,)
    if isinstance(op, g.TransposeOp):
        return op.get_perm()[0] == 0
    if isinstance(op, g.PadOp):
        pads = op.get_pads()
        return pads[0] == 0 and pads[len(pads) // 2] == 0
    if isinstance(op, g.ConstantOp):
        return True
    return None


def can_fold_batch(
    main: func.FuncOp, batched_args: Sequence[bool], rules: Sequence[FoldRule]
) -> bool:
    batched: set[SSAValue] = {
        a for a, b in zip(main.args, batched_args, strict=True) if b
    }
    for op in main.body.walk():
        flags = [v in batched for v in op.operands]
        if not any(flags) or isinstance(op, func.ReturnOp):
            continue
        verdict = next(
            (v for rule in rules if (v := rule(op, flags)) is not None), None
        )
        if not verdict or op.regions:
            return False
        for res in op.results:
            shape = static_shape(res) if isinstance(res.type, TensorType) else ()
            if shape[:1] != (1,):
                return False
            batched.add(res)
    return True


def _names(main: func.FuncOp, key: str, count: int, prefix: str) -> list[str]:
    attr = main.attributes.get(key)
    if isinstance(attr, ArrayAttr):
        names = [a.data for a in attr.data if isinstance(a, StringAttr)]
        if len(names) == count:
            return names
    return [f"{prefix}{i}" for i in range(count)]


def find_main(module: ModuleOp) -> func.FuncOp:
    """The module's `func.func @main`; InvalidInputError if there is none."""
    for op in module.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == "main":
            return op
    raise InvalidInputError("the module has no func.func @main")


def input_names(main: func.FuncOp) -> list[str]:
    """Input names from `n64.input_names` (default `input0`, `input1`, ...)."""
    return _names(main, "n64.input_names", len(main.args), "input")


def output_names(main: func.FuncOp) -> list[str]:
    """Output names from `n64.output_names` (default `output0`, ...)."""
    count = len(main.function_type.outputs.data)
    return _names(main, "n64.output_names", count, "output")


def _as_float32(name: str, value: Any) -> np.ndarray:
    """`value` as a float32 array: real numbers only, all finite."""
    x = np.asarray(value)
    if x.dtype.kind not in "fiub":
        raise InvalidInputError(
            f"input {name!r} has dtype {x.dtype}; n64c takes real numbers (float32)"
        )
    x = x.astype(np.float32)
    bad = ~np.isfinite(x)
    if bad.any():
        where = [int(i) for i in np.argwhere(bad)[0]]
        raise InvalidInputError(
            f"input {name!r} holds {int(bad.sum())} NaN or infinite value(s), "
            f"the first at index {where}"
        )
    return x


def prepare_inputs(
    main: func.FuncOp, inputs: Mapping[str, Any]
) -> tuple[list[np.ndarray], list[bool], int | None]:
    """Check and convert inputs: float32 arrays in argument order, which of
    them carry a batch axis, and the batch size (None without one)."""
    names = input_names(main)
    missing = [n for n in names if n not in inputs]
    if missing:
        raise InvalidInputError(
            f"missing input(s) {', '.join(missing)}; the model takes {', '.join(names)}"
        )
    unknown = [n for n in inputs if n not in names]
    if unknown:
        raise InvalidInputError(
            f"unknown input(s) {', '.join(unknown)}; the model takes {', '.join(names)}"
        )
    arrays: list[np.ndarray] = []
    batched: list[bool] = []
    batch: int | None = None
    for name, arg in zip(names, main.args, strict=True):
        shape = static_shape(arg)
        x = _as_float32(name, inputs[name])
        if x.shape == shape:
            batched.append(False)
        elif x.ndim == len(shape) + 1 and x.shape[1:] == shape:
            if x.shape[0] == 0:
                raise InvalidInputError(f"input {name!r} is an empty batch (0 samples)")
            if batch is not None and x.shape[0] != batch:
                raise InvalidInputError(
                    f"input {name!r} has batch size {x.shape[0]}, other inputs {batch}"
                )
            batch = x.shape[0]
            batched.append(True)
        else:
            raise InvalidInputError(
                f"input {name!r} has shape {list(x.shape)}, expected {list(shape)} "
                f"or [batch, {', '.join(map(str, shape))}]"
            )
        arrays.append(x)
    return arrays, batched, batch


def run_main(
    module: ModuleOp,
    inputs: Mapping[str, Any],
    functions: Sequence[InterpreterFunctions],
    rules: Sequence[FoldRule] = (float_fold_rule,),
) -> dict[str, np.ndarray]:
    """Interpret `@main` of `module` with `functions` (plus `func`'s) under
    the `run_float` input/output contract; `rules` decide batch folding."""
    main = find_main(module)
    arrays, batched, batch = prepare_inputs(main, inputs)
    interpreter = Interpreter(module)
    interpreter.register_implementations(FuncCallFunctions())
    for fns in functions:
        interpreter.register_implementations(fns)

    def call(args: Sequence[np.ndarray]) -> PythonValues:
        try:
            return interpreter.call_op(main, tuple(args))
        except InterpretationError as err:
            raise UnsupportedModelError(f"cannot interpret the model: {err}") from err

    out_types = main.function_type.outputs.data
    if batch is None:
        results = [np.asarray(r) for r in call(arrays)]
    elif all(
        static_shape(a)[:1] == (1,)
        for a, b in zip(main.args, batched, strict=True)
        if b
    ) and can_fold_batch(main, batched, rules):
        folded = [
            x.reshape(x.shape[0], *x.shape[2:]) if b else x
            for x, b in zip(arrays, batched, strict=True)
        ]
        results = []
        for r, typ in zip(call(folded), out_types, strict=True):
            assert isinstance(typ, TensorType)
            shape = typ.get_shape()
            r = np.asarray(r)
            if r.shape == shape:
                r = np.broadcast_to(r, (batch, *shape)).copy()
            results.append(r.reshape(batch, *shape))
    else:
        per_sample = [
            call([x[i] if b else x for x, b in zip(arrays, batched, strict=True)])
            for i in range(batch)
        ]
        results = [np.stack([s[j] for s in per_sample]) for j in range(len(out_types))]
    return dict(zip(output_names(main), results, strict=True))


def _diagnostic_line(err: Exception) -> str:
    """The one line of an xDSL diagnostic that says what is wrong."""
    lines = [line.strip(" |") for line in str(err).splitlines()]
    for line in lines:
        if "does not verify" in line or "Error" in line:
            return line
    return next((line for line in lines if line), "verification failed")


def run_float(
    module: ModuleOp, inputs: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Run the float graph of `module` on `inputs` (keyed by input name).

    Each input has its argument's shape or one extra leading batch axis (the
    outputs then have it too); values are converted to float32. Raises
    `InvalidInputError` for a missing, unknown or misshapen input.
    """
    try:
        module.verify()
    except DiagnosticException as err:
        raise InvalidInputError(f"invalid IR: {_diagnostic_line(err)}") from err
    return run_main(module, inputs, [FloatFunctions()])
