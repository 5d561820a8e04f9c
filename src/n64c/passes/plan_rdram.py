"""`plan-rdram`: the RDRAM arena of a compiled network.

One arena holds everything the RSP reads or writes, addressed from a base
the CPU passes to the ucode at run time:

```
0            weights blob: every kernel's packed tiles, in layer order,
             16-byte aligned, big-endian int16 (what the kernels DMA)
weights_end  activations: every tensor an RSP kernel reads or writes,
             rows padded to 8 elements; tensors whose lifetimes do not
             overlap share space (first fit by liveness)
total
```

The pass sets `rdram_offsets` on each `n64.tile_kernel` (one per body
argument: inputs, outputs, weights), records the layout on the module as
`n64.rdram_layout` and the whole weights blob (int16) as `n64.weights`. Option `memory` is the RDRAM size (`4MiB` or `8MiB`, the
latter with the Expansion Pak); `reserve` bytes of it stay for the program,
its stack and frame buffers. When the arena does not fit, a `BudgetError`
says which budget, by how many bytes and at which layer.

Option `weights=rom` keeps the blob in the cartridge instead. Each layer
with weights is one *segment* (its slice of the blob, 16-byte aligned);
the arena starts with a staging area of two slots, and segment `i` is read
(by PI DMA on the console) into slot `i % 2` while the RSP works on
segment `i - 1` from the other slot. Each slot is as large as the largest
segment it receives, so the staging area is at most twice the largest
segment (and never needs a layer split):

```
0            staging slot 0 (segments 0, 2, 4, ...)
slot0        staging slot 1 (segments 1, 3, 5, ...)
staging      activations, as above
total
```

A layer's weights offsets then point into its slot, and `lower-to-rsp`
gives each layer with weights its own RSP run (a ucode never holds two
segments). The blob (`n64.weights`) is the same as with `weights=rdram`;
`n64.weight_segments` lists the segments (layer, blob offset, size,
staging offset) in program order, and the layout records `weights_in`,
`staging_offset`, `staging_size`. A layer whose weights alone do not fit
the budget twice over is one `BudgetError` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    ArrayAttr,
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    TensorType,
    i16,
    i64,
)
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass

from n64c.dialects.n64_tile import TileKernelOp
from n64c.errors import BudgetError, InvalidInputError

MIB = 1 << 20
WEIGHTS_PLACEMENTS = ("rdram", "rom")
"""Where the weights blob lives: in the RDRAM arena, or in the cartridge
(streamed into a two-slot staging area, one layer at a time)."""


def check_weights_placement(text: str) -> str:
    """`rdram` or `rom`, or an `InvalidInputError` naming the choices."""
    if text not in WEIGHTS_PLACEMENTS:
        raise InvalidInputError(
            f"weights must be {' or '.join(WEIGHTS_PLACEMENTS)}, not {text!r}"
        )
    return text


def parse_memory(text: str | int) -> int:
    """`4MiB`, `8MiB`, `4`, `8` (MiB) or the byte count of one of them."""
    t = str(text).strip().lower().replace(" ", "")
    for suffix in ("mib", "mb", "m"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
            break
    else:
        if t.isdigit() and int(t) in (4 * MIB, 8 * MIB):
            return int(t)
    if t not in ("4", "8"):
        raise InvalidInputError(f"memory must be 4MiB or 8MiB, not {text!r}")
    return int(t) * MIB


def activation_bytes(value: SSAValue) -> int:
    """RDRAM bytes of an int16 activation with rows padded to 8 elements."""
    typ = value.type
    assert isinstance(typ, TensorType)
    shape = [int(d) for d in typ.get_shape()]
    cols = shape[-1] if shape else 1
    rows = 1
    for d in shape[:-1]:
        rows *= d
    return rows * ((cols + 7) // 8 * 8) * 2


def _align16(value: int) -> int:
    return (value + 15) & ~15


@dataclass(frozen=True)
class _Interval:
    value: SSAValue
    start: int
    end: int
    size: int


def _place(intervals: list[_Interval]) -> tuple[dict[SSAValue, int], int]:
    """First-fit placement of intervals by start time; returns offsets and
    the peak size."""
    placed: list[tuple[int, int, _Interval]] = []  # (offset, size, interval)
    offsets: dict[SSAValue, int] = {}
    peak = 0
    for iv in sorted(intervals, key=lambda i: (i.start, -i.size)):
        busy = sorted(
            (o, o + s)
            for o, s, other in placed
            if not (other.end < iv.start or iv.end < other.start)
        )
        cursor = 0
        for lo, hi in busy:
            if cursor + iv.size <= lo:
                break
            cursor = max(cursor, hi)
        offsets[iv.value] = cursor
        placed.append((cursor, iv.size, iv))
        peak = max(peak, cursor + iv.size)
    return offsets, peak


@dataclass(frozen=True)
class PlanRdramPass(ModulePass):
    """Lay out weights and activations in one RDRAM arena."""

    name = "plan-rdram"

    memory: str = "4MiB"
    reserve: int = MIB
    weights: str = "rdram"

    def _larger_memory_hint(self, memory: int) -> str:
        if memory >= 8 * MIB:
            return ""
        return (
            f"; memory 8MiB (with the Expansion Pak) gives {8 * MIB - self.reserve} "
            "bytes"
        )

    @staticmethod
    def _rom_hint(
        order: list[TileKernelOp], sizes: dict[TileKernelOp, int], budget: int
    ) -> str:
        """Whether weights=rom would fit: its two staging slots (the largest
        even and odd segments) against the budget."""
        slots = [max((sizes[k] for k in order[p::2]), default=0) for p in (0, 1)]
        if sum(slots) <= budget:
            return (
                "; or keep them in the cartridge with weights=rom (two staging "
                f"slots of {slots[0]} + {slots[1]} bytes)"
            )
        largest = max(order, key=lambda k: sizes[k])
        return (
            f"; weights=rom does not fit either: its two staging slots need "
            f"{slots[0]} + {slots[1]} bytes (layer {largest.layer.data} alone "
            f"{sizes[largest]})"
        )

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        memory = parse_memory(self.memory)
        if not 0 <= self.reserve < memory:
            raise InvalidInputError(
                f"plan-rdram: reserve must lie in [0, {memory}) bytes "
                f"for {self.memory}, not {self.reserve}"
            )
        budget = memory - self.reserve
        funcs = [f for f in op.walk() if isinstance(f, func.FuncOp)]
        kernels = [k for k in op.walk() if isinstance(k, TileKernelOp)]
        if not kernels:
            return
        in_rom = check_weights_placement(self.weights) == "rom"
        # weights, in layer order: their place in the blob
        weight_offsets: dict[TileKernelOp, int] = {}
        sizes: dict[TileKernelOp, int] = {}
        cursor = 0
        overflow: tuple[TileKernelOp, int] | None = None
        for kernel in kernels:
            if kernel.weights is None:
                continue
            weight_offsets[kernel] = cursor
            sizes[kernel] = _align16(
                kernel.body.block.args[-1].type.size.data  # type: ignore[attr-defined]
            )
            cursor += sizes[kernel]
            if cursor > budget and not in_rom and overflow is None:
                overflow = (kernel, cursor)
        if overflow is not None:
            kernel, need = overflow
            raise BudgetError(
                f"RDRAM budget of {self.memory} ({budget} bytes after reserving "
                f"{self.reserve}) exceeded by {need - budget} bytes at layer "
                f"{kernel.layer.data}: the weights alone need {need} bytes"
                + (f" ({cursor} for all layers)" if cursor > need else "")
                + self._larger_memory_hint(memory)
                + self._rom_hint(list(weight_offsets), sizes, budget)
            )
        blob_size = cursor
        # where the RSP reads them: the blob itself, or a staging slot
        arena_offsets = dict(weight_offsets)
        staging = 0
        if in_rom:
            order = list(weight_offsets)
            slots = [
                max((sizes[k] for k in order[parity::2]), default=0)
                for parity in (0, 1)
            ]
            for index, kernel in enumerate(order):
                arena_offsets[kernel] = (index % 2) * slots[0]
            staging = slots[0] + slots[1]
            if staging > budget:
                largest = max(sizes, key=lambda k: sizes[k])
                raise BudgetError(
                    f"RDRAM budget of {self.memory} ({budget} bytes after reserving "
                    f"{self.reserve}) exceeded by {staging - budget} bytes at layer "
                    f"{largest.layer.data}: streaming weights from the cartridge "
                    f"needs two staging slots ({slots[0]} + {slots[1]} bytes), and "
                    f"this layer's {sizes[largest]} bytes must fit one"
                    + self._larger_memory_hint(memory)
                )
        weights_end = staging if in_rom else blob_size

        # activations, by liveness in program order
        intervals: list[_Interval] = []
        for fn in funcs:
            ops: list[Operation] = list(fn.body.block.ops)
            position = {o: i for i, o in enumerate(ops)}
            end_of_program = len(ops)
            values: list[SSAValue] = []
            for kernel in kernels:
                if kernel.parent_op() is fn:
                    values.extend(v for v in kernel.inputs if v not in values)
                    values.extend(v for v in kernel.outputs if v not in values)
            for value in values:
                owner = value.owner
                start = position.get(owner, 0) if isinstance(owner, Operation) else 0
                end = max(
                    (
                        end_of_program
                        if isinstance(use.operation, func.ReturnOp)
                        else position.get(use.operation, end_of_program)
                        for use in value.uses
                    ),
                    default=start,
                )
                intervals.append(_Interval(value, start, end, activation_bytes(value)))
        offsets, peak = _place(intervals)
        act_base = weights_end
        total = act_base + _align16(peak)
        if total > budget:
            first_over = max(
                intervals, key=lambda iv: offsets[iv.value] + iv.size
            ).value.owner
            layer = (
                first_over.layer.data
                if isinstance(first_over, TileKernelOp)
                else getattr(first_over, "name", "the input")
            )
            raise BudgetError(
                f"RDRAM budget of {self.memory} ({budget} bytes after reserving "
                f"{self.reserve}) exceeded by {total - budget} bytes: "
                + ("staged weights" if in_rom else "weights")
                + f" {weights_end} bytes, activations {peak} bytes (largest at {layer})"
                + self._larger_memory_hint(memory)
            )
        for kernel in kernels:
            args = [act_base + offsets[v] for v in kernel.inputs]
            args += [act_base + offsets[v] for v in kernel.outputs]
            if kernel.weights is not None:
                args.append(arena_offsets[kernel])
            kernel.rdram_offsets = DenseArrayBase.from_list(i64, args)
        blob = np.zeros(blob_size // 2, dtype=np.int16)
        for kernel, start in weight_offsets.items():
            assert kernel.weights is not None
            data = np.frombuffer(kernel.weights.data.data, dtype="<i2")
            blob[start // 2 : start // 2 + data.size] = data
        op.attributes["n64.weights"] = DenseIntOrFPElementsAttr(
            TensorType(i16, [blob.size]), BytesAttr(blob.astype("<i2").tobytes())
        )
        layout: dict[str, StringAttr | IntegerAttr] = {
            "memory": StringAttr(self.memory),
            "weights_offset": IntegerAttr(0, i64),
            "weights_size": IntegerAttr(blob_size, i64),
            "activations_offset": IntegerAttr(act_base, i64),
            "activations_size": IntegerAttr(_align16(peak), i64),
            "total_size": IntegerAttr(total, i64),
        }
        if in_rom:
            layout["weights_in"] = StringAttr("rom")
            layout["staging_offset"] = IntegerAttr(0, i64)
            layout["staging_size"] = IntegerAttr(staging, i64)
            op.attributes["n64.weight_segments"] = ArrayAttr(
                [
                    DictionaryAttr(
                        {
                            "layer": StringAttr(kernel.layer.data),
                            "blob_offset": IntegerAttr(start, i64),
                            "size": IntegerAttr(sizes[kernel], i64),
                            "staging_offset": IntegerAttr(arena_offsets[kernel], i64),
                        }
                    )
                    for kernel, start in weight_offsets.items()
                ]
            )
        op.attributes["n64.rdram_layout"] = DictionaryAttr(layout)
