"""The example out-of-tree package (`examples/n64c_example_passes`, which
`scripts/setup.sh` installs) through every entry point: `n64-opt -p`,
`n64c compile --pipeline`, `n64c.compile(..., passes=...)`, `n64c compare`
and the per-layer report, and its error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from n64c_example_passes.claim_spare_bits import ClaimSpareBitsPass
from n64c_example_passes.gemm_as_conv import GemmAsConvPass

import n64c
from n64c.errors import InvalidInputError, N64cError
from n64c.passes.tile_for_dmem import TileForDmemPass
from n64c.pipeline import DEFAULT_PASS_NAMES, available_passes, pipeline_index

LOWERING = ",".join(DEFAULT_PASS_NAMES[2:])
"""The default flow after quantize-int16."""


def tool(name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / name
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True)


def count(text: str, op: str) -> int:
    return sum(1 for line in text.splitlines() if f"= {op} " in line)


def test_the_package_is_installed_with_its_entry_point() -> None:
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="xdsl.universe")}
    assert "n64c_example_passes" in names
    assert {"gemm-as-conv", "conv-as-gemm", "claim-spare-bits"} <= set(
        available_passes()
    )


def test_n64_opt_runs_the_graph_pass(examples_dir: Path) -> None:
    done = tool(
        "n64-opt", examples_dir / "cnn_digits.onnx", "-p", "n64-cleanup,gemm-as-conv"
    )
    assert done.returncode == 0, done.stderr
    assert count(done.stdout, "n64.gemm") == 0
    assert count(done.stdout, "n64.conv2d") == 3


def test_n64_opt_runs_the_quantised_pass(examples_dir: Path) -> None:
    calib = examples_dir / "mlp_digits_calib.npy"
    q = f'n64-cleanup,quantize-int16{{calibration="{calib}"}}'
    plain = tool("n64-opt", examples_dir / "mlp_digits.onnx", "-p", q)
    claimed = tool(
        "n64-opt", examples_dir / "mlp_digits.onnx", "-p",
        f'{q},claim-spare-bits{{calibration="{calib}"}}',
    )  # fmt: skip
    assert plain.returncode == claimed.returncode == 0, claimed.stderr
    frac = [
        [
            line.split("frac_bits ")[-1].split()[0]
            for line in out.stdout.splitlines()
            if "n64.qgemm" in line
        ]
        for out in (plain, claimed)
    ]
    assert int(frac[1][1]) == int(frac[0][1]) + 1  # gemm1 took the bit


def test_n64c_compile_pipeline_with_both_passes(
    examples_dir: Path, tmp_path: Path
) -> None:
    model = examples_dir / "cnn_digits.onnx"
    calib = examples_dir / "cnn_digits_calib.npy"
    out = {}
    for label, pipeline in {
        "default": "default",
        "conv": f"n64-cleanup,gemm-as-conv,quantize-int16,{LOWERING}",
        "both": f'n64-cleanup,gemm-as-conv,quantize-int16,claim-spare-bits{{calibration="{calib}"}},{LOWERING}',
    }.items():
        done = tool(
            "n64c", "compile", model, "-o", tmp_path / label,
            "--calibration", calib, "--pipeline", pipeline,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        out[label] = json.loads((tmp_path / label / "report.json").read_text())
    cycles = {k: v["rsp"]["cycles"] for k, v in out.items()}
    assert cycles["conv"] != cycles["default"]  # another kernel runs the classifier
    assert cycles["both"] == cycles["conv"]  # formats change no code


def test_python_api_takes_the_pass_instances(examples_dir: Path) -> None:
    calib = str(examples_dir / "mlp_digits_calib.npy")
    passes = n64c.default_pipeline()
    passes.insert(
        pipeline_index(passes, "quantize-int16") + 1,
        ClaimSpareBitsPass(calibration=calib),
    )
    cm = n64c.compile(
        examples_dir / "mlp_digits.onnx", calibration=calib, passes=passes
    )
    plain = n64c.compile(examples_dir / "mlp_digits.onnx", calibration=calib)
    assert cm.quantized is not None and plain.quantized is not None
    fmt = [
        [op.properties["frac_bits"] for op in m.walk() if op.name == "n64.qgemm"]
        for m in (plain.quantized, cm.quantized)
    ]
    assert fmt[0] != fmt[1]
    x = np.load(examples_dir / "mlp_digits_input.npy")
    # the golden model runs the IR as the pass left it: equal to the simulator
    feed = {"input": x}
    ours = cm.run_dict(feed, engine="int")["probabilities"]
    np.testing.assert_array_equal(
        ours, cm.run_dict(feed, engine="sim")["probabilities"]
    )
    assert not np.array_equal(ours, plain.run_dict(feed, engine="int")["probabilities"])
    # the same kernels; their epilogues may differ by an op (the one-op
    # bias and the ACC_HI readout depend on the formats)
    ours_rsp, plain_rsp = cm.report["rsp"], plain.report["rsp"]
    assert ours_rsp["macs"] == plain_rsp["macs"]
    assert len(cm.program.invocations) == len(plain.program.invocations)
    assert abs(ours_rsp["cycles"] - plain_rsp["cycles"]) <= plain_rsp["cycles"] // 100


def test_python_api_graph_pass(examples_dir: Path) -> None:
    passes = n64c.default_pipeline()
    passes.insert(1, GemmAsConvPass())
    cm = n64c.compile(examples_dir / "cnn_digits.onnx", passes=passes)
    layers = [layer["layer"] for layer in cm.report["layers"]]
    assert not any(name.startswith("gemm") for name in layers)


def test_n64c_compare_shows_cycles_and_sqnr(examples_dir: Path) -> None:
    calib = examples_dir / "cnn_digits_calib.npy"
    mine = f"n64-cleanup,gemm-as-conv,quantize-int16,{LOWERING}"
    done = tool(
        "n64c", "compare", examples_dir / "cnn_digits.onnx", "--calibration", calib,
        "-p", "default", "-p", mine,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {line[:18].strip(): line[18:].split() for line in done.stdout.splitlines()}
    assert rows["RSP cycles"][0] != rows["RSP cycles"][1]
    assert (
        abs(float(rows["SQNR vs float (dB)"][0]) - float(rows["SQNR vs float (dB)"][1]))
        < 0.5
    )
    assert done.stdout.splitlines()[-1] == f"[2] {mine}"


def test_layer_report_runs_the_quantised_pass(examples_dir: Path) -> None:
    calib = str(examples_dir / "mlp_digits_calib.npy")
    x = np.load(examples_dir / "mlp_digits_calib.npy")
    model = examples_dir / "mlp_digits.onnx"
    plain = {r.layer: r for r in n64c.layer_report(model, x, calib)}
    mine = {
        r.layer: r
        for r in n64c.layer_report(
            model, x, calib, passes=[ClaimSpareBitsPass(calibration=calib)]
        )
    }
    assert plain["gemm0"].formats == mine["gemm0"].formats
    assert plain["gemm1"].formats != mine["gemm1"].formats
    assert mine["gemm1"].sqnr_db > plain["gemm1"].sqnr_db  # one bit finer
    assert all(r.saturated == 0 and r.wrapped == 0 for r in mine.values())


def test_layer_report_refuses_passes_that_leave_the_quantised_graph(
    examples_dir: Path,
) -> None:
    x = np.load(examples_dir / "mlp_digits_input.npy")
    with pytest.raises(InvalidInputError, match="takes it to stage 'tiled'"):
        n64c.layer_report(
            examples_dir / "mlp_digits.onnx", x, passes=[TileForDmemPass()]
        )


@pytest.mark.parametrize(
    ("pipeline", "message"),
    [
        ("claim-spare-bits", "error: claim-spare-bits works on quantised IR (after quantize-int16); the IR is at stage 'graph' (imported)"),
        ("n64-cleanup,quantize-int16,claim-spare-bits{layers=conv9}", "error: claim-spare-bits: no layer conv9 (the gemm and conv layers are: gemm0, gemm1, gemm2)"),
        ("n64-cleanup,claim-spare-bit", "error: pass pipeline 'n64-cleanup,claim-spare-bit': Unrecognized passes: ['claim-spare-bit']"),
        ("n64-cleanup,quantize-int16,claim-spare-bits{bits=2}", "error: pass pipeline 'n64-cleanup,quantize-int16,claim-spare-bits{bits=2}': Provided arguments [\"bits\"] not found in expected arguments [\"calibration\", \"layers\"]"),
    ],
)  # fmt: skip
def test_errors_are_one_line(
    examples_dir: Path, tmp_path: Path, pipeline: str, message: str
) -> None:
    for command in (
        ["n64-opt", examples_dir / "mlp_digits.onnx", "-p", pipeline],
        [
            "n64c",
            "compile",
            examples_dir / "mlp_digits.onnx",
            "-o",
            tmp_path / "out",
            "--pipeline",
            pipeline,
        ],
    ):
        done = tool(*command)  # type: ignore[arg-type]
        assert done.returncode == 1
        if command[0] == "n64c" or "pass pipeline" not in message:
            assert done.stderr.splitlines() == [message]
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_missing_calibration_file_is_named(examples_dir: Path) -> None:
    passes = n64c.parse_pipeline(
        'n64-cleanup,quantize-int16,claim-spare-bits{calibration="/no/such.npy"}'
    )
    with pytest.raises(N64cError, match="/no/such.npy"):
        n64c.compile(
            examples_dir / "mlp_digits.onnx",
            passes=[*passes, *n64c.default_pipeline()[2:]],
        )


CLAIM = (
    'n64-cleanup,quantize-int16,claim-spare-bits{{calibration="{calib}"}},' + LOWERING
)


def test_n64c_run_pipeline_int_equals_sim(examples_dir: Path, tmp_path: Path) -> None:
    calib = examples_dir / "mlp_digits_calib.npy"
    x = examples_dir / "mlp_digits_input.npy"
    pipeline = CLAIM.format(calib=calib)
    out = {}
    for engine in ("int", "sim"):
        done = tool(
            "n64c", "run", examples_dir / "mlp_digits.onnx", "-i", x,
            "--calibration", calib, "--engine", engine, "--pipeline", pipeline,
            "-o", tmp_path / f"{engine}.npy",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        out[engine] = np.load(tmp_path / f"{engine}.npy")
    plain = tool(
        "n64c", "run", examples_dir / "mlp_digits.onnx", "-i", x,
        "--calibration", calib, "--engine", "int", "-o", tmp_path / "plain.npy",
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    np.testing.assert_array_equal(out["int"], out["sim"])
    assert not np.array_equal(out["int"], np.load(tmp_path / "plain.npy"))


def test_n64c_run_layers_with_pipeline(examples_dir: Path) -> None:
    calib = examples_dir / "mlp_digits_calib.npy"
    done = tool(
        "n64c", "run", examples_dir / "mlp_digits.onnx",
        "-i", examples_dir / "mlp_digits_input.npy", "--calibration", calib,
        "--engine", "int", "--layers", "--pipeline", CLAIM.format(calib=calib),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    gemm1 = next(line for line in done.stdout.splitlines() if line.startswith("gemm1"))
    plain = {
        r.layer: r
        for r in n64c.layer_report(
            examples_dir / "mlp_digits.onnx",
            np.load(examples_dir / "mlp_digits_input.npy"),
            calib,
        )
    }
    assert f"y {int(plain['gemm1'].formats.split('y ')[1].split(',')[0]) + 1}," in gemm1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "float", "--pipeline", "default"], "error: the float engine runs the imported graph (the reference); --pipeline applies to the int and RSP engines"),
        (["--engine", "int", "--pipeline", "n64-cleanup,gemm-as-conv"], "error: the int engine runs the quantised graph; n64-cleanup,gemm-as-conv leaves the IR at stage 'graph' (imported)"),
        (["--engine", "int", "--layers", "--pipeline", "n64-cleanup,gemm-as-conv"], "error: the int engine runs the quantised graph; n64-cleanup,gemm-as-conv leaves the IR at stage 'graph' (imported)"),
        (["--pipeline", "n64-cleanup,claim-spare-bit"], "error: pass pipeline 'n64-cleanup,claim-spare-bit': Unrecognized passes: ['claim-spare-bit']"),
    ],
)  # fmt: skip
def test_n64c_run_pipeline_errors(
    examples_dir: Path, args: list[str], message: str
) -> None:
    done = tool(
        "n64c", "run", examples_dir / "mlp_digits.onnx",
        "-i", examples_dir / "mlp_digits_input.npy", *args,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines() == [message]


def test_layer_report_of_pipeline_needs_the_quantiser(examples_dir: Path) -> None:
    from n64c.frontend.onnx import import_onnx
    from n64c.pipeline import parse_pipeline
    from n64c.sim.layer_report import layer_report_of_pipeline

    graph = import_onnx(examples_dir / "mlp_digits.onnx")
    x = np.load(examples_dir / "mlp_digits_input.npy")
    with pytest.raises(
        InvalidInputError, match="needs one quantize-int16 before tiling"
    ):
        layer_report_of_pipeline(graph, x, None, parse_pipeline("n64-cleanup"))
