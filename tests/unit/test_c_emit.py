"""The generated C: warning-free builds for the host and the VR4300, and a
native build (every RSP run on the z64 core) that reproduces the golden
integer model bit for bit."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

import n64c
from n64c.api import CompiledModel
from n64c.backend.c_emit import KERNELS, emit_c
from n64c.backend.host_runtime import build_native, run_native
from n64c.sim.int_engine import quantize, run_int, run_int_raw

HOST_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror"]
MIPS_FLAGS = ["-march=vr4300", "-mabi=32", "-EB", "-Wall", "-Werror"]

# The libdragon declarations the console driver uses (signatures as in
# libdragon's headers), so that its `#ifdef N64` part is compiled too.
LIBDRAGON_STUB = """\
#include <stdint.h>
#define PhysicalAddr(a) ((unsigned long)(a) & 0x1FFFFFFF)
void data_cache_hit_writeback(volatile const void *, unsigned long);
void data_cache_hit_writeback_invalidate(volatile void *, unsigned long);
void rsp_init(void);
void rsp_load_code(void *code, unsigned long size, unsigned int imem_offset);
void rsp_load_data(void *data, unsigned long size, unsigned int dmem_offset);
void rsp_run(void);
"""


def _define(header: str, name: str) -> int:
    for line in header.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[:2] == ["#define", name]:
            return int(parts[2].rstrip("u"))
    raise AssertionError(f"{name} not in model.h")


@pytest.fixture(scope="module")
def mlp(
    examples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CompiledModel, Path]:
    cm = n64c.compile(
        examples_dir / "mlp_digits.onnx",
        calibration=examples_dir / "mlp_digits_calib.npy",
    )
    out = tmp_path_factory.mktemp("mlp") / "out"
    cm.save(out)
    return cm, out


@pytest.fixture(scope="module")
def cnn(
    examples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CompiledModel, Path]:
    cm = n64c.compile(
        examples_dir / "cnn_digits.onnx",
        calibration=examples_dir / "cnn_digits_calib.npy",
    )
    out = tmp_path_factory.mktemp("cnn") / "out"
    cm.save(out)
    return cm, out


def _compile(compiler: str, flags: list[str], out: Path, *extra: str) -> None:
    done = subprocess.run(
        [
            compiler,
            *flags,
            *extra,
            "-c",
            str(out / "model.c"),
            "-o",
            str(out / f"{compiler}.o"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize("which", ["mlp", "cnn"])
def test_builds_without_warnings(which: str, request: pytest.FixtureRequest) -> None:
    _cm, out = request.getfixturevalue(which)
    _compile("gcc", HOST_FLAGS, out)
    _compile("gcc", [*HOST_FLAGS, "-O2", "-pedantic"], out)
    _compile("mips-linux-gnu-gcc", MIPS_FLAGS, out)
    _compile("mips-linux-gnu-gcc", [*MIPS_FLAGS, "-O2", "-Wextra"], out)


def test_console_driver_compiles(
    mlp: tuple[CompiledModel, Path], tmp_path: Path
) -> None:
    _cm, out = mlp
    (tmp_path / "libdragon.h").write_text(LIBDRAGON_STUB)
    _compile(
        "mips-linux-gnu-gcc", [*MIPS_FLAGS, "-Wextra", "-DN64", f"-I{tmp_path}"], out
    )
    source = (out / "model.c").read_text()
    assert "rsp_load_code((void *)job->imem, job->imem_size, 0);" in source


def test_header_describes_the_model(mlp: tuple[CompiledModel, Path]) -> None:
    cm, out = mlp
    header = (out / "model.h").read_text()
    quantize_op = next(
        op
        for op in cm.quantized.walk()
        if op.name == "n64.quantize"  # type: ignore[union-attr]
    )
    assert _define(header, "N64C_MODEL_INPUT0_SIZE") == 64
    assert _define(header, "N64C_MODEL_OUTPUT0_SIZE") == 10
    assert (
        _define(header, "N64C_MODEL_INPUT0_FRAC_BITS")
        == quantize_op.frac_bits.value.data
    )  # type: ignore[attr-defined]
    assert _define(header, "N64C_MODEL_WEIGHTS_SIZE") == len(cm.program.weights)
    assert (out / "weights.bin").read_bytes() == cm.program.weights
    assert _define(header, "N64C_MODEL_ARENA_SIZE") % 16 == 0
    assert _define(header, "N64C_MODEL_ARENA_SIZE") >= cm.program.layout.total_size
    assert "int n64c_model_run(const float *input, float *output);" in header
    assert "int n64c_model_run_q(const int16_t *input, int16_t *output);" in header


@pytest.mark.parametrize("which, count", [("mlp", 96), ("cnn", 24)])
def test_native_build_on_z64_matches_golden_model(
    which: str, count: int, request: pytest.FixtureRequest, examples_dir: Path
) -> None:
    cm, out = request.getfixturevalue(which)
    assert cm.quantized is not None
    heldout = np.load(examples_dir / "digits_heldout.npz")["X"].astype(np.float32)
    x = heldout[-count:].reshape(count, *cm.input_shapes[0])
    name = cm.input_names[0]
    raw = run_int_raw(cm.quantized, {name: x})
    golden, _frac = next(iter(raw.values()))
    header = (out / "model.h").read_text()
    xq = quantize(x, _define(header, "N64C_MODEL_INPUT0_FRAC_BITS"))
    exe = build_native(out, out.parent / "build")
    (outputs,), runs = run_native(out, [xq], quantized=True, exe=exe)
    assert runs == count * len(cm.program.invocations)
    assert np.array_equal(outputs, golden.reshape(count, -1))
    # float in and out: the C quantisation is the golden model's, bit for bit
    (floats,), _ = run_native(out, [x], quantized=False, exe=exe)
    reference = next(iter(run_int(cm.quantized, {name: x}).values()))
    np.testing.assert_allclose(floats, reference.reshape(count, -1), rtol=0, atol=2e-6)


def test_weights_file_checks(mlp: tuple[CompiledModel, Path], tmp_path: Path) -> None:
    _cm, out = mlp
    exe = build_native(out, tmp_path / "build")
    x = np.zeros((1, 64), dtype=np.float32)
    bad = tmp_path / "weights.bin"
    bad.write_bytes((out / "weights.bin").read_bytes()[:-2])
    done = subprocess.run([str(exe), str(bad), "f", "1", "/dev/null", "/dev/null"],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1
    assert "loading" in done.stderr and "(-2)" in done.stderr
    missing = subprocess.run([str(exe), str(tmp_path / "none.bin"), "f", "1", "/dev/null", "/dev/null"],
                             capture_output=True, text=True)  # fmt: skip
    assert "(-3)" in missing.stderr
    del x


QUANTIZE_HARNESS = """\
#include <stdint.h>
#include <stdio.h>
%s
int main(void)
{
    static float x[%d];
    static int16_t q[%d];
    if (fread(x, sizeof(float), %d, stdin) != %d) return 1;
    n64c_quantize(x, q, %du, %s);
    fwrite(q, sizeof(int16_t), %d, stdout);
    return 0;
}
"""


@pytest.mark.parametrize("frac_bits", [-3, 0, 7, 14, 30])
def test_c_quantize_is_the_golden_rounding(frac_bits: int, tmp_path: Path) -> None:
    rng = np.random.default_rng(frac_bits + 100)
    ties = (np.arange(-40, 40) + 0.5) * np.float32(2.0**-frac_bits)
    special = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e30, -1e30, 32767.4, -32768.6]
    values = np.concatenate(
        [
            ties,
            np.float32(2.0**-frac_bits) * np.array(special, dtype=np.float32),
            rng.standard_normal(4000) * np.float32(2.0 ** (12 - frac_bits)),
            rng.uniform(-1, 1, 1000) * np.float32(2.0 ** (15 - frac_bits)),
        ]
    ).astype(np.float32)
    n = values.size
    scale = float(2.0**frac_bits).hex() + "f"
    c = tmp_path / "q.c"
    c.write_text(QUANTIZE_HARNESS % (KERNELS["quantize"], n, n, n, n, n, scale, n))
    exe = tmp_path / "q"
    built = subprocess.run(["gcc", *HOST_FLAGS, "-O2", str(c), "-o", str(exe)],
                           capture_output=True, text=True)  # fmt: skip
    assert built.returncode == 0, built.stderr
    done = subprocess.run([str(exe)], input=values.tobytes(), capture_output=True)
    assert done.returncode == 0
    ours = np.frombuffer(done.stdout, dtype=np.int16)
    with np.errstate(invalid="ignore", over="ignore"):
        golden = quantize(values, frac_bits)
    assert np.array_equal(ours, golden)


def test_emit_is_deterministic(mlp: tuple[CompiledModel, Path]) -> None:
    cm, out = mlp
    again = emit_c(cm.program, cm.name)
    assert again.source == (out / "model.c").read_text()
    assert again.header == (out / "model.h").read_text()


def test_one_ucode_per_layer_native(examples_dir: Path, tmp_path: Path) -> None:
    """Three RSP runs per inference (`lower-to-rsp{shared=false}`): one
    image set per ucode, each activation left in the arena for the next
    run (no CPU copy between runs: `c_handoffs`)."""
    from xdsl.context import Context

    from n64c.backend.rsp_program import build_rsp_program
    from n64c.frontend.onnx import import_onnx
    from n64c.passes.n64_cleanup import N64CleanupPass
    from n64c.passes.n64_compile import N64CompilePass
    from n64c.passes.quantize_int16 import quantize_int16

    calib = str(examples_dir / "mlp_digits_calib.npy")
    module = import_onnx(examples_dir / "mlp_digits.onnx")
    quantized = module.clone()
    N64CleanupPass().apply(Context(), quantized)
    quantize_int16(quantized, calib)
    N64CompilePass(calibration=calib, shared=False).apply(Context(), module)
    program = build_rsp_program(module)
    assert len(program.invocations) == 3
    cm = CompiledModel("mlp", module, quantized, None, program)
    out = tmp_path / "out"
    cm.save(out)
    for ucode in ("ucode0", "ucode1", "ucode2"):
        assert (out / f"rsp_model_{ucode}.S").is_file()
        assert (out / f"rsp_model_{ucode}.imem.bin").read_bytes() == program.ucodes[
            ucode
        ].imem
    source = (out / "model.c").read_text()
    assert source.count("the previous run left it") == 2
    assert source.count("n64c_pack(n64c_arena") == 1
    assert source.count("n64c_unpack(n64c_t") == 1
    _compile("mips-linux-gnu-gcc", MIPS_FLAGS, out)
    x = np.load(examples_dir / "digits_heldout.npz")["X"][:16].reshape(16, 1, 64)
    header = (out / "model.h").read_text()
    xq = quantize(x, _define(header, "N64C_MODEL_INPUT0_FRAC_BITS"))
    (y,), runs = run_native(out, [xq], quantized=True)
    assert runs == 3 * 16
    golden = next(iter(run_int_raw(quantized, {"input": x}).values()))[0]
    assert np.array_equal(y, golden.reshape(16, -1))


def test_cpu_tensors_share_space_by_liveness(cnn: tuple[CompiledModel, Path]) -> None:
    cm, out = cnn
    defines = [
        line.split()
        for line in (out / "model.c").read_text().splitlines()
        if line.startswith("#define n64c_t")
    ]
    # "#define n64c_tN (n64c_pool_T + OFFSET) /* SIZE */"
    placed = [(d[2].lstrip("("), int(d[4].rstrip(")")), int(d[6])) for d in defines]
    # the int16 pool is smaller than its tensors laid end to end
    text = (out / "model.c").read_text()
    pool = re.search(r"static int16_t n64c_pool_int16_t\[(\d+)\]", text)
    assert pool is not None
    assert int(pool.group(1)) < sum(s for p, _o, s in placed if "int16" in p)
    offsets = [(pool, off) for pool, off, _size in placed]
    assert len(set(offsets)) < len(offsets)
