// RUN: n64-opt %s --split-input-file --verify-diagnostics | filecheck %s

// The verifier of `n64.qconv_transpose2d`.

func.func @shape(%x: tensor<1x3x4x4xi16>, %w: tensor<3x2x3x3xi16>) -> tensor<1x2x9x9xi16> {
  %y = n64.qconv_transpose2d %x, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] output_padding [1, 1] group 1 shifts [12, 13] w_frac_bits [14, 15] frac_bits 12 clamp(-32768, 32767) : (tensor<1x3x4x4xi16>, tensor<3x2x3x3xi16>) -> tensor<1x2x9x9xi16>
  func.return %y : tensor<1x2x9x9xi16>
}
// CHECK: n64.qconv_transpose2d: result shape [1, 2, 9, 9], expected [1, 2, 8, 8]

// -----

func.func @channels(%x: tensor<1x3x4x4xi16>, %w: tensor<3x2x3x3xi16>) -> tensor<1x2x8x8xi16> {
  %y = n64.qconv_transpose2d %x, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] output_padding [1, 1] group 1 shifts [12] w_frac_bits [14] frac_bits 12 clamp(-32768, 32767) : (tensor<1x3x4x4xi16>, tensor<3x2x3x3xi16>) -> tensor<1x2x8x8xi16>
  func.return %y : tensor<1x2x8x8xi16>
}
// CHECK: n64.qconv_transpose2d: expected 2 shifts and w_frac_bits (one per output channel), got 1 and 1

// -----

func.func @wide(%x: tensor<1x3x4x4xi16>, %w: tensor<3x2x3x3xi16>) -> tensor<1x2x8x8xi16> {
  %y = n64.qconv_transpose2d %x, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] output_padding [1, 1] group 1 shifts [12, 13] w_frac_bits [14, 15] frac_bits 12 acc48 clamp(-32768, 32767) : (tensor<1x3x4x4xi16>, tensor<3x2x3x3xi16>) -> tensor<1x2x8x8xi16>
  func.return %y : tensor<1x2x8x8xi16>
}
// CHECK: n64.qconv_transpose2d: acc48 is not supported
