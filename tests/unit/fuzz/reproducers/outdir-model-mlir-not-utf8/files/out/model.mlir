builtin.module attributes {n64.weights = dense<"0xBD106AF1000000000000000000000000C821342C000000000000000000000000010001000100010001000100010001004F08C3E50000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006E9512E00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000D8ED49F100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000AE946CF0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001C4F78DA000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004B328E1500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000B2F14DFB000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000422D619000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005C0C3BE300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000BD106AF1000000000000000000000000C821342C000000000000000000000000010001000100010001000100010001004F08C3E50000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006E9512E00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000D8ED49F100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000AE946CF0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001C4F78DA000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004B328E1500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000B2F14DFB000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000422D619000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005C0C3BE300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080008000800080B50555FF25FB00000000000000000000E4381F25BE11000000000000000000000200020002000100010001000100010097BD37C65020000000000000000000006326325B850A00000000000000000000F1046929BE1B000000000000000000003CF564E2E318000000000000000000001608E80A7BF90000000000000000000072F823F9F5FB0000000000000000000059219ED4CDEF00000000000000000000F4180DD741C50000000000000000000054092D45A5E2000000000000000000008AA2072ED5020000000000000000000090D65FEA382500000000000000000000FD39A8FF80E300000000000000000000FAF6DB3218B8000000000000000000005A120FFDD7CF00000000000000000000562BBD2786C90000000000000000000003DED8439B0D00000000000000000000E605AF2E600300000000000000000000FD0F61F584E500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"> : tensor<1512xi16>, n64.rdram_layout = {memory = "4MiB", weights_offset = 0 : i64, weights_size = 3024 : i64, activations_offset = 3024 : i64, activations_size = 1152 : i64, total_size = 4176 : i64}} {
  func.func @main(%0: tensor<1x1x6x6xf32>) -> tensor<1x3xf32> attributes {n64.input_names = ["img"], n64.output_names = ["logits"]} {
    %1 = n64.quantize %0 frac_bits 14 : tensor<1x1x6x6xf32> -> tensor<1x1x6x6xi16>
    %2 = n64.qtranspose %1 perm [0, 2, 3, 1] frac_bits 14 : tensor<1x1x6x6xi16> -> tensor<1x6x6x1xi16>
    %3 = n64.rsp_invoke @ucode0(%2) {n64.layer_macs = array<i64: 648, 0>, n64.layer_cycles = array<i64: 1836, 544>, layers = ["conv0", "maxpool0"], input_offsets = array<i64: 3024>, output_offsets = array<i64: 3024>, base_slot = 0 : i64, macs = 648 : i64, cycles = 2380 : i64} : (tensor<1x6x6x1xi16>) -> tensor<1x3x3x2xi16>
    %4 = n64.qreshape %3 frac_bits 13 : tensor<1x3x3x2xi16> -> tensor<1x18xi16>
    %5 = n64.rsp_invoke @ucode1(%4) {n64.layer_macs = array<i64: 54>, n64.layer_cycles = array<i64: 166>, layers = ["gemm0"], input_offsets = array<i64: 3168>, output_offsets = array<i64: 3024>, base_slot = 0 : i64, macs = 54 : i64, cycles = 166 : i64} : (tensor<1x18xi16>) -> tensor<1x3xi16>
    %6 = n64.dequantize %5 frac_bits 13 : tensor<1x3xi16> -> tensor<1x3xf32>
    func.return %6 : tensor<1x3xf32>
  }
  builtin.module @ucode0 {
    rsp.section "text" {
      %0 = rsp.get_register : () -> !rsp.reg<zero>
      %1 = rsp.lw %0, 0 : (!rsp.reg<zero>) -> !rsp.reg<v0>
      rsp.label "ucode0_layer_0"
      %2 = rsp.get_register : () -> !rsp.vreg<v00>
      %3 = rsp.lqv %2, %0, 0, 16 : (!rsp.vreg<v00>, !rsp.reg<zero>) -> !rsp.vreg<v00>
      rsp.label "ucode0_dma_busy_1"
      %4 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<v1>
      rsp.bne %4, %0, "ucode0_dma_busy_1" : (!rsp.reg<v1>, !rsp.reg<zero>) -> ()
      rsp.nop
      %5 = rsp.get_register : () -> !rsp.vreg<v01>
      %6 = rsp.lqv %5, %0, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<zero>) -> !rsp.vreg<v01>
      %7 = rsp.addi %0, 64 : (!rsp.reg<zero>) -> !rsp.reg<a0>
      %8 = rsp.addi %0, 16 {comment = "fill"} : (!rsp.reg<zero>) -> !rsp.reg<a1>
      %9 = rsp.vxor %6, %6, v : (!rsp.vreg<v01>, !rsp.vreg<v01>) -> !rsp.vreg<v02>
      rsp.label "ucode0_fill_2"
      rsp.sqv %9, %7, 0, 0 : (!rsp.vreg<v02>, !rsp.reg<a0>) -> ()
      rsp.sqv %9, %7, 0, 16 : (!rsp.vreg<v02>, !rsp.reg<a0>) -> ()
      rsp.sqv %9, %7, 0, 32 : (!rsp.vreg<v02>, !rsp.reg<a0>) -> ()
      rsp.sqv %9, %7, 0, 48 : (!rsp.vreg<v02>, !rsp.reg<a0>) -> ()
      %10 = rsp.addi %7, 64 : (!rsp.reg<a0>) -> !rsp.reg<a0>
      %11 = rsp.addi %8, -1 : (!rsp.reg<a1>) -> !rsp.reg<a1>
      rsp.bne %11, %0, "ucode0_fill_2" : (!rsp.reg<a1>, !rsp.reg<zero>) -> ()
      rsp.nop
      %12 = rsp.addi %1, 3024 : (!rsp.reg<v0>) -> !rsp.reg<a2>
      %13 = rsp.addi %1, 3600 : (!rsp.reg<v0>) -> !rsp.reg<a3>
      %14 = rsp.addi %1, 0 : (!rsp.reg<v0>) -> !rsp.reg<t0>
      %15 = rsp.addi %0, 1664 : (!rsp.reg<zero>) -> !rsp.reg<t1>
      rsp.label "ucode0_dma_full_3"
      %16 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t2>
      rsp.bne %16, %0, "ucode0_dma_full_3" : (!rsp.reg<t2>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %15, COP0_DMA_SPADDR : (!rsp.reg<t1>) -> ()
      rsp.mtc0 %14, COP0_DMA_RAMADDR : (!rsp.reg<t0>) -> ()
      %17 = rsp.addi %0, 1199 : (!rsp.reg<zero>) -> !rsp.reg<t3>
      %18 = rsp.addi %0, -1 : (!rsp.reg<zero>) -> !rsp.reg<t4>
      %19 = rsp.addi %12, -96 : (!rsp.reg<a2>) -> !rsp.reg<t5>
      rsp.mtc0 %17, COP0_DMA_READ : (!rsp.reg<t3>) -> ()
      %20 = rsp.addi %13, 0 : (!rsp.reg<a3>) -> !rsp.reg<t6>
      %21 = rsp.addi %0, 1664 : (!rsp.reg<zero>) -> !rsp.reg<t7>
      %22 = rsp.addi %18, 0 : (!rsp.reg<t4>) -> !rsp.reg<s0>
      %23 = rsp.addi %19, 0 : (!rsp.reg<t5>) -> !rsp.reg<s1>
      %24 = rsp.addi %1, 2400 : (!rsp.reg<v0>) -> !rsp.reg<s2>
      %25 = rsp.addi %0, 80 : (!rsp.reg<zero>) -> !rsp.reg<s3>
      %26 = rsp.addi %0, 8 {comment = "band"} : (!rsp.reg<zero>) -> !rsp.reg<s4>
      rsp.label "ucode0_band_4"
      %27 = rsp.sltiu %22, 6 : (!rsp.reg<s0>) -> !rsp.reg<s5>
      %28 = rsp.addi %24, 0 : (!rsp.reg<s2>) -> !rsp.reg<s6>
      rsp.beq %27, %0, "ucode0_pad_row_5" : (!rsp.reg<s5>, !rsp.reg<zero>) -> ()
      rsp.nop
      %29 = rsp.addi %23, 0 : (!rsp.reg<s1>) -> !rsp.reg<s6>
      rsp.label "ucode0_pad_row_5"
      rsp.label "ucode0_dma_full_6"
      %30 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<s7>
      rsp.bne %30, %0, "ucode0_dma_full_6" : (!rsp.reg<s7>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %25, COP0_DMA_SPADDR : (!rsp.reg<s3>) -> ()
      rsp.mtc0 %29, COP0_DMA_RAMADDR : (!rsp.reg<s6>) -> ()
      %31 = rsp.addi %0, 95 : (!rsp.reg<zero>) -> !rsp.reg<t8>
      %32 = rsp.addi %22, 1 : (!rsp.reg<s0>) -> !rsp.reg<s0>
      rsp.mtc0 %31, COP0_DMA_READ : (!rsp.reg<t8>) -> ()
      %33 = rsp.addi %23, 96 : (!rsp.reg<s1>) -> !rsp.reg<s1>
      %34 = rsp.addi %25, 128 : (!rsp.reg<s3>) -> !rsp.reg<s3>
      %35 = rsp.addi %26, -1 : (!rsp.reg<s4>) -> !rsp.reg<s4>
      rsp.bne %35, %0, "ucode0_band_4" : (!rsp.reg<s4>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.label "ucode0_dma_busy_7"
      %36 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<t9>
      rsp.bne %36, %0, "ucode0_dma_busy_7" : (!rsp.reg<t9>, !rsp.reg<zero>) -> ()
      rsp.nop
      %37 = rsp.get_register : () -> !rsp.vreg<v03>
      %38 = rsp.get_register : () -> !rsp.vreg<v04>
      %39 = rsp.get_register : () -> !rsp.vreg<v05>
      %40 = rsp.get_register : () -> !rsp.vreg<v06>
      %41 = rsp.get_register : () -> !rsp.vreg<v07>
      %42 = rsp.get_register : () -> !rsp.vreg<v08>
      %43 = rsp.get_register : () -> !rsp.vreg<v09>
      %44 = rsp.get_register : () -> !rsp.vreg<v10>
      %45 = rsp.get_register : () -> !rsp.vreg<v11>
      %46 = rsp.get_register : () -> !rsp.vreg<v12>
      %47 = rsp.get_register : () -> !rsp.vreg<v13>
      %48 = rsp.get_register : () -> !rsp.vreg<v14>
      %49 = rsp.addi %0, 64 : (!rsp.reg<zero>) -> !rsp.reg<a0>
      %50 = rsp.addi %49, 0 : (!rsp.reg<a0>) -> !rsp.reg<a1>
      %51 = rsp.addi %21, 2048 : (!rsp.reg<t7>) -> !rsp.reg<t2>
      %52 = rsp.addi %20, 0 : (!rsp.reg<t6>) -> !rsp.reg<fp>
      %53 = rsp.addi %19, 0 : (!rsp.reg<t5>) -> !rsp.reg<v1>
      %54 = rsp.lqv %37, %21, 0, 48 : (!rsp.vreg<v03>, !rsp.reg<t7>) -> !rsp.vreg<v03>
      %55 = rsp.lqv %38, %21, 0, 176 : (!rsp.vreg<v04>, !rsp.reg<t7>) -> !rsp.vreg<v04>
      %56 = rsp.lqv %39, %21, 0, 304 : (!rsp.vreg<v05>, !rsp.reg<t7>) -> !rsp.vreg<v05>
      %57 = rsp.lqv %40, %21, 0, 432 : (!rsp.vreg<v06>, !rsp.reg<t7>) -> !rsp.vreg<v06>
      %58 = rsp.lqv %41, %21, 0, 560 : (!rsp.vreg<v07>, !rsp.reg<t7>) -> !rsp.vreg<v07>
      %59 = rsp.lqv %42, %21, 0, 688 : (!rsp.vreg<v08>, !rsp.reg<t7>) -> !rsp.vreg<v08>
      %60 = rsp.lqv %43, %21, 0, 816 : (!rsp.vreg<v09>, !rsp.reg<t7>) -> !rsp.vreg<v09>
      %61 = rsp.lqv %44, %21, 0, 944 : (!rsp.vreg<v10>, !rsp.reg<t7>) -> !rsp.vreg<v10>
      %62 = rsp.lqv %45, %51, 0, -976 : (!rsp.vreg<v11>, !rsp.reg<t2>) -> !rsp.vreg<v11>
      %63 = rsp.lqv %46, %21, 0, 0 : (!rsp.vreg<v12>, !rsp.reg<t7>) -> !rsp.vreg<v12>
      %64 = rsp.lqv %47, %21, 0, 16 : (!rsp.vreg<v13>, !rsp.reg<t7>) -> !rsp.vreg<v13>
      %65 = rsp.lqv %48, %21, 0, 32 : (!rsp.vreg<v14>, !rsp.reg<t7>) -> !rsp.vreg<v14>
      %66 = rsp.addi %50, 0 : (!rsp.reg<a1>) -> !rsp.reg<t1>
      %67 = rsp.addi %0, 1088 : (!rsp.reg<zero>) -> !rsp.reg<t0>
      %68 = rsp.addi %0, 0 : (!rsp.reg<zero>) -> !rsp.reg<t3>
      %69 = rsp.addi %0, 6 {comment = "out_row"} : (!rsp.reg<zero>) -> !rsp.reg<s5>
      rsp.label "ucode0_out_row_8"
      %70 = rsp.addi %66, 0 : (!rsp.reg<t1>) -> !rsp.reg<s7>
      %71 = rsp.addi %0, 6 {comment = "pixel"} : (!rsp.reg<zero>) -> !rsp.reg<s6>
      rsp.label "ucode0_pixel_9"
      %72 = rsp.get_register : () -> !rsp.vreg<v15>
      %73 = rsp.get_register : () -> !rsp.vreg<v17>
      %74 = rsp.get_register : () -> !rsp.vreg<v18>
      %75 = rsp.get_register : () -> !rsp.vreg<v19>
      %76 = rsp.get_register : () -> !rsp.vreg<v20>
      %77 = rsp.get_register : () -> !rsp.vreg<v21>
      %78 = rsp.get_register : () -> !rsp.vreg<v22>
      %79 = rsp.get_register : () -> !rsp.vreg<v23>
      %80 = rsp.get_register : () -> !rsp.vreg<v24>
      %81 = rsp.lqv %72, %70, 0, 0 : (!rsp.vreg<v15>, !rsp.reg<s7>) -> !rsp.vreg<v15>
      %82 = rsp.lqv %73, %70, 0, 16 : (!rsp.vreg<v17>, !rsp.reg<s7>) -> !rsp.vreg<v17>
      %83 = rsp.lqv %74, %70, 0, 32 : (!rsp.vreg<v18>, !rsp.reg<s7>) -> !rsp.vreg<v18>
      %84 = rsp.lqv %75, %70, 0, 128 : (!rsp.vreg<v19>, !rsp.reg<s7>) -> !rsp.vreg<v19>
      %85 = rsp.lqv %76, %70, 0, 144 : (!rsp.vreg<v20>, !rsp.reg<s7>) -> !rsp.vreg<v20>
      %86 = rsp.vmudh %54, %81, e0 : (!rsp.vreg<v03>, !rsp.vreg<v15>) -> !rsp.vreg<v16>
      %87 = rsp.vmadh %55, %82, e0 : (!rsp.vreg<v04>, !rsp.vreg<v17>) -> !rsp.vreg<v16>
      %88 = rsp.lqv %77, %70, 0, 160 : (!rsp.vreg<v21>, !rsp.reg<s7>) -> !rsp.vreg<v21>
      %89 = rsp.vmadh %56, %83, e0 : (!rsp.vreg<v05>, !rsp.vreg<v18>) -> !rsp.vreg<v16>
      %90 = rsp.lqv %78, %70, 0, 256 : (!rsp.vreg<v22>, !rsp.reg<s7>) -> !rsp.vreg<v22>
      %91 = rsp.vmadh %57, %84, e0 : (!rsp.vreg<v06>, !rsp.vreg<v19>) -> !rsp.vreg<v16>
      %92 = rsp.lqv %79, %70, 0, 272 : (!rsp.vreg<v23>, !rsp.reg<s7>) -> !rsp.vreg<v23>
      %93 = rsp.vmadh %58, %85, e0 : (!rsp.vreg<v07>, !rsp.vreg<v20>) -> !rsp.vreg<v16>
      %94 = rsp.lqv %80, %70, 0, 288 : (!rsp.vreg<v24>, !rsp.reg<s7>) -> !rsp.vreg<v24>
      %95 = rsp.vmadh %59, %88, e0 : (!rsp.vreg<v08>, !rsp.vreg<v21>) -> !rsp.vreg<v16>
      %96 = rsp.addi %70, 16 : (!rsp.reg<s7>) -> !rsp.reg<s7>
      %97 = rsp.vmadh %60, %90, e0 : (!rsp.vreg<v09>, !rsp.vreg<v22>) -> !rsp.vreg<v16>
      %98 = rsp.addi %71, -1 : (!rsp.reg<s6>) -> !rsp.reg<s6>
      %99 = rsp.vmadh %61, %92, e0 : (!rsp.vreg<v10>, !rsp.vreg<v23>) -> !rsp.vreg<v16>
      %100 = rsp.vmadh %62, %94, e0 : (!rsp.vreg<v11>, !rsp.vreg<v24>) -> !rsp.vreg<v16>
      %101 = rsp.vmadh %63, %6, e0 : (!rsp.vreg<v12>, !rsp.vreg<v01>) -> !rsp.vreg<v16>
      %102 = rsp.vmadh %64, %6, e1 : (!rsp.vreg<v13>, !rsp.vreg<v01>) -> !rsp.vreg<v16>
      %103 = rsp.vsar COP2_ACC_MD : () -> !rsp.vreg<v26>
      %104 = rsp.vsar COP2_ACC_HI : () -> !rsp.vreg<v25>
      %105 = rsp.vmudn %103, %65, v : (!rsp.vreg<v26>, !rsp.vreg<v14>) -> !rsp.vreg<v16>
      %106 = rsp.vmadh %104, %65, v : (!rsp.vreg<v25>, !rsp.vreg<v14>) -> !rsp.vreg<v27>
      %107 = rsp.vge %106, %6, e2 : (!rsp.vreg<v27>, !rsp.vreg<v01>) -> !rsp.vreg<v27>
      rsp.sqv %107, %67, 0, 0 : (!rsp.vreg<v27>, !rsp.reg<t0>) -> ()
      %108 = rsp.addi %67, 16 : (!rsp.reg<t0>) -> !rsp.reg<t0>
      rsp.bne %98, %0, "ucode0_pixel_9" : (!rsp.reg<s6>, !rsp.reg<zero>) -> ()
      rsp.nop
      %109 = rsp.addi %66, 128 : (!rsp.reg<t1>) -> !rsp.reg<t1>
      %110 = rsp.addi %69, -1 : (!rsp.reg<s5>) -> !rsp.reg<s5>
      rsp.bne %110, %0, "ucode0_out_row_8" : (!rsp.reg<s5>, !rsp.reg<zero>) -> ()
      rsp.nop
      %111 = rsp.addi %21, 1200 : (!rsp.reg<t7>) -> !rsp.reg<t7>
      %112 = rsp.addi %50, 0 : (!rsp.reg<a1>) -> !rsp.reg<a1>
      %113 = rsp.addi %53, 16 : (!rsp.reg<v1>) -> !rsp.reg<v1>
      %114 = rsp.addi %0, 1088 : (!rsp.reg<zero>) -> !rsp.reg<t8>
      rsp.label "ucode0_dma_full_10"
      %115 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<s0>
      rsp.bne %115, %0, "ucode0_dma_full_10" : (!rsp.reg<s0>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %114, COP0_DMA_SPADDR : (!rsp.reg<t8>) -> ()
      %116 = rsp.lui 2 : () -> !rsp.reg<s1>
      %117 = rsp.ori %116, 12303 : (!rsp.reg<s1>) -> !rsp.reg<s1>
      rsp.mtc0 %52, COP0_DMA_RAMADDR : (!rsp.reg<fp>) -> ()
      rsp.mtc0 %117, COP0_DMA_WRITE : (!rsp.reg<s1>) -> ()
      %118 = rsp.addi %52, 16 : (!rsp.reg<fp>) -> !rsp.reg<fp>
      %119 = rsp.addi %20, 576 : (!rsp.reg<t6>) -> !rsp.reg<t6>
      %120 = rsp.addi %18, 6 : (!rsp.reg<t4>) -> !rsp.reg<t4>
      %121 = rsp.addi %19, 576 : (!rsp.reg<t5>) -> !rsp.reg<t5>
      %122 = rsp.addi %12, 576 : (!rsp.reg<a2>) -> !rsp.reg<a2>
      %123 = rsp.addi %13, 576 : (!rsp.reg<a3>) -> !rsp.reg<a3>
      rsp.label "ucode0_dma_busy_11"
      %124 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<s2>
      rsp.bne %124, %0, "ucode0_dma_busy_11" : (!rsp.reg<s2>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.label "ucode0_layer_1"
      %125 = rsp.get_register : () -> !rsp.vreg<v28>
      %126 = rsp.lqv %125, %0, 0, 32 : (!rsp.vreg<v28>, !rsp.reg<zero>) -> !rsp.vreg<v28>
      rsp.label "ucode0_dma_busy_12"
      %127 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<s3>
      rsp.bne %127, %0, "ucode0_dma_busy_12" : (!rsp.reg<s3>, !rsp.reg<zero>) -> ()
      rsp.nop
      %128 = rsp.get_register : () -> !rsp.vreg<v29>
      %129 = rsp.lqv %128, %0, 0, 32 : (!rsp.vreg<v29>, !rsp.reg<zero>) -> !rsp.vreg<v29>
      %130 = rsp.addi %0, 3520 : (!rsp.reg<zero>) -> !rsp.reg<s4>
      %131 = rsp.addi %0, 9 {comment = "fill"} : (!rsp.reg<zero>) -> !rsp.reg<t9>
      rsp.label "ucode0_fill_13"
      rsp.sqv %129, %130, 0, 0 : (!rsp.vreg<v29>, !rsp.reg<s4>) -> ()
      rsp.sqv %129, %130, 0, 16 : (!rsp.vreg<v29>, !rsp.reg<s4>) -> ()
      rsp.sqv %129, %130, 0, 32 : (!rsp.vreg<v29>, !rsp.reg<s4>) -> ()
      rsp.sqv %129, %130, 0, 48 : (!rsp.vreg<v29>, !rsp.reg<s4>) -> ()
      %132 = rsp.addi %130, 64 : (!rsp.reg<s4>) -> !rsp.reg<s4>
      %133 = rsp.addi %131, -1 : (!rsp.reg<t9>) -> !rsp.reg<t9>
      rsp.bne %133, %0, "ucode0_fill_13" : (!rsp.reg<t9>, !rsp.reg<zero>) -> ()
      rsp.nop
      %134 = rsp.addi %1, 3600 : (!rsp.reg<v0>) -> !rsp.reg<a0>
      %135 = rsp.addi %1, 3024 : (!rsp.reg<v0>) -> !rsp.reg<t2>
      %136 = rsp.addi %134, 0 : (!rsp.reg<a0>) -> !rsp.reg<s7>
      %137 = rsp.addi %0, 0 : (!rsp.reg<zero>) -> !rsp.reg<t3>
      %138 = rsp.addi %135, 0 : (!rsp.reg<t2>) -> !rsp.reg<s6>
      %139 = rsp.addi %136, 0 : (!rsp.reg<s7>) -> !rsp.reg<t1>
      %140 = rsp.addi %138, 0 : (!rsp.reg<s6>) -> !rsp.reg<t0>
      %141 = rsp.addi %137, 0 : (!rsp.reg<t3>) -> !rsp.reg<s5>
      %142 = rsp.addi %139, 0 : (!rsp.reg<t1>) -> !rsp.reg<t7>
      %143 = rsp.addi %1, 2496 : (!rsp.reg<v0>) -> !rsp.reg<a1>
      %144 = rsp.addi %0, 3520 : (!rsp.reg<zero>) -> !rsp.reg<v1>
      %145 = rsp.addi %0, 6 {comment = "band"} : (!rsp.reg<zero>) -> !rsp.reg<s0>
      rsp.label "ucode0_band_14"
      %146 = rsp.sltiu %141, 6 : (!rsp.reg<s5>) -> !rsp.reg<t8>
      %147 = rsp.addi %143, 0 : (!rsp.reg<a1>) -> !rsp.reg<s1>
      rsp.beq %146, %0, "ucode0_pad_row_15" : (!rsp.reg<t8>, !rsp.reg<zero>) -> ()
      rsp.nop
      %148 = rsp.addi %142, 0 : (!rsp.reg<t7>) -> !rsp.reg<s1>
      rsp.label "ucode0_pad_row_15"
      rsp.label "ucode0_dma_full_16"
      %149 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<fp>
      rsp.bne %149, %0, "ucode0_dma_full_16" : (!rsp.reg<fp>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %144, COP0_DMA_SPADDR : (!rsp.reg<v1>) -> ()
      rsp.mtc0 %148, COP0_DMA_RAMADDR : (!rsp.reg<s1>) -> ()
      %150 = rsp.addi %0, 95 : (!rsp.reg<zero>) -> !rsp.reg<t6>
      %151 = rsp.addi %141, 1 : (!rsp.reg<s5>) -> !rsp.reg<s5>
      rsp.mtc0 %150, COP0_DMA_READ : (!rsp.reg<t6>) -> ()
      %152 = rsp.addi %142, 96 : (!rsp.reg<t7>) -> !rsp.reg<t7>
      %153 = rsp.addi %144, 96 : (!rsp.reg<v1>) -> !rsp.reg<v1>
      %154 = rsp.addi %145, -1 : (!rsp.reg<s0>) -> !rsp.reg<s0>
      rsp.bne %154, %0, "ucode0_band_14" : (!rsp.reg<s0>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.label "ucode0_dma_busy_17"
      %155 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<t4>
      rsp.bne %155, %0, "ucode0_dma_busy_17" : (!rsp.reg<t4>, !rsp.reg<zero>) -> ()
      rsp.nop
      %156 = rsp.addi %0, 3520 : (!rsp.reg<zero>) -> !rsp.reg<t5>
      %157 = rsp.addi %0, 3376 : (!rsp.reg<zero>) -> !rsp.reg<a2>
      %158 = rsp.addi %0, 3 {comment = "out_row"} : (!rsp.reg<zero>) -> !rsp.reg<a3>
      rsp.label "ucode0_out_row_18"
      %159 = rsp.addi %156, 0 : (!rsp.reg<t5>) -> !rsp.reg<s2>
      %160 = rsp.addi %0, 3 {comment = "pixel"} : (!rsp.reg<zero>) -> !rsp.reg<s3>
      rsp.label "ucode0_pixel_19"
      %161 = rsp.get_register : () -> !rsp.vreg<v30>
      %162 = rsp.get_register : () -> !rsp.vreg<v31>
      %163 = rsp.get_register : () -> !rsp.vreg<v00>
      %164 = rsp.get_register : () -> !rsp.vreg<v02>
      %165 = rsp.lqv %161, %159, 0, 0 : (!rsp.vreg<v30>, !rsp.reg<s2>) -> !rsp.vreg<v30>
      %166 = rsp.lqv %162, %159, 0, 16 : (!rsp.vreg<v31>, !rsp.reg<s2>) -> !rsp.vreg<v31>
      %167 = rsp.lqv %163, %159, 0, 96 : (!rsp.vreg<v00>, !rsp.reg<s2>) -> !rsp.vreg<v00>
      %168 = rsp.lqv %164, %159, 0, 112 : (!rsp.vreg<v02>, !rsp.reg<s2>) -> !rsp.vreg<v02>
      %169 = rsp.addi %159, 32 : (!rsp.reg<s2>) -> !rsp.reg<s2>
      %170 = rsp.addi %160, -1 : (!rsp.reg<s3>) -> !rsp.reg<s3>
      %171 = rsp.vge %165, %166, v : (!rsp.vreg<v30>, !rsp.vreg<v31>) -> !rsp.vreg<v30>
      %172 = rsp.vge %171, %167, v : (!rsp.vreg<v30>, !rsp.vreg<v00>) -> !rsp.vreg<v30>
      %173 = rsp.vge %172, %168, v : (!rsp.vreg<v30>, !rsp.vreg<v02>) -> !rsp.vreg<v30>
      rsp.sqv %173, 
€€"",ÿ%157, 0, 0 : (!rsp.vreg<v30>, !rsp.reg<a2>) -> ()
      %174 = rsp.addi %157, 16 : (!rsp.reg<a2>) -> !rsp.reg<a2>
      rsp.bne %170, %0, "ucode0_pixel_19" : (!rsp.reg<s3>, !rsp.reg<zero>) -> ()
      rsp.nop
      %175 = rsp.addi %156, 192 : (!rsp.reg<t5>) -> !rsp.reg<t5>
      %176 = rsp.addi %158, -1 : (!rsp.reg<a3>) -> !rsp.reg<a3>
      rsp.bne %176, %0, "ucode0_out_row_18" : (!rsp.reg<a3>, !rsp.reg<zero>) -> ()
      rsp.nop
      %177 = rsp.addi %0, 3376 : (!rsp.reg<zero>) -> !rsp.reg<s4>
      rsp.label "ucode0_dma_full_20"
      %178 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t9>
      rsp.bne %178, %0, "ucode0_dma_full_20" : (!rsp.reg<t9>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %177, COP0_DMA_SPADDR : (!rsp.reg<s4>) -> ()
      %179 = rsp.lui 0 : () -> !rsp.reg<v0>
      %180 = rsp.ori %179, 32783 : (!rsp.reg<v0>) -> !rsp.reg<v0>
      rsp.mtc0 %140, COP0_DMA_RAMADDR : (!rsp.reg<t0>) -> ()
      rsp.mtc0 %180, COP0_DMA_WRITE : (!rsp.reg<v0>) -> ()
      %181 = rsp.addi %139, 16 : (!rsp.reg<t1>) -> !rsp.reg<t1>
      %182 = rsp.addi %140, 16 : (!rsp.reg<t0>) -> !rsp.reg<t0>
      %183 = rsp.addi %138, 144 : (!rsp.reg<s6>) -> !rsp.reg<s6>
      %184 = rsp.addi %137, 6 : (!rsp.reg<t3>) -> !rsp.reg<t3>
      %185 = rsp.addi %136, 576 : (!rsp.reg<s7>) -> !rsp.reg<s7>
      %186 = rsp.addi %134, 576 : (!rsp.reg<a0>) -> !rsp.reg<a0>
      %187 = rsp.addi %135, 144 : (!rsp.reg<t2>) -> !rsp.reg<t2>
      rsp.label "ucode0_dma_busy_21"
      %188 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<t8>
      rsp.bne %188, %0, "ucode0_dma_busy_21" : (!rsp.reg<t8>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.break
      rsp.nop
    }
    rsp.section "data" {
      rsp.word 0
      rsp.space 12, 0
      rsp.half 16384, 1, 0, 32767, 0, 0, 0, 0
      rsp.half -32768, -32768, -32768, -32768, -32768, -32768, -32768, -32768
    }
  }
  builtin.module @ucode1 {
    rsp.section "text" {
      %0 = rsp.get_register : () -> !rsp.reg<zero>
      %1 = rsp.lw %0, 0 : (!rsp.reg<zero>) -> !rsp.reg<v0>
      rsp.label "ucode1_layer_0"
      %2 = rsp.get_register : () -> !rsp.vreg<v00>
      %3 = rsp.addi %0, 112 : (!rsp.reg<zero>) -> !rsp.reg<v1>
      %4 = rsp.addi %0, 112 : (!rsp.reg<zero>) -> !rsp.reg<a0>
      %5 = rsp.lqv %2, %0, 0, 48 : (!rsp.vreg<v00>, !rsp.reg<zero>) -> !rsp.vreg<v00>
      %6 = rsp.addi %1, 2592 : (!rsp.reg<v0>) -> !rsp.reg<a1>
      rsp.label "ucode1_dma_full_1"
      %7 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<a2>
      rsp.bne %7, %0, "ucode1_dma_full_1" : (!rsp.reg<a2>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %3, COP0_DMA_SPADDR : (!rsp.reg<v1>) -> ()
      rsp.mtc0 %6, COP0_DMA_RAMADDR : (!rsp.reg<a1>) -> ()
      %8 = rsp.addi %0, 431 : (!rsp.reg<zero>) -> !rsp.reg<a3>
      %9 = rsp.xori %3, 592 : (!rsp.reg<v1>) -> !rsp.reg<v1>
      rsp.mtc0 %8, COP0_DMA_READ : (!rsp.reg<a3>) -> ()
      %10 = rsp.addi %1, 3168 : (!rsp.reg<v0>) -> !rsp.reg<t0>
      %11 = rsp.addi %0, 64 : (!rsp.reg<zero>) -> !rsp.reg<t1>
      rsp.label "ucode1_dma_full_2"
      %12 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t2>
      rsp.bne %12, %0, "ucode1_dma_full_2" : (!rsp.reg<t2>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %11, COP0_DMA_SPADDR : (!rsp.reg<t1>) -> ()
      rsp.mtc0 %10, COP0_DMA_RAMADDR : (!rsp.reg<t0>) -> ()
      %13 = rsp.addi %0, 47 : (!rsp.reg<zero>) -> !rsp.reg<t3>
      rsp.mtc0 %13, COP0_DMA_READ : (!rsp.reg<t3>) -> ()
      rsp.label "ucode1_dma_full_3"
      %14 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t4>
      rsp.bne %14, %0, "ucode1_dma_full_3" : (!rsp.reg<t4>, !rsp.reg<zero>) -> ()
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
      %27 = rsp.get_register : () -> !rsp.vreg<v14>
      %28 = rsp.get_register : () -> !rsp.vreg<v15>
      %29 = rsp.get_register : () -> !rsp.vreg<v16>
      %30 = rsp.get_register : () -> !rsp.vreg<v17>
      %31 = rsp.get_register : () -> !rsp.vreg<v18>
      %32 = rsp.get_register : () -> !rsp.vreg<v19>
      %33 = rsp.get_register : () -> !rsp.vreg<v20>
      %34 = rsp.get_register : () -> !rsp.vreg<v21>
      %35 = rsp.get_register : () -> !rsp.vreg<v22>
      %36 = rsp.get_register : () -> !rsp.vreg<v23>
      %37 = rsp.get_register : () -> !rsp.vreg<v24>
      %38 = rsp.get_register : () -> !rsp.vreg<v25>
      %39 = rsp.get_register : () -> !rsp.vreg<v26>
      %40 = rsp.get_register : () -> !rsp.vreg<v27>
      %41 = rsp.get_register : () -> !rsp.vreg<v28>
      %42 = rsp.get_register : () -> !rsp.vreg<v29>
      %43 = rsp.get_register : () -> !rsp.vreg<v30>
      %44 = rsp.get_register : () -> !rsp.vreg<v31>
      %45 = rsp.lqv %15, %0, 0, 64 : (!rsp.vreg<v01>, !rsp.reg<zero>) -> !rsp.vreg<v01>
      %46 = rsp.lqv %16, %4, 0, 48 : (!rsp.vreg<v02>, !rsp.reg<a0>) -> !rsp.vreg<v02>
      %47 = rsp.lqv %17, %4, 0, 64 : (!rsp.vreg<v04>, !rsp.reg<a0>) -> !rsp.vreg<v04>
      %48 = rsp.lqv %18, %4, 0, 80 : (!rsp.vreg<v05>, !rsp.reg<a0>) -> !rsp.vreg<v05>
      %49 = rsp.lqv %19, %4, 0, 96 : (!rsp.vreg<v06>, !rsp.reg<a0>) -> !rsp.vreg<v06>
      %50 = rsp.lqv %20, %4, 0, 112 : (!rsp.vreg<v07>, !rsp.reg<a0>) -> !rsp.vreg<v07>
      %51 = rsp.vmudh %46, %45, e0 : (!rsp.vreg<v02>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %52 = rsp.vmadh %47, %45, e1 : (!rsp.vreg<v04>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %53 = rsp.lqv %21, %4, 0, 128 : (!rsp.vreg<v08>, !rsp.reg<a0>) -> !rsp.vreg<v08>
      %54 = rsp.vmadh %48, %45, e2 : (!rsp.vreg<v05>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %55 = rsp.lqv %22, %4, 0, 144 : (!rsp.vreg<v09>, !rsp.reg<a0>) -> !rsp.vreg<v09>
      %56 = rsp.vmadh %49, %45, e3 : (!rsp.vreg<v06>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %57 = rsp.lqv %23, %4, 0, 160 : (!rsp.vreg<v10>, !rsp.reg<a0>) -> !rsp.vreg<v10>
      %58 = rsp.vmadh %50, %45, e4 : (!rsp.vreg<v07>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %59 = rsp.lqv %24, %0, 0, 80 : (!rsp.vreg<v11>, !rsp.reg<zero>) -> !rsp.vreg<v11>
      %60 = rsp.lqv %25, %4, 0, 176 : (!rsp.vreg<v12>, !rsp.reg<a0>) -> !rsp.vreg<v12>
      %61 = rsp.vmadh %53, %45, e5 : (!rsp.vreg<v08>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %62 = rsp.lqv %26, %4, 0, 192 : (!rsp.vreg<v13>, !rsp.reg<a0>) -> !rsp.vreg<v13>
      %63 = rsp.vmadh %55, %45, e6 : (!rsp.vreg<v09>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %64 = rsp.lqv %27, %4, 0, 208 : (!rsp.vreg<v14>, !rsp.reg<a0>) -> !rsp.vreg<v14>
      %65 = rsp.vmadh %57, %45, e7 : (!rsp.vreg<v10>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %66 = rsp.lqv %28, %4, 0, 224 : (!rsp.vreg<v15>, !rsp.reg<a0>) -> !rsp.vreg<v15>
      %67 = rsp.lqv %29, %4, 0, 240 : (!rsp.vreg<v16>, !rsp.reg<a0>) -> !rsp.vreg<v16>
      %68 = rsp.vmadh %60, %59, e0 : (!rsp.vreg<v12>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %69 = rsp.vmadh %62, %59, e1 : (!rsp.vreg<v13>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %70 = rsp.lqv %30, %4, 0, 256 : (!rsp.vreg<v17>, !rsp.reg<a0>) -> !rsp.vreg<v17>
      %71 = rsp.vmadh %64, %59, e2 : (!rsp.vreg<v14>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %72 = rsp.lqv %31, %4, 0, 272 : (!rsp.vreg<v18>, !rsp.reg<a0>) -> !rsp.vreg<v18>
      %73 = rsp.vmadh %66, %59, e3 : (!rsp.vreg<v15>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %74 = rsp.lqv %32, %4, 0, 288 : (!rsp.vreg<v19>, !rsp.reg<a0>) -> !rsp.vreg<v19>
      %75 = rsp.vmadh %67, %59, e4 : (!rsp.vreg<v16>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %76 = rsp.lqv %33, %0, 0, 96 : (!rsp.vreg<v20>, !rsp.reg<zero>) -> !rsp.vreg<v20>
      %77 = rsp.lqv %34, %4, 0, 304 : (!rsp.vreg<v21>, !rsp.reg<a0>) -> !rsp.vreg<v21>
      %78 = rsp.vmadh %70, %59, e5 : (!rsp.vreg<v17>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %79 = rsp.lqv %35, %4, 0, 320 : (!rsp.vreg<v22>, !rsp.reg<a0>) -> !rsp.vreg<v22>
      %80 = rsp.vmadh %72, %59, e6 : (!rsp.vreg<v18>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %81 = rsp.lqv %36, %4, 0, 336 : (!rsp.vreg<v23>, !rsp.reg<a0>) -> !rsp.vreg<v23>
      %82 = rsp.vmadh %74, %59, e7 : (!rsp.vreg<v19>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %83 = rsp.lqv %37, %4, 0, 352 : (!rsp.vreg<v24>, !rsp.reg<a0>) -> !rsp.vreg<v24>
      %84 = rsp.lqv %38, %4, 0, 368 : (!rsp.vreg<v25>, !rsp.reg<a0>) -> !rsp.vreg<v25>
      %85 = rsp.vmadh %77, %76, e0 : (!rsp.vreg<v21>, !rsp.vreg<v20>) -> !rsp.vreg<v03>
      %86 = rsp.vmadh %79, %76, e1 : (!rsp.vreg<v22>, !rsp.vreg<v20>) -> !rsp.vreg<v03>
      %87 = rsp.lqv %39, %4, 0, 384 : (!rsp.vreg<v26>, !rsp.reg<a0>) -> !rsp.vreg<v26>
      %88 = rsp.vmadh %81, %76, e2 : (!rsp.vreg<v23>, !rsp.vreg<v20>) -> !rsp.vreg<v03>
      %89 = rsp.lqv %40, %4, 0, 400 : (!rsp.vreg<v27>, !rsp.reg<a0>) -> !rsp.vreg<v27>
      %90 = rsp.vmadh %83, %76, e3 : (!rsp.vreg<v24>, !rsp.vreg<v20>) -> !rsp.vreg<v03>
      %91 = rsp.lqv %41, %4, 0, 416 : (!rsp.vreg<v28>, !rsp.reg<a0>) -> !rsp.vreg<v28>
      %92 = rsp.vmadh %84, %76, e4 : (!rsp.vreg<v25>, !rsp.vreg<v20>) -> !rsp.vreg<v03>
      %93 = rsp.lqv %42, %4, 0, 0 : (!rsp.vreg<v29>, !rsp.reg<a0>) -> !rsp.vreg<v29>
      %94 = rsp.vmadh %87, %76, e5 : (!rsp.vreg<v26>, !rsp.vreg<v20>) -> !rsp.vreg<v03>
      %95 = rsp.lqv %43, %4, 0, 16 : (!rsp.vreg<v30>, !rsp.reg<a0>) -> !rsp.vreg<v30>
      %96 = rsp.vmadh %89, %76, e6 : (!rsp.vreg<v27>, !rsp.vreg<v20>) -> !rsp.vreg<v03>
      %97 = rsp.lqv %44, %4, 0, 32 : (!rsp.vreg<v31>, !rsp.reg<a0>) -> !rsp.vreg<v31>
      %98 = rsp.vmadh %91, %76, e7 : (!rsp.vreg<v28>, !rsp.vreg<v20>) -> !rsp.vreg<v03>
      %99 = rsp.xori %4, 592 : (!rsp.reg<a0>) -> !rsp.reg<a0>
      %100 = rsp.vmadh %93, %5, e0 : (!rsp.vreg<v29>, !rsp.vreg<v00>) -> !rsp.vreg<v03>
      %101 = rsp.addi %1, 3024 : (!rsp.reg<v0>) -> !rsp.reg<t5>
      %102 = rsp.vmadh %95, %5, e1 : (!rsp.vreg<v30>, !rsp.vreg<v00>) -> !rsp.vreg<v03>
      %103 = rsp.addi %0, 976 : (!rsp.reg<zero>) -> !rsp.reg<t6>
      %104 = rsp.vsar COP2_ACC_MD : () -> !rsp.vreg<v04>
      %105 = rsp.vsar COP2_ACC_HI : () -> !rsp.vreg<v02>
      %106 = rsp.vmudn %104, %97, v : (!rsp.vreg<v04>, !rsp.vreg<v31>) -> !rsp.vreg<v03>
      %107 = rsp.vmadh %105, %97, v : (!rsp.vreg<v02>, !rsp.vreg<v31>) -> !rsp.vreg<v05>
      rsp.sqv %107, %0, 0, 976 : (!rsp.vreg<v05>, !rsp.reg<zero>) -> ()
      rsp.label "ucode1_dma_full_4"
      %108 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t7>
      rsp.bne %108, %0, "ucode1_dma_full_4" : (!rsp.reg<t7>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %103, COP0_DMA_SPADDR : (!rsp.reg<t6>) -> ()
      rsp.mtc0 %101, COP0_DMA_RAMADDR : (!rsp.reg<t5>) -> ()
      %109 = rsp.addi %0, 15 : (!rsp.reg<zero>) -> !rsp.reg<s0>
      rsp.mtc0 %109, COP0_DMA_WRITE : (!rsp.reg<s0>) -> ()
      rsp.label "ucode1_dma_busy_5"
      %110 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<s1>
      rsp.bne %110, %0, "ucode1_dma_busy_5" : (!rsp.reg<s1>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.break
      rsp.nop
    }
    rsp.section "data" {
      rsp.word 0
      rsp.space 12, 0
      rsp.space 32, 0
      rsp.half 16384, 1, -32768, 32767, 0, 0, 0, 0
    }
  }
}
