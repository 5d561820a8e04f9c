// RUN: n64-opt %s -p tile-for-dmem | filecheck %s
// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s --check-prefix=RSP

// A PRelu with 16 per-channel slopes reading channels-last data through
// qtranspose(NCHW) (as between RSP conv layers): the qprelu moves behind the
// transpose (slope axis 1 -> 3), runs on the RSP over rows of 2 vectors, with
// a slope table of 2 entries (m, ra, rb, mlo, mhi: 160 bytes) DMA'd in once.
func.func @per_channel(%x: tensor<1x3x2x16xi16>) -> tensor<1x16x3x2xi16> {
  %t = n64.qtranspose %x perm [0, 3, 1, 2] frac_bits 10 : tensor<1x3x2x16xi16> -> tensor<1x16x3x2xi16>
  %y = n64.qprelu %t axis 1 multipliers [20972, 20972, 20972, 20972, 20972, 20972, 20972, 20972, 16384, 16384, 16384, 16384, 16384, 16384, 16384, -8192] shifts [21, 21, 21, 21, 21, 21, 21, 21, 15, 15, 15, 15, 15, 15, 15, 2] frac_bits 10 : tensor<1x16x3x2xi16> -> tensor<1x16x3x2xi16>
  func.return %y : tensor<1x16x3x2xi16>
}

// CHECK-LABEL: func.func @per_channel
// CHECK:         %y = n64.tile_kernel "prelu0"(%x) {n64.eltwise = array<i64: 192, 1, 192>, macs = 0 : i64, weights = dense<[20972, {{.*}}]> : tensor<80xi16>}
// CHECK-NEXT:    ^bb0(%0: !n64.rdram<192>, %1: !n64.rdram<192>, %2: !n64.rdram<160>):
// CHECK-NEXT:      %3 = n64.dmem_alloc "a" : !n64.dmem<192>
// CHECK-NEXT:      %4 = n64.dmem_alloc "t" : !n64.dmem<160>
// CHECK-NEXT:      %5 = n64.dmem_alloc "k" {init = array<i16: 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0>} : !n64.dmem<32>
// CHECK-NEXT:      n64.dma_in %2[] -> %4 {offset = 0 : i64, strides = array<i64>, bytes = 160 : i64
// CHECK-NEXT:      n64.dma_in %0[] -> %3 {offset = 0 : i64, strides = array<i64>, bytes = 192 : i64
// CHECK-NEXT:      n64.dma_wait {tag = 0 : i64}
// CHECK-NEXT:      n64.tile_eltwise "prelu" %3, %4 -> %3, %5 {vectors = 12 : i64
// CHECK-NEXT:      n64.dma_out %3 -> %1[]
// CHECK:         %y_1 = n64.qtranspose %y perm [0, 3, 1, 2]
// CHECK-NEXT:    func.return %y_1

// A LeakyRelu (one slope) on an NCHW tensor: any layout, one table entry.
func.func @leaky(%x: tensor<1x4x3x3xi16>) -> tensor<1x4x3x3xi16> {
  %y = n64.qprelu %x axis 0 multipliers [20972] shifts [21] frac_bits 10 : tensor<1x4x3x3xi16> -> tensor<1x4x3x3xi16>
  func.return %y : tensor<1x4x3x3xi16>
}

// CHECK-LABEL: func.func @leaky
// CHECK:         n64.tile_kernel "prelu1"(%x)
// CHECK:           n64.dmem_alloc "t" : !n64.dmem<80>
// CHECK:           n64.tile_eltwise "prelu"

// Per-channel slopes on the NCHW channel axis (not innermost): CPU kernel.
func.func @nchw(%x: tensor<1x2x3x3xi16>) -> tensor<1x2x3x3xi16> {
  %y = n64.qprelu %x axis 1 multipliers [100, 200] shifts [16, 17] frac_bits 10 : tensor<1x2x3x3xi16> -> tensor<1x2x3x3xi16>
  func.return %y : tensor<1x2x3x3xi16>
}

// CHECK-LABEL: func.func @nchw
// CHECK-NEXT:    %y = n64.qprelu %x axis 1

// The RSP code of one vector: max/min against 0, n*m + 2^(s-1) on the
// accumulator, the shift for s <= 16 (vmudn/vmadh by mlo) and for s > 16
// (vmudm of the high half by mhi), the two parts and max(x, 0) summed; the
// table pointer steps 80 bytes per vector within a row.
// RSP:       rsp.addi %{{.*}}, 6 {comment = "prelu_row"}
// RSP:       rsp.addi %{{.*}}, 2 {comment = "prelu_group"}
// RSP-NEXT:  rsp.label "ucode{{[0-9]+}}_prelu_group_{{[0-9]+}}"
// RSP-COUNT-5: rsp.lqv %{{.*}}, %{{.*}}, 0, {{0|16|32|48|64}}
// RSP:       rsp.lqv
// RSP-NEXT:  rsp.vge
// RSP-NEXT:  rsp.vlt
// RSP-NEXT:  rsp.vmudh
// RSP-NEXT:  rsp.vmadh
// RSP-NEXT:  rsp.vsar COP2_ACC_HI
// RSP-NEXT:  rsp.vsar COP2_ACC_MD
// RSP-NEXT:  rsp.vmudn
// RSP-NEXT:  rsp.vmadh
// RSP-NEXT:  rsp.vmudm
// RSP-NEXT:  rsp.vadd
// RSP-NEXT:  rsp.vadd
// RSP-NEXT:  rsp.sqv
// RSP:       rsp.addi %{{.*}}, 80
// RSP-NEXT:  rsp.addi %{{.*}}, -1
// RSP-NEXT:  rsp.bne %{{.*}}, %{{.*}}, "ucode{{[0-9]+}}_prelu_group_{{[0-9]+}}"
