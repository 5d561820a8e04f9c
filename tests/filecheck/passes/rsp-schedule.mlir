// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp,rsp-allocate-registers,rsp-schedule | filecheck %s

// In the MAC chain each vmadh issues together with one weight load (the
// RSP pairs them greedily: a vmadh with the lqv right after it, or a lone
// lqv's successor with the vmadh after it), and every weight row is loaded
// at least four issue groups before its vmadh (no read-after-write stall).
func.func @main(%x: tensor<1x12xi16>) -> tensor<1x10xi16> {
  %w = n64.constant dense<3> : tensor<12x10xi16>
  %b = n64.constant dense<100> : tensor<10xi32>
  %y = n64.qgemm %x, %w, %b shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x12xi16>, tensor<12x10xi16>, tensor<10xi32>) -> tensor<1x10xi16>
  func.return %y : tensor<1x10xi16>
}

// CHECK:       rsp.lqv %{{.*}}, %0, 0, 16 : {{.*}} -> !rsp.vreg<[[X:v[0-9]+]]>
// CHECK-NEXT:  rsp.lqv %{{.*}}, 0, 48 : {{.*}} -> !rsp.vreg<[[W0:v[0-9]+]]>
// CHECK-NEXT:  rsp.lqv %{{.*}}, 0, 64 : {{.*}} -> !rsp.vreg<[[W1:v[0-9]+]]>
// CHECK-NEXT:  rsp.lqv %{{.*}}, 0, 80 : {{.*}} -> !rsp.vreg<[[W2:v[0-9]+]]>
// CHECK-NEXT:  rsp.lqv %{{.*}}, 0, 96 : {{.*}} -> !rsp.vreg<[[W3:v[0-9]+]]>
// CHECK-NEXT:  rsp.lqv %{{.*}}, 0, 112 : {{.*}} -> !rsp.vreg<[[W4:v[0-9]+]]>
// CHECK-NEXT:  rsp.vmudh %{{.*}}, e0 : (!rsp.vreg<[[W0]]>, !rsp.vreg<[[X]]>)
// CHECK-NEXT:  rsp.vmadh %{{.*}}, e1 : (!rsp.vreg<[[W1]]>, !rsp.vreg<[[X]]>)
// CHECK-NEXT:  rsp.lqv %{{.*}}, 0, 128
// CHECK-NEXT:  rsp.vmadh %{{.*}}, e2 : (!rsp.vreg<[[W2]]>, !rsp.vreg<[[X]]>)
// CHECK-NEXT:  rsp.lqv %{{.*}}, 0, 144
// CHECK-NEXT:  rsp.vmadh %{{.*}}, e3 : (!rsp.vreg<[[W3]]>, !rsp.vreg<[[X]]>)
// CHECK-NEXT:  rsp.lqv %{{.*}}, 0, 160
// CHECK-NEXT:  rsp.vmadh %{{.*}}, e4 : (!rsp.vreg<[[W4]]>, !rsp.vreg<[[X]]>)
