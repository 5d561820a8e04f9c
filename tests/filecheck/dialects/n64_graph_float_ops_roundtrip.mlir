// RUN: n64-opt %s | filecheck %s
// RUN: n64-opt %s --print-op-generic | n64-opt | filecheck %s
// RUN: n64-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// The float-only graph ops (n64_graph_math.py), slice and gather
// (n64_graph_index.py), and the transposed and 3-D window ops
// (n64_graph_window.py) in their custom form; defaults are elided, and the
// generic form round-trips to the same text.

builtin.module {
  func.func @main(%x: tensor<3x4x5x6xf32>, %v: tensor<2x3x5x6x5xf32>) -> (tensor<3x4x5x6xf32>, tensor<2x4x5x2x2xf32>) {
    %e = n64.exp %x : tensor<3x4x5x6xf32>
    %a = n64.abs %e : tensor<3x4x5x6xf32>
    %sp = n64.softplus %a : tensor<3x4x5x6xf32>
    %el = n64.elu %sp {alpha = 2.0 : f32} : tensor<3x4x5x6xf32>
    %el1 = n64.elu %el : tensor<3x4x5x6xf32>
    %se = n64.selu %el1 : tensor<3x4x5x6xf32>
    %se2 = n64.selu %se {alpha = 1.5 : f32, gamma = 0.5 : f32} : tensor<3x4x5x6xf32>
    %d = n64.div %se2, %a : (tensor<3x4x5x6xf32>, tensor<3x4x5x6xf32>) -> tensor<3x4x5x6xf32>
    %ls = n64.log_softmax %d {axis = 1 : i64} : tensor<3x4x5x6xf32>
    %l = n64.lrn %ls {size = 5 : i64, alpha = 1.0e-04 : f32, beta = 0.75 : f32, bias = 2.0 : f32} : tensor<3x4x5x6xf32>
    %s0 = n64.slice %l {axis = 1 : i64, start = 0 : i64, end = 2 : i64} : (tensor<3x4x5x6xf32>) -> tensor<3x2x5x6xf32>
    %s1 = n64.slice %l {axis = -3 : i64, start = 2 : i64, end = 4 : i64} : (tensor<3x4x5x6xf32>) -> tensor<3x2x5x6xf32>
    %g = n64.gather %s0 {axis = 1 : i64, indices = array<i64: 1, 0, 1, 1>} : (tensor<3x2x5x6xf32>) -> tensor<3x4x5x6xf32>
    %g0 = n64.gather %s1 {axis = 2 : i64, indices = array<i64: 3>} : (tensor<3x2x5x6xf32>) -> tensor<3x2x6xf32>
    %w = n64.constant dense<0.5> : tensor<4x2x3x3xf32>
    %b = n64.constant dense<0.25> : tensor<4xf32>
    %t = n64.conv_transpose2d %g, %w, %b {strides = array<i64: 2, 1>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 0>, group = 2 : i64} : (tensor<3x4x5x6xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<3x4x10x6xf32>
    %t0 = n64.conv_transpose2d %g, %w : (tensor<3x4x5x6xf32>, tensor<4x2x3x3xf32>) -> tensor<3x2x7x8xf32>
    %w3 = n64.constant dense<0.5> : tensor<4x3x3x3x3xf32>
    %c3 = n64.conv3d %v, %w3, %b {strides = array<i64: 1, 2, 2>, pads = array<i64: 1, 0, 0, 1, 0, 1>} : (tensor<2x3x5x6x5xf32>, tensor<4x3x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x5x2x2xf32>
    %m3 = n64.maxpool3d %v {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>, ceil_mode = true} : (tensor<2x3x5x6x5xf32>) -> tensor<2x3x3x3x3xf32>
    %p3 = n64.avgpool3d %c3 {kernel = array<i64: 3, 1, 1>, pads = array<i64: 1, 0, 0, 1, 0, 0>, dilations = array<i64: 1, 1, 1>, count_include_pad = true} : (tensor<2x4x5x2x2xf32>) -> tensor<2x4x5x2x2xf32>
    %p4 = n64.avgpool3d %p3 {kernel = array<i64: 1, 1, 1>} : (tensor<2x4x5x2x2xf32>) -> tensor<2x4x5x2x2xf32>
    %big = n64.maxpool3d %p4 {kernel = array<i64: 1, 1, 1>, strides = array<i64: 1, 1, 1>} : (tensor<2x4x5x2x2xf32>) -> tensor<2x4x5x2x2xf32>
    %w1 = n64.constant dense<1.0> : tensor<4x2x1x1x1xf32>
    %out = n64.conv3d %big, %w1 {group = 2 : i64, dilations = array<i64: 1, 1, 1>} : (tensor<2x4x5x2x2xf32>, tensor<4x2x1x1x1xf32>) -> tensor<2x4x5x2x2xf32>
    func.return %e, %out : tensor<3x4x5x6xf32>, tensor<2x4x5x2x2xf32>
  }
}

// CHECK: func.func @main(%x: tensor<3x4x5x6xf32>, %v: tensor<2x3x5x6x5xf32>) -> (tensor<3x4x5x6xf32>, tensor<2x4x5x2x2xf32>) {
// CHECK-NEXT: %e = n64.exp %x : tensor<3x4x5x6xf32>
// CHECK-NEXT: %a = n64.abs %e : tensor<3x4x5x6xf32>
// CHECK-NEXT: %sp = n64.softplus %a : tensor<3x4x5x6xf32>
// CHECK-NEXT: %el = n64.elu %sp {alpha = 2.000000e+00 : f32} : tensor<3x4x5x6xf32>
// CHECK-NEXT: %el1 = n64.elu %el : tensor<3x4x5x6xf32>
// CHECK-NEXT: %se = n64.selu %el1 : tensor<3x4x5x6xf32>
// CHECK-NEXT: %se2 = n64.selu %se {alpha = 1.500000e+00 : f32, gamma = 5.000000e-01 : f32} : tensor<3x4x5x6xf32>
// CHECK-NEXT: %d = n64.div %se2, %a : (tensor<3x4x5x6xf32>, tensor<3x4x5x6xf32>) -> tensor<3x4x5x6xf32>
// CHECK-NEXT: %ls = n64.log_softmax %d {axis = 1 : i64} : tensor<3x4x5x6xf32>
// CHECK-NEXT: %l = n64.lrn %ls {size = 5 : i64, bias = 2.000000e+00 : f32} : tensor<3x4x5x6xf32>
// CHECK-NEXT: %s0 = n64.slice %l {axis = 1 : i64, start = 0 : i64, end = 2 : i64} : (tensor<3x4x5x6xf32>) -> tensor<3x2x5x6xf32>
// CHECK-NEXT: %s1 = n64.slice %l {axis = -3 : i64, start = 2 : i64, end = 4 : i64} : (tensor<3x4x5x6xf32>) -> tensor<3x2x5x6xf32>
// CHECK-NEXT: %g = n64.gather %s0 {axis = 1 : i64, indices = array<i64: 1, 0, 1, 1>} : (tensor<3x2x5x6xf32>) -> tensor<3x4x5x6xf32>
// CHECK-NEXT: %g0 = n64.gather %s1 {axis = 2 : i64, indices = array<i64: 3>} : (tensor<3x2x5x6xf32>) -> tensor<3x2x6xf32>
// CHECK-NEXT: %w = n64.constant dense<5.000000e-01> : tensor<4x2x3x3xf32>
// CHECK-NEXT: %b = n64.constant dense<2.500000e-01> : tensor<4xf32>
// CHECK-NEXT: %t = n64.conv_transpose2d %g, %w, %b {strides = array<i64: 2, 1>, pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 0>, group = 2 : i64} : (tensor<3x4x5x6xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<3x4x10x6xf32>
// CHECK-NEXT: %t0 = n64.conv_transpose2d %g, %w : (tensor<3x4x5x6xf32>, tensor<4x2x3x3xf32>) -> tensor<3x2x7x8xf32>
// CHECK-NEXT: %w3 = n64.constant dense<5.000000e-01> : tensor<4x3x3x3x3xf32>
// CHECK-NEXT: %c3 = n64.conv3d %v, %w3, %b {strides = array<i64: 1, 2, 2>, pads = array<i64: 1, 0, 0, 1, 0, 1>} : (tensor<2x3x5x6x5xf32>, tensor<4x3x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x5x2x2xf32>
// CHECK-NEXT: %m3 = n64.maxpool3d %v {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>, ceil_mode = true} : (tensor<2x3x5x6x5xf32>) -> tensor<2x3x3x3x3xf32>
// CHECK-NEXT: %p3 = n64.avgpool3d %c3 {kernel = array<i64: 3, 1, 1>, pads = array<i64: 1, 0, 0, 1, 0, 0>, count_include_pad = true} : (tensor<2x4x5x2x2xf32>) -> tensor<2x4x5x2x2xf32>
// CHECK-NEXT: %p4 = n64.avgpool3d %p3 {kernel = array<i64: 1, 1, 1>} : (tensor<2x4x5x2x2xf32>) -> tensor<2x4x5x2x2xf32>
// CHECK-NEXT: %big = n64.maxpool3d %p4 {kernel = array<i64: 1, 1, 1>} : (tensor<2x4x5x2x2xf32>) -> tensor<2x4x5x2x2xf32>
// CHECK-NEXT: %w1 = n64.constant dense<1.000000e+00> : tensor<4x2x1x1x1xf32>
// CHECK-NEXT: %out = n64.conv3d %big, %w1 {group = 2 : i64} : (tensor<2x4x5x2x2xf32>, tensor<4x2x1x1x1xf32>) -> tensor<2x4x5x2x2xf32>
// CHECK-NEXT: func.return %e, %out : tensor<3x4x5x6xf32>, tensor<2x4x5x2x2xf32>

// GENERIC: "n64.elu"(%el) <{alpha = 1.000000e+00 : f32}>
// GENERIC: "n64.selu"(%el1) <{alpha = 1.67326319 : f32, gamma = 1.05070102 : f32}>
// GENERIC: "n64.conv_transpose2d"(%g, %w) <{strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 1 : i64}>
// GENERIC: "n64.maxpool3d"(%p4) <{kernel = array<i64: 1, 1, 1>, strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>, ceil_mode = false}>
