// RUN: n64-opt %s -p "tile-for-dmem" | filecheck %s
// RUN: n64-opt %s -p "tile-for-dmem" | n64-opt | filecheck %s

// A first layer with one input channel, a 10x4 kernel and stride 2 (the
// shape of DS-CNN's) runs folded: the CPU flattens the image, appends a
// zero and gathers kernel taps into 8 channels (2 sub-rows x 4 columns);
// the channels-on-lanes kernel runs a 5x1 kernel of stride 1 with no
// padding on the 10 folded rows. Folded rows 0 and 1 are the top padding
// (index 120, the zero); row 2 reads input rows 0 and 1, columns -1 .. 2
// for output column 0 and 1 .. 4 for column 1.
func.func @first(%x: tensor<1x1x12x10xi16>) -> tensor<1x8x6x5xi16> {
  %w = n64.constant dense<3> : tensor<8x1x10x4xi16>
  %b = n64.constant dense<8> : tensor<8xi32>
  %y = n64.qconv2d %x, %w, %b strides [2, 2] pads [4, 1, 5, 1] dilations [1, 1] group 1 shifts [4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x1x12x10xi16>, tensor<8x1x10x4xi16>, tensor<8xi32>) -> tensor<1x8x6x5xi16>
  func.return %y : tensor<1x8x6x5xi16>
}
// CHECK-LABEL: func.func @first
// CHECK:         %[[F:.*]] = n64.qreshape %x frac_bits 12 : tensor<1x1x12x10xi16> -> tensor<1x120xi16>
// CHECK-NEXT:    %[[Z:.*]] = n64.constant dense<0> : tensor<1x1xi16>
// CHECK-NEXT:    %[[P:.*]] = n64.qconcat %[[F]], %[[Z]] axis 1 frac_bits 12 : (tensor<1x120xi16>, tensor<1x1xi16>) -> tensor<1x121xi16>
// CHECK-NEXT:    %[[G:.*]] = n64.qgather %[[P]] axis 1 indices [{{(120, )+}}0, 1, 2, 120, 10, 11, 12, 1, 2, 3, 4, 11, 12, 13, 14, {{.*}}] frac_bits 12 : tensor<1x121xi16> -> tensor<1x400xi16>
// CHECK-NEXT:    %[[K:.*]] = n64.tile_kernel "conv0"(%[[G]]) {macs = 9600 : i64
// CHECK:           n64.tile_window "conv"
// CHECK:         %[[T:.*]] = n64.qtranspose %[[K]] perm [0, 3, 1, 2] frac_bits 10 : tensor<1x6x5x8xi16> -> tensor<1x8x6x5xi16>
// CHECK-NEXT:    func.return %[[T]]
