"""`allocate-dmem`: DMEM offsets for the buffers of every tile kernel.

DMEM (4 KiB) is laid out the same way for every ucode:

```
0x000  parameter block (16 bytes; word 0 = RDRAM base address of the arena)
0x010  working buffers of the kernel that is running: kernels run one
       after the other, so every kernel's buffers start at the same offset
```

A kernel's constant vectors (`n64.dmem_alloc` with `init`) take no DMEM:
the kernel builds them in registers when it starts.

Every buffer is 16-byte aligned (vector loads and DMA). When a kernel's
buffers do not fit, the pass fails with a `BudgetError` that names the
layer and the number of bytes missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, ModuleOp, i64
from xdsl.passes import ModulePass

from n64c.dialects.n64_tile import DmemAllocOp, TileKernelOp
from n64c.errors import BudgetError
from n64c.passes.tile_for_dmem import check_dmem_budget

PARAM_BLOCK_BYTES = 16
DMEM_BYTES = 4096
FIRST_SLOT = "n64.first_slot"
"""Ring attribute: the slot (0 or 1) the first transfer fills."""
DMEM_RANGE = "n64.dmem_range"
"""Kernel attribute: `[low, high)` bytes of DMEM its working buffers use."""


def _align16(value: int) -> int:
    return (value + 15) & ~15


@dataclass(frozen=True)
class AllocateDmemPass(ModulePass):
    """Give every `n64.dmem_alloc` without `init` an `offset`; option `dmem`
    is the budget."""

    name = "allocate-dmem"

    dmem: int = DMEM_BYTES

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        check_dmem_budget(self.name, self.dmem)
        kernels = [k for k in op.walk() if isinstance(k, TileKernelOp)]
        for index, kernel in enumerate(kernels):
            buffers = [
                b
                for b in kernel.body.walk()
                if isinstance(b, DmemAllocOp) and b.init is None
            ]
            need = sum(_align16(b.dmem_type.total_bytes) for b in buffers)
            end = PARAM_BLOCK_BYTES + need
            if end > self.dmem:
                raise BudgetError(
                    f"layer {kernel.layer.data}: DMEM working set ends at byte "
                    f"{end}, {end - self.dmem} bytes over the "
                    f"{self.dmem}-byte DMEM budget"
                )
            top_down = index % 2 == 1
            cursor = self.dmem if top_down else PARAM_BLOCK_BYTES
            for buf in buffers:
                size = _align16(buf.dmem_type.total_bytes)
                if top_down:
                    cursor -= size
                    buf.offset = IntegerAttr(cursor, i64)
                else:
                    buf.offset = IntegerAttr(cursor, i64)
                    cursor += size
                if buf.dmem_type.slots.data == 2:
                    # fill first the slot away from the previous kernel's buffers
                    buf.attributes[FIRST_SLOT] = IntegerAttr(int(top_down), i64)
            low = cursor if top_down else PARAM_BLOCK_BYTES
            high = self.dmem if top_down else cursor
            kernel.attributes[DMEM_RANGE] = DenseArrayBase.from_list(i64, [low, high])
