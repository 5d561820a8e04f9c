// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s
// RUN: n64-opt %s -p 'tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp{shared=false}' | filecheck %s --check-prefix=SEPARATE

// Three layers in one ucode: in the last iteration of a layer, the weight
// prefetch loads the next layer's first tile instead (into its first ring
// slot, clear of this layer's buffers); the next layer then does not load
// it again, and no layer but the last waits for the DMA to drain.
func.func @two(%x: tensor<1x16xi16>) -> tensor<1x8xi16> {
  %w0 = n64.constant dense<1> : tensor<16x24xi16>
  %h = n64.qgemm %x, %w0 shifts [16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(0, 32767) : (tensor<1x16xi16>, tensor<16x24xi16>) -> tensor<1x24xi16>
  %w1 = n64.constant dense<2> : tensor<24x16xi16>
  %y = n64.qgemm %h, %w1 shifts [16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(-32768, 32767) : (tensor<1x24xi16>, tensor<24x16xi16>) -> tensor<1x16xi16>
  %w2 = n64.constant dense<3> : tensor<16x8xi16>
  %z = n64.qgemm %y, %w2 shifts [16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(-32768, 32767) : (tensor<1x16xi16>, tensor<16x8xi16>) -> tensor<1x8xi16>
  func.return %z : tensor<1x8xi16>
}

// CHECK:       rsp.label "ucode0_loop_3"
// CHECK:       rsp.beq %{{.*}}, %0, "ucode0_last_dma_4"
// CHECK:       rsp.mtc0 {{.*}}, COP0_DMA_READ
// CHECK:       rsp.j "ucode0_dma_done_5"
// CHECK-NEXT:  rsp.nop
// CHECK-NEXT:  rsp.label "ucode0_last_dma_4"
// CHECK-NEXT:  %[[SLOT:.*]] = rsp.addi %0, 3616
// CHECK-NEXT:  %[[TILE:.*]] = rsp.addi %{{.*}}, 912
// CHECK:       rsp.mtc0 %[[SLOT]], COP0_DMA_SPADDR
// CHECK-NEXT:  rsp.mtc0 %[[TILE]], COP0_DMA_RAMADDR
// CHECK-NEXT:  rsp.addi %0, 431
// CHECK-NEXT:  rsp.mtc0 %{{.*}}, COP0_DMA_READ
// CHECK-NEXT:  rsp.label "ucode0_dma_done_5"
// CHECK-NOT:   COP0_DMA_BUSY
// CHECK:       rsp.mtc0 {{.*}}, COP0_DMA_WRITE
// CHECK-NOT:   COP0_DMA_BUSY
// CHECK:       rsp.addi %0, 3616 : (!rsp.reg<zero>) -> !rsp.reg<[[WRITE:j_[0-9]+]]>
// CHECK-NEXT:  rsp.addi %0, 3616
// CHECK:       rsp.xori %{{.*}}, 592 : (!rsp.reg<[[WRITE]]>) -> !rsp.reg<[[WRITE]]>
// CHECK-NEXT:  rsp.addi %{{.*}}, 2080
// CHECK-NEXT:  rsp.addi %0, 4048
// CHECK-NEXT:  rsp.label "ucode0_dma_full_10"
// CHECK:       COP0_DMA_BUSY
// CHECK:       rsp.break

// One layer per ucode: no hand-off; the last trip, which prefetches
// nothing, waits for every transfer before using its tile.
// SEPARATE:      rsp.label "ucode0_last_dma_{{[0-9]+}}"
// SEPARATE-NEXT: rsp.label "ucode0_dma_busy_{{[0-9]+}}"
// SEPARATE-NEXT: rsp.mfc0 COP0_DMA_BUSY
// SEPARATE:      builtin.module @ucode1
