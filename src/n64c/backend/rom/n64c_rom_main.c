/*
 * The main program of an n64c test ROM: loads the weights (or, for a model
 * compiled with --weights rom, hands the model their cartridge address to
 * stream from) and the inputs from the cartridge by PI DMA, runs each input through the generated
 * model (n64c_model_run_q on its int16 form when the model has it, then
 * n64c_model_run on its float32 form), and prints through ISViewer:
 *
 *   N64C BEGIN <samples> <has_q>
 *   N64C Q <sample> <output> <first> <int16 values, 4 hex digits each>
 *   N64C F <sample> <output> <first> <float32 bit patterns, 8 hex digits>
 *   N64C T <sample> <Count of run_q> <Count of run>
 *   N64C END
 *
 * or `N64C ERROR <text>` / `N64C EXCEPTION ...` and stops. The data table
 * (n64c.backend.rom.layout) follows the program in the ROM. The build
 * defines N64C_ROM_SAMPLE_STRIDE (bytes per input record) and
 * N64C_ROM_OUTPUT_MAX (elements of the largest output).
 */
#include "model.h"
#include "n64c_rom.h"

#include <string.h>

#define TABLE_MAGIC 0x4E363454u /* "N64T" */
#define TABLE_WORDS 16
#define PROGRAM_ROM_OFFSET 0x1000u
#define VALUES_PER_LINE 16u
#define STACK_RESERVE 0x10000u

enum {
    T_MAGIC,
    T_VERSION,
    T_WEIGHTS_OFFSET,
    T_WEIGHTS_SIZE,
    T_SAMPLES_OFFSET,
    T_SAMPLE_COUNT,
    T_SAMPLE_STRIDE,
    T_FLOAT_BYTES,
    T_Q_BYTES,
};

static const uint32_t input_sizes[] = N64C_MODEL_INPUT_SIZES;
static const uint32_t output_sizes[] = N64C_MODEL_OUTPUT_SIZES;

static uint32_t table[TABLE_WORDS] __attribute__((aligned(16)));

extern uint8_t _end[];
extern uint8_t _stack_top[];

static void fail(const char *what, int code)
{
    n64c_puts("N64C ERROR ");
    n64c_puts(what);
    if (code != 0) {
        n64c_puts(" (status ");
        n64c_put_uint((uint32_t)-code);
        n64c_puts(")");
    }
    n64c_put_char('\n');
    n64c_halt();
}

static void print_values(char kind, uint32_t sample, uint32_t output, const void *values,
                         uint32_t count)
{
    uint32_t i;
    for (i = 0; i < count; i++) {
        if (i % VALUES_PER_LINE == 0) {
            n64c_puts("N64C ");
            n64c_put_char(kind);
            n64c_put_char(' ');
            n64c_put_uint(sample);
            n64c_put_char(' ');
            n64c_put_uint(output);
            n64c_put_char(' ');
            n64c_put_uint(i);
        }
        n64c_put_char(' ');
        if (kind == 'Q')
            n64c_put_hex((uint16_t)((const int16_t *)values)[i], 4);
        else
            n64c_put_hex(((const uint32_t *)values)[i], 8);
        if (i % VALUES_PER_LINE == VALUES_PER_LINE - 1 || i + 1 == count)
            n64c_put_char('\n');
    }
}

static uint32_t total(const uint32_t *sizes, uint32_t n)
{
    uint32_t i, s = 0;
    for (i = 0; i < n; i++)
        s += sizes[i];
    return s;
}

static float out_f[N64C_MODEL_NUM_OUTPUTS][N64C_ROM_OUTPUT_MAX] __attribute__((aligned(16)));
#if N64C_MODEL_HAS_RUN_Q
static int16_t out_q[N64C_MODEL_NUM_OUTPUTS][N64C_ROM_OUTPUT_MAX] __attribute__((aligned(16)));
#endif
static uint8_t sample_buf[N64C_ROM_SAMPLE_STRIDE] __attribute__((aligned(16)));

int main(void);

int main(void)
{
    uint32_t data_offset, n, s, i, o, t0, t1, t2 = 0, t3 = 0;
    uint32_t float_bytes = 4u * total(input_sizes, N64C_MODEL_NUM_INPUTS);
    uint32_t q_bytes = N64C_MODEL_HAS_RUN_Q ? 2u * total(input_sizes, N64C_MODEL_NUM_INPUTS) : 0u;
    const float *in_f[N64C_MODEL_NUM_INPUTS];
    float *outs_f[N64C_MODEL_NUM_OUTPUTS];
#if N64C_MODEL_HAS_RUN_Q
    const int16_t *in_q[N64C_MODEL_NUM_INPUTS];
    int16_t *outs_q[N64C_MODEL_NUM_OUTPUTS];
#endif
    int status;

    data_offset = (PROGRAM_ROM_OFFSET + n64c_rom_word(0x18) + 15u) & ~15u;
    n64c_pi_read(table, data_offset, sizeof table);
    if (table[T_MAGIC] != TABLE_MAGIC || table[T_VERSION] != 1u)
        fail("no n64c data table after the program", 0);
    if (table[T_WEIGHTS_SIZE] != N64C_MODEL_WEIGHTS_SIZE)
        fail("the weights in the ROM do not match the model", 0);
    if (table[T_FLOAT_BYTES] != float_bytes || table[T_Q_BYTES] != q_bytes
        || table[T_SAMPLE_STRIDE] != N64C_ROM_SAMPLE_STRIDE)
        fail("the inputs in the ROM do not match the model", 0);
    n = table[T_SAMPLE_COUNT];
    n64c_puts("N64C BEGIN ");
    n64c_put_uint(n);
    n64c_put_char(' ');
    n64c_put_uint(N64C_MODEL_HAS_RUN_Q);
    n64c_put_char('\n');

#if N64C_MODEL_WEIGHTS_IN_ROM
    /* the weights stay in the cartridge: the model streams each layer's
     * segment by PI DMA from there */
    status = n64c_model_set_weights(
        (const void *)(uintptr_t)N64C_KSEG1(CART_PHYS + table[T_WEIGHTS_OFFSET]),
        N64C_MODEL_WEIGHTS_SIZE);
    if (status != N64C_OK)
        fail("n64c_model_set_weights failed", status);
#else
    /* the weights pass through the free RDRAM above the program */
    if (N64C_MODEL_WEIGHTS_SIZE > 0) {
        uint8_t *scratch = (uint8_t *)(((uintptr_t)_end + 15u) & ~(uintptr_t)15u);
        uint32_t padded = (N64C_MODEL_WEIGHTS_SIZE + 15u) & ~15u;
        if ((uintptr_t)scratch + padded + STACK_RESERVE > (uintptr_t)_stack_top)
            fail("the weights do not fit RDRAM beside the program", 0);
        n64c_pi_read(scratch, table[T_WEIGHTS_OFFSET], padded);
        status = n64c_model_set_weights(scratch, N64C_MODEL_WEIGHTS_SIZE);
        if (status != N64C_OK)
            fail("n64c_model_set_weights failed", status);
    }
#endif

    for (i = 0, o = 0; i < N64C_MODEL_NUM_INPUTS; i++) {
        in_f[i] = (const float *)(const void *)(sample_buf + 4u * o);
#if N64C_MODEL_HAS_RUN_Q
        in_q[i] = (const int16_t *)(const void *)(sample_buf + float_bytes + 2u * o);
#endif
        o += input_sizes[i];
    }
    for (o = 0; o < N64C_MODEL_NUM_OUTPUTS; o++) {
        outs_f[o] = out_f[o];
#if N64C_MODEL_HAS_RUN_Q
        outs_q[o] = out_q[o];
#endif
    }
    for (s = 0; s < n; s++) {
        n64c_pi_read(sample_buf, table[T_SAMPLES_OFFSET] + s * N64C_ROM_SAMPLE_STRIDE,
                     N64C_ROM_SAMPLE_STRIDE);
#if N64C_MODEL_HAS_RUN_Q
        t2 = n64c_count();
        status = n64c_model_run_qv(in_q, outs_q);
        t3 = n64c_count();
        if (status != N64C_OK)
            fail("n64c_model_run_q failed", status);
        for (o = 0; o < N64C_MODEL_NUM_OUTPUTS; o++)
            print_values('Q', s, o, out_q[o], output_sizes[o]);
#endif
        t0 = n64c_count();
        status = n64c_model_run_v(in_f, outs_f);
        t1 = n64c_count();
        if (status != N64C_OK)
            fail("n64c_model_run failed", status);
        for (o = 0; o < N64C_MODEL_NUM_OUTPUTS; o++)
            print_values('F', s, o, out_f[o], output_sizes[o]);
        n64c_puts("N64C T ");
        n64c_put_uint(s);
        n64c_put_char(' ');
        n64c_put_uint(t3 - t2);
        n64c_put_char(' ');
        n64c_put_uint(t1 - t0);
        n64c_put_char('\n');
    }
    n64c_puts("N64C END\n");
    n64c_halt();
    return 0;
}
