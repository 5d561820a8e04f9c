// RUN: n64-opt %s -p tile-for-dmem | filecheck %s
// RUN: n64-opt %s -p "tile-for-dmem{strips=false}" | filecheck %s --check-prefix=BANDED

// Dense convs in strips (`resident` 2, the 22nd geometry value): one group's
// tile (the header and a row per tap and real input channel) is the whole
// weight buffer, the band a ring of input rows of all channels, the output
// two strip rows each after a 48-byte scratch slot. A pointwise conv is
// planned on its pixels as rows of a divisor of H * W: here 25x5 pixels as
// 25 rows of 5, with two tile buffers (`resident` 3: the next group's tile
// loads while a group runs). With strips=false both take the banded kernel.
func.func @conv(%x: tensor<1x16x8x8xi16>) -> tensor<1x16x8x8xi16> {
  %w = n64.constant dense<2> : tensor<16x16x3x3xi16>
  %b = n64.constant dense<8> : tensor<16xi32>
  %c = n64.qconv2d %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x16x8x8xi16>, tensor<16x16x3x3xi16>, tensor<16xi32>) -> tensor<1x16x8x8xi16>
  func.return %c : tensor<1x16x8x8xi16>
}
// CHECK-LABEL: func.func @conv
// CHECK:         n64.dmem_alloc "band" : !n64.dmem<1280>
// CHECK-NEXT:    n64.dmem_alloc "out" : !n64.dmem<352>
// CHECK-NEXT:    n64.dmem_alloc "k" {{.*}} : !n64.dmem<16>
// CHECK-NEXT:    n64.dmem_alloc "w" : !n64.dmem<2352>
// CHECK-NEXT:    n64.tile_window "conv" {{.*}} {geometry = array<i64: 1, 8, 8, 16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 10, 1, 2, 0, 16, 0, 2, 8>
// BANDED-LABEL: func.func @conv
// BANDED:         n64.tile_window "conv" {{.*}} {geometry = array<i64: {{[0-9, ]+}}, {{[01]}}, {{[0-9]+}}>

func.func @pointwise(%x: tensor<1x64x25x5xi16>) -> tensor<1x64x25x5xi16> {
  %w = n64.constant dense<2> : tensor<64x64x1x1xi16>
  %b = n64.constant dense<8> : tensor<64xi32>
  %c = n64.qconv2d %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x64x25x5xi16>, tensor<64x64x1x1xi16>, tensor<64xi32>) -> tensor<1x64x25x5xi16>
  func.return %c : tensor<1x64x25x5xi16>
}
// CHECK-LABEL: func.func @pointwise
// CHECK:         n64.dmem_alloc "w" : !n64.dmem<2144>
// CHECK-NEXT:    n64.tile_window "conv" {{.*}} {geometry = array<i64: 1, 25, 5, 64, 25, 5, 64, 1, 1, 1, 1, 1, 1, 0, 0, 5, 1, 8, 0, 64, 0, 3, 5>
// BANDED-LABEL: func.func @pointwise
// BANDED:         n64.tile_window "conv" {{.*}} {geometry = array<i64: {{[0-9, ]+}}, {{[01]}}, {{[0-9]+}}>
