"""The `native` engine: a compiled model's C built and run on the host.

`run_native_engine(compiled, inputs)` writes the model's `model.h`,
`model.c` and `weights.bin` to a temporary directory, builds them with the
host runtime (:func:`~n64c.backend.host_runtime.build_native`: every RSP
run on the z64 core, weights streamed by `memcpy` for a ``--weights rom``
build) and runs `n64c_model_run` on each sample. It returns the float32
outputs keyed by output name, shaped like every other engine's.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from n64c.backend.host_runtime import run_native
from n64c.backend.rom.engine import batched_inputs


def run_native_engine(
    compiled: Any, inputs: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Run `compiled` (a :class:`~n64c.api.CompiledModel`) natively."""
    names: list[str] = compiled.input_names
    arrays, batched = batched_inputs(inputs, names, compiled.input_shapes)
    out_types = [v.type for v in compiled._main.body.block.last_op.operands]
    out_shapes = [tuple(int(d) for d in t.get_shape()) for t in out_types]
    files: dict[str, str | bytes] = {
        "model.h": compiled.sources.header,
        "model.c": compiled.sources.source,
        "weights.bin": compiled.program.weights,
    }
    with tempfile.TemporaryDirectory(prefix="n64c-native-") as tmp:
        outdir = Path(tmp)
        for name, data in files.items():
            (outdir / name).write_bytes(
                data if isinstance(data, bytes) else data.encode()
            )
        outputs, _ = run_native(outdir, arrays, output_shapes=out_shapes)
    return {
        name: y if batched else y[0]
        for name, y in zip(compiled.output_names, outputs, strict=True)
    }


__all__ = ["run_native_engine"]
