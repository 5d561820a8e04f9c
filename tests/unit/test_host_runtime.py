"""The host runtime's build directories: nothing is left in the temporary
directory once a build is no longer needed."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from n64c.api import compile as compile_model
from n64c.backend.host_runtime import build_native, native_build, run_native


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(
        np.linspace(-1, 1, 64, dtype=np.float32).reshape(8, 8), "w"
    )
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w"], ["y"])],
        "gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])],
        [w],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    out = tmp_path_factory.mktemp("gemm") / "out"
    compile_model(model).save(out)
    return out


def _leftovers(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("n64c-native-*"))


def test_build_without_a_directory_is_removed_at_exit(
    model_dir: Path, tmp_path: Path
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    script = (
        "import sys\n"
        "from n64c.backend.host_runtime import build_native\n"
        "a = build_native(sys.argv[1])\n"
        "b = build_native(sys.argv[1])\n"
        "assert a.is_file() and b.is_file() and a != b\n"
        "print(a.parent.parent)\n"
    )
    env = dict(os.environ, TMPDIR=str(tmp))
    done = subprocess.run([sys.executable, "-c", script, str(model_dir)],
                          capture_output=True, text=True, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    root = Path(done.stdout.strip())
    assert root.parent == tmp and root.name.startswith("n64c-native-")
    assert not root.exists()
    assert _leftovers(tmp) == []


def test_native_build_context_and_run_native_leave_nothing(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    with native_build(model_dir) as exe:
        assert exe.is_file()
        assert _leftovers(tmp) == [exe.parent]
    assert not exe.exists()
    assert _leftovers(tmp) == []
    x = np.arange(16, dtype=np.float32).reshape(2, 8) / 16
    (y,), runs = run_native(model_dir, [x])
    assert y.shape == (2, 8) and runs == 2
    assert _leftovers(tmp) == []
    # a given build directory is kept
    kept = build_native(model_dir, tmp_path / "build")
    assert kept.is_file() and kept.parent == tmp_path / "build"
