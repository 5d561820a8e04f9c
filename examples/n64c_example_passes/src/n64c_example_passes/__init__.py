"""Passes for n64c from a package of their own.

- `gemm-as-conv` (:class:`GemmAsConvPass`): on the float graph, a Gemm on a
  flattened feature map becomes one convolution over the whole map;
  `conv-as-gemm` (:class:`ConvAsGemmPass`) is the inverse.
- `claim-spare-bits` (:class:`ClaimSpareBitsPass`): on the quantised graph,
  a layer whose int16 range the calibration data leaves half empty gets one
  more fractional bit.

All are registered through the `xdsl.universe` entry point
(:mod:`n64c_example_passes.universe`), so `n64-opt -p`, `n64c compile
--pipeline` and `n64c compare` find them by name once the package is
installed. The passes live in :mod:`n64c_example_passes.gemm_as_conv`
and :mod:`n64c_example_passes.claim_spare_bits`; this module imports
nothing, so loading the entry point stays fast.
"""
