"""C kernels of the float window ops of `n64_graph_window`: the transposed
2-D convolution (`n64.conv_transpose2d`, by scattering each input pixel
into its output window) and the 3-D convolution and pools (`n64.conv3d`,
`n64.maxpool3d`, `n64.avgpool3d`). They run one image at a time; the
parameters of a layer are one static struct. Inner loops step through
window positions with additions and multiplications only; an average
pool's one division per output element follows its window's sum, as in
the 2-D pools.
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation

from n64c.backend.c_common import KernelContext, OpEmitter, shape_of
from n64c.dialects import n64_graph_window as gw

FLOAT_WINDOW_KERNELS: dict[str, str] = {
    "conv_transpose2df": """\
/* Transposed 2-D conv of one image [C,H,W] with weights [C,O/g,KH,KW]:
 * each input pixel adds x * w over the output window it maps to (stride
 * apart, shifted by the top/left pads, clipped to [OH,OW]); the bias is
 * added after all the sums. */
typedef struct n64c_fconvt {
    uint32_t c, h, w, o, oh, ow, kh, kw, group;
    int32_t sh, sw, pt, pl, dh, dw;
} n64c_fconvt;

static void n64c_conv_transpose2df(const n64c_fconvt *p, const float *x,
                                   const float *w, const float *b, float *y)
{
    uint32_t cg = p->c / p->group, og = p->o / p->group;
    uint32_t plane = p->oh * p->ow;
    uint32_t g, c, o, iy, ix, i, j, k;
    for (k = 0; k < p->o * plane; k++)
        y[k] = 0.0f;
    for (g = 0; g < p->group; g++) {
        for (c = 0; c < cg; c++) {
            const float *xc = x + (size_t)(g * cg + c) * p->h * p->w;
            for (o = 0; o < og; o++) {
                const float *wk = w + ((size_t)(g * cg + c) * og + o) * p->kh * p->kw;
                float *yo = y + (size_t)(g * og + o) * plane;
                for (iy = 0; iy < p->h; iy++) {
                    for (i = 0; i < p->kh; i++) {
                        int32_t oy = (int32_t)iy * p->sh + (int32_t)i * p->dh - p->pt;
                        float *row;
                        if (oy < 0 || oy >= (int32_t)p->oh) continue;
                        row = yo + (uint32_t)oy * p->ow;
                        for (ix = 0; ix < p->w; ix++) {
                            float v = xc[iy * p->w + ix];
                            int32_t ox = (int32_t)ix * p->sw - p->pl;
                            for (j = 0; j < p->kw; j++, ox += p->dw) {
                                if (ox < 0 || ox >= (int32_t)p->ow) continue;
                                row[ox] += v * wk[i * p->kw + j];
                            }
                        }
                    }
                }
            }
        }
    }
    if (b != 0)
        for (o = 0; o < p->o; o++)
            for (k = 0; k < plane; k++)
                y[o * plane + k] += b[o];
}
""",
    "conv3df": """\
/* Float 3-D conv of one volume [C,D,H,W] with weights [O,C/g,KD,KH,KW],
 * zero padding; the bias is added after the sum, as numpy does. */
typedef struct n64c_fconv3 {
    uint32_t c, d, h, w, o, od, oh, ow, kd, kh, kw, group;
    int32_t sd, sh, sw, pf, pt, pl, dd, dh, dw;
} n64c_fconv3;

static void n64c_conv3df(const n64c_fconv3 *p, const float *x, const float *w,
                         const float *b, float *y)
{
    uint32_t cg = p->c / p->group, og = p->o / p->group;
    uint32_t taps = p->kd * p->kh * p->kw;
    uint32_t g, oo, oz, oy, ox, c, i, j, k;
    for (g = 0; g < p->group; g++) {
        for (oo = 0; oo < og; oo++) {
            uint32_t o = g * og + oo;
            for (oz = 0; oz < p->od; oz++) {
                for (oy = 0; oy < p->oh; oy++) {
                    for (ox = 0; ox < p->ow; ox++) {
                        float acc = 0.0f;
                        for (c = 0; c < cg; c++) {
                            const float *xc = x + (size_t)(g * cg + c) * p->d * p->h * p->w;
                            const float *wc = w + ((size_t)o * cg + c) * taps;
                            for (i = 0; i < p->kd; i++) {
                                int32_t iz = (int32_t)oz * p->sd + (int32_t)i * p->dd - p->pf;
                                if (iz < 0 || iz >= (int32_t)p->d) continue;
                                for (j = 0; j < p->kh; j++) {
                                    int32_t iy = (int32_t)oy * p->sh + (int32_t)j * p->dh - p->pt;
                                    const float *xrow;
                                    if (iy < 0 || iy >= (int32_t)p->h) continue;
                                    xrow = xc + ((uint32_t)iz * p->h + (uint32_t)iy) * p->w;
                                    for (k = 0; k < p->kw; k++) {
                                        int32_t ix = (int32_t)ox * p->sw + (int32_t)k * p->dw - p->pl;
                                        if (ix < 0 || ix >= (int32_t)p->w) continue;
                                        acc += xrow[ix] * wc[(i * p->kh + j) * p->kw + k];
                                    }
                                }
                            }
                        }
                        y[((o * p->od + oz) * p->oh + oy) * p->ow + ox] =
                            b != 0 ? acc + b[o] : acc;
                    }
                }
            }
        }
    }
}
""",
    "pool3df": """\
/* Float 3-D pooling on one volume [C,D,H,W]. kind 0 = max: padding never
 * wins, NaN does. kind 1 = average: the sum over input voxels divided by
 * their count, or (include_pad) by the count of positions inside the
 * explicit padding; the overhang of a ceil-mode window never counts. */
typedef struct n64c_fpool3 {
    uint32_t c, d, h, w, od, oh, ow, kd, kh, kw;
    int32_t sd, sh, sw, pf, pt, pl, pk, pb, pr, dd, dh, dw, kind, include_pad;
} n64c_fpool3;

static void n64c_pool3df(const n64c_fpool3 *p, const float *x, float *y)
{
    uint32_t c, oz, oy, ox, i, j, k;
    for (c = 0; c < p->c; c++) {
        const float *xc = x + (size_t)c * p->d * p->h * p->w;
        for (oz = 0; oz < p->od; oz++) {
            for (oy = 0; oy < p->oh; oy++) {
                for (ox = 0; ox < p->ow; ox++) {
                    float best = -INFINITY, sum = 0.0f;
                    int32_t count = 0;
                    for (i = 0; i < p->kd; i++) {
                        int32_t iz = (int32_t)oz * p->sd + (int32_t)i * p->dd - p->pf;
                        int in_z = iz >= 0 && iz < (int32_t)p->d;
                        int pad_z = iz >= -p->pf && iz < (int32_t)p->d + p->pk;
                        for (j = 0; j < p->kh; j++) {
                            int32_t iy = (int32_t)oy * p->sh + (int32_t)j * p->dh - p->pt;
                            int in_y = in_z && iy >= 0 && iy < (int32_t)p->h;
                            int pad_y = pad_z && iy >= -p->pt && iy < (int32_t)p->h + p->pb;
                            for (k = 0; k < p->kw; k++) {
                                int32_t ix = (int32_t)ox * p->sw + (int32_t)k * p->dw - p->pl;
                                int in_x = in_y && ix >= 0 && ix < (int32_t)p->w;
                                int pad_x = pad_y && ix >= -p->pl && ix < (int32_t)p->w + p->pr;
                                if (in_x) {
                                    float v = xc[((uint32_t)iz * p->h + (uint32_t)iy) * p->w
                                                 + (uint32_t)ix];
                                    if (v > best || v != v) best = v;
                                    sum += v;
                                }
                                if (p->include_pad ? pad_x : in_x) count++;
                            }
                        }
                    }
                    y[((c * p->od + oz) * p->oh + oy) * p->ow + ox] =
                        p->kind == 0 ? best : sum / (float)count;
                }
            }
        }
    }
}
""",
}
"""C text of the float window kernels, by name."""

FLOAT_WINDOW_KERNEL_DEPS: dict[str, tuple[str, ...]] = {}


class FloatWindowOps(KernelContext):
    """Emitters of the transposed and 3-D window ops."""

    def op_conv_transpose2d(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, gw.ConvTranspose2dOp)
        self.need("conv_transpose2df")
        xs, ys = shape_of(op.x), shape_of(op.result)
        batch = int(np.prod(xs[:-3]))
        c, h, w = xs[-3:]
        o, oh, ow = ys[-3:]
        kh, kw = shape_of(op.w)[2:]
        sh, sw = op.get_strides()
        pt, pl = op.get_pads()[:2]
        dh, dw = op.get_dilations()
        params = self.param_struct(
            "n64c_fconvt", "fconvt",
            [c, h, w, o, oh, ow, kh, kw, op.get_group(), sh, sw, pt, pl, dh, dw],
        )  # fmt: skip
        bias = self.buf(op.bias) if op.bias is not None else "0"
        x, y, wt = self.buf(op.x), self.buf(op.result), self.buf(op.w)
        for b in range(batch):
            out.append(
                f"n64c_conv_transpose2df(&{params}, {x} + {b * c * h * w}, {wt}, "
                f"{bias}, {y} + {b * o * oh * ow});"
            )

    def op_conv3d(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, gw.Conv3dOp)
        self.need("conv3df")
        xs, ys = shape_of(op.x), shape_of(op.result)
        batch = xs[0]
        c, d, h, w = xs[1:]
        o, od, oh, ow = ys[1:]
        kd, kh, kw = shape_of(op.w)[2:]
        params = self.param_struct(
            "n64c_fconv3", "fconv3",
            [c, d, h, w, o, od, oh, ow, kd, kh, kw, op.get_group(),
             *op.get_strides(), *op.get_pads()[:3], *op.get_dilations()],
        )  # fmt: skip
        bias = self.buf(op.bias) if op.bias is not None else "0"
        x, y, wt = self.buf(op.x), self.buf(op.result), self.buf(op.w)
        for b in range(batch):
            out.append(
                f"n64c_conv3df(&{params}, {x} + {b * c * d * h * w}, {wt}, {bias}, "
                f"{y} + {b * o * od * oh * ow});"
            )

    def op_pool3d(self, op: Operation, out: list[str]) -> None:
        assert isinstance(op, gw.MaxPool3dOp | gw.AvgPool3dOp)
        self.need("pool3df")
        xs, ys = shape_of(op.x), shape_of(op.result)
        batch = xs[0]
        c, d, h, w = xs[1:]
        od, oh, ow = ys[2:]
        kind = 0 if isinstance(op, gw.MaxPool3dOp) else 1
        include = int(isinstance(op, gw.AvgPool3dOp) and op.get_count_include_pad())
        params = self.param_struct(
            "n64c_fpool3", "fpool3",
            [c, d, h, w, od, oh, ow, *op.get_kernel(), *op.get_strides(),
             *op.get_pads(), *op.get_dilations(), kind, include],
        )  # fmt: skip
        x, y = self.buf(op.x), self.buf(op.result)
        for b in range(batch):
            out.append(
                f"n64c_pool3df(&{params}, {x} + {b * c * d * h * w}, "
                f"{y} + {b * c * od * oh * ow});"
            )


FLOAT_WINDOW_HANDLERS: dict[type[Operation], OpEmitter] = {
    gw.ConvTranspose2dOp: FloatWindowOps.op_conv_transpose2d,
    gw.Conv3dOp: FloatWindowOps.op_conv3d,
    gw.MaxPool3dOp: FloatWindowOps.op_pool3d,
    gw.AvgPool3dOp: FloatWindowOps.op_pool3d,
}
"""The window ops this module emits, with their emitter."""
