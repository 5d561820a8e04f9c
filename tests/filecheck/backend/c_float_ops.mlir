// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp,rsp-allocate-registers -t c | filecheck %s

// Float ops left by quantize-int16 become calls of float32 kernels: a
// sigmoid, a broadcast multiply by a constant and a reflect pad after the
// Gemm that runs on the RSP. The pad changes the output's size, so there is
// no int16 entry point and n64c_model_run runs the whole graph.
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x2x4xf32> {
  %q = n64.quantize %x frac_bits 12 : tensor<1x8xf32> -> tensor<1x8xi16>
  %w = n64.constant dense<3> : tensor<8x4xi16>
  %b = n64.constant dense<8> : tensor<4xi32>
  %y = n64.qgemm %q, %w, %b shifts [4, 4, 4, 4] w_frac_bits [2, 2, 2, 2] frac_bits 10 clamp(-32768, 32767) : (tensor<1x8xi16>, tensor<8x4xi16>, tensor<4xi32>) -> tensor<1x4xi16>
  %d = n64.dequantize %y frac_bits 10 : tensor<1x4xi16> -> tensor<1x4xf32>
  %s = n64.sigmoid %d : tensor<1x4xf32>
  %c = n64.constant dense<[[2.0], [-0.5]]> : tensor<2x1xf32>
  %m = n64.mul %s, %c : (tensor<1x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %r = n64.reshape %m : (tensor<2x4xf32>) -> tensor<1x2x4xf32>
  %p = n64.pad %r {pads = array<i64: 0, 0, 1, 0, 0, -1>, mode = "reflect"} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  func.return %p : tensor<1x2x4xf32>
}

// CHECK:      #define N64C_MODEL_HAS_RUN_Q 0
// CHECK:      static void n64c_sigmoid(const float *x, float *y, uint32_t n)
// CHECK:      y[i] = 0.5f * (tanhf(0.5f * x[i]) + 1.0f);
// CHECK:      static void n64c_binaryf(
// CHECK:      static void n64c_padf(
// CHECK:      static const float n64c_[[C:const[0-9]+]][2] = {
// CHECK-NEXT: {{^}}    2.0f, -0x1.0000000000000p-1f,
// CHECK:      int n64c_model_run(const float *input, float *output)
// CHECK-NEXT: {
// CHECK-NEXT:     int status = N64C_OK;
// CHECK:          n64c_quantize(input, [[Q:n64c_t[0-9]+]], 8u, 4096.0f);
// CHECK:          status = n64c_rsp_run(&n64c_job_ucode0);
// CHECK:          n64c_sigmoid([[D:n64c_t[0-9]+]], [[S:n64c_t[0-9]+]], 4u);
// CHECK-NEXT:     n64c_binaryf([[S]], n64c_[[C]], [[M:n64c_t[0-9]+]], 8u, 2u, n64c_tab{{[0-9]+}}, n64c_tab{{[0-9]+}}, n64c_tab{{[0-9]+}}, 2);
// CHECK-NEXT:     memcpy([[R:n64c_t[0-9]+]], [[M]], 8u * sizeof(float));
// CHECK-NEXT:     n64c_padf([[R]], [[P:n64c_t[0-9]+]], 8u, 3u, n64c_tab{{[0-9]+}}, n64c_tab{{[0-9]+}}, n64c_tab{{[0-9]+}}, n64c_tab{{[0-9]+}}, n64c_tab{{[0-9]+}}, 1, 0.0f);
// CHECK:          memcpy(output, [[P]], N64C_MODEL_OUTPUT0_SIZE * sizeof(float));
// CHECK-NOT:  n64c_forward
