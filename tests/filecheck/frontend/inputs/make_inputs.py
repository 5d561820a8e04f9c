"""Write the tiny ONNX models the frontend FileCheck tests import.

Run ``python tests/filecheck/frontend/inputs/make_inputs.py``; the `.onnx`
files land next to this script and are committed. Weights are small exact
numbers (multiples of 1/4) so the printed IR is easy to check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
FLOAT = TensorProto.FLOAT


def model(
    nodes: Sequence[onnx.NodeProto],
    inputs: dict[str, Sequence[int | str]],
    outputs: Sequence[str],
    inits: dict[str, np.ndarray] | None = None,
    opset: int = 17,
    input_type: int = FLOAT,
) -> onnx.ModelProto:
    graph = helper.make_graph(
        list(nodes),
        "g",
        [helper.make_tensor_value_info(n, input_type, s) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, FLOAT, None) for n in outputs],
        [numpy_helper.from_array(v, k) for k, v in (inits or {}).items()],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8 if opset >= 13 else 3
    return m


def quarters(*shape: int) -> np.ndarray:
    """0.25, 0.5, 0.75, ... in the given shape."""
    return (np.arange(1, int(np.prod(shape)) + 1, dtype=np.float32) / 4).reshape(shape)


def node(op: str, inputs: list[str], outputs: list[str], **attrs) -> onnx.NodeProto:
    return helper.make_node(
        op, inputs, outputs, name=f"{op.lower()}_{outputs[0]}", **attrs
    )


MODELS: dict[str, Callable[[], onnx.ModelProto]] = {}


def register(func: Callable[[], onnx.ModelProto]) -> Callable[[], onnx.ModelProto]:
    MODELS[func.__name__] = func
    return func


# ----------------------------------------------------------- element-wise


@register
def activations() -> onnx.ModelProto:
    nodes = [
        node("Relu", ["x"], ["a"]),
        node("Sigmoid", ["a"], ["b"]),
        node("Tanh", ["b"], ["c"]),
        node("LeakyRelu", ["c"], ["d"], alpha=0.25),
        node("Clip", ["d", "lo", "hi"], ["e"]),
        node("Clip", ["e", "", "hi"], ["y"]),
    ]
    inits = {"lo": np.array(0.0, np.float32), "hi": np.array(6.0, np.float32)}
    return model(nodes, {"x": [1, 4]}, ["y"], inits)


@register
def prelu() -> onnx.ModelProto:
    nodes = [
        node("PRelu", ["x", "slope"], ["a"]),
        node("PRelu", ["a", "one_slope"], ["y"]),
    ]
    inits = {"slope": quarters(2, 1, 1), "one_slope": np.array([0.5], np.float32)}
    return model(nodes, {"x": [1, 2, 2, 2]}, ["y"], inits)


@register
def arithmetic() -> onnx.ModelProto:
    nodes = [
        node("Add", ["x", "b"], ["a"]),
        node("Sub", ["a", "x"], ["s"]),
        node("Mul", ["s", "x"], ["m"]),
        node("Div", ["m", "four"], ["d"]),
        node("Neg", ["d"], ["n"]),
        node("Sum", ["n", "x", "b"], ["y"]),
    ]
    inits = {"b": quarters(3), "four": np.array(4.0, np.float32)}
    return model(nodes, {"x": [2, 3]}, ["y"], inits)


@register
def softmax() -> onnx.ModelProto:
    return model([node("Softmax", ["x"], ["y"], axis=1)], {"x": [1, 3, 4]}, ["y"])


# --------------------------------------------------------- linear algebra


@register
def gemm_constant() -> onnx.ModelProto:
    """transB and alpha fold into the weight, beta into the bias."""
    nodes = [node("Gemm", ["x", "w", "c"], ["y"], transB=1, alpha=2.0, beta=0.5)]
    inits = {"w": quarters(3, 2), "c": quarters(3)}
    return model(nodes, {"x": [1, 2]}, ["y"], inits)


@register
def gemm_computed() -> onnx.ModelProto:
    """Computed operands get n64.transpose and n64.mul ops."""
    nodes = [node("Gemm", ["a", "b", "c"], ["y"], transA=1, alpha=2.0, beta=3.0)]
    return model(nodes, {"a": [4, 2], "b": [4, 3], "c": [2, 3]}, ["y"])


@register
def matmul() -> onnx.ModelProto:
    nodes = [node("MatMul", ["x", "w"], ["y"])]
    return model(nodes, {"x": [2, 3, 4]}, ["y"], {"w": quarters(4, 2)})


# ------------------------------------------------------------ convolution


@register
def conv() -> onnx.ModelProto:
    nodes = [
        node(
            "Conv", ["x", "w", "b"], ["a"], pads=[1, 0, 1, 2], strides=[2, 1], group=2
        ),
        node(
            "Conv",
            ["a", "w2"],
            ["y"],
            kernel_shape=[3, 3],
            strides=[2, 2],
            auto_pad="SAME_UPPER",
        ),  # fmt: skip
    ]
    inits = {"w": quarters(4, 1, 1, 1), "b": quarters(4), "w2": quarters(1, 4, 3, 3)}
    return model(nodes, {"x": [1, 2, 5, 5]}, ["y"], inits)


@register
def conv1d() -> onnx.ModelProto:
    nodes = [node("Conv", ["x", "w"], ["y"], pads=[1, 1], dilations=[2])]
    return model(nodes, {"x": [1, 1, 8]}, ["y"], {"w": quarters(2, 1, 3)})


# ----------------------------------------------------------------- pooling


@register
def pooling() -> onnx.ModelProto:
    nodes = [
        node("MaxPool", ["x"], ["a"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
        node(
            "AveragePool",
            ["a"],
            ["b"],
            kernel_shape=[2, 2],
            pads=[1, 1, 1, 1],
            count_include_pad=1,
        ),  # fmt: skip
        node("MaxPool", ["b"], ["c"], kernel_shape=[2, 2], auto_pad="SAME_LOWER"),
        node("GlobalAveragePool", ["c"], ["y"]),
    ]
    return model(nodes, {"x": [1, 2, 8, 8]}, ["y"])


@register
def pool1d() -> onnx.ModelProto:
    nodes = [node("MaxPool", ["x"], ["y"], kernel_shape=[2], strides=[2])]
    return model(nodes, {"x": [1, 3, 8]}, ["y"])


# ------------------------------------------------------------------ shapes


@register
def reshape_folded() -> onnx.ModelProto:
    """A PyTorch-style `x.view(x.size(0), -1)`: the shape computation folds."""
    nodes = [
        node("Shape", ["x"], ["s"]),
        node("Gather", ["s", "zero"], ["n"], axis=0),
        node("Unsqueeze", ["n", "axes"], ["n1"]),
        node("Concat", ["n1", "minus_one"], ["target"], axis=0),
        node("Reshape", ["x", "target"], ["y"]),
    ]
    inits = {
        "zero": np.array(0, np.int64),
        "axes": np.array([0], np.int64),
        "minus_one": np.array([-1], np.int64),
    }
    return model(nodes, {"x": ["batch", 2, 3, 4]}, ["y"], inits)


@register
def shapes() -> onnx.ModelProto:
    nodes = [
        node("Flatten", ["x"], ["f"], axis=2),
        node("Unsqueeze", ["f", "ax0"], ["u"]),
        node("Squeeze", ["u", "ax0"], ["s"]),
        node("Transpose", ["s"], ["t"], perm=[1, 0]),
        node("Concat", ["t", "t"], ["c"], axis=-1),
        node("Pad", ["c", "pads"], ["y"], mode="reflect"),
    ]
    inits = {
        "ax0": np.array([0], np.int64),
        "pads": np.array([1, 0, 0, 2], np.int64),
    }
    return model(nodes, {"x": [2, 3, 2, 2]}, ["y"], inits)


@register
def pad_constant() -> onnx.ModelProto:
    nodes = [node("Pad", ["x", "pads", "value", "axes"], ["y"])]
    inits = {
        "pads": np.array([1, 2, 3, 4], np.int64),
        "value": np.array(1.5, np.float32),
        "axes": np.array([2, 3], np.int64),
    }
    return model(nodes, {"x": [1, 1, 2, 2]}, ["y"], inits, opset=18)


# ----------------------------------------------------- normalisation, misc


@register
def batchnorm() -> onnx.ModelProto:
    nodes = [node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=0.25)]
    inits = {n: quarters(2) for n in ("s", "b", "m", "v")}
    return model(nodes, {"x": [1, 2, 2, 2]}, ["y"], inits)


@register
def removed() -> onnx.ModelProto:
    """Identity, Dropout and a float Cast disappear."""
    nodes = [
        node("Identity", ["x"], ["a"]),
        node("Dropout", ["a", "ratio"], ["b"]),
        node("Cast", ["b"], ["c"], to=FLOAT),
        node("Relu", ["c"], ["y"]),
    ]
    return model(nodes, {"x": [1, 4]}, ["y"], {"ratio": np.array(0.5, np.float32)})


@register
def constants_folded() -> onnx.ModelProto:
    """Constant, ConstantOfShape and a transposed weight all fold."""
    nodes = [
        helper.make_node(
            "Constant",
            [],
            ["shape"],
            value=numpy_helper.from_array(np.array([2], np.int64)),
        ),
        helper.make_node(
            "ConstantOfShape",
            ["shape"],
            ["half"],
            value=numpy_helper.from_array(np.array([0.5], np.float32)),
        ),  # fmt: skip
        node("Transpose", ["w"], ["wt"]),
        node("MatMul", ["x", "wt"], ["m"]),
        node("Add", ["m", "half"], ["y"]),
    ]
    return model(nodes, {"x": [1, 3]}, ["y"], {"w": quarters(2, 3)})


@register
def opset6() -> onnx.ModelProto:
    """Opset 6: Gemm with `broadcast`, Add with legacy `axis` broadcasting,
    Softmax with 2-D coercion (upgraded to opset 13+ semantics)."""
    nodes = [
        node("Add", ["x", "k"], ["a"], broadcast=1, axis=1),
        node("Flatten", ["a"], ["f"]),
        node("Gemm", ["f", "w", "c"], ["g"], broadcast=1, transB=1),
        node("Softmax", ["g"], ["y"]),
    ]
    inits = {"k": quarters(2), "w": quarters(3, 8), "c": quarters(3)}
    graph = helper.make_graph(
        nodes,
        "old",
        [helper.make_tensor_value_info("x", FLOAT, [1, 2, 2, 2])]
        + [helper.make_tensor_value_info(k, FLOAT, v.shape) for k, v in inits.items()],
        [helper.make_tensor_value_info("y", FLOAT, [1, 3])],
        [numpy_helper.from_array(v, k) for k, v in inits.items()],
    )
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 6)])
    m.ir_version = 3
    return m


# ------------------------------------------------- float-only and indexing


@register
def float_math() -> onnx.ModelProto:
    nodes = [
        node("Exp", ["x"], ["a"]),
        node("Abs", ["a"], ["b"]),
        node("Softplus", ["b"], ["c"]),
        node("Elu", ["c"], ["d"], alpha=0.5),
        node("Selu", ["d"], ["e"]),
        node("Div", ["e", "b"], ["f"]),
        node("LogSoftmax", ["f"], ["g"], axis=1),
        node("LRN", ["g"], ["y"], size=3, alpha=0.5, beta=0.25),
    ]
    return model(nodes, {"x": [1, 4, 2, 2]}, ["y"])


@register
def split_gather() -> onnx.ModelProto:
    nodes = [
        node("Split", ["x", "sizes"], ["a", "b"], axis=1),
        node("Gather", ["a", "idx"], ["c"], axis=1),
        node("Slice", ["b", "starts", "ends", "axes"], ["d"]),
        node("Mul", ["c", "d"], ["y"]),
    ]
    inits = {
        "sizes": np.array([2, 4], np.int64),
        "idx": np.array([1, -2], np.int64),
        "starts": np.array([1], np.int64),
        "ends": np.array([-1], np.int64),
        "axes": np.array([1], np.int64),
    }
    return model(nodes, {"x": [1, 6, 4]}, ["y"], inits)


@register
def conv_transpose() -> onnx.ModelProto:
    nodes = [
        node("ConvTranspose", ["x", "w", "b"], ["a"], strides=[2, 2],
             pads=[1, 0, 1, 1], output_padding=[1, 0]),
        node("Reshape", ["a", "shape"], ["r"]),
        node("ConvTranspose", ["r", "w1"], ["y"], strides=[2]),
    ]  # fmt: skip
    inits = {
        "w": quarters(2, 1, 3, 2),
        "b": quarters(1),
        "shape": np.array([1, 1, 30], np.int64),
        "w1": quarters(1, 2, 2),
    }
    return model(nodes, {"x": [1, 2, 3, 3]}, ["y"], inits)


@register
def volume() -> onnx.ModelProto:
    nodes = [
        node("Conv", ["x", "w"], ["a"], pads=[1, 1, 1, 1, 1, 1], strides=[1, 2, 2]),
        node("MaxPool", ["a"], ["b"], kernel_shape=[2, 2, 2], ceil_mode=1,
             strides=[2, 2, 2]),
        node("AveragePool", ["b"], ["y"], kernel_shape=[3, 1, 1],
             pads=[1, 0, 0, 1, 0, 0]),
    ]  # fmt: skip
    return model(nodes, {"x": [1, 1, 4, 6, 6]}, ["y"], {"w": quarters(2, 1, 3, 3, 3)})


# ------------------------------------------------------------------ errors


@register
def unsupported() -> onnx.ModelProto:
    nodes = [
        helper.make_node("Erf", ["x"], ["a"], name="erf_1"),
        helper.make_node("HardSwish", ["a"], ["b"], name="hswish"),
        helper.make_node("Relu", ["b"], ["c"], name="relu"),
        helper.make_node("Erf", ["c"], ["d"], name="erf_2"),
        helper.make_node(
            "MaxPool", ["d"], ["y"], name="pool4d", kernel_shape=[2, 2, 2, 2]
        ),
    ]
    return model(nodes, {"x": [1, 1, 4, 4, 4, 4]}, ["y"])


@register
def int_input() -> onnx.ModelProto:
    nodes = [node("Cast", ["x"], ["f"], to=FLOAT), node("Relu", ["f"], ["y"])]
    return model(nodes, {"x": [4]}, ["y"], input_type=TensorProto.INT64)


@register
def dynamic_width() -> onnx.ModelProto:
    return model([node("Relu", ["x"], ["y"])], {"x": [1, "width"]}, ["y"])


def main() -> None:
    for name, build in MODELS.items():
        m = build()
        onnx.save(m, str(HERE / f"{name}.onnx"))
    mlp = (HERE.parents[3] / "examples" / "mlp_digits.onnx").read_bytes()
    (HERE / "truncated.onnx").write_bytes(mlp[: len(mlp) // 2])
    (HERE / "not_onnx.onnx").write_text("This is a text file, not an ONNX model.\n")


if __name__ == "__main__":
    main()
