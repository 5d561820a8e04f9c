// The example package's graph rewrites (examples/n64c_example_passes), found
// by n64-opt through its xdsl.universe entry point.
// RUN: n64-opt %s -p gemm-as-conv --split-input-file | filecheck %s
// RUN: n64-opt %s -p gemm-as-conv,conv-as-gemm --split-input-file | filecheck %s --check-prefix=BACK
// RUN: n64-opt %examples/cnn_digits.onnx -p n64-cleanup,gemm-as-conv | filecheck %s --check-prefix=CNN

// A Gemm on a flattened map becomes a convolution over the whole map; the
// kernel is the matrix read back as [O, C, H, W]; the clamp moves along.
func.func @classifier(%x: tensor<2x2x1x2xf32>) -> tensor<2x3xf32> {
  %f = n64.reshape %x : (tensor<2x2x1x2xf32>) -> tensor<2x4xf32>
  %w = n64.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]> : tensor<4x3xf32>
  %b = n64.constant dense<[0.5, 1.5, 2.5]> : tensor<3xf32>
  %y = n64.gemm %f, %w, %b {clamp_min = 0.000000e+00 : f32} : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  func.return %y : tensor<2x3xf32>
}
// CHECK-LABEL: func.func @classifier
// CHECK:         %kernel = n64.constant dense<{{\[\[\[\[}}1.000000e+00, 4.000000e+00]], {{\[\[}}7.000000e+00, 1.000000e+01]]], {{\[\[\[}}2.000000e+00, 5.000000e+00]], {{\[\[}}8.000000e+00, 1.100000e+01]]], {{\[\[\[}}3.000000e+00, 6.000000e+00]], {{\[\[}}9.000000e+00, 1.200000e+01]]]]> : tensor<3x2x1x2xf32>
// CHECK-NEXT:    %[[B:.*]] = n64.constant dense<[5.000000e-01, 1.500000e+00, 2.500000e+00]> : tensor<3xf32>
// CHECK-NEXT:    %[[C:.*]] = n64.conv2d %x, %kernel, %[[B]] {clamp_min = 0.000000e+00 : f32} : (tensor<2x2x1x2xf32>, tensor<3x2x1x2xf32>, tensor<3xf32>) -> tensor<2x3x1x1xf32>
// CHECK-NEXT:    %[[Y:.*]] = n64.reshape %[[C]] : (tensor<2x3x1x1xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    func.return %[[Y]]

// And back: the Gemm on the flattened input again (between two reshapes).
// BACK-LABEL: func.func @classifier
// BACK:         %[[F:.*]] = n64.reshape %x : (tensor<2x2x1x2xf32>) -> tensor<2x4xf32>
// BACK-NEXT:    %[[G:.*]] = n64.gemm %[[F]], %{{.*}}, %{{.*}} {clamp_min = 0.000000e+00 : f32} : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>

// -----

// A bias that differs between rows cannot be a convolution bias: unchanged.
func.func @row_bias(%x: tensor<2x1x1x2xf32>) -> tensor<2x1xf32> {
  %f = n64.flatten %x : (tensor<2x1x1x2xf32>) -> tensor<2x2xf32>
  %w = n64.constant dense<1.0> : tensor<2x1xf32>
  %b = n64.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %y = n64.gemm %f, %w, %b : (tensor<2x2xf32>, tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  func.return %y : tensor<2x1xf32>
}
// CHECK-LABEL: func.func @row_bias
// CHECK:         n64.gemm
// CHECK-NOT:     n64.conv2d

// -----

// A Gemm on an input that is not a flattened map: unchanged.
func.func @plain(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = n64.constant dense<1.0> : tensor<4x2xf32>
  %y = n64.gemm %a, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  func.return %y : tensor<1x2xf32>
}
// CHECK-LABEL: func.func @plain
// CHECK-NEXT:    %w = n64.constant
// CHECK-NEXT:    %y = n64.gemm %a, %w

// The digits CNN's classifier.
// CNN:     n64.conv2d %{{.*}}, %kernel, %{{.*}} : (tensor<1x16x4x4xf32>, tensor<10x16x4x4xf32>, tensor<10xf32>) -> tensor<1x10x1x1xf32>
// CNN-NOT: n64.gemm
