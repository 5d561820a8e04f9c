// RUN: n64-opt %s -p canonicalize-reshapes --split-input-file | filecheck %s

// flatten becomes reshape.
func.func @flatten(%x: tensor<1x8x2x2xf32>) -> tensor<1x32xf32> {
  %f = n64.flatten %x {axis = 1 : i64} : (tensor<1x8x2x2xf32>) -> tensor<1x32xf32>
  func.return %f : tensor<1x32xf32>
}
// CHECK-LABEL: func.func @flatten
// CHECK-NEXT:    %f = n64.reshape %x : (tensor<1x8x2x2xf32>) -> tensor<1x32xf32>
// CHECK-NEXT:    func.return %f

// -----

// A flatten/reshape chain collapses into one reshape.
func.func @chain(%x: tensor<1x8x2x2xf32>) -> tensor<2x16xf32> {
  %f = n64.flatten %x {axis = 1 : i64} : (tensor<1x8x2x2xf32>) -> tensor<1x32xf32>
  %r = n64.reshape %f : (tensor<1x32xf32>) -> tensor<1x8x4xf32>
  %s = n64.reshape %r : (tensor<1x8x4xf32>) -> tensor<2x16xf32>
  func.return %s : tensor<2x16xf32>
}
// CHECK-LABEL: func.func @chain
// CHECK-NEXT:    %s = n64.reshape %x : (tensor<1x8x2x2xf32>) -> tensor<2x16xf32>
// CHECK-NEXT:    func.return %s

// -----

// A chain that comes back to the input's shape vanishes.
func.func @round_trip(%x: tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32> {
  %r = n64.reshape %x : (tensor<1x8x2x2xf32>) -> tensor<1x32xf32>
  %s = n64.reshape %r : (tensor<1x32xf32>) -> tensor<1x8x2x2xf32>
  %t = n64.relu %s : tensor<1x8x2x2xf32>
  func.return %t : tensor<1x8x2x2xf32>
}
// CHECK-LABEL: func.func @round_trip
// CHECK-NEXT:    %t = n64.relu %x : tensor<1x8x2x2xf32>
// CHECK-NEXT:    func.return %t

// -----

// Identity reshape and identity flatten vanish.
func.func @identity(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %r = n64.reshape %x : (tensor<4x6xf32>) -> tensor<4x6xf32>
  %f = n64.flatten %r {axis = 1 : i64} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  func.return %f : tensor<4x6xf32>
}
// CHECK-LABEL: func.func @identity
// CHECK-NEXT:    func.return %x

// -----

// A reshape of a single-use constant folds into the constant.
func.func @constant() -> tensor<2x2xf32> {
  %c = n64.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
  %r = n64.reshape %c : (tensor<4xf32>) -> tensor<2x2xf32>
  func.return %r : tensor<2x2xf32>
}
// CHECK-LABEL: func.func @constant
// CHECK-NEXT:    %{{.*}} = n64.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT:    func.return

// -----

// Negative: a constant with another user is not copied.
func.func @shared_constant(%x: tensor<4xf32>) -> (tensor<2x2xf32>, tensor<4xf32>) {
  %c = n64.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
  %r = n64.reshape %c : (tensor<4xf32>) -> tensor<2x2xf32>
  %a = n64.add %x, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  func.return %r, %a : tensor<2x2xf32>, tensor<4xf32>
}
// CHECK-LABEL: func.func @shared_constant
// CHECK-NEXT:    %c = n64.constant
// CHECK-NEXT:    %r = n64.reshape %c : (tensor<4xf32>) -> tensor<2x2xf32>
// CHECK-NEXT:    %a = n64.add %x, %c

// -----

// Negative: an inner reshape with another user stays for that user; the
// outer one reads the original input.
func.func @shared_inner(%x: tensor<2x6xf32>) -> (tensor<3x4xf32>, tensor<12xf32>) {
  %r = n64.reshape %x : (tensor<2x6xf32>) -> tensor<12xf32>
  %s = n64.reshape %r : (tensor<12xf32>) -> tensor<3x4xf32>
  %t = n64.relu %r : tensor<12xf32>
  func.return %s, %t : tensor<3x4xf32>, tensor<12xf32>
}
// CHECK-LABEL: func.func @shared_inner
// CHECK-NEXT:    %r = n64.reshape %x : (tensor<2x6xf32>) -> tensor<12xf32>
// CHECK-NEXT:    %s = n64.reshape %x : (tensor<2x6xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    %t = n64.relu %r

// -----

// Negative: transpose is not a reshape.
func.func @transpose(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %t = n64.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %r = n64.reshape %t : (tensor<3x2xf32>) -> tensor<6xf32>
  func.return %r : tensor<6xf32>
}
// CHECK-LABEL: func.func @transpose
// CHECK-NEXT:    %t = n64.transpose %x
// CHECK-NEXT:    %r = n64.reshape %t : (tensor<3x2xf32>) -> tensor<6xf32>
