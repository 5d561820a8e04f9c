"""Fixtures of the example package's tests: n64c's bundled example models."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2]
"""`examples/` of the n64c repository, which holds this package."""


@pytest.fixture(scope="session")
def examples() -> Path:
    if not (EXAMPLES / "cnn_digits.onnx").is_file():
        pytest.fail(f"n64c's example models are not in {EXAMPLES}")
    return EXAMPLES
