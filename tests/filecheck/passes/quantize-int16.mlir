// RUN: n64-opt %s --split-input-file -p quantize-int16 | filecheck %s
// RUN: python -c "import numpy as np; np.save('%t.npy', np.full((4, 1, 4), 3.0, np.float32))"
// RUN: sed '/^\/\/ -----/,$d' %s | n64-opt -p 'quantize-int16{calibration="%t.npy"}' | filecheck %s --check-prefix=CALIB
// RUN: python -c "import numpy as np; np.save('%t.bad.npy', np.zeros((4, 5), np.float32))"
// RUN: sed '/^\/\/ -----/,$d' %s | not n64-opt -p 'quantize-int16{calibration="%t.bad.npy"}' 2>&1 | filecheck %s --check-prefix=BAD

// RUN: sed '/^\/\/ -----/,$d' %s | not n64-opt -p 'quantize-int16{margin=0.5}' 2>&1 | filecheck %s --check-prefix=MARGIN
// RUN: sed '/^\/\/ -----/,$d' %s | n64-opt -p 'quantize-int16{margin=4 headroom=4}' | filecheck %s --check-prefix=ROOM

// BAD: error: {{.*}}.bad.npy: input 'input' has shape (4, 5), expected (batch, 1, 4) or (batch, 4)
// MARGIN: error: margin 0.5 must lie in [1, 65536]

// Room for 4 times the synthetic batch's range (just under 1) gives the
// input format 13 instead of 14.
// ROOM: n64.quantize %x frac_bits 13

// A Gemm with a fused Relu becomes qgemm between quantize and dequantize.
// Formats leave room for 1 + 8/n times the calibrated range (n samples):
// without calibration data the inputs are a synthetic batch of 32 samples
// uniform in [-1, 1] (room for 1.25, format 14); the file holds four
// samples of 3.0 (room for 3 times, format 11).
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> attributes {n64.input_names = ["input"], n64.output_names = ["y"]} {
  %w = n64.constant dense<[[0.5, -0.25], [1.0, 0.125], [-1.5, 0.0], [0.75, 0.5]]> : tensor<4x2xf32>
  %b = n64.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %y = n64.gemm %x, %w, %b {clamp_min = 0.0 : f32} : (tensor<1x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @main
// CHECK-NEXT:    %[[Q:.*]] = n64.quantize %x frac_bits 14 : tensor<1x4xf32> -> tensor<1x4xi16>
// CHECK-NEXT:    %[[W:.*]] = n64.constant dense<{{.*}}> : tensor<4x2xi16>
// CHECK-NEXT:    %[[B:.*]] = n64.constant dense<{{.*}}> : tensor<2xi32>
// CHECK-NEXT:    %[[Y:.*]] = n64.qgemm %[[Q]], %[[W]], %[[B]] shifts [{{.*}}] w_frac_bits [{{.*}}] frac_bits [[F:[-0-9]+]] clamp(0, 32767) : (tensor<1x4xi16>, tensor<4x2xi16>, tensor<2xi32>) -> tensor<1x2xi16>
// CHECK-NEXT:    %[[D:.*]] = n64.dequantize %[[Y]] frac_bits [[F]] : tensor<1x2xi16> -> tensor<1x2xf32>
// CHECK-NEXT:    func.return %[[D]] : tensor<1x2xf32>

// With x = 3 everywhere, 3 * 3 = 9 gives f_x = 11; max|y| = 3 * 0.75 + 0.1
// = 2.35 and 3 * 2.35 gives f_y = 12; column 0 has max|w| = 1.5 (f_w = 14),
// column 1 max|w| = 0.5 (f_w = 15, as 0.5 * 2^16 would saturate), so the
// shifts are 13 and 14. The accumulators (at most 2.35 * 2^26, twice that
// with the headroom) fit int32. The bias is
// floor(b * 2^(f_x + f_w) + 0.5) + 2^(s-1): 3355443 + 4096 for 0.1f and
// -13421773 + 8192 for -0.2f.
// CALIB-LABEL: func.func @main
// CALIB-NEXT:    %{{.*}} = n64.quantize %x frac_bits 11 : tensor<1x4xf32> -> tensor<1x4xi16>
// CALIB-NEXT:    %{{.*}} = n64.constant dense<{{\[}}[8192, -8192], [16384, 4096], [-24576, 0], [12288, 16384]]> : tensor<4x2xi16>
// CALIB-NEXT:    %{{.*}} = n64.constant dense<[3359488, -13413376]> : tensor<2xi32>
// CALIB-NEXT:    %{{.*}} = n64.qgemm %{{.*}} shifts [13, 14] w_frac_bits [14, 15] frac_bits 12 clamp(0, 32767)

// -----

// A softmax stays in float: the int16 logits are dequantised before it.
// MatMul with a constant right operand is a Gemm without bias.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> attributes {n64.input_names = ["input"], n64.output_names = ["p"]} {
  %w = n64.constant dense<[[0.5, -0.25], [1.0, 0.125], [-1.5, 0.0], [0.75, 0.5]]> : tensor<4x2xf32>
  %y = n64.matmul %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %p = n64.softmax %y : tensor<1x2xf32>
  func.return %p : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @main
// CHECK:         %[[Y:.*]] = n64.qgemm %{{.*}} clamp(-32768, 32767)
// CHECK-NEXT:    %[[D:.*]] = n64.dequantize %[[Y]]
// CHECK-NEXT:    %[[P:.*]] = n64.softmax %[[D]] : tensor<1x2xf32>
// CHECK-NEXT:    func.return %[[P]]

// -----

// A float op between two Gemms: dequantize before it, quantize after it.
// The standalone Relu after the second Gemm is a qclamp, the Flatten a
// qreshape, and the Add of two int16 tensors a qadd.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> attributes {n64.input_names = ["input"], n64.output_names = ["y"]} {
  %w = n64.constant dense<[[0.5, -0.25, 0.0, 1.0], [1.0, 0.125, 0.5, 0.5], [-1.5, 0.0, 0.25, 0.25], [0.75, 0.5, -1.0, 0.0]]> : tensor<4x4xf32>
  %w2 = n64.constant dense<[[0.5, -0.25], [1.0, 0.125], [-1.5, 0.0], [0.75, 0.5]]> : tensor<4x2xf32>
  %h = n64.gemm %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %s = n64.sigmoid %h : tensor<1x4xf32>
  %g = n64.gemm %s, %w2 : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %r = n64.relu %g : tensor<1x2xf32>
  %f = n64.reshape %r : (tensor<1x2xf32>) -> tensor<2x1xf32>
  %f2 = n64.reshape %f : (tensor<2x1xf32>) -> tensor<1x2xf32>
  %a = n64.add %f2, %g : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  func.return %a : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @main
// CHECK:         %[[H:.*]] = n64.qgemm
// CHECK-NEXT:    %[[HD:.*]] = n64.dequantize %[[H]]
// CHECK-NEXT:    %[[S:.*]] = n64.sigmoid %[[HD]] : tensor<1x4xf32>
// CHECK-NEXT:    %[[SQ:.*]] = n64.quantize %[[S]]
// CHECK:         %[[G:.*]] = n64.qgemm %[[SQ]]
// CHECK-NEXT:    %[[R:.*]] = n64.qclamp %[[G]] frac_bits [[FG:[-0-9]+]] clamp(0, 32767)
// CHECK-NEXT:    %[[F:.*]] = n64.qreshape %[[R]] frac_bits [[FG]] : tensor<1x2xi16> -> tensor<2x1xi16>
// CHECK-NEXT:    %[[F2:.*]] = n64.qreshape %[[F]] frac_bits [[FG]] : tensor<2x1xi16> -> tensor<1x2xi16>
// CHECK-NEXT:    %[[A:.*]] = n64.qadd %[[F2]], %[[G]] lhs_mul_log2 1 rhs_mul_log2 1 shift 2 frac_bits 13
// CHECK-NEXT:    %[[AD:.*]] = n64.dequantize %[[A]]
// CHECK-NEXT:    func.return %[[AD]]

// -----

// Ops that cannot run in int16 stay in float: a Gemm whose right operand is
// not a constant, an Add of two float inputs.
func.func @main(%x: tensor<1x4xf32>, %w: tensor<4x2xf32>) -> tensor<1x2xf32> attributes {n64.input_names = ["input", "w"], n64.output_names = ["y"]} {
  %y = n64.gemm %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %z = n64.add %y, %y : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  func.return %z : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @main
// CHECK-NEXT:    %y = n64.gemm %x, %w
// CHECK-NEXT:    %z = n64.add %y, %y
// CHECK-NEXT:    func.return %z

// -----

// Convolution, max pooling and flatten in int16 (the CNN pattern).
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x8xf32> attributes {n64.input_names = ["input"], n64.output_names = ["y"]} {
  %w = n64.constant dense<[[[[0.5, -0.25, 0.0], [1.0, 0.125, 0.5], [-1.5, 0.0, 0.25]]], [[[0.75, 0.5, -1.0], [0.0, 0.25, 0.25], [1.0, -1.0, 0.5]]]]> : tensor<2x1x3x3xf32>
  %b = n64.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %c = n64.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, clamp_min = 0.0 : f32} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %p = n64.maxpool %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %f = n64.flatten %p : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  func.return %f : tensor<1x8xf32>
}
// CHECK-LABEL: func.func @main
// CHECK-NEXT:    %[[Q:.*]] = n64.quantize %x frac_bits 14 : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xi16>
// CHECK-NEXT:    %[[W:.*]] = n64.constant dense<{{.*}}> : tensor<2x1x3x3xi16>
// CHECK-NEXT:    %[[B:.*]] = n64.constant dense<{{.*}}> : tensor<2xi32>
// CHECK-NEXT:    %[[C:.*]] = n64.qconv2d %[[Q]], %[[W]], %[[B]] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [{{.*}}] w_frac_bits [{{.*}}] frac_bits [[F:[-0-9]+]] clamp(0, 32767)
// CHECK-NEXT:    %[[P:.*]] = n64.qmaxpool %[[C]] kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] frac_bits [[F]] : tensor<1x2x4x4xi16> -> tensor<1x2x2x2xi16>
// CHECK-NEXT:    %[[R:.*]] = n64.qreshape %[[P]] frac_bits [[F]] : tensor<1x2x2x2xi16> -> tensor<1x8xi16>
// CHECK-NEXT:    %[[D:.*]] = n64.dequantize %[[R]] frac_bits [[F]] : tensor<1x8xi16> -> tensor<1x8xf32>
// CHECK-NEXT:    func.return %[[D]]

// -----

// Global average pooling: a qavgpool over the whole image; 1/16 is exact
// (multiplier 4096, shift 16 when the output keeps the input's format).
// Average pooling with count_include_pad = 0 and padding has border windows
// with smaller divisors, so it stays in float.
func.func @main(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x1x1xf32>, tensor<1x2x4x4xf32>) attributes {n64.input_names = ["input"], n64.output_names = ["g", "a"]} {
  %w = n64.constant dense<[[[[0.5]]], [[[-0.75]]]]> : tensor<2x1x1x1xf32>
  %c = n64.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %g = n64.global_avgpool %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  %a = n64.avgpool %c {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  func.return %g, %a : tensor<1x2x1x1xf32>, tensor<1x2x4x4xf32>
}
// CHECK-LABEL: func.func @main
// CHECK:         %[[C:.*]] = n64.qconv2d
// CHECK-NEXT:    %[[CD:.*]] = n64.dequantize %[[C]]
// CHECK-NEXT:    %[[G:.*]] = n64.qavgpool %[[C]] kernel [4, 4] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier {{[0-9]+}} shift {{[0-9]+}} frac_bits
// CHECK-NEXT:    %[[GD:.*]] = n64.dequantize %[[G]]
// CHECK-NEXT:    %[[A:.*]] = n64.avgpool %[[CD]]
// CHECK-NEXT:    func.return %[[GD]], %[[A]]

// -----

// Concat in int16: the output takes the coarsest input format (or a coarser
// calibrated one); finer inputs are rescaled to it.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x10xf32> attributes {n64.input_names = ["input"], n64.output_names = ["y"]} {
  %w = n64.constant dense<[[8.0, -8.0], [8.0, 8.0], [-8.0, 0.0], [8.0, 8.0]]> : tensor<4x2xf32>
  %g = n64.gemm %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %c = n64.concat %x, %g, %x {axis = 1 : i64} : (tensor<1x4xf32>, tensor<1x2xf32>, tensor<1x4xf32>) -> tensor<1x10xf32>
  func.return %c : tensor<1x10xf32>
}
// CHECK-LABEL: func.func @main
// CHECK-NEXT:    %[[Q:.*]] = n64.quantize %x frac_bits 14
// CHECK:         %[[G:.*]] = n64.qgemm %[[Q]], {{.*}} frac_bits [[F:[-0-9]+]] clamp
// CHECK-NEXT:    %[[R:.*]] = n64.qrescale %[[Q]] mul_log2 0 shift {{[0-9]+}} frac_bits [[F]] clamp(-32768, 32767)
// CHECK-NEXT:    %[[C:.*]] = n64.qconcat %[[R]], %[[G]], %[[R]] axis 1 frac_bits [[F]] : (tensor<1x4xi16>, tensor<1x2xi16>, tensor<1x4xi16>) -> tensor<1x10xi16>
// CHECK-NEXT:    %[[D:.*]] = n64.dequantize %[[C]] frac_bits [[F]]
// CHECK-NEXT:    func.return %[[D]]
