// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s

// A global average pool (2x2 image, 8 channels): per channel vector the
// four window elements times the multiplier (k.e4), the rounding constant
// 2^ra * 2^rb (k2 times k.e5), and the shift by 2^(16-s) (k.e6).
func.func @gap(%x: tensor<1x8x2x2xi16>) -> tensor<1x8x1x1xi16> {
  %y = n64.qavgpool %x kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier 16384 shift 16 frac_bits 12 : tensor<1x8x2x2xi16> -> tensor<1x8x1x1xi16>
  func.return %y : tensor<1x8x1x1xi16>
}

// The constants are built from immediates: k = [16384, 1, 0, 0, 16384, 2,
// 1, 0] (one mtc2 per non-zero lane, one addi per distinct value), k2 =
// eight 2^ra (one mtc2, then a broadcast of lane 0); zero = k ^ k between.
// CHECK:       rsp.vxor %[[K0:.*]], %[[K0]], v
// CHECK-NEXT:  rsp.addi %{{.*}}, 16384
// CHECK-NEXT:  rsp.mtc2 %{{.*}}, %{{.*}}, 0
// CHECK-NEXT:  rsp.addi %{{.*}}, 1
// CHECK-NEXT:  rsp.mtc2 %{{.*}}, %{{.*}}, 2
// CHECK-NEXT:  rsp.mtc2 %{{.*}}, %{{.*}}, 8
// CHECK-NEXT:  rsp.addi %{{.*}}, 2
// CHECK-NEXT:  rsp.mtc2 %{{.*}}, %{{.*}}, 10
// CHECK-NEXT:  rsp.mtc2 %{{.*}}, %{{.*}}, 12
// CHECK-NEXT:  rsp.vxor
// CHECK-NEXT:  rsp.get_register
// CHECK-NEXT:  rsp.vxor %[[K2:.*]], %[[K2]], v
// CHECK-NEXT:  rsp.addi %{{.*}}, 16384
// CHECK-NEXT:  rsp.mtc2 %{{.*}}, %{{.*}}, 0
// CHECK-NEXT:  rsp.vor %{{.*}}, %{{.*}}, e0
// CHECK:       rsp.vmudh %{{.*}}, %{{.*}}, e4
// CHECK-COUNT-3: rsp.vmadh %{{.*}}, %{{.*}}, e4
// CHECK:       rsp.vmadh %{{.*}}, %{{.*}}, e5
// CHECK-NEXT:  rsp.vsar COP2_ACC_HI
// CHECK-NEXT:  rsp.vsar COP2_ACC_MD
// CHECK-NEXT:  rsp.vmudn %{{.*}}, %{{.*}}, e6
// CHECK-NEXT:  rsp.vmadh %{{.*}}, %{{.*}}, e6
// CHECK-NEXT:  rsp.sqv
