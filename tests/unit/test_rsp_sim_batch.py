"""Batch mode of the RSP simulator: B inputs in lockstep equal B single runs."""

from __future__ import annotations

import numpy as np
import pytest
from rsp_words import (
    BREAK,
    NOP,
    addiu,
    bne,
    cfc2,
    itype,
    li,
    lw,
    mfc0,
    mfc2,
    mtc0,
    program,
    rtype,
    sw,
    vload,
    vop,
    vstore,
)

from n64c.errors import N64cError
from n64c.sim.rsp import simulate


def mac_program() -> bytes:
    """DMA 4 rows of input from RDRAM (waiting for them), a MAC loop, clamps and flag reads, DMA out."""
    return program(
        li("t0", 0x000), mtc0("t0", 0), li("t0", 0x100), mtc0("t0", 1),
        li("t0", (16 - 1) | (4 - 1) << 12 | 16 << 20), mtc0("t0", 2),  # 4 rows of 16, skip 16
        mfc0("t0", 6), bne("t0", "zero", -2), NOP,  # until the rows are in
        addiu("s0", "zero", 0x200),  # weights in DMEM
        addiu("s1", "zero", 0),
        addiu("t1", "zero", 4),
        vop("vxor", 4, 4, 4),
        vop("vmudh", 5, 4, 4),  # ACC = 0
        # loop: acc += x[row] * w[row] (with element selectors), 4 rows
        vload("qv", 1, 0, "s1"),
        vload("qv", 2, 0, "s0"),
        vop("vmadh", 5, 1, 2),
        vop("vmadn", 6, 1, 2, 9),
        vop("vmacf", 7, 1, 1, 4),
        addiu("s1", "s1", 16),
        addiu("t1", "t1", -1),
        bne("t1", "zero", -8),
        addiu("s0", "s0", 16),
        vop("vsar", 8, 0, 0, 8),
        vop("vsar", 9, 0, 0, 9),
        vop("vlt", 10, 5, 9),
        vop("vaddc", 11, 5, 9),
        vop("vch", 12, 5, 6),
        cfc2("t2", 1),
        mfc2("t3", 5, 6),
        sw("t3", 0x300, "zero"),
        sw("t2", 0x304, "zero"),
        lw("t4", 0x300, "zero"),  # differs per input: stays a per-batch value
        itype(0x0C, "t4", "t5", 0xFF),
        sw("t5", 0x308, "zero"),
        addiu("s2", "zero", 0x310),
        vstore("qv", 5, 0, "s2"), vstore("qv", 6, 16, "s2"), vstore("qv", 7, 32, "s2"),
        vstore("qv", 8, 48, "s2"), vstore("qv", 9, 64, "s2"), vstore("qv", 10, 80, "s2"),
        vstore("qv", 11, 96, "s2"), vstore("qv", 12, 112, "s2"),
        li("t0", 0x300), mtc0("t0", 0), li("t0", 0x400), mtc0("t0", 1),
        li("t0", 0x90 - 1), mtc0("t0", 3),
        BREAK,
    )  # fmt: skip


def inputs(batch: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dmem = np.zeros((batch, 4096), dtype=np.uint8)
    weights = (
        rng.integers(-32768, 32768, size=32, dtype=np.int64)
        .astype(">i2")
        .view(np.uint8)
    )
    dmem[:, 0x200:0x240] = weights  # shared weights
    rdram = rng.integers(0, 256, size=(batch, 0x800), dtype=np.uint8)
    rdram[:, 0x100:0x108] = 0x80  # some extreme values
    return dmem, rdram


def test_batch_equals_single_runs() -> None:
    prog = mac_program()
    dmem, rdram = inputs(7)
    batch = simulate(prog, dmem, rdram)
    assert batch.dmem.shape == (7, 4096) and batch.rdram.shape == (7, 0x800)
    for b in range(7):
        one = simulate(prog, dmem[b].tobytes(), rdram[b].tobytes())
        assert np.array_equal(batch.dmem[b], one.dmem)
        assert np.array_equal(batch.rdram[b], one.rdram)
        assert np.array_equal(batch.vpr[b], one.vpr)
        assert np.array_equal(batch.acc[b], one.acc)
        assert np.array_equal(batch.gpr[b], one.gpr)
        assert (
            batch.vco[b] == one.vco
            and batch.vcc[b] == one.vcc
            and batch.vce[b] == one.vce
        )
        assert batch.cycles == one.cycles and batch.instructions == one.instructions
    # the inputs really differ, so the comparison above means something
    assert len({batch.rdram[b, 0x400:0x490].tobytes() for b in range(7)}) == 7


def test_batch_argument_broadcasts_a_single_image() -> None:
    prog = mac_program()
    dmem, rdram = inputs(1)
    batch = simulate(prog, dmem[0].tobytes(), rdram[0].tobytes(), batch=3)
    one = simulate(prog, dmem[0].tobytes(), rdram[0].tobytes())
    assert batch.dmem.shape == (3, 4096)
    for b in range(3):
        assert np.array_equal(batch.dmem[b], one.dmem)


def test_batch_sizes_must_agree() -> None:
    dmem, rdram = inputs(3)
    with pytest.raises(N64cError, match="batch sizes disagree"):
        simulate(mac_program(), dmem, rdram[:2])


def test_data_dependent_branch_in_a_batch_is_a_clear_error() -> None:
    prog = program(lw("t0", 0, "zero"), bne("t0", "zero", 2), NOP, NOP, BREAK)
    dmem = np.zeros((2, 4096), dtype=np.uint8)
    dmem[1, 3] = 1
    with pytest.raises(N64cError, match="branch condition differs across the batch"):
        simulate(prog, dmem)
    dmem[0, 3] = 1  # now uniform: fine
    assert simulate(prog, dmem).instructions == 4


def test_data_dependent_address_in_a_batch_is_a_clear_error() -> None:
    prog = program(
        lw("t0", 0, "zero"),
        rtype(0x21, "t1", "t0", "zero"),
        vload("qv", 1, 0, "t1"),
        BREAK,
    )
    dmem = np.zeros((2, 4096), dtype=np.uint8)
    dmem[1, 2] = 1
    with pytest.raises(N64cError, match="vector load address differs"):
        simulate(prog, dmem)


VECTOR_OPS = [
    "vmulf", "vmulu", "vmudl", "vmudm", "vmudn", "vmudh", "vmacf", "vmacu", "vmadl",
    "vmadm", "vmadn", "vmadh", "vadd", "vsub", "vabs", "vaddc", "vsubc", "vsar", "vlt",
    "veq", "vne", "vge", "vcl", "vch", "vcr", "vmrg", "vand", "vnand", "vor", "vnor",
    "vxor", "vnxor", "vrcp", "vrcpl", "vrcph", "vmov", "vrsq", "vrsql", "vrsqh", "vnop",
]  # fmt: skip
LOAD_KINDS = ["bv", "sv", "lv", "dv", "qv", "rv", "pv", "uv", "hv", "fv", "tv"]
STORE_KINDS = LOAD_KINDS + ["wv"]


def random_program(rng: np.random.Generator) -> bytes:
    """Random vector work on v0-v15 with all ops, selectors, loads, stores and
    moves; a scratch area at 0x200-0x3FF; everything dumped at the end."""
    from rsp_words import SIZES, cfc2, ctc2, mtc2, vstore

    ops: list[int | list[int]] = [li("s0", 0x300)]
    ops += [vload("qv", r, 16 * r, "zero") for r in range(16)]
    for rd in range(3):
        ops += [li("t0", int(rng.integers(0, 1 << 16))), ctc2("t0", rd)]
    for _ in range(80):
        kind = rng.random()
        if kind < 0.6:
            name = VECTOR_OPS[rng.integers(len(VECTOR_OPS))]
            vd, vs, vt = (int(x) for x in rng.integers(0, 16, 3))
            e = int(rng.integers(0, 16))
            if name == "vsar":
                e = int(rng.choice([8, 9, 10, 8, 9, 10, 3]))
            if name in ("vrcp", "vrcpl", "vrcph", "vmov", "vrsq", "vrsql", "vrsqh"):
                vs = int(rng.integers(0, 8))
            ops.append(vop(name, vd, vs, vt, e))
        elif kind < 0.75:
            k = LOAD_KINDS[rng.integers(len(LOAD_KINDS))]
            size = SIZES[k]
            off = int(rng.integers(-200, 200)) // size * size
            ops.append(
                vload(k, int(rng.integers(0, 16)), off, "s0", int(rng.integers(0, 16)))
            )
        elif kind < 0.9:
            k = STORE_KINDS[rng.integers(len(STORE_KINDS))]
            size = SIZES[k]
            off = int(rng.integers(-200, 200)) // size * size
            ops.append(
                vstore(k, int(rng.integers(0, 16)), off, "s0", int(rng.integers(0, 16)))
            )
        elif kind < 0.95:
            ops.append(mfc2("t1", int(rng.integers(0, 16)), int(rng.integers(0, 16))))
            ops.append(mtc2("t1", int(rng.integers(0, 16)), int(rng.integers(0, 16))))
        else:
            ops.append(cfc2("t2", int(rng.integers(0, 3))))
            ops.append(ctc2("t2", int(rng.integers(0, 3))))
    ops += [vstore("qv", r, 16 * r, "s1") for r in range(32)]  # s1 = 0 -> DMEM 0x000
    ops += [
        vop("vsar", 16, 0, 0, 8),
        vop("vsar", 17, 0, 0, 9),
        vop("vsar", 18, 0, 0, 10),
    ]
    ops += [vstore("qv", r, 0x600 + 16 * (r - 16), "zero") for r in (16, 17, 18)]
    for rd in range(3):
        ops += [cfc2("t3", rd), sw("t3", 0x640 + 4 * rd, "zero")]
    ops += [sw("t1", 0x650, "zero"), sw("t2", 0x654, "zero"), BREAK]
    return program(*ops)


@pytest.mark.parametrize("seed", range(40))
def test_engines_agree_on_random_vector_programs(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Python-int engine (single inputs) and the numpy engine (batches,
    and forced on single inputs) give identical final states."""
    from n64c.sim.rsp import machine

    rng = np.random.default_rng(seed)
    prog = random_program(rng)
    dmem = rng.integers(0, 256, size=(3, 4096), dtype=np.uint8)
    # some extreme lanes: 0x8000, 0x7FFF, 0xFFFF, 0
    for value in (0x80, 0x7F, 0xFF, 0x00):
        dmem[:, rng.integers(0, 256, size=24) * 2] = value
    batch = simulate(prog, dmem, rdram=np.zeros((3, 8), np.uint8))
    for b in range(3):
        one = simulate(prog, dmem[b].tobytes(), rdram=bytes(8))
        monkeypatch.setattr(machine, "_PYTHON_LANES", False)
        forced = simulate(prog, dmem[b].tobytes(), rdram=bytes(8))
        monkeypatch.setattr(machine, "_PYTHON_LANES", True)
        for other, k in ((batch, b), (forced, ...)):
            assert np.array_equal(other.dmem[k], one.dmem)
            assert np.array_equal(other.vpr[k], one.vpr)
            assert np.array_equal(other.acc[k], one.acc)
            assert np.array_equal(other.gpr[k], one.gpr)
            assert other.vco[k] == one.vco and other.vcc[k] == one.vcc
            assert other.vce[k] == one.vce
            assert other.cycles == one.cycles


def test_bad_images_are_clear_errors() -> None:
    prog = program(BREAK)
    with pytest.raises(N64cError, match="DMEM image has 5000 bytes; at most 4096 fit"):
        simulate(prog, bytes(5000))
    with pytest.raises(N64cError, match="must be bytes or a uint8 array"):
        simulate(prog, np.zeros(16, dtype=np.int16))
    with pytest.raises(N64cError, match="IMEM image has 4100 bytes"):
        simulate(bytes(4100))
    with pytest.raises(N64cError, match="1 or 2 dimensions"):
        simulate(prog, np.zeros((2, 2, 2), dtype=np.uint8))
