"""The C kernels of the ops that stay on the CPU after `quantize-int16`.

Each model below puts float ops (and the int16 ops that have no RSP kernel)
around a Gemm that runs on the RSP; the test compiles it with `n64c.compile`,
builds `model.c` natively with the host runtime (every RSP run on the z64
core) and compares with the golden model `run_int`:

* float ops without transcendental functions or long sums (clamps, relu,
  leaky relu, add/sub/mul, pad, transpose, concat, reshape, max pool, batch
  norm) give the float engine's numbers bit for bit;
* sigmoid, tanh, softmax, average pools, matmul/gemm/conv in float agree
  within the tolerance `docs/c-api.md` states (rtol 1e-5, atol 1e-6);
* int16 outputs are bit-exact.

Every generated `model.c` also builds without warnings for the host and the
VR4300.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from n64c.api import CompiledModel
from n64c.api import compile as compile_model
from n64c.backend.c_emit import KERNELS, emit_c
from n64c.backend.host_runtime import native_build, run_native
from n64c.errors import UnsupportedModelError
from n64c.sim.int_engine import quantize, run_int, run_int_raw

HOST_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror"]
MIPS_FLAGS = ["-march=vr4300", "-mabi=32", "-EB", "-Wall", "-Werror"]
FLAG_SETS = (
    ("gcc", HOST_FLAGS),
    ("gcc", [*HOST_FLAGS, "-O2", "-pedantic"]),
    ("mips-linux-gnu-gcc", MIPS_FLAGS),
    ("mips-linux-gnu-gcc", [*MIPS_FLAGS, "-O2", "-Wextra"]),
)
"""The builds `test_c_emit.py` checks the digits models with."""
RTOL, ATOL = 1e-5, 1e-6
"""The documented agreement of the inexact float kernels (docs/c-api.md)."""
BATCH = 6


def _const(name: str, value: npt.ArrayLike) -> onnx.TensorProto:
    array = np.asarray(value)
    if array.dtype.kind == "f":
        array = array.astype(np.float32)
    elif array.dtype.kind in "iu":
        array = array.astype(np.int64)
    return numpy_helper.from_array(array, name)


def _model(
    nodes: list[onnx.NodeProto],
    inputs: Mapping[str, Sequence[int]],
    outputs: Mapping[str, Sequence[int]],
    inits: list[onnx.TensorProto],
) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes,
        "kernels",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs.items()],
        inits,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _weights(name: str, k: int, n: int, seed: int) -> onnx.TensorProto:
    rng = np.random.default_rng(seed)
    return _const(name, rng.uniform(-1, 1, (k, n)) / np.sqrt(k))


def _build(model: onnx.ModelProto, out: Path) -> CompiledModel:
    cm = compile_model(model)
    cm.save(out)
    for compiler, flags in FLAG_SETS:
        done = subprocess.run(
            [compiler, *flags, "-c", str(out / "model.c"), "-o", str(out / "m.o")],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
    return cm


def _check(
    model: onnx.ModelProto,
    out: Path,
    exact: Sequence[str],
    close: Sequence[str] = (),
    seed: int = 0,
) -> tuple[CompiledModel, dict[str, np.ndarray]]:
    """Compile, run natively in float and compare every output with
    `run_int`: the `exact` ones bit for bit, the `close` ones within the
    documented tolerance. Returns the model and the native outputs."""
    cm = _build(model, out)
    assert sorted([*exact, *close]) == sorted(cm.output_names)
    rng = np.random.default_rng(seed)
    inputs = {
        name: rng.standard_normal((BATCH, *shape)).astype(np.float32)
        for name, shape in zip(cm.input_names, cm.input_shapes, strict=True)
    }
    golden = run_int(cm.quantized, inputs)  # type: ignore[arg-type]
    with native_build(out) as exe:
        outputs, runs = run_native(out, list(inputs.values()), exe=exe)
    assert runs == BATCH * len(cm.program.invocations)
    native = dict(zip(cm.output_names, outputs, strict=True))
    for name in cm.output_names:
        ours = native[name]
        want = golden[name].reshape(BATCH, -1)
        assert ours.shape == want.shape, name
        if name in exact:
            assert np.array_equal(ours, want, equal_nan=True), name
        else:
            np.testing.assert_allclose(ours, want, rtol=RTOL, atol=ATOL, err_msg=name)
    return cm, native


def _ops(cm: CompiledModel) -> set[str]:
    assert cm.quantized is not None
    return {op.name for op in cm.quantized.walk()}


def test_elementwise_float_ops(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"]),
        helper.make_node("Sub", ["h", "c8"], ["s"]),
        helper.make_node("Relu", ["s"], ["relu"]),
        helper.make_node("Clip", ["s", "lo", "hi"], ["clip"]),
        helper.make_node("Clip", ["s", "", "hi"], ["clip_hi"]),
        helper.make_node("LeakyRelu", ["s"], ["leaky"], alpha=0.2),
        helper.make_node("Sigmoid", ["h"], ["sigmoid"]),
        helper.make_node("Tanh", ["h"], ["tanh"]),
        helper.make_node("Mul", ["h", "h"], ["hh"]),
        helper.make_node("Add", ["s", "hh"], ["add"]),
        helper.make_node("Add", ["s", "c8"], ["a2"]),
        helper.make_node("Relu", ["a2"], ["add_relu"]),
        helper.make_node("Reshape", ["s", "shape3"], ["s3"]),
        helper.make_node("Mul", ["s3", "c31"], ["mul_bcast"]),
        helper.make_node("Sub", ["c8", "s"], ["sub_bcast"]),
    ]
    inits = [
        _weights("w", 8, 8, 1),
        _const("c8", np.linspace(-0.5, 0.5, 8)),
        _const("lo", np.float32(-0.25)),
        _const("hi", np.float32(0.3)),
        _const("shape3", [2, 1, 4]),
        _const("c31", [[1.5], [-2.0], [0.25]]),
    ]
    outputs = {
        "relu": [1, 8], "clip": [1, 8], "clip_hi": [1, 8], "leaky": [1, 8],
        "sigmoid": [1, 8], "tanh": [1, 8], "add": [1, 8], "add_relu": [1, 8],
        "mul_bcast": [2, 3, 4], "sub_bcast": [1, 8],
    }  # fmt: skip
    model = _model(nodes, {"x": [1, 8]}, outputs, inits)
    exact = [n for n in outputs if n not in ("sigmoid", "tanh")]
    cm, native = _check(model, tmp_path / "out", exact, ["sigmoid", "tanh"])
    ops = _ops(cm)
    for name in ("clip", "leaky_relu", "sigmoid", "tanh", "add", "sub", "mul"):
        assert f"n64.{name}" in ops  # the float op itself, not an int16 version
    assert (native["relu"] >= 0).all() and (native["clip"] <= np.float32(0.3)).all()


def test_shape_float_ops(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"]),
        helper.make_node("Sub", ["h", "c8"], ["s"]),
        helper.make_node("Reshape", ["s", "shape4"], ["r4"]),
        helper.make_node(
            "Pad", ["r4", "pads_c", "fill"], ["pad_const"], mode="constant"
        ),
        helper.make_node("Pad", ["r4", "pads_r"], ["pad_reflect"], mode="reflect"),
        helper.make_node("Pad", ["r4", "pads_e"], ["pad_edge"], mode="edge"),
        helper.make_node("Flatten", ["pad_const"], ["flat"]),
        helper.make_node("Reshape", ["s", "shape3"], ["r3"]),
        helper.make_node("Transpose", ["r3"], ["transpose"], perm=[2, 0, 1]),
        helper.make_node("Concat", ["s", "c3"], ["concat1"], axis=1),
        helper.make_node("Concat", ["r4", "r4"], ["concat2"], axis=2),
    ]
    inits = [
        _weights("w", 8, 8, 2),
        _const("c8", np.linspace(-0.5, 0.5, 8)),
        _const("shape4", [1, 2, 2, 2]),
        _const("shape3", [1, 2, 4]),
        _const("pads_c", [0, 0, 1, 0, 0, 0, 0, 2]),
        _const("fill", np.float32(1.5)),
        _const("pads_r", [0, 0, 1, 1, 0, 0, 1, 1]),
        _const("pads_e", [0, 0, -1, 2, 0, 0, 0, 1]),
        _const("c3", [[7.0, 8.0, 9.0]]),
    ]
    outputs = {
        "pad_const": [1, 2, 3, 4], "pad_reflect": [1, 2, 4, 4],
        "pad_edge": [1, 2, 1, 5], "flat": [1, 24], "transpose": [4, 1, 2],
        "concat1": [1, 11], "concat2": [1, 2, 4, 2],
    }  # fmt: skip
    model = _model(nodes, {"x": [1, 8]}, outputs, inits)
    cm, native = _check(model, tmp_path / "out", list(outputs))
    ops = _ops(cm)
    assert {"n64.pad", "n64.transpose", "n64.concat"} <= ops
    assert (native["pad_const"].reshape(BATCH, 2, 3, 4)[:, :, 0] == 1.5).all()


def test_pool_float_ops(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"]),
        helper.make_node("Sub", ["h", "c32"], ["s"]),
        helper.make_node("Reshape", ["s", "shape4"], ["r4"]),
        helper.make_node("MaxPool", ["r4"], ["max"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("MaxPool", ["r4"], ["max_ceil"], kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
        helper.make_node("AveragePool", ["r4"], ["avg"], kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("AveragePool", ["r4"], ["avg_incl"], kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1,
                         count_include_pad=1),
        helper.make_node("GlobalAveragePool", ["r4"], ["gap"]),
    ]  # fmt: skip
    inits = [
        _weights("w", 8, 32, 3),
        _const("c32", np.linspace(-0.5, 0.5, 32)),
        _const("shape4", [1, 2, 4, 4]),
    ]
    outputs = {
        "max": [1, 2, 2, 2], "max_ceil": [1, 2, 3, 3], "avg": [1, 2, 4, 4],
        "avg_incl": [1, 2, 3, 3], "gap": [1, 2, 1, 1],
    }  # fmt: skip
    model = _model(nodes, {"x": [1, 8]}, outputs, inits)
    cm, _ = _check(
        model, tmp_path / "out", ["max", "max_ceil"], ["avg", "avg_incl", "gap"]
    )
    assert {"n64.maxpool", "n64.avgpool", "n64.global_avgpool"} <= _ops(cm)


def test_matmul_gemm_conv_in_float(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"]),
        helper.make_node("Gemm", ["x", "w2"], ["h2"]),
        helper.make_node("Sub", ["h", "c32"], ["s"]),
        helper.make_node("Mul", ["h", "h"], ["hh"]),
        helper.make_node("Reshape", ["s", "shape_a"], ["a"]),
        helper.make_node("Reshape", ["hh", "shape_b"], ["b"]),
        helper.make_node("MatMul", ["a", "b"], ["matmul"]),
        helper.make_node("Reshape", ["s", "shape_a3"], ["a3"]),
        helper.make_node("MatMul", ["a3", "b"], ["matmul_batched"]),
        helper.make_node("Gemm", ["a", "wg", "bias_rows"], ["gemm"]),
        helper.make_node("Reshape", ["s", "shape_x"], ["cx"]),
        helper.make_node("Reshape", ["h2", "shape_w"], ["cw"]),
        helper.make_node("Conv", ["cx", "cw", "cb"], ["c"], pads=[1, 1, 0, 0]),
        helper.make_node("Relu", ["c"], ["conv"]),
        helper.make_node("Gemm", ["x", "w3"], ["h3"]),
        helper.make_node("Reshape", ["h3", "shape_wg"], ["gw"]),
        helper.make_node("Conv", ["cx", "gw"], ["conv_grouped"], group=2,
                         strides=[2, 2], dilations=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Reshape", ["s", "shape_v"], ["v"]),
        helper.make_node("Reshape", ["hh", "shape_col"], ["col"]),
        helper.make_node("MatMul", ["v", "col"], ["matmul_vec"]),
    ]  # fmt: skip
    inits = [
        _weights("w", 8, 32, 5),
        _weights("w2", 8, 24, 6),
        _const("c32", np.linspace(-0.5, 0.5, 32)),
        _const("shape_a", [4, 8]),
        _const("shape_b", [8, 4]),
        _const("shape_a3", [2, 2, 8]),
        _const("wg", rng.uniform(-1, 1, (8, 3))),
        _const("bias_rows", rng.uniform(-1, 1, (4, 3))),
        _const("shape_x", [1, 2, 4, 4]),
        _const("shape_w", [3, 2, 2, 2]),
        _const("cb", [0.1, -0.2, 0.3]),
        _weights("w3", 8, 8, 16),
        _const("shape_wg", [2, 1, 2, 2]),
        _const("shape_v", [32]),
        _const("shape_col", [32, 1]),
    ]
    outputs = {
        "matmul": [4, 4], "matmul_batched": [2, 2, 4], "gemm": [4, 3],
        "conv": [1, 3, 4, 3], "conv_grouped": [1, 2, 2, 2], "matmul_vec": [1],
    }  # fmt: skip
    model = _model(nodes, {"x": [1, 8]}, outputs, inits)
    cm, native = _check(model, tmp_path / "out", [], list(outputs))
    ops = _ops(cm)
    assert {"n64.matmul", "n64.gemm", "n64.conv2d"} <= ops
    assert (native["conv"] >= 0).all()


def test_softmax_and_batchnorm(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"]),
        helper.make_node("Sub", ["h", "c8"], ["s"]),
        helper.make_node("Softmax", ["h"], ["softmax"], axis=1),
        helper.make_node("Reshape", ["s", "shape3"], ["r3"]),
        helper.make_node("Softmax", ["r3"], ["softmax_mid"], axis=1),
        helper.make_node("Reshape", ["s", "shape4"], ["r4"]),
        helper.make_node("BatchNormalization", ["r4", "g", "b", "m", "v"], ["bn"],
                         epsilon=1e-3),
    ]  # fmt: skip
    inits = [
        _weights("w", 8, 8, 7),
        _const("c8", np.linspace(-0.5, 0.5, 8)),
        _const("shape3", [1, 2, 4]),
        _const("shape4", [1, 2, 2, 2]),
        _const("g", [1.5, 0.5]),
        _const("b", [0.1, -0.1]),
        _const("m", [0.2, -0.3]),
        _const("v", [0.7, 2.0]),
    ]
    outputs = {"softmax": [1, 8], "softmax_mid": [1, 2, 4], "bn": [1, 2, 2, 2]}
    model = _model(nodes, {"x": [1, 8]}, outputs, inits)
    cm, _ = _check(model, tmp_path / "out", ["bn"], ["softmax", "softmax_mid"])
    assert {"n64.softmax", "n64.batchnorm"} <= _ops(cm)


def test_float_maths_and_index_ops(tmp_path: Path) -> None:
    """Exp, Abs, Softplus, Elu, Selu, Div by a computed divisor, LogSoftmax,
    LRN, Split, Slice and Gather with constant indices."""
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"]),
        helper.make_node("Sub", ["h", "c16"], ["s"]),
        helper.make_node("Exp", ["s"], ["exp"]),
        helper.make_node("Abs", ["s"], ["abs"]),
        helper.make_node("Softplus", ["s"], ["softplus"]),
        helper.make_node("Elu", ["s"], ["elu"], alpha=0.5),
        helper.make_node("Selu", ["s"], ["selu"]),
        helper.make_node("Add", ["abs", "one"], ["divisor"]),
        helper.make_node("Reshape", ["divisor", "shape_col"], ["col"]),
        helper.make_node("Reshape", ["s", "shape_row"], ["r3"]),
        helper.make_node("Div", ["r3", "col"], ["div"]),
        helper.make_node("LogSoftmax", ["r3"], ["log_softmax"], axis=1),
        helper.make_node("Reshape", ["s", "shape4"], ["r4"]),
        helper.make_node("LRN", ["r4"], ["lrn"], size=3, alpha=0.5, beta=0.75,
                         bias=1.5),
        helper.make_node("Split", ["r4", "sizes"], ["split_a", "split_b"], axis=1),
        helper.make_node("Slice", ["r4", "starts", "ends", "axes"], ["slice"]),
        helper.make_node("Gather", ["r4", "idx"], ["gather"], axis=2),
        helper.make_node("Gather", ["r3", "idx0"], ["gather0"], axis=2),
    ]  # fmt: skip
    inits = [
        _weights("w", 8, 16, 17),
        _const("c16", np.linspace(-0.5, 0.5, 16)),
        _const("one", np.float32(1.0)),
        _const("shape_col", [16, 1, 1]),
        _const("shape_row", [1, 4, 4]),
        _const("shape4", [1, 4, 2, 2]),
        _const("sizes", [1, 3]),
        _const("starts", [1, 1]),
        _const("ends", [3, 2]),
        _const("axes", [1, 3]),
        _const("idx", [1, 0, 1]),
        _const("idx0", np.int64(2)),
    ]
    outputs = {
        "exp": [1, 16], "abs": [1, 16], "softplus": [1, 16], "elu": [1, 16],
        "selu": [1, 16], "div": [16, 4, 4], "log_softmax": [1, 4, 4],
        "lrn": [1, 4, 2, 2], "split_a": [1, 1, 2, 2], "split_b": [1, 3, 2, 2],
        "slice": [1, 2, 2, 1], "gather": [1, 4, 3, 2], "gather0": [1, 4],
    }  # fmt: skip
    model = _model(nodes, {"x": [1, 8]}, outputs, inits)
    exact = ["abs", "div", "split_a", "split_b", "slice", "gather", "gather0"]
    close = [n for n in outputs if n not in exact]
    cm, _ = _check(model, tmp_path / "out", exact, close)
    for name in ("exp", "abs", "softplus", "elu", "selu", "div", "log_softmax",
                 "lrn", "slice", "gather"):  # fmt: skip
        assert f"n64.{name}" in _ops(cm)


def test_float_window_ops(tmp_path: Path) -> None:
    """ConvTranspose (2-D with groups and output padding, 1-D; in int16),
    3-D Conv, MaxPool and AveragePool."""
    rng = np.random.default_rng(18)
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["h"]),
        helper.make_node("Sub", ["h", "c64"], ["s"]),
        helper.make_node("Reshape", ["s", "shape4"], ["r4"]),
        helper.make_node("ConvTranspose", ["r4", "wt", "bt"], ["conv_t"],
                         strides=[2, 3], pads=[1, 0, 0, 1], output_padding=[1, 2],
                         dilations=[1, 2], group=2),
        helper.make_node("Reshape", ["s", "shape3"], ["r3"]),
        helper.make_node("ConvTranspose", ["r3", "wt1"], ["conv_t1"], strides=[2]),
        helper.make_node("Reshape", ["s", "shape5"], ["r5"]),
        helper.make_node("Conv", ["r5", "w3", "b3"], ["conv3d"],
                         pads=[1, 0, 1, 0, 1, 1], strides=[1, 2, 1],
                         dilations=[1, 1, 2]),
        helper.make_node("MaxPool", ["r5"], ["max3d"], kernel_shape=[2, 3, 2],
                         strides=[2, 2, 1], pads=[1, 1, 0, 0, 1, 1], ceil_mode=1),
        helper.make_node("AveragePool", ["r5"], ["avg3d"], kernel_shape=[2, 2, 2],
                         pads=[1, 1, 1, 1, 1, 1], strides=[2, 2, 2],
                         count_include_pad=1),
        helper.make_node("AveragePool", ["r5"], ["avg3d_ex"], kernel_shape=[3, 2, 2],
                         pads=[1, 1, 0, 1, 0, 1]),
    ]  # fmt: skip
    inits = [
        _weights("w", 8, 64, 19),
        _const("c64", np.linspace(-0.5, 0.5, 64)),
        _const("shape4", [1, 4, 4, 4]),
        _const("wt", rng.uniform(-1, 1, (4, 3, 2, 3))),
        _const("bt", [0.1, -0.2, 0.3, 0.0, 0.5, -0.5]),
        _const("shape3", [1, 2, 32]),
        _const("wt1", rng.uniform(-1, 1, (2, 2, 3))),
        _const("shape5", [1, 2, 2, 4, 4]),
        _const("w3", rng.uniform(-1, 1, (3, 2, 2, 2, 2))),
        _const("b3", [0.25, -0.25, 0.5]),
    ]
    outputs = {
        "conv_t": [1, 6, 8, 14], "conv_t1": [1, 2, 65], "conv3d": [1, 3, 3, 2, 4],
        "max3d": [1, 2, 2, 3, 4], "avg3d": [1, 2, 2, 3, 3], "avg3d_ex": [1, 2, 2, 4, 5],
    }  # fmt: skip
    model = _model(nodes, {"x": [1, 8]}, outputs, inits)
    # ConvTranspose with constant weights runs in int16 (bit for bit); the
    # float kernel is checked in test_int16_cpu_ops.py
    exact = ["max3d", "conv_t", "conv_t1"]
    close = [n for n in outputs if n not in exact]
    cm, _ = _check(model, tmp_path / "out", exact, close)
    assert {"n64.qconv_transpose2d", "n64.conv3d", "n64.maxpool3d",
            "n64.avgpool3d"} <= _ops(cm)  # fmt: skip


def test_int16_chain_through_float_op_and_qconcat(tmp_path: Path) -> None:
    """Float ops between int16 layers and an int16 concatenation (no RSP
    kernel): `n64c_model_run_q` equals `run_int_raw` bit for bit."""
    nodes = [
        helper.make_node("Gemm", ["x", "w1"], ["h1"]),
        helper.make_node("Gemm", ["x", "w2"], ["h2"]),
        helper.make_node("Sub", ["h1", "c8"], ["s"]),
        helper.make_node("Gemm", ["s", "w3"], ["out1"]),
        helper.make_node("Concat", ["h1", "h2"], ["cat"], axis=1),
        helper.make_node("Gemm", ["cat", "w4"], ["out2"]),
    ]
    inits = [
        _weights("w1", 8, 8, 8),
        _weights("w2", 8, 8, 9),
        _const("c8", np.linspace(-0.5, 0.5, 8)),
        _weights("w3", 8, 4, 10),
        _weights("w4", 16, 4, 11),
    ]
    model = _model(nodes, {"x": [1, 8]}, {"out1": [1, 4], "out2": [1, 4]}, inits)
    out = tmp_path / "out"
    cm, _ = _check(model, out, ["out1", "out2"])
    assert "n64.qconcat" in _ops(cm) and "n64.sub" in _ops(cm)
    header = (out / "model.h").read_text()
    assert "#define N64C_MODEL_HAS_RUN_Q 1" in header
    assert cm.quantized is not None
    x = np.random.default_rng(12).standard_normal((BATCH, 1, 8)).astype(np.float32)
    raw = run_int_raw(cm.quantized, {"x": x})
    frac = next(
        op.frac_bits.value.data  # type: ignore[attr-defined]
        for op in cm.quantized.walk()
        if op.name == "n64.quantize"
    )
    (y1, y2), _ = run_native(out, [quantize(x, frac)], quantized=True)
    assert np.array_equal(y1, raw["out1"][0].reshape(BATCH, -1))
    assert np.array_equal(y2, raw["out2"][0].reshape(BATCH, -1))


def test_graph_without_an_int16_entry_point(tmp_path: Path) -> None:
    """An output whose int16 tensor lies below another output's, and a float
    op reading the model input: no `n64c_model_run_q`, and
    `n64c_model_run` computes everything itself."""
    nodes = [
        helper.make_node("Gemm", ["x", "w1"], ["h1"]),
        helper.make_node("Sub", ["h1", "c8"], ["s"]),
        helper.make_node("Gemm", ["s", "w3"], ["out1"]),
        helper.make_node("Mul", ["x", "x"], ["xx"]),
        helper.make_node("Add", ["h1", "xx"], ["out2"]),
    ]
    inits = [
        _weights("w1", 8, 8, 13),
        _const("c8", np.linspace(-0.5, 0.5, 8)),
        _weights("w3", 8, 4, 14),
    ]
    outputs = {"h1": [1, 8], "out1": [1, 4], "out2": [1, 8]}
    model = _model(nodes, {"x": [1, 8]}, outputs, inits)
    out = tmp_path / "out"
    _check(model, out, list(outputs))
    assert "#define N64C_MODEL_HAS_RUN_Q 0" in (out / "model.h").read_text()
    assert "n64c_forward" not in (out / "model.c").read_text()


def test_every_kernel_builds_without_warnings(tmp_path: Path) -> None:
    """All kernel texts in one file (so that kernels no test model uses are
    checked too), for the host and the VR4300."""
    source = tmp_path / "kernels.c"
    source.write_text(
        "#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n"
        "#include <string.h>\n" + "\n".join(KERNELS.values())
    )
    for compiler, flags in FLAG_SETS:
        done = subprocess.run(
            [compiler, *flags, "-Wno-unused-function", "-c", str(source),
             "-o", str(tmp_path / "k.o")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0 and done.stderr == "", done.stderr
    # float kernels use float maths only, never double
    for name, text in KERNELS.items():
        code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        assert "double" not in code, name
        assert not re.search(r"\b(exp|tanh|sqrt|fabs|floor)\s*\(", code), name


def test_op_without_a_kernel_is_named_with_its_place(tmp_path: Path) -> None:
    from xdsl.dialects import func
    from xdsl.dialects.test import TestOp
    from xdsl.rewriter import InsertPoint, Rewriter

    from n64c.sim.float_engine import find_main

    nodes = [helper.make_node("Gemm", ["x", "w"], ["y"])]
    model = _model(nodes, {"x": [1, 8]}, {"y": [1, 8]}, [_weights("w", 8, 8, 15)])
    cm = compile_model(model)
    main = find_main(cm.program.module)
    ret = main.body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    foreign = TestOp((ret.operands[0],), (ret.operands[0].type,))
    Rewriter.insert_op(foreign, InsertPoint.before(ret))
    ret.operands = (foreign.results[0],)
    count = len(list(main.body.block.ops))
    with pytest.raises(UnsupportedModelError) as info:
        emit_c(cm.program, cm.name)
    message = str(info.value)
    assert message.startswith(f"test.op (op {count - 1} of {count} in @main; ")
    assert "result tensor<1x8xf32>; model output 'y')" in message
    assert "docs/c-api.md" in message


def test_int16_transpose_walks_the_output_like_an_odometer() -> None:
    """The generated C's int16 transpose (the entry of ResNet-8, whose first
    conv runs in strips: a 1x3x32x32 image to channels-last) moves the
    input offset along with an odometer over the output index; the native
    engine (the C on the host, RSP runs on z64) equals the simulator."""
    from n64c.testing.mlperf_tiny import (
        INPUT_NAME,
        build_network,
        logits_model,
        sample_inputs,
    )

    model = logits_model(build_network("resnet8"))
    compiled = compile_model(model, calibration=sample_inputs("resnet8", 8, seed=1))
    assert "n64.qtranspose" in {o.name for o in compiled.program.cpu_ops}
    x = {INPUT_NAME: sample_inputs("resnet8", 1, seed=2)}
    sim, native = compiled.run_dict(x, "sim"), compiled.run_dict(x, "native")
    for name, value in sim.items():
        assert np.array_equal(native[name], value), name


def test_input_transpose_read_by_the_pack(tmp_path: Path) -> None:
    """A conv's NCHW input of 3 channels goes to the RSP as NHWC rows padded
    to 8 channels: the C packs it straight from the quantised input through
    the transpose (`n64c_pack_transposed`), with no transposed copy, and
    the outputs are the golden model's bit for bit (host build, z64; the
    MIPS builds compile without warnings)."""
    rng = np.random.default_rng(5)
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["y"]),
    ]
    inits = [
        _const("w", rng.uniform(-0.5, 0.5, (8, 3, 3, 3))),
        _const("b", rng.uniform(-0.1, 0.1, 8)),
    ]
    model = _model(nodes, {"x": (1, 3, 6, 5)}, {"y": (1, 8, 6, 5)}, inits)
    cm, _ = _check(model, tmp_path / "out", exact=["y"])
    source = (tmp_path / "out" / "model.c").read_text()
    forward = source[source.index("static int n64c_forward") :]
    # one transpose left: the output's, NHWC back to NCHW after the run
    assert forward.count("n64c_transpose16(n64c_") == 1
    assert forward.index("n64c_pack_transposed(n64c_arena") < forward.index(
        "n64c_transpose16(n64c_"
    )
