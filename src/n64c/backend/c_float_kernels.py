"""C kernels of the graph ops that stay in float on the CPU: element-wise
maths, broadcasting arithmetic, pad and transpose, softmax, the 2-D pools,
gemm/matmul/conv2d and batch norm. They follow numpy's float32 semantics
step by step (every operation in float32, never double); `docs/c-api.md`
says which are exact and which agree within a tolerance.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from n64c.backend.c_common import (
    KernelContext,
    OpEmitter,
    bcast_strides,
    clamp_bound,
    element_count,
    float_literal,
    int_property,
    int_values,
    shape_of,
)
from n64c.dialects import n64_graph as g
from n64c.dialects import n64_graph_math as gm
from n64c.errors import UnsupportedModelError

MAX_RANK = 8
"""Most axes of a broadcast in `n64c_binaryf` (N64C_MAX_RANK in the C)."""

FLOAT_KERNELS: dict[str, str] = {
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
/* y = a + b (kind 0), a - b (1), a * b (2) or a / b (3) with numpy
 * broadcasting over `rank` <= N64C_MAX_RANK axes of `shape`: `sa` and `sb`
 * are each operand's strides along y's axes (0 where it is broadcast). An
 * odometer over y's axes moves both operand offsets, so finding an element
 * needs no division. */
#define N64C_MAX_RANK 8
static void n64c_binaryf(const float *a, const float *b, float *y, uint32_t n,
                         uint32_t rank, const uint32_t *shape, const uint32_t *sa,
                         const uint32_t *sb, int kind)
{
    uint32_t count[N64C_MAX_RANK] = {0};
    uint32_t i, d, ia = 0, ib = 0;
    for (i = 0; i < n; i++) {
        float u = a[ia], v = b[ib];
        y[i] = kind == 0 ? u + v : kind == 1 ? u - v : kind == 2 ? u * v : u / v;
        for (d = rank; d-- > 0;) {
            if (++count[d] < shape[d]) {
                ia += sa[d];
                ib += sb[d];
                break;
            }
            count[d] = 0;
            ia -= sa[d] * (shape[d] - 1);
            ib -= sb[d] * (shape[d] - 1);
        }
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
    "exp": """\
static void n64c_exp(const float *x, float *y, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = expf(x[i]);
}
""",
    "abs": """\
static void n64c_abs(const float *x, float *y, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = fabsf(x[i]);
}
""",
    "softplus": """\
/* log(1 + exp(x)) as max(x, 0) + log1p(exp(-|x|)): the float engine's form,
 * which never overflows. */
static void n64c_softplus(const float *x, float *y, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        y[i] = (x[i] < 0.0f ? 0.0f : x[i]) + log1pf(expf(-fabsf(x[i])));
}
""",
    "elu": """\
/* Elu (gamma = 1) and Selu: gamma * (x > 0 ? x : alpha * expm1(x)). */
static void n64c_elu(const float *x, float *y, uint32_t n, float alpha, float gamma)
{
    uint32_t i;
    for (i = 0; i < n; i++) {
        float v = x[i] > 0.0f ? x[i] : expm1f(x[i]) * alpha;
        y[i] = gamma == 1.0f ? v : v * gamma;
    }
}
""",
    "log_softmax": """\
/* LogSoftmax over the middle axis of [outer, len, inner]:
 * (x - max) - log(sum(exp(x - max))). */
static void n64c_log_softmax(const float *x, float *y, uint32_t outer,
                             uint32_t len, uint32_t inner)
{
    uint32_t o, i, k;
    for (o = 0; o < outer; o++) {
        for (k = 0; k < inner; k++) {
            const float *xs = x + (size_t)o * len * inner + k;
            float *ys = y + (size_t)o * len * inner + k;
            float top = xs[0], sum = 0.0f, log_sum;
            for (i = 1; i < len; i++)
                if (xs[i * inner] > top) top = xs[i * inner];
            for (i = 0; i < len; i++)
                sum += expf(xs[i * inner] - top);
            log_sum = logf(sum);
            for (i = 0; i < len; i++)
                ys[i * inner] = (xs[i * inner] - top) - log_sum;
        }
    }
}
""",
    "lrn": """\
/* LRN across the channels of [outer, channels, inner]:
 * y = x * (bias + scale * sum(x^2))^neg_beta over the channels
 * c - before .. c + after that exist (scale = alpha / size). */
static void n64c_lrn(const float *x, float *y, uint32_t outer, uint32_t channels,
                     uint32_t inner, uint32_t before, uint32_t after, float scale,
                     float bias, float neg_beta)
{
    uint32_t o, c, k, i;
    for (o = 0; o < outer; o++) {
        const float *xo = x + (size_t)o * channels * inner;
        float *yo = y + (size_t)o * channels * inner;
        for (c = 0; c < channels; c++) {
            uint32_t lo = c < before ? 0 : c - before;
            uint32_t hi = c + after < channels ? c + after : channels - 1;
            for (i = 0; i < inner; i++) {
                float sum = 0.0f;
                for (k = lo; k <= hi; k++)
                    sum += xo[k * inner + i] * xo[k * inner + i];
                yo[c * inner + i] = xo[c * inner + i] * powf(bias + scale * sum, neg_beta);
            }
        }
    }
}
""",
}
"""C text of the float kernels, by name."""

FLOAT_KERNEL_DEPS: dict[str, tuple[str, ...]] = {
    "transposef": ("bcast",),
    "global_avgpool": ("sumf",),
    "matmulf": ("gemmf",),
}


class FloatOps(KernelContext):
    """Emitters of the float graph ops."""

    def op_softmax(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.SoftmaxOp)
        self.need("softmax")
        shape = shape_of(op.operands[0])
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
        n = int(np.prod(shape_of(op.operands[0])))
        out.append(
            f"n64c_relu({self.buf(op.operands[0])}, {self.buf(op.results[0])}, {n}u);"
        )

    def _clamp_after(self, y: str, n: int, op: g.FusedClampOp, out: list[str]) -> None:
        lo, hi = op.get_clamp()
        if lo is None and hi is None:
            return
        self.need("clampf")
        out.append(
            f"n64c_clampf({y}, {y}, {n}u, {clamp_bound(lo, '-INFINITY')}, "
            f"{clamp_bound(hi, 'INFINITY')});"
        )

    def op_clip(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.ClipOp)
        self.need("clampf")
        lo, hi = op.get_bounds()
        n = element_count(op.results[0])
        out.append(
            f"n64c_clampf({self.buf(op.operands[0])}, {self.buf(op.results[0])}, "
            f"{n}u, {clamp_bound(lo, '-INFINITY')}, {clamp_bound(hi, 'INFINITY')});"
        )

    def op_leaky_relu(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.LeakyReluOp)
        self.need("leaky_relu")
        alpha = float_literal(op.alpha.value.data)
        out.append(
            f"n64c_leaky_relu({self.buf(op.operands[0])}, {self.buf(op.results[0])}, "
            f"{element_count(op.results[0])}u, {alpha});"
        )

    def _unary(self, kernel: str, op: Operation, out: list[str]) -> None:
        self.need(kernel)
        out.append(
            f"n64c_{kernel}({self.buf(op.operands[0])}, {self.buf(op.results[0])}, "
            f"{element_count(op.results[0])}u);"
        )

    def op_sigmoid(self, op: Operation, out: list[str]) -> None:
        self._unary("sigmoid", op, out)

    def op_tanh(self, op: Operation, out: list[str]) -> None:
        self._unary("tanh", op, out)

    def op_binary(self, op: Operation, out: list[str]) -> None:
        kind = {g.AddOp: 0, g.SubOp: 1, g.MulOp: 2, gm.DivOp: 3}[type(op)]
        self.need("binaryf")
        ys = shape_of(op.results[0])
        shape = list(ys) or [1]
        if len(shape) > MAX_RANK:
            raise UnsupportedModelError(
                f"{op.name} on rank {len(shape)} tensors: the C kernel takes at "
                f"most {MAX_RANK} axes"
            )
        sa, sb = (
            self.small_table("uint32_t", bcast_strides(shape_of(v), shape))
            for v in op.operands[:2]
        )
        y = self.buf(op.results[0])
        n = int(np.prod(shape))
        out.append(
            f"n64c_binaryf({self.buf(op.operands[0])}, {self.buf(op.operands[1])}, "
            f"{y}, {n}u, {len(shape)}u, {self.small_table('uint32_t', shape)}, "
            f"{sa}, {sb}, {kind});"
        )
        if isinstance(op, g.AddOp):
            self._clamp_after(y, n, op, out)

    def op_pad(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.PadOp)
        self.need("padf")
        xs, ys = shape_of(op.x), shape_of(op.result)
        rank = len(xs)
        pads = op.get_pads()
        begins, ends = pads[:rank], pads[rank:]
        crop = [max(-b, 0) for b in begins]
        size = [xs[d] - crop[d] - max(-ends[d], 0) for d in range(rank)]
        before = [max(b, 0) for b in begins]
        strides = [int(np.prod(xs[d + 1 :])) for d in range(rank)]
        mode = {"constant": 0, "reflect": 1, "edge": 2}[op.mode.data]
        out.append(
            f"n64c_padf({self.buf(op.x)}, {self.buf(op.result)}, {element_count(op.result)}u, "
            f"{rank}u, {self.small_table('uint32_t', list(ys))}, "
            f"{self.small_table('uint32_t', size)}, "
            f"{self.small_table('uint32_t', strides)}, "
            f"{self.small_table('int32_t', before)}, "
            f"{self.small_table('uint32_t', crop)}, {mode}, "
            f"{float_literal(op.value.value.data)});"
        )

    def op_transpose(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.TransposeOp)
        self.need("transposef")
        xs, ys = shape_of(op.x), shape_of(op.result)
        in_strides = [int(np.prod(xs[d + 1 :])) for d in range(len(xs))]
        src = [in_strides[p] for p in op.get_perm()]
        out.append(
            f"n64c_transposef({self.buf(op.x)}, {self.buf(op.result)}, "
            f"{int(np.prod(ys))}u, {len(ys)}u, {self.small_table('uint32_t', list(ys))}, "
            f"{self.small_table('uint32_t', src)});"
        )

    def op_fpool(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.MaxPoolOp | g.AvgPoolOp)
        self.need("poolf")
        xs, ys = shape_of(op.x), shape_of(op.result)
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
        xs = shape_of(op.x)
        outer, inner = int(np.prod(xs[:2])), int(np.prod(xs[2:]))
        out.append(
            f"n64c_global_avgpool({self.buf(op.x)}, {self.buf(op.results[0])}, "
            f"{outer}u, {inner}u);"
        )

    def op_gemm(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.GemmOp)
        self.need("gemmf")
        m, k = shape_of(op.a)
        n = shape_of(op.b)[1]
        bias, bm, bn = "0", 0, 0
        if op.bias is not None:
            bias = self.buf(op.bias)
            bm, bn = bcast_strides(shape_of(op.bias), [m, n])
        y = self.buf(op.result)
        out.append(
            f"n64c_gemmf({self.buf(op.a)}, {self.buf(op.b)}, {bias}, {bm}u, {bn}u, "
            f"{y}, {m}u, {k}u, {n}u);"
        )
        self._clamp_after(y, m * n, op, out)

    def op_matmul(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, g.MatMulOp)
        self.need("matmulf")
        a_shape, b_shape = shape_of(op.a), shape_of(op.b)
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
        xs, ws, ys = shape_of(op.x), shape_of(op.w), shape_of(op.result)
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        o, _cg, kh, kw = ws
        oh, ow = ys[-2:]
        sh, sw = int_values(op.strides)
        pt, pl, _pb, _pr = int_values(op.pads)
        dh, dw = int_values(op.dilations)
        params = self.fresh("fconv")
        self.constants.append(
            f"static const n64c_fconv {params} = {{{c}u, {h}u, {w}u, {o}u, {oh}u, "
            f"{ow}u, {kh}u, {kw}u, {int_property(op, 'group')}u, {sh}, {sw}, {pt}, {pl}, "
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
        xs = shape_of(op.x)
        outer, channels = xs[0], xs[1]
        inner = int(np.prod(xs[2:]))
        eps = float_literal(op.epsilon.value.data)
        out.append(
            f"n64c_batchnormf({self.buf(op.x)}, {self.buf(op.scale)}, "
            f"{self.buf(op.bias)}, {self.buf(op.mean)}, {self.buf(op.var)}, {eps}, "
            f"{self.buf(op.result)}, {outer}u, {channels}u, {inner}u);"
        )

    def op_exp(self, op: Operation, out: list[str]) -> None:
        self._unary("exp", op, out)

    def op_abs(self, op: Operation, out: list[str]) -> None:
        self._unary("abs", op, out)

    def op_softplus(self, op: Operation, out: list[str]) -> None:
        self._unary("softplus", op, out)

    def op_elu(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, gm.EluOp | gm.SeluOp)
        self.need("elu")
        gamma = op.get_gamma() if isinstance(op, gm.SeluOp) else 1.0
        out.append(
            f"n64c_elu({self.buf(op.x)}, {self.buf(op.result)}, "
            f"{element_count(op.result)}u, {float_literal(op.get_alpha())}, "
            f"{float_literal(gamma)});"
        )

    def op_log_softmax(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, gm.LogSoftmaxOp)
        self.need("log_softmax")
        shape = shape_of(op.x)
        axis = op.get_axis()
        outer = int(np.prod(shape[:axis]))
        inner = int(np.prod(shape[axis + 1 :]))
        out.append(
            f"n64c_log_softmax({self.buf(op.x)}, {self.buf(op.result)}, "
            f"{outer}u, {shape[axis]}u, {inner}u);"
        )

    def op_lrn(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, gm.LrnOp)
        self.need("lrn")
        size, alpha, beta, bias = op.get_params()
        xs = shape_of(op.x)
        before = (size - 1) // 2
        scale = float(np.float32(alpha / size))  # as the float engine rounds it
        out.append(
            f"n64c_lrn({self.buf(op.x)}, {self.buf(op.result)}, {xs[0]}u, "
            f"{xs[1]}u, {int(np.prod(xs[2:]))}u, {before}u, {size - 1 - before}u, "
            f"{float_literal(scale)}, {float_literal(bias)}, {float_literal(-beta)});"
        )


FLOAT_HANDLERS: dict[type[Operation], OpEmitter] = {
    g.SoftmaxOp: FloatOps.op_softmax,
    g.ReluOp: FloatOps.op_relu,
    g.ClipOp: FloatOps.op_clip,
    g.LeakyReluOp: FloatOps.op_leaky_relu,
    g.SigmoidOp: FloatOps.op_sigmoid,
    g.TanhOp: FloatOps.op_tanh,
    g.AddOp: FloatOps.op_binary,
    g.SubOp: FloatOps.op_binary,
    g.MulOp: FloatOps.op_binary,
    g.PadOp: FloatOps.op_pad,
    g.TransposeOp: FloatOps.op_transpose,
    g.MaxPoolOp: FloatOps.op_fpool,
    g.AvgPoolOp: FloatOps.op_fpool,
    g.GlobalAvgPoolOp: FloatOps.op_global_avgpool,
    g.GemmOp: FloatOps.op_gemm,
    g.MatMulOp: FloatOps.op_matmul,
    g.Conv2dOp: FloatOps.op_conv2d,
    g.BatchNormOp: FloatOps.op_batchnorm,
    gm.DivOp: FloatOps.op_binary,
    gm.ExpOp: FloatOps.op_exp,
    gm.AbsOp: FloatOps.op_abs,
    gm.SoftplusOp: FloatOps.op_softplus,
    gm.EluOp: FloatOps.op_elu,
    gm.SeluOp: FloatOps.op_elu,
    gm.LogSoftmaxOp: FloatOps.op_log_softmax,
    gm.LrnOp: FloatOps.op_lrn,
}
"""The float graph ops this module emits, with their emitter."""
