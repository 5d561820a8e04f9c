"""Out-of-tree passes and dialects: a package of the user's own, found
through xDSL's `xdsl.universe` entry point by `n64-opt`, `n64c` and
`n64c.compile`, and pass instances edited into the default pipeline."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import n64c
from n64c.errors import N64cError
from n64c.pipeline import default_pipeline, pipeline_index

PACKAGE = "n64c_probe_ext"

UNIVERSE_PY = '''
"""A researcher's package: one dialect, a graph pass, a quantised-IR pass
and a pass that breaks an invariant."""

from dataclasses import dataclass

from xdsl.dialects.builtin import IntegerAttr, ModuleOp, UnitAttr, i32
from xdsl.ir import Dialect
from xdsl.irdl import IRDLOperation, irdl_op_definition
from xdsl.passes import ModulePass
from xdsl.universe import Universe


@irdl_op_definition
class MarkOp(IRDLOperation):
    name = "probe.mark"
    assembly_format = "attr-dict"


PROBE = Dialect("probe", [MarkOp])


@dataclass(frozen=True)
class TagGraphPass(ModulePass):
    """Counts the graph's n64 ops into a module attribute."""

    name = "probe-tag-graph"

    def apply(self, ctx, op: ModuleOp) -> None:
        count = sum(1 for o in op.walk() if o.name.startswith("n64."))
        op.attributes["probe.graph_ops"] = IntegerAttr(count, i32)


@dataclass(frozen=True)
class TagQuantPass(ModulePass):
    """Marks the module once it holds int16 matrix products."""

    name = "probe-tag-quant"

    def apply(self, ctx, op: ModuleOp) -> None:
        if any(o.name == "n64.qgemm" for o in op.walk()):
            op.attributes["probe.quantised"] = UnitAttr()


@dataclass(frozen=True)
class BreakPass(ModulePass):
    """Gives every qgemm an impossible output format."""

    name = "probe-break"

    def apply(self, ctx, op: ModuleOp) -> None:
        for o in op.walk():
            if o.name == "n64.qgemm":
                o.properties["frac_bits"] = IntegerAttr(99, i32)


PROBE_UNIVERSE = Universe(
    all_dialects={"probe": lambda: PROBE},
    all_passes={
        "probe-tag-graph": lambda: TagGraphPass,
        "probe-tag-quant": lambda: TagQuantPass,
        "probe-break": lambda: BreakPass,
    },
)
'''


@pytest.fixture(scope="module")
def probe_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory holding the package and its dist-info, whose
    `entry_points.txt` registers the universe (what `pip install` writes)."""
    site = tmp_path_factory.mktemp("site")
    (site / PACKAGE).mkdir()
    (site / PACKAGE / "__init__.py").write_text("")
    (site / PACKAGE / "universe.py").write_text(UNIVERSE_PY)
    info = site / f"{PACKAGE}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        f"[xdsl.universe]\nprobe = {PACKAGE}.universe:PROBE_UNIVERSE\n"
    )
    return site


@pytest.fixture
def on_path(probe_site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(probe_site))
    return probe_site


def tool(site: Path, name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(site), *filter(None, [env.get("PYTHONPATH")])]
    )
    exe = Path(sys.executable).parent / name
    return subprocess.run(
        [str(exe), *map(str, args)], capture_output=True, text=True, env=env
    )


def test_n64_opt_runs_out_of_tree_passes_and_dialects(
    probe_site: Path, examples_dir: Path, tmp_path: Path
) -> None:
    model = examples_dir / "mlp_digits.onnx"
    done = tool(probe_site, "n64-opt", model, "-p", "n64-cleanup,probe-tag-graph")
    assert done.returncode == 0, done.stderr
    assert "probe.graph_ops = " in done.stdout
    # the package's dialect parses and prints
    ir = tmp_path / "mark.mlir"
    ir.write_text("probe.mark\n")
    done = tool(probe_site, "n64-opt", ir)
    assert done.returncode == 0, done.stderr
    assert "probe.mark" in done.stdout


def test_n64c_compile_runs_out_of_tree_passes(
    probe_site: Path, examples_dir: Path, tmp_path: Path
) -> None:
    pipeline = ",".join(
        [
            "n64-cleanup",
            "probe-tag-graph",
            "quantize-int16",
            "probe-tag-quant",
            *default_pipeline_names()[2:],
        ]
    )
    done = tool(
        probe_site, "n64c", "compile", examples_dir / "mlp_digits.onnx",
        "-o", tmp_path / "out", "--pipeline", pipeline,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    final = (tmp_path / "out" / "model.mlir").read_text()
    assert "probe.graph_ops" in final and "probe.quantised" in final


def test_n64c_broken_pass_is_one_line(
    probe_site: Path, examples_dir: Path, tmp_path: Path
) -> None:
    pipeline = "n64-cleanup,quantize-int16,probe-break," + ",".join(
        default_pipeline_names()[2:]
    )
    done = tool(
        probe_site, "n64c", "compile", examples_dir / "mlp_digits.onnx",
        "-o", tmp_path / "out", "--pipeline", pipeline,
    )  # fmt: skip
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: pass 'probe-break' left the IR invalid: n64.qgemm (")
    assert "in @main): n64.qgemm: frac_bits 99 outside" in line
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def default_pipeline_names() -> list[str]:
    return [p.name for p in default_pipeline()]


def test_api_takes_pass_instances_from_the_package(
    on_path: Path, examples_dir: Path
) -> None:
    from n64c_probe_ext.universe import TagGraphPass, TagQuantPass  # type: ignore

    passes = n64c.default_pipeline()
    passes.insert(pipeline_index(passes, "quantize-int16") + 1, TagQuantPass())
    passes.insert(1, TagGraphPass())
    calib = examples_dir / "mlp_digits_calib.npy"
    cm = n64c.compile(
        examples_dir / "mlp_digits.onnx", calibration=calib, passes=passes
    )
    assert "probe.graph_ops" in cm.module.attributes
    assert "probe.quantised" in cm.module.attributes
    plain = n64c.compile(examples_dir / "mlp_digits.onnx", calibration=calib)
    assert cm.report["rsp"]["cycles"] == plain.report["rsp"]["cycles"]


def test_api_parse_pipeline_finds_entry_point_passes(on_path: Path) -> None:
    passes = n64c.parse_pipeline("n64-cleanup,probe-tag-graph")
    assert [p.name for p in passes] == ["n64-cleanup", "probe-tag-graph"]


def test_api_broken_pipeline_names_pass_op_and_invariant(
    on_path: Path, examples_dir: Path
) -> None:
    from n64c_probe_ext.universe import BreakPass  # type: ignore

    passes = n64c.default_pipeline()
    passes.insert(pipeline_index(passes, "quantize-int16") + 1, BreakPass())
    with pytest.raises(N64cError) as info:
        n64c.compile(examples_dir / "mlp_digits.onnx", passes=passes)
    message = info.value.message
    assert message.startswith("pass 'probe-break' left the IR invalid: n64.qgemm (")
    assert "frac_bits 99 outside" in message


def test_replacing_a_pass(examples_dir: Path) -> None:
    from n64c.passes.tile_for_dmem import TileForDmemPass

    passes = n64c.default_pipeline()
    passes[pipeline_index(passes, "tile-for-dmem")] = TileForDmemPass(dmem=2048)
    small = n64c.compile(examples_dir / "mlp_digits.onnx", passes=passes)
    plain = n64c.compile(examples_dir / "mlp_digits.onnx")
    assert small.report["layers"][0]["dmem_bytes"] <= 2048
    assert plain.report["layers"][0]["dmem_bytes"] > 2048
    assert small.report["rsp"]["cycles"] > plain.report["rsp"]["cycles"]


def test_misordered_pipeline_is_clear(examples_dir: Path) -> None:
    passes = n64c.default_pipeline()
    del passes[pipeline_index(passes, "quantize-int16")]
    with pytest.raises(
        N64cError,
        match=textwrap.dedent(r"""
        pass 'tile-for-dmem' needs IR at stage 'quantised', but the IR is at
        """)
        .strip()
        .replace("\n", " "),
    ):
        n64c.compile(examples_dir / "mlp_digits.onnx", passes=passes)


def test_pipeline_that_stops_early_is_clear(examples_dir: Path) -> None:
    passes = n64c.default_pipeline()[:2]
    with pytest.raises(N64cError, match="leaves the IR at stage 'quantised'"):
        n64c.compile(examples_dir / "mlp_digits.onnx", passes=passes)


def test_n64c_compare_runs_out_of_tree_passes(
    probe_site: Path, examples_dir: Path
) -> None:
    mine = ",".join(
        [
            "n64-cleanup",
            "probe-tag-graph",
            "quantize-int16",
            "probe-tag-quant",
            *default_pipeline_names()[2:],
        ]
    )
    done = tool(
        probe_site, "n64c", "compare", examples_dir / "mlp_digits.onnx",
        "-p", "default", "-p", mine,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"[2] {mine}"
    cycles = next(x for x in done.stdout.splitlines() if x.startswith("RSP cycles"))
    assert cycles.split()[2] == cycles.split()[3]  # tags change no code


@pytest.mark.parametrize(
    ("module_text", "expected"),
    [
        ("import no_such_module_anywhere\n", "failed to load: ModuleNotFoundError"),
        ("PROBE_UNIVERSE = 42\n", "is a int, not an xdsl.universe.Universe"),
    ],
    ids=["import-error", "not-a-universe"],
)
def test_broken_plugin_package_is_one_line(
    tmp_path: Path, examples_dir: Path, module_text: str, expected: str
) -> None:
    """A package whose `xdsl.universe` entry point cannot be loaded: `n64-opt`
    and `n64c compile --pipeline` name the entry point in one line, exit 1,
    and print no traceback."""
    site = tmp_path / "site"
    (site / "broken_plugin").mkdir(parents=True)
    (site / "broken_plugin" / "__init__.py").write_text(module_text)
    info = site / "broken_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken_plugin\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[xdsl.universe]\nbroken = broken_plugin:PROBE_UNIVERSE\n"
    )
    runs = [
        tool(site, "n64-opt", examples_dir / "mlp_digits.onnx", "-p", "n64-cleanup"),
        tool(
            site,
            "n64c",
            "compile",
            examples_dir / "mlp_digits.onnx",
            "-o",
            tmp_path / "out",
            "--pipeline",
            "n64-cleanup",
        ),  # fmt: skip
    ]
    for done in runs:
        assert done.returncode == 1, done.stderr
        (line,) = done.stderr.splitlines()
        assert "xdsl.universe entry point 'broken'" in line
        assert expected in line
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
