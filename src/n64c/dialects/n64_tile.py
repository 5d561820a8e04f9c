"""Tile-level ops of the `n64` dialect: DMEM buffers, DMA and RSP tile compute.

`tile-for-dmem` rewrites each RSP-bound quantised op (`n64.qgemm` with its
bias and clamp) into an `n64.tile_kernel`: a region that moves tiles between
RDRAM and the RSP's 4 KiB DMEM with explicit DMA and computes on them. Loops
stay `scf.for` loops, so the IR grows with the number of layers, never with
tensor sizes.

Types:

* `!n64.rdram<BYTES>`: a region of RDRAM (an activation or the layer's slice
  of the weights blob); `plan-rdram` gives it an offset.
* `!n64.dmem<BYTES>` / `!n64.dmem<BYTES x SLOTS>`: a DMEM buffer; with two
  slots it is a ring (double buffer): `n64.dma_in` fills the next free slot,
  `n64.tile_matmul` consumes the oldest one. `allocate-dmem` gives it an
  offset.

Addresses of DMA ops are affine in the enclosing loop indices:
`offset + sum(strides[i] * indices[i])` bytes from the start of the RDRAM
region. The weight tile layout read by `n64.tile_matmul` (one tile per group
of 8 output channels and chunk of `rows` input rows) is

```
bias_hi[8] bias_lo[8] mult[8] w[rows][8]      (int16, big-endian)
```

with `bias = bias_hi * 16384 + bias_lo`, `0 <= bias_lo < 16384`, and
`mult = 2^(16 - shift)` per output channel. Kernels of `acc48` layers
(property `acc48`, see `Acc48Mode`) accumulate at the bottom of the 48-bit
accumulator; their tiles carry a fourth header vector:

```
bias_hi[8] bias_lo[8] mult[8] bias_low16[8] w[rows][8]
```

with `bias = (bias_hi * 16384 + bias_lo) * 2^16 + u16(bias_low16)` and
`mult = 2^(16 - shift)` (shifts in [2, 16]) or `2^(32 - shift)` (shifts in
[18, 32]).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import (
    I16,
    I64,
    ArrayAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IndexType,
    IntAttr,
    IntegerAttr,
    StringAttr,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
    i16,
    i64,
)
from xdsl.ir import Attribute, ParametrizedAttribute, Region, SSAValue, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    param_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.traits import NoTerminator
from xdsl.utils.exceptions import VerifyException

DMEM_SIZE = 4096
TILE_HEADER_BYTES = 48
"""bias_hi, bias_lo and mult vectors in front of every weight tile."""
WIDE_TILE_HEADER_BYTES = 64
"""The same plus the low 16 bits of the bias, for `acc48` layers."""
ACC48_MODES = ("low", "high")
"""`acc48` readouts of `sat16(acc >> s)`: `low` for shifts in [2, 16],
`high` for shifts in [18, 32]."""


def tile_header_bytes(wide: bool) -> int:
    """Bytes in front of the weight rows of a tile (`acc48` tiles: 64)."""
    return WIDE_TILE_HEADER_BYTES if wide else TILE_HEADER_BYTES


def acc48_mode(shifts: Sequence[int]) -> str:
    """The `acc48` readout of a layer with these shifts (`ACC48_MODES`)."""
    return "high" if min(shifts) >= 18 else "low"


def _check_acc48(name: str, attr: StringAttr | None) -> None:
    if attr is not None and attr.data not in ACC48_MODES:
        raise VerifyException(
            f"{name}: acc48 must be one of {', '.join(ACC48_MODES)}, not {attr.data!r}"
        )


GROUP = 8
"""Output channels per vector (lanes)."""


def _i64(value: int) -> IntegerAttr[I64]:
    return IntegerAttr(value, i64)


def _ints(attr: DenseArrayBase[I64]) -> tuple[int, ...]:
    return tuple(int(v) for v in attr.get_values())


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------


@irdl_attr_definition
class RdramType(ParametrizedAttribute, TypeAttribute):
    """A region of RDRAM of a given size in bytes, e.g. `!n64.rdram<256>`."""

    name = "n64.rdram"

    size: IntAttr = param_def()

    def __init__(self, size: int) -> None:
        super().__init__(IntAttr(size))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        parser.parse_punctuation("<")
        size = parser.parse_integer(allow_negative=False)
        parser.parse_punctuation(">")
        return (IntAttr(size),)

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{self.size.data}>")


@irdl_attr_definition
class DmemType(ParametrizedAttribute, TypeAttribute):
    """A DMEM buffer of `size` bytes per slot, e.g. `!n64.dmem<128>`; with
    `slots` > 1 a ring of equal slots, e.g. `!n64.dmem<1072 x 2>`."""

    name = "n64.dmem"

    size: IntAttr = param_def()
    slots: IntAttr = param_def()

    def __init__(self, size: int, slots: int = 1) -> None:
        super().__init__(IntAttr(size), IntAttr(slots))

    @property
    def total_bytes(self) -> int:
        return self.size.data * self.slots.data

    def verify(self) -> None:
        if self.size.data <= 0 or self.size.data % 8:
            raise VerifyException(
                f"DMEM buffer size must be a positive multiple of 8, not {self.size.data}"
            )
        if self.slots.data < 1:
            raise VerifyException("a DMEM buffer has at least one slot")

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        parser.parse_punctuation("<")
        size = parser.parse_integer(allow_negative=False)
        slots = 1
        if parser.parse_optional_keyword("x"):
            slots = parser.parse_integer(allow_negative=False)
        parser.parse_punctuation(">")
        return (IntAttr(size), IntAttr(slots))

    def print_parameters(self, printer: Printer) -> None:
        if self.slots.data == 1:
            printer.print_string(f"<{self.size.data}>")
        else:
            printer.print_string(f"<{self.size.data} x {self.slots.data}>")


# ---------------------------------------------------------------------------
# Kernel
# ---------------------------------------------------------------------------


@irdl_op_definition
class TileKernelOp(IRDLOperation):
    """One layer's work on the RSP, as a tile program over RDRAM regions.

    The operands and results are the layer's activations (int16 tensors); the
    body's arguments are their RDRAM regions, in order: one per input, one per
    output, then the layer's slice of the weights blob when `weights` is set.
    Activations live in RDRAM row by row, each row padded to a multiple of 8
    elements. `weights` holds the layer's packed tiles (int16, in the order
    the kernel reads them); `plan-rdram` sets `rdram_offsets` (one per body
    argument) and `lower-to-rsp` replaces the kernel by an `n64.rsp_invoke`.

    Example:

    ```mlir
    %y = n64.tile_kernel "fc1" (%x) {macs = 2048 : i64}
        : (tensor<1x64xi16>) -> tensor<1x32xi16> {
    ^bb0(%xr: !n64.rdram<128>, %yr: !n64.rdram<64>, %wr: !n64.rdram<4288>):
      ...
    }
    ```
    """

    name = "n64.tile_kernel"

    layer = prop_def(StringAttr)
    macs = prop_def(IntegerAttr[I64])
    weights = opt_prop_def(DenseIntOrFPElementsAttr)
    rdram_offsets = opt_prop_def(DenseArrayBase[I64])

    inputs = var_operand_def(TensorType)
    outputs = var_result_def(TensorType)
    body = region_def("single_block")

    traits = traits_def(NoTerminator())
    irdl_options = (ParsePropInAttrDict(),)

    assembly_format = (
        "$layer `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs) $body"
    )

    def __init__(
        self,
        layer: str,
        inputs: Sequence[SSAValue],
        output_types: Sequence[Attribute],
        body: Region,
        macs: int,
        weights: DenseIntOrFPElementsAttr | None = None,
    ) -> None:
        props: dict[str, Attribute] = {"layer": StringAttr(layer), "macs": _i64(macs)}
        if weights is not None:
            props["weights"] = weights
        super().__init__(
            operands=[inputs],
            result_types=[output_types],
            regions=[body],
            properties=props,
        )

    @property
    def region_args(self) -> tuple[SSAValue, ...]:
        return tuple(self.body.block.args)

    def verify_(self) -> None:
        expected = len(self.inputs) + len(self.outputs) + (self.weights is not None)
        args = self.body.block.args
        if len(args) != expected:
            raise VerifyException(
                f"n64.tile_kernel {self.layer.data!r}: body has {len(args)} "
                f"arguments, expected {expected} (inputs, outputs, weights)"
            )
        for arg in args:
            if not isinstance(arg.type, RdramType):
                raise VerifyException(
                    f"n64.tile_kernel body arguments are !n64.rdram, not {arg.type}"
                )
        if self.weights is not None:
            if self.weights.get_element_type() != i16:
                raise VerifyException("n64.tile_kernel weights must be int16")
            size = args[-1].type
            assert isinstance(size, RdramType)
            if size.size.data < 2 * len(self.weights):
                raise VerifyException(
                    "n64.tile_kernel weights region smaller than its weights"
                )
        if self.rdram_offsets is not None:
            offsets = _ints(self.rdram_offsets)
            if len(offsets) != len(args):
                raise VerifyException(
                    "n64.tile_kernel: one RDRAM offset per body argument expected"
                )
            if any(o < 0 or o % 8 for o in offsets):
                raise VerifyException(
                    "n64.tile_kernel: RDRAM offsets must be non-negative multiples of 8"
                )


# ---------------------------------------------------------------------------
# Buffers and DMA
# ---------------------------------------------------------------------------


@irdl_op_definition
class DmemAllocOp(IRDLOperation):
    """A DMEM buffer of a tile kernel; `allocate-dmem` sets `offset`.

    With `init` (int16) it is instead the kernel's constant vectors: the
    kernel builds them in vector registers from immediates when it starts
    (`RspEmitter.vconst`), so they take no DMEM and get no offset.

    Example:

    ```mlir
    %x = n64.dmem_alloc "x" : !n64.dmem<128>
    %w = n64.dmem_alloc "w" {offset = 256 : i64} : !n64.dmem<1072 x 2>
    %k = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>}
        : !n64.dmem<16>
    ```
    """

    name = "n64.dmem_alloc"

    buffer = prop_def(StringAttr)
    offset = opt_prop_def(IntegerAttr[I64])
    init = opt_prop_def(DenseArrayBase[I16])
    result = result_def(DmemType)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$buffer attr-dict `:` type($result)"

    def __init__(
        self, buffer: str, typ: DmemType, init: Sequence[int] | None = None
    ) -> None:
        props: dict[str, Attribute] = {"buffer": StringAttr(buffer)}
        if init is not None:
            props["init"] = DenseArrayBase.from_list(i16, list(init))
        super().__init__(result_types=[typ], properties=props)

    @property
    def dmem_type(self) -> DmemType:
        typ = self.result.type
        assert isinstance(typ, DmemType)
        return typ

    def init_vectors(self) -> list[list[int]]:
        """`init` as vectors of eight lanes (zero-padded to the buffer)."""
        assert self.init is not None
        values = [int(v) for v in self.init.get_values()]
        values += [0] * (self.dmem_type.total_bytes // 2 - len(values))
        return [values[i : i + 8] for i in range(0, len(values), 8)]

    def verify_(self) -> None:
        typ = self.dmem_type
        if self.init is not None and 2 * len(self.init) > typ.total_bytes:
            raise VerifyException(
                f"n64.dmem_alloc {self.buffer.data!r}: init larger than the buffer"
            )
        if self.offset is not None:
            start = self.offset.value.data
            if start < 0 or start % 16 or start + typ.total_bytes > DMEM_SIZE:
                raise VerifyException(
                    f"n64.dmem_alloc {self.buffer.data!r}: offset {start} is not "
                    f"16-byte aligned inside DMEM for {typ.total_bytes} bytes"
                )


def constant_vectors(value: SSAValue) -> list[list[int]]:
    """The constant vectors of a kernel (`value` an `n64.dmem_alloc` with
    `init`), eight lanes each."""
    owner = value.owner
    assert isinstance(owner, DmemAllocOp) and owner.init is not None
    return owner.init_vectors()


class DmaOpBase(IRDLOperation):
    """Shared properties and checks of `n64.dma_in` and `n64.dma_out`."""

    offset = prop_def(IntegerAttr[I64])
    strides = prop_def(DenseArrayBase[I64])
    bytes = prop_def(IntegerAttr[I64])
    rows = prop_def(IntegerAttr[I64])
    row_stride = prop_def(IntegerAttr[I64])
    tag = prop_def(IntegerAttr[I64])

    irdl_options = (ParsePropInAttrDict(),)

    @staticmethod
    def make_props(
        offset: int,
        strides: Sequence[int],
        nbytes: int,
        rows: int,
        row_stride: int | None,
        tag: int,
    ) -> dict[str, Attribute]:
        return {
            "offset": _i64(offset),
            "strides": DenseArrayBase.from_list(i64, list(strides)),
            "bytes": _i64(nbytes),
            "rows": _i64(rows),
            "row_stride": _i64(nbytes if row_stride is None else row_stride),
            "tag": _i64(tag),
        }

    def get_strides(self) -> tuple[int, ...]:
        return _ints(self.strides)

    DMEM_OPERAND: ClassVar[str]
    """The name of the operand that is the DMEM buffer (`dst` or `src`)."""

    def dmem_operand(self) -> SSAValue:
        return getattr(self, self.DMEM_OPERAND)

    def verify_(self) -> None:
        what = self.name
        nbytes = self.bytes.value.data
        rows = self.rows.value.data
        row_stride = self.row_stride.value.data
        if len(self.get_strides()) != len(self.operands) - 2:
            raise VerifyException(f"{what}: one stride per index expected")
        if nbytes <= 0 or nbytes % 8 or nbytes > DMEM_SIZE:
            raise VerifyException(
                f"{what}: bytes must be a positive multiple of 8 up to 4096, not {nbytes}"
            )
        if not 1 <= rows <= 256:
            raise VerifyException(f"{what}: rows must be in 1..256, not {rows}")
        if row_stride < nbytes or row_stride % 8:
            raise VerifyException(
                f"{what}: row_stride {row_stride} must be a multiple of 8, at least bytes"
            )
        values = [self.offset.value.data, *self.get_strides()]
        if any(v % 8 for v in values):
            raise VerifyException(f"{what}: RDRAM offsets must be multiples of 8")
        dmem = self.dmem_operand().type
        assert isinstance(dmem, DmemType)
        if nbytes * rows > dmem.size.data:
            raise VerifyException(
                f"{what}: {nbytes * rows} bytes do not fit a {dmem.size.data}-byte slot"
            )


@irdl_op_definition
class DmaInOp(DmaOpBase):
    """DMA from RDRAM `src` at `offset + sum(strides * indices)` into the DMEM
    buffer `dst` (into its next slot if `dst` is a ring): `rows` rows of
    `bytes` bytes, `row_stride` bytes apart in RDRAM. Asynchronous: the data
    may be used after an `n64.dma_wait` with the same `tag`. With the unit
    attribute `skip_last` the transfer is not made in the last iteration of
    its enclosing loops (a prefetch with nothing left to fetch). With
    `deferred` it is queued by the next `n64.tile_eltwise` halfway through
    its vectors instead of where it stands (the RSP's DMA queue holds two
    transfers: a third queued before the compute would have to wait for
    the first).

    Example:

    ```mlir
    n64.dma_in %wr[%g, %c] -> %w {offset = 1072 : i64, strides = array<i64: 2144, 1072>,
        bytes = 1072 : i64, rows = 1 : i64, row_stride = 1072 : i64, tag = 0 : i64}
        : !n64.rdram<4288> -> !n64.dmem<1072 x 2>
    ```
    """

    name = "n64.dma_in"
    DMEM_OPERAND: ClassVar[str] = "dst"

    src = operand_def(RdramType)
    dst = operand_def(DmemType)
    indices = var_operand_def(IndexType)
    skip_last = opt_prop_def(UnitAttr)
    deferred = opt_prop_def(UnitAttr)

    assembly_format = (
        "$src `[` $indices `]` `->` $dst attr-dict `:` type($src) `->` type($dst)"
    )

    def __init__(
        self,
        src: SSAValue,
        dst: SSAValue,
        indices: Sequence[SSAValue],
        *,
        offset: int,
        strides: Sequence[int],
        nbytes: int,
        rows: int = 1,
        row_stride: int | None = None,
        tag: int = 0,
        skip_last: bool = False,
        deferred: bool = False,
    ) -> None:
        props = self.make_props(offset, strides, nbytes, rows, row_stride, tag)
        if skip_last:
            props["skip_last"] = UnitAttr()
        if deferred:
            props["deferred"] = UnitAttr()
        super().__init__(operands=[src, dst, indices], properties=props)


@irdl_op_definition
class DmaOutOp(DmaOpBase):
    """DMA from the DMEM buffer `src` to RDRAM `dst` at
    `offset + sum(strides * indices)`; the counterpart of `n64.dma_in`.

    Example:

    ```mlir
    n64.dma_out %y -> %yr[%g] {offset = 0 : i64, strides = array<i64: 16>,
        bytes = 16 : i64, rows = 1 : i64, row_stride = 16 : i64, tag = 1 : i64}
        : !n64.dmem<16> -> !n64.rdram<64>
    ```
    """

    name = "n64.dma_out"
    DMEM_OPERAND: ClassVar[str] = "src"

    src = operand_def(DmemType)
    dst = operand_def(RdramType)
    indices = var_operand_def(IndexType)

    assembly_format = (
        "$src `->` $dst `[` $indices `]` attr-dict `:` type($src) `->` type($dst)"
    )

    def __init__(
        self,
        src: SSAValue,
        dst: SSAValue,
        indices: Sequence[SSAValue],
        *,
        offset: int,
        strides: Sequence[int],
        nbytes: int,
        rows: int = 1,
        row_stride: int | None = None,
        tag: int = 1,
    ) -> None:
        super().__init__(
            operands=[src, dst, indices],
            properties=self.make_props(offset, strides, nbytes, rows, row_stride, tag),
        )


@irdl_op_definition
class DmaWaitOp(IRDLOperation):
    """Wait until the transfers with `tag` have finished.

    The RSP's DMA engine completes transfers in order and cannot be asked
    about one transfer, so the wait is positional: `keep` (0 or 1) is the
    number of most recently issued transfers that may still be in flight.
    `keep = 0` waits until the engine is idle; `keep = 1` waits until at
    most the newest transfer is queued, which lets a prefetch issued just
    before the wait overlap the compute that follows it.

    Example:

    ```mlir
    n64.dma_wait {tag = 0 : i64, keep = 1 : i64}
    ```
    """

    name = "n64.dma_wait"

    tag = prop_def(IntegerAttr[I64])
    keep = prop_def(IntegerAttr[I64], default_value=IntegerAttr(0, i64))

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict"

    def __init__(self, tag: int = 0, keep: int = 0) -> None:
        super().__init__(properties={"tag": _i64(tag), "keep": _i64(keep)})

    def verify_(self) -> None:
        if self.keep.value.data not in (0, 1):
            raise VerifyException(
                "n64.dma_wait: keep must be 0 or 1 (the DMA queue holds two transfers)"
            )


# ---------------------------------------------------------------------------
# Compute
# ---------------------------------------------------------------------------


@irdl_op_definition
class TileMatmulOp(IRDLOperation):
    """Multiply-accumulate one weight tile into the accumulator of one group
    of 8 output channels, on the RSP vector unit.

    `w` is a ring of weight tiles (layout in the module docstring); the op
    consumes its oldest slot. `chunk` (an index in `0 .. chunks-1`) says which
    `rows` inputs of `x` the tile covers: `x[chunk*rows : (chunk+1)*rows]`.
    The first chunk (`chunk == 0`) starts the accumulator chain; the last
    (`chunk == chunks-1`) adds the bias, requantises
    `clamp(sat16(acc >> shift), clamp_lo, clamp_hi)` and stores the 8 results
    into `out` at byte `16 * group`. `consts` holds the vector
    `[16384, 1, clamp_lo, clamp_hi, 0, 0, 0, 0]` the RSP code multiplies and compares with. With `chunks = 1` every
    tile is both first and last. With `stream_x`, `x` holds only the
    chunk's `rows` inputs (a row too long for DMEM is streamed one chunk
    at a time); the accumulator still carries the sum from chunk to chunk.

    With `acc48` (`"low"` or `"high"`, see `ACC48_MODES`) the sum is the
    48-bit `acc48` one (`vmudm`/`vmadm`: `x` read as unsigned), the tiles
    have the 64-byte header and lane 4 of `consts` is 0 (the readout
    multiplies by it). With `short_bias` (int32 only) the tile header holds
    the bias as `v` and `2^j` (`b = v * 2^j`), added by one `vmadh`, instead
    of `b >> 14` and `b & 0x3FFF` (`tile_header`). With `acc_hi` (int32,
    every shift 16) the results are read with one `vsar` of ACC_HI instead
    of the four-op shift.

    Example:

    ```mlir
    n64.tile_matmul %x, %w, %y, %k [%c, %g] {rows = 64 : i64, chunks = 1 : i64,
        clamp_lo = 0 : i64, clamp_hi = 32767 : i64}
        : !n64.dmem<128>, !n64.dmem<1072 x 2>, !n64.dmem<16>, !n64.dmem<16>
    ```
    """

    name = "n64.tile_matmul"

    x = operand_def(DmemType)
    w = operand_def(DmemType)
    out = operand_def(DmemType)
    consts = operand_def(DmemType)
    chunk = operand_def(IndexType)
    group = operand_def(IndexType)
    rows = prop_def(IntegerAttr[I64])
    chunks = prop_def(IntegerAttr[I64])
    clamp_lo = prop_def(IntegerAttr[I64])
    clamp_hi = prop_def(IntegerAttr[I64])
    acc48 = opt_prop_def(StringAttr)
    stream_x = opt_prop_def(UnitAttr)
    short_bias = opt_prop_def(UnitAttr)
    acc_hi = opt_prop_def(UnitAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$x `,` $w `,` $out `,` $consts `[` $chunk `,` $group `]` attr-dict `:` "
        "type($x) `,` "
        "type($w) `,` type($out) `,` type($consts)"
    )

    def __init__(
        self,
        x: SSAValue,
        w: SSAValue,
        out: SSAValue,
        consts: SSAValue,
        chunk: SSAValue,
        group: SSAValue,
        *,
        rows: int,
        chunks: int,
        clamp_lo: int = -32768,
        clamp_hi: int = 32767,
        acc48: str | None = None,
        stream_x: bool = False,
        short_bias: bool = False,
        acc_hi: bool = False,
    ) -> None:
        properties: dict[str, Attribute] = {
            "rows": _i64(rows),
            "chunks": _i64(chunks),
            "clamp_lo": _i64(clamp_lo),
            "clamp_hi": _i64(clamp_hi),
        }
        if acc48 is not None:
            properties["acc48"] = StringAttr(acc48)
        if stream_x:
            properties["stream_x"] = UnitAttr()
        if short_bias:
            properties["short_bias"] = UnitAttr()
        if acc_hi:
            properties["acc_hi"] = UnitAttr()
        super().__init__(
            operands=[x, w, out, consts, chunk, group], properties=properties
        )

    @property
    def acc48_mode(self) -> str | None:
        """`"low"` / `"high"` for an `acc48` layer, else None."""
        return None if self.acc48 is None else self.acc48.data

    def verify_(self) -> None:
        rows = self.rows.value.data
        chunks = self.chunks.value.data
        lo, hi = self.clamp_lo.value.data, self.clamp_hi.value.data
        if rows <= 0 or rows % GROUP:
            raise VerifyException(
                f"n64.tile_matmul: rows must be a positive multiple of 8, not {rows}"
            )
        if chunks < 1:
            raise VerifyException("n64.tile_matmul: chunks must be at least 1")
        if not -32768 <= lo <= hi <= 32767:
            raise VerifyException(
                f"n64.tile_matmul: clamp [{lo}, {hi}] is not an int16 range"
            )
        x, w, out = (v.type for v in (self.x, self.w, self.out))
        assert isinstance(x, DmemType) and isinstance(w, DmemType)
        assert isinstance(out, DmemType)
        _check_acc48(self.name, self.acc48)
        if self.acc48 is not None and (
            self.short_bias is not None or self.acc_hi is not None
        ):
            raise VerifyException(
                "n64.tile_matmul: short_bias and acc_hi are for int32 layers"
            )
        tile = tile_header_bytes(self.acc48 is not None) + 16 * rows
        if w.size.data < tile:
            raise VerifyException(
                f"n64.tile_matmul: weight slot of {w.size.data} bytes is smaller "
                f"than a tile of {rows} rows ({tile})"
            )
        if x.size.data < 2 * rows * chunks:
            raise VerifyException(
                f"n64.tile_matmul: x buffer of {x.size.data} bytes is smaller than "
                f"{rows * chunks} inputs"
            )
        if out.size.data < 16:
            raise VerifyException("n64.tile_matmul: output buffer below 16 bytes")
        consts = self.consts.owner
        if isinstance(consts, DmemAllocOp) and consts.init is not None:
            values = [int(v) for v in consts.init.get_values()]
            if values[:4] != [16384, 1, lo, hi]:
                raise VerifyException(
                    "n64.tile_matmul: consts must start with [16384, 1, clamp_lo, "
                    f"clamp_hi], got {values[:4]}"
                )
            if self.acc48 is not None and values[4] != 0:
                raise VerifyException(
                    "n64.tile_matmul: with acc48 lane 4 of consts is 0 (the "
                    f"readout multiplies by it), got {values[4]}"
                )


@irdl_op_definition
class RspInvokeOp(IRDLOperation):
    """One run of an RSP ucode (made by `lower-to-rsp`): the CPU loads the
    ucode's IMEM and DMEM images, writes the RDRAM base address of the
    arena into the DMEM word at `base_slot`, starts the RSP and waits for
    `break`. The ucode runs `layers` one after the other; its activations
    are at `input_offsets` / `output_offsets` in the arena (rows padded to 8
    elements). `cycles` is the cycle model's estimate.

    Example:

    ```mlir
    %y = n64.rsp_invoke @ucode0 (%x) {layers = ["fc1", "fc2"],
        input_offsets = array<i64: 0>, output_offsets = array<i64: 64>,
        base_slot = 0 : i64, macs = 2560 : i64, cycles = 1200 : i64}
        : (tensor<1x64xi16>) -> tensor<1x10xi16>
    ```
    """

    name = "n64.rsp_invoke"

    ucode = prop_def(SymbolRefAttr)
    layers = prop_def(ArrayAttr[StringAttr])
    input_offsets = prop_def(DenseArrayBase[I64])
    output_offsets = prop_def(DenseArrayBase[I64])
    base_slot = prop_def(IntegerAttr[I64])
    macs = prop_def(IntegerAttr[I64])
    cycles = prop_def(IntegerAttr[I64])

    inputs = var_operand_def(TensorType)
    outputs = var_result_def(TensorType)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$ucode `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)"
    )

    def __init__(
        self,
        ucode: str,
        inputs: Sequence[SSAValue],
        output_types: Sequence[Attribute],
        *,
        layers: Sequence[str],
        input_offsets: Sequence[int],
        output_offsets: Sequence[int],
        macs: int,
        cycles: int,
        base_slot: int = 0,
    ) -> None:
        super().__init__(
            operands=[inputs],
            result_types=[output_types],
            properties={
                "ucode": SymbolRefAttr(ucode),
                "layers": ArrayAttr([StringAttr(n) for n in layers]),
                "input_offsets": DenseArrayBase.from_list(i64, list(input_offsets)),
                "output_offsets": DenseArrayBase.from_list(i64, list(output_offsets)),
                "base_slot": _i64(base_slot),
                "macs": _i64(macs),
                "cycles": _i64(cycles),
            },
        )

    def verify_(self) -> None:
        if len(self.input_offsets) != len(self.inputs):
            raise VerifyException("n64.rsp_invoke: one input offset per input expected")
        if len(self.output_offsets) != len(self.outputs):
            raise VerifyException(
                "n64.rsp_invoke: one output offset per output expected"
            )


ELTWISE_KINDS = ("add", "rescale", "clamp", "prelu")
PRELU_ENTRY_BYTES = 80
"""One entry of a `prelu` slope table: five vectors (m, ra, rb, mlo, mhi)."""


@irdl_op_definition
class TileEltwiseOp(IRDLOperation):
    """An element-wise int16 op on `vectors` vectors (8 elements each) at the
    start of DMEM buffers, on the RSP vector unit; `out` may be an input.

    * `add` (`inputs` a, b): `clamp(sat16((a*2^ka + b*2^kb + 2^(s-1)) >> s))`
    * `rescale` (a): `clamp(sat16((a*2^ka + 2^(s-1)) >> s))`
    * `clamp` (a): `clamp(a)`

    `consts` holds two vectors: `[16384, 1, clamp_lo, clamp_hi, ma, mb, ha,
    hb]` and eight times -32768 (read as unsigned: the rounding `2^15`). The
    accumulator holds the sum already scaled by `2^(16-s)`, so the last
    multiply reads out the result (no `vsar`, no shift). `ha` is 1 when
    `ka >= s`: `ma = 2^(ka-s)` multiplies at bit 16 (`vmadh`); else 0 and
    `ma = 2^(ka+16-s)`, read as unsigned, at bit 0 (`vmadm`). The same for
    `kb` (`clamp` uses only `clamp_lo`, `clamp_hi`).

    * `prelu` (a, t): `n64.qprelu` with a slope per lane. `t` is a table of
      `G` entries of five vectors `m, ra, rb, mlo, mhi` (`PRELU_ENTRY_BYTES`);
      vector `j` of `a` uses entry `j mod G`. With `v = min(a, 0) * m + ra * rb`
      (`ra * rb = 2^(s-1)`), the result is `max(a, 0) + sat16((v * mlo) >> 16)
      + ((v >> 16) * mhi >> 16)` with `mhi` read unsigned: `mlo = 2^(16-s)`,
      `mhi = 0` for shifts `s <= 16`, `mlo = 0`, `mhi = 2^(32-s)` above.
      `consts` is zero (the 0 compared with); the clamp is unused.

    Example:

    ```mlir
    n64.tile_eltwise "add" %a, %b -> %a, %k {vectors = 8 : i64, clamp_lo = 0 : i64,
        clamp_hi = 32767 : i64} : (!n64.dmem<128>, !n64.dmem<128>) -> !n64.dmem<128>,
        !n64.dmem<32>
    ```
    """

    name = "n64.tile_eltwise"

    kind = prop_def(StringAttr)
    inputs = var_operand_def(DmemType)
    out = operand_def(DmemType)
    consts = operand_def(DmemType)
    vectors = prop_def(IntegerAttr[I64])
    clamp_lo = prop_def(IntegerAttr[I64])
    clamp_hi = prop_def(IntegerAttr[I64])

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$kind $inputs `->` $out `,` $consts attr-dict `:` `(` type($inputs) `)` "
        "`->` type($out) `,` type($consts)"
    )

    def __init__(
        self,
        kind: str,
        inputs: Sequence[SSAValue],
        out: SSAValue,
        consts: SSAValue,
        *,
        vectors: int,
        clamp_lo: int = -32768,
        clamp_hi: int = 32767,
    ) -> None:
        super().__init__(
            operands=[inputs, out, consts],
            properties={
                "kind": StringAttr(kind),
                "vectors": _i64(vectors),
                "clamp_lo": _i64(clamp_lo),
                "clamp_hi": _i64(clamp_hi),
            },
        )

    def verify_(self) -> None:
        kind = self.kind.data
        if kind not in ELTWISE_KINDS:
            raise VerifyException(
                f"n64.tile_eltwise: kind must be one of {', '.join(ELTWISE_KINDS)}"
            )
        if len(self.inputs) != (2 if kind in ("add", "prelu") else 1):
            raise VerifyException(
                f"n64.tile_eltwise {kind!r}: wrong number of inputs ({len(self.inputs)})"
            )
        vectors = self.vectors.value.data
        lo, hi = self.clamp_lo.value.data, self.clamp_hi.value.data
        if not -32768 <= lo <= hi <= 32767:
            raise VerifyException(
                f"n64.tile_eltwise: clamp [{lo}, {hi}] is not an int16 range"
            )
        data = [self.inputs[0]] if kind == "prelu" else list(self.inputs)
        for value in (*data, self.out):
            typ = value.type
            assert isinstance(typ, DmemType)
            if vectors < 1 or 16 * vectors > typ.size.data:
                raise VerifyException(
                    f"n64.tile_eltwise: {vectors} vectors do not fit a "
                    f"{typ.size.data}-byte buffer"
                )
        if kind == "prelu":
            table = self.inputs[1].type
            assert isinstance(table, DmemType)
            entries, rest = divmod(table.size.data, PRELU_ENTRY_BYTES)
            if rest or not entries or vectors % entries:
                raise VerifyException(
                    "n64.tile_eltwise 'prelu': the table must hold whole "
                    f"{PRELU_ENTRY_BYTES}-byte entries dividing the vectors"
                )
        consts = self.consts.type
        assert isinstance(consts, DmemType)
        if consts.size.data < 32:
            raise VerifyException(
                "n64.tile_eltwise: consts needs two vectors (32 bytes)"
            )


WINDOW_FIELDS = (
    "n",
    "h",
    "w",
    "cp",
    "oh",
    "ow",
    "op",
    "kh",
    "kw",
    "sh",
    "sw",
    "dh",
    "dw",
    "pt",
    "pl",
    "wp",
    "tile_rows",
    "slice_blocks",
    "level",
    "c",
    "depthwise",
    "resident",
    "tile_cols",
)
"""The geometry of `n64.tile_window`, in the order of its `geometry` array."""
WINDOW_KINDS = ("conv", "maxpool", "avgpool")


DEEP_RING_SLOTS = 9
"""Rings of more slots than this (kernels in strips) queue their rows'
transfers with the fewest registers live (the slot pointers take the
rest), and their strips do not chain (`WindowGeometry.chains`)."""


class WindowGeometry:
    """Named view of `n64.tile_window`'s `geometry` (all ints).

    Activations are channels-last (`[N, H, W, C]`, C padded to `cp`, a
    multiple of 8). `wp` is the zero-padded band width `W + pl + pr`,
    `tile_rows` the output rows per spatial tile, `slice_blocks` the channel
    vectors per band slice (`cs = 8 * slice_blocks` channels), `level` the
    weight chunking of a slice: 0 all taps, 1 one kernel row, 2 one tap.
    `c` is the number of real input channels (MACs of padded channels are
    skipped when all channels are in one slice). `depthwise` (1 for a conv
    with one input channel per output channel, `group == C == O`): each
    group of 8 output channels reads only its own 8 input channels, a tile
    row is one tap's 8 weights, multiplied lane by lane; the layer runs in
    strips of one slice and `tile_cols` columns, one output row at a time,
    over a rolling band of `(kh - 1) * dh + 1 + sh` input rows
    (`backend/depthwise_lowering.py`). `resident` (1): all weight tiles of the layer
    stay in DMEM (one buffer, loaded once) instead of streaming through a
    two-slot ring; 2 (*strips*, `backend/strip_conv_lowering.py`): one
    group's tile of all taps and channels stays in DMEM while the layer
    walks the image in strips over a rolling band, as a depthwise conv
    does, so each pixel runs one MAC chain with no partial sums; 3: strips
    with two tile buffers, the next group's tile loading while a group
    runs (one column tile only). `tile_cols` is the output columns per spatial tile: the
    whole output width, or fewer for images too wide for DMEM (then one
    output row per tile, a band `wp` pixels wide, and a table in the
    weights blob giving each column tile's band columns inside the image).
    """

    def __init__(
        self, values: Sequence[int], wide: bool = False, split: str = ""
    ) -> None:
        self.wide = wide
        """Whether the layer is `acc48` (64-byte tile headers, 48-byte sums)."""
        self.split = split
        """A conv in strips split over its input channels (`n64.tile_window`
        `split`): `"first"`, `"middle"` or `"last"` of its kernels ("" when
        not split)."""
        if len(values) != len(WINDOW_FIELDS):
            raise VerifyException(
                f"n64.tile_window: geometry needs {len(WINDOW_FIELDS)} values"
            )
        self.values = tuple(int(v) for v in values)
        for name, value in zip(WINDOW_FIELDS, self.values, strict=True):
            setattr(self, name, value)

    n: int
    h: int
    w: int
    cp: int
    oh: int
    ow: int
    op: int
    kh: int
    kw: int
    sh: int
    sw: int
    dh: int
    dw: int
    pt: int
    pl: int
    wp: int
    tile_rows: int
    slice_blocks: int
    level: int
    c: int
    depthwise: int
    resident: int
    tile_cols: int

    @property
    def cs(self) -> int:
        """Channels per band slice."""
        return 8 * self.slice_blocks

    @property
    def slices(self) -> int:
        return self.cp // self.cs

    @property
    def band_rows(self) -> int:
        return (self.tile_rows - 1) * self.sh + (self.kh - 1) * self.dh + 1

    @property
    def band_row_bytes(self) -> int:
        return self.wp * self.cs * 2

    @property
    def band_bytes(self) -> int:
        return self.band_rows * self.band_row_bytes

    @property
    def pixels(self) -> int:
        """Output pixels per spatial tile."""
        return self.tile_rows * self.tile_cols

    @property
    def col_tiles(self) -> int:
        """Column tiles per row of spatial tiles."""
        return self.ow // self.tile_cols

    @property
    def tiles(self) -> int:
        """Spatial tiles per image."""
        return self.oh // self.tile_rows * self.col_tiles

    @property
    def table_bytes(self) -> int:
        """Bytes of the column-tile table (0 without column tiles): an entry
        per column tile and, where strips chain, one more for the strip
        after a pass's last (`column_table`)."""
        if self.col_tiles == 1:
            return 0
        entries = self.col_tiles + (1 if self.chains else 0)
        return (12 * entries + 15) // 16 * 16

    @property
    def ring_slots(self) -> int:
        """Input rows in the rolling band of a kernel in strips (depthwise,
        dense strips): the window's rows and the `sh` rows read ahead."""
        return (self.kh - 1) * self.dh + 1 + self.sh

    @property
    def chains(self) -> bool:
        """Whether a kernel in strips (depthwise, dense strips) reads the next
        strip's first `sh` image rows in a strip's last output row, into the
        slots it frees (the next strip: the next column tile, or the next
        pass's first); the next strip then loads only its padding rows and
        the rest of its window (`DepthwiseLowering.chained_rows`). For
        windows of several rows whose first `sh` image rows are in their
        first window (`pt + sh` at most the window's rows), one image (the
        last strip's reads, of the pass after the last, stay inside it), a
        ring that is not deep and more than one strip."""
        span = self.ring_slots - self.sh
        passes = self.slices if self.depthwise else self.groups
        return (
            (bool(self.depthwise) or self.strips) and not self.gathers
            and self.kh > 1 and self.n == 1 and self.pt + self.sh <= span
            and self.sh < self.h and self.ring_slots <= DEEP_RING_SLOTS
            and passes * self.col_tiles > 1
        )  # fmt: skip

    @property
    def groups(self) -> int:
        return self.op // 8

    @property
    def chunk_dims(self) -> tuple[int, int]:
        """(kernel rows, kernel columns) a weight chunk of a slice spans."""
        return (
            self.kh if self.level == 0 else 1,
            self.kw if self.level <= 1 else 1,
        )

    @property
    def chunks(self) -> int:
        """Weight chunks per slice."""
        ci, cj = self.chunk_dims
        return (self.kh // ci) * (self.kw // cj)

    @property
    def chunk_rows(self) -> int:
        if self.strips:  # one row per tap and real input channel
            return self.kh * self.kw * self.c
        ci, cj = self.chunk_dims
        return ci * cj * (1 if self.depthwise else self.cs)

    @property
    def tile_bytes(self) -> int:
        return tile_header_bytes(self.wide) + 16 * self.chunk_rows

    @property
    def partial_stride(self) -> int:
        """DMEM bytes of one pixel's saved sum: ACC_HI and ACC_MD (32), and
        ACC_LO too for `acc48` (48)."""
        return 48 if self.wide else 32

    @property
    def weight_tiles(self) -> int:
        return self.groups * self.slices_per_group * self.chunks

    @property
    def slices_per_group(self) -> int:
        """Band slices one group of output channels reads (a split conv's
        kernel: its own)."""
        return 1 if self.depthwise or self.split else self.slices

    @property
    def strips(self) -> bool:
        """Whether a dense conv runs in strips with one group's weights
        resident (`resident` 2, or 3 with the next group's prefetched)."""
        return self.resident in (2, 3)

    @property
    def gathers(self) -> bool:
        """Whether a 1x1 conv in strips of horizontal stride `sw > 1` (no
        column padding) keeps only the pixels it reads in its band rows
        (`wp == tile_cols`): each row comes in as a 2-D transfer of one
        pixel every `sw`."""
        return (
            self.strips and not self.depthwise and self.kw == 1 and self.sw > 1
            and self.pl == 0 and self.wp == self.tile_cols
        )  # fmt: skip

    @property
    def band_sw(self) -> int:
        """Band pixels between consecutive output pixels: `sw`, or 1 when
        the band `gathers` the used pixels."""
        return 1 if self.gathers else self.sw

    @property
    def tile_slots(self) -> int:
        """Group tiles a strip conv keeps in DMEM: 2 when the next group's
        loads while a group runs."""
        return 2 if self.resident == 3 else 1

    @property
    def sums_out(self) -> bool:
        """Whether the kernel writes int32 sums (a split conv's first and
        middle kernels) instead of requantised results."""
        return self.split in ("first", "middle")

    @property
    def sums_in(self) -> bool:
        """Whether each pixel starts from the sums of the kernel before (a
        split conv's middle and last kernels) instead of the bias."""
        return self.split in ("middle", "last")

    @property
    def partial(self) -> bool:
        """Whether sums are kept in DMEM across weight chunks."""
        return self.slices_per_group * self.chunks > 1


@irdl_op_definition
class TileWindowOp(IRDLOperation):
    """A sliding-window layer on the RSP over channels-last activations:
    `conv` (`n64.qconv2d`, output channels on lanes, weights streamed
    through a two-slot ring while a band of input rows stays in DMEM),
    `maxpool` (channels on lanes, `vge` per window element) or `avgpool`
    (`n64.qavgpool`: channels on lanes, `vmadh` of each window element with
    the multiplier, the rounding constant, the shift).

    The whole loop nest of the layer (spatial tiles, output-channel groups,
    channel slices, weight chunks, output pixels) is one op; `lower-to-rsp`
    writes it. `x`, `y`, `wr` are the kernel's RDRAM regions (input, output,
    weights blob slice: conv tiles, a copy of tile 0, then one input row of
    the padding value). `buffers` are, in order: the band, the output
    buffer, the constants, and for `conv` the weight ring (or, when
    `resident`, one buffer of all weight tiles) and (when
    `geometry` needs partial sums) the partial-sum buffer, and last, with
    column tiles, the column-tile table. The constants
    are `[16384, 1, clamp_lo, clamp_hi, 0, 0, 0, 0]` (conv), eight times
    -32768 (maxpool) or two vectors `[16384, 1, 0, 0, m, 2^rb, 2^(16-s), 0]`
    and eight times `2^ra` with `ra + rb = s - 1` (avgpool). Geometry fields: `WINDOW_FIELDS`.
    An `acc48` conv (`acc48` = `"low"` / `"high"`, as for `n64.tile_matmul`)
    has 64-byte tile headers and 48 bytes of partial sum per pixel. With
    `alternating` (an int32 conv with
    partial sums), the chunks of a group alternate the sign of their sum,
    the last one positive: the weights (and, for the first chunk, the bias)
    of every other chunk are negated in the blob, each chunk restores the
    negated saved sum with four multiplies by -32768 (the conv constants'
    last lane), and the last chunk requantises as usual. A conv split over
    its input channels (`split` = `"first"`, `"middle"` or `"last"`, reading
    input channels from `first_channel`; see `docs/rsp-kernels.md`) runs as
    several kernels in strips: the first writes each pixel's int32 sums
    (ACC_HI, ACC_MD: 32 bytes a pixel and group) to its output, a middle one
    starts from them (the tile kernel's second input) and writes its own,
    the last starts from them and requantises; with `alternating`, the
    kernels alternate the sign of their sums in the same way. With
    `short_trips`, a conv in strips keeps the short pixel-loop trips of a
    small layer (`lower-to-rsp` sets it on a large layer whose long trips'
    code would not fit IMEM). With `short_bias` the tile headers hold the
    bias as `v` and `2^j`, added by one `vmadh` (one `vmudm` / `vmadm` in
    an `acc48` conv, whose fourth header vector is then 0), and with
    `acc_hi` (an int32 conv whose shifts are all 16) the results are read
    with one `vsar` of ACC_HI (as for `n64.tile_matmul`).

    Example:

    ```mlir
    n64.tile_window "maxpool" %xr, %yr, %wr, %band, %out, %k {geometry = array<i64:
        1, 8, 8, 8, 4, 4, 8, 2, 2, 2, 2, 1, 1, 0, 0, 8, 4, 1, 0, 8, 0, 0, 4>,
        clamp_lo = -32768 : i64, clamp_hi = 32767 : i64}
        : !n64.rdram<1024>, !n64.rdram<256>, !n64.rdram<128>, !n64.dmem<1024>,
          !n64.dmem<256>, !n64.dmem<16>
    ```
    """

    name = "n64.tile_window"

    kind = prop_def(StringAttr)
    x = operand_def(RdramType)
    y = operand_def(RdramType)
    wr = operand_def(RdramType)
    buffers = var_operand_def(DmemType)
    geometry = prop_def(DenseArrayBase[I64])
    clamp_lo = prop_def(IntegerAttr[I64])
    clamp_hi = prop_def(IntegerAttr[I64])
    acc48 = opt_prop_def(StringAttr)
    alternating = opt_prop_def(UnitAttr)
    split = opt_prop_def(StringAttr)
    first_channel = opt_prop_def(IntegerAttr[I64])
    short_trips = opt_prop_def(UnitAttr)
    short_bias = opt_prop_def(UnitAttr)
    acc_hi = opt_prop_def(UnitAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$kind $x `,` $y `,` $wr `,` $buffers attr-dict `:` type($x) `,` type($y) "
        "`,` type($wr) `,` type($buffers)"
    )

    def __init__(
        self,
        kind: str,
        x: SSAValue,
        y: SSAValue,
        wr: SSAValue,
        buffers: Sequence[SSAValue],
        geometry: Sequence[int],
        clamp_lo: int = -32768,
        clamp_hi: int = 32767,
        acc48: str | None = None,
        alternating: bool = False,
        split: tuple[str, int] | None = None,
        short_bias: bool = False,
        acc_hi: bool = False,
    ) -> None:
        properties: dict[str, Attribute] = {
            "kind": StringAttr(kind),
            "geometry": DenseArrayBase.from_list(i64, list(geometry)),
            "clamp_lo": _i64(clamp_lo),
            "clamp_hi": _i64(clamp_hi),
        }
        if acc48 is not None:
            properties["acc48"] = StringAttr(acc48)
        if alternating:
            properties["alternating"] = UnitAttr()
        if split is not None:
            properties["split"] = StringAttr(split[0])
            properties["first_channel"] = _i64(split[1])
        if short_bias:
            properties["short_bias"] = UnitAttr()
        if acc_hi:
            properties["acc_hi"] = UnitAttr()
        super().__init__(operands=[x, y, wr, buffers], properties=properties)

    @property
    def acc48_mode(self) -> str | None:
        """`"low"` / `"high"` for an `acc48` conv, else None."""
        return None if self.acc48 is None else self.acc48.data

    @property
    def geo(self) -> WindowGeometry:
        split = "" if self.split is None else self.split.data
        return WindowGeometry(_ints(self.geometry), self.acc48 is not None, split)

    @property
    def channel_offset(self) -> int:
        """The first input channel a split conv's kernel reads (else 0)."""
        return 0 if self.first_channel is None else self.first_channel.value.data

    @property
    def sums_region(self) -> SSAValue:
        """The RDRAM region of the sums a split conv's middle or last kernel
        starts from: the tile kernel's second input."""
        block = self.parent_block()
        assert block is not None
        return block.args[1]

    def verify_(self) -> None:
        kind = self.kind.data
        if kind not in WINDOW_KINDS:
            raise VerifyException(
                f"n64.tile_window: kind must be one of {', '.join(WINDOW_KINDS)}"
            )
        g = self.geo
        if min(g.values) < 0 or min(g.n, g.h, g.w, g.oh, g.ow, g.kh, g.kw) < 1:
            raise VerifyException("n64.tile_window: bad geometry")
        if g.cp % 8 or g.op % 8 or g.cp % g.cs or g.oh % max(g.tile_rows, 1):
            raise VerifyException(
                "n64.tile_window: channels must be padded to 8, slices divide them, "
                "tile rows divide the output height"
            )
        if g.depthwise and (g.op != g.cp or g.level or g.tile_rows != 1):
            raise VerifyException(
                "n64.tile_window: a depthwise conv has as many outputs as inputs, "
                "all taps in one chunk and one output row per step"
            )
        if g.strips and (
            g.depthwise
            or g.level
            or (g.slices != 1 and not g.split)
            or g.tile_rows != 1
        ):
            raise VerifyException(
                "n64.tile_window: a conv in strips has all taps and channels in "
                "one chunk and one output row per step"
            )
        self._verify_split(kind, g)
        if g.tile_slots == 2 and g.col_tiles != 1:
            raise VerifyException(
                "n64.tile_window: a conv in strips prefetches group tiles only "
                "with one column tile"
            )
        if g.pixels > 256 or g.level not in (0, 1, 2):
            raise VerifyException(
                "n64.tile_window: at most 256 pixels per tile, level 0, 1 or 2"
            )
        want = (5 if g.partial else 4) if kind == "conv" else 3
        want += g.col_tiles > 1
        if g.col_tiles > 1 and g.tile_rows != 1 or g.ow % max(g.tile_cols, 1):
            raise VerifyException(
                "n64.tile_window: column tiles divide the output width and hold "
                "one output row"
            )
        if len(self.buffers) != want:
            raise VerifyException(
                f"n64.tile_window {kind!r}: {want} DMEM buffers expected"
            )
        sizes = [b.type.size.data for b in self.buffers]  # type: ignore[attr-defined]
        out = g.pixels * (16 if kind == "conv" else 2 * g.cs)
        if kind == "avgpool" and sizes[2] < 32:
            raise VerifyException("n64.tile_window: avgpool needs two constant vectors")
        if sizes[0] < g.band_bytes or sizes[1] < out:
            raise VerifyException("n64.tile_window: band or output buffer too small")
        # (a tile in strips may keep its held rows out of DMEM: header only)
        tile = tile_header_bytes(g.wide) if g.strips else g.tile_bytes
        if kind == "conv" and sizes[3] < tile * (
            g.weight_tiles if g.resident == 1 else g.tile_slots
        ):
            raise VerifyException("n64.tile_window: weight slot smaller than a tile")
        if kind == "conv" and g.partial and sizes[4] < g.partial_stride * g.pixels:
            raise VerifyException("n64.tile_window: partial-sum buffer too small")
        _check_acc48(self.name, self.acc48)
        if self.alternating is not None and (
            kind != "conv" or g.depthwise or self.acc48 is not None
            or not (g.split or (g.partial and not g.strips))
        ):  # fmt: skip
            raise VerifyException(
                "n64.tile_window: alternating signs are for int32 convs with "
                "partial sums or split over their input channels"
            )
        if self.short_trips is not None and (kind != "conv" or not g.strips):
            raise VerifyException("n64.tile_window: short_trips is for convs in strips")
        if self.short_bias is not None and kind != "conv":
            raise VerifyException("n64.tile_window: short_bias is for convs")
        if self.acc_hi is not None and (kind != "conv" or self.acc48 is not None):
            raise VerifyException("n64.tile_window: acc_hi is for int32 convs")
        if self.acc48 is not None and kind != "conv":
            raise VerifyException("n64.tile_window: acc48 is for conv")

    def _verify_split(self, kind: str, g: WindowGeometry) -> None:
        if self.split is None and self.first_channel is None:
            return
        if self.split is None or self.first_channel is None:
            raise VerifyException(
                "n64.tile_window: split and first_channel go together"
            )
        if g.split not in ("first", "middle", "last"):
            raise VerifyException(
                "n64.tile_window: split must be first, middle or last"
            )
        first = self.channel_offset
        if (
            kind != "conv" or not g.strips or g.wide or first % 8
            or first + g.cs > g.cp
        ):  # fmt: skip
            raise VerifyException(
                "n64.tile_window: a split conv runs in strips (int32 sums) over "
                "a slice of whole channel vectors inside the input"
            )
        block = self.parent_block()
        if g.sums_in and (block is None or len(block.args) < 4):
            raise VerifyException(
                "n64.tile_window: a middle or last split kernel reads its sums "
                "from the tile kernel's second input"
            )


TILE_OPS: list[type[IRDLOperation]] = [
    RspInvokeOp,
    TileKernelOp,
    DmemAllocOp,
    DmaInOp,
    DmaOutOp,
    DmaWaitOp,
    TileMatmulOp,
    TileEltwiseOp,
    TileWindowOp,
]
TILE_ATTRS: list[type[ParametrizedAttribute]] = [RdramType, DmemType]

__all__ = [
    "TILE_OPS",
    "TILE_ATTRS",
    "RdramType",
    "DmemType",
    "TileKernelOp",
    "DmemAllocOp",
    "DmaInOp",
    "DmaOutOp",
    "DmaWaitOp",
    "TileMatmulOp",
    "TileEltwiseOp",
    "TileWindowOp",
    "WindowGeometry",
    "RspInvokeOp",
]
