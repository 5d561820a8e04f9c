"""Where the quantiser gives a conv the `acc48` form for speed
(`_cheap_wide_conv`): depthwise convs and 1x1 convs of up to 64 input
channels whose input cannot be negative, with shifts in [2, 16] and biases
one `vmudm` adds; not dense convs of larger windows or more channels, nor
convs whose input can be negative. The compiled network agrees bit for bit
between the simulator and the golden model."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from n64c.api import compile as compile_model
from n64c.dialects.n64_quant import QConv2dOp
from n64c.passes.quantize_int16 import CHEAP_WIDE_ROWS, _cheap_wide_conv
from n64c.passes.tile_constants import one_op_bias

# (input channels, output channels, kernel, group, Relu before it)
LAYERS = [
    (16, 16, 3, 16, False),  # depthwise, input may be negative: int32
    (16, 16, 3, 16, True),  # depthwise: acc48
    (16, 32, 1, 1, True),  # 1x1 of 16 channels: acc48
    (32, CHEAP_WIDE_ROWS * 2, 1, 1, True),  # 1x1 of 32 channels: acc48
    (CHEAP_WIDE_ROWS * 2, 16, 1, 1, True),  # 1x1 of 128 channels: int32
    (16, 16, 3, 1, True),  # dense 3x3: int32
]
EXPECTED_WIDE = [False, True, True, True, None, None]
"""None: the noise estimate decides alone (the form's 1.25 times lower
noise), as for any layer."""


def _network() -> onnx.ModelProto:
    rng = np.random.default_rng(4)
    nodes, inits = [], []
    value = "x"
    for i, (c, o, k, group, relu) in enumerate(LAYERS):
        if relu:
            nodes.append(helper.make_node("Relu", [value], [f"r{i}"]))
            value = f"r{i}"
        w = rng.normal(0.0, 0.5 / np.sqrt(c // group * k * k), (o, c // group, k, k))
        b = rng.normal(0.0, 0.1, o)
        inits += [
            numpy_helper.from_array(w.astype(np.float32), f"w{i}"),
            numpy_helper.from_array(b.astype(np.float32), f"b{i}"),
        ]
        nodes.append(
            helper.make_node(
                "Conv",
                [value, f"w{i}", f"b{i}"],
                [f"c{i}"],
                group=group,
                pads=[k // 2] * 4,
            )  # fmt: skip
        )
        value = f"c{i}"
    graph = helper.make_graph(
        nodes,
        "choice",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 8, 8])],
        [helper.make_tensor_value_info(value, TensorProto.FLOAT, [1, 16, 8, 8])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model


def test_quantiser_takes_acc48_where_it_runs_faster() -> None:
    calib = np.random.default_rng(0).normal(0.0, 1.0, (8, 1, 16, 8, 8))
    compiled = compile_model(_network(), calibration=calib.astype(np.float32))
    assert compiled.quantized is not None
    convs = [o for o in compiled.quantized.walk() if isinstance(o, QConv2dOp)]
    assert len(convs) == len(EXPECTED_WIDE)
    for conv, expected in zip(convs, EXPECTED_WIDE, strict=True):
        assert expected is None or conv.wide == expected
    for conv, expected in zip(convs, EXPECTED_WIDE, strict=True):
        if expected:
            assert max(conv.shift_values) <= 16
            bias = conv.bias
            assert bias is not None and bias.owner is not None
            values = bias.owner.to_numpy()  # type: ignore[attr-defined]
            assert one_op_bias(values, wide=True, window=True)
    x = calib[:2].astype(np.float32)
    np.testing.assert_array_equal(compiled.run(x, "sim"), compiled.run(x, "int"))


def test_cheap_wide_convs() -> None:
    """Depthwise convs and 1x1 convs of up to `CHEAP_WIDE_ROWS` input
    channels; not grouped convs, larger windows or more channels."""
    assert _cheap_wide_conv((64, 1, 3, 3), 64)
    assert _cheap_wide_conv((256, 1, 5, 5), 256)
    assert _cheap_wide_conv((128, CHEAP_WIDE_ROWS, 1, 1), 1)
    assert not _cheap_wide_conv((128, CHEAP_WIDE_ROWS + 8, 1, 1), 1)
    assert not _cheap_wide_conv((16, 16, 3, 3), 1)
    assert not _cheap_wide_conv((32, 4, 1, 1), 4)
    assert not _cheap_wide_conv((32, 1, 3, 3), 16)  # depth multiplier 2
