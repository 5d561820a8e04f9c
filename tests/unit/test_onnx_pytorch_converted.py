"""ONNX's pytorch-converted backend cases through the importer and the float
engine.

Every case under the installed onnx package's
``onnx/backend/test/data/pytorch-converted/`` either imports and matches the
case's reference outputs, or is rejected with the unsupported-operator error.
:data:`REJECTED` lists the rejected cases with the operator named in the
message; a new case, or a case changing status, fails the test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from n64c.errors import UnsupportedModelError
from n64c.frontend.onnx import import_onnx
from n64c.sim.float_engine import run_float

DATA = Path(onnx.__file__).parent / "backend" / "test" / "data" / "pytorch-converted"
CASES = sorted(p.name for p in DATA.iterdir() if (p / "model.onnx").is_file())

REJECTED: dict[str, str] = {
    # An embedding looks rows up by int64 indices that are a model input:
    # n64c models take float32 inputs, and Gather needs constant indices.
    "test_Embedding": "Gather (nodes: (unnamed, output '2') [indices computed at run time]); input '0' has element type INT64",
    "test_Embedding_sparse": "Gather (nodes: (unnamed, output '2') [indices computed at run time]); input '0' has element type INT64",
}
"""Cases rejected at import, with a part of the message naming the operator."""


def test_case_list_is_complete() -> None:
    assert len(CASES) == 82
    assert set(REJECTED) <= set(CASES)


def _graph_inputs(model: onnx.ModelProto) -> list[str]:
    inits = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in inits]


@pytest.mark.parametrize("case", CASES)
def test_pytorch_converted(case: str) -> None:
    path = DATA / case / "model.onnx"
    if case in REJECTED:
        with pytest.raises(UnsupportedModelError) as info:
            import_onnx(path)
        message = str(info.value)
        assert message.startswith("unsupported ONNX operators: ")
        assert REJECTED[case] in message
        return
    module = import_onnx(path)
    names = _graph_inputs(onnx.load(str(path)))
    data_sets = sorted((DATA / case).glob("test_data_set_*"))
    assert data_sets
    for data_set in data_sets:
        inputs = [
            numpy_helper.to_array(onnx.load_tensor(str(p)))
            for p in sorted(data_set.glob("input_*.pb"))
        ]
        expected = [
            numpy_helper.to_array(onnx.load_tensor(str(p)))
            for p in sorted(data_set.glob("output_*.pb"))
        ]
        got = run_float(module, dict(zip(names, inputs, strict=True)))
        assert len(got) == len(expected)
        for ref, out in zip(expected, got.values(), strict=True):
            assert out.shape == ref.shape
            scale = max(float(np.abs(ref).max()), 1e-30)
            err = float(np.abs(out.astype(np.float64) - ref).max())
            assert err <= 1e-4 * scale, f"{case}: max abs err {err} (scale {scale})"
