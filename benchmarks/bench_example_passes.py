"""The passes of the example out-of-tree package
(`examples/n64c_example_passes`, installed by `scripts/setup.sh`): how long
each takes to run (`time_`), and what it does to the compiled code
(`track_`: RSP cycles per inference from the cycle model, SQNR against the
float model on the held-out digits). `docs/tutorial/06-benchmarking-with-asv.md`
walks through this file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _cleaned(model: str) -> Any:
    from xdsl.context import Context

    from n64c.frontend.onnx import import_onnx
    from n64c.passes.n64_cleanup import N64CleanupPass

    module = import_onnx(EXAMPLES / f"{model}.onnx")
    N64CleanupPass().apply(Context(), module)
    return module


class GemmAsConv:
    """`gemm-as-conv` on the digits CNN's float graph (a fresh graph per
    sample: the pass rewrites it in place)."""

    number = 1
    repeat = (3, 20, 10.0)
    warmup_time = 0.0

    def setup(self) -> None:
        from n64c_example_passes.gemm_as_conv import GemmAsConvPass
        from xdsl.context import Context

        self.ctx = Context()
        self.module = _cleaned("cnn_digits")
        self.pass_ = GemmAsConvPass()

    def time_gemm_as_conv(self) -> None:
        self.pass_.apply(self.ctx, self.module)


class ClaimSpareBits:
    """`claim-spare-bits` on the digits MLP's quantised graph: a golden
    model run on the 64 calibration samples per layer tried."""

    number = 1
    repeat = (3, 20, 10.0)
    warmup_time = 0.0

    def setup(self) -> None:
        from n64c_example_passes.claim_spare_bits import ClaimSpareBitsPass
        from xdsl.context import Context

        from n64c.passes.quantize_int16 import quantize_int16

        self.ctx = Context()
        calib = str(EXAMPLES / "mlp_digits_calib.npy")
        self.module = _cleaned("mlp_digits")
        quantize_int16(self.module, calib)
        self.pass_ = ClaimSpareBitsPass(calibration=calib)

    def time_claim_spare_bits(self) -> None:
        self.pass_.apply(self.ctx, self.module)


class ExamplePassEffect:
    """What the passes do to the code n64c makes, tracked over commits."""

    timeout = 300.0

    def track_cnn_rsp_cycles_gemm_as_conv(self) -> int:
        from n64c_example_passes.gemm_as_conv import GemmAsConvPass

        import n64c

        passes = n64c.default_pipeline()
        passes.insert(1, GemmAsConvPass())
        calib = EXAMPLES / "cnn_digits_calib.npy"
        cm = n64c.compile(
            EXAMPLES / "cnn_digits.onnx", calibration=calib, passes=passes
        )
        return int(cm.report["rsp"]["cycles"])

    track_cnn_rsp_cycles_gemm_as_conv.unit = "cycles"  # type: ignore[attr-defined]

    def track_mlp_heldout_sqnr_claim_spare_bits(self) -> float:
        import numpy as np
        from n64c_example_passes.claim_spare_bits import ClaimSpareBitsPass

        import n64c
        from n64c.compare import compare
        from n64c.pipeline import pipeline_index

        calib = str(EXAMPLES / "mlp_digits_calib.npy")
        passes = n64c.default_pipeline()
        passes.insert(
            pipeline_index(passes, "quantize-int16") + 1,
            ClaimSpareBitsPass(calibration=calib),
        )
        heldout = np.load(EXAMPLES / "digits_heldout.npz")["X"].astype(np.float32)
        (result,) = compare(
            EXAMPLES / "mlp_digits.onnx",
            {"claim-spare-bits": passes},
            calibration=calib,
            inputs=heldout.reshape(-1, 1, 64),
        )
        return round(result.sqnr_db, 2)

    track_mlp_heldout_sqnr_claim_spare_bits.unit = "dB"  # type: ignore[attr-defined]
