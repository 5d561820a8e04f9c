// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp,rsp-allocate-registers | filecheck %s

// Virtual registers become machine registers: loop-carried pointers and
// the base address keep theirs across the loop; consecutive weight loads get
// different registers (least recently freed first); the MAC chain writes one
// register throughout.
func.func @main(%x: tensor<1x12xi16>) -> tensor<1x10xi16> {
  %w = n64.constant dense<3> : tensor<12x10xi16>
  %b = n64.constant dense<100> : tensor<10xi32>
  %y = n64.qgemm %x, %w, %b shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x12xi16>, tensor<12x10xi16>, tensor<10xi32>) -> tensor<1x10xi16>
  func.return %y : tensor<1x10xi16>
}

// CHECK-NOT:   !rsp.reg<j_
// CHECK-NOT:   !rsp.vreg<vj_
// CHECK:       %1 = rsp.lw %0, 0 : (!rsp.reg<zero>) -> !rsp.reg<[[BASE:[a-z0-9]+]]>
// CHECK:       rsp.addi %1, 0 : (!rsp.reg<[[BASE]]>)
// CHECK:       rsp.vmudh %{{.*}}, %{{.*}}, e0 : (!rsp.vreg<[[W0:v[0-9]+]]>, !rsp.vreg<[[X:v[0-9]+]]>) -> !rsp.vreg<[[ACC:v[0-9]+]]>
// CHECK:       rsp.lqv %{{.*}} -> !rsp.vreg<[[W1:v[0-9]+]]>
// CHECK-NEXT:  rsp.vmadh %{{.*}}, %{{.*}}, e1 : (!rsp.vreg<[[W1]]>, !rsp.vreg<[[X]]>) -> !rsp.vreg<[[ACC]]>
// CHECK-NOT:   -> !rsp.vreg<[[W0]]>
// CHECK:       rsp.vmadh %{{.*}}, %{{.*}}, e2 : (!rsp.vreg<{{v[0-9]+}}>, !rsp.vreg<[[X]]>) -> !rsp.vreg<[[ACC]]>
// CHECK-NOT:   !rsp.reg<j_
// CHECK-NOT:   !rsp.vreg<vj_
