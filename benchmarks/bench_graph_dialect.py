"""The graph dialect and the float reference engine: large constants
(build, print, parse) and float inference on the example models."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MODELS = ["mlp_digits", "cnn_digits"]


class LargeConstant:
    """`n64.constant` with one million f32 weights."""

    def setup(self) -> None:
        from xdsl.context import Context
        from xdsl.dialects.builtin import Builtin, ModuleOp
        from xdsl.printer import Printer

        from n64c.dialects.n64 import N64, ConstantOp

        self.weights = np.random.default_rng(0).standard_normal((1000, 1000))
        self.weights = self.weights.astype(np.float32)
        self.module = ModuleOp([ConstantOp.from_numpy(self.weights)])
        out = StringIO()
        Printer(out).print_op(self.module)
        self.text = out.getvalue()
        self.ctx = Context()
        self.ctx.load_dialect(Builtin)
        self.ctx.load_dialect(N64)

    def time_from_numpy(self) -> None:
        from n64c.dialects.n64 import ConstantOp

        ConstantOp.from_numpy(self.weights)

    def time_print(self) -> None:
        from xdsl.printer import Printer

        Printer(StringIO()).print_op(self.module)

    def time_parse(self) -> None:
        from xdsl.parser import Parser

        Parser(self.ctx, self.text).parse_module()


class FloatEngine:
    """`run_float` on each example model, one input and a batch of 256."""

    params = (MODELS, [1, 256])
    param_names = ["model", "batch"]

    def setup(self, model: str, batch: int) -> None:
        from n64c.frontend.onnx import import_onnx
        from n64c.sim.float_engine import find_main, input_names, run_float

        self.module = import_onnx(EXAMPLES / f"{model}.onnx")
        main = find_main(self.module)
        arg = main.args[0].type
        shape = arg.get_shape()  # pyright: ignore[reportAttributeAccessIsNotDefined]
        rng = np.random.default_rng(0)
        x = rng.standard_normal((batch, *shape) if batch > 1 else shape)
        self.inputs = {input_names(main)[0]: x.astype(np.float32)}
        run_float(self.module, self.inputs)

    def time_run_float(self, model: str, batch: int) -> None:
        from n64c.sim.float_engine import run_float

        run_float(self.module, self.inputs)
