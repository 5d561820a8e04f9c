"""The pixel-lane convolution (`n64.tile_pixel_conv`, 8 output pixels on the
lanes) for first layers with few input channels: simulator, golden integer
model and z64 agree bit for bit on random layers; the cycle estimate that
chooses it stays close to the simulator's count; tile-for-dmem chooses it
where it is faster and never where it does not apply."""

from __future__ import annotations

import numpy as np
import pytest
from test_rsp_conv import lower, random_conv
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

import n64c.passes.conv_kernel_choice as conv_kernel_choice
from n64c.backend.conv_layer import qconv_module
from n64c.backend.rsp_program import build_rsp_program, run_rsp_program
from n64c.dialects.n64_pixel_conv import PixelGeometry, TilePixelConvOp
from n64c.dialects.n64_quant import QConv2dOp, QTransposeOp
from n64c.dialects.n64_tile import TileWindowOp
from n64c.passes.pixel_lane_tiles import (
    estimate_pixel_cycles,
    gather_indices,
    pad_slots,
    plan_pixel_conv,
    strip_columns,
)
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.sim.int_engine import run_int_raw

Case = tuple[
    tuple[int, int, int, int],
    int,
    tuple[int, int],
    tuple[int, int],
    tuple[int, int, int, int],
    tuple[int, int],
    bool,
]

# (x shape, O, kernel, strides, pads, dilations, relu)
CASES: list[Case] = [
    ((1, 1, 8, 8), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True),
    ((1, 3, 9, 13), 6, (3, 3), (2, 2), (1, 0, 1, 1), (1, 1), False),
    ((2, 2, 7, 10), 11, (5, 5), (1, 1), (2, 2, 2, 2), (1, 1), True),
    ((1, 1, 12, 10), 20, (10, 4), (2, 2), (4, 1, 5, 2), (1, 1), True),
    ((1, 4, 6, 21), 9, (3, 3), (1, 2), (1, 1, 1, 1), (2, 1), False),
    ((1, 3, 20, 30), 13, (3, 3), (2, 2), (0, 0, 1, 1), (1, 1), True),
    ((1, 1, 25, 10), 64, (10, 4), (2, 2), (4, 1, 5, 1), (1, 1), True),
    ((2, 1, 28, 28), 6, (5, 5), (1, 1), (0, 0, 0, 0), (1, 1), False),
    ((1, 2, 11, 37), 5, (3, 3), (1, 1), (1, 1, 1, 1), (1, 2), True),
    # 30 weights: bias in the 4th record vector, mult in the 5th (found by
    # a random network: both must stay until the end of the chain)
    ((1, 2, 15, 15), 16, (5, 3), (2, 2), (0, 2, 1, 0), (1, 1), False),
    # 8 store windows (lanes 256 bytes apart), streamed weights, two images:
    # the most scalar registers the kernel keeps live
    ((2, 2, 6, 10), 64, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True),
]


def pixel_module(module: ModuleOp) -> ModuleOp:
    """`module` after tile-for-dmem (the caller forces the pixel-lane kernel)."""
    tiled = module.clone()
    TileForDmemPass().apply(Context(), tiled)
    return tiled


def geometry_of(module: ModuleOp) -> PixelGeometry:
    ops = [o for o in module.walk() if isinstance(o, TilePixelConvOp)]
    assert len(ops) == 1
    return ops[0].geo


@pytest.fixture
def force_pixel_lanes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make tile-for-dmem take the pixel-lane kernel wherever it applies."""
    monkeypatch.setattr(
        conv_kernel_choice, "channels_on_lanes_estimate", lambda ops: 1 << 40
    )


def build(case: Case, seed: int) -> tuple[ModuleOp, np.ndarray]:
    x_shape, o, kernel, strides, pads, dilations, relu = case
    rng = np.random.default_rng(seed)
    module = random_conv(rng, x_shape, o, kernel, strides, pads, dilations, 1, relu)
    x = rng.uniform(-8.0, 8.0, (2, *x_shape)).astype(np.float32)
    return module, x


@pytest.mark.parametrize("case", CASES)
@pytest.mark.usefixtures("force_pixel_lanes")
def test_pixel_lane_conv_matches_golden_and_z64(case: Case) -> None:
    module, x = build(case, sum(case[0]) * 10 + case[1])
    geometry_of(pixel_module(module))  # the pixel-lane kernel is used
    golden = run_int_raw(module, {"input": x})["output"][0]
    lowered = lower(module.clone())
    assert not any(isinstance(o, QConv2dOp | TileWindowOp) for o in lowered.walk())
    program = build_rsp_program(lowered, measure=False)
    sim = run_rsp_program(program, {"input": x}, engine="sim")["output"]
    np.testing.assert_array_equal(sim, golden)
    real = run_rsp_program(program, {"input": x[:1]}, engine="z64")["output"]
    np.testing.assert_array_equal(real, golden[:1])


@pytest.mark.usefixtures("force_pixel_lanes")
def test_cases_cover_every_code_path() -> None:
    """Resident weights and a streamed ring, one and several spatial tiles,
    bands inside the image (one DMA per channel) and at its edges, padding
    slots to zero, blocks with lanes past the row's end (one block, and
    several blocks with the spare output room), several images."""
    seen: set[tuple[str, bool]] = set()
    for case in CASES:
        g = geometry_of(pixel_module(build(case, 0)[0]))
        starts = [t * g.tile_rows * g.sh - g.pt for t in range(g.tiles)]
        seen |= {
            ("resident", bool(g.resident)),
            ("tiles", g.tiles > 1),
            ("inner band", any(0 <= s <= g.h - g.band_rows for s in starts)),
            ("edge band", any(not 0 <= s <= g.h - g.band_rows for s in starts)),
            ("pad slots", bool(pad_slots(g))),
            ("slack", not g.full_lanes and g.m > 1),
            ("one block", g.m == 1),
            ("batch", g.n > 1),
        }
    assert all((what, True) in seen for what, _ in seen)
    assert ("resident", False) in seen


def test_strip_layout() -> None:
    """Lane k of vector x' holds input column k * m * sw + x' - pl; slots
    outside the image read column 0 and are zeroed by the kernel when a
    stored pixel reads them."""
    g = plan_pixel_conv(
        (1, 1, 9, 21), 8, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), "l", 4000
    )
    assert (g.ow, g.m, g.wt) == (11, 2, 5)
    columns = strip_columns(g)
    assert columns[:8] == [-1, 3, 7, 11, 15, 19, -1, -1]
    assert columns[8 * 4 + 4] == 4 * 4 + 4 - 1
    assert gather_indices(g)[:8] == [0, 3, 7, 11, 15, 19, 0, 0]
    # lanes 6 and 7 hold no output pixel of block 0 (11 columns): no fixup
    assert (0, 0) in pad_slots(g)
    assert all(lane * g.m < g.ow for _, lane in pad_slots(g))


# First layers of the MLPerf-Tiny-shaped networks, LeNet-5 and the digits CNN.
NETWORK_LAYERS: list[Case] = [
    ((1, 3, 32, 32), 16, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True),
    ((1, 1, 49, 10), 64, (10, 4), (2, 2), (4, 1, 5, 1), (1, 1), True),
    ((1, 3, 96, 96), 8, (3, 3), (2, 2), (0, 0, 1, 1), (1, 1), True),
    ((1, 1, 28, 28), 6, (5, 5), (1, 1), (0, 0, 0, 0), (1, 1), True),
    ((1, 1, 8, 8), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), True),
]
ESTIMATE_TOLERANCE = 0.05
"""How far the estimate may be from the simulator's cycle count."""


@pytest.mark.parametrize("case", NETWORK_LAYERS)
def test_estimate_matches_the_simulator(case: Case, force_pixel_lanes: None) -> None:
    module, _ = build(case, 1)
    g = geometry_of(pixel_module(module))
    program = build_rsp_program(lower(module.clone()), measure=True)
    (invocation,) = program.invocations
    estimate = estimate_pixel_cycles(g, *case_clamp(case))
    assert abs(estimate - invocation.cycles) <= ESTIMATE_TOLERANCE * invocation.cycles


def case_clamp(case: Case) -> tuple[int, int]:
    return (0, 32767) if case[-1] else (-32768, 32767)


def test_pixel_lanes_do_not_apply_to_wide_sums_or_many_channels() -> None:
    """An `acc48` conv and a conv with 16 input channels keep the
    channels-on-lanes kernel."""
    rng = np.random.default_rng(3)
    wide = qconv_module(
        (1, 1, 16, 16),
        rng.integers(-100, 100, (8, 1, 3, 3)).astype(np.int16),
        rng.integers(-1000, 1000, 8).astype(np.int64),
        [20] * 8,
        pads=(1, 1, 1, 1),
        wide=True,
    )
    many = random_conv(
        rng, (1, 16, 8, 8), 8, (3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True
    )
    for module in (wide, many):
        tiled = pixel_module(module)
        assert any(isinstance(o, TileWindowOp) for o in tiled.walk())
        assert not any(isinstance(o, TilePixelConvOp) for o in tiled.walk())
        assert any(isinstance(o, QTransposeOp) for o in tiled.walk())


def test_generated_c_gathers_the_strip_layout() -> None:
    """LeNet-5's first conv takes pixel lanes; the generated C's gather
    (single int16 elements, a halfword copy each) builds the strip layout
    bit for bit: the native engine (the C on the host, the RSP runs on
    z64) equals the simulator on the logits."""
    import n64c
    from n64c.testing.mlperf_tiny import (
        INPUT_NAME,
        build_network,
        logits_model,
        sample_inputs,
    )

    model = logits_model(build_network("lenet5"))
    compiled = n64c.compile(model, calibration=sample_inputs("lenet5", 8, seed=1))
    assert "n64.qgather" in {o.name for o in compiled.program.cpu_ops}
    x = {INPUT_NAME: sample_inputs("lenet5", 2, seed=2)}
    sim, native = compiled.run_dict(x, "sim"), compiled.run_dict(x, "native")
    for name, value in sim.items():
        assert np.array_equal(native[name], value), name
