# ruff: noqa: F821  (lit defines `config` before it runs this file)
import os

import lit.formats

config.name = "n64c"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".S", ".test", ".onnx.test"]
config.test_source_root = os.path.dirname(__file__)
config.excludes = ["lit.cfg.py", "inputs", "Inputs"]

repo_root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
config.substitutions.append(("%examples", os.path.join(repo_root, "examples")))
config.substitutions.append(
    ("%inputs", os.path.join(config.test_source_root, "inputs"))
)

# Run with the project's virtual environment first on PATH.
venv_bin = os.path.join(repo_root, ".venv", "bin")
config.environment["PATH"] = os.pathsep.join([venv_bin, os.environ.get("PATH", "")])
for var in ("HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
