// RUN: n64-opt %s -p tile-for-dmem | filecheck %s

// A Relu (qclamp) and a residual add between RSP convs run channels-last:
// the transposes move past them and cancel, leaving one at each end.
func.func @res(%x: tensor<1x8x4x4xi16>) -> tensor<1x8x4x4xi16> {
  %w = n64.constant dense<2> : tensor<8x8x3x3xi16>
  %b = n64.constant dense<8> : tensor<8xi32>
  %c = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(-32768, 32767) : (tensor<1x8x4x4xi16>, tensor<8x8x3x3xi16>, tensor<8xi32>) -> tensor<1x8x4x4xi16>
  %r = n64.qclamp %c frac_bits 10 clamp(0, 32767) : tensor<1x8x4x4xi16> -> tensor<1x8x4x4xi16>
  %d = n64.qconv2d %r, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [4, 4, 4, 4, 4, 4, 4, 4] frac_bits 10 clamp(-32768, 32767) : (tensor<1x8x4x4xi16>, tensor<8x8x3x3xi16>, tensor<8xi32>) -> tensor<1x8x4x4xi16>
  %y = n64.qadd %d, %r lhs_mul_log2 0 rhs_mul_log2 0 shift 2 frac_bits 8 clamp(-32768, 32767) : (tensor<1x8x4x4xi16>, tensor<1x8x4x4xi16>) -> tensor<1x8x4x4xi16>
  func.return %y : tensor<1x8x4x4xi16>
}
// CHECK-LABEL: func.func @res
// CHECK:         n64.qtranspose %x perm [0, 2, 3, 1]
// CHECK:         %[[C:.*]] = n64.tile_kernel "conv0"
// CHECK:         %[[R:.*]] = n64.tile_kernel "clamp0"(%[[C]]) {{.*}} : (tensor<1x4x4x8xi16>) -> tensor<1x4x4x8xi16>
// CHECK:         %[[D:.*]] = n64.tile_kernel "conv1"(%[[R]])
// CHECK:         %[[A:.*]] = n64.tile_kernel "add0"(%[[D]], %[[R]]) {{.*}} : (tensor<1x4x4x8xi16>, tensor<1x4x4x8xi16>) -> tensor<1x4x4x8xi16>
// CHECK:         %[[Y:.*]] = n64.qtranspose %[[A]] perm [0, 3, 1, 2] frac_bits 8
// CHECK-NEXT:    func.return %[[Y]]
