"""Each graph clean-up pass on each imported example model.

The pass mutates the module, so every timed call gets a fresh import made
in `setup` (`number = 1`: setup runs before each sample).
"""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MODELS = ["mlp_digits", "cnn_digits"]
CLEANUP_PASSES = [
    "fold-batchnorm",
    "fuse-activation",
    "canonicalize-reshapes",
    "n64-cleanup",
]


class CleanupPasses:
    params = (MODELS, CLEANUP_PASSES)
    param_names = ["model", "pass"]
    number = 1
    repeat = (3, 20, 10.0)
    warmup_time = 0.0

    def setup(self, model: str, pass_name: str) -> None:
        from xdsl.context import Context

        from n64c.frontend.onnx import import_onnx
        from n64c.passes import get_pass

        self.ctx = Context()
        self.module = import_onnx(EXAMPLES / f"{model}.onnx")
        self.pass_ = get_pass(pass_name)()

    def time_pass(self, model: str, pass_name: str) -> None:
        self.pass_.apply(self.ctx, self.module)
