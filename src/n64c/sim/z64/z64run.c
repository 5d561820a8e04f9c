/*
 * Runs RSP programs on the mupen64plus-rsp-z64 plugin, one job after the
 * other, for n64c.sim.z64.
 *
 *   z64run PLUGIN.so CORE.so
 *
 * The plugin is started once (PluginStartup) with CORE.so, a stub core
 * library, as the core handle. The runner then answers jobs read from stdin
 * until end of file. All integers are 32-bit little-endian; memory images
 * are in N64 (big-endian) byte order.
 *
 *   start-up reply:  "Z64S" status(0 ok) msg_len msg[msg_len]
 *   job:             "Z64J" imem_len dmem_len rdram_len out_rdram_len
 *                    imem[imem_len] dmem[dmem_len] rdram[rdram_len]
 *   job reply:       "Z64R" calls msg_len msg[msg_len]
 *                    dmem[4096] rdram[out_rdram_len]
 *
 * For each job the RSP is reset (InitiateRSP), IMEM/DMEM/RDRAM are written
 * (the plugin keeps memory as host-order 32-bit words: N64 byte a lives at
 * host offset a ^ 3), SP_STATUS and SP_PC are cleared and DoRspCycles is
 * called until SP_STATUS has halt or broke set (the plugin may return
 * early because of a built-in game hack). msg holds the plugin's error and
 * warning messages of the job, one per line as "LEVEL<TAB>TEXT".
 * A program that never reaches `break` never gets a reply: the caller
 * kills the runner after its time limit.
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define DMEM_SIZE 0x1000u
#define IMEM_SIZE 0x1000u
#define RDRAM_SIZE (8u << 20)
/* The plugin masks DRAM addresses to 24 bits and 2-D transfers can reach
 * further still: map enough zero pages behind the 8 MiB that a stray DMA
 * cannot leave the mapping. */
#define RDRAM_MAPPED ((16u << 20) + (4u << 20))
/* DMEM, then IMEM, then slack for transfers running past IMEM's end. */
#define SPMEM_MAPPED 0x4000u

#define SP_STATUS_HALT 0x1u
#define SP_STATUS_BROKE 0x2u

#define MAGIC_START 0x5334365Au /* "Z64S" */
#define MAGIC_JOB 0x4A34365Au   /* "Z64J" */
#define MAGIC_REPLY 0x5234365Au /* "Z64R" */

#define MSG_CAPACITY 65536u

/* The plugin ABI (mupen64plus m64p_plugin.h, RSP_INFO). */
typedef struct {
    unsigned char *RDRAM;
    unsigned char *DMEM;
    unsigned char *IMEM;
    unsigned int *MI_INTR_REG;
    unsigned int *SP_MEM_ADDR_REG;
    unsigned int *SP_DRAM_ADDR_REG;
    unsigned int *SP_RD_LEN_REG;
    unsigned int *SP_WR_LEN_REG;
    unsigned int *SP_STATUS_REG;
    unsigned int *SP_DMA_FULL_REG;
    unsigned int *SP_DMA_BUSY_REG;
    unsigned int *SP_PC_REG;
    unsigned int *SP_SEMAPHORE_REG;
    unsigned int *DPC_START_REG;
    unsigned int *DPC_END_REG;
    unsigned int *DPC_CURRENT_REG;
    unsigned int *DPC_STATUS_REG;
    unsigned int *DPC_CLOCK_REG;
    unsigned int *DPC_BUFBUSY_REG;
    unsigned int *DPC_PIPEBUSY_REG;
    unsigned int *DPC_TMEM_REG;
    void (*CheckInterrupts)(void);
    void (*ProcessDlistList)(void);
    void (*ProcessAlistList)(void);
    void (*ProcessRdpList)(void);
    void (*ShowCFB)(void);
} rsp_info_t;

typedef int (*plugin_startup_fn)(void *, void *, void (*)(void *, int, const char *));
typedef void (*initiate_rsp_fn)(rsp_info_t, unsigned int *);
typedef unsigned int (*do_rsp_cycles_fn)(unsigned int);

enum { REG_MI_INTR, REG_SP_MEM_ADDR, REG_SP_DRAM_ADDR, REG_SP_RD_LEN, REG_SP_WR_LEN,
       REG_SP_STATUS, REG_SP_DMA_FULL, REG_SP_DMA_BUSY, REG_SP_PC, REG_SP_SEMAPHORE,
       REG_DPC_START, REG_DPC_END, REG_DPC_CURRENT, REG_DPC_STATUS, REG_DPC_CLOCK,
       REG_DPC_BUFBUSY, REG_DPC_PIPEBUSY, REG_DPC_TMEM, REG_COUNT };

static unsigned int regs[REG_COUNT];
static char messages[MSG_CAPACITY];
static size_t messages_len;

static void on_debug_message(void *context, int level, const char *text)
{
    (void)context;
    /* 1 = error, 2 = warning; status and info lines are routine. */
    if (level > 2 || text == NULL)
        return;
    int n = snprintf(messages + messages_len, MSG_CAPACITY - messages_len, "%d\t%s\n",
                     level, text);
    if (n < 0)
        return;
    messages_len += (size_t)n;
    if (messages_len >= MSG_CAPACITY)
        messages_len = MSG_CAPACITY - 1;
}

static void no_op(void) {}

static void fail(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(2);
}

static void write_all(const void *data, size_t size)
{
    const unsigned char *p = data;
    while (size > 0) {
        ssize_t n = write(1, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            exit(3); /* the reader went away */
        p += n;
        size -= (size_t)n;
    }
}

/* Returns 0 at a clean end of file before the first byte, 1 when done. */
static int read_all(void *data, size_t size)
{
    unsigned char *p = data;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(0, p + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("z64run: read error: %s", strerror(errno));
        if (n == 0) {
            if (got == 0)
                return 0;
            fail("z64run: truncated job");
        }
        got += (size_t)n;
    }
    return 1;
}

static void write_u32(uint32_t value) { write_all(&value, 4); }

/* N64 byte order to the plugin's host-order words, and back. */
static void put_bytes(unsigned char *host, const unsigned char *n64, size_t size)
{
    for (size_t i = 0; i < size; i++)
        host[i ^ 3] = n64[i];
}

static void get_bytes(unsigned char *n64, const unsigned char *host, size_t size)
{
    for (size_t i = 0; i < size; i++)
        n64[i] = host[i ^ 3];
}

static void *map_zeroed(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fail("z64run: cannot map %zu bytes: %s", size, strerror(errno));
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        fail("usage: z64run PLUGIN.so CORE.so");

    void *core = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
    if (core == NULL)
        fail("z64run: cannot load the stub core %s: %s", argv[2], dlerror());
    void *plugin = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (plugin == NULL)
        fail("z64run: cannot load the plugin %s: %s", argv[1], dlerror());

    plugin_startup_fn plugin_startup = (plugin_startup_fn)dlsym(plugin, "PluginStartup");
    initiate_rsp_fn initiate_rsp = (initiate_rsp_fn)dlsym(plugin, "InitiateRSP");
    do_rsp_cycles_fn do_rsp_cycles = (do_rsp_cycles_fn)dlsym(plugin, "DoRspCycles");
    if (!plugin_startup || !initiate_rsp || !do_rsp_cycles)
        fail("z64run: %s is not an RSP plugin (PluginStartup, InitiateRSP or "
             "DoRspCycles missing)", argv[1]);

    int status = plugin_startup(core, NULL, on_debug_message);
    write_u32(MAGIC_START);
    write_u32((uint32_t)status);
    write_u32((uint32_t)messages_len);
    write_all(messages, messages_len);
    if (status != 0)
        return 1;

    unsigned char *spmem = map_zeroed(SPMEM_MAPPED);
    unsigned char *rdram = map_zeroed(RDRAM_MAPPED);
    unsigned char *in_imem = malloc(IMEM_SIZE);
    unsigned char *in_dmem = malloc(DMEM_SIZE);
    unsigned char *in_rdram = malloc(RDRAM_SIZE);
    unsigned char *out = malloc(RDRAM_SIZE > DMEM_SIZE ? RDRAM_SIZE : DMEM_SIZE);
    if (!in_imem || !in_dmem || !in_rdram || !out)
        fail("z64run: out of memory");

    rsp_info_t info;
    memset(&info, 0, sizeof info);
    info.RDRAM = rdram;
    info.DMEM = spmem;
    info.IMEM = spmem + DMEM_SIZE; /* the plugin requires DMEM then IMEM */
    unsigned int **slots = &info.MI_INTR_REG;
    for (int i = 0; i < REG_COUNT; i++)
        slots[i] = &regs[i];
    info.CheckInterrupts = no_op;
    info.ProcessDlistList = no_op;
    info.ProcessAlistList = no_op;
    info.ProcessRdpList = no_op;
    info.ShowCFB = no_op;

    for (;;) {
        uint32_t header[5];
        if (!read_all(header, sizeof header))
            return 0;
        uint32_t imem_len = header[1], dmem_len = header[2];
        uint32_t rdram_len = header[3], out_rdram_len = header[4];
        if (header[0] != MAGIC_JOB || imem_len > IMEM_SIZE || dmem_len > DMEM_SIZE
            || rdram_len > RDRAM_SIZE || out_rdram_len > RDRAM_SIZE)
            fail("z64run: malformed job header");
        read_all(in_imem, imem_len);
        read_all(in_dmem, dmem_len);
        read_all(in_rdram, rdram_len);

        messages_len = 0;
        memset(regs, 0, sizeof regs);
        memset(spmem, 0, SPMEM_MAPPED);
        /* Give the pages back: they read as zero again, at no cost for
         * the ones the previous job never touched. */
        if (madvise(rdram, RDRAM_MAPPED, MADV_DONTNEED) != 0)
            memset(rdram, 0, RDRAM_MAPPED);

        unsigned int cycle_count = 0;
        initiate_rsp(info, &cycle_count);
        put_bytes(info.IMEM, in_imem, imem_len);
        put_bytes(info.DMEM, in_dmem, dmem_len);
        put_bytes(rdram, in_rdram, rdram_len);
        regs[REG_SP_STATUS] = 0;
        regs[REG_SP_PC] = 0;

        uint32_t calls = 0;
        while ((regs[REG_SP_STATUS] & (SP_STATUS_HALT | SP_STATUS_BROKE)) == 0) {
            do_rsp_cycles(0x100000);
            calls++;
        }

        write_u32(MAGIC_REPLY);
        write_u32(calls);
        write_u32((uint32_t)messages_len);
        write_all(messages, messages_len);
        get_bytes(out, info.DMEM, DMEM_SIZE);
        write_all(out, DMEM_SIZE);
        get_bytes(out, rdram, out_rdram_len);
        write_all(out, out_rdram_len);
    }
}
