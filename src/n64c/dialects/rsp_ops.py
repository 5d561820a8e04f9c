"""The instruction ops of the `rsp` dialect, one per RSP instruction.

The formats (operands, properties, assembly syntax, verification) live in
`rsp_base.py`; each op here fixes its mnemonic and opcode fields.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.irdl import irdl_op_definition

from n64c.dialects.rsp_base import (
    BranchCompareOp,
    BranchLinkOp,
    BranchZeroOp,
    ElementMode,
    FixedWordOp,
    ImmediateOp,
    JumpLinkOp,
    JumpLinkRegisterOp,
    JumpOp,
    JumpRegisterOp,
    MoveFromControlOp,
    MoveFromVectorOp,
    MoveToControlOp,
    MoveToVectorOp,
    PropKind,
    RegRegOp,
    ScalarLoadOp,
    ScalarStoreOp,
    ShiftImmOp,
    ShiftVariableOp,
    UpperImmediateOp,
    VectorAccReadOp,
    VectorComputeOp,
    VectorLaneOp,
    VectorLoadOp,
    VectorNoOperandOp,
    VectorStoreOp,
)


@irdl_op_definition
class VmulfOp(VectorComputeOp):
    """Vector multiply of signed fractions: ACC = 2*s*t + 0x8000, vd = clamp(ACC[47:16]).

    Example: `vmulf $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmulf %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmulf"
    FUNCT: ClassVar[int] = 0x00


@irdl_op_definition
class VmuluOp(VectorComputeOp):
    """Vector multiply of unsigned fractions: as vmulf, vd clamped unsigned.

    Example: `vmulu $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmulu %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmulu"
    FUNCT: ClassVar[int] = 0x01


@irdl_op_definition
class VmudlOp(VectorComputeOp):
    """Vector multiply of low partial products: ACC = (u(s)*u(t)) >> 16, vd = ACC_LO.

    Example: `vmudl $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmudl %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmudl"
    FUNCT: ClassVar[int] = 0x04


@irdl_op_definition
class VmudmOp(VectorComputeOp):
    """Vector multiply of mid partial products: ACC = s*u(t), vd = ACC_MD.

    Example: `vmudm $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmudm %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmudm"
    FUNCT: ClassVar[int] = 0x05


@irdl_op_definition
class VmudnOp(VectorComputeOp):
    """Vector multiply of mid partial products: ACC = u(s)*t, vd = ACC_LO.

    Example: `vmudn $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmudn %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmudn"
    FUNCT: ClassVar[int] = 0x06


@irdl_op_definition
class VmudhOp(VectorComputeOp):
    """Vector multiply of high partial products: ACC = (s*t) << 16, vd = clamp(ACC[47:16]).

    Example: `vmudh $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmudh %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmudh"
    FUNCT: ClassVar[int] = 0x07


@irdl_op_definition
class VmacfOp(VectorComputeOp):
    """Vector multiply-accumulate of signed fractions: ACC += 2*s*t.

    Example: `vmacf $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmacf %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmacf"
    FUNCT: ClassVar[int] = 0x08


@irdl_op_definition
class VmacuOp(VectorComputeOp):
    """Vector multiply-accumulate of unsigned fractions: ACC += 2*s*t, vd clamped unsigned.

    Example: `vmacu $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmacu %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmacu"
    FUNCT: ClassVar[int] = 0x09


@irdl_op_definition
class VmadlOp(VectorComputeOp):
    """Vector multiply-accumulate of low partial products: ACC += (u(s)*u(t)) >> 16.

    Example: `vmadl $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmadl %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmadl"
    FUNCT: ClassVar[int] = 0x0C


@irdl_op_definition
class VmadmOp(VectorComputeOp):
    """Vector multiply-accumulate of mid partial products: ACC += s*u(t).

    Example: `vmadm $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmadm %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmadm"
    FUNCT: ClassVar[int] = 0x0D


@irdl_op_definition
class VmadnOp(VectorComputeOp):
    """Vector multiply-accumulate of mid partial products: ACC += u(s)*t.

    Example: `vmadn $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmadn %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmadn"
    FUNCT: ClassVar[int] = 0x0E


@irdl_op_definition
class VmadhOp(VectorComputeOp):
    """Vector multiply-accumulate of high partial products: ACC += (s*t) << 16.

    Example: `vmadh $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmadh %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmadh"
    FUNCT: ClassVar[int] = 0x0F


@irdl_op_definition
class VaddOp(VectorComputeOp):
    """Vector add with carry-in from VCO, saturating; clears VCO.

    Example: `vadd $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vadd %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vadd"
    FUNCT: ClassVar[int] = 0x10


@irdl_op_definition
class VsubOp(VectorComputeOp):
    """Vector subtract with borrow-in from VCO, saturating; clears VCO.

    Example: `vsub $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vsub %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vsub"
    FUNCT: ClassVar[int] = 0x11


@irdl_op_definition
class VabsOp(VectorComputeOp):
    """Vector absolute value: vd = sign(s) * t.

    Example: `vabs $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vabs %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vabs"
    FUNCT: ClassVar[int] = 0x13


@irdl_op_definition
class VaddcOp(VectorComputeOp):
    """Vector add, unsigned, carry out to VCO.

    Example: `vaddc $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vaddc %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vaddc"
    FUNCT: ClassVar[int] = 0x14


@irdl_op_definition
class VsubcOp(VectorComputeOp):
    """Vector subtract, unsigned, borrow and not-equal out to VCO.

    Example: `vsubc $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vsubc %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vsubc"
    FUNCT: ClassVar[int] = 0x15


@irdl_op_definition
class VltOp(VectorComputeOp):
    """Vector select less than (sets VCC).

    Example: `vlt $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vlt %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vlt"
    FUNCT: ClassVar[int] = 0x20


@irdl_op_definition
class VeqOp(VectorComputeOp):
    """Vector select equal (sets VCC).

    Example: `veq $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.veq %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.veq"
    FUNCT: ClassVar[int] = 0x21


@irdl_op_definition
class VneOp(VectorComputeOp):
    """Vector select not equal (sets VCC).

    Example: `vne $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vne %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vne"
    FUNCT: ClassVar[int] = 0x22


@irdl_op_definition
class VgeOp(VectorComputeOp):
    """Vector select greater than or equal (sets VCC).

    Example: `vge $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vge %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vge"
    FUNCT: ClassVar[int] = 0x23


@irdl_op_definition
class VclOp(VectorComputeOp):
    """Vector select clip test low.

    Example: `vcl $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vcl %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vcl"
    FUNCT: ClassVar[int] = 0x24


@irdl_op_definition
class VchOp(VectorComputeOp):
    """Vector select clip test high.

    Example: `vch $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vch %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vch"
    FUNCT: ClassVar[int] = 0x25


@irdl_op_definition
class VcrOp(VectorComputeOp):
    """Vector select crimp test low (one's complement clip).

    Example: `vcr $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vcr %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vcr"
    FUNCT: ClassVar[int] = 0x26


@irdl_op_definition
class VmrgOp(VectorComputeOp):
    """Vector merge: vd = VCC ? s : t.

    Example: `vmrg $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vmrg %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vmrg"
    FUNCT: ClassVar[int] = 0x27


@irdl_op_definition
class VandOp(VectorComputeOp):
    """Vector bitwise and.

    Example: `vand $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vand %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vand"
    FUNCT: ClassVar[int] = 0x28


@irdl_op_definition
class VnandOp(VectorComputeOp):
    """Vector bitwise nand.

    Example: `vnand $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vnand %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vnand"
    FUNCT: ClassVar[int] = 0x29


@irdl_op_definition
class VorOp(VectorComputeOp):
    """Vector bitwise or.

    Example: `vor $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vor %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vor"
    FUNCT: ClassVar[int] = 0x2A


@irdl_op_definition
class VnorOp(VectorComputeOp):
    """Vector bitwise nor.

    Example: `vnor $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vnor %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vnor"
    FUNCT: ClassVar[int] = 0x2B


@irdl_op_definition
class VxorOp(VectorComputeOp):
    """Vector bitwise xor.

    Example: `vxor $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vxor %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vxor"
    FUNCT: ClassVar[int] = 0x2C


@irdl_op_definition
class VnxorOp(VectorComputeOp):
    """Vector bitwise nxor.

    Example: `vnxor $v04, $v01, $v02.e3`

    ```mlir
    %vd = rsp.vnxor %vs, %vt, e3 : (!rsp.vreg<v01>, !rsp.vreg<v02>) -> !rsp.vreg<v04>
    ```
    """

    name = "rsp.vnxor"
    FUNCT: ClassVar[int] = 0x2D


@irdl_op_definition
class VrcpOp(VectorLaneOp):
    """Single-lane reciprocal (16-bit input).

    Example: `vrcp $v09.e2, $v10.e5`

    ```mlir
    %vd = rsp.vrcp %old, %vt, 2, e5 : (!rsp.vreg<v09>, !rsp.vreg<v10>) -> !rsp.vreg<v09>
    ```
    """

    name = "rsp.vrcp"
    FUNCT: ClassVar[int] = 0x30


@irdl_op_definition
class VrcplOp(VectorLaneOp):
    """Single-lane reciprocal, low half of a 32-bit input.

    Example: `vrcpl $v09.e2, $v10.e5`

    ```mlir
    %vd = rsp.vrcpl %old, %vt, 2, e5 : (!rsp.vreg<v09>, !rsp.vreg<v10>) -> !rsp.vreg<v09>
    ```
    """

    name = "rsp.vrcpl"
    FUNCT: ClassVar[int] = 0x31


@irdl_op_definition
class VrcphOp(VectorLaneOp):
    """Single-lane reciprocal, high half of the input / result.

    Example: `vrcph $v09.e2, $v10.e5`

    ```mlir
    %vd = rsp.vrcph %old, %vt, 2, e5 : (!rsp.vreg<v09>, !rsp.vreg<v10>) -> !rsp.vreg<v09>
    ```
    """

    name = "rsp.vrcph"
    FUNCT: ClassVar[int] = 0x32


@irdl_op_definition
class VmovOp(VectorLaneOp):
    """Single-lane move: vd[lane] = selected vt lane.

    Example: `vmov $v09.e2, $v10.e5`

    ```mlir
    %vd = rsp.vmov %old, %vt, 2, e5 : (!rsp.vreg<v09>, !rsp.vreg<v10>) -> !rsp.vreg<v09>
    ```
    """

    name = "rsp.vmov"
    FUNCT: ClassVar[int] = 0x33


@irdl_op_definition
class VrsqOp(VectorLaneOp):
    """Single-lane reciprocal square root (16-bit input).

    Example: `vrsq $v09.e2, $v10.e5`

    ```mlir
    %vd = rsp.vrsq %old, %vt, 2, e5 : (!rsp.vreg<v09>, !rsp.vreg<v10>) -> !rsp.vreg<v09>
    ```
    """

    name = "rsp.vrsq"
    FUNCT: ClassVar[int] = 0x34


@irdl_op_definition
class VrsqlOp(VectorLaneOp):
    """Single-lane reciprocal square root, low half of a 32-bit input.

    Example: `vrsql $v09.e2, $v10.e5`

    ```mlir
    %vd = rsp.vrsql %old, %vt, 2, e5 : (!rsp.vreg<v09>, !rsp.vreg<v10>) -> !rsp.vreg<v09>
    ```
    """

    name = "rsp.vrsql"
    FUNCT: ClassVar[int] = 0x35


@irdl_op_definition
class VrsqhOp(VectorLaneOp):
    """Single-lane reciprocal square root, high half of the input / result.

    Example: `vrsqh $v09.e2, $v10.e5`

    ```mlir
    %vd = rsp.vrsqh %old, %vt, 2, e5 : (!rsp.vreg<v09>, !rsp.vreg<v10>) -> !rsp.vreg<v09>
    ```
    """

    name = "rsp.vrsqh"
    FUNCT: ClassVar[int] = 0x36


@irdl_op_definition
class VsarOp(VectorAccReadOp):
    """Vector accumulator read: vd = one slice (HI, MD or LO) of the accumulator.

    Example: `vsar $v08, COP2_ACC_MD`

    ```mlir
    %vd = rsp.vsar COP2_ACC_MD : () -> !rsp.vreg<v08>
    ```
    """

    name = "rsp.vsar"
    FUNCT: ClassVar[int] = 0x1D


@irdl_op_definition
class VnopOp(VectorNoOperandOp):
    """Vector no-operation.

    Example: `vnop`

    ```mlir
    rsp.vnop
    ```
    """

    name = "rsp.vnop"
    FUNCT: ClassVar[int] = 0x37


@irdl_op_definition
class LbvOp(VectorLoadOp):
    """Load byte (LWC2 sub-op 0): moves 1 byte.

    The byte offset is a multiple of 1 in [-64, 63].

    Example: `lbv $v01.e1, 2, s0`

    ```mlir
    %vt = rsp.lbv %old, %base, 2, 2 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.lbv"
    SUBOP: ClassVar[int] = 0
    SIZE: ClassVar[int] = 1


@irdl_op_definition
class LsvOp(VectorLoadOp):
    """Load short (LWC2 sub-op 1): moves 2 bytes.

    The byte offset is a multiple of 2 in [-128, 126].

    Example: `lsv $v01.e1, 4, s0`

    ```mlir
    %vt = rsp.lsv %old, %base, 2, 4 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.lsv"
    SUBOP: ClassVar[int] = 1
    SIZE: ClassVar[int] = 2


@irdl_op_definition
class LlvOp(VectorLoadOp):
    """Load long (LWC2 sub-op 2): moves 4 bytes.

    The byte offset is a multiple of 4 in [-256, 252].

    Example: `llv $v01.e1, 8, s0`

    ```mlir
    %vt = rsp.llv %old, %base, 2, 8 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.llv"
    SUBOP: ClassVar[int] = 2
    SIZE: ClassVar[int] = 4


@irdl_op_definition
class LdvOp(VectorLoadOp):
    """Load double (LWC2 sub-op 3): moves 8 bytes.

    The byte offset is a multiple of 8 in [-512, 504].

    Example: `ldv $v01.e1, 16, s0`

    ```mlir
    %vt = rsp.ldv %old, %base, 2, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.ldv"
    SUBOP: ClassVar[int] = 3
    SIZE: ClassVar[int] = 8


@irdl_op_definition
class LqvOp(VectorLoadOp):
    """Load quad (LWC2 sub-op 4): moves the bytes up to the next 16-byte boundary.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `lqv $v01, 16, s0`

    ```mlir
    %vt = rsp.lqv %old, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.lqv"
    SUBOP: ClassVar[int] = 4
    SIZE: ClassVar[int] = 16


@irdl_op_definition
class LrvOp(VectorLoadOp):
    """Load quad (rest) (LWC2 sub-op 5): moves the bytes before the address, into the tail of the register.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `lrv $v01, 16, s0`

    ```mlir
    %vt = rsp.lrv %old, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.lrv"
    SUBOP: ClassVar[int] = 5
    SIZE: ClassVar[int] = 16


@irdl_op_definition
class LpvOp(VectorLoadOp):
    """Load packed bytes (LWC2 sub-op 6): moves 8 bytes, each as the high byte of a lane.

    The byte offset is a multiple of 8 in [-512, 504].

    Example: `lpv $v01, 16, s0`

    ```mlir
    %vt = rsp.lpv %old, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.lpv"
    SUBOP: ClassVar[int] = 6
    SIZE: ClassVar[int] = 8
    ELEMENT_MODE: ClassVar[ElementMode] = "lane"


@irdl_op_definition
class LuvOp(VectorLoadOp):
    """Load unsigned packed (LWC2 sub-op 7): moves 8 bytes, each shifted left by 7 into a lane.

    The byte offset is a multiple of 8 in [-512, 504].

    Example: `luv $v01, 16, s0`

    ```mlir
    %vt = rsp.luv %old, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.luv"
    SUBOP: ClassVar[int] = 7
    SIZE: ClassVar[int] = 8
    ELEMENT_MODE: ClassVar[ElementMode] = "lane"


@irdl_op_definition
class LhvOp(VectorLoadOp):
    """Load packed half (LWC2 sub-op 8): moves every second byte of 16, shifted left by 7.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `lhv $v01, 16, s0`

    ```mlir
    %vt = rsp.lhv %old, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.lhv"
    SUBOP: ClassVar[int] = 8
    SIZE: ClassVar[int] = 16


@irdl_op_definition
class LfvOp(VectorLoadOp):
    """Load packed fourth (LWC2 sub-op 9): moves every fourth byte of 16, shifted left by 7.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `lfv $v01, 16, s0`

    ```mlir
    %vt = rsp.lfv %old, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.lfv"
    SUBOP: ClassVar[int] = 9
    SIZE: ClassVar[int] = 16


@irdl_op_definition
class LtvOp(VectorLoadOp):
    """Load transpose (LWC2 sub-op 11): moves a transposed slice of the 8-register group.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `ltv $v01, 16, s0`

    ```mlir
    %vt = rsp.ltv %old, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> !rsp.vreg<v01>
    ```
    """

    name = "rsp.ltv"
    SUBOP: ClassVar[int] = 11
    SIZE: ClassVar[int] = 16
    ELEMENT_MODE: ClassVar[ElementMode] = "lane_as_byte"


@irdl_op_definition
class SbvOp(VectorStoreOp):
    """Store byte (SWC2 sub-op 0): moves 1 byte.

    The byte offset is a multiple of 1 in [-64, 63].

    Example: `sbv $v01.e1, 2, s0`

    ```mlir
    rsp.sbv %vt, %base, 2, 2 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.sbv"
    SUBOP: ClassVar[int] = 0
    SIZE: ClassVar[int] = 1


@irdl_op_definition
class SsvOp(VectorStoreOp):
    """Store short (SWC2 sub-op 1): moves 2 bytes.

    The byte offset is a multiple of 2 in [-128, 126].

    Example: `ssv $v01.e1, 4, s0`

    ```mlir
    rsp.ssv %vt, %base, 2, 4 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.ssv"
    SUBOP: ClassVar[int] = 1
    SIZE: ClassVar[int] = 2


@irdl_op_definition
class SlvOp(VectorStoreOp):
    """Store long (SWC2 sub-op 2): moves 4 bytes.

    The byte offset is a multiple of 4 in [-256, 252].

    Example: `slv $v01.e1, 8, s0`

    ```mlir
    rsp.slv %vt, %base, 2, 8 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.slv"
    SUBOP: ClassVar[int] = 2
    SIZE: ClassVar[int] = 4


@irdl_op_definition
class SdvOp(VectorStoreOp):
    """Store double (SWC2 sub-op 3): moves 8 bytes.

    The byte offset is a multiple of 8 in [-512, 504].

    Example: `sdv $v01.e1, 16, s0`

    ```mlir
    rsp.sdv %vt, %base, 2, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.sdv"
    SUBOP: ClassVar[int] = 3
    SIZE: ClassVar[int] = 8


@irdl_op_definition
class SqvOp(VectorStoreOp):
    """Store quad (SWC2 sub-op 4): moves the bytes up to the next 16-byte boundary.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `sqv $v01, 16, s0`

    ```mlir
    rsp.sqv %vt, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.sqv"
    SUBOP: ClassVar[int] = 4
    SIZE: ClassVar[int] = 16


@irdl_op_definition
class SrvOp(VectorStoreOp):
    """Store quad (rest) (SWC2 sub-op 5): moves the bytes before the address, into the tail of the register.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `srv $v01, 16, s0`

    ```mlir
    rsp.srv %vt, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.srv"
    SUBOP: ClassVar[int] = 5
    SIZE: ClassVar[int] = 16


@irdl_op_definition
class SpvOp(VectorStoreOp):
    """Store packed bytes (SWC2 sub-op 6): moves 8 bytes, each as the high byte of a lane.

    The byte offset is a multiple of 8 in [-512, 504].

    Example: `spv $v01, 16, s0`

    ```mlir
    rsp.spv %vt, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.spv"
    SUBOP: ClassVar[int] = 6
    SIZE: ClassVar[int] = 8
    ELEMENT_MODE: ClassVar[ElementMode] = "lane"


@irdl_op_definition
class SuvOp(VectorStoreOp):
    """Store unsigned packed (SWC2 sub-op 7): moves 8 bytes, each shifted left by 7 into a lane.

    The byte offset is a multiple of 8 in [-512, 504].

    Example: `suv $v01, 16, s0`

    ```mlir
    rsp.suv %vt, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.suv"
    SUBOP: ClassVar[int] = 7
    SIZE: ClassVar[int] = 8
    ELEMENT_MODE: ClassVar[ElementMode] = "lane"


@irdl_op_definition
class ShvOp(VectorStoreOp):
    """Store packed half (SWC2 sub-op 8): moves every second byte of 16, shifted left by 7.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `shv $v01, 16, s0`

    ```mlir
    rsp.shv %vt, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.shv"
    SUBOP: ClassVar[int] = 8
    SIZE: ClassVar[int] = 16


@irdl_op_definition
class SfvOp(VectorStoreOp):
    """Store packed fourth (SWC2 sub-op 9): moves every fourth byte of 16, shifted left by 7.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `sfv $v01, 16, s0`

    ```mlir
    rsp.sfv %vt, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.sfv"
    SUBOP: ClassVar[int] = 9
    SIZE: ClassVar[int] = 16


@irdl_op_definition
class StvOp(VectorStoreOp):
    """Store transpose (SWC2 sub-op 11): moves a transposed slice of the 8-register group.

    The byte offset is a multiple of 16 in [-1024, 1008].

    Example: `stv $v01, 16, s0`

    ```mlir
    rsp.stv %vt, %base, 0, 16 : (!rsp.vreg<v01>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.stv"
    SUBOP: ClassVar[int] = 11
    SIZE: ClassVar[int] = 16
    ELEMENT_MODE: ClassVar[ElementMode] = "lane_as_byte"


@irdl_op_definition
class Mfc2Op(MoveFromVectorOp):
    """Move from vector: rt = sign-extended 16 bits at byte `element` of vs.

    Example: `mfc2 t0, $v03.e2`

    ```mlir
    %rt = rsp.mfc2 %vs, 4 : (!rsp.vreg<v03>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.mfc2"


@irdl_op_definition
class Mtc2Op(MoveToVectorOp):
    """Move to vector: write the low 16 bits of rt at byte `element` of vs.

    Example: `mtc2 t0, $v03.e2`

    ```mlir
    %vs = rsp.mtc2 %rt, %old, 4 : (!rsp.reg<t0>, !rsp.vreg<v03>) -> !rsp.vreg<v03>
    ```
    """

    name = "rsp.mtc2"


@irdl_op_definition
class Cfc2Op(MoveFromControlOp):
    """Move from a COP2 control register (VCO, VCC, VCE).

    Example: `cfc2 t0, COP2_CTRL_VCC`

    ```mlir
    %rt = rsp.cfc2 COP2_CTRL_VCC : () -> !rsp.reg<t0>
    ```
    """

    name = "rsp.cfc2"
    REG_KIND: ClassVar[str] = "ctrl"
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("reg", "ctrl"),)


@irdl_op_definition
class Ctc2Op(MoveToControlOp):
    """Move to a COP2 control register (VCO, VCC, VCE).

    Example: `ctc2 t0, COP2_CTRL_VCO`

    ```mlir
    rsp.ctc2 %rt, COP2_CTRL_VCO : (!rsp.reg<t0>) -> ()
    ```
    """

    name = "rsp.ctc2"
    REG_KIND: ClassVar[str] = "ctrl"
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("reg", "ctrl"),)


@irdl_op_definition
class Mfc0Op(MoveFromControlOp):
    """Move from a COP0 register (DMA and status registers).

    Example: `mfc0 t0, COP0_DMA_BUSY`

    ```mlir
    %rt = rsp.mfc0 COP0_DMA_BUSY : () -> !rsp.reg<t0>
    ```
    """

    name = "rsp.mfc0"
    REG_KIND: ClassVar[str] = "cop0"
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("reg", "cop0"),)


@irdl_op_definition
class Mtc0Op(MoveToControlOp):
    """Move to a COP0 register; writing a DMA length starts the transfer.

    Example: `mtc0 t0, COP0_DMA_SPADDR`

    ```mlir
    rsp.mtc0 %rt, COP0_DMA_SPADDR : (!rsp.reg<t0>) -> ()
    ```
    """

    name = "rsp.mtc0"
    REG_KIND: ClassVar[str] = "cop0"
    CUSTOM_PROPS: ClassVar[tuple[tuple[str, PropKind], ...]] = (("reg", "cop0"),)


@irdl_op_definition
class AddOp(RegRegOp):
    """Add (never traps on the RSP).

    Example: `add t0, t1, t2`

    ```mlir
    %rd = rsp.add %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.add"
    FUNCT: ClassVar[int] = 0x20


@irdl_op_definition
class AdduOp(RegRegOp):
    """Add unsigned.

    Example: `addu t0, t1, t2`

    ```mlir
    %rd = rsp.addu %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.addu"
    FUNCT: ClassVar[int] = 0x21


@irdl_op_definition
class SubOp(RegRegOp):
    """Subtract (never traps on the RSP).

    Example: `sub t0, t1, t2`

    ```mlir
    %rd = rsp.sub %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.sub"
    FUNCT: ClassVar[int] = 0x22


@irdl_op_definition
class SubuOp(RegRegOp):
    """Subtract unsigned.

    Example: `subu t0, t1, t2`

    ```mlir
    %rd = rsp.subu %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.subu"
    FUNCT: ClassVar[int] = 0x23


@irdl_op_definition
class AndOp(RegRegOp):
    """Bitwise and.

    Example: `and t0, t1, t2`

    ```mlir
    %rd = rsp.and %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.and"
    FUNCT: ClassVar[int] = 0x24


@irdl_op_definition
class OrOp(RegRegOp):
    """Bitwise or.

    Example: `or t0, t1, t2`

    ```mlir
    %rd = rsp.or %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.or"
    FUNCT: ClassVar[int] = 0x25


@irdl_op_definition
class XorOp(RegRegOp):
    """Bitwise xor.

    Example: `xor t0, t1, t2`

    ```mlir
    %rd = rsp.xor %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.xor"
    FUNCT: ClassVar[int] = 0x26


@irdl_op_definition
class NorOp(RegRegOp):
    """Bitwise nor.

    Example: `nor t0, t1, t2`

    ```mlir
    %rd = rsp.nor %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.nor"
    FUNCT: ClassVar[int] = 0x27


@irdl_op_definition
class SltOp(RegRegOp):
    """Set on less than (signed).

    Example: `slt t0, t1, t2`

    ```mlir
    %rd = rsp.slt %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.slt"
    FUNCT: ClassVar[int] = 0x2A


@irdl_op_definition
class SltuOp(RegRegOp):
    """Set on less than (unsigned).

    Example: `sltu t0, t1, t2`

    ```mlir
    %rd = rsp.sltu %rs, %rt : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.sltu"
    FUNCT: ClassVar[int] = 0x2B


@irdl_op_definition
class SllvOp(ShiftVariableOp):
    """Shift left logical by register.

    Example: `sllv t0, t1, t2`

    ```mlir
    %rd = rsp.sllv %rt, %rs : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.sllv"
    FUNCT: ClassVar[int] = 0x04


@irdl_op_definition
class SrlvOp(ShiftVariableOp):
    """Shift right logical by register.

    Example: `srlv t0, t1, t2`

    ```mlir
    %rd = rsp.srlv %rt, %rs : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.srlv"
    FUNCT: ClassVar[int] = 0x06


@irdl_op_definition
class SravOp(ShiftVariableOp):
    """Shift right arithmetic by register.

    Example: `srav t0, t1, t2`

    ```mlir
    %rd = rsp.srav %rt, %rs : (!rsp.reg<t1>, !rsp.reg<t2>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.srav"
    FUNCT: ClassVar[int] = 0x07


@irdl_op_definition
class SllOp(ShiftImmOp):
    """Shift left logical.

    Example: `sll t0, t1, 4`

    ```mlir
    %rd = rsp.sll %rt, 4 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.sll"
    FUNCT: ClassVar[int] = 0x00


@irdl_op_definition
class SrlOp(ShiftImmOp):
    """Shift right logical.

    Example: `srl t0, t1, 4`

    ```mlir
    %rd = rsp.srl %rt, 4 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.srl"
    FUNCT: ClassVar[int] = 0x02


@irdl_op_definition
class SraOp(ShiftImmOp):
    """Shift right arithmetic.

    Example: `sra t0, t1, 4`

    ```mlir
    %rd = rsp.sra %rt, 4 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.sra"
    FUNCT: ClassVar[int] = 0x03


@irdl_op_definition
class AddiOp(ImmediateOp):
    """Add immediate (never traps on the RSP).

    The immediate is in [-32768, 32767], or a symbol such as `%lo(label)`.

    Example: `addi t0, t1, -16`

    ```mlir
    %rt = rsp.addi %rs, -16 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.addi"
    OPCODE: ClassVar[int] = 0x08
    SIGNED: ClassVar[bool] = True


@irdl_op_definition
class AddiuOp(ImmediateOp):
    """Add immediate unsigned.

    The immediate is in [-32768, 32767], or a symbol such as `%lo(label)`.

    Example: `addiu t0, t1, -16`

    ```mlir
    %rt = rsp.addiu %rs, -16 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.addiu"
    OPCODE: ClassVar[int] = 0x09
    SIGNED: ClassVar[bool] = True


@irdl_op_definition
class SltiOp(ImmediateOp):
    """Set on less than immediate (signed).

    The immediate is in [-32768, 32767], or a symbol such as `%lo(label)`.

    Example: `slti t0, t1, -16`

    ```mlir
    %rt = rsp.slti %rs, -16 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.slti"
    OPCODE: ClassVar[int] = 0x0A
    SIGNED: ClassVar[bool] = True


@irdl_op_definition
class SltiuOp(ImmediateOp):
    """Set on less than immediate (unsigned compare).

    The immediate is in [-32768, 32767], or a symbol such as `%lo(label)`.

    Example: `sltiu t0, t1, -16`

    ```mlir
    %rt = rsp.sltiu %rs, -16 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.sltiu"
    OPCODE: ClassVar[int] = 0x0B
    SIGNED: ClassVar[bool] = True


@irdl_op_definition
class AndiOp(ImmediateOp):
    """And with zero-extended immediate.

    The immediate is in [0, 65535], or a symbol such as `%lo(label)`.

    Example: `andi t0, t1, 255`

    ```mlir
    %rt = rsp.andi %rs, 255 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.andi"
    OPCODE: ClassVar[int] = 0x0C
    SIGNED: ClassVar[bool] = False


@irdl_op_definition
class OriOp(ImmediateOp):
    """Or with zero-extended immediate.

    The immediate is in [0, 65535], or a symbol such as `%lo(label)`.

    Example: `ori t0, t1, 255`

    ```mlir
    %rt = rsp.ori %rs, 255 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.ori"
    OPCODE: ClassVar[int] = 0x0D
    SIGNED: ClassVar[bool] = False


@irdl_op_definition
class XoriOp(ImmediateOp):
    """Xor with zero-extended immediate.

    The immediate is in [0, 65535], or a symbol such as `%lo(label)`.

    Example: `xori t0, t1, 255`

    ```mlir
    %rt = rsp.xori %rs, 255 : (!rsp.reg<t1>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.xori"
    OPCODE: ClassVar[int] = 0x0E
    SIGNED: ClassVar[bool] = False


@irdl_op_definition
class LuiOp(UpperImmediateOp):
    """Load upper immediate: rt = imm << 16.

    Example: `lui t0, 0x1234`

    ```mlir
    %rt = rsp.lui 4660 : () -> !rsp.reg<t0>
    ```
    """

    name = "rsp.lui"
    OPCODE: ClassVar[int] = 0x0F


@irdl_op_definition
class LbOp(ScalarLoadOp):
    """Load byte, sign-extended.

    Example: `lb t0, 16(s0)`

    ```mlir
    %rt = rsp.lb %base, 16 : (!rsp.reg<s0>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.lb"
    OPCODE: ClassVar[int] = 0x20


@irdl_op_definition
class LhOp(ScalarLoadOp):
    """Load halfword, sign-extended.

    Example: `lh t0, 16(s0)`

    ```mlir
    %rt = rsp.lh %base, 16 : (!rsp.reg<s0>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.lh"
    OPCODE: ClassVar[int] = 0x21


@irdl_op_definition
class LwOp(ScalarLoadOp):
    """Load word.

    Example: `lw t0, 16(s0)`

    ```mlir
    %rt = rsp.lw %base, 16 : (!rsp.reg<s0>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.lw"
    OPCODE: ClassVar[int] = 0x23


@irdl_op_definition
class LbuOp(ScalarLoadOp):
    """Load byte, zero-extended.

    Example: `lbu t0, 16(s0)`

    ```mlir
    %rt = rsp.lbu %base, 16 : (!rsp.reg<s0>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.lbu"
    OPCODE: ClassVar[int] = 0x24


@irdl_op_definition
class LhuOp(ScalarLoadOp):
    """Load halfword, zero-extended.

    Example: `lhu t0, 16(s0)`

    ```mlir
    %rt = rsp.lhu %base, 16 : (!rsp.reg<s0>) -> !rsp.reg<t0>
    ```
    """

    name = "rsp.lhu"
    OPCODE: ClassVar[int] = 0x25


@irdl_op_definition
class SbOp(ScalarStoreOp):
    """Store byte.

    Example: `sb t0, 16(s0)`

    ```mlir
    rsp.sb %rt, %base, 16 : (!rsp.reg<t0>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.sb"
    OPCODE: ClassVar[int] = 0x28


@irdl_op_definition
class ShOp(ScalarStoreOp):
    """Store halfword.

    Example: `sh t0, 16(s0)`

    ```mlir
    rsp.sh %rt, %base, 16 : (!rsp.reg<t0>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.sh"
    OPCODE: ClassVar[int] = 0x29


@irdl_op_definition
class SwOp(ScalarStoreOp):
    """Store word.

    Example: `sw t0, 16(s0)`

    ```mlir
    rsp.sw %rt, %base, 16 : (!rsp.reg<t0>, !rsp.reg<s0>) -> ()
    ```
    """

    name = "rsp.sw"
    OPCODE: ClassVar[int] = 0x2B


@irdl_op_definition
class BeqOp(BranchCompareOp):
    """Branch if equal (one delay slot).

    Example: `beq t0, t1, loop`

    ```mlir
    rsp.beq %rs, %rt, "loop" : (!rsp.reg<t0>, !rsp.reg<t1>) -> ()
    ```
    """

    name = "rsp.beq"
    OPCODE: ClassVar[int] = 0x04


@irdl_op_definition
class BneOp(BranchCompareOp):
    """Branch if not equal (one delay slot).

    Example: `bne t0, t1, loop`

    ```mlir
    rsp.bne %rs, %rt, "loop" : (!rsp.reg<t0>, !rsp.reg<t1>) -> ()
    ```
    """

    name = "rsp.bne"
    OPCODE: ClassVar[int] = 0x05


@irdl_op_definition
class BlezOp(BranchZeroOp):
    """Branch if less than or equal to zero.

    Example: `blez t0, loop`

    ```mlir
    rsp.blez %rs, "loop" : (!rsp.reg<t0>) -> ()
    ```
    """

    name = "rsp.blez"
    OPCODE: ClassVar[int] = 0x06
    RT_CODE: ClassVar[int] = 0


@irdl_op_definition
class BgtzOp(BranchZeroOp):
    """Branch if greater than zero.

    Example: `bgtz t0, loop`

    ```mlir
    rsp.bgtz %rs, "loop" : (!rsp.reg<t0>) -> ()
    ```
    """

    name = "rsp.bgtz"
    OPCODE: ClassVar[int] = 0x07
    RT_CODE: ClassVar[int] = 0


@irdl_op_definition
class BltzOp(BranchZeroOp):
    """Branch if less than zero.

    Example: `bltz t0, loop`

    ```mlir
    rsp.bltz %rs, "loop" : (!rsp.reg<t0>) -> ()
    ```
    """

    name = "rsp.bltz"
    OPCODE: ClassVar[int] = 0x01
    RT_CODE: ClassVar[int] = 0


@irdl_op_definition
class BgezOp(BranchZeroOp):
    """Branch if greater than or equal to zero.

    Example: `bgez t0, loop`

    ```mlir
    rsp.bgez %rs, "loop" : (!rsp.reg<t0>) -> ()
    ```
    """

    name = "rsp.bgez"
    OPCODE: ClassVar[int] = 0x01
    RT_CODE: ClassVar[int] = 1


@irdl_op_definition
class BltzalOp(BranchLinkOp):
    """Branch if less than zero and link (ra = PC + 8).

    Example: `bltzal t0, func`

    ```mlir
    %ra = rsp.bltzal %rs, "func" : (!rsp.reg<t0>) -> !rsp.reg<ra>
    ```
    """

    name = "rsp.bltzal"
    OPCODE: ClassVar[int] = 0x01
    RT_CODE: ClassVar[int] = 16


@irdl_op_definition
class BgezalOp(BranchLinkOp):
    """Branch if greater than or equal to zero and link (ra = PC + 8).

    Example: `bgezal t0, func`

    ```mlir
    %ra = rsp.bgezal %rs, "func" : (!rsp.reg<t0>) -> !rsp.reg<ra>
    ```
    """

    name = "rsp.bgezal"
    OPCODE: ClassVar[int] = 0x01
    RT_CODE: ClassVar[int] = 17


@irdl_op_definition
class JOp(JumpOp):
    """Jump to a label (one delay slot).

    Example: `j loop`

    ```mlir
    rsp.j "loop"
    ```
    """

    name = "rsp.j"
    OPCODE: ClassVar[int] = 0x02


@irdl_op_definition
class JalOp(JumpLinkOp):
    """Jump and link (ra = PC + 8).

    Example: `jal func`

    ```mlir
    %ra = rsp.jal "func" : () -> !rsp.reg<ra>
    ```
    """

    name = "rsp.jal"
    OPCODE: ClassVar[int] = 0x03


@irdl_op_definition
class JrOp(JumpRegisterOp):
    """Jump to the address in a register.

    Example: `jr ra`

    ```mlir
    rsp.jr %rs : (!rsp.reg<ra>) -> ()
    ```
    """

    name = "rsp.jr"
    FUNCT: ClassVar[int] = 0x08


@irdl_op_definition
class JalrOp(JumpLinkRegisterOp):
    """Jump to the address in rs and link into rd (default ra).

    Example: `jalr t0`

    ```mlir
    %rd = rsp.jalr %rs : (!rsp.reg<t0>) -> !rsp.reg<ra>
    ```
    """

    name = "rsp.jalr"
    FUNCT: ClassVar[int] = 0x09


@irdl_op_definition
class BreakOp(FixedWordOp):
    """Halt the RSP (sets SP_STATUS halt and broke).

    Example: `break`

    ```mlir
    rsp.break
    ```
    """

    name = "rsp.break"
    WORD: ClassVar[int] = 0x0000000D


@irdl_op_definition
class NopOp(FixedWordOp):
    """No operation (the all-zero word, `sll zero, zero, 0`).

    Example: `nop`

    ```mlir
    rsp.nop
    ```
    """

    name = "rsp.nop"
    WORD: ClassVar[int] = 0x00000000


INSTRUCTION_OPS = (
    VmulfOp,
    VmuluOp,
    VmudlOp,
    VmudmOp,
    VmudnOp,
    VmudhOp,
    VmacfOp,
    VmacuOp,
    VmadlOp,
    VmadmOp,
    VmadnOp,
    VmadhOp,
    VaddOp,
    VsubOp,
    VabsOp,
    VaddcOp,
    VsubcOp,
    VltOp,
    VeqOp,
    VneOp,
    VgeOp,
    VclOp,
    VchOp,
    VcrOp,
    VmrgOp,
    VandOp,
    VnandOp,
    VorOp,
    VnorOp,
    VxorOp,
    VnxorOp,
    VrcpOp,
    VrcplOp,
    VrcphOp,
    VmovOp,
    VrsqOp,
    VrsqlOp,
    VrsqhOp,
    VsarOp,
    VnopOp,
    LbvOp,
    LsvOp,
    LlvOp,
    LdvOp,
    LqvOp,
    LrvOp,
    LpvOp,
    LuvOp,
    LhvOp,
    LfvOp,
    LtvOp,
    SbvOp,
    SsvOp,
    SlvOp,
    SdvOp,
    SqvOp,
    SrvOp,
    SpvOp,
    SuvOp,
    ShvOp,
    SfvOp,
    StvOp,
    Mfc2Op,
    Mtc2Op,
    Cfc2Op,
    Ctc2Op,
    Mfc0Op,
    Mtc0Op,
    AddOp,
    AdduOp,
    SubOp,
    SubuOp,
    AndOp,
    OrOp,
    XorOp,
    NorOp,
    SltOp,
    SltuOp,
    SllvOp,
    SrlvOp,
    SravOp,
    SllOp,
    SrlOp,
    SraOp,
    AddiOp,
    AddiuOp,
    SltiOp,
    SltiuOp,
    AndiOp,
    OriOp,
    XoriOp,
    LuiOp,
    LbOp,
    LhOp,
    LwOp,
    LbuOp,
    LhuOp,
    SbOp,
    ShOp,
    SwOp,
    BeqOp,
    BneOp,
    BlezOp,
    BgtzOp,
    BltzOp,
    BgezOp,
    BltzalOp,
    BgezalOp,
    JOp,
    JalOp,
    JrOp,
    JalrOp,
    BreakOp,
    NopOp,
)
