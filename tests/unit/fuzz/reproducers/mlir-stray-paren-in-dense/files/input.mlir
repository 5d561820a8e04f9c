builtin.module {
  func.func @main(%0: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %1 = n64.constant dense<[[(0.5, 0.25]]> : tensor<1x2xf32>
    %2 = n64.add %0, %1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    func.return %2 : tensor<1x2xf32>
  }
}
