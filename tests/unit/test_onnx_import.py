"""ONNX import: each supported operator against onnxruntime (through the float
engine), constant folding, opset upgrade, shapes, and the error cases."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr
from xdsl.dialects.func import FuncOp

from n64c.dialects import n64_graph as g
from n64c.errors import InvalidInputError, UnsupportedModelError
from n64c.frontend.onnx import import_onnx, import_onnx_model, supported_op_types
from n64c.sim.float_engine import run_float

FLOAT = TensorProto.FLOAT
RNG = np.random.default_rng(1234)


def make_model(
    nodes: Sequence[onnx.NodeProto],
    inputs: dict[str, Sequence[int | str | None]],
    outputs: Sequence[str],
    inits: dict[str, np.ndarray] | None = None,
    opset: int = 17,
    input_type: int = FLOAT,
) -> onnx.ModelProto:
    graph = helper.make_graph(
        list(nodes),
        "test",
        [helper.make_tensor_value_info(n, input_type, s) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, FLOAT, None) for n in outputs],
        [numpy_helper.from_array(v, k) for k, v in (inits or {}).items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8 if opset >= 13 else 7 if opset >= 7 else 3
    return model


def weights(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def ops_of(module: ModuleOp) -> list[str]:
    return [op.name for op in module.walk() if op.name.startswith("n64.")]


def check_against_ort(
    model: onnx.ModelProto, feeds: dict[str, np.ndarray] | None = None
) -> ModuleOp:
    """Import `model`, run it on the float engine and onnxruntime, compare."""
    module = import_onnx_model(model)
    module.verify()
    session = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    if feeds is None:
        feeds = {
            arg.name: RNG.standard_normal(
                [d if isinstance(d, int) else 1 for d in arg.shape]
            ).astype(np.float32)
            for arg in session.get_inputs()
        }
    expected = session.run(None, feeds)
    got = run_float(module, feeds)
    assert list(got) == [o.name for o in session.get_outputs()]
    for ref, out in zip(expected, got.values(), strict=True):
        assert out.shape == ref.shape
        scale = max(float(np.abs(ref).max()), 1.0)
        assert float(np.abs(out - ref).max()) <= 1e-5 * scale
    return module


def unary_model(
    op_type: str, shape: Sequence[int] = (2, 3, 4, 5), **attrs
) -> onnx.ModelProto:
    node = helper.make_node(op_type, ["x"], ["y"], name="n", **attrs)
    return make_model([node], {"x": shape}, ["y"])


# ------------------------------------------------------------ element-wise


@pytest.mark.parametrize(
    ("op_type", "attrs", "n64_op"),
    [
        ("Relu", {}, "n64.relu"),
        ("Sigmoid", {}, "n64.sigmoid"),
        ("Tanh", {}, "n64.tanh"),
        ("LeakyRelu", {"alpha": 0.2}, "n64.leaky_relu"),
        ("LeakyRelu", {}, "n64.leaky_relu"),
        ("Softmax", {}, "n64.softmax"),
        ("Softmax", {"axis": 1}, "n64.softmax"),
        ("Flatten", {"axis": 2}, "n64.flatten"),
        ("Flatten", {"axis": 0}, "n64.flatten"),
        ("Transpose", {"perm": [0, 2, 3, 1]}, "n64.transpose"),
        ("Transpose", {}, "n64.transpose"),
        ("GlobalAveragePool", {}, "n64.global_avgpool"),
        ("Neg", {}, "n64.mul"),
    ],
)
def test_unary(op_type: str, attrs: dict, n64_op: str) -> None:
    module = check_against_ort(unary_model(op_type, **attrs))
    assert n64_op in ops_of(module)


@pytest.mark.parametrize(
    ("lo", "hi"), [(0.0, 6.0), (None, 0.5), (-0.5, None), (None, None)]
)
def test_clip(lo: float | None, hi: float | None) -> None:
    inits = {}
    names = ["x", "", ""]
    if lo is not None:
        inits["lo"] = np.array(lo, np.float32)
        names[1] = "lo"
    if hi is not None:
        inits["hi"] = np.array(hi, np.float32)
        names[2] = "hi"
    node = helper.make_node("Clip", names, ["y"])
    module = check_against_ort(make_model([node], {"x": [2, 8]}, ["y"], inits))
    clip = next(op for op in module.walk() if isinstance(op, g.ClipOp))
    assert clip.get_bounds() == (lo, hi)


@pytest.mark.parametrize("slope_shape", [(1,), (3, 1, 1), (5,)])
def test_prelu(slope_shape: tuple[int, ...]) -> None:
    node = helper.make_node("PRelu", ["x", "s"], ["y"])
    model = make_model([node], {"x": [2, 3, 4, 5]}, ["y"], {"s": weights(*slope_shape)})
    module = check_against_ort(model)
    expect_leaky = slope_shape == (1,)
    assert ("n64.leaky_relu" in ops_of(module)) == expect_leaky


@pytest.mark.parametrize("op_type", ["Add", "Sub", "Mul"])
@pytest.mark.parametrize("b_shape", [[2, 3, 4], [4], [3, 1], [1]])
def test_binary(op_type: str, b_shape: list[int]) -> None:
    node = helper.make_node(op_type, ["a", "b"], ["y"])
    model = make_model([node], {"a": [2, 3, 4], "b": b_shape}, ["y"])
    module = check_against_ort(model)
    assert f"n64.{op_type.lower()}" in ops_of(module)


def test_binary_with_constant_operand() -> None:
    node = helper.make_node("Mul", ["c", "a"], ["y"])
    model = make_model([node], {"a": [2, 3]}, ["y"], {"c": weights(3)})
    assert ops_of(check_against_ort(model)) == ["n64.constant", "n64.mul"]


def test_div_by_constant_is_a_multiplication() -> None:
    node = helper.make_node("Div", ["a", "c"], ["y"])
    model = make_model(
        [node], {"a": [2, 3]}, ["y"], {"c": np.array([2, 4, 8], np.float32)}
    )
    module = check_against_ort(model)
    const = next(op for op in module.walk() if isinstance(op, g.ConstantOp))
    assert const.to_numpy().tolist() == [0.5, 0.25, 0.125]


def test_div_by_computed_value() -> None:
    node = helper.make_node("Div", ["a", "b"], ["y"], name="d")
    model = make_model([node], {"a": [2, 3], "b": [3]}, ["y"])
    rng = np.random.default_rng(0)
    feeds = {
        "a": rng.standard_normal((2, 3)).astype(np.float32),
        "b": rng.uniform(0.5, 2.0, 3).astype(np.float32),
    }
    assert ops_of(check_against_ort(model, feeds)) == ["n64.div"]


def test_sum_of_three() -> None:
    node = helper.make_node("Sum", ["a", "b", "c"], ["y"])
    model = make_model([node], {"a": [2, 3], "b": [3], "c": [2, 1]}, ["y"])
    assert ops_of(check_against_ort(model)) == ["n64.add", "n64.add"]


# ---------------------------------------------------------- linear algebra


@pytest.mark.parametrize("trans_a", [0, 1])
@pytest.mark.parametrize("trans_b", [0, 1])
@pytest.mark.parametrize(("alpha", "beta"), [(1.0, 1.0), (0.5, 2.0), (1.0, 0.0)])
def test_gemm_constant_weights(
    trans_a: int, trans_b: int, alpha: float, beta: float
) -> None:
    a_shape = [6, 3] if trans_a else [3, 6]
    b = weights(*([4, 6] if trans_b else [6, 4]))
    node = helper.make_node(
        "Gemm",
        ["a", "b", "c"],
        ["y"],
        transA=trans_a,
        transB=trans_b,
        alpha=alpha,
        beta=beta,
    )
    model = make_model([node], {"a": a_shape}, ["y"], {"b": b, "c": weights(4)})
    module = check_against_ort(model)
    ops = ops_of(module)
    # Constant weights are transposed and scaled at import; only a computed
    # operand needs an n64.transpose.
    assert ops.count("n64.transpose") == trans_a
    assert "n64.mul" not in ops
    gemm = next(op for op in module.walk() if isinstance(op, g.GemmOp))
    assert (gemm.bias is None) == (beta == 0.0)


@pytest.mark.parametrize("trans_b", [0, 1])
@pytest.mark.parametrize("alpha", [1.0, 3.0])
def test_gemm_computed_operands(trans_b: int, alpha: float) -> None:
    node = helper.make_node(
        "Gemm", ["a", "b", "c"], ["y"], transB=trans_b, alpha=alpha, beta=0.5
    )
    b_shape = [4, 5] if trans_b else [5, 4]
    model = make_model([node], {"a": [3, 5], "b": b_shape, "c": [3, 4]}, ["y"])
    ops = ops_of(check_against_ort(model))
    assert ops.count("n64.transpose") == trans_b
    assert ops.count("n64.mul") == (2 if alpha != 1.0 else 1)


def test_gemm_without_bias() -> None:
    node = helper.make_node("Gemm", ["a", "b"], ["y"])
    model = make_model([node], {"a": [2, 5]}, ["y"], {"b": weights(5, 3)})
    check_against_ort(model)


@pytest.mark.parametrize(
    ("a_shape", "b_shape"),
    [([3, 4], [4, 5]), ([2, 3, 4], [4, 5]), ([2, 3, 4], [2, 4, 5]), ([4], [4, 5])],
)
def test_matmul(a_shape: list[int], b_shape: list[int]) -> None:
    node = helper.make_node("MatMul", ["a", "b"], ["y"])
    model = make_model([node], {"a": a_shape}, ["y"], {"b": weights(*b_shape)})
    assert "n64.matmul" in ops_of(check_against_ort(model))


# ------------------------------------------------------------ convolution


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"pads": [1, 1, 1, 1]},
        {"pads": [0, 1, 2, 1], "strides": [2, 1]},
        {"dilations": [2, 2], "pads": [2, 2, 2, 2]},
        {"auto_pad": "SAME_UPPER", "strides": [2, 2]},
        {"auto_pad": "SAME_LOWER", "strides": [2, 2]},
        {"auto_pad": "VALID", "strides": [2, 2]},
        {"group": 2},
        {"group": 4},
    ],
)
def test_conv2d(attrs: dict) -> None:
    group = attrs.get("group", 1)
    node = helper.make_node(
        "Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3], **attrs
    )
    inits = {"w": weights(8, 4 // group, 3, 3), "b": weights(8)}
    model = make_model([node], {"x": [1, 4, 9, 8]}, ["y"], inits)
    module = check_against_ort(model)
    conv = next(op for op in module.walk() if isinstance(op, g.Conv2dOp))
    assert conv.get_group() == group


def test_conv2d_same_upper_pads_are_explicit() -> None:
    node = helper.make_node(
        "Conv",
        ["x", "w"],
        ["y"],
        kernel_shape=[3, 3],
        strides=[2, 2],
        auto_pad="SAME_UPPER",
    )
    model = make_model([node], {"x": [1, 1, 8, 8]}, ["y"], {"w": weights(2, 1, 3, 3)})
    module = check_against_ort(model)
    conv = next(op for op in module.walk() if isinstance(op, g.Conv2dOp))
    # 8 -> 4 outputs need 1 pixel of padding; SAME_UPPER puts it at the end.
    assert conv.get_pads() == (0, 0, 1, 1)


@pytest.mark.parametrize(
    "attrs", [{}, {"pads": [1, 2], "strides": [2]}, {"dilations": [2]}]
)
def test_conv1d_runs_as_conv2d(attrs: dict) -> None:
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], **attrs)
    inits = {"w": weights(5, 3, 3), "b": weights(5)}
    model = make_model([node], {"x": [2, 3, 10]}, ["y"], inits)
    ops = ops_of(check_against_ort(model))
    assert "n64.conv2d" in ops and ops.count("n64.reshape") == 2


# ---------------------------------------------------------------- pooling


@pytest.mark.parametrize("op_type", ["MaxPool", "AveragePool"])
@pytest.mark.parametrize(
    "attrs",
    [
        {"kernel_shape": [2, 2], "strides": [2, 2]},
        {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]},
        {"kernel_shape": [3, 3], "strides": [2, 2], "ceil_mode": 1},
        {"kernel_shape": [3, 2], "auto_pad": "SAME_UPPER", "strides": [2, 2]},
        {"kernel_shape": [3, 3], "auto_pad": "SAME_LOWER"},
        {"kernel_shape": [3, 3], "auto_pad": "VALID"},
    ],
)
def test_pool2d(op_type: str, attrs: dict) -> None:
    node = helper.make_node(op_type, ["x"], ["y"], **attrs)
    model = make_model([node], {"x": [1, 3, 7, 8]}, ["y"])
    check_against_ort(model)


def test_avgpool_count_include_pad() -> None:
    node = helper.make_node(
        "AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
        count_include_pad=1,
    )  # fmt: skip
    module = check_against_ort(make_model([node], {"x": [1, 2, 5, 5]}, ["y"]))
    pool = next(op for op in module.walk() if isinstance(op, g.AvgPoolOp))
    assert pool.get_count_include_pad()


def test_maxpool_dilated() -> None:
    node = helper.make_node(
        "MaxPool",
        ["x"],
        ["y"],
        kernel_shape=[2, 2],
        dilations=[2, 2],
        pads=[1, 1, 1, 1],
    )
    check_against_ort(make_model([node], {"x": [1, 2, 9, 9]}, ["y"]))


@pytest.mark.parametrize("op_type", ["MaxPool", "AveragePool"])
def test_pool1d_runs_as_pool2d(op_type: str) -> None:
    node = helper.make_node(
        op_type, ["x"], ["y"], kernel_shape=[3], strides=[2], pads=[1, 1]
    )
    check_against_ort(make_model([node], {"x": [2, 3, 11]}, ["y"]))


# ----------------------------------------------------------------- shapes


def test_reshape_with_folded_shape_subgraph() -> None:
    """Shape -> Gather -> Unsqueeze -> Concat -> Reshape, all folded."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus_one"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"]),
    ]
    inits = {
        "zero": np.array(0, np.int64),
        "axes": np.array([0], np.int64),
        "minus_one": np.array([-1], np.int64),
    }
    model = make_model(nodes, {"x": [2, 3, 4]}, ["y"], inits)
    module = check_against_ort(model)
    assert ops_of(module) == ["n64.reshape"]


def test_constant_of_shape_and_constant_nodes_fold() -> None:
    nodes = [
        helper.make_node(
            "Constant",
            [],
            ["shape"],
            value=numpy_helper.from_array(np.array([3], np.int64)),
        ),
        helper.make_node(
            "ConstantOfShape",
            ["shape"],
            ["c"],
            value=numpy_helper.from_array(np.array([0.5], np.float32)),
        ),  # fmt: skip
        helper.make_node("Add", ["x", "c"], ["y"]),
    ]
    module = check_against_ort(make_model(nodes, {"x": [2, 3]}, ["y"]))
    assert ops_of(module) == ["n64.constant", "n64.add"]


def test_constant_weight_subgraph_folds() -> None:
    """A transposed and scaled weight is computed at import."""
    nodes = [
        helper.make_node("Transpose", ["w"], ["wt"]),
        helper.make_node("Mul", ["wt", "two"], ["w2"]),
        helper.make_node("MatMul", ["x", "w2"], ["y"]),
    ]
    inits = {"w": weights(4, 3), "two": np.array(2.0, np.float32)}
    module = check_against_ort(make_model(nodes, {"x": [2, 3]}, ["y"], inits))
    assert ops_of(module) == ["n64.constant", "n64.matmul"]


@pytest.mark.parametrize(
    ("op_type", "axes", "shape"),
    [("Squeeze", [1], [2, 1, 3]), ("Unsqueeze", [0, 3], [2, 3])],
)
def test_squeeze_unsqueeze(op_type: str, axes: list[int], shape: list[int]) -> None:
    node = helper.make_node(op_type, ["x", "axes"], ["y"])
    model = make_model([node], {"x": shape}, ["y"], {"axes": np.array(axes, np.int64)})
    assert ops_of(check_against_ort(model)) == ["n64.reshape"]


def test_concat_with_constant() -> None:
    node = helper.make_node("Concat", ["a", "c", "b"], ["y"], axis=1)
    model = make_model(
        [node], {"a": [2, 3, 2], "b": [2, 1, 2]}, ["y"], {"c": weights(2, 4, 2)}
    )
    assert "n64.concat" in ops_of(check_against_ort(model))


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge"])
def test_pad(mode: str) -> None:
    inputs = ["x", "pads"] + (["value"] if mode == "constant" else [])
    node = helper.make_node("Pad", inputs, ["y"], mode=mode)
    inits = {
        "pads": np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64),
        "value": np.array(1.5, np.float32),
    }
    if mode != "constant":
        del inits["value"]
    check_against_ort(make_model([node], {"x": [1, 2, 4, 5]}, ["y"], inits, opset=18))


def test_pad_with_axes() -> None:
    node = helper.make_node("Pad", ["x", "pads", "", "axes"], ["y"])
    inits = {
        "pads": np.array([1, 2, 3, 0], np.int64),
        "axes": np.array([-1, 2], np.int64),
    }
    module = check_against_ort(
        make_model([node], {"x": [1, 2, 4, 5]}, ["y"], inits, opset=18)
    )
    pad = next(op for op in module.walk() if isinstance(op, g.PadOp))
    assert pad.get_pads() == (0, 0, 2, 1, 0, 0, 0, 3)


@pytest.mark.parametrize("shape", [[2, 3, 4, 5], [2, 3], [2, 3, 5]])
def test_batchnorm(shape: list[int]) -> None:
    node = helper.make_node(
        "BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1e-3
    )
    c = shape[1]
    inits = {
        "s": weights(c),
        "b": weights(c),
        "m": weights(c),
        "v": np.abs(weights(c)) + 0.1,
    }
    module = check_against_ort(make_model([node], {"x": shape}, ["y"], inits))
    assert "n64.batchnorm" in ops_of(module)


# ------------------------------------------------- removal and pass-through


def test_identity_dropout_and_cast_disappear() -> None:
    nodes = [
        helper.make_node("Identity", ["x"], ["a"]),
        helper.make_node("Dropout", ["a", "ratio"], ["b"]),
        helper.make_node("Cast", ["b"], ["c"], to=FLOAT),
        helper.make_node("CastLike", ["c", "like"], ["d"]),
        helper.make_node("Relu", ["d"], ["y"]),
    ]
    inits = {"ratio": np.array(0.3, np.float32), "like": np.zeros(1, np.float32)}
    model = make_model(nodes, {"x": [2, 3]}, ["y"], inits)
    assert ops_of(check_against_ort(model)) == ["n64.relu"]


def test_opset_6_dropout_is_removed() -> None:
    nodes = [
        helper.make_node("Dropout", ["x"], ["d"], is_test=1, ratio=0.5),
        helper.make_node("Relu", ["d"], ["y"]),
    ]
    model = make_model(nodes, {"x": [2, 3]}, ["y"], opset=6)
    assert ops_of(check_against_ort(model)) == ["n64.relu"]


def test_graph_output_can_be_an_input_or_constant() -> None:
    node = helper.make_node("Relu", ["x"], ["y"])
    model = make_model([node], {"x": [2]}, ["y", "x", "c"], {"c": weights(3)})
    module = check_against_ort(model)
    assert ops_of(module) == ["n64.relu", "n64.constant"]


# ------------------------------------------------------- module form, opsets


def test_module_form_and_symbolic_batch() -> None:
    nodes = [
        helper.make_node("Gemm", ["input", "w", "b"], ["h"], transB=1),
        helper.make_node("Softmax", ["h"], ["output"]),
    ]
    inits = {"w": weights(10, 64), "b": weights(10)}
    model = make_model(nodes, {"input": ["N", 64]}, ["output"], inits)
    module = check_against_ort(model)
    (func,) = module.ops
    assert isinstance(func, FuncOp)
    assert func.sym_name.data == "main"
    assert [str(t) for t in func.function_type.inputs] == ["tensor<1x64xf32>"]
    assert [str(t) for t in func.function_type.outputs] == ["tensor<1x10xf32>"]
    assert func.attributes["n64.input_names"] == ArrayAttr([StringAttr("input")])
    assert func.attributes["n64.output_names"] == ArrayAttr([StringAttr("output")])
    assert ops_of(module) == ["n64.constant", "n64.constant", "n64.gemm", "n64.softmax"]


def test_unknown_batch_dimension_becomes_one() -> None:
    node = helper.make_node("Relu", ["x"], ["y"])
    model = make_model([node], {"x": [None, 3]}, ["y"])
    module = import_onnx_model(model)
    (func,) = module.ops
    assert isinstance(func, FuncOp)
    assert str(func.function_type.inputs.data[0]) == "tensor<1x3xf32>"


def test_unknown_inner_dimension_is_an_error() -> None:
    node = helper.make_node("Relu", ["x"], ["y"])
    model = make_model([node], {"x": [1, "width"]}, ["y"])
    with pytest.raises(
        UnsupportedModelError,
        match="input 'x' has a symbolic \\('width'\\) dimension at axis 1",
    ):
        import_onnx_model(model)


def test_opset_6_model_is_upgraded() -> None:
    """Opset 6 semantics: BatchNormalization with `is_test`, Add with the
    legacy `broadcast`/`axis` attributes, Gemm with `broadcast`. onnxruntime
    has no opset-6 BatchNormalization, so numpy gives the expected values."""
    nodes = [
        helper.make_node(
            "BatchNormalization", ["x", "s", "b", "m", "v"], ["bn"], is_test=1
        ),
        helper.make_node("Add", ["bn", "k"], ["a"], broadcast=1, axis=1),
        helper.make_node("Flatten", ["a"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "w", "c"], ["g"], broadcast=1, transB=1),
        helper.make_node("Softmax", ["g"], ["y"], axis=1),
    ]
    inits = {
        "s": weights(2),
        "b": weights(2),
        "m": weights(2),
        "v": np.abs(weights(2)) + 0.5,
        "k": weights(2),
        "w": weights(5, 18),
        "c": weights(5),
    }
    graph = helper.make_graph(
        nodes,
        "old",
        [helper.make_tensor_value_info("x", FLOAT, [1, 2, 3, 3])]
        + [helper.make_tensor_value_info(k, FLOAT, v.shape) for k, v in inits.items()],
        [helper.make_tensor_value_info("y", FLOAT, [1, 5])],
        [numpy_helper.from_array(v, k) for k, v in inits.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 6)])
    model.ir_version = 3
    module = import_onnx_model(model)
    assert ops_of(module).count("n64.gemm") == 1

    x = weights(1, 2, 3, 3)
    p = {k: v.astype(np.float64) for k, v in inits.items()}
    m, v, s, b, k = (p[n][None, :, None, None] for n in "mvsbk")
    bn = (x - m) / np.sqrt(v + 1e-5) * s + b
    logits = (bn + k).reshape(1, 18) @ p["w"].T + p["c"]
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    (got,) = run_float(module, {"x": x}).values()
    assert np.abs(got - expected).max() <= 1e-5


@pytest.mark.parametrize("opset", [7, 9, 11, 13, 15, 18, 21])
def test_every_opset_imports(opset: int) -> None:
    nodes = [
        helper.make_node(
            "Conv", ["x", "w"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]
        ),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1),
    ]
    inits = {"w": weights(3, 1, 3, 3), "fw": weights(4, 48), "fb": weights(4)}
    check_against_ort(make_model(nodes, {"x": [1, 1, 8, 8]}, ["y"], inits, opset=opset))


def test_supported_op_types_are_listed() -> None:
    assert {"Conv", "Gemm", "Relu", "Softmax", "MaxPool"} <= set(supported_op_types())


# ------------------------------------------------------------------ errors


def test_unsupported_ops_are_listed_at_once() -> None:
    nodes = [
        helper.make_node("Erf", ["x"], ["a"], name="e1"),
        helper.make_node("Relu", ["a"], ["b"], name="r1"),
        helper.make_node("HardSwish", ["b"], ["c"], name="h1"),
        helper.make_node("Erf", ["c"], ["d"], name="e2"),
        helper.make_node("Conv", ["d5", "w"], ["y"], name="conv4d"),
        helper.make_node("Unsqueeze", ["d", "axes"], ["d5"], name="u"),
    ]
    # Conv after its input's producer (topological order).
    nodes = nodes[:4] + [nodes[5], nodes[4]]
    inits = {"w": weights(2, 1, 1, 1, 1, 1), "axes": np.array([0, 1], np.int64)}
    model = make_model(nodes, {"x": [1, 2, 2, 2]}, ["y"], inits)
    with pytest.raises(UnsupportedModelError) as info:
        import_onnx_model(model)
    assert str(info.value) == (
        "unsupported ONNX operators: Erf (nodes: e1, e2), HardSwish (nodes: h1), "
        "Conv (nodes: conv4d [4-D convolution (only 1-D, 2-D and 3-D)])"
    )


def test_feature_problems_are_listed_with_reasons() -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="c3"),
        helper.make_node("Relu", ["c"], ["r"], name="r"),
        helper.make_node(
            "LSTM", ["s", "lw", "lr"], ["l"], name="lstm_1", hidden_size=2
        ),
    ]
    inits = {
        "w": weights(2, 1, 1, 1, 1, 1),
        "lw": weights(1, 8, 3),
        "lr": weights(1, 8, 2),
    }
    model = make_model(
        nodes, {"x": [1, 1, 2, 2, 2, 2], "s": [4, 1, 3]}, ["r", "l"], inits
    )
    with pytest.raises(UnsupportedModelError) as info:
        import_onnx_model(model)
    assert str(info.value) == (
        "unsupported ONNX operators: Conv (nodes: c3 [4-D convolution (only 1-D, "
        "2-D and 3-D)]), LSTM (nodes: lstm_1)"
    )


def test_custom_domain_op_is_unsupported() -> None:
    nodes = [
        helper.make_node("FusedThing", ["x"], ["y"], name="f", domain="com.example")
    ]
    graph = helper.make_graph(
        nodes,
        "custom",
        [helper.make_tensor_value_info("x", FLOAT, [2])],
        [helper.make_tensor_value_info("y", FLOAT, [2])],
    )
    model = helper.make_model(
        graph,
        opset_imports=[
            helper.make_opsetid("", 17),
            helper.make_opsetid("com.example", 1),
        ],
    )
    with pytest.raises(
        UnsupportedModelError,
        match=r"^unsupported ONNX operators: com.example.FusedThing \(nodes: f\)$",
    ):
        import_onnx_model(model)


def test_non_float_input_is_an_error() -> None:
    nodes = [
        helper.make_node("Cast", ["x"], ["f"], to=FLOAT),
        helper.make_node("Relu", ["f"], ["y"], name="r"),
    ]
    model = make_model(nodes, {"x": [2]}, ["y"], input_type=TensorProto.INT32)
    with pytest.raises(UnsupportedModelError, match="input 'x' has element type INT32"):
        import_onnx_model(model)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such file"):
        import_onnx(tmp_path / "nope.onnx")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="is a directory"):
        import_onnx(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.onnx"
    path.write_bytes(b"")
    with pytest.raises(InvalidInputError, match="empty file"):
        import_onnx(path)


def test_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.onnx"
    path.write_text("This is not a neural network.\nJust text.\n")
    with pytest.raises(
        InvalidInputError, match="not a valid ONNX model|not an ONNX model"
    ):
        import_onnx(path)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_file(tmp_path: Path, examples_dir: Path, keep: float) -> None:
    data = (examples_dir / "mlp_digits.onnx").read_bytes()
    path = tmp_path / "cut.onnx"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InvalidInputError, match="cut.onnx"):
        import_onnx(path)


def test_external_data(tmp_path: Path) -> None:
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    w = weights(64, 32)
    model = make_model([node], {"x": [2, 64]}, ["y"], {"w": w})
    path = tmp_path / "ext.onnx"
    onnx.save(model, str(path), save_as_external_data=True, location="ext.bin",
              size_threshold=0)  # fmt: skip
    module = import_onnx(path)
    const = next(op for op in module.walk() if isinstance(op, g.ConstantOp))
    assert np.array_equal(const.to_numpy(), w)
    (tmp_path / "ext.bin").unlink()
    with pytest.raises(
        InvalidInputError, match="external data file 'ext.bin' of tensor 'w' not found"
    ):
        import_onnx(path)


def test_truncated_external_data(tmp_path: Path) -> None:
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    model = make_model([node], {"x": [2, 64]}, ["y"], {"w": weights(64, 32)})
    path = tmp_path / "ext.onnx"
    onnx.save(model, str(path), save_as_external_data=True, location="ext.bin",
              size_threshold=0)  # fmt: skip
    data = (tmp_path / "ext.bin").read_bytes()
    (tmp_path / "ext.bin").write_bytes(data[:1000])
    with pytest.raises(InvalidInputError, match="ext.onnx: .*'w'"):
        import_onnx(path)


def test_external_data_not_loaded_in_memory(tmp_path: Path) -> None:
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    model = make_model([node], {"x": [2, 64]}, ["y"], {"w": weights(64, 32)})
    path = tmp_path / "ext.onnx"
    onnx.save(model, str(path), save_as_external_data=True, location="ext.bin",
              size_threshold=0)  # fmt: skip
    lazy = onnx.load(str(path), load_external_data=False)
    with pytest.raises(InvalidInputError, match="external file that was not loaded"):
        import_onnx_model(lazy)


def test_invalid_graph_is_reported(tmp_path: Path) -> None:
    node = helper.make_node("Relu", ["missing"], ["y"])
    model = make_model([node], {"x": [2]}, ["y"])
    with pytest.raises(InvalidInputError, match="invalid ONNX model"):
        import_onnx_model(model)


def test_sparse_initializer() -> None:
    dense = np.zeros((4, 3), np.float32)
    dense[1, 2], dense[3, 0] = 1.5, -2.0
    sparse = helper.make_sparse_tensor(
        numpy_helper.from_array(np.array([1.5, -2.0], np.float32), "w"),
        numpy_helper.from_array(np.array([5, 9], np.int64), "w_indices"),
        [4, 3],
    )
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    model = make_model([node], {"x": [2, 4]}, ["y"])
    model.graph.sparse_initializer.append(sparse)
    module = import_onnx_model(model)
    const = next(op for op in module.walk() if isinstance(op, g.ConstantOp))
    assert np.array_equal(const.to_numpy(), dense)
    x = weights(2, 4)
    (got,) = run_float(module, {"x": x}).values()
    assert np.allclose(got, x @ dense)


def test_local_functions_are_inlined() -> None:
    """PyTorch's exporter wraps modules in model-local functions."""
    block = helper.make_function(
        "local",
        "LinearRelu",
        ["x", "w"],
        ["y"],
        [
            helper.make_node("MatMul", ["x", "w"], ["m"]),
            helper.make_node("Relu", ["m"], ["y"]),
        ],
        [helper.make_opsetid("", 17)],
    )
    nodes = [
        helper.make_node("LinearRelu", ["x", "w1"], ["h"], domain="local", name="b1"),
        helper.make_node("LinearRelu", ["h", "w2"], ["y"], domain="local", name="b2"),
    ]
    model = make_model(
        nodes, {"x": [2, 4]}, ["y"], {"w1": weights(4, 5), "w2": weights(5, 3)}
    )
    model.opset_import.append(helper.make_opsetid("local", 1))
    model.functions.append(block)
    module = check_against_ort(model)
    assert [op for op in ops_of(module) if op != "n64.constant"] == [
        "n64.matmul",
        "n64.relu",
        "n64.matmul",
        "n64.relu",
    ]


def test_gemm_alpha_goes_to_the_constant_operand() -> None:
    node = helper.make_node("Gemm", ["a", "b"], ["y"], alpha=0.5)
    model = make_model([node], {"b": [3, 4]}, ["y"], {"a": weights(2, 3)})
    module = check_against_ort(model)
    assert ops_of(module) == ["n64.constant", "n64.gemm"]
