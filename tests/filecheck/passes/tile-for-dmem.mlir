// RUN: n64-opt %s -p tile-for-dmem --split-input-file | filecheck %s

// A Gemm with K=12, N=10 (not multiples of 8): padded to 16 inputs and two
// groups of 8 outputs, collected in one 32-byte row buffer; one chunk of 16 rows; the weight tiles go through a
// two-slot ring, prefetched one tile ahead (the wait leaves the newest
// transfer in flight).
func.func @small(%x: tensor<1x12xi16>) -> tensor<1x10xi16> {
  %w = n64.constant dense<3> : tensor<12x10xi16>
  %b = n64.constant dense<100> : tensor<10xi32>
  %y = n64.qgemm %x, %w, %b shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x12xi16>, tensor<12x10xi16>, tensor<10xi32>) -> tensor<1x10xi16>
  func.return %y : tensor<1x10xi16>
}
// CHECK-LABEL: func.func @small
// CHECK-NOT:     n64.constant
// CHECK:         %y = n64.tile_kernel "gemm0"(%x) {n64.tiling = array<i64: 1, 12, 10, 16, 1>, macs = 120 : i64, weights = dense<"0x{{[0-9A-F]+}}"> : tensor<304xi16>} : (tensor<1x12xi16>) -> tensor<1x10xi16> {
// CHECK-NEXT:    ^bb0(%0: !n64.rdram<32>, %1: !n64.rdram<32>, %2: !n64.rdram<608>):
// CHECK-NEXT:      %3 = n64.dmem_alloc "x" : !n64.dmem<32>
// CHECK-NEXT:      %4 = n64.dmem_alloc "w" : !n64.dmem<304 x 2>
// CHECK-NEXT:      %5 = n64.dmem_alloc "y" : !n64.dmem<32>
// CHECK-NEXT:      %6 = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>} : !n64.dmem<16>
// CHECK:           n64.dma_in %2[] -> %4 {offset = 0 : i64, strides = array<i64>, bytes = 304 : i64
// CHECK-NEXT:      scf.for %10 = %7 to %8 step %8 {
// CHECK-NEXT:        n64.dma_in %0[%10] -> %3 {offset = 0 : i64, strides = array<i64: 32>, bytes = 32 : i64
// CHECK-NEXT:        scf.for %11 = %7 to %9 step %8 {
// CHECK-NEXT:          scf.for %12 = %7 to %8 step %8 {
// CHECK-NEXT:            n64.dma_in %2[%11, %12] -> %4 {offset = 304 : i64, strides = array<i64: 304, 304>, bytes = 304 : i64, {{.*}}, skip_last}
// CHECK-NEXT:            n64.dma_wait {tag = 0 : i64, keep = 1 : i64}
// CHECK-NEXT:            n64.tile_matmul %3, %4, %5, %6[%12, %11] {rows = 16 : i64, chunks = 1 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64, short_bias}
// CHECK-NEXT:          }
// CHECK-NEXT:        }
// CHECK-NEXT:        n64.dma_out %5 -> %1[%10] {offset = 0 : i64, strides = array<i64: 32>, bytes = 32 : i64
// CHECK-NEXT:      }
// CHECK-NEXT:      n64.dma_wait {tag = 1 : i64}
// CHECK-NEXT:    }

// -----

// A long input row (K=1000) does not fit one tile: 18 chunks of 56 rows,
// the x row stays in DMEM (2016 bytes), and the ring holds 944-byte tiles.
func.func @long(%x: tensor<2x1000xi16>) -> tensor<2x3xi16> {
  %w = n64.constant dense<1> : tensor<1000x3xi16>
  %y = n64.qgemm %x, %w shifts [16, 16, 16] w_frac_bits [14, 14, 14] frac_bits 10 clamp(-32768, 32767) : (tensor<2x1000xi16>, tensor<1000x3xi16>) -> tensor<2x3xi16>
  func.return %y : tensor<2x3xi16>
}
// CHECK-LABEL: func.func @long
// CHECK:         n64.tile_kernel "gemm0"(%x) {n64.tiling = array<i64: 2, 1000, 3, 56, 18>, macs = 6000 : i64, weights = dense<"0x{{[0-9A-F]+}}"> : tensor<8968xi16>}
// CHECK:         n64.dmem_alloc "x" : !n64.dmem<2016>
// CHECK-NEXT:    n64.dmem_alloc "w" : !n64.dmem<944 x 2>
// CHECK:         n64.tile_matmul {{.*}} {rows = 56 : i64, chunks = 18 : i64, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64, short_bias, acc_hi}


// -----

// An element-wise add of equal shapes: both inputs DMA'd into DMEM, added in
// place (constants: 2^(ka+16-s) and 2^(kb+16-s) read as unsigned, the
// rounding 2^15 as eight -32768),
// written back; a chunk loop over the 3 padded rows (96 bytes).
func.func @add(%a: tensor<3x13xi16>, %b: tensor<3x13xi16>) -> tensor<3x13xi16> {
  %y = n64.qadd %a, %b lhs_mul_log2 2 rhs_mul_log2 0 shift 3 frac_bits 9 clamp(0, 32767) : (tensor<3x13xi16>, tensor<3x13xi16>) -> tensor<3x13xi16>
  func.return %y : tensor<3x13xi16>
}
// CHECK-LABEL: func.func @add
// CHECK:         %y = n64.tile_kernel "add0"(%a, %b) {n64.eltwise = array<i64: 96, 2, 96>, macs = 0 : i64} : (tensor<3x13xi16>, tensor<3x13xi16>) -> tensor<3x13xi16> {
// CHECK-NEXT:    ^bb0(%0: !n64.rdram<96>, %1: !n64.rdram<96>, %2: !n64.rdram<96>):
// CHECK-NEXT:      %3 = n64.dmem_alloc "a" : !n64.dmem<96>
// CHECK-NEXT:      %4 = n64.dmem_alloc "b" : !n64.dmem<96>
// CHECK-NEXT:      %5 = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, -32768, 8192, 0, 0, -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768>} : !n64.dmem<32>
// CHECK:           scf.for %8 = %6 to %7 step %7 {
// CHECK-NEXT:        n64.dma_in %0[%8] -> %3 {offset = 0 : i64, strides = array<i64: 96>, bytes = 96 : i64
// CHECK-NEXT:        n64.dma_in %1[%8] -> %4 {offset = 0 : i64, strides = array<i64: 96>, bytes = 96 : i64
// CHECK-NEXT:        n64.dma_wait {tag = 0 : i64}
// CHECK-NEXT:        n64.tile_eltwise "add" %3, %4 -> %3, %5 {vectors = 6 : i64, clamp_lo = 0 : i64, clamp_hi = 32767 : i64}
// CHECK-NEXT:        n64.dma_out %3 -> %2[%8] {offset = 0 : i64, strides = array<i64: 96>, bytes = 96 : i64
// CHECK-NEXT:      }
// CHECK-NEXT:      n64.dma_wait {tag = 1 : i64}

// -----

// A broadcasting add stays on the CPU.
func.func @broadcast(%a: tensor<3x8xi16>, %b: tensor<1x8xi16>) -> tensor<3x8xi16> {
  %y = n64.qadd %a, %b lhs_mul_log2 0 rhs_mul_log2 0 shift 2 frac_bits 8 clamp(-32768, 32767) : (tensor<3x8xi16>, tensor<1x8xi16>) -> tensor<3x8xi16>
  func.return %y : tensor<3x8xi16>
}
// CHECK-LABEL: func.func @broadcast
// CHECK-NEXT:    %y = n64.qadd %a, %b
