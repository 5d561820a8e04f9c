// RUN: n64-opt %s -p "tile-for-dmem{strips=false folds=false}" | filecheck %s
// (strips=false: the banded kernel; folds=false: the first layer unfolded;
// tile-for-dmem-strips.mlir has the strip kernel.)

// Conv (3x3, pad 1, Relu), max pool 2x2 and a Gemm on the flattened result.
// The RSP layers work channels-last: one qtranspose to NHWC at the entry,
// none between conv and pool (the pair cancels), and the Flatten before the
// Gemm reads the channels-last result directly (its weight rows permuted,
// the reshape aliased away), so nothing is left for the CPU in between.
func.func @cnn(%x: tensor<1x1x4x4xi16>) -> tensor<1x3xi16> {
  %w = n64.constant dense<2> : tensor<8x1x3x3xi16>
  %b = n64.constant dense<8> : tensor<8xi32>
  %c = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x1x4x4xi16>, tensor<8x1x3x3xi16>, tensor<8xi32>) -> tensor<1x8x4x4xi16>
  %p = n64.qmaxpool %c kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] frac_bits 10 : tensor<1x8x4x4xi16> -> tensor<1x8x2x2xi16>
  %f = n64.qreshape %p frac_bits 10 : tensor<1x8x2x2xi16> -> tensor<1x32xi16>
  %gw = n64.constant dense<1> : tensor<32x3xi16>
  %gb = n64.constant dense<2> : tensor<3xi32>
  %y = n64.qgemm %f, %gw, %gb shifts [2, 2, 2] w_frac_bits [2, 2, 2] frac_bits 10 clamp(-32768, 32767) : (tensor<1x32xi16>, tensor<32x3xi16>, tensor<3xi32>) -> tensor<1x3xi16>
  func.return %y : tensor<1x3xi16>
}
// CHECK-LABEL: func.func @cnn
// CHECK:         %[[T:.*]] = n64.qtranspose %x perm [0, 2, 3, 1] frac_bits 12 : tensor<1x1x4x4xi16> -> tensor<1x4x4x1xi16>
// CHECK-NEXT:    %[[C:.*]] = n64.tile_kernel "conv0"(%[[T]]) {macs = 1152 : i64, weights = dense<"0x{{[0-9A-F]+}}"> : tensor<{{[0-9]+}}xi16>} : (tensor<1x4x4x1xi16>) -> tensor<1x4x4x8xi16> {
// CHECK-NEXT:    ^bb0(%{{.*}}: !n64.rdram<256>, %{{.*}}: !n64.rdram<256>, %{{.*}}: !n64.rdram<{{[0-9]+}}>):
// CHECK-NEXT:      %[[BAND:.*]] = n64.dmem_alloc "band" : !n64.dmem<576>
// CHECK-NEXT:      %[[OUT:.*]] = n64.dmem_alloc "out" : !n64.dmem<256>
// CHECK-NEXT:      %[[K:.*]] = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>} : !n64.dmem<16>
// CHECK-NEXT:      %[[W:.*]] = n64.dmem_alloc "w" : !n64.dmem<1200 x 2>
// CHECK-NEXT:      n64.tile_window "conv" %{{.*}}, %{{.*}}, %{{.*}}, %[[BAND]], %[[OUT]], %[[K]], %[[W]] {geometry = array<i64: 1, 4, 4, 8, 4, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1, 6, 4, 1, 0, 1, 0, 0, 4>, clamp_lo = 0 : i64, clamp_hi = 32767 : i64, short_bias}
// CHECK:         %[[P:.*]] = n64.tile_kernel "maxpool0"(%[[C]]) {macs = 0 : i64, {{.*}}} : (tensor<1x4x4x8xi16>) -> tensor<1x2x2x8xi16> {
// CHECK:           n64.dmem_alloc "k" {init = array<i16: -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768>} : !n64.dmem<16>
// CHECK-NEXT:      n64.tile_window "maxpool" {{.*}} {geometry = array<i64: 1, 4, 4, 8, 2, 2, 8, 2, 2, 2, 2, 1, 1, 0, 0, 4, 2, 1, 0, 8, 0, 0, 2>, clamp_lo = -32768 : i64, clamp_hi = 32767 : i64}
// CHECK:         %[[G:.*]] = n64.tile_kernel "gemm0"(%[[P]]) {{.*}} : (tensor<1x2x2x8xi16>) -> tensor<1x3xi16> {
// CHECK-NOT:     n64.qtranspose
// CHECK-NOT:     n64.qreshape
// CHECK:         func.return %[[G]] : tensor<1x3xi16>

// A conv whose group needs several weight chunks keeps int32 partial sums in
// DMEM; its chunks alternate signs (`alternating`), restoring with the
// constants' last lane, -32768.
func.func @partial(%x: tensor<1x64x6x6xi16>) -> tensor<1x8x6x6xi16> {
  %w = n64.constant dense<3> : tensor<8x64x3x3xi16>
  %b = n64.constant dense<8> : tensor<8xi32>
  %c = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x64x6x6xi16>, tensor<8x64x3x3xi16>, tensor<8xi32>) -> tensor<1x8x6x6xi16>
  func.return %c : tensor<1x8x6x6xi16>
}
// CHECK-LABEL: func.func @partial
// CHECK:         n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, -32768>} : !n64.dmem<16>
// CHECK-NEXT:    n64.dmem_alloc "w"
// CHECK-NEXT:    n64.dmem_alloc "partial"
// CHECK-NEXT:    n64.tile_window "conv" {{.*}} clamp_lo = 0 : i64, clamp_hi = 32767 : i64, alternating, short_bias}
