// RUN: n64-opt %s --split-input-file --verify-diagnostics | filecheck %s

// The tile ops' verifiers reject what the RSP cannot do.

func.func @dma_not_multiple_of_8(%r: !n64.rdram<64>) {
    %b = n64.dmem_alloc "b" : !n64.dmem<64>
    n64.dma_in %r[] -> %b {offset = 0 : i64, strides = array<i64>, bytes = 12 : i64, rows = 1 : i64, row_stride = 12 : i64, tag = 0 : i64} : !n64.rdram<64> -> !n64.dmem<64>
  func.return
}
// CHECK: n64.dma_in: bytes must be a positive multiple of 8 up to 4096, not 12

// -----

func.func @dma_too_big_for_slot(%r: !n64.rdram<256>) {
    %b = n64.dmem_alloc "b" : !n64.dmem<64>
    n64.dma_in %r[] -> %b {offset = 0 : i64, strides = array<i64>, bytes = 128 : i64, rows = 1 : i64, row_stride = 128 : i64, tag = 0 : i64} : !n64.rdram<256> -> !n64.dmem<64>
  func.return
}
// CHECK: n64.dma_in: 128 bytes do not fit a 64-byte slot

// -----

func.func @one_stride_per_index(%i: index, %r: !n64.rdram<64>) {
    %b = n64.dmem_alloc "b" : !n64.dmem<64>
    n64.dma_out %b -> %r[%i] {offset = 0 : i64, strides = array<i64>, bytes = 16 : i64, rows = 1 : i64, row_stride = 16 : i64, tag = 0 : i64} : !n64.dmem<64> -> !n64.rdram<64>
  func.return
}
// CHECK: n64.dma_out: one stride per index expected

// -----

func.func @unaligned_dmem_offset() {
  %b = n64.dmem_alloc "b" {offset = 8 : i64} : !n64.dmem<64>
  func.return
}
// CHECK: n64.dmem_alloc 'b': offset 8 is not 16-byte aligned inside DMEM for 64 bytes

// -----

func.func @rows_not_multiple_of_8(%c: index) {
  %x = n64.dmem_alloc "x" : !n64.dmem<64>
  %w = n64.dmem_alloc "w" : !n64.dmem<1072 x 2>
  %y = n64.dmem_alloc "y" : !n64.dmem<16>
  %k = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>} : !n64.dmem<16>
  n64.tile_matmul %x, %w, %y, %k[%c, %c] {rows = 12 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64} : !n64.dmem<64>, !n64.dmem<1072 x 2>, !n64.dmem<16>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_matmul: rows must be a positive multiple of 8, not 12

// -----

func.func @weight_slot_too_small(%c: index) {
  %x = n64.dmem_alloc "x" : !n64.dmem<128>
  %w = n64.dmem_alloc "w" : !n64.dmem<512 x 2>
  %y = n64.dmem_alloc "y" : !n64.dmem<16>
  %k = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>} : !n64.dmem<16>
  n64.tile_matmul %x, %w, %y, %k[%c, %c] {rows = 64 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64} : !n64.dmem<128>, !n64.dmem<512 x 2>, !n64.dmem<16>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_matmul: weight slot of 512 bytes is smaller than a tile of 64 rows (1072)

// -----

func.func @consts_disagree_with_clamp(%c: index) {
  %x = n64.dmem_alloc "x" : !n64.dmem<128>
  %w = n64.dmem_alloc "w" : !n64.dmem<1072 x 2>
  %y = n64.dmem_alloc "y" : !n64.dmem<16>
  %k = n64.dmem_alloc "k" {init = array<i16: 16384, 1, -5, 32767, 0, 0, 0, 0>} : !n64.dmem<16>
  n64.tile_matmul %x, %w, %y, %k[%c, %c] {rows = 64 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64} : !n64.dmem<128>, !n64.dmem<1072 x 2>, !n64.dmem<16>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_matmul: consts must start with [16384, 1, clamp_lo, clamp_hi], got [16384, 1, -5, 32767]

// -----

func.func @kernel_arguments(%x: tensor<1x8xi16>) {
  %y = n64.tile_kernel "fc"(%x) {macs = 64 : i64} : (tensor<1x8xi16>) -> tensor<1x8xi16> {
  ^bb0(%xr: !n64.rdram<16>):
  }
  func.return
}
// CHECK: n64.tile_kernel 'fc': body has 1 arguments, expected 2 (inputs, outputs, weights)

// -----

func.func @eltwise_inputs() {
  %a = n64.dmem_alloc "a" : !n64.dmem<64>
  %k = n64.dmem_alloc "k" : !n64.dmem<32>
  n64.tile_eltwise "add" %a -> %a, %k {vectors = 4 : i64, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64} : (!n64.dmem<64>) -> !n64.dmem<64>, !n64.dmem<32>
  func.return
}
// CHECK: n64.tile_eltwise 'add': wrong number of inputs (1)

// -----

func.func @eltwise_too_many_vectors() {
  %a = n64.dmem_alloc "a" : !n64.dmem<64>
  %k = n64.dmem_alloc "k" : !n64.dmem<32>
  n64.tile_eltwise "clamp" %a -> %a, %k {vectors = 5 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64} : (!n64.dmem<64>) -> !n64.dmem<64>, !n64.dmem<32>
  func.return
}
// CHECK: n64.tile_eltwise: 5 vectors do not fit a 64-byte buffer

// -----

func.func @acc48_tile_has_a_64_byte_header(%c: index) {
  %x = n64.dmem_alloc "x" : !n64.dmem<128>
  %w = n64.dmem_alloc "w" : !n64.dmem<1072 x 2>
  %y = n64.dmem_alloc "y" : !n64.dmem<16>
  %k = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2>} : !n64.dmem<32>
  n64.tile_matmul %x, %w, %y, %k[%c, %c] {rows = 64 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64, acc48 = "low"} : !n64.dmem<128>, !n64.dmem<1072 x 2>, !n64.dmem<16>, !n64.dmem<32>
  func.return
}
// CHECK: n64.tile_matmul: weight slot of 1072 bytes is smaller than a tile of 64 rows (1088)

// -----

func.func @acc48_mode(%c: index) {
  %x = n64.dmem_alloc "x" : !n64.dmem<128>
  %w = n64.dmem_alloc "w" : !n64.dmem<1088 x 2>
  %y = n64.dmem_alloc "y" : !n64.dmem<16>
  %k = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2>} : !n64.dmem<32>
  n64.tile_matmul %x, %w, %y, %k[%c, %c] {rows = 64 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64, acc48 = "middle"} : !n64.dmem<128>, !n64.dmem<1088 x 2>, !n64.dmem<16>, !n64.dmem<32>
  func.return
}
// CHECK: n64.tile_matmul: acc48 must be one of low, high, not 'middle'

// -----

func.func @acc48_consts_need_a_zero_lane(%c: index) {
  %x = n64.dmem_alloc "x" : !n64.dmem<128>
  %w = n64.dmem_alloc "w" : !n64.dmem<1088 x 2>
  %y = n64.dmem_alloc "y" : !n64.dmem<16>
  %k = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 5, 0, 0, 0>} : !n64.dmem<16>
  n64.tile_matmul %x, %w, %y, %k[%c, %c] {rows = 64 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64, acc48 = "high"} : !n64.dmem<128>, !n64.dmem<1088 x 2>, !n64.dmem<16>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_matmul: with acc48 lane 4 of consts is 0 (the readout multiplies by it), got 5

// -----

func.func @alternating_pool(%x: !n64.rdram<1024>, %y: !n64.rdram<256>, %w: !n64.rdram<128>) {
  %band = n64.dmem_alloc "band" : !n64.dmem<1024>
  %out = n64.dmem_alloc "out" : !n64.dmem<256>
  %k = n64.dmem_alloc "k" : !n64.dmem<16>
  n64.tile_window "maxpool" %x, %y, %w, %band, %out, %k {geometry = array<i64: 1, 8, 8, 8, 4, 4, 8, 2, 2, 2, 2, 1, 1, 0, 0, 8, 4, 1, 0, 8, 0, 0, 4>, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, alternating} : !n64.rdram<1024>, !n64.rdram<256>, !n64.rdram<128>, !n64.dmem<1024>, !n64.dmem<256>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_window: alternating signs are for int32 convs with partial sums

// -----

func.func @short_trips_pool(%x: !n64.rdram<1024>, %y: !n64.rdram<256>, %w: !n64.rdram<128>) {
  %band = n64.dmem_alloc "band" : !n64.dmem<1024>
  %out = n64.dmem_alloc "out" : !n64.dmem<256>
  %k = n64.dmem_alloc "k" : !n64.dmem<16>
  n64.tile_window "maxpool" %x, %y, %w, %band, %out, %k {geometry = array<i64: 1, 8, 8, 8, 4, 4, 8, 2, 2, 2, 2, 1, 1, 0, 0, 8, 4, 1, 0, 8, 0, 0, 4>, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, short_trips} : !n64.rdram<1024>, !n64.rdram<256>, !n64.rdram<128>, !n64.dmem<1024>, !n64.dmem<256>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_window: short_trips is for convs in strips

// -----

func.func @split_pool(%x: !n64.rdram<1024>, %y: !n64.rdram<256>, %w: !n64.rdram<128>) {
  %band = n64.dmem_alloc "band" : !n64.dmem<1024>
  %out = n64.dmem_alloc "out" : !n64.dmem<256>
  %k = n64.dmem_alloc "k" : !n64.dmem<16>
  n64.tile_window "maxpool" %x, %y, %w, %band, %out, %k {geometry = array<i64: 1, 8, 8, 8, 4, 4, 8, 2, 2, 2, 2, 1, 1, 0, 0, 8, 4, 1, 0, 8, 0, 0, 4>, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, split = "first", first_channel = 0 : i64} : !n64.rdram<1024>, !n64.rdram<256>, !n64.rdram<128>, !n64.dmem<1024>, !n64.dmem<256>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_window: a split conv runs in strips (int32 sums) over a slice of whole channel vectors inside the input

// -----

func.func @split_without_first_channel(%x: !n64.rdram<1024>, %y: !n64.rdram<256>, %w: !n64.rdram<128>) {
  %band = n64.dmem_alloc "band" : !n64.dmem<1024>
  %out = n64.dmem_alloc "out" : !n64.dmem<256>
  %k = n64.dmem_alloc "k" : !n64.dmem<16>
  n64.tile_window "maxpool" %x, %y, %w, %band, %out, %k {geometry = array<i64: 1, 8, 8, 8, 4, 4, 8, 2, 2, 2, 2, 1, 1, 0, 0, 8, 4, 1, 0, 8, 0, 0, 4>, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, split = "middle"} : !n64.rdram<1024>, !n64.rdram<256>, !n64.rdram<128>, !n64.dmem<1024>, !n64.dmem<256>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_window: split and first_channel go together

// -----

func.func @short_bias_pool(%x: !n64.rdram<1024>, %y: !n64.rdram<256>, %w: !n64.rdram<128>) {
  %band = n64.dmem_alloc "band" : !n64.dmem<1024>
  %out = n64.dmem_alloc "out" : !n64.dmem<256>
  %k = n64.dmem_alloc "k" : !n64.dmem<16>
  n64.tile_window "maxpool" %x, %y, %w, %band, %out, %k {geometry = array<i64: 1, 8, 8, 8, 4, 4, 8, 2, 2, 2, 2, 1, 1, 0, 0, 8, 4, 1, 0, 8, 0, 0, 4>, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, short_bias} : !n64.rdram<1024>, !n64.rdram<256>, !n64.rdram<128>, !n64.dmem<1024>, !n64.dmem<256>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_window: short_bias is for convs

// -----

func.func @acc48_pool(%x: !n64.rdram<1024>, %y: !n64.rdram<256>, %w: !n64.rdram<128>) {
  %band = n64.dmem_alloc "band" : !n64.dmem<1024>
  %out = n64.dmem_alloc "out" : !n64.dmem<256>
  %k = n64.dmem_alloc "k" : !n64.dmem<16>
  n64.tile_window "maxpool" %x, %y, %w, %band, %out, %k {geometry = array<i64: 1, 8, 8, 8, 4, 4, 8, 2, 2, 2, 2, 1, 1, 0, 0, 8, 4, 1, 0, 8, 0, 0, 4>, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, acc48 = "low"} : !n64.rdram<1024>, !n64.rdram<256>, !n64.rdram<128>, !n64.dmem<1024>, !n64.dmem<256>, !n64.dmem<16>
  func.return
}
// CHECK: n64.tile_window: acc48 is for conv

// -----

func.func @acc_hi_acc48(%c: index) {
  %x = n64.dmem_alloc "x" : !n64.dmem<128>
  %w = n64.dmem_alloc "w" : !n64.dmem<1088 x 2>
  %y = n64.dmem_alloc "y" : !n64.dmem<16>
  %k = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2>} : !n64.dmem<32>
  n64.tile_matmul %x, %w, %y, %k[%c, %c] {rows = 64 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64, acc48 = "high", acc_hi} : !n64.dmem<128>, !n64.dmem<1088 x 2>, !n64.dmem<16>, !n64.dmem<32>
  func.return
}
// CHECK: n64.tile_matmul: short_bias and acc_hi are for int32 layers
