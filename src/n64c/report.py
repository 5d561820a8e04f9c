"""The report of a compiled model (`report.json`): memory, per-layer MACs
and cycles, the RSP's totals and the placement of the weights.

    >>> cm = n64c.compile("mlp.onnx")                             # doctest: +SKIP
    >>> build_report(cm)["rsp"]["macs_per_cycle"]                  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xdsl.dialects.builtin import ModuleOp

if TYPE_CHECKING:
    from n64c.api import CompiledModel

RSP_CLOCK_HZ = 62_500_000
PEAK_MACS_PER_CYCLE = 8
DMEM_BYTES = 4096
IMEM_BYTES = 4096
REPORT_FILE = "report.json"
MARKER_KEY = "n64c_report_version"


def dmem_use(module: ModuleOp) -> dict[str, int]:
    """The DMEM bytes each tiled layer of `module` uses, by layer name: the
    end of its highest allocation."""
    from n64c.dialects.n64_tile import DmemAllocOp, DmemType, TileKernelOp

    use: dict[str, int] = {}
    for kernel in module.walk():
        if not isinstance(kernel, TileKernelOp):
            continue
        peak = 0
        for op in kernel.walk():
            if isinstance(op, DmemAllocOp) and op.offset is not None:
                typ = op.results[0].type
                size = typ.total_bytes if isinstance(typ, DmemType) else 0
                peak = max(peak, op.offset.value.data + size)
        use[kernel.layer.data] = peak
    return use


def build_report(cm: CompiledModel) -> dict[str, Any]:
    """The contents of `report.json` (`report_schema.py` checks them)."""
    from n64c.passes.plan_rdram import parse_memory
    from n64c.weights_placement import weights_report

    program = cm.program
    layout = program.layout
    budget = parse_memory(cm.memory)
    cpu_bytes = cm.sources.cpu_buffer_bytes + cm.sources.cpu_constant_bytes
    arena = (layout.total_size + 15) // 16 * 16
    layers = [
        {
            **entry,
            "macs_per_cycle": (
                round(entry["macs"] / entry["cycles"], 3) if entry["cycles"] else None
            ),
            "dmem_bytes": cm.dmem_use.get(entry["layer"], 0),
        }
        for entry in program.report()["layers"]
    ]
    cycles = program.cycles
    macs = program.macs
    ucodes = {}
    for name, image in program.ucodes.items():
        peak = max(
            (
                cm.dmem_use.get(layer, 0)
                for inv in program.invocations
                if inv.ucode == name
                for layer in inv.layers
            ),
            default=0,
        )
        ucodes[name] = {
            "imem_bytes": len(image.imem),
            "dmem_image_bytes": len(image.dmem),
            "dmem_peak_bytes": max(peak, len(image.dmem)),
        }
    from n64c.sim.float_engine import find_main

    main = find_main(cm.module)
    from n64c.dialects.n64_tile import RspInvokeOp

    cpu_ops = [
        op.name
        for op in main.body.block.ops
        if not isinstance(op, RspInvokeOp)
        and op.name not in ("func.return", "n64.constant")
    ]
    return {
        MARKER_KEY: 1,
        "model": cm.name,
        "inputs": {
            n: list(s) for n, s in zip(cm.input_names, cm.input_shapes, strict=True)
        },
        "outputs": cm.output_names,
        "memory": {
            "budget": cm.memory,
            "budget_bytes": budget,
            "rdram": {
                "weights_bytes": layout.staging_size
                if layout.weights_in == "rom"
                else layout.weights_size,
                "activations_bytes": layout.activations_size,
                "arena_bytes": arena,
                "scratch_bytes": cm.sources.cpu_buffer_bytes,
                "cpu_constants_bytes": cm.sources.cpu_constant_bytes,
                "total_bytes": arena + cpu_bytes,
                "free_bytes": budget - arena - cpu_bytes,
            },
            "dmem": {
                "capacity_bytes": DMEM_BYTES,
                "peak_bytes": max(
                    (u["dmem_peak_bytes"] for u in ucodes.values()), default=0
                ),
            },
            "imem": {
                "capacity_bytes": IMEM_BYTES,
                "peak_bytes": max(
                    (u["imem_bytes"] for u in ucodes.values()), default=0
                ),
            },
        },
        "ucodes": ucodes,
        "layers": layers,
        "cpu_ops": cpu_ops,
        "weights": weights_report(program),
        "rsp": {
            "runs": len(program.invocations),
            "cycles": cycles,
            "macs": macs,
            "macs_per_cycle": round(macs / cycles, 3) if cycles else None,
            "peak_macs_per_cycle": PEAK_MACS_PER_CYCLE,
            "time_us": round(cycles * 1e6 / RSP_CLOCK_HZ, 2),
        },
    }
