// RUN: n64-opt %s --split-input-file --verify-diagnostics | filecheck %s

// The verifier of `n64.qprelu`: slopes per channel, int16 multipliers,
// shifts that keep `x * m + 2^(s-1)` within int32.

func.func @channels(%x: tensor<1x3x2xi16>) -> tensor<1x3x2xi16> {
  %y = n64.qprelu %x axis 1 multipliers [1, 2] shifts [3, 3] frac_bits 4 : tensor<1x3x2xi16> -> tensor<1x3x2xi16>
  func.return %y : tensor<1x3x2xi16>
}
// CHECK: n64.qprelu: 2 multipliers for axis 1 of size 3 (expected 1 or 3)

// -----

func.func @multiplier(%x: tensor<1x3xi16>) -> tensor<1x3xi16> {
  %y = n64.qprelu %x axis 0 multipliers [-32768] shifts [3] frac_bits 4 : tensor<1x3xi16> -> tensor<1x3xi16>
  func.return %y : tensor<1x3xi16>
}
// CHECK: n64.qprelu: multiplier -32768 outside [-32767, 32767]

// -----

func.func @shift(%x: tensor<1x3xi16>) -> tensor<1x3xi16> {
  %y = n64.qprelu %x axis 0 multipliers [5] shifts [31] frac_bits 4 : tensor<1x3xi16> -> tensor<1x3xi16>
  func.return %y : tensor<1x3xi16>
}
// CHECK: n64.qprelu: shift 31 outside [1, 30]

// -----

func.func @lengths(%x: tensor<1x3xi16>) -> tensor<1x3xi16> {
  %y = n64.qprelu %x axis 1 multipliers [5, 6, 7] shifts [3] frac_bits 4 : tensor<1x3xi16> -> tensor<1x3xi16>
  func.return %y : tensor<1x3xi16>
}
// CHECK: n64.qprelu: 3 multipliers but 1 shifts
