// RUN: n64-opt %s -p rsp-schedule -t rsp-asm | filecheck %s

// rsp-schedule moves a lone scalar-unit instruction that nothing after it
// needs into a branch's delay slot, in place of the nop (the slot issues
// alone either way, so the loop is a cycle shorter): here the store, after
// the increment of its base moved ahead of it (its offset rebased). The
// counter the branch reads stays in front of it.
//
// A DMA polling loop keeps its own instructions; its slot takes the first
// lone op after the loop when that op gives the same result however often
// the loop spins (`addi t5, zero, 64`), and keeps its nop when it would
// not (`addi t6, t6, 1`).

    .text
    addi t0, zero, 4
loop:
    lqv $v01, 0, t1
    vaddc $v02, $v02, $v03
    addi t1, t1, 16
    sqv $v04, 0, t2
    addi t2, t2, 16
    addi t0, t0, -1
    bne t0, zero, loop
    nop
poll:
    mfc0 t3, COP0_DMA_BUSY
    bne t3, zero, poll
    nop
    addi t5, zero, 64
    sw t5, 0(t4)
again:
    mfc0 t3, COP0_DMA_BUSY
    bne t3, zero, again
    nop
    addi t6, t6, 1
    sw t6, 4(t4)
    break

// CHECK:      loop:
// CHECK:        addi t0, t0, -1
// CHECK-NEXT:   bne t0, zero, loop
// CHECK-NEXT:   sqv $v04, -16, t2
// CHECK-NEXT: poll:
// CHECK-NEXT:   mfc0 t3, COP0_DMA_BUSY
// CHECK-NEXT:   bne t3, zero, poll
// CHECK-NEXT:   addi t5, zero, 64
// CHECK-NEXT:   sw t5, 0(t4)
// CHECK-NEXT: again:
// CHECK-NEXT:   mfc0 t3, COP0_DMA_BUSY
// CHECK-NEXT:   bne t3, zero, again
// CHECK-NEXT:   nop
// CHECK-NEXT:   addi t6, t6, 1
