// RUN: n64-opt %s -p 'tile-for-dmem{windows=false}',allocate-dmem,plan-rdram,lower-to-rsp,rsp-allocate-registers -t c | filecheck %s

// Ops that stay on the CPU become calls of int16 kernels with their
// parameters in static tables; the Gemm runs on the RSP (conv and pool too,
// unless `windows=false` keeps them on the CPU, as here).
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x4xf32> {
  %q = n64.quantize %x frac_bits 14 : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xi16>
  %w = n64.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]]]]> : tensor<2x1x3x3xi16>
  %b = n64.constant dense<[32768, -32768]> : tensor<2xi32>
  %c = n64.qconv2d %q, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 shifts [16, 16] w_frac_bits [14, 14] frac_bits 12 clamp(0, 32767) : (tensor<1x1x4x4xi16>, tensor<2x1x3x3xi16>, tensor<2xi32>) -> tensor<1x2x4x4xi16>
  %p = n64.qmaxpool %c kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] frac_bits 12 : tensor<1x2x4x4xi16> -> tensor<1x2x2x2xi16>
  %r = n64.qreshape %p frac_bits 12 : tensor<1x2x2x2xi16> -> tensor<1x8xi16>
  %gw = n64.constant dense<3> : tensor<8x4xi16>
  %gb = n64.constant dense<8> : tensor<4xi32>
  %y = n64.qgemm %r, %gw, %gb shifts [4, 4, 4, 4] w_frac_bits [2, 2, 2, 2] frac_bits 10 clamp(-32768, 32767) : (tensor<1x8xi16>, tensor<8x4xi16>, tensor<4xi32>) -> tensor<1x4xi16>
  %d = n64.dequantize %y frac_bits 10 : tensor<1x4xi16> -> tensor<1x4xf32>
  func.return %d : tensor<1x4xf32>
}

// CHECK:      #define N64C_MODEL_HAS_RUN_Q 1
// CHECK:      int n64c_model_run(const float *input, float *output);
// CHECK:      static int32_t n64c_asr(int32_t v, int s)
// CHECK:      static int16_t n64c_requant(int32_t acc, int s, int32_t lo, int32_t hi)
// CHECK:      static void n64c_qconv2d(const n64c_conv *p,
// CHECK:      static void n64c_qpool(const n64c_pool *p,
// CHECK-DAG:  static const int16_t n64c_[[W:const[0-9]+]][18] = {
// CHECK-DAG:  {{^}}    1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3,
// CHECK-DAG:  static const int32_t n64c_[[B:const[0-9]+]][2] = {
// CHECK-DAG:  {{^}}    32768, -32768,
// CHECK-DAG:  static const n64c_conv n64c_[[CONV:conv[0-9]+]] = {1u, 4u, 4u, 2u, 4u, 4u, 3u, 3u, 1u, 1, 1, 1, 1, 1, 1, 0, 32767, 0};
// CHECK-DAG:  static const int8_t n64c_[[SH:tab[0-9]+]][2] = {
// CHECK-DAG:  static const n64c_pool n64c_[[POOL:pool[0-9]+]] = {2u, 4u, 4u, 2u, 2u, 2u, 2u, 2, 2, 0, 0, 1, 1, 0, 1, 2};
// CHECK:      static int n64c_forward(void)
// CHECK:        n64c_qconv2d(&n64c_[[CONV]], n64c_[[Q:t[0-9]+]] + 0, n64c_[[W]], n64c_[[B]], n64c_[[SH]], n64c_[[C:t[0-9]+]] + 0);
// CHECK-NEXT:   n64c_qpool(&n64c_[[POOL]], n64c_[[C]] + 0, n64c_[[P:t[0-9]+]] + 0);
// CHECK-NEXT:   memcpy(n64c_[[R:t[0-9]+]], n64c_[[P]], 8u * sizeof(int16_t));
// CHECK-NEXT:   n64c_pack(n64c_arena + {{[0-9]+}}u, n64c_[[R]], 1u, 8u, 8u);
// CHECK:        status = n64c_rsp_run(&n64c_job_ucode0);
