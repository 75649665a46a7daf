"""The one source of 'now' (UTC, naive, microsecond precision) so tests can move time."""
from __future__ import annotations

import datetime as dt

_override: dt.datetime | None = None


def now() -> dt.datetime:
    if _override is not None:
        return _override
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def today() -> dt.date:
    return now().date()


def set_now(value: dt.datetime | None) -> None:
    """Freeze the clock at ``value`` (``None`` to release). For tests and the demo builder."""
    global _override
    _override = value


def frozen_at() -> dt.datetime | None:
    """The frozen 'now', or ``None`` when the clock runs (so a builder can restore it)."""
    return _override
