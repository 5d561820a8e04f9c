"""The test ROM: the whole compiled program on mupen64plus.

Image layout and output parsing on their own; then the digits MLP, the
digits CNN and a small residual CNN, with their weights in RDRAM and in
the cartridge (`--weights rom`, streamed by PI DMA), each built into one
ROM with several inputs and run on the emulator: the int16 outputs equal the golden model's
bit for bit, the float32 outputs are within float32 rounding of them.
Last, the one-line errors: no emulator, a time-out and a crash (with the
PC the ROM's exception handler reports).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from n64c.api import CompiledModel
from n64c.api import compile as compile_model
from n64c.backend.rom import emulator
from n64c.backend.rom.build import build_boot, link_program
from n64c.backend.rom.emulator import parse_outputs, run_rom
from n64c.backend.rom.layout import (
    ENTRY_POINT,
    HEADER_MAGIC,
    PROGRAM_OFFSET,
    TABLE_MAGIC,
    rom_image,
    sample_records,
)
from n64c.errors import N64cError
from n64c.sim.int_engine import run_int, run_int_raw

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_image_layout() -> None:
    floats = [np.array([[1.5, -2.0], [0.25, 3.0]], dtype=np.float32)]
    ints = [np.array([[1, -2], [300, -32768]], dtype=np.int16)]
    records, stride, fbytes, qbytes = sample_records(floats, ints)
    assert (stride, fbytes, qbytes) == (16, 8, 4)
    # big-endian whatever the host's order
    assert records[:8] == struct.pack(">ff", 1.5, -2.0)
    assert records[8:12] == struct.pack(">hh", 1, -2)
    assert records[16 + 8 : 16 + 12] == struct.pack(">hh", 300, -32768)
    image, layout = rom_image(b"\1" * 8, b"\2" * 20, b"\3" * 5, records, 2, 16, 8, 4)
    assert len(image) == layout.size == 1 << 20
    magic, _, entry = struct.unpack(">III", image[:12])
    assert (magic, entry) == (HEADER_MAGIC, ENTRY_POINT)
    assert struct.unpack(">I", image[0x18:0x1C])[0] == layout.program_size == 32
    assert image[PROGRAM_OFFSET : PROGRAM_OFFSET + 20] == b"\2" * 20
    assert layout.table_offset == PROGRAM_OFFSET + 32
    table = struct.unpack(">9I", image[layout.table_offset : layout.table_offset + 36])
    assert table == (
        TABLE_MAGIC, 1, layout.weights_offset, 5, layout.samples_offset, 2, 16, 8, 4,
    )  # fmt: skip
    assert image[layout.samples_offset : layout.samples_offset + 32] == records


def test_parse_outputs() -> None:
    lines = [
        "N64C BEGIN 2 1",
        "N64C Q 0 0 0 0001 ffff",
        "N64C F 0 0 0 3f800000 bf800000",
        "N64C T 0 10 20",
        "N64C Q 1 0 0 7fff 8000",
        "N64C F 1 0 0 00000000 40000000",
        "N64C T 1 11 21",
        "N64C END",
    ]
    out = parse_outputs(lines, [2], True)
    assert out.q is not None
    assert out.q[0].tolist() == [[1, -1], [32767, -32768]]
    assert out.f[0].tolist() == [[1.0, -1.0], [0.0, 2.0]]
    assert out.count_f.tolist() == [20, 21]
    with pytest.raises(N64cError, match="incomplete"):
        parse_outputs(lines[:3], [2], True)


def _check_on_emulator(cm: CompiledModel, x: np.ndarray) -> None:
    """Run `x` (a batch) on mupen64plus and compare with the golden model."""
    assert cm.quantized is not None
    name = cm.input_names[0]
    got = cm.run_dict({name: x}, "mupen64plus")
    run = cm.last_emulator_run
    assert run is not None and run.raw.q is not None
    raw = run_int_raw(cm.quantized, {name: x})
    golden = run_int(cm.quantized, {name: x})
    for i, out in enumerate(cm.output_names):
        values, frac = raw[out]
        assert frac is not None
        assert np.array_equal(run.raw.q[i], values.reshape(len(x), -1)), out
        np.testing.assert_allclose(got[out], golden[out], rtol=2e-6, atol=1e-30)
    assert (run.raw.count_f > 0).all()


@pytest.mark.parametrize("weights", ["rdram", "rom"])
@pytest.mark.parametrize("model", ["mlp_digits", "cnn_digits"])
def test_examples_on_emulator(model: str, weights: str) -> None:
    cm = compile_model(
        EXAMPLES / f"{model}.onnx",
        calibration=EXAMPLES / f"{model}_calib.npy",
        weights=weights,
    )
    x = np.load(EXAMPLES / f"{model}_input.npy").astype(np.float32)[:4]
    _check_on_emulator(cm, x)


def _residual_cnn() -> onnx.ModelProto:
    rng = np.random.default_rng(7)

    def init(name: str, *shape: int) -> onnx.TensorProto:
        scale = 1.0 / np.sqrt(np.prod(shape[1:]))
        values = (rng.standard_normal(shape) * scale).astype(np.float32)
        return numpy_helper.from_array(values, name)

    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "r1"], ["s"]),
        helper.make_node("Relu", ["s"], ["r2"]),
        helper.make_node("MaxPool", ["r2"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["logits"], transB=1),
        helper.make_node("Softmax", ["logits"], ["y"], axis=1),
    ]
    inits = [
        init("w1", 8, 1, 3, 3), init("b1", 8), init("w2", 8, 8, 3, 3), init("b2", 8),
        init("w3", 10, 8 * 4 * 4), init("b3", 10),
    ]  # fmt: skip
    graph = helper.make_graph(
        nodes,
        "residual",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


@pytest.mark.parametrize("weights", ["rdram", "rom"])
def test_residual_cnn_on_emulator(weights: str) -> None:
    rng = np.random.default_rng(3)
    calib = rng.random((16, 1, 1, 8, 8)).astype(np.float32)
    cm = compile_model(_residual_cnn(), calibration=calib, weights=weights)
    x = rng.random((3, 1, 1, 8, 8)).astype(np.float32)
    _check_on_emulator(cm, x)


def test_missing_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("N64C_MUPEN64PLUS", "/nonexistent/mupen64plus")
    with pytest.raises(N64cError, match="N64C_MUPEN64PLUS names"):
        emulator.find_emulator()
    monkeypatch.delenv("N64C_MUPEN64PLUS")
    monkeypatch.setattr(emulator.shutil, "which", lambda _name: None)
    monkeypatch.setattr(emulator, "EMULATOR_DIRS", ())
    with pytest.raises(N64cError, match="mupen64plus-ui-console"):
        emulator.find_emulator()


def _tiny_rom(tmp_path: Path, body: str) -> Path:
    """A ROM whose program is `main` = `body` (with the runtime)."""
    source = tmp_path / "main.c"
    source.write_text(
        '#include "n64c_rom.h"\nint main(void);\nint main(void)\n{\n' + body + "\n}\n"
    )
    program = link_program([source], tmp_path)
    boot = build_boot(tmp_path)
    image, _ = rom_image(boot, program, b"", b"", 0, 16, 0, 0)
    rom = tmp_path / "tiny.z64"
    rom.write_bytes(image)
    return rom


def test_crash_names_the_pc(tmp_path: Path) -> None:
    rom = _tiny_rom(
        tmp_path,
        "    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)0x00400000u;\n"
        '    n64c_puts("N64C BEGIN 0 0\\n");\n'
        "    return (int)*p;",
    )
    with pytest.raises(
        N64cError, match=r"crashed: TLB miss on load at pc=0x800[0-9a-f]{5} "
    ):
        run_rom(rom, timeout=60)


def test_hang_times_out(tmp_path: Path) -> None:
    rom = _tiny_rom(
        tmp_path, '    n64c_puts("N64C BEGIN 0 0\\n");\n    for (;;)\n        ;'
    )
    with pytest.raises(N64cError, match="did not finish within 3 s"):
        run_rom(rom, timeout=3)
