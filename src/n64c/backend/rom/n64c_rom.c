/*
 * n64c's bare-metal VR4300 runtime: caches, PI and SP DMA, the RSP driver
 * of the generated model.c (n64c_rsp_run / n64c_rsp_flush), ISViewer text,
 * CP0 Count and the exception report. See n64c_rom.h.
 */
#include "n64c_rom.h"

#include "n64c_rsp.h"

#include <string.h>

/* The completion word: DMEM byte offset where every n64c ucode stores the
 * (nonzero) RDRAM base just before `break` (lower_to_rsp.DONE_SLOT). The
 * CPU waits for it instead of SP_STATUS halt, which not every emulator
 * sets again after `break`. */
#define N64C_DONE_SLOT 4u
/* How long an RSP run may take before it counts as hung: 10 s of Count. */
#define N64C_RSP_TIMEOUT 468750000u
#define N64C_OSTASK_TYPE 0xFC0u

uint32_t n64c_count(void)
{
    uint32_t c;
    __asm__ volatile("mfc0 %0, $9" : "=r"(c));
    return c;
}

#define CACHE_OP(op, addr) __asm__ volatile("cache %0, 0(%1)" : : "i"(op), "r"(addr) : "memory")

void n64c_dcache_writeback(const void *p, uint32_t size)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)(DCACHE_LINE - 1);
    uintptr_t end = (uintptr_t)p + size;
    for (; a < end; a += DCACHE_LINE)
        CACHE_OP(0x19, a); /* Hit_Write_Back_D */
}

void n64c_dcache_writeback_invalidate(void *p, uint32_t size)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)(DCACHE_LINE - 1);
    uintptr_t end = (uintptr_t)p + size;
    for (; a < end; a += DCACHE_LINE)
        CACHE_OP(0x15, a); /* Hit_Write_Back_Invalidate_D */
}

void n64c_dcache_invalidate(void *p, uint32_t size)
{
    uintptr_t start = (uintptr_t)p, end = start + size;
    uintptr_t a = (start + DCACHE_LINE - 1) & ~(uintptr_t)(DCACHE_LINE - 1);
    /* lines only partly inside keep their other bytes: write them back */
    if (start & (DCACHE_LINE - 1))
        CACHE_OP(0x15, start);
    if (end & (DCACHE_LINE - 1))
        CACHE_OP(0x15, end);
    for (; a + DCACHE_LINE <= end; a += DCACHE_LINE)
        CACHE_OP(0x11, a); /* Hit_Invalidate_D */
}

void n64c_icache_invalidate(const void *p, uint32_t size)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)31;
    uintptr_t end = (uintptr_t)p + size;
    for (; a < end; a += 32)
        CACHE_OP(0x10, a); /* Hit_Invalidate_I */
}

/* ---- PI: the cartridge -------------------------------------------------- */

static void *pi_dst;
static uint32_t pi_size;

int n64c_pi_busy(void)
{
    return (N64C_REG(PI_STATUS) & PI_STATUS_BUSY) != 0;
}

void n64c_pi_start(void *dst, uint32_t rom_offset, uint32_t size)
{
    while (n64c_pi_busy())
        ;
    n64c_dcache_writeback_invalidate(dst, size);
    pi_dst = dst;
    pi_size = size;
    if (size == 0)
        return;
    N64C_REG(PI_DRAM_ADDR) = N64C_PHYS(dst);
    N64C_REG(PI_CART_ADDR) = CART_PHYS + rom_offset;
    N64C_REG(PI_WR_LEN) = size - 1;
}

void n64c_pi_wait(void)
{
    while (n64c_pi_busy())
        ;
    if (pi_size > 0)
        n64c_dcache_invalidate(pi_dst, pi_size);
    pi_size = 0;
}

void n64c_pi_read(void *dst, uint32_t rom_offset, uint32_t size)
{
    n64c_pi_start(dst, rom_offset, size);
    n64c_pi_wait();
}

/* The driver's weights streaming (n64c_rsp.h): a PI DMA when `src` is a
 * cartridge address; a blob handed in from RDRAM is copied and written
 * back, so the RSP sees it either way. */
void n64c_weights_start(uint8_t *dst, const uint8_t *src, uint32_t size)
{
    uint32_t phys = N64C_PHYS(src);
    if (phys >= CART_PHYS) {
        n64c_pi_start(dst, phys - CART_PHYS, size);
        return;
    }
    n64c_pi_wait();
    memcpy(dst, src, size);
    n64c_dcache_writeback(dst, size);
}

void n64c_weights_wait(void)
{
    n64c_pi_wait();
}

uint32_t n64c_rom_word(uint32_t rom_offset)
{
    while (n64c_pi_busy())
        ;
    return N64C_REG(N64C_KSEG1(CART_PHYS + rom_offset));
}

/* ---- SP: the RSP -------------------------------------------------------- */

static void sp_dma_wait(void)
{
    while (N64C_REG(SP_STATUS) & (SP_STATUS_DMA_BUSY | SP_STATUS_DMA_FULL))
        ;
}

void n64c_sp_load(uint32_t sp_offset, int imem, const void *src, uint32_t size)
{
    sp_dma_wait();
    N64C_REG(SP_MEM_ADDR) = sp_offset | (imem ? 0x1000u : 0u);
    N64C_REG(SP_DRAM_ADDR) = N64C_PHYS(src);
    N64C_REG(SP_RD_LEN) = size - 1;
    sp_dma_wait();
}

static uint8_t rsp_dmem[4096] __attribute__((aligned(16)));

/* Halts the RSP: after `break` it is halted already on the console; where
 * an emulator does not report that, setting halt is harmless. */
static void rsp_halt(void)
{
    int i;
    for (i = 0; i < 64; i++)
        if (N64C_REG(SP_STATUS) & SP_STATUS_HALT)
            break;
    N64C_REG(SP_STATUS) = SP_WSTATUS_SET_HALT;
}

void n64c_rsp_flush(void *p, uint32_t size)
{
    if (size > 0)
        n64c_dcache_writeback_invalidate(p, size);
}

int n64c_rsp_run(const n64c_rsp_job *job)
{
    volatile uint32_t *done = (volatile uint32_t *)(uintptr_t)(SP_DMEM + N64C_DONE_SLOT);
    uint32_t base = N64C_PHYS(job->arena);
    uint32_t start;
    if (job->imem_size == 0 || job->imem_size > 4096 || job->dmem_size > 4096
        || job->base_slot + 4 > job->dmem_size || N64C_DONE_SLOT + 4 > job->dmem_size
        || job->base_slot == N64C_DONE_SLOT || ((job->imem_size | job->dmem_size) & 7u))
        return N64C_ERR_RSP;
    rsp_halt();
    memcpy(rsp_dmem, job->dmem, job->dmem_size);
    rsp_dmem[job->base_slot] = (uint8_t)(base >> 24);
    rsp_dmem[job->base_slot + 1] = (uint8_t)(base >> 16);
    rsp_dmem[job->base_slot + 2] = (uint8_t)(base >> 8);
    rsp_dmem[job->base_slot + 3] = (uint8_t)base;
    memset(rsp_dmem + N64C_DONE_SLOT, 0, 4);
    /* Emulators that run known tasks at a high level look at the task
     * type at DMEM 0xFC0: keep it 0 (beyond the image DMEM is scratch). */
    if (job->dmem_size <= N64C_OSTASK_TYPE)
        ((volatile uint32_t *)(uintptr_t)SP_DMEM)[N64C_OSTASK_TYPE / 4] = 0;
    n64c_dcache_writeback(rsp_dmem, job->dmem_size);
    n64c_dcache_writeback(job->imem, job->imem_size);
    n64c_sp_load(0, 1, job->imem, job->imem_size);
    n64c_sp_load(0, 0, rsp_dmem, job->dmem_size);
    N64C_REG(SP_PC) = 0;
    start = n64c_count();
    N64C_REG(SP_STATUS) = SP_WSTATUS_CLR_HALT | SP_WSTATUS_CLR_BROKE;
    while (*done != base) {
        if (n64c_count() - start > N64C_RSP_TIMEOUT)
            return N64C_ERR_RSP;
    }
    return N64C_OK;
}

/* ---- ISViewer ----------------------------------------------------------- */

static char isv_text[ISV_CAPACITY] __attribute__((aligned(4)));
static uint32_t isv_used;

void n64c_flush(void)
{
    uint32_t i, words;
    if (isv_used == 0)
        return;
    words = (isv_used + 3) / 4;
    for (i = isv_used; i < words * 4; i++)
        isv_text[i] = 0;
    for (i = 0; i < words; i++) {
        const uint8_t *b = (const uint8_t *)isv_text + 4 * i;
        N64C_REG(ISV_BUFFER + 4 * i) = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16
                                       | (uint32_t)b[2] << 8 | b[3];
    }
    N64C_REG(ISV_LENGTH) = isv_used;
    isv_used = 0;
}

void n64c_put_char(char c)
{
    isv_text[isv_used++] = c;
    if (c == '\n' || isv_used == ISV_CAPACITY)
        n64c_flush();
}

void n64c_puts(const char *s)
{
    while (*s != '\0')
        n64c_put_char(*s++);
}

void n64c_put_hex(uint32_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    while (digits-- > 0)
        n64c_put_char(hex[(v >> (4 * digits)) & 15u]);
}

void n64c_put_uint(uint32_t v)
{
    char text[11];
    int n = 0;
    do {
        text[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    while (n > 0)
        n64c_put_char(text[--n]);
}

/* ---- exceptions and the end -------------------------------------------- */

void n64c_halt(void)
{
    n64c_flush();
    for (;;)
        ;
}

void n64c_exception_report(uint32_t cause, uint32_t epc, uint32_t badvaddr);

void n64c_exception_report(uint32_t cause, uint32_t epc, uint32_t badvaddr)
{
    n64c_flush();
    n64c_puts("N64C EXCEPTION code=");
    n64c_put_uint((cause >> 2) & 31u);
    n64c_puts(" pc=0x");
    n64c_put_hex(epc, 8);
    n64c_puts(" badvaddr=0x");
    n64c_put_hex(badvaddr, 8);
    n64c_puts(" cause=0x");
    n64c_put_hex(cause, 8);
    n64c_put_char('\n');
    n64c_halt();
}

extern const uint32_t n64c_vector_template[4];
void n64c_install_vectors(void);

/* Points the TLB refill, XTLB refill, cache error and general exception
 * vectors at n64c_exception_report (through crt0.S). */
void n64c_install_vectors(void)
{
    static const uint32_t vectors[] = {0x80000000u, 0x80000080u, 0x80000100u, 0x80000180u};
    unsigned v, i;
    for (v = 0; v < 4; v++) {
        volatile uint32_t *dst = (volatile uint32_t *)(uintptr_t)vectors[v];
        for (i = 0; i < 4; i++)
            dst[i] = n64c_vector_template[i];
        n64c_dcache_writeback((const void *)(uintptr_t)vectors[v], 16);
        n64c_icache_invalidate((const void *)(uintptr_t)vectors[v], 16);
    }
}
