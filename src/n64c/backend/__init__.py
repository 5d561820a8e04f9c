"""Back ends: RSP assembly text and binary images, and MIPS C.

`get_all_targets` lists the `-t` targets of `n64-opt` (besides xDSL's own
`mlir`). Each is an `xdsl.utils.target.Target` subclass, imported lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from xdsl.utils.target import Target

# target name -> "module:ClassName" under n64c.backend
TARGET_TABLE: dict[str, str] = {
    "rsp-asm": "rsp_asm_target:RspAsmTarget",
    "rsp-bin": "rsp_bin_target:RspBinTarget",
    "c": "c_target:CTarget",
}


def _loader(spec: str) -> Callable[[], type[Target]]:
    module_name, class_name = spec.split(":")

    def load() -> type[Target]:
        module = import_module(f"n64c.backend.{module_name}")
        return getattr(module, class_name)

    return load


def get_all_targets() -> dict[str, Callable[[], type[Target]]]:
    return {name: _loader(spec) for name, spec in TARGET_TABLE.items()}
