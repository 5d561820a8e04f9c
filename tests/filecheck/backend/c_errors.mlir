// RUN: not n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp,rsp-allocate-registers -t c 2>&1 | filecheck %s
// RUN: not n64-opt %s -t c 2>&1 | filecheck %s --check-prefix=LAYOUT

// An op that stays on the CPU without a C kernel: one error line naming
// its place in @main and pointing at the list of kernels.
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %q = n64.quantize %x frac_bits 12 : tensor<1x8xf32> -> tensor<1x8xi16>
  %w = n64.constant dense<3> : tensor<8x4xi16>
  %b = n64.constant dense<8> : tensor<4xi32>
  %y = n64.qgemm %q, %w, %b shifts [4, 4, 4, 4] w_frac_bits [2, 2, 2, 2] frac_bits 10 clamp(-32768, 32767) : (tensor<1x8xi16>, tensor<8x4xi16>, tensor<4xi32>) -> tensor<1x4xi16>
  %d = n64.dequantize %y frac_bits 10 : tensor<1x4xi16> -> tensor<1x4xf32>
  %s = "test.op"(%d) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  func.return %s : tensor<1x4xf32>
}

// CHECK: error: test.op (op {{[0-9]+}} of {{[0-9]+}} in @main; result tensor<1x4xf32>; model output 'output0') stays on the CPU but the C back end has no kernel for it; docs/c-api.md lists the ops it has kernels for

// Without the RDRAM plan there is nothing to emit.
// LAYOUT: error: the module has no RDRAM layout: run plan-rdram
