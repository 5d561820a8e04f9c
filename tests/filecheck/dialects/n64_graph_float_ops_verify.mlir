// RUN: n64-opt %s --split-input-file --verify-diagnostics | filecheck %s

// The verifiers of the float-only, index and window ops name what is wrong.

func.func @log_softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = n64.log_softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: n64.log_softmax: axis 2 is out of range for rank 2

// -----

func.func @lrn_size(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %y = n64.lrn %x {size = 0 : i64} : tensor<1x4x2x2xf32>
  func.return %y : tensor<1x4x2x2xf32>
}
// CHECK: n64.lrn: size 0 must be positive

// -----

func.func @div_shapes(%a: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<2x3xf32> {
  %y = n64.div %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: n64.div: shapes [2, 3], [2] cannot be broadcast together

// -----

func.func @slice_range(%x: tensor<2x6xf32>) -> tensor<2x3xf32> {
  %y = n64.slice %x {axis = 1 : i64, start = 4 : i64, end = 7 : i64} : (tensor<2x6xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: n64.slice: slice [4, 7) does not fit axis 1 of size 6

// -----

func.func @slice_result(%x: tensor<2x6xf32>) -> tensor<2x2xf32> {
  %y = n64.slice %x {axis = 1 : i64, start = 0 : i64, end = 3 : i64} : (tensor<2x6xf32>) -> tensor<2x2xf32>
  func.return %y : tensor<2x2xf32>
}
// CHECK: n64.slice: result shape [2, 2] does not match the expected [2, 3]

// -----

func.func @gather_index(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %y = n64.gather %x {axis = 1 : i64, indices = array<i64: 0, 4>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  func.return %y : tensor<2x2xf32>
}
// CHECK: n64.gather: indices [4] are outside [0, 4) (axis 1 of [2, 4])

// -----

func.func @gather_count(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %y = n64.gather %x {axis = 1 : i64, indices = array<i64: 0, 1>} : (tensor<2x4xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: n64.gather: 2 indices do not fill the index axes [3] of the result

// -----

func.func @conv_transpose_channels(%x: tensor<1x3x4x4xf32>, %w: tensor<2x2x3x3xf32>) -> tensor<1x2x6x6xf32> {
  %y = n64.conv_transpose2d %x, %w : (tensor<1x3x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  func.return %y : tensor<1x2x6x6xf32>
}
// CHECK: n64.conv_transpose2d: conv_transpose2d weight [2, 2, 3, 3] needs 3 input channels

// -----

func.func @conv_transpose_result(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32> {
  %y = n64.conv_transpose2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  func.return %y : tensor<1x2x8x8xf32>
}
// CHECK: n64.conv_transpose2d: result shape [1, 2, 8, 8] does not match the expected [1, 2, 9, 9]

// -----

func.func @conv3d_group(%x: tensor<1x3x4x4x4xf32>, %w: tensor<4x3x1x1x1xf32>) -> tensor<1x4x4x4x4xf32> {
  %y = n64.conv3d %x, %w {group = 2 : i64} : (tensor<1x3x4x4x4xf32>, tensor<4x3x1x1x1xf32>) -> tensor<1x4x4x4x4xf32>
  func.return %y : tensor<1x4x4x4x4xf32>
}
// CHECK: n64.conv3d: conv3d group 2 must divide the 3 input and 4 output channels

// -----

func.func @conv3d_pads(%x: tensor<1x1x4x4x4xf32>, %w: tensor<1x1x1x1x1xf32>) -> tensor<1x1x4x4x4xf32> {
  %y = n64.conv3d %x, %w {pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x4x4x4xf32>, tensor<1x1x1x1x1xf32>) -> tensor<1x1x4x4x4xf32>
  func.return %y : tensor<1x1x4x4x4xf32>
}
// CHECK: n64.conv3d: pads must have 6 entries (begins, then ends)

// -----

func.func @pool3d_pads(%x: tensor<1x1x4x4x4xf32>) -> tensor<1x1x5x5x5xf32> {
  %y = n64.maxpool3d %x {kernel = array<i64: 2, 2, 2>, pads = array<i64: 2, 0, 0, 0, 0, 0>} : (tensor<1x1x4x4x4xf32>) -> tensor<1x1x5x5x5xf32>
  func.return %y : tensor<1x1x5x5x5xf32>
}
// CHECK: n64.maxpool3d: pads [2, 0, 0, 0, 0, 0] must be smaller than the kernel [2, 2, 2]

// -----

func.func @pool3d_rank(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %y = n64.avgpool3d %x {kernel = array<i64: 2, 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  func.return %y : tensor<1x1x2x2xf32>
}
// CHECK: n64.avgpool3d: x [1, 1, 4, 4] must be [N,C,D,H,W]
