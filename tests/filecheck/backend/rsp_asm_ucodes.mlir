// A compiled model holds one nested module of rsp ops per ucode.
// RUN: n64-opt %s -t rsp-asm | filecheck %s
// RUN: n64-opt %s -t "rsp-asm{ucode=ucode1}" | filecheck %s --check-prefix=ONE
// RUN: not n64-opt %s -t rsp-bin 2>&1 | filecheck %s --check-prefix=SEVERAL
// RUN: not n64-opt %s -t "rsp-bin{ucode=nope}" 2>&1 | filecheck %s --check-prefix=NOPE
// RUN: rm -rf %t && mkdir -p %t
// RUN: n64-opt %s -t "rsp-bin{ucode=ucode1}" -o %t/u1.bin
// RUN: od -An -v -tx4 --endian=big -w4 %t/u1.bin | filecheck %s --check-prefix=BIN

builtin.module {
  builtin.module @ucode0 {
    rsp.break
  }
  builtin.module @ucode1 {
    %z = rsp.get_register : () -> !rsp.reg<zero>
    %t0 = rsp.addiu %z, 7 : (!rsp.reg<zero>) -> !rsp.reg<t0>
    rsp.break
  }
}

// CHECK:      # ucode ucode0
// CHECK-NEXT: #include <rsp.inc>
// CHECK:          .text
// CHECK-NEXT:     break
// CHECK:      # ucode ucode1
// CHECK-NEXT: #include <rsp.inc>
// CHECK:          .text
// CHECK-NEXT:     addiu t0, zero, 7
// CHECK-NEXT:     break

// ONE-NOT:    ucode0
// ONE:        addiu t0, zero, 7

// SEVERAL: error: the module has several ucodes (ucode0, ucode1); choose one with ucode=NAME
// NOPE: error: no ucode named 'nope' (ucodes: ucode0, ucode1)

// BIN:      24080007
// BIN-NEXT: 0000000d
