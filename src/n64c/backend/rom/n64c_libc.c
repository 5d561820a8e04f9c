/*
 * The few C library functions the generated model.c and the ROM runtime
 * use, for a freestanding VR4300 build (built with
 * -fno-tree-loop-distribute-patterns so these loops stay loops).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 3u) == 0) {
        uint32_t *dw = (uint32_t *)(void *)d;
        const uint32_t *sw = (const uint32_t *)(const void *)s;
        for (; n >= 16; n -= 16, dw += 4, sw += 4) {
            uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
        }
        for (; n >= 4; n -= 4)
            *dw++ = *sw++;
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n-- > 0)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint8_t v = (uint8_t)c;
    if (((uintptr_t)d & 3u) == 0) {
        uint32_t w = v * 0x01010101u;
        uint32_t *dw = (uint32_t *)(void *)d;
        for (; n >= 4; n -= 4)
            *dw++ = w;
        d = (uint8_t *)dw;
    }
    while (n-- > 0)
        *d++ = v;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n > 0; n--, p++, q++)
        if (*p != *q)
            return *p < *q ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

/* No file system on the cartridge: opening a file always fails. */
FILE *fopen(const char *path, const char *mode)
{
    (void)path;
    (void)mode;
    return NULL;
}

size_t fread(void *dst, size_t size, size_t count, FILE *f)
{
    (void)dst;
    (void)size;
    (void)count;
    (void)f;
    return 0;
}

int fgetc(FILE *f)
{
    (void)f;
    return EOF;
}

int fclose(FILE *f)
{
    (void)f;
    return 0;
}

/* No heap: the ROM keeps everything in static storage. */
void *malloc(size_t size)
{
    (void)size;
    return NULL;
}

void free(void *p)
{
    (void)p;
}
