"""Everything needed to run a compiled network: `build_rsp_program`.

After `n64-compile` (through `rsp-schedule`) the module holds `func.func
@main` with the ops left for the CPU (e.g. `n64.quantize` at entry,
`n64.dequantize` and `n64.softmax` at the end) and one `n64.rsp_invoke` per
RSP run, plus one nested `builtin.module @ucodeN` per ucode.
`build_rsp_program(module)` encodes the ucodes and gathers the RDRAM
layout, the weights blob and the invocation sequence into an
:class:`RspProgram`; `run_rsp_program` executes it on the simulator (batch
mode) or on the z64 core, with the CPU ops evaluated by the golden model's
implementations.

How the CPU drives one invocation (what the C emitter generates):

1. Allocate one arena of `layout.total_size` bytes (8-byte aligned,
   uncached or written back before the RSP reads it); load `weights` (the
   big-endian blob) at `layout.weights_offset`.
2. Write each input tensor of the invocation at `arena + input_offsets[i]`
   as big-endian int16, rows padded to a multiple of 8 elements (the padding
   values are ignored).
3. Load the ucode's IMEM image and its DMEM image, then write the arena's
   physical address (big-endian u32) at DMEM byte `base_slot`.
4. Start the RSP at PC 0 and wait for `break`.
5. Read each output at `arena + output_offsets[j]` (same padded layout).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    FunctionType,
    IntegerAttr,
    ModuleOp,
    StringAttr,
)
from xdsl.interpreter import (
    Interpreter,
    InterpreterFunctions,
    PythonValues,
    impl,
    register_impls,
)
from xdsl.ir import Operation, SSAValue

from n64c.backend.rsp_emitter import layer_label
from n64c.backend.rsp_encode import RspImage, encode_program
from n64c.dialects.n64_quant import tensor_shape
from n64c.dialects.n64_tile import RspInvokeOp
from n64c.errors import InvalidInputError, N64cError

RDRAM_BASE = 0x1000
"""Where the runners place the arena in the simulated RDRAM (any 8-byte
aligned address works; a non-zero one checks the base-address patching)."""


@dataclass(frozen=True)
class RdramLayout:
    memory: str
    weights_offset: int
    weights_size: int
    """Bytes of the weights blob (in the arena, or in the cartridge)."""
    activations_offset: int
    activations_size: int
    total_size: int
    weights_in: str = "rdram"
    """`rdram`: the blob lies in the arena at `weights_offset`; `rom`: it
    stays in the cartridge and each layer's segment is streamed into the
    staging area (plan-rdram `weights=rom`)."""
    staging_offset: int = 0
    staging_size: int = 0
    """The two staging slots (`rom` only; 0 otherwise)."""


@dataclass(frozen=True)
class WeightSegment:
    """One layer's weights streamed from the cartridge: `size` bytes at
    `blob_offset` of the blob, read to `staging_offset` of the arena."""

    layer: str
    blob_offset: int
    size: int
    staging_offset: int


@dataclass(frozen=True)
class TensorSlot:
    """An activation in the arena: `rows x cols` int16, rows padded."""

    offset: int
    shape: tuple[int, ...]

    @property
    def rows(self) -> int:
        return int(np.prod(self.shape[:-1])) if len(self.shape) > 1 else 1

    @property
    def cols(self) -> int:
        return self.shape[-1] if self.shape else 1

    @property
    def padded_cols(self) -> int:
        return (self.cols + 7) // 8 * 8

    @property
    def nbytes(self) -> int:
        return self.rows * self.padded_cols * 2


@dataclass(frozen=True)
class RspInvocation:
    ucode: str
    layers: tuple[str, ...]
    inputs: tuple[TensorSlot, ...]
    outputs: tuple[TensorSlot, ...]
    base_slot: int
    macs: int
    layer_macs: tuple[int, ...]
    cycles: int
    """Cycles of one run on the simulator's cycle model (0 if not measured)."""
    layer_cycles: tuple[int, ...] = ()
    """Cycles of each layer within that run: from the first cycle of the
    layer's code to the first cycle of the next layer's (the last layer ends
    with the run); they add up to `cycles`. Empty if not measured."""
    segment: int | None = None
    """Index in `RspProgram.segments` of the weights this run reads from
    the staging area (weights in the cartridge only)."""


@dataclass
class RspProgram:
    """A compiled network, ready to run or to emit as C."""

    module: ModuleOp
    ucodes: dict[str, RspImage]
    weights: bytes
    """The weights blob, big-endian int16, `layout.weights_size` bytes."""
    layout: RdramLayout
    invocations: list[RspInvocation]
    cpu_ops: list[Operation] = field(default_factory=list)
    """The ops of `@main` that stay on the CPU, in program order."""
    segments: list[WeightSegment] = field(default_factory=list)
    """The weight segments streamed from the cartridge, in program order
    (empty when the weights lie in RDRAM)."""

    @property
    def macs(self) -> int:
        return sum(i.macs for i in self.invocations)

    @property
    def cycles(self) -> int:
        return sum(i.cycles for i in self.invocations)

    def measure(self) -> None:
        """Fill the cycles of each invocation and of each of its layers
        (:func:`measure_invocation`; large programs count their runs on two
        processes, :mod:`n64c.backend.parallel_measure`)."""
        from n64c.backend.parallel_measure import map_two_processes, parallel_enabled

        invocations = self.invocations
        work = [max(1, int(inv.macs)) for inv in invocations]
        if parallel_enabled(sum(work), len(invocations)):
            counts = map_two_processes(
                lambda i: measure_invocation(self, invocations[i]), work
            )
        else:
            counts = [measure_invocation(self, inv) for inv in invocations]
        for i, (cycles, layer_cycles) in enumerate(counts):
            self.invocations[i] = replace(
                invocations[i], cycles=cycles, layer_cycles=layer_cycles
            )

    def report(self) -> dict[str, Any]:
        """Per-layer MACs and measured cycles, memory use (JSON-ready)."""
        layers = []
        for inv in self.invocations:
            cycles = inv.layer_cycles or (0,) * len(inv.layers)
            for name, macs, layer_cycles in zip(
                inv.layers, inv.layer_macs, cycles, strict=True
            ):
                layers.append(
                    {
                        "layer": name,
                        "ucode": inv.ucode,
                        "macs": macs,
                        "cycles": layer_cycles,
                    }
                )
        return {
            "rdram": self.layout.__dict__,
            "imem": {name: len(img.imem) for name, img in self.ucodes.items()},
            "dmem": {name: len(img.dmem) for name, img in self.ucodes.items()},
            "layers": layers,
            "macs": self.macs,
            "cycles": self.cycles,
            "macs_per_cycle": self.macs / self.cycles if self.cycles else None,
        }


def _main(module: ModuleOp) -> func.FuncOp:
    for op in module.ops:
        if isinstance(op, func.FuncOp) and op.sym_name.data == "main":
            return op
    raise InvalidInputError("the module has no func.func @main")


def _ints(attr: Any) -> tuple[int, ...]:
    assert isinstance(attr, DenseArrayBase)
    return tuple(int(v) for v in attr.get_values())


def _layout(module: ModuleOp) -> RdramLayout:
    attr = module.attributes.get("n64.rdram_layout")
    if not isinstance(attr, DictionaryAttr):
        raise InvalidInputError("the module has no RDRAM layout: run plan-rdram")
    values: dict[str, Any] = {}
    for key, value in attr.data.items():
        if isinstance(value, IntegerAttr):
            values[key] = value.value.data
        elif isinstance(value, StringAttr):
            values[key] = value.data
    return RdramLayout(**values)


def _segments(module: ModuleOp) -> list[WeightSegment]:
    attr = module.attributes.get("n64.weight_segments")
    if attr is None:
        return []
    segments: list[WeightSegment] = []
    for item in attr.data if isinstance(attr, ArrayAttr) else [None]:
        if not isinstance(item, DictionaryAttr):
            raise InvalidInputError("damaged n64.weight_segments: not dictionaries")
        values: dict[str, Any] = {}
        for key, value in item.data.items():
            if isinstance(value, IntegerAttr):
                values[key] = value.value.data
            elif isinstance(value, StringAttr):
                values[key] = value.data
        try:
            segments.append(WeightSegment(**values))
        except TypeError as e:
            raise InvalidInputError(f"damaged n64.weight_segments ({e})") from None
    return segments


def _assign_segments(
    invocations: list[RspInvocation], segments: list[WeightSegment]
) -> None:
    """Give each run the segment of its layer with weights (segments and
    runs are both in program order; a run holds at most one of them)."""
    index = 0
    for i, inv in enumerate(invocations):
        if index < len(segments) and segments[index].layer in inv.layers:
            invocations[i] = replace(inv, segment=index)
            index += 1
    if index != len(segments):
        raise InvalidInputError(
            f"no RSP run holds layer {segments[index].layer}, whose weights "
            "n64.weight_segments streams: recompile the model"
        )


def build_rsp_program(module: ModuleOp, measure: bool = True) -> RspProgram:
    """Encode the ucodes of a lowered module and collect its run plan.

    With `measure`, the cycles of each invocation and of each of its layers
    are counted by a timing-only run (:func:`measure_invocation`).
    """
    ucodes: dict[str, RspImage] = {}
    for op in module.ops:
        if isinstance(op, ModuleOp) and op.sym_name is not None:
            ucodes[op.sym_name.data] = encode_program(op)
    blob_attr = module.attributes.get("n64.weights")
    weights = b""
    if isinstance(blob_attr, DenseIntOrFPElementsAttr):
        data = np.frombuffer(blob_attr.data.data, dtype="<i2")
        weights = data.astype(">i2").tobytes()
    layout = _layout(module)
    main = _main(module)
    invocations: list[RspInvocation] = []
    cpu_ops: list[Operation] = []
    for op in main.body.block.ops:
        if not isinstance(op, RspInvokeOp):
            if not isinstance(op, func.ReturnOp):
                cpu_ops.append(op)
            continue
        inv = RspInvocation(
            ucode=op.ucode.root_reference.data,
            layers=tuple(s.data for s in op.layers.data),
            inputs=tuple(
                TensorSlot(o, tensor_shape(v))
                for o, v in zip(_ints(op.input_offsets), op.inputs, strict=True)
            ),
            outputs=tuple(
                TensorSlot(o, tensor_shape(v))
                for o, v in zip(_ints(op.output_offsets), op.outputs, strict=True)
            ),
            base_slot=op.base_slot.value.data,
            macs=op.macs.value.data,
            layer_macs=_ints(op.attributes["n64.layer_macs"]),
            cycles=0,
        )
        if inv.ucode not in ucodes:
            raise InvalidInputError(
                f"n64.rsp_invoke refers to a missing ucode {inv.ucode}"
            )
        invocations.append(inv)
    segments = _segments(module)
    if (layout.weights_in == "rom") != bool(segments) and weights:
        raise InvalidInputError(
            "n64.rdram_layout and n64.weight_segments disagree about where the "
            "weights are: recompile the model"
        )
    _assign_segments(invocations, segments)
    program = RspProgram(
        module, ucodes, weights, layout, invocations, cpu_ops, segments
    )
    if measure:
        program.measure()
    return program


def measure_invocation(
    program: RspProgram, inv: RspInvocation, timing_only: bool = True
) -> tuple[int, tuple[int, ...]]:
    """Cycles of one run of `inv` and of each of its layers.

    Control flow never depends on data, so the run uses the arena as the
    CPU would hand it over (weights loaded, activations zero) and, with
    `timing_only`, does not execute the vector data path
    (:mod:`n64c.sim.rsp.timing_only`); the count equals a full simulation's
    either way. Layer `i` is timed from the first cycle at which its label
    (`layer_label`) issues to that of layer `i + 1`; the first layer starts
    at cycle 0 and the last ends with the run (when its DMA is done).
    """
    from n64c.sim.rsp import simulate
    from n64c.sim.rsp.timing_only import count_cycles

    image = program.ucodes[inv.ucode]
    marks: dict[int, int] = {}
    for index in range(len(inv.layers)):
        address = image.symbols.get(layer_label(inv.ucode, index))
        if address is None:
            raise InvalidInputError(
                f"{inv.ucode} has no label {layer_label(inv.ucode, index)} at the "
                f"start of layer {inv.layers[index]}: recompile the model"
            )
        marks[address] = index
    rdram = _arena(program, 1, inv)[0]
    dmem = _dmem(image, inv.base_slot)
    limit = instruction_limit(inv)
    if timing_only:
        cycles, reached = count_cycles(
            image.imem, dmem, rdram, marks=marks, max_instructions=limit
        )
    else:
        result = simulate(image.imem, dmem, rdram, marks=marks, max_instructions=limit)
        cycles, reached = result.cycles, result.timing.marks
    return cycles, layer_spans(cycles, len(inv.layers), reached)


INSTRUCTIONS_PER_MAC = 2
"""Instructions an RSP run may take per MAC of its layers, on top of the
simulator's default limit, before it counts as an endless loop (a vector
MAC op does 8 MACs, so real runs stay far below)."""


def instruction_limit(inv: RspInvocation) -> int:
    """The instruction budget of simulating invocation `inv`: the default
    guard against endless loops, grown with the work the run does."""
    from n64c.sim.rsp import DEFAULT_MAX_INSTRUCTIONS

    return DEFAULT_MAX_INSTRUCTIONS + INSTRUCTIONS_PER_MAC * int(inv.macs)


def layer_spans(
    cycles: int, layers: int, reached: Sequence[tuple[int, int]]
) -> tuple[int, ...]:
    """Cycles of each of `layers` consecutive code spans of a run of
    `cycles` cycles, from the (mark, cycle) pairs of its layer labels."""
    starts = [0] * layers
    seen = {0}
    for mark, cycle in reached:
        if mark not in seen:
            seen.add(mark)
            starts[mark] = cycle
    if len(seen) != layers:
        raise N64cError("a layer of the RSP run never started")
    ends = [*starts[1:], cycles]
    return tuple(end - start for start, end in zip(starts, ends, strict=True))


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def _arena(program: RspProgram, batch: int, inv: RspInvocation) -> np.ndarray:
    """The simulated RDRAM of run `inv`: the arena at `RDRAM_BASE` with the
    weights blob in it, or (weights in the cartridge) with only the run's
    segment copied into its staging slot, as the CPU's PI DMA leaves it."""
    size = RDRAM_BASE + (program.layout.total_size + 15) // 16 * 16
    rdram = np.zeros((batch, size), dtype=np.uint8)
    blob = np.frombuffer(program.weights, dtype=np.uint8)
    if program.layout.weights_in == "rom":
        if inv.segment is not None:
            seg = program.segments[inv.segment]
            start = RDRAM_BASE + seg.staging_offset
            rdram[:, start : start + seg.size] = blob[
                seg.blob_offset : seg.blob_offset + seg.size
            ]
        return rdram
    start = RDRAM_BASE + program.layout.weights_offset
    rdram[:, start : start + blob.size] = blob
    return rdram


def _put(rdram: np.ndarray, slot: TensorSlot, values: np.ndarray) -> None:
    batch = rdram.shape[0]
    arr = np.asarray(values, dtype=np.int16).reshape(batch, slot.rows, slot.cols)
    padded = np.zeros((batch, slot.rows, slot.padded_cols), dtype=">i2")
    padded[:, :, : slot.cols] = arr
    start = RDRAM_BASE + slot.offset
    rdram[:, start : start + slot.nbytes] = padded.reshape(batch, -1).view(np.uint8)


def _get(rdram: np.ndarray, slot: TensorSlot) -> np.ndarray:
    batch = rdram.shape[0]
    start = RDRAM_BASE + slot.offset
    raw = np.ascontiguousarray(rdram[:, start : start + slot.nbytes])
    values = raw.view(">i2").reshape(batch, slot.rows, slot.padded_cols)
    return values[:, :, : slot.cols].astype(np.int16).reshape(batch, *slot.shape)


def _dmem(image: RspImage, base_slot: int) -> bytes:
    dmem = bytearray(4096)
    dmem[: len(image.dmem)] = image.dmem
    dmem[base_slot : base_slot + 4] = RDRAM_BASE.to_bytes(4, "big")
    return bytes(dmem)


def run_invocation(
    program: RspProgram,
    inv: RspInvocation,
    inputs: Sequence[np.ndarray],
    engine: str = "sim",
) -> tuple[list[np.ndarray], int]:
    """Run one invocation on int16 inputs (each of its static shape, or with
    one extra leading batch axis); returns the int16 outputs and the cycles
    of one run (0 for z64)."""
    batched = any(
        np.ndim(x) == len(s.shape) + 1 for x, s in zip(inputs, inv.inputs, strict=True)
    )
    batch = 1
    if batched:
        batch = next(
            int(np.shape(x)[0])
            for x, s in zip(inputs, inv.inputs, strict=True)
            if np.ndim(x) == len(s.shape) + 1
        )
    rdram = _arena(program, batch, inv)
    for x, slot in zip(inputs, inv.inputs, strict=True):
        arr = np.asarray(x, dtype=np.int16)
        if arr.ndim == len(slot.shape):
            arr = np.broadcast_to(arr, (batch, *slot.shape))
        _put(rdram, slot, arr)
    image = program.ucodes[inv.ucode]
    dmem = _dmem(image, inv.base_slot)
    cycles = 0
    if engine == "sim":
        from n64c.sim.rsp import simulate

        result = simulate(
            image.imem,
            dmem,
            rdram,
            batch=batch,
            max_instructions=instruction_limit(inv),
        )
        final = np.asarray(result.rdram, dtype=np.uint8).reshape(batch, -1)
        cycles = result.cycles
    elif engine == "z64":
        from n64c.sim.z64 import Z64Job, run_z64_many

        jobs = [Z64Job(image.imem, dmem, rdram[b].tobytes()) for b in range(batch)]
        rows = []
        for res in run_z64_many(jobs):
            if isinstance(res, N64cError):
                raise res
            rows.append(np.frombuffer(res.rdram, dtype=np.uint8)[: rdram.shape[1]])
        final = np.stack(rows)
    else:
        raise InvalidInputError(f"unknown RSP engine {engine!r} (sim or z64)")
    outputs = [_get(final, slot) for slot in inv.outputs]
    if not batched:
        outputs = [o[0] for o in outputs]
    return outputs, cycles


@register_impls
class RspInvokeFunctions(InterpreterFunctions):
    """Runs `n64.rsp_invoke` on an RSP engine inside the xDSL interpreter."""

    def __init__(self, program: RspProgram, engine: str) -> None:
        self.program = program
        self.engine = engine
        self.by_ucode = {}
        for inv in program.invocations:
            self.by_ucode.setdefault(inv.ucode, inv)
        self.cycles = 0

    @impl(RspInvokeOp)
    def run_rsp_invoke(
        self, interpreter: Interpreter, op: RspInvokeOp, args: PythonValues
    ) -> PythonValues:
        inv = self.by_ucode[op.ucode.root_reference.data]
        arrays = [np.asarray(a) for a in args]
        # the interpreter folds a batch into axis 0 in place of a static 1
        folded = next(
            (
                a.shape[0]
                for a, s in zip(arrays, inv.inputs, strict=True)
                if a.shape != s.shape
            ),
            None,
        )
        if folded is not None:
            arrays = [
                a.reshape(folded, *s.shape) if a.shape != s.shape else a
                for a, s in zip(arrays, inv.inputs, strict=True)
            ]
        outputs, cycles = run_invocation(self.program, inv, arrays, self.engine)
        self.cycles += cycles
        if folded is not None:
            outputs = [o.reshape(folded, *o.shape[2:]) for o in outputs]
        return tuple(outputs)


def rsp_fold_rule(op: Operation, batched: Sequence[bool]) -> bool | None:
    """`n64.rsp_invoke` runs any leading batch axis in lockstep."""
    if isinstance(op, RspInvokeOp):
        return all(
            len(tensor_shape(v)) >= 1 and tensor_shape(v)[0] == 1 for v in op.inputs
        )
    return None


def run_rsp_program(
    program: RspProgram,
    inputs: Mapping[str, np.ndarray],
    engine: str = "sim",
) -> dict[str, np.ndarray]:
    """Run the compiled network on float32 inputs (keyed by ONNX input name,
    optional leading batch axis). Returns, per output, the int16 tensor the
    RSP hands to the CPU (as `int_engine.run_int_raw` does, before the
    final dequantize and float ops); outputs without one come as float32."""
    from n64c.sim.float_engine import FloatFunctions, float_fold_rule, run_main
    from n64c.sim.int_engine import QuantFunctions, int16_source, int_fold_rule

    module = program.module.clone()
    main = _main(module)
    ret = main.body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    values: list[SSAValue] = []
    for value in ret.operands:
        source = int16_source(value)
        values.append(source.input if source is not None else value)
    ret.operands = values
    main.function_type = FunctionType.from_lists(
        main.function_type.inputs.data, [v.type for v in values]
    )
    rsp_functions = RspInvokeFunctions(program, engine)
    return run_main(
        module,
        inputs,
        [FloatFunctions(), QuantFunctions(), rsp_functions],
        rules=(rsp_fold_rule, int_fold_rule, float_fold_rule),
    )
