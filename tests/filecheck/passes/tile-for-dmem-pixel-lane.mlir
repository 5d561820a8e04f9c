// RUN: n64-opt %s -p "tile-for-dmem{strips=false}" | filecheck %s
// (strips=false: the choice between pixel lanes and the banded kernel;
// tile-for-dmem-strips.mlir has the strip kernel.)

// A first layer with 3 input channels (3x3, pad 1, Relu) runs with 8 output
// pixels on the lanes: the CPU gathers the image into the strip layout
// (4 blocks of 8 pixels a row: lane k of vector x' is input column
// 4k + x' - 1, column 0 where outside the image), n64.tile_pixel_conv writes
// channels-last output. The second conv (16 input channels) keeps the
// channels-on-lanes kernel, and the transposes between the two cancel.
func.func @first(%x: tensor<1x3x16x32xi16>) -> tensor<1x16x16x32xi16> {
  %w = n64.constant dense<3> : tensor<16x3x3x3xi16>
  %b = n64.constant dense<8> : tensor<16xi32>
  %c = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x3x16x32xi16>, tensor<16x3x3x3xi16>, tensor<16xi32>) -> tensor<1x16x16x32xi16>
  %w2 = n64.constant dense<1> : tensor<16x16x1x1xi16>
  %y = n64.qconv2d %c, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(-32768, 32767) : (tensor<1x16x16x32xi16>, tensor<16x16x1x1xi16>) -> tensor<1x16x16x32xi16>
  func.return %y : tensor<1x16x16x32xi16>
}
// CHECK-LABEL: func.func @first
// CHECK:         %[[G:.*]] = n64.qgather %x axis 3 indices [0, 3, 7, 11, 15, 19, 23, 27, 0, 4, 8, 12, 16, 20, 24, 28, {{.*}}, 4, 8, 12, 16, 20, 24, 28, 0] frac_bits 12 : tensor<1x3x16x32xi16> -> tensor<1x3x16x48xi16>
// CHECK-NEXT:    %[[C:.*]] = n64.tile_kernel "conv0"(%[[G]]) {macs = 221184 : i64, {{.*}}} : (tensor<1x3x16x48xi16>) -> tensor<1x16x32x16xi16> {
// CHECK:           n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>} : !n64.dmem<16>
// CHECK:           n64.tile_pixel_conv %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {geometry = array<i64: 1, 3, 16, 32, 16, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 4, 6, {{[0-9]+}}, 1, 16>, clamp_lo = 0 : i64, clamp_hi = 32767 : i64}
// CHECK-NOT:     n64.qtranspose
// CHECK:         %[[Y:.*]] = n64.tile_kernel "conv1"(%[[C]])
// CHECK:           n64.tile_window "conv"
// CHECK:         %[[T:.*]] = n64.qtranspose %[[Y]] perm [0, 3, 1, 2]
// CHECK-NEXT:    func.return %[[T]]
