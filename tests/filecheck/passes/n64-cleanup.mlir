// RUN: n64-opt %s -p n64-cleanup --split-input-file | filecheck %s

// The CNN shape: conv2d -> batchnorm -> relu -> maxpool -> flatten -> gemm.
// Batchnorm folds into the conv (no bias: bias' = beta - mean * s), relu fuses, flatten becomes reshape,
// and the old weights and normalisation parameters disappear.
func.func @cnn(%x: tensor<1x1x4x4xf32>) -> tensor<1x3xf32> {
  %w = n64.constant dense<[[[[2.000000e+00]]], [[[3.000000e+00]]]]> : tensor<2x1x1x1xf32>
  %scale = n64.constant dense<[4.000000e+00, 3.000000e+00]> : tensor<2xf32>
  %beta = n64.constant dense<[5.000000e-01, 0.000000e+00]> : tensor<2xf32>
  %mean = n64.constant dense<[1.000000e+00, 0.000000e+00]> : tensor<2xf32>
  %var = n64.constant dense<[3.000000e+00, 0.000000e+00]> : tensor<2xf32>
  %g = n64.constant dense<1.000000e+00> : tensor<8x3xf32>
  %c = n64.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %n = n64.batchnorm %c, %scale, %beta, %mean, %var {epsilon = 1.000000e+00 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = n64.relu %n : tensor<1x2x4x4xf32>
  %p = n64.maxpool %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %f = n64.flatten %p {axis = 1 : i64} : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %y = n64.gemm %f, %g : (tensor<1x8xf32>, tensor<8x3xf32>) -> tensor<1x3xf32>
  func.return %y : tensor<1x3xf32>
}
// CHECK-LABEL: func.func @cnn
// CHECK-NEXT:    %g = n64.constant dense<1.000000e+00> : tensor<8x3xf32>
// CHECK-NEXT:    %w = n64.constant dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}9.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-NEXT:    %bias = n64.constant dense<[-1.500000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK-NEXT:    %[[C:.*]] = n64.conv2d %x, %w, %bias {clamp_min = 0.000000e+00 : f32} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
// CHECK-NEXT:    %p = n64.maxpool %[[C]]
// CHECK-NEXT:    %f = n64.reshape %p : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
// CHECK-NEXT:    %y = n64.gemm %f, %g : (tensor<1x8xf32>, tensor<8x3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:    func.return %y

// -----

// The MLP shape: gemm -> relu -> gemm -> softmax; dead ops disappear,
// softmax stays.
func.func @mlp(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %b1 = n64.constant dense<5.000000e-01> : tensor<4x3xf32>
  %b2 = n64.constant dense<2.500000e-01> : tensor<3x2xf32>
  %unused = n64.relu %x : tensor<1x4xf32>
  %h = n64.gemm %x, %b1 : (tensor<1x4xf32>, tensor<4x3xf32>) -> tensor<1x3xf32>
  %r = n64.relu %h : tensor<1x3xf32>
  %y = n64.gemm %r, %b2 : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %s = n64.softmax %y {axis = 1 : i64} : tensor<1x2xf32>
  func.return %s : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @mlp
// CHECK-NEXT:    %b1 = n64.constant
// CHECK-NEXT:    %b2 = n64.constant
// CHECK-NEXT:    %h = n64.gemm %x, %b1 {clamp_min = 0.000000e+00 : f32}
// CHECK-NEXT:    %y = n64.gemm %h, %b2 :
// CHECK-NEXT:    %s = n64.softmax %y
// CHECK-NEXT:    func.return %s

// -----

// Negative: nothing to do leaves the graph as it was.
func.func @nothing(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = n64.sub %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %z = n64.sigmoid %y : tensor<2x3xf32>
  func.return %z : tensor<2x3xf32>
}
// CHECK-LABEL: func.func @nothing
// CHECK-NEXT:    %y = n64.sub %a, %b
// CHECK-NEXT:    %z = n64.sigmoid %y
// CHECK-NEXT:    func.return %z
