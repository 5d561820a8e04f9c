"""Networks shaped like the four MLPerf Tiny models, and LeNet-5, built in code.

The shapes follow the MLPerf Tiny reference models; the weights are random
(He-normal), and every BatchNormalization gets running statistics measured
on the network's own activations (with some jitter), the way a trained
network's statistics track its data; scales and shifts are random (see
`BN_SHIFT_MEAN`). Nothing is downloaded.

- ``resnet8``: 32x32x3 images; a 3x3 conv with 16 channels, three residual
  stages of 16, 32 and 64 channels (the last two halve the image and add a
  1x1 shortcut conv), 8x8 average pooling, Gemm to 10 classes, Softmax.
- ``ds_cnn``: 49x10 keyword-spotting features; a 10x4 conv with stride 2 to
  64 channels, four depthwise-separable blocks (3x3 depthwise, 1x1
  pointwise), 25x5 average pooling, Gemm to 12 classes, Softmax.
- ``mobilenet_v1``: MobileNetV1 with width 0.25 on 96x96x3 images; a 3x3
  conv with stride 2, thirteen depthwise-separable blocks, ReLU6, global
  average pooling, Gemm to 2 classes, Softmax.
- ``fc_autoencoder``: 640 inputs; Gemm layers 128, 128, 128, 128, 8, 128,
  128, 128, 128 each with BatchNorm and ReLU, then Gemm 640.
- ``lenet5`` (not an MLPerf Tiny model, the classic small CNN): 28x28x1
  images; a 5x5 conv to 6 channels, 2x2 max pooling, a 5x5 conv to 16
  channels, 2x2 max pooling, Gemm layers 120 and 84 with ReLU, Gemm to 10
  classes, Softmax.

Inputs are uniform in [0, 1). ``logits_name`` names each network's last
tensor before its Softmax (the autoencoder has none: its output is it).

    >>> from n64c.testing.mlperf_tiny import build_network, sample_inputs
    >>> model = build_network("resnet8")                   # doctest: +SKIP
    >>> x = sample_inputs("resnet8", 16, seed=1)           # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

NETWORKS = ("resnet8", "ds_cnn", "mobilenet_v1", "fc_autoencoder", "lenet5")
INPUT_NAME = "input"
OUTPUT_NAME = "output"
LOGITS_NAME = "logits"
OPSET = 13
BN_STAT_SAMPLES = 32
BN_SHIFT_MEAN = 1.0
BN_SHIFT_STD = 0.5
"""BatchNorm shifts are `beta = gamma * N(1.0, 0.5)`: most units of a layer
are active, as in trained ReLU networks. With shifts near 0 a random deep
BatchNorm network is chaotic: float32 alone then turns 80 dB of input noise
into 41 dB at MobileNet's logits (docs/quantization.md has the table)."""


@dataclass
class _Graph:
    """An ONNX graph under construction (NCHW, float32)."""

    rng: np.random.Generator
    nodes: list[onnx.NodeProto] = field(default_factory=list)
    inits: list[onnx.TensorProto] = field(default_factory=list)
    batchnorms: list[tuple[str, str, int]] = field(default_factory=list)
    """(input tensor, parameter prefix, channels) of each BatchNormalization."""
    counter: int = 0

    def fresh(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}{self.counter}"

    def const(self, name: str, array: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def node(self, op: str, inputs: Sequence[str], **attrs: Any) -> str:
        out = self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, list(inputs), [out], name=out, **attrs))
        return out

    def conv(
        self,
        x: str,
        cin: int,
        cout: int,
        kernel: tuple[int, int],
        stride: int = 1,
        pads: Sequence[int] | None = None,
        group: int = 1,
        bias: bool = False,
    ) -> str:
        kh, kw = kernel
        fan_in = cin // group * kh * kw
        w = self.rng.normal(0.0, np.sqrt(2.0 / fan_in), (cout, cin // group, kh, kw))
        name = self.fresh("conv")
        inputs = [x, self.const(f"{name}_w", w)]
        if bias:
            inputs.append(self.const(f"{name}_b", self.rng.normal(0.0, 0.05, cout)))
        if pads is None:  # "same" for odd kernels at stride 1
            pads = [kh // 2, kw // 2, kh // 2, kw // 2]
        return self.node(
            "Conv",
            inputs,
            kernel_shape=[kh, kw],
            strides=[stride, stride],
            pads=list(pads),
            group=group,
        )

    def batchnorm(self, x: str, channels: int) -> str:
        name = self.fresh("bn")
        gamma = self.rng.uniform(0.5, 1.5, channels)
        beta = gamma * self.rng.normal(BN_SHIFT_MEAN, BN_SHIFT_STD, channels)
        params = [
            self.const(f"{name}_scale", gamma),
            self.const(f"{name}_bias", beta),
            self.const(f"{name}_mean", np.zeros(channels)),
            self.const(f"{name}_var", np.ones(channels)),
        ]
        self.batchnorms.append((x, name, channels))
        return self.node("BatchNormalization", [x, *params], epsilon=1e-3)

    def gemm(self, x: str, k: int, n: int) -> str:
        name = self.fresh("dense")
        w = self.rng.normal(0.0, np.sqrt(2.0 / k), (k, n))
        b = self.rng.normal(0.0, 0.05, n)
        return self.node(
            "Gemm", [x, self.const(f"{name}_w", w), self.const(f"{name}_b", b)]
        )

    def relu(self, x: str) -> str:
        return self.node("Relu", [x])

    def relu6(self, x: str) -> str:
        lo = self.const(self.fresh("zero"), np.zeros(()))
        hi = self.const(self.fresh("six"), np.full((), 6.0))
        return self.node("Clip", [x, lo, hi])

    def model(
        self, input_shape: Sequence[int], last: str, output_shape: Sequence[int]
    ) -> onnx.ModelProto:
        graph = helper.make_graph(
            self.nodes,
            "main",
            [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, input_shape)],
            [helper.make_tensor_value_info(last, TensorProto.FLOAT, output_shape)],
            self.inits,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 8
        return model


def _logits(g: _Graph, x: str, k: int, n: int) -> str:
    """A final Gemm whose output is named `LOGITS_NAME`."""
    g.gemm(x, k, n)
    g.nodes[-1].output[0] = LOGITS_NAME
    g.nodes[-1].name = LOGITS_NAME
    return LOGITS_NAME


def _classifier(g: _Graph, x: str, channels: int, classes: int) -> str:
    flat = g.node("Flatten", [x], axis=1)
    logits = _logits(g, flat, channels, classes)
    return g.node("Softmax", [logits], axis=1)


def _resnet8(g: _Graph) -> onnx.ModelProto:
    x = g.relu(g.batchnorm(g.conv(INPUT_NAME, 3, 16, (3, 3)), 16))
    channels = 16
    for stage, width in enumerate((16, 32, 64)):
        stride = 1 if stage == 0 else 2
        pads = [1, 1, 1, 1] if stride == 1 else [0, 0, 1, 1]
        y = g.relu(g.batchnorm(g.conv(x, channels, width, (3, 3), stride, pads), width))
        y = g.batchnorm(g.conv(y, width, width, (3, 3)), width)
        shortcut = x
        if stride != 1:
            shortcut = g.conv(
                x, channels, width, (1, 1), stride, [0, 0, 0, 0], bias=True
            )
        x = g.relu(g.node("Add", [y, shortcut]))
        channels = width
    pooled = g.node("AveragePool", [x], kernel_shape=[8, 8], strides=[8, 8])
    out = _classifier(g, pooled, 64, 10)
    return g.model((1, 3, 32, 32), out, (1, 10))


def _ds_cnn(g: _Graph) -> onnx.ModelProto:
    x = g.conv(INPUT_NAME, 1, 64, (10, 4), 2, [4, 1, 5, 2])
    x = g.relu(g.batchnorm(x, 64))
    for _ in range(4):
        x = g.relu(g.batchnorm(g.conv(x, 64, 64, (3, 3), group=64), 64))
        x = g.relu(g.batchnorm(g.conv(x, 64, 64, (1, 1)), 64))
    pooled = g.node("AveragePool", [x], kernel_shape=[25, 5], strides=[25, 5])
    out = _classifier(g, pooled, 64, 12)
    return g.model((1, 1, 49, 10), out, (1, 12))


MOBILENET_BLOCKS = (
    (16, 1),
    (32, 2),
    (32, 1),
    (64, 2),
    (64, 1),
    (128, 2),
    (128, 1),
    (128, 1),
    (128, 1),
    (128, 1),
    (128, 1),
    (256, 2),
    (256, 1),
)
"""(pointwise output channels, depthwise stride) of MobileNetV1-0.25."""


def _mobilenet_v1(g: _Graph) -> onnx.ModelProto:
    x = g.relu6(g.batchnorm(g.conv(INPUT_NAME, 3, 8, (3, 3), 2, [0, 0, 1, 1]), 8))
    channels = 8
    for width, stride in MOBILENET_BLOCKS:
        pads = [1, 1, 1, 1] if stride == 1 else [0, 0, 1, 1]
        x = g.conv(x, channels, channels, (3, 3), stride, pads, group=channels)
        x = g.relu6(g.batchnorm(x, channels))
        x = g.relu6(g.batchnorm(g.conv(x, channels, width, (1, 1)), width))
        channels = width
    pooled = g.node("GlobalAveragePool", [x])
    out = _classifier(g, pooled, 256, 2)
    return g.model((1, 3, 96, 96), out, (1, 2))


AUTOENCODER_WIDTHS = (128, 128, 128, 128, 8, 128, 128, 128, 128)


def _fc_autoencoder(g: _Graph) -> onnx.ModelProto:
    x, k = INPUT_NAME, 640
    for width in AUTOENCODER_WIDTHS:
        x = g.relu(g.batchnorm(g.gemm(x, k, width), width))
        k = width
    return g.model((1, 640), _logits(g, x, k, 640), (1, 640))


def _lenet5(g: _Graph) -> onnx.ModelProto:
    x = g.relu(g.conv(INPUT_NAME, 1, 6, (5, 5), pads=[0, 0, 0, 0], bias=True))
    x = g.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = g.relu(g.conv(x, 6, 16, (5, 5), pads=[0, 0, 0, 0], bias=True))
    x = g.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = g.node("Flatten", [x], axis=1)
    x = g.relu(g.gemm(g.relu(g.gemm(x, 256, 120)), 120, 84))
    out = g.node("Softmax", [_logits(g, x, 84, 10)], axis=1)
    return g.model((1, 1, 28, 28), out, (1, 10))


_BUILDERS: dict[str, Callable[[_Graph], onnx.ModelProto]] = {
    "resnet8": _resnet8,
    "ds_cnn": _ds_cnn,
    "mobilenet_v1": _mobilenet_v1,
    "fc_autoencoder": _fc_autoencoder,
    "lenet5": _lenet5,
}


def input_shape(name: str) -> tuple[int, ...]:
    """The input shape of network `name` (batch 1)."""
    return {
        "resnet8": (1, 3, 32, 32),
        "ds_cnn": (1, 1, 49, 10),
        "mobilenet_v1": (1, 3, 96, 96),
        "fc_autoencoder": (1, 640),
        "lenet5": (1, 1, 28, 28),
    }[name]


def sample_inputs(name: str, count: int, seed: int) -> np.ndarray:
    """`count` inputs of network `name`, uniform in [0, 1), shape
    `(count, *input_shape)`."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, 1.0, (count, *input_shape(name))).astype(np.float32)


def _run_prefix(model: onnx.ModelProto, tensor: str, x: np.ndarray) -> np.ndarray:
    """The values of `tensor` for the batch `x` (onnxruntime, one sample at a
    time, stacked on a leading axis)."""
    import onnxruntime as ort

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    probe.graph.output.append(helper.make_empty_tensor_value_info(tensor))
    session = ort.InferenceSession(
        probe.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return np.stack([np.asarray(session.run([tensor], {INPUT_NAME: s})[0]) for s in x])


def _set_statistics(model: onnx.ModelProto, g: _Graph, x: np.ndarray) -> None:
    """Give every BatchNormalization running statistics near the mean and
    variance of its input on `x`, in graph order (each measured after the
    ones before it are set)."""
    inits = {t.name: t for t in model.graph.initializer}
    for tensor, prefix, channels in g.batchnorms:
        values = _run_prefix(model, tensor, x)
        axes = tuple(i for i in range(values.ndim) if i != 2)
        mean = values.mean(axis=axes)
        var = values.var(axis=axes) + 1e-6
        mean = mean + g.rng.normal(0.0, 0.1, channels) * np.sqrt(var)
        var = var * g.rng.uniform(0.8, 1.25, channels)
        for key, array in (("mean", mean), ("var", var)):
            inits[f"{prefix}_{key}"].CopyFrom(
                numpy_helper.from_array(array.astype(np.float32), f"{prefix}_{key}")
            )


def build_network(name: str, seed: int = 0) -> onnx.ModelProto:
    """The MLPerf-Tiny-shaped network `name` (one of `NETWORKS`) with random
    weights from `seed` and BatchNorm statistics measured on its own
    activations for inputs uniform in [0, 1)."""
    if name not in _BUILDERS:
        raise ValueError(
            f"unknown network '{name}' (choose from {', '.join(NETWORKS)})"
        )
    g = _Graph(np.random.default_rng(seed))
    model = _BUILDERS[name](g)
    _set_statistics(model, g, sample_inputs(name, BN_STAT_SAMPLES, seed + 1000))
    onnx.checker.check_model(model)
    return model


def logits_model(model: onnx.ModelProto) -> onnx.ModelProto:
    """`model` with its final Softmax removed, so that it returns the logits
    (unchanged if its output is not a Softmax)."""
    last = model.graph.node[-1]
    if last.op_type != "Softmax":
        return model
    cut = onnx.ModelProto()
    cut.CopyFrom(model)
    del cut.graph.node[-1]
    out = cut.graph.output[0]
    out.name = last.input[0]
    return cut
