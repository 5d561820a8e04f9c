"""Pass pipelines as lists of pass instances, and the stages of the IR.

The default flow is eight passes (:data:`DEFAULT_PASS_NAMES`);
:func:`default_pipeline` returns them as pass instances, a list to edit
before handing it to ``n64c.compile(model, passes=...)``:

    >>> passes = n64c.default_pipeline()                  # doctest: +SKIP
    >>> i = pipeline_index(passes, "quantize-int16")      # doctest: +SKIP
    >>> passes.insert(i + 1, MyPass())                    # doctest: +SKIP

Passes named in a pipeline text (``n64c compile --pipeline``) are looked up
in every `xdsl.universe` entry point, so a researcher's own package adds
passes and dialects without any change to n64c.

IR is at one of the :data:`STAGES` (:func:`detect_stage`): a module saved
after any pass of the flow continues from there (:func:`continue_pipeline`).
:func:`run_pipeline` runs passes with checks between them: a pass that leaves
the IR invalid, or a pass of n64c's flow given IR at the wrong stage, is one
:class:`~n64c.errors.N64cError` naming the pass, the op and the invariant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from n64c.errors import InvalidInputError, N64cError

DEFAULT_PASS_NAMES: tuple[str, ...] = (
    "n64-cleanup",
    "quantize-int16",
    "tile-for-dmem",
    "allocate-dmem",
    "plan-rdram",
    "lower-to-rsp",
    "rsp-allocate-registers",
    "rsp-schedule",
)
"""The passes of the default flow, in order (what `n64-compile` runs)."""


@dataclass(frozen=True)
class Stage:
    """A point of the flow that IR can be saved at and continued from."""

    name: str
    """Short name, as printed (``graph``, ``quantised``, ...)."""
    after: str | None
    """The last pass of the default flow that the IR has been through."""
    rank: int
    """Position in the flow (0: graph)."""

    def describe(self) -> str:
        """``'tiled' (after tile-for-dmem)``."""
        after = "imported" if self.after is None else f"after {self.after}"
        return f"'{self.name}' ({after})"


GRAPH = Stage("graph", None, 0)
QUANTISED = Stage("quantised", "quantize-int16", 1)
TILED = Stage("tiled", "tile-for-dmem", 2)
DMEM_ALLOCATED = Stage("allocated", "allocate-dmem", 3)
RDRAM_PLANNED = Stage("planned", "plan-rdram", 4)
LOWERED = Stage("lowered", "lower-to-rsp", 5)
REGISTERS = Stage("registers", "rsp-allocate-registers", 6)

STAGES: tuple[Stage, ...] = (
    GRAPH,
    QUANTISED,
    TILED,
    DMEM_ALLOCATED,
    RDRAM_PLANNED,
    LOWERED,
    REGISTERS,
)
"""Every stage, in the order of the flow. `registers` is also the final
stage: `rsp-schedule` keeps it (and leaves a program it has scheduled,
marked `rsp.scheduled`, as it is when run again)."""

PASS_INPUT_STAGES: dict[str, tuple[Stage, ...]] = {
    "fold-batchnorm": (GRAPH,),
    "fuse-activation": (GRAPH,),
    "canonicalize-reshapes": (GRAPH,),
    "n64-cleanup": (GRAPH,),
    "quantize-int16": (GRAPH,),
    "tile-for-dmem": (QUANTISED,),
    "allocate-dmem": (TILED,),
    "plan-rdram": (DMEM_ALLOCATED,),
    "lower-to-rsp": (RDRAM_PLANNED,),
    "rsp-allocate-registers": (LOWERED,),
    "rsp-schedule": (LOWERED, REGISTERS),
}
"""The stages n64c's own passes accept as input."""

PASS_OUTPUT_STAGES: dict[str, Stage] = {
    s.after: s for s in STAGES if s.after is not None
} | {"rsp-schedule": REGISTERS}
"""The stage each pass of the default flow takes IR to. A model with no
layer for the RSP keeps the look of an earlier stage (no int16 or tile op
in it); having run the pass is what counts."""

# ---------------------------------------------------------------------------
# Building pipelines
# ---------------------------------------------------------------------------


def default_pipeline(
    *,
    memory: str = "4MiB",
    percentile: float = 100.0,
    calibration: str | None = None,
    weights: str = "rdram",
) -> list[ModulePass]:
    """The default flow as a list of pass instances (a new list each call).

    `memory` and `weights` (``rdram`` or ``rom``: the weights in the
    cartridge, streamed layer by layer) configure `plan-rdram`; `percentile` and `calibration` (a
    `.npy` / `.npz` path) configure `quantize-int16`. Without a calibration
    path, ``n64c.compile(..., calibration=...)`` feeds its calibration data
    to the pipeline's `quantize-int16`.
    """
    from n64c.passes.allocate_dmem import AllocateDmemPass
    from n64c.passes.lower_to_rsp import LowerToRspPass
    from n64c.passes.n64_cleanup import N64CleanupPass
    from n64c.passes.plan_rdram import (
        PlanRdramPass,
        check_weights_placement,
        parse_memory,
    )
    from n64c.passes.quantize_int16 import QuantizeInt16Pass
    from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
    from n64c.passes.rsp_schedule import RspSchedulePass
    from n64c.passes.tile_for_dmem import TileForDmemPass

    parse_memory(memory)
    check_weights_placement(weights)
    return [
        N64CleanupPass(),
        QuantizeInt16Pass(calibration=calibration, percentile=percentile),
        TileForDmemPass(),
        AllocateDmemPass(),
        PlanRdramPass(memory=memory, weights=weights),
        LowerToRspPass(),
        RspAllocateRegistersPass(),
        RspSchedulePass(),
    ]


def pipeline_index(passes: Sequence[ModulePass], name: str) -> int:
    """The position of the (last) pass called `name` in `passes`."""
    for i in range(len(passes) - 1, -1, -1):
        if passes[i].name == name:
            return i
    raise N64cError(
        f"the pipeline has no '{name}' pass (it runs: {pipeline_text(passes)})"
    )


def pipeline_text(passes: Sequence[ModulePass]) -> str:
    """The pipeline in `-p` syntax (options that differ from the defaults)."""
    return ",".join(str(p.pipeline_pass_spec()) for p in passes) or "(no passes)"


def available_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Every registered pass: xDSL's, n64c's and those of every package with
    an `xdsl.universe` entry point."""
    from xdsl.universe import Universe

    from n64c.universe import N64C_UNIVERSE, check_plugin_universes

    check_plugin_universes()
    passes = dict(Universe.get_multiverse().all_passes)
    passes.update(N64C_UNIVERSE.all_passes)
    return passes


def parse_pipeline(text: str) -> list[ModulePass]:
    """Pass instances from a pipeline text (`n64-opt -p` syntax), looked up
    in every universe. An empty text or `default` gives the default flow."""
    from xdsl.passes import PassPipeline
    from xdsl.utils.exceptions import ArgSpecParseError

    text = text.strip()
    if text in ("", "default"):
        return default_pipeline()
    try:
        pipeline = PassPipeline.parse_spec(available_passes(), text)
    except ArgSpecParseError as e:  # its text: a header, the spec, ^^^ and why
        reason = str(e).strip().splitlines()[-1].strip(" ^") or "syntax error"
        raise InvalidInputError(f"pass pipeline '{text}': {reason}") from None
    except ValueError as e:
        raise InvalidInputError(f"pass pipeline '{text}': {e}") from None
    except Exception as e:  # an out-of-tree pass that fails to load
        raise N64cError(
            f"pass pipeline '{text}': a pass failed to load "
            f"({type(e).__name__}: {_first_line(e)})"
        ) from None
    return list(pipeline.passes)


def quantised_part(passes: Sequence[ModulePass]) -> list[ModulePass]:
    """The passes of `passes` that work on the float and the quantised
    graph: those before the first of n64c's passes that takes the IR past
    the `quantised` stage (`tile-for-dmem` in the default flow). What the
    golden integer model and the per-layer report run."""
    for i, pass_ in enumerate(passes):
        out = PASS_OUTPUT_STAGES.get(pass_.name)
        if _is_n64c_pass(pass_) and out is not None and out.rank > QUANTISED.rank:
            return list(passes[:i])
    return list(passes)


# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------


def _registers_virtual(op: Operation) -> bool:
    from xdsl.backend.register_type import RegisterType

    for result in op.results:
        typ = result.type
        if isinstance(typ, RegisterType):
            name = typ.register_name.data
            if not name or name.startswith(typ.infinite_register_prefix()):
                return True
    return False


def detect_stage(module: ModuleOp) -> Stage:
    """The stage `module` is at, from the ops and attributes in it."""
    from n64c.dialects.n64_tile import DmemAllocOp

    if "n64.rdram_layout" in module.attributes:
        rsp = [op for op in module.walk() if op.name.startswith("rsp.")]
        if not rsp:
            return RDRAM_PLANNED
        return LOWERED if any(_registers_virtual(op) for op in rsp) else REGISTERS
    quantised = False
    allocs: list[DmemAllocOp] = []
    for op in module.walk():
        if isinstance(op, DmemAllocOp) and op.init is None:
            allocs.append(op)  # constant vectors never get an offset
        elif type(op).__module__ == "n64c.dialects.n64_quant":
            quantised = True
    if allocs:
        return DMEM_ALLOCATED if all(a.offset is not None for a in allocs) else TILED
    return QUANTISED if quantised else GRAPH


def check_module_form(module: ModuleOp, source: str) -> None:
    """`module` holds a `@main` function (what every stage needs)."""
    from xdsl.dialects.func import FuncOp

    for op in module.ops:
        if isinstance(op, FuncOp) and op.sym_name.data == "main":
            return
    raise InvalidInputError(
        f"{source}: no func.func @main in the module; n64c continues IR "
        "imported from an ONNX model (n64-opt MODEL.onnx ...)"
    )


def continue_pipeline(stage: Stage, passes: Sequence[ModulePass]) -> list[ModulePass]:
    """The passes of `passes` that IR at `stage` still needs: those after the
    pass that produced the stage."""
    if stage.after is None:
        return list(passes)
    names = [p.name for p in passes]
    if stage.after not in names:
        raise N64cError(
            f"the IR is at stage {stage.describe()}, but the pipeline has no "
            f"'{stage.after}' pass to continue after ({pipeline_text(passes)})"
        )
    return list(passes[pipeline_index(passes, stage.after) + 1 :])


def load_ir(path: Path) -> ModuleOp:
    """Parse and verify the `.mlir` file `path`, with every registered
    dialect (n64c's and those of `xdsl.universe` entry points)."""
    from n64c.ir_io import parse_module, read_ir_text

    module = parse_module(read_ir_text(path), str(path))
    check_module_form(module, str(path))
    return module


def stage_line(source: str, stage: Stage, passes: Sequence[ModulePass]) -> str:
    """The one-line notice of the commands that continue IR."""
    todo = continue_pipeline(stage, passes)
    if stage.after is None:
        rest = "running the whole flow"
    elif todo:
        rest = "continuing with " + ", ".join(p.name for p in todo)
    else:
        rest = "no passes left to run"
    return f"n64c: {source}: IR at stage {stage.describe()}; {rest}"


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _describe_op(op: Operation) -> str:
    """`n64.gemm (%3, in @main)`: the op's name, first result and function."""
    from xdsl.dialects.func import FuncOp

    where = []
    if op.results:
        hint = op.results[0].name_hint
        where.append(f"%{hint}" if hint else "result #0")
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, FuncOp):
        parent = parent.parent_op()
    if isinstance(parent, FuncOp):
        where.append(f"in @{parent.sym_name.data}")
    return f"{op.name} ({', '.join(where)})" if where else op.name


def find_invalid_op(module: ModuleOp) -> tuple[Operation, str] | None:
    """The first op of `module` (in walk order) that breaks an invariant of
    its own, and the invariant; None if the module verifies."""
    from xdsl.utils.exceptions import DiagnosticException

    for op in module.walk():
        try:
            op.verify(verify_nested_ops=False)
        except (DiagnosticException, ValueError) as e:
            return op, _invariant(e)
    try:
        module.verify()
    except (DiagnosticException, ValueError) as e:
        return module, _invariant(e)
    return None


def _invariant(error: BaseException) -> str:
    text = _first_line(error)
    prefix = "Operation does not verify: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def verify_after(pass_name: str, module: ModuleOp) -> None:
    """Raise an `N64cError` naming `pass_name`, the op and the broken
    invariant if `module` does not verify."""
    bad = find_invalid_op(module)
    if bad is not None:
        op, invariant = bad
        raise N64cError(
            f"pass '{pass_name}' left the IR invalid: {_describe_op(op)}: {invariant}"
        )


def check_input_stage(pass_: ModulePass, stage: Stage) -> None:
    """A pass of n64c's flow accepts IR at its own input stages only."""
    accepted = PASS_INPUT_STAGES.get(pass_.name)
    if accepted is None or stage in accepted or not _is_n64c_pass(pass_):
        return
    wanted = " or ".join(f"'{s.name}'" for s in accepted)
    before = accepted[0].after
    hint = (
        f"; run {before} before it" if before and stage.rank < accepted[0].rank else ""
    )
    raise N64cError(
        f"pass '{pass_.name}' needs IR at stage {wanted}, but the IR is at "
        f"stage {stage.describe()}{hint}"
    )


def _is_n64c_pass(pass_: ModulePass) -> bool:
    return type(pass_).__module__.startswith("n64c.")


@dataclass
class PipelineRun:
    """What :func:`run_pipeline` saw on the way: the snapshots the compiled
    model keeps."""

    stage: Stage
    """The stage of the module at the end."""
    quantized: ModuleOp | None = None
    """A copy of the module at the `quantised` stage, after the last pass
    that left it there (a pass of the user's own on the quantised graph
    included): what the golden integer model runs."""
    dmem_use: dict[str, int] = field(default_factory=dict)
    """Peak DMEM bytes per layer, once DMEM offsets were assigned."""
    ran: list[str] = field(default_factory=list)
    """The names of the passes that ran."""


def run_pipeline(
    module: ModuleOp,
    passes: Sequence[ModulePass],
    ctx: Context,
    *,
    calibration: Any = None,
    progress: Callable[[str], None] | None = None,
) -> PipelineRun:
    """Run `passes` on `module` in place, checking the IR between passes.

    `calibration` (path, array or dict of arrays) goes to each
    `quantize-int16` of n64c that names no calibration file of its own.
    `progress` is called with the label of each pass as it starts.
    """
    from n64c.report import dmem_use

    stage = detect_stage(module)
    run = PipelineRun(stage)
    if stage is QUANTISED:
        run.quantized = module.clone()
    if stage in (DMEM_ALLOCATED, RDRAM_PLANNED):
        run.dmem_use = dmem_use(module)
    for pass_ in passes:
        check_input_stage(pass_, stage)
        if progress is not None:
            progress(pass_.name)
        _apply(pass_, ctx, module, calibration)
        run.ran.append(pass_.name)
        if not _is_n64c_pass(pass_):  # n64c's own passes keep the IR valid
            verify_after(pass_.name, module)
        stage = detect_stage(module)
        nominal = PASS_OUTPUT_STAGES.get(pass_.name)
        if nominal is not None and _is_n64c_pass(pass_) and nominal.rank > stage.rank:
            stage = nominal
        if stage is QUANTISED:  # after the last pass on the quantised graph
            run.quantized = module.clone()
        if stage in (DMEM_ALLOCATED, RDRAM_PLANNED):
            run.dmem_use = dmem_use(module)
    run.stage = stage
    return run


def _apply(pass_: ModulePass, ctx: Context, module: ModuleOp, calibration: Any) -> None:
    from xdsl.utils.exceptions import DiagnosticException

    from n64c.passes.quantize_int16 import QuantizeInt16Pass, quantize_int16

    try:
        if (
            isinstance(pass_, QuantizeInt16Pass)
            and pass_.calibration is None
            and calibration is not None
        ):
            quantize_int16(
                module,
                calibration,
                float(pass_.percentile),
                float(pass_.headroom),
                None if pass_.margin is None else float(pass_.margin),
            )
        else:
            pass_.apply(ctx, module)
    except N64cError:
        raise
    except DiagnosticException as e:
        raise N64cError(f"pass '{pass_.name}' failed: {_first_line(e)}") from None
    except Exception as e:
        if _is_n64c_pass(pass_):
            raise  # an internal error of n64c: keep the traceback
        raise N64cError(
            f"pass '{pass_.name}' failed: {type(e).__name__}: {_first_line(e)}"
        ) from None
