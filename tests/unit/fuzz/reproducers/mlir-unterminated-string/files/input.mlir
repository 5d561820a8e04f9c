builtin.module {
  func.func @main(%0: tensor<1x4xi16>) -> tensor<1x4xi16> {
    %1 = n64.constant dense<"0x5103310060FC660BEA017107ABFE15FFE30799FE9C131C1185FBDC015100170
