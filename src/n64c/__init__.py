"""n64c: compile ONNX neural networks to the Nintendo 64.

The public Python entry points are kept light to import; heavy modules
(onnx, the simulator) load only when used.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names __getattr__ provides, for type checkers
    from n64c.api import CompiledModel, compile
    from n64c.pipeline import default_pipeline, detect_stage, parse_pipeline
    from n64c.sim.layer_report import layer_report

    __all__ = [
        "CompiledModel",
        "compile",
        "default_pipeline",
        "detect_stage",
        "layer_report",
        "parse_pipeline",
    ]

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """`n64c.compile`, `n64c.CompiledModel`, `n64c.default_pipeline` and
    `n64c.layer_report`, imported on first use."""
    if name in ("compile", "CompiledModel"):
        from n64c import api

        return getattr(api, name)
    if name in ("default_pipeline", "detect_stage", "parse_pipeline"):
        from n64c import pipeline

        return getattr(pipeline, name)
    if name == "layer_report":
        from n64c.sim.layer_report import layer_report

        return layer_report
    raise AttributeError(f"module 'n64c' has no attribute {name!r}")
