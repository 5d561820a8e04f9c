"""Registration of n64c's dialects, passes and targets with xDSL.

`pyproject.toml` publishes :data:`N64C_UNIVERSE` under the `xdsl.universe`
entry point, so `n64-opt` (and `xdsl-opt`) find everything here. Every
factory imports its module lazily: start-up stays fast.
"""

from __future__ import annotations

from xdsl.universe import Universe

from n64c.backend import get_all_targets
from n64c.dialects import get_all_dialects
from n64c.passes import get_all_passes

N64C_UNIVERSE = Universe(
    all_dialects=get_all_dialects(),
    all_passes=get_all_passes(),
    all_targets=get_all_targets(),
)
