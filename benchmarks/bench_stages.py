"""Each stage of `n64c.compile` and the whole `n64c compile` command on
bigger networks: the digits MLP, a ResNet-8-shaped network (32x32x3,
`n64c.testing.mlperf_tiny`, 16 calibration samples) and the onnx package's
`light_squeezenet` (224x224, `--memory 8MiB`).

`Stages.time_stage` times one stage on the module the stages before it
produced (made in `setup`, so it is not timed). `WholeCompile` runs the
command in a fresh process, as a user would, with calibration.
`TvmRatio` compiles the same ONNX file with TVM (relax `zero` pipeline,
`tvm.compile` for `llvm`) in a fresh process right after n64c and reports
n64c's time over TVM's; it is skipped unless `apache-tvm` is installed
(`pip install -e .[bench]`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NETWORKS = ["mlp_digits", "resnet8", "light_squeezenet"]
STAGES = [
    "import",
    "clean-up",
    "quantize",
    "tile",
    "allocate",
    "lower",
    "allocate registers",
    "schedule",
    "encode",
    "count cycles",
    "emit C",
]
CALIBRATION_SAMPLES = 16

_TVM_SCRIPT = """
import sys
import onnx
import tvm
from tvm import relax
from tvm.relax.frontend.onnx import from_onnx
mod = from_onnx(onnx.load(sys.argv[1]), keep_params_in_input=False)
tvm.compile(relax.get_pipeline("zero")(mod), target="llvm")
"""


def network_files(name: str, directory: Path) -> tuple[Path, Path | None, str]:
    """(ONNX file, calibration file or None, memory) of network `name`,
    written into `directory` when built in code."""
    if name == "mlp_digits":
        return EXAMPLES / "mlp_digits.onnx", EXAMPLES / "mlp_digits_calib.npy", "4MiB"
    if name == "light_squeezenet":
        import onnx

        light = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
        return light / "light_squeezenet.onnx", None, "8MiB"
    import numpy as np
    import onnx

    from n64c.testing.mlperf_tiny import build_network, sample_inputs

    model, calib = directory / f"{name}.onnx", directory / f"{name}_calib.npy"
    if not model.exists():
        onnx.save(build_network(name), str(model))
        np.save(calib, sample_inputs(name, CALIBRATION_SAMPLES, 1))
    return model, calib, "4MiB"


def _run_stages(model: Path, calib: Path | None, memory: str, upto: str) -> Any:
    """Run the stages of `n64c.compile` before `upto`; returns a closure
    that runs `upto` itself. The Python modules of every stage are
    imported first, so a stage's time is its work, not its imports."""
    import n64c.backend.c_emit
    import n64c.frontend.onnx
    import n64c.sim.rsp.timing_only  # noqa: F401
    from n64c import api
    from n64c.backend.rsp_program import build_rsp_program
    from n64c.ir_io import ir_context
    from n64c.passes.allocate_dmem import AllocateDmemPass
    from n64c.passes.lower_to_rsp import LowerToRspPass
    from n64c.passes.n64_cleanup import N64CleanupPass
    from n64c.passes.plan_rdram import PlanRdramPass
    from n64c.passes.quantize_int16 import quantize_int16
    from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
    from n64c.passes.rsp_schedule import RspSchedulePass
    from n64c.passes.tile_for_dmem import TileForDmemPass

    ctx = ir_context()
    state: dict[str, Any] = {}

    def do_import() -> None:
        state["module"] = api._import(model)[1]

    def apply(pass_: Any) -> Any:
        return lambda: pass_.apply(ctx, state["module"])

    def allocate() -> None:
        AllocateDmemPass().apply(ctx, state["module"])
        PlanRdramPass(memory=memory).apply(ctx, state["module"])

    def encode() -> None:
        state["program"] = build_rsp_program(state["module"], measure=False)

    def emit() -> None:
        from n64c.backend.c_emit import emit_c

        emit_c(state["program"])

    steps = {
        "import": do_import,
        "clean-up": apply(N64CleanupPass()),
        "quantize": lambda: quantize_int16(state["module"], calib and str(calib)),
        "tile": apply(TileForDmemPass()),
        "allocate": allocate,
        "lower": apply(LowerToRspPass()),
        "allocate registers": apply(RspAllocateRegistersPass()),
        "schedule": apply(RspSchedulePass()),
        "encode": encode,
        "count cycles": lambda: state["program"].measure(),
        "emit C": emit,
    }
    for name in STAGES:
        if name == upto:
            return steps[name]
        steps[name]()
    raise ValueError(upto)


class Stages:
    """One stage of `n64c.compile` on each network."""

    params = (NETWORKS, STAGES)
    param_names = ["network", "stage"]
    number = 1
    repeat = (1, 3, 60.0)
    warmup_time = 0.0
    timeout = 900.0

    def setup(self, network: str, stage: str) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        model, calib, memory = network_files(network, Path(self.tmp.name))
        self.run = _run_stages(model, calib, memory, stage)

    def teardown(self, network: str, stage: str) -> None:
        self.tmp.cleanup()

    def time_stage(self, network: str, stage: str) -> None:
        self.run()


COMPILE_OPTIONS = {"light_squeezenet": ["--weights", "rom"]}
"""Extra `n64c compile` options per network: SqueezeNet's RSP arena and
CPU buffers together exceed 8 MiB less the reserve, so its weights stay
in the cartridge."""


def _n64c_compile(
    model: Path, calib: Path | None, memory: str, out: Path, options: list[str]
) -> float:
    """Wall time of `n64c compile` in a fresh process."""
    cmd = [sys.executable, "-m", "n64c.tools.n64c", "compile", str(model)]
    cmd += ["-o", str(out), "--memory", memory, *options]
    if calib is not None:
        cmd += ["--calibration", str(calib)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _tvm_compile(model: Path) -> float:
    """Wall time of the TVM compile of `model` in a fresh process."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", _TVM_SCRIPT, str(model)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


class WholeCompile:
    """`n64c compile` in a fresh process (start-up, imports, every stage,
    writing the files)."""

    params = NETWORKS
    param_names = ["network"]
    number = 1
    repeat = (1, 3, 120.0)
    warmup_time = 0.0
    timeout = 1800.0

    def setup(self, network: str) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.files = network_files(network, Path(self.tmp.name))

    def teardown(self, network: str) -> None:
        self.tmp.cleanup()

    def time_n64c_compile(self, network: str) -> None:
        options = COMPILE_OPTIONS.get(network, [])
        _n64c_compile(*self.files, Path(self.tmp.name) / "out", options)


class TvmRatio:
    """n64c's whole-process compile time over TVM's on the same ONNX file,
    measured side by side (median of 3 alternating pairs); below 1.0 means
    n64c is faster."""

    params = ["mlp_digits", "resnet8"]
    param_names = ["network"]
    unit = "n64c / TVM"
    timeout = 1800.0

    def setup_cache(self) -> dict[str, float]:
        import importlib.util
        import statistics

        if importlib.util.find_spec("tvm") is None:
            raise NotImplementedError("apache-tvm is not installed (extra `bench`)")
        ratios: dict[str, float] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for network in self.params:
                model, calib, memory = network_files(network, Path(tmp))
                pairs = []
                for i in range(3):
                    options = COMPILE_OPTIONS.get(network, [])
                    out = Path(tmp) / f"o{i}"
                    ours = _n64c_compile(model, calib, memory, out, options)
                    pairs.append(ours / _tvm_compile(model))
                ratios[network] = statistics.median(pairs)
        return ratios

    def track_ratio(self, cache: dict[str, float], network: str) -> float:
        return cache[network]
