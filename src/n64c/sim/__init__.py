"""Executing n64c programs: float reference, golden integer model, the RSP
simulator and the bridge to the real RSP core (mupen64plus-rsp-z64)."""
