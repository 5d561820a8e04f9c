"""Random RSP programs for differential testing (simulator against z64).

A program is libdragon-syntax assembly built only from operations that
mupen64plus-rsp-z64 models like the hardware (see
``docs/testing-against-z64.md``): multiplies and accumulates,
vadd/vsub/vaddc/vsubc, the compares vlt/veq/vne/vge and vch, the logic ops,
vsar, vector loads and stores with element 0 at aligned addresses, the COP2
moves, 1-D and 2-D DMA, and scalar code (ALU, shifts, immediates, loads and
stores, forward branches, jumps, calls and counted loops with delay slots).

Every program has the same frame:

* a prologue loads all 32 vector registers, all GPRs and the flags
  VCO/VCC/VCE from the seed area of DMEM;
* a random body of tens of instructions works on them;
* an epilogue stores every GPR, the flags (``cfc2``), every vector register
  and the accumulator (``vsar`` HI/MD/LO) into DMEM and ends with ``break``.

So the final DMEM (plus RDRAM, written by DMA) holds the whole machine
state, and comparing two runs byte for byte compares everything. A seed
makes a program reproducible::

    python -m n64c.sim.z64.randprog --seed 42        # prints the assembly
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from n64c.dialects.rsp_types import GPR_NAMES

__all__ = [
    "DMEM_LAYOUT",
    "RandomProgram",
    "generate",
    "describe_state",
]

DMEM_SIZE = 4096
#: DMEM areas of a random program (offset, size).
DMEM_LAYOUT: dict[str, tuple[int, int]] = {
    "vreg_seed": (0x000, 0x200),
    "gpr_seed": (0x200, 0x80),
    "flag_seed": (0x280, 0x0C),
    "scratch": (0x300, 0x500),
    "gpr_out": (0x800, 0x80),
    "flag_out": (0x880, 0x0C),
    "vreg_out": (0x900, 0x200),
    "acc_out": (0xB00, 0x30),
}
RDRAM_BYTES = 0x4000

_SCRATCH_START, _SCRATCH_SIZE = DMEM_LAYOUT["scratch"]
_SCRATCH_END = _SCRATCH_START + _SCRATCH_SIZE
_BASE_REGS = ("k0", "k1")
_WRITABLE = tuple(r for r in GPR_NAMES if r not in _BASE_REGS)
_TEMP = "t0"  # epilogue temporary (after every GPR is saved)

_MULTIPLIES = (
    "vmulf", "vmudl", "vmudm", "vmudn", "vmudh",
    "vmacf", "vmacu", "vmadl", "vmadm", "vmadn", "vmadh",
)  # fmt: skip
_ADDS = ("vadd", "vsub", "vaddc", "vsubc")
# vch (clip test, high) agrees with ares in z64; vcl and vcr do not.
_COMPARES = ("vlt", "veq", "vne", "vge", "vch")
_LOGIC = ("vand", "vnand", "vor", "vnor", "vxor", "vnxor")
_ACC_SLICES = ("COP2_ACC_HI", "COP2_ACC_MD", "COP2_ACC_LO")
_ELEMENTS = ("", ".q0", ".q1", ".h0", ".h1", ".h2", ".h3") + tuple(
    f".e{i}" for i in range(8)
)
# (mnemonic, access size in bytes, offset unit in bytes)
_VLOADS = (
    ("lbv", 1, 1), ("lsv", 2, 2), ("llv", 4, 4), ("ldv", 8, 8), ("lqv", 16, 16),
    ("lpv", 8, 8), ("luv", 8, 8), ("lhv", 16, 16), ("lfv", 16, 16),
    ("lrv", 16, 16), ("ltv", 16, 16),
)  # fmt: skip
_VSTORES = (
    ("sbv", 1, 1), ("ssv", 2, 2), ("slv", 4, 4), ("sdv", 8, 8), ("sqv", 16, 16),
    ("spv", 8, 8), ("suv", 8, 8), ("shv", 16, 16), ("sfv", 16, 16),
    ("srv", 16, 16), ("stv", 16, 16),
)  # fmt: skip
# Transposes work on a group of 8 registers; z64 gets the group right only
# when the named register is its first.
_TRANSPOSES = ("ltv", "stv")
_R_ALU = ("addu", "subu", "add", "sub", "and", "or", "xor", "nor", "slt", "sltu")
_SHIFTS = ("sll", "srl", "sra")
_VAR_SHIFTS = ("sllv", "srlv", "srav")
_I_SIGNED = ("addiu", "addi", "slti", "sltiu")
_I_UNSIGNED = ("andi", "ori", "xori")
_SLOADS = (("lb", 1), ("lbu", 1), ("lh", 2), ("lhu", 2), ("lw", 4))
_SSTORES = (("sb", 1), ("sh", 2), ("sw", 4))

_EDGE16 = (0, 1, -1, 2, -2, 0x7FFF, -0x8000, 0x7FFE, -0x7FFF, 0x4000, -0x4000, 0x100)
_EDGE32 = (0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFF, 0x8000, 0x10000)


@dataclass(frozen=True)
class RandomProgram:
    """A random program and the memory images it starts from."""

    seed: int
    text: str
    dmem: bytes
    rdram: bytes
    body: tuple[str, ...] = field(default=())
    #: Every (DMEM, RDRAM) start image; the first is (dmem, rdram). With
    #: more than one, control flow and addresses are the same for all of
    #: them (the simulator can run them as one batch).
    variants: tuple[tuple[bytes, bytes], ...] = field(default=())


class _Builder:
    def __init__(
        self, rng: random.Random, *, include_vmulu: bool, uniform_control: bool
    ) -> None:
        self.rng = rng
        # GPRs whose value may depend on data other than the GPR seeds
        # (scalar loads, mfc2, cfc2): with `uniform_control`, branches
        # never test them.
        self.tainted: set[str] = set()
        self.in_body = False
        self.uniform_control = uniform_control
        self.loop_counter = ""  # the GPR a loop body must not write
        self.loop_writes: set[str] | None = None  # GPRs written in a loop
        self.labels = 0
        self.base = {name: 0 for name in _BASE_REGS}
        self.multiplies = _MULTIPLIES + (("vmulu",) if include_vmulu else ())
        # A few "hot" registers make dependency chains and aliasing (vd == vs,
        # a register feeding the next op) far more frequent than uniform picks.
        self.hot_vregs = rng.sample(range(32), 4)
        self.hot_gprs = rng.sample(_WRITABLE[1:], 4)

    # -- helpers ---------------------------------------------------------
    def gpr(self) -> str:
        if self.rng.random() < 0.4:
            return self.rng.choice(self.hot_gprs)
        return self.rng.choice(GPR_NAMES)

    def dest(self) -> str:
        # $zero now and then: writes to it must be ignored.
        r = self.rng.random()
        if r < 0.03:
            return "zero"
        pool = self.hot_gprs if r < 0.4 else _WRITABLE
        return self.rng.choice([g for g in pool if g != self.loop_counter] or ["zero"])

    def write(self, reg: str, tainted: bool) -> str:
        """Record a GPR write; in a branch body taint only accumulates."""
        if reg != "zero":
            if self.loop_writes is not None:
                self.loop_writes.add(reg)
            if tainted:
                self.tainted.add(reg)
            elif not self.in_body:
                self.tainted.discard(reg)
        return reg

    def condition_gpr(self) -> str:
        if not self.uniform_control:
            return self.gpr()
        for _ in range(8):
            reg = self.gpr()
            if reg not in self.tainted:
                return reg
        return "zero"

    def vreg(self) -> str:
        if self.rng.random() < 0.4:
            return f"$v{self.rng.choice(self.hot_vregs):02d}"
        return f"$v{self.rng.randrange(32):02d}"

    def label(self) -> str:
        self.labels += 1
        return f"L{self.labels}"

    def imm16(self) -> int:
        r = self.rng.random()
        if r < 0.3:
            return self.rng.randrange(-16, 17)
        if r < 0.4:
            return self.rng.choice((0x7FFF, -0x8000, -1))
        return self.rng.randrange(-0x8000, 0x8000)

    def address(self, size: int, unit: int, aligned: bool = True) -> tuple[str, int]:
        """A base register and an offset (a multiple of `unit`, within the
        7-bit or 16-bit reach) so that base+offset is `size`-aligned (or
        any byte when not `aligned`) and the access stays inside the
        scratch area."""
        name = self.rng.choice(_BASE_REGS)
        base = self.base[name]
        reach = 64 * unit if unit > 0 else 0x8000
        lo = max(_SCRATCH_START, base - reach)
        hi = min(_SCRATCH_END - size, base + reach - unit)
        step = max(size, unit) if aligned else max(unit, 1)
        first = (lo + step - 1) // step * step
        target = self.rng.randrange(first, hi + 1, step)
        return name, target - base

    # -- instruction kinds ------------------------------------------------
    def vector_op(self) -> list[str]:
        group = self.rng.choices(
            (self.multiplies, _ADDS, _COMPARES, _LOGIC), weights=(6, 3, 2, 2)
        )[0]
        op = self.rng.choice(group)
        e = self.rng.choice(_ELEMENTS)
        return [f"{op} {self.vreg()}, {self.vreg()}, {self.vreg()}{e}"]

    def vsar(self) -> list[str]:
        return [f"vsar {self.vreg()}, {self.rng.choice(_ACC_SLICES)}"]

    def vector_memory(self) -> list[str]:
        table = _VLOADS if self.rng.random() < 0.55 else _VSTORES
        op, size, unit = self.rng.choice(table)
        base, offset = self.address(size, unit)
        vt = f"$v{8 * self.rng.randrange(4):02d}" if op in _TRANSPOSES else self.vreg()
        return [f"{op} {vt}, {offset}, {base}"]

    def scalar_alu(self) -> list[str]:
        kind = self.rng.randrange(6)
        d, a, b = self.dest(), self.gpr(), self.gpr()
        self.write(
            d,
            kind != 5 and (a in self.tainted or (kind in (0, 2) and b in self.tainted)),
        )
        if kind == 0:
            return [f"{self.rng.choice(_R_ALU)} {d}, {a}, {b}"]
        if kind == 1:
            shift = self.rng.randrange(32)
            return [f"{self.rng.choice(_SHIFTS)} {d}, {a}, {shift}"]
        if kind == 2:
            return [f"{self.rng.choice(_VAR_SHIFTS)} {d}, {a}, {b}"]
        if kind == 3:
            return [f"{self.rng.choice(_I_SIGNED)} {d}, {a}, {self.imm16()}"]
        if kind == 4:
            imm = self.rng.randrange(0x10000)
            return [f"{self.rng.choice(_I_UNSIGNED)} {d}, {a}, 0x{imm:X}"]
        return [f"lui {d}, 0x{self.rng.randrange(0x10000):X}"]

    def cop2_move(self) -> list[str]:
        """mfc2/mtc2 at an even byte (lane .e0-.e7), cfc2/ctc2 of a flag."""
        kind = self.rng.randrange(5)
        lane = f"{self.vreg()}.e{self.rng.randrange(8)}"
        if kind == 0:
            return [f"mfc2 {self.write(self.dest(), True)}, {lane}"]
        if kind == 1:
            return [f"mtc2 {self.gpr()}, {lane}"]
        ctrl = self.rng.choice(("COP2_CTRL_VCO", "COP2_CTRL_VCC", "COP2_CTRL_VCE"))
        if kind < 4:
            return [f"cfc2 {self.write(self.dest(), True)}, {ctrl}"]
        return [f"ctc2 {self.gpr()}, {ctrl}"]

    def scalar_memory(self) -> list[str]:
        aligned = self.rng.random() < 0.8  # the RSP has no alignment faults
        if self.rng.random() < 0.5:
            op, size = self.rng.choice(_SLOADS)
            base, offset = self.address(size, 0, aligned)
            return [f"{op} {self.write(self.dest(), True)}, {offset}({base})"]
        op, size = self.rng.choice(_SSTORES)
        base, offset = self.address(size, 0, aligned)
        return [f"{op} {self.gpr()}, {offset}({base})"]

    def set_base(self) -> list[str]:
        name = self.rng.choice(_BASE_REGS)
        value = self.rng.randrange(_SCRATCH_START, _SCRATCH_END, 16)
        self.base[name] = value
        return [f"ori {name}, zero, 0x{value:X}"]

    def dma(self) -> list[str]:
        rows = self.rng.choice((1, 1, 1, 2, 3, 4))
        row_bytes = 8 * self.rng.randrange(1, 9)
        # The length field is bytes-1; the hardware rounds up to 8 bytes.
        length_field = row_bytes - 1 - self.rng.choice((0, 0, 0, 3, 7))
        skip = 8 * self.rng.randrange(0, 5) if rows > 1 else 0
        span = rows * row_bytes
        dmem = self.rng.randrange(_SCRATCH_START, _SCRATCH_END - span + 1, 8)
        dram_span = rows * (row_bytes + skip)
        dram = self.rng.randrange(0, RDRAM_BYTES - dram_span + 1, 8)
        word = length_field | (rows - 1) << 12 | skip << 20
        if self.rng.random() < 0.1:
            # DMA ignores the low 3 bits of both addresses.
            dmem |= self.rng.randrange(8)
            dram |= self.rng.randrange(8)
        reg = self.rng.choice(_WRITABLE[1:])  # not $zero
        self.write(reg, False)  # it ends as DMA_BUSY = 0
        wait = self.label()
        direction = self.rng.choice(("COP0_DMA_READ", "COP0_DMA_WRITE"))
        return [
            f"ori {reg}, zero, 0x{dmem:X}",
            f"mtc0 {reg}, COP0_DMA_SPADDR",
            f"ori {reg}, zero, 0x{dram:X}",
            f"mtc0 {reg}, COP0_DMA_RAMADDR",
            f"lui {reg}, 0x{word >> 16:X}",
            f"ori {reg}, {reg}, 0x{word & 0xFFFF:X}",
            f"mtc0 {reg}, {direction}",
            f"{wait}:",
            f"mfc0 {reg}, COP0_DMA_BUSY",
            f"bne {reg}, zero, {wait}",
            "nop",
        ]

    def simple(self) -> list[str]:
        """One instruction that may sit in a delay slot or a branch body."""
        kind = self.rng.choices(
            (self.vector_op, self.scalar_alu, self.scalar_memory, self.vector_memory,
             self.vsar, self.cop2_move),
            weights=(8, 6, 2, 2, 1, 1),
        )[0]  # fmt: skip
        return kind()

    def branch(self) -> list[str]:
        target = self.label()
        kind = self.rng.randrange(8)
        rs, rt = self.condition_gpr(), self.condition_gpr()
        if kind == 0:
            head = f"beq {rs}, {rs if self.rng.random() < 0.3 else rt}, {target}"
        elif kind == 1:
            head = f"bne {rs}, {rt}, {target}"
        elif kind < 6:
            op = ("blez", "bgtz", "bltz", "bgez")[kind - 2]
            head = f"{op} {rs}, {target}"
        elif kind == 6:
            # z64 lacks bltzal; bgezal on ra itself is unpredictable on MIPS.
            rs = rs if rs != "ra" else "zero"
            head = f"bgezal {rs}, {target}"
            self.write("ra", False)
        else:
            op = self.rng.choice(("j", "jal"))
            head = f"{op} {target}"
            if op == "jal":
                self.write("ra", False)
        self.in_body = True
        lines = [head, *self.simple()]  # the delay slot
        for _ in range(self.rng.randrange(0, 6)):
            lines += self.simple()
        self.in_body = False
        lines.append(f"{target}:")
        return lines

    def loop(self) -> list[str]:
        """A counted loop (1-4 iterations) around a few simple instructions,
        e.g. a multiply-accumulate chain run several times."""
        counter = self.rng.choice(_WRITABLE[1:])
        self.write(counter, False)
        self.loop_counter = counter
        top = self.label()
        self.in_body = True
        self.loop_writes = set()
        body: list[str] = []
        for _ in range(self.rng.randrange(1, 5)):
            body += self.simple()
        delay = self.simple()
        # A later iteration sees what an earlier one wrote: rather than
        # iterate the taint to a fixed point, taint every GPR the loop wrote.
        self.tainted |= self.loop_writes
        self.loop_writes = None
        self.in_body = False
        self.loop_counter = ""
        self.write(counter, False)  # it ends at 0
        return [
            f"ori {counter}, zero, {self.rng.randrange(1, 5)}",
            f"{top}:",
            *body,
            f"addiu {counter}, {counter}, -1",
            f"bgtz {counter}, {top}",
            *delay,
        ]

    def call(self) -> list[str]:
        """A subroutine call through `jal` or `jalr` and back with `jr`."""
        function, after = self.label(), self.label()
        if self.rng.random() < 0.5:
            link, head = "ra", [f"jal {function}"]
        else:
            target = self.rng.choice([g for g in _WRITABLE[1:] if g != "ra"])
            others = [g for g in _WRITABLE[1:] if g != target]
            link = "ra" if self.rng.random() < 0.5 else self.rng.choice(others)
            self.write(target, False)
            head = [f"ori {target}, zero, {function}", f"jalr {link}, {target}"]
        self.write(link, False)
        # The body must keep the return address.
        self.loop_counter = link
        self.in_body = True
        lines = [*head, *self.simple(), f"j {after}", *self.simple(), f"{function}:"]
        for _ in range(self.rng.randrange(0, 5)):
            lines += self.simple()
        lines += [f"jr {link}", *self.simple(), f"{after}:"]
        self.in_body = False
        self.loop_counter = ""
        return lines

    def random_chunk(self) -> list[str]:
        kinds: tuple[Callable[[], list[str]], ...] = (
            self.vector_op, self.vsar, self.vector_memory, self.scalar_alu,
            self.scalar_memory, self.set_base, self.dma, self.branch, self.cop2_move,
            self.loop, self.call,
        )  # fmt: skip
        weights = (14, 1, 4, 8, 3, 1, 1, 2, 2, 1, 1)
        return self.rng.choices(kinds, weights=weights)[0]()


def _seed_images(rng: random.Random) -> tuple[bytes, bytes]:
    dmem = bytearray(rng.randbytes(DMEM_SIZE))
    start, size = DMEM_LAYOUT["vreg_seed"]
    style = rng.random()
    for lane in range(size // 2):
        r = rng.random()
        if r < 0.25:
            value = rng.choice(_EDGE16)
        elif r < 0.25 + 0.4 * style:
            value = rng.randrange(-64, 65)
        else:
            value = rng.randrange(-0x8000, 0x8000)
        dmem[start + 2 * lane : start + 2 * lane + 2] = (value & 0xFFFF).to_bytes(
            2, "big"
        )
    start, size = DMEM_LAYOUT["gpr_seed"]
    for reg in range(size // 4):
        r = rng.random()
        if r < 0.2:
            value = rng.choice(_EDGE32)
        elif r < 0.5:
            value = rng.randrange(-40, 41) & 0xFFFFFFFF
        else:
            value = rng.getrandbits(32)
        dmem[start + 4 * reg : start + 4 * reg + 4] = value.to_bytes(4, "big")
    rdram = rng.randbytes(RDRAM_BYTES)
    return bytes(dmem), rdram


def _prologue(builder: _Builder) -> list[str]:
    lines = [f"lqv $v{i:02d}, {16 * i}, zero" for i in range(32)]
    gpr_seed = DMEM_LAYOUT["gpr_seed"][0]
    flag_seed = DMEM_LAYOUT["flag_seed"][0]
    for index, ctrl in enumerate(("COP2_CTRL_VCO", "COP2_CTRL_VCC", "COP2_CTRL_VCE")):
        lines += [f"lw {_TEMP}, {flag_seed + 4 * index}(zero)", f"ctc2 {_TEMP}, {ctrl}"]
    for index, name in enumerate(GPR_NAMES):
        if index and name not in _BASE_REGS:
            lines.append(f"lw {name}, {gpr_seed + 4 * index}(zero)")
    for name in _BASE_REGS:
        value = builder.rng.randrange(_SCRATCH_START, _SCRATCH_END, 16)
        builder.base[name] = value
        lines.append(f"ori {name}, zero, 0x{value:X}")
    return lines


def _epilogue() -> list[str]:
    gpr_out = DMEM_LAYOUT["gpr_out"][0]
    flag_out = DMEM_LAYOUT["flag_out"][0]
    vreg_out = DMEM_LAYOUT["vreg_out"][0]
    acc_out = DMEM_LAYOUT["acc_out"][0]
    lines = [f"sw {name}, {gpr_out + 4 * i}(zero)" for i, name in enumerate(GPR_NAMES)]
    for index, ctrl in enumerate(("COP2_CTRL_VCO", "COP2_CTRL_VCC", "COP2_CTRL_VCE")):
        lines += [f"cfc2 {_TEMP}, {ctrl}", f"sw {_TEMP}, {flag_out + 4 * index}(zero)"]
    lines.append(f"ori {_TEMP}, zero, 0x{vreg_out:X}")
    lines += [f"sqv $v{i:02d}, {16 * i}, {_TEMP}" for i in range(32)]
    for index, acc in enumerate(_ACC_SLICES):
        lines += [
            f"vsar $v00, {acc}",
            f"sqv $v00, {acc_out - vreg_out + 16 * index}, {_TEMP}",
        ]
    lines += ["break", "nop"]
    return lines


def generate(
    seed: int,
    *,
    min_body: int = 10,
    max_body: int = 60,
    include_vmulu: bool = False,
    batch: int = 1,
) -> RandomProgram:
    """The random program of `seed` (same seed, same program).

    With `batch` > 1 the program gets that many start images
    (`RandomProgram.variants`) that share the GPR seeds; branches then only
    test registers that do not depend on other data, so every variant
    follows the same path (as the simulator's batch mode requires).
    """
    rng = random.Random(seed)
    dmem, rdram = _seed_images(rng)
    variants = [(dmem, rdram)]
    gpr_start, gpr_size = DMEM_LAYOUT["gpr_seed"]
    for _ in range(batch - 1):
        other, other_rdram = _seed_images(rng)
        shared = other[:gpr_start] + dmem[gpr_start : gpr_start + gpr_size]
        variants.append((shared + other[gpr_start + gpr_size :], other_rdram))
    builder = _Builder(rng, include_vmulu=include_vmulu, uniform_control=batch > 1)
    prologue = _prologue(builder)
    body: list[str] = []
    target = rng.randrange(min_body, max_body + 1)
    while sum(1 for line in body if not line.endswith(":")) < target:
        body += builder.random_chunk()
    lines = [
        f"# random RSP program, seed {seed} (n64c.sim.z64.randprog)",
        "#include <rsp.inc>",
        "",
        ".set noreorder",
        ".text",
        "",
        *_indent(prologue),
        "# body",
        *_indent(body),
        "# epilogue",
        *_indent(_epilogue()),
    ]
    text = "\n".join(lines) + "\n"
    return RandomProgram(seed, text, dmem, rdram, tuple(body), tuple(variants))


def _indent(lines: list[str]) -> list[str]:
    return [line if line.endswith(":") else "    " + line for line in lines]


def describe_state(dmem: bytes) -> dict[str, object]:
    """The machine state an epilogue stored: GPRs by name, flags, vector
    registers and accumulator slices as lists of lanes (unsigned 16-bit)."""

    def words(offset: int, count: int) -> list[int]:
        return [
            int.from_bytes(dmem[offset + 4 * i : offset + 4 * i + 4], "big")
            for i in range(count)
        ]

    def halves(offset: int, count: int) -> list[int]:
        return [
            int.from_bytes(dmem[offset + 2 * i : offset + 2 * i + 2], "big")
            for i in range(count)
        ]

    state: dict[str, object] = {}
    for name, value in zip(
        GPR_NAMES, words(DMEM_LAYOUT["gpr_out"][0], 32), strict=True
    ):
        state[name] = value
    for name, value in zip(
        ("VCO", "VCC", "VCE"), words(DMEM_LAYOUT["flag_out"][0], 3), strict=True
    ):
        state[name] = value
    vreg_out = DMEM_LAYOUT["vreg_out"][0]
    for i in range(32):
        state[f"$v{i:02d}"] = halves(vreg_out + 16 * i, 8)
    acc_out = DMEM_LAYOUT["acc_out"][0]
    for index, name in enumerate(("ACC_HI", "ACC_MD", "ACC_LO")):
        state[name] = halves(acc_out + 16 * index, 8)
    return state


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print a random RSP test program.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-body", type=int, default=10)
    parser.add_argument("--max-body", type=int, default=60)
    parser.add_argument(
        "--batch", type=int, default=1, help="start images (batch mode)"
    )
    args = parser.parse_args(argv)
    program = generate(
        args.seed, min_body=args.min_body, max_body=args.max_body, batch=args.batch
    )
    print(program.text, end="")


if __name__ == "__main__":
    main()
