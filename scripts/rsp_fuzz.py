#!/usr/bin/env python3
"""Large differential campaign: random RSP programs on n64c's simulator and
on mupen64plus-rsp-z64, compared bit for bit (DMEM and RDRAM).

    .venv/bin/python scripts/rsp_fuzz.py --count 10000 --seed 1 --jobs 2

Seeds run from --seed to --seed+count-1. Every mismatch is written to
--out (one text file per seed: the differing state, the source and the
disassembly of the encoded IMEM) and summarised by kind and first
difference. Exit status 1 when any program mismatched.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from n64c.errors import N64cError
from n64c.sim.z64.fuzz import Mismatch, check_seeds


def _check_range(job: tuple[int, int, int, int]) -> tuple[int, list[Mismatch]]:
    start, stop, chunk, batch = job
    checked = 0
    found: list[Mismatch] = []
    for count, mismatches in check_seeds(range(start, stop), chunk=chunk, batch=batch):
        checked += count
        found += mismatches
    return checked, found


def _signature(mismatch: Mismatch) -> str:
    first = mismatch.differences[0] if mismatch.differences else ""
    return f"{mismatch.kind}: {first.split(':')[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Differential RSP fuzzing against z64."
    )
    parser.add_argument("--count", type=int, default=10000, help="number of programs")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--chunk", type=int, default=250, help="programs per z64 batch")
    parser.add_argument(
        "--batch",
        type=int,
        default=1,
        help="start images per program, run as one simulator batch (default 1)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("rsp_fuzz_mismatches"), help="report directory"
    )
    args = parser.parse_args(argv)

    step = max(1, min(args.chunk, -(-args.count // max(args.jobs, 1))))
    ranges = [
        (s, min(s + step, args.seed + args.count), args.chunk, args.batch)
        for s in range(args.seed, args.seed + args.count, step)
    ]
    began = time.monotonic()
    checked = 0
    mismatches: list[Mismatch] = []
    try:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            for count, found in pool.map(_check_range, ranges):
                checked += count
                mismatches += found
                print(
                    f"\r{checked}/{args.count} programs, {len(mismatches)} mismatches",
                    end="",
                    file=sys.stderr,
                    flush=True,
                )
    except N64cError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 2
    elapsed = time.monotonic() - began
    print(file=sys.stderr)
    print(
        f"{checked} programs (seeds {args.seed}..{args.seed + args.count - 1}) in "
        f"{elapsed:.1f} s: {len(mismatches)} mismatches"
    )
    if mismatches:
        args.out.mkdir(parents=True, exist_ok=True)
        for mismatch in mismatches:
            (args.out / f"seed-{mismatch.seed}.txt").write_text(
                mismatch.report() + "\n"
            )
        for signature, n in Counter(map(_signature, mismatches)).most_common():
            print(f"  {n:6d}  {signature}")
        print(f"reports in {args.out}/")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
