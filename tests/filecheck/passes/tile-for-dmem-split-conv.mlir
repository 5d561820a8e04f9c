// RUN: n64-opt %s -p tile-for-dmem | filecheck %s
// RUN: n64-opt %s -p tile-for-dmem | n64-opt | filecheck %s

// A 3x3 conv of 32 channels on 16x16: one group's weight tile (every tap
// of every input channel, 4.6 KiB) does not fit DMEM, so the layer is split
// over its input channels into two kernels in strips of 16 channels each.
// The first (input channels 0..15) writes the int32 sums of every pixel to
// a tensor of 32 bytes a pixel and group plus a spare row (17 x 16 x 64);
// the second (channels 16..31) takes the input and those sums and
// requantises. Their signs alternate (the first negates its weights and
// bias; the constants' lane 7 is -32768 for the 4-multiply restore).
func.func @split(%x: tensor<1x32x16x16xi16>) -> tensor<1x32x16x16xi16> {
  %w = n64.constant dense<3> : tensor<32x32x3x3xi16>
  %b = n64.constant dense<100> : tensor<32xi32>
  %y = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8] w_frac_bits [6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6] frac_bits 10 clamp(0, 32767) : (tensor<1x32x16x16xi16>, tensor<32x32x3x3xi16>, tensor<32xi32>) -> tensor<1x32x16x16xi16>
  func.return %y : tensor<1x32x16x16xi16>
}

// CHECK:      %[[T:.*]] = n64.qtranspose %x perm [0, 2, 3, 1]
// CHECK-NEXT: %[[S:.*]] = n64.tile_kernel "conv0.k0"(%[[T]]) {macs = 1179648 : i64, {{.*}}} : (tensor<1x16x16x32xi16>) -> tensor<17x16x64xi16> {
// CHECK-NEXT: ^bb0(%{{.*}}: !n64.rdram<16384>, %{{.*}}: !n64.rdram<34816>, %{{.*}}: !n64.rdram<{{[0-9]+}}>):
// CHECK:        n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, -32768>}
// CHECK:        n64.tile_window "conv" {{.*}}alternating, split = "first", first_channel = 0 : i64, short_bias}
// CHECK:      %[[Y:.*]] = n64.tile_kernel "conv0.k1"(%[[T]], %[[S]]) {macs = 1179648 : i64, {{.*}}} : (tensor<1x16x16x32xi16>, tensor<17x16x64xi16>) -> tensor<1x16x16x32xi16> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: !n64.rdram<16384>, %{{.*}}: !n64.rdram<34816>, %[[YR:.*]]: !n64.rdram<16384>, %[[WR:.*]]: !n64.rdram<{{[0-9]+}}>):
// CHECK:        n64.tile_window "conv" %[[X]], %[[YR]], %[[WR]], {{.*}}alternating, split = "last", first_channel = 16 : i64, short_bias}
// CHECK:      n64.qtranspose %[[Y]] perm [0, 3, 1, 2]
