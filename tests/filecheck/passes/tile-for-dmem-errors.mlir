// RUN: not n64-opt %s -p tile-for-dmem 2>&1 | filecheck %s

// Without a constant weight the Gemm cannot be tiled for the RSP.
func.func @dynamic(%x: tensor<1x8xi16>, %w: tensor<8x8xi16>) -> tensor<1x8xi16> {
  %y = n64.qgemm %x, %w shifts [16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(-32768, 32767) : (tensor<1x8xi16>, tensor<8x8xi16>) -> tensor<1x8xi16>
  func.return %y : tensor<1x8xi16>
}
// CHECK: error: layer gemm0: the Gemm weights must be a constant to run on the RSP
