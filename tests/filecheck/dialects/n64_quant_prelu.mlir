// RUN: n64-opt %s | filecheck %s
// RUN: n64-opt %s --print-op-generic | n64-opt | filecheck %s
// RUN: n64-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// `n64.qprelu` (LeakyRelu with one slope, PRelu with one slope per channel)
// in its custom form; the second RUN line goes through the generic form.

builtin.module {
  func.func @main(%x: tensor<1x2x4x4xi16>) -> (tensor<1x2x4x4xi16>, tensor<1x2x4x4xi16>) {
    %l = n64.qprelu %x axis 0 multipliers [20972] shifts [21] frac_bits 12 : tensor<1x2x4x4xi16> -> tensor<1x2x4x4xi16>
    %p = n64.qprelu %x axis 1 multipliers [20972, -16384] shifts [21, 15] frac_bits 12 : tensor<1x2x4x4xi16> -> tensor<1x2x4x4xi16>
    // CHECK:      %l = n64.qprelu %x axis 0 multipliers [20972] shifts [21] frac_bits 12 : tensor<1x2x4x4xi16> -> tensor<1x2x4x4xi16>
    // CHECK-NEXT: %p = n64.qprelu %x axis 1 multipliers [20972, -16384] shifts [21, 15] frac_bits 12 : tensor<1x2x4x4xi16> -> tensor<1x2x4x4xi16>
    func.return %l, %p : tensor<1x2x4x4xi16>, tensor<1x2x4x4xi16>
  }
}

// GENERIC: "n64.qprelu"(%{{.*}}) <{axis = 1 : i32, multipliers = array<i32: 20972, -16384>, shifts = array<i32: 21, 15>, frac_bits = 12 : i32}>
