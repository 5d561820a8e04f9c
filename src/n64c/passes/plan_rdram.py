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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import (
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

    def _larger_memory_hint(self, memory: int) -> str:
        if memory >= 8 * MIB:
            return ""
        return (
            f"; memory 8MiB (with the Expansion Pak) gives {8 * MIB - self.reserve} "
            "bytes"
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
        # weights, in layer order
        weight_offsets: dict[TileKernelOp, int] = {}
        cursor = 0
        for kernel in kernels:
            if kernel.weights is None:
                continue
            weight_offsets[kernel] = cursor
            size = kernel.body.block.args[-1].type.size.data  # type: ignore[attr-defined]
            cursor = _align16(cursor + size)
            if cursor > budget:
                raise BudgetError(
                    f"RDRAM budget of {self.memory} ({budget} bytes after reserving "
                    f"{self.reserve}) exceeded by {cursor - budget} bytes at layer "
                    f"{kernel.layer.data}: the weights alone need {cursor} bytes"
                    + self._larger_memory_hint(memory)
                )
        weights_end = cursor

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
                f"{self.reserve}) exceeded by {total - budget} bytes: weights "
                f"{weights_end} bytes, activations {peak} bytes (largest at {layer})"
                + self._larger_memory_hint(memory)
            )
        for kernel in kernels:
            args = [act_base + offsets[v] for v in kernel.inputs]
            args += [act_base + offsets[v] for v in kernel.outputs]
            if kernel.weights is not None:
                args.append(weight_offsets[kernel])
            kernel.rdram_offsets = DenseArrayBase.from_list(i64, args)
        blob = np.zeros(weights_end // 2, dtype=np.int16)
        for kernel, start in weight_offsets.items():
            assert kernel.weights is not None
            data = np.frombuffer(kernel.weights.data.data, dtype="<i2")
            blob[start // 2 : start // 2 + data.size] = data
        op.attributes["n64.weights"] = DenseIntOrFPElementsAttr(
            TensorType(i16, [blob.size]), BytesAttr(blob.astype("<i2").tobytes())
        )
        op.attributes["n64.rdram_layout"] = DictionaryAttr(
            {
                "memory": StringAttr(self.memory),
                "weights_offset": IntegerAttr(0, i64),
                "weights_size": IntegerAttr(weights_end, i64),
                "activations_offset": IntegerAttr(act_base, i64),
                "activations_size": IntegerAttr(_align16(peak), i64),
                "total_size": IntegerAttr(total, i64),
            }
        )
