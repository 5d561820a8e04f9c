// RUN: n64-opt %s -p tile-for-dmem | filecheck %s

// A Split of 20 channels (12 + 8) read through qtranspose(NCHW) from a
// channels-last tensor: each slice moves behind the transpose and becomes a
// DMA-only kernel: 9 rows of the padded slice (32 and 16 bytes) read with
// the input's 48-byte row stride, from byte 0 and byte 24, written back whole.
func.func @split(%x: tensor<1x3x3x20xi16>) -> (tensor<1x12x3x3xi16>, tensor<1x8x3x3xi16>) {
  %t = n64.qtranspose %x perm [0, 3, 1, 2] frac_bits 10 : tensor<1x3x3x20xi16> -> tensor<1x20x3x3xi16>
  %a = n64.qslice %t axis 1 start 0 end 12 frac_bits 10 : tensor<1x20x3x3xi16> -> tensor<1x12x3x3xi16>
  %b = n64.qslice %t axis 1 start 12 end 20 frac_bits 10 : tensor<1x20x3x3xi16> -> tensor<1x8x3x3xi16>
  func.return %a, %b : tensor<1x12x3x3xi16>, tensor<1x8x3x3xi16>
}

// CHECK:      %a = n64.tile_kernel "slice0"(%x) {n64.eltwise = array<i64: 288, 1, 288>, macs = 0 : i64} : (tensor<1x3x3x20xi16>) -> tensor<1x3x3x12xi16> {
// CHECK-NEXT: ^bb0(%0: !n64.rdram<432>, %1: !n64.rdram<288>):
// CHECK-NEXT:   %2 = n64.dmem_alloc "a" : !n64.dmem<288>
// CHECK-NEXT:   n64.dma_in %0[] -> %2 {offset = 0 : i64, strides = array<i64>, bytes = 32 : i64, rows = 9 : i64, row_stride = 48 : i64, tag = 0 : i64}
// CHECK-NEXT:   n64.dma_wait {tag = 0 : i64}
// CHECK-NEXT:   n64.dma_out %2 -> %1[] {offset = 0 : i64, strides = array<i64>, bytes = 288 : i64, rows = 1 : i64
// CHECK-NEXT:   n64.dma_wait {tag = 1 : i64}
// CHECK-NEXT: }
// CHECK-NEXT: %a_1 = n64.qtranspose %a perm [0, 3, 1, 2]
// CHECK-NEXT: %b = n64.tile_kernel "slice1"(%x)
// CHECK:        n64.dma_in %{{.*}}[] -> %{{.*}} {offset = 24 : i64, strides = array<i64>, bytes = 16 : i64, rows = 9 : i64, row_stride = 48 : i64, tag = 0 : i64}

// A start that is not a multiple of 4 (RDRAM DMA addresses are 8-byte
// aligned) keeps the CPU copy.
func.func @unaligned(%x: tensor<1x2x2x16xi16>) -> tensor<1x6x2x2xi16> {
  %t = n64.qtranspose %x perm [0, 3, 1, 2] frac_bits 10 : tensor<1x2x2x16xi16> -> tensor<1x16x2x2xi16>
  %a = n64.qslice %t axis 1 start 2 end 8 frac_bits 10 : tensor<1x16x2x2xi16> -> tensor<1x6x2x2xi16>
  func.return %a : tensor<1x6x2x2xi16>
}

// CHECK-LABEL: func.func @unaligned
// CHECK:         n64.qslice %{{.*}} axis 3 start 2 end 8
// CHECK-NOT:     n64.tile_kernel
