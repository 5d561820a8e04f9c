builtin.module attributes {n64.weights = dense<"0x3FF587F98DFBD106D1FA9003BFFD32F5E807C4367A12EC10F03941244B22A00B01000100010001000100010001000100450D860180F1CD16AA07C61DADFAA6F88D1FC5F4714E392214EE6F074401B920B00CFAE1D518520C0B0960C144C94E01F5CD20F6761994E02A1D1BD2C80C8700C422500043EC181CB0C0F021FEE68FE424116BF5B7C0BFECC5091A1A1E21081262EBB1316E06C321072F6AE72DFB4DD85116A9263004D8D693F4F6FFB2199219000EE497DFD01E23DDE01C11CE2E853A4B0B76B7C4E53BFFE31CFD11B40E74C517014AF93CFD0CD0BB09A6215FDE4CA1FE14CAEFB9DBF2F36722D909DAC5B017B8E334083AFC1402BEF25CFC5443D761BFF95808AB037A0A19C70FF6BAFB91D97DED53515E0149DAC7FB8A288FE5F9CFFF164CD58FEC7AD5E1EE91A98A059E16D6F0C7FC12FFC902000000000000000030257F18F43BC42700000000000000000200020004000200010001000100010070E702B74000B0A9000000000000000011ACE56FF5FDDCFB00000000000000004927AEDF39F7A7200000000000000000B115F7A60020A8D20000000000000000E5AED8BA01F1FA7C0000000000000000B8A54B0CE8ADE1FF00000000000000001645D3EDD5E7C8110000000000000000C635F832BE4B10100000000000000000"> : tensor<240xi16>, n64.rdram_layout = {memory = "4MiB", weights_offset = 0 : i64, weights_size = 480 : i64, activations_offset = 480 : i64, activations_size = 48 : i64, total_size = 528 : i64}} {
  func.func @main(%0: tensor<1x16xf32>) -> tensor<1x4xf32> attributes {n64.input_names = ["x"], n64.output_names = ["y"]} {
    %1 = n64.quantize %0 frac_bits 14 : tensor<1x16xf32> -> tensor<1x16xi16>
    %2 = n64.rsp_invoke @ucode0(%1) {n64.layer_macs = array<i64: 128, 32>, n64.layer_cycles = array<i64: 132, 98>, layers = ["gemm0", "gemm1"], input_offsets = array<i64: 480>, output_offsets = array<i64: 480>, base_slot = 0 : i64, macs = 160 : i64, cycles = 230 : i64} : (tensor<1x16xi16>) -> tensor<1x4xi16>
    %3 = n64.dequantize %2 frac_bits 15 : tensor<1x4xi16> -> tensor<1x4xf32>
    %4 = n64.softmax %3 {axis = 1 : i64} : tensor<1x4xf32>
    func.return %4 : tensor<1x4xf32>
  }
  builtin.module @ucode0 {
    rsp.section "text" {
      %0 = rsp.get_register : () -> !rsp.reg<zero>
      %1 = rsp.lw %0, 0 : (!rsp.reg<zero>) -> !rsp.reg<v0>
      rsp.label "ucode0_layer_0"
      %2 = rsp.get_register : () -> !rsp.vreg<v00>
      %3 = rsp.addi %0, 80 : (!rsp.reg<zero>) -> !rsp.reg<v1>
      %4 = rsp.addi %0, 80 : (!rsp.reg<zero>) -> !rsp.reg<a0>
      %5 = rsp.lqv %2, %0, 0, 16 : (!rsp.vreg<v00>, !rsp.reg<zero>) -> !rsp.vreg<v00>
      %6 = rsp.addi %1, 0 : (!rsp.reg<v0>) -> !rsp.reg<a1>
      rsp.label "ucode0_dma_full_1"
      %7 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<a2>
      rsp.bne %7, %0, "ucode0_dma_full_1" : (!rsp.reg<a2>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %3, COP0_DMA_SPADDR : (!rsp.reg<v1>) -> ()
      rsp.mtc0 %6, COP0_DMA_RAMADDR : (!rsp.reg<a1>) -> ()
      %8 = rsp.addi %0, 303 : (!rsp.reg<zero>) -> !rsp.reg<a3>
      %9 = rsp.xori %3, 464 : (!rsp.reg<v1>) -> !rsp.reg<v1>
      rsp.mtc0 %8, COP0_DMA_READ : (!rsp.reg<a3>) -> ()
      %10 = rsp.addi %1, 480 : (!rsp.reg<v0>) -> !rsp.reg<t0>
      %11 = rsp.addi %0, 48 : (!rsp.reg<zero>) -> !rsp.reg<t1>
      rsp.label "ucode0_dma_full_2"
      %12 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t2>
      rsp.bne %12, %0, "ucode0_dma_full_2" : (!rsp.reg<t2>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %11, COP0_DMA_SPADDR : (!rsp.reg<t1>) -> ()
      rsp.mtc0 %10, COP0_DMA_RAMADDR : (!rsp.reg<t0>) -> ()
      %13 = rsp.addi %0, 31 : (!rsp.reg<zero>) -> !rsp.reg<t3>
      %14 = rsp.addi %0, 3904 : (!rsp.reg<zero>) -> !rsp.reg<t4>
      rsp.mtc0 %13, COP0_DMA_READ : (!rsp.reg<t3>) -> ()
      %15 = rsp.addi %1, 304 : (!rsp.reg<v0>) -> !rsp.reg<t5>
      rsp.label "ucode0_dma_full_3"
      %16 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t6>
      rsp.bne %16, %0, "ucode0_dma_full_3" : (!rsp.reg<t6>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %14, COP0_DMA_SPADDR : (!rsp.reg<t4>) -> ()
      rsp.mtc0 %15, COP0_DMA_RAMADDR : (!rsp.reg<t5>) -> ()
      %17 = rsp.addi %0, 175 : (!rsp.reg<zero>) -> !rsp.reg<t7>
      rsp.mtc0 %17, COP0_DMA_READ : (!rsp.reg<t7>) -> ()
      rsp.label "ucode0_dma_full_4"
      %18 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<s0>
      rsp.bne %18, %0, "ucode0_dma_full_4" : (!rsp.reg<s0>, !rsp.reg<zero>) -> ()
      rsp.nop
      %19 = rsp.get_register : () -> !rsp.vreg<v01>
      %20 = rsp.get_register : () -> !rsp.vreg<v02>
      %21 = rsp.get_register : () -> !rsp.vreg<v04>
      %22 = rsp.get_register : () -> !rsp.vreg<v05>
      %23 = rsp.get_register : () -> !rsp.vreg<v06>
      %24 = rsp.get_register : () -> !rsp.vreg<v07>
      %25 = rsp.get_register : () -> !rsp.vreg<v08>
      %26 = rsp.get_register : () -> !rsp.vreg<v09>
      %27 = rsp.get_register : () -> !rsp.vreg<v10>
      %28 = rsp.get_register : () -> !rsp.vreg<v11>
      %29 = rsp.get_register : () -> !rsp.vreg<v12>
      %30 = rsp.get_register : () -> !rsp.vreg<v13>
      %31 = rsp.get_register : () -> !rsp.vreg<v14>
      %32 = rsp.get_register : () -> !rsp.vreg<v15>
      %33 = rsp.get_register : () -> !rsp.vreg<v16>
      %34 = rsp.get_register : () -> !rsp.vreg<v17>
      %35 = rsp.get_register : () -> !rsp.vreg<v18>
      %36 = rsp.get_register : () -> !rsp.vreg<v19>
      %37 = rsp.get_register : () -> !rsp.vreg<v20>
      %38 = rsp.get_register : () -> !rsp.vreg<v21>
      %39 = rsp.get_register : () -> !rsp.vreg<v22>
      %40 = rsp.lqv %19, %0, 0, 48 : (!rsp.vreg<v01>, !rsp.reg<zero>) -> !rsp.vreg<v01>
      %41 = rsp.lqv %20, %4, 0, 48 : (!rsp.vreg<v02>, !rsp.reg<a0>) -> !rsp.vreg<v02>
      %42 = rsp.lqv %21, %4, 0, 64 : (!rsp.vreg<v04>, !rsp.reg<a0>) -> !rsp.vreg<v04>
      %43 = rsp.lqv %22, %4, 0, 80 : (!rsp.vreg<v05>, !rsp.reg<a0>) -> !rsp.vreg<v05>
      %44 = rsp.lqv %23, %4, 0, 96 : (!rsp.vreg<v06>, !rsp.reg<a0>) -> !rsp.vreg<v06>
      %45 = rsp.lqv %24, %4, 0, 112 : (!rsp.vreg<v07>, !rsp.reg<a0>) -> !rsp.vreg<v07>
      %46 = rsp.vmudh %41, %40, e0 : (!rsp.vreg<v02>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %47 = rsp.vmadh %42, %40, e1 : (!rsp.vreg<v04>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %48 = rsp.lqv %25, %4, 0, 128 : (!rsp.vreg<v08>, !rsp.reg<a0>) -> !rsp.vreg<v08>
      %49 = rsp.vmadh %43, %40, e2 : (!rsp.vreg<v05>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %50 = rsp.lqv %26, %4, 0, 144 : (!rsp.vreg<v09>, !rsp.reg<a0>) -> !rsp.vreg<v09>
      %51 = rsp.vmadh %44, %40, e3 : (!rsp.vreg<v06>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %52 = rsp.lqv %27, %4, 0, 160 : (!rsp.vreg<v10>, !rsp.reg<a0>) -> !rsp.vreg<v10>
      %53 = rsp.vmadh %45, %40, e4 : (!rsp.vreg<v07>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %54 = rsp.lqv %28, %0, 0, 64 : (!rsp.vreg<v11>, !rsp.reg<zero>) -> !rsp.vreg<v11>
      %55 = rsp.lqv %29, %4, 0, 176 : (!rsp.vreg<v12>, !rsp.reg<a0>) -> !rsp.vreg<v12>
      %56 = rsp.vmadh %48, %40, e5 : (!rsp.vreg<v08>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %57 = rsp.lqv %30, %4, 0, 192 : (!rsp.vreg<v13>, !rsp.reg<a0>) -> !rsp.vreg<v13>
      %58 = rsp.vmadh %50, %40, e6 : (!rsp.vreg<v09>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %59 = rsp.lqv %31, %4, 0, 208 : (!rsp.vreg<v14>, !rsp.reg<a0>) -> !rsp.vreg<v14>
      %60 = rsp.vmadh %52, %40, e7 : (!rsp.vreg<v10>, !rsp.vreg<v01>) -> !rsp.vreg<v03>
      %61 = rsp.lqv %32, %4, 0, 224 : (!rsp.vreg<v15>, !rsp.reg<a0>) -> !rsp.vreg<v15>
      %62 = rsp.lqv %33, %4, 0, 240 : (!rsp.vreg<v16>, !rsp.reg<a0>) -> !rsp.vreg<v16>
      %63 = rsp.vmadh %55, %54, e0 : (!rsp.vreg<v12>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %64 = rsp.vmadh %57, %54, e1 : (!rsp.vreg<v13>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %65 = rsp.lqv %34, %4, 0, 256 : (!rsp.vreg<v17>, !rsp.reg<a0>) -> !rsp.vreg<v17>
      %66 = rsp.vmadh %59, %54, e2 : (!rsp.vreg<v14>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %67 = rsp.lqv %35, %4, 0, 272 : (!rsp.vreg<v18>, !rsp.reg<a0>) -> !rsp.vreg<v18>
      %68 = rsp.vmadh %61, %54, e3 : (!rsp.vreg<v15>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %69 = rsp.lqv %36, %4, 0, 288 : (!rsp.vreg<v19>, !rsp.reg<a0>) -> !rsp.vreg<v19>
      %70 = rsp.vmadh %62, %54, e4 : (!rsp.vreg<v16>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %71 = rsp.lqv %37, %4, 0, 0 : (!rsp.vreg<v20>, !rsp.reg<a0>) -> !rsp.vreg<v20>
      %72 = rsp.vmadh %65, %54, e5 : (!rsp.vreg<v17>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %73 = rsp.lqv %38, %4, 0, 16 : (!rsp.vreg<v21>, !rsp.reg<a0>) -> !rsp.vreg<v21>
      %74 = rsp.vmadh %67, %54, e6 : (!rsp.vreg<v18>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %75 = rsp.lqv %39, %4, -1, 32 : (!rsp.vreg<v22>, !rsp.reg<a0>) -> !rsp.vreg<v22>
      %76 = rsp.vmadh %69, %54, e7 : (!rsp.vreg<v19>, !rsp.vreg<v11>) -> !rsp.vreg<v03>
      %77 = rsp.xori %4, 464 : (!rsp.reg<a0>) -> !rsp.reg<a0>
      %78 = rsp.vmadh %71, %5, e0 : (!rsp.vreg<v20>, !rsp.vreg<v00>) -> !rsp.vreg<v03>
      %79 = rsp.addi %1, 512 : (!rsp.reg<v0>) -> !rsp.reg<s1>
      %80 = rsp.vmadh %73, %5, e1 : (!rsp.vreg<v21>, !rsp.vreg<v00>) -> !rsp.vreg<v03>
      %81 = rsp.addi %0, 688 : (!rsp.reg<zero>) -> !rsp.reg<s2>
      %82 = rsp.vsar COP2_ACC_MD : () -> !rsp.vreg<v24>
      %83 = rsp.vsar COP2_ACC_HI : () -> !rsp.vreg<v23>
      %84 = rsp.vmudn %82, %75, v : (!rsp.vreg<v24>, !rsp.vreg<v22>) -> !rsp.vreg<v03>
      %85 = rsp.vmadh %83, %75, v : (!rsp.vreg<v23>, !rsp.vreg<v22>) -> !rsp.vreg<v25>
      %86 = rsp.vge %85, %5, e2 : (!rsp.vreg<v25>, !rsp.vreg<v00>) -> !rsp.vreg<v25>
      rsp.bne %18, %0, "ucode0_dma_full_4" : (!rsp.reg<s0>, !rsp.reg<zero>) -> ()
      rsp.sqv %86, %0, 0, 688 : (!rsp.vreg<v25>, !rsp.reg<zero>) -> ()
      rsp.label "ucode0_dma_full_5"
      %87 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<s3>
      rsp.bne %87, %0, "ucode0_dma_full_5" : (!rsp.reg<s3>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %81, COP0_DMA_SPADDR : (!rsp.reg<s2>) -> ()
      rsp.mtc0 %79, COP0_DMA_RAMADDR : (!rsp.reg<s1>) -> ()
      %88 = rsp.addi %0, 15 : (!rsp.reg<zero>) -> !rsp.reg<s4>
      rsp.mtc0 %88, COP0_DMA_WRITE : (!rsp.reg<s4>) -> ()
      rsp.label "ucode0_layer_1"
      %89 = rsp.get_register : () -> !rsp.vreg<v26>
      %90 = rsp.addi %0, 3904 : (!rsp.reg<zero>) -> !rsp.reg<s5>
      %91 = rsp.addi %0, 3904 : (!rsp.reg<zero>) -> !rsp.reg<s6>
      %92 = rsp.lqv %89, %0, 0, 32 : (!rsp.vreg<v26>, !rsp.reg<zero>) -> !rsp.vreg<v26>
      %93 = rsp.xori %90, 464 : (!rsp.reg<s5>) -> !rsp.reg<s5>
      %94 = rsp.addi %1, 512 : (!rsp.reg<v0>) -> !rsp.reg<s7>
      %95 = rsp.addi %0, 4080 : (!rsp.reg<zero>) -> !rsp.reg<t8>
      rsp.label "ucode0_dma_full_6"
      %96 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t9>
      rsp.bne %96, %0, "ucode0_dma_full_6" : (!rsp.reg<t9>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %95, COP0_DMA_SPADDR : (!rsp.reg<t8>) -> ()
      rsp.mtc0 %94, COP0_DMA_RAMADDR : (!rsp.reg<s7>) -> ()
      %97 = rsp.addi %0, 15 : (!rsp.reg<zero>) -> !rsp.reg<fp>
      rsp.mtc0 %97, COP0_DMA_READ : (!rsp.reg<fp>) -> ()
      rsp.label "ucode0_dma_full_7"
      %98 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<a2>
      rsp.bne %98, %0, "ucode0_dma_full_7" : (!rsp.reg<a2>, !rsp.reg<zero>) -> ()
      rsp.nop
      %99 = rsp.get_register : () -> !rsp.vreg<v27>
      %100 = rsp.get_register : () -> !rsp.vreg<v28>
      %101 = rsp.get_register : () -> !rsp.vreg<v30>
      %102 = rsp.get_register : () -> !rsp.vreg<v31>
      %103 = rsp.get_register : () -> !rsp.vreg<v02>
      %104 = rsp.get_register : () -> !rsp.vreg<v04>
      %105 = rsp.get_register : () -> !rsp.vreg<v05>
      %106 = rsp.get_register : () -> !rsp.vreg<v06>
      %107 = rsp.get_register : () -> !rsp.vreg<v07>
      %108 = rsp.get_register : () -> !rsp.vreg<v08>
      %109 = rsp.get_register : () -> !rsp.vreg<v09>
      %110 = rsp.get_register : () -> !rsp.vreg<v01>
      %111 = rsp.addi %0, 4080 : (!rsp.reg<zero>) -> !rsp.reg<a1>
      %112 = rsp.lqv %99, %111, 0, 0 : (!rsp.vreg<v27>, !rsp.reg<a1>) -> !rsp.vreg<v27>
      %113 = rsp.lqv %100, %91, 0, 48 : (!rsp.vreg<v28>, !rsp.reg<s6>) -> !rsp.vreg<v28>
      %114 = rsp.lqv %101, %91, 0, 64 : (!rsp.vreg<v30>, !rsp.reg<s6>) -> !rsp.vreg<v30>
      %115 = rsp.lqv %102, %91, 0, 80 : (!rsp.vreg<v31>, !rsp.reg<s6>) -> !rsp.vreg<v31>
      %116 = rsp.lqv %103, %91, 0, 96 : (!rsp.vreg<v02>, !rsp.reg<s6>) -> !rsp.vreg<v02>
      %117 = rsp.lqv %104, %91, 0, 112 : (!rsp.vreg<v04>, !rsp.reg<s6>) -> !rsp.vreg<v04>
      %118 = rsp.vmudh %113, %112, e0 : (!rsp.vreg<v28>, !rsp.vreg<v27>) -> !rsp.vreg<v29>
      %119 = rsp.vmadh %114, %112, e1 : (!rsp.vreg<v30>, !rsp.vreg<v27>) -> !rsp.vreg<v29>
      %120 = rsp.lqv %105, %91, 0, 128 : (!rsp.vreg<v05>, !rsp.reg<s6>) -> !rsp.vreg<v05>
      %121 = rsp.vmadh %115, %112, e2 : (!rsp.vreg<v31>, !rsp.vreg<v27>) -> !rsp.vreg<v29>
      %122 = rsp.lqv %106, %91, 0, 144 : (!rsp.vreg<v06>, !rsp.reg<s6>) -> !rsp.vreg<v06>
      %123 = rsp.vmadh %116, %112, e3 : (!rsp.vreg<v02>, !rsp.vreg<v27>) -> !rsp.vreg<v29>
      %124 = rsp.lqv %107, %91, 0, 160 : (!rsp.vreg<v07>, !rsp.reg<s6>) -> !rsp.vreg<v07>
      %125 = rsp.vmadh %117, %112, e4 : (!rsp.vreg<v04>, !rsp.vreg<v27>) -> !rsp.vreg<v29>
      %126 = rsp.lqv %108, %91, 0, 0 : (!rsp.vreg<v08>, !rsp.reg<s6>) -> !rsp.vreg<v08>
      %127 = rsp.vmadh %120, %112, e5 : (!rsp.vreg<v05>, !rsp.vreg<v27>) -> !rsp.vreg<v29>
      %128 = rsp.lqv %109, %91, 0, 16 : (!rsp.vreg<v09>, !rsp.reg<s6>) -> !rsp.vreg<v09>
      %129 = rsp.vmadh %122, %112, e6 : (!rsp.vreg<v06>, !rsp.vreg<v27>) -> !rsp.vreg<v29>
      %130 = rsp.lqv %110, %91, 0, 32 : (!rsp.vreg<v01>, !rsp.reg<s6>) -> !rsp.vreg<v01>
      %131 = rsp.vmadh %124, %112, e7 : (!rsp.vreg<v07>, !rsp.vreg<v27>) -> !rsp.vreg<v29>
      %132 = rsp.addi %0, 3712 : (!rsp.reg<zero>) -> !rsp.reg<a3>
      %133 = rsp.vmadh %126, %92, e0 : (!rsp.vreg<v08>, !rsp.vreg<v26>) -> !rsp.vreg<v29>
      %134 = rsp.xori %91, 464 : (!rsp.reg<s6>) -> !rsp.reg<s6>
      %135 = rsp.vmadh %128, %92, e1 : (!rsp.vreg<v09>, !rsp.vreg<v26>) -> !rsp.vreg<v29>
      %136 = rsp.addi %1, 480 : (!rsp.reg<v0>) -> !rsp.reg<v1>
      %137 = rsp.vsar COP2_ACC_MD : () -> !rsp.vreg<v12>
      %138 = rsp.addi %0, 3712 : (!rsp.reg<zero>) -> !rsp.reg<t2>
      %139 = rsp.vsar COP2_ACC_HI : () -> !rsp.vreg<v10>
      %140 = rsp.vmudn %137, %130, v : (!rsp.vreg<v12>, !rsp.vreg<v01>) -> !rsp.vreg<v29>
      %141 = rsp.vmadh %139, %130, v : (!rsp.vreg<v10>, !rsp.vreg<v01>) -> !rsp.vreg<v13>
      rsp.sqv %141, %132, 0, 0 : (!rsp.vreg<v13>, !rsp.reg<a3>) -> ()
      rsp.label "ucode0_dma_full_8"
      %142 = rsp.mfc0 COP0_DMA_FULL : () -> !rsp.reg<t1>
      rsp.bne %142, %0, "ucode0_dma_full_8" : (!rsp.reg<t1>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.mtc0 %138, COP0_DMA_SPADDR : (!rsp.reg<t2>) -> ()
      rsp.mtc0 %136, COP0_DMA_RAMADDR : (!rsp.reg<v1>) -> ()
      %143 = rsp.addi %0, 15 : (!rsp.reg<zero>) -> !rsp.reg<t0>
      rsp.mtc0 %143, COP0_DMA_WRITE : (!rsp.reg<t0>) -> ()
      rsp.label "ucode0_dma_busy_9"
      %144 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<t3>
      rsp.bne %144, %0, "ucode0_dma_busy_9" : (!rsp.reg<t3>, !rsp.reg<zero>) -> ()
      rsp.nop
      rsp.sw %1, %0, 4 : (!rsp.reg<v0>, !rsp.reg<zero>) -> ()
      rsp.break
      rsp.nop
    }
    rsp.section "data" {
      rsp.word 0
      rsp.space 12, 0
      rsp.half 16384, 1, 0, 32767, 0, 0, 0, 0
      rsp.half 16384, 1, -32768, 32767, 0, 0, 0, 0
    }
  }
}
