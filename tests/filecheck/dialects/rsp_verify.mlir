// RUN: n64-opt %s --split-input-file --verify-diagnostics | filecheck %s

%b = rsp.get_register : () -> !rsp.reg<s0>
%v = rsp.get_register : () -> !rsp.vreg<v01>
%r = rsp.lqv %v, %b, 0, 8 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
// CHECK: lqv offset 8 is not a multiple of 16

// -----

%b = rsp.get_register : () -> !rsp.reg<s0>
%v = rsp.get_register : () -> !rsp.vreg<v01>
rsp.sdv %v, %b, 0, 512 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
// CHECK: sdv offset 512 is out of range [-512, 504]

// -----

%b = rsp.get_register : () -> !rsp.reg<s0>
%v = rsp.get_register : () -> !rsp.vreg<v01>
%r = rsp.lsv %v, %b, 16, 0 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
// CHECK: element 16 is out of range [0, 15]

// -----

%v = rsp.get_register : () -> !rsp.vreg<v01>
%r = rsp.vadd %v, %v, 16 : (!rsp.vreg<v01>, !rsp.vreg<v01>) -> !rsp.vreg<v02>
// CHECK: element selector 16 is out of range [0, 15]

// -----

%v = rsp.get_register : () -> !rsp.vreg<v01>
%r = rsp.vmov %v, %v, 8, e0 : (!rsp.vreg<v01>, !rsp.vreg<v01>) -> !rsp.vreg<v01>
// CHECK: destination lane 8 is out of range [0, 7]

// -----

%v = rsp.get_register : () -> !rsp.vreg<v01>
%r = rsp.vmov %v, %v, 1, e0 : (!rsp.vreg<v01>, !rsp.vreg<v01>) -> !rsp.vreg<v02>
// CHECK: the result must be in the register of vd_in

// -----

%r = rsp.vsar 3 : () -> !rsp.vreg<v02>
// CHECK: vsar reads COP2_ACC_HI (8), COP2_ACC_MD (9) or COP2_ACC_LO (10), not 3

// -----

%z = rsp.get_register : () -> !rsp.reg<zero>
%r = rsp.addiu %z, 32768 : (!rsp.reg<zero>) -> !rsp.reg<t0>
// CHECK: addiu immediate 32768 is out of range [-32768, 32767]

// -----

%z = rsp.get_register : () -> !rsp.reg<zero>
%r = rsp.andi %z, -1 : (!rsp.reg<zero>) -> !rsp.reg<t0>
// CHECK: andi immediate -1 is out of range [0, 65535]

// -----

%z = rsp.get_register : () -> !rsp.reg<zero>
%r = rsp.sll %z, 32 : (!rsp.reg<zero>) -> !rsp.reg<t0>
// CHECK: shift amount 32 is out of range [0, 31]

// -----

%z = rsp.get_register : () -> !rsp.reg<zero>
%r = rsp.lw %z, 40000 : (!rsp.reg<zero>) -> !rsp.reg<t0>
// CHECK: lw offset 40000 is out of range [-32768, 32767]

// -----

%r = rsp.mfc0 16 : () -> !rsp.reg<t0>
// CHECK: control register 16 is out of range [0, 15]

// -----

%r = rsp.cfc2 3 : () -> !rsp.reg<t0>
// CHECK: control register 3 is out of range [0, 2]

// -----

%v = rsp.get_register : () -> !rsp.vreg<v01>
%r = rsp.mfc2 %v, 16 : (!rsp.vreg<v01>) -> !rsp.reg<t0>
// CHECK: byte element 16 is out of range [0, 15]

// -----

rsp.j 6
// CHECK: branch target 0x6 is not a word address in IMEM

// -----

%z = rsp.get_register : () -> !rsp.reg<zero>
%r = rsp.bgezal %z, "f" : (!rsp.reg<zero>) -> !rsp.reg<t0>
// CHECK: rsp.bgezal writes the return address to ra, not !rsp.reg<t0>

// -----

rsp.label "1abc"
// CHECK: invalid label name '1abc'

// -----

rsp.byte 300
// CHECK: .byte value 300 is out of range [-128, 255]

// -----

rsp.half #rsp.sym<"x">
// CHECK: .half cannot hold an address; use .word or %lo()

// -----

rsp.align 13
// CHECK: .align power 13 is out of range [0, 12]

// -----

rsp.section "bss" {
}
// CHECK: unknown section 'bss' (expected text or data)

// -----

%r = rsp.get_register : () -> !rsp.reg<x9>
// CHECK: Invalid register name x9 for register type rsp.reg
