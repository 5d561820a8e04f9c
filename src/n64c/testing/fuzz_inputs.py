"""Mutation fuzzing of every input the n64c tools read.

A campaign runs `--cases` mutated inputs, cycling through the input kinds
of `fuzz_cases.KINDS` (ONNX models, MLIR text in custom and generic form,
RSP assembly, IMEM and DMEM images, `.npy`/`.npz` inputs, calibration
files, compiled output directories, pass pipelines). Each case runs its
command in a worker process under a time limit and is judged by
`fuzz_harness.run_case`: a correct result or one clean `error:` line,
never a traceback, a hang or a changed user file.

    python -m n64c.testing.fuzz_inputs --cases 6000 --seed 1 --jobs 2
    python -m n64c.testing.fuzz_inputs --kind mlir --index 17 --seed 1 -v

Defects are listed at the end (with the command that reproduces each);
`--save DIR` writes each as a reproducer directory (`case.json` and
`files/`) that `tests/unit/fuzz/` can replay. The exit status is 1 when
there was a defect.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

from n64c.testing.fuzz_cases import KINDS, make_case
from n64c.testing.fuzz_harness import GOOD, run_case, save_reproducer

MEMORY_LIMIT = 3 << 30
"""Address-space limit of a worker (a runaway allocation fails instead of
taking the machine down)."""

CASE_TIMEOUT_MAX = 30.0
"""The longest time limit a case of `fuzz_cases` has."""

STUCK_GRACE = 30.0
"""Seconds past a case's own limit before its worker counts as stuck."""


@dataclass(frozen=True)
class Result:
    """The verdict on one case, small enough to send between processes."""

    kind: str
    index: int
    verdict: str
    exit_code: int | None
    message: str
    detail: str
    seconds: float
    mutation: str
    command: str

    @property
    def defect(self) -> bool:
        return self.verdict not in GOOD


def schedule(cases: int, kinds: Sequence[str]) -> list[tuple[str, int]]:
    """Case numbers 0..cases-1, kind by kind in turn."""
    return [(kinds[i % len(kinds)], i) for i in range(cases)]


def run_one(
    kind: str, seed: int, index: int, in_process: bool, save: str | None
) -> Result:
    """Build and run one case in a fresh temporary directory."""
    try:
        case = make_case(kind, seed, index)
    except Exception as e:  # a defect of the fuzzer itself: report, go on
        detail = f"building the case failed: {type(e).__name__}: {e}"
        return Result(kind, index, "fuzzer-bug", None, "", detail, 0.0, "", "")
    with tempfile.TemporaryDirectory(prefix=f"n64c-fuzz-{kind}-") as tmp:
        outcome = run_case(case, Path(tmp), in_process=in_process)
    if outcome.defect and save is not None:
        save_reproducer(case, outcome, Path(save) / f"{kind}-{seed}-{index}")
    return Result(
        kind=kind,
        index=index,
        verdict=outcome.verdict,
        exit_code=outcome.exit_code,
        message=outcome.error_line(),
        detail=outcome.detail.strip(),
        seconds=outcome.seconds,
        mutation=case.mutation,
        command=case.command_line(),
    )


def _init_worker() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(hard, MEMORY_LIMIT)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    from n64c.testing.fuzz_seeds import seed_corpus

    seed_corpus()


def _stuck(kind: str, index: int, seconds: float) -> Result:
    return Result(kind, index, "hang", None, "", "worker stuck", seconds, "", "")


def run_campaign(
    cases: Iterable[tuple[str, int]],
    seed: int,
    *,
    jobs: int = 2,
    in_process: bool = True,
    save: str | None = None,
    progress: bool = False,
) -> list[Result]:
    """Run the cases on `jobs` worker processes; a worker stuck past the
    case's limit is killed, its case counts as a hang and the rest go on."""
    pending = list(cases)
    results: list[Result] = []
    context = multiprocessing.get_context("fork")
    while pending:
        pool: Pool = context.Pool(jobs, initializer=_init_worker)
        try:
            futures: list[tuple[tuple[str, int], AsyncResult[Result]]] = [
                (
                    (kind, index),
                    pool.apply_async(run_one, (kind, seed, index, in_process, save)),
                )
                for kind, index in pending
            ]
            pending = []
            for n, ((kind, index), future) in enumerate(futures):
                limit = CASE_TIMEOUT_MAX + STUCK_GRACE
                start = time.perf_counter()
                try:
                    results.append(future.get(limit))
                except multiprocessing.TimeoutError:
                    results.append(_stuck(kind, index, time.perf_counter() - start))
                    pending = [item for item, f in futures[n + 1 :] if not f.ready()]
                    results += [f.get() for _, f in futures[n + 1 :] if f.ready()]
                    break
                if progress and len(results) % 100 == 0:
                    print(f"  {len(results)} cases", file=sys.stderr, flush=True)
        finally:
            pool.terminate()
            pool.join()
    return sorted(results, key=lambda r: r.index)


def summary(results: Sequence[Result], seconds: float) -> str:
    """Per-kind counts of every verdict, timings and the defects."""
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        by_kind[r.kind][r.verdict] += 1
    verdicts = sorted({r.verdict for r in results}, key=lambda v: (v not in GOOD, v))
    header = ["kind", "cases", *verdicts]
    rows = [
        [kind, str(sum(c.values())), *(str(c[v]) for v in verdicts)]
        for kind, c in sorted(by_kind.items())
    ]
    total: Counter[str] = sum(by_kind.values(), Counter())
    rows.append(["total", str(len(results)), *(str(total[v]) for v in verdicts)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True))
        for r in [header, *rows]
    ]
    slowest = max(results, key=lambda r: r.seconds, default=None)
    lines.append(f"wall time {seconds:.1f} s")
    if slowest is not None:
        lines.append(
            f"slowest case {slowest.seconds:.1f} s: {slowest.kind} #{slowest.index} "
            f"({slowest.command})"
        )
    defects = [r for r in results if r.defect]
    if defects:
        lines.append(f"{len(defects)} defect(s):")
        for r in defects:
            lines.append(
                f"  {r.verdict}: {r.kind} #{r.index}: {r.command}\n"
                f"    mutation: {r.mutation}\n    {r.detail.splitlines()[-1] if r.detail else r.message}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m n64c.testing.fuzz_inputs",
        description="Mutation fuzzing of every input the n64c tools read.",
    )
    parser.add_argument("--cases", type=int, default=500, help="number of cases")
    parser.add_argument("--seed", type=int, default=1, help="campaign seed")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--kind",
        action="append",
        choices=sorted(KINDS),
        help="only these input kinds (repeatable; default: all)",
    )
    parser.add_argument("--index", type=int, help="run only case INDEX (with --kind)")
    parser.add_argument(
        "--subprocess", action="store_true", help="run the console scripts"
    )
    parser.add_argument("--save", metavar="DIR", help="write defects as reproducers")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    kinds = args.kind or list(KINDS)
    if args.index is not None:
        (kind,) = kinds[:1]
        result = run_one(kind, args.seed, args.index, not args.subprocess, args.save)
        print(
            f"{result.kind} #{result.index}: {result.verdict} ({result.seconds:.2f} s)"
        )
        print(f"command: {result.command}\nmutation: {result.mutation}")
        print(result.message)
        if args.verbose and result.detail:
            print(result.detail)
        return 1 if result.defect else 0
    start = time.perf_counter()
    results = run_campaign(
        schedule(args.cases, kinds),
        args.seed,
        jobs=args.jobs,
        in_process=not args.subprocess,
        save=args.save,
        progress=args.verbose,
    )
    print(f"seed {args.seed}, {len(results)} cases, {args.jobs} job(s)")
    print(summary(results, time.perf_counter() - start))
    return 1 if any(r.defect for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
