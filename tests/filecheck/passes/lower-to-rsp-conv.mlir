// RUN: n64-opt %s -p "tile-for-dmem{strips=false folds=false},allocate-dmem,plan-rdram,lower-to-rsp" | filecheck %s
// (strips=false: the banded kernel; folds=false: the first layer unfolded;
// lower-to-rsp-strip-conv.mlir has the strip kernel.)

// A 3x3 conv (pad 1, Relu) and a 2x2 max pool in one ucode. Conv: the band
// is filled with zeros (vxor), each band row is a DMA from the image or,
// outside it (sltiu/beq), from the pad row; per pixel a MAC chain over the
// taps' channel vectors (vmudh then vmadh, one weight row per input
// channel: only lanes e0 and e1, the 6 padded channels are skipped), the
// bias, the requantisation and the Relu. Pool: both pixels of an output
// row in one trip, lqv of every window element, then vge (exact int16 max)
// pairwise, level by level across the two windows.
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
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_READ
// CHECK:       rsp.label "ucode0_band_{{[0-9]+}}"
// CHECK-NEXT:  rsp.sltiu %{{.*}}, 4
// CHECK:       rsp.beq %{{.*}}, %{{.*}}, "ucode0_pad_row_{{[0-9]+}}"
// CHECK:       rsp.label "ucode0_pad_row_{{[0-9]+}}"
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_READ
// CHECK:       rsp.label "ucode0_pixel_{{[0-9]+}}"
// CHECK:       rsp.vmudh %{{.*}}, %{{.*}}, e0
// CHECK-NOT:   {{, e[2-7] }}
// CHECK:       rsp.vmadh %{{.*}}, %{{.*}}, e1
// CHECK-NOT:   {{, e[2-7] }}
// CHECK:       rsp.vsar COP2_ACC_MD
// CHECK-NEXT:  rsp.vsar COP2_ACC_HI
// CHECK-NEXT:  rsp.vmudn
// CHECK-NEXT:  rsp.vmadh
// CHECK-NEXT:  rsp.vge %{{.*}}, %{{.*}}, e2
// CHECK:       rsp.sqv
// CHECK:       rsp.bne %{{.*}}, %{{.*}}, "ucode0_pixel_{{[0-9]+}}"
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_WRITE
// CHECK:       rsp.label "ucode0_out_row_{{[0-9]+}}"
// CHECK-COUNT-8: rsp.lqv
// CHECK-NEXT:  %[[A:[0-9]+]] = rsp.vge %{{[0-9]+}}, %{{[0-9]+}}, v
// CHECK-NEXT:  %[[B:[0-9]+]] = rsp.vge %{{[0-9]+}}, %{{[0-9]+}}, v
// CHECK-NEXT:  %[[C:[0-9]+]] = rsp.vge %{{[0-9]+}}, %{{[0-9]+}}, v
// CHECK-NEXT:  %[[D:[0-9]+]] = rsp.vge %{{[0-9]+}}, %{{[0-9]+}}, v
// CHECK-NEXT:  rsp.vge %[[A]], %[[B]], v
// CHECK-NEXT:  rsp.vge %[[C]], %[[D]], v
// CHECK-NEXT:  rsp.sqv
// CHECK-NEXT:  rsp.sqv
// CHECK:       rsp.mtc0 %{{.*}}, COP0_DMA_WRITE
// CHECK:       rsp.label "ucode0_dma_busy_{{[0-9]+}}"
// CHECK:       rsp.break
