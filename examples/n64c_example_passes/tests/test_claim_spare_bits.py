"""`claim-spare-bits`: which layers take the bit, that the int16 values
are the same numbers one bit finer, and the errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from n64c_example_passes.claim_spare_bits import ClaimSpareBitsPass, claim_spare_bits
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from n64c.dialects.n64_quant import QConv2dOp, QGemmOp
from n64c.errors import N64cError
from n64c.frontend.onnx import import_onnx
from n64c.passes.n64_cleanup import N64CleanupPass
from n64c.passes.quantize_int16 import quantize_int16
from n64c.sim.int_engine import run_int_checked
from n64c.sim.layer_report import layer_names
from n64c.sim.observe import run_observed


def quantised(examples: Path, model: str) -> tuple[ModuleOp, np.ndarray]:
    module = import_onnx(examples / f"{model}.onnx")
    N64CleanupPass().apply(Context(), module)
    calib = np.load(examples / f"{model}_calib.npy")
    quantize_int16(module, calib)
    return module, calib


def layers(module: ModuleOp) -> dict[str, QGemmOp | QConv2dOp]:
    return {
        name: op
        for op, name in layer_names(module).items()
        if isinstance(op, QGemmOp | QConv2dOp)
    }


def test_mlp_hidden_layer_takes_one_bit(examples: Path) -> None:
    module, calib = quantised(examples, "mlp_digits")
    before = module.clone()
    claimed = claim_spare_bits(module, examples / "mlp_digits_calib.npy")
    assert claimed == ["gemm1"]
    module.verify()
    old, new = layers(before), layers(module)
    assert new["gemm1"].out_frac_bits == old["gemm1"].out_frac_bits + 1
    assert [s + 1 for s in new["gemm1"].shift_values] == list(old["gemm1"].shift_values)
    # gemm2 reads the finer input: a larger shift, or a weight bit less at 16
    for s_old, s_new, f_old, f_new in zip(
        old["gemm2"].shift_values,
        new["gemm2"].shift_values,
        old["gemm2"].weight_frac_bits,
        new["gemm2"].weight_frac_bits,
        strict=True,
    ):
        assert (s_new, f_new) == ((s_old + 1, f_old) if s_old < 16 else (16, f_old - 1))
    assert new["gemm0"].out_frac_bits == old["gemm0"].out_frac_bits


def test_values_are_the_same_numbers_one_bit_finer(examples: Path) -> None:
    module, calib = quantised(examples, "mlp_digits")
    before = module.clone()
    claim_spare_bits(module, examples / "mlp_digits_calib.npy")
    feed = {"input": calib}
    (old,), _ = run_observed(before, feed, [layers(before)["gemm1"].output])
    (new,), _ = run_observed(module, feed, [layers(module)["gemm1"].output])
    diff = new.astype(np.int64) - 2 * old.astype(np.int64)
    assert np.abs(diff).max() <= 1  # rounded at half the step
    assert (diff != 0).any()  # and finer somewhere


def test_no_more_wraps_or_saturations_on_the_calibration_data(examples: Path) -> None:
    for model in ("mlp_digits", "cnn_digits"):
        module, calib = quantised(examples, model)
        claim_spare_bits(module, examples / f"{model}_calib.npy")
        _, overflow = run_int_checked(module, {"input": calib})
        assert sum(c.wrapped + c.saturated for c in overflow.values()) == 0


def test_a_layer_whose_range_is_full_is_left_alone(examples: Path) -> None:
    module, _ = quantised(examples, "mlp_digits")
    text = str(module)
    assert claim_spare_bits(module, examples / "mlp_digits_calib.npy", ["gemm0"]) == []
    assert str(module) == text


def test_pass_options_choose_layers(examples: Path) -> None:
    module, _ = quantised(examples, "mlp_digits")
    f_y = layers(module)["gemm1"].out_frac_bits
    calib = str(examples / "mlp_digits_calib.npy")
    ClaimSpareBitsPass(calibration=calib, layers=("gemm1",)).apply(Context(), module)
    assert layers(module)["gemm1"].out_frac_bits == f_y + 1


def test_graph_ir_is_refused(examples: Path) -> None:
    module = import_onnx(examples / "mlp_digits.onnx")
    with pytest.raises(N64cError, match="works on quantised IR .* stage 'graph'"):
        claim_spare_bits(module)


def test_unknown_layer_names_the_layers(examples: Path) -> None:
    module, _ = quantised(examples, "mlp_digits")
    with pytest.raises(
        N64cError,
        match=r"no layer conv9 \(the gemm and conv layers are: gemm0, gemm1, gemm2\)",
    ):
        claim_spare_bits(module, layers=["conv9"])
