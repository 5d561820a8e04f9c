"""The input kinds the fuzzer covers and how each one makes a case.

`make_case(kind, seed, index)` builds case number `index` of a campaign
with `seed`: it picks a seed input of that kind, mutates it and picks a
command that reads it. The same (kind, seed, index) always gives the same
case, whatever order or process the cases run in.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable

import numpy as np
import onnx

from n64c.testing import mutators as m
from n64c.testing.fuzz_harness import DIR, Case
from n64c.testing.fuzz_seeds import ModelSeed, SeedCorpus, seed_corpus

SIM_LIMIT = "100000"
"""`--max-instructions` for mutated RSP programs (most loop or run away)."""

PRECIOUS = b"the user's own file: must survive every failed run\n"


def _sometimes_existing(
    rng: random.Random, files: dict[str, bytes], rel: str, content: bytes = PRECIOUS
) -> None:
    """Half the time, the output file exists already (it must survive a failure)."""
    if rng.random() < 0.5:
        files[rel] = content


def _model_files(seed: ModelSeed) -> dict[str, bytes]:
    return {
        "model.onnx": seed.onnx,
        f"x{seed.input_suffix}": seed.input,
        f"calib{seed.calibration_suffix}": seed.calibration,
    }


def _outdir(seed: ModelSeed, name: str = "out") -> dict[str, bytes]:
    return {f"{name}/{rel}": data for rel, data in seed.outdir.items()}


# --- ONNX -------------------------------------------------------------------------

OP_TYPES = (
    "Relu",
    "Sigmoid",
    "Gemm",
    "Conv",
    "MatMul",
    "Add",
    "Softmax",
    "Identity",
    "Dropout",
    "Flatten",
    "Reshape",
    "Transpose",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "BatchNormalization",
    "Concat",
    "LSTM",
    "NoSuchOp",
    "",
)
NEW_ATTRIBUTES = (
    ("group", 2),
    ("group", 0),
    ("dilations", [2, 2]),
    ("strides", [0, 1]),
    ("pads", [1, 1, 1]),
    ("pads", [-1, 0, 0, 0]),
    ("kernel_shape", [7, 7]),
    ("auto_pad", "SAME_UPPER"),
    ("auto_pad", "VALID"),
    ("ceil_mode", 1),
    ("axis", -5),
    ("axis", 3),
    ("transA", 1),
    ("alpha", float("nan")),
    ("beta", 0.0),
    ("epsilon", -1.0),
    ("perm", [1, 0, 2]),
    ("count_include_pad", 1),
)
ELEM_TYPES = (
    onnx.TensorProto.DOUBLE,
    onnx.TensorProto.INT64,
    onnx.TensorProto.FLOAT16,
    onnx.TensorProto.STRING,
    onnx.TensorProto.UNDEFINED,
    onnx.TensorProto.INT8,
    onnx.TensorProto.BOOL,
    99,
)
INTERESTING_INTS = (0, 1, 2, 3, -1, -2, 5, 64, 1000, 2**31 - 1, -(2**31), 2**40)
INTERESTING_FLOATS = (0.0, -1.0, 1e-30, 1e30, float("nan"), float("inf"), 2.5)


def _edges(graph: onnx.GraphProto) -> list[str]:
    names = [i.name for i in graph.input] + [t.name for t in graph.initializer]
    for node in graph.node:
        names += list(node.output)
    return names


def mutate_onnx_model(rng: random.Random, model: onnx.ModelProto) -> str:
    """One structural mutation of `model` (in place); returns what it did."""
    graph = model.graph
    nodes = list(graph.node)
    node = rng.choice(nodes) if nodes else None
    action = rng.randrange(17)
    if action == 0 and node is not None and node.attribute:
        attr = rng.choice(node.attribute)
        if attr.type == onnx.AttributeProto.INT:
            attr.i = rng.choice(INTERESTING_INTS)
            return f"{node.name}.{attr.name} = {attr.i}"
        if attr.type == onnx.AttributeProto.FLOAT:
            attr.f = rng.choice(INTERESTING_FLOATS)
            return f"{node.name}.{attr.name} = {attr.f}"
        if attr.type == onnx.AttributeProto.INTS and attr.ints:
            k = rng.randrange(len(attr.ints))
            attr.ints[k] = rng.choice(INTERESTING_INTS)
            return f"{node.name}.{attr.name}[{k}] = {attr.ints[k]}"
        node.attribute.remove(attr)
        return f"delete {node.name}.{attr.name}"
    if action == 1 and node is not None and node.attribute:
        attr = rng.choice(node.attribute)
        node.attribute.remove(attr)
        return f"delete {node.name}.{attr.name}"
    if action == 2:
        # swap attribute values between two attributes of the same type
        attrs = [(n, a) for n in nodes for a in n.attribute]
        if len(attrs) >= 2:
            (n1, a1), (n2, a2) = rng.sample(attrs, 2)
            name1, name2 = a1.name, a2.name
            c1, c2 = onnx.AttributeProto(), onnx.AttributeProto()
            c1.CopyFrom(a2)
            c1.name = name1
            c2.CopyFrom(a1)
            c2.name = name2
            a1.CopyFrom(c1)
            a2.CopyFrom(c2)
            return f"swap values of {n1.name}.{name1} and {n2.name}.{name2}"
    if action == 3 and node is not None:
        name, value = rng.choice(NEW_ATTRIBUTES)
        for attr in list(node.attribute):
            if attr.name == name:
                node.attribute.remove(attr)
        node.attribute.append(onnx.helper.make_attribute(name, value))
        return f"{node.name}.{name} := {value!r}"
    if action == 4 and node is not None:
        old, node.op_type = node.op_type, rng.choice(OP_TYPES)
        return f"{node.name}: op {old} -> {node.op_type!r}"
    if action == 5 and node is not None:
        graph.node.remove(node)
        return f"delete node {node.name}"
    if action == 6 and node is not None:
        copy = graph.node.add()
        copy.CopyFrom(node)
        return f"duplicate node {node.name}"
    if action == 7 and len(nodes) >= 2:
        i, j = rng.sample(range(len(nodes)), 2)
        a, b = onnx.NodeProto(), onnx.NodeProto()
        a.CopyFrom(graph.node[i])
        b.CopyFrom(graph.node[j])
        graph.node[i].CopyFrom(b)
        graph.node[j].CopyFrom(a)
        return f"swap nodes {i} and {j}"
    if action == 8 and node is not None and (node.input or node.output):
        edges = _edges(graph) + ["", "nowhere"]
        if node.input and rng.random() < 0.7:
            k = rng.randrange(len(node.input))
            node.input[k] = rng.choice(edges)
            return f"{node.name}.input[{k}] = {node.input[k]!r}"
        k = rng.randrange(len(node.output))
        node.output[k] = rng.choice(edges)
        return f"{node.name}.output[{k}] = {node.output[k]!r}"
    if action == 9 and graph.input:
        value = rng.choice(graph.input)
        dims = value.type.tensor_type.shape.dim
        choice = rng.random()
        if dims and choice < 0.5:
            dim = rng.choice(dims)
            if rng.random() < 0.2:
                dim.dim_param = rng.choice(("N", "batch", ""))
                return f"input {value.name}: a dim becomes symbolic"
            dim.dim_value = rng.choice(INTERESTING_INTS)
            return f"input {value.name}: a dim becomes {dim.dim_value}"
        if dims and choice < 0.75:
            dims.remove(rng.choice(dims))
            return f"input {value.name}: drop a dim"
        dims.add().dim_value = rng.choice((1, 2, 3))
        return f"input {value.name}: add a dim"
    if action == 10 and graph.input:
        value = rng.choice(list(graph.input) + list(graph.output))
        value.type.tensor_type.elem_type = rng.choice(ELEM_TYPES)
        return f"{value.name}: elem_type {value.type.tensor_type.elem_type}"
    if action == 11 and graph.initializer:
        tensor = rng.choice(graph.initializer)
        choice = rng.random()
        if choice < 0.3 and tensor.dims:
            k = rng.randrange(len(tensor.dims))
            tensor.dims[k] = rng.choice((0, 1, 2, 3, 7, -1, 2**33))
            return f"initializer {tensor.name}: dims[{k}] = {tensor.dims[k]}"
        if choice < 0.5:
            tensor.data_type = rng.choice(ELEM_TYPES)
            return f"initializer {tensor.name}: data_type {tensor.data_type}"
        if choice < 0.7 and tensor.raw_data:
            cut = rng.randrange(len(tensor.raw_data))
            tensor.raw_data = tensor.raw_data[:cut]
            return f"initializer {tensor.name}: raw data cut to {cut} bytes"
        if tensor.raw_data:
            values = np.frombuffer(tensor.raw_data, np.float32).copy()
            if values.size:
                values[rng.randrange(values.size)] = rng.choice(INTERESTING_FLOATS)
                tensor.raw_data = values.tobytes()
                return f"initializer {tensor.name}: a value becomes special"
        tensor.name = rng.choice(_edges(graph))
        return f"initializer renamed {tensor.name!r}"
    if action == 12:
        opset = model.opset_import[0] if model.opset_import else None
        if opset is not None:
            opset.version = rng.choice((0, 1, 6, 7, 11, 13, 18, 21, 99, -1))
            if rng.random() < 0.2:
                opset.domain = rng.choice(("com.example", "ai.onnx.ml"))
            return f"opset {opset.domain!r} {opset.version}"
    if action == 13:
        model.ir_version = rng.choice((0, 1, 3, 7, 10, 11, 99))
        return f"ir_version {model.ir_version}"
    if action == 14 and graph.output:
        if rng.random() < 0.5:
            graph.output.remove(rng.choice(graph.output))
            return "delete a graph output"
        graph.output[0].name = rng.choice(_edges(graph) + ["missing"])
        return f"graph output renamed {graph.output[0].name!r}"
    if action == 15 and graph.input:
        if rng.random() < 0.5 and len(graph.input) > 0:
            value = rng.choice(graph.input)
            graph.input.remove(value)
            return f"delete graph input {value.name}"
        extra = graph.input.add()
        extra.CopyFrom(graph.input[0])
        extra.name = rng.choice(("extra", graph.input[0].name))
        return f"add graph input {extra.name}"
    if action == 16 and graph.initializer:
        tensor = rng.choice(graph.initializer)
        tensor.data_location = onnx.TensorProto.EXTERNAL
        entry = tensor.external_data.add()
        entry.key, entry.value = (
            "location",
            rng.choice(("weights.bin", "../../etc/passwd", "/dev/zero", "", "x.npy")),
        )
        return f"initializer {tensor.name}: external data at {entry.value!r}"
    return mutate_onnx_model(rng, model)


def mutated_onnx(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A structural mutation (1-2), a byte mutation, or both."""
    choice = rng.random()
    if choice < 0.35:
        return m.mutate_bytes(rng, data)
    model = onnx.ModelProto.FromString(data)
    steps = [mutate_onnx_model(rng, model) for _ in range(rng.choice((1, 1, 2)))]
    out = model.SerializeToString()
    if choice > 0.9:
        out, what = m.mutate_bytes(rng, out, 1)
        steps.append(what)
    return out, "; ".join(steps)


def onnx_case(rng: random.Random, corpus: SeedCorpus) -> Case:
    seed = rng.choice(corpus.models)
    files = _model_files(seed)
    files["model.onnx"], what = mutated_onnx(rng, seed.onnx)
    cal = f"$D/calib{seed.calibration_suffix}"
    x = f"$D/x{seed.input_suffix}"
    choice = rng.randrange(7)
    outputs: tuple[str, ...] = ()
    if choice <= 1:
        args: tuple[str, ...] = ("compile", "$D/model.onnx", "-o", "$D/out")
        if choice == 0:
            args += ("--calibration", cal)
        keep: tuple[str, ...] = ()
        if rng.random() < 0.3:  # an earlier output with a user file in it
            files.update(_outdir(seed))
            files["out/notes.txt"] = PRECIOUS
            keep = ("out/notes.txt",)
        outputs = ("out",)
        return Case("onnx", "n64c", args, files, outputs, what, keep, timeout=30)
    if choice <= 3:
        engine = "float" if choice == 2 else "int"
        args = ("run", "$D/model.onnx", "--input", x, "--engine", engine)
        if engine == "int" and rng.random() < 0.5:
            args += ("--calibration", cal)
        if rng.random() < 0.3:
            _sometimes_existing(rng, files, "y.npz")
            args += ("-o", "$D/y.npz")
            outputs = ("y.npz",)
        return Case("onnx", "n64c", args, files, outputs, what)
    if choice == 4:
        return Case(
            "onnx", "n64c", ("report", "$D/model.onnx", "--calibration", cal), files,
            (), what, timeout=30,
        )  # fmt: skip
    args = ("$D/model.onnx",)
    if choice == 5:
        args += ("-p", "n64-cleanup")
    if rng.random() < 0.3:
        _sometimes_existing(rng, files, "result.mlir")
        args += ("-o", "$D/result.mlir")
        outputs = ("result.mlir",)
    return Case("onnx", "n64-opt", args, files, outputs, what)


# --- MLIR -------------------------------------------------------------------------


def _mlir_commands(name: str, cal: str) -> list[tuple[str, ...]]:
    if ".imported" in name:
        return [
            (),
            ("-p", "n64-cleanup"),
            ("-p", "n64-compile"),
            ("-p", f'n64-compile{{calibration="{cal}"}}'),
            ("-p", "n64-cleanup,quantize-int16", "--print-op-generic"),
        ]
    if ".int16" in name:
        return [
            (),
            ("-p", "tile-for-dmem,allocate-dmem,plan-rdram"),
            (
                "-p",
                "tile-for-dmem,allocate-dmem,plan-rdram,lower-to-rsp,"
                "rsp-allocate-registers,rsp-schedule",
                "-t",
                "c",
            ),
        ]
    return [(), ("-t", "rsp-asm"), ("-t", "c"), ("-t", "rsp-bin")]


def mlir_case(rng: random.Random, corpus: SeedCorpus, generic: bool) -> Case:
    names = sorted(n for n in corpus.mlir if (".generic." in n) == generic)
    name = rng.choice(names)
    model = corpus.model(name.split(".")[0])
    text = corpus.mlir[name].encode()
    data, what = m.mutate_text_file(rng, text)
    files = {"input.mlir": data, f"calib{model.calibration_suffix}": model.calibration}
    cal = f"$D/calib{model.calibration_suffix}"
    kind = "mlir-generic" if generic else "mlir"
    what = f"{name}: {what}"
    if rng.random() < 0.25:  # `n64c run` / `n64c report` read IR of any stage
        files[f"x{model.input_suffix}"] = model.input
        if rng.random() < 0.3:
            args: tuple[str, ...] = ("report", "$D/input.mlir")
        else:
            engines = ("float", "int") if ".imported" in name else ("int", "sim")
            engine = rng.choice(engines if ".compiled" not in name else ("sim",))
            args = ("run", "$D/input.mlir", "--input", f"$D/x{model.input_suffix}")
            args += ("--engine", engine)
        return Case(kind, "n64c", args, files, (), what, timeout=30)
    args = ("$D/input.mlir", *rng.choice(_mlir_commands(name, cal)))
    outputs: tuple[str, ...] = ()
    if rng.random() < 0.3:
        _sometimes_existing(rng, files, "result.out")
        args += ("-o", "$D/result.out")
        outputs = ("result.out",)
    if rng.random() < 0.1:
        args += ("--split-input-file",)
    return Case(kind, "n64-opt", args, files, outputs, what, timeout=20)


# --- RSP programs -------------------------------------------------------------------


def asm_case(rng: random.Random, corpus: SeedCorpus) -> Case:
    name = rng.choice(sorted(corpus.asm))
    data, what = m.mutate_text_file(rng, corpus.asm[name].encode())
    files = {"prog.S": data}
    choice = rng.randrange(5)
    outputs: tuple[str, ...] = ()
    if choice <= 1:
        args: tuple[str, ...] = ("sim", "$D/prog.S", "--max-instructions", SIM_LIMIT)
        if choice == 1:
            _sometimes_existing(rng, files, "dump.bin")
            args += ("--dump-dmem", "$D/dump.bin")
            outputs = ("dump.bin",)
        tool = "n64c"
    elif choice == 2:
        _sometimes_existing(rng, files, "prog.bin")
        _sometimes_existing(rng, files, "prog.dmem.bin")
        args = ("asm", "$D/prog.S", "-o", "$D/prog.bin")
        outputs = ("prog.bin", "prog.dmem.bin?")
        tool = "n64c"
    else:
        tool = "n64-opt"
        args = ("$D/prog.S", *rng.choice(((), ("-t", "rsp-asm"), ("-t", "rsp-bin"))))
        if rng.random() < 0.3:
            _sometimes_existing(rng, files, "result.out")
            args += ("-o", "$D/result.out")
            outputs = ("result.out",)
    return Case("asm", tool, args, files, outputs, f"{name}: {what}")


def _image_mutation(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    if rng.random() < 0.4:
        return m.set_word(rng, data)
    return m.mutate_bytes(rng, data)


def image_case(rng: random.Random, corpus: SeedCorpus, part: str) -> Case:
    name = rng.choice(sorted(corpus.images))
    imem, dmem = corpus.images[name]
    if part == "imem":
        imem, what = _image_mutation(rng, imem)
    else:
        dmem, what = _image_mutation(rng, dmem or bytes(16))
        if rng.random() < 0.05:
            dmem, what = dmem * 200, "DMEM image longer than 4 KiB"
    files = {"prog.bin": imem}
    args: tuple[str, ...] = ("sim", "$D/prog.bin", "--max-instructions", SIM_LIMIT)
    if dmem or part == "dmem":
        files["data.bin"] = dmem
        args += ("--dmem", "$D/data.bin")
    outputs: tuple[str, ...] = ()
    if rng.random() < 0.4:
        _sometimes_existing(rng, files, "dump.bin")
        args += ("--dump-dmem", "$D/dump.bin")
        outputs = ("dump.bin",)
    return Case(part, "n64c", args, files, outputs, f"{name}: {what}")


# --- arrays ---------------------------------------------------------------------------


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    return buf.getvalue()


ARRAY_EDITS: tuple[Callable[[np.ndarray], np.ndarray], ...] = (
    lambda a: a[:0],
    lambda a: a.reshape(-1),
    lambda a: a[..., :-1],
    lambda a: a[None],
    lambda a: np.asarray(a.ravel()[0]),
    lambda a: a.astype(np.float64),
    lambda a: a.astype(np.int8),
    lambda a: a.astype(np.complex64),
    lambda a: a.astype(np.bool_),
    lambda a: a.astype("U3"),
    lambda a: a.astype(object),
    lambda a: np.where(a > 0, np.float32("nan"), a),
    lambda a: a * np.float32(1e38) * 10,
    lambda a: np.concatenate([a, a]),
    lambda a: np.swapaxes(a, 0, -1),
    lambda a: a.astype(np.float16),
    lambda a: a.astype(">f4"),
)


def mutated_array_file(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """A damaged `.npy` / `.npz`: header edits, bytes, or a wrong array."""
    if data.startswith(b"PK"):
        return _mutated_npz(rng, data)
    choice = rng.random()
    if choice < 0.5:
        return m.mutate_npy(rng, data)
    if choice < 0.75:
        return m.mutate_bytes(rng, data)
    index = rng.randrange(len(ARRAY_EDITS))
    array = np.load(io.BytesIO(data))
    with np.errstate(all="ignore"):
        edited = ARRAY_EDITS[index](array)
    return _npy_bytes(edited), f"array edit {index}"


def _mutated_npz(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    if rng.random() < 0.35:
        return m.mutate_bytes(rng, data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    name = rng.choice(sorted(members))
    choice = rng.random()
    if choice < 0.45:
        members[name], what = mutated_array_file(rng, members[name])
        what = f"{name}: {what}"
    elif choice < 0.6:
        members["renamed.npy" if rng.random() < 0.5 else "x"] = members.pop(name)
        what = f"rename {name}"
    elif choice < 0.7:
        del members[name]
        what = f"delete {name}"
    elif choice < 0.8:
        members["extra.npy"] = members[name]
        what = "add extra.npy"
    elif choice < 0.9:
        members = {}
        what = "empty archive"
    else:
        members[name + "/"] = b""
        what = f"add a directory entry {name}/"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buf.getvalue(), what


def input_case(rng: random.Random, corpus: SeedCorpus) -> Case:
    seed = rng.choice(corpus.models)
    files = _model_files(seed)
    x = f"x{seed.input_suffix}"
    files[x], what = mutated_array_file(rng, seed.input)
    choice = rng.randrange(4)
    if choice <= 1:
        files.update(_outdir(seed))
        engine = ("int", "sim")[choice]
        args: tuple[str, ...] = (
            "run",
            "$D/out",
            "--input",
            f"$D/{x}",
            "--engine",
            engine,
        )
    else:
        engine = ("float", "int")[choice - 2]
        args = ("run", "$D/model.onnx", "--input", f"$D/{x}", "--engine", engine)
    outputs: tuple[str, ...] = ()
    if rng.random() < 0.4:
        _sometimes_existing(rng, files, "y.npz")
        args += ("-o", "$D/y.npz")
        outputs = ("y.npz",)
    return Case("npy-input", "n64c", args, files, outputs, what)


def calibration_case(rng: random.Random, corpus: SeedCorpus) -> Case:
    seed = rng.choice(corpus.models)
    files = _model_files(seed)
    cal = f"calib{seed.calibration_suffix}"
    files[cal], what = mutated_array_file(rng, seed.calibration)
    choice = rng.randrange(4)
    outputs: tuple[str, ...] = ()
    if choice == 0:
        args: tuple[str, ...] = (
            "compile", "$D/model.onnx", "-o", "$D/out", "--calibration", f"$D/{cal}",
        )  # fmt: skip
        outputs = ("out",)
        return Case("calibration", "n64c", args, files, outputs, what, timeout=30)
    if choice == 1:
        args = (
            "run", "$D/model.onnx", "--input", f"$D/x{seed.input_suffix}",
            "--engine", "int", "--calibration", f"$D/{cal}",
        )  # fmt: skip
        return Case("calibration", "n64c", args, files, outputs, what)
    files["input.mlir"] = seed.imported_mlir.encode()
    pipeline = (
        f'n64-compile{{calibration="$D/{cal}"}}'
        if choice == 2
        else f'n64-cleanup,quantize-int16{{calibration="$D/{cal}"}}'
    )
    args = ("$D/input.mlir", "-p", pipeline)
    return Case("calibration", "n64-opt", args, files, outputs, what, timeout=30)


# --- compiled output directories ------------------------------------------------------


def mutated_outdir(
    rng: random.Random, files: dict[str, bytes]
) -> tuple[dict[str, bytes], str]:
    files = dict(files)
    name = rng.choice(sorted(files))
    choice = rng.random()
    if choice < 0.12:
        del files[name]
        return files, f"delete {name}"
    if choice < 0.2:
        files[name] = files[name][: rng.randrange(len(files[name]) + 1)]
        return files, f"truncate {name} to {len(files[name])} bytes"
    if choice < 0.25:
        data = files.pop(name)
        files[f"{name}/inner"] = data
        return files, f"{name} becomes a directory"
    target = rng.choice(("model.mlir", "model.mlir", "model.int16.mlir", "report.json"))
    if target not in files:
        target = name
    if target.endswith(".json"):
        files[target], what = m.mutate_json(rng, files[target])
    elif target.endswith(".mlir") or target.endswith(".S") or target.endswith(".c"):
        files[target], what = m.mutate_text_file(rng, files[target])
    else:
        files[target], what = m.mutate_bytes(rng, files[target])
    return files, f"{target}: {what}"


def outdir_case(rng: random.Random, corpus: SeedCorpus) -> Case:
    seed = rng.choice(corpus.models)
    out, what = mutated_outdir(rng, seed.outdir)
    files = {f"out/{rel}": data for rel, data in out.items()}
    files.update(_model_files(seed))
    x = f"$D/x{seed.input_suffix}"
    choice = rng.randrange(6)
    outputs: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    if choice <= 2:
        engine = ("int", "sim", "sim")[choice]
        args: tuple[str, ...] = ("run", "$D/out", "--input", x, "--engine", engine)
        if rng.random() < 0.3:
            _sometimes_existing(rng, files, "y.npz")
            args += ("-o", "$D/y.npz")
            outputs = ("y.npz",)
    elif choice <= 4:
        args = ("report", "$D/out", *(("--json",) if choice == 4 else ()))
    else:
        files["out/notes.txt"] = PRECIOUS
        args = ("compile", "$D/model.onnx", "-o", "$D/out")
        args += ("--calibration", f"$D/calib{seed.calibration_suffix}")
        outputs = ("out",)
        keep = ("out/notes.txt",)
    return Case("outdir", "n64c", args, files, outputs, what, keep, timeout=30)


# --- pass pipelines ---------------------------------------------------------------------

PASS_NAMES = (
    "n64-cleanup",
    "n64-compile",
    "quantize-int16",
    "tile-for-dmem",
    "allocate-dmem",
    "plan-rdram",
    "lower-to-rsp",
    "rsp-allocate-registers",
    "rsp-schedule",
    "fold-batchnorm",
    "fuse-activation",
    "canonicalize-reshapes",
    "canonicalize",
    "no-such-pass",
)
OPTION_TEXTS = (
    "{calibration=}",
    '{calibration=""}',
    '{calibration="/nonexistent.npz"}',
    '{calibration="$D/input.mlir"}',
    "{percentile=101}",
    "{percentile=-0}",
    "{percentile=nan}",
    '{percentile="x"}',
    "{memory=3MiB}",
    '{memory="8MiB"}',
    "{memory=0}",
    "{dmem=-1}",
    "{dmem=0}",
    "{dmem=99999999999}",
    "{reserve=4194304}",
    "{reserve=-5}",
    "{unknown=1}",
    "{section=dmem}",
    "{}",
    "{",
    "}",
)
TARGETS = ("mlir", "rsp-asm", "rsp-bin", "rsp-bin{section=dmem}", "c")


def mutated_pipeline(rng: random.Random, pipeline: str) -> tuple[str, str]:
    choice = rng.random()
    if choice < 0.5:
        return m.mutate_text(rng, pipeline)
    parts = pipeline.split(",")
    k = rng.randrange(len(parts))
    if choice < 0.7:
        parts[k] = rng.choice(PASS_NAMES) + rng.choice(OPTION_TEXTS)
        return ",".join(parts), f"pass {k} -> {parts[k]!r}"
    if choice < 0.85:
        parts.insert(k, rng.choice(PASS_NAMES))
        return ",".join(parts), f"insert {parts[k]!r} at {k}"
    parts = parts[::-1] if rng.random() < 0.5 else parts + parts
    return ",".join(parts), "reversed or doubled"


def pipeline_case(rng: random.Random, corpus: SeedCorpus) -> Case:
    seed = rng.choice(corpus.models)
    cal = f"$D/calib{seed.calibration_suffix}"
    pipeline, what = mutated_pipeline(rng, rng.choice(corpus.pipelines))
    pipeline = pipeline.replace("$CAL", cal)
    files = {
        "input.mlir": seed.imported_mlir.encode(),
        f"calib{seed.calibration_suffix}": seed.calibration,
    }
    args: tuple[str, ...] = ("$D/input.mlir", "-p", pipeline)
    if rng.random() < 0.3:
        target = rng.choice(TARGETS)
        if rng.random() < 0.5:
            target, more = m.mutate_text(rng, target, 1)
            what += f"; target {more}"
        args += ("-t", target)
    return Case(
        "pipeline", "n64-opt", args, files, (), f"{pipeline!r}: {what}", timeout=30
    )


# --- the kinds -----------------------------------------------------------------------------

KINDS: dict[str, Callable[[random.Random, SeedCorpus], Case]] = {
    "onnx": onnx_case,
    "mlir": lambda rng, corpus: mlir_case(rng, corpus, generic=False),
    "mlir-generic": lambda rng, corpus: mlir_case(rng, corpus, generic=True),
    "asm": asm_case,
    "imem": lambda rng, corpus: image_case(rng, corpus, "imem"),
    "dmem": lambda rng, corpus: image_case(rng, corpus, "dmem"),
    "npy-input": input_case,
    "calibration": calibration_case,
    "outdir": outdir_case,
    "pipeline": pipeline_case,
}
"""Every input kind, in the order a campaign cycles through them."""


def make_case(kind: str, seed: int, index: int) -> Case:
    """Case `index` of kind `kind` in the campaign with `seed`."""
    rng = random.Random(f"{seed}:{kind}:{index}")
    case = KINDS[kind](rng, seed_corpus())
    return Case(
        kind=case.kind,
        tool=case.tool,
        args=case.args,
        files=case.files,
        outputs=case.outputs,
        mutation=case.mutation,
        keep=case.keep,
        seed=seed,
        index=index,
        timeout=case.timeout,
    )


__all__ = ["DIR", "KINDS", "make_case"]
