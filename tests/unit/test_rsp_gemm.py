"""Gemm layers on the RSP: simulator, golden integer model and z64 agree bit
for bit; the digits MLP matches the golden model on the held-out split;
budgets fail with clear messages."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from n64c.api import compile as compile_model
from n64c.backend.gemm_layer import qeltwise_module, qgemm_module, qmlp_module
from n64c.backend.rsp_program import RspProgram, build_rsp_program, run_rsp_program
from n64c.dialects.n64_tile import (
    DmemAllocOp,
    RspInvokeOp,
    TileKernelOp,
    TileMatmulOp,
)
from n64c.errors import BudgetError, InvalidInputError
from n64c.frontend.onnx import import_onnx
from n64c.passes.allocate_dmem import AllocateDmemPass
from n64c.passes.lower_to_rsp import LowerToRspPass
from n64c.passes.n64_compile import N64CompilePass
from n64c.passes.plan_rdram import PlanRdramPass
from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.passes.tile_for_dmem import TileForDmemPass, plan_gemm_tiles, round_up
from n64c.sim.int_engine import run_int_raw


def lower(module: ModuleOp, memory: str = "4MiB", imem: int = 4096) -> ModuleOp:
    ctx = Context()
    TileForDmemPass().apply(ctx, module)
    AllocateDmemPass().apply(ctx, module)
    PlanRdramPass(memory=memory).apply(ctx, module)
    LowerToRspPass(imem=imem).apply(ctx, module)
    RspAllocateRegistersPass().apply(ctx, module)
    RspSchedulePass().apply(ctx, module)
    return module


def random_layer(
    rng: np.random.Generator, m: int, k: int, n: int, bias: bool, relu: bool
) -> ModuleOp:
    w = rng.integers(-6000, 6000, (k, n)).astype(np.int16)
    b = rng.integers(-(1 << 28), 1 << 28, n).astype(np.int32) if bias else None
    shifts = rng.integers(2, 17, n)
    clamp = (0, 32767) if relu else (-32768, 32767)
    return qgemm_module(w, b, shifts, clamp, rows=m)


def check_layer(module: ModuleOp, x: np.ndarray, z64: bool) -> None:
    golden = run_int_raw(module, {"input": x})["output"][0]
    program = build_rsp_program(lower(module.clone()), measure=False)
    sim = run_rsp_program(program, {"input": x}, engine="sim")["output"]
    assert sim.dtype == np.int16
    np.testing.assert_array_equal(sim, golden)
    if z64:
        real = run_rsp_program(program, {"input": x[:2]}, engine="z64")["output"]
        np.testing.assert_array_equal(real, golden[:2])


# (M, K, N, bias, relu): edge sizes, a long row (K = 1000, 18 chunks), a
# wide layer (N = 1000, 125 groups) and rows too long for DMEM (x streamed
# a chunk at a time: K = 3000, 2504).
CASES = [
    (1, 1, 1, True, False),
    (1, 7, 9, False, True),
    (2, 8, 8, True, True),
    (1, 130, 33, True, False),
    (3, 64, 17, False, False),
    (1, 1000, 12, True, True),
    (1, 20, 1000, True, False),
    (2, 300, 200, True, False),
    (1, 3000, 12, True, False),
    (2, 2504, 20, True, True),
]


@pytest.mark.parametrize(("m", "k", "n", "bias", "relu"), CASES)
def test_random_gemm_matches_golden_and_z64(
    m: int, k: int, n: int, bias: bool, relu: bool
) -> None:
    rng = np.random.default_rng(1000 * k + n)
    module = random_layer(rng, m, k, n, bias, relu)
    x = rng.uniform(-8.0, 8.0, (5, m, k)).astype(np.float32)
    check_layer(module, x, z64=True)


def test_random_sizes_sim_vs_golden() -> None:
    rng = np.random.default_rng(7)
    for _ in range(4):
        k, n = (int(v) for v in rng.integers(1, 1001, 2))
        module = random_layer(
            rng, 1, k, n, bool(rng.integers(2)), bool(rng.integers(2))
        )
        x = rng.uniform(-8.0, 8.0, (3, 1, k)).astype(np.float32)
        check_layer(module, x, z64=False)


def test_requantisation_extremes() -> None:
    """Saturated inputs and weights, the largest biases and both ends of the
    shift range: the int32 sum wraps, sat16 clips both ways."""
    k, n = 16, 16
    w = np.full((k, n), 32767, dtype=np.int16)
    w[:, 1::2] = -32768
    bias = np.where(np.arange(n) % 4 < 2, (1 << 29) - 1, -(1 << 29) + 1).astype(
        np.int32
    )
    shifts = np.where(np.arange(n) < 8, 2, 16)
    module = qgemm_module(w, bias, shifts, (-32768, 32767), in_frac=0)
    x = np.stack(
        [
            np.full((1, k), 32767.0),
            np.full((1, k), -32768.0),
            np.zeros((1, k)),
            np.tile([32767.0, -32768.0], (1, k // 2)),
        ]
    ).astype(np.float32)
    check_layer(module, x, z64=True)


def test_mlp_digits_heldout_bit_exact(examples_dir: Path) -> None:
    module = import_onnx(examples_dir / "mlp_digits.onnx")
    calib = str(examples_dir / "mlp_digits_calib.npy")
    compiled = module.clone()
    N64CompilePass(calibration=calib).apply(Context(), compiled)
    program = build_rsp_program(compiled)
    heldout = np.load(examples_dir / "digits_heldout.npz")["X"].astype(np.float32)
    x = heldout.reshape(len(heldout), 1, -1)

    from n64c.passes.n64_cleanup import N64CleanupPass
    from n64c.passes.quantize_int16 import QuantizeInt16Pass

    N64CleanupPass().apply(Context(), module)
    QuantizeInt16Pass(calibration=calib).apply(Context(), module)
    golden = run_int_raw(module, {"input": x})["probabilities"][0]
    sim = run_rsp_program(program, {"input": x})["probabilities"]
    assert sim.shape == (len(heldout), 1, 10)
    np.testing.assert_array_equal(sim, golden)
    report = program.report()
    assert report["macs"] == 64 * 64 + 64 * 32 + 32 * 10
    assert [layer["layer"] for layer in report["layers"]] == ["gemm0", "gemm1", "gemm2"]
    assert 0 < report["cycles"] < report["macs"]


@pytest.mark.parametrize(
    ("sizes", "relu"),
    [([583, 235, 501, 120], "separate"), ([483, 14, 484, 281, 309], "fused")],
)
def test_layer_chains_match_golden_and_z64(sizes: list[int], relu: str) -> None:
    """Chains of layers in shared ucodes: each layer's last prefetch loads
    the next layer's first tile; element-wise clamps between Gemms."""
    rng = np.random.default_rng(sum(sizes))
    module = qmlp_module(sizes, rng, relu_between=relu)
    x = rng.uniform(-4.0, 4.0, (3, 1, sizes[0])).astype(np.float32)
    check_layer(module, x, z64=True)


def test_per_layer_ucodes(examples_dir: Path) -> None:
    """`lower-to-rsp{shared=false}`: one ucode and one RSP run per layer,
    same results as the shared ucode."""
    module = import_onnx(examples_dir / "mlp_digits.onnx")
    calib = str(examples_dir / "mlp_digits_calib.npy")
    shared = module.clone()
    N64CompilePass(calibration=calib).apply(Context(), shared)
    separate = module.clone()
    N64CompilePass(calibration=calib, shared=False).apply(Context(), separate)
    one, three = build_rsp_program(shared), build_rsp_program(separate)
    assert [i.layers for i in one.invocations] == [("gemm0", "gemm1", "gemm2")]
    assert [i.layers for i in three.invocations] == [("gemm0",), ("gemm1",), ("gemm2",)]
    assert sorted(three.ucodes) == ["ucode0", "ucode1", "ucode2"]
    x = np.load(examples_dir / "digits_heldout.npz")["X"][:20].astype(np.float32)
    x = x.reshape(len(x), 1, -1)
    np.testing.assert_array_equal(
        run_rsp_program(one, {"input": x})["probabilities"],
        run_rsp_program(three, {"input": x})["probabilities"],
    )


def test_program_layout_and_images() -> None:
    rng = np.random.default_rng(3)
    program = build_rsp_program(lower(random_layer(rng, 1, 24, 16, True, True)))
    assert list(program.ucodes) == ["ucode0"]
    image = program.ucodes["ucode0"]
    assert 0 < len(image.imem) <= 4096 and len(image.imem) % 4 == 0
    layout = program.layout
    assert len(program.weights) == layout.weights_size
    assert layout.activations_offset >= layout.weights_offset + layout.weights_size
    inv = program.invocations[0]
    assert inv.layers == ("gemm0",)
    assert inv.inputs[0].shape == (1, 24) and inv.outputs[0].shape == (1, 16)
    assert inv.cycles > 0 and inv.macs == 24 * 16


def test_unknown_engine() -> None:
    rng = np.random.default_rng(4)
    program = build_rsp_program(lower(random_layer(rng, 1, 8, 8, False, False)), False)
    with pytest.raises(InvalidInputError, match="unknown RSP engine"):
        run_rsp_program(program, {"input": np.zeros((1, 8), np.float32)}, engine="x")


def test_dmem_budget_names_layer() -> None:
    with pytest.raises(BudgetError, match=r"layer fc: .* bytes over the 284 bytes"):
        plan_gemm_tiles(1, 3000, 8, "fc", dmem_bytes=300)


@pytest.mark.parametrize(("k", "rows"), [(9216, 96), (18432, 96), (3000, 40)])
def test_long_rows_stream_x(k: int, rows: int) -> None:
    """A row of x too long for DMEM is streamed in chunks that divide the
    padded row exactly (AlexNet's K = 9216, ZFNet's 18432)."""
    tiling = plan_gemm_tiles(1, k, 4096, "fc", dmem_bytes=3936)
    assert tiling.stream_x
    assert (tiling.rows, tiling.rows * tiling.chunks) == (rows, round_up(k, 8))
    assert tiling.dmem_bytes <= 3936 - 16


def assert_sim_and_z64_match_golden(
    module: ModuleOp, program: RspProgram, x: np.ndarray
) -> None:
    """The simulator on every input, z64 on the first, equal the golden model."""
    golden = run_int_raw(module, {"input": x})["output"][0]
    sim = run_rsp_program(program, {"input": x}, engine="sim")["output"]
    np.testing.assert_array_equal(sim, golden)
    real = run_rsp_program(program, {"input": x[:1]}, engine="z64")["output"]
    np.testing.assert_array_equal(real, golden[:1])


def test_constant_vectors_take_no_dmem() -> None:
    """20 Gemm layers (320 bytes of constant vectors): the constants get no
    DMEM offset and leave the data image alone (each kernel builds them in
    registers), so every even kernel's buffers start right after the
    parameter block. Bit-exact on sim and z64."""
    rng = np.random.default_rng(12)
    module = qmlp_module([8] * 21, rng)
    allocated = module.clone()
    TileForDmemPass().apply(Context(), allocated)
    AllocateDmemPass().apply(Context(), allocated)
    kernels = [o for o in allocated.walk() if isinstance(o, TileKernelOp)]
    assert len(kernels) == 20
    for index, kernel in enumerate(kernels):
        allocs = [b for b in kernel.body.walk() if isinstance(b, DmemAllocOp)]
        assert [b.offset for b in allocs if b.init is not None] == [None]
        offsets = [b.offset.value.data for b in allocs if b.offset is not None]
        if index % 2 == 0:
            assert min(offsets) == 16
    program = build_rsp_program(lower(module.clone()), measure=False)
    assert all(len(image.dmem) <= 16 for image in program.ucodes.values())
    x = rng.uniform(-4.0, 4.0, (3, 1, 8)).astype(np.float32)
    assert_sim_and_z64_match_golden(module, program, x)


def test_streamed_layer_between_layers_bit_exact() -> None:
    """A streamed Gemm between two ordinary ones (the weight prefetch hands
    over across kernels both ways): simulator == golden model == z64."""
    rng = np.random.default_rng(11)
    module = qmlp_module([24, 2200, 16, 8], rng)
    program = build_rsp_program(lower(module.clone()), measure=False)
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    streamed = [o for o in tiled.walk() if isinstance(o, TileMatmulOp)]
    assert [o.stream_x is not None for o in streamed] == [False, True, False]
    x = rng.uniform(-4.0, 4.0, (3, 1, 24)).astype(np.float32)
    assert_sim_and_z64_match_golden(module, program, x)


def test_rdram_budget_4mib_but_8mib_fits() -> None:
    w = np.ones((1000, 1700), np.int16)  # 3.4 MB of weights
    module = qgemm_module(w, None, np.full(1700, 16))
    with pytest.raises(BudgetError, match=r"RDRAM budget of 4MiB .* at layer gemm0"):
        lower(module.clone(), memory="4MiB")
    program = build_rsp_program(lower(module, memory="8MiB"), measure=False)
    assert program.layout.total_size > 3 << 20


def test_imem_budget() -> None:
    module = qgemm_module(np.ones((64, 8), np.int16), None, np.full(8, 16))
    with pytest.raises(BudgetError, match="bytes of IMEM"):
        lower(module, imem=512)


@pytest.mark.parametrize(
    ("kind", "shape", "params"),
    [
        ("add", (3, 13), {"ka": 2, "kb": 0, "shift": 3, "clamp": (0, 32767)}),
        ("add", (1, 2000), {"ka": 14, "kb": 14, "shift": 16}),
        ("rescale", (2, 5, 7), {"ka": 3, "shift": 16}),
        ("rescale", (1, 64), {"ka": 0, "shift": 2, "clamp": (-100, 100)}),
        ("clamp", (4, 9), {"clamp": (-5, 7)}),
        # several chunks through rings of two slots (each chunk loads while
        # the one before it is computed), with and without a last short one
        ("add", (3, 1000), {"ka": 1, "kb": 3, "shift": 5, "clamp": (0, 32767)}),
        ("add", (1, 1008), {"ka": 0, "kb": 0, "shift": 2}),
        ("rescale", (1, 3000), {"ka": 2, "shift": 4}),
        ("clamp", (2, 4096), {"clamp": (-300, 500)}),
        # a multiplier 2^k with k >= s: the sum at bit 16, read out with
        # `vsar` and the shift (the others are `direct`)
        ("add", (2, 40), {"ka": 4, "kb": 0, "shift": 3}),
        ("rescale", (1, 3000), {"ka": 5, "shift": 2, "clamp": (-900, 900)}),
    ],
)
def test_eltwise_matches_golden_and_z64(
    kind: str, shape: tuple[int, ...], params: dict
) -> None:
    module = qeltwise_module(kind, shape, **params)
    golden_module = module.clone()
    program = build_rsp_program(lower(module), measure=False)
    rng = np.random.default_rng(len(shape) * 100 + shape[-1])
    names = ["a", "b"] if kind == "add" else ["a"]
    inputs = {
        n: rng.uniform(-40.0, 40.0, (4, *shape)).astype(np.float32) for n in names
    }
    golden = run_int_raw(golden_module, inputs)["output"][0]
    np.testing.assert_array_equal(run_rsp_program(program, inputs)["output"], golden)
    small = {n: v[:2] for n, v in inputs.items()}
    real = run_rsp_program(program, small, engine="z64")["output"]
    np.testing.assert_array_equal(real, golden[:2])


def test_rdram_budget_message_says_what_would_fit() -> None:
    """Weights over the budget: the message gives the bytes up to the first
    layer that overflows and for all layers, and whether weights=rom (two
    staging slots of the largest even and odd layers) would fit."""
    rng = np.random.default_rng(12)
    fits_rom = qmlp_module([8, 600, 600, 600, 600, 600, 600, 8], rng)
    with pytest.raises(BudgetError) as info:
        lower(fits_rom)
    message = str(info.value)
    assert re.search(
        r"at layer gemm\d: the weights alone need \d+ bytes \(\d+ for all layers\)",
        message,
    )
    assert re.search(
        r"or keep them in the cartridge with weights=rom \(two staging slots of \d+ \+ \d+ bytes\)",
        message,
    )
    too_big = qgemm_module(np.ones((1000, 1700), np.int16), None, np.full(1700, 16))
    with pytest.raises(
        BudgetError,
        match=r"weights=rom does not fit either: .* \(layer gemm0 alone \d+\)",
    ):
        lower(too_big, memory="4MiB")


def test_conv_flatten_long_gemm_end_to_end() -> None:
    """AlexNet's shape in small: a conv, Flatten and a Gemm over 2304
    features (a row of x too long for DMEM, streamed) compile, the Gemm
    reads the conv's channels-last output in the same RSP run, and sim,
    z64 and the golden model agree."""
    rng = np.random.default_rng(21)
    w1 = (rng.standard_normal((16, 3, 3, 3)) / np.sqrt(27)).astype(np.float32)
    w2 = (rng.standard_normal((2304, 10)) / np.sqrt(2304)).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("Flatten", ["r"], ["f"]),
        helper.make_node("Gemm", ["f", "w2"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "long_gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 12, 12])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    compiled = compile_model(model)
    assert [i.layers for i in compiled.program.invocations] == [("conv0", "gemm0")]
    x = rng.uniform(-1.0, 1.0, (3, 1, 3, 12, 12)).astype(np.float32)
    golden = compiled.run_dict({"x": x}, "int")["y"]
    np.testing.assert_array_equal(compiled.run_dict({"x": x}, "sim")["y"], golden)
    real = compiled.run_dict({"x": x[:1]}, "z64")["y"]
    np.testing.assert_array_equal(real, golden[:1])


@pytest.mark.parametrize(
    ("kind", "shape", "params"),
    [
        ("add", (1, 16384), {"ka": 1, "kb": 0, "shift": 3, "clamp": (0, 32767)}),
        ("add", (1, 2000), {"ka": 0, "kb": 2, "shift": 4}),
        ("add", (1, 200), {"ka": 0, "kb": 2, "shift": 4}),
        ("rescale", (1, 9000), {"ka": 2, "shift": 4}),
        ("rescale", (1, 200), {"ka": 2, "shift": 4}),
        ("clamp", (1, 9000), {"clamp": (-300, 500)}),
    ],
)
def test_eltwise_estimate_tracks_the_cycle_model(
    kind: str, shape: tuple[int, ...], params: dict
) -> None:
    """The analytic estimate of an element-wise kernel (one chunk, or rings
    whose transfers overlap the compute) is within an eighth of its
    measured cycles."""
    lowered = lower(qeltwise_module(kind, shape, **params))
    (invoke,) = (op for op in lowered.walk() if isinstance(op, RspInvokeOp))
    estimate = invoke.cycles.value.data
    measured = build_rsp_program(lowered, measure=True).cycles
    assert abs(estimate - measured) <= measured // 8, (estimate, measured)
