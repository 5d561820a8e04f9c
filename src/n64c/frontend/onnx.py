"""ONNX import: an ONNX model to the `n64` graph dialect.

:func:`import_onnx` reads a file, :func:`import_onnx_model` takes a
``ModelProto``. Both return::

    builtin.module {
      func.func @main(%x: tensor<1x64xf32>) -> tensor<1x10xf32>
          attributes {n64.input_names = ["input"], n64.output_names = ["output"]} {
        ...n64 ops...
        func.return %y : tensor<1x10xf32>
      }
    }

The steps: load and check the file (external data next to it), upgrade to the
newest opset the `onnx` package knows, make shapes static (an unknown batch
dimension becomes 1), fold constant subgraphs (see :mod:`onnx_graph`), then
translate node by node (see :mod:`onnx_ops`). Identity, Dropout and float
Casts disappear; Gemm's alpha/beta/transA/transB are folded into the
operands; auto_pad becomes explicit pads. Every node n64c cannot translate is
reported in one :class:`~n64c.errors.UnsupportedModelError`, e.g.
``unsupported ONNX operators: LSTM (nodes: lstm_1), Resize (nodes: up1, up2)``.
"""

from __future__ import annotations

import os

import onnx
from xdsl.dialects.builtin import (
    ArrayAttr,
    ModuleOp,
    StringAttr,
    UnrealizedConversionCastOp,
)
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Block, Region
from xdsl.utils.exceptions import VerifyException

from n64c.dialects.n64_graph import f32_tensor
from n64c.errors import N64cError, UnsupportedModelError
from n64c.frontend.onnx_graph import NONDETERMINISTIC_OPS, OnnxGraph, prepare_graph
from n64c.frontend.onnx_loader import (
    DEFAULT_DOMAINS,
    check_model,
    inline_functions,
    load_model_file,
    split_large_initializers,
    upgrade_opset,
)
from n64c.frontend.onnx_ops import TRANSLATORS, Context, NotSupported, node_attributes

__all__ = ["import_onnx", "import_onnx_model", "supported_op_types"]


def import_onnx(path: str | os.PathLike[str]) -> ModuleOp:
    """Import the ONNX model at `path` (external data is read from its folder)."""
    return _import(load_model_file(path), str(path))


def import_onnx_model(model: onnx.ModelProto) -> ModuleOp:
    """Import an in-memory ONNX model (external data must already be loaded)."""
    return _import(model, "model")


def supported_op_types() -> list[str]:
    """ONNX operator types the importer translates (others must fold away)."""
    return sorted(TRANSLATORS)


def _import(model: onnx.ModelProto, where: str) -> ModuleOp:
    skeleton, large = split_large_initializers(model, where)
    check_model(skeleton, where)
    try:
        skeleton = inline_functions(skeleton, where)
        graph = prepare_graph(upgrade_opset(skeleton), large)
    except N64cError:
        # An unsupported operator often breaks the upgrade or shape inference;
        # naming the operators is the more useful message.
        _raise_for_unsupported_types(model.graph)
        raise
    return _translate(graph)


class _Problems:
    """Unsupported nodes grouped by op type, in order of appearance."""

    def __init__(self) -> None:
        self.by_type: dict[str, list[str]] = {}
        self.other: list[str] = []

    def add(self, op_type: str, label: str, reason: str | None = None) -> None:
        entry = f"{label} [{reason}]" if reason else label
        self.by_type.setdefault(op_type, []).append(entry)

    def raise_if_any(self) -> None:
        parts = []
        if self.by_type:
            listed = ", ".join(
                f"{op_type} (nodes: {', '.join(labels)})"
                for op_type, labels in self.by_type.items()
            )
            parts.append(f"unsupported ONNX operators: {listed}")
        parts.extend(self.other)
        if parts:
            raise UnsupportedModelError("; ".join(parts))


def _op_label(node: onnx.NodeProto) -> str:
    if node.domain in DEFAULT_DOMAINS:
        return node.op_type
    return f"{node.domain}.{node.op_type}"


def _node_label(node: onnx.NodeProto) -> str:
    if node.name:
        return node.name
    first = next((o for o in node.output if o), "")
    return f"(unnamed, output '{first}')"


def _raise_for_unsupported_types(g: onnx.GraphProto) -> None:
    """Report the operators of `g` (at its own opset) that cannot translate
    and cannot fold to constants."""
    constant = {t.name for t in g.initializer}
    problems = _Problems()
    for node in g.node:
        default = node.domain in DEFAULT_DOMAINS
        inputs = [n for n in node.input if n]
        folds = (
            default
            and node.op_type not in NONDETERMINISTIC_OPS
            and (
                node.op_type in ("Shape", "Size") or all(n in constant for n in inputs)
            )
        )
        if folds:
            constant.update(node.output)
        elif not default or node.op_type not in TRANSLATORS:
            problems.add(_op_label(node), _node_label(node))
    problems.raise_if_any()


def _translate(graph: OnnxGraph) -> ModuleOp:
    problems = _Problems()
    arg_types = []
    for name in graph.inputs:
        if graph.types[name] != onnx.TensorProto.FLOAT:
            problems.other.append(
                f"input '{name}' has element type "
                f"{onnx.TensorProto.DataType.Name(graph.types[name])} "
                "(n64c models take float32 inputs)"
            )
        arg_types.append(f32_tensor(graph.shapes[name]))
    block = Block(arg_types=arg_types)
    ctx = Context(graph, block)
    for name, arg in zip(graph.inputs, block.args, strict=True):
        ctx.bind(name, arg)

    poisoned: set[str] = set()
    for node in graph.nodes:
        outputs = [o for o in node.output if o]
        translator = (
            TRANSLATORS.get(node.op_type) if node.domain in DEFAULT_DOMAINS else None
        )
        reason: str | None = None
        if translator is None:
            problems.add(_op_label(node), _node_label(node))
        elif any(name in poisoned for name in node.input):
            pass  # an unsupported producer is reported already
        elif missing := [o for o in outputs if o not in graph.shapes]:
            reason = f"output '{missing[0]}' has no static shape"
        else:
            reason = _translate_node(ctx, node)
            if reason is None:
                continue
        if reason is not None:
            problems.add(_op_label(node), _node_label(node), reason)
        # Stand-ins for the outputs let the nodes after this one be checked
        # too, so that one error lists every problem.
        for name in outputs:
            if name in graph.shapes:
                cast = UnrealizedConversionCastOp.get(
                    [], [f32_tensor(graph.shapes[name])]
                )
                block.add_op(cast)
                ctx.bind(name, cast.results[0])
            else:
                poisoned.add(name)

    results = []
    for name in graph.outputs:
        if name in poisoned:
            continue
        if graph.types.get(name) != onnx.TensorProto.FLOAT:
            kind = onnx.TensorProto.DataType.Name(graph.types.get(name, 0))
            problems.other.append(
                f"output '{name}' has element type {kind} "
                "(n64c models produce float32 outputs)"
            )
            continue
        results.append(ctx.value(name))
    problems.raise_if_any()

    block.add_op(ReturnOp(*results))
    func = FuncOp(
        "main",
        (arg_types, [r.type for r in results]),
        Region(block),
    )
    func.attributes["n64.input_names"] = ArrayAttr(
        [StringAttr(n) for n in graph.inputs]
    )
    func.attributes["n64.output_names"] = ArrayAttr(
        [StringAttr(n) for n in graph.outputs]
    )
    return ModuleOp([func])


def _translate_node(ctx: Context, node: onnx.NodeProto) -> str | None:
    """Translate one node; the reason it is unsupported, or None."""
    before = ctx.block.last_op
    try:
        TRANSLATORS[node.op_type](ctx, node, node_attributes(node))
        op = ctx.block.first_op if before is None else before.next_op
        while op is not None:
            op.verify()
            op = op.next_op
    except NotSupported as e:
        return str(e)
    except (VerifyException, ValueError) as e:
        return " ".join(str(e).split())
    return None
