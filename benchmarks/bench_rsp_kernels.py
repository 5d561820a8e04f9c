"""RSP speed of whole networks and of one layer per kernel class, from the
simulator's cycle model (batch 1): cycles per inference and MACs per
kilocycle (8000 is the RSP's peak of 8 MACs a cycle).

Networks: the MLPerf-Tiny-shaped networks and LeNet-5 of
`n64c.testing.mlperf_tiny` (8 calibration samples). Layer classes: a layer
of each shape the kernels are tuned for, compiled alone (a one-layer
program, so its tiling has all of DMEM but the parameter block), and
ResNet-8's residual add (an element-wise kernel: cycles only)."""

from __future__ import annotations

NETWORKS = ["resnet8", "ds_cnn", "mobilenet_v1", "lenet5", "fc_autoencoder"]

# (x shape, output channels, kernel, strides, pads, group)
LAYER_CLASSES = {
    "conv3x3_16_to_16_32x32": ((1, 16, 32, 32), 16, (3, 3), (1, 1), (1, 1, 1, 1), 1),
    "conv3x3_32_to_32_16x16": ((1, 32, 16, 16), 32, (3, 3), (1, 1), (1, 1, 1, 1), 1),
    "conv3x3_64_to_64_8x8": ((1, 64, 8, 8), 64, (3, 3), (1, 1), (1, 1, 1, 1), 1),
    "conv3x3_s2_32_to_64_16x16": ((1, 32, 16, 16), 64, (3, 3), (2, 2), (1, 1, 1, 1), 1),
    "pointwise_64_to_64_12x12": ((1, 64, 12, 12), 64, (1, 1), (1, 1), (0, 0, 0, 0), 1),
    "pointwise_64_to_64_25x5": ((1, 64, 25, 5), 64, (1, 1), (1, 1), (0, 0, 0, 0), 1),
    "pointwise_128_to_128_6x6": ((1, 128, 6, 6), 128, (1, 1), (1, 1), (0, 0, 0, 0), 1),
    "depthwise3x3_64_25x5": ((1, 64, 25, 5), 64, (3, 3), (1, 1), (1, 1, 1, 1), 64),
    "depthwise3x3_8_48x48": ((1, 8, 48, 48), 8, (3, 3), (1, 1), (1, 1, 1, 1), 8),
    "first_layer_3_to_16_32x32": ((1, 3, 32, 32), 16, (3, 3), (1, 1), (1, 1, 1, 1), 1),
    "first_layer_1_to_64_49x10": ((1, 1, 49, 10), 64, (10, 4), (2, 2), (4, 1, 5, 2), 1),
}


def _network_program(name: str):  # noqa: ANN202
    import n64c
    from n64c.testing.mlperf_tiny import build_network, sample_inputs

    model = build_network(name)
    compiled = n64c.compile(model, calibration=sample_inputs(name, 8, seed=1))
    return compiled.program


def _rsp_program(module):  # noqa: ANN001, ANN202
    """A quantised one-layer module through the rest of the default flow."""
    from xdsl.context import Context

    from n64c.backend.rsp_program import build_rsp_program
    from n64c.passes import get_pass
    from n64c.pipeline import DEFAULT_PASS_NAMES

    ctx = Context()
    for name in DEFAULT_PASS_NAMES[DEFAULT_PASS_NAMES.index("tile-for-dmem") :]:
        get_pass(name)().apply(ctx, module)
    return build_rsp_program(module)


def _layer_program(shape: tuple):  # noqa: ANN202
    import numpy as np

    from n64c.backend.conv_layer import qconv_module

    x_shape, o, kernel, strides, pads, group = shape
    rng = np.random.default_rng(0)
    w = rng.integers(-2000, 2000, (o, x_shape[1] // group, *kernel)).astype(np.int16)
    b = rng.integers(-(1 << 20), 1 << 20, o).astype(np.int32)
    module = qconv_module(
        x_shape, w, b, [12] * o, strides=strides, pads=pads, group=group,
        clamp=(0, 32767),
    )  # fmt: skip
    return _rsp_program(module)


class RspNetworks:
    """Whole networks: cycles per inference and MACs per kilocycle."""

    params = NETWORKS
    param_names = ["network"]
    unit = "cycles"
    timeout = 600

    def setup_cache(self) -> dict[str, tuple[int, int]]:
        out = {}
        for name in NETWORKS:
            program = _network_program(name)
            out[name] = (program.cycles, program.macs)
        return out

    def track_cycles_per_inference(self, cache: dict, network: str) -> int:
        return cache[network][0]

    def track_macs_per_kilocycle(self, cache: dict, network: str) -> int:
        cycles, macs = cache[network]
        return 1000 * macs // max(1, cycles)


class RspLayerClasses:
    """One layer per kernel class, alone: cycles and MACs per kilocycle."""

    params = list(LAYER_CLASSES)
    param_names = ["layer"]
    unit = "cycles"
    timeout = 600

    def setup_cache(self) -> dict[str, tuple[int, int]]:
        out = {}
        for name, shape in LAYER_CLASSES.items():
            program = _layer_program(shape)
            out[name] = (program.cycles, program.macs)
        return out

    def track_cycles(self, cache: dict, layer: str) -> int:
        return cache[layer][0]

    def track_macs_per_kilocycle(self, cache: dict, layer: str) -> int:
        cycles, macs = cache[layer]
        return 1000 * macs // max(1, cycles)


class RspEltwise:
    """ResNet-8's first residual add (16 x 32 x 32, int16), alone."""

    unit = "cycles"
    timeout = 600

    def setup_cache(self) -> int:
        from n64c.backend.gemm_layer import qeltwise_module

        module = qeltwise_module("add", (16, 32, 32), ka=1, kb=0, shift=2)
        return _rsp_program(module).cycles

    def track_cycles(self, cycles: int) -> int:
        return cycles
