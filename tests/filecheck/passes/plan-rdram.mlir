// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram | filecheck %s
// RUN: not n64-opt %s -p 'tile-for-dmem,allocate-dmem,plan-rdram{reserve=4194000}' 2>&1 | filecheck %s --check-prefix=BUDGET
// RUN: not n64-opt %s -p 'tile-for-dmem,allocate-dmem,plan-rdram{memory="2MiB"}' 2>&1 | filecheck %s --check-prefix=MEMORY

// Weights first (one blob, in layer order), then the activations: %h and %z
// share bytes 2080.., %x and %y share 2128.. (their lifetimes do not overlap).
func.func @two(%x: tensor<1x16xi16>) -> tensor<1x8xi16> {
  %w0 = n64.constant dense<1> : tensor<16x24xi16>
  %h = n64.qgemm %x, %w0 shifts [16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(0, 32767) : (tensor<1x16xi16>, tensor<16x24xi16>) -> tensor<1x24xi16>
  %w1 = n64.constant dense<2> : tensor<24x16xi16>
  %y = n64.qgemm %h, %w1 shifts [16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(-32768, 32767) : (tensor<1x24xi16>, tensor<24x16xi16>) -> tensor<1x16xi16>
  %w2 = n64.constant dense<3> : tensor<16x8xi16>
  %z = n64.qgemm %y, %w2 shifts [16, 16, 16, 16, 16, 16, 16, 16] w_frac_bits [14, 14, 14, 14, 14, 14, 14, 14] frac_bits 10 clamp(-32768, 32767) : (tensor<1x16xi16>, tensor<16x8xi16>) -> tensor<1x8xi16>
  func.return %z : tensor<1x8xi16>
}

// CHECK:      builtin.module attributes {n64.weights = dense<"0x{{[0-9A-F]+}}"> : tensor<1040xi16>, n64.rdram_layout = {memory = "4MiB", weights_offset = 0 : i64, weights_size = 2080 : i64, activations_offset = 2080 : i64, activations_size = 80 : i64, total_size = 2160 : i64}}
// CHECK:      n64.tile_kernel "gemm0"{{.*}}rdram_offsets = array<i64: 2128, 2080, 0>
// CHECK:      n64.tile_kernel "gemm1"{{.*}}rdram_offsets = array<i64: 2080, 2128, 912>
// CHECK:      n64.tile_kernel "gemm2"{{.*}}rdram_offsets = array<i64: 2128, 2080, 1776>

// BUDGET: error: RDRAM budget of 4MiB (304 bytes after reserving 4194000) exceeded by 608 bytes at layer gemm0: the weights alone need 912 bytes
// MEMORY: error: memory must be 4MiB or 8MiB, not '2MiB'
