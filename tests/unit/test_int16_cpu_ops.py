"""int16 ops that run on the CPU only (`n64.qprelu`): the golden-model
kernel against a big-integer reference, the quantiser's rewrite of
LeakyRelu and PRelu (and its SQNR against onnxruntime), and the C kernel
built natively, bit for bit against the golden model."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from test_c_kernels import _check, _ops

from n64c.api import compile as compile_model
from n64c.passes.quantize_int16 import prelu_slope, slope_channels
from n64c.sim.int_engine import Overflow, qprelu, run_int, run_int_checked

C = 8


def test_qprelu_matches_reference() -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(-32768, 32768, (3, 4, 5), dtype=np.int16)
    x[0, 0, :2] = (-32768, 32767)
    muls = [-32767, 32767, 20972, 0]
    shifts = [1, 30, 21, 7]
    counts = Overflow()
    y = qprelu(x, muls, shifts, 2, counts)
    for (n, c, i), v in np.ndenumerate(x):
        v = int(v)
        if v >= 0:
            want = v
        else:
            m, s = muls[c], shifts[c]
            want = min(max((v * m + 2 ** (s - 1)) // 2**s, -32768), 32767)
        assert y[n, c, i] == want
    assert counts.elements == x.size
    # -32768 * -32767 >> 1 saturates, as do other large negatives on channel 0
    assert counts.saturated == int(np.count_nonzero(x[:, 0] < -1))


def test_prelu_slope_and_channels() -> None:
    assert prelu_slope(0.0) == (0, 30)
    m, s = prelu_slope(0.01)  # type: ignore[misc]
    assert (m, s) == (20972, 21)
    assert abs(Fraction(m, 2**s) - Fraction(0.01)) <= Fraction(1, 2 ** (s + 1))
    assert prelu_slope(-3.0) == (-24576, 13)
    assert prelu_slope(20000.0) is None
    axis, values = slope_channels(np.arange(4.0).reshape(4, 1, 1), (1, 4, 3, 3))  # type: ignore[misc]
    assert axis == 1 and list(values) == [0, 1, 2, 3]
    assert slope_channels(np.ones((4, 3)), (1, 2, 4, 3)) is not None
    assert slope_channels(np.arange(12.0).reshape(4, 3), (1, 2, 4, 3)) is None


def _prelu_model(seed: int) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((C, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    b1 = (rng.standard_normal(C) * 0.1).astype(np.float32)
    slope = rng.uniform(-0.3, 0.5, (C, 1, 1)).astype(np.float32)
    w2 = (rng.standard_normal((4, C, 3, 3)) / np.sqrt(9 * C)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["h"], pads=[1, 1, 1, 1]),
        helper.make_node("PRelu", ["h", "slope"], ["p"]),
        helper.make_node("Conv", ["p", "w2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("LeakyRelu", ["c2"], ["y"], alpha=0.1),
    ]
    inits = [
        numpy_helper.from_array(a, n)
        for a, n in ((w1, "w1"), (b1, "b1"), (slope, "slope"), (w2, "w2"))
    ]
    graph = helper.make_graph(
        nodes,
        "prelu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [
            helper.make_tensor_value_info("p", TensorProto.FLOAT, [1, C, 8, 8]),
            helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8, 8]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _sqnr(ref: np.ndarray, ours: np.ndarray) -> float:
    ref64 = ref.astype(np.float64)
    noise = ((ref64 - ours.astype(np.float64)) ** 2).sum()
    return float(10 * np.log10((ref64**2).sum() / noise))


def test_prelu_and_leaky_relu_in_int16_track_onnxruntime() -> None:
    """A conv, a per-channel PRelu, a conv and a LeakyRelu all run in int16;
    the PRelu layer's output is within 70 dB of onnxruntime."""
    model = _prelu_model(0)
    rng = np.random.default_rng(2)
    calib = rng.standard_normal((64, 1, 3, 8, 8)).astype(np.float32)
    cm = compile_model(model, calibration=calib)
    ops = _ops(cm)
    assert "n64.qprelu" in ops
    assert not ops & {"n64.relu", "n64.sub", "n64.mul", "n64.add", "n64.leaky_relu"}
    assert cm.quantized is not None
    x = rng.standard_normal((16, 1, 3, 8, 8)).astype(np.float32)
    session = ort.InferenceSession(model.SerializeToString())
    ref = [[np.asarray(v) for v in session.run(None, {"x": xi})] for xi in x]
    ours = run_int(cm.quantized, {"x": x})
    assert _sqnr(np.stack([r[0] for r in ref]), ours["p"]) > 70.0
    assert _sqnr(np.stack([r[1] for r in ref]), ours["y"]) > 65.0


def test_qprelu_c_kernel_is_bit_exact(tmp_path: Path) -> None:
    cm, _ = _check(_prelu_model(3), tmp_path / "out", ["p", "y"])
    assert "n64.qprelu" in _ops(cm)


def _index_model(seed: int) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((C, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    w2 = (rng.standard_normal((4, 5, 1, 1)) / np.sqrt(5)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["h"], pads=[1, 1, 1, 1]),
        helper.make_node("Split", ["h", "sizes"], ["a", "b"], axis=1),
        helper.make_node("Gather", ["a", "idx"], ["g"], axis=1),
        helper.make_node("Gather", ["b", "one"], ["g1"], axis=1),
        helper.make_node("Conv", ["g", "w2"], ["y"]),
    ]
    inits = [
        numpy_helper.from_array(w1, "w1"),
        numpy_helper.from_array(w2, "w2"),
        numpy_helper.from_array(np.array([3, 5], dtype=np.int64), "sizes"),
        numpy_helper.from_array(np.array([2, 0, 0, 1, -1], dtype=np.int64), "idx"),
        numpy_helper.from_array(np.array(4, dtype=np.int64), "one"),
    ]
    graph = helper.make_graph(
        nodes,
        "index",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 6, 6])],
        [
            helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 5, 6, 6]),
            helper.make_tensor_value_info("g1", TensorProto.FLOAT, [1, 6, 6]),
            helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 6, 6]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def test_split_and_gather_move_int16_data(tmp_path: Path) -> None:
    """Split and Gather with constant indices on the channel axis of an
    int16 tensor become `n64.qslice` / `n64.qgather` (no float round trip);
    the generated C's byte copies equal the golden model bit for bit, and
    the outputs track onnxruntime."""
    model = _index_model(4)
    cm, _ = _check(model, tmp_path / "out", ["b", "g1", "y"])
    ops = _ops(cm)
    assert {"n64.qslice", "n64.qgather"} <= ops
    assert not ops & {"n64.slice", "n64.gather"}
    assert cm.quantized is not None
    x = np.random.default_rng(5).uniform(-1, 1, (8, 1, 3, 6, 6)).astype(np.float32)
    session = ort.InferenceSession(model.SerializeToString())
    ref = [[np.asarray(v) for v in session.run(None, {"x": xi})] for xi in x]
    ours = run_int(cm.quantized, {"x": x})
    for i, name in enumerate(("b", "g1", "y")):
        want = np.stack([r[i] for r in ref])
        assert _sqnr(want, ours[name].reshape(want.shape)) > 65.0, name


def _conv_transpose_model(seed: int) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((C, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    wt = (rng.standard_normal((C, 3, 3, 3)) / np.sqrt(C * 3)).astype(np.float32)
    bt = (rng.standard_normal(6) * 0.1).astype(np.float32)
    wg = (rng.standard_normal((C, 2, 2, 2)) / np.sqrt(8)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["h"], pads=[1, 1, 1, 1]),
        helper.make_node(
            "ConvTranspose", ["h", "wt", "bt"], ["t"], strides=[2, 2],
            pads=[1, 1, 1, 1], output_padding=[1, 1], group=2,
        ),
        helper.make_node(
            "ConvTranspose", ["h", "wg"], ["u"], strides=[1, 2], dilations=[2, 1]
        ),
    ]  # fmt: skip
    inits = [
        numpy_helper.from_array(a, n)
        for a, n in ((w1, "w1"), (wt, "wt"), (bt, "bt"), (wg, "wg"))
    ]
    graph = helper.make_graph(
        nodes,
        "convt",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 5, 5])],
        [
            helper.make_tensor_value_info("t", TensorProto.FLOAT, [1, 6, 10, 10]),
            helper.make_tensor_value_info("u", TensorProto.FLOAT, [1, 2, 7, 10]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def test_conv_transpose_in_int16(tmp_path: Path) -> None:
    """ConvTranspose (groups, strides, pads, output padding, dilations)
    becomes `n64.qconv_transpose2d`: the generated C equals the golden model
    bit for bit, no accumulator wraps on the calibration data, and the
    outputs track onnxruntime."""
    model = _conv_transpose_model(6)
    rng = np.random.default_rng(7)
    calib = rng.uniform(-1, 1, (64, 1, 3, 5, 5)).astype(np.float32)
    cm = compile_model(model, calibration=calib)
    assert "n64.qconv_transpose2d" in _ops(cm)
    assert "n64.conv_transpose2d" not in _ops(cm)
    assert cm.quantized is not None
    _, overflow = run_int_checked(cm.quantized, {"x": calib})
    assert all(o.wrapped == 0 for o in overflow.values())
    x = rng.uniform(-1, 1, (16, 1, 3, 5, 5)).astype(np.float32)
    session = ort.InferenceSession(model.SerializeToString())
    ref = [[np.asarray(v) for v in session.run(None, {"x": xi})] for xi in x]
    ours = run_int(cm.quantized, {"x": x})
    for i, name in enumerate(("t", "u")):
        want = np.stack([r[i] for r in ref])
        assert _sqnr(want, ours[name].reshape(want.shape)) > 65.0, name
    _check(model, tmp_path / "out", ["t", "u"])


def test_conv_transpose_with_computed_weights_stays_in_float(tmp_path: Path) -> None:
    """Weights that are not constant (here a second model input) keep
    ConvTranspose in float: its float C kernel agrees with the float engine
    within the documented tolerance (a Gemm beside it runs on the RSP)."""
    rng = np.random.default_rng(8)
    wg = (rng.standard_normal((64, 8)) / 8).astype(np.float32)
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"]),
        helper.make_node("Gemm", ["f", "wg"], ["g"]),
        helper.make_node(
            "ConvTranspose", ["x", "w"], ["t"], strides=[2, 3], pads=[1, 0, 0, 1],
            output_padding=[1, 2], dilations=[1, 2], group=2,
        ),
    ]  # fmt: skip
    graph = helper.make_graph(
        nodes,
        "convt_float",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 4, 4]),
            helper.make_tensor_value_info("w", TensorProto.FLOAT, [4, 3, 2, 3]),
        ],
        [
            helper.make_tensor_value_info("t", TensorProto.FLOAT, [1, 6, 8, 14]),
            helper.make_tensor_value_info("g", TensorProto.FLOAT, [1, 8]),
        ],
        [numpy_helper.from_array(wg, "wg")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    cm, _ = _check(model, tmp_path / "out", ["g"], ["t"])
    assert "n64.conv_transpose2d" in _ops(cm)
