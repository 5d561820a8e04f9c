"""The bundled example models: they import, match onnxruntime on the float
engine and classify the held-out digits well."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from n64c.frontend.onnx import import_onnx
from n64c.sim.float_engine import run_float

MODELS = {
    # model: (input shape, output name, accuracy threshold)
    "mlp_digits": ((1, 64), "probabilities", 0.95),
    "cnn_digits": ((1, 1, 8, 8), "logits", 0.95),
}


@pytest.fixture(scope="module")
def heldout(examples_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    data = np.load(examples_dir / "digits_heldout.npz")
    return data["X"], data["y"]


def test_heldout_split(heldout: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = heldout
    assert x.dtype == np.float32 and x.shape[1] == 64
    assert y.dtype == np.int64 and y.shape == (x.shape[0],)
    assert x.min() >= 0.0 and x.max() <= 1.0


@pytest.mark.parametrize("name", sorted(MODELS))
def test_example_matches_onnxruntime(
    name: str, examples_dir: Path, heldout: tuple[np.ndarray, np.ndarray]
) -> None:
    shape, output, threshold = MODELS[name]
    path = examples_dir / f"{name}.onnx"
    assert path.stat().st_size < 1_000_000
    module = import_onnx(path)
    x, y = heldout
    batch = x.reshape(-1, *shape)  # one leading batch axis
    got = run_float(module, {"input": batch})[output]
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    expected = np.concatenate([session.run(None, {"input": xi})[0] for xi in batch])
    assert got.shape == (len(x), 1, 10)
    assert np.abs(got[:, 0] - expected).max() <= 1e-4 * max(1.0, np.abs(expected).max())
    accuracy = float((got[:, 0].argmax(axis=1) == y).mean())
    assert accuracy >= threshold, f"{name}: held-out accuracy {accuracy:.4f}"
    if name == "mlp_digits":  # ends in Softmax
        assert np.allclose(got.sum(axis=-1), 1.0, atol=1e-5)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_example_sample_and_calibration_files(name: str, examples_dir: Path) -> None:
    shape, output, _ = MODELS[name]
    module = import_onnx(examples_dir / f"{name}.onnx")
    for kind, count in (("input", 8), ("calib", 64)):
        data = np.load(examples_dir / f"{name}_{kind}.npy")
        assert data.dtype == np.float32
        assert data.shape == (count, *shape)
    samples = np.load(examples_dir / f"{name}_input.npy")
    got = run_float(module, {"input": samples})[output]
    assert got.shape == (8, 1, 10)
