"""Import of the float-only operators (Elu, Selu, Softplus, Exp, Abs, Div,
LogSoftmax, LRN), of Split, Slice and Gather with constant indices, of
ConvTranspose and of 3-D Conv and pools: each against onnxruntime through
the float engine, and the rejections that remain."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import onnx
import pytest
from onnx import helper
from test_onnx_import import (
    check_against_ort,
    make_model,
    ops_of,
    unary_model,
    weights,
)

from n64c.errors import UnsupportedModelError
from n64c.frontend.onnx import import_onnx_model


@pytest.mark.parametrize(
    ("op_type", "attrs", "n64_op"),
    [
        ("Exp", {}, "n64.exp"),
        ("Abs", {}, "n64.abs"),
        ("Softplus", {}, "n64.softplus"),
        ("Elu", {}, "n64.elu"),
        ("Elu", {"alpha": 2.0}, "n64.elu"),
        ("Selu", {}, "n64.selu"),
        ("Selu", {"alpha": 1.5, "gamma": 0.5}, "n64.selu"),
        ("LogSoftmax", {}, "n64.log_softmax"),
        ("LogSoftmax", {"axis": 1}, "n64.log_softmax"),
        ("LRN", {"size": 3}, "n64.lrn"),
        ("LRN", {"size": 5, "alpha": 0.01, "beta": 0.5, "bias": 2.0}, "n64.lrn"),
    ],
)
def test_float_unary(op_type: str, attrs: dict, n64_op: str) -> None:
    assert ops_of(check_against_ort(unary_model(op_type, **attrs))) == [n64_op]


def test_softplus_of_large_values() -> None:
    x = np.array([[-100.0, -20.0, 0.0, 20.0, 100.0]], np.float32)
    check_against_ort(unary_model("Softplus", (1, 5)), {"x": x})


def test_split() -> None:
    nodes = [
        helper.make_node("Split", ["x", "sizes"], ["a", "b", "c"], axis=1),
        helper.make_node("Split", ["x"], ["d", "e"], axis=-1, num_outputs=2),
    ]
    inits = {"sizes": np.array([1, 3, 2], np.int64)}
    model = make_model(
        nodes, {"x": [2, 6, 4]}, ["a", "b", "c", "d", "e"], inits, opset=18
    )
    assert ops_of(check_against_ort(model)).count("n64.slice") == 5


def test_slice() -> None:
    node = helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["y"])
    inits = {
        "starts": np.array([1, -3], np.int64),
        "ends": np.array([100, -1], np.int64),
        "axes": np.array([1, 3], np.int64),
    }
    model = make_model([node], {"x": [1, 4, 3, 5]}, ["y"], inits)
    assert ops_of(check_against_ort(model)) == ["n64.slice", "n64.slice"]


@pytest.mark.parametrize(
    ("indices", "axis", "shape"),
    [
        (np.array([2, 0, 2, -1], np.int64), 1, [1, 4, 3]),
        (np.array(1, np.int64), 2, [2, 3, 4]),
        (np.array([[0, 1], [1, 0]], np.int64), 0, [2, 5]),
    ],
)
def test_gather_with_constant_indices(
    indices: np.ndarray, axis: int, shape: Sequence[int]
) -> None:
    node = helper.make_node("Gather", ["x", "i"], ["y"], axis=axis)
    model = make_model([node], {"x": shape}, ["y"], {"i": indices})
    assert ops_of(check_against_ort(model)) == ["n64.gather"]


def test_gather_with_computed_indices_is_rejected() -> None:
    nodes = [
        helper.make_node("Cast", ["x"], ["i"], to=onnx.TensorProto.INT64),
        helper.make_node("Gather", ["table", "i"], ["y"], name="lookup"),
    ]
    model = make_model([*nodes], {"x": [3]}, ["y"], {"table": weights(5, 2)})
    with pytest.raises(UnsupportedModelError) as info:
        import_onnx_model(model)
    assert "Gather (nodes: lookup [indices computed at run time])" in str(info.value)


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "attrs"),
    [
        ([1, 3, 5, 4], [3, 2, 3, 3], {}),
        ([1, 3, 7, 6], [3, 3, 3, 3], {"strides": [3, 2], "pads": [1, 1, 1, 1],
                                      "output_padding": [1, 1]}),
        ([2, 4, 3, 3], [4, 1, 2, 3], {"group": 2, "dilations": [2, 1],
                                      "strides": [2, 2]}),
        ([1, 2, 4, 4], [2, 2, 3, 3], {"strides": [2, 2], "output_shape": [8, 8]}),
        ([1, 2, 4, 4], [2, 2, 3, 3], {"strides": [2, 2], "auto_pad": "SAME_UPPER"}),
        ([1, 2, 6], [2, 3, 4], {"strides": [2], "pads": [1, 2]}),
    ],
)  # fmt: skip
def test_conv_transpose(x_shape: list[int], w_shape: list[int], attrs: dict) -> None:
    node = helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], **attrs)
    group = attrs.get("group", 1)
    inits = {"w": weights(*w_shape), "b": weights(w_shape[1] * group)}
    model = make_model([node], {"x": x_shape}, ["y"], inits)
    assert "n64.conv_transpose2d" in ops_of(check_against_ort(model))


def test_conv3d() -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["y"], strides=[1, 2, 1],
                         pads=[1, 0, 1, 0, 1, 1], dilations=[1, 1, 2], group=2),
    ]  # fmt: skip
    inits = {"w": weights(4, 1, 3, 2, 2), "b": weights(4)}
    model = make_model(nodes, {"x": [2, 2, 4, 5, 6]}, ["y"], inits)
    assert ops_of(check_against_ort(model))[-1] == "n64.conv3d"


@pytest.mark.parametrize(
    ("op_type", "attrs"),
    [
        ("MaxPool", {"kernel_shape": [2, 2, 2], "strides": [2, 2, 2]}),
        ("MaxPool", {"kernel_shape": [3, 2, 2], "pads": [1, 1, 0, 1, 0, 1],
                     "ceil_mode": 1, "strides": [2, 2, 2], "dilations": [1, 2, 1]}),
        ("AveragePool", {"kernel_shape": [3, 3, 3], "pads": [1, 1, 1, 1, 1, 1]}),
        ("AveragePool", {"kernel_shape": [3, 3, 3], "pads": [1, 1, 1, 1, 1, 1],
                         "count_include_pad": 1, "strides": [2, 2, 2],
                         "ceil_mode": 1}),
    ],
)  # fmt: skip
def test_pool3d(op_type: str, attrs: dict) -> None:
    module = check_against_ort(unary_model(op_type, (1, 2, 5, 6, 5), **attrs))
    expected = "n64.maxpool3d" if op_type == "MaxPool" else "n64.avgpool3d"
    assert ops_of(module) == [expected]
