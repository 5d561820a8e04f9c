// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s

// A 3x3 conv (pad 1, Relu) and a 2x2 max pool in one ucode. The conv runs
// in strips: the band ring's padding is zeroed once (vxor), each band row
// is a DMA from the image or, outside it (sltiu/beq), from the pad row; per
// pixel one MAC chain: the bias first (vmudh e0, vmadh e1), then a weight
// row per tap and real input channel (only lanes e0 and e1: the 6 padded
// channels are skipped), with the previous pixel's Relu (vge e2) inside it
// and its store after the chain's loads; then the readout (vsar, vmudn,
// vmadh); the row's last pixel is clamped and stored after the loop. Pool:
// lqv of each window element and vge (exact int16 max).
func.func @cnn(%x: tensor<1x2x4x4xi16>) -> tensor<1x8x2x2xi16> {
  %w = n64.constant dense<2> : tensor<8x2x3x3xi16>
  %b = n64.constant dense<8> : tensor<8xi32>
  %c = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x2x4x4xi16>, tensor<8x2x3x3xi16>, tensor<8xi32>) -> tensor<1x8x4x4xi16>
  %p = n64.qmaxpool %c kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] frac_bits 10 : tensor<1x8x4x4xi16> -> tensor<1x8x2x2xi16>
  func.return %p : tensor<1x8x2x2xi16>
}

// CHECK:       rsp.label "ucode0_dma_busy_{{[0-9]+}}"
// CHECK:       rsp.vxor %{{.*}}, %{{.*}}, v
// CHECK:       rsp.label "ucode0_fill_{{[0-9]+}}"
// CHECK:       rsp.sltiu %{{.*}}, 4
// CHECK:       rsp.beq %{{.*}}, %{{.*}}, "ucode0_pad_row_{{[0-9]+}}"
// CHECK:       rsp.label "ucode0_pad_row_{{[0-9]+}}"
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_READ
// CHECK:       rsp.label "ucode0_out_row_{{[0-9]+}}"
// CHECK:       rsp.label "ucode0_pixel_{{[0-9]+}}"
// CHECK:       rsp.vmudh %{{.*}}, %{{.*}}, e0
// CHECK-NEXT:  rsp.vmadh %{{.*}}, %{{.*}}, e1
// CHECK-NOT:   {{, e[3-7] }}
// CHECK:       rsp.vge %{{.*}}, %{{.*}}, e2
// CHECK-NOT:   {{, e[2-7] }}
// CHECK:       rsp.sqv
// CHECK-NEXT:  rsp.vsar COP2_ACC_MD
// CHECK-NEXT:  rsp.vsar COP2_ACC_HI
// CHECK-NEXT:  rsp.vmudn
// CHECK-NEXT:  rsp.vmadh
// CHECK:       rsp.bne %{{.*}}, %{{.*}}, "ucode0_pixel_{{[0-9]+}}"
// CHECK:       rsp.vge %{{.*}}, %{{.*}}, e2
// CHECK-NEXT:  rsp.sqv
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_WRITE
// CHECK:       rsp.label "ucode0_pixel_{{[0-9]+}}"
// CHECK:       rsp.lqv
// CHECK:       rsp.lqv
// CHECK-NEXT:  rsp.vge %{{.*}}, %{{.*}}, v
// CHECK:       rsp.vge %{{.*}}, %{{.*}}, v
// CHECK:       rsp.vge %{{.*}}, %{{.*}}, v
// CHECK-NEXT:  rsp.sqv
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_WRITE
// CHECK:       rsp.label "ucode0_dma_busy_{{[0-9]+}}"
// CHECK:       rsp.break
