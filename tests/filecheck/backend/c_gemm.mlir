// RUN: n64-opt %s -p tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp,rsp-allocate-registers -t c | filecheck %s

// One Gemm on the RSP between a quantize and a dequantize + softmax on the
// CPU: model.h then model.c, with the driver interface, the formats, the
// arena, the ucode images and each op as one C statement.
func.func @main(%x: tensor<1x12xf32>) -> tensor<1x10xf32> attributes {n64.input_names = ["pixels"], n64.output_names = ["scores"]} {
  %q = n64.quantize %x frac_bits 12 : tensor<1x12xf32> -> tensor<1x12xi16>
  %w = n64.constant dense<3> : tensor<12x10xi16>
  %b = n64.constant dense<100> : tensor<10xi32>
  %y = n64.qgemm %q, %w, %b shifts [4, 4, 4, 4, 4, 4, 4, 4, 4, 4] w_frac_bits [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] frac_bits 10 clamp(0, 32767) : (tensor<1x12xi16>, tensor<12x10xi16>, tensor<10xi32>) -> tensor<1x10xi16>
  %d = n64.dequantize %y frac_bits 10 : tensor<1x10xi16> -> tensor<1x10xf32>
  %s = n64.softmax %d : tensor<1x10xf32>
  func.return %s : tensor<1x10xf32>
}

// CHECK:      /* ===== n64c: model.h ===== */
// CHECK:      #ifndef N64C_MODEL_H
// CHECK:      typedef struct n64c_rsp_job {
// CHECK:      int n64c_rsp_run(const n64c_rsp_job *job);
// CHECK:      void n64c_rsp_flush(void *p, uint32_t size);
// CHECK:      /* input 0: "pixels" [1, 12] */
// CHECK-NEXT: #define N64C_MODEL_INPUT0_SIZE 12u
// CHECK-NEXT: #define N64C_MODEL_INPUT0_FRAC_BITS 12
// CHECK-NEXT: /* output 0: "scores" [1, 10] */
// CHECK-NEXT: #define N64C_MODEL_OUTPUT0_SIZE 10u
// CHECK-NEXT: #define N64C_MODEL_OUTPUT0_FRAC_BITS 10
// CHECK:      #define N64C_MODEL_HAS_RUN_Q 1
// CHECK-NEXT: #define N64C_MODEL_WEIGHTS_FILE "weights.bin"
// CHECK-NEXT: #define N64C_MODEL_WEIGHTS_SIZE [[WSIZE:[0-9]+]]u
// CHECK-NEXT: #define N64C_MODEL_ARENA_SIZE [[ASIZE:[0-9]+]]u
// CHECK-NEXT: #define N64C_MODEL_RSP_RUNS 1
// CHECK:      int n64c_model_set_weights(const void *blob, uint32_t size);
// CHECK-NEXT: int n64c_model_load_weights(const char *path);
// CHECK-NEXT: int n64c_model_run(const float *input, float *output);
// CHECK:      int n64c_model_run_q(const int16_t *input, int16_t *output);

// CHECK:      /* ===== n64c: model.c ===== */
// CHECK:      #include "model.h"
// CHECK:      static uint8_t n64c_arena[N64C_MODEL_ARENA_SIZE] N64C_ALIGN(16);
// CHECK:      static const uint8_t n64c_ucode0_imem[[[IMEM:[0-9]+]]] N64C_ALIGN(16) = {
// CHECK:      static const uint8_t n64c_ucode0_dmem[[[DMEM:[0-9]+]]] N64C_ALIGN(16) = {
// CHECK:      static const n64c_rsp_job n64c_job_ucode0 = {n64c_ucode0_imem, [[IMEM]]u, n64c_ucode0_dmem, [[DMEM]]u, 0u, n64c_arena, N64C_MODEL_ARENA_SIZE};
// CHECK:      static void n64c_quantize(
// CHECK:      static void n64c_softmax(

// The int16 path: pack the input into the arena, flush, run, unpack.
// CHECK:      static int n64c_forward(void)
// CHECK:        n64c_pack(n64c_arena + [[IN:[0-9]+]]u, n64c_[[Q:t[0-9]+]], 1u, 12u, 16u);
// CHECK-NEXT:   n64c_rsp_flush(n64c_arena + [[IN]]u, 32u);
// CHECK-NEXT:   n64c_rsp_flush(n64c_arena + [[OUT:[0-9]+]]u, 32u);
// CHECK-NEXT:   status = n64c_rsp_run(&n64c_job_ucode0);
// CHECK-NEXT:   if (status != N64C_OK) return status;
// CHECK-NEXT:   n64c_unpack(n64c_[[Y:t[0-9]+]], n64c_arena + [[OUT]]u, 1u, 10u, 16u);

// The float entry point: quantise (2^12), forward, dequantise (2^-10), softmax.
// CHECK:      int n64c_model_run(const float *input, float *output)
// CHECK:        n64c_quantize(input, n64c_[[Q]], 12u, 4096.0f);
// CHECK-NEXT:   status = n64c_forward();
// CHECK:        n64c_dequantize(n64c_[[Y]], n64c_[[D:t[0-9]+]], 10u, 0x1.0000000000000p-10f);
// CHECK-NEXT:   n64c_softmax(n64c_[[D]], n64c_[[S:t[0-9]+]], 1u, 10u, 1u);
// CHECK-NEXT:   memcpy(output, n64c_[[S]], N64C_MODEL_OUTPUT0_SIZE * sizeof(float));

// CHECK:      int n64c_model_run_q(const int16_t *input, int16_t *output)
// CHECK:        memcpy(n64c_[[Q]], input, N64C_MODEL_INPUT0_SIZE * sizeof(int16_t));
// CHECK:        memcpy(output, n64c_[[Y]], N64C_MODEL_OUTPUT0_SIZE * sizeof(int16_t));

// The console driver.
// CHECK:      #ifdef N64
// CHECK:      #include <libdragon.h>
// CHECK:        rsp_load_code((void *)job->imem, job->imem_size, 0);
// CHECK:        rsp_run();
// CHECK:      #endif /* N64 */
