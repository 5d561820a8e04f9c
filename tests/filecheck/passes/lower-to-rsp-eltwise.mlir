// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s

// An element-wise add: 6 vectors, unrolled by 2 in a 3-iteration loop; per
// vector a*2^ka + b*2^kb + 2^(s-1) on the accumulator, the shift sequence,
// the clamp at 0 and the store back into a's buffer.
func.func @add(%a: tensor<3x13xi16>, %b: tensor<3x13xi16>) -> tensor<3x13xi16> {
  %y = n64.qadd %a, %b lhs_mul_log2 2 rhs_mul_log2 0 shift 3 frac_bits 9 clamp(0, 32767) : (tensor<3x13xi16>, tensor<3x13xi16>) -> tensor<3x13xi16>
  func.return %y : tensor<3x13xi16>
}

// CHECK:       rsp.addi %0, 3 {comment = "vector groups"}
// CHECK-NEXT:  rsp.label "ucode0_eltwise_{{[0-9]+}}"
// CHECK-NEXT:  rsp.get_register
// CHECK-NEXT:  rsp.lqv %{{.*}}, %{{.*}}, 0, 0
// CHECK-NEXT:  rsp.get_register
// CHECK-NEXT:  rsp.lqv %{{.*}}, %{{.*}}, 0, 0
// CHECK-NEXT:  rsp.vmudh %{{.*}}, e4
// CHECK-NEXT:  rsp.vmadh %{{.*}}, e5
// CHECK-NEXT:  rsp.vmadh %{{.*}}, e6
// CHECK-NEXT:  rsp.vsar COP2_ACC_HI
// CHECK-NEXT:  rsp.vsar COP2_ACC_MD
// CHECK-NEXT:  rsp.vmudn %{{.*}}, e7
// CHECK-NEXT:  rsp.vmadh %{{.*}}, e7
// CHECK-NEXT:  rsp.vge %{{.*}}, e2
// CHECK-NEXT:  rsp.sqv %{{.*}}, %{{.*}}, 0, 0
// CHECK:       rsp.sqv %{{.*}}, %{{.*}}, 0, 16
// CHECK-NEXT:  rsp.addi %{{.*}}, 32
// CHECK-NEXT:  rsp.addi %{{.*}}, 32
// CHECK-NEXT:  rsp.addi %{{.*}}, 32
// CHECK-NEXT:  rsp.addi %{{.*}}, -1
// CHECK-NEXT:  rsp.bne
