/* The stdlib of n64c's bare-metal ROM runtime: there is no heap, so malloc
 * always fails (n64c_model_load_weights of a model with its weights in the
 * cartridge returns N64C_ERR_IO); the ROM hands the weights in with
 * n64c_model_set_weights. */
#ifndef N64C_ROM_STDLIB_H
#define N64C_ROM_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void free(void *p);

#endif /* N64C_ROM_STDLIB_H */
