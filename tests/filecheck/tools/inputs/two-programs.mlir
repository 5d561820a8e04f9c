builtin.module {
  rsp.section "text" {
    rsp.label "start"
    %0 = rsp.get_register : () -> !rsp.vreg<v01>
    %1 = rsp.vxor %0, %0, v : (!rsp.vreg<v01>, !rsp.vreg<v01>) -> !rsp.vreg<v01>
    %2 = rsp.get_register : () -> !rsp.reg<zero>
    %3 = rsp.addiu %2, 4 : (!rsp.reg<zero>) -> !rsp.reg<t0>
    rsp.break
  }
}
// -----
builtin.module {
  rsp.section "text" {
    rsp.label "start"
    %0 = rsp.get_register : () -> !rsp.vreg<v01>
    %1 = rsp.vxor %0, %0, v : (!rsp.vreg<v01>, !rsp.vreg<v01>) -> !rsp.vreg<v01>
    %2 = rsp.get_register : () -> !rsp.reg<zero>
    %3 = rsp.addiu %2, 4 : (!rsp.reg<zero>) -> !rsp.reg<t0>
    rsp.break
  }
}
