"""`allocate-dmem`: DMEM offsets for the buffers of every tile kernel.

DMEM (4 KiB) is laid out the same way for every ucode:

```
0x000  parameter block (16 bytes; word 0 = RDRAM base address of the arena)
0x010  constant vectors (`n64.dmem_alloc` with `init`) of the kernels, one
       after the other: they are part of the DMEM image of their RSP run
       and must survive while earlier kernels of that run work. They fill
       a window of at most `CONSTS_WINDOW_BYTES`; a kernel whose constants
       do not fit what is left of it starts the next window at 0x010 again
       (its index is the kernel's `n64.consts_window`), and `lower-to-rsp`
       runs only kernels of one window together
....   working buffers of the kernel that is running: kernels run one
       after the other, so every kernel's buffers start at the same offset
```

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
from n64c.passes.tile_constants import CONSTS_WINDOW_BYTES
from n64c.passes.tile_for_dmem import check_dmem_budget

PARAM_BLOCK_BYTES = 16
DMEM_BYTES = 4096
FIRST_SLOT = "n64.first_slot"
"""Ring attribute: the slot (0 or 1) the first transfer fills."""
DMEM_RANGE = "n64.dmem_range"
"""Kernel attribute: `[low, high)` bytes of DMEM its working buffers use."""
CONSTS_WINDOW = "n64.consts_window"
"""Kernel attribute: the window its constants are in (kernels of one RSP
run share one)."""


def _align16(value: int) -> int:
    return (value + 15) & ~15


@dataclass(frozen=True)
class AllocateDmemPass(ModulePass):
    """Give every `n64.dmem_alloc` an `offset`; option `dmem` is the budget."""

    name = "allocate-dmem"

    dmem: int = DMEM_BYTES

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        check_dmem_budget(self.name, self.dmem)
        kernels = [k for k in op.walk() if isinstance(k, TileKernelOp)]
        cursor = PARAM_BLOCK_BYTES
        window = 0
        constants_end = cursor
        for kernel in kernels:
            consts = [
                b
                for b in kernel.body.walk()
                if isinstance(b, DmemAllocOp) and b.init is not None
            ]
            size = sum(_align16(b.dmem_type.total_bytes) for b in consts)
            if cursor > PARAM_BLOCK_BYTES and (
                cursor + size > PARAM_BLOCK_BYTES + CONSTS_WINDOW_BYTES
            ):
                cursor, window = PARAM_BLOCK_BYTES, window + 1
            kernel.attributes[CONSTS_WINDOW] = IntegerAttr(window, i64)
            for buf in consts:
                buf.offset = IntegerAttr(cursor, i64)
                cursor += _align16(buf.dmem_type.total_bytes)
            constants_end = max(constants_end, cursor)
        if constants_end > self.dmem:
            raise BudgetError(
                f"layer {kernels[-1].layer.data}: the constants of {len(kernels)} "
                f"kernels need {constants_end} bytes of DMEM, "
                f"{constants_end - self.dmem} bytes over the {self.dmem}-byte budget"
            )
        for index, kernel in enumerate(kernels):
            buffers = [
                b
                for b in kernel.body.walk()
                if isinstance(b, DmemAllocOp) and b.init is None
            ]
            need = sum(_align16(b.dmem_type.total_bytes) for b in buffers)
            end = constants_end + need
            if end > self.dmem:
                raise BudgetError(
                    f"layer {kernel.layer.data}: DMEM working set ends at byte "
                    f"{end}, {end - self.dmem} bytes over the "
                    f"{self.dmem}-byte DMEM budget"
                )
            top_down = index % 2 == 1
            cursor = self.dmem if top_down else constants_end
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
            low = cursor if top_down else constants_end
            high = self.dmem if top_down else cursor
            kernel.attributes[DMEM_RANGE] = DenseArrayBase.from_list(i64, [low, high])
