// RUN: n64-opt %s | filecheck %s
// RUN: n64-opt %s | n64-opt | filecheck %s
// RUN: n64-opt %s --print-op-generic | n64-opt | filecheck %s

// The tile-level ops print in their custom formats and parse back.

func.func @main(%x: tensor<1x64xi16>) -> tensor<1x10xi16> {
  %y = n64.tile_kernel "fc"(%x) {macs = 640 : i64, weights = dense<0> : tensor<1072xi16>, rdram_offsets = array<i64: 2144, 2272, 0>} : (tensor<1x64xi16>) -> tensor<1x16xi16> {
  ^bb0(%xr: !n64.rdram<128>, %yr: !n64.rdram<32>, %wr: !n64.rdram<2144>):
    %xb = n64.dmem_alloc "x" {offset = 64 : i64} : !n64.dmem<128>
    %wb = n64.dmem_alloc "w" {offset = 192 : i64} : !n64.dmem<1072 x 2>
    %yb = n64.dmem_alloc "y" {offset = 2336 : i64} : !n64.dmem<16>
    %kb = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>, offset = 16 : i64} : !n64.dmem<16>
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    n64.dma_in %wr[] -> %wb {offset = 0 : i64, strides = array<i64>, bytes = 1072 : i64, rows = 1 : i64, row_stride = 1072 : i64, tag = 0 : i64} : !n64.rdram<2144> -> !n64.dmem<1072 x 2>
    n64.dma_in %xr[%c0] -> %xb {offset = 0 : i64, strides = array<i64: 128>, bytes = 128 : i64, rows = 1 : i64, row_stride = 128 : i64, tag = 2 : i64} : !n64.rdram<128> -> !n64.dmem<128>
    scf.for %g = %c0 to %c2 step %c1 {
      n64.dma_wait {tag = 0 : i64}
      n64.tile_matmul %xb, %wb, %yb, %kb[%c0, %g] {rows = 64 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64, short_bias, acc_hi} : !n64.dmem<128>, !n64.dmem<1072 x 2>, !n64.dmem<16>, !n64.dmem<16>
      n64.dma_out %yb -> %yr[%g] {offset = 0 : i64, strides = array<i64: 16>, bytes = 16 : i64, rows = 1 : i64, row_stride = 16 : i64, tag = 1 : i64} : !n64.dmem<16> -> !n64.rdram<32>
    }
    n64.dma_wait {tag = 1 : i64}
  }
  %e = n64.tile_kernel "relu"(%x) {macs = 0 : i64} : (tensor<1x64xi16>) -> tensor<1x64xi16> {
  ^bb0(%er: !n64.rdram<128>, %eo: !n64.rdram<128>):
    %ab = n64.dmem_alloc "a" : !n64.dmem<128>
    %ek = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 1, 1, 2, 1, 16384, 16384, 16384, 16384, 16384, 16384, 16384, 16384>} : !n64.dmem<32>
    n64.dma_in %er[] -> %ab {offset = 0 : i64, strides = array<i64>, bytes = 128 : i64, rows = 1 : i64, row_stride = 128 : i64, tag = 0 : i64, skip_last} : !n64.rdram<128> -> !n64.dmem<128>
    n64.dma_wait {tag = 0 : i64, keep = 1 : i64}
    n64.tile_eltwise "clamp" %ab -> %ab, %ek {vectors = 8 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64} : (!n64.dmem<128>) -> !n64.dmem<128>, !n64.dmem<32>
  }
  %z = n64.rsp_invoke @ucode0(%x) {layers = ["fc"], input_offsets = array<i64: 2144>, output_offsets = array<i64: 2272>, base_slot = 0 : i64, macs = 640 : i64, cycles = 300 : i64} : (tensor<1x64xi16>) -> tensor<1x10xi16>
  func.return %z : tensor<1x10xi16>
}

// CHECK:      %y = n64.tile_kernel "fc"(%x) {macs = 640 : i64, weights = dense<0> : tensor<1072xi16>, rdram_offsets = array<i64: 2144, 2272, 0>} : (tensor<1x64xi16>) -> tensor<1x16xi16> {
// CHECK-NEXT: ^bb0(%xr: !n64.rdram<128>, %yr: !n64.rdram<32>, %wr: !n64.rdram<2144>):
// CHECK-NEXT:   %xb = n64.dmem_alloc "x" {offset = 64 : i64} : !n64.dmem<128>
// CHECK-NEXT:   %wb = n64.dmem_alloc "w" {offset = 192 : i64} : !n64.dmem<1072 x 2>
// CHECK-NEXT:   %yb = n64.dmem_alloc "y" {offset = 2336 : i64} : !n64.dmem<16>
// CHECK-NEXT:   %kb = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>, offset = 16 : i64} : !n64.dmem<16>
// CHECK:        n64.dma_in %wr[] -> %wb {offset = 0 : i64, strides = array<i64>, bytes = 1072 : i64, rows = 1 : i64, row_stride = 1072 : i64, tag = 0 : i64} : !n64.rdram<2144> -> !n64.dmem<1072 x 2>
// CHECK-NEXT:   n64.dma_in %xr[%c0] -> %xb {{.*}}tag = 2 : i64} : !n64.rdram<128> -> !n64.dmem<128>
// CHECK-NEXT:   scf.for %g = %c0 to %c2 step %c1 {
// CHECK-NEXT:     n64.dma_wait {tag = 0 : i64}
// CHECK-NEXT:     n64.tile_matmul %xb, %wb, %yb, %kb[%c0, %g] {rows = 64 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64, short_bias, acc_hi} : !n64.dmem<128>, !n64.dmem<1072 x 2>, !n64.dmem<16>, !n64.dmem<16>
// CHECK-NEXT:     n64.dma_out %yb -> %yr[%g] {offset = 0 : i64, strides = array<i64: 16>, bytes = 16 : i64, rows = 1 : i64, row_stride = 16 : i64, tag = 1 : i64} : !n64.dmem<16> -> !n64.rdram<32>
// CHECK-NEXT:   }
// CHECK-NEXT:   n64.dma_wait {tag = 1 : i64}
// CHECK-NEXT: }
// CHECK-NEXT: %e = n64.tile_kernel "relu"(%x) {macs = 0 : i64} : (tensor<1x64xi16>) -> tensor<1x64xi16> {
// CHECK-NEXT: ^bb0(%er: !n64.rdram<128>, %eo: !n64.rdram<128>):
// CHECK-NEXT:   %ab = n64.dmem_alloc "a" : !n64.dmem<128>
// CHECK-NEXT:   %ek = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 1, 1, 2, 1, 16384, 16384, 16384, 16384, 16384, 16384, 16384, 16384>} : !n64.dmem<32>
// CHECK-NEXT:   n64.dma_in %er[] -> %ab {offset = 0 : i64, strides = array<i64>, bytes = 128 : i64, rows = 1 : i64, row_stride = 128 : i64, tag = 0 : i64, skip_last} : !n64.rdram<128> -> !n64.dmem<128>
// CHECK-NEXT:   n64.dma_wait {tag = 0 : i64, keep = 1 : i64}
// CHECK-NEXT:   n64.tile_eltwise "clamp" %ab -> %ab, %ek {vectors = 8 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64} : (!n64.dmem<128>) -> !n64.dmem<128>, !n64.dmem<32>
// CHECK-NEXT: }
// CHECK-NEXT: %z = n64.rsp_invoke @ucode0(%x) {layers = ["fc"], input_offsets = array<i64: 2144>, output_offsets = array<i64: 2272>, base_slot = 0 : i64, macs = 640 : i64, cycles = 300 : i64} : (tensor<1x64xi16>) -> tensor<1x10xi16>
