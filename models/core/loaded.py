"""Whether a front end loaded the capabilities (``models.core.capability.load``): the code
that needs their rules asks, and stops loudly if none did."""
from __future__ import annotations

_capabilities_loaded = False


def capabilities_loaded() -> None:
    """Called by ``models.core.capability.load`` once every capability is registered."""
    global _capabilities_loaded
    _capabilities_loaded = True


def require_capabilities() -> None:
    """Stop loudly where the capabilities' rules are needed and no front end loaded them
    (a share-out reversed as a plain entry was such a silent gap)."""
    if not _capabilities_loaded:
        raise RuntimeError("the capabilities are not loaded: a front end must call "
                           "models.core.capability.load() at start")
