"""Random ONNX networks, built from a seed, for checking the whole flow.

A network is described by a :class:`NetworkSpec`: an input shape and a list
of layers (plain dicts, so a spec is JSON). :func:`random_spec` draws one
from a seed; :func:`build_model` turns it into a valid ONNX model with
random He-normal weights and BatchNorm statistics measured on the
network's own activations (as in :mod:`n64c.testing.mlperf_tiny`). A layer
that does not apply where it stands (a conv after a Flatten, a pool window
larger than the image) is skipped, so removing or shrinking layers (see
:mod:`n64c.testing.random_network_shrink`) always leaves a buildable spec.

Layers on images (NCHW): ``conv`` (kernel, stride, pads, dilation, groups
including depthwise, bias), ``bn``, ``act`` (Relu, Clip, LeakyRelu,
Sigmoid), ``residual`` (conv, BatchNorm, Relu, conv, BatchNorm, Add to the
input), ``concat`` (a 1x1 and a 3x3 conv branch joined on channels),
``bias_add`` (Add of a broadcast constant, per channel or per pixel),
``maxpool``, ``avgpool``, ``gap`` (GlobalAveragePool), ``flatten``
(Flatten, or Reshape to `(1, -1)`). Layers on vectors: ``gemm`` (Gemm,
sometimes with a transposed weight), ``matmul`` (MatMul plus a broadcast
Add), ``bn``, ``act``, ``residual_fc`` (Gemm, Relu, Add to the input).
``softmax`` ends some networks.

The campaign (`python -m n64c.testing.random_networks`) lives in
:mod:`n64c.testing.random_network_checks`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper

from n64c.testing.mlperf_tiny import INPUT_NAME, _Graph, _run_prefix

Layer = dict[str, Any]
CALIBRATION_SAMPLES = 8
HELDOUT_SAMPLES = 4
BN_STAT_SAMPLES = 32
VAR_FLOOR = 1e-3
"""A BatchNorm's running variance is at least `VAR_FLOOR` times its
input's mean square (plus 1e-4): a channel that is (nearly) constant on
the data, e.g. a conv whose windows see only padding, would otherwise be
divided by a standard deviation near 0, which turns float32 rounding into
errors of 1e-4 and makes even onnxruntime and a correct float engine
disagree; trained networks do not hold such channels."""


@dataclass
class NetworkSpec:
    """A random network: its seed (weights and data), input shape without
    the batch axis (`(C, H, W)` or `(F,)`), input distribution
    (``uniform`` in [0, 1) or ``normal``) and layers."""

    seed: int
    input_shape: tuple[int, ...]
    layers: list[Layer] = field(default_factory=list)
    input_dist: str = "uniform"

    def to_json(self) -> str:
        return json.dumps(
            {
                "seed": self.seed,
                "input_shape": list(self.input_shape),
                "input_dist": self.input_dist,
                "layers": self.layers,
            },
            indent=1,
        )

    @staticmethod
    def from_json(text: str) -> NetworkSpec:
        data = json.loads(text)
        return NetworkSpec(
            seed=int(data["seed"]),
            input_shape=tuple(int(d) for d in data["input_shape"]),
            layers=list(data["layers"]),
            input_dist=str(data.get("input_dist", "uniform")),
        )


# --- drawing a spec ------------------------------------------------------------


def _conv_layer(
    rng: np.random.Generator, c: int, h: int, w: int, scale: int = 1
) -> Layer:
    kh, kw = (int(rng.choice([1, 3, 3, 5])) for _ in range(2))
    if rng.random() < 0.5:
        kw = kh
    dilation = int(rng.choice([1, 1, 1, 2]))
    stride = int(rng.choice([1, 1, 2]))
    pads = [int(rng.integers(0, (k - 1) * dilation // 2 + 2)) for k in (kh, kw)] * 2
    if rng.random() < 0.3:  # asymmetric
        pads = [int(p) for p in rng.integers(0, 3, 4)]
    roll = rng.random()
    if roll < 0.25:
        group: int | str = "dw"
    elif roll < 0.35 and c % 2 == 0:
        group = 2
    else:
        group = 1
    cout = c if group == "dw" else scale * int(rng.choice([2, 4, 6, 8, 12, 16]))
    if group == 2 and cout % 2:
        cout += 1
    return {
        "op": "conv",
        "cout": cout,
        "kernel": [kh, kw],
        "stride": stride,
        "pads": pads,
        "dilation": dilation,
        "group": group,
        "bias": bool(rng.random() < 0.5),
    }


def _act_layer(rng: np.random.Generator) -> Layer:
    kind = str(rng.choice(["relu", "relu", "clip", "leaky", "sigmoid"]))
    layer: Layer = {"op": "act", "kind": kind}
    if kind == "clip":
        layer["max"] = float(rng.choice([1.0, 6.0]))
    if kind == "leaky":
        layer["alpha"] = float(rng.choice([0.01, 0.1, 0.2]))
    return layer


def _image_layer(
    rng: np.random.Generator, c: int, h: int, w: int, scale: int = 1
) -> Layer:
    ops = ["conv"] * 4 + ["bn", "act", "act", "residual", "concat", "bias_add"]
    ops += ["maxpool", "avgpool"] if min(h, w) >= 2 else []
    op = str(rng.choice(ops))
    if op == "conv":
        return _conv_layer(rng, c, h, w, scale)
    if op == "act":
        return _act_layer(rng)
    if op in ("maxpool", "avgpool"):
        k = int(rng.choice([2, 2, 3]))
        stride = int(rng.choice([1, 2, 2]))
        pad = int(rng.integers(0, k // 2 + 1))
        return {"op": op, "kernel": [k, k], "stride": stride, "pads": [pad] * 4}
    if op == "residual":
        return {"op": "residual", "dilation": int(rng.choice([1, 1, 2]))}
    if op == "concat":
        return {
            "op": "concat",
            "couts": [scale * int(rng.choice([2, 4, 8])) for _ in range(2)],
        }
    if op == "bias_add":
        return {"op": "bias_add", "per": str(rng.choice(["channel", "pixel"]))}
    return {"op": op}


def _vector_layer(rng: np.random.Generator, scale: int = 1) -> Layer:
    op = str(rng.choice(["gemm", "gemm", "matmul", "bn", "act", "act", "residual_fc"]))
    if op == "act":
        return _act_layer(rng)
    if op in ("gemm", "matmul"):
        layer: Layer = {"op": op, "n": scale * int(rng.choice([4, 8, 10, 16, 24, 32]))}
        if op == "gemm":
            layer["trans_b"] = bool(rng.random() < 0.3)
        return layer
    return {"op": op}


def random_spec(seed: int, scale: int = 1) -> NetworkSpec:
    """The random network of `seed`: an image (1-4 channels, 4-16 pixels a
    side; two networks in three) or a vector (4-64 features) input, 1-10
    layers, a classifier head on most image networks, Softmax on some.
    `scale` multiplies the widths, image sides, feature counts and the
    most layers (the CI run keeps 1; `--scale 2` makes larger networks)."""
    rng = np.random.default_rng([seed, 0x6E36])
    layers: list[Layer] = []
    dist = "uniform" if rng.random() < 0.7 else "normal"
    if rng.random() < 2 / 3:
        c = int(rng.integers(1, 5))
        h, w = (int(rng.integers(4, 16 * scale + 1)) for _ in range(2))
        shape: tuple[int, ...] = (c, h, w)
        spec = NetworkSpec(seed, shape, layers, dist)
        for _ in range(int(rng.integers(1, 8 * scale + 1))):
            layer = _image_layer(rng, c, h, w, scale)
            layers.append(layer)
            c, h, w, _ = _image_shape(layer, c, h, w)
        if rng.random() < 0.75:
            layers.append({"op": "gap"} if rng.random() < 0.4 else {"op": "flatten"})
            layers.append({"op": "gemm", "n": int(rng.choice([2, 4, 10]))})
    else:
        spec = NetworkSpec(
            seed, (scale * int(rng.choice([4, 8, 16, 24, 32, 64])),), layers
        )
        spec.input_dist = dist
        for _ in range(int(rng.integers(1, 6 * scale + 1))):
            layers.append(_vector_layer(rng, scale))
    if rng.random() < 0.25:
        layers.append({"op": "softmax"})
    return spec


# --- building the ONNX model ----------------------------------------------------


def _out_size(size: int, k: int, stride: int, lo: int, hi: int, dil: int) -> int:
    return (size + lo + hi - dil * (k - 1) - 1) // stride + 1


def _image_shape(layer: Layer, c: int, h: int, w: int) -> tuple[int, int, int, bool]:
    """`(c, h, w, applies)` after `layer` on a `(c, h, w)` image; `applies`
    is False (and the shape unchanged) for a layer skipped there."""
    op = layer["op"]
    if op == "conv":
        kh, kw = layer["kernel"]
        pads, s, d = layer["pads"], layer["stride"], layer["dilation"]
        group = layer["group"]
        cout = c if group == "dw" else layer["cout"]
        if group not in ("dw", 1) and (c % group or cout % group):
            return c, h, w, False
        oh = _out_size(h, kh, s, pads[0], pads[2], d)
        ow = _out_size(w, kw, s, pads[1], pads[3], d)
        if oh < 1 or ow < 1 or max(pads) >= max(kh, kw) * d:
            return c, h, w, False
        return cout, oh, ow, True
    if op in ("maxpool", "avgpool"):
        k, s, p = layer["kernel"][0], layer["stride"], layer["pads"][0]
        oh = _out_size(h, k, s, p, p, 1)
        ow = _out_size(w, k, s, p, p, 1)
        if oh < 1 or ow < 1 or p >= k or k > h + 2 * p or k > w + 2 * p:
            return c, h, w, False
        return c, oh, ow, True
    if op == "concat":
        return sum(layer["couts"]), h, w, True
    if op == "gap":
        return c, 1, 1, True
    if op in ("bn", "act", "residual", "bias_add", "softmax"):
        return c, h, w, op != "softmax"
    return c, h, w, False


class _Builder:
    """Builds the ONNX graph of a spec, tracking the current tensor and its
    shape (batch 1)."""

    def __init__(self, spec: NetworkSpec) -> None:
        self.g = _Graph(np.random.default_rng([spec.seed, 0x77]))
        self.x = INPUT_NAME
        self.shape: tuple[int, ...] = spec.input_shape
        self.applied: list[Layer] = []

    @property
    def image(self) -> bool:
        return len(self.shape) == 3

    def conv(
        self,
        x: str,
        cin: int,
        cout: int,
        kernel: list[int],
        stride: int = 1,
        pads: list[int] | None = None,
        dilation: int = 1,
        group: int = 1,
        bias: bool = False,
    ) -> str:
        kh, kw = kernel
        fan_in = cin // group * kh * kw
        w = self.g.rng.normal(0.0, np.sqrt(2.0 / fan_in), (cout, cin // group, kh, kw))
        name = self.g.fresh("conv")
        inputs = [x, self.g.const(f"{name}_w", w)]
        if bias:
            b = self.g.rng.normal(0.0, 0.05, cout)
            inputs.append(self.g.const(f"{name}_b", b))
        if pads is None:
            pads = [(kh - 1) * dilation // 2, (kw - 1) * dilation // 2] * 2
        return self.g.node(
            "Conv",
            inputs,
            kernel_shape=[kh, kw],
            strides=[stride, stride],
            pads=pads,
            dilations=[dilation, dilation],
            group=group,
        )

    def act(self, layer: Layer) -> str:
        kind = layer["kind"]
        if kind == "relu":
            return self.g.relu(self.x)
        if kind == "sigmoid":
            return self.g.node("Sigmoid", [self.x])
        if kind == "leaky":
            return self.g.node("LeakyRelu", [self.x], alpha=layer["alpha"])
        lo = self.g.const(self.g.fresh("lo"), np.zeros(()))
        hi = self.g.const(self.g.fresh("hi"), np.full((), layer["max"]))
        return self.g.node("Clip", [self.x, lo, hi])

    def apply(self, layer: Layer) -> None:
        """Add `layer` to the graph, or skip it where it does not apply."""
        op = layer["op"]
        g = self.g
        if op == "softmax":
            if self.image:  # Softmax over an image: flatten first
                self._flatten({"op": "flatten"})
            self.x = g.node("Softmax", [self.x], axis=1)
            self.applied.append(layer)
            return
        if op == "act":
            self.x = self.act(layer)
        elif op == "bn":
            self.x = g.batchnorm(self.x, self.shape[0])
        elif self.image:
            if not self._image_layer(layer):
                return
        elif not self._vector_layer(layer):
            return
        self.applied.append(layer)

    def _image_layer(self, layer: Layer) -> bool:
        op, g = layer["op"], self.g
        c, h, w = self.shape
        if op == "flatten":
            self._flatten(layer)
            return True
        c2, h2, w2, applies = _image_shape(layer, c, h, w)
        if not applies:
            return False
        if op == "conv":
            group = c if layer["group"] == "dw" else layer["group"]
            self.x = self.conv(
                self.x,
                c,
                c2,
                layer["kernel"],
                layer["stride"],
                list(layer["pads"]),
                layer["dilation"],
                group,
                layer["bias"],
            )
        elif op in ("maxpool", "avgpool"):
            k, s = layer["kernel"], layer["stride"]
            self.x = g.node(
                "MaxPool" if op == "maxpool" else "AveragePool",
                [self.x],
                kernel_shape=list(k),
                strides=[s, s],
                pads=list(layer["pads"]),
            )
        elif op == "gap":
            self.x = g.node("GlobalAveragePool", [self.x])
        elif op == "residual":
            d = layer["dilation"]
            y = g.relu(g.batchnorm(self.conv(self.x, c, c, [3, 3], dilation=d), c))
            y = g.batchnorm(self.conv(y, c, c, [3, 3], dilation=d), c)
            self.x = g.node("Add", [y, self.x])
        elif op == "concat":
            c1, c3 = layer["couts"]
            a = self.conv(self.x, c, c1, [1, 1], bias=True)
            b = self.conv(self.x, c, c3, [3, 3], bias=True)
            self.x = g.node("Concat", [a, b], axis=1)
        elif op == "bias_add":
            shape = (c, 1, 1) if layer["per"] == "channel" else (1, h, w)
            bias = g.const(g.fresh("shift"), g.rng.normal(0.0, 0.5, shape))
            self.x = g.node("Add", [self.x, bias])
        self.shape = (c2, h2, w2)
        return True

    def _flatten(self, layer: Layer) -> None:
        c, h, w = self.shape
        if self.g.rng.random() < 0.5:
            self.x = self.g.node("Flatten", [self.x], axis=1)
        else:
            target = self.g.fresh("shape")  # an int64 initializer
            shape = np.array([1, -1], np.int64)
            self.g.inits.append(onnx.numpy_helper.from_array(shape, target))
            self.x = self.g.node("Reshape", [self.x, target])
        self.shape = (c * h * w,)

    def _vector_layer(self, layer: Layer) -> bool:
        op, g = layer["op"], self.g
        (k,) = self.shape
        if op == "gemm":
            n = layer["n"]
            if layer.get("trans_b"):
                name = g.fresh("dense")
                wt = g.rng.normal(0.0, np.sqrt(2.0 / k), (n, k))
                b = g.rng.normal(0.0, 0.05, n)
                self.x = g.node(
                    "Gemm",
                    [self.x, g.const(f"{name}_w", wt), g.const(f"{name}_b", b)],
                    transB=1,
                )
            else:
                self.x = g.gemm(self.x, k, n)
            self.shape = (n,)
        elif op == "matmul":
            n = layer["n"]
            name = g.fresh("mm")
            wm = g.rng.normal(0.0, np.sqrt(2.0 / k), (k, n))
            y = g.node("MatMul", [self.x, g.const(f"{name}_w", wm)])
            b = g.rng.normal(0.0, 0.05, n)
            self.x = g.node("Add", [y, g.const(f"{name}_b", b)])
            self.shape = (n,)
        elif op == "residual_fc":
            y = g.relu(g.gemm(self.x, k, k))
            self.x = g.node("Add", [y, self.x])
        else:
            return False
        return True


def sample_inputs(spec: NetworkSpec, count: int, seed: int) -> np.ndarray:
    """`count` inputs of the network, shape `(count, 1, *input_shape)`."""
    rng = np.random.default_rng([spec.seed, seed])
    shape = (count, 1, *spec.input_shape)
    if spec.input_dist == "normal":
        return rng.normal(0.0, 1.0, shape).astype(np.float32)
    return rng.uniform(0.0, 1.0, shape).astype(np.float32)


def build_model(spec: NetworkSpec) -> onnx.ModelProto:
    """The ONNX model of `spec` (checked by `onnx.checker`), with BatchNorm
    statistics measured on its own activations. A spec whose layers all
    skip still gives a model (a Relu of the input)."""
    b = _Builder(spec)
    for layer in spec.layers:
        b.apply(layer)
    if b.x == INPUT_NAME:
        b.x = b.g.relu(b.x)
    out_shape = (1, *b.shape)
    model = b.g.model((1, *spec.input_shape), b.x, out_shape)
    if b.g.batchnorms:
        _set_statistics(model, b.g, sample_inputs(spec, BN_STAT_SAMPLES, 3))
    onnx.checker.check_model(model, full_check=True)
    return model


def _set_statistics(model: onnx.ModelProto, g: _Graph, x: np.ndarray) -> None:
    """Give every BatchNormalization running statistics near the mean and
    variance of its input on `x`, in graph order (as in
    :mod:`n64c.testing.mlperf_tiny`, with the variance floor `VAR_FLOOR`)."""
    inits = {t.name: t for t in model.graph.initializer}
    for tensor, prefix, channels in g.batchnorms:
        values = _run_prefix(model, tensor, x).astype(np.float64)
        axes = tuple(i for i in range(values.ndim) if i != 2)
        mean = values.mean(axis=axes)
        floor = VAR_FLOOR * (values**2).mean(axis=axes) + 1e-4
        var = np.maximum(values.var(axis=axes), floor)
        mean = mean + g.rng.normal(0.0, 0.1, channels) * np.sqrt(var)
        var = var * g.rng.uniform(0.8, 1.25, channels)
        for key, array in (("mean", mean), ("var", var)):
            inits[f"{prefix}_{key}"].CopyFrom(
                numpy_helper.from_array(array.astype(np.float32), f"{prefix}_{key}")
            )


def applied_layers(spec: NetworkSpec) -> list[Layer]:
    """The layers of `spec` that apply (the others are skipped)."""
    b = _Builder(spec)
    for layer in spec.layers:
        b.apply(layer)
    return b.applied


def describe(model: onnx.ModelProto) -> str:
    """A short summary: node count, op types and parameter count."""
    ops: dict[str, int] = {}
    for node in model.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    params = parameter_count(model)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(ops.items()))
    return f"{len(model.graph.node)} nodes ({kinds}), {params} parameters"


def parameter_count(model: onnx.ModelProto) -> int:
    return sum(int(np.prod(t.dims)) for t in model.graph.initializer)


__all__ = [
    "CALIBRATION_SAMPLES",
    "HELDOUT_SAMPLES",
    "NetworkSpec",
    "applied_layers",
    "build_model",
    "describe",
    "parameter_count",
    "random_spec",
    "sample_inputs",
]


if __name__ == "__main__":
    from n64c.testing.random_network_checks import main

    raise SystemExit(main())
