"""A working copy of an ONNX graph with static shapes and folded constants.

:func:`prepare_graph` turns an (upgraded) ``ModelProto`` into an
:class:`OnnxGraph`: graph inputs get static shapes (an unknown batch
dimension becomes 1), ``onnx.shape_inference`` gives every value its shape,
and every node whose inputs are all constant is evaluated with
``onnx.reference.ReferenceEvaluator`` and replaced by its value (``Shape``
and ``Size`` of a statically shaped tensor count as constant). Inference and
folding alternate until nothing changes, so shape computations feeding a
``Reshape`` disappear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from n64c.errors import InvalidInputError, UnsupportedModelError
from n64c.frontend.onnx_loader import DEFAULT_DOMAINS, default_opset

Shape = tuple[int, ...]

NONDETERMINISTIC_OPS = frozenset(
    {"RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
     "Bernoulli", "Multinomial"}
)  # fmt: skip
"""Operators never folded: their value is not a constant."""

_SMALL_CONSTANT = 4096
"""Constants up to this many elements are given to shape inference as
initializers (their values may matter, e.g. a Reshape's shape); bigger ones
only by type and shape."""

_MAX_ROUNDS = 16

_MIN_IR_VERSION = 4
"""From IR version 4 on, initializers need not be listed as graph inputs
(the working graphs built here do not list them)."""


@dataclass
class OnnxGraph:
    """An ONNX graph being prepared for translation.

    `nodes` are the nodes not folded away, in topological order; `consts`
    maps names to the values of initializers and folded nodes; `shapes` and
    `types` give the static shape and ONNX element type of every value.
    """

    name: str
    opset: int
    inputs: list[str]
    outputs: list[str]
    nodes: list[onnx.NodeProto]
    consts: dict[str, np.ndarray] = field(default_factory=dict)
    shapes: dict[str, Shape] = field(default_factory=dict)
    types: dict[str, int] = field(default_factory=dict)


def prepare_graph(
    model: onnx.ModelProto, large: dict[str, np.ndarray] | None = None
) -> OnnxGraph:
    """Static shapes and folded constants for `model` (already upgraded);
    `large` holds initializers kept out of `model` (declared as inputs)."""
    g = model.graph
    consts: dict[str, np.ndarray] = dict(large or {})
    for tensor in g.initializer:
        consts[tensor.name] = to_array(tensor)
    graph = OnnxGraph(
        name=g.name or "main",
        opset=default_opset(model),
        inputs=[i.name for i in g.input if i.name not in consts],
        outputs=[o.name for o in g.output],
        nodes=list(g.node),
        consts=consts,
    )
    for value in g.input:
        if value.name in consts:
            continue
        graph.types[value.name] = value.type.tensor_type.elem_type
        graph.shapes[value.name] = _static_input_shape(value)
    _check_single_definitions(graph)
    _fold_constant_nodes(graph, model)
    _dropout_to_identity(graph)
    for _ in range(_MAX_ROUNDS):
        _infer_shapes(graph, model)
        changed = _fold_shape_queries(graph)
        changed |= _fold_constant_nodes(graph, model)
        if not changed:
            break
    _record_constants(graph)
    return graph


# ------------------------------------------------------------------ shapes


def _static_input_shape(value: onnx.ValueInfoProto) -> Shape:
    t = value.type
    if not t.HasField("tensor_type"):
        raise UnsupportedModelError(
            f"input '{value.name}' is not a tensor; n64c models take tensors"
        )
    if not t.tensor_type.HasField("shape"):
        raise UnsupportedModelError(
            f"input '{value.name}' has no shape; n64c needs static input shapes"
        )
    dims: list[int] = []
    for axis, dim in enumerate(t.tensor_type.shape.dim):
        if dim.HasField("dim_value") and dim.dim_value > 0:
            dims.append(dim.dim_value)
        elif axis == 0:
            dims.append(1)  # symbolic or unknown batch dimension
        else:
            what = (
                f"a symbolic ('{dim.dim_param}')"
                if dim.dim_param
                else "a zero-size"
                if dim.HasField("dim_value")
                else "an unknown"
            )
            raise UnsupportedModelError(
                f"input '{value.name}' has {what} dimension at axis {axis}; "
                "n64c needs static shapes (only the batch dimension may vary)"
            )
    return tuple(dims)


def _infer_shapes(graph: OnnxGraph, model: onnx.ModelProto) -> None:
    """Run onnx shape inference on the remaining nodes."""
    used = {name for node in graph.nodes for name in node.input if name}
    used.update(graph.outputs)
    inputs = [
        helper.make_tensor_value_info(n, graph.types[n], graph.shapes[n])
        for n in graph.inputs
    ]
    inits = []
    for name in sorted(used & graph.consts.keys()):
        array = graph.consts[name]
        if array.size <= _SMALL_CONSTANT:
            inits.append(numpy_helper.from_array(array, name))
        else:
            inputs.append(
                helper.make_tensor_value_info(
                    name, helper.np_dtype_to_tensor_dtype(array.dtype), array.shape
                )
            )
    outputs = [helper.make_empty_tensor_value_info(n) for n in graph.outputs]
    probe = helper.make_model(
        helper.make_graph(graph.nodes, graph.name, inputs, outputs, inits),
        opset_imports=list(model.opset_import),
        functions=list(model.functions),
    )
    probe.ir_version = max(model.ir_version, _MIN_IR_VERSION)
    try:
        inferred = onnx.shape_inference.infer_shapes(
            probe, check_type=True, strict_mode=True, data_prop=True
        )
    except (
        onnx.shape_inference.InferenceError,
        onnx.checker.ValidationError,
        ValueError,  # an undefined element type, for one
    ) as e:
        raise InvalidInputError(
            f"shape inference failed: {' '.join(str(e).split())[:400]}"
        ) from None
    for value in [*inferred.graph.value_info, *inferred.graph.output]:
        if not value.type.HasField("tensor_type"):
            continue
        tensor_type = value.type.tensor_type
        graph.types[value.name] = tensor_type.elem_type
        dims = tensor_type.shape.dim
        if tensor_type.HasField("shape") and all(d.HasField("dim_value") for d in dims):
            graph.shapes[value.name] = tuple(d.dim_value for d in dims)
        else:
            graph.shapes.pop(value.name, None)


def _record_constants(graph: OnnxGraph) -> None:
    for name, array in graph.consts.items():
        graph.shapes[name] = tuple(array.shape)
        graph.types[name] = helper.np_dtype_to_tensor_dtype(array.dtype)


def _check_single_definitions(graph: OnnxGraph) -> None:
    produced: set[str] = set(graph.inputs) | graph.consts.keys()
    for node in graph.nodes:
        for name in node.output:
            if name and name in produced:
                raise InvalidInputError(f"tensor '{name}' is defined twice")
            produced.add(name)


# ----------------------------------------------------------------- folding


def _dropout_to_identity(graph: OnnxGraph) -> None:
    """Inference-mode Dropout is the identity. (Rewriting it early also
    sidesteps the version converter's non-scalar `ratio` input, which shape
    inference rejects.) Dropout in training mode or with its mask used is
    left for the translator to reject."""
    used = {name for node in graph.nodes for name in node.input}
    used.update(graph.outputs)
    for index, node in enumerate(graph.nodes):
        if node.op_type != "Dropout" or node.domain not in DEFAULT_DOMAINS:
            continue
        mask_used = len(node.output) > 1 and node.output[1] in used
        training = node.input[2] if len(node.input) > 2 else ""
        mode = graph.consts.get(training) if training else np.array(False)
        if mask_used or mode is None or mode.size != 1 or bool(mode.reshape(-1)[0]):
            continue  # (a training_mode that is not one value is rejected later)
        graph.nodes[index] = helper.make_node(
            "Identity", [node.input[0]], [node.output[0]], name=node.name
        )


def _fold_shape_queries(graph: OnnxGraph) -> bool:
    """Replace Shape and Size of statically shaped tensors by constants."""
    kept: list[onnx.NodeProto] = []
    for node in graph.nodes:
        source = node.input[0] if node.input else ""
        if (
            node.domain in DEFAULT_DOMAINS
            and node.op_type in ("Shape", "Size")
            and source in graph.shapes
            and source not in graph.consts
        ):
            shape = graph.shapes[source]
            if node.op_type == "Shape":
                attrs = {a.name: a.i for a in node.attribute}
                start, end = attrs.get("start", 0), attrs.get("end", len(shape))
                value = np.array(shape[slice(start, end)], dtype=np.int64)
            else:
                value = np.array(int(np.prod(shape)), dtype=np.int64)
            graph.consts[node.output[0]] = value
        else:
            kept.append(node)
    changed = len(kept) != len(graph.nodes)
    graph.nodes = kept
    return changed


def _foldable(node: onnx.NodeProto, known: set[str]) -> bool:
    if node.domain not in DEFAULT_DOMAINS or node.op_type in NONDETERMINISTIC_OPS:
        return False
    subgraph_kinds = (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
    if any(a.type in subgraph_kinds for a in node.attribute):
        return False
    return all(not name or name in known for name in node.input)


def _fold_constant_nodes(graph: OnnxGraph, model: onnx.ModelProto) -> bool:
    """Evaluate every node whose inputs are all constant."""
    known = set(graph.consts)
    folded: list[onnx.NodeProto] = []
    for node in graph.nodes:
        if _foldable(node, known):
            folded.append(node)
            known.update(o for o in node.output if o)
    if not folded:
        return False
    values = _evaluate(folded, graph, model)
    if values is None:  # one evaluator for all failed: go node by node
        values = {}
        for node in folded:
            env = values.keys() | graph.consts.keys()
            if all(name in env for name in node.input if name):
                values.update(_evaluate([node], graph, model, values) or {})
    graph.consts.update(values)
    kept = [
        node
        for node in graph.nodes
        if not all(name in graph.consts for name in node.output if name)
    ]
    changed = len(kept) != len(graph.nodes)
    graph.nodes = kept
    return changed


def _evaluate(
    nodes: list[onnx.NodeProto],
    graph: OnnxGraph,
    model: onnx.ModelProto,
    extra: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray] | None:
    """Values of the outputs of `nodes` (None if the evaluator fails)."""
    env = {**graph.consts, **(extra or {})}
    produced = sorted({o for n in nodes for o in n.output if o})
    made = set(produced)
    needed = sorted({i for n in nodes for i in n.input if i and i not in made})
    inputs = [
        helper.make_tensor_value_info(
            name, helper.np_dtype_to_tensor_dtype(env[name].dtype), env[name].shape
        )
        for name in needed
    ]
    outputs = [helper.make_empty_tensor_value_info(o) for o in produced]
    sub = helper.make_model(
        helper.make_graph(nodes, "fold", inputs, outputs),
        opset_imports=list(model.opset_import),
        functions=list(model.functions),
    )
    sub.ir_version = max(model.ir_version, _MIN_IR_VERSION)
    try:
        results = ReferenceEvaluator(sub).run(None, {n: env[n] for n in needed})
    except Exception:  # any failure: these nodes stay for the translator
        return None
    return {
        name: to_array(value)
        for name, value in zip(produced, results, strict=True)
        if isinstance(value, np.ndarray | np.generic)
    }


def to_array(value: onnx.TensorProto | np.ndarray | np.generic) -> np.ndarray:
    """A contiguous numpy array for a TensorProto or numpy value."""
    if isinstance(value, onnx.TensorProto):
        try:
            value = numpy_helper.to_array(value)
        except (ValueError, TypeError, KeyError) as e:
            dims = ", ".join(str(d) for d in value.dims)
            reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise InvalidInputError(
                f"tensor '{value.name}': its data does not fit its type and "
                f"dims ({dims}): {reason}"
            ) from None
    array = np.asarray(value)
    # (np.ascontiguousarray would turn a 0-d array into a 1-d one.)
    return array if array.flags.c_contiguous else array.copy(order="C")
