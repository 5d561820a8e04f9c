"""int16 numerics on networks as deep as real ones.

The four MLPerf-Tiny-shaped networks of `n64c.testing.mlperf_tiny` (random
weights, BatchNorm statistics measured on their own activations) are
quantised with 16 calibration inputs and checked on 16 held-out inputs:
the golden model's logits against onnxruntime, every int16 layer against
the float model, no wrapped accumulator on the calibration data, and the
RSP simulator equal to the golden model bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

import n64c
from n64c.api import CompiledModel
from n64c.frontend.onnx import import_onnx_model
from n64c.passes.n64_cleanup import N64CleanupPass
from n64c.passes.quantize_int16 import quantize_int16
from n64c.sim import int_engine as ie
from n64c.sim.float_engine import run_float
from n64c.sim.layer_report import layer_report, sqnr_db
from n64c.testing.mlperf_tiny import (
    INPUT_NAME,
    NETWORKS,
    build_network,
    logits_model,
    sample_inputs,
)

LOGITS_SQNR_DB = 60.0
"""The golden model's logits against onnxruntime on held-out inputs."""
LAYER_SQNR_DB = 55.0
"""Every int16 layer's output against the float model on the same inputs
(the error so far: MobileNet's deepest convs, before the global average
pool, are near 60 dB)."""
FLOAT_SQNR_DB = 100.0
"""The float engine against onnxruntime (float32 rounding only)."""
SAMPLES = 16


@dataclass
class Case:
    model: onnx.ModelProto
    imported: ModuleOp
    quantized: ModuleOp
    calibration: np.ndarray
    heldout: np.ndarray
    reference: np.ndarray


@cache
def case(name: str) -> Case:
    model = logits_model(build_network(name))
    calibration = sample_inputs(name, SAMPLES, seed=1)
    heldout = sample_inputs(name, SAMPLES, seed=2)
    session = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    reference = np.stack(
        [np.asarray(session.run(None, {INPUT_NAME: x})[0]) for x in heldout]
    )
    imported = import_onnx_model(model)
    quantized = imported.clone()
    N64CleanupPass().apply(Context(), quantized)
    quantize_int16(quantized, {INPUT_NAME: calibration})
    return Case(model, imported, quantized, calibration, heldout, reference)


def only(outputs: dict[str, np.ndarray]) -> np.ndarray:
    (value,) = outputs.values()
    return value


@pytest.mark.parametrize("name", NETWORKS)
def test_logits_track_onnxruntime(name: str) -> None:
    c = case(name)
    floats = only(run_float(c.imported, {INPUT_NAME: c.heldout}))
    assert sqnr_db(floats.reshape(c.reference.shape), c.reference) >= FLOAT_SQNR_DB
    logits = only(ie.run_int(c.quantized, {INPUT_NAME: c.heldout}))
    logits = logits.reshape(c.reference.shape)
    assert sqnr_db(logits, c.reference) >= LOGITS_SQNR_DB
    if c.reference.shape[-1] <= 12:  # the classifiers: the same class wins
        flat, ref = logits.reshape(SAMPLES, -1), c.reference.reshape(SAMPLES, -1)
        assert (flat.argmax(-1) == ref.argmax(-1)).all()


@pytest.mark.parametrize("name", NETWORKS)
def test_no_accumulator_wraps_on_calibration_data(name: str) -> None:
    c = case(name)
    _, overflow = ie.run_int_checked(c.quantized, {INPUT_NAME: c.calibration})
    assert overflow  # every int16 op was counted
    assert sum(o.wrapped for o in overflow.values()) == 0
    assert sum(o.elements for o in overflow.values()) > 0


@pytest.mark.parametrize("name", NETWORKS)
def test_every_layer_tracks_the_float_model(name: str) -> None:
    c = case(name)
    rows = layer_report(
        c.imported, {INPUT_NAME: c.heldout}, {INPUT_NAME: c.calibration}
    )
    kinds = {r.layer.rstrip("0123456789") for r in rows}
    assert {"quantize", "gemm"} <= kinds
    if name == "lenet5":
        assert {"conv", "maxpool"} <= kinds
    elif name != "fc_autoencoder":
        assert {"conv", "avgpool"} <= kinds
    for row in rows:
        assert row.wrapped == 0, row
        assert row.sqnr_db >= LAYER_SQNR_DB, row
    # the report's last layer is the quantised model's output
    logits = only(ie.run_int(c.quantized, {INPUT_NAME: c.heldout}))
    floats = only(run_float(c.imported, {INPUT_NAME: c.heldout}))
    assert rows[-1].sqnr_db == pytest.approx(sqnr_db(logits, floats), abs=0.05)


@cache
def compiled_network(name: str) -> CompiledModel:
    c = case(name)
    return n64c.compile(c.model, calibration={INPUT_NAME: c.calibration})


@pytest.mark.parametrize("name", NETWORKS)
def test_simulator_equals_golden_model(name: str) -> None:
    c = case(name)
    compiled = compiled_network(name)
    assert compiled.quantized is not None
    x = c.heldout[:2]
    raw = ie.run_int_raw(compiled.quantized, {INPUT_NAME: x})
    ((expected, frac_bits),) = raw.values()
    got = only(compiled.run_dict({INPUT_NAME: x}, "sim"))
    assert frac_bits is not None
    assert np.array_equal(ie.quantize(got, frac_bits), expected)
    assert compiled.report["rsp"]["cycles"] > 0


@pytest.mark.parametrize("name", NETWORKS)
def test_console_equals_golden_model(name: str) -> None:
    """The whole program (the generated C driver with every RSP run,
    activations handed from run to run in the arena) on an emulated N64
    (mupen64plus, z64's RSP): the int16 outputs are the golden model's."""
    c = case(name)
    compiled = compiled_network(name)
    assert compiled.quantized is not None
    x = c.heldout[:2]
    ((expected, _frac),) = ie.run_int_raw(compiled.quantized, {INPUT_NAME: x}).values()
    compiled.run_dict({INPUT_NAME: x}, "mupen64plus")
    run = compiled.last_emulator_run
    assert run is not None and run.raw.q is not None
    assert np.array_equal(run.raw.q[0], expected.reshape(len(x), -1))
    assert len(compiled.program.invocations) > 1


def test_a_wrapped_accumulator_is_counted() -> None:
    """A Gemm calibrated on small inputs and run on large ones wraps its
    int32 accumulators; the golden model counts exactly those."""
    from onnx import TensorProto, helper, numpy_helper

    from n64c.dialects.n64_quant import QGemmOp, QuantizeOp

    rng = np.random.default_rng(3)
    w = rng.normal(0.0, 1.0, (64, 8)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["input", "w"], ["y"])],
        "main",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, (1, 64))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, (1, 8))],
        [numpy_helper.from_array(w, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    module = import_onnx_model(model)
    calibration = rng.uniform(-0.01, 0.01, (32, 1, 64)).astype(np.float32)
    quantize_int16(module, {"input": calibration})
    x = rng.uniform(-1.0, 1.0, (4, 1, 64)).astype(np.float32)
    _, overflow = ie.run_int_checked(module, {"input": x})
    (gemm,) = [op for op in module.walk() if isinstance(op, QGemmOp)]
    quant = gemm.x.owner
    assert isinstance(quant, QuantizeOp) and gemm.bias is not None
    wq = gemm.w.owner.to_numpy().astype(np.int64)  # type: ignore[union-attr]
    bias = gemm.bias.owner.to_numpy().astype(np.int64)  # type: ignore[union-attr]
    xq = ie.quantize(x, quant.frac_bits.value.data).astype(np.int64)
    exact = xq @ wq + bias
    outside = int(np.count_nonzero((exact < -(2**31)) | (exact >= 2**31)))
    assert outside > 0
    assert overflow[gemm].wrapped == outside
    # the same inputs as calibration data give formats that do not wrap
    quantized = import_onnx_model(model)
    quantize_int16(quantized, {"input": x})
    _, overflow = ie.run_int_checked(quantized, {"input": x})
    assert sum(o.wrapped for o in overflow.values()) == 0
