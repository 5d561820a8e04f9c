// RUN: n64-opt %s -p rsp-schedule -t rsp-asm | filecheck %s

// An increment of a base register (`addi r, r, c`) may issue before the
// accesses through r that come before it in the program, their offsets
// then less by c: here the store pointer's increment moves up out of the
// way of a store that waits for its vector, and the store's offset
// becomes -16. A register read as data (t0 of the `sw`) keeps its order.

    .text
    addi t0, zero, 4
loop:
    lqv $v01, 0, t1
    lqv $v02, 16, t1
    vaddc $v03, $v01, $v02
    vaddc $v04, $v03, $v03
    vaddc $v05, $v04, $v04
    sqv $v05, 0, t2
    sw t0, 8(t3)
    addi t2, t2, 16
    addi t1, t1, 32
    addi t0, t0, -1
    bne t0, zero, loop
    nop
    break

// CHECK:      loop:
// CHECK-NEXT:   lqv $v01, 0, t1
// CHECK-NEXT:   lqv $v02, 16, t1
// CHECK-NEXT:   addi t2, t2, 16
// CHECK:        vaddc $v05, $v04, $v04
// CHECK-NEXT:   sqv $v05, -16, t2
// CHECK-NEXT:   sw t0, 8(t3)
// CHECK-NEXT:   addi t0, t0, -1
// CHECK-NEXT:   bne t0, zero, loop
