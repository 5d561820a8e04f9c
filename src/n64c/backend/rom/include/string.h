/* The string functions of n64c's bare-metal ROM runtime (n64c_libc.c). */
#ifndef N64C_ROM_STRING_H
#define N64C_ROM_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif /* N64C_ROM_STRING_H */
