// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s

// A 3x3 conv of 16 channels (pad 1, Relu) in strips: per group of 8 output
// channels its tile goes to DMEM once, then every output row of the strip
// loads its next band row into the ring (sltiu/beq: the pad row outside the
// image) and runs one MAC chain per pixel: the bias first (one vmudh of
// its v and 2^j), a weight row per tap and input channel, with the previous pixel's
// Relu (vge e2) inside it and its store after the chain's loads, then the
// readout (vsar, vmudn, vmadh). The row's last pixel is clamped and stored
// after the loop, and the row leaves with one DMA. The strip's last row
// (after the row loop's bgtz and bltz) reads the next group's first image
// row instead, and jumps back into the row's code (`chains`).
func.func @conv(%x: tensor<1x16x8x8xi16>) -> tensor<1x16x8x8xi16> {
  %w = n64.constant dense<2> : tensor<16x16x3x3xi16>
  %b = n64.constant dense<8> : tensor<16xi32>
  %c = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x16x8x8xi16>, tensor<16x16x3x3xi16>, tensor<16xi32>) -> tensor<1x16x8x8xi16>
  func.return %c : tensor<1x16x8x8xi16>
}

// CHECK:       rsp.label "ucode0_group_{{[0-9]+}}"
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_READ
// CHECK:       rsp.label "ucode0_out_row_{{[0-9]+}}"
// CHECK:       rsp.sltiu %{{.*}}, 8
// CHECK:       rsp.beq %{{.*}}, %{{.*}}, "ucode0_pad_row_{{[0-9]+}}"
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_READ
// CHECK:       rsp.label "ucode0_pixel_{{[0-9]+}}"
// CHECK:       rsp.vmudh %{{.*}}, %{{.*}}, v
// CHECK:       rsp.vmadh %{{.*}}, %{{.*}}, e0
// CHECK:       rsp.vge %{{.*}}, %{{.*}}, e2
// CHECK:       rsp.vmadh %{{.*}}, %{{.*}}, e7
// CHECK:       rsp.sqv
// CHECK-NEXT:  rsp.vsar COP2_ACC_MD
// CHECK-NEXT:  rsp.vsar COP2_ACC_HI
// CHECK-NEXT:  rsp.vmudn
// CHECK-NEXT:  rsp.vmadh
// CHECK:       rsp.bne %{{.*}}, %{{.*}}, "ucode0_pixel_{{[0-9]+}}"
// CHECK:       rsp.vge %{{.*}}, %{{.*}}, e2
// CHECK-NEXT:  rsp.sqv
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_WRITE
// CHECK:       rsp.bgtz %{{.*}}, "ucode0_out_row_{{[0-9]+}}"
// CHECK:       rsp.bltz %{{.*}}, "ucode0_strip_done_{{[0-9]+}}"
// CHECK:       rsp.label "ucode0_last_row_{{[0-9]+}}"
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_READ
// CHECK:       rsp.j "ucode0_rows_in_{{[0-9]+}}"
// CHECK:       rsp.label "ucode0_strip_done_{{[0-9]+}}"
// CHECK:       rsp.bne %{{.*}}, %{{.*}}, "ucode0_group_{{[0-9]+}}"
// CHECK:       rsp.break
