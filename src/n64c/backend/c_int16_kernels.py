"""C kernels of the int16 ops that stay on the CPU (`n64.quantize`,
`n64.dequantize`, `n64.qgemm`, `n64.qconv2d`, `n64.qconv_transpose2d`, the
int16 pools, `n64.qadd`, `n64.qrescale`, `n64.qclamp`, `n64.qprelu`,
`n64.qtranspose`): bit-exact with the golden
model `n64c.sim.int_engine` (requantisation with an arithmetic shift,
saturation, the RSP accumulator's 32-bit wrap).
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from n64c.backend.c_common import (
    KernelContext,
    OpEmitter,
    bcast_strides,
    float_literal,
    int_property,
    int_values,
    shape_of,
)
from n64c.dialects import n64_quant as q

INT16_KERNELS: dict[str, str] = {
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
    "requant48": """\
/* The acc48 requantisation: sat16(wrap48(sum) >> s), then the clamp. */
static int64_t n64c_wrap48(uint64_t v)
{
    uint64_t u = v & 0xFFFFFFFFFFFFull;
    return u >= 0x800000000000ull ? (int64_t)(u - 0x800000000000ull) - 0x7FFFFFFFFFFFll - 1
                                  : (int64_t)u;
}

static int64_t n64c_asr64(int64_t v, int s)
{
    return v < 0 ? ~(~v >> s) : v >> s;
}

static int16_t n64c_requant48(int64_t sum, int s, int32_t lo, int32_t hi)
{
    int64_t v = n64c_asr64(n64c_wrap48((uint64_t)sum), s);
    if (v > 32767) v = 32767;
    if (v < -32768) v = -32768;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (int16_t)v;
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
    "requant_sum": """\
/* The bias (int32, or int64 with wide) added to an exact sum, then the
 * requantisation of the int32 or the acc48 form. */
static int16_t n64c_requant_sum(int64_t sum, const void *b, uint32_t n, int s,
                                int32_t lo, int32_t hi, int wide)
{
    if (wide)
        return n64c_requant48(sum + (b != 0 ? ((const int64_t *)b)[n] : 0), s, lo, hi);
    sum += b != 0 ? ((const int32_t *)b)[n] : 0;
    return n64c_requant(n64c_wrap32(sum), s, lo, hi);
}
""",
    "qgemm": """\
/* n64.qgemm: y[m,n] = clamp(sat16(wrap32(b[n] + sum_k x[m,k] w[k,n]) >> s[n])),
 * or with wide (acc48) x read as unsigned, an int64 bias and n64c_requant48. */
static void n64c_qgemm(const int16_t *x, const int16_t *w, const void *b,
                       const int8_t *shifts, int16_t *y, uint32_t m_count,
                       uint32_t k_count, uint32_t n_count, int32_t lo, int32_t hi,
                       int wide)
{
    uint32_t m, k, n;
    int32_t mask = wide ? 0xFFFF : -1; /* u16(x) * w fits int32 */
    for (m = 0; m < m_count; m++) {
        for (n = 0; n < n_count; n++) {
            int64_t acc = 0;
            for (k = 0; k < k_count; k++)
                acc += ((int32_t)x[m * k_count + k] & mask) * (int32_t)w[k * n_count + n];
            y[m * n_count + n] = n64c_requant_sum(acc, b, n, shifts[n], lo, hi, wide);
        }
    }
}
""",
    "qconv2d": """\
/* n64.qconv2d on one image [C,H,W] with weights [O,C/g,KH,KW], zero padding. */
typedef struct n64c_conv {
    uint32_t c, h, w, o, oh, ow, kh, kw, group;
    int32_t sh, sw, pt, pl, dh, dw, lo, hi, wide;
} n64c_conv;

static void n64c_qconv2d(const n64c_conv *p, const int16_t *x, const int16_t *w,
                         const void *b, const int8_t *shifts, int16_t *y)
{
    uint32_t cg = p->c / p->group, og = p->o / p->group;
    uint32_t o, oy, ox, c, i, j;
    int32_t mask = p->wide ? 0xFFFF : -1;
    for (o = 0; o < p->o; o++) {
        uint32_t c0 = (o / og) * cg;
        for (oy = 0; oy < p->oh; oy++) {
            for (ox = 0; ox < p->ow; ox++) {
                int64_t acc = 0;
                for (c = 0; c < cg; c++) {
                    for (i = 0; i < p->kh; i++) {
                        int32_t iy = (int32_t)oy * p->sh + (int32_t)i * p->dh - p->pt;
                        if (iy < 0 || iy >= (int32_t)p->h) continue;
                        for (j = 0; j < p->kw; j++) {
                            int32_t ix = (int32_t)ox * p->sw + (int32_t)j * p->dw - p->pl;
                            if (ix < 0 || ix >= (int32_t)p->w) continue;
                            acc += ((int32_t)x[((c0 + c) * p->h + (uint32_t)iy) * p->w
                                               + (uint32_t)ix] & mask)
                                 * (int32_t)w[((o * cg + c) * p->kh + i) * p->kw + j];
                        }
                    }
                }
                y[(o * p->oh + oy) * p->ow + ox] =
                    n64c_requant_sum(acc, b, o, shifts[o], p->lo, p->hi, p->wide);
            }
        }
    }
}
""",
    "qconv_transpose2d": """\
/* n64.qconv_transpose2d on one image [C,H,W] with weights [C,O/g,KH,KW]:
 * each output pixel gathers the input pixels whose windows cover it.
 * rows[oy*kh + i] is the input row iy with iy*sh + i*dh - pt = oy (or -1),
 * cols[ox*kw + j] the input column likewise; the compiler computes both
 * tables, so no index is divided at run time. */
typedef struct n64c_convt {
    uint32_t c, h, w, o, oh, ow, kh, kw, group;
    int32_t lo, hi;
} n64c_convt;

static void n64c_qconv_transpose2d(const n64c_convt *p, const int32_t *rows,
                                   const int32_t *cols, const int16_t *x,
                                   const int16_t *w, const void *b,
                                   const int8_t *shifts, int16_t *y)
{
    uint32_t cg = p->c / p->group, og = p->o / p->group;
    uint32_t g, k, oy, ox, c, i, j;
    for (g = 0; g < p->group; g++) {
        for (k = 0; k < og; k++) {
            uint32_t o = g * og + k;
            for (oy = 0; oy < p->oh; oy++) {
                for (ox = 0; ox < p->ow; ox++) {
                    int64_t acc = 0;
                    for (c = g * cg; c < (g + 1) * cg; c++) {
                        const int16_t *xc = x + (size_t)c * p->h * p->w;
                        const int16_t *wk = w + ((size_t)c * og + k) * p->kh * p->kw;
                        for (i = 0; i < p->kh; i++) {
                            int32_t iy = rows[oy * p->kh + i];
                            if (iy < 0) continue;
                            for (j = 0; j < p->kw; j++) {
                                int32_t ix = cols[ox * p->kw + j];
                                if (ix < 0) continue;
                                acc += (int32_t)xc[(uint32_t)iy * p->w + (uint32_t)ix]
                                     * (int32_t)wk[i * p->kw + j];
                            }
                        }
                    }
                    y[(o * p->oh + oy) * p->ow + ox] =
                        n64c_requant_sum(acc, b, o, shifts[o], p->lo, p->hi, 0);
                }
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
    "qprelu": """\
/* LeakyRelu / PRelu: y = x for x >= 0, else
 * sat16((x * m[c] + 2^(s[c]-1)) >> s[c]) for channel c; the tensor is
 * `outer` blocks of `channels` runs of `inner` elements. */
static void n64c_qprelu(const int16_t *x, int16_t *y, uint32_t outer,
                        uint32_t channels, uint32_t inner, const int32_t *m,
                        const int32_t *s)
{
    uint32_t o, c, i;
    for (o = 0; o < outer; o++) {
        for (c = 0; c < channels; c++) {
            int32_t mul = m[c], sh = s[c];
            int32_t round = (int32_t)1 << (sh - 1);
            for (i = 0; i < inner; i++) {
                int32_t v = *x++;
                if (v < 0) {
                    v = n64c_asr(v * mul + round, sh);
                    if (v > 32767) v = 32767;
                    if (v < -32768) v = -32768;
                }
                *y++ = (int16_t)v;
            }
        }
    }
}
""",
    "transpose": """\
/* y = transpose(x): `src_strides[d]` is the input stride of output axis d.
 * The output index counts like an odometer and the input offset follows
 * it (`n64c_odometer`); ranks above 8 use the flat-index form. */
static void n64c_transpose16(const int16_t *x, int16_t *y, uint32_t n,
                             uint32_t rank, const uint32_t *out_shape,
                             const uint32_t *src_strides)
{
    uint32_t idx[8], off = 0, i, d;
    if (rank > 8) {
        for (i = 0; i < n; i++)
            y[i] = x[n64c_bcast(i, rank, out_shape, src_strides)];
        return;
    }
    for (d = 0; d < rank; d++)
        idx[d] = 0;
    for (i = 0; i < n; i++) {
        y[i] = x[off];
        n64c_odometer(idx, &off, rank, out_shape, src_strides);
    }
}
""",
}
"""C text of the int16 kernels, by name."""

INT16_KERNEL_DEPS: dict[str, tuple[str, ...]] = {
    "requant": ("asr",),
    "requant_sum": ("requant", "wrap32", "requant48"),
    "qgemm": ("requant_sum",),
    "qconv2d": ("requant_sum",),
    "qconv_transpose2d": ("requant_sum",),
    "pool": ("requant", "wrap32"),
    "qadd": ("requant", "wrap32", "bcast"),
    "qrescale": ("requant", "wrap32"),
    "transpose": ("bcast", "odometer"),
    "qprelu": ("asr",),
}


def _transposed_taps(
    out: int, k: int, size: int, stride: int, dilation: int, pad: int
) -> list[int]:
    """For each output position `p` and tap `i` of a transposed conv along
    one axis, the input position `q` with `q * stride + i * dilation - pad
    = p`, or -1 when there is none (the table `n64c_qconv_transpose2d`
    reads)."""
    table = []
    for p in range(out):
        for i in range(k):
            t = p + pad - i * dilation
            q_, r = divmod(t, stride)
            table.append(q_ if r == 0 and 0 <= q_ < size else -1)
    return table


class Int16Ops(KernelContext):
    """Emitters of the int16 ops."""

    def op_quantize(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QuantizeOp)
        self.need("quantize")
        n = int(np.prod(shape_of(op.input)))
        scale = float_literal(2.0 ** int_property(op, "frac_bits"))
        out.append(
            f"n64c_quantize({self.buf(op.input)}, {self.buf(op.results[0])}, {n}u, {scale});"
        )

    def op_dequantize(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.DequantizeOp)
        self.need("dequantize")
        n = int(np.prod(shape_of(op.input)))
        scale = float_literal(2.0 ** -int_property(op, "frac_bits"))
        out.append(
            f"n64c_dequantize({self.buf(op.input)}, {self.buf(op.results[0])}, {n}u, {scale});"
        )

    def op_qgemm(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QGemmOp)
        self.need("qgemm")
        xs, ws = shape_of(op.x), shape_of(op.w)
        m = int(np.prod(xs[:-1]))
        k, n = ws
        bias = self.buf(op.bias) if op.bias is not None else "0"
        shifts = self.small_table("int8_t", int_values(op.shifts))
        lo, hi = op.clamp_bounds
        out.append(
            f"n64c_qgemm({self.buf(op.x)}, {self.buf(op.w)}, {bias}, {shifts}, "
            f"{self.buf(op.results[0])}, {m}u, {k}u, {n}u, {lo}, {hi}, {int(op.wide)});"
        )

    def op_qconv2d(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QConv2dOp)
        self.need("qconv2d")
        xs, ws, ys = shape_of(op.x), shape_of(op.w), shape_of(op.results[0])
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        o, _cg, kh, kw = ws
        oh, ow = ys[-2:]
        sh, sw = int_values(op.strides)
        pt, pl, _pb, _pr = int_values(op.pads)
        dh, dw = int_values(op.dilations)
        lo, hi = op.clamp_bounds
        params = self.fresh("conv")
        self.constants.append(
            f"static const n64c_conv {params} = {{{c}u, {h}u, {w}u, {o}u, {oh}u, "
            f"{ow}u, {kh}u, {kw}u, {int_property(op, 'group')}u, {sh}, {sw}, {pt}, {pl}, "
            f"{dh}, {dw}, {lo}, {hi}, {int(op.wide)}}};\n"
        )
        bias = self.buf(op.bias) if op.bias is not None else "0"
        shifts = self.small_table("int8_t", int_values(op.shifts))
        x, y, wt = self.buf(op.x), self.buf(op.results[0]), self.buf(op.w)
        for b in range(batch):
            out.append(
                f"n64c_qconv2d(&{params}, {x} + {b * c * h * w}, {wt}, {bias}, "
                f"{shifts}, {y} + {b * o * oh * ow});"
            )

    def op_qconv_transpose2d(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QConvTranspose2dOp)
        self.need("qconv_transpose2d")
        xs, ws, ys = shape_of(op.x), shape_of(op.w), shape_of(op.results[0])
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        kh, kw = ws[2:]
        o, oh, ow = ys[-3:]
        sh, sw = int_values(op.strides)
        pt, pl, _pb, _pr = int_values(op.pads)
        dh, dw = int_values(op.dilations)
        lo, hi = op.clamp_bounds
        params = self.param_struct(
            "n64c_convt", "convt",
            [c, h, w, o, oh, ow, kh, kw, int_property(op, "group"), lo, hi],
        )  # fmt: skip
        rows = self.small_table("int32_t", _transposed_taps(oh, kh, h, sh, dh, pt))
        cols = self.small_table("int32_t", _transposed_taps(ow, kw, w, sw, dw, pl))
        bias = self.buf(op.bias) if op.bias is not None else "0"
        shifts = self.small_table("int8_t", int_values(op.shifts))
        x, y, wt = self.buf(op.x), self.buf(op.results[0]), self.buf(op.w)
        for b in range(batch):
            out.append(
                f"n64c_qconv_transpose2d(&{params}, {rows}, {cols}, "
                f"{x} + {b * c * h * w}, {wt}, {bias}, {shifts}, {y} + {b * o * oh * ow});"
            )

    def _pool(
        self, op: q.QMaxPoolOp | q.QAvgPoolOp, out: list[str], kind: int, m: int, s: int
    ) -> None:
        self.need("pool")
        xs, ys = shape_of(op.input), shape_of(op.output)
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        oh, ow = ys[-2:]
        kh, kw = int_values(op.kernel)
        sh, sw = int_values(op.strides)
        pt, pl, _pb, _pr = int_values(op.pads)
        dh, dw = int_values(op.dilations)
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
        self._pool(
            op, out, 1, int_property(op, "multiplier"), int_property(op, "shift")
        )

    def op_qadd(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QAddOp)
        self.need("qadd")
        ys = shape_of(op.results[0])
        rank = max(len(ys), 1)
        shape = list(ys) or [1]
        strides = [bcast_strides(shape_of(v), shape) for v in (op.lhs, op.rhs)]
        tab_shape = self.small_table("uint32_t", shape)
        sa = self.small_table("uint32_t", strides[0])
        sb = self.small_table("uint32_t", strides[1])
        lo, hi = op.clamp_bounds
        out.append(
            f"n64c_qadd({self.buf(op.lhs)}, {self.buf(op.rhs)}, {self.buf(op.results[0])}, "
            f"{int(np.prod(shape))}u, {rank}u, {tab_shape}, {sa}, {sb}, "
            f"{int_property(op, 'lhs_mul_log2')}, {int_property(op, 'rhs_mul_log2')}, "
            f"{int_property(op, 'shift')}, {lo}, {hi});"
        )

    def op_qrescale(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QRescaleOp)
        self.need("qrescale")
        n = int(np.prod(shape_of(op.input)))
        lo, hi = op.clamp_bounds
        out.append(
            f"n64c_qrescale({self.buf(op.input)}, {self.buf(op.results[0])}, {n}u, "
            f"{int_property(op, 'mul_log2')}, {int_property(op, 'shift')}, {lo}, {hi});"
        )

    def op_qclamp(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QClampOp)
        self.need("qclamp")
        n = int(np.prod(shape_of(op.input)))
        lo, hi = op.clamp_bounds
        out.append(
            f"n64c_qclamp({self.buf(op.input)}, {self.buf(op.results[0])}, {n}u, {lo}, {hi});"
        )

    def op_qprelu(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QPReluOp)
        self.need("qprelu")
        xs = shape_of(op.input)
        muls, shifts = op.multipliers.get_values(), op.shifts.get_values()
        axis = op.axis.value.data
        if len(muls) == 1:
            outer, channels, inner = 1, 1, int(np.prod(xs))
        else:
            outer, channels = int(np.prod(xs[:axis])), xs[axis]
            inner = int(np.prod(xs[axis + 1 :]))
        out.append(
            f"n64c_qprelu({self.buf(op.input)}, {self.buf(op.results[0])}, "
            f"{outer}u, {channels}u, {inner}u, {self.small_table('int32_t', muls)}, "
            f"{self.small_table('int32_t', shifts)});"
        )

    def op_qtranspose(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, q.QTransposeOp)
        self.need("transpose")
        ys = shape_of(op.results[0])
        out.append(
            f"n64c_transpose16({self.buf(op.input)}, {self.buf(op.results[0])}, "
            f"{int(np.prod(ys))}u, {self.transpose_tables(op)});"
        )

    def transpose_tables(self, op: q.QTransposeOp) -> str:
        """The C arguments `rank, out_shape, src_strides` of a transpose's
        odometer (`n64c_odometer`): its result's shape, and per output
        axis the input's stride along it."""
        xs, ys = shape_of(op.input), shape_of(op.results[0])
        perm = int_values(op.perm)
        in_strides = [int(np.prod(xs[d + 1 :])) for d in range(len(xs))]
        src = [in_strides[p] for p in perm]
        return (
            f"{len(ys)}u, {self.small_table('uint32_t', list(ys))}, "
            f"{self.small_table('uint32_t', src)}"
        )


INT16_HANDLERS: dict[type[Operation], OpEmitter] = {
    q.QuantizeOp: Int16Ops.op_quantize,
    q.DequantizeOp: Int16Ops.op_dequantize,
    q.QGemmOp: Int16Ops.op_qgemm,
    q.QConv2dOp: Int16Ops.op_qconv2d,
    q.QConvTranspose2dOp: Int16Ops.op_qconv_transpose2d,
    q.QMaxPoolOp: Int16Ops.op_qmaxpool,
    q.QAvgPoolOp: Int16Ops.op_qavgpool,
    q.QAddOp: Int16Ops.op_qadd,
    q.QRescaleOp: Int16Ops.op_qrescale,
    q.QClampOp: Int16Ops.op_qclamp,
    q.QPReluOp: Int16Ops.op_qprelu,
    q.QTransposeOp: Int16Ops.op_qtranspose,
}
"""The int16 ops this module emits, with their emitter."""
