"""MIPS C for the VR4300 side of a compiled network: `model.h` and `model.c`.

`emit_c(program)` turns an :class:`~n64c.backend.rsp_program.RspProgram`
into two C99 sources:

* `model.h`: sizes and formats of the inputs and outputs, status codes, the
  RSP driver interface (``host_runtime/n64c_rsp.h``, inlined) and the entry
  points ``n64c_model_set_weights``, ``n64c_model_load_weights``,
  ``n64c_model_run`` (float in and out) and ``n64c_model_run_q`` (int16 in
  and out, the formats the graph quantises to and dequantises from);
* `model.c`: the RDRAM arena (static, 16-byte aligned), the ucode images
  as byte arrays, one C statement per op of ``@main``: int16 kernels for the
  ops left on the CPU, packing of tensors into the arena (big-endian, rows
  padded to 8 elements) around each RSP run, quantisation at the boundary
  with exactly the golden model's rounding, float32 kernels (numpy
  semantics) for the graph ops `quantize-int16` leaves in float; and,
  behind ``#ifdef N64``, the driver for libdragon. ``docs/c-api.md`` lists
  the ops that have a kernel; any other op raises
  :class:`UnsupportedModelError` naming it and its place in ``@main``.

This module is the driver: it partitions ``@main``, places the CPU tensors
in static pools, and writes the header, the entry points and the RSP runs.
The kernels and their op emitters live in one module per kind:
`c_int16_kernels` (int16 ops, bit-exact with the golden model),
`c_float_kernels` (float element-wise, linear algebra, 2-D windows),
`c_float_window_kernels` (transposed and 3-D windows), `c_copy_kernels`
(reshapes, concat, slice, gather for any element type); `c_common` holds
what they share.

The portable part uses only C99 and `<stdint.h>`, `<string.h>`, `<stdio.h>`,
`<math.h>`; it builds without warnings with ``gcc -std=c99 -Wall -Wextra``
and ``mips-linux-gnu-gcc -march=vr4300 -mabi=32 -EB``. ``docs/c-api.md``
documents the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from xdsl.dialects import func
from xdsl.ir import BlockArgument, Operation, SSAValue

from n64c.backend.c_common import (
    COMMON_KERNELS,
    SIZEOF,
    CBuffer,
    KernelContext,
    OpEmitter,
    c_ident,
    element_count,
    hex_bytes,
    int_property,
    shape_of,
)
from n64c.backend.c_copy_kernels import COPY_HANDLERS, COPY_KERNELS, CopyOps
from n64c.backend.c_float_kernels import (
    FLOAT_HANDLERS,
    FLOAT_KERNEL_DEPS,
    FLOAT_KERNELS,
    FloatOps,
)
from n64c.backend.c_float_window_kernels import (
    FLOAT_WINDOW_HANDLERS,
    FLOAT_WINDOW_KERNEL_DEPS,
    FLOAT_WINDOW_KERNELS,
    FloatWindowOps,
)
from n64c.backend.c_handoffs import Handoffs, plan_handoffs
from n64c.backend.c_int16_kernels import (
    INT16_HANDLERS,
    INT16_KERNEL_DEPS,
    INT16_KERNELS,
    Int16Ops,
)
from n64c.backend.rsp_program import RspProgram, TensorSlot
from n64c.dialects import n64_graph as g
from n64c.dialects import n64_quant as q
from n64c.dialects.n64_tile import RspInvokeOp
from n64c.errors import UnsupportedModelError
from n64c.sim.float_engine import find_main, input_names, output_names

RSP_HEADER = Path(__file__).resolve().parent / "host_runtime" / "n64c_rsp.h"
WEIGHTS_FILE = "weights.bin"


@dataclass(frozen=True)
class CSources:
    """The generated header and source text."""

    header: str
    source: str
    cpu_buffer_bytes: int = 0
    """Bytes of the static buffers of tensors the CPU works on."""
    cpu_constant_bytes: int = 0
    """Bytes of the constants of ops that stay on the CPU."""


DRIVER_KERNELS: dict[str, str] = {
    "pack": """\
/* int16 rows into the arena: big-endian, each row padded to `padded`. */
static void n64c_pack(uint8_t *dst, const int16_t *src, uint32_t rows,
                      uint32_t cols, uint32_t padded)
{
    uint32_t r, c;
    for (r = 0; r < rows; r++) {
        for (c = 0; c < padded; c++) {
            uint16_t u = c < cols ? (uint16_t)src[r * cols + c] : 0;
            dst[2 * (r * padded + c)] = (uint8_t)(u >> 8);
            dst[2 * (r * padded + c) + 1] = (uint8_t)(u & 0xFFu);
        }
    }
}
""",
    "pack_transposed": """\
/* `n64c_pack` of transpose(x), read straight from x: the transposed
 * tensor's element i (rows x cols, row-major) is at the input offset that
 * follows its index (`n64c_odometer`; rank at most 8). */
static void n64c_pack_transposed(uint8_t *dst, const int16_t *x, uint32_t rows,
                                 uint32_t cols, uint32_t padded, uint32_t rank,
                                 const uint32_t *out_shape,
                                 const uint32_t *src_strides)
{
    uint32_t idx[8], off = 0, r, c, d;
    for (d = 0; d < rank; d++)
        idx[d] = 0;
    for (r = 0; r < rows; r++) {
        for (c = 0; c < padded; c++) {
            uint16_t u = 0;
            if (c < cols) {
                u = (uint16_t)x[off];
                n64c_odometer(idx, &off, rank, out_shape, src_strides);
            }
            dst[2 * (r * padded + c)] = (uint8_t)(u >> 8);
            dst[2 * (r * padded + c) + 1] = (uint8_t)(u & 0xFFu);
        }
    }
}
""",
    "unpack": """\
/* The arena's big-endian padded rows back to int16. */
static void n64c_unpack(int16_t *dst, const uint8_t *src, uint32_t rows,
                        uint32_t cols, uint32_t padded)
{
    uint32_t r, c;
    for (r = 0; r < rows; r++) {
        for (c = 0; c < cols; c++) {
            const uint8_t *p = src + 2 * (r * padded + c);
            int32_t v = ((int32_t)p[0] << 8) | p[1];
            dst[r * cols + c] = (int16_t)(v >= 32768 ? v - 65536 : v);
        }
    }
}
""",
}
"""Kernels of the driver: the int16 arena rows around each RSP run."""

KERNELS: dict[str, str] = {
    **COMMON_KERNELS,
    **DRIVER_KERNELS,
    **INT16_KERNELS,
    **COPY_KERNELS,
    **FLOAT_KERNELS,
    **FLOAT_WINDOW_KERNELS,
}
"""Every kernel the generated C may hold, by name."""

KERNEL_DEPS: dict[str, tuple[str, ...]] = {
    "pack_transposed": ("odometer",),
    **INT16_KERNEL_DEPS,
    **FLOAT_KERNEL_DEPS,
    **FLOAT_WINDOW_KERNEL_DEPS,
}

HANDLERS: dict[type[Operation], OpEmitter] = {
    **INT16_HANDLERS,
    **COPY_HANDLERS,
    **FLOAT_HANDLERS,
    **FLOAT_WINDOW_HANDLERS,
}
"""Every op of `@main` the C back end has a kernel for (besides
`n64.rsp_invoke`), with its emitter."""


# ---------------------------------------------------------------------------
# The emitter
# ---------------------------------------------------------------------------


class _Emitter(Int16Ops, CopyOps, FloatOps, FloatWindowOps, KernelContext):
    kernel_deps = KERNEL_DEPS

    def __init__(self, program: RspProgram, source_name: str) -> None:
        super().__init__()
        self.program = program
        self.source_name = source_name
        main = find_main(program.module)
        self.main = main
        self.invocations = iter(program.invocations)
        self.handoffs = Handoffs()
        self.input_names = input_names(main)
        ret = main.body.block.last_op
        assert isinstance(ret, func.ReturnOp)
        self.ret = ret
        self.output_names = output_names(main)
        self.packed_transposes: dict[SSAValue, q.QTransposeOp] = {}

    # --- ops ----------------------------------------------------------------

    def emit_op(self, op: Operation, out: list[str]) -> None:
        handler = HANDLERS.get(type(op))
        if handler is None and isinstance(op, RspInvokeOp):
            handler = _Emitter.op_invoke
        if handler is None:
            raise UnsupportedModelError(
                f"{op.name} ({self.describe(op)}) stays on the CPU but the C back "
                "end has no kernel for it; docs/c-api.md lists the ops it has "
                "kernels for"
            )
        handler(self, op, out)

    def describe(self, op: Operation) -> str:
        """Where `op` is: its layer name when the importer kept one, its
        index among the ops of @main, its result types and the model
        outputs it computes."""
        ops = list(self.main.body.block.ops)
        parts: list[str] = []
        for key in ("n64.name", "name", "onnx.name"):
            attr = op.attributes.get(key)
            if attr is not None and hasattr(attr, "data"):
                parts.append(f"node {str(attr.data)!r}")  # type: ignore[attr-defined]
                break
        parts.append(f"op {ops.index(op) + 1} of {len(ops)} in @main")
        if op.results:
            parts.append("result " + ", ".join(str(r.type) for r in op.results))
        outputs = [
            self.output_names[i]
            for i, v in enumerate(self.ret.operands)
            if v.owner is op
        ]
        if outputs:
            parts.append("model output " + ", ".join(repr(n) for n in outputs))
        return "; ".join(parts)

    def op_invoke(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, RspInvokeOp)
        inv = next(self.invocations)
        for index, (value, slot) in enumerate(zip(op.inputs, inv.inputs, strict=True)):
            if not self.handoffs.packs(op, index):
                out.append(
                    f"/* input {index}: the previous run left it at arena + "
                    f"{slot.offset} */"
                )
                continue
            transpose = self.packed_transposes.get(value)
            if transpose is not None:
                self.pack_transposed(transpose, slot, out)
                continue
            self.need("pack")
            out.append(
                f"n64c_pack(n64c_arena + {slot.offset}u, {self.buf(value)}, "
                f"{slot.rows}u, {slot.cols}u, {slot.padded_cols}u);"
            )
        for slot in (*inv.inputs, *inv.outputs):
            out.append(f"n64c_rsp_flush(n64c_arena + {slot.offset}u, {slot.nbytes}u);")
        if inv.segment is not None:
            out.append(
                f"n64c_weights_wait(); /* {inv.layers[0]}: weights segment "
                f"{inv.segment} is in its slot */"
            )
            if inv.segment + 1 < len(self.program.segments):
                out.append(
                    f"n64c_stream({inv.segment + 1}u); /* the next one streams "
                    "while the RSP runs */"
                )
        out.append(f"status = n64c_rsp_run(&n64c_job_{c_ident(inv.ucode)});")
        out.append("if (status != N64C_OK) return status;")
        for value, slot in zip(op.outputs, inv.outputs, strict=True):
            if not self.handoffs.unpacks(value):
                continue  # the next run reads it where it is
            self.need("unpack")
            out.append(
                f"n64c_unpack({self.buf(value)}, n64c_arena + {slot.offset}u, "
                f"{slot.rows}u, {slot.cols}u, {slot.padded_cols}u);"
            )

    def pack_transposed(
        self, op: q.QTransposeOp, slot: TensorSlot, out: list[str]
    ) -> None:
        """Pack the result of `op` into `slot`, reading its input through
        the transpose (`n64c_pack_transposed`): no transposed copy."""
        self.need("pack_transposed")
        assert slot.rows * slot.cols == element_count(op.results[0])
        out.append(
            f"n64c_pack_transposed(n64c_arena + {slot.offset}u, "
            f"{self.buf(op.input)}, {slot.rows}u, {slot.cols}u, "
            f"{slot.padded_cols}u, {self.transpose_tables(op)});"
        )

    def transposes_to_pack(self, ops: Sequence[Operation]) -> None:
        """The int16 transposes among `ops` whose only use is an input the
        CPU packs for a run (`packed_transposes`): the pack reads through
        them, so they write no copy."""
        self.packed_transposes.clear()
        for op in ops:
            if not isinstance(op, q.QTransposeOp) or len(shape_of(op.input)) > 8:
                continue
            uses = list(op.results[0].uses)
            if len(uses) != 1 or not isinstance(uses[0].operation, RspInvokeOp):
                continue
            invoke, index = uses[0].operation, uses[0].index
            if self.handoffs.packs(invoke, index):
                self.packed_transposes[op.results[0]] = op

    # --- partition of @main -------------------------------------------------

    def partition(
        self,
    ) -> tuple[list[Operation], list[Operation], list[Operation], bool]:
        """(head, body, tail, run_q possible): head quantises the arguments,
        tail turns the int16 outputs into the returned floats."""
        from n64c.sim.int_engine import int16_source

        ops = [o for o in self.main.body.block.ops if o is not self.ret]
        head: list[Operation] = []
        ok = True
        for arg in self.main.args:
            users = [u.operation for u in arg.uses]
            if len(users) == 1 and isinstance(users[0], q.QuantizeOp):
                head.append(users[0])
            else:
                ok = False
        sources = [int16_source(v) for v in self.ret.operands]
        if any(
            s is None or element_count(s.results[0]) != element_count(v)
            for s, v in zip(sources, self.ret.operands, strict=True)
        ):
            ok = False  # an output is not its int16 tensor in another format
        tail_set: set[Operation] = set()
        if ok:
            roots = [s for s in sources if s is not None]
            tail_set = self._downstream(roots)
            # each output's int16 tensor must come out of the forward pass:
            # no output's dequantize may lie below another one's
            below = self._downstream(
                [u.operation for s in roots for u in s.results[0].uses]
            )
            if any(s in below for s in roots):
                ok = False
        head_set = set(head) if ok else set()
        body = [o for o in ops if o not in head_set and o not in tail_set]
        tail = [o for o in ops if o in tail_set]
        # every tail op must only read body results, constants or tail results
        for op in tail:
            for v in op.operands:
                if isinstance(v, BlockArgument):
                    ok = False
        if not ok:
            return [], ops, [], False
        return [o for o in ops if o in head_set], body, tail, True

    def _downstream(self, starts: Sequence[Operation]) -> set[Operation]:
        """`starts` and every op that uses their results, transitively
        (the return excluded)."""
        found: set[Operation] = set()
        frontier = [op for op in starts if op is not self.ret]
        while frontier:
            op = frontier.pop()
            if op in found:
                continue
            found.add(op)
            for res in op.results:
                for use in res.uses:
                    if use.operation is not self.ret:
                        frontier.append(use.operation)
        return found

    # --- output -------------------------------------------------------------

    def emit(self) -> CSources:
        head, body, tail, has_q = self.partition()
        in_shapes = [shape_of(a) for a in self.main.args]
        out_shapes = [shape_of(v) for v in self.ret.operands]
        for arg, name in zip(
            self.main.args, self._param_names("input", len(in_shapes)), strict=True
        ):
            self.buffers[arg] = CBuffer(name, "float", shape_of(arg))
        self.handoffs = plan_handoffs(
            [*head, *body, *tail], list(self.program.invocations)
        )
        self.transposes_to_pack(body)
        head_lines: list[str] = []
        body_lines: list[str] = []
        tail_lines: list[str] = []
        for op in head:
            self.emit_op(op, head_lines)
        for op in body:
            if isinstance(op, g.ConstantOp) or (
                op.results and op.results[0] in self.packed_transposes
            ):
                continue
            self.emit_op(op, body_lines)
        for op in tail:
            if isinstance(op, g.ConstantOp):
                continue
            self.emit_op(op, tail_lines)
        in_q = [self.buf(o.results[0]) for o in head]
        from n64c.sim.int_engine import int16_source

        out_q: list[str] = []
        out_frac: list[int | None] = []
        for v in self.ret.operands:
            src = int16_source(v)
            out_frac.append(int_property(src, "frac_bits") if src is not None else None)
            if has_q and src is not None:
                out_q.append(self.buf(src.input))
        in_frac = [int_property(o, "frac_bits") for o in head] if has_q else []
        keep = {*self.ret.operands}
        for v in self.ret.operands:
            src = int16_source(v)
            if src is not None:
                keep.add(src.input)
        seq = [o for o in (*head, *body, *tail) if not isinstance(o, g.ConstantOp)]
        self.plan_pools(seq, keep)
        header = self.header(in_shapes, out_shapes, in_frac, out_frac, has_q)
        source = self.source(head_lines, body_lines, tail_lines, in_q, out_q, has_q)
        scratch = sum(size * SIZEOF[ctype] for ctype, size in self.pool_sizes.items())
        constant_bytes = sum(
            b.size * SIZEOF[b.ctype]
            for v, b in self.buffers.items()
            if isinstance(v.owner, g.ConstantOp)
        )
        return CSources(header, source, scratch, constant_bytes)

    def plan_pools(self, seq: list[Operation], keep: set[SSAValue]) -> None:
        """Place the CPU tensors in one static pool per element type, reusing
        space by liveness over the op sequence `seq` (an op's results never
        share space with its operands; `keep` lives to the end)."""
        first: dict[SSAValue, int] = {}
        last: dict[SSAValue, int] = {}
        for i, op in enumerate(seq):
            for v in op.operands:
                if v in self.buffers:
                    first.setdefault(v, i)
                    last[v] = i
            for v in op.results:
                if v in self.buffers:
                    first.setdefault(v, i)
                    last[v] = max(last.get(v, i), i)
        values = [
            v
            for v, b in self.buffers.items()
            if not isinstance(v, BlockArgument)
            and not isinstance(v.owner, g.ConstantOp)
        ]
        for v in values:
            first.setdefault(v, 0)
            last[v] = len(seq) if v in keep else last.get(v, first[v])
        self.offsets: dict[SSAValue, int] = {}
        self.pool_sizes: dict[str, int] = {}
        placed: dict[str, list[tuple[int, int, int, int]]] = {}
        for v in sorted(values, key=lambda v: (first[v], -self.buffers[v].size)):
            b = self.buffers[v]
            size = (max(b.size, 1) + 7) // 8 * 8
            busy = sorted(
                (start, end)
                for start, end, lo, hi in placed.get(b.ctype, [])
                if not (hi < first[v] or last[v] < lo)
            )
            offset = 0
            for start, end in busy:
                if offset + size <= start:
                    break
                offset = max(offset, end)
            placed.setdefault(b.ctype, []).append(
                (offset, offset + size, first[v], last[v])
            )
            self.offsets[v] = offset
            self.pool_sizes[b.ctype] = max(
                self.pool_sizes.get(b.ctype, 0), offset + size
            )

    @staticmethod
    def _param_names(stem: str, count: int) -> list[str]:
        return [stem] if count == 1 else [f"{stem}{i}" for i in range(count)]

    def header(
        self,
        in_shapes: list[tuple[int, ...]],
        out_shapes: list[tuple[int, ...]],
        in_frac: list[int],
        out_frac: list[int | None],
        has_q: bool,
    ) -> str:
        layout = self.program.layout
        lines = [
            f"/* model.h: generated by n64c from {self.source_name}; do not edit.",
            " *",
            " * Entry points (all return N64C_OK or a negative N64C_ERR_* code):",
            ' *   n64c_model_load_weights(path)  read weights.bin ("rom:/weights.bin" on',
            " *                                  the console, after dfs_init)",
            " *   n64c_model_set_weights(p, n)   or hand in the blob already in memory",
            *(
                [
                    " *                                  (weights in the cartridge: its",
                    " *                                  address there, 0xB0000000 + offset)",
                ]
                if self.in_rom
                else []
            ),
            " *   n64c_model_run(in.., out..)    float32 in and out",
        ]
        if has_q:
            lines.append(
                " *   n64c_model_run_q(in.., out..)  int16 in and out (formats below)"
            )
        lines += [
            " * Inputs and outputs are dense row-major arrays of the sizes below.",
            " */",
        ]
        lines += ["#ifndef N64C_MODEL_H", "#define N64C_MODEL_H", ""]
        lines.append(RSP_HEADER.read_text().rstrip())
        lines.append("")
        lines.append("#ifdef __cplusplus")
        lines.append('extern "C" {')
        lines.append("#endif")
        lines.append("")
        lines.append(f"#define N64C_MODEL_NUM_INPUTS {len(in_shapes)}")
        lines.append(f"#define N64C_MODEL_NUM_OUTPUTS {len(out_shapes)}")
        for i, (name, shape) in enumerate(
            zip(self.input_names, in_shapes, strict=True)
        ):
            lines.append(f'/* input {i}: "{name}" {list(shape)} */')
            lines.append(f"#define N64C_MODEL_INPUT{i}_SIZE {int(np.prod(shape))}u")
            if has_q:
                lines.append(f"#define N64C_MODEL_INPUT{i}_FRAC_BITS {in_frac[i]}")
        for i, (name, shape) in enumerate(
            zip(self.output_names, out_shapes, strict=True)
        ):
            lines.append(f'/* output {i}: "{name}" {list(shape)} */')
            lines.append(f"#define N64C_MODEL_OUTPUT{i}_SIZE {int(np.prod(shape))}u")
            if has_q and out_frac[i] is not None:
                lines.append(f"#define N64C_MODEL_OUTPUT{i}_FRAC_BITS {out_frac[i]}")
        sizes_in = ", ".join(f"N64C_MODEL_INPUT{i}_SIZE" for i in range(len(in_shapes)))
        sizes_out = ", ".join(
            f"N64C_MODEL_OUTPUT{i}_SIZE" for i in range(len(out_shapes))
        )
        lines += [
            f"#define N64C_MODEL_INPUT_SIZES {{{sizes_in}}}",
            f"#define N64C_MODEL_OUTPUT_SIZES {{{sizes_out}}}",
            f"#define N64C_MODEL_HAS_RUN_Q {1 if has_q else 0}",
            f'#define N64C_MODEL_WEIGHTS_FILE "{WEIGHTS_FILE}"',
            f"#define N64C_MODEL_WEIGHTS_SIZE {layout.weights_size}u",
            f"#define N64C_MODEL_ARENA_SIZE {self.arena_size()}u",
            f"#define N64C_MODEL_RSP_RUNS {len(self.program.invocations)}",
            f"#define N64C_MODEL_RSP_CYCLES {self.program.cycles}u /* per inference, cycle model */",
            f"#define N64C_MODEL_WEIGHTS_IN_ROM {1 if self.in_rom else 0}",
            f"#define N64C_MODEL_STAGING_SIZE {layout.staging_size}u",
            f"#define N64C_MODEL_WEIGHT_SEGMENTS {len(self.program.segments)}",
            "",
            "int n64c_model_set_weights(const void *blob, uint32_t size);",
            "int n64c_model_load_weights(const char *path);",
            f"int n64c_model_run({self._signature('const float', 'float', len(in_shapes), len(out_shapes))});",
            "/* The same with arrays of pointers, in input / output order. */",
            "int n64c_model_run_v(const float *const *inputs, float *const *outputs);",
        ]
        if has_q:
            lines += [
                f"int n64c_model_run_q({self._signature('const int16_t', 'int16_t', len(in_shapes), len(out_shapes))});",
                "int n64c_model_run_qv(const int16_t *const *inputs, int16_t *const *outputs);",
            ]
        lines += [
            "",
            "#ifdef __cplusplus",
            "}",
            "#endif",
            "",
            "#endif /* N64C_MODEL_H */",
            "",
        ]
        return "\n".join(lines)

    def _signature(self, in_type: str, out_type: str, n_in: int, n_out: int) -> str:
        ins = [f"{in_type} *{n}" for n in self._param_names("input", n_in)]
        outs = [f"{out_type} *{n}" for n in self._param_names("output", n_out)]
        return ", ".join(ins + outs)

    @property
    def in_rom(self) -> bool:
        """Whether the weights stay in the cartridge and are streamed."""
        return self.program.layout.weights_in == "rom"

    def arena_size(self) -> int:
        return (self.program.layout.total_size + 15) // 16 * 16 or 16

    def source(
        self,
        head: list[str],
        body: list[str],
        tail: list[str],
        in_q: list[str],
        out_q: list[str],
        has_q: bool,
    ) -> str:
        layout = self.program.layout
        n_in, n_out = len(self.main.args), len(self.ret.operands)
        p: list[str] = [
            f"/* model.c: generated by n64c from {self.source_name}; do not edit.",
            " *",
            f" * {len(self.program.invocations)} RSP run(s) per inference, "
            f"{self.program.macs} MACs, {self.program.cycles} RSP cycles (cycle model).",
            f" * RDRAM arena: {self.arena_size()} bytes (weights at {layout.weights_offset},"
            f" {layout.weights_size} bytes; activations at {layout.activations_offset},"
            f" {layout.activations_size} bytes).",
            " */",
            '#include "model.h"',
            "",
            "#include <math.h>",
            "#include <stddef.h>",
            "#include <stdio.h>",
            "#include <string.h>",
            "",
            "#if defined(__GNUC__)",
            "#define N64C_ALIGN(n) __attribute__((aligned(n)))",
            "#else",
            "#define N64C_ALIGN(n)",
            "#endif",
            "",
            "/* The RDRAM arena the RSP works in: weights, then activations. */"
            if not self.in_rom
            else "/* The RDRAM arena the RSP works in: two weight staging slots, then"
            "\n * activations. */",
            "static uint8_t n64c_arena[N64C_MODEL_ARENA_SIZE] N64C_ALIGN(16);",
            "static int n64c_weights_ready;",
            "",
        ]
        if self.in_rom:
            p[p.index("#include <math.h>")] = "#include <math.h>\n#include <stdlib.h>"
            p += self.stream_source()
        # ucodes
        for name, image in self.program.ucodes.items():
            ident = c_ident(name)
            slot = next(
                (i.base_slot for i in self.program.invocations if i.ucode == name), 0
            )
            imem = image.imem + b"\0" * (-len(image.imem) % 8)
            dmem_len = max(len(image.dmem), slot + 4)
            dmem = image.dmem + b"\0" * (dmem_len - len(image.dmem))
            dmem += b"\0" * (-len(dmem) % 8)
            p.append(
                f"/* ucode {name}: IMEM {len(imem)} bytes, DMEM {len(dmem)} bytes */"
            )
            p.append(
                f"static const uint8_t n64c_{ident}_imem[{len(imem)}] N64C_ALIGN(16) = {{"
            )
            p.append(hex_bytes(imem))
            p.append("};")
            p.append(
                f"static const uint8_t n64c_{ident}_dmem[{len(dmem)}] N64C_ALIGN(16) = {{"
            )
            p.append(hex_bytes(dmem))
            p.append("};")
            p.append(
                f"static const n64c_rsp_job n64c_job_{ident} = {{n64c_{ident}_imem, "
                f"{len(imem)}u, n64c_{ident}_dmem, {len(dmem)}u, {slot}u, n64c_arena, "
                "N64C_MODEL_ARENA_SIZE};"
            )
            p.append("")
        for kernel in self.kernels:
            p.append(KERNELS[kernel])
        p.extend(self.constants)
        if self.constants:
            p.append("")
        bufs = [
            b
            for v, b in self.buffers.items()
            if not isinstance(v, BlockArgument)
            and not isinstance(v.owner, g.ConstantOp)
        ]
        if bufs:
            p.append(
                "/* Tensors the CPU works on, one pool per element type, space "
                "reused by liveness. */"
            )
        for ctype, size in self.pool_sizes.items():
            p.append(f"static {ctype} n64c_pool_{ctype}[{size}] N64C_ALIGN(16);")
        for v, b in self.buffers.items():
            if v in self.offsets:
                p.append(
                    f"#define {b.name} (n64c_pool_{b.ctype} + {self.offsets[v]}) "
                    f"/* {b.size} */"
                )
        p.append("")
        p += self.weights_entry_points() if self.in_rom else []
        p += (
            []
            if self.in_rom
            else [
                "int n64c_model_set_weights(const void *blob, uint32_t size)",
                "{",
                "    if (size != N64C_MODEL_WEIGHTS_SIZE)",
                "        return N64C_ERR_WEIGHTS_SIZE;",
                "    if (size > 0)",
                f"        memcpy(n64c_arena + {layout.weights_offset}u, blob, size);",
                "    n64c_rsp_flush(n64c_arena, N64C_MODEL_ARENA_SIZE);",
                "    n64c_weights_ready = 1;",
                "    return N64C_OK;",
                "}",
                "",
                "int n64c_model_load_weights(const char *path)",
                "{",
                '    FILE *f = fopen(path, "rb");',
                "    size_t got;",
                "    int extra;",
                "    if (f == NULL)",
                "        return N64C_ERR_IO;",
                f"    got = fread(n64c_arena + {layout.weights_offset}u, 1, N64C_MODEL_WEIGHTS_SIZE, f);",
                "    extra = fgetc(f);",
                "    fclose(f);",
                "    if (got != N64C_MODEL_WEIGHTS_SIZE || extra != EOF)",
                "        return N64C_ERR_WEIGHTS_SIZE;",
                "    n64c_rsp_flush(n64c_arena, N64C_MODEL_ARENA_SIZE);",
                "    n64c_weights_ready = 1;",
                "    return N64C_OK;",
                "}",
                "",
            ]
        )
        ready = [
            "    int status = N64C_OK;",
            "    if (!n64c_weights_ready && N64C_MODEL_WEIGHTS_SIZE > 0)",
            "        return N64C_ERR_NO_WEIGHTS;",
        ]
        if self.program.segments:
            ready.append("    n64c_stream(0u); /* the first layer's weights */")
        if has_q:
            p += [
                "/* Everything between the quantised inputs and the int16 outputs. */",
                "static int n64c_forward(void)",
                "{",
                *ready,
            ]
            p += ["    " + line for line in body]
            p += ["    return status;", "}", ""]
        sig = self._signature("const float", "float", n_in, n_out)
        in_names = self._param_names("input", n_in)
        out_names = self._param_names("output", n_out)
        p += [f"int n64c_model_run({sig})", "{"]
        if has_q:
            p += ["    int status;"]
            p += ["    " + line for line in head]
            p += [
                "    status = n64c_forward();",
                "    if (status != N64C_OK)",
                "        return status;",
            ]
        else:
            # no int16 entry point: the whole graph runs here, reading the
            # float inputs directly
            p += ready
            p += ["    " + line for line in (*head, *body)]
            p += ["    if (status != N64C_OK)", "        return status;"]
        p += ["    " + line for line in tail]
        for i, v in enumerate(self.ret.operands):
            src = self.buf(v)
            p.append(
                f"    memcpy({out_names[i]}, {src}, N64C_MODEL_OUTPUT{i}_SIZE * sizeof(float));"
            )
        p += ["    return N64C_OK;", "}", ""]
        args_in = ", ".join(f"inputs[{i}]" for i in range(n_in))
        args_out = ", ".join(f"outputs[{i}]" for i in range(n_out))
        p += [
            "int n64c_model_run_v(const float *const *inputs, float *const *outputs)",
            "{",
            f"    return n64c_model_run({args_in}, {args_out});",
            "}",
            "",
        ]
        if has_q:
            sig_q = self._signature("const int16_t", "int16_t", n_in, n_out)
            p += [f"int n64c_model_run_q({sig_q})", "{", "    int status;"]
            for i, name in enumerate(in_q):
                p.append(
                    f"    memcpy({name}, {in_names[i]}, N64C_MODEL_INPUT{i}_SIZE * sizeof(int16_t));"
                )
            p += [
                "    status = n64c_forward();",
                "    if (status != N64C_OK)",
                "        return status;",
            ]
            for i, name in enumerate(out_q):
                p.append(
                    f"    memcpy({out_names[i]}, {name}, N64C_MODEL_OUTPUT{i}_SIZE * sizeof(int16_t));"
                )
            p += ["    return N64C_OK;", "}", ""]
            p += [
                "int n64c_model_run_qv(const int16_t *const *inputs, int16_t *const *outputs)",
                "{",
                f"    return n64c_model_run_q({args_in}, {args_out});",
                "}",
                "",
            ]
        p.append(_N64_DRIVER if not self.in_rom else _N64_DRIVER + _N64_WEIGHTS_DRIVER)
        return "\n".join(p)

    def stream_source(self) -> list[str]:
        """The segment table and `n64c_stream` (weights in the cartridge)."""
        segments = self.program.segments
        lines = [
            "/* The weights stay in the cartridge (or, on a host, in the weights",
            " * file read into memory): each layer's segment of the blob is read into",
            " * a staging slot of the arena while the RSP works on the previous one.",
            " * {blob offset, bytes, arena offset} per segment, in program order. */",
            "static const uint8_t *n64c_weights_blob;",
            "static uint8_t *n64c_weights_owned;",
        ]
        if segments:
            lines.append(
                f"static const uint32_t n64c_segments[{len(segments)}][3] = {{"
            )
            lines += [
                f"    {{{seg.blob_offset}u, {seg.size}u, {seg.staging_offset}u}}, "
                f"/* {seg.layer} */"
                for seg in segments
            ]
            lines += [
                "};",
                "",
                "/* Starts reading segment `s` into its staging slot. */",
                "static void n64c_stream(uint32_t s)",
                "{",
                "    n64c_weights_start(n64c_arena + n64c_segments[s][2],",
                "                       n64c_weights_blob + n64c_segments[s][0],",
                "                       n64c_segments[s][1]);",
                "}",
            ]
        lines.append("")
        return lines

    @staticmethod
    def weights_entry_points() -> list[str]:
        """`n64c_model_set_weights` / `_load_weights` for weights in the
        cartridge: they record where the blob is; nothing is copied yet."""
        return [
            "int n64c_model_set_weights(const void *blob, uint32_t size)",
            "{",
            "    if (size != N64C_MODEL_WEIGHTS_SIZE)",
            "        return N64C_ERR_WEIGHTS_SIZE;",
            "    n64c_weights_blob = (const uint8_t *)blob;",
            "    n64c_rsp_flush(n64c_arena, N64C_MODEL_ARENA_SIZE);",
            "    n64c_weights_ready = 1;",
            "    return N64C_OK;",
            "}",
            "",
            "/* On a host the weights file stands in for the cartridge: it is read",
            " * into memory once, and each segment is copied from there. */",
            "int n64c_model_load_weights(const char *path)",
            "{",
            '    FILE *f = fopen(path, "rb");',
            "    uint8_t *blob;",
            "    size_t got;",
            "    int extra;",
            "    if (f == NULL)",
            "        return N64C_ERR_IO;",
            "    blob = (uint8_t *)malloc(N64C_MODEL_WEIGHTS_SIZE + 1u);",
            "    if (blob == NULL) {",
            "        fclose(f);",
            "        return N64C_ERR_IO;",
            "    }",
            "    got = fread(blob, 1, N64C_MODEL_WEIGHTS_SIZE, f);",
            "    extra = fgetc(f);",
            "    fclose(f);",
            "    if (got != N64C_MODEL_WEIGHTS_SIZE || extra != EOF) {",
            "        free(blob);",
            "        return N64C_ERR_WEIGHTS_SIZE;",
            "    }",
            "    free(n64c_weights_owned);",
            "    n64c_weights_owned = blob;",
            "    return n64c_model_set_weights(blob, N64C_MODEL_WEIGHTS_SIZE);",
            "}",
            "",
        ]


_N64_DRIVER = """\
#ifdef N64
/* The RSP driver on the console, with libdragon's low-level RSP API. It
 * takes the RSP over for each run: call it while rspq is idle (or not
 * initialised); see docs/c-api.md. */
#include <libdragon.h>

static uint8_t n64c_rsp_dmem[4096] N64C_ALIGN(16);
static int n64c_rsp_ready;

void n64c_rsp_flush(void *p, uint32_t size)
{
    if (size > 0)
        data_cache_hit_writeback_invalidate(p, size);
}

int n64c_rsp_run(const n64c_rsp_job *job)
{
    uint32_t address = (uint32_t)PhysicalAddr(job->arena);
    if (job->dmem_size > sizeof n64c_rsp_dmem || job->base_slot + 4 > job->dmem_size)
        return N64C_ERR_RSP;
    if (!n64c_rsp_ready) {
        rsp_init();
        n64c_rsp_ready = 1;
    }
    memcpy(n64c_rsp_dmem, job->dmem, job->dmem_size);
    n64c_rsp_dmem[job->base_slot] = (uint8_t)(address >> 24);
    n64c_rsp_dmem[job->base_slot + 1] = (uint8_t)(address >> 16);
    n64c_rsp_dmem[job->base_slot + 2] = (uint8_t)(address >> 8);
    n64c_rsp_dmem[job->base_slot + 3] = (uint8_t)address;
    data_cache_hit_writeback(n64c_rsp_dmem, job->dmem_size);
    data_cache_hit_writeback(job->imem, job->imem_size);
    rsp_load_code((void *)job->imem, job->imem_size, 0);
    rsp_load_data(n64c_rsp_dmem, job->dmem_size, 0);
    rsp_run();
    return N64C_OK;
}
#endif /* N64 */
"""


_N64_WEIGHTS_DRIVER = """\
#ifdef N64
/* Weights from the cartridge with libdragon's PI DMA: `src` is the blob's
 * cartridge address (0xB0000000 + offset, e.g. from dfs_rom_addr). */
static uint8_t *n64c_weights_dst;
static uint32_t n64c_weights_size;

void n64c_weights_start(uint8_t *dst, const uint8_t *src, uint32_t size)
{
    dma_wait();
    data_cache_hit_writeback_invalidate(dst, size);
    n64c_weights_dst = dst;
    n64c_weights_size = size;
    dma_read_raw_async(dst, (unsigned long)PhysicalAddr(src), size);
}

void n64c_weights_wait(void)
{
    dma_wait();
    if (n64c_weights_size > 0)
        data_cache_hit_invalidate(n64c_weights_dst, n64c_weights_size);
    n64c_weights_size = 0;
}
#endif /* N64 */
"""


def emit_c(program: RspProgram, source_name: str = "the model") -> CSources:
    """`model.h` and `model.c` for a compiled network (see the module doc).

    Raises :class:`UnsupportedModelError` when an op that stays on the CPU
    has no C kernel.
    """
    return _Emitter(program, source_name).emit()


def weights_blob(program: RspProgram) -> bytes:
    """The big-endian weights file (`weights.bin`) of a compiled network."""
    return program.weights


__all__ = ["WEIGHTS_FILE", "CSources", "emit_c", "weights_blob"]
