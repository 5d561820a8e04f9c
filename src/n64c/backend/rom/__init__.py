"""n64c's test ROM: the whole compiled program on an (emulated) Nintendo 64.

A bare-metal VR4300 runtime without libdragon (the C, assembly and linker
files beside this module) and three modules:

* :mod:`~n64c.backend.rom.layout`: the cartridge image (header, boot
  stub, program, data table, weights, inputs);
* :mod:`~n64c.backend.rom.build`: compiling `model.c` and the runtime
  with ``mips-linux-gnu-gcc -march=vr4300`` and assembling the image;
* :mod:`~n64c.backend.rom.emulator`: running a ROM on mupen64plus and
  reading the outputs it prints through ISViewer.

The runtime: `boot.S` (the IPL3-area boot stub), `crt0.S` (start-up,
exception vectors), `n64c_rom.ld` (the link at 0x80000400), `n64c_rom.c`
(caches, PI and SP DMA, the RSP driver of `model.c`, ISViewer, CP0
Count), `n64c_rom_main.c` (runs the inputs and prints the outputs),
`n64c_libc.c` / `n64c_libm.c` with the headers in `include/`.
"""
