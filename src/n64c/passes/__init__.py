"""All of n64c's passes, by their kebab-case names.

One pass per module, the module named after the pass (`fold-batchnorm` lives
in `n64c/passes/fold_batchnorm.py` as `FoldBatchnormPass`). The table below is
the single registry: `n64-opt`, the `n64c` driver and the tests all read it.
Modules are imported only when their pass is used.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from xdsl.passes import ModulePass

# pass name -> "module:ClassName" under n64c.passes
PASS_TABLE: dict[str, str] = {
    # graph clean-up
    "fold-batchnorm": "fold_batchnorm:FoldBatchnormPass",
    "fuse-activation": "fuse_activation:FuseActivationPass",
    "canonicalize-reshapes": "canonicalize_reshapes:CanonicalizeReshapesPass",
    "n64-cleanup": "n64_cleanup:N64CleanupPass",
    # quantisation
    "quantize-int16": "quantize_int16:QuantizeInt16Pass",
    # tiling, memory, lowering
    "tile-for-dmem": "tile_for_dmem:TileForDmemPass",
    "allocate-dmem": "allocate_dmem:AllocateDmemPass",
    "plan-rdram": "plan_rdram:PlanRdramPass",
    "lower-to-rsp": "lower_to_rsp:LowerToRspPass",
    "rsp-allocate-registers": "rsp_allocate_registers:RspAllocateRegistersPass",
    "rsp-schedule": "rsp_schedule:RspSchedulePass",
    # whole-flow alias
    "n64-compile": "n64_compile:N64CompilePass",
}


def _loader(spec: str) -> Callable[[], type[ModulePass]]:
    module_name, class_name = spec.split(":")

    def load() -> type[ModulePass]:
        module = import_module(f"n64c.passes.{module_name}")
        return getattr(module, class_name)

    return load


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Pass name -> factory returning the pass class."""
    return {name: _loader(spec) for name, spec in PASS_TABLE.items()}


def get_pass(name: str) -> type[ModulePass]:
    """The pass class registered under `name`."""
    return _loader(PASS_TABLE[name])()
