"""The bounded, seeded run of the input fuzzer in CI: every input kind,
a fixed number of mutated cases each, a few through the console scripts.

The campaign is deterministic (fixed seed, cases derived from their
number); a failure prints the defects with the command and the mutation,
and `python -m n64c.testing.fuzz_inputs --kind KIND --index I --seed 8
-v` reproduces one.
"""

from __future__ import annotations

import pytest

from n64c.testing.fuzz_cases import KINDS
from n64c.testing.fuzz_inputs import run_one, summary

SEED = 8
CASES_PER_KIND = 60
SUBPROCESS_CASES_PER_KIND = 1


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_mutated_inputs_give_a_result_or_one_clean_error(kind: str) -> None:
    results = [
        run_one(kind, SEED, index, in_process=True, save=None)
        for index in range(CASES_PER_KIND)
    ]
    defects = [r for r in results if r.defect]
    assert not defects, summary(results, 0.0)
    # the mutations reach the code: some cases fail cleanly
    assert any(r.verdict == "error" for r in results), summary(results, 0.0)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_console_scripts_on_mutated_inputs(kind: str) -> None:
    results = [
        run_one(kind, SEED, 10_000 + index, in_process=False, save=None)
        for index in range(SUBPROCESS_CASES_PER_KIND)
    ]
    assert not [r for r in results if r.defect], summary(results, 0.0)
