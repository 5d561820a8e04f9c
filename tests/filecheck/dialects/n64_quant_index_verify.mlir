// RUN: n64-opt %s --split-input-file --verify-diagnostics | filecheck %s

// The verifiers of `n64.qslice` and `n64.qgather`.

func.func @slice_range(%x: tensor<1x6xi16>) -> tensor<1x3xi16> {
  %y = n64.qslice %x axis 1 start 4 end 7 frac_bits 3 : tensor<1x6xi16> -> tensor<1x3xi16>
  func.return %y : tensor<1x3xi16>
}
// CHECK: n64.qslice: slice [4, 7) does not fit axis 1 of size 6

// -----

func.func @slice_shape(%x: tensor<1x6xi16>) -> tensor<1x2xi16> {
  %y = n64.qslice %x axis 1 start 0 end 3 frac_bits 3 : tensor<1x6xi16> -> tensor<1x2xi16>
  func.return %y : tensor<1x2xi16>
}
// CHECK: n64.qslice: result shape [1, 2], expected [1, 3]

// -----

func.func @gather_index(%x: tensor<1x6xi16>) -> tensor<1x2xi16> {
  %y = n64.qgather %x axis 1 indices [0, 6] frac_bits 3 : tensor<1x6xi16> -> tensor<1x2xi16>
  func.return %y : tensor<1x2xi16>
}
// CHECK: n64.qgather: indices [6] are outside [0, 6) (axis 1 of [1, 6])

// -----

func.func @gather_axis(%x: tensor<1x6xi16>) -> tensor<1x2xi16> {
  %y = n64.qgather %x axis 2 indices [0, 1] frac_bits 3 : tensor<1x6xi16> -> tensor<1x2xi16>
  func.return %y : tensor<1x2xi16>
}
// CHECK: n64.qgather: axis 2 outside [0, 2)

// -----

func.func @gather_count(%x: tensor<1x6xi16>) -> tensor<1x3xi16> {
  %y = n64.qgather %x axis 1 indices [0, 1] frac_bits 3 : tensor<1x6xi16> -> tensor<1x3xi16>
  func.return %y : tensor<1x3xi16>
}
// CHECK: n64.qgather: 2 indices do not fit result shape [1, 3] for x [1, 6]
