"""End-to-end compilation of each example model through `n64-compile`, and
the RSP code it produces: cycles per inference from the simulator's cycle
model (`track_`), per model, per layer of the CNN, for a 256x256 Gemm layer
and for a 3x3 32->32 convolution on 16x16."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MODELS = ["mlp_digits", "cnn_digits"]


def _compile(model: str, shared: bool = True):  # noqa: ANN202
    from xdsl.context import Context

    from n64c.frontend.onnx import import_onnx
    from n64c.passes.n64_compile import N64CompilePass

    module = import_onnx(EXAMPLES / f"{model}.onnx")
    calib = EXAMPLES / f"{model}_calib.npy"
    N64CompilePass(
        calibration=str(calib) if calib.exists() else None, shared=shared
    ).apply(Context(), module)
    return module


def _gemm_program(k: int, n: int):  # noqa: ANN202
    import numpy as np

    from n64c.backend.gemm_layer import qgemm_module

    rng = np.random.default_rng(0)
    w = rng.integers(-2000, 2000, (k, n)).astype(np.int16)
    b = rng.integers(-(1 << 20), 1 << 20, n).astype(np.int32)
    module = qgemm_module(w, b, rng.integers(8, 17, n), (0, 32767))
    return _lower(module)


def _conv_program(channels: int, size: int):  # noqa: ANN202
    import numpy as np

    from n64c.backend.conv_layer import qconv_module

    rng = np.random.default_rng(0)
    w = rng.integers(-2000, 2000, (channels, channels, 3, 3)).astype(np.int16)
    b = rng.integers(-(1 << 20), 1 << 20, channels).astype(np.int32)
    module = qconv_module(
        (1, channels, size, size),
        w,
        b,
        [int(s) for s in rng.integers(8, 17, channels)],
        pads=(1, 1, 1, 1),
        clamp=(0, 32767),
    )
    return _lower(module)


def _lower(module):  # noqa: ANN001, ANN202
    from xdsl.context import Context

    from n64c.backend.rsp_program import build_rsp_program
    from n64c.passes import get_pass
    from n64c.pipeline import DEFAULT_PASS_NAMES

    ctx = Context()
    after_quantize = DEFAULT_PASS_NAMES[DEFAULT_PASS_NAMES.index("tile-for-dmem") :]
    for name in after_quantize:
        get_pass(name)().apply(ctx, module)
    return build_rsp_program(module)


class CompileExamples:
    params = MODELS
    param_names = ["model"]
    number = 1
    repeat = (2, 10, 20.0)
    warmup_time = 0.0

    def time_n64_compile(self, model: str) -> None:
        _compile(model)


class RspCycles:
    """Cycles of one inference on the simulator's cycle model."""

    params = MODELS
    param_names = ["model"]
    unit = "cycles"

    def setup_cache(self) -> dict[str, tuple[int, int]]:
        from n64c.backend.rsp_program import build_rsp_program

        out = {}
        for model in MODELS:
            program = build_rsp_program(_compile(model))
            out[model] = (program.cycles, program.macs)
        return out

    def track_cycles_per_inference(self, cache: dict, model: str) -> int:
        return cache[model][0]

    def track_macs_per_kilocycle(self, cache: dict, model: str) -> int:
        cycles, macs = cache[model]
        return 1000 * macs // max(1, cycles)


class RspGemm256:
    """A 256x256 Gemm layer (batch 1): cycles and MACs per kilocycle."""

    unit = "cycles"

    def setup_cache(self) -> tuple[int, int]:
        program = _gemm_program(256, 256)
        return program.cycles, program.macs

    def track_cycles(self, cache: tuple[int, int]) -> int:
        return cache[0]

    def track_macs_per_kilocycle(self, cache: tuple[int, int]) -> int:
        return 1000 * cache[1] // max(1, cache[0])


CNN_LAYERS = ["conv0", "maxpool0", "conv1", "gemm0"]


class RspCnnLayers:
    """Each layer of `cnn_digits` in its own RSP run (`shared=false`):
    measured cycles and MACs per kilocycle."""

    params = CNN_LAYERS
    param_names = ["layer"]
    unit = "cycles"

    def setup_cache(self) -> dict[str, tuple[int, int]]:
        from n64c.backend.rsp_program import build_rsp_program

        program = build_rsp_program(_compile("cnn_digits", shared=False))
        return {inv.layers[0]: (inv.cycles, inv.macs) for inv in program.invocations}

    def track_cycles(self, cache: dict, layer: str) -> int:
        return cache[layer][0]

    def track_macs_per_kilocycle(self, cache: dict, layer: str) -> int:
        cycles, macs = cache[layer]
        return 1000 * macs // max(1, cycles)


class RspConv32:
    """A 3x3 convolution, 32 -> 32 channels on 16x16 (pad 1, Relu)."""

    unit = "cycles"

    def setup_cache(self) -> tuple[int, int]:
        program = _conv_program(32, 16)
        return program.cycles, program.macs

    def track_cycles(self, cache: tuple[int, int]) -> int:
        return cache[0]

    def track_macs_per_kilocycle(self, cache: tuple[int, int]) -> int:
        return 1000 * cache[1] // max(1, cache[0])
