/*
 * The RSP driver layer of n64c's generated model.c for a host computer:
 * every RSP run goes to the mupen64plus-rsp-z64 core through n64c's z64
 * runner process (src/n64c/sim/z64/z64run.c, its job protocol is described
 * there), started on first use:
 *
 *   N64C_Z64_RUNNER  path of the z64run executable
 *   N64C_Z64_PLUGIN  path of mupen64plus-rsp-z64.so
 *   N64C_Z64_CORE    path of the stub core library built beside z64run
 *
 * (n64c.backend.host_runtime sets them.) The arena is placed at RDRAM
 * address N64C_HOST_RDRAM_BASE; its address goes into DMEM at the job's
 * base slot, the arena travels to the runner and back after `break`.
 */
#include "model.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define N64C_HOST_RDRAM_BASE 0x1000u
#define N64C_HOST_DMEM_SIZE 4096u

static pid_t runner_pid = -1;
static int to_runner = -1;
static int from_runner = -1;
static unsigned long runs;

unsigned long n64c_host_rsp_runs(void) { return runs; }

void n64c_rsp_flush(void *p, uint32_t size)
{
    (void)p;
    (void)size;
}

/* Weights in the cartridge: on a host the blob is in memory (the weights
 * file that n64c_model_load_weights read, standing in for the cartridge)
 * and a memcpy stands in for the PI DMA, so it is done when it starts. */
void n64c_weights_start(uint8_t *dst, const uint8_t *src, uint32_t size)
{
    memcpy(dst, src, size);
}

void n64c_weights_wait(void) {}

static int write_all(int fd, const void *data, size_t size)
{
    const unsigned char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *data, size_t size)
{
    unsigned char *p = data;
    while (size > 0) {
        ssize_t n = read(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

static int write_u32(uint32_t v)
{
    unsigned char b[4];
    b[0] = (unsigned char)v;
    b[1] = (unsigned char)(v >> 8);
    b[2] = (unsigned char)(v >> 16);
    b[3] = (unsigned char)(v >> 24);
    return write_all(to_runner, b, 4);
}

static int read_u32(uint32_t *v)
{
    unsigned char b[4];
    if (read_all(from_runner, b, 4) != 0)
        return -1;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return 0;
}

/* Reads the message block of a reply; -1 if the core reported an error
 * or an instruction it does not implement (see n64c.sim.z64). */
static int read_messages(void)
{
    uint32_t length;
    char *text;
    int bad = 0;
    if (read_u32(&length) != 0)
        return -1;
    text = malloc((size_t)length + 1);
    if (text == NULL)
        return -1;
    if (read_all(from_runner, text, length) != 0) {
        free(text);
        return -1;
    }
    text[length] = '\0';
    if (length > 0) {
        char *line = text;
        while (*line != '\0') {
            char *end = strchr(line, '\n');
            if (end != NULL)
                *end = '\0';
            if (strncmp(line, "1\t", 2) == 0 || strstr(line, "nimplemented") != NULL
                || strstr(line, "nknown") != NULL) {
                fprintf(stderr, "n64c host runtime: the z64 RSP core reported: %s\n",
                        line + 2);
                bad = 1;
            }
            if (end == NULL)
                break;
            line = end + 1;
        }
    }
    free(text);
    return bad ? -1 : 0;
}

static void stop_runner(void)
{
    if (to_runner >= 0)
        close(to_runner);
    if (from_runner >= 0)
        close(from_runner);
    to_runner = from_runner = -1;
    if (runner_pid > 0) {
        int status;
        waitpid(runner_pid, &status, 0);
    }
    runner_pid = -1;
}

static int start_runner(void)
{
    const char *runner = getenv("N64C_Z64_RUNNER");
    const char *plugin = getenv("N64C_Z64_PLUGIN");
    const char *core = getenv("N64C_Z64_CORE");
    int down[2], up[2];
    uint32_t magic, status;
    if (runner == NULL || plugin == NULL || core == NULL) {
        fprintf(stderr, "n64c host runtime: set N64C_Z64_RUNNER, N64C_Z64_PLUGIN "
                        "and N64C_Z64_CORE\n");
        return -1;
    }
    if (pipe(down) != 0)
        return -1;
    if (pipe(up) != 0) {
        close(down[0]);
        close(down[1]);
        return -1;
    }
    runner_pid = fork();
    if (runner_pid < 0)
        return -1;
    if (runner_pid == 0) {
        dup2(down[0], 0);
        dup2(up[1], 1);
        close(down[0]);
        close(down[1]);
        close(up[0]);
        close(up[1]);
        execl(runner, runner, plugin, core, (char *)NULL);
        _exit(127);
    }
    close(down[0]);
    close(up[1]);
    to_runner = down[1];
    from_runner = up[0];
    signal(SIGPIPE, SIG_IGN);
    if (read_u32(&magic) != 0 || read_u32(&status) != 0 || read_messages() != 0
        || magic != 0x5334365Au || status != 0) {
        fprintf(stderr, "n64c host runtime: the z64 runner %s did not start\n", runner);
        stop_runner();
        return -1;
    }
    atexit(stop_runner);
    return 0;
}

int n64c_rsp_run(const n64c_rsp_job *job)
{
    static unsigned char dmem[N64C_HOST_DMEM_SIZE];
    static unsigned char *rdram;
    static size_t rdram_capacity;
    size_t rdram_size = N64C_HOST_RDRAM_BASE + ((size_t)job->arena_size + 7u) / 8u * 8u;
    uint32_t magic, calls;
    if (job->dmem_size > N64C_HOST_DMEM_SIZE || job->base_slot + 4u > job->dmem_size
        || job->imem_size > 4096u)
        return N64C_ERR_RSP;
    if (runner_pid < 0 && start_runner() != 0)
        return N64C_ERR_RSP;
    if (rdram_capacity < rdram_size) {
        free(rdram);
        rdram = calloc(rdram_size, 1);
        if (rdram == NULL) {
            rdram_capacity = 0;
            return N64C_ERR_RSP;
        }
        rdram_capacity = rdram_size;
    }
    memset(rdram, 0, N64C_HOST_RDRAM_BASE);
    memset(rdram + N64C_HOST_RDRAM_BASE + job->arena_size, 0,
           rdram_size - N64C_HOST_RDRAM_BASE - job->arena_size);
    memcpy(rdram + N64C_HOST_RDRAM_BASE, job->arena, job->arena_size);
    memcpy(dmem, job->dmem, job->dmem_size);
    dmem[job->base_slot] = (unsigned char)(N64C_HOST_RDRAM_BASE >> 24);
    dmem[job->base_slot + 1] = (unsigned char)(N64C_HOST_RDRAM_BASE >> 16);
    dmem[job->base_slot + 2] = (unsigned char)(N64C_HOST_RDRAM_BASE >> 8);
    dmem[job->base_slot + 3] = (unsigned char)N64C_HOST_RDRAM_BASE;
    if (write_u32(0x4A34365Au) != 0 || write_u32(job->imem_size) != 0
        || write_u32(job->dmem_size) != 0 || write_u32((uint32_t)rdram_size) != 0
        || write_u32((uint32_t)rdram_size) != 0
        || write_all(to_runner, job->imem, job->imem_size) != 0
        || write_all(to_runner, dmem, job->dmem_size) != 0
        || write_all(to_runner, rdram, rdram_size) != 0) {
        fprintf(stderr, "n64c host runtime: the z64 runner went away\n");
        stop_runner();
        return N64C_ERR_RSP;
    }
    if (read_u32(&magic) != 0 || magic != 0x5234365Au || read_u32(&calls) != 0) {
        fprintf(stderr, "n64c host runtime: malformed reply from the z64 runner\n");
        stop_runner();
        return N64C_ERR_RSP;
    }
    if (read_messages() != 0) {
        stop_runner();
        return N64C_ERR_RSP;
    }
    if (read_all(from_runner, dmem, N64C_HOST_DMEM_SIZE) != 0
        || read_all(from_runner, rdram, rdram_size) != 0) {
        stop_runner();
        return N64C_ERR_RSP;
    }
    memcpy(job->arena, rdram + N64C_HOST_RDRAM_BASE, job->arena_size);
    runs++;
    return N64C_OK;
}
