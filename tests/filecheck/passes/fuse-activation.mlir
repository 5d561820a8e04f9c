// RUN: n64-opt %s -p fuse-activation --split-input-file | filecheck %s

// Relu after a gemm becomes clamp_min = 0.
func.func @gemm_relu(%a: tensor<1x4xf32>, %b: tensor<4x2xf32>, %c: tensor<2xf32>) -> tensor<1x2xf32> {
  %y = n64.gemm %a, %b, %c : (tensor<1x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %z = n64.relu %y : tensor<1x2xf32>
  func.return %z : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @gemm_relu
// CHECK-NEXT:    %{{.*}} = n64.gemm %a, %b, %c {clamp_min = 0.000000e+00 : f32} : (tensor<1x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NOT:     n64.relu
// CHECK:         func.return

// -----

// Clip after a conv2d becomes both bounds; the conv's other properties stay.
func.func @conv_clip(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %y = n64.conv2d %x, %w {strides = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %z = n64.clip %y {min = 0.000000e+00 : f32, max = 6.000000e+00 : f32} : tensor<1x2x2x2xf32>
  func.return %z : tensor<1x2x2x2xf32>
}
// CHECK-LABEL: func.func @conv_clip
// CHECK-NEXT:    %{{.*}} = n64.conv2d %x, %w {clamp_min = 0.000000e+00 : f32, clamp_max = 6.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    func.return

// -----

// A relu after an op that already clamps to [-1, 4] intersects: [0, 4].
// Then a clip to [1, 2] intersects again: [1, 2].
func.func @chain(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = n64.add %a, %b {clamp_min = -1.000000e+00 : f32, clamp_max = 4.000000e+00 : f32} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %z = n64.relu %y : tensor<2x3xf32>
  %w = n64.clip %z {min = 1.000000e+00 : f32, max = 2.000000e+00 : f32} : tensor<2x3xf32>
  func.return %w : tensor<2x3xf32>
}
// CHECK-LABEL: func.func @chain
// CHECK-NEXT:    %{{.*}} = n64.add %a, %b {clamp_min = 1.000000e+00 : f32, clamp_max = 2.000000e+00 : f32}
// CHECK-NEXT:    func.return

// -----

// A clip with only an upper bound keeps an existing lower bound.
func.func @upper_only(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %y = n64.matmul %a, %b {clamp_min = 0.000000e+00 : f32} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %z = n64.clip %y {max = 3.000000e+00 : f32} : tensor<2x4xf32>
  func.return %z : tensor<2x4xf32>
}
// CHECK-LABEL: func.func @upper_only
// CHECK-NEXT:    %{{.*}} = n64.matmul %a, %b {clamp_min = 0.000000e+00 : f32, clamp_max = 3.000000e+00 : f32}
// CHECK-NEXT:    func.return

// -----

// Disjoint ranges: a relu after a clamp to [-3, -1] is the constant 0.
func.func @disjoint(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %y = n64.add %a, %b {clamp_min = -3.000000e+00 : f32, clamp_max = -1.000000e+00 : f32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %z = n64.relu %y : tensor<4xf32>
  func.return %z : tensor<4xf32>
}
// CHECK-LABEL: func.func @disjoint
// CHECK-NEXT:    %{{.*}} = n64.add %a, %b {clamp_min = 0.000000e+00 : f32, clamp_max = 0.000000e+00 : f32}
// CHECK-NEXT:    func.return

// -----

// Negative: the producer has a second user, so the relu stays.
func.func @two_users(%a: tensor<1x4xf32>, %b: tensor<4x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %y = n64.gemm %a, %b : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %z = n64.relu %y : tensor<1x2xf32>
  func.return %z, %y : tensor<1x2xf32>, tensor<1x2xf32>
}
// CHECK-LABEL: func.func @two_users
// CHECK-NEXT:    %y = n64.gemm %a, %b : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
// CHECK-NEXT:    %z = n64.relu %y : tensor<1x2xf32>
// CHECK-NEXT:    func.return %z, %y

// -----

// Negative: producers without a clamp (sub, maxpool) and function arguments.
func.func @no_clamp_producer(%a: tensor<1x1x4x4xf32>, %b: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>) {
  %s = n64.sub %a, %b : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %r = n64.relu %s : tensor<1x1x4x4xf32>
  %p = n64.maxpool %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  %q = n64.relu %p : tensor<1x1x2x2xf32>
  %t = n64.relu %a : tensor<1x1x4x4xf32>
  func.return %q, %t : tensor<1x1x2x2xf32>, tensor<1x1x4x4xf32>
}
// CHECK-LABEL: func.func @no_clamp_producer
// CHECK-NEXT:    n64.sub
// CHECK-NEXT:    n64.relu
// CHECK-NEXT:    n64.maxpool
// CHECK-NEXT:    n64.relu
// CHECK-NEXT:    n64.relu %a
// CHECK-NEXT:    func.return

// -----

// Negative: leaky_relu is not a clamp.
func.func @leaky(%a: tensor<1x4xf32>, %b: tensor<4x2xf32>) -> tensor<1x2xf32> {
  %y = n64.gemm %a, %b : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %z = n64.leaky_relu %y {alpha = 1.000000e-01 : f32} : tensor<1x2xf32>
  func.return %z : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @leaky
// CHECK-NEXT:    n64.gemm %a, %b :
// CHECK-NEXT:    n64.leaky_relu
