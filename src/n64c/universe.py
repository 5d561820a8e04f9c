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


def check_plugin_universes() -> None:
    """Load every `xdsl.universe` entry point once, so that a package whose
    entry point fails to import (or names no `Universe`) is reported as one
    clear error naming the package, instead of a traceback from deep inside
    xDSL's own loading. A loaded module stays imported: xDSL's later
    loading of the same entry points costs nothing."""
    from importlib.metadata import entry_points

    from n64c.errors import N64cError

    for plugin in entry_points(group="xdsl.universe"):
        try:
            universe = plugin.load()
        except Exception as error:  # a broken third-party package
            kind = type(error).__name__
            raise N64cError(
                f"the xdsl.universe entry point {plugin.name!r} ({plugin.value}) "
                f"failed to load: {kind}: {error}"
            ) from None
        if not isinstance(universe, Universe):
            raise N64cError(
                f"the xdsl.universe entry point {plugin.name!r} ({plugin.value}) "
                f"is a {type(universe).__name__}, not an xdsl.universe.Universe"
            )
