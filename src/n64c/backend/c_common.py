"""What the C back end's kernel modules share: C text helpers (literals,
arrays, identifiers), tensor facts of SSA values (shape, C element type),
and :class:`KernelContext`, the part of the emitter a kernel module's op
emitters use (buffers, constant tables, kernels emitted once on first use).

The kernel modules (`c_int16_kernels`, `c_float_kernels`,
`c_float_window_kernels`, `c_copy_kernels`) each hold C kernel texts, a
mixin of `op_*` emitters on :class:`KernelContext` and a table of the ops
they handle; `c_emit` assembles them into the model emitter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float32Type,
    IntegerType,
    TensorType,
)
from xdsl.ir import Operation, SSAValue

from n64c.dialects import n64_graph as g
from n64c.errors import UnsupportedModelError

SIZEOF = {"float": 4, "int16_t": 2, "int32_t": 4, "int64_t": 8}
"""Bytes per element of each C element type the back end uses."""


@dataclass
class CBuffer:
    """A C array holding one tensor."""

    name: str
    ctype: str
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


def shape_of(value: SSAValue) -> tuple[int, ...]:
    typ = value.type
    assert isinstance(typ, TensorType)
    return tuple(int(d) for d in typ.get_shape())


def c_type(value: SSAValue) -> str:
    """The C element type of a tensor value (`float`, `int16_t`, `int32_t`,
    `int64_t`)."""
    typ = value.type
    assert isinstance(typ, TensorType)
    element = typ.element_type
    if isinstance(element, Float32Type):
        return "float"
    if isinstance(element, IntegerType) and element.width.data in (16, 32, 64):
        return f"int{element.width.data}_t"
    raise UnsupportedModelError(f"the C back end has no type for {element}")


def element_count(value: SSAValue) -> int:
    return int(np.prod(shape_of(value)))


def int_values(attr: Any) -> list[int]:
    """The values of a dense integer array property."""
    assert isinstance(attr, DenseArrayBase)
    return [int(v) for v in attr.get_values()]


def int_property(op: Operation, name: str) -> int:
    return int(getattr(op, name).value.data)


def float_literal(value: float) -> str:
    """A C float literal that reads back as exactly `value` (float32)."""
    v = float(np.float32(value))
    if v != v:
        return "(0.0f / 0.0f)"
    if v in (float("inf"), float("-inf")):
        return "(1.0f / 0.0f)" if v > 0 else "(-1.0f / 0.0f)"
    return f"{float.hex(v)}f" if v != int(v) or abs(v) > 2**24 else f"{v!r}f"


def clamp_bound(value: float | None, unbounded: str) -> str:
    """A clamp bound as a C float; `unbounded` (an infinity) when absent."""
    return unbounded if value is None else float_literal(value)


def c_array(values: Sequence[int], per_line: int = 12) -> str:
    lines = []
    for i in range(0, len(values), per_line):
        lines.append("    " + ", ".join(str(v) for v in values[i : i + per_line]) + ",")
    return "\n".join(lines) if lines else "    0,"


def hex_bytes(data: bytes) -> str:
    lines = []
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join(f"0x{b:02x}" for b in data[i : i + 16]) + ",")
    return "\n".join(lines) if lines else "    0x00,"


def c_ident(text: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in text)
    return out if out and not out[0].isdigit() else f"_{out}"


def bcast_strides(shape: Sequence[int], out: Sequence[int]) -> list[int]:
    """Strides of an operand of `shape` per axis of the broadcast result
    `out` (0 along broadcast axes)."""
    padded = [1] * (len(out) - len(shape)) + list(shape)
    strides = [0] * len(out)
    step = 1
    for d in range(len(out) - 1, -1, -1):
        strides[d] = 0 if padded[d] == 1 and out[d] != 1 else step
        step *= padded[d]
    return strides


def row_major_strides(shape: Sequence[int]) -> list[int]:
    return [int(np.prod(shape[d + 1 :])) for d in range(len(shape))]


COMMON_KERNELS: dict[str, str] = {
    "odometer": """\
/* One step of an output index `idx` over `out_shape` (rank at most 8),
 * with the input offset `*off` that follows it (`src_strides[d]`: the
 * input stride of output axis d): a transpose without a division per
 * element. */
static void n64c_odometer(uint32_t *idx, uint32_t *off, uint32_t rank,
                          const uint32_t *out_shape,
                          const uint32_t *src_strides)
{
    uint32_t d;
    for (d = rank; d-- > 0;) {
        *off += src_strides[d];
        if (++idx[d] < out_shape[d])
            return;
        *off -= src_strides[d] * out_shape[d];
        idx[d] = 0;
    }
}
""",
    "bcast": """\
/* The flat index into an operand of a broadcast elementwise op: strides
 * are 0 along broadcast axes. */
static uint32_t n64c_bcast(uint32_t flat, uint32_t rank, const uint32_t *shape,
                           const uint32_t *strides)
{
    uint32_t index = 0, d;
    for (d = rank; d-- > 0;) {
        index += (flat % shape[d]) * strides[d];
        flat /= shape[d];
    }
    return index;
}
""",
}
"""Kernels several kernel modules use."""


class KernelContext:
    """The emitter state the `op_*` emitters of the kernel modules use: C
    buffers of SSA values, static constant tables, and the kernels needed
    so far (each emitted once, after its dependencies)."""

    kernel_deps: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Kernel name -> kernels it calls (set by the assembled emitter)."""

    def __init__(self) -> None:
        self.kernels: list[str] = []
        self.buffers: dict[SSAValue, CBuffer] = {}
        self.constants: list[str] = []
        self.counter = 0

    def need(self, kernel: str) -> None:
        for dep in self.kernel_deps.get(kernel, ()):
            self.need(dep)
        if kernel not in self.kernels:
            self.kernels.append(kernel)

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"n64c_{stem}{self.counter}"

    def buf(self, value: SSAValue) -> str:
        """The C name of the buffer holding `value` (made on first use)."""
        if value not in self.buffers:
            owner = value.owner
            if isinstance(owner, g.ConstantOp):
                self.buffers[value] = self._constant(owner)
            else:
                self.buffers[value] = CBuffer(
                    self.fresh("t"), c_type(value), shape_of(value)
                )
        return self.buffers[value].name

    def _constant(self, op: g.ConstantOp) -> CBuffer:
        attr = op.value
        assert isinstance(attr, DenseIntOrFPElementsAttr)
        shape = shape_of(op.result)
        ctype = c_type(op.result)
        count = int(np.prod(shape)) if shape else 1
        values: list[Any] = list(attr.get_values())
        if len(values) == 1 and count > 1:
            values = values * count
        name = self.fresh("const")
        if ctype == "float":
            body = "\n".join(
                "    "
                + ", ".join(float_literal(float(v)) for v in values[i : i + 6])
                + ","
                for i in range(0, len(values), 6)
            )
        else:
            body = c_array([int(v) for v in values])
        self.constants.append(
            f"static const {ctype} {name}[{max(count, 1)}] = {{\n{body}\n}};\n"
        )
        return CBuffer(name, ctype, shape)

    def small_table(self, ctype: str, values: Sequence[int]) -> str:
        """A static table of integers; returns its C name."""
        name = self.fresh("tab")
        self.constants.append(
            f"static const {ctype} {name}[{max(len(values), 1)}] = {{\n{c_array(list(values))}\n}};\n"
        )
        return name

    def param_struct(self, ctype: str, stem: str, fields: Sequence[int | str]) -> str:
        """A static `ctype` struct initialised with `fields`; returns its name."""
        name = self.fresh(stem)
        values = ", ".join(str(v) for v in fields)
        self.constants.append(f"static const {ctype} {name} = {{{values}}};\n")
        return name


OpEmitter = Callable[[Any, Operation, list[str]], None]
"""An `op_*` method: appends the C statements of one op to the list."""
