"""Random ONNX networks through the whole flow (the CI part of the campaign
of `n64c.testing.random_network_checks`): float engine and golden model
against onnxruntime, a clean compile or a one-line error, the simulator
equal to the golden model bit for bit, and z64 on a sample; plus the
generator and the shrinker themselves."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import onnx
import pytest

from n64c.testing.random_network_checks import (
    check_network,
    network_seed,
)
from n64c.testing.random_network_shrink import shrink
from n64c.testing.random_networks import (
    NetworkSpec,
    applied_layers,
    build_model,
    random_spec,
)

CI_SEED = 8
CI_NETWORKS = 60
"""About 110 s of CPU: a minute of wall time on two cores."""
Z64_EVERY = 10
REGRESSIONS = Path(__file__).parent / "regressions" / "random_networks"


@cache
def ci_model(index: int) -> onnx.ModelProto:
    return build_model(random_spec(network_seed(CI_SEED, index)))


@pytest.mark.parametrize("index", range(CI_NETWORKS))
def test_random_network_passes_every_check(index: int) -> None:
    spec = random_spec(network_seed(CI_SEED, index))
    outcome = check_network(spec, z64=index % Z64_EVERY == 0)
    assert outcome.verdict in ("ok", "clean-error"), (outcome, spec.to_json())
    if outcome.verdict == "clean-error":
        assert "\n" not in outcome.detail and outcome.detail
    else:
        assert outcome.z64_checked == (index % Z64_EVERY == 0)


def test_ci_networks_cover_the_operators() -> None:
    """The CI networks hold every operator and attribute the generator
    knows, so the CI run exercises them all."""
    ops: set[str] = set()
    convs: set[str] = set()
    for index in range(CI_NETWORKS):
        model = ci_model(index)
        for node in model.graph.node:
            ops.add(node.op_type)
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            if node.op_type == "Conv":
                if attrs["group"] > 1:
                    convs.add("grouped")
                if max(attrs["strides"]) > 1:
                    convs.add("strided")
                if max(attrs["dilations"]) > 1:
                    convs.add("dilated")
                if attrs["pads"][:2] != attrs["pads"][2:]:
                    convs.add("asymmetric")
    assert ops >= {
        "Conv",
        "Gemm",
        "MatMul",
        "BatchNormalization",
        "Relu",
        "Clip",
        "LeakyRelu",
        "Sigmoid",
        "Add",
        "MaxPool",
        "AveragePool",
        "GlobalAveragePool",
        "Flatten",
        "Reshape",
        "Concat",
        "Softmax",
    }
    assert convs == {"grouped", "strided", "dilated", "asymmetric"}


def test_specs_are_reproducible_and_round_trip_through_json() -> None:
    for seed in range(20):
        spec = random_spec(seed)
        again = NetworkSpec.from_json(spec.to_json())
        assert again == spec == random_spec(seed)
        a, b = build_model(spec), build_model(again)
        assert a.SerializeToString() == b.SerializeToString()


def test_shrink_finds_a_one_layer_reproducer() -> None:
    """A 'defect' that any depthwise conv shows shrinks to a spec of that
    one conv on a smaller input."""

    def has_depthwise(spec: NetworkSpec) -> bool:
        for node in build_model(spec).graph.node:
            for attr in node.attribute:
                if attr.name == "group" and attr.i > 1:
                    return True
        return False

    spec = next(
        s
        for s in map(random_spec, range(200))
        if has_depthwise(s) and len(s.layers) >= 4
    )
    small = shrink(spec, has_depthwise)
    assert has_depthwise(small)
    assert len(small.layers) == 1 and small.layers[0]["op"] == "conv"
    assert applied_layers(small) == small.layers
    assert math.prod(small.input_shape) < math.prod(spec.input_shape)


@pytest.mark.parametrize(
    "path", sorted(REGRESSIONS.glob("*.json")), ids=lambda p: p.stem
)
def test_saved_reproducer_passes(path: Path) -> None:
    spec = NetworkSpec.from_json(path.read_text())
    outcome = check_network(spec, z64=True)
    assert outcome.verdict in ("ok", "clean-error"), outcome
