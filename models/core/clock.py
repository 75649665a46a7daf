"""The one source of 'now' (UTC, naive, microsecond precision) so tests can move time."""
from __future__ import annotations

import calendar
import datetime as dt

_override: dt.datetime | None = None


def now() -> dt.datetime:
    if _override is not None:
        return _override
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def today() -> dt.date:
    return now().date()


def set_now(value: dt.datetime | None) -> None:
    """Freeze the clock at ``value`` (``None`` to release). For tests and the demo builder."""
    global _override
    _override = value


def frozen_at() -> dt.datetime | None:
    """The frozen 'now', or ``None`` when the clock runs (so a builder can restore it)."""
    return _override


# Dates a group's money can carry: anything earlier or later is a typing slip (year 0001,
# 9999), and would run date arithmetic off the calendar.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)


def check_date(value: dt.date) -> dt.date:
    """Refuse a date outside ``EARLIEST``–``LATEST`` with the user's message."""
    if not EARLIEST <= value <= LATEST:
        from models.core.errors import UserError
        from models.core.i18n import N_

        raise UserError(N_("{date} is not a date Kongthun can use: choose one from {first} "
                           "to {last}."),
                        date=f"{value.day:02d}/{value.month:02d}/{value.year:04d}",
                        first=EARLIEST.strftime("%d/%m/%Y"), last=LATEST.strftime("%d/%m/%Y"))
    return value


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, clamped to the target month's last day (31 Jan + 1 →
    28/29 Feb), like Java's ``LocalDate.plusMonths``."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))
