"""The `light_*` architectures shipped with onnx (AlexNet, DenseNet-121,
Inception v1/v2, ResNet-50, ShuffleNet, SqueezeNet, VGG-19, ZFNet-512).

Their weights are `ConstantOfShape` nodes (all 0.02), so the importer must
fold them. Each model in :data:`EXPECTED` either imports and matches
onnxruntime on a random input through the float engine, or is rejected with
the unsupported-operator message given. Because uniform weights make every
class score equal, the supported models also run with random weights in
place of the `ConstantOfShape` values, which checks the arithmetic
(except VGG-19, see :data:`NOT_RANDOMISED`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

from n64c.errors import UnsupportedModelError
from n64c.frontend.onnx import import_onnx, import_onnx_model
from n64c.sim.float_engine import run_float

pytestmark = pytest.mark.slow

DATA = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
MODELS = sorted(p.stem for p in DATA.glob("light_*.onnx"))

RUNS = "runs"
EXPECTED: dict[str, str] = {
    "light_bvlc_alexnet": RUNS,
    "light_densenet121": RUNS,
    "light_inception_v1": RUNS,
    "light_inception_v2": RUNS,
    "light_resnet50": RUNS,
    "light_shufflenet": RUNS,
    "light_squeezenet": RUNS,
    "light_vgg19": RUNS,
    "light_zfnet512": RUNS,
}


NOT_RANDOMISED = {"light_vgg19"}
"""VGG-19's 143M weights make a random copy slow; its layers (Conv, Relu,
MaxPool, Gemm) are exercised with random weights by the other models."""


def test_model_list_is_complete() -> None:
    assert sorted(EXPECTED) == MODELS


def _run_both(model: onnx.ModelProto, module_source: onnx.ModelProto | Path) -> None:
    module = (
        import_onnx(module_source)
        if isinstance(module_source, Path)
        else import_onnx_model(module_source)
    )
    session = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (arg,) = session.get_inputs()
    shape = [d if isinstance(d, int) else 1 for d in arg.shape]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    (expected,) = session.run(None, {arg.name: x})
    (got,) = run_float(module, {arg.name: x}).values()
    assert got.shape == expected.shape
    scale = float(np.abs(expected).max())
    assert float(np.abs(got - expected).max()) <= 1e-4 * scale


def _with_random_weights(model: onnx.ModelProto) -> onnx.ModelProto:
    """`model` with each ConstantOfShape replaced by a random initializer:
    He-scaled normals for weights, values in [0.5, 1.5] for vectors (so
    batch-norm variances stay positive)."""
    rng = np.random.default_rng(1)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    out = onnx.ModelProto()
    out.CopyFrom(model)
    out.ir_version = max(out.ir_version, 4)  # initializers need not be inputs
    del out.graph.node[:]
    for node in model.graph.node:
        if node.op_type != "ConstantOfShape":
            out.graph.node.append(node)
            continue
        shape = tuple(int(d) for d in inits[node.input[0]])
        if len(shape) >= 2:
            fan_in = int(np.prod(shape[1:]))
            std = np.float32(np.sqrt(2.0 / fan_in))
            value = rng.standard_normal(shape, dtype=np.float32) * std
        else:
            value = rng.uniform(0.5, 1.5, shape).astype(np.float32)
        out.graph.initializer.append(numpy_helper.from_array(value, node.output[0]))
    return out


@pytest.mark.parametrize("name", MODELS)
def test_light_model(name: str) -> None:
    path = DATA / f"{name}.onnx"
    if EXPECTED[name] != RUNS:
        with pytest.raises(UnsupportedModelError) as info:
            import_onnx(path)
        assert str(info.value) == EXPECTED[name]
        return
    model = onnx.load(str(path))
    _run_both(model, path)
    if name not in NOT_RANDOMISED:
        randomised = _with_random_weights(model)
        _run_both(randomised, randomised)
