builtin.module attributes {n64.weights = dense<[1, 0, 1, 2, 0, 0, 0, 0, 0, 8192, 0, 0, 0, 0, 0, 0, 2, 4, 2, 1, 1, 1, 1, 1, 26751, -16749, 5480, -14884, 0, 0, 0, 0, -5933, -1413, -26476, -6080, 0, 0, 0, 0, -11341, 21778, 2959, -9244, 0, 0, 0, 0, -3687, -4378, -13830, -10245, 0, 0, 0, 0, 6317, -1563, 12554, -5238, 0, 0, 0, 0, 318, 10131, 7145, -13244, 0, 0, 0, 0, -2397, 3542, 25364, -7068, 0, 0, 0, 0, -3192, 6569, -11619, -7647, 0, 0, 0, 0]> : tensor<88xi16>, n64.rdram_layout = {memory = "4MiB", weights_offset = 0 : i64, weyghts_size = 176 : i64, activations_offset = 176 : i64, activations_size = 32 : i64, total_size = 208 : i64}} {
  func.func @main(%0: tensor<1x8xf32>, %1: tensor<1x8xf32>) -> tensor<1x4xf32> attributes {n64.input_names = ["a", "b"], n64.output_names = ["out"]} {
    %2 = n64.add %0, %1 {clamp_min = 0.000000e+00 : f32} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
    %3 = n64.quantize %2 frac_bits 13 : tensor<1x8xf32> -> tensor<1x8xi16>
    %4 = n64.rsp_invoke @ucode0(%3) {n64.layer_macs = array<i64: 32>, n64.layer_cycles = array<i64: 98>, layers = ["gemm0"], input_offsets = array<i64: 176>, output_offsets = array<i64: 192>, base_slot = 0 : i64, macs = 32 : i64, cycles = 98 : i64} : (tensor<1x8xi16>) -> tensor<1x4xi16>
    %5 = n64.dequantize %4 frac_bits 13 : tensor<1x4xi16> -> tensor<1x4xf32>
    %6 = n64.sigmoid %5 : tensor<1x4xf32>
    func.return %6 : tensor<1x4xf32>
  }
  builtin.module @ucode0 {
    rsp.section "text" {
      %0 = rsp.get_register : () -> !rsp.reg<zero>
      %1 = rsp.lw %0, 0 : (!rsp.reg<zero>) -> !rsp.reg<v0>
      rsp.label "ucode0_layer_0"
      %2 = rsp.get_register : () -> !rsp.vreg<v00>
      %3 = rsp.addi %0, 48 : (!rsp.reg<zero>) -> !rsp.reg<v1>
      %4 = rsp.addi %0, 48 : (!rsp.reg<zero>) -> !rsp.reg<a0>
      %5 = rsp.lqv %2, %0, 0, 16 : (!rsp.vreg<v00>, !rsp.reg<zero>) -> !rsp.vreg<v00>
      %6 = rsp.addi %1, 0 : (!rsp.reg<v0>) -> !rsp.reg<a1>
      rsp.label "ucode0_dma_full_1"
      %7 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<a2>
      rsp.bne %7, %0, "ucode0_dma_full_1" : (!rsp.reg<a2>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %3, COP0_DMA_SPADDR : (!rsp.reg<v1>) -> ()
      rsp.mtc0 %6, COP0_DMA_RAMADDR : (!rsp.reg<a1>) -> ()
      %8 = rsp.addi %0, 175 : (!rsp.reg<zero>) -> !rsp.reg<a3>
      %9 = rsp.xori %3, 208 : (!rsp.reg<v1>) -> !rsp.reg<v1>
      rsp.mtc0 %8, COP0_DMA_READ : (!rsp.reg<a3>) -> ()
      %10 = rsp.addi %1, 176 : (!rsp.reg<v0>) -> !rsp.reg<t0>
      %11 = rsp.addi %0, 32 : (!rsp.reg<zero>) -> !rsp.reg<t1>
      rsp.label "ucode0_dma_full_2"
      %12 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t2>
      rsp.bne %12, %0, "ucode0_dma_full_2" : (!rsp.reg<t2>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %11, COP0_DMA_SPADDR : (!rsp.reg<t1>) -> ()
      rsp.mtc0 %10, COP0_DMA_RAMADDR : (!rsp.reg<t0>) -> ()
      %13 = rsp.addi %0, 15 : (!rsp.reg<zero>) -> !rsp.reg<t3>
      rsp.mtc0 %13, COP0_DMA_READ : (!rsp.reg<t3>) -> ()
      rsp.label "ucode0_dma_full_3"
      %14 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t4>
      rsp.bne %14, %0, "ucode0_dma_full_3" : (!rsp.reg<t4>, !rsp.reg<zero>) -> ()
      rsp.nop
      %15 = rsp.get_register : () -> !rsp.vreg<v01>
      %16 = rsp.get_register : () -> !rsp.vreg<v02>
      %17 = rsp.get_register : () -> !rsp.vreg<v04>
      %18 = rsp.get_register : () -> !rsp.vreg<v05>
      %19 = rsp.get_register : () -> !rsp.vreg<v06>
      %20 = rsp.get_register : () -> !rsp.vreg<v07>
      %21 = rsp.get_register : () -> !rsp.vreg<v08>
      %22 = rsp.get_register : () -> !rsp.vreg<v09>
      %23 = rsp.get_register : () -> !rsp.vreg<v10>
      %24 = rsp.get_register : () -> !rsp.vreg<v11>
      %25 = rsp.get_register : () -> !rsp.vreg<v12>
      %26 = rsp.get_register : () -> !rsp.vreg<v13>
      %27 = rsp.lqv %15, %0, 0, 32 : (!rsp.vreg<v01>, !rsp.reg<zero>) -> !rsp.vreg<v01>
      %28 = rsp.lqv %16, %4, 0, 48 : (!rsp.vreg<v02>, !rsp.reg<a0>) -> !rsp.vreg<v02>
      %29 = rsp.lqv %17, %4, 0, 64 : (!rsp.vreg<v04>, !rsp.reg<a0>) -> !rsp.vreg<v04>
      %30 = rsp.lqv %18, %4, 0, 80 : (!rsp.vreg<v05>, !rsp.reg<a0>) -> !rsp.vreg<v05>
      %31 = rsp.lqv %19, %4, 0, 96 : (!rsp.vreg<v06>, !rsp.reg<a0>) -> !rsp.vreg<v06>
      %32 = rsp.lqv %20, %4, 0, 112 : (!rsp.vreg<v07>, !rsp.reg<a0>) -> !rsp.vreg<v07>
      %33 = rsp.vmudh %28, %27, e0 : (!rsp.vreg<v02>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %34 = rsp.vmadh %29, %27, e1 : (!rsp.vreg<v04>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %35 = rsp.lqv %21, %4, 0, 128 : (!rsp.vreg<v08>, !rsp.reg<a0>) -> !rsp.vreg<v08>
      %36 = rsp.vmadh %30, %27, e2 : (!rsp.vreg<v05>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %37 = rsp.lqv %22, %4, 0, 144 : (!rsp.vreg<v09>, !rsp.reg<a0>) -> !rsp.vreg<v09>
      %38 = rsp.vmadh %31, %27, e3 : (!rsp.vreg<v06>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %39 = rsp.lqv %23, %4, 0, 160 : (!rsp.vreg<v10>, !rsp.reg<a0>) -> !rsp.vreg<v10>
      %40 = rsp.vmadh %32, %27, e4 : (!rsp.vreg<v07>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %41 = rsp.lqv %24, %4, 0, 0 : (!rsp.vreg<v11>, !rsp.reg<a0>) -> !rsp.vreg<v11>
      %42 = rsp.vmadh %35, %27, e5 : (!rsp.vreg<v08>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %43 = rsp.lqv %25, %4, 0, 16 : (!rsp.vreg<v12>, !rsp.reg<a0>) -> !rsp.vreg<v12>
      %44 = rsp.vmadh %37, %27, e6 : (!rsp.vreg<v09>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %45 = rsp.lqv %26, %4, 0, 32 : (!rsp.vreg<v13>, !rsp.reg<a0>) -> !rsp.vreg<v13>
      %46 = rsp.vmadh %39, %27, e7 : (!rsp.vreg<v10>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %47 = rsp.xori %4, 208 : (!rsp.reg<a0>) -> !rsp.reg<a0>
      %48 = rsp.vmadh %41, %5, e0 : (!rsp.vreg<v11>, !rsp.vreg<v00>) -> !rsp.vreg<v03>
      %49 = rsp.addi %1, 192 : (!rsp.reg<v0>) -> !rsp.reg<t5>
      %50 = rsp.vmadh %43, %5, e1 : (!rsp.vreg<v12>, !rsp.vreg<v00>) -> !rsp.vreg<v03>
      %51 = rsp.addi %0, 400 : (!rsp.reg<zero>) -> !rsp.reg<t6>
      %52 = rsp.vsar COP2_ACC_MD : () -> !rsp.vreg<v15>
      %53 = rsp.vsar COP2_ACC_HI : () -> !rsp.vreg<v14>
      %54 = rsp.vmudn %52, %45, v : (!rsp.vreg<v15>, !rsp.vreg<v13>) -> !rsp.vreg<v03>
      %55 = rsp.vmadh %53, %45, v : (!rsp.vreg<v14>, !rsp.vreg<v13>) -> !rsp.vreg<v16>
      rsp.sqv %55, %0, 0, 400 : (!rsp.vreg<v16>, !rsp.reg<zero>) -> ()
      rsp.label "ucode0_dma_full_4"
      %56 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t7>
      rsp.bne %56, %0, "ucode0_dma_full_4" : (!rsp.reg<t7>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %51, COP0_DMA_SPADDR : (!rsp.reg<t6>) -> ()
      rsp.mtc0 %49, COP0_DMA_RAMADDR : (!rsp.reg<t5>) -> ()
      %57 = rsp.addi %0, 15 : (!rsp.reg<zero>) -> !rsp.reg<s0>
      rsp.mtc0 %57, COP0_DMA_WRITE : (!rsp.reg<s0>) -> ()
      rsp.label "ucode0_dma_busy_5"
      %58 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<s1>
      rsp.bne %58, %0, "ucode0_dma_busy_5" : (!rsp.reg<s1>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.sw %1, %0, 4 : (!rsp.reg<v0>, !rsp.reg<zero>) -> ()
      rsp.break
      rsp.nop
    }
    rsp.section "data" {
      rsp.word 0
      rsp.space 12, 0
      rsp.half 16384, 1, -32768, 32767, 0, 0, 0, 0
    }
  }
}
