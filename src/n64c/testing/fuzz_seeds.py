"""The valid inputs the input fuzzer mutates: small models built in code,
their inputs and calibration data, compiled output directories, MLIR text
in custom and generic form, RSP assembly, IMEM/DMEM images and pass
pipelines.

Everything is deterministic (fixed seeds) and small, so that a mutated
case runs in well under a second. `seed_corpus()` builds it once per
process.
"""

from __future__ import annotations

import functools
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17

SQUARE_ASM = """\
# Squares lane 0 of b into every lane and stores it.
    .text
    ori t0, zero, 0x10
    lqv $v01, 0, t0
    vmudh $v02, $v01, $v01.e0
    sqv $v02, 0x20, zero
    break
    .data
    .align 4
a:  .half 0, 0, 0, 0
b:  .half 3, 4, 5, 6, -7, 8, 9, 10
"""

LOOP_ASM = """\
#include <rsp.inc>
    .set noreorder
    .data
    .align 4
table:  .half 1, 2, 3, 4, 5, 6, 7, 8
count:  .word 5
    .space 4
    .text
start:
    li s0, %lo(table)
    lqv $v01, 0, s0
    vxor $v04, $v04, $v04
    lw t1, %lo(count)(zero)
loop:
    vaddc $v04, $v04, $v01
    bnez t1, loop
    addiu t1, t1, -1
    vmudh $v05, $v01, $v01.e3
    vmadh $v05, $v01, $v04.h1
    vsar $v06, COP2_ACC_HI
    sqv $v06, 16, s0
    ssv $v05.e1, -2, s0
    mfc2 t0, $v06.b3
    sw t0, %lo(count)(zero)
    break
"""


@dataclass(frozen=True)
class ModelSeed:
    """A small model and the files that go with it."""

    name: str
    onnx: bytes
    input: bytes
    """`.npy` (one input) or `.npz` (keyed by input name), a batch of 2."""
    input_suffix: str
    calibration: bytes
    calibration_suffix: str
    outdir: dict[str, bytes]
    """The compiled output directory, file name -> contents."""
    imported_mlir: str
    quantized_mlir: str


@dataclass(frozen=True)
class SeedCorpus:
    models: tuple[ModelSeed, ...]
    mlir: dict[str, str]
    """MLIR text by name: custom (`*.mlir`) and generic (`*.generic.mlir`)."""
    asm: dict[str, str]
    images: dict[str, tuple[bytes, bytes]]
    """(IMEM, DMEM) images of assembled programs, by name."""
    pipelines: tuple[str, ...]

    def model(self, name: str) -> ModelSeed:
        return next(m for m in self.models if m.name == name)


def _const(name: str, array: np.ndarray) -> TensorProto:
    return numpy_helper.from_array(np.ascontiguousarray(array, np.float32), name)


def _model(graph: onnx.GraphProto) -> bytes:
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="n64c-fuzz",
    )
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def mlp_model() -> bytes:
    """x[1,16] -> Gemm 8 + Relu -> Gemm 4 -> Softmax."""
    rng = np.random.default_rng(1)
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1", transB=1),
        helper.make_node("Relu", ["h"], ["hr"], name="relu1"),
        helper.make_node("Gemm", ["hr", "w2", "b2"], ["z"], name="fc2", alpha=0.5),
        helper.make_node("Softmax", ["z"], ["y"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "mlp_tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        [
            _const("w1", rng.normal(0, 0.3, (8, 16))),
            _const("b1", rng.normal(0, 0.1, 8)),
            _const("w2", rng.normal(0, 0.3, (8, 4))),
            _const("b2", rng.normal(0, 0.1, 4)),
        ],
    )
    return _model(graph)


def cnn_model() -> bytes:
    """img[1,1,6,6] -> Conv 3x3 (2) + BatchNorm + Relu -> MaxPool 2x2 ->
    Flatten -> Gemm 3."""
    rng = np.random.default_rng(2)
    nodes = [
        helper.make_node(
            "Conv",
            ["img", "cw", "cb"],
            ["c"],
            name="conv",
            kernel_shape=[3, 3],
            pads=[1, 1, 1, 1],
            strides=[1, 1],
        ),
        helper.make_node(
            "BatchNormalization",
            ["c", "bn_s", "bn_b", "bn_m", "bn_v"],
            ["bn"],
            name="bn",
            epsilon=1e-5,
        ),
        helper.make_node("Relu", ["bn"], ["r"], name="relu"),
        helper.make_node(
            "MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]
        ),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["logits"], name="fc"),
    ]
    graph = helper.make_graph(
        nodes,
        "cnn_tiny",
        [helper.make_tensor_value_info("img", TensorProto.FLOAT, [1, 1, 6, 6])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])],
        [
            _const("cw", rng.normal(0, 0.4, (2, 1, 3, 3))),
            _const("cb", rng.normal(0, 0.1, 2)),
            _const("bn_s", rng.uniform(0.5, 1.5, 2)),
            _const("bn_b", rng.normal(0, 0.1, 2)),
            _const("bn_m", rng.normal(0, 0.1, 2)),
            _const("bn_v", rng.uniform(0.5, 1.5, 2)),
            _const("fw", rng.normal(0, 0.3, (18, 3))),
            _const("fb", rng.normal(0, 0.1, 3)),
        ],
    )
    return _model(graph)


def two_input_model() -> bytes:
    """a[1,8] + b[1,8] -> Relu -> MatMul 4 -> Sigmoid (inputs by name: .npz)."""
    rng = np.random.default_rng(3)
    nodes = [
        helper.make_node("Add", ["a", "b"], ["s"], name="add"),
        helper.make_node("Relu", ["s"], ["r"], name="relu"),
        helper.make_node("MatMul", ["r", "w"], ["m"], name="matmul"),
        helper.make_node("Sigmoid", ["m"], ["out"], name="sigmoid"),
    ]
    graph = helper.make_graph(
        nodes,
        "two_inputs",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 8]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 8]),
        ],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 4])],
        [_const("w", rng.normal(0, 0.4, (8, 4)))],
    )
    return _model(graph)


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


def _model_seed(name: str, onnx_bytes: bytes, work: Path) -> ModelSeed:
    from n64c.api import compile as compile_model
    from n64c.frontend.onnx import import_onnx

    rng = np.random.default_rng(len(name))
    proto = onnx.ModelProto.FromString(onnx_bytes)
    shapes = {
        i.name: tuple(d.dim_value for d in i.type.tensor_type.shape.dim)
        for i in proto.graph.input
    }

    def batch(count: int) -> dict[str, np.ndarray]:
        return {
            n: rng.uniform(-1, 1, (count, *s)).astype(np.float32)
            for n, s in shapes.items()
        }

    if len(shapes) == 1:
        (x,) = batch(2).values()
        (c,) = batch(16).values()
        inp, inp_suffix, cal, cal_suffix = _npy(x), ".npy", _npy(c), ".npy"
    else:
        inp, inp_suffix = _npz(batch(2)), ".npz"
        cal, cal_suffix = _npz(batch(16)), ".npz"
    model_path = work / f"{name}.onnx"
    model_path.write_bytes(onnx_bytes)
    cal_path = work / f"{name}_calib{cal_suffix}"
    cal_path.write_bytes(cal)
    compiled = compile_model(model_path, calibration=cal_path)
    outdir = compiled.save(work / f"{name}_out")
    files = {p.name: p.read_bytes() for p in sorted(outdir.iterdir())}
    imported = import_onnx(model_path)
    return ModelSeed(
        name=name,
        onnx=onnx_bytes,
        input=inp,
        input_suffix=inp_suffix,
        calibration=cal,
        calibration_suffix=cal_suffix,
        outdir=files,
        imported_mlir=str(imported) + "\n",
        quantized_mlir=files["model.int16.mlir"].decode(),
    )


def _generic(text: str) -> str:
    from xdsl.printer import Printer

    from n64c.ir_io import parse_module

    out = io.StringIO()
    Printer(stream=out, print_generic_format=True).print_op(
        parse_module(text, "<seed>")
    )
    return out.getvalue() + "\n"


@functools.cache
def seed_corpus() -> SeedCorpus:
    """Build (once per process) every seed input the fuzzer mutates."""
    from n64c.backend.rsp_asm import parse_asm
    from n64c.backend.rsp_encode import encode_program
    from n64c.sim.z64.randprog import generate

    with tempfile.TemporaryDirectory(prefix="n64c-fuzz-seeds-") as tmp:
        work = Path(tmp)
        models = tuple(
            _model_seed(name, data, work)
            for name, data in (
                ("mlp", mlp_model()),
                ("cnn", cnn_model()),
                ("two_inputs", two_input_model()),
            )
        )
    mlir: dict[str, str] = {}
    for m in models:
        mlir[f"{m.name}.imported.mlir"] = m.imported_mlir
        mlir[f"{m.name}.int16.mlir"] = m.quantized_mlir
        mlir[f"{m.name}.compiled.mlir"] = m.outdir["model.mlir"].decode()
    for name in list(mlir):
        if not name.startswith("cnn.compiled"):  # the largest; custom form only
            mlir[name.replace(".mlir", ".generic.mlir")] = _generic(mlir[name])
    asm = {
        "square.S": SQUARE_ASM,
        "loop.S": LOOP_ASM,
        "mlp_ucode.S": models[0].outdir["rsp_model.S"].decode(),
        "random1.S": generate(1, min_body=10, max_body=30).text,
        "random2.S": generate(2, min_body=10, max_body=30).text,
    }
    images = {}
    for name, text in asm.items():
        image = encode_program(parse_asm(text, name))
        images[name.removesuffix(".S")] = (bytes(image.imem), bytes(image.dmem))
    return SeedCorpus(
        models=models,
        mlir=mlir,
        asm=asm,
        images=images,
        pipelines=PIPELINES,
    )


PIPELINES = (
    "n64-cleanup",
    "fold-batchnorm,canonicalize-reshapes,fuse-activation",
    "n64-cleanup,quantize-int16",
    'quantize-int16{calibration="$CAL" percentile=99.9}',
    "n64-compile",
    'n64-compile{calibration="$CAL" memory="8MiB"}',
    "n64-cleanup,quantize-int16,tile-for-dmem,allocate-dmem,plan-rdram",
    "n64-cleanup,quantize-int16,tile-for-dmem,allocate-dmem,plan-rdram,"
    "lower-to-rsp,rsp-allocate-registers,rsp-schedule",
    "canonicalize,cse,n64-cleanup",
    "n64-compile{dmem=4096 reserve=1048576 percentile=99}",
    "builtin.module(n64-cleanup)",
)
"""Pass pipelines over an imported module; `$CAL` is the calibration file."""
