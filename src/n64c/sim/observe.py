"""Running a graph while watching its intermediate tensors.

Calibration and the per-layer error report need the values of tensors
inside `@main`, not only its results. :func:`run_observed` runs a copy of the
module whose `@main` returns the chosen values, on the golden integer model
(which runs float ops with the float engine's kernels, so it serves float
graphs too), and hands back what each int16 op wrapped or saturated.

    >>> arrays, overflow = run_observed(module, {"input": x}, [value])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, FunctionType, ModuleOp, StringAttr
from xdsl.ir import Operation, SSAValue

from n64c.sim.float_engine import FloatFunctions, find_main, float_fold_rule, run_main
from n64c.sim.int_engine import Overflow, QuantFunctions, int_fold_rule, verified


def clone_with_maps(
    module: ModuleOp,
) -> tuple[ModuleOp, dict[SSAValue, SSAValue], dict[Operation, Operation]]:
    """A copy of `module`, the map from the arguments and op results of
    `module`'s `@main` to the copy's, and the map from the copy's ops back
    to the originals."""
    clone = module.clone()
    fn, fn_clone = find_main(module), find_main(clone)
    mapping: dict[SSAValue, SSAValue] = dict(zip(fn.args, fn_clone.args, strict=True))
    originals: dict[Operation, Operation] = {}
    for op, op_clone in zip(fn.body.walk(), fn_clone.body.walk(), strict=True):
        originals[op_clone] = op
        mapping.update(zip(op.results, op_clone.results, strict=True))
    return clone, mapping, originals


def observing_clone(
    module: ModuleOp, values: Sequence[SSAValue]
) -> tuple[ModuleOp, dict[Operation, Operation]]:
    """A copy of `module` whose `@main` returns `values` (arguments or op
    results of `module`'s `@main`, in order), and the map from the copy's
    ops to the originals."""
    clone, mapping, originals = clone_with_maps(module)
    fn_clone = find_main(clone)
    ret = fn_clone.body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    ret.operands = [mapping[v] for v in values]
    fn_clone.function_type = FunctionType.from_lists(
        fn_clone.function_type.inputs.data, [v.type for v in ret.operands]
    )
    names = ArrayAttr([StringAttr(f"v{i}") for i in range(len(values))])
    fn_clone.attributes["n64.output_names"] = names
    return clone, originals


def run_observed(
    module: ModuleOp, inputs: Mapping[str, np.ndarray], values: Sequence[SSAValue]
) -> tuple[list[np.ndarray], dict[Operation, Overflow]]:
    """The arrays of `values` for `inputs` (with a leading batch axis when
    the inputs have one), and what each int16 op of `module` wrapped or
    saturated on them."""
    verified(module)
    clone, originals = observing_clone(module, values)
    quant = QuantFunctions()
    outputs = run_main(
        clone,
        inputs,
        [FloatFunctions(), quant],
        rules=(int_fold_rule, float_fold_rule),
    )
    overflow = {originals[op]: counts for op, counts in quant.overflow.items()}
    return list(outputs.values()), overflow
