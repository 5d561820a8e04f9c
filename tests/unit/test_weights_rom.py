"""Weights from the cartridge (`n64c compile --weights rom`).

The PI DMA cost model and the streaming schedule on their own; the plan
(staging slots, one RSP run per layer with weights, the segment table) and
the report of the digits CNN; the same outputs as a normal build on every
engine (int, sim, z64, the native host build) bit for bit; the libdragon
driver's streaming code against a stand-in header; then a Gemm stack whose
weights exceed 4 MiB: refused by the RDRAM budget without --weights rom,
compiled with it, and run on mupen64plus equal to the golden model bit for
bit; last the command-line option and tables.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from typer.testing import CliRunner

from n64c.api import CompiledModel
from n64c.api import compile as compile_model
from n64c.backend.host_runtime import run_native
from n64c.backend.rsp_program import WeightSegment
from n64c.errors import InvalidInputError
from n64c.sim.int_engine import quantize, run_int_raw
from n64c.tools.n64c import app
from n64c.weights_placement import (
    PI_DMA_CYCLES,
    pi_dma_cycles,
    stream_schedule,
    weights_report,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MIB = 1 << 20


def test_pi_dma_cost_model() -> None:
    assert pi_dma_cycles(65536) == PI_DMA_CYCLES == 777_807
    assert pi_dma_cycles(0) == 0
    assert pi_dma_cycles(8) == 95  # rounded up: 94.9
    assert pi_dma_cycles(2 * 65536) == 2 * 777_807


@dataclass
class _Run:
    ucode: str
    cycles: int
    segment: int | None


@dataclass
class _Layout:
    weights_in: str = "rom"
    weights_size: int = 0
    staging_size: int = 0


@dataclass
class _Program:
    invocations: list[_Run]
    segments: list[WeightSegment]
    layout: _Layout = field(default_factory=_Layout)


def test_stream_schedule() -> None:
    # segment sizes give PI times 1000, 500 and 3000 cycles
    sizes = [65536 * c // PI_DMA_CYCLES for c in (1000, 500, 3000)]
    segments = [WeightSegment(f"l{i}", 0, size, 0) for i, size in enumerate(sizes)]
    pi = [pi_dma_cycles(s) for s in sizes]
    runs = [
        _Run("u0", 700, 0),
        _Run("u1", 100, None),  # no weights: still hides segment 1's DMA
        _Run("u2", 200, 1),
        _Run("u3", 50, 2),
    ]
    schedule = stream_schedule(_Program(runs, segments))
    got = [(s.rsp_cycles, s.next_pi_cycles, s.stall_cycles) for s in schedule.segments]
    assert got == [
        (800, pi[1], pi[0]),  # the first load is never hidden
        (200, pi[2], 0),  # 800 RSP cycles hide segment 1
        (50, 0, pi[2] - 200),
    ]
    assert schedule.segments[0].next_hidden and not schedule.segments[1].next_hidden
    assert schedule.stall_cycles == pi[0] + pi[2] - 200
    assert schedule.pi_cycles == sum(pi)
    assert not schedule.hidden
    report = weights_report(
        _Program(runs, segments, _Layout("rom", sum(sizes), 2 * max(sizes)))
    )
    assert report["rdram_saved_bytes"] == sum(sizes) - 2 * max(sizes)
    assert report["staging_slots_bytes"] == [max(sizes[0], sizes[2]), sizes[1]]
    assert report["inference_cycles"] == 1050 + schedule.stall_cycles


@pytest.fixture(scope="module")
def cnn() -> tuple[CompiledModel, CompiledModel]:
    calib = EXAMPLES / "cnn_digits_calib.npy"
    model = EXAMPLES / "cnn_digits.onnx"
    return (
        compile_model(model, calibration=calib),
        compile_model(model, calibration=calib, weights="rom"),
    )


def test_cnn_plan_and_report(cnn: tuple[CompiledModel, CompiledModel]) -> None:
    ram, rom = cnn
    layout = rom.program.layout
    assert layout.weights_in == "rom" and ram.program.layout.weights_in == "rdram"
    # the same blob in the cartridge as in RDRAM
    assert rom.program.weights == ram.program.weights
    segments = rom.program.segments
    assert [s.layer for s in segments] == ["conv0", "maxpool0", "conv1", "gemm0"]
    assert sum(s.size for s in segments) == layout.weights_size
    offsets = [s.blob_offset for s in segments]
    assert offsets == [0, *np.cumsum([s.size for s in segments[:-1]])]
    # segment i in slot i % 2; each slot as large as its largest segment
    slots = [max(s.size for s in segments[p::2]) for p in (0, 1)]
    assert [s.staging_offset for s in segments] == [0, slots[0], 0, slots[0]]
    assert layout.staging_size == sum(slots) == layout.activations_offset
    # one RSP run per layer with weights, each with its segment
    assert [inv.segment for inv in rom.program.invocations] == [0, 1, 2, 3]
    # the RDRAM build: convs and pool in one run, the Gemm in a second
    assert len(ram.program.invocations) == 2
    weights = rom.report["weights"]
    assert weights["rdram_saved_bytes"] == layout.weights_size - layout.staging_size
    assert weights["rdram_saved_bytes"] > 0
    assert rom.report["memory"]["rdram"]["weights_bytes"] == layout.staging_size
    assert weights["pi_dma_cycles"] == sum(pi_dma_cycles(s.size) for s in segments)
    assert weights["exposed_stall_cycles"] == sum(
        s["stall_cycles"] for s in weights["segments"]
    )
    assert weights["segments"][0]["stall_cycles"] == pi_dma_cycles(segments[0].size)
    assert ram.report["weights"]["placement"] == "rdram"
    assert ram.report["weights"]["pi_dma_cycles"] == 0


def test_cnn_outputs_equal_rdram_build(
    cnn: tuple[CompiledModel, CompiledModel], tmp_path: Path
) -> None:
    ram, rom = cnn
    x = np.load(EXAMPLES / "cnn_digits_input.npy").astype(np.float32)[:3]
    name = rom.input_names[0]
    for engine in ("int", "sim", "z64"):
        got = rom.run_dict({name: x}, engine)
        want = ram.run_dict({name: x}, engine)
        for out in rom.output_names:
            assert np.array_equal(got[out], want[out]), (engine, out)
    ram.save(tmp_path / "ram")
    rom.save(tmp_path / "rom")
    header = (tmp_path / "rom" / "model.h").read_text()
    assert "#define N64C_MODEL_WEIGHTS_IN_ROM 1" in header
    assert "n64c_weights_wait();" in (tmp_path / "rom" / "model.c").read_text()
    for quantized in (False, True):
        inputs = [x.reshape(len(x), -1)]
        if quantized:
            frac = int(
                next(
                    line.split()[2]
                    for line in header.splitlines()
                    if "N64C_MODEL_INPUT0_FRAC_BITS" in line
                )
            )
            inputs = [quantize(inputs[0], frac)]
        a, runs_rom = run_native(tmp_path / "rom", inputs, quantized)
        b, runs_ram = run_native(tmp_path / "ram", inputs, quantized)
        assert np.array_equal(a[0], b[0])
        assert runs_rom == 4 * len(x) and runs_ram == 2 * len(x)
    # reloaded from the directory, the placement is the same
    again = CompiledModel.load(tmp_path / "rom")
    assert again.program.segments == rom.program.segments
    assert all(
        np.array_equal(a, b)
        for a, b in zip(
            again.run_dict({name: x}, "sim").values(),
            ram.run_dict({name: x}, "sim").values(),
            strict=True,
        )
    )


LIBDRAGON_STUB = """\
#include <stdint.h>
void rsp_init(void);
void rsp_load_code(void *code, unsigned long size, unsigned int imem_offset);
void rsp_load_data(void *data, unsigned long size, unsigned int dmem_offset);
void rsp_run(void);
void data_cache_hit_writeback(volatile const void *p, unsigned long length);
void data_cache_hit_invalidate(volatile void *p, unsigned long length);
void data_cache_hit_writeback_invalidate(volatile void *p, unsigned long length);
void dma_read_raw_async(void *ram, unsigned long pi_address, unsigned long len);
void dma_wait(void);
#define PhysicalAddr(a) ((unsigned long)(uintptr_t)(a) & 0x1FFFFFFFu)
"""


def test_libdragon_streaming_builds(
    cnn: tuple[CompiledModel, CompiledModel], tmp_path: Path
) -> None:
    gcc = shutil.which("gcc")
    assert gcc is not None
    _, rom = cnn
    rom.save(tmp_path / "out")
    (tmp_path / "libdragon.h").write_text(LIBDRAGON_STUB)
    done = subprocess.run(
        [gcc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-DN64", "-c",
         f"-I{tmp_path}", f"-I{tmp_path / 'out'}", str(tmp_path / "out" / "model.c"),
         "-o", str(tmp_path / "model.o")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    symbols = subprocess.run(
        ["nm", str(tmp_path / "model.o")], capture_output=True, text=True
    ).stdout
    assert " T n64c_weights_start" in symbols
    assert " U dma_read_raw_async" in symbols


def test_weights_option_is_checked() -> None:
    with pytest.raises(InvalidInputError, match="weights must be rdram or rom"):
        compile_model(EXAMPLES / "mlp_digits.onnx", weights="flash")


def _gemm_stack(width: int, depth: int) -> onnx.ModelProto:
    """`depth` Gemm + Relu layers of `width` x `width` weights."""
    rng = np.random.default_rng(5)
    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = []
    x = "x"
    for i in range(depth):
        w = rng.standard_normal((width, width)) / np.sqrt(width)
        b = rng.standard_normal(width) * 0.1
        inits += [
            numpy_helper.from_array(w.astype(np.float32), f"w{i}"),
            numpy_helper.from_array(b.astype(np.float32), f"b{i}"),
        ]
        nodes.append(
            helper.make_node("Gemm", [x, f"w{i}", f"b{i}"], [f"g{i}"], transB=1)
        )
        x = f"g{i}"
        if i + 1 < depth:
            nodes.append(helper.make_node("Relu", [x], [f"r{i}"]))
            x = f"r{i}"
    graph = helper.make_graph(
        nodes,
        "gemm_stack",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, width])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def test_weights_over_4mib_run_from_the_cartridge(tmp_path: Path) -> None:
    model = _gemm_stack(512, 8)
    onnx.save(model, tmp_path / "stack.onnx")
    rng = np.random.default_rng(1)
    calib = rng.random((8, 1, 512)).astype(np.float32)
    np.save(tmp_path / "calib.npy", calib)
    refused = CliRunner().invoke(
        app,
        ["compile", str(tmp_path / "stack.onnx"), "--calibration",
         str(tmp_path / "calib.npy"), "--memory", "4MiB", "-o", str(tmp_path / "a")],
    )  # fmt: skip
    assert refused.exit_code != 0
    assert "RDRAM budget of 4MiB" in refused.output
    assert "weights=rom" in refused.output
    cm = compile_model(model, calibration=calib, memory="4MiB", weights="rom")
    weights = cm.report["weights"]
    assert weights["blob_bytes"] > 4 * MIB
    assert weights["staging_bytes"] + weights["rdram_saved_bytes"] > 4 * MIB
    assert cm.report["memory"]["rdram"]["total_bytes"] < 3 * MIB
    assert len(cm.program.segments) == 8
    # a batch-1 Gemm uses each weight once: its PI DMA cannot hide
    assert not weights["hidden"] and weights["exposed_stall_cycles"] > 0
    x = rng.random((1, 1, 512)).astype(np.float32)
    assert cm.quantized is not None
    golden, _ = run_int_raw(cm.quantized, {"x": x})[cm.output_names[0]]
    cm.run_dict({"x": x}, "mupen64plus")
    run = cm.last_emulator_run
    assert run is not None and run.raw.q is not None
    assert np.array_equal(run.raw.q[0], golden.reshape(1, -1))


def test_cli_weights_rom(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["compile", str(EXAMPLES / "mlp_digits.onnx"), "--calibration",
            str(EXAMPLES / "mlp_digits_calib.npy")]  # fmt: skip
    done = runner.invoke(app, [*args, "--weights", "rom", "-o", str(tmp_path / "rom")])
    assert done.exit_code == 0, done.output
    assert "weights in the cartridge" in done.output
    assert "PI DMA per inference" in done.output
    shown = runner.invoke(app, ["report", str(tmp_path / "rom")])
    assert shown.exit_code == 0, shown.output
    assert "streamed layer" in shown.output
    bad = runner.invoke(app, [*args, "--weights", "flash", "-o", str(tmp_path / "x")])
    assert bad.exit_code != 0
    assert "weights must be rdram or rom" in bad.output
    ram = runner.invoke(app, [*args, "-o", str(tmp_path / "ram")])
    assert ram.exit_code == 0, ram.output
    x = np.load(EXAMPLES / "mlp_digits_input.npy")[:2]
    np.save(tmp_path / "x.npy", x)
    ran = runner.invoke(
        app,
        ["run", str(tmp_path / "rom"), "--input", str(tmp_path / "x.npy"),
         "--engine", "native", "-o", str(tmp_path / "y.npy")],
    )  # fmt: skip
    assert ran.exit_code == 0, ran.output
    # every engine gives the --weights rom build the outputs of a normal
    # build (what `n64c run OUTDIR --engine E` runs)
    rom = CompiledModel.load(tmp_path / "rom")
    normal = CompiledModel.load(tmp_path / "ram")
    name = rom.input_names[0]
    for engine in ("int", "sim", "z64", "native", "mupen64plus"):
        got = rom.run_dict({name: x}, engine)
        want = normal.run_dict({name: x}, engine)
        for out in rom.output_names:
            assert np.array_equal(got[out], want[out]), (engine, out)
        if engine == "native":
            assert np.array_equal(np.load(tmp_path / "y.npy"), got[rom.output_names[0]])
