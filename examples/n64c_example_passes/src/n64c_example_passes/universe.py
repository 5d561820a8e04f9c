"""The package's passes for xDSL's `xdsl.universe` entry point (see
`pyproject.toml`). The factories import the pass modules only when a
pipeline names them."""

from __future__ import annotations

from xdsl.passes import ModulePass
from xdsl.universe import Universe


def _gemm_as_conv() -> type[ModulePass]:
    from n64c_example_passes.gemm_as_conv import GemmAsConvPass

    return GemmAsConvPass


def _conv_as_gemm() -> type[ModulePass]:
    from n64c_example_passes.gemm_as_conv import ConvAsGemmPass

    return ConvAsGemmPass


def _claim_spare_bits() -> type[ModulePass]:
    from n64c_example_passes.claim_spare_bits import ClaimSpareBitsPass

    return ClaimSpareBitsPass


EXAMPLE_UNIVERSE = Universe(
    all_passes={
        "gemm-as-conv": _gemm_as_conv,
        "conv-as-gemm": _conv_as_gemm,
        "claim-spare-bits": _claim_spare_bits,
    },
)
