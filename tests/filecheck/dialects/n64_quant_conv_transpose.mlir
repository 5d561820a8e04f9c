// RUN: n64-opt %s | filecheck %s
// RUN: n64-opt %s --print-op-generic | n64-opt | filecheck %s
// RUN: n64-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// `n64.qconv_transpose2d` in its custom form; the second RUN line goes
// through the generic form.

builtin.module {
  func.func @main(%x: tensor<1x3x4x4xi16>) -> tensor<1x2x8x8xi16> {
    %w = n64.constant dense<1> : tensor<3x2x3x3xi16>
    %b = n64.constant dense<[2048, 4096]> : tensor<2xi32>
    %y = n64.qconv_transpose2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] output_padding [1, 1] group 1 shifts [12, 13] w_frac_bits [14, 15] frac_bits 12 clamp(-32768, 32767) : (tensor<1x3x4x4xi16>, tensor<3x2x3x3xi16>, tensor<2xi32>) -> tensor<1x2x8x8xi16>
    // CHECK: %y = n64.qconv_transpose2d %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] output_padding [1, 1] group 1 shifts [12, 13] w_frac_bits [14, 15] frac_bits 12 clamp(-32768, 32767) : (tensor<1x3x4x4xi16>, tensor<3x2x3x3xi16>, tensor<2xi32>) -> tensor<1x2x8x8xi16>
    func.return %y : tensor<1x2x8x8xi16>
  }
}

// GENERIC: "n64.qconv_transpose2d"(%{{.*}}, %{{.*}}, %{{.*}}) <{strides = array<i32: 2, 2>, pads = array<i32: 1, 1, 1, 1>, dilations = array<i32: 1, 1>, output_padding = array<i32: 1, 1>, group = 1 : i32, shifts = array<i32: 12, 13>, w_frac_bits = array<i32: 14, 15>, frac_bits = 12 : i32, clamp_lo = -32768 : i32, clamp_hi = 32767 : i32}>
