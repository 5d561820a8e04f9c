// The example package's quantisation experiment (examples/n64c_example_passes),
// found by n64-opt through its xdsl.universe entry point. With no calibration
// file the pass, like quantize-int16, uses n64c's synthetic batch (x in [-1, 1]).
// RUN: n64-opt %s -p claim-spare-bits | filecheck %s
// RUN: n64-opt %s -p 'claim-spare-bits{layers=gemm1}' | filecheck %s --check-prefix=ONE
// RUN: not n64-opt %s -p 'claim-spare-bits{layers=conv3}' 2>&1 | filecheck %s --check-prefix=NAME
// RUN: not n64-opt %s -p 'claim-spare-bits{calibration="%s.missing.npy"}' 2>&1 | filecheck %s --check-prefix=FILE

// gemm0 (|y| <= 0.5 at format 13: at most 4096) takes a bit: format 14,
// shifts 15 -> 14, its bias's rounding constant 2^14 -> 2^13. gemm1 reads the
// finer input: channel 0 is at shift 16, so its weights lose a bit (rounded:
// 16385 -> 8193, 7 -> 4) and its bias stays; channel 1's shift grows to 16
// and its bias doubles. Then gemm1 (|y| < 1 at format 12) takes a bit too,
// and the dequantize follows it.
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> attributes {n64.input_names = ["x"], n64.output_names = ["y"]} {
  %q = n64.quantize %x frac_bits 14 : tensor<1x2xf32> -> tensor<1x2xi16>
  %w0 = n64.constant dense<[[8192, 0], [0, 8192]]> : tensor<2x2xi16>
  %b0 = n64.constant dense<16384> : tensor<2xi32>
  %h = n64.qgemm %q, %w0, %b0 shifts [15, 15] w_frac_bits [14, 14] frac_bits 13 clamp(0, 32767) : (tensor<1x2xi16>, tensor<2x2xi16>, tensor<2xi32>) -> tensor<1x2xi16>
  %w1 = n64.constant dense<[[16385, -3], [7, 16000]]> : tensor<2x2xi16>
  %b1 = n64.constant dense<[32868, 16484]> : tensor<2xi32>
  %y = n64.qgemm %h, %w1, %b1 shifts [16, 15] w_frac_bits [15, 14] frac_bits 12 clamp(-32768, 32767) : (tensor<1x2xi16>, tensor<2x2xi16>, tensor<2xi32>) -> tensor<1x2xi16>
  %f = n64.dequantize %y frac_bits 12 : tensor<1x2xi16> -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}
// CHECK:      %[[B0:.*]] = n64.constant dense<8192> : tensor<2xi32>
// CHECK-NEXT: %h = n64.qgemm %q, %w0, %[[B0]] shifts [14, 14] w_frac_bits [14, 14] frac_bits 14 clamp(0, 32767)
// CHECK-NEXT: %[[W1:.*]] = n64.constant dense<{{\[}}[8193, -3], [4, 16000]]> : tensor<2x2xi16>
// CHECK-NEXT: %[[B1:.*]] = n64.constant dense<[16484, 16584]> : tensor<2xi32>
// CHECK-NEXT: %y = n64.qgemm %h, %[[W1]], %[[B1]] shifts [15, 15] w_frac_bits [14, 14] frac_bits 13 clamp(-32768, 32767)
// CHECK-NEXT: %f = n64.dequantize %y frac_bits 13

// Only gemm1: its own bit, nothing else changes.
// ONE:      %h = n64.qgemm %q, %w0, %b0 shifts [15, 15] w_frac_bits [14, 14] frac_bits 13 clamp(0, 32767)
// ONE-NEXT: %w1 = n64.constant dense<{{\[}}[16385, -3], [7, 16000]]>
// ONE-NEXT: %[[B:.*]] = n64.constant dense<[16484, 8292]> : tensor<2xi32>
// ONE-NEXT: %y = n64.qgemm %h, %w1, %[[B]] shifts [15, 14] w_frac_bits [15, 14] frac_bits 13 clamp(-32768, 32767)
// ONE-NEXT: %f = n64.dequantize %y frac_bits 13

// NAME: error: claim-spare-bits: no layer conv3 (the gemm and conv layers are: gemm0, gemm1)
// FILE: error: {{.*}}claim-spare-bits.mlir.missing.npy
