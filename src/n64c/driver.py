"""The `n64c run` flow: load inputs, run an engine, compare, save.

Engines: `float` (reference interpreter of the imported graph), `int` (golden
integer model of the quantised graph), `sim` (generated RSP code on the
simulator), `z64` (generated RSP code on the real RSP core), `native`
(the generated C built for the host, each RSP run on the z64 core) and
`mupen64plus` (the whole program, CPU and RSP, as a ROM on the emulator).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from n64c.errors import InvalidInputError, N64cError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from xdsl.dialects.builtin import ModuleOp
    from xdsl.passes import ModulePass

ENGINES = ("float", "int", "sim", "z64", "native", "mupen64plus")


def load_arrays(path: Path, names: list[str], what: str) -> dict[str, np.ndarray]:
    """Read `.npy` (one input) or `.npz` (keyed by input name)."""
    from n64c.sim.calibration import read_arrays

    path = Path(path)
    data = read_arrays(path, what)
    if isinstance(data, np.ndarray):
        if len(names) != 1:
            raise InvalidInputError(
                f"{path}: the model has {len(names)} inputs "
                f"({', '.join(names)}); give an .npz keyed by input name"
            )
        return {names[0]: data}
    missing = [n for n in names if n not in data]
    if missing:
        raise InvalidInputError(
            f"{path}: no array for input(s) {', '.join(missing)} "
            f"(the file has: {', '.join(data) or 'nothing'})"
        )
    return {n: data[n] for n in names}


def save_arrays(path: Path, outputs: dict[str, np.ndarray]) -> None:
    """Write one output as `.npy`, several as `.npz` keyed by output name."""
    import io

    from n64c.tools.cli_common import write_atomically

    buf = io.BytesIO()
    if str(path).endswith(".npz"):
        arrays: dict[str, Any] = dict(outputs)  # keyword names are output names
        np.savez(buf, **arrays)
    elif len(outputs) == 1:
        np.save(buf, next(iter(outputs.values())))
    else:
        raise InvalidInputError(
            f"{path}: the model has {len(outputs)} outputs; use a .npz file name"
        )
    write_atomically(Path(path), buf.getvalue())


def run_onnxruntime(
    model_path: Path,
    inputs: dict[str, np.ndarray],
    arg_shapes: dict[str, tuple[int, ...]],
) -> dict[str, np.ndarray]:
    """Reference outputs from onnxruntime, one sample at a time if batched."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise N64cError(
            "--reference needs onnxruntime (pip install onnxruntime)"
        ) from None

    def failed(e: Exception) -> N64cError:
        reason = " ".join(str(e).split())
        return N64cError(f"{model_path}: onnxruntime cannot run it ({reason})")

    try:
        session = ort.InferenceSession(
            str(model_path), providers=["CPUExecutionProvider"]
        )
    except Exception as e:  # onnxruntime's own error types
        raise failed(e) from None
    out_names = [o.name for o in session.get_outputs()]

    def run(feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        try:
            return [np.asarray(r) for r in session.run(out_names, feed)]
        except Exception as e:  # onnxruntime's own error types
            raise failed(e) from None

    first = next(iter(inputs))
    batched = inputs[first].ndim == len(arg_shapes[first]) + 1
    if not batched:
        res = run({k: v.astype(np.float32) for k, v in inputs.items()})
        return dict(zip(out_names, res, strict=True))
    per_sample: list[list[np.ndarray]] = []
    for i in range(inputs[first].shape[0]):
        feed = {k: v[i].astype(np.float32) for k, v in inputs.items()}
        per_sample.append(run(feed))
    return {
        name: np.stack([s[j] for s in per_sample]) for j, name in enumerate(out_names)
    }


def compare_summary(ours: np.ndarray, ref: np.ndarray) -> str:
    """One line: max abs error, SQNR, and top-1 agreement for class scores."""
    ours = ours.astype(np.float64)
    ref = ref.astype(np.float64)
    err = np.abs(ours - ref)
    noise = float(np.sum((ours - ref) ** 2))
    signal = float(np.sum(ref**2))
    sqnr = "inf" if noise == 0 else f"{10 * np.log10(signal / noise):.1f} dB"
    parts = [f"max abs error {err.max():.3g}", f"SQNR {sqnr}"]
    if ref.ndim >= 1 and ref.shape[-1] > 1:
        flat_o = ours.reshape(-1, ref.shape[-1])
        flat_r = ref.reshape(-1, ref.shape[-1])
        agree = float(np.mean(flat_o.argmax(-1) == flat_r.argmax(-1)))
        parts.append(f"top-1 agreement {100 * agree:.1f}% of {flat_r.shape[0]}")
    return ", ".join(parts)


def _is_class_scores(value: np.ndarray) -> bool:
    return (
        value.ndim >= 1 and value.shape[-1] > 1 and value.size // value.shape[-1] >= 1
    )


def format_output(
    name: str, value: np.ndarray, engine: str, ref: np.ndarray | None, rows: int = 16
) -> str:
    """Human-readable result: a per-sample table of the top class for class
    scores (beside onnxruntime's when given), else the array itself; then the
    comparison summary."""
    lines = [f"{name}: shape {value.shape}, engine {engine}"]
    if _is_class_scores(value) and value.ndim <= 3:
        flat = value.reshape(-1, value.shape[-1])
        flat_ref = None if ref is None else ref.reshape(-1, ref.shape[-1])
        header = f"  {'sample':>6}  {engine + ' top-1':>14}"
        if flat_ref is not None:
            header += f"  {'onnxruntime top-1':>18}"
        lines.append(header)
        for i in range(min(rows, flat.shape[0])):
            k = int(flat[i].argmax())
            row = f"  {i:>6}  {k:>5} ({flat[i, k]:7.4f})"
            if flat_ref is not None:
                kr = int(flat_ref[i].argmax())
                row += f"  {kr:>9} ({flat_ref[i, kr]:7.4f})"
                row += "" if k == kr else "  <- differs"
            lines.append(row)
        if flat.shape[0] > rows:
            lines.append(f"  ... {flat.shape[0] - rows} more samples")
    else:
        lines.append(
            np.array2string(value, precision=4, suppress_small=True, threshold=80)
        )
        if ref is not None:
            lines.append("onnxruntime:")
            lines.append(
                np.array2string(ref, precision=4, suppress_small=True, threshold=80)
            )
    if ref is not None:
        lines.append(f"  {engine} vs onnxruntime: {compare_summary(value, ref)}")
    return "\n".join(lines)


def run_cli(
    model: Path,
    input_path: Path,
    output: Path | None,
    engine: str,
    calibration: Path | None,
    reference: bool,
    layers: bool = False,
    pipeline: str | None = None,
) -> None:
    import typer

    if engine not in ENGINES:
        raise N64cError(f"unknown engine '{engine}' (choose from {', '.join(ENGINES)})")
    model = Path(model)
    graph: ModuleOp | None = None  # the float graph, for --layers
    if output is not None:
        from n64c.tools.cli_common import check_output_file

        inputs = [input_path, model] + ([calibration] if calibration else [])
        check_output_file(output, *inputs)
    if model.is_dir():
        if pipeline is not None:
            raise N64cError(
                "--pipeline applies to an .onnx model or .mlir IR; a compiled "
                "directory has been through its pipeline already"
            )
        if reference or layers:
            flag = "--reference" if reference else "--layers"
            raise N64cError(f"{flag} needs the .onnx model, not a compiled directory")
        if calibration is not None:
            raise N64cError(
                "--calibration applies to an .onnx model; a compiled directory "
                "is quantised already (compile it again to recalibrate)"
            )
        from n64c.api import CompiledModel

        compiled = CompiledModel.load(model)
        names = compiled.input_names
        inputs = load_arrays(input_path, names, "input")
        outputs = compiled.run_dict(inputs, engine)
        cycles = compiled.last_cycles
        _print_emulator_run(compiled)
        warning = _warning(compiled.quantized, inputs, engine)
        arg_shapes: dict[str, tuple[int, ...]] = {}
    elif model.suffix == ".mlir":  # IR at any stage of the flow
        from n64c.tools.cli_pipeline import run_ir

        if reference:
            raise N64cError("--reference needs the .onnx model, not IR")
        ir = run_ir(model, input_path, engine, calibration, layers, pipeline)
        module = graph = ir.module  # run_ir refuses --layers on quantised IR
        inputs, outputs = ir.inputs, ir.outputs
        cycles, warning, arg_shapes = ir.cycles, ir.warning, {}
    else:
        from n64c.frontend.onnx import import_onnx
        from n64c.sim.float_engine import find_main, input_names, static_shape

        module = graph = import_onnx(model)
        main = find_main(module)
        names = input_names(main)
        arg_shapes = {
            n: static_shape(arg) for n, arg in zip(names, main.args, strict=True)
        }
        inputs = load_arrays(input_path, names, "input")
        passes = None
        if pipeline is not None:
            from n64c.pipeline import parse_pipeline

            passes = parse_pipeline(pipeline)
        outputs, cycles, warning = run_engine(
            module, inputs, engine, calibration, passes
        )
    ref = run_onnxruntime(model, inputs, arg_shapes) if reference else {}
    for name, value in outputs.items():
        typer.echo(format_output(name, value, engine, ref.get(name)))
    if cycles is not None:
        typer.echo(f"RSP cycles per inference: {cycles}")
    if warning is not None:
        typer.echo(warning, err=True)
    if layers and graph is not None:
        from n64c.sim.layer_report import (
            format_layer_report,
            layer_report,
            layer_report_of_pipeline,
        )

        if pipeline is None:
            rows = layer_report(graph, inputs, calibration)
        else:
            from n64c.pipeline import parse_pipeline

            passes = parse_pipeline(pipeline)
            rows = layer_report_of_pipeline(graph, inputs, calibration, passes)
        typer.echo("")
        typer.echo("int16 layers against the float model on these inputs:")
        typer.echo(format_layer_report(rows))
    if output is not None:
        save_arrays(output, outputs)
        typer.echo(f"wrote {output}")


def _print_emulator_run(compiled: Any) -> None:
    """The ROM size, Count and wall time of a `mupen64plus` run, if any."""
    import typer

    run = compiled.last_emulator_run
    if run is not None:
        typer.echo(
            f"mupen64plus: ROM {run.rom_bytes // 1024} KiB, "
            f"{run.count_per_inference} CP0 Count ticks per inference "
            f"(emulator counts, not a timing), {run.seconds:.2f} s wall time"
        )


def _warning(
    quantized: ModuleOp | None, inputs: dict[str, np.ndarray], engine: str
) -> str | None:
    """The golden model's warning about wrapped or saturated int16 values on
    `inputs` (what every int16 engine computes bit for bit), if any."""
    if quantized is None or engine == "float":
        return None
    from n64c.sim.layer_report import overflow_warning

    return overflow_warning(quantized, inputs)


def run_engine(
    module: ModuleOp,
    inputs: dict[str, np.ndarray],
    engine: str,
    calibration: Path | None,
    passes: Sequence[ModulePass] | None = None,
) -> tuple[dict[str, np.ndarray], int | None, str | None]:
    """Run `module` (as imported) on `engine`; returns outputs, for `sim` the
    cycles per inference, and a warning when int16 values wrapped or
    saturated on these inputs. `passes` (a pipeline; default: the default
    flow) is what the int16 engines compile through: `int` runs its part up
    to tiling (:func:`n64c.pipeline.quantised_part`), the RSP engines all of
    it."""
    if engine == "float" and passes is not None:
        raise N64cError(
            "the float engine runs the imported graph (the reference); "
            "--pipeline applies to the int and RSP engines"
        )
    if engine == "int" and passes is not None:
        return _run_int_pipeline(module, inputs, calibration, passes)
    if engine == "float":
        from n64c.sim.float_engine import run_float

        return run_float(module, inputs), None, None
    if engine == "int":
        from n64c.ir_io import ir_context
        from n64c.passes.n64_cleanup import N64CleanupPass
        from n64c.passes.quantize_int16 import quantize_int16
        from n64c.sim.int_engine import run_int_checked
        from n64c.sim.layer_report import describe_overflow

        quantized = module.clone()
        N64CleanupPass().apply(ir_context(), quantized)
        quantize_int16(quantized, calibration)
        outputs, overflow = run_int_checked(quantized, inputs)
        return outputs, None, describe_overflow(quantized, overflow)
    if engine in ("sim", "z64", "native", "mupen64plus"):
        from n64c.api import compile

        compiled = compile(module, calibration=calibration, passes=passes)
        outputs = compiled.run_dict(inputs, engine)
        _print_emulator_run(compiled)
        warning = _warning(compiled.quantized, inputs, engine)
        return outputs, compiled.last_cycles, warning
    raise N64cError(f"engine '{engine}' is not available in this build")


def _run_int_pipeline(
    module: ModuleOp,
    inputs: dict[str, np.ndarray],
    calibration: Path | None,
    passes: Sequence[ModulePass],
) -> tuple[dict[str, np.ndarray], int | None, str | None]:
    """The golden model of `module` taken through the part of `passes` that
    works on the float and the quantised graph."""
    from n64c.ir_io import ir_context
    from n64c.pipeline import (
        QUANTISED,
        continue_pipeline,
        detect_stage,
        pipeline_text,
        quantised_part,
        run_pipeline,
    )
    from n64c.sim.int_engine import run_int_checked
    from n64c.sim.layer_report import describe_overflow

    quantized = module.clone()
    front = quantised_part(continue_pipeline(detect_stage(quantized), passes))
    stage = run_pipeline(quantized, front, ir_context(), calibration=calibration).stage
    if stage is not QUANTISED:
        raise N64cError(
            f"the int engine runs the quantised graph; {pipeline_text(front)} "
            f"leaves the IR at stage {stage.describe()}"
        )
    outputs, overflow = run_int_checked(quantized, inputs)
    return outputs, None, describe_overflow(quantized, overflow)
