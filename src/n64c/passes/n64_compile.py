"""`n64-compile`: the whole flow from the imported graph to scheduled RSP code.

Runs, in order: `n64-cleanup`, `quantize-int16`, `tile-for-dmem`,
`allocate-dmem`, `plan-rdram`, `lower-to-rsp`, `rsp-allocate-registers`,
`rsp-schedule`. Options are forwarded to the pass that owns them:

* `calibration`, `percentile`: `quantize-int16`;
* `dmem`: `tile-for-dmem` and `allocate-dmem` (DMEM budget in bytes);
* `memory`, `reserve`: `plan-rdram` (`4MiB` or `8MiB`, bytes kept for the
  program);
* `shared`: `lower-to-rsp` (pack layers into shared ucodes);
* `schedule`: run `rsp-schedule` (default true).

Example: `n64-opt model.onnx -p 'n64-compile{memory="8MiB"}'`.
The result feeds `n64c.backend.rsp_program.build_rsp_program`.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from n64c.passes.allocate_dmem import AllocateDmemPass
from n64c.passes.lower_to_rsp import LowerToRspPass
from n64c.passes.n64_cleanup import N64CleanupPass
from n64c.passes.plan_rdram import MIB, PlanRdramPass
from n64c.passes.quantize_int16 import QuantizeInt16Pass
from n64c.passes.rsp_allocate_registers import RspAllocateRegistersPass
from n64c.passes.rsp_schedule import RspSchedulePass
from n64c.passes.tile_for_dmem import DMEM_BYTES, TileForDmemPass


@dataclass(frozen=True)
class N64CompilePass(ModulePass):
    """The whole pipeline, imported graph to scheduled `rsp` code."""

    name = "n64-compile"

    calibration: str | None = None
    percentile: float | int = 100.0
    dmem: int = DMEM_BYTES
    memory: str = "4MiB"
    reserve: int = MIB
    shared: bool = True
    schedule: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        N64CleanupPass().apply(ctx, op)
        QuantizeInt16Pass(
            calibration=self.calibration, percentile=float(self.percentile)
        ).apply(ctx, op)
        TileForDmemPass(dmem=self.dmem).apply(ctx, op)
        AllocateDmemPass(dmem=self.dmem).apply(ctx, op)
        PlanRdramPass(memory=self.memory, reserve=self.reserve).apply(ctx, op)
        LowerToRspPass(shared=self.shared).apply(ctx, op)
        RspAllocateRegistersPass().apply(ctx, op)
        if self.schedule:
            RspSchedulePass().apply(ctx, op)
