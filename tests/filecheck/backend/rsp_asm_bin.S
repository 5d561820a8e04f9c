// IMEM image through n64-opt's binary target, one big-endian word per line.
// RUN: rm -rf %t && mkdir -p %t
// RUN: n64-opt %s -t rsp-bin -o %t/prog.bin
// RUN: od -An -v -tx4 --endian=big -w4 %t/prog.bin | filecheck %s --check-prefix=IMEM
// RUN: n64-opt %s -t "rsp-bin{section=dmem}" -o %t/prog.dmem
// RUN: od -An -v -tx2 --endian=big -w2 %t/prog.dmem | filecheck %s --check-prefix=DMEM
// RUN: not n64-opt %s -t "rsp-bin{section=rdram}" 2>&1 | filecheck %s --check-prefix=BADSECTION
//
// n64c asm writes the same IMEM image and the DMEM image beside it.
// RUN: n64c asm %s -o %t/asm.bin
// RUN: cmp %t/prog.bin %t/asm.bin
// RUN: cmp %t/prog.dmem %t/asm.dmem.bin
// RUN: n64c asm %s -o %t/other.img --dmem %t/data.img
// RUN: cmp %t/prog.dmem %t/data.img
//
// A program without data writes no DMEM image.
// RUN: n64c asm %S/inputs/no-data.S -o %t/nodata.bin
// RUN: not test -e %t/nodata.dmem.bin
// RUN: od -An -v -tx4 --endian=big -w4 %t/nodata.bin | filecheck %s --check-prefix=NODATA
//
// Errors: one line, exit 1, no traceback, no output file.
// RUN: not n64c asm %S/inputs/bad-offset.S -o %t/bad.bin 2>&1 | filecheck %s --check-prefix=ERR
// RUN: not test -e %t/bad.bin
// RUN: not n64-opt %S/inputs/bad-offset.S -t rsp-bin 2>&1 | filecheck %s --check-prefix=ERR
// RUN: not n64c asm %S/inputs/too-big.S -o %t/big.bin 2>&1 | filecheck %s --check-prefix=BIG

    .data
vec:    .half 0x7FFF, -1, 3, 4, 5, 6, 7, 8

    .text
    addiu s0, zero, %lo(vec)
    lqv $v01, 0, s0
    vmudh $v04, $v01, $v02.e3
    vmov $v09.e2, $v10.e5
    vsar $v08, COP2_ACC_MD
    sqv $v04, 0, s0
    break

// IMEM:      24100000
// IMEM-NEXT: ca012000
// IMEM-NEXT: 4b620907
// IMEM-NEXT: 4baa5273
// IMEM-NEXT: 4b20021d
// IMEM-NEXT: ea042000
// IMEM-NEXT: 0000000d
// IMEM-NOT:  {{.}}

// DMEM:      7fff
// DMEM-NEXT: ffff
// DMEM-NEXT: 0003
// DMEM-COUNT-5: 000{{[4-8]}}
// DMEM-NOT:  {{.}}

// BADSECTION: error: target rsp-bin: section must be imem or dmem, not 'rdram'

// NODATA:      0000000d
// NODATA-NOT:  {{.}}

// ERR:     error: {{.*}}bad-offset.S:2:15: lqv offset 24 is not a multiple of 16
// ERR-NOT: Traceback

// BIG: error: {{.*}}too-big.S: the program's code takes 4100 bytes of IMEM, 4 bytes more than the 4096 available
