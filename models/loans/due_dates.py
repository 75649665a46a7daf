"""The due dates of a loan's installments: one repayment period apart (a month, a fortnight
or a week), monthly ones keeping the seed day clamped to the month's end (31 Jan → 28/29
Feb → 31 Mar), and the periods between two days as Fineract counts them. Pure functions,
no database."""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Context, Decimal
from typing import Literal

from models.core.clock import add_months
from models.core.errors import UserError
from models.core.i18n import N_

Frequency = Literal["monthly", "fortnightly", "weekly"]
FREQUENCIES: tuple[str, ...] = ("monthly", "fortnightly", "weekly")

#: More than 1,000 installments is a typing mistake (weekly for 19 years), not a loan.
MAX_INSTALLMENTS = 1000

# The PMT needs more room than 19 digits: (1 + r)^n over hundreds of periods.
WIDE = Context(prec=50)

# frequency -> (repayment periods in a year, repay every n of them, days for a daily PMT)
FREQUENCY_RULES: dict[str, tuple[int, int, int]] = {
    "monthly": (12, 1, 30),
    "fortnightly": (52, 2, 14),
    "weekly": (52, 1, 7),
}


def check_choice(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise UserError(N_("“{value}” is not one of: {choices}."),
                        value=value, choices=", ".join(allowed))


def _next_due(previous: dt.date, seed: dt.date, frequency: str) -> dt.date:
    """One period after ``previous``. Monthly dates return to the seed day where the
    month has it (Fineract's ``adjustDate``: only seeds past the 28th need it)."""
    if frequency == "monthly":
        candidate = add_months(previous, 1)
        if seed.day > 28 and candidate.day >= 28:
            last = calendar.monthrange(candidate.year, candidate.month)[1]
            candidate = candidate.replace(day=min(last, seed.day))
        return candidate
    return previous + dt.timedelta(days=7 * FREQUENCY_RULES[frequency][1])


def period_before(day: dt.date, frequency: str) -> dt.date:
    """One repayment period before ``day`` (a month, clamped to the month's end; 7 or 14
    days)."""
    if frequency == "monthly":
        return add_months(day, -1)
    return day - dt.timedelta(days=7 * FREQUENCY_RULES[frequency][1])


def periods_between(start: dt.date, end: dt.date, frequency: str) -> Decimal:
    """Repayment periods from ``start`` to ``end``: whole periods, then the rest as a
    fraction of the next period's days (Fineract's ``calculatePeriodsBetweenDates``)."""
    if end <= start:
        return Decimal(0)
    if frequency != "monthly":
        return WIDE.divide(Decimal((end - start).days),
                            Decimal(7 * FREQUENCY_RULES[frequency][1]))
    whole = 0
    while add_months(start, whole + 1) <= end:
        whole += 1
    since = add_months(start, whole)
    rest = (end - since).days
    if rest == 0:
        return Decimal(whole)
    span = (add_months(start, whole + 1) - since).days
    return Decimal(whole) + WIDE.divide(Decimal(rest), Decimal(span))


def due_dates(disbursed: dt.date, installments: int, *, frequency: Frequency = "monthly",
              first_due: dt.date | None = None) -> list[dt.date]:
    """The ``installments`` due dates of a loan disbursed on ``disbursed``.

    The first is ``first_due``, or one period after disbursement; each next one is a
    period after the previous, monthly ones keeping the seed day (``first_due``'s day,
    else the disbursement day) clamped to the month's end."""
    check_choice(frequency, FREQUENCIES)
    if installments < 1:
        raise UserError(N_("The number of installments must be between 1 and {maximum}."),
                        maximum=MAX_INSTALLMENTS)
    if first_due is not None and first_due <= disbursed:
        raise UserError(N_("The first due date must be after the disbursement date {date}."),
                        date=disbursed.isoformat())
    seed = first_due if first_due is not None else disbursed
    current = first_due if first_due is not None else _next_due(disbursed, seed, frequency)
    dates = [current]
    for _ in range(installments - 1):
        current = _next_due(current, seed, frequency)
        dates.append(current)
    return dates
