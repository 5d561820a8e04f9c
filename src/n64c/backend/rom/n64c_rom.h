/*
 * n64c's bare-metal VR4300 runtime: the hardware the ROM uses, without
 * libdragon. Addresses are KSEG0 (cached, 0x80000000 + physical) for
 * RDRAM and KSEG1 (uncached, 0xA0000000 + physical) for registers and the
 * cartridge.
 */
#ifndef N64C_ROM_H
#define N64C_ROM_H

#include <stddef.h>
#include <stdint.h>

#define N64C_KSEG1(phys) (0xA0000000u | (uint32_t)(phys))
#define N64C_PHYS(p) ((uint32_t)(uintptr_t)(p) & 0x1FFFFFFFu)
#define N64C_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* RSP interface (SP) */
#define SP_DMEM 0xA4000000u
#define SP_IMEM 0xA4001000u
#define SP_MEM_ADDR 0xA4040000u
#define SP_DRAM_ADDR 0xA4040004u
#define SP_RD_LEN 0xA4040008u /* RDRAM to DMEM / IMEM */
#define SP_WR_LEN 0xA404000Cu /* DMEM / IMEM to RDRAM */
#define SP_STATUS 0xA4040010u
#define SP_DMA_FULL 0xA4040014u
#define SP_DMA_BUSY 0xA4040018u
#define SP_PC 0xA4080000u
#define SP_STATUS_HALT 0x001u
#define SP_STATUS_BROKE 0x002u
#define SP_STATUS_DMA_BUSY 0x004u
#define SP_STATUS_DMA_FULL 0x008u
#define SP_WSTATUS_CLR_HALT 0x001u
#define SP_WSTATUS_SET_HALT 0x002u
#define SP_WSTATUS_CLR_BROKE 0x004u
#define SP_WSTATUS_CLR_INTR 0x008u
#define SP_WSTATUS_CLR_INTR_BREAK 0x080u

/* Peripheral interface (PI): the cartridge */
#define PI_DRAM_ADDR 0xA4600000u
#define PI_CART_ADDR 0xA4600004u
#define PI_WR_LEN 0xA460000Cu /* cartridge to RDRAM */
#define PI_STATUS 0xA4600010u
#define PI_STATUS_BUSY 0x3u /* DMA busy | I/O busy */
#define CART_PHYS 0x10000000u

/* ISViewer: text written at 0x13FF0020, its length at 0x13FF0014 */
#define ISV_LENGTH 0xB3FF0014u
#define ISV_BUFFER 0xB3FF0020u
#define ISV_CAPACITY 512u

/* The VR4300's data cache: 16-byte lines, write back. */
#define DCACHE_LINE 16u

/* CP0 Count: half the CPU clock on the console (46.875 MHz). */
uint32_t n64c_count(void);

/* Data cache maintenance over [p, p + size): write dirty lines back
 * (before a DMA reads RDRAM), drop lines (after a DMA wrote RDRAM), or
 * both. */
void n64c_dcache_writeback(const void *p, uint32_t size);
void n64c_dcache_invalidate(void *p, uint32_t size);
void n64c_dcache_writeback_invalidate(void *p, uint32_t size);
/* Instruction cache: drop lines over [p, p + size). */
void n64c_icache_invalidate(const void *p, uint32_t size);

/* PI DMA of `size` bytes from cartridge offset `rom_offset` (2-byte
 * aligned) to `dst` (8-byte aligned RDRAM); waits for the end. The data
 * cache over `dst` is written back and invalidated around it. */
void n64c_pi_read(void *dst, uint32_t rom_offset, uint32_t size);
/* Starts the same DMA without waiting (the cache is handled before it);
 * n64c_pi_wait ends it and drops the lines again. */
void n64c_pi_start(void *dst, uint32_t rom_offset, uint32_t size);
void n64c_pi_wait(void);
int n64c_pi_busy(void);
/* A 32-bit word of the cartridge (uncached bus read). */
uint32_t n64c_rom_word(uint32_t rom_offset);

/* SP DMA of `size` bytes (a multiple of 8) from 8-byte aligned RDRAM to
 * IMEM (`imem` nonzero) or DMEM at `sp_offset`; waits for the end. */
void n64c_sp_load(uint32_t sp_offset, int imem, const void *src, uint32_t size);

/* ISViewer text output. */
void n64c_puts(const char *s);
void n64c_put_hex(uint32_t v, int digits);
void n64c_put_uint(uint32_t v);
void n64c_put_char(char c);
void n64c_flush(void);

/* Stops the CPU for good (after the end marker). */
void n64c_halt(void) __attribute__((noreturn));

#endif /* N64C_ROM_H */
