// RUN: n64-opt %s -t rsp-asm | filecheck %s
// The printed assembly is a fixed point: printing it again gives the same text.
// RUN: rm -rf %t && mkdir -p %t
// RUN: n64-opt %s -t rsp-asm -o %t/a.S
// RUN: n64-opt %t/a.S -t rsp-asm -o %t/b.S
// RUN: diff %t/a.S %t/b.S
// The assembler output parses as MLIR and prints as the same assembly.
// RUN: n64-opt %s -o %t/a.mlir
// RUN: n64-opt %t/a.mlir -t rsp-asm | diff - %t/a.S

#include <rsp.inc>
#define VACC $v04

    .set noreorder
    .set at

    .data
    .align 4
table:  .half 1, 2, 3, 4, 5, 6, 7, 8
ptr:    .word table + 2
    .space 4

    .text
start:
    li s0, %lo(table)            # pseudo: addiu
    lqv $v01, 0, s0
    vxor VACC, VACC, VACC
    vmudh $v05, $v01, $v01.e3 ;  vmadh $v05, $v01, $v02.h1
    vsar $v06, COP2_ACC_HI
    vsar $v07, COP2_ACC_MD
    vmov $v09.e2, $v10.e5
    sqv $v06, 16, s0
    ssv $v07.e1, -2, s0
    mfc2 t0, $v06.b3
    mtc0 t0, COP0_DMA_SPADDR
    lw t1, %lo(ptr)(zero)
loop:
    bnez t1, loop
    addiu t1, t1, -1
    break

// CHECK:      #include <rsp.inc>
// CHECK-EMPTY:
// CHECK-NEXT:     .set noreorder
// CHECK-NEXT:     .set at
// CHECK-EMPTY:
// CHECK-NEXT:     .data
// CHECK-NEXT:     .align 4
// CHECK-NEXT: table:
// CHECK-NEXT:     .half 1, 2, 3, 4, 5, 6, 7, 8
// CHECK-NEXT: ptr:
// CHECK-NEXT:     .word table+2
// CHECK-NEXT:     .space 4
// CHECK-EMPTY:
// CHECK-NEXT:     .text
// CHECK-NEXT: start:
// CHECK-NEXT:     addiu s0, zero, %lo(table)
// CHECK-NEXT:     lqv $v01, 0, s0
// CHECK-NEXT:     vxor $v04, $v04, $v04
// CHECK-NEXT:     vmudh $v05, $v01, $v01.e3
// CHECK-NEXT:     vmadh $v05, $v01, $v02.h1
// CHECK-NEXT:     vsar $v06, COP2_ACC_HI
// CHECK-NEXT:     vsar $v07, COP2_ACC_MD
// CHECK-NEXT:     vmov $v09.e2, $v10.e5
// CHECK-NEXT:     sqv $v06, 16, s0
// CHECK-NEXT:     ssv $v07.e1, -2, s0
// CHECK-NEXT:     mfc2 t0, $v06.b3
// CHECK-NEXT:     mtc0 t0, COP0_DMA_SPADDR
// CHECK-NEXT:     lw t1, %lo(ptr)(zero)
// CHECK-NEXT: loop:
// CHECK-NEXT:     bne t1, zero, loop
// CHECK-NEXT:     addiu t1, t1, -1
// CHECK-NEXT:     break
