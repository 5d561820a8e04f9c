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

The portable part uses only C99 and `<stdint.h>`, `<string.h>`, `<stdio.h>`,
`<math.h>`; it builds without warnings with ``gcc -std=c99 -Wall -Wextra``
and ``mips-linux-gnu-gcc -march=vr4300 -mabi=32 -EB``. ``docs/c-api.md``
documents the API.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    Float32Type,
    IntegerType,
    TensorType,
)
from xdsl.ir import BlockArgument, Operation, SSAValue

from n64c.backend.rsp_program import RspProgram
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


@dataclass
class _Buffer:
    name: str
    ctype: str
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


_SIZEOF = {"float": 4, "int16_t": 2, "int32_t": 4}


def _shape(value: SSAValue) -> tuple[int, ...]:
    typ = value.type
    assert isinstance(typ, TensorType)
    return tuple(int(d) for d in typ.get_shape())


def _ctype(value: SSAValue) -> str:
    typ = value.type
    assert isinstance(typ, TensorType)
    element = typ.element_type
    if isinstance(element, Float32Type):
        return "float"
    if isinstance(element, IntegerType) and element.width.data in (16, 32):
        return f"int{element.width.data}_t"
    raise UnsupportedModelError(f"the C back end has no type for {element}")


def _count(value: SSAValue) -> int:
    return int(np.prod(_shape(value)))


def _bound(value: float | None, unbounded: str) -> str:
    """A clamp bound as a C float; `unbounded` (an infinity) when absent."""
    return unbounded if value is None else _float_literal(value)


def _ints(attr: Any) -> list[int]:
    assert isinstance(attr, DenseArrayBase)
    return [int(v) for v in attr.get_values()]


def _int(op: Operation, name: str) -> int:
    return int(getattr(op, name).value.data)


def _float_literal(value: float) -> str:
    """A C float literal that reads back as exactly `value` (float32)."""
    v = float(np.float32(value))
    if v != v:
        return "(0.0f / 0.0f)"
    if v in (float("inf"), float("-inf")):
        return "(1.0f / 0.0f)" if v > 0 else "(-1.0f / 0.0f)"
    return f"{float.hex(v)}f" if v != int(v) or abs(v) > 2**24 else f"{v!r}f"


def _c_array(values: Sequence[int], per_line: int = 12) -> str:
    lines = []
    for i in range(0, len(values), per_line):
        lines.append("    " + ", ".join(str(v) for v in values[i : i + per_line]) + ",")
    return "\n".join(lines) if lines else "    0,"


def _hex_bytes(data: bytes) -> str:
    lines = []
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join(f"0x{b:02x}" for b in data[i : i + 16]) + ",")
    return "\n".join(lines) if lines else "    0x00,"


def _ident(text: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in text)
    return out if out and not out[0].isdigit() else f"_{out}"


# ---------------------------------------------------------------------------
# Kernels: C text emitted once each, on first use
# ---------------------------------------------------------------------------

_KERNELS: dict[str, str] = {
    "asr": """\
/* floor(v / 2^s): an arithmetic shift right that does not rely on the
 * compiler's choice for negative numbers. */
static int32_t n64c_asr(int32_t v, int s)
{
    return v < 0 ? ~(~v >> s) : v >> s;
}
""",
    "requant": """\
/* clamp(sat16(acc >> s), lo, hi): the requantisation of the int16 ops. */
static int16_t n64c_requant(int32_t acc, int s, int32_t lo, int32_t hi)
{
    int32_t v = n64c_asr(acc, s);
    if (v > 32767) v = 32767;
    if (v < -32768) v = -32768;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (int16_t)v;
}
""",
    "wrap32": """\
/* The sum reduced modulo 2^32 into int32 (the RSP accumulator wraps). */
static int32_t n64c_wrap32(int64_t v)
{
    uint32_t u = (uint32_t)((uint64_t)v & 0xFFFFFFFFu);
    return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) - 0x7FFFFFFF - 1
                            : (int32_t)u;
}
""",
    "quantize": """\
/* q = sat16(floor(x * 2^f + 0.5)), each step in float32; NaN gives 0.
 * Exactly the golden model's n64.quantize. */
static void n64c_quantize(const float *x, int16_t *out, uint32_t n, float scale)
{
    uint32_t i;
    for (i = 0; i < n; i++) {
        float t = x[i] * scale;
        int32_t v;
        t = t + 0.5f;
        if (t != t) {
            v = 0;
        } else if (t >= 32767.0f) {
            v = 32767;
        } else if (t <= -32768.0f) {
            v = -32768;
        } else {
            v = (int32_t)t; /* truncation; step down to the floor */
            if ((float)v > t) v -= 1;
        }
        out[i] = (int16_t)v;
    }
}
""",
    "dequantize": """\
/* x = q * 2^-f (exact in float32). */
static void n64c_dequantize(const int16_t *in, float *out, uint32_t n, float scale)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        out[i] = (float)in[i] * scale;
}
""",
    "softmax": """\
/* Softmax over the middle axis of [outer, len, inner], in float. */
static void n64c_softmax(const float *x, float *y, uint32_t outer, uint32_t len,
                         uint32_t inner)
{
    uint32_t o, i, k;
    for (o = 0; o < outer; o++) {
        for (k = 0; k < inner; k++) {
            const float *xs = x + (size_t)o * len * inner + k;
            float *ys = y + (size_t)o * len * inner + k;
            float top = xs[0], sum = 0.0f;
            for (i = 1; i < len; i++)
                if (xs[i * inner] > top) top = xs[i * inner];
            for (i = 0; i < len; i++) {
                ys[i * inner] = expf(xs[i * inner] - top);
                sum += ys[i * inner];
            }
            for (i = 0; i < len; i++)
                ys[i * inner] = ys[i * inner] / sum;
        }
    }
}
""",
    "relu": """\
/* numpy's maximum(x, 0): NaN and -0.0 pass through. */
static void n64c_relu(const float *x, float *y, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = x[i] < 0.0f ? 0.0f : x[i];
}
""",
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
    "qgemm": """\
/* n64.qgemm: y[m,n] = clamp(sat16(wrap32(b[n] + sum_k x[m,k] w[k,n]) >> s[n])). */
static void n64c_qgemm(const int16_t *x, const int16_t *w, const int32_t *b,
                       const int8_t *shifts, int16_t *y, uint32_t m_count,
                       uint32_t k_count, uint32_t n_count, int32_t lo, int32_t hi)
{
    uint32_t m, k, n;
    for (m = 0; m < m_count; m++) {
        for (n = 0; n < n_count; n++) {
            int64_t acc = b != 0 ? b[n] : 0;
            for (k = 0; k < k_count; k++)
                acc += (int32_t)x[m * k_count + k] * (int32_t)w[k * n_count + n];
            y[m * n_count + n] = n64c_requant(n64c_wrap32(acc), shifts[n], lo, hi);
        }
    }
}
""",
    "qconv2d": """\
/* n64.qconv2d on one image [C,H,W] with weights [O,C/g,KH,KW], zero padding. */
typedef struct n64c_conv {
    uint32_t c, h, w, o, oh, ow, kh, kw, group;
    int32_t sh, sw, pt, pl, dh, dw, lo, hi;
} n64c_conv;

static void n64c_qconv2d(const n64c_conv *p, const int16_t *x, const int16_t *w,
                         const int32_t *b, const int8_t *shifts, int16_t *y)
{
    uint32_t cg = p->c / p->group, og = p->o / p->group;
    uint32_t o, oy, ox, c, i, j;
    for (o = 0; o < p->o; o++) {
        uint32_t c0 = (o / og) * cg;
        for (oy = 0; oy < p->oh; oy++) {
            for (ox = 0; ox < p->ow; ox++) {
                int64_t acc = b != 0 ? b[o] : 0;
                for (c = 0; c < cg; c++) {
                    for (i = 0; i < p->kh; i++) {
                        int32_t iy = (int32_t)oy * p->sh + (int32_t)i * p->dh - p->pt;
                        if (iy < 0 || iy >= (int32_t)p->h) continue;
                        for (j = 0; j < p->kw; j++) {
                            int32_t ix = (int32_t)ox * p->sw + (int32_t)j * p->dw - p->pl;
                            if (ix < 0 || ix >= (int32_t)p->w) continue;
                            acc += (int32_t)x[((c0 + c) * p->h + (uint32_t)iy) * p->w
                                              + (uint32_t)ix]
                                 * (int32_t)w[((o * cg + c) * p->kh + i) * p->kw + j];
                        }
                    }
                }
                y[(o * p->oh + oy) * p->ow + ox] =
                    n64c_requant(n64c_wrap32(acc), shifts[o], p->lo, p->hi);
            }
        }
    }
}
""",
    "pool": """\
/* A pooling window walk on [C,H,W]: kind 0 = max (padding never wins),
 * kind 1 = average (zero padding, acc = m * sum + 2^(s-1), sat16(acc >> s)). */
typedef struct n64c_pool {
    uint32_t c, h, w, oh, ow, kh, kw;
    int32_t sh, sw, pt, pl, dh, dw, kind, multiplier, shift;
} n64c_pool;

static void n64c_qpool(const n64c_pool *p, const int16_t *x, int16_t *y)
{
    uint32_t c, oy, ox, i, j;
    for (c = 0; c < p->c; c++) {
        for (oy = 0; oy < p->oh; oy++) {
            for (ox = 0; ox < p->ow; ox++) {
                int32_t best = -32768;
                int64_t sum = 0;
                for (i = 0; i < p->kh; i++) {
                    int32_t iy = (int32_t)oy * p->sh + (int32_t)i * p->dh - p->pt;
                    if (iy < 0 || iy >= (int32_t)p->h) continue;
                    for (j = 0; j < p->kw; j++) {
                        int32_t ix = (int32_t)ox * p->sw + (int32_t)j * p->dw - p->pl;
                        int32_t v;
                        if (ix < 0 || ix >= (int32_t)p->w) continue;
                        v = x[(c * p->h + (uint32_t)iy) * p->w + (uint32_t)ix];
                        if (v > best) best = v;
                        sum += v;
                    }
                }
                if (p->kind == 0) {
                    y[(c * p->oh + oy) * p->ow + ox] = (int16_t)best;
                } else {
                    int64_t acc = sum * p->multiplier + ((int64_t)1 << (p->shift - 1));
                    y[(c * p->oh + oy) * p->ow + ox] =
                        n64c_requant(n64c_wrap32(acc), p->shift, -32768, 32767);
                }
            }
        }
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
    "qadd": """\
/* n64.qadd: acc = a * 2^ka + b * 2^kb + 2^(s-1); y = clamp(sat16(acc >> s)). */
static void n64c_qadd(const int16_t *a, const int16_t *b, int16_t *y, uint32_t n,
                      uint32_t rank, const uint32_t *shape, const uint32_t *sa,
                      const uint32_t *sb, int ka, int kb, int s, int32_t lo,
                      int32_t hi)
{
    uint32_t i;
    for (i = 0; i < n; i++) {
        int64_t acc = (int64_t)a[n64c_bcast(i, rank, shape, sa)] * ((int64_t)1 << ka)
                    + (int64_t)b[n64c_bcast(i, rank, shape, sb)] * ((int64_t)1 << kb)
                    + ((int64_t)1 << (s - 1));
        y[i] = n64c_requant(n64c_wrap32(acc), s, lo, hi);
    }
}
""",
    "qrescale": """\
/* n64.qrescale: acc = x * 2^k + 2^(s-1); y = clamp(sat16(acc >> s), lo, hi). */
static void n64c_qrescale(const int16_t *x, int16_t *y, uint32_t n, int k, int s,
                          int32_t lo, int32_t hi)
{
    uint32_t i;
    for (i = 0; i < n; i++) {
        int64_t acc = (int64_t)x[i] * ((int64_t)1 << k) + ((int64_t)1 << (s - 1));
        y[i] = n64c_requant(n64c_wrap32(acc), s, lo, hi);
    }
}
""",
    "qclamp": """\
static void n64c_qclamp(const int16_t *x, int16_t *y, uint32_t n, int32_t lo,
                        int32_t hi)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = (int16_t)(x[i] < lo ? lo : x[i] > hi ? hi : x[i]);
}
""",
    "transpose": """\
/* y = transpose(x): `src_strides[d]` is the input stride of output axis d. */
static void n64c_transpose16(const int16_t *x, int16_t *y, uint32_t n,
                             uint32_t rank, const uint32_t *out_shape,
                             const uint32_t *src_strides)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = x[n64c_bcast(i, rank, out_shape, src_strides)];
}
""",
    # --- float kernels for the ops that stay in float on the CPU: numpy's
    # float32 semantics, every step in float (see docs/c-api.md) ---
    "clampf": """\
/* y = min(max(x, lo), hi), as numpy's clip (NaN stays NaN); in place is fine. */
static void n64c_clampf(const float *x, float *y, uint32_t n, float lo, float hi)
{
    uint32_t i;
    for (i = 0; i < n; i++) {
        float v = x[i] < lo ? lo : x[i];
        y[i] = v > hi ? hi : v;
    }
}
""",
    "leaky_relu": """\
static void n64c_leaky_relu(const float *x, float *y, uint32_t n, float alpha)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = x[i] >= 0.0f ? x[i] : x[i] * alpha;
}
""",
    "sigmoid": """\
/* 0.5 * (tanh(0.5 * x) + 1): the float engine's form, which never overflows. */
static void n64c_sigmoid(const float *x, float *y, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = 0.5f * (tanhf(0.5f * x[i]) + 1.0f);
}
""",
    "tanh": """\
static void n64c_tanh(const float *x, float *y, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = tanhf(x[i]);
}
""",
    "binaryf": """\
/* y = a + b (kind 0), a - b (1) or a * b (2) with numpy broadcasting: the
 * stride tables map y's flat index into each operand (null: same shape). */
static void n64c_binaryf(const float *a, const float *b, float *y, uint32_t n,
                         uint32_t rank, const uint32_t *shape, const uint32_t *sa,
                         const uint32_t *sb, int kind)
{
    uint32_t i;
    for (i = 0; i < n; i++) {
        float u = a[sa != 0 ? n64c_bcast(i, rank, shape, sa) : i];
        float v = b[sb != 0 ? n64c_bcast(i, rank, shape, sb) : i];
        y[i] = kind == 0 ? u + v : kind == 1 ? u - v : u * v;
    }
}
""",
    "padf": """\
/* ONNX Pad. Along axis d, output coordinate o reads coordinate
 * o - before[d] of the input cropped to `size[d]` elements from `crop[d]`;
 * outside it mode 0 gives `value`, mode 1 reflects (numpy's "reflect"),
 * mode 2 repeats the edge. `strides` are the uncropped input's. */
static void n64c_padf(const float *x, float *y, uint32_t n, uint32_t rank,
                      const uint32_t *out_shape, const uint32_t *size,
                      const uint32_t *strides, const int32_t *before,
                      const uint32_t *crop, int mode, float value)
{
    uint32_t i, d;
    for (i = 0; i < n; i++) {
        uint32_t flat = i, index = 0;
        int inside = 1;
        for (d = rank; d-- > 0;) {
            int32_t s = (int32_t)size[d];
            int32_t j = (int32_t)(flat % out_shape[d]) - before[d];
            flat /= out_shape[d];
            if (j < 0 || j >= s) {
                if (mode == 0) {
                    inside = 0;
                    break;
                } else if (mode == 2 || s == 1) {
                    j = j < 0 ? 0 : s - 1;
                } else {
                    int32_t period = 2 * (s - 1);
                    j = j % period;
                    if (j < 0) j += period;
                    if (j >= s) j = period - j;
                }
            }
            index += ((uint32_t)j + crop[d]) * strides[d];
        }
        y[i] = inside ? x[index] : value;
    }
}
""",
    "transposef": """\
/* y = transpose(x): `src_strides[d]` is the input stride of output axis d. */
static void n64c_transposef(const float *x, float *y, uint32_t n, uint32_t rank,
                            const uint32_t *out_shape, const uint32_t *src_strides)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = x[n64c_bcast(i, rank, out_shape, src_strides)];
}
""",
    "concat": """\
/* One input of a concatenation (any element type): `outer` blocks of
 * `part` bytes, block o going to y + o * row + offset. */
static void n64c_concat_part(uint8_t *y, const uint8_t *x, uint32_t outer,
                             uint32_t part, uint32_t row, uint32_t offset)
{
    uint32_t o;
    for (o = 0; o < outer; o++)
        memcpy(y + (size_t)o * row + offset, x + (size_t)o * part, part);
}
""",
    "sumf": """\
/* Sum of n floats in numpy's pairwise order (float accumulators): plain
 * below 8 terms, eight running sums up to 128, halves above. */
static float n64c_sumf(const float *x, uint32_t n, uint32_t stride)
{
    uint32_t i, j;
    if (n < 8) {
        float s = -0.0f;
        for (i = 0; i < n; i++)
            s += x[(size_t)i * stride];
        return s;
    }
    if (n <= 128) {
        float r[8], s;
        for (j = 0; j < 8; j++)
            r[j] = x[(size_t)j * stride];
        for (i = 8; i < n - n % 8; i += 8)
            for (j = 0; j < 8; j++)
                r[j] += x[(size_t)(i + j) * stride];
        s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            s += x[(size_t)i * stride];
        return s;
    }
    i = n / 2;
    i -= i % 8;
    return n64c_sumf(x, i, stride) + n64c_sumf(x + (size_t)i * stride, n - i, stride);
}
""",
    "global_avgpool": """\
/* The mean of each of `outer` runs of `inner` floats. */
static void n64c_global_avgpool(const float *x, float *y, uint32_t outer,
                                uint32_t inner)
{
    uint32_t o;
    for (o = 0; o < outer; o++)
        y[o] = n64c_sumf(x + (size_t)o * inner, inner, 1) / (float)inner;
}
""",
    "poolf": """\
/* Float pooling on [C,H,W]. kind 0 = max: padding never wins, NaN does, a
 * window wholly in padding gives -inf. kind 1 = average: the sum over input
 * pixels divided by their count, or (include_pad) by the count of positions
 * inside the explicit padding; the overhang of a ceil-mode window never
 * counts. */
typedef struct n64c_fpool {
    uint32_t c, h, w, oh, ow, kh, kw;
    int32_t sh, sw, pt, pl, pb, pr, dh, dw, kind, include_pad;
} n64c_fpool;

static void n64c_poolf(const n64c_fpool *p, const float *x, float *y)
{
    uint32_t c, oy, ox, i, j;
    for (c = 0; c < p->c; c++) {
        for (oy = 0; oy < p->oh; oy++) {
            for (ox = 0; ox < p->ow; ox++) {
                float best = -INFINITY, sum = 0.0f;
                int32_t count = 0;
                for (i = 0; i < p->kh; i++) {
                    int32_t iy = (int32_t)oy * p->sh + (int32_t)i * p->dh - p->pt;
                    int in_y = iy >= 0 && iy < (int32_t)p->h;
                    int pad_y = iy >= -p->pt && iy < (int32_t)p->h + p->pb;
                    for (j = 0; j < p->kw; j++) {
                        int32_t ix = (int32_t)ox * p->sw + (int32_t)j * p->dw - p->pl;
                        int in_x = ix >= 0 && ix < (int32_t)p->w;
                        int pad_x = ix >= -p->pl && ix < (int32_t)p->w + p->pr;
                        if (in_y && in_x) {
                            float v = x[(c * p->h + (uint32_t)iy) * p->w + (uint32_t)ix];
                            if (v > best || v != v) best = v;
                            sum += v;
                        }
                        if (p->include_pad ? pad_y && pad_x : in_y && in_x) count++;
                    }
                }
                y[(c * p->oh + oy) * p->ow + ox] =
                    p->kind == 0 ? best : sum / (float)count;
            }
        }
    }
}
""",
    "gemmf": """\
/* y[m,n] = sum_k a[m,k] b[k,n] (in k order), then + bias[m*bm + n*bn] when
 * there is a bias (numpy adds it after the product). */
static void n64c_gemmf(const float *a, const float *b, const float *bias,
                       uint32_t bm, uint32_t bn, float *y, uint32_t m_count,
                       uint32_t k_count, uint32_t n_count)
{
    uint32_t m, k, n;
    for (m = 0; m < m_count; m++) {
        for (n = 0; n < n_count; n++) {
            float acc = 0.0f;
            for (k = 0; k < k_count; k++)
                acc += a[m * k_count + k] * b[k * n_count + n];
            y[m * n_count + n] = bias != 0 ? acc + bias[m * bm + n * bn] : acc;
        }
    }
}
""",
    "matmulf": """\
/* numpy matmul: `batch` products [m,k] x [k,n], operand t at a + a_off[t]
 * and b + b_off[t] (broadcast batch axes repeat offsets). */
static void n64c_matmulf(const float *a, const float *b, float *y, uint32_t batch,
                         const uint32_t *a_off, const uint32_t *b_off,
                         uint32_t m, uint32_t k, uint32_t n)
{
    uint32_t t;
    for (t = 0; t < batch; t++)
        n64c_gemmf(a + a_off[t], b + b_off[t], 0, 0, 0, y + (size_t)t * m * n,
                   m, k, n);
}
""",
    "conv2df": """\
/* Float conv on one image [C,H,W], weights [O,C/g,KH,KW], zero padding;
 * the bias is added after the sum, as numpy does. */
typedef struct n64c_fconv {
    uint32_t c, h, w, o, oh, ow, kh, kw, group;
    int32_t sh, sw, pt, pl, dh, dw;
} n64c_fconv;

static void n64c_conv2df(const n64c_fconv *p, const float *x, const float *w,
                         const float *b, float *y)
{
    uint32_t cg = p->c / p->group, og = p->o / p->group;
    uint32_t o, oy, ox, c, i, j;
    for (o = 0; o < p->o; o++) {
        uint32_t c0 = (o / og) * cg;
        for (oy = 0; oy < p->oh; oy++) {
            for (ox = 0; ox < p->ow; ox++) {
                float acc = 0.0f;
                for (c = 0; c < cg; c++) {
                    for (i = 0; i < p->kh; i++) {
                        int32_t iy = (int32_t)oy * p->sh + (int32_t)i * p->dh - p->pt;
                        if (iy < 0 || iy >= (int32_t)p->h) continue;
                        for (j = 0; j < p->kw; j++) {
                            int32_t ix = (int32_t)ox * p->sw + (int32_t)j * p->dw - p->pl;
                            if (ix < 0 || ix >= (int32_t)p->w) continue;
                            acc += x[((c0 + c) * p->h + (uint32_t)iy) * p->w + (uint32_t)ix]
                                 * w[((o * cg + c) * p->kh + i) * p->kw + j];
                        }
                    }
                }
                y[(o * p->oh + oy) * p->ow + ox] = b != 0 ? acc + b[o] : acc;
            }
        }
    }
}
""",
    "batchnormf": """\
/* Inference batch norm over axis 1 of [outer, channels, inner]:
 * y = (x - mean) * (scale / sqrt(var + eps)) + bias, in that order. */
static void n64c_batchnormf(const float *x, const float *scale, const float *bias,
                            const float *mean, const float *var, float eps,
                            float *y, uint32_t outer, uint32_t channels,
                            uint32_t inner)
{
    uint32_t o, c, i;
    for (o = 0; o < outer; o++) {
        for (c = 0; c < channels; c++) {
            float inv = scale[c] / sqrtf(var[c] + eps);
            size_t base = ((size_t)o * channels + c) * inner;
            for (i = 0; i < inner; i++)
                y[base + i] = (x[base + i] - mean[c]) * inv + bias[c];
        }
    }
}
""",
}

_KERNEL_DEPS: dict[str, tuple[str, ...]] = {
    "requant": ("asr",),
    "qgemm": ("requant", "wrap32"),
    "qconv2d": ("requant", "wrap32"),
    "pool": ("requant", "wrap32"),
    "qadd": ("requant", "wrap32", "bcast"),
    "qrescale": ("requant", "wrap32"),
    "transpose": ("bcast",),
    "binaryf": ("bcast",),
    "transposef": ("bcast",),
    "global_avgpool": ("sumf",),
    "matmulf": ("gemmf",),
}


# ---------------------------------------------------------------------------
# The emitter
# ---------------------------------------------------------------------------


class _Emitter:
    def __init__(self, program: RspProgram, source_name: str) -> None:
        self.program = program
        self.source_name = source_name
        main = find_main(program.module)
        self.main = main
        self.kernels: list[str] = []
        self.buffers: dict[SSAValue, _Buffer] = {}
        self.constants: list[str] = []
        self.counter = 0
        self.invocations = iter(program.invocations)
        self.input_names = input_names(main)
        ret = main.body.block.last_op
        assert isinstance(ret, func.ReturnOp)
        self.ret = ret
        self.output_names = output_names(main)

    # --- helpers ----------------------------------------------------------

    def need(self, kernel: str) -> None:
        for dep in _KERNEL_DEPS.get(kernel, ()):
            self.need(dep)
        if kernel not in self.kernels:
            self.kernels.append(kernel)

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"n64c_{stem}{self.counter}"

    def buf(self, value: SSAValue) -> str:
        if value not in self.buffers:
            owner = value.owner
            if isinstance(owner, g.ConstantOp):
                self.buffers[value] = self._constant(owner)
            else:
                self.buffers[value] = _Buffer(
                    self.fresh("t"), _ctype(value), _shape(value)
                )
        return self.buffers[value].name

    def _constant(self, op: g.ConstantOp) -> _Buffer:
        attr = op.value
        assert isinstance(attr, DenseIntOrFPElementsAttr)
        shape = _shape(op.result)
        ctype = _ctype(op.result)
        count = int(np.prod(shape)) if shape else 1
        values: list[Any] = list(attr.get_values())
        if len(values) == 1 and count > 1:
            values = values * count
        name = self.fresh("const")
        if ctype == "float":
            body = "\n".join(
                "    "
                + ", ".join(_float_literal(float(v)) for v in values[i : i + 6])
                + ","
                for i in range(0, len(values), 6)
            )
        else:
            body = _c_array([int(v) for v in values])
        self.constants.append(
            f"static const {ctype} {name}[{max(count, 1)}] = {{\n{body}\n}};\n"
        )
        return _Buffer(name, ctype, shape)

    def small_table(self, ctype: str, values: Sequence[int]) -> str:
        name = self.fresh("tab")
        self.constants.append(
            f"static const {ctype} {name}[{max(len(values), 1)}] = {{\n{_c_array(list(values))}\n}};\n"
        )
        return name

    # --- ops ----------------------------------------------------------------

    def emit_op(self, op: Operation, out: list[str]) -> None:
        handler = _HANDLERS.get(type(op))
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

    def op_quantize(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QuantizeOp)
        self.need("quantize")
        n = int(np.prod(_shape(op.input)))
        scale = _float_literal(2.0 ** _int(op, "frac_bits"))
        out.append(
            f"n64c_quantize({self.buf(op.input)}, {self.buf(op.results[0])}, {n}u, {scale});"
        )

    def op_dequantize(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.DequantizeOp)
        self.need("dequantize")
        n = int(np.prod(_shape(op.input)))
        scale = _float_literal(2.0 ** -_int(op, "frac_bits"))
        out.append(
            f"n64c_dequantize({self.buf(op.input)}, {self.buf(op.results[0])}, {n}u, {scale});"
        )

    def op_softmax(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.SoftmaxOp)
        self.need("softmax")
        shape = _shape(op.operands[0])
        axis = int(op.axis.value.data)
        axis = axis + len(shape) if axis < 0 else axis
        outer = int(np.prod(shape[:axis]))
        inner = int(np.prod(shape[axis + 1 :]))
        out.append(
            f"n64c_softmax({self.buf(op.operands[0])}, {self.buf(op.results[0])}, "
            f"{outer}u, {shape[axis]}u, {inner}u);"
        )

    def op_relu(self, op: Operation, out: list[str]) -> None:
        self.need("relu")
        n = int(np.prod(_shape(op.operands[0])))
        out.append(
            f"n64c_relu({self.buf(op.operands[0])}, {self.buf(op.results[0])}, {n}u);"
        )

    def op_copy(self, op: Operation, out: list[str]) -> None:
        src = op.operands[0]
        n = int(np.prod(_shape(src)))
        out.append(
            f"memcpy({self.buf(op.results[0])}, {self.buf(src)}, "
            f"{n}u * sizeof({_ctype(src)}));"
        )

    def op_qgemm(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QGemmOp)
        self.need("qgemm")
        xs, ws = _shape(op.x), _shape(op.w)
        m = int(np.prod(xs[:-1]))
        k, n = ws
        bias = self.buf(op.bias) if op.bias is not None else "0"
        shifts = self.small_table("int8_t", _ints(op.shifts))
        lo, hi = op.clamp_bounds
        out.append(
            f"n64c_qgemm({self.buf(op.x)}, {self.buf(op.w)}, {bias}, {shifts}, "
            f"{self.buf(op.results[0])}, {m}u, {k}u, {n}u, {lo}, {hi});"
        )

    def op_qconv2d(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QConv2dOp)
        self.need("qconv2d")
        xs, ws, ys = _shape(op.x), _shape(op.w), _shape(op.results[0])
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        o, _cg, kh, kw = ws
        oh, ow = ys[-2:]
        sh, sw = _ints(op.strides)
        pt, pl, _pb, _pr = _ints(op.pads)
        dh, dw = _ints(op.dilations)
        lo, hi = op.clamp_bounds
        params = self.fresh("conv")
        self.constants.append(
            f"static const n64c_conv {params} = {{{c}u, {h}u, {w}u, {o}u, {oh}u, "
            f"{ow}u, {kh}u, {kw}u, {_int(op, 'group')}u, {sh}, {sw}, {pt}, {pl}, "
            f"{dh}, {dw}, {lo}, {hi}}};\n"
        )
        bias = self.buf(op.bias) if op.bias is not None else "0"
        shifts = self.small_table("int8_t", _ints(op.shifts))
        x, y, wt = self.buf(op.x), self.buf(op.results[0]), self.buf(op.w)
        for b in range(batch):
            out.append(
                f"n64c_qconv2d(&{params}, {x} + {b * c * h * w}, {wt}, {bias}, "
                f"{shifts}, {y} + {b * o * oh * ow});"
            )

    def _pool(
        self, op: q.QMaxPoolOp | q.QAvgPoolOp, out: list[str], kind: int, m: int, s: int
    ) -> None:
        self.need("pool")
        xs, ys = _shape(op.input), _shape(op.output)
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        oh, ow = ys[-2:]
        kh, kw = _ints(op.kernel)
        sh, sw = _ints(op.strides)
        pt, pl, _pb, _pr = _ints(op.pads)
        dh, dw = _ints(op.dilations)
        params = self.fresh("pool")
        self.constants.append(
            f"static const n64c_pool {params} = {{{c}u, {h}u, {w}u, {oh}u, {ow}u, "
            f"{kh}u, {kw}u, {sh}, {sw}, {pt}, {pl}, {dh}, {dw}, {kind}, {m}, {s}}};\n"
        )
        x, y = self.buf(op.input), self.buf(op.output)
        for b in range(batch):
            out.append(
                f"n64c_qpool(&{params}, {x} + {b * c * h * w}, {y} + {b * c * oh * ow});"
            )

    def op_qmaxpool(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QMaxPoolOp)
        self._pool(op, out, 0, 1, 2)

    def op_qavgpool(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QAvgPoolOp)
        self._pool(op, out, 1, _int(op, "multiplier"), _int(op, "shift"))

    def op_qadd(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QAddOp)
        self.need("qadd")
        ys = _shape(op.results[0])
        rank = max(len(ys), 1)
        shape = list(ys) or [1]
        strides = [self._bcast_strides(_shape(v), shape) for v in (op.lhs, op.rhs)]
        tab_shape = self.small_table("uint32_t", shape)
        sa = self.small_table("uint32_t", strides[0])
        sb = self.small_table("uint32_t", strides[1])
        lo, hi = op.clamp_bounds
        out.append(
            f"n64c_qadd({self.buf(op.lhs)}, {self.buf(op.rhs)}, {self.buf(op.results[0])}, "
            f"{int(np.prod(shape))}u, {rank}u, {tab_shape}, {sa}, {sb}, "
            f"{_int(op, 'lhs_mul_log2')}, {_int(op, 'rhs_mul_log2')}, "
            f"{_int(op, 'shift')}, {lo}, {hi});"
        )

    @staticmethod
    def _bcast_strides(shape: tuple[int, ...], out: Sequence[int]) -> list[int]:
        padded = [1] * (len(out) - len(shape)) + list(shape)
        strides = [0] * len(out)
        step = 1
        for d in range(len(out) - 1, -1, -1):
            strides[d] = 0 if padded[d] == 1 and out[d] != 1 else step
            step *= padded[d]
        return strides

    def op_qrescale(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QRescaleOp)
        self.need("qrescale")
        n = int(np.prod(_shape(op.input)))
        lo, hi = op.clamp_bounds
        out.append(
            f"n64c_qrescale({self.buf(op.input)}, {self.buf(op.results[0])}, {n}u, "
            f"{_int(op, 'mul_log2')}, {_int(op, 'shift')}, {lo}, {hi});"
        )

    def op_qclamp(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QClampOp)
        self.need("qclamp")
        n = int(np.prod(_shape(op.input)))
        lo, hi = op.clamp_bounds
        out.append(
            f"n64c_qclamp({self.buf(op.input)}, {self.buf(op.results[0])}, {n}u, {lo}, {hi});"
        )

    def op_qtranspose(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QTransposeOp)
        self.need("transpose")
        xs, ys = _shape(op.input), _shape(op.results[0])
        perm = _ints(op.perm)
        in_strides = [int(np.prod(xs[d + 1 :])) for d in range(len(xs))]
        src = [in_strides[p] for p in perm]
        out.append(
            f"n64c_transpose16({self.buf(op.input)}, {self.buf(op.results[0])}, "
            f"{int(np.prod(ys))}u, {len(ys)}u, {self.small_table('uint32_t', list(ys))}, "
            f"{self.small_table('uint32_t', src)});"
        )

    # --- float ops (the graph ops quantize-int16 leaves in float) ----------

    def _clamp_after(self, y: str, n: int, op: g.FusedClampOp, out: list[str]) -> None:
        lo, hi = op.get_clamp()
        if lo is None and hi is None:
            return
        self.need("clampf")
        out.append(
            f"n64c_clampf({y}, {y}, {n}u, {_bound(lo, '-INFINITY')}, "
            f"{_bound(hi, 'INFINITY')});"
        )

    def op_clip(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.ClipOp)
        self.need("clampf")
        lo, hi = op.get_bounds()
        n = _count(op.results[0])
        out.append(
            f"n64c_clampf({self.buf(op.operands[0])}, {self.buf(op.results[0])}, "
            f"{n}u, {_bound(lo, '-INFINITY')}, {_bound(hi, 'INFINITY')});"
        )

    def op_leaky_relu(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.LeakyReluOp)
        self.need("leaky_relu")
        alpha = _float_literal(op.alpha.value.data)
        out.append(
            f"n64c_leaky_relu({self.buf(op.operands[0])}, {self.buf(op.results[0])}, "
            f"{_count(op.results[0])}u, {alpha});"
        )

    def _unary(self, kernel: str, op: Operation, out: list[str]) -> None:
        self.need(kernel)
        out.append(
            f"n64c_{kernel}({self.buf(op.operands[0])}, {self.buf(op.results[0])}, "
            f"{_count(op.results[0])}u);"
        )

    def op_sigmoid(self, op: Operation, out: list[str]) -> None:
        self._unary("sigmoid", op, out)

    def op_tanh(self, op: Operation, out: list[str]) -> None:
        self._unary("tanh", op, out)

    def op_binary(self, op: Operation, out: list[str]) -> None:
        kind = {g.AddOp: 0, g.SubOp: 1, g.MulOp: 2}[type(op)]
        self.need("binaryf")
        ys = _shape(op.results[0])
        shape = list(ys) or [1]
        tables: list[str] = []
        for v in op.operands[:2]:
            if _shape(v) == ys:
                tables.append("0")
            else:
                strides = self._bcast_strides(_shape(v), shape)
                tables.append(self.small_table("uint32_t", strides))
        y = self.buf(op.results[0])
        n = int(np.prod(shape))
        out.append(
            f"n64c_binaryf({self.buf(op.operands[0])}, {self.buf(op.operands[1])}, "
            f"{y}, {n}u, {len(shape)}u, {self.small_table('uint32_t', shape)}, "
            f"{tables[0]}, {tables[1]}, {kind});"
        )
        if isinstance(op, g.AddOp):
            self._clamp_after(y, n, op, out)

    def op_pad(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.PadOp)
        self.need("padf")
        xs, ys = _shape(op.x), _shape(op.result)
        rank = len(xs)
        pads = op.get_pads()
        begins, ends = pads[:rank], pads[rank:]
        crop = [max(-b, 0) for b in begins]
        size = [xs[d] - crop[d] - max(-ends[d], 0) for d in range(rank)]
        before = [max(b, 0) for b in begins]
        strides = [int(np.prod(xs[d + 1 :])) for d in range(rank)]
        mode = {"constant": 0, "reflect": 1, "edge": 2}[op.mode.data]
        out.append(
            f"n64c_padf({self.buf(op.x)}, {self.buf(op.result)}, {_count(op.result)}u, "
            f"{rank}u, {self.small_table('uint32_t', list(ys))}, "
            f"{self.small_table('uint32_t', size)}, "
            f"{self.small_table('uint32_t', strides)}, "
            f"{self.small_table('int32_t', before)}, "
            f"{self.small_table('uint32_t', crop)}, {mode}, "
            f"{_float_literal(op.value.value.data)});"
        )

    def op_transpose(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.TransposeOp)
        self.need("transposef")
        xs, ys = _shape(op.x), _shape(op.result)
        in_strides = [int(np.prod(xs[d + 1 :])) for d in range(len(xs))]
        src = [in_strides[p] for p in op.get_perm()]
        out.append(
            f"n64c_transposef({self.buf(op.x)}, {self.buf(op.result)}, "
            f"{int(np.prod(ys))}u, {len(ys)}u, {self.small_table('uint32_t', list(ys))}, "
            f"{self.small_table('uint32_t', src)});"
        )

    def op_concat(self, op: Operation, out: list[str]) -> None:
        """`n64.concat` and `n64.qconcat` (the same copies for any type)."""
        assert isinstance(op, g.ConcatOp | q.QConcatOp)
        self.need("concat")
        ys = _shape(op.results[0])
        axis = int(op.axis.value.data)
        axis = axis + len(ys) if axis < 0 else axis
        size = _SIZEOF[_ctype(op.results[0])]
        outer = int(np.prod(ys[:axis]))
        row = int(np.prod(ys[axis:])) * size
        y = self.buf(op.results[0])
        offset = 0
        for v in op.operands:
            part = int(np.prod(_shape(v)[axis:])) * size
            out.append(
                f"n64c_concat_part((uint8_t *){y}, (const uint8_t *){self.buf(v)}, "
                f"{outer}u, {part}u, {row}u, {offset}u);"
            )
            offset += part

    def op_fpool(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.MaxPoolOp | g.AvgPoolOp)
        self.need("poolf")
        xs, ys = _shape(op.x), _shape(op.result)
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        oh, ow = ys[-2:]
        kh, kw = op.get_kernel()
        sh, sw = op.get_strides()
        pt, pl, pb, pr = op.get_pads()
        dh, dw = op.get_dilations()
        kind = 0 if isinstance(op, g.MaxPoolOp) else 1
        include = int(isinstance(op, g.AvgPoolOp) and op.get_count_include_pad())
        params = self.fresh("fpool")
        self.constants.append(
            f"static const n64c_fpool {params} = {{{c}u, {h}u, {w}u, {oh}u, {ow}u, "
            f"{kh}u, {kw}u, {sh}, {sw}, {pt}, {pl}, {pb}, {pr}, {dh}, {dw}, {kind}, "
            f"{include}}};\n"
        )
        x, y = self.buf(op.x), self.buf(op.result)
        for b in range(batch):
            out.append(
                f"n64c_poolf(&{params}, {x} + {b * c * h * w}, {y} + {b * c * oh * ow});"
            )

    def op_global_avgpool(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.GlobalAvgPoolOp)
        self.need("global_avgpool")
        xs = _shape(op.x)
        outer, inner = int(np.prod(xs[:2])), int(np.prod(xs[2:]))
        out.append(
            f"n64c_global_avgpool({self.buf(op.x)}, {self.buf(op.results[0])}, "
            f"{outer}u, {inner}u);"
        )

    def op_gemm(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.GemmOp)
        self.need("gemmf")
        m, k = _shape(op.a)
        n = _shape(op.b)[1]
        bias, bm, bn = "0", 0, 0
        if op.bias is not None:
            bias = self.buf(op.bias)
            bm, bn = self._bcast_strides(_shape(op.bias), [m, n])
        y = self.buf(op.result)
        out.append(
            f"n64c_gemmf({self.buf(op.a)}, {self.buf(op.b)}, {bias}, {bm}u, {bn}u, "
            f"{y}, {m}u, {k}u, {n}u);"
        )
        self._clamp_after(y, m * n, op, out)

    def op_matmul(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.MatMulOp)
        self.need("matmulf")
        a_shape, b_shape = _shape(op.a), _shape(op.b)
        a2 = (1, *a_shape) if len(a_shape) == 1 else a_shape
        b2 = (*b_shape, 1) if len(b_shape) == 1 else b_shape
        m, k = a2[-2:]
        n = b2[-1]
        batch = np.broadcast_shapes(a2[:-2], b2[:-2])

        def offsets(lead: tuple[int, ...], step: int) -> list[int]:
            index = np.arange(int(np.prod(lead)), dtype=np.int64).reshape(lead)
            return [int(i) * step for i in np.broadcast_to(index, batch).ravel()]

        a_off = offsets(a2[:-2], m * k)
        b_off = offsets(b2[:-2], k * n)
        y = self.buf(op.result)
        out.append(
            f"n64c_matmulf({self.buf(op.a)}, {self.buf(op.b)}, {y}, {len(a_off)}u, "
            f"{self.small_table('uint32_t', a_off)}, "
            f"{self.small_table('uint32_t', b_off)}, {m}u, {k}u, {n}u);"
        )
        self._clamp_after(y, len(a_off) * m * n, op, out)

    def op_conv2d(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.Conv2dOp)
        self.need("conv2df")
        xs, ws, ys = _shape(op.x), _shape(op.w), _shape(op.result)
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        o, _cg, kh, kw = ws
        oh, ow = ys[-2:]
        sh, sw = _ints(op.strides)
        pt, pl, _pb, _pr = _ints(op.pads)
        dh, dw = _ints(op.dilations)
        params = self.fresh("fconv")
        self.constants.append(
            f"static const n64c_fconv {params} = {{{c}u, {h}u, {w}u, {o}u, {oh}u, "
            f"{ow}u, {kh}u, {kw}u, {_int(op, 'group')}u, {sh}, {sw}, {pt}, {pl}, "
            f"{dh}, {dw}}};\n"
        )
        bias = self.buf(op.bias) if op.bias is not None else "0"
        x, y, wt = self.buf(op.x), self.buf(op.result), self.buf(op.w)
        for b in range(batch):
            out.append(
                f"n64c_conv2df(&{params}, {x} + {b * c * h * w}, {wt}, {bias}, "
                f"{y} + {b * o * oh * ow});"
            )
        self._clamp_after(y, int(np.prod(ys)), op, out)

    def op_batchnorm(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.BatchNormOp)
        self.need("batchnormf")
        xs = _shape(op.x)
        outer, channels = xs[0], xs[1]
        inner = int(np.prod(xs[2:]))
        eps = _float_literal(op.epsilon.value.data)
        out.append(
            f"n64c_batchnormf({self.buf(op.x)}, {self.buf(op.scale)}, "
            f"{self.buf(op.bias)}, {self.buf(op.mean)}, {self.buf(op.var)}, {eps}, "
            f"{self.buf(op.result)}, {outer}u, {channels}u, {inner}u);"
        )

    def op_invoke(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, RspInvokeOp)
        inv = next(self.invocations)
        self.need("pack")
        self.need("unpack")
        for value, slot in zip(op.inputs, inv.inputs, strict=True):
            out.append(
                f"n64c_pack(n64c_arena + {slot.offset}u, {self.buf(value)}, "
                f"{slot.rows}u, {slot.cols}u, {slot.padded_cols}u);"
            )
        for slot in (*inv.inputs, *inv.outputs):
            out.append(f"n64c_rsp_flush(n64c_arena + {slot.offset}u, {slot.nbytes}u);")
        out.append(f"status = n64c_rsp_run(&n64c_job_{_ident(inv.ucode)});")
        out.append("if (status != N64C_OK) return status;")
        for value, slot in zip(op.outputs, inv.outputs, strict=True):
            out.append(
                f"n64c_unpack({self.buf(value)}, n64c_arena + {slot.offset}u, "
                f"{slot.rows}u, {slot.cols}u, {slot.padded_cols}u);"
            )

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
            s is None or _count(s.results[0]) != _count(v)
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
        in_shapes = [_shape(a) for a in self.main.args]
        out_shapes = [_shape(v) for v in self.ret.operands]
        for arg, name in zip(
            self.main.args, self._param_names("input", len(in_shapes)), strict=True
        ):
            self.buffers[arg] = _Buffer(name, "float", _shape(arg))
        head_lines: list[str] = []
        body_lines: list[str] = []
        tail_lines: list[str] = []
        for op in head:
            self.emit_op(op, head_lines)
        for op in body:
            if isinstance(op, g.ConstantOp):
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
            out_frac.append(_int(src, "frac_bits") if src is not None else None)
            if has_q and src is not None:
                out_q.append(self.buf(src.input))
        in_frac = [_int(o, "frac_bits") for o in head] if has_q else []
        keep = {*self.ret.operands}
        for v in self.ret.operands:
            src = int16_source(v)
            if src is not None:
                keep.add(src.input)
        seq = [o for o in (*head, *body, *tail) if not isinstance(o, g.ConstantOp)]
        self.plan_pools(seq, keep)
        header = self.header(in_shapes, out_shapes, in_frac, out_frac, has_q)
        source = self.source(head_lines, body_lines, tail_lines, in_q, out_q, has_q)
        scratch = sum(size * _SIZEOF[ctype] for ctype, size in self.pool_sizes.items())
        constant_bytes = sum(
            b.size * _SIZEOF[b.ctype]
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
            "/* The RDRAM arena the RSP works in: weights, then activations. */",
            "static uint8_t n64c_arena[N64C_MODEL_ARENA_SIZE] N64C_ALIGN(16);",
            "static int n64c_weights_ready;",
            "",
        ]
        # ucodes
        for name, image in self.program.ucodes.items():
            ident = _ident(name)
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
            p.append(_hex_bytes(imem))
            p.append("};")
            p.append(
                f"static const uint8_t n64c_{ident}_dmem[{len(dmem)}] N64C_ALIGN(16) = {{"
            )
            p.append(_hex_bytes(dmem))
            p.append("};")
            p.append(
                f"static const n64c_rsp_job n64c_job_{ident} = {{n64c_{ident}_imem, "
                f"{len(imem)}u, n64c_{ident}_dmem, {len(dmem)}u, {slot}u, n64c_arena, "
                "N64C_MODEL_ARENA_SIZE};"
            )
            p.append("")
        for kernel in self.kernels:
            p.append(_KERNELS[kernel])
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
        p += [
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
        ready = [
            "    int status = N64C_OK;",
            "    if (!n64c_weights_ready && N64C_MODEL_WEIGHTS_SIZE > 0)",
            "        return N64C_ERR_NO_WEIGHTS;",
        ]
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
        p.append(_N64_DRIVER)
        return "\n".join(p)


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


_HANDLERS: dict[type[Operation], Callable[[_Emitter, Operation, list[str]], None]] = {
    q.QuantizeOp: _Emitter.op_quantize,
    q.DequantizeOp: _Emitter.op_dequantize,
    g.SoftmaxOp: _Emitter.op_softmax,
    g.ReluOp: _Emitter.op_relu,
    g.ClipOp: _Emitter.op_clip,
    g.LeakyReluOp: _Emitter.op_leaky_relu,
    g.SigmoidOp: _Emitter.op_sigmoid,
    g.TanhOp: _Emitter.op_tanh,
    g.AddOp: _Emitter.op_binary,
    g.SubOp: _Emitter.op_binary,
    g.MulOp: _Emitter.op_binary,
    g.PadOp: _Emitter.op_pad,
    g.TransposeOp: _Emitter.op_transpose,
    g.ConcatOp: _Emitter.op_concat,
    q.QConcatOp: _Emitter.op_concat,
    g.MaxPoolOp: _Emitter.op_fpool,
    g.AvgPoolOp: _Emitter.op_fpool,
    g.GlobalAvgPoolOp: _Emitter.op_global_avgpool,
    g.GemmOp: _Emitter.op_gemm,
    g.MatMulOp: _Emitter.op_matmul,
    g.Conv2dOp: _Emitter.op_conv2d,
    g.BatchNormOp: _Emitter.op_batchnorm,
    g.ReshapeOp: _Emitter.op_copy,
    g.FlattenOp: _Emitter.op_copy,
    q.QReshapeOp: _Emitter.op_copy,
    q.QGemmOp: _Emitter.op_qgemm,
    q.QConv2dOp: _Emitter.op_qconv2d,
    q.QMaxPoolOp: _Emitter.op_qmaxpool,
    q.QAvgPoolOp: _Emitter.op_qavgpool,
    q.QAddOp: _Emitter.op_qadd,
    q.QRescaleOp: _Emitter.op_qrescale,
    q.QClampOp: _Emitter.op_qclamp,
    q.QTransposeOp: _Emitter.op_qtranspose,
    RspInvokeOp: _Emitter.op_invoke,
}


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
