// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s
// RUN: not n64-opt %s -p 'tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp{imem=256}' 2>&1 | filecheck %s --check-prefix=IMEM
// RUN: not n64-opt %s -p tile-for-dmem,lower-to-rsp 2>&1 | filecheck %s --check-prefix=ORDER

// The kernel becomes an n64.rsp_invoke of a nested ucode module on virtual
// registers: read the RDRAM base, build the constant vector [16384, 1, 0,
// 32767, 0...] from immediates (the DMEM image is the parameter block only),
// prefetch, loop over the 2 groups (prefetch
// the next tile and wait for all but it; on the last trip, with no tile to
// prefetch, wait for all; 16 MACs, bias, requantise, clamp at 0, store 8
// results in the row buffer), DMA the row out, wait for the DMA, break.
func.func @main(%x: tensor<1x12xi16>) -> tensor<1x10xi16> {
  %w = n64.constant dense<3> : tensor<12x10xi16>
  %b = n64.constant dense<100> : tensor<10xi32>
  %y = n64.qgemm %x, %w, %b shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x12xi16>, tensor<12x10xi16>, tensor<10xi32>) -> tensor<1x10xi16>
  func.return %y : tensor<1x10xi16>
}

// CHECK:       %y = n64.rsp_invoke @ucode0(%x) {n64.layer_macs = array<i64: 120>, n64.layer_cycles = array<i64: {{[0-9]+}}>, layers = ["gemm0"], input_offsets = array<i64: 608>, output_offsets = array<i64: 640>, base_slot = 0 : i64, macs = 120 : i64, cycles = {{[0-9]+}} : i64} : (tensor<1x12xi16>) -> tensor<1x10xi16>
// CHECK:       builtin.module @ucode0 {
// CHECK-NEXT:    rsp.section "text" {
// CHECK:           %[[BASE:.*]] = rsp.lw %0, 0 : (!rsp.reg<zero>) -> !rsp.reg<j_0>
// CHECK:           rsp.vxor %[[K:.*]], %[[K]], v
// CHECK-NEXT:      rsp.addi %0, 16384
// CHECK-NEXT:      rsp.mtc2 %{{.*}}, %{{.*}}, 0
// CHECK-NEXT:      rsp.addi %0, 1
// CHECK-NEXT:      rsp.mtc2 %{{.*}}, %{{.*}}, 2
// CHECK-NEXT:      rsp.addi %0, 32767
// CHECK-NEXT:      rsp.mtc2 %{{.*}}, %{{.*}}, 6
// CHECK:           rsp.mtc0 {{.*}}, COP0_DMA_SPADDR
// CHECK:           rsp.mtc0 {{.*}}, COP0_DMA_RAMADDR
// CHECK:           rsp.addi %0, 303 : (!rsp.reg<zero>) -> !rsp.reg<j_{{[0-9]+}}>
// CHECK-NEXT:      rsp.mtc0 {{.*}}, COP0_DMA_READ
// CHECK:           rsp.addi %0, 2 {comment = "loop counter"}
// CHECK-NEXT:      rsp.label "ucode0_loop_3"
// CHECK-NEXT:      %[[LAST:.*]] = rsp.addi %{{.*}}, -1
// CHECK-NEXT:      rsp.beq %[[LAST]], %0, "ucode0_last_dma_4"
// CHECK-NEXT:      rsp.nop
// CHECK-NEXT:      rsp.label "ucode0_dma_full_5"
// CHECK-NEXT:      rsp.mfc0 COP0_DMA_FULL
// CHECK:           rsp.mtc0 {{.*}}, COP0_DMA_READ
// CHECK-NEXT:      %{{.*}} = rsp.xori
// CHECK-NEXT:      rsp.j "ucode0_dma_done_6"
// CHECK-NEXT:      rsp.nop
// CHECK-NEXT:      rsp.label "ucode0_last_dma_4"
// CHECK-NEXT:      rsp.label "ucode0_dma_busy_7"
// CHECK-NEXT:      rsp.mfc0 COP0_DMA_BUSY
// CHECK:           rsp.label "ucode0_dma_done_6"
// CHECK-NEXT:      rsp.label "ucode0_dma_full_8"
// CHECK-NEXT:      rsp.mfc0 COP0_DMA_FULL
// CHECK:           rsp.vmudh %{{.*}}, e0 : (!rsp.vreg<vj_{{[0-9]+}}>, !rsp.vreg<vj_{{[0-9]+}}>) -> !rsp.vreg<vj_[[ACC:[0-9]+]]>
// CHECK-COUNT-15:  rsp.vmadh %{{.*}} -> !rsp.vreg<vj_[[ACC]]>
// CHECK:           rsp.vmadh %{{.*}}, %{{.*}}, v : {{.*}} -> !rsp.vreg<vj_[[ACC]]>
// CHECK-NEXT:      rsp.vsar COP2_ACC_MD
// CHECK-NEXT:      rsp.vsar COP2_ACC_HI
// CHECK-NEXT:      rsp.vmudn
// CHECK-NEXT:      rsp.vmadh
// CHECK-NEXT:      rsp.vge %{{.*}}, e2
// CHECK-NEXT:      rsp.sqv %{{.*}}, %{{.*}}, 0, 0
// CHECK-NEXT:      rsp.xori %{{.*}}, 336
// CHECK-NEXT:      rsp.addi %{{.*}}, 304
// CHECK-NEXT:      rsp.addi %{{.*}}, 16
// CHECK-NEXT:      rsp.addi %{{.*}}, -1
// CHECK-NEXT:      rsp.bne %{{.*}}, %0, "ucode0_loop_3"
// CHECK-NEXT:      rsp.nop
// CHECK:           rsp.mtc0 {{.*}}, COP0_DMA_WRITE
// CHECK:           rsp.label "ucode0_dma_busy_{{[0-9]+}}"
// CHECK:           rsp.break
// CHECK:         rsp.section "data" {
// CHECK-NEXT:      rsp.word 0
// CHECK-NEXT:      rsp.space 12, 0
// CHECK-NEXT:    }

// IMEM: error: layer gemm0: its RSP code needs {{[0-9]+}} bytes of IMEM, {{[0-9]+}} bytes over the 256-byte budget
// ORDER: error: layer gemm0: run plan-rdram before lower-to-rsp
