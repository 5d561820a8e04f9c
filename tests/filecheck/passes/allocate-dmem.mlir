// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem | filecheck %s
// RUN: not n64-opt %s -p 'tile-for-dmem,allocate-dmem{dmem=600}' 2>&1 | filecheck %s --check-prefix=BUDGET

// Word 0 of DMEM is the parameter block; constants come next (they are part
// of the DMEM image), then the working buffers, 16-byte aligned.
func.func @main(%x: tensor<1x12xi16>) -> tensor<1x10xi16> {
  %w = n64.constant dense<3> : tensor<12x10xi16>
  %b = n64.constant dense<100> : tensor<10xi32>
  %y = n64.qgemm %x, %w, %b shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x12xi16>, tensor<12x10xi16>, tensor<10xi32>) -> tensor<1x10xi16>
  func.return %y : tensor<1x10xi16>
}

// CHECK:      %3 = n64.dmem_alloc "x" {offset = 32 : i64} : !n64.dmem<32>
// CHECK-NEXT: %4 = n64.dmem_alloc "w" {offset = 64 : i64} : !n64.dmem<304 x 2>
// CHECK-NEXT: %5 = n64.dmem_alloc "y" {offset = 672 : i64} : !n64.dmem<32>
// CHECK-NEXT: %6 = n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>, offset = 16 : i64} : !n64.dmem<16>

// BUDGET: error: layer gemm0: DMEM working set ends at byte 704, 104 bytes over the 600-byte DMEM budget
