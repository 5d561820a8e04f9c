"""n64c: compile ONNX neural networks to the Nintendo 64.

The public Python entry points are kept light to import; heavy modules
(onnx, the simulator) load only when used.
"""

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """`n64c.compile` and `n64c.CompiledModel`, imported on first use."""
    if name in ("compile", "CompiledModel"):
        from n64c import api

        return getattr(api, name)
    raise AttributeError(f"module 'n64c' has no attribute {name!r}")
