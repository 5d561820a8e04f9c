// RUN: n64-opt %s | filecheck %s
// RUN: n64-opt %s --print-op-generic | n64-opt | filecheck %s
// RUN: n64-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// Every int16 op in its custom form; the second RUN line goes through the
// generic form and back and must print the same.

builtin.module {
  func.func @main(%x: tensor<1x4xf32>, %img: tensor<1x1x8x8xf32>) -> (tensor<1x2xf32>, tensor<2x16xi16>)
      attributes {n64.input_names = ["vector", "image"], n64.output_names = ["y", "features"]} {
    %q = n64.quantize %x frac_bits 14 : tensor<1x4xf32> -> tensor<1x4xi16>
    %w = n64.constant dense<[[1, -2], [3, 4], [-32768, 32767], [0, 5]]> : tensor<4x2xi16>
    %b = n64.constant dense<[1024, -536870911]> : tensor<2xi32>
    %g = n64.qgemm %q, %w, %b shifts [11, 12] w_frac_bits [13, 14] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>, tensor<2xi32>) -> tensor<1x2xi16>
    %g2 = n64.qgemm %q, %w shifts [2, 16] w_frac_bits [0, 14] frac_bits 12 clamp(-32768, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>) -> tensor<1x2xi16>
    // CHECK:      %q = n64.quantize %x frac_bits 14 : tensor<1x4xf32> -> tensor<1x4xi16>
    // CHECK-NEXT: %w = n64.constant dense<{{\[}}[1, -2], [3, 4], [-32768, 32767], [0, 5]]> : tensor<4x2xi16>
    // CHECK-NEXT: %b = n64.constant dense<[1024, -536870911]> : tensor<2xi32>
    // CHECK-NEXT: %g = n64.qgemm %q, %w, %b shifts [11, 12] w_frac_bits [13, 14] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>, tensor<2xi32>) -> tensor<1x2xi16>
    // CHECK-NEXT: %g2 = n64.qgemm %q, %w shifts [2, 16] w_frac_bits [0, 14] frac_bits 12 clamp(-32768, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>) -> tensor<1x2xi16>

    %a = n64.qadd %g, %g2 lhs_mul_log2 0 rhs_mul_log2 4 shift 3 frac_bits 13 clamp(-100, 100) : (tensor<1x2xi16>, tensor<1x2xi16>) -> tensor<1x2xi16>
    %r = n64.qrescale %a mul_log2 14 shift 2 frac_bits 25 clamp(-32768, 32767) : tensor<1x2xi16> -> tensor<1x2xi16>
    %c = n64.qclamp %r frac_bits 25 clamp(0, 32767) : tensor<1x2xi16> -> tensor<1x2xi16>
    %y = n64.dequantize %c frac_bits 25 : tensor<1x2xi16> -> tensor<1x2xf32>
    // CHECK-NEXT: %a = n64.qadd %g, %g2 lhs_mul_log2 0 rhs_mul_log2 4 shift 3 frac_bits 13 clamp(-100, 100) : (tensor<1x2xi16>, tensor<1x2xi16>) -> tensor<1x2xi16>
    // CHECK-NEXT: %r = n64.qrescale %a mul_log2 14 shift 2 frac_bits 25 clamp(-32768, 32767) : tensor<1x2xi16> -> tensor<1x2xi16>
    // CHECK-NEXT: %c = n64.qclamp %r frac_bits 25 clamp(0, 32767) : tensor<1x2xi16> -> tensor<1x2xi16>
    // CHECK-NEXT: %y = n64.dequantize %c frac_bits 25 : tensor<1x2xi16> -> tensor<1x2xf32>

    %qi = n64.quantize %img frac_bits 15 : tensor<1x1x8x8xf32> -> tensor<1x1x8x8xi16>
    %cw = n64.constant dense<7> : tensor<2x1x3x3xi16>
    %cb = n64.constant dense<[16384, -16384]> : tensor<2xi32>
    %cv = n64.qconv2d %qi, %cw, %cb strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [15, 16] w_frac_bits [13, 14] frac_bits 13 clamp(0, 32767) : (tensor<1x1x8x8xi16>, tensor<2x1x3x3xi16>, tensor<2xi32>) -> tensor<1x2x8x8xi16>
    %cd = n64.qconv2d %cv, %cw strides [2, 2] pads [0, 0, 0, 0] dilations [2, 2] group 2 shifts [4, 4] w_frac_bits [4, 4] frac_bits 13 clamp(-32768, 32767) : (tensor<1x2x8x8xi16>, tensor<2x1x3x3xi16>) -> tensor<1x2x2x2xi16>
    // CHECK-NEXT: %qi = n64.quantize %img frac_bits 15 : tensor<1x1x8x8xf32> -> tensor<1x1x8x8xi16>
    // CHECK-NEXT: %cw = n64.constant dense<7> : tensor<2x1x3x3xi16>
    // CHECK-NEXT: %cb = n64.constant dense<[16384, -16384]> : tensor<2xi32>
    // CHECK-NEXT: %cv = n64.qconv2d %qi, %cw, %cb strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [15, 16] w_frac_bits [13, 14] frac_bits 13 clamp(0, 32767) : (tensor<1x1x8x8xi16>, tensor<2x1x3x3xi16>, tensor<2xi32>) -> tensor<1x2x8x8xi16>
    // CHECK-NEXT: %cd = n64.qconv2d %cv, %cw strides [2, 2] pads [0, 0, 0, 0] dilations [2, 2] group 2 shifts [4, 4] w_frac_bits [4, 4] frac_bits 13 clamp(-32768, 32767) : (tensor<1x2x8x8xi16>, tensor<2x1x3x3xi16>) -> tensor<1x2x2x2xi16>

    %mp = n64.qmaxpool %cv kernel [2, 2] strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] frac_bits 13 : tensor<1x2x8x8xi16> -> tensor<1x2x4x4xi16>
    %ap = n64.qavgpool %mp kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier 4096 shift 16 frac_bits 13 : tensor<1x2x4x4xi16> -> tensor<1x2x1x1xi16>
    %fl = n64.qreshape %mp frac_bits 13 : tensor<1x2x4x4xi16> -> tensor<1x32xi16>
    %rs = n64.qreshape %fl frac_bits 13 : tensor<1x32xi16> -> tensor<16x2xi16>
    %tr = n64.qtranspose %rs perm [1, 0] frac_bits 13 : tensor<16x2xi16> -> tensor<2x16xi16>
    %cc = n64.qconcat %fl, %fl, %g axis 1 frac_bits 13 : (tensor<1x32xi16>, tensor<1x32xi16>, tensor<1x2xi16>) -> tensor<1x66xi16>
    // CHECK-NEXT: %mp = n64.qmaxpool %cv kernel [2, 2] strides [2, 2] pads [0, 0, 1, 1] dilations [1, 1] frac_bits 13 : tensor<1x2x8x8xi16> -> tensor<1x2x4x4xi16>
    // CHECK-NEXT: %ap = n64.qavgpool %mp kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier 4096 shift 16 frac_bits 13 : tensor<1x2x4x4xi16> -> tensor<1x2x1x1xi16>
    // CHECK-NEXT: %fl = n64.qreshape %mp frac_bits 13 : tensor<1x2x4x4xi16> -> tensor<1x32xi16>
    // CHECK-NEXT: %rs = n64.qreshape %fl frac_bits 13 : tensor<1x32xi16> -> tensor<16x2xi16>
    // CHECK-NEXT: %tr = n64.qtranspose %rs perm [1, 0] frac_bits 13 : tensor<16x2xi16> -> tensor<2x16xi16>
    // CHECK-NEXT: %cc = n64.qconcat %fl, %fl, %g axis 1 frac_bits 13 : (tensor<1x32xi16>, tensor<1x32xi16>, tensor<1x2xi16>) -> tensor<1x66xi16>

    func.return %y, %tr : tensor<1x2xf32>, tensor<2x16xi16>
  }
}

// GENERIC: "n64.quantize"(%{{.*}}) <{frac_bits = 14 : i32}> : (tensor<1x4xf32>) -> tensor<1x4xi16>
// GENERIC: "n64.qgemm"(%{{.*}}, %{{.*}}, %{{.*}}) <{shifts = array<i32: 11, 12>, w_frac_bits = array<i32: 13, 14>, frac_bits = 16 : i32, clamp_lo = 0 : i32, clamp_hi = 32767 : i32}>
// GENERIC: "n64.qadd"(%{{.*}}, %{{.*}}) <{lhs_mul_log2 = 0 : i32, rhs_mul_log2 = 4 : i32, shift = 3 : i32, frac_bits = 13 : i32, clamp_lo = -100 : i32, clamp_hi = 100 : i32}>
