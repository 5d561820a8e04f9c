// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp | filecheck %s

// A global average pool (2x2 image, 8 channels): per channel vector the
// four window elements times the multiplier (k.e4), the rounding constant
// 2^ra * 2^rb (k2 times k.e5), and the shift by 2^(16-s) (k.e6).
func.func @gap(%x: tensor<1x8x2x2xi16>) -> tensor<1x8x1x1xi16> {
  %y = n64.qavgpool %x kernel [2, 2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] multiplier 16384 shift 16 frac_bits 12 : tensor<1x8x2x2xi16> -> tensor<1x8x1x1xi16>
  func.return %y : tensor<1x8x1x1xi16>
}

// CHECK:       rsp.vxor
// CHECK:       rsp.lqv %{{.*}}, %{{.*}}, 0, 32
// CHECK:       rsp.vmudh %{{.*}}, %{{.*}}, e4
// CHECK-COUNT-3: rsp.vmadh %{{.*}}, %{{.*}}, e4
// CHECK:       rsp.vmadh %{{.*}}, %{{.*}}, e5
// CHECK-NEXT:  rsp.vsar COP2_ACC_HI
// CHECK-NEXT:  rsp.vsar COP2_ACC_MD
// CHECK-NEXT:  rsp.vmudn %{{.*}}, %{{.*}}, e6
// CHECK-NEXT:  rsp.vmadh %{{.*}}, %{{.*}}, e6
// CHECK-NEXT:  rsp.sqv
