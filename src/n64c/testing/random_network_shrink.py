"""Shrinking a failing random network to a small reproducer.

:func:`shrink` takes a :class:`NetworkSpec` and a predicate ("still fails
the same way") and tries smaller specs greedily: the skipped layers
dropped, each layer removed, the input halved along each axis, and the
widths of layers (output channels, Gemm sizes, kernels, strides,
dilations, pads) reduced. Any candidate that still fails replaces the spec,
until none does. :func:`save_reproducer` writes the result as JSON for
`tests/unit/regressions/random_networks/`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path

from n64c.testing.random_networks import Layer, NetworkSpec, applied_layers

MAX_TRIES = 150
"""Candidates tried at most (each is a full check of a network)."""


def _smaller_layers(layer: Layer) -> Iterator[Layer]:
    """Copies of `layer` with one size reduced."""
    for key in ("cout", "n"):
        if key in layer and layer[key] > 1:
            yield {**layer, key: max(1, layer[key] // 2)}
    if "couts" in layer:
        for i, c in enumerate(layer["couts"]):
            if c > 1:
                couts = list(layer["couts"])
                couts[i] = c // 2
                yield {**layer, "couts": couts}
    for key, floor in (("stride", 1), ("dilation", 1)):
        if layer.get(key, floor) > floor:
            yield {**layer, key: floor}
    if "kernel" in layer and max(layer["kernel"]) > 1:
        yield {**layer, "kernel": [max(1, k - 2) for k in layer["kernel"]]}
    if any(layer.get("pads", [])):
        yield {**layer, "pads": [0, 0, 0, 0]}
    if layer.get("group") not in (None, 1):
        yield {**layer, "group": 1}
    if layer.get("bias"):
        yield {**layer, "bias": False}


def candidates(spec: NetworkSpec) -> Iterator[NetworkSpec]:
    """Specs one step smaller than `spec`, the biggest steps first."""
    applied = applied_layers(spec)
    if len(applied) < len(spec.layers):
        yield NetworkSpec(spec.seed, spec.input_shape, applied, spec.input_dist)
    for i in range(len(spec.layers)):
        layers = spec.layers[:i] + spec.layers[i + 1 :]
        yield NetworkSpec(spec.seed, spec.input_shape, layers, spec.input_dist)
    for axis, size in enumerate(spec.input_shape):
        if size > 1:
            shape = list(spec.input_shape)
            shape[axis] = max(1, size // 2)
            yield NetworkSpec(spec.seed, tuple(shape), spec.layers, spec.input_dist)
    for i, layer in enumerate(spec.layers):
        for smaller in _smaller_layers(layer):
            layers = copy.deepcopy(spec.layers)
            layers[i] = smaller
            yield NetworkSpec(spec.seed, spec.input_shape, layers, spec.input_dist)
    if spec.input_dist != "uniform":
        yield NetworkSpec(spec.seed, spec.input_shape, spec.layers, "uniform")


def shrink(
    spec: NetworkSpec,
    fails: Callable[[NetworkSpec], bool],
    max_tries: int = MAX_TRIES,
) -> NetworkSpec:
    """The smallest spec reached from `spec` by steps of :func:`candidates`
    for which `fails` holds (`spec` itself if none does)."""
    tries = 0
    improved = True
    while improved and tries < max_tries:
        improved = False
        for candidate in candidates(spec):
            tries += 1
            if fails(candidate):
                spec, improved = candidate, True
                break
            if tries >= max_tries:
                break
    return spec


def save_reproducer(spec: NetworkSpec, check: str, directory: Path) -> Path:
    """Shrink `spec` while it fails `check` (see
    :mod:`n64c.testing.random_network_checks`); write it to
    `directory/<check>-<seed>.json`."""
    from n64c.testing.random_network_checks import check_network

    def fails(candidate: NetworkSpec) -> bool:
        outcome = check_network(candidate, z64=check == "z64")
        return outcome.verdict == "fail" and outcome.check == check

    small = shrink(spec, fails)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{check}-{spec.seed}.json"
    path.write_text(small.to_json() + "\n")
    return path
