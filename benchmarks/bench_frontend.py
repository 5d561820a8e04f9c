"""ONNX import of each bundled example model."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MODELS = ["mlp_digits", "cnn_digits"]


class ImportOnnx:
    """`import_onnx(path)` on each example (reading, checking, translating)."""

    params = MODELS
    param_names = ["model"]

    def setup(self, model: str) -> None:
        from n64c.frontend.onnx import import_onnx

        self.path = EXAMPLES / f"{model}.onnx"
        import_onnx(self.path)  # warm the lazy imports outside the timing

    def time_import_onnx(self, model: str) -> None:
        from n64c.frontend.onnx import import_onnx

        import_onnx(self.path)

    def peakmem_import_onnx(self, model: str) -> None:
        from n64c.frontend.onnx import import_onnx

        import_onnx(self.path)
