"""Networks whose values grow over many orders of magnitude (untrained
uniform weights, as in onnx's light_* models: VGG-19's last layer reaches
2^104) quantise: accumulator formats below -64 fractional bits are within
`FRAC_BITS_LIMIT`."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from n64c.api import compile as compile_model
from n64c.dialects.n64_quant import FRAC_BITS_LIMIT, QGemmOp

LAYERS = 8
WIDTH = 8


def _growing_mlp() -> onnx.ModelProto:
    """8 Gemm+Relu layers of 8x8 weights all 1024: each multiplies the
    values by 2^13, so the last layer's results reach about 2^104."""
    nodes, inits = [], []
    value = "x"
    for i in range(LAYERS):
        w = np.full((WIDTH, WIDTH), 1024.0, dtype=np.float32)
        inits.append(numpy_helper.from_array(w, f"w{i}"))
        nodes.append(helper.make_node("Gemm", [value, f"w{i}"], [f"g{i}"]))
        nodes.append(helper.make_node("Relu", [f"g{i}"], [f"r{i}"]))
        value = f"r{i}"
    graph = helper.make_graph(
        nodes,
        "growing",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, WIDTH])],
        [helper.make_tensor_value_info(value, TensorProto.FLOAT, [1, WIDTH])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model


def test_values_of_2_to_the_104_quantise_and_run() -> None:
    model = _growing_mlp()
    calib = np.random.default_rng(0).uniform(0.5, 1.0, (16, 1, WIDTH))
    compiled = compile_model(model, calibration=calib.astype(np.float32))
    assert compiled.quantized is not None
    gemms = [o for o in compiled.quantized.walk() if isinstance(o, QGemmOp)]
    assert len(gemms) == LAYERS
    formats = [g.frac_bits.value.data for g in gemms]
    assert min(formats) < -64  # outside the former +-64 limit
    assert min(formats) >= -FRAC_BITS_LIMIT
    x = calib[:2].astype(np.float32)
    golden = compiled.run(x, "int")
    np.testing.assert_array_equal(compiled.run(x, "sim"), golden)
