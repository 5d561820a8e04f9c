/*
 * Start-up code of n64c's ROM runtime, at the entry point 0x80000400
 * where the boot stub (boot.S) loaded the program: CP0 Status, the FPU,
 * the stack, .bss, the exception vectors, then main().
 */
    .set noreorder
    .set noat

    .section .text.start, "ax", @progbits
    .globl _start
    .ent _start
_start:
    lui     $t0, 0x3000         /* Status: CU1 | CU0, kernel, interrupts off */
    mtc0    $t0, $12
    nop
    nop
    lui     $t0, 0x0100         /* FCR31: FS, denormal results flush to zero */
    ctc1    $t0, $31
    la      $sp, _stack_top
    move    $gp, $zero
    la      $t0, _bss_start
    la      $t1, _bss_end
1:  beq     $t0, $t1, 2f
    nop
    sw      $zero, 0($t0)
    b       1b
    addiu   $t0, $t0, 4
2:  jal     n64c_install_vectors
    nop
    jal     main
    nop
3:  b       3b
    nop
    .end _start

/* Copied to each exception vector by n64c_install_vectors. */
    .section .rodata
    .align 4
    .globl n64c_vector_template
n64c_vector_template:
    lui     $k0, %hi(n64c_exception_entry)
    addiu   $k0, $k0, %lo(n64c_exception_entry)
    jr      $k0
    nop

    .text
    .globl n64c_exception_entry
    .ent n64c_exception_entry
n64c_exception_entry:
    mfc0    $a0, $13            /* Cause */
    mfc0    $a1, $14            /* EPC */
    mfc0    $a2, $8             /* BadVAddr */
    la      $sp, _stack_top
    jal     n64c_exception_report
    nop
1:  b       1b
    nop
    .end n64c_exception_entry
