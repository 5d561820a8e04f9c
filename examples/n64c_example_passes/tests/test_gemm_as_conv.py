"""`gemm-as-conv` and `conv-as-gemm`: the rewrites, the cases they leave
alone, and the float results they keep."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from n64c_example_passes.gemm_as_conv import ConvAsGemmPass, GemmAsConvPass
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from n64c.frontend.onnx import import_onnx
from n64c.ir_io import parse_module
from n64c.passes.n64_cleanup import N64CleanupPass
from n64c.sim.float_engine import run_float


def op_names(module: ModuleOp) -> list[str]:
    return [op.name for op in module.walk() if op.name.startswith("n64.")]


def applied(module: ModuleOp, *passes: ModulePass) -> ModuleOp:
    result = module.clone()
    for pass_ in passes:
        pass_.apply(Context(), result)
    result.verify()
    return result


def cleaned_cnn(examples: Path) -> ModuleOp:
    module = import_onnx(examples / "cnn_digits.onnx")
    N64CleanupPass().apply(Context(), module)
    return module


def test_cnn_classifier_becomes_a_convolution(examples: Path) -> None:
    module = cleaned_cnn(examples)
    rewritten = applied(module, GemmAsConvPass())
    assert op_names(module).count("n64.gemm") == 1
    assert op_names(rewritten).count("n64.gemm") == 0
    assert op_names(rewritten).count("n64.conv2d") == 3
    x = {"input": np.load(examples / "cnn_digits_calib.npy")}
    ref, ours = run_float(module, x)["logits"], run_float(rewritten, x)["logits"]
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5)


def test_round_trip_restores_the_gemm(examples: Path) -> None:
    module = cleaned_cnn(examples)
    back = applied(module, GemmAsConvPass(), ConvAsGemmPass())
    assert op_names(back).count("n64.gemm") == 1
    assert op_names(back).count("n64.conv2d") == 2
    x = {"input": np.load(examples / "cnn_digits_calib.npy")}
    np.testing.assert_allclose(
        run_float(back, x)["logits"],
        run_float(module, x)["logits"],
        rtol=1e-5,
        atol=1e-5,
    )


def graph(
    body: str, arg: str = "tensor<2x3x2x2xf32>", result: str = "tensor<2x4xf32>"
) -> ModuleOp:
    text = (
        f"func.func @main(%x: {arg}) -> {result} attributes "
        '{n64.input_names = ["x"], n64.output_names = ["y"]} {\n'
        f"{body}\n}}"
    )
    return parse_module(text, "test")


WEIGHTS = (
    "%w = n64.constant dense<"
    + str((np.arange(48, dtype=np.float32).reshape(12, 4) / 10 - 2).tolist())
    + "> : tensor<12x4xf32>"
)


def test_batch_clamp_and_row_bias_are_kept() -> None:
    module = graph(
        f"""{WEIGHTS}
  %b = n64.constant dense<[[0.5, -1.0, 2.0, 0.0]]> : tensor<1x4xf32>
  %f = n64.flatten %x : (tensor<2x3x2x2xf32>) -> tensor<2x12xf32>
  %y = n64.gemm %f, %w, %b {{clamp_min = 0.0 : f32, clamp_max = 6.0 : f32}} : (tensor<2x12xf32>, tensor<12x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  func.return %y : tensor<2x4xf32>"""
    )
    rewritten = applied(module, GemmAsConvPass())
    (conv,) = [op for op in rewritten.walk() if op.name == "n64.conv2d"]
    assert "clamp_min" in conv.properties and "clamp_max" in conv.properties
    x = {"x": np.random.default_rng(1).normal(size=(2, 3, 2, 2)).astype(np.float32)}
    np.testing.assert_allclose(
        run_float(rewritten, x)["y"], run_float(module, x)["y"], rtol=1e-5, atol=1e-5
    )


def test_left_alone_without_constant_weights_or_with_another_flatten() -> None:
    not_constant = graph(
        """%f = n64.reshape %x : (tensor<2x3x2x2xf32>) -> tensor<2x12xf32>
  %t = n64.transpose %f {perm = array<i64: 1, 0>} : (tensor<2x12xf32>) -> tensor<12x2xf32>
  %y = n64.gemm %f, %t : (tensor<2x12xf32>, tensor<12x2xf32>) -> tensor<2x2xf32>
  func.return %y : tensor<2x2xf32>""",
        result="tensor<2x2xf32>",
    )
    assert op_names(applied(not_constant, GemmAsConvPass())) == op_names(not_constant)
    other_axis = graph(
        """%w = n64.constant dense<1.0> : tensor<4x4xf32>
  %f = n64.flatten %x {axis = 2 : i64} : (tensor<2x3x2x2xf32>) -> tensor<6x4xf32>
  %y = n64.gemm %f, %w : (tensor<6x4xf32>, tensor<4x4xf32>) -> tensor<6x4xf32>
  func.return %y : tensor<6x4xf32>""",
        result="tensor<6x4xf32>",
    )
    assert op_names(applied(other_axis, GemmAsConvPass())) == op_names(other_axis)


def test_conv_as_gemm_leaves_padded_convolutions() -> None:
    padded = graph(
        """%w = n64.constant dense<0.5> : tensor<4x3x2x2xf32>
  %y = n64.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x3x2x2xf32>, tensor<4x3x2x2xf32>) -> tensor<2x4x3x3xf32>
  func.return %y : tensor<2x4x3x3xf32>""",
        result="tensor<2x4x3x3xf32>",
    )
    assert op_names(applied(padded, ConvAsGemmPass())) == op_names(padded)
