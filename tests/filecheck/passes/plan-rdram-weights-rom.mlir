// RUN: n64-opt %s -p 'tile-for-dmem,allocate-dmem,plan-rdram{weights=rom}' | filecheck %s
// RUN: n64-opt %s -p 'tile-for-dmem,allocate-dmem,plan-rdram{weights=rom},lower-to-rsp' | filecheck %s --check-prefix=RUNS
// RUN: not n64-opt %s -p 'tile-for-dmem,allocate-dmem,plan-rdram{weights=rom reserve=4193000}' 2>&1 | filecheck %s --check-prefix=BUDGET
// RUN: not n64-opt %s -p 'tile-for-dmem,allocate-dmem,plan-rdram{weights=flash}' 2>&1 | filecheck %s --check-prefix=PLACEMENT

// Weights in the cartridge: the blob is the same as in plan-rdram.mlir (912,
// 864 and 304 bytes), but the arena holds two staging slots: slot 0 (912
// bytes: gemm0, then gemm2) and slot 1 (864 bytes: gemm1), then the
// activations from 1776. Each layer's weights offset points into its slot.
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

// CHECK:      n64.weight_segments = [{layer = "gemm0", blob_offset = 0 : i64, size = 912 : i64, staging_offset = 0 : i64}, {layer = "gemm1", blob_offset = 912 : i64, size = 864 : i64, staging_offset = 912 : i64}, {layer = "gemm2", blob_offset = 1776 : i64, size = 304 : i64, staging_offset = 0 : i64}]
// CHECK-SAME: n64.rdram_layout = {memory = "4MiB", weights_offset = 0 : i64, weights_size = 2080 : i64, activations_offset = 1776 : i64, activations_size = 80 : i64, total_size = 1856 : i64, weights_in = "rom", staging_offset = 0 : i64, staging_size = 1776 : i64}
// CHECK:      n64.tile_kernel "gemm0"{{.*}}rdram_offsets = array<i64: 1824, 1776, 0>
// CHECK:      n64.tile_kernel "gemm1"{{.*}}rdram_offsets = array<i64: 1776, 1824, 912>
// CHECK:      n64.tile_kernel "gemm2"{{.*}}rdram_offsets = array<i64: 1824, 1776, 0>

// One RSP run per layer with weights (they would share one ucode otherwise).
// RUNS:      n64.rsp_invoke @ucode0
// RUNS-NEXT: n64.rsp_invoke @ucode1
// RUNS-NEXT: n64.rsp_invoke @ucode2

// BUDGET: error: RDRAM budget of 4MiB (1304 bytes after reserving 4193000) exceeded by 472 bytes at layer gemm0: streaming weights from the cartridge needs two staging slots (912 + 864 bytes), and this layer's 912 bytes must fit one
// PLACEMENT: error: weights must be rdram or rom, not 'flash'
