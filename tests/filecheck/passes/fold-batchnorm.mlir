// RUN: n64-opt %s -p fold-batchnorm --split-input-file | filecheck %s

// conv2d + batchnorm: s = scale / sqrt(var + eps) = [2, 3];
// w' = w * s = [4, 9]; bias' = (bias - mean) * s + beta = [0.5, -3].
func.func @conv(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = n64.constant dense<[[[[2.000000e+00]]], [[[3.000000e+00]]]]> : tensor<2x1x1x1xf32>
  %b = n64.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
  %scale = n64.constant dense<[4.000000e+00, 3.000000e+00]> : tensor<2xf32>
  %beta = n64.constant dense<[5.000000e-01, 0.000000e+00]> : tensor<2xf32>
  %mean = n64.constant dense<[1.000000e+00, 0.000000e+00]> : tensor<2xf32>
  %var = n64.constant dense<[3.000000e+00, 0.000000e+00]> : tensor<2xf32>
  %y = n64.conv2d %x, %w, %b {pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %z = n64.batchnorm %y, %scale, %beta, %mean, %var {epsilon = 1.000000e+00 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %z : tensor<1x2x2x2xf32>
}
// CHECK-LABEL: func.func @conv
// CHECK-NEXT:    %[[W:.*]] = n64.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}9.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT:    %[[B:.*]] = n64.constant dense<[5.000000e-01, -3.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %z = n64.conv2d %x, %[[W]], %[[B]] : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NEXT:    func.return %z
// CHECK-NOT:     n64.batchnorm

// -----

// gemm without bias: s = [2, 0.5]; b' = b * s; bias' = -mean * s + beta.
func.func @gemm(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %b = n64.constant dense<[[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  %scale = n64.constant dense<[2.000000e+00, 1.000000e+00]> : tensor<2xf32>
  %beta = n64.constant dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>
  %mean = n64.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %var = n64.constant dense<[0.000000e+00, 3.000000e+00]> : tensor<2xf32>
  %y = n64.gemm %a, %b : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %z = n64.batchnorm %y, %scale, %beta, %mean, %var {epsilon = 1.000000e+00 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %z : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @gemm
// CHECK-NEXT:    %[[B:.*]] = n64.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00], [6.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT:    %[[C:.*]] = n64.constant dense<[-2.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %z = n64.gemm %a, %[[B]], %[[C]] : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NEXT:    func.return %z

// -----

// The conv's strides, pads and group survive; a conv without bias gets one.
func.func @conv_props(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %w = n64.constant dense<1.000000e+00> : tensor<2x1x3x3xf32>
  %p = n64.constant dense<1.000000e+00> : tensor<2xf32>
  %q = n64.constant dense<0.000000e+00> : tensor<2xf32>
  %y = n64.conv2d %x, %w {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  %z = n64.batchnorm %y, %p, %q, %q, %p {epsilon = 0.000000e+00 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  func.return %z : tensor<1x2x3x3xf32>
}
// CHECK-LABEL: func.func @conv_props
// CHECK:         %z = n64.conv2d %x, %{{.*}}, %{{.*}} {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, group = 2 : i64}
// CHECK-NOT:     n64.batchnorm

// -----

// Negative: the conv has a second user.
func.func @two_users(%x: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = n64.constant dense<[[[[2.000000e+00]]], [[[3.000000e+00]]]]> : tensor<2x1x1x1xf32>
  %p = n64.constant dense<1.000000e+00> : tensor<2xf32>
  %y = n64.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %z = n64.batchnorm %y, %p, %p, %p, %p : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %z, %y : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
// CHECK-LABEL: func.func @two_users
// CHECK:         %y = n64.conv2d %x, %w :
// CHECK-NEXT:    %z = n64.batchnorm %y

// -----

// Negative: weights that are not constants.
func.func @dynamic_weights(%x: tensor<1x1x2x2xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32> {
  %p = n64.constant dense<1.000000e+00> : tensor<2xf32>
  %y = n64.conv2d %x, %w : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %z = n64.batchnorm %y, %p, %p, %p, %p : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  func.return %z : tensor<1x2x2x2xf32>
}
// CHECK-LABEL: func.func @dynamic_weights
// CHECK:         %y = n64.conv2d %x, %w :
// CHECK-NEXT:    %z = n64.batchnorm %y

// -----

// Negative: normalisation parameters that are not constants.
func.func @dynamic_params(%a: tensor<1x2xf32>, %mean: tensor<2xf32>) -> tensor<1x2xf32> {
  %b = n64.constant dense<1.000000e+00> : tensor<2x2xf32>
  %p = n64.constant dense<1.000000e+00> : tensor<2xf32>
  %y = n64.gemm %a, %b : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %z = n64.batchnorm %y, %p, %p, %mean, %p : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %z : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @dynamic_params
// CHECK:         %y = n64.gemm %a, %b :
// CHECK-NEXT:    %z = n64.batchnorm %y

// -----

// Negative: a clamp sits between the gemm and the normalisation.
func.func @clamped(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %b = n64.constant dense<1.000000e+00> : tensor<2x2xf32>
  %p = n64.constant dense<1.000000e+00> : tensor<2xf32>
  %y = n64.gemm %a, %b {clamp_min = 0.000000e+00 : f32} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %z = n64.batchnorm %y, %p, %p, %p, %p : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %z : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @clamped
// CHECK:         %y = n64.gemm %a, %b {clamp_min
// CHECK-NEXT:    %z = n64.batchnorm %y

// -----

// Negative: batchnorm after an op that is neither conv2d nor gemm.
func.func @after_add(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %p = n64.constant dense<1.000000e+00> : tensor<2xf32>
  %y = n64.add %a, %a : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %z = n64.batchnorm %y, %p, %p, %p, %p : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  func.return %z : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @after_add
// CHECK:         %y = n64.add
// CHECK-NEXT:    %z = n64.batchnorm %y
