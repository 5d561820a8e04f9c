"""Reading, validating and upgrading ONNX models.

Everything that can go wrong with the user's file raises an
:class:`~n64c.errors.InvalidInputError`; an opset the converter cannot upgrade
raises an :class:`~n64c.errors.UnsupportedModelError`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import onnx
from google.protobuf.message import DecodeError, Message
from onnx import helper, inliner, numpy_helper, version_converter
from onnx.external_data_helper import (
    ExternalDataInfo,
    load_external_data_for_model,
    uses_external_data,
)

from n64c.errors import InvalidInputError, UnsupportedModelError

DEFAULT_DOMAINS = ("", "ai.onnx")

_LARGE_ELEMENTS = 1024
"""Float initializers with more elements are kept out of the skeleton."""

_LARGE_KINDS = frozenset(
    {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16}
)

_CHECKER_LIMIT = 2**31 - 1
"""Protobuf's serialisation limit; bigger models skip the structural check."""


def newest_opset() -> int:
    """The newest default-domain opset the installed `onnx` package knows."""
    return onnx.defs.onnx_opset_version()


def default_opset(model: onnx.ModelProto) -> int:
    """The model's default-domain (`ai.onnx`) opset version."""
    for opset in model.opset_import:
        if opset.domain in DEFAULT_DOMAINS:
            return opset.version
    raise InvalidInputError("the ONNX model imports no default-domain opset")


def load_model_file(path: str | os.PathLike[str]) -> onnx.ModelProto:
    """Read `path` (with its external data, looked up next to it); the
    caller checks the model with :func:`check_model`."""
    path = Path(path)
    if not path.exists():
        raise InvalidInputError(f"{path}: no such file")
    if path.is_dir():
        raise InvalidInputError(f"{path}: is a directory, not an ONNX model")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot read: {e.strerror}") from None
    if not data:
        raise InvalidInputError(f"{path}: empty file, not an ONNX model")
    try:
        model = onnx.ModelProto.FromString(data)
    except (DecodeError, RuntimeWarning, ValueError) as e:
        raise InvalidInputError(
            f"{path}: not a valid ONNX model (truncated or not ONNX: {_one_line(e)})"
        ) from None
    check_looks_like_onnx(model, str(path))
    if any(uses_external_data(t) for t in _all_initializers(model)):
        _load_external_data(model, path)
    return model


def split_large_initializers(
    model: onnx.ModelProto, where: str = "model"
) -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    """A copy of `model` whose large float initializers are declared as graph
    inputs (type and shape only), and their values as numpy arrays.

    The checker, the version converter and shape inference serialise the
    whole model; on the skeleton they stay fast whatever the weights weigh.
    """
    check_looks_like_onnx(model, where)
    check_text_fields(model, where)
    g = model.graph
    skeleton = onnx.ModelProto()
    for name in ("ir_version", "producer_name", "producer_version", "domain",
                 "model_version", "doc_string"):  # fmt: skip
        setattr(skeleton, name, getattr(model, name))
    skeleton.opset_import.extend(model.opset_import)
    skeleton.functions.extend(model.functions)
    sg = skeleton.graph
    sg.name = g.name
    sg.node.extend(g.node)
    sg.input.extend(g.input)
    sg.output.extend(g.output)
    sg.value_info.extend(g.value_info)
    declared = {i.name for i in g.input}
    large: dict[str, np.ndarray] = {}
    for sparse in g.sparse_initializer:  # the converter does not know them
        array = _sparse_to_array(sparse)
        large[sparse.values.name] = array
        if sparse.values.name not in declared:
            sg.input.append(
                helper.make_tensor_value_info(
                    sparse.values.name, sparse.values.data_type, array.shape
                )
            )
    for tensor in g.initializer:
        if uses_external_data(tensor):
            raise InvalidInputError(
                f"{where}: tensor '{tensor.name}' keeps its data in an external "
                "file that was not loaded; import the model from its path"
            )
        count = math.prod(tensor.dims)
        if tensor.data_type not in _LARGE_KINDS or count <= _LARGE_ELEMENTS:
            sg.initializer.append(tensor)
            continue
        try:
            array = numpy_helper.to_array(tensor)
        except (ValueError, TypeError) as e:
            raise InvalidInputError(
                f"{where}: initializer '{tensor.name}' is malformed: {_one_line(e)}"
            ) from None
        large[tensor.name] = (
            array if array.flags.c_contiguous else array.copy(order="C")
        )
        if tensor.name not in declared:
            sg.input.append(
                helper.make_tensor_value_info(
                    tensor.name, tensor.data_type, list(tensor.dims)
                )
            )
    return skeleton, large


def _sparse_to_array(sparse: onnx.SparseTensorProto) -> np.ndarray:
    """The dense value of a sparse initializer."""
    values = numpy_helper.to_array(sparse.values)
    indices = numpy_helper.to_array(sparse.indices).astype(np.int64)
    shape = tuple(int(d) for d in sparse.dims)
    dense = np.zeros(int(np.prod(shape)), dtype=values.dtype)
    if indices.ndim == 2:  # one row of coordinates per value
        indices = np.ravel_multi_index(tuple(indices.T), shape)
    dense[indices.reshape(-1)] = values.reshape(-1)
    return dense.reshape(shape)


def inline_functions(model: onnx.ModelProto, where: str = "model") -> onnx.ModelProto:
    """Inline the model's local functions (PyTorch's exporter wraps modules
    in them), so their bodies translate like any other nodes."""
    if not model.functions:
        return model
    try:
        return inliner.inline_local_functions(model)
    except Exception as e:  # the inliner raises plain C++ errors
        raise InvalidInputError(
            f"{where}: cannot inline the model's local functions: {_one_line(e)}"
        ) from None


def check_model(model: onnx.ModelProto, where: str = "model") -> None:
    """Structural validation with `onnx.checker` (a clear error if it fails)."""
    check_looks_like_onnx(model, where)
    if model.ByteSize() < _CHECKER_LIMIT:
        probe = onnx.ModelProto()
        probe.CopyFrom(model)
        for value in probe.graph.output:
            # Output types are inferred again; like onnxruntime, accept
            # outputs declared without a type or shape.
            tensor_type = value.type.tensor_type
            if not tensor_type.elem_type:
                tensor_type.elem_type = onnx.TensorProto.FLOAT
            tensor_type.shape.SetInParent()
        try:
            onnx.checker.check_model(probe)
        except onnx.checker.ValidationError as e:
            raise InvalidInputError(
                f"{where}: invalid ONNX model: {_one_line(e)}"
            ) from None
        except UnicodeDecodeError as e:  # the message quotes a damaged name
            text = bytes(e.object).decode("utf-8", errors="replace")
            raise InvalidInputError(
                f"{where}: invalid ONNX model: {_one_line(ValueError(text))}"
            ) from None


def upgrade_opset(model: onnx.ModelProto) -> onnx.ModelProto:
    """Convert the model to :func:`newest_opset`, so each operator is
    translated at one set of semantics."""
    version = default_opset(model)
    target = newest_opset()
    if version > target:
        raise UnsupportedModelError(
            f"the model uses opset {version}, newer than the newest this onnx "
            f"package knows ({target})"
        )
    if version == target:
        return model
    if version < 7:
        model = _explicit_legacy_broadcast(model)
    try:
        return version_converter.convert_version(model, target)
    except Exception as e:  # the converter raises plain RuntimeErrors
        raise UnsupportedModelError(
            f"cannot upgrade the model from opset {version} to opset {target}: "
            f"{_one_line(e)}"
        ) from None


_LEGACY_BROADCAST_OPS = frozenset(
    {"Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less"}
)


def _explicit_legacy_broadcast(model: onnx.ModelProto) -> onnx.ModelProto:
    """Before opset 7, `broadcast=1, axis=k` aligned B with A's axis k. The
    version converter gets this wrong when B does not reach A's last axis
    (it appends one axis too many), so such a B gets an explicit Unsqueeze
    of the missing trailing axes first, and the `axis` attribute goes."""
    g = model.graph

    def attr(node: onnx.NodeProto, name: str) -> int | None:
        return next((a.i for a in node.attribute if a.name == name), None)

    todo = {
        index
        for index, n in enumerate(g.node)
        if n.op_type in _LEGACY_BROADCAST_OPS
        and n.domain in DEFAULT_DOMAINS
        and len(n.input) == 2
        and attr(n, "broadcast") == 1
        and attr(n, "axis") is not None
    }
    if not todo:
        return model
    inferred = onnx.shape_inference.infer_shapes(model).graph
    ranks = {t.name: len(t.dims) for t in g.initializer}
    for value in [*inferred.input, *inferred.value_info, *inferred.output]:
        if value.type.tensor_type.HasField("shape"):
            ranks[value.name] = len(value.type.tensor_type.shape.dim)
    out = onnx.ModelProto()
    out.CopyFrom(model)
    del out.graph.node[:]
    for index, node in enumerate(g.node):
        if index not in todo:
            out.graph.node.append(node)
            continue
        rank_a, rank_b = ranks.get(node.input[0]), ranks.get(node.input[1])
        if rank_a is None or rank_b is None:
            out.graph.node.append(node)
            continue
        axis = attr(node, "axis") or 0
        axis = axis + rank_a if axis < 0 else axis
        missing = rank_a - axis - rank_b
        b = node.input[1]
        if missing > 0:
            b = f"{node.input[1]}__aligned_{len(out.graph.node)}"
            axes = list(range(rank_b, rank_b + missing))
            out.graph.node.append(
                helper.make_node("Unsqueeze", [node.input[1]], [b], axes=axes)
            )
        fixed = onnx.NodeProto()
        fixed.CopyFrom(node)
        fixed.input[1] = b
        kept = [a for a in fixed.attribute if a.name != "axis"]
        del fixed.attribute[:]
        fixed.attribute.extend(kept)
        out.graph.node.append(fixed)
    return out


def check_text_fields(message: Message, where: str, path: str = "model") -> None:
    """Raise `InvalidInputError` naming the first string field of `message`
    that is not UTF-8 (protobuf parses such a field and hands it over as
    bytes, which fail far from here)."""
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if field.type == field.TYPE_STRING:
            items = list(value) if field.is_repeated else [value]
            for i, item in enumerate(items):
                if isinstance(item, bytes):
                    index = f"[{i}]" if field.is_repeated else ""
                    raise InvalidInputError(
                        f"{where}: invalid ONNX model: the text of "
                        f"{path}.{field.name}{index} is not UTF-8 ({item[:40]!r})"
                    )
        elif field.type == field.TYPE_MESSAGE:
            if field.is_repeated:
                for i, item in enumerate(value):
                    check_text_fields(item, where, f"{path}.{field.name}[{i}]")
            elif message.HasField(field.name):
                check_text_fields(value, where, f"{path}.{field.name}")


def check_looks_like_onnx(model: onnx.ModelProto, where: str) -> None:
    # A text file or a random blob can decode as a nearly empty message.
    if model.ir_version <= 0 or not model.HasField("graph"):
        raise InvalidInputError(f"{where}: not an ONNX model")
    if not model.graph.output:
        raise InvalidInputError(
            f"{where}: invalid ONNX model: the graph has no outputs"
        )
    if not model.opset_import:
        raise InvalidInputError(f"{where}: invalid ONNX model: no opset imports")


def _all_initializers(model: onnx.ModelProto) -> list[onnx.TensorProto]:
    tensors = list(model.graph.initializer)
    for node in model.graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR:
                tensors.append(attr.t)
    return tensors


def _load_external_data(model: onnx.ModelProto, path: Path) -> None:
    base = path.resolve().parent
    for tensor in _all_initializers(model):
        if not uses_external_data(tensor):
            continue
        info = ExternalDataInfo(tensor)
        location = base / info.location
        if not location.is_file():
            raise InvalidInputError(
                f"{path}: external data file '{info.location}' of tensor "
                f"'{tensor.name}' not found (looked in {base})"
            )
    try:
        load_external_data_for_model(model, str(base))
    except (OSError, ValueError, onnx.checker.ValidationError) as e:
        raise InvalidInputError(
            f"{path}: cannot load external data: {_one_line(e)}"
        ) from None
    for tensor in _all_initializers(model):
        expected = _expected_bytes(tensor)
        if (
            expected is not None
            and tensor.HasField("raw_data")
            and len(tensor.raw_data) != expected
        ):
            raise InvalidInputError(
                f"{path}: external data of tensor '{tensor.name}' is truncated "
                f"({len(tensor.raw_data)} bytes, expected {expected})"
            )


_WHOLE_BYTE_TYPES: dict[int, int] = {
    onnx.TensorProto.FLOAT: 4,
    onnx.TensorProto.DOUBLE: 8,
    onnx.TensorProto.FLOAT16: 2,
    onnx.TensorProto.BFLOAT16: 2,
    onnx.TensorProto.INT64: 8,
    onnx.TensorProto.INT32: 4,
    onnx.TensorProto.INT16: 2,
    onnx.TensorProto.INT8: 1,
    onnx.TensorProto.UINT8: 1,
    onnx.TensorProto.BOOL: 1,
}


def _expected_bytes(tensor: onnx.TensorProto) -> int | None:
    itemsize = _WHOLE_BYTE_TYPES.get(int(tensor.data_type))
    if itemsize is None:
        return None
    count = 1
    for d in tensor.dims:
        count *= d
    return count * itemsize


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= 300 else text[:297] + "..."
