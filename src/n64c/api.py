"""The Python API: `n64c.compile(model) -> CompiledModel`.

    >>> import n64c                                              # doctest: +SKIP
    >>> cm = n64c.compile("mlp.onnx", calibration="calib.npy")   # doctest: +SKIP
    >>> y = cm.run(x, engine="sim")       # float32 in and out   # doctest: +SKIP
    >>> cm.report["rsp"]["cycles"]                               # doctest: +SKIP
    >>> cm.save("out/")                   # what `n64c compile` writes
    >>> cm2 = n64c.CompiledModel.load("out/")                    # doctest: +SKIP

Engines of :meth:`CompiledModel.run`: ``float`` (reference interpreter of
the imported graph), ``int`` (golden integer model of the quantised graph),
``sim`` (the generated RSP code on n64c's simulator, batches in lockstep),
``z64`` (the generated RSP code on the mupen64plus-rsp-z64 core),
``native`` (the generated C built for the host, each RSP run on the z64
core) and ``mupen64plus`` (the whole program as a ROM on the emulator).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp

from n64c.errors import (
    BudgetError,
    InvalidInputError,
    N64cError,
    UnsupportedModelError,
)
from n64c.ir_io import check_rdram_layout, ir_context, parse_module, read_ir_text
from n64c.output_dir import check_output_dir, replace_dir, user_files
from n64c.report import REPORT_FILE, build_report
from n64c.report_schema import LOAD_SCHEMA, check_report

if TYPE_CHECKING:
    from xdsl.passes import ModulePass

ENGINES = ("float", "int", "sim", "z64", "native", "mupen64plus")
IR_FILE = "model.mlir"
QUANT_IR_FILE = "model.int16.mlir"

Progress = Callable[[str], None]


def _no_progress(stage: str) -> None:
    del stage


@dataclass
class CompiledModel:
    """A network compiled for the N64: the lowered module, its RSP program,
    the generated sources and the report. Build with :func:`compile` or
    :meth:`load`."""

    name: str
    module: ModuleOp
    """The final IR (after `rsp-schedule`)."""
    quantized: ModuleOp | None
    """The int16 graph (golden model), before tiling."""
    imported: ModuleOp | None
    """The float graph as imported (None after :meth:`load`)."""
    program: Any
    """The :class:`~n64c.backend.rsp_program.RspProgram`."""
    dmem_use: dict[str, int] = field(default_factory=dict)
    """Peak DMEM bytes per layer (from `allocate-dmem`)."""
    memory: str = "4MiB"
    last_cycles: int | None = None
    """RSP cycles per inference of the last `sim` run."""
    last_emulator_run: Any = None
    """The last `mupen64plus` run (:class:`~n64c.backend.rom.engine.EmulatorRun`):
    int16 outputs, CP0 Count per inference, ROM size, wall time."""
    _report: dict[str, Any] | None = None
    _sources: Any = None

    # --- signature ----------------------------------------------------------

    @property
    def _main(self) -> Any:
        from n64c.sim.float_engine import find_main

        return find_main(self.module)

    @property
    def input_names(self) -> list[str]:
        from n64c.sim.float_engine import input_names

        return input_names(self._main)

    @property
    def input_shapes(self) -> list[tuple[int, ...]]:
        return [tuple(a.type.get_shape()) for a in self._main.args]

    @property
    def output_names(self) -> list[str]:
        from n64c.sim.float_engine import output_names

        return output_names(self._main)

    # --- running -------------------------------------------------------------

    def run(
        self, x: np.ndarray | Mapping[str, np.ndarray], engine: str = "sim"
    ) -> np.ndarray | dict[str, np.ndarray]:
        """Run on float32 input(s): an array (one-input models) or a dict
        keyed by input name, each with the input's shape or one extra
        leading batch axis. Returns an array for an array input and a
        one-output model, else a dict keyed by output name."""
        inputs = self._inputs(x)
        outputs = self.run_dict(inputs, engine)
        if not isinstance(x, Mapping) and len(outputs) == 1:
            return next(iter(outputs.values()))
        return outputs

    def _inputs(
        self, x: np.ndarray | Mapping[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        names = self.input_names
        if isinstance(x, Mapping):
            missing = [n for n in names if n not in x]
            if missing:
                raise InvalidInputError(f"no array for input(s) {', '.join(missing)}")
            return {n: np.asarray(x[n]) for n in names}
        if len(names) != 1:
            raise InvalidInputError(
                f"the model has {len(names)} inputs ({', '.join(names)}); "
                "pass a dict keyed by input name"
            )
        return {names[0]: np.asarray(x)}

    def run_dict(
        self, inputs: Mapping[str, np.ndarray], engine: str = "sim"
    ) -> dict[str, np.ndarray]:
        """:meth:`run` with inputs and outputs keyed by name."""
        if engine not in ENGINES:
            raise N64cError(
                f"unknown engine '{engine}' (choose from {', '.join(ENGINES)})"
            )
        if engine == "float":
            if self.imported is None:
                raise N64cError(
                    "the float engine needs the imported model: run the .onnx file"
                )
            from n64c.sim.float_engine import run_float

            return run_float(self.imported, inputs)
        if engine == "int":
            if self.quantized is None:
                raise N64cError("this compiled model has no int16 graph to run")
            from n64c.sim.int_engine import run_int

            return run_int(self.quantized, inputs)
        if engine == "native":
            from n64c.backend.host_runtime.engine import run_native_engine

            self.last_cycles = None
            return run_native_engine(self, inputs)
        if engine == "mupen64plus":
            from n64c.backend.rom.engine import run_on_emulator

            self.last_emulator_run = run_on_emulator(self, inputs)
            self.last_cycles = None
            return self.last_emulator_run.outputs
        return self._run_rsp(inputs, engine)

    def _run_rsp(
        self, inputs: Mapping[str, np.ndarray], engine: str
    ) -> dict[str, np.ndarray]:
        from n64c.backend.rsp_program import RspInvokeFunctions, rsp_fold_rule
        from n64c.sim.float_engine import FloatFunctions, float_fold_rule, run_main
        from n64c.sim.int_engine import QuantFunctions, int_fold_rule

        rsp = RspInvokeFunctions(self.program, engine)
        outputs = run_main(
            self.module,
            inputs,
            [FloatFunctions(), QuantFunctions(), rsp],
            rules=(rsp_fold_rule, int_fold_rule, float_fold_rule),
        )
        self.last_cycles = rsp.cycles if engine == "sim" else None
        return outputs

    # --- artefacts -----------------------------------------------------------

    @property
    def sources(self) -> Any:
        """`model.h` / `model.c` (:class:`~n64c.backend.c_emit.CSources`)."""
        if self._sources is None:
            from n64c.backend.c_emit import emit_c

            self._sources = emit_c(self.program, self.name)
        return self._sources

    @property
    def report(self) -> dict[str, Any]:
        """Memory use per region, RSP cycles and MACs per layer and in total."""
        if self._report is None:
            self._report = build_report(self)
        return self._report

    def files(self) -> dict[str, bytes | str]:
        """Every file of the output directory, by name."""
        from n64c.backend.rsp_asm import print_asm

        files: dict[str, bytes | str] = {}
        ucodes = _ucode_modules(self.module)
        single = len(ucodes) == 1
        for name, ucode in ucodes.items():
            stem = "rsp_model" if single else f"rsp_model_{name}"
            image = self.program.ucodes[name]
            files[f"{stem}.S"] = print_asm(ucode)
            files[f"{stem}.imem.bin"] = image.imem
            files[f"{stem}.dmem.bin"] = image.dmem
        files["model.h"] = self.sources.header
        files["model.c"] = self.sources.source
        files["weights.bin"] = self.program.weights
        files[IR_FILE] = str(self.module) + "\n"
        if self.quantized is not None:
            files[QUANT_IR_FILE] = str(self.quantized) + "\n"
        report = dict(self.report)
        report["files"] = sorted([*files, REPORT_FILE])
        files[REPORT_FILE] = json.dumps(report, indent=2) + "\n"
        return files

    def save(self, directory: str | Path) -> Path:
        """Write the output directory: all files or none. The files go to a
        temporary directory beside it, which then replaces it; an existing
        directory is only replaced if it is empty or an earlier n64c output,
        and files in it that n64c did not write are carried over."""
        directory = Path(directory).resolve()
        check_output_dir(directory)
        files = self.files()
        clash = [name for name in user_files(directory) if name in files]
        if clash:
            raise InvalidInputError(
                f"{directory}: holds {', '.join(clash)}, which n64c did not write "
                "but would now overwrite; move it or choose another output directory"
            )
        from n64c.tools.cli_common import new_file_mode

        parent = directory.resolve().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=parent))
        except OSError as e:
            raise N64cError(f"{directory}: cannot write it ({e.strerror})") from None
        try:
            # mkdtemp's directory is private; the output gets the usual mode
            os.chmod(
                work,
                directory.stat().st_mode & 0o7777
                if directory.is_dir()
                else new_file_mode(0o777),
            )
            for name, data in files.items():
                mode = "wb" if isinstance(data, bytes) else "w"
                with open(work / name, mode) as f:
                    f.write(data)
            replace_dir(work, directory)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> CompiledModel:
        """Read an output directory written by :meth:`save` / `n64c compile`."""
        from n64c.backend.rsp_program import build_rsp_program

        directory = Path(directory)
        report_path = directory / REPORT_FILE
        if not directory.is_dir():
            raise InvalidInputError(f"{directory}: no such directory")
        if not report_path.is_file() or not (directory / IR_FILE).is_file():
            raise InvalidInputError(
                f"{directory}: not an n64c output directory (no {REPORT_FILE} / {IR_FILE})"
            )
        try:
            report = json.loads(report_path.read_text())
        except (OSError, ValueError) as e:
            raise InvalidInputError(f"{report_path}: unreadable ({e})") from None
        check_report(report, LOAD_SCHEMA, str(report_path))
        module = parse_module(
            read_ir_text(directory / IR_FILE), str(directory / IR_FILE)
        )
        quant_path = directory / QUANT_IR_FILE
        quantized = (
            parse_module(read_ir_text(quant_path), str(quant_path))
            if quant_path.is_file()
            else None
        )
        check_rdram_layout(module, str(directory / IR_FILE))
        program = build_rsp_program(module)
        dmem = {
            layer["layer"]: layer.get("dmem_bytes", 0)
            for layer in report.get("layers", [])
        }
        return cls(
            name=str(report.get("model", directory.name)),
            module=module,
            quantized=quantized,
            imported=None,
            program=program,
            dmem_use=dmem,
            memory=str(report.get("memory", {}).get("budget", "4MiB")),
            _report=report,
        )


def _ucode_modules(module: ModuleOp) -> dict[str, ModuleOp]:
    return {
        op.sym_name.data: op
        for op in module.ops
        if isinstance(op, ModuleOp) and op.sym_name is not None
    }


# ---------------------------------------------------------------------------
# Compiling
# ---------------------------------------------------------------------------


def compile(  # noqa: A001 - the public name of the API
    model: str | Path | Any,
    calibration: str | Path | np.ndarray | Mapping[str, np.ndarray] | None = None,
    memory: str = "4MiB",
    *,
    percentile: float = 100.0,
    progress: Progress | None = None,
    passes: Sequence[ModulePass] | None = None,
    name: str | None = None,
    weights: str = "rdram",
) -> CompiledModel:
    """Compile a model for the N64: an ONNX model (path or
    `onnx.ModelProto`), or IR at any stage of the flow (an `.mlir` path or a
    module: imported, quantised, tiled, allocated, ...), which continues
    from where it stands.

    `calibration`: a `.npy` / `.npz` path, an array (one-input models) or a
    dict keyed by input name, each with a leading batch axis; None uses a
    synthetic batch. `memory`: the RDRAM budget, ``4MiB`` or ``8MiB``.
    `passes`: the pass instances to run (default:
    :func:`n64c.default_pipeline` for `memory` and `percentile`); a list
    edited from the default pipeline runs the user's own passes between
    n64c's. `progress` is called with the name of each stage as it starts.
    `name` names the model in the report (default: from the file name).
    `weights`: ``rdram`` (the weights blob in the RDRAM arena) or ``rom``
    (it stays in the cartridge; each layer's weights are streamed into a
    double-buffered staging area, see :mod:`n64c.weights_placement`).
    """
    from n64c.backend.rsp_program import build_rsp_program
    from n64c.passes.plan_rdram import MIB, PlanRdramPass, parse_memory
    from n64c.pipeline import (
        GRAPH,
        LOWERED,
        continue_pipeline,
        default_pipeline,
        detect_stage,
        pipeline_text,
        run_pipeline,
    )

    step = progress or _no_progress
    parse_memory(memory)
    if passes is None:
        passes = default_pipeline(memory=memory, percentile=percentile, weights=weights)
    else:
        passes = list(passes)
        planners = [p for p in passes if isinstance(p, PlanRdramPass)]
        if planners:  # the report's budget is the one the pipeline planned for
            memory = planners[-1].memory
    step("import")
    model_name, imported = _import(model)
    name = name or model_name
    stage = detect_stage(imported)
    module = imported.clone()
    todo = continue_pipeline(stage, passes)
    calib = dict(calibration) if isinstance(calibration, Mapping) else calibration
    run = run_pipeline(
        module,
        todo,
        ir_context(),
        calibration=calib,
        progress=lambda p: _pass_step(step, p),
    )
    if detect_stage(module).rank < LOWERED.rank:
        if run.stage.rank < LOWERED.rank:
            raise N64cError(
                f"{name}: the pipeline ({pipeline_text(todo)}) leaves the IR at "
                f"stage {run.stage.describe()}; code generation needs it lowered "
                "to rsp (lower-to-rsp and the passes before it)"
            )
        layers = _cpu_layers(module)
        raise UnsupportedModelError(
            f"{name}: no layer of the model runs on the RSP, so there is "
            "nothing to compile for it "
            + (
                f"(its layers all stay on the CPU: {', '.join(layers)}; "
                "docs/rsp-kernels.md lists what runs on the RSP)"
                if layers
                else "(it computes nothing from its inputs)"
            )
        )
    quantized = run.quantized
    dmem_use = run.dmem_use
    step("encode")
    program = build_rsp_program(module, measure=False)
    step("count cycles")
    program.measure()
    compiled = CompiledModel(
        name=name,
        module=module,
        quantized=quantized,
        imported=imported if stage is GRAPH else None,
        program=program,
        dmem_use=dmem_use,
        memory=memory,
    )
    step("emit C")
    _ = compiled.sources
    planners = [p for p in passes if isinstance(p, PlanRdramPass)]
    check_rdram_total(compiled, planners[-1].reserve if planners else MIB)
    return compiled


def check_rdram_total(cm: CompiledModel, reserve: int) -> None:
    """The whole program's RDRAM data must fit the budget less `reserve`
    (the rule `plan-rdram` applies to the arena alone): the arena plus the
    CPU ops' buffers and constants, which only the C back end knows."""
    from n64c.passes.plan_rdram import parse_memory

    budget = parse_memory(cm.memory) - reserve
    layout = cm.program.layout
    arena = (layout.total_size + 15) // 16 * 16
    scratch = cm.sources.cpu_buffer_bytes
    constants = cm.sources.cpu_constant_bytes
    total = arena + scratch + constants
    if total > budget:
        raise BudgetError(
            f"{cm.name}: RDRAM budget of {cm.memory} ({budget} bytes after "
            f"reserving {reserve}) exceeded by {total - budget} bytes: the RSP "
            f"arena takes {arena}, the CPU ops' buffers {scratch} and their "
            f"constants {constants}"
            + (
                " (--weights rom keeps the RSP weights in the cartridge)"
                if layout.weights_in != "rom" and layout.weights_size
                else ""
            )
        )


PASS_STEPS: dict[str, str | None] = {
    "n64-cleanup": "clean-up",
    "quantize-int16": "quantize",
    "tile-for-dmem": "tile",
    "allocate-dmem": None,  # part of "tile"
    "plan-rdram": "plan RDRAM",
    "lower-to-rsp": "lower to RSP",
    "rsp-allocate-registers": "allocate registers",
    "rsp-schedule": "schedule",
}
"""Progress labels of the default passes; other passes show their name."""


def _pass_step(step: Progress, pass_name: str) -> None:
    label = PASS_STEPS.get(pass_name, pass_name)
    if label is not None:
        step(label)


def _cpu_layers(module: ModuleOp) -> list[str]:
    """The distinct layer ops of `@main`, in order (no constants, no
    quantize/dequantize at the boundary)."""
    from n64c.sim.float_engine import find_main

    boundary = ("func.return", "n64.constant", "n64.quantize", "n64.dequantize")
    names = [op.name for op in find_main(module).body.block.ops]
    return list(dict.fromkeys(n for n in names if n not in boundary))


def _import(model: Any) -> tuple[str, ModuleOp]:
    if isinstance(model, ModuleOp):
        from n64c.pipeline import check_module_form

        check_module_form(model, "module")
        return "module", model.clone()
    if isinstance(model, str | Path):
        from n64c.frontend.onnx import import_onnx

        path = Path(model)
        if not path.is_file():
            raise InvalidInputError(f"{path}: no such model file")
        if path.suffix == ".mlir":
            from n64c.pipeline import load_ir

            return path.name, load_ir(path)
        return path.name, import_onnx(path)
    try:
        import onnx
    except ImportError:  # pragma: no cover - onnx is a dependency
        onnx = None  # type: ignore[assignment]
    if onnx is not None and isinstance(model, onnx.ModelProto):
        from n64c.frontend.onnx import import_onnx_model

        return (model.graph.name or "model"), import_onnx_model(model)
    raise InvalidInputError(
        f"cannot compile a {type(model).__name__}: give an .onnx path, an "
        "onnx.ModelProto or an imported module"
    )
