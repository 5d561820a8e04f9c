// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s

// An element-wise add: 6 vectors, 2 a trip in a 3-iteration loop; per
// vector the accumulator gets 2^15 (-32768 read as unsigned, times 1),
// then a * 2^(ka+16-s) and b * 2^(kb+16-s) at bit 0 (`vmadm`, the
// multipliers 2^15 and 2^13 read as unsigned): the last one's sclamp of
// ACC[47:16] is sat16((a*2^ka + b*2^kb + 2^(s-1)) >> s), with no readout
// or shift. The second vector's inputs load before the first one's
// multiplies; the clamps at 0 follow, and the stores back into a's buffer.
func.func @add(%a: tensor<3x13xi16>, %b: tensor<3x13xi16>) -> tensor<3x13xi16> {
  %y = n64.qadd %a, %b lhs_mul_log2 2 rhs_mul_log2 0 shift 3 frac_bits 9 clamp(0, 32767) : (tensor<3x13xi16>, tensor<3x13xi16>) -> tensor<3x13xi16>
  func.return %y : tensor<3x13xi16>
}

// CHECK:       rsp.addi %0, 3 {comment = "vector groups"}
// CHECK-NEXT:  rsp.label "ucode0_eltwise_{{[0-9]+}}"
// CHECK-COUNT-4: rsp.lqv
// CHECK-NEXT:  rsp.vmudn %{{.*}}, e1
// CHECK-NEXT:  rsp.vmadm %{{.*}}, e4
// CHECK-NEXT:  %[[Y0:.*]] = rsp.vmadm %{{.*}}, e5
// CHECK-NEXT:  rsp.vmudn %{{.*}}, e1
// CHECK-NEXT:  rsp.vmadm %{{.*}}, e4
// CHECK-NEXT:  %[[Y1:.*]] = rsp.vmadm %{{.*}}, e5
// CHECK-NEXT:  %[[C0:.*]] = rsp.vge %[[Y0]], %{{.*}}, e2
// CHECK-NEXT:  %[[C1:.*]] = rsp.vge %[[Y1]], %{{.*}}, e2
// CHECK-NEXT:  rsp.sqv %[[C0]], %{{.*}}, 0, 0
// CHECK-NEXT:  rsp.sqv %[[C1]], %{{.*}}, 0, 16
// CHECK-NEXT:  rsp.addi %{{.*}}, 32
// CHECK-NEXT:  rsp.addi %{{.*}}, 32
// CHECK-NEXT:  rsp.addi %{{.*}}, 32
// CHECK-NEXT:  rsp.addi %{{.*}}, -1
// CHECK-NEXT:  rsp.bne
