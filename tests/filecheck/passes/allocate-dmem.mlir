// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem | filecheck %s
// RUN: not n64-opt %s -p 'tile-for-dmem,allocate-dmem{dmem=600}' 2>&1 | filecheck %s --check-prefix=BUDGET

// Word 0 of DMEM is the parameter block, then the working buffers, 16-byte
// aligned: even kernels packed from the bottom, odd kernels from the top of
// DMEM, each ring filling first the slot away from the previous kernel.
// Constant vectors ("k", with init) take no DMEM and get no offset: the
// kernel builds them in registers.
func.func @two(%x: tensor<1x16xi16>) -> tensor<1x8xi16> {
  %w0 = n64.constant dense<1> : tensor<16x24xi16>
  %h = n64.qgemm %x, %w0 shifts [16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(0, 32767) : (tensor<1x16xi16>, tensor<16x24xi16>) -> tensor<1x24xi16>
  %w1 = n64.constant dense<2> : tensor<24x16xi16>
  %y = n64.qgemm %h, %w1 shifts [16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(-32768, 32767) : (tensor<1x24xi16>, tensor<24x16xi16>) -> tensor<1x16xi16>
  %w2 = n64.constant dense<3> : tensor<16x8xi16>
  %z = n64.qgemm %y, %w2 shifts [16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(-32768, 32767) : (tensor<1x16xi16>, tensor<16x8xi16>) -> tensor<1x8xi16>
  func.return %z : tensor<1x8xi16>
}

// CHECK:      n64.tile_kernel "gemm0"{{.*}}n64.dmem_range = array<i64: 16, 704>
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   n64.dmem_alloc "x" {offset = 16 : i64} : !n64.dmem<32>
// CHECK-NEXT:   n64.dmem_alloc "w" {n64.first_slot = 0 : i64, offset = 48 : i64} : !n64.dmem<304 x 2>
// CHECK-NEXT:   n64.dmem_alloc "y" {offset = 656 : i64} : !n64.dmem<48>
// CHECK-NEXT:   n64.dmem_alloc "k" {init = array<i16: 16384, 1, 0, 32767, 0, 0, 0, 0>} : !n64.dmem<16>
// CHECK:      n64.tile_kernel "gemm1"{{.*}}n64.dmem_range = array<i64: 3152, 4096>
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   n64.dmem_alloc "x" {offset = 4048 : i64} : !n64.dmem<48>
// CHECK-NEXT:   n64.dmem_alloc "w" {n64.first_slot = 1 : i64, offset = 3184 : i64} : !n64.dmem<432 x 2>
// CHECK-NEXT:   n64.dmem_alloc "y" {offset = 3152 : i64} : !n64.dmem<32>
// CHECK-NEXT:   n64.dmem_alloc "k" {init = array<i16: 16384, 1, -32768, 32767, 0, 0, 0, 0>} : !n64.dmem<16>
// CHECK:      n64.tile_kernel "gemm2"{{.*}}n64.dmem_range = array<i64: 16, 672>
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   n64.dmem_alloc "x" {offset = 16 : i64} : !n64.dmem<32>
// CHECK-NEXT:   n64.dmem_alloc "w" {n64.first_slot = 0 : i64, offset = 48 : i64} : !n64.dmem<304 x 2>
// CHECK-NEXT:   n64.dmem_alloc "y" {offset = 656 : i64} : !n64.dmem<16>
// CHECK-NEXT:   n64.dmem_alloc "k" {init = {{.*}}} : !n64.dmem<16>

// BUDGET: error: layer gemm0: DMEM working set ends at byte 704, 104 bytes over the 600-byte DMEM budget
