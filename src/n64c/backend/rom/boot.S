/*
 * n64c's boot stub: the ROM's IPL3 area (ROM bytes 0x40-0xFFF), which the
 * boot code copies to SP DMEM and starts at 0xA4000040. Position
 * independent: it resets the cache tags, copies the program (ROM 0x1000,
 * its size in header word 0x18) to RDRAM 0x400 by PI DMA and jumps to the
 * entry point in header word 0x08. It does not initialise RDRAM and is not
 * signed for a CIC chip: emulators that boot without a PIF ROM run it,
 * the console does not (see docs/c-api.md).
 */
    .set noreorder
    .set noat

    .text
    .globl _boot
_boot:
    mtc0    $zero, $28          /* TagLo */
    mtc0    $zero, $29          /* TagHi */
    lui     $t0, 0x8000
    addiu   $t1, $t0, 0x4000    /* 16 KiB instruction cache, 32-byte lines */
1:  cache   0x08, 0($t0)        /* Index_Store_Tag_I */
    addiu   $t0, $t0, 32
    bne     $t0, $t1, 1b
    nop
    lui     $t0, 0x8000
    addiu   $t1, $t0, 0x2000    /* 8 KiB data cache, 16-byte lines */
2:  cache   0x09, 0($t0)        /* Index_Store_Tag_D */
    addiu   $t0, $t0, 16
    bne     $t0, $t1, 2b
    nop
    lui     $t2, 0xB000         /* the cartridge, uncached */
    lui     $t4, 0xA460         /* PI registers */
3:  lw      $t5, 0x10($t4)      /* PI_STATUS: wait while busy */
    andi    $t5, $t5, 3
    bnez    $t5, 3b
    nop
    lw      $t3, 0x18($t2)      /* program size in bytes */
    lw      $t6, 0x08($t2)      /* entry point */
    beqz    $t3, 5f
    nop
    li      $t5, 0x400
    sw      $t5, 0x00($t4)      /* PI_DRAM_ADDR */
    li      $t5, 0x10001000
    sw      $t5, 0x04($t4)      /* PI_CART_ADDR */
    addiu   $t3, $t3, -1
    sw      $t3, 0x0C($t4)      /* PI_WR_LEN: starts the DMA */
4:  lw      $t5, 0x10($t4)
    andi    $t5, $t5, 3
    bnez    $t5, 4b
    nop
5:  jr      $t6
    nop
