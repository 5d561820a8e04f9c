// RUN: n64-opt %s -p claim-spare-bits | filecheck %s
// RUN: not n64-opt %S/gemm-as-conv.mlir -p claim-spare-bits 2>&1 | filecheck %s --check-prefix=STAGE

// A layer whose outputs on the calibration batch use the whole int16 range
// (y = x0 + x1 at format 14: |y| near 2 is near 32767) keeps its format.
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> attributes {n64.input_names = ["x"], n64.output_names = ["y"]} {
  %q = n64.quantize %x frac_bits 14 : tensor<1x2xf32> -> tensor<1x2xi16>
  %w = n64.constant dense<16384> : tensor<2x2xi16>
  %b = n64.constant dense<8192> : tensor<2xi32>
  %y = n64.qgemm %q, %w, %b shifts [14, 14] w_frac_bits [14, 14] frac_bits 14 clamp(-32768, 32767) : (tensor<1x2xi16>, tensor<2x2xi16>, tensor<2xi32>) -> tensor<1x2xi16>
  %f = n64.dequantize %y frac_bits 14 : tensor<1x2xi16> -> tensor<1x2xf32>
  func.return %f : tensor<1x2xf32>
}
// CHECK: %y = n64.qgemm %q, %w, %b shifts [14, 14] w_frac_bits [14, 14] frac_bits 14 clamp(-32768, 32767)
// CHECK: %f = n64.dequantize %y frac_bits 14

// STAGE: error: claim-spare-bits works on quantised IR (after quantize-int16); the IR is at stage 'graph' (imported)
