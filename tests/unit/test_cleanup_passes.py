"""The graph clean-up passes keep the float semantics of the graph.

Each pass (and `n64-cleanup`) runs on the bundled example models and on
random small graphs built to contain every pattern the passes rewrite and
the cases they must leave alone; the float engine's outputs before and
after agree within 1e-5 relative to the output's magnitude.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr
from xdsl.ir import Block, Operation, Region, SSAValue

from n64c.dialects import n64_graph as g
from n64c.frontend.onnx import import_onnx
from n64c.passes import get_pass
from n64c.passes.fuse_activation import compose_clamps
from n64c.sim.float_engine import run_float

CLEANUP_PASSES = [
    "fold-batchnorm",
    "fuse-activation",
    "canonicalize-reshapes",
    "n64-cleanup",
]
MODELS = ["mlp_digits", "cnn_digits"]
RTOL = 1e-5


def run_pass(module: ModuleOp, name: str) -> ModuleOp:
    """A transformed, verified copy of `module`."""
    copy = module.clone()
    get_pass(name)().apply(Context(), copy)
    copy.verify()
    return copy


def op_names(module: ModuleOp) -> list[str]:
    return [op.name for op in module.walk() if op.name.startswith("n64.")]


def assert_same_outputs(
    before: dict[str, np.ndarray], after: dict[str, np.ndarray]
) -> None:
    assert before.keys() == after.keys()
    for name, ref in before.items():
        scale = max(float(np.abs(ref).max(initial=0.0)), 1e-30)
        np.testing.assert_allclose(after[name], ref, rtol=RTOL, atol=RTOL * scale)


def clamp(x: np.ndarray, lo: float | None, hi: float | None) -> np.ndarray:
    return np.clip(x, -np.inf if lo is None else lo, np.inf if hi is None else hi)


def test_compose_clamps_equals_clamping_twice() -> None:
    rng = np.random.default_rng(1)
    x = np.linspace(-4.0, 4.0, 801)
    for _ in range(300):
        bounds = []
        for _ in range(2):
            lo, hi = sorted(rng.uniform(-3.0, 3.0, 2))
            bounds.append(
                (None if rng.random() < 0.3 else lo, None if rng.random() < 0.3 else hi)
            )
        first, second = bounds
        lo, hi = compose_clamps(first, second)
        assert lo is None or hi is None or lo <= hi
        expected = clamp(clamp(x, *first), *second)
        np.testing.assert_array_equal(clamp(x, lo, hi), expected)


# ---------------------------------------------------------------------------
# The example models
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported() -> dict[str, ModuleOp]:
    examples = Path(__file__).resolve().parents[2] / "examples"
    return {m: import_onnx(examples / f"{m}.onnx") for m in MODELS}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("pass_name", CLEANUP_PASSES)
def test_examples_keep_semantics(
    imported: dict[str, ModuleOp], examples_dir: Path, model: str, pass_name: str
) -> None:
    module = imported[model]
    x = np.load(examples_dir / f"{model}_input.npy")
    before = run_float(module, {"input": x})
    after = run_float(run_pass(module, pass_name), {"input": x})
    assert_same_outputs(before, after)


def test_cleanup_simplifies_the_cnn(imported: dict[str, ModuleOp]) -> None:
    names = op_names(run_pass(imported["cnn_digits"], "n64-cleanup"))
    for gone in ("n64.batchnorm", "n64.relu", "n64.flatten"):
        assert gone not in names
    assert names.count("n64.conv2d") == 2
    # two folded-in weights and biases replace the old ones: no dead constants
    assert names.count("n64.constant") == 6


def test_cleanup_fuses_the_mlp_relus(imported: dict[str, ModuleOp]) -> None:
    module = run_pass(imported["mlp_digits"], "n64-cleanup")
    gemms = [op for op in module.walk() if isinstance(op, g.GemmOp)]
    assert [op.get_clamp() for op in gemms] == [(0.0, None), (0.0, None), (None, None)]
    assert "n64.relu" not in op_names(module)


# ---------------------------------------------------------------------------
# Random small graphs
# ---------------------------------------------------------------------------


class GraphBuilder:
    """Builds `func.func @main` op by op; `add` returns the op's result."""

    def __init__(self, input_shapes: Sequence[Sequence[int]]) -> None:
        self.block = Block(arg_types=[g.f32_tensor(s) for s in input_shapes])

    @property
    def args(self) -> tuple[SSAValue, ...]:
        return self.block.args

    def add(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0]

    def const(self, array: np.ndarray) -> SSAValue:
        return self.add(g.ConstantOp.from_numpy(np.asarray(array, dtype=np.float32)))

    def module(self, outputs: Sequence[SSAValue]) -> ModuleOp:
        self.block.add_op(func.ReturnOp(*outputs))
        main = func.FuncOp(
            "main",
            ([a.type for a in self.args], [o.type for o in outputs]),
            Region(self.block),
        )
        names = [f"input{i}" for i in range(len(self.args))]
        main.attributes["n64.input_names"] = ArrayAttr([StringAttr(n) for n in names])
        module = ModuleOp([main])
        module.verify()
        return module


def shape(value: SSAValue) -> tuple[int, ...]:
    typ = value.type
    assert isinstance(typ, g.TensorType)
    return typ.get_shape()


def random_batchnorm(
    b: GraphBuilder, x: SSAValue, rng: np.random.Generator
) -> SSAValue:
    c = shape(x)[1]
    params = [
        rng.uniform(0.5, 2.0, c),  # scale
        rng.normal(0.0, 1.0, c),  # bias
        rng.normal(0.0, 1.0, c),  # mean
        rng.uniform(0.1, 3.0, c),  # var
    ]
    scale, bias, mean, var = (b.const(p) for p in params)
    eps = float(rng.choice([1e-5, 1e-3]))
    return b.add(g.BatchNormOp(x, scale, bias, mean, var, epsilon=eps))


def random_activation(
    b: GraphBuilder, x: SSAValue, rng: np.random.Generator
) -> SSAValue:
    kind = rng.integers(0, 5)
    if kind == 0:
        return x
    if kind == 1:
        return b.add(g.ReluOp(x))
    lo = None if kind == 2 else float(rng.uniform(-1.0, 0.5))
    hi = None if kind == 3 else float(rng.uniform(0.6, 3.0))
    y = b.add(g.ClipOp(x, min=lo, max=hi))
    # a relu or a second clip (maybe disjoint) after the clip: clamps compose
    follow = rng.integers(0, 3)
    if follow == 1:
        y = b.add(g.ReluOp(y))
    elif follow == 2:
        lo2, hi2 = sorted(float(v) for v in rng.uniform(-1.0, 1.5, 2))
        y = b.add(g.ClipOp(y, min=lo2, max=hi2))
    return y


def random_graph(seed: int) -> tuple[ModuleOp, dict[str, np.ndarray]]:
    """conv2d [+bn] [+act] [second user], maxpool, flatten/reshape chain,
    gemm [+bn] [+act], add of a reshaped constant [+relu]."""
    rng = np.random.default_rng(seed)
    c = int(rng.integers(1, 4))
    group = int(rng.choice([1, c])) if c > 1 else 1
    o = group * int(rng.integers(1, 4))
    hw = int(rng.integers(6, 10))
    k = int(rng.choice([1, 3]))
    stride = int(rng.integers(1, 3))
    pad = int(rng.integers(0, k // 2 + 1))
    b = GraphBuilder([(1, c, hw, hw)])
    (x,) = b.args

    w = b.const(rng.normal(0, 0.5, (o, c // group, k, k)))
    bias = b.const(rng.normal(0, 0.5, o)) if rng.random() < 0.5 else None
    out = g.conv2d_output_shape(
        shape(x), shape(w), (stride, stride), (pad,) * 4, (1, 1), group
    )
    y = b.add(
        g.Conv2dOp(
            x,
            w,
            bias,
            g.f32_tensor(out),
            strides=(stride, stride),
            pads=(pad,) * 4,
            group=group,
        )
    )
    if rng.random() < 0.7:
        y = random_batchnorm(b, y, rng)
    extra: list[SSAValue] = []
    if rng.random() < 0.3:  # a second user: nothing may fuse into y
        extra.append(b.add(g.SigmoidOp(y)))
    y = random_activation(b, y, rng)

    if min(shape(y)[2:]) >= 2:
        pooled = g.pool_output_shape(shape(y), (2, 2), (2, 2))
        y = b.add(g.MaxPoolOp(y, g.f32_tensor(pooled), kernel=(2, 2), strides=(2, 2)))
    features = math.prod(shape(y)[1:])
    y = b.add(g.FlattenOp(y, g.f32_tensor((1, features)), axis=1))
    if rng.random() < 0.5:
        y = b.add(g.ReshapeOp(y, g.f32_tensor((1, 1, features))))
        y = b.add(g.ReshapeOp(y, g.f32_tensor((features, 1))))
        y = b.add(g.ReshapeOp(y, g.f32_tensor((1, features))))

    n = int(rng.integers(2, 6))
    weights = b.const(rng.normal(0, 0.3, (features, n)))
    bias_shape = [None, (n,), (1, n), (1,)][int(rng.integers(0, 4))]
    gemm_bias = None if bias_shape is None else b.const(rng.normal(0, 0.5, bias_shape))
    y = b.add(g.GemmOp(y, weights, gemm_bias, g.f32_tensor((1, n))))
    if rng.random() < 0.5:
        y = random_batchnorm(b, y, rng)
    y = random_activation(b, y, rng)

    offset = b.add(g.ReshapeOp(b.const(rng.normal(0, 1, n)), g.f32_tensor((1, n))))
    y = b.add(g.AddOp(y, offset, g.f32_tensor((1, n))))
    if rng.random() < 0.5:
        y = b.add(g.ReluOp(y))

    inputs = {"input0": rng.normal(0, 1, (4, 1, c, hw, hw)).astype(np.float32)}
    return b.module([y, *extra]), inputs


@pytest.mark.parametrize("seed", range(16))
def test_random_graphs_keep_semantics(seed: int) -> None:
    module, inputs = random_graph(seed)
    before = run_float(module, inputs)
    for pass_name in CLEANUP_PASSES:
        after = run_float(run_pass(module, pass_name), inputs)
        assert_same_outputs(before, after)


def test_random_graphs_exercise_every_rewrite() -> None:
    """Across the seeds, each pass changes some graph (the test above is not
    vacuous)."""
    changed = dict.fromkeys(CLEANUP_PASSES, 0)
    for seed in range(16):
        module, _ = random_graph(seed)
        for pass_name in CLEANUP_PASSES:
            if op_names(run_pass(module, pass_name)) != op_names(module):
                changed[pass_name] += 1
    assert all(count > 0 for count in changed.values()), changed


def test_batchnorm_with_a_second_user_is_not_folded() -> None:
    rng = np.random.default_rng(0)
    b = GraphBuilder([(1, 2)])
    (x,) = b.args
    y = b.add(
        g.GemmOp(x, b.const(rng.normal(0, 1, (2, 3))), None, g.f32_tensor((1, 3)))
    )
    z = random_batchnorm(b, y, rng)
    module = b.module([z, y])
    after = run_pass(module, "fold-batchnorm")
    assert "n64.batchnorm" in op_names(after)
    inputs = {"input0": rng.normal(0, 1, (3, 1, 2)).astype(np.float32)}
    assert_same_outputs(run_float(module, inputs), run_float(after, inputs))
