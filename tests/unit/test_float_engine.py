"""The float reference engine against onnxruntime, op by op.

Each test builds a one- or two-node ONNX graph with `onnx.helper`, runs it in
onnxruntime, builds the same computation in the `n64` dialect with the op
constructors and checks `run_float` within 1e-4 of the largest reference
magnitude.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from xdsl.builder import ImplicitBuilder
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr
from xdsl.ir import Operation, SSAValue

from n64c.dialects import n64
from n64c.dialects.n64_graph import f32_tensor
from n64c.errors import InvalidInputError
from n64c.sim.float_engine import can_fold_batch, find_main, run_float

RNG = np.random.default_rng(1234)


def rand(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def ort_run(
    nodes: Sequence[onnx.NodeProto],
    inputs: dict[str, np.ndarray],
    initializers: dict[str, np.ndarray],
    output_names: Sequence[str] = ("y",),
) -> list[np.ndarray]:
    graph = helper.make_graph(
        list(nodes),
        "g",
        [
            helper.make_tensor_value_info(n, TensorProto.FLOAT, list(a.shape))
            for n, a in inputs.items()
        ],
        [
            helper.make_tensor_value_info(n, TensorProto.FLOAT, None)
            for n in output_names
        ],
        [numpy_helper.from_array(a, n) for n, a in initializers.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    sess = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return list(sess.run(list(output_names), inputs))


Body = Callable[[Sequence[SSAValue]], Sequence[Operation | SSAValue]]


def build(
    inputs: dict[str, Sequence[int]], out_names: Sequence[str], body: Body
) -> ModuleOp:
    """`func.func @main` over f32 arguments of the given shapes; `body`
    creates the ops (inside an ImplicitBuilder) and returns the results."""
    block_types = [f32_tensor(s) for s in inputs.values()]
    main = func.FuncOp("main", ([*block_types], []))
    with ImplicitBuilder(main.body) as args:
        results = [SSAValue.get(r) for r in body(args)]
        func.ReturnOp(*results)
    main.function_type = func.FunctionType.from_lists(
        block_types, [r.type for r in results]
    )
    main.attributes["n64.input_names"] = ArrayAttr([StringAttr(n) for n in inputs])
    main.attributes["n64.output_names"] = ArrayAttr([StringAttr(n) for n in out_names])
    module = ModuleOp([main])
    module.verify()
    return module


def const(a: np.ndarray) -> n64.ConstantOp:
    return n64.ConstantOp.from_numpy(a)


def assert_close(got: np.ndarray, ref: np.ndarray) -> None:
    assert got.shape == ref.shape
    assert got.dtype == np.float32
    scale = max(float(np.abs(ref).max()), 1e-30)
    err = float(np.abs(got.astype(np.float64) - ref).max())
    assert err <= 1e-4 * scale, f"max abs err {err} vs scale {scale}"


def check_unary(
    node: onnx.NodeProto,
    x: np.ndarray,
    make: Callable[[SSAValue, Any], Operation],
    initializers: dict[str, np.ndarray] | None = None,
) -> None:
    """One-input graph `x -> y`; `make(x_value, result_type)` builds the op."""
    (ref,) = ort_run([node], {"x": x}, initializers or {})
    module = build({"x": x.shape}, ["y"], lambda a: [make(a[0], f32_tensor(ref.shape))])
    assert_close(run_float(module, {"x": x})["y"], ref)


# --- convolution -----------------------------------------------------------

CONV_CASES = [
    # x shape, w shape, strides, pads (t, l, b, r), dilations, group, bias
    ((1, 3, 9, 9), (4, 3, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
    ((2, 4, 11, 10), (6, 4, 3, 2), (2, 3), (0, 1, 2, 1), (2, 1), 1, False),
    ((1, 6, 8, 8), (6, 1, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 6, True),
    ((1, 8, 7, 9), (4, 4, 1, 3), (1, 2), (0, 0, 0, 0), (1, 2), 2, True),
    ((1, 1, 5, 5), (2, 1, 5, 5), (1, 1), (0, 0, 0, 0), (1, 1), 1, True),
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d(case: tuple[Any, ...]) -> None:
    xs, ws, strides, pads, dil, group, has_bias = case
    x, w, b = rand(*xs), rand(*ws), rand(ws[0])
    node = helper.make_node(
        "Conv",
        ["x", "w", "b"] if has_bias else ["x", "w"],
        ["y"],
        strides=list(strides),
        pads=[pads[0], pads[1], pads[2], pads[3]],
        dilations=list(dil),
        group=group,
    )
    inits = {"w": w, "b": b} if has_bias else {"w": w}

    def make(v: SSAValue, t: Any) -> Operation:
        bias = const(b) if has_bias else None
        return n64.Conv2dOp(
            v, const(w), bias, t, strides=strides, pads=pads, dilations=dil, group=group
        )

    check_unary(node, x, make, inits)


def test_conv2d_fused_clamp_matches_conv_clip() -> None:
    x, w = rand(1, 2, 6, 6), rand(3, 2, 3, 3)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Clip", ["c", "lo", "hi"], ["y"]),
    ]
    inits = {"w": w, "lo": np.array(0, np.float32), "hi": np.array(0.5, np.float32)}
    (ref,) = ort_run(nodes, {"x": x}, inits)
    module = build(
        {"x": x.shape},
        ["y"],
        lambda a: [
            n64.Conv2dOp(
                a[0],
                const(w),
                None,
                f32_tensor(ref.shape),
                pads=(1, 1, 1, 1),
                clamp_min=0.0,
                clamp_max=0.5,
            )
        ],
    )
    assert_close(run_float(module, {"x": x})["y"], ref)


# --- linear algebra ----------------------------------------------------------


def test_gemm_with_transposed_weight_and_bias() -> None:
    x, w, b = rand(3, 5), rand(4, 5), rand(4)
    node = helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)
    check_unary(
        node,
        x,
        lambda v, t: n64.GemmOp(v, const(np.ascontiguousarray(w.T)), const(b), t),
        {"w": w, "b": b},
    )


def test_gemm_fused_relu() -> None:
    x, w = rand(2, 6), rand(6, 3)
    nodes = [
        helper.make_node("Gemm", ["x", "w"], ["g"]),
        helper.make_node("Relu", ["g"], ["y"]),
    ]
    (ref,) = ort_run(nodes, {"x": x}, {"w": w})
    module = build(
        {"x": x.shape},
        ["y"],
        lambda a: [
            n64.GemmOp(a[0], const(w), None, f32_tensor(ref.shape), clamp_min=0)
        ],
    )
    assert_close(run_float(module, {"x": x})["y"], ref)


@pytest.mark.parametrize(
    ("xs", "ws"), [((2, 3, 4), (4, 5)), ((4,), (4, 3)), ((2, 3, 4), (2, 4, 2))]
)
def test_matmul(xs: tuple[int, ...], ws: tuple[int, ...]) -> None:
    x, w = rand(*xs), rand(*ws)
    node = helper.make_node("MatMul", ["x", "w"], ["y"])
    check_unary(node, x, lambda v, t: n64.MatMulOp(v, const(w), t), {"w": w})


# --- element-wise --------------------------------------------------------------


@pytest.mark.parametrize(
    ("onnx_op", "attrs", "make"),
    [
        ("Relu", {}, lambda v, t: n64.ReluOp(v)),
        ("Sigmoid", {}, lambda v, t: n64.SigmoidOp(v)),
        ("Tanh", {}, lambda v, t: n64.TanhOp(v, t)),
        ("LeakyRelu", {"alpha": 0.2}, lambda v, t: n64.LeakyReluOp(v, alpha=0.2)),
        ("LeakyRelu", {}, lambda v, t: n64.LeakyReluOp(v)),
    ],
)
def test_activation(onnx_op: str, attrs: dict[str, Any], make: Any) -> None:
    x = rand(2, 3, 4) * 30  # reaches exp overflow territory for sigmoid
    check_unary(helper.make_node(onnx_op, ["x"], ["y"], **attrs), x, make)


def test_clip_with_one_bound() -> None:
    x = rand(3, 7)
    node = helper.make_node("Clip", ["x", "", "hi"], ["y"])
    check_unary(
        node,
        x,
        lambda v, t: n64.ClipOp(v, max=0.25),
        {"hi": np.array(0.25, np.float32)},
    )


@pytest.mark.parametrize(
    ("onnx_op", "cls"), [("Add", n64.AddOp), ("Sub", n64.SubOp), ("Mul", n64.MulOp)]
)
@pytest.mark.parametrize(
    ("xs", "bs"), [((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((1, 3), (2, 1, 3))]
)
def test_broadcasting_binary(
    onnx_op: str, cls: Any, xs: tuple[int, ...], bs: tuple[int, ...]
) -> None:
    x, b = rand(*xs), rand(*bs)
    node = helper.make_node(onnx_op, ["x", "b"], ["y"])
    check_unary(node, x, lambda v, t: cls(v, const(b), t), {"b": b})


def test_add_of_two_inputs_with_fused_clamp() -> None:
    x, z = rand(2, 5), rand(2, 5)
    nodes = [
        helper.make_node("Add", ["x", "z"], ["s"]),
        helper.make_node("Relu", ["s"], ["y"]),
    ]
    (ref,) = ort_run(nodes, {"x": x, "z": z}, {})
    module = build(
        {"x": x.shape, "z": z.shape},
        ["y"],
        lambda a: [n64.AddOp(a[0], a[1], f32_tensor(ref.shape), clamp_min=0.0)],
    )
    assert_close(run_float(module, {"x": x, "z": z})["y"], ref)


# --- pooling -------------------------------------------------------------------

POOL_CASES = [
    # kernel, strides, pads, dilations, ceil_mode, x shape
    ((2, 2), (2, 2), (0, 0, 0, 0), (1, 1), False, (1, 2, 8, 8)),
    ((3, 3), (2, 2), (1, 1, 1, 1), (1, 1), False, (2, 3, 7, 9)),
    ((3, 3), (2, 2), (1, 1, 1, 1), (1, 1), True, (1, 2, 8, 8)),
    ((3, 2), (2, 3), (0, 1, 2, 1), (1, 1), True, (1, 2, 9, 10)),
    ((2, 2), (1, 1), (0, 0, 0, 0), (2, 2), False, (1, 2, 6, 6)),
    ((2, 3), (2, 2), (1, 0, 1, 2), (2, 1), True, (1, 1, 9, 8)),
]


@pytest.mark.parametrize("case", POOL_CASES)
def test_maxpool(case: tuple[Any, ...]) -> None:
    kernel, strides, pads, dil, ceil, xs = case
    node = helper.make_node(
        "MaxPool",
        ["x"],
        ["y"],
        kernel_shape=list(kernel),
        strides=list(strides),
        pads=list(pads),
        dilations=list(dil),
        ceil_mode=int(ceil),
    )
    check_unary(
        node,
        rand(*xs),
        lambda v, t: n64.MaxPoolOp(
            v,
            t,
            kernel=kernel,
            strides=strides,
            pads=pads,
            dilations=dil,
            ceil_mode=ceil,
        ),
    )


@pytest.mark.parametrize("count_include_pad", [False, True])
@pytest.mark.parametrize("case", POOL_CASES)
def test_avgpool(case: tuple[Any, ...], count_include_pad: bool) -> None:
    kernel, strides, pads, dil, ceil, xs = case
    node = helper.make_node(
        "AveragePool",
        ["x"],
        ["y"],
        kernel_shape=list(kernel),
        strides=list(strides),
        pads=list(pads),
        dilations=list(dil),
        ceil_mode=int(ceil),
        count_include_pad=int(count_include_pad),
    )
    check_unary(
        node,
        rand(*xs),
        lambda v, t: n64.AvgPoolOp(
            v,
            t,
            kernel=kernel,
            strides=strides,
            pads=pads,
            dilations=dil,
            ceil_mode=ceil,
            count_include_pad=count_include_pad,
        ),
    )


def test_global_avgpool() -> None:
    node = helper.make_node("GlobalAveragePool", ["x"], ["y"])
    check_unary(node, rand(2, 3, 5, 4), lambda v, t: n64.GlobalAvgPoolOp(v, t))


# --- shapes --------------------------------------------------------------------


@pytest.mark.parametrize("axis", [1, -1, 0])
def test_concat(axis: int) -> None:
    x, c = rand(2, 3, 4), rand(2, 3, 4)
    nodes = [helper.make_node("Concat", ["x", "c", "x"], ["y"], axis=axis)]
    (ref,) = ort_run(nodes, {"x": x}, {"c": c})
    module = build(
        {"x": x.shape},
        ["y"],
        lambda a: [
            n64.ConcatOp([a[0], const(c), a[0]], f32_tensor(ref.shape), axis=axis)
        ],
    )
    assert_close(run_float(module, {"x": x})["y"], ref)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_flatten(axis: int) -> None:
    node = helper.make_node("Flatten", ["x"], ["y"], axis=axis)
    check_unary(node, rand(2, 3, 4), lambda v, t: n64.FlattenOp(v, t, axis=axis))


def test_reshape() -> None:
    shape = np.array([3, 8], np.int64)
    node = helper.make_node("Reshape", ["x", "s"], ["y"])
    x = rand(2, 3, 4)
    # Reshape's shape input is int64, so build that graph by hand.
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(shape, "s")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    (want,) = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    ).run(["y"], {"x": x})
    module = build(
        {"x": x.shape}, ["y"], lambda a: [n64.ReshapeOp(a[0], f32_tensor([3, 8]))]
    )
    np.testing.assert_array_equal(run_float(module, {"x": x})["y"], want)


@pytest.mark.parametrize("perm", [(0, 2, 3, 1), (3, 1, 0, 2)])
def test_transpose(perm: tuple[int, ...]) -> None:
    node = helper.make_node("Transpose", ["x"], ["y"], perm=list(perm))
    check_unary(node, rand(2, 3, 4, 5), lambda v, t: n64.TransposeOp(v, t, perm=perm))


@pytest.mark.parametrize(
    ("mode", "pads", "value"),
    [
        ("constant", (0, 1, 2, 0, 3, 1), 1.5),
        ("reflect", (0, 2, 1, 1, 1, 2), 0.0),
        ("edge", (1, 0, 3, 0, 2, 1), 0.0),
        ("constant", (0, -1, 2, 1, 1, -2), 0.0),
    ],
)
def test_pad(mode: str, pads: tuple[int, ...], value: float) -> None:
    x = rand(2, 4, 5)
    node = helper.make_node("Pad", ["x", "p", "v"], ["y"], mode=mode)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [
            numpy_helper.from_array(np.array(pads, np.int64), "p"),
            numpy_helper.from_array(np.array(value, np.float32), "v"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    model.ir_version = 10
    (ref,) = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    ).run(["y"], {"x": x})
    module = build(
        {"x": x.shape},
        ["y"],
        lambda a: [
            n64.PadOp(a[0], f32_tensor(ref.shape), pads=pads, mode=mode, value=value)
        ],
    )
    np.testing.assert_array_equal(run_float(module, {"x": x})["y"], ref)


# --- normalisation -------------------------------------------------------------


@pytest.mark.parametrize("axis", [1, -1, 0])
def test_softmax(axis: int) -> None:
    node = helper.make_node("Softmax", ["x"], ["y"], axis=axis)
    check_unary(node, rand(3, 4, 5) * 20, lambda v, t: n64.SoftmaxOp(v, axis=axis))


def test_batchnorm() -> None:
    x = rand(2, 3, 4, 4)
    scale, bias, mean = rand(3), rand(3), rand(3)
    var = np.abs(rand(3)) + 0.1
    node = helper.make_node(
        "BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1e-3
    )
    check_unary(
        node,
        x,
        lambda v, t: n64.BatchNormOp(
            v, const(scale), const(bias), const(mean), const(var), t, epsilon=1e-3
        ),
        {"s": scale, "b": bias, "m": mean, "v": var},
    )


# --- batches and inputs ----------------------------------------------------------


def small_cnn() -> tuple[ModuleOp, list[onnx.NodeProto], dict[str, np.ndarray]]:
    w1, b1, w2 = rand(4, 1, 3, 3), rand(4), rand(36, 5)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("MatMul", ["f", "w2"], ["m"]),
        helper.make_node("Softmax", ["m"], ["y"], axis=1),
    ]
    module = build(
        {"x": (1, 1, 6, 6)},
        ["y"],
        lambda a: [
            n64.SoftmaxOp(
                n64.MatMulOp(
                    n64.FlattenOp(
                        n64.MaxPoolOp(
                            n64.ReluOp(
                                n64.Conv2dOp(
                                    a[0],
                                    const(w1),
                                    const(b1),
                                    f32_tensor([1, 4, 6, 6]),
                                    pads=(1, 1, 1, 1),
                                )
                            ),
                            f32_tensor([1, 4, 3, 3]),
                            kernel=(2, 2),
                            strides=(2, 2),
                        ),
                        f32_tensor([1, 36]),
                    ),
                    const(w2),
                    f32_tensor([1, 5]),
                ),
                axis=1,
            )
        ],
    )
    return module, nodes, {"w1": w1, "b1": b1, "w2": w2}


def test_batched_inputs_fold_into_one_pass() -> None:
    module, nodes, inits = small_cnn()
    batch = rand(7, 1, 1, 6, 6)
    got = run_float(module, {"x": batch})["y"]
    assert got.shape == (7, 1, 5)
    for i in range(7):
        (ref,) = ort_run(nodes, {"x": batch[i]}, inits)
        assert_close(got[i], ref)


def test_fold_rule_decisions() -> None:
    from n64c.sim.float_engine import float_fold_rule

    module, _, _ = small_cnn()
    assert can_fold_batch(find_main(module), [True], [float_fold_rule])
    # Softmax over axis 0 mixes samples: it must run per sample.
    x = rand(1, 4)
    node = helper.make_node("Softmax", ["x"], ["y"], axis=0)
    module0 = build({"x": x.shape}, ["y"], lambda a: [n64.SoftmaxOp(a[0], axis=0)])
    assert not can_fold_batch(find_main(module0), [True], [float_fold_rule])
    batch = rand(3, 1, 4)
    got = run_float(module0, {"x": batch})["y"]
    for i in range(3):
        (ref,) = ort_run([node], {"x": batch[i]}, {})
        assert_close(got[i], ref)


def test_batch_without_unit_leading_dim_loops() -> None:
    x = rand(2, 3)
    node = helper.make_node("Gemm", ["x", "w"], ["y"])
    w = rand(3, 4)
    module = build(
        {"x": x.shape},
        ["y"],
        lambda a: [n64.GemmOp(a[0], const(w), None, f32_tensor([2, 4]))],
    )
    batch = rand(4, 2, 3)
    got = run_float(module, {"x": batch})["y"]
    assert got.shape == (4, 2, 4)
    for i in range(4):
        (ref,) = ort_run([node], {"x": batch[i]}, {"w": w})
        assert_close(got[i], ref)


def test_batched_and_shared_inputs_and_constant_output() -> None:
    c = rand(1, 3)
    module = build(
        {"a": (1, 3), "b": (1, 3)},
        ["s", "k"],
        lambda a: [n64.AddOp(a[0], a[1], f32_tensor([1, 3])), const(c)],
    )
    a, b = rand(5, 1, 3), rand(1, 3)
    out = run_float(module, {"a": a, "b": b.astype(np.float64)})
    np.testing.assert_allclose(out["s"], a + b, rtol=1e-6)
    assert out["k"].shape == (5, 1, 3)
    np.testing.assert_array_equal(out["k"][4], c)


def test_wrong_shape_names_input_and_shapes() -> None:
    module, _, _ = small_cnn()
    with pytest.raises(InvalidInputError, match=r"'x'.*\[1, 1, 5, 6\].*\[1, 1, 6, 6\]"):
        run_float(module, {"x": np.zeros((1, 1, 5, 6))})


def test_missing_and_unknown_inputs() -> None:
    module, _, _ = small_cnn()
    with pytest.raises(InvalidInputError, match="missing input"):
        run_float(module, {})
    with pytest.raises(InvalidInputError, match="unknown input"):
        run_float(module, {"x": np.zeros((1, 1, 6, 6)), "z": np.zeros(1)})


def test_batch_size_mismatch() -> None:
    module = build(
        {"a": (1, 3), "b": (1, 3)},
        ["s"],
        lambda a: [n64.AddOp(a[0], a[1], f32_tensor([1, 3]))],
    )
    with pytest.raises(InvalidInputError, match="batch size"):
        run_float(module, {"a": rand(2, 1, 3), "b": rand(3, 1, 3)})
