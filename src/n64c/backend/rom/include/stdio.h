/* The stdio of n64c's bare-metal ROM runtime: there is no file system, so
 * fopen always fails (n64c_model_load_weights returns N64C_ERR_IO); the ROM
 * hands the weights in with n64c_model_set_weights. Text goes out through
 * the ISViewer port (n64c_rom.h). */
#ifndef N64C_ROM_STDIO_H
#define N64C_ROM_STDIO_H

#include <stddef.h>

#define EOF (-1)

typedef struct n64c_file FILE;

FILE *fopen(const char *path, const char *mode);
size_t fread(void *dst, size_t size, size_t count, FILE *f);
int fgetc(FILE *f);
int fclose(FILE *f);

#endif /* N64C_ROM_STDIO_H */
