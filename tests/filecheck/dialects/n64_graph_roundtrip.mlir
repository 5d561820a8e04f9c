// RUN: n64-opt %s | filecheck %s
// RUN: n64-opt %s --print-op-generic | n64-opt | filecheck %s
// RUN: n64-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

// Every graph op in its custom form; the second RUN line goes through the
// generic form and back and must print the same.

builtin.module {
  func.func @main(%x: tensor<1x3x9x10xf32>, %v: tensor<1x64xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x32xf32>)
      attributes {n64.input_names = ["image", "vector"], n64.output_names = ["features", "logits"]} {
    %w = n64.constant dense<"0x000048C1000044C1000040C100003CC1000038C1000034C1000030C100002CC1000028C1000024C1000020C100001CC1000018C1000014C1000010C100000CC1000008C1000004C1000000C10000F8C00000F0C00000E8C00000E0C00000D8C00000D0C00000C8C00000C0C00000B8C00000B0C00000A8C00000A0C0000098C0000090C0000088C0000080C0000070C0000060C0000050C0000040C0000030C0000020C0000010C0000000C00000E0BF0000C0BF0000A0BF000080BF000040BF000000BF000080BE000000000000803E0000003F0000403F0000803F0000A03F0000C03F0000E03F0000004000001040000020400000304000004040000050400000604000007040000080400000884000009040000098400000A0400000A8400000B0400000B8400000C0400000C8400000D0400000D8400000E0400000E8400000F0400000F84000000041000004410000084100000C4100001041000014410000184100001C4100002041000024410000284100002C4100003041000034410000384100003C4100004041000044410000484100004C4100005041000054410000584100005C4100006041000064410000684100006C4100007041000074410000784100007C41000080410000824100008441000086410000884100008A4100008C4100008E41000090410000924100009441000096410000984100009A4100009C4100009E410000A0410000A2410000A4410000A6410000A8410000AA410000AC410000AE410000B0410000B2410000B4410000B6410000B8410000BA41"> : tensor<8x3x2x3xf32>
    %b8 = n64.constant dense<[1.0, -2.5, 0.0, -0.0, 3.25, 1.0e-07, 6.0, 7.0]> : tensor<8xf32>
    %zero = n64.constant dense<0.0> : tensor<32xf32>
    %w16 = n64.constant dense<[1, -2, 32767]> : tensor<3xi16>
    // CHECK:      %w = n64.constant dense<"0x000048C1000044C1000040C100003CC1000038C1000034C1000030C100002CC1000028C1000024C1000020C100001CC1000018C1000014C1000010C100000CC1000008C1000004C1000000C10000F8C00000F0C00000E8C00000E0C00000D8C00000D0C00000C8C00000C0C00000B8C00000B0C00000A8C00000A0C0000098C0000090C0000088C0000080C0000070C0000060C0000050C0000040C0000030C0000020C0000010C0000000C00000E0BF0000C0BF0000A0BF000080BF000040BF000000BF000080BE000000000000803E0000003F0000403F0000803F0000A03F0000C03F0000E03F0000004000001040000020400000304000004040000050400000604000007040000080400000884000009040000098400000A0400000A8400000B0400000B8400000C0400000C8400000D0400000D8400000E0400000E8400000F0400000F84000000041000004410000084100000C4100001041000014410000184100001C4100002041000024410000284100002C4100003041000034410000384100003C4100004041000044410000484100004C4100005041000054410000584100005C4100006041000064410000684100006C4100007041000074410000784100007C41000080410000824100008441000086410000884100008A4100008C4100008E41000090410000924100009441000096410000984100009A4100009C4100009E410000A0410000A2410000A4410000A6410000A8410000AA410000AC410000AE410000B0410000B2410000B4410000B6410000B8410000BA41"> : tensor<8x3x2x3xf32>
    // CHECK-NEXT: %b8 = n64.constant dense<[1.000000e+00, -2.500000e+00, 0.000000e+00, -0.000000e+00, 3.250000e+00, 1.000000e-07, 6.000000e+00, 7.000000e+00]> : tensor<8xf32>
    // CHECK-NEXT: %zero = n64.constant dense<0.000000e+00> : tensor<32xf32>
    // CHECK-NEXT: %w16 = n64.constant dense<[1, -2, 32767]> : tensor<3xi16>

    %dw = n64.constant dense<1.0> : tensor<8x1x3x3xf32>
    %c0 = n64.conv2d %x, %w, %b8 : (tensor<1x3x9x10xf32>, tensor<8x3x2x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
    %c1 = n64.conv2d %c0, %dw {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, clamp_min = 0.0 : f32, clamp_max = 6.0 : f32} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
    // CHECK-NEXT: %dw = n64.constant dense<1.000000e+00> : tensor<8x1x3x3xf32>
    // CHECK-NEXT: %c0 = n64.conv2d %x, %w, %b8 : (tensor<1x3x9x10xf32>, tensor<8x3x2x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
    // CHECK-NEXT: %c1 = n64.conv2d %c0, %dw {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, group = 8 : i64, clamp_min = 0.000000e+00 : f32, clamp_max = 6.000000e+00 : f32} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>

    %r = n64.relu %c1 : tensor<1x8x4x4xf32>
    %s = n64.sigmoid %r : tensor<1x8x4x4xf32>
    %t = n64.tanh %s : tensor<1x8x4x4xf32>
    %cl = n64.clip %t {min = -1.0 : f32, max = 1.0 : f32} : tensor<1x8x4x4xf32>
    %cl2 = n64.clip %cl {max = 1.0 : f32} : tensor<1x8x4x4xf32>
    %lr = n64.leaky_relu %cl2 {alpha = 0.1 : f32} : tensor<1x8x4x4xf32>
    %lr2 = n64.leaky_relu %lr : tensor<1x8x4x4xf32>
    // CHECK-NEXT: %r = n64.relu %c1 : tensor<1x8x4x4xf32>
    // CHECK-NEXT: %s = n64.sigmoid %r : tensor<1x8x4x4xf32>
    // CHECK-NEXT: %t = n64.tanh %s : tensor<1x8x4x4xf32>
    // CHECK-NEXT: %cl = n64.clip %t {min = -1.000000e+00 : f32, max = 1.000000e+00 : f32} : tensor<1x8x4x4xf32>
    // CHECK-NEXT: %cl2 = n64.clip %cl {max = 1.000000e+00 : f32} : tensor<1x8x4x4xf32>
    // CHECK-NEXT: %lr = n64.leaky_relu %cl2 {alpha = 1.000000e-01 : f32} : tensor<1x8x4x4xf32>
    // CHECK-NEXT: %lr2 = n64.leaky_relu %lr : tensor<1x8x4x4xf32>

    %mp = n64.maxpool %c0 {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true} : (tensor<1x8x8x8xf32>) -> tensor<1x8x5x5xf32>
    %mpd = n64.maxpool %c0 {kernel = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x6x6xf32>
    %ap = n64.avgpool %c0 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, count_include_pad = true} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
    %gp = n64.global_avgpool %ap : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32>
    // CHECK-NEXT: %mp = n64.maxpool %c0 {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true} : (tensor<1x8x8x8xf32>) -> tensor<1x8x5x5xf32>
    // CHECK-NEXT: %mpd = n64.maxpool %c0 {kernel = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x6x6xf32>
    // CHECK-NEXT: %ap = n64.avgpool %c0 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, count_include_pad = true} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
    // CHECK-NEXT: %gp = n64.global_avgpool %ap : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32>

    %b8r = n64.reshape %b8 : (tensor<8xf32>) -> tensor<8x1x1xf32>
    %add = n64.add %lr2, %ap {clamp_min = 0.0 : f32} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    %sub = n64.sub %add, %gp : (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x4x4xf32>
    %mul = n64.mul %sub, %b8r : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
    // CHECK-NEXT: %b8r = n64.reshape %b8 : (tensor<8xf32>) -> tensor<8x1x1xf32>
    // CHECK-NEXT: %add = n64.add %lr2, %ap {clamp_min = 0.000000e+00 : f32} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    // CHECK-NEXT: %sub = n64.sub %add, %gp : (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x4x4xf32>
    // CHECK-NEXT: %mul = n64.mul %sub, %b8r : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>

    %cat = n64.concat %mul, %add, %mul {axis = -3 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x24x4x4xf32>
    %fl = n64.flatten %cat : (tensor<1x24x4x4xf32>) -> tensor<1x384xf32>
    %fl2 = n64.flatten %cat {axis = 2 : i64} : (tensor<1x24x4x4xf32>) -> tensor<24x16xf32>
    %tr = n64.transpose %cat {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x24x4x4xf32>) -> tensor<1x4x4x24xf32>
    %pd = n64.pad %mul {pads = array<i64: 0, 0, 1, 2, 0, 0, 3, 4>, value = 1.5 : f32} : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x10xf32>
    %pr = n64.pad %mul {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "reflect"} : (tensor<1x8x4x4xf32>) -> tensor<1x8x6x6xf32>
    %pe = n64.pad %mul {pads = array<i64: 0, -1, 0, 0, 0, 0, 0, 2>, mode = "edge"} : (tensor<1x8x4x4xf32>) -> tensor<1x7x4x6xf32>
    // CHECK-NEXT: %cat = n64.concat %mul, %add, %mul {axis = -3 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x24x4x4xf32>
    // CHECK-NEXT: %fl = n64.flatten %cat : (tensor<1x24x4x4xf32>) -> tensor<1x384xf32>
    // CHECK-NEXT: %fl2 = n64.flatten %cat {axis = 2 : i64} : (tensor<1x24x4x4xf32>) -> tensor<24x16xf32>
    // CHECK-NEXT: %tr = n64.transpose %cat {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x24x4x4xf32>) -> tensor<1x4x4x24xf32>
    // CHECK-NEXT: %pd = n64.pad %mul {pads = array<i64: 0, 0, 1, 2, 0, 0, 3, 4>, value = 1.500000e+00 : f32} : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x10xf32>
    // CHECK-NEXT: %pr = n64.pad %mul {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "reflect"} : (tensor<1x8x4x4xf32>) -> tensor<1x8x6x6xf32>
    // CHECK-NEXT: %pe = n64.pad %mul {pads = array<i64: 0, -1, 0, 0, 0, 0, 0, 2>, mode = "edge"} : (tensor<1x8x4x4xf32>) -> tensor<1x7x4x6xf32>

    %sm = n64.softmax %fl {axis = 1 : i64} : tensor<1x384xf32>
    %sm2 = n64.softmax %fl2 : tensor<24x16xf32>
    %bn = n64.batchnorm %mul, %b8, %b8, %b8, %b8 {epsilon = 1.0e-03 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
    // CHECK-NEXT: %sm = n64.softmax %fl {axis = 1 : i64} : tensor<1x384xf32>
    // CHECK-NEXT: %sm2 = n64.softmax %fl2 : tensor<24x16xf32>
    // CHECK-NEXT: %bn = n64.batchnorm %mul, %b8, %b8, %b8, %b8 {epsilon = 1.000000e-03 : f32} : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>

    %wt = n64.constant dense<5.0e-01> : tensor<64x32xf32>
    %g3 = n64.constant dense<1.0> : tensor<2x32x32xf32>
    %g = n64.gemm %v, %wt, %zero {clamp_min = 0.0 : f32} : (tensor<1x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<1x32xf32>
    %g2 = n64.gemm %v, %wt : (tensor<1x64xf32>, tensor<64x32xf32>) -> tensor<1x32xf32>
    %mm = n64.matmul %g, %g3 {clamp_max = 1.0 : f32} : (tensor<1x32xf32>, tensor<2x32x32xf32>) -> tensor<2x1x32xf32>
    // CHECK-NEXT: %wt = n64.constant dense<5.000000e-01> : tensor<64x32xf32>
    // CHECK-NEXT: %g3 = n64.constant dense<1.000000e+00> : tensor<2x32x32xf32>
    // CHECK-NEXT: %g = n64.gemm %v, %wt, %zero {clamp_min = 0.000000e+00 : f32} : (tensor<1x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<1x32xf32>
    // CHECK-NEXT: %g2 = n64.gemm %v, %wt : (tensor<1x64xf32>, tensor<64x32xf32>) -> tensor<1x32xf32>
    // CHECK-NEXT: %mm = n64.matmul %g, %g3 {clamp_max = 1.000000e+00 : f32} : (tensor<1x32xf32>, tensor<2x32x32xf32>) -> tensor<2x1x32xf32>

    func.return %bn, %g : tensor<1x8x4x4xf32>, tensor<1x32xf32>
    // CHECK: func.return %bn, %g : tensor<1x8x4x4xf32>, tensor<1x32xf32>
  }
}

// GENERIC: %c1 = "n64.conv2d"(%c0, %dw) <{strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, clamp_min = 0.000000e+00 : f32, clamp_max = 6.000000e+00 : f32}>
// GENERIC: %mp = "n64.maxpool"(%c0) <{kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = true, dilations = array<i64: 1, 1>}> : (tensor<1x8x8x8xf32>) -> tensor<1x8x5x5xf32>

