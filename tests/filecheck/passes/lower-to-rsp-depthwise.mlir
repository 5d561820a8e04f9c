// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s

// A depthwise 3x3 conv (group = C = O = 8): a rolling band of input rows
// (each output row fetches the next input row), the weights held in
// registers, and per pixel the bias, then one lane-by-lane vmadh per tap
// (no broadcast element): 9 multiply-accumulates, then the readout; the 5
// pixels of a row are one unrolled block.
func.func @dw(%x: tensor<1x8x5x5xi16>) -> tensor<1x8x5x5xi16> {
  %w = n64.constant dense<3> : tensor<8x1x3x3xi16>
  %b = n64.constant dense<8> : tensor<8xi32>
  %y = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 8 shifts [4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(-32768, 32767) : (tensor<1x8x5x5xi16>, tensor<8x1x3x3xi16>, tensor<8xi32>) -> tensor<1x8x5x5xi16>
  func.return %y : tensor<1x8x5x5xi16>
}

// CHECK:       rsp.label "ucode0_out_row_{{[0-9]+}}"
// CHECK-NOT:   rsp.label "ucode0_pixel
// CHECK:       rsp.vmudh %{{.*}}, %{{.*}}, v
// CHECK-COUNT-9: rsp.vmadh %{{.*}}, %{{.*}}, v
// CHECK-NOT:   rsp.vmadh %{{.*}}, %{{.*}}, v
// CHECK:       rsp.vsar COP2_ACC_MD
// CHECK-NEXT:  rsp.vsar COP2_ACC_HI
// CHECK-COUNT-4: rsp.vmudh %{{.*}}, %{{.*}}, v
// CHECK-NOT:   rsp.label "ucode0_pixel
