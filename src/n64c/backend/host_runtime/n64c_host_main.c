/*
 * A host program around n64c's generated model.c (with n64c_host_rsp.c):
 *
 *   n64c_host_run WEIGHTS.bin MODE COUNT IN.bin OUT.bin
 *
 * MODE is `f` (n64c_model_run: float32 in and out) or `q`
 * (n64c_model_run_q: int16 in and out). IN.bin holds COUNT samples, each
 * the model's inputs one after the other in host byte order; OUT.bin gets
 * COUNT samples of outputs the same way. Prints the number of RSP runs.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long n64c_host_rsp_runs(void);

static const uint32_t input_sizes[] = N64C_MODEL_INPUT_SIZES;
static const uint32_t output_sizes[] = N64C_MODEL_OUTPUT_SIZES;

int main(int argc, char **argv)
{
    const float *in_f[N64C_MODEL_NUM_INPUTS];
    float *out_f[N64C_MODEL_NUM_OUTPUTS];
#if N64C_MODEL_HAS_RUN_Q
    const int16_t *in_q[N64C_MODEL_NUM_INPUTS];
    int16_t *out_q[N64C_MODEL_NUM_OUTPUTS];
#endif
    size_t elem, in_total = 0, out_total = 0;
    unsigned char *in_buf, *out_buf;
    long count, s;
    int i, status, quantized;
    FILE *fin, *fout;

    if (argc != 6 || (strcmp(argv[2], "f") != 0 && strcmp(argv[2], "q") != 0)) {
        fprintf(stderr, "usage: %s WEIGHTS.bin f|q COUNT IN.bin OUT.bin\n", argv[0]);
        return 2;
    }
    quantized = argv[2][0] == 'q';
#if !N64C_MODEL_HAS_RUN_Q
    if (quantized) {
        fprintf(stderr, "this model has no n64c_model_run_q\n");
        return 2;
    }
#endif
    elem = quantized ? sizeof(int16_t) : sizeof(float);
    count = strtol(argv[3], NULL, 10);
    status = n64c_model_load_weights(argv[1]);
    if (status != N64C_OK) {
        fprintf(stderr, "loading %s failed (%d)\n", argv[1], status);
        return 1;
    }
    for (i = 0; i < N64C_MODEL_NUM_INPUTS; i++)
        in_total += input_sizes[i] * elem;
    for (i = 0; i < N64C_MODEL_NUM_OUTPUTS; i++)
        out_total += output_sizes[i] * elem;
    in_buf = malloc(in_total);
    out_buf = malloc(out_total);
    fin = fopen(argv[4], "rb");
    fout = fopen(argv[5], "wb");
    if (in_buf == NULL || out_buf == NULL || fin == NULL || fout == NULL) {
        fprintf(stderr, "cannot open the input or output file\n");
        return 1;
    }
    for (s = 0; s < count; s++) {
        size_t off = 0;
        if (fread(in_buf, 1, in_total, fin) != in_total) {
            fprintf(stderr, "%s: too short for %ld samples\n", argv[4], count);
            return 1;
        }
        for (i = 0; i < N64C_MODEL_NUM_INPUTS; i++) {
            in_f[i] = (const float *)(const void *)(in_buf + off);
#if N64C_MODEL_HAS_RUN_Q
            in_q[i] = (const int16_t *)(const void *)(in_buf + off);
#endif
            off += input_sizes[i] * elem;
        }
        off = 0;
        for (i = 0; i < N64C_MODEL_NUM_OUTPUTS; i++) {
            out_f[i] = (float *)(void *)(out_buf + off);
#if N64C_MODEL_HAS_RUN_Q
            out_q[i] = (int16_t *)(void *)(out_buf + off);
#endif
            off += output_sizes[i] * elem;
        }
#if N64C_MODEL_HAS_RUN_Q
        if (quantized)
            status = n64c_model_run_qv(in_q, out_q);
        else
#endif
            status = n64c_model_run_v(in_f, out_f);
        if (status != N64C_OK) {
            fprintf(stderr, "sample %ld: n64c_model_run failed (%d)\n", s, status);
            return 1;
        }
        if (fwrite(out_buf, 1, out_total, fout) != out_total) {
            fprintf(stderr, "cannot write %s\n", argv[5]);
            return 1;
        }
    }
    fclose(fin);
    if (fclose(fout) != 0)
        return 1;
    printf("rsp runs: %lu\n", n64c_host_rsp_runs());
    return 0;
}
