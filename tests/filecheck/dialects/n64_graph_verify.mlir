// RUN: n64-opt %s --split-input-file --verify-diagnostics | filecheck %s

// The graph-op verifiers check shapes and attributes and name what is wrong.

func.func @gemm_k_mismatch(%a: tensor<1x64xf32>, %b: tensor<32x10xf32>) -> tensor<1x10xf32> {
  %y = n64.gemm %a, %b : (tensor<1x64xf32>, tensor<32x10xf32>) -> tensor<1x10xf32>
  func.return %y : tensor<1x10xf32>
}
// CHECK: n64.gemm: gemm inner dimensions differ: a is [1, 64], b is [32, 10]

// -----

func.func @gemm_bias(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x3xf32> {
  %y = n64.gemm %a, %b, %c : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: n64.gemm: shapes [2, 3], [4] cannot be broadcast together

// -----

func.func @gemm_result(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<3x2xf32> {
  %y = n64.gemm %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<3x2xf32>
  func.return %y : tensor<3x2xf32>
}
// CHECK: n64.gemm: result shape [3, 2] does not match the expected [2, 3]

// -----

func.func @gemm_clamp_order(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %y = n64.gemm %a, %b {clamp_min = 6.0 : f32, clamp_max = 0.0 : f32} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: n64.gemm: clamp_min 6.0 exceeds clamp_max 0.0

// -----

func.func @gemm_not_f32(%a: tensor<2x4xi16>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %y = n64.gemm %a, %b : (tensor<2x4xi16>, tensor<4x3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: Expected attribute f32 but got i16

// -----

func.func @matmul_inner(%a: tensor<2x3x4xf32>, %b: tensor<5x6xf32>) -> tensor<2x3x6xf32> {
  %y = n64.matmul %a, %b : (tensor<2x3x4xf32>, tensor<5x6xf32>) -> tensor<2x3x6xf32>
  func.return %y : tensor<2x3x6xf32>
}
// CHECK: n64.matmul: matmul inner dimensions differ: [2, 3, 4] and [5, 6]

// -----

func.func @conv_groups(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %y = n64.conv2d %x, %w {group = 4 : i64} : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}
// CHECK: n64.conv2d: conv2d group 4 must divide the 6 input and 4 output channels

// -----

func.func @conv_channels(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %y = n64.conv2d %x, %w : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}
// CHECK: n64.conv2d: conv2d weight [4, 2, 3, 3] needs 6 input channels per group, has 2

// -----

func.func @conv_output(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %y = n64.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  func.return %y : tensor<1x4x8x8xf32>
}
// CHECK: n64.conv2d: result shape [1, 4, 8, 8] does not match the expected [1, 4, 4, 4]

// -----

func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  %y = n64.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  func.return %y : tensor<1x4x8x8xf32>
}
// CHECK: n64.conv2d: pads must have 4 entries (top, left, bottom, right)

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x6x6xf32> {
  %y = n64.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}
// CHECK: n64.conv2d: bias shape [3] must be [4]

// -----

func.func @conv_kernel_too_big(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32> {
  %y = n64.conv2d %x, %w : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  func.return %y : tensor<1x4x1x1xf32>
}
// CHECK: n64.conv2d: window of extent 3 does not fit an input of size 2 with pads 0, 0

// -----

func.func @conv_dilation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %y = n64.conv2d %x, %w {dilations = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  func.return %y : tensor<1x4x6x6xf32>
}
// CHECK: n64.conv2d: kernel [3, 3], strides [1, 1] and dilations [0, 1] must be positive

// -----

func.func @relu_type(%x: tensor<1x4xf32>) -> tensor<1x5xf32> {
  %y = "n64.relu"(%x) : (tensor<1x4xf32>) -> tensor<1x5xf32>
  func.return %y : tensor<1x5xf32>
}
// CHECK: attribute tensor<1x4xf32> expected from variable 'T', but got tensor<1x5xf32>

// -----

func.func @clip_bounds(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %y = n64.clip %x {min = 1.0 : f32, max = -1.0 : f32} : tensor<1x4xf32>
  func.return %y : tensor<1x4xf32>
}
// CHECK: n64.clip: min 1.0 exceeds max -1.0

// -----

func.func @dynamic_shape(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = n64.relu %x : tensor<?x4xf32>
  func.return %y : tensor<?x4xf32>
}
// CHECK: x must have a static shape, got tensor<?x4xf32>

// -----

func.func @maxpool_output(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x3x3xf32> {
  %y = n64.maxpool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x3x3xf32>
  func.return %y : tensor<1x2x3x3xf32>
}
// CHECK: n64.maxpool: result shape [1, 2, 3, 3] does not match the expected [1, 2, 4, 4]

// -----

func.func @maxpool_ceil(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %y = n64.maxpool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  func.return %y : tensor<1x2x4x4xf32>
}
// CHECK: n64.maxpool: result shape [1, 2, 4, 4] does not match the expected [1, 2, 5, 5]

// -----

func.func @pool_pad_vs_kernel(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x11x11xf32> {
  %y = n64.avgpool %x {kernel = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x2x8x8xf32>) -> tensor<1x2x11x11xf32>
  func.return %y : tensor<1x2x11x11xf32>
}
// CHECK: n64.avgpool: pads [2, 2, 2, 2] must be smaller than the kernel [2, 2]

// -----

func.func @pool_rank(%x: tensor<2x8x8xf32>) -> tensor<2x4x4xf32> {
  %y = n64.maxpool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<2x8x8xf32>) -> tensor<2x4x4xf32>
  func.return %y : tensor<2x4x4xf32>
}
// CHECK: n64.maxpool: pooling needs x[N,C,H,W], got [2, 8, 8]

// -----

func.func @global_pool(%x: tensor<1x8x4x4xf32>) -> tensor<1x8xf32> {
  %y = n64.global_avgpool %x : (tensor<1x8x4x4xf32>) -> tensor<1x8xf32>
  func.return %y : tensor<1x8xf32>
}
// CHECK: n64.global_avgpool: result shape [1, 8] does not match the expected [1, 8, 1, 1]

// -----

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  %y = n64.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: n64.add: shapes [2, 3], [4] cannot be broadcast together

// -----

func.func @mul_result(%a: tensor<2x1xf32>, %b: tensor<3xf32>) -> tensor<2x1xf32> {
  %y = n64.mul %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  func.return %y : tensor<2x1xf32>
}
// CHECK: n64.mul: result shape [2, 1] does not match the expected [2, 3]

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %y = n64.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  func.return %y : tensor<4x3xf32>
}
// CHECK: n64.concat: axis 2 is out of range for rank 2

// -----

func.func @concat_shapes(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<4x3xf32> {
  %y = n64.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  func.return %y : tensor<4x3xf32>
}
// CHECK: n64.concat: concat inputs [2, 3], [2, 4] differ off axis 0

// -----

func.func @flatten_axis(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %y = n64.flatten %x {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  func.return %y : tensor<2x12xf32>
}
// CHECK: n64.flatten: result shape [2, 12] does not match the expected [6, 4]

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  %y = n64.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  func.return %y : tensor<7xf32>
}
// CHECK: n64.reshape: [2, 3] has 6 elements, result [7] has 7

// -----

func.func @transpose_perm(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %y = n64.transpose %x {perm = array<i64: 1, 0, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  func.return %y : tensor<3x2x4xf32>
}
// CHECK: n64.transpose: perm [1, 0, 0] is not a permutation of the 3 axes

// -----

func.func @pad_count(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %y = n64.pad %x {pads = array<i64: 1, 0, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  func.return %y : tensor<4x3xf32>
}
// CHECK: n64.pad: pad needs 4 pads for rank 2, got 3

// -----

func.func @pad_mode(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %y = n64.pad %x {pads = array<i64: 1, 0, 1, 0>, mode = "wrap"} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  func.return %y : tensor<4x3xf32>
}
// CHECK: n64.pad: mode 'wrap' is not one of constant, reflect, edge

// -----

func.func @pad_reflect(%x: tensor<2x3xf32>) -> tensor<2x9xf32> {
  %y = n64.pad %x {pads = array<i64: 0, 3, 0, 3>, mode = "reflect"} : (tensor<2x3xf32>) -> tensor<2x9xf32>
  func.return %y : tensor<2x9xf32>
}
// CHECK: n64.pad: reflect pads [0, 3, 0, 3] must be smaller than the input dimensions [2, 3]

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = n64.softmax %x {axis = -3 : i64} : tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK: n64.softmax: axis -3 is out of range for rank 2

// -----

func.func @batchnorm_params(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>, %q: tensor<3xf32>) -> tensor<1x4x2x2xf32> {
  %y = n64.batchnorm %x, %p, %p, %q, %p : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  func.return %y : tensor<1x4x2x2xf32>
}
// CHECK: n64.batchnorm: mean shape [3] must be [4]

// -----

func.func @constant_type() -> tensor<2xf32> {
  %c = "n64.constant"() <{value = dense<1.0> : tensor<3xf32>}> : () -> tensor<2xf32>
  func.return %c : tensor<2xf32>
}
// CHECK: n64.constant: value type tensor<3xf32> differs from the result type tensor<2xf32>

// -----

func.func @constant_element() -> tensor<2xf16> {
  %c = n64.constant dense<1.0> : tensor<2xf16>
  func.return %c : tensor<2xf16>
}
// CHECK: n64.constant: no numpy dtype for element type f16
