// RUN: n64-opt %s -p tile-for-dmem | filecheck %s
// RUN: n64-opt %s -p tile-for-dmem | n64-opt | filecheck %s

// An element-wise add of 4,032 padded bytes: more than one chunk, so the
// inputs are rings of two 896-byte slots (7 groups of 8 vectors). Chunk 0
// loads before the loop (and is waited for: its second input would
// otherwise be the transfer queued before the first prefetch); each trip
// prefetches the next chunk (not on the last trip), the second input
// halfway through the compute (`deferred`), computes the chunk in a's slot
// and sends it out. The last 448 bytes follow the loop.
func.func @add(%a: tensor<4x500xi16>, %b: tensor<4x500xi16>) -> tensor<4x500xi16> {
  %y = n64.qadd %a, %b lhs_mul_log2 2 rhs_mul_log2 0 shift 3 frac_bits 9 clamp(0, 32767) : (tensor<4x500xi16>, tensor<4x500xi16>) -> tensor<4x500xi16>
  func.return %y : tensor<4x500xi16>
}
// CHECK:      n64.tile_kernel "add0"(%a, %b) {n64.eltwise = array<i64: 4032, 2, 896>, macs = 0 : i64}
// CHECK:        %[[A:.*]] = n64.dmem_alloc "a" : !n64.dmem<896 x 2>
// CHECK-NEXT:   %[[B:.*]] = n64.dmem_alloc "b" : !n64.dmem<896 x 2>
// CHECK:        n64.dma_in %{{.*}}[] -> %[[A]] {offset = 0 : i64, {{.*}}bytes = 896 : i64, {{.*}}tag = 0 : i64}
// CHECK-NEXT:   n64.dma_in %{{.*}}[] -> %[[B]] {offset = 0 : i64, {{.*}}bytes = 896 : i64, {{.*}}tag = 0 : i64}
// CHECK-NEXT:   n64.dma_wait {tag = 0 : i64}
// CHECK-NEXT:   scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT:     n64.dma_in %{{.*}}[%[[I]]] -> %[[A]] {offset = 896 : i64, strides = array<i64: 896>, {{.*}}tag = 0 : i64, skip_last}
// CHECK-NEXT:     n64.dma_in %{{.*}}[%[[I]]] -> %[[B]] {offset = 896 : i64, strides = array<i64: 896>, {{.*}}tag = 0 : i64, skip_last, deferred}
// CHECK-NEXT:     n64.tile_eltwise "add" %[[A]], %[[B]] -> %[[A]], %{{.*}} {vectors = 56 : i64
// CHECK-NEXT:     n64.dma_out %[[A]] -> %{{.*}}[%[[I]]] {offset = 0 : i64, strides = array<i64: 896>
// CHECK-NEXT:   }
// CHECK-NEXT:   n64.dma_in %{{.*}}[] -> %[[A]] {offset = 3584 : i64, {{.*}}bytes = 448 : i64
// CHECK-NEXT:   n64.dma_in %{{.*}}[] -> %[[B]] {offset = 3584 : i64, {{.*}}bytes = 448 : i64
// CHECK-NEXT:   n64.dma_wait {tag = 0 : i64}
// CHECK-NEXT:   n64.tile_eltwise "add" %[[A]], %[[B]] -> %[[A]], %{{.*}} {vectors = 28 : i64
