"""`tile-for-dmem`: quantised Gemm layers into DMEM tile programs.

Each `n64.qgemm` with constant weights (and constant bias) becomes an
`n64.tile_kernel` whose body streams the weights through a double-buffered
DMEM ring while the RSP computes on the other slot:

```
dma_in tile 0 -> ring                          (prefetch)
for m in rows:                                 (batch rows of x)
  dma_in x[m] -> x
  for g in groups of 8 output channels:
    for c in chunks of the inputs:
      dma_in tile t+1 -> ring                   (slot freed by t-1; skip_last)
      dma_wait keep=1                           (all but t+1 done: t is in)
      tile_matmul x, ring, y [c, g]             (first chunk starts, last requantises)
    dma_out y -> y[m, g]                        (8 results; or, when the whole
  dma_out y -> y[m]                              output row fits DMEM, per row)
dma_wait
```

A row of `x` too long for DMEM (AlexNet's K = 9216) is streamed instead:
the row is not loaded whole; in the chunk loop, each chunk of `x` is
DMA'd into a one-chunk buffer and waited for before the next tile's
prefetch starts (`stream_x`; the accumulator carries the 32-bit sum across
chunks as usual). The chunks then divide the padded row exactly.

Dimensions that are not multiples of 8 are padded: the packed weights carry
zero rows and columns (and `mult = 1`, zero bias for padded channels), so
padded inputs never contribute and padded outputs are computed but ignored.
Activations live in RDRAM with rows padded to a multiple of 8 elements.

Element-wise ops (`n64.qadd` on equal shapes, `n64.qrescale`,
`n64.qclamp`) become a loop over chunks of the padded tensor: DMA the
input(s) in, `n64.tile_eltwise` in place, DMA the result out.

An `acc48` Gemm (48-bit sums, see `n64c.backend.acc48_code`) has the
same program; its tiles have a 64-byte header (the bias's low 16 bits in a
fourth vector).

The weights of a layer are packed into `groups * chunks` tiles of
`48 + 16 * rows` bytes (`64 + 16 * rows` with `acc48`); with several rows
of `x` an extra last tile repeats tile 0, so the prefetch of "tile t+1"
wraps around to the next row. The very
last prefetch is skipped (`skip_last`). `plan_gemm_tiles` picks the chunk size: the largest that fits
the x buffer, the ring and the small buffers into DMEM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IndexType,
    ModuleOp,
    TensorType,
    i16,
    i64,
)
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from n64c.dialects.n64_graph import ConstantOp
from n64c.dialects.n64_quant import (
    QAddOp,
    QClampOp,
    QConv2dOp,
    QGemmOp,
    QMaxPoolOp,
    QPReluOp,
    QRescaleOp,
    QSliceOp,
)
from n64c.dialects.n64_tile import (
    DmaInOp,
    DmaOutOp,
    DmaWaitOp,
    DmemAllocOp,
    DmemType,
    RdramType,
    TileEltwiseOp,
    TileKernelOp,
    TileMatmulOp,
    acc48_mode,
    tile_header_bytes,
)
from n64c.errors import BudgetError, InvalidInputError, UnsupportedModelError
from n64c.passes.conv_kernel_choice import choose_conv_kernel
from n64c.passes.prelu_tiles import (
    build_prelu_kernel,
    prelu_on_rsp,
    sink_prelu_transposes,
)
from n64c.passes.slice_tiles import (
    build_slice_kernel,
    sink_slice_transposes,
    slice_on_rsp,
)
from n64c.passes.tile_constants import (
    PARAM_BYTES,
    acc_hi_readout,
    gemm_constants,
    one_op_bias,
    tile_header,
)
from n64c.passes.window_tiles import (
    alias_reshapes,
    build_pool_kernel,
    cancel_transposes,
    fold_flatten_into_gemm,
    sink_transposes,
    window_ops,
)

DMEM_BYTES = 4096
MAX_ROWS = 128
"""Largest chunk: the chunk's MAC code is unrolled in IMEM."""


def round_up(value: int, multiple: int) -> int:
    return (value + multiple - 1) // multiple * multiple


@dataclass(frozen=True)
class GemmTiling:
    """How one Gemm layer `y[M,N] = x[M,K] w[K,N]` is tiled."""

    m: int
    k: int
    n: int
    rows: int
    """Input rows per chunk (a multiple of 8)."""
    chunks: int
    """Chunks per group of 8 output channels."""
    whole_rows: bool = False
    """Whether a whole output row is collected in DMEM (one DMA out per row)
    rather than 8 results at a time."""
    wide: bool = False
    """An `acc48` layer (64-byte tile headers)."""
    stream_x: bool = False
    """Whether `x` is streamed one chunk at a time (with its weight tile)
    rather than held a whole row at a time: for rows too long for DMEM."""

    @property
    def k_padded(self) -> int:
        return round_up(self.k, 8)

    @property
    def n_padded(self) -> int:
        return round_up(self.n, 8)

    @property
    def groups(self) -> int:
        return self.n_padded // 8

    @property
    def tiles(self) -> int:
        return self.groups * self.chunks

    @property
    def tile_bytes(self) -> int:
        return tile_header_bytes(self.wide) + 16 * self.rows

    @property
    def x_buffer_bytes(self) -> int:
        return 2 * self.rows * (1 if self.stream_x else self.chunks)

    @property
    def x_row_bytes(self) -> int:
        """RDRAM bytes of one padded input row (what is DMA'd)."""
        return 2 * self.k_padded

    @property
    def y_row_bytes(self) -> int:
        return 2 * self.n_padded

    @property
    def weights_bytes(self) -> int:
        """The packed tiles, plus a copy of tile 0 when several rows of x
        wrap the prefetch around."""
        return (self.tiles + (self.m > 1)) * self.tile_bytes

    @property
    def y_buffer_bytes(self) -> int:
        return self.y_row_bytes if self.whole_rows else 16

    @property
    def dmem_bytes(self) -> int:
        """Working set of the kernel (without the parameter block and the
        constants)."""
        return self.x_buffer_bytes + 2 * self.tile_bytes + self.y_buffer_bytes

    @property
    def macs(self) -> int:
        return self.m * self.k * self.n


def plan_gemm_tiles(
    m: int,
    k: int,
    n: int,
    layer: str,
    dmem_bytes: int = DMEM_BYTES,
    wide: bool = False,
) -> GemmTiling:
    """The tiling with the fewest chunks whose working set fits DMEM
    (`dmem_bytes`: the DMEM budget); the output row
    is collected in DMEM when it fits too.

    When even 8-row chunks of a whole input row do not fit, `x` is streamed:
    one chunk of `x` at a time, with chunks that divide the padded row
    exactly (the largest of at most `MAX_ROWS` rows that fits). Raises
    `BudgetError` naming the layer when not even that fits.
    """
    available = dmem_bytes - PARAM_BYTES
    k_padded = round_up(k, 8)
    chunks = max(1, math.ceil(k_padded / MAX_ROWS))
    while True:
        rows = round_up(math.ceil(k_padded / chunks), 8)
        tiling = GemmTiling(m, k, n, rows, chunks, wide=wide)
        if tiling.dmem_bytes <= available:
            whole = GemmTiling(m, k, n, rows, chunks, whole_rows=True, wide=wide)
            return whole if whole.dmem_bytes <= available else tiling
        if rows == 8:
            break
        chunks += 1
    vectors = k_padded // 8
    for per_chunk in range(min(MAX_ROWS // 8, vectors), 0, -1):
        if vectors % per_chunk:
            continue
        rows = 8 * per_chunk
        streamed = GemmTiling(
            m, k, n, rows, vectors // per_chunk, wide=wide, stream_x=True
        )
        if streamed.dmem_bytes <= available:
            whole = GemmTiling(
                m, k, n, rows, streamed.chunks, True, wide, stream_x=True
            )
            return whole if whole.dmem_bytes <= available else streamed
    smallest = GemmTiling(m, k, n, 8, vectors, wide=wide, stream_x=True)
    raise BudgetError(
        f"layer {layer}: the Gemm with K={k} needs {smallest.dmem_bytes} bytes "
        f"of DMEM even with 8-row chunks of x streamed, "
        f"{smallest.dmem_bytes - available} bytes over the {available} bytes "
        "available"
    )


def pack_gemm_weights(
    w: np.ndarray,
    bias: np.ndarray | None,
    shifts: np.ndarray,
    tiling: GemmTiling,
    short_bias: bool = False,
) -> np.ndarray:
    """The layer's weight tiles as int16, in the order the kernel reads them
    (`short_bias`: the headers hold the one-op form of the bias).

    Tile `(g, c)`: the header (`tile_header`) for channels `8g..8g+7`,
    then `w[c*rows + r, 8g..8g+7]` for `r < rows`; when `m > 1` a copy of
    tile 0 follows the last tile.
    """
    k, n = tiling.k, tiling.n
    rows, chunks, groups = tiling.rows, tiling.chunks, tiling.groups
    kk = rows * chunks
    wp = np.zeros((kk, groups * 8), dtype=np.int16)
    wp[:k, :n] = w
    header = tile_header(bias, shifts, groups * 8, tiling.wide, short_bias)
    h = header.shape[0]
    header = header.reshape(h, groups, 8).transpose(1, 0, 2)  # [g, h, 8]
    body = wp.reshape(chunks, rows, groups, 8).transpose(2, 0, 1, 3)  # [g, c, r, 8]
    tiles = np.concatenate(
        [
            np.broadcast_to(header[:, None, :, :], (groups, chunks, h, 8)),
            body,
        ],
        axis=2,
    ).reshape(groups * chunks, -1)
    if tiling.m > 1:
        tiles = np.concatenate([tiles, tiles[:1]], axis=0)
    return tiles.reshape(-1)


def _constant(value: SSAValue, what: str, layer: str) -> np.ndarray:
    owner = value.owner
    if not isinstance(owner, ConstantOp):
        raise UnsupportedModelError(
            f"layer {layer}: the Gemm {what} must be a constant to run on the RSP"
        )
    return owner.to_numpy()


def _index_constants(block: Block, values: list[int]) -> dict[int, SSAValue]:
    out: dict[int, SSAValue] = {}
    for v in sorted(set(values)):
        op = arith.ConstantOp.from_int_and_width(v, IndexType())
        block.add_op(op)
        out[v] = op.result
    return out


def _for(lb: SSAValue, ub: SSAValue, step: SSAValue) -> tuple[scf.ForOp, Block]:
    body = Block(arg_types=[IndexType()])
    loop = scf.ForOp(lb, ub, step, [], Region(body))
    return loop, body


def build_gemm_kernel(op: QGemmOp, layer: str, dmem_bytes: int) -> TileKernelOp:
    """The tile program of one `n64.qgemm`."""
    x_type = op.x.type
    w_value = _constant(op.w, "weights", layer)
    bias = None if op.bias is None else _constant(op.bias, "bias", layer)
    assert isinstance(x_type, TensorType)
    m, k = (int(d) for d in x_type.get_shape())
    n = int(w_value.shape[1])
    mode = acc48_mode(op.shift_values) if op.wide else None
    tiling = plan_gemm_tiles(m, k, n, layer, dmem_bytes, op.wide)
    lo, hi = op.clamp_bounds
    short_bias = one_op_bias(bias, op.wide)
    packed = pack_gemm_weights(
        w_value, bias, np.asarray(op.shift_values, dtype=np.int64), tiling, short_bias
    )
    weights = DenseIntOrFPElementsAttr(
        TensorType(i16, [packed.size]),
        BytesAttr(np.ascontiguousarray(packed, dtype="<i2").tobytes()),
    )

    tb = tiling.tile_bytes
    body = Block(
        arg_types=[
            RdramType(m * tiling.x_row_bytes),
            RdramType(m * tiling.y_row_bytes),
            RdramType(tiling.weights_bytes),
        ]
    )
    xr, yr, wr = body.args
    xb = DmemAllocOp("x", DmemType(tiling.x_buffer_bytes))
    wb = DmemAllocOp("w", DmemType(tb, 2))
    yb = DmemAllocOp("y", DmemType(tiling.y_buffer_bytes))
    values = gemm_constants(op)
    kb = DmemAllocOp("k", DmemType(2 * len(values)), values)
    body.add_ops([xb, wb, yb, kb])
    consts = _index_constants(body, [0, 1, m, tiling.groups, tiling.chunks])
    c0, c1 = consts[0], consts[1]
    body.add_op(DmaInOp(wr, wb.result, [], offset=0, strides=[], nbytes=tb, tag=0))

    row_loop, row = _for(c0, consts[m], c1)
    (iv_m,) = row.args
    if not tiling.stream_x:
        row.add_op(
            DmaInOp(
                xr,
                xb.result,
                [iv_m],
                offset=0,
                strides=[tiling.x_row_bytes],
                nbytes=tiling.x_row_bytes,
                tag=2,
            )
        )
    group_loop, group = _for(c0, consts[tiling.groups], c1)
    (iv_g,) = group.args
    chunk_loop, chunk = _for(c0, consts[tiling.chunks], c1)
    (iv_c,) = chunk.args
    if tiling.stream_x:
        # this chunk of x, in before the next tile's prefetch starts (so
        # waiting for all transfers does not wait for that prefetch)
        chunk.add_ops(
            [
                DmaInOp(
                    xr,
                    xb.result,
                    [iv_m, iv_c],
                    offset=0,
                    strides=[tiling.x_row_bytes, tiling.x_buffer_bytes],
                    nbytes=tiling.x_buffer_bytes,
                    tag=2,
                ),
                DmaWaitOp(0),
            ]
        )
    chunk.add_ops(
        [
            DmaInOp(
                wr,
                wb.result,
                [iv_g, iv_c],
                offset=tb,
                strides=[tiling.chunks * tb, tb],
                nbytes=tb,
                tag=0,
                skip_last=True,
            ),
            DmaWaitOp(0, keep=1),
            TileMatmulOp(
                xb.result,
                wb.result,
                yb.result,
                kb.result,
                iv_c,
                iv_g if tiling.whole_rows else c0,
                rows=tiling.rows,
                chunks=tiling.chunks,
                clamp_lo=lo,
                clamp_hi=hi,
                acc48=mode,
                stream_x=tiling.stream_x,
                short_bias=short_bias,
                acc_hi=acc_hi_readout(op.shift_values, op.wide),
            ),
            scf.YieldOp(),
        ]
    )
    y_out = DmaOutOp(
        yb.result,
        yr,
        [iv_m] if tiling.whole_rows else [iv_m, iv_g],
        offset=0,
        strides=[tiling.y_row_bytes] if tiling.whole_rows else [tiling.y_row_bytes, 16],
        nbytes=tiling.y_buffer_bytes,
        tag=1,
    )
    if tiling.whole_rows:
        group.add_ops([chunk_loop, scf.YieldOp()])
        row.add_ops([group_loop, y_out, scf.YieldOp()])
    else:
        group.add_ops([chunk_loop, y_out, scf.YieldOp()])
        row.add_ops([group_loop, scf.YieldOp()])
    body.add_ops([row_loop, DmaWaitOp(1)])

    kernel = TileKernelOp(
        layer, [op.x], [op.output.type], Region(body), tiling.macs, weights
    )
    kernel.attributes["n64.tiling"] = DenseArrayBase.from_list(
        i64, [m, k, n, tiling.rows, tiling.chunks]
    )
    return kernel


def layer_name(op: Operation, default: str) -> str:
    """The layer's ONNX node name when the importer kept it, else `default`."""
    for key in ("n64.name", "name", "onnx.name", "n64.node"):
        attr = op.attributes.get(key)
        if attr is not None and hasattr(attr, "data"):
            return str(attr.data)  # type: ignore[attr-defined]
    return default


ELTWISE_OPS = (QAddOp, QRescaleOp, QClampOp)
ELTWISE_KIND: dict[type[Operation], str] = {
    QAddOp: "add",
    QRescaleOp: "rescale",
    QClampOp: "clamp",
}
ELTWISE_CHUNK = 1536
"""Bytes per element-wise chunk (two inputs fit DMEM with room to spare)."""


def _same_shapes(op: Operation) -> bool:
    shapes = {tuple(v.type.get_shape()) for v in (*op.operands, *op.results)}  # type: ignore[attr-defined]
    return len(shapes) == 1


def _eltwise_scales(op: Operation) -> tuple[int, int, int]:
    """(ka, kb, s) of an element-wise op (0, 0, 16 for a clamp)."""
    if isinstance(op, QAddOp):
        return (
            op.lhs_mul_log2.value.data,
            op.rhs_mul_log2.value.data,
            op.shift.value.data,
        )
    if isinstance(op, QRescaleOp):
        return op.mul_log2.value.data, 0, op.shift.value.data
    return 0, 0, 16


def _u16(value: int) -> int:
    """`value` (at most 2^16 - 1) as the int16 with the same bits."""
    return value - (1 << 16) if value >= 1 << 15 else value


def eltwise_constants(op: Operation) -> list[int]:
    """The two constant vectors of `n64.tile_eltwise` for a quantised op: the
    multipliers put `(a * 2^ka + b * 2^kb) * 2^(16-s)` in the accumulator
    (`2^(k+16-s)` read as unsigned at bit 0 for `k < s`, `2^(k-s)` at bit
    16 otherwise; `k <= 14` and `s >= 2` make both fit), the second vector
    the rounding `2^15`."""
    lo, hi = op.clamp_bounds  # type: ignore[attr-defined]
    ka, kb, shift = _eltwise_scales(op)
    high = [int(k >= shift) for k in (ka, kb)]
    ma, mb = (
        1 << (k - shift) if h else _u16(1 << (k + 16 - shift))
        for k, h in zip((ka, kb), high, strict=True)
    )
    return [16384, 1, lo, hi, ma, mb, *high] + [-32768] * 8


def eltwise_chunk(nbytes: int, n_inputs: int, slots: int, dmem_bytes: int) -> int:
    """Bytes per chunk of an element-wise kernel: `ELTWISE_CHUNK` at most,
    with `slots` buffers per input within the DMEM budget, whole groups of 8
    vectors where it can (the kernel's loop does 8 vectors a trip when the
    chunk's vectors are a multiple of 8)."""
    chunk = min(nbytes, ELTWISE_CHUNK)
    if slots * n_inputs * chunk + PARAM_BYTES > dmem_bytes:
        room = (dmem_bytes - PARAM_BYTES) // (slots * n_inputs)
        chunk = room // 128 * 128 if room >= 128 else max(16, room // 16 * 16)
    return chunk


def build_eltwise_kernel(op: Operation, layer: str, dmem_bytes: int) -> TileKernelOp:
    """The tile program of one element-wise op: chunks of the padded tensor
    are loaded, computed in place and written back. With more than one
    chunk the inputs are rings of two slots: chunk `i + 1` loads while
    chunk `i` is computed (the results of chunk `i` go out from its slot
    before chunk `i + 2` comes into it: the DMA runs in order)."""
    kind = ELTWISE_KIND[type(op)]
    result = op.results[0]
    shape = [int(d) for d in result.type.get_shape()]  # type: ignore[attr-defined]
    cols = shape[-1] if shape else 1
    rows = math.prod(shape[:-1]) if len(shape) > 1 else 1
    nbytes = rows * round_up(cols, 8) * 2
    n_inputs = len(op.operands)
    chunk = eltwise_chunk(nbytes, n_inputs, 1, dmem_bytes)
    slots = 2 if chunk < nbytes else 1
    if slots == 2:
        chunk = eltwise_chunk(nbytes, n_inputs, 2, dmem_bytes)
    full, tail = divmod(nbytes, chunk)
    lo, hi = op.clamp_bounds  # type: ignore[attr-defined]

    body = Block(arg_types=[RdramType(nbytes)] * (n_inputs + 1))
    *in_regions, out_region = body.args
    bufs = [DmemAllocOp(name, DmemType(chunk, slots)) for name in ("a", "b")[:n_inputs]]
    kb = DmemAllocOp("k", DmemType(32), eltwise_constants(op))
    body.add_ops([*bufs, kb])
    consts = _index_constants(body, [0, 1, max(full, 1)])

    def loads(block: Block, indices: list[SSAValue], offset: int, size: int) -> None:
        prefetch = slots == 2 and bool(indices)
        for n, (region, buf) in enumerate(zip(in_regions, bufs, strict=True)):
            block.add_op(
                DmaInOp(
                    region,
                    buf.result,
                    indices,
                    offset=offset,
                    strides=[chunk] * len(indices),
                    nbytes=size,
                    tag=0,
                    skip_last=prefetch,
                    deferred=prefetch and n == 1,
                )
            )

    def compute(block: Block, indices: list[SSAValue], offset: int, size: int) -> None:
        block.add_ops(
            [
                TileEltwiseOp(
                    kind,
                    [b.result for b in bufs],
                    bufs[0].result,
                    kb.result,
                    vectors=size // 16,
                    clamp_lo=lo,
                    clamp_hi=hi,
                ),
                DmaOutOp(
                    bufs[0].result,
                    out_region,
                    indices,
                    offset=offset,
                    strides=[chunk] * len(indices),
                    nbytes=size,
                    tag=1,
                ),
            ]
        )

    if full:
        loop, loop_body = _for(consts[0], consts[max(full, 1)], consts[1])
        (index,) = loop_body.args
        if slots == 2:
            # chunk 0 first; each trip loads the next chunk (not on the
            # last: it waits for every transfer instead), its second input
            # halfway through the compute (`deferred`): once the first is
            # queued, the chunk's own inputs are in (the queue holds two
            # transfers, and the one before it is the last results'; with
            # one input the wait makes sure)
            loads(body, [], 0, chunk)
            if n_inputs == 2:  # its second input would be the transfer
                body.add_op(DmaWaitOp(0))  # before the first prefetch
            loads(loop_body, [index], chunk, chunk)
            if n_inputs == 1:
                loop_body.add_op(DmaWaitOp(0, keep=1))
        else:
            loads(loop_body, [index], 0, chunk)
            loop_body.add_op(DmaWaitOp(0))
        compute(loop_body, [index], 0, chunk)
        loop_body.add_op(scf.YieldOp())
        body.add_op(loop)
    if tail:
        loads(body, [], full * chunk, tail)
        body.add_op(DmaWaitOp(0))
        compute(body, [], full * chunk, tail)
    body.add_op(DmaWaitOp(1))
    # element-wise kernels count no MACs: MACs/cycle stays a Gemm figure
    kernel = TileKernelOp(layer, list(op.operands), [result.type], Region(body), 0)
    kernel.attributes["n64.eltwise"] = DenseArrayBase.from_list(
        i64, [nbytes, n_inputs, chunk]
    )
    return kernel


def check_dmem_budget(pass_name: str, dmem: int) -> None:
    """A DMEM budget option must be positive and at most the RSP's 4096 bytes."""
    if not 0 < dmem <= DMEM_BYTES:
        raise InvalidInputError(
            f"{pass_name}: dmem must lie in (0, {DMEM_BYTES}] bytes "
            f"(the RSP's DMEM), not {dmem}"
        )


@dataclass(frozen=True)
class TileForDmemPass(ModulePass):
    """Tile every `n64.qgemm`, and every `n64.qadd` (equal shapes),
    `n64.qrescale` and `n64.qclamp`, every `n64.qprelu` the layout rule
    of `prelu_tiles` allows and every channel `n64.qslice` of `slice_tiles`,
    into a DMEM tile program (`n64.tile_kernel`).

    Option `dmem` is the DMEM budget in bytes (4096 for a whole-RSP ucode,
    about 3488 for an rspq overlay). Option `windows` (default true) also
    puts `n64.qconv2d`, `n64.qmaxpool` and `n64.qavgpool` on the RSP (channels-last, see
    `window_tiles`); with `windows=false` they stay on the CPU, as does a
    layer whose band of input rows does not fit DMEM. Option `strips`
    (default true) lets the planner run a dense conv in strips (one group's
    weights resident, `strip_conv_lowering`) where its estimate is the
    lowest; with `strips=false` convs take the banded or pixel-lane kernels.
    Option `folds` (default true) lets a first layer run with its kernel
    taps folded into input channels (`folded_conv_tiles`) where that
    estimate is the lowest.
    """

    name = "tile-for-dmem"

    dmem: int = DMEM_BYTES
    windows: bool = True
    strips: bool = True
    folds: bool = True

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        check_dmem_budget(self.name, self.dmem)
        windows = window_ops(op) if self.windows else []
        eltwise = [
            e for e in op.walk() if isinstance(e, ELTWISE_OPS) and _same_shapes(e)
        ]
        counts: dict[str, int] = {}
        for window in windows:
            kind = (
                "conv"
                if isinstance(window, QConv2dOp)
                else "maxpool"
                if isinstance(window, QMaxPoolOp)
                else "avgpool"
            )
            index = counts.get(kind, 0)
            counts[kind] = index + 1
            name = layer_name(window, f"{kind}{index}")
            try:
                if isinstance(window, QConv2dOp):
                    ops = choose_conv_kernel(
                        window, name, self.dmem, self.strips, self.folds
                    )
                else:
                    ops = build_pool_kernel(window, name, self.dmem)
            except BudgetError:
                continue  # too wide for DMEM (no width tiling): stays on the CPU
            Rewriter.replace_op(window, ops, [ops[-1].results[0]])
        sink_transposes(op)
        sink_prelu_transposes(op)
        sink_slice_transposes(op)
        sink_transposes(op)  # element-wise ops after a moved qprelu or qslice
        cancel_transposes(op)
        fold_flatten_into_gemm(op)
        # (sink_transposes replaced element-wise ops by channels-last copies)
        eltwise = [
            e for e in op.walk() if isinstance(e, ELTWISE_OPS) and _same_shapes(e)
        ]
        gemms = [g for g in op.walk() if isinstance(g, QGemmOp)]
        for index, gemm in enumerate(gemms):
            kernel = build_gemm_kernel(
                gemm, layer_name(gemm, f"gemm{index}"), self.dmem
            )
            Rewriter.replace_op(gemm, kernel)
        counts = {}
        for elt in eltwise:
            kind = ELTWISE_KIND[type(elt)]
            index = counts.get(kind, 0)
            counts[kind] = index + 1
            name = layer_name(elt, f"{kind}{index}")
            Rewriter.replace_op(elt, build_eltwise_kernel(elt, name, self.dmem))
        prelus = [p for p in op.walk() if isinstance(p, QPReluOp) and prelu_on_rsp(p)]
        for index, prelu in enumerate(prelus):
            try:
                kernel = build_prelu_kernel(
                    prelu, layer_name(prelu, f"prelu{index}"), self.dmem
                )
            except BudgetError:
                continue  # a row and its slope table too long: stays on the CPU
            Rewriter.replace_op(prelu, kernel)
        slices = [s for s in op.walk() if isinstance(s, QSliceOp) and slice_on_rsp(s)]
        for index, piece in enumerate(slices):
            try:
                kernel = build_slice_kernel(
                    piece, layer_name(piece, f"slice{index}"), self.dmem
                )
            except BudgetError:
                continue  # a row too long for DMEM: stays on the CPU
            Rewriter.replace_op(piece, kernel)
        alias_reshapes(op)
        for const in [c for c in op.walk() if isinstance(c, ConstantOp)]:
            if not const.result.uses:
                Rewriter.erase_op(const)
