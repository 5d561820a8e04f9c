"""n64c: compile ONNX neural networks to the Nintendo 64.

The public Python entry points are kept light to import; heavy modules
(onnx, the simulator) load only when used.
"""

__version__ = "0.1.0"
