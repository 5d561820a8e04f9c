// RUN: n64-opt %s | filecheck %s
// RUN: n64-opt %s --print-op-generic | n64-opt | filecheck %s
// RUN: n64-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// `n64.qslice` and `n64.qgather` (int16 data movement) in their custom
// form; the second RUN line goes through the generic form.

builtin.module {
  func.func @main(%x: tensor<1x6x4x4xi16>) -> (tensor<1x3x4x4xi16>, tensor<1x2x2x4x4xi16>, tensor<1x4x4xi16>) {
    %s = n64.qslice %x axis 1 start 2 end 5 frac_bits 11 : tensor<1x6x4x4xi16> -> tensor<1x3x4x4xi16>
    %g = n64.qgather %x axis 1 indices [5, 0, 2, 2] frac_bits 11 : tensor<1x6x4x4xi16> -> tensor<1x2x2x4x4xi16>
    %o = n64.qgather %x axis 1 indices [3] frac_bits 11 : tensor<1x6x4x4xi16> -> tensor<1x4x4xi16>
    // CHECK:      %s = n64.qslice %x axis 1 start 2 end 5 frac_bits 11 : tensor<1x6x4x4xi16> -> tensor<1x3x4x4xi16>
    // CHECK-NEXT: %g = n64.qgather %x axis 1 indices [5, 0, 2, 2] frac_bits 11 : tensor<1x6x4x4xi16> -> tensor<1x2x2x4x4xi16>
    // CHECK-NEXT: %o = n64.qgather %x axis 1 indices [3] frac_bits 11 : tensor<1x6x4x4xi16> -> tensor<1x4x4xi16>
    func.return %s, %g, %o : tensor<1x3x4x4xi16>, tensor<1x2x2x4x4xi16>, tensor<1x4x4xi16>
  }
}

// GENERIC: "n64.qslice"(%{{.*}}) <{axis = 1 : i32, start = 2 : i32, end = 5 : i32, frac_bits = 11 : i32}>
// GENERIC: "n64.qgather"(%{{.*}}) <{axis = 1 : i32, indices = array<i32: 5, 0, 2, 2>, frac_bits = 11 : i32}>
