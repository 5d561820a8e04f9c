// RUN: n64-opt %s | filecheck %s
// RUN: n64-opt %s --print-op-generic | n64-opt | filecheck %s
// RUN: n64-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

builtin.module {
  rsp.section "data" {
    rsp.label "table"
    rsp.half 1, -2, 32767
    rsp.word 305419896, #rsp.sym<"table", 4>
    rsp.byte 1, 255
    rsp.space 16, 0
    rsp.align 3
  }
  rsp.section "text" {
    rsp.label "start"
    %zero = rsp.get_register : () -> !rsp.reg<zero>
    %s0 = rsp.addiu %zero, #rsp.sym<lo "table"> : (!rsp.reg<zero>) -> !rsp.reg<s0>
    %v1 = rsp.get_register : () -> !rsp.vreg<v01>
    %v2 = rsp.get_register : () -> !rsp.vreg<v02>
    %l = rsp.lqv %v1, %s0, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    %m = rsp.vmudh %l, %v2, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    %a = rsp.vmadh %l, %v2, h2 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    %b = rsp.vadd %l, %v2, v : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v05>
    %c = rsp.vsar COP2_ACC_MD : () -> !rsp.vreg<v08>
    %d = rsp.vmov %c, %m, 2, e5 : (!rsp.vreg<v08>, !rsp.vreg<v04>) -> !rsp.vreg<v08>
    rsp.vnop
    rsp.sqv %d, %s0, 0, -16 : (!rsp.vreg<v08>, !rsp.reg<s0>) -> ()
    %t0 = rsp.mfc2 %d, 4 : (!rsp.vreg<v08>) -> !rsp.reg<t0>
    %v3 = rsp.mtc2 %t0, %b, 6 : (!rsp.reg<t0>, !rsp.vreg<v05>) -> !rsp.vreg<v05>
    %t1 = rsp.cfc2 COP2_CTRL_VCC : () -> !rsp.reg<t1>
    rsp.ctc2 %t1, COP2_CTRL_VCO : (!rsp.reg<t1>) -> ()
    %t2 = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<t2>
    rsp.mtc0 %t2, COP0_DMA_SPADDR : (!rsp.reg<t2>) -> ()
    %t3 = rsp.addu %t0, %t1 : (!rsp.reg<t0>, !rsp.reg<t1>) -> !rsp.reg<t3>
    %t4 = rsp.sllv %t3, %t1 : (!rsp.reg<t3>, !rsp.reg<t1>) -> !rsp.reg<t4>
    %t5 = rsp.sra %t4, 3 : (!rsp.reg<t4>) -> !rsp.reg<t5>
    %t6 = rsp.lui 4660 : () -> !rsp.reg<t6>
    %t7 = rsp.lw %s0, -4 : (!rsp.reg<s0>) -> !rsp.reg<t7>
    rsp.sh %t7, %s0, 2 : (!rsp.reg<t7>, !rsp.reg<s0>) -> ()
    rsp.beq %t7, %zero, "start" : (!rsp.reg<t7>, !rsp.reg<zero>) -> ()
    rsp.nop
    rsp.bgez %t7, "start" : (!rsp.reg<t7>) -> ()
    %ra = rsp.bltzal %t7, "start" : (!rsp.reg<t7>) -> !rsp.reg<ra>
    rsp.j "start"
    %ra2 = rsp.jal 64 : () -> !rsp.reg<ra>
    rsp.jr %ra2 : (!rsp.reg<ra>) -> ()
    %r = rsp.jalr %t7 : (!rsp.reg<t7>) -> !rsp.reg<ra>
    %virtual = rsp.addiu %zero, 1 : (!rsp.reg<zero>) -> !rsp.reg<j_3>
    %free = rsp.vxor %v1, %v1, v : (!rsp.vreg<v01>, !rsp.vreg<v01>) -> !rsp.vreg
    rsp.break {comment = "done"}
  }
}

// CHECK:      rsp.section "data" {
// CHECK-NEXT:   rsp.label "table"
// CHECK-NEXT:   rsp.half 1, -2, 32767
// CHECK-NEXT:   rsp.word 305419896, #rsp.sym<"table", 4>
// CHECK-NEXT:   rsp.byte 1, 255
// CHECK-NEXT:   rsp.space 16, 0
// CHECK-NEXT:   rsp.align 3
// CHECK-NEXT: }
// CHECK:      %{{.*}} = rsp.addiu %{{.*}}, #rsp.sym<lo "table"> : (!rsp.reg<zero>) -> !rsp.reg<s0>
// CHECK:      rsp.lqv %{{.*}}, %{{.*}}, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
// CHECK-NEXT: rsp.vmudh %{{.*}}, %{{.*}}, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
// CHECK-NEXT: rsp.vmadh %{{.*}}, %{{.*}}, h2
// CHECK-NEXT: rsp.vadd %{{.*}}, %{{.*}}, v
// CHECK-NEXT: rsp.vsar COP2_ACC_MD : () -> !rsp.vreg<v08>
// CHECK-NEXT: rsp.vmov %{{.*}}, %{{.*}}, 2, e5 : (!rsp.vreg<v08>, !rsp.vreg<v04>) -> !rsp.vreg<v08>
// CHECK-NEXT: rsp.vnop
// CHECK-NEXT: rsp.sqv %{{.*}}, %{{.*}}, 0, -16
// CHECK-NEXT: rsp.mfc2 %{{.*}}, 4
// CHECK-NEXT: rsp.mtc2 %{{.*}}, %{{.*}}, 6
// CHECK-NEXT: rsp.cfc2 COP2_CTRL_VCC
// CHECK-NEXT: rsp.ctc2 %{{.*}}, COP2_CTRL_VCO
// CHECK-NEXT: rsp.mfc0 COP0_DMA_BUSY
// CHECK-NEXT: rsp.mtc0 %{{.*}}, COP0_DMA_SPADDR
// CHECK-NEXT: rsp.addu
// CHECK-NEXT: rsp.sllv
// CHECK-NEXT: rsp.sra %{{.*}}, 3
// CHECK-NEXT: rsp.lui 4660 : () -> !rsp.reg<t6>
// CHECK-NEXT: rsp.lw %{{.*}}, -4
// CHECK-NEXT: rsp.sh %{{.*}}, %{{.*}}, 2
// CHECK-NEXT: rsp.beq %{{.*}}, %{{.*}}, "start"
// CHECK-NEXT: rsp.nop
// CHECK-NEXT: rsp.bgez %{{.*}}, "start"
// CHECK-NEXT: rsp.bltzal %{{.*}}, "start" : (!rsp.reg<t7>) -> !rsp.reg<ra>
// CHECK-NEXT: rsp.j "start"
// CHECK-NEXT: rsp.jal 64 : () -> !rsp.reg<ra>
// CHECK-NEXT: rsp.jr
// CHECK-NEXT: rsp.jalr
// CHECK-NEXT: rsp.addiu %{{.*}}, 1 : (!rsp.reg<zero>) -> !rsp.reg<j_3>
// CHECK-NEXT: rsp.vxor %{{.*}}, %{{.*}}, v : (!rsp.vreg<v01>, !rsp.vreg<v01>) -> !rsp.vreg
// CHECK-NEXT: rsp.break {comment = "done"}

// GENERIC: "rsp.vmudh"(%{{.*}}, %{{.*}}) <{element = #builtin.int<11>}> : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
// GENERIC: "rsp.vsar"() <{slice = #builtin.int<9>}> : () -> !rsp.vreg<v08>
// GENERIC: "rsp.beq"(%{{.*}}, %{{.*}}) <{target = "start"}>
