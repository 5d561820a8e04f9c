"""The C back end and the `n64c compile` flow: emitting `model.h`/`model.c`,
the whole `n64c.compile` + `save` of each example, and the size of the
generated C (`track_`)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MODELS = ["mlp_digits", "cnn_digits"]


def _compiled(model: str):  # noqa: ANN202
    import n64c

    calib = EXAMPLES / f"{model}_calib.npy"
    return n64c.compile(
        EXAMPLES / f"{model}.onnx", calibration=calib if calib.exists() else None
    )


class EmitC:
    params = MODELS
    param_names = ["model"]
    number = 1
    repeat = (2, 10, 20.0)
    warmup_time = 0.0

    def setup(self, model: str) -> None:
        self.compiled = _compiled(model)

    def time_emit_c(self, model: str) -> None:
        from n64c.backend.c_emit import emit_c

        emit_c(self.compiled.program, model)

    def track_model_c_bytes(self, model: str) -> int:
        return len(self.compiled.sources.source)

    track_model_c_bytes.unit = "bytes"  # type: ignore[attr-defined]


class CompileAndSave:
    params = MODELS
    param_names = ["model"]
    number = 1
    repeat = (2, 5, 30.0)
    warmup_time = 0.0

    def setup(self, model: str) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="n64c-bench-"))

    def teardown(self, model: str) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def time_compile_and_save(self, model: str) -> None:
        _compiled(model).save(self.tmp / "out")
