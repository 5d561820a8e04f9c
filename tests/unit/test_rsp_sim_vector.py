"""Vector unit of the RSP simulator, against hand-computed results.

v1, v2, v3 are loaded from DMEM 0, 16, 32; each test runs a few vector ops
and inspects registers, the accumulator and the flags.
"""

from __future__ import annotations

import numpy as np
import pytest
from rsp_words import (
    BREAK,
    cfc2,
    dmem_with,
    halves,
    lanes,
    program,
    ulanes,
    vector_engine,  # noqa: F401 (autouse: both engines)
    vload,
    vop,
)

from n64c.sim.rsp import simulate
from n64c.sim.rsp.vector import RCP_TABLE, RSQ_TABLE, selector_lanes

ACC48 = 1 << 48


def run(
    ops: list[int], a: list[int], b: list[int] | None = None, c: list[int] | None = None
):
    b = b if b is not None else [0] * 8
    c = c if c is not None else [0] * 8
    dmem = dmem_with((0, halves(*a)), (16, halves(*b)), (32, halves(*c)))
    prog = program(
        vload("qv", 1, 0, "zero"),
        vload("qv", 2, 16, "zero"),
        vload("qv", 3, 32, "zero"),
        *ops,
        BREAK,
    )
    return simulate(prog, dmem)


def acc_of(result) -> list[int]:
    return [int(x) for x in result.acc]


def test_vmulf_minus_one_squared_saturates_and_rounds() -> None:
    res = run([vop("vmulf", 4, 1, 2)], [-32768, 0x4000, -0x4000, 1, 0, 0, 0, 0],
              [-32768, 0x4000, 0x4000, 1, 0, 0, 0, 0])  # fmt: skip
    assert lanes(res.vpr, 4)[:5] == [0x7FFF, 0x2000, -0x2000, 0, 0]
    acc = acc_of(res)
    assert acc[0] == 0x80008000  # 2 * 2**30 + 0x8000
    assert acc[1] == 0x20008000
    assert acc[2] == -0x20000000 + 0x8000
    assert acc[3] == 2 + 0x8000
    assert acc[4] == 0x8000


def test_vmulu_clamps_unsigned() -> None:
    res = run([vop("vmulu", 4, 1, 2)], [-32768, -2, 0x4000, 100, 0, 0, 0, 0],
              [-32768, 3, 0x4000, 100, 0, 0, 0, 0])  # fmt: skip
    # 0x80008000: ACC_MD has bit 15 set -> 0xFFFF; negative -> 0
    assert ulanes(res.vpr, 4)[:4] == [0xFFFF, 0, 0x2000, 0]


def test_vmudh_clamps_at_both_ends() -> None:
    res = run([vop("vmudh", 4, 1, 2)], [32767, -32768, -32768, 3, -3, 0, 1, -1],
              [32767, 32767, -32768, 4, 5, 9, 0x7FFF, 1])  # fmt: skip
    assert lanes(res.vpr, 4) == [32767, -32768, 32767, 12, -15, 0, 32767, -1]
    assert acc_of(res)[0] == (32767 * 32767) << 16
    assert acc_of(res)[1] == (-32768 * 32767) << 16


def test_vmadh_chain_is_an_exact_dot_product_and_vsar_reads_it() -> None:
    a = [1000, -2000, 3000, 30000, -30000, 5, 6, 7]
    b = [3000, 4000, -5000, 30000, 30000, -5, 6, 7]
    c = [20000, 20000, 20000, 20000, 20000, 20000, 20000, 20000]
    ops = [
        vop("vmudh", 4, 1, 2),
        vop("vmadh", 4, 1, 3),
        vop("vmadh", 4, 2, 3),
        vop("vsar", 5, 0, 0, 8),  # ACC_HI
        vop("vsar", 6, 0, 0, 9),  # ACC_MD
        vop("vsar", 7, 0, 0, 10),  # ACC_LO
    ]
    res = run(ops, a, b, c)
    for n in range(8):
        total = a[n] * b[n] + a[n] * c[n] + b[n] * c[n]
        assert int(res.acc[n]) == total << 16
        hi, md = lanes(res.vpr, 5)[n], ulanes(res.vpr, 6)[n]
        assert (hi << 16) | md == total
        assert ulanes(res.vpr, 7)[n] == 0
        assert lanes(res.vpr, 4)[n] == max(-32768, min(32767, total))


def test_accumulator_wraps_modulo_2_48() -> None:
    # (-32768 * -32768) << 16 = 2**46; four of them = 2**48 -> wraps to 0
    ops = [vop("vmudh", 4, 1, 1)] + [vop("vmadh", 4, 1, 1)] * 3
    res = run(ops, [-32768] * 8)
    assert acc_of(res) == [0] * 8
    res = run([vop("vmudh", 4, 1, 1), vop("vmadh", 4, 1, 1)], [-32768] * 8)
    # 2**47 is the most negative 48-bit value
    assert acc_of(res) == [-(1 << 47)] * 8
    assert lanes(res.vpr, 4) == [-32768] * 8


def test_vmacf_accumulates_doubled_products_without_rounding() -> None:
    ops = [vop("vmulf", 4, 1, 2), vop("vmacf", 4, 1, 2), vop("vmacu", 5, 1, 2)]
    res = run(
        ops,
        [0x2000, -0x2000, 0x7FFF, 0, 0, 0, 0, 0],
        [0x2000, 0x2000, 0x7FFF, 0, 0, 0, 0, 0],
    )
    # vmulf: 2*s*t + 0x8000, then two more 2*s*t
    for n, (s, t) in enumerate([(0x2000, 0x2000), (-0x2000, 0x2000), (0x7FFF, 0x7FFF)]):
        want = 2 * s * t + 0x8000 + 2 * (2 * s * t)
        assert int(res.acc[n]) == want
    assert lanes(res.vpr, 4)[:3] == [0x1000, -0x1000, 32767]
    assert ulanes(res.vpr, 5)[:3] == [0x1800, 0, 0xFFFF]


def test_double_precision_multiply_sequence() -> None:
    """vmudl, vmadm, vmadn, vmadh multiply 32-bit int.frac pairs (v1.v2 * v3.v3)."""
    s_int, s_frac = (
        [1, -2, 3, 0, 100, -1, 7, 0],
        [0x8000, 0x4000, 0, 0xFFFF, 1, 0xFFFF, 0x1234, 0x8000],
    )
    t = [2, 3, -4, 5, 6, 7, 8, 0x7FFF]
    t_frac = [0x8000, 0x1000, 0x2000, 0xFFFF, 0, 1, 0x5678, 0x8000]
    ops = [
        vop("vmudl", 6, 2, 4),
        vop("vmadm", 6, 1, 4),
        vop("vmadn", 6, 2, 3),
        vop("vmadh", 5, 1, 3),
    ]
    dmem = dmem_with(
        (0, halves(*s_int)),
        (16, halves(*s_frac)),
        (32, halves(*t)),
        (48, halves(*t_frac)),
    )
    prog = program(vload("qv", 1, 0, "zero"), vload("qv", 2, 16, "zero"), vload("qv", 3, 32, "zero"),
                   vload("qv", 4, 48, "zero"), *ops, BREAK)  # fmt: skip
    res = simulate(prog, dmem)
    for n in range(8):
        a = (s_int[n] << 16) + s_frac[n]  # signed 16.16
        b = (t[n] << 16) + t_frac[n]
        exact = a * b  # 32.32
        # vmudl drops the low 16 bits of frac*frac; ACC holds (exact >> 16) mod 2**48
        acc = (((s_frac[n] * t_frac[n]) >> 16) + s_int[n] * t_frac[n] + s_frac[n] * t[n]
               + ((s_int[n] * t[n]) << 16))  # fmt: skip
        assert acc == exact >> 16  # the 32.32 product without its low 16 bits
        wrapped = ((acc + (1 << 47)) % ACC48) - (1 << 47)
        assert int(res.acc[n]) == wrapped
        hi = wrapped >> 16
        assert lanes(res.vpr, 5)[n] == max(-32768, min(32767, hi))


def test_vmadn_and_vmadl_clamp_to_unsigned_low_slice() -> None:
    # vmudh puts 40000 << 16 in ACC; vmadn adds u(s)*t; vd = clamp to 0/0xFFFF
    ops = [vop("vmudh", 4, 1, 2), vop("vmadn", 5, 3, 0)]
    res = run(
        ops,
        [200, -200, 0, 0, 0, 0, 0, 0],
        [200, 200, 0, 0, 0, 0, 0, 0],
        [1, 2, 3, 4, 5, 6, 7, 8],
    )
    assert ulanes(res.vpr, 5)[:3] == [0xFFFF, 0, 0]
    ops = [vop("vmudn", 5, 1, 2), vop("vmadl", 6, 1, 2)]
    res = run(ops, [-1, 2, 0, 0, 0, 0, 0, 0], [-1, 3, 0, 0, 0, 0, 0, 0])
    # vmudn: u(0xFFFF) * -1 = -65535 -> ACC_LO = 1; vmadl adds (0xFFFF*0xFFFF)>>16 = 0xFFFE
    assert int(res.acc[0]) == -65535 + 0xFFFE
    assert ulanes(res.vpr, 5)[:2] == [1, 6]
    # ACC = -1 fits: vmadl returns ACC_LO; lane 1: 6 + 0 = 6
    assert ulanes(res.vpr, 6)[:2] == [0xFFFF, 6]


def test_vmudm_and_vmudn_pick_slices() -> None:
    res = run([vop("vmudm", 4, 1, 2), vop("vmudn", 5, 1, 2)], [-2, 0x100, 0, 0, 0, 0, 0, 0],
              [0x8000, 0x0300, 0, 0, 0, 0, 0, 0])  # fmt: skip
    # vmudm: s * u(t): -2 * 0x8000 = -0x10000 -> ACC_MD = -1
    assert lanes(res.vpr, 4)[:2] == [-1, 3]
    # vmudn: u(s) * t: 0xFFFE * -32768; ACC_LO = 0; 0x100 * 0x300 = 0x30000 -> 0
    assert ulanes(res.vpr, 5)[:2] == [0, 0]
    assert int(res.acc[0]) == 0xFFFE * -32768


def test_vaddc_carry_feeds_vadd_which_clears_it() -> None:
    ops = [vop("vaddc", 4, 1, 2), cfc2("t0", 0), vop("vadd", 5, 3, 3), cfc2("t1", 0)]
    res = run(ops, [0xFFFF, 1, 0x8000, 0, 0, 0, 0, 0], [1, 1, 0x8000, 0, 0, 0, 0, 0],
              [5, 5, 5, 5, 5, 5, 5, 5])  # fmt: skip
    assert ulanes(res.vpr, 4)[:3] == [0, 2, 0]
    assert int(res.gpr[8]) == 0b101  # carries of lanes 0 and 2
    assert lanes(res.vpr, 5) == [11, 10, 11, 10, 10, 10, 10, 10]
    assert int(res.gpr[9]) == 0


def test_vadd_saturates_but_acc_lo_wraps() -> None:
    res = run([vop("vadd", 4, 1, 2), vop("vsub", 5, 1, 3)], [32767, -32768, 5, 0, 0, 0, 0, 0],
              [1, -1, -10, 0, 0, 0, 0, 0], [-1, 1, 0, 0, 0, 0, 0, 0])  # fmt: skip
    assert lanes(res.vpr, 4)[:3] == [32767, -32768, -5]
    res2 = run(
        [vop("vadd", 4, 1, 2)],
        [32767, -32768, 5, 0, 0, 0, 0, 0],
        [1, -1, -10, 0, 0, 0, 0, 0],
    )
    assert [int(a) & 0xFFFF for a in res2.acc[:3]] == [0x8000, 0x7FFF, 0xFFFB]
    assert lanes(res.vpr, 5)[:2] == [32767, -32768]


def test_vsubc_borrow_and_not_equal_then_vsub_uses_borrow() -> None:
    ops = [vop("vsubc", 4, 1, 2), cfc2("t0", 0), vop("vsub", 5, 3, 0)]
    res = run(ops, [0, 5, 5, 0xFFFF, 0, 0, 0, 0], [1, 5, 3, 0, 0, 0, 0, 0], [10] * 8)
    assert ulanes(res.vpr, 4)[:4] == [0xFFFF, 0, 2, 0xFFFF]
    # carry (borrow) bit 0; not-equal bits 8, 10, 11 (lanes 0, 2, 3); sign-extended
    value = (1 << 0) | (1 << 8) | (1 << 10) | (1 << 11)
    assert int(res.gpr[8]) == value
    assert lanes(res.vpr, 5) == [9, 10, 10, 10, 10, 10, 10, 10]


def test_cfc2_sign_extends_bit_15() -> None:
    ops = [vop("vsubc", 4, 1, 2), cfc2("t0", 0)]
    res = run(ops, [0, 0, 0, 0, 0, 0, 0, 1], [0] * 8)
    assert int(res.gpr[8]) == 0xFFFF8000


def test_compares_use_vco() -> None:
    a = [1, 5, 5, 5, -3, 7, 7, 0]
    b = [2, 5, 5, 4, -3, 7, 8, 0]
    # vsubc first: sets carry where a<b unsigned, ne where a!=b
    ops = [vop("vlt", 4, 1, 2), cfc2("t0", 1)]
    res = run(ops, a, b)
    assert lanes(res.vpr, 4) == [1, 5, 5, 4, -3, 7, 7, 0]
    assert int(res.gpr[8]) == 0b01000001
    for name, want in (("veq", 0b10110110), ("vne", 0b01001001), ("vge", 0b10111110)):
        res = run([vop(name, 4, 1, 2), cfc2("t0", 1)], a, b)
        assert int(res.gpr[8]) == want, name
    # equal lanes with VCO carry and ne both set count as "less than" for vlt
    # and not as "greater or equal" for vge; veq needs ne clear.
    ops = [vop("vsubc", 6, 3, 2), vop("vlt", 4, 1, 1), cfc2("t0", 1)]
    res = run(ops, a, b, [0] * 8)
    # vsubc 0 - b: borrow & ne where b != 0 -> lanes 0..6
    assert int(res.gpr[8]) == 0b01111111
    ops = [vop("vsubc", 6, 3, 2), vop("vge", 4, 1, 1), cfc2("t0", 1)]
    assert int(run(ops, a, b, [0] * 8).gpr[8]) == 0b10000000
    ops = [vop("vsubc", 6, 3, 2), vop("veq", 4, 1, 1), cfc2("t0", 1)]
    assert int(run(ops, a, b, [0] * 8).gpr[8]) == 0b10000000
    ops = [vop("vsubc", 6, 3, 2), vop("vne", 4, 1, 1), cfc2("t0", 1), cfc2("t1", 0)]
    res = run(ops, a, b, [0] * 8)
    assert int(res.gpr[8]) == 0b01111111
    assert int(res.gpr[9]) == 0  # VCO cleared


def test_vmrg_selects_by_vcc() -> None:
    ops = [vop("vlt", 4, 1, 2), vop("vmrg", 5, 2, 3)]
    res = run(
        ops, [1, 9, 1, 9, 1, 9, 1, 9], [5] * 8, [100, 101, 102, 103, 104, 105, 106, 107]
    )
    assert lanes(res.vpr, 5) == [5, 101, 5, 103, 5, 105, 5, 107]


def test_vabs_including_minus_32768() -> None:
    res = run([vop("vabs", 4, 1, 2)], [-1, -1, 1, 0, -5, 5, -1, 3],
              [-32768, 7, 7, 7, -7, -7, 0, -32768])  # fmt: skip
    assert lanes(res.vpr, 4) == [32767, -7, 7, 0, 7, -7, 0, -32768]
    assert [int(a) & 0xFFFF for a in res.acc] == [
        0x8000,
        0xFFF9,
        7,
        0,
        7,
        0xFFF9,
        0,
        0x8000,
    ]


def test_logic_ops() -> None:
    a, b = (
        [0x0F0F, 0x00FF, -1, 0, 0x1234, 0, 0, 0],
        [0x00FF, 0x0F0F, 0x5555, 0, 0x4321, 0, 0, 0],
    )
    for name, fn in (
        ("vand", lambda x, y: x & y),
        ("vnand", lambda x, y: ~(x & y)),
        ("vor", lambda x, y: x | y),
        ("vnor", lambda x, y: ~(x | y)),
        ("vxor", lambda x, y: x ^ y),
        ("vnxor", lambda x, y: ~(x ^ y)),
    ):
        res = run([vop(name, 4, 1, 2)], a, b)
        want = [fn(x, y) & 0xFFFF for x, y in zip(a, b, strict=True)]
        assert ulanes(res.vpr, 4) == want, name
        assert [int(x) & 0xFFFF for x in res.acc] == want, name


@pytest.mark.parametrize("e", range(16))
def test_element_selectors(e: int) -> None:
    src = [10, 11, 12, 13, 14, 15, 16, 17]
    res = run([vop("vor", 4, 0, 1, e)], src)
    sel = selector_lanes(e)
    want = src if sel is None else [src[k] for k in sel]
    assert lanes(res.vpr, 4) == want
    named = {2: [0, 0, 2, 2, 4, 4, 6, 6], 3: [1, 1, 3, 3, 5, 5, 7, 7],
             4: [0, 0, 0, 0, 4, 4, 4, 4], 7: [3, 3, 3, 3, 7, 7, 7, 7], 13: [5] * 8}  # fmt: skip
    if e in named:
        assert want == [src[k] for k in named[e]]


def test_vsar_other_elements_read_zero_and_keep_acc() -> None:
    res = run([vop("vmudh", 4, 1, 1), vop("vsar", 5, 0, 0, 3)], [300] * 8)
    assert lanes(res.vpr, 5) == [0] * 8
    assert acc_of(res) == [90000 << 16] * 8


def test_vmov_moves_one_lane_and_writes_acc_lo() -> None:
    # vmov $v04.e2, $v01.e5 (dest lane in the vs field; source selector e = 8 + 5)
    ops = [vop("vor", 4, 0, 2), vop("vmov", 4, 2, 1, 13)]
    res = run(ops, [10, 11, 12, 13, 14, 15, 16, 17], [1, 2, 3, 4, 5, 6, 7, 8])
    assert lanes(res.vpr, 4) == [1, 2, 15, 4, 5, 6, 7, 8]
    assert [int(a) for a in res.acc] == [15] * 8


def test_vch_vcl_vcr_clip() -> None:
    s = [100, -100, 100, -100, 5, -5, 0, -32768]
    t = [50, 50, -50, -50, 5, 5, -1, 32767]
    res = run([vop("vch", 4, 1, 2), cfc2("t0", 0), cfc2("t1", 1), cfc2("t2", 2)], s, t)
    want_vd, vco, vcc, vce = [], 0, 0, 0
    for n in range(8):  # ares VCH, evaluated by hand per lane
        a, b = s[n], t[n]
        if (a ^ b) < 0:
            res_ = a + b
            vd = -b if res_ <= 0 else a
            lo, hi, co, ce = res_ <= 0, b < 0, 1, res_ == -1
        else:
            res_ = a - b
            vd = b if res_ >= 0 else a
            lo, hi, co, ce = b < 0, res_ >= 0, 0, 0
        ne = res_ != 0 and (a & 0xFFFF) != ((b & 0xFFFF) ^ 0xFFFF)
        want_vd.append(((vd + 0x8000) & 0xFFFF) - 0x8000)
        vco |= co << n | ne << (8 + n)
        vcc |= lo << n | hi << (8 + n)
        vce |= ce << n
    assert lanes(res.vpr, 4) == want_vd
    assert lanes(res.vpr, 4)[:4] == [50, -50, 100, -100]
    sx = lambda v: v - 0x10000 if v & 0x8000 else v  # noqa: E731
    assert int(res.gpr[8]) == sx(vco) & 0xFFFFFFFF
    assert int(res.gpr[9]) == sx(vcc) & 0xFFFFFFFF
    assert int(res.gpr[10]) == vce
    # vcl after vch: the usual 32-bit clip sequence; flags end cleared except VCC
    res = run(
        [vop("vch", 4, 1, 2), vop("vcl", 5, 1, 2), cfc2("t0", 0), cfc2("t2", 2)], s, t
    )
    assert int(res.gpr[8]) == 0 and int(res.gpr[10]) == 0
    # vcr: one's complement clip
    res = run([vop("vcr", 4, 1, 2), cfc2("t1", 1)], s, t)
    want = []
    lo_hi = 0
    for n in range(8):
        a, b = s[n], t[n]
        if (a ^ b) < 0:
            lo = a + b + 1 <= 0
            hi = b < 0
            vd = ~b if lo else a
        else:
            lo = b < 0
            hi = a - b >= 0
            vd = b if hi else a
        want.append(vd)
        lo_hi |= lo << n | hi << (8 + n)
    assert lanes(res.vpr, 4) == want
    assert int(res.gpr[9]) == sx(lo_hi) & 0xFFFFFFFF


def test_vcl_unsigned_compare_without_vco() -> None:
    # with VCO clear and VCE clear, VCL does an unsigned >= and selects vt
    res = run(
        [vop("vcl", 4, 1, 2), cfc2("t1", 1)],
        [5, 3, 0xFFFF, 0, 0, 0, 0, 0],
        [3, 5, 1, 0, 0, 0, 0, 0],
    )
    assert ulanes(res.vpr, 4)[:4] == [3, 3, 1, 0]
    assert (int(res.gpr[9]) >> 8) & 0xF == 0b1101


def test_reciprocal_tables_follow_their_formulas() -> None:
    assert [int(x) for x in RCP_TABLE[:4]] == [0xFFFF, 0xFF00, 0xFE01, 0xFD04]
    assert int(RCP_TABLE[511]) == ((1 << 34) // 1023 + 1) >> 8 & 0xFFFF
    assert int(RSQ_TABLE[0]) == 0x6A09  # 1/sqrt(0.5) = 1.4142 = 0x1.6A09
    assert int(RSQ_TABLE[1]) == 0xFFFF
    assert np.all(np.diff(RCP_TABLE[1:]) <= 0)


def test_vrcp_and_vrcph() -> None:
    ops = [
        vop("vrcp", 4, 0, 1, 8),  # lane 0 <- low(1/v1[0])
        vop("vrcph", 4, 1, 1, 8),  # lane 1 <- high part
        vop("vrcp", 5, 0, 1, 9),  # 1/2
        vop("vrcph", 5, 1, 1, 9),
        vop("vrcp", 6, 0, 1, 10),  # 1/0
        vop("vrcph", 6, 1, 1, 10),
        vop("vrcp", 7, 0, 1, 11),  # 1/-32768
        vop("vrcph", 7, 1, 1, 11),
        vop("vrcp", 8, 0, 1, 12),  # 1/-2
        vop("vrcph", 8, 1, 1, 12),
    ]
    res = run(ops, [1, 2, 0, -32768, -2, 0, 0, 0])
    assert ulanes(res.vpr, 4)[:2] == [0xC000, 0x7FFF]  # 0x7FFFC000
    assert ulanes(res.vpr, 5)[:2] == [0xE000, 0x3FFF]  # 0x3FFFE000
    assert ulanes(res.vpr, 6)[:2] == [0xFFFF, 0x7FFF]  # 0x7FFFFFFF
    assert ulanes(res.vpr, 7)[:2] == [0x0000, 0xFFFF]  # 0xFFFF0000
    assert ulanes(res.vpr, 8)[:2] == [0x1FFF, 0xC000]  # ~0x3FFFE000
    # ACC_LO holds the selected vt (broadcast of lane 4)
    assert [int(a) & 0xFFFF for a in res.acc] == [0xFFFE] * 8


def test_double_precision_vrcpl() -> None:
    # 1 / 0x00010000: vrcph sets the high half, vrcpl supplies the low half
    ops = [vop("vrcph", 4, 0, 1, 8), vop("vrcpl", 4, 1, 2, 8), vop("vrcph", 4, 2, 0, 8)]
    res = run(ops, [1] * 8, [0] * 8)
    # result 0x7FFFC000 >> 16 = 0x00007FFF
    assert ulanes(res.vpr, 4)[1:3] == [0x7FFF, 0x0000]


def test_vrsq() -> None:
    ops = [
        vop("vrsq", 4, 0, 1, 8),
        vop("vrsqh", 4, 1, 1, 8),
        vop("vrsq", 5, 0, 1, 9),
        vop("vrsqh", 5, 1, 1, 9),
        vop("vrsq", 6, 0, 1, 10),
        vop("vrsqh", 6, 1, 1, 10),
    ]
    res = run(ops, [1, 4, 2, 0, 0, 0, 0, 0])
    assert ulanes(res.vpr, 4)[:2] == [0xC000, 0x7FFF]  # 1/sqrt(1)
    assert ulanes(res.vpr, 5)[:2] == [0xE000, 0x3FFF]  # 1/sqrt(4) = 0.5
    assert ulanes(res.vpr, 6)[:2] == [0x4000, 0x5A82]  # 1/sqrt(2) = 0x5A824000


def test_unsupported_vector_op_is_a_clear_error() -> None:
    from n64c.errors import N64cError

    with pytest.raises(N64cError, match="vmulq"):
        run([0x4A000003], [0] * 8)
