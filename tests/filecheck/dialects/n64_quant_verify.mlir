// RUN: n64-opt %s --split-input-file --verify-diagnostics | filecheck %s

// The verifiers of the int16 ops reject what the RSP lowering cannot express.

func.func @shift_too_small(%q: tensor<1x4xi16>, %w: tensor<4x2xi16>) -> tensor<1x2xi16> {
  %g = n64.qgemm %q, %w shifts [1, 12] w_frac_bits [13, 24] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: n64.qgemm: shift 1 outside [2, 16]

// -----

func.func @shift_too_large(%q: tensor<1x4xi16>, %w: tensor<4x2xi16>) -> tensor<1x2xi16> {
  %g = n64.qgemm %q, %w shifts [17, 12] w_frac_bits [18, 13] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: n64.qgemm: shift 17 outside [2, 16]

// -----

func.func @one_shift_per_channel(%q: tensor<1x4xi16>, %w: tensor<4x2xi16>) -> tensor<1x2xi16> {
  %g = n64.qgemm %q, %w shifts [12] w_frac_bits [13] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: n64.qgemm: expected 2 shifts and w_frac_bits (one per output channel), got 1 and 1

// -----

func.func @inconsistent_formats(%q: tensor<1x4xi16>, %w: tensor<4x2xi16>) -> tensor<1x2xi16> {
  %g = n64.qgemm %q, %w shifts [12, 12] w_frac_bits [13, 14] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: n64.qgemm: shifts must equal f_x + w_frac_bits - frac_bits for one input format f_x (got f_x candidates [14, 15])

// -----

func.func @gemm_shapes(%q: tensor<1x4xi16>, %w: tensor<3x2xi16>) -> tensor<1x2xi16> {
  %g = n64.qgemm %q, %w shifts [12, 12] w_frac_bits [13, 13] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<3x2xi16>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: n64.qgemm: expected x[M,K], w[K,N] -> y[M,N], got x[1, 4], w[3, 2] -> y[1, 2]

// -----

func.func @gemm_float_operand(%q: tensor<1x4xf32>, %w: tensor<4x2xi16>) -> tensor<1x2xi16> {
  %g = n64.qgemm %q, %w shifts [12, 12] w_frac_bits [13, 13] frac_bits 16 clamp(0, 32767) : (tensor<1x4xf32>, tensor<4x2xi16>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: Expected attribute i16 but got f32

// -----

func.func @bias_shape(%q: tensor<1x4xi16>, %w: tensor<4x2xi16>, %b: tensor<3xi32>) -> tensor<1x2xi16> {
  %g = n64.qgemm %q, %w, %b shifts [12, 12] w_frac_bits [13, 13] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>, tensor<3xi32>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: n64.qgemm: bias must have shape [2], got [3]

// -----

func.func @bias_range(%q: tensor<1x4xi16>, %w: tensor<4x2xi16>) -> tensor<1x2xi16> {
  %b = n64.constant dense<[0, 536870912]> : tensor<2xi32>
  %g = n64.qgemm %q, %w, %b shifts [12, 12] w_frac_bits [13, 13] frac_bits 16 clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>, tensor<2xi32>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: n64.qgemm: bias values must satisfy |b| < 2^29

// -----

func.func @clamp_order(%q: tensor<1x4xi16>, %w: tensor<4x2xi16>) -> tensor<1x2xi16> {
  %g = n64.qgemm %q, %w shifts [12, 12] w_frac_bits [13, 13] frac_bits 16 clamp(5, 4) : (tensor<1x4xi16>, tensor<4x2xi16>) -> tensor<1x2xi16>
  func.return %g : tensor<1x2xi16>
}
// CHECK: n64.qgemm: clamp bounds (5, 4) must satisfy -32768 <= lo <= hi <= 32767

// -----

func.func @clamp_range(%q: tensor<1x4xi16>) -> tensor<1x4xi16> {
  %c = n64.qclamp %q frac_bits 3 clamp(0, 40000) : tensor<1x4xi16> -> tensor<1x4xi16>
  func.return %c : tensor<1x4xi16>
}
// CHECK: n64.qclamp: clamp bounds (0, 40000) must satisfy -32768 <= lo <= hi <= 32767

// -----

func.func @add_multiplier(%a: tensor<1x4xi16>, %b: tensor<1x4xi16>) -> tensor<1x4xi16> {
  %y = n64.qadd %a, %b lhs_mul_log2 0 rhs_mul_log2 15 shift 3 frac_bits 10 clamp(-32768, 32767) : (tensor<1x4xi16>, tensor<1x4xi16>) -> tensor<1x4xi16>
  func.return %y : tensor<1x4xi16>
}
// CHECK: n64.qadd: rhs_mul_log2 15 outside [0, 14] (multipliers are int16 powers of two)

// -----

func.func @add_shift(%a: tensor<1x4xi16>, %b: tensor<1x4xi16>) -> tensor<1x4xi16> {
  %y = n64.qadd %a, %b lhs_mul_log2 0 rhs_mul_log2 0 shift 0 frac_bits 10 clamp(-32768, 32767) : (tensor<1x4xi16>, tensor<1x4xi16>) -> tensor<1x4xi16>
  func.return %y : tensor<1x4xi16>
}
// CHECK: n64.qadd: shift 0 outside [2, 16]

// -----

func.func @add_broadcast(%a: tensor<1x4xi16>, %b: tensor<3x1xi16>) -> tensor<1x4xi16> {
  %y = n64.qadd %a, %b lhs_mul_log2 0 rhs_mul_log2 0 shift 2 frac_bits 10 clamp(-32768, 32767) : (tensor<1x4xi16>, tensor<3x1xi16>) -> tensor<1x4xi16>
  func.return %y : tensor<1x4xi16>
}
// CHECK: n64.qadd: operand shapes [1, 4] and [3, 1] do not broadcast to result shape [1, 4]

// -----

func.func @rescale_shift(%a: tensor<1x4xi16>) -> tensor<1x4xi16> {
  %y = n64.qrescale %a mul_log2 0 shift 17 frac_bits 10 clamp(-32768, 32767) : tensor<1x4xi16> -> tensor<1x4xi16>
  func.return %y : tensor<1x4xi16>
}
// CHECK: n64.qrescale: shift 17 outside [2, 16]

// -----

func.func @quantize_shape(%x: tensor<1x4xf32>) -> tensor<1x5xi16> {
  %q = n64.quantize %x frac_bits 14 : tensor<1x4xf32> -> tensor<1x5xi16>
  func.return %q : tensor<1x5xi16>
}
// CHECK: n64.quantize: result shape [1, 5] differs from input shape [1, 4]

// -----

func.func @quantize_format(%x: tensor<1x4xf32>) -> tensor<1x4xi16> {
  %q = n64.quantize %x frac_bits 97 : tensor<1x4xf32> -> tensor<1x4xi16>
  func.return %q : tensor<1x4xi16>
}
// CHECK: n64.quantize: frac_bits 97 outside [-96, 96]

// -----

func.func @dequantize_type(%q: tensor<1x4xi32>) -> tensor<1x4xf32> {
  %x = n64.dequantize %q frac_bits 14 : tensor<1x4xi32> -> tensor<1x4xf32>
  func.return %x : tensor<1x4xf32>
}
// CHECK: Expected attribute i16 but got i32

// -----

func.func @conv_shape(%x: tensor<1x1x8x8xi16>, %w: tensor<2x1x3x3xi16>) -> tensor<1x2x8x8xi16> {
  %y = n64.qconv2d %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 shifts [8, 8] w_frac_bits [8, 8] frac_bits 8 clamp(-32768, 32767) : (tensor<1x1x8x8xi16>, tensor<2x1x3x3xi16>) -> tensor<1x2x8x8xi16>
  func.return %y : tensor<1x2x8x8xi16>
}
// CHECK: n64.qconv2d: result shape [1, 2, 8, 8], expected [1, 2, 6, 6]

// -----

func.func @conv_group(%x: tensor<1x3x8x8xi16>, %w: tensor<2x1x3x3xi16>) -> tensor<1x2x6x6xi16> {
  %y = n64.qconv2d %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 shifts [8, 8] w_frac_bits [8, 8] frac_bits 8 clamp(-32768, 32767) : (tensor<1x3x8x8xi16>, tensor<2x1x3x3xi16>) -> tensor<1x2x6x6xi16>
  func.return %y : tensor<1x2x6x6xi16>
}
// CHECK: n64.qconv2d: channels 3 and weight shape [2, 1, 3, 3] do not fit group 2

// -----

func.func @maxpool_pad(%x: tensor<1x1x8x8xi16>) -> tensor<1x1x5x5xi16> {
  %y = n64.qmaxpool %x kernel [2, 2] strides [2, 2] pads [2, 2, 0, 0] dilations [1, 1] frac_bits 3 : tensor<1x1x8x8xi16> -> tensor<1x1x5x5xi16>
  func.return %y : tensor<1x1x5x5xi16>
}
// CHECK: n64.qmaxpool: padding must be smaller than the kernel

// -----

func.func @reshape_size(%x: tensor<1x8xi16>) -> tensor<1x9xi16> {
  %y = n64.qreshape %x frac_bits 3 : tensor<1x8xi16> -> tensor<1x9xi16>
  func.return %y : tensor<1x9xi16>
}
// CHECK: n64.qreshape: cannot reshape [1, 8] into [1, 9]

// -----

func.func @transpose_perm(%x: tensor<2x8xi16>) -> tensor<8x2xi16> {
  %y = n64.qtranspose %x perm [0, 0] frac_bits 3 : tensor<2x8xi16> -> tensor<8x2xi16>
  func.return %y : tensor<8x2xi16>
}
// CHECK: n64.qtranspose: perm [0, 0] is not a permutation of 2 axes

// -----

func.func @avgpool_multiplier(%x: tensor<1x1x4x4xi16>) -> tensor<1x1x1x1xi16> {
  %y = n64.qavgpool %x kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier 32768 shift 16 frac_bits 3 : tensor<1x1x4x4xi16> -> tensor<1x1x1x1xi16>
  func.return %y : tensor<1x1x1x1xi16>
}
// CHECK: n64.qavgpool: multiplier 32768 outside [1, 32767]

// -----

func.func @avgpool_shape(%x: tensor<1x1x4x4xi16>) -> tensor<1x1x2x2xi16> {
  %y = n64.qavgpool %x kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier 4096 shift 16 frac_bits 3 : tensor<1x1x4x4xi16> -> tensor<1x1x2x2xi16>
  func.return %y : tensor<1x1x2x2xi16>
}
// CHECK: n64.qavgpool: result shape [1, 1, 2, 2], expected [1, 1, 1, 1]

// -----

func.func @concat_shapes(%a: tensor<1x4xi16>, %b: tensor<2x4xi16>) -> tensor<1x8xi16> {
  %y = n64.qconcat %a, %b axis 1 frac_bits 3 : (tensor<1x4xi16>, tensor<2x4xi16>) -> tensor<1x8xi16>
  func.return %y : tensor<1x8xi16>
}
// CHECK: n64.qconcat: input shapes [[1, 4], [2, 4]] differ off axis 1

// -----

func.func @concat_axis(%a: tensor<1x4xi16>) -> tensor<1x8xi16> {
  %y = n64.qconcat %a, %a axis 2 frac_bits 3 : (tensor<1x4xi16>, tensor<1x4xi16>) -> tensor<1x8xi16>
  func.return %y : tensor<1x8xi16>
}
// CHECK: n64.qconcat: axis 2 outside [0, 2)
