"""The registries name modules that exist and classes that carry those names."""

from __future__ import annotations

from n64c.backend import TARGET_TABLE
from n64c.passes import PASS_TABLE, get_pass


def test_pass_modules_match_names() -> None:
    for name, spec in PASS_TABLE.items():
        module, cls = spec.split(":")
        assert module == name.replace("-", "_"), name
        assert cls.endswith("Pass"), name


def test_registered_passes_load_with_their_names() -> None:
    for name in PASS_TABLE:
        assert get_pass(name).name == name


def test_target_table_names() -> None:
    assert set(TARGET_TABLE) >= {"rsp-asm", "rsp-bin", "c"}
