/*
 * The RSP driver layer of n64c's generated model code.
 *
 * model.c calls these functions and nothing else that touches the RSP
 * (or, with weights in the cartridge, the cartridge).
 * model.c itself implements them for the console (behind #ifdef N64, with
 * libdragon's rsp_load_code / rsp_load_data / rsp_run); on a host the
 * n64c host runtime implements them on the mupen64plus-rsp-z64 core.
 */
#ifndef N64C_RSP_H
#define N64C_RSP_H

#include <stdint.h>

/* Status codes of the n64c_model_* functions and of the driver. */
#define N64C_OK 0
#define N64C_ERR_NO_WEIGHTS (-1)   /* run before the weights were loaded */
#define N64C_ERR_WEIGHTS_SIZE (-2) /* the weights blob has the wrong size */
#define N64C_ERR_IO (-3)           /* the weights file cannot be read */
#define N64C_ERR_RSP (-4)          /* the RSP run failed */

/* One RSP run: load IMEM and DMEM, write the RSP-visible RDRAM address of
 * the arena (big-endian u32) into DMEM at base_slot, start at PC 0 and wait
 * for `break`. imem and dmem are 8-byte aligned, their sizes multiples of
 * 8; base_slot + 4 <= dmem_size. */
typedef struct n64c_rsp_job {
    const uint8_t *imem;
    uint32_t imem_size;
    const uint8_t *dmem;
    uint32_t dmem_size;
    uint32_t base_slot;
    uint8_t *arena;
    uint32_t arena_size;
} n64c_rsp_job;

/* Runs one job; 0 on success, a negative N64C_ERR_* code otherwise. */
int n64c_rsp_run(const n64c_rsp_job *job);

/* Makes CPU writes to [p, p + size) visible to the RSP and drops cached
 * copies, so later CPU reads see what the RSP wrote (a data-cache write
 * back and invalidate on the console, nothing on a host). */
void n64c_rsp_flush(void *p, uint32_t size);

/* Weights in the cartridge (models compiled with --weights rom; model.c
 * calls these only then): start copying `size` bytes (a multiple of 16)
 * from `src`, the blob handed to n64c_model_set_weights plus a segment's
 * offset, to the 16-byte aligned staging slot `dst` the RSP reads; wait
 * for the copy started last. One copy runs at a time: a start waits for
 * the one before. On the console a PI DMA from the cartridge (`src` is a
 * cartridge address, 0xB0000000 + ROM offset) with the data cache over
 * `dst` invalidated around it; on a host a memcpy. */
void n64c_weights_start(uint8_t *dst, const uint8_t *src, uint32_t size);
void n64c_weights_wait(void);

#endif /* N64C_RSP_H */
