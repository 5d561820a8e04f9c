"""`n64.tile_pixel_conv`: a convolution with output pixels on the RSP's lanes.

For first layers with few input channels (1 to 4), putting 8 output
channels on the lanes wastes most of each vector op. This kernel puts 8
output *pixels* of one output channel on the lanes instead and broadcasts
each weight with an element selector, so every `vmadh` does 8 useful MACs.

Lanes are *strips* of the output row: with `m = ceil(OW / 8)`, lane `k` of
block `b` is output column `b + k * m`. The kernel's input is the
*strip layout* `G[N, C, H, wt * 8]` of the image (an `n64.qgather` along
the width on the CPU): vector `x'` of a row holds, in lane `k`, input column
`k * m * sw + x' - pl`, so tap `(i, j)` of block `b` is the aligned vector
`x' = b * sw + j * dw` of row `oy * sh + i * dh - pt`, for any stride and
dilation. Columns outside the image (left/right padding) are zeroed by the
kernel after each band load; rows outside it come from a zero row.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import I64, DenseArrayBase, IntegerAttr, i64
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    prop_def,
    var_operand_def,
)
from xdsl.utils.exceptions import VerifyException

from n64c.dialects.n64_tile import DmemType, RdramType

PIXEL_FIELDS = (
    "n",
    "c",
    "h",
    "w",
    "oh",
    "ow",
    "o",
    "op",
    "kh",
    "kw",
    "sh",
    "sw",
    "dh",
    "dw",
    "pt",
    "pl",
    "m",
    "wt",
    "tile_rows",
    "resident",
    "chunk",
)
"""The geometry of `n64.tile_pixel_conv`, in the order of its array."""

HEADER_SLOTS = 3
"""bias_hi, bias_lo and mult follow a channel's weights in its record."""


class PixelGeometry:
    """Named view of `n64.tile_pixel_conv`'s `geometry` (all ints).

    `m` blocks of 8 output pixels per output row (lane `k` of block `b` is
    column `b + k * m`), `wt` vectors per row of the strip layout,
    `tile_rows` output rows per spatial tile (the band of their input rows
    of all channels stays in DMEM), `resident` (1: all channel records in
    DMEM, loaded once; 0: chunks of `chunk` channels stream through a
    two-slot ring).
    """

    n: int
    c: int
    h: int
    w: int
    oh: int
    ow: int
    o: int
    op: int
    kh: int
    kw: int
    sh: int
    sw: int
    dh: int
    dw: int
    pt: int
    pl: int
    m: int
    wt: int
    tile_rows: int
    resident: int
    chunk: int

    def __init__(self, values: Sequence[int]) -> None:
        if len(values) != len(PIXEL_FIELDS):
            raise VerifyException(
                f"n64.tile_pixel_conv: geometry needs {len(PIXEL_FIELDS)} values"
            )
        self.values = tuple(int(v) for v in values)
        for name, value in zip(PIXEL_FIELDS, self.values, strict=True):
            setattr(self, name, value)

    @property
    def taps(self) -> int:
        """Weights per output channel (`c * kh * kw`)."""
        return self.c * self.kh * self.kw

    @property
    def record_vectors(self) -> int:
        """Vectors of one channel record: its weights, then bias_hi, bias_lo
        and mult (8 slots a vector)."""
        return (self.taps + HEADER_SLOTS + 7) // 8

    @property
    def record_bytes(self) -> int:
        return 16 * self.record_vectors

    @property
    def chunks(self) -> int:
        """Weight chunks (of `chunk` channels) per spatial tile."""
        return -(-self.o // self.chunk)

    @property
    def chunk_bytes(self) -> int:
        return self.chunk * self.record_bytes

    @property
    def weight_buffer_bytes(self) -> int:
        return self.chunk_bytes * (1 if self.resident else 2)

    @property
    def band_rows(self) -> int:
        return (self.tile_rows - 1) * self.sh + (self.kh - 1) * self.dh + 1

    @property
    def row_bytes(self) -> int:
        """Bytes of one row of the strip layout (in RDRAM and in the band)."""
        return 16 * self.wt

    @property
    def channel_band_bytes(self) -> int:
        return self.band_rows * self.row_bytes

    @property
    def band_bytes(self) -> int:
        return self.c * self.channel_band_bytes

    @property
    def out_row_bytes(self) -> int:
        """Bytes of one channels-last output row (`ow * op` int16)."""
        return 2 * self.ow * self.op

    @property
    def full_lanes(self) -> bool:
        """Whether every lane of every block is an output pixel."""
        return self.ow == 8 * self.m

    @property
    def out_bytes(self) -> int:
        """The output buffer: `tile_rows` output rows, plus room for the
        lanes past the last column of the last row when a block loop stores
        lanes it cannot tell apart (the block loop stores lane `k` whenever
        block 0 has that pixel: past the row's end it lands on a pixel of the
        next row, written afterwards, or here)."""
        slack = 0
        if not self.full_lanes and self.m > 1:
            slack = 2 * (8 * self.m - self.ow) * self.op
        return self.tile_rows * self.out_row_bytes + (slack + 15) // 16 * 16

    @property
    def tiles(self) -> int:
        return self.oh // self.tile_rows

    @property
    def dmem_bytes(self) -> int:
        """Working set (without the constants)."""
        return self.band_bytes + self.out_bytes + self.weight_buffer_bytes


@irdl_op_definition
class TilePixelConvOp(IRDLOperation):
    """A convolution (`group = 1`, int32 sums) with 8 output pixels of one
    output channel on the lanes, over the strip layout of its input (see
    the module docstring) and writing channels-last output `[N, OH, OW, op]`.

    `x`, `y`, `wr` are the RDRAM regions (strip layout, output, weights:
    one record per output channel, its `c * kh * kw` weights then bias_hi,
    bias_lo and mult, in whole vectors; with a ring a copy of the first
    chunk; then a zero row of `16 * wt` bytes). `buffers`: the band, the
    output buffer, the constants `[16384, 1, lo, hi, 0, 0, 0, 0]` and the
    weights (one buffer when `resident`, else a two-slot ring).

    Example:

    ```mlir
    n64.tile_pixel_conv %xr, %yr, %wr, %band, %out, %k, %w {geometry = array<i64:
        1, 1, 8, 8, 8, 8, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 3, 8, 1, 8>,
        clamp_lo = 0 : i64, clamp_hi = 32767 : i64}
        : !n64.rdram<384>, !n64.rdram<1024>, !n64.rdram<304>, !n64.dmem<480>,
          !n64.dmem<1024>, !n64.dmem<16>, !n64.dmem<256>
    ```
    """

    name = "n64.tile_pixel_conv"

    x = operand_def(RdramType)
    y = operand_def(RdramType)
    wr = operand_def(RdramType)
    buffers = var_operand_def(DmemType)
    geometry = prop_def(DenseArrayBase[I64])
    clamp_lo = prop_def(IntegerAttr[I64])
    clamp_hi = prop_def(IntegerAttr[I64])

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$x `,` $y `,` $wr `,` $buffers attr-dict `:` type($x) `,` type($y) "
        "`,` type($wr) `,` type($buffers)"
    )

    def __init__(
        self,
        x: SSAValue,
        y: SSAValue,
        wr: SSAValue,
        buffers: Sequence[SSAValue],
        geometry: Sequence[int],
        clamp_lo: int = -32768,
        clamp_hi: int = 32767,
    ) -> None:
        properties: dict[str, Attribute] = {
            "geometry": DenseArrayBase.from_list(i64, list(geometry)),
            "clamp_lo": IntegerAttr(clamp_lo, i64),
            "clamp_hi": IntegerAttr(clamp_hi, i64),
        }
        super().__init__(operands=[x, y, wr, buffers], properties=properties)

    @property
    def geo(self) -> PixelGeometry:
        return PixelGeometry([int(v) for v in self.geometry.get_values()])

    def verify_(self) -> None:
        g = self.geo
        if min(g.values) < 0 or min(g.n, g.c, g.h, g.w, g.oh, g.ow, g.kh, g.kw) < 1:
            raise VerifyException("n64.tile_pixel_conv: bad geometry")
        if g.m != -(-g.ow // 8) or g.wt != (g.m - 1) * g.sw + (g.kw - 1) * g.dw + 1:
            raise VerifyException(
                "n64.tile_pixel_conv: m must be ceil(ow / 8) and wt the strip width "
                "(m - 1) * sw + (kw - 1) * dw + 1"
            )
        if g.oh % g.tile_rows:
            raise VerifyException(
                "n64.tile_pixel_conv: tile rows divide the output height"
            )
        if g.op % 8 or g.op < g.o or g.chunk * g.chunks > g.op:
            raise VerifyException(
                "n64.tile_pixel_conv: output channels are padded to 8 and the "
                "weight chunks cover at most the padded channels"
            )
        if g.resident and g.chunks != 1:
            raise VerifyException("n64.tile_pixel_conv: resident weights are one chunk")
        if len(self.buffers) != 4:
            raise VerifyException("n64.tile_pixel_conv: 4 DMEM buffers expected")
        sizes = [b.type.total_bytes for b in self.buffers]  # type: ignore[attr-defined]
        if (
            sizes[0] < g.band_bytes
            or sizes[1] < g.out_bytes
            or sizes[3] < g.weight_buffer_bytes
        ):
            raise VerifyException(
                "n64.tile_pixel_conv: band, output or weight buffer too small"
            )


__all__ = ["PIXEL_FIELDS", "PixelGeometry", "TilePixelConvOp"]
