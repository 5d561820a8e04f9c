"""The `rsp` dialect: RSP assembly, one op per instruction.

Modelled on xDSL's riscv dialect: registers are types (`!rsp.reg<t0>`,
`!rsp.vreg<v04>`, unallocated or virtual before register allocation), every
instruction is an op with an `assembly_line()`, labels and data directives are
ops too. The pieces live in:

* `rsp_types.py`: register types, `#rsp.sym` symbolic immediates, name tables;
* `rsp_base.py`: the instruction formats (custom syntax, printing, verifiers);
* `rsp_ops.py`: the instructions;
* `rsp_directives.py`: `get_register`, `label`, `section` and data directives.

`n64c.backend.rsp_asm` parses and prints libdragon-syntax assembly and
`n64c.backend.rsp_encode` encodes and decodes the binary images.
"""

from __future__ import annotations

from xdsl.ir import Dialect

from n64c.dialects.rsp_base import RspInstruction
from n64c.dialects.rsp_directives import *  # noqa: F403
from n64c.dialects.rsp_directives import DIRECTIVE_OPS
from n64c.dialects.rsp_ops import *  # noqa: F403
from n64c.dialects.rsp_ops import INSTRUCTION_OPS
from n64c.dialects.rsp_types import GprType, SymbolExprAttr, VregType

RSP = Dialect(
    "rsp",
    [*INSTRUCTION_OPS, *DIRECTIVE_OPS],
    [GprType, VregType, SymbolExprAttr],
)

OP_BY_MNEMONIC: dict[str, type[RspInstruction]] = {
    op.name.split(".", 1)[1]: op for op in INSTRUCTION_OPS
}
"""Instruction op classes by assembly mnemonic."""
