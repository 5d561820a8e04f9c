"""The checks run on each random network, and the campaign over many.

For a network of :mod:`n64c.testing.random_networks` (quantised with
`CALIBRATION_SAMPLES` inputs, checked on `HELDOUT_SAMPLES` others):

- ``float``: the float engine is within `FLOAT_SQNR_DB` of onnxruntime,
  unless float32 rounding alone moves the network's outputs by more (see
  `rounding_sensitivity_db`);
- ``compile``: `n64c.compile` succeeds, or raises a `BudgetError` or
  `UnsupportedModelError` of one line (a *clean error*, not a failure);
  any other exception is a failure;
- ``golden``: the golden integer model is within `GOLDEN_SQNR_DB` of
  onnxruntime, unless the float32 network is itself too sensitive to
  noise for that to be expected (see `sensitivity_db`);
- ``sim``: the RSP simulator's int16 outputs equal the golden model's bit
  for bit (two inputs);
- ``z64``: on every `z64_every`-th network, the z64 RSP core equals the
  simulator on one input.

    .venv/bin/python -m n64c.testing.random_networks --count 1000 --seed 5

runs a campaign (`--jobs`, `--save DIR` for shrunk reproducers).
"""

from __future__ import annotations

import argparse
import json
import math
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing import Pool
from pathlib import Path
from typing import TextIO

import numpy as np
import onnx

from n64c.testing.mlperf_tiny import INPUT_NAME
from n64c.testing.random_networks import (
    CALIBRATION_SAMPLES,
    HELDOUT_SAMPLES,
    NetworkSpec,
    build_model,
    parameter_count,
    random_spec,
    sample_inputs,
)

FLOAT_SQNR_DB = 100.0
"""The float engine against onnxruntime: float32 rounding only (as in
tests/unit/test_deep_numerics.py)."""
GOLDEN_SQNR_DB = 40.0
"""The golden int16 model against onnxruntime. Each int16 layer adds noise
some 80-90 dB below its signal (docs/quantization.md); a well-conditioned
network of up to a few dozen layers keeps its output 60 dB or more above
that noise, so 40 dB leaves a wide margin for random weights and
activations such as Sigmoid that saturate."""
INPUT_NOISE_DB = 80.0
"""The input perturbation of `sensitivity_db`, near the int16 step of an
input in [0, 1)."""
SENSITIVE_BELOW_DB = GOLDEN_SQNR_DB + 20.0
"""A network whose float32 output keeps less than this of an
`INPUT_NOISE_DB` input perturbation is noise-sensitive in float32 alone
(it loses more than 20 dB); its golden SQNR is reported, not checked."""
ROUNDING_NOISE = 2.0**-23
"""The relative perturbation of every weight in `rounding_sensitivity_db`:
about one float32 rounding step."""
SIM_SAMPLES = 2


@dataclass
class Outcome:
    """What happened to one network."""

    seed: int
    verdict: str = "ok"
    """``ok``, ``clean-error`` (the compile refused it in one line) or
    ``fail``."""
    check: str = ""
    """The failing check (``build``, ``float``, ``compile``, ``golden``,
    ``sim``, ``z64``), or empty."""
    detail: str = ""
    seconds: float = 0.0
    nodes: int = 0
    parameters: int = 0
    golden_db: float | None = None
    sensitivity_db: float | None = None
    sqnr_skipped: bool = False
    float_skipped: bool = False
    """The float check was not held: float32 rounding alone moves this
    network's outputs by more (see `rounding_sensitivity_db`)."""
    z64_checked: bool = False
    cycles: int = 0
    summary: str = field(default="", repr=False)


def _reference(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    """onnxruntime's outputs for the batch `x`, one sample at a time."""
    import onnxruntime as ort

    session = ort.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return np.stack([np.asarray(session.run(None, {INPUT_NAME: s})[0]) for s in x])


def _sqnr(ours: np.ndarray, ref: np.ndarray) -> float:
    from n64c.sim.layer_report import sqnr_db

    return sqnr_db(ours.reshape(ref.shape), ref)


def sensitivity_db(model: onnx.ModelProto, x: np.ndarray, seed: int = 0) -> float:
    """How much of an `INPUT_NOISE_DB` perturbation of the inputs `x`
    survives to the float32 outputs (onnxruntime): the outputs' SQNR, in
    dB, for inputs with noise `INPUT_NOISE_DB` below their power."""
    rng = np.random.default_rng(seed)
    power = float(np.mean(x.astype(np.float64) ** 2)) or 1.0
    sigma = math.sqrt(power / 10 ** (INPUT_NOISE_DB / 10))
    noisy = (x + rng.normal(0.0, sigma, x.shape)).astype(np.float32)
    return _sqnr(_reference(model, noisy), _reference(model, x))


def rounding_sensitivity_db(
    model: onnx.ModelProto, x: np.ndarray, seed: int = 0
) -> float:
    """How much the float32 network's outputs (onnxruntime) on `x` keep when
    every weight is perturbed by about one float32 rounding step
    (`ROUNDING_NOISE`, relative): the outputs' SQNR, in dB. Below
    `FLOAT_SQNR_DB` the network turns float32 rounding itself into errors
    that large (e.g. BatchNorms stacked on a channel that a clip holds
    constant), and two correct float32 engines need not agree closer."""
    from onnx import numpy_helper

    rng = np.random.default_rng(seed)
    noisy = onnx.ModelProto()
    noisy.CopyFrom(model)
    for tensor in noisy.graph.initializer:
        array = numpy_helper.to_array(tensor)
        if array.dtype == np.float32:
            scale = 1.0 + rng.normal(0.0, ROUNDING_NOISE, array.shape)
            changed = (array * scale).astype(np.float32)
            tensor.CopyFrom(numpy_helper.from_array(changed, tensor.name))
    return _sqnr(_reference(noisy, x), _reference(model, x))


def _only(outputs: dict[str, np.ndarray]) -> np.ndarray:
    (value,) = outputs.values()
    return value


def check_network(spec: NetworkSpec, z64: bool = False) -> Outcome:
    """Run every check on the network of `spec`; the first failure ends."""
    start = time.perf_counter()
    out = Outcome(spec.seed)
    try:
        _check(spec, z64, out)
    except Exception as exc:  # a failure of the flow: report it, keep going
        out.verdict = "fail"
        out.check = out.check or "crash"
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        out.detail = f"{out.detail} {last}".strip()
    out.seconds = time.perf_counter() - start
    return out


def _fail(out: Outcome, check: str, detail: str) -> None:
    out.verdict, out.check, out.detail = "fail", check, detail


def _check(spec: NetworkSpec, z64: bool, out: Outcome) -> None:
    import n64c
    from n64c.errors import BudgetError, N64cError, UnsupportedModelError
    from n64c.frontend.onnx import import_onnx_model
    from n64c.sim import int_engine as ie
    from n64c.sim.float_engine import run_float
    from n64c.testing.random_networks import describe

    out.check = "build"
    model = build_model(spec)
    out.nodes, out.parameters = len(model.graph.node), parameter_count(model)
    out.summary = describe(model)
    calibration = sample_inputs(spec, CALIBRATION_SAMPLES, 1)
    heldout = sample_inputs(spec, HELDOUT_SAMPLES, 2)
    reference = _reference(model, heldout)

    out.check = "float"
    floats = _only(run_float(import_onnx_model(model), {INPUT_NAME: heldout}))
    if not np.array_equal(floats.reshape(reference.shape), reference):
        db = _sqnr(floats, reference)
        if db < FLOAT_SQNR_DB:
            rounding = rounding_sensitivity_db(model, heldout)
            if rounding >= FLOAT_SQNR_DB:
                return _fail(
                    out,
                    "float",
                    f"float engine at {db:.1f} dB (float32 rounding alone: "
                    f"{rounding:.1f} dB)",
                )
            out.float_skipped = True

    out.check = "compile"
    try:
        compiled = n64c.compile(model, calibration={INPUT_NAME: calibration})
    except N64cError as exc:
        message = str(exc)
        if not isinstance(exc, BudgetError | UnsupportedModelError):
            kind = type(exc).__name__
            return _fail(out, "compile", f"{kind} on a valid model: {message}")
        if "\n" in message or not message.strip():
            return _fail(out, "compile", f"a message not of one line: {message!r}")
        out.verdict, out.check, out.detail = "clean-error", "", message
        return None
    assert compiled.quantized is not None
    out.cycles = int(compiled.report["rsp"]["cycles"])

    out.check = "golden"
    golden = _only(ie.run_int(compiled.quantized, {INPUT_NAME: heldout}))
    if not np.array_equal(golden.reshape(reference.shape), reference):
        out.golden_db = _sqnr(golden, reference)
        if out.golden_db < GOLDEN_SQNR_DB:
            out.sensitivity_db = sensitivity_db(model, heldout)
            if out.sensitivity_db >= SENSITIVE_BELOW_DB:
                return _fail(
                    out,
                    "golden",
                    f"golden model at {out.golden_db:.1f} dB (float32 keeps "
                    f"{out.sensitivity_db:.1f} dB of {INPUT_NOISE_DB:.0f} dB "
                    "input noise)",
                )
            out.sqnr_skipped = True

    out.check = "sim"
    x = {INPUT_NAME: heldout[:SIM_SAMPLES]}
    sim = _only(compiled.run_dict(x, "sim"))
    if not _equal_to_golden(compiled, model, x, sim):
        return _fail(out, "sim", "the simulator differs from the golden model")

    if z64:
        out.check = "z64"
        one = {INPUT_NAME: heldout[:1]}
        got = _only(compiled.run_dict(one, "z64"))
        out.z64_checked = True
        if not np.array_equal(got, _only(compiled.run_dict(one, "sim"))):
            return _fail(out, "z64", "the z64 core differs from the simulator")
    out.check = ""
    return None


def _equal_to_golden(
    compiled: object, model: onnx.ModelProto, x: dict[str, np.ndarray], sim: np.ndarray
) -> bool:
    """The simulator's outputs against the golden model: the float outputs
    exactly (the int16 results and the ops that stay on the CPU after them,
    a final Softmax, Sigmoid or pool, computed alike), and when the output
    is an int16 tensor handed straight to the CPU, that tensor bit for bit
    (the simulator's output quantised back)."""
    from xdsl.dialects import func

    from n64c.dialects.n64_quant import DequantizeOp
    from n64c.sim import int_engine as ie
    from n64c.sim.float_engine import find_main

    quantized = compiled.quantized  # type: ignore[attr-defined]
    if not np.array_equal(sim, _only(ie.run_int(quantized, x))):
        return False
    ret = find_main(quantized).body.block.last_op
    assert isinstance(ret, func.ReturnOp)
    if not isinstance(ret.operands[0].owner, DequantizeOp):
        return True
    ((expected, frac_bits),) = ie.run_int_raw(quantized, x).values()
    assert frac_bits is not None
    return bool(np.array_equal(ie.quantize(sim, frac_bits), expected))


# --- the campaign -----------------------------------------------------------


def network_seed(campaign_seed: int, index: int) -> int:
    """The seed of network `index` of the campaign with seed `campaign_seed`."""
    return campaign_seed * 1_000_003 + index


def _run_one(args: tuple[int, bool, int]) -> Outcome:
    seed, z64, scale = args
    return check_network(random_spec(seed, scale), z64)


def run_campaign(
    count: int,
    seed: int,
    jobs: int = 1,
    z64_every: int = 10,
    log: Path | None = None,
    scale: int = 1,
) -> list[Outcome]:
    """Check `count` random networks of campaign `seed` (`jobs` processes;
    z64 on every `z64_every`-th network, never if 0). With `log`, each
    outcome is appended to it as a JSON line as soon as it is known."""
    work = [
        (network_seed(seed, i), z64_every > 0 and i % z64_every == 0, scale)
        for i in range(count)
    ]
    outcomes: list[Outcome] = []
    stream = open(log, "a") if log is not None else None  # noqa: SIM115
    try:
        if jobs <= 1:
            results = map(_run_one, work)
            for outcome in results:
                outcomes.append(_logged(outcome, stream))
        else:
            with Pool(jobs) as pool:
                for outcome in pool.imap_unordered(_run_one, work, chunksize=1):
                    outcomes.append(_logged(outcome, stream))
    finally:
        if stream is not None:
            stream.close()
    return sorted(outcomes, key=lambda o: o.seed)


def _logged(outcome: Outcome, stream: TextIO | None) -> Outcome:
    if stream is not None:
        stream.write(json.dumps(asdict(outcome)) + "\n")
        stream.flush()
    return outcome


def read_log(path: Path) -> list[Outcome]:
    """The outcomes of a campaign log written by :func:`run_campaign`."""
    lines = path.read_text().splitlines()
    return [Outcome(**json.loads(line)) for line in lines if line.strip()]


def summarise(outcomes: Sequence[Outcome], wall: float | None = None) -> str:
    """The campaign's figures, one per line."""
    ok = [o for o in outcomes if o.verdict == "ok"]
    clean = [o for o in outcomes if o.verdict == "clean-error"]
    failed = [o for o in outcomes if o.verdict == "fail"]
    skipped = [o for o in ok if o.sqnr_skipped]
    checked = [
        o.golden_db for o in ok if o.golden_db is not None and not o.sqnr_skipped
    ]
    lines = [
        f"networks: {len(outcomes)}; ok {len(ok)}, clean compile errors "
        f"{len(clean)}, failures {len(failed)}",
        f"z64 samples: {sum(o.z64_checked for o in ok)}; golden SQNR skipped "
        f"(float32 noise-sensitive) {len(skipped)}; float check skipped "
        f"(float32 rounding-sensitive) {sum(o.float_skipped for o in outcomes)}",
    ]
    if checked:
        lines.append(
            f"golden SQNR (checked): min {min(checked):.1f} dB, "
            f"median {float(np.median(checked)):.1f} dB"
        )
    if outcomes:
        slow = max(outcomes, key=lambda o: o.seconds)
        big = max(outcomes, key=lambda o: o.parameters)
        deep = max(outcomes, key=lambda o: o.nodes)
        lines += [
            f"slowest: seed {slow.seed}, {slow.seconds:.1f} s, {slow.summary}",
            f"largest: seed {big.seed}, {big.summary}",
            f"deepest: seed {deep.seed}, {deep.summary}",
            f"total check time {sum(o.seconds for o in outcomes):.0f} s"
            + (f", wall {wall:.0f} s" if wall is not None else ""),
        ]
    messages: dict[str, int] = {}
    for o in clean:
        key = o.detail.split(":", 1)[-1].strip()[:70]
        messages[key] = messages.get(key, 0) + 1
    for message, n in sorted(messages.items(), key=lambda kv: -kv[1])[:5]:
        lines.append(f"  clean error x{n}: {message}")
    for o in failed:
        lines.append(f"FAIL seed {o.seed} [{o.check}] {o.detail} ({o.summary})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """The campaign's command line; exit status 1 if a network failed."""
    parser = argparse.ArgumentParser(
        prog="python -m n64c.testing.random_networks",
        description="Check random ONNX networks through the whole n64c flow.",
    )
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--z64-every", type=int, default=10)
    parser.add_argument(
        "--scale", type=int, default=1, help="larger networks (see random_spec)"
    )
    parser.add_argument(
        "--save", type=Path, help="shrink each failure; write its spec here"
    )
    parser.add_argument(
        "--network", type=int, help="check only the network of this seed, verbosely"
    )
    parser.add_argument(
        "--log", type=Path, help="append each outcome to this file (JSON lines)"
    )
    parser.add_argument(
        "--summarise", type=Path, help="print the figures of a campaign log and stop"
    )
    args = parser.parse_args(argv)
    if args.summarise is not None:
        outcomes = read_log(args.summarise)
        print(summarise(outcomes))
        return int(any(o.verdict == "fail" for o in outcomes))
    if args.network is not None:
        spec = random_spec(args.network, args.scale)
        print(spec.to_json())
        outcome = check_network(spec, z64=True)
        print(outcome)
        return int(outcome.verdict == "fail")
    start = time.perf_counter()
    outcomes = run_campaign(
        args.count, args.seed, args.jobs, args.z64_every, args.log, args.scale
    )
    print(summarise(outcomes, time.perf_counter() - start))
    failed = [o for o in outcomes if o.verdict == "fail"]
    if args.save is not None and failed:
        from n64c.testing.random_network_shrink import save_reproducer

        for o in failed:
            path = save_reproducer(random_spec(o.seed, args.scale), o.check, args.save)
            print(f"saved {path}")
    return int(bool(failed))
