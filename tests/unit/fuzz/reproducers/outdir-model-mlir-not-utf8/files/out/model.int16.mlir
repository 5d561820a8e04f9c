builtin.module {
  func.func @main(%0: tensor<1x1x6x6xf32>) -> tensor<1x3xf32> attributes {n64.input_names = ["img"], n64.output_names = ["logits"]} {
    %1 = n64.quantize %0 frac_bits 14 : tensor<1x1x6x6xf32> -> tensor<1x1x6x6xi16>
    %2 = n64.constant dense<[[[[2127, -5882, -4648], [-27474, 20252, 12875], [-3662, 8708, 3164]]], [[[-6717, 11857, -3767], [-3988, -9608, 5518], [-1203, 6614, -7365]]]]> : tensor<2x1x3x3xi16>
    %3 = n64.constant dense<[70214088, -61166540]> : tensor<2xi32>
    %4 = n64.qconv2d %1, %2, %3 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [16, 16] w_frac_bits [15, 15] frac_bits 13 clamp(0, 32767) : (tensor<1x1x6x6xi16>, tensor<2x1x3x3xi16>, tensor<2xi32>) -> tensor<1x2x6x6xi16>
    %5 = n64.qmaxpool %4 kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] frac_bits 13 : tensor<1x2x6x6xi16> -> tensor<1x2x3x3xi16>
    %6 = n64.qreshape %5 frac_bits 13 : tensor<1x2x3x3xi16> -> tensor<1x18xi16>
    %7 = n64.constant dense<[[-17001, -14793, 8272], [1265, 10601, 7102], [2070, 2792, -1669], [8537, -11106, -4147], [2388, 17709, -7515], [-10608, -5537, 9528], [-2310, 13019, -18408], [11094, 10173, -13946], [1510, 11951, 864], [9827, 23346, 2693], [-2756, -7580, 6371], [-1934, -1757, -1035], [6388, -10483, -15039], [-23926, 11783, 725], [14845, -88, -7296], [4698, -753, -12329], [-8701, 17368, 3483], [4093, -2719, -6780]]> : tensor<18x3xi16>
    %8 = n64.constant dense<[23951588, -2792161, -20360770]> : tensor<3xi32>
    %9 = n64.qgemm %6, %7, %8 shifts [15, 15, 15] w_frac_bits [15, 15, 15] frac_bits 13 clamp(-32768, 32767) : (tensor<1x18xi16>, tensor<18x3xi16>, tensor<3xi32>) -> tensor<1x3xi16>
    %10 = n64.dequantize %9 frac_bits 13 : tensor<1x3xi16> -> tensor<1x3xf32>
    func.return %10 : tensor<1x3xf32>
  }
}
