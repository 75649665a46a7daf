"""Loan repayment schedules: pure functions, no database, no Qt.

The conventions are Apache Fineract's cumulative schedule generators (our reference, see
docs DOMAIN §3), reproduced step by step so that Fineract's published scenarios come out
to the last minor unit:

- Money is ``int`` minor units; rates are ``Decimal`` percent a year. Intermediate
  arithmetic runs in a 19-digit decimal context with the loan's rounding mode (Fineract's
  ``MoneyHelper`` ``MathContext``); every amount is then rounded once to whole minor units
  with that same mode.
- Periodic rate, interest period = repayment period: ``annual / periods-per-year / 100 ×
  repay-every`` with 12 a year monthly and 52 a year weekly (fortnightly = every 2 weeks,
  so ``annual / 52 / 100 × 2``). Interest period = daily: ``annual / 365 / 100 × days``
  with the actual days of each period.
- Declining balance, equal installments: the installment (EMI) is the PMT of the whole
  principal over all installments, computed once, rounded to minor units — or, when a
  multiple is set, to the nearest multiple with the rounding mode. For daily interest the
  PMT uses a 30-day month (7 or 14 days for weekly or fortnightly), as Fineract's
  ``pmtForInstallment`` does. Each period's interest is ``balance × periodic rate``;
  principal = EMI − interest.
- Declining balance, equal principal: principal = principal ÷ installments rounded; the
  multiple is not applied.
- Flat: total interest = principal × rate over the whole term, rounded; each period takes
  total ÷ installments in interest and principal ÷ installments in principal. With a
  multiple, principal and interest are each rounded to the multiple and the principal part
  absorbs the difference, so every installment total is a multiple (Fineract's
  ``calculateTotalPrincipalPerPeriodWithoutGrace``). Fineract gives flat loans this one
  shape whatever the amortization, and so do we.
- The last installment takes all residue: the remaining principal, and for flat loans
  the remaining interest. Should rounding to a multiple make an earlier installment
  clear the balance, the schedule ends there (that installment is the last), as
  Fineract's generator stops once the balance is zero.
- A first due date later than one period: interest runs from disbursement to each due
  date (Fineract with interest charged from the disbursement date). The first
  installment carries, besides its own period's interest, the interest from the
  disbursement to one period before its due date (on the whole principal, as
  ``periods_between`` counts it: whole periods and a fraction by days); that extra
  interest does not reduce the principal the installment repays. Flat loans the same:
  the principal × rate for the extra time, on the first installment. A first due date
  sooner than one period charges a whole period (Fineract).
- Due dates: one period after disbursement unless a first due date is given; monthly
  dates keep the seed day (the first due date's day, or the disbursement day) and are
  clamped to the month's end: 31 Jan → 28/29 Feb → 31 Mar. Weekly and fortnightly add 7
  or 14 days.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from decimal import Context, Decimal
from typing import Literal

from models.core.clock import check_date
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.money import ROUNDING_MODES, check_within
from models.loans.due_dates import (
    FREQUENCIES,
    FREQUENCY_RULES,
    MAX_INSTALLMENTS,
    WIDE,
    Frequency,
    check_choice,
    due_dates,
    period_before,
    periods_between,
)

Method = Literal["flat", "declining"]
Amortization = Literal["equal-installments", "equal-principal"]
InterestPeriod = Literal["repayment", "daily"]
Rounding = Literal["half-even", "half-up"]

METHODS: tuple[str, ...] = ("flat", "declining")
AMORTIZATIONS: tuple[str, ...] = ("equal-installments", "equal-principal")
INTEREST_PERIODS: tuple[str, ...] = ("repayment", "daily")

#: Currency exponents we accept (kip 0, baht and dollars 2).
MAX_EXPONENT = 4

# Fineract's MoneyHelper.PRECISION: intermediate divisions and products keep 19 digits.
_PRECISION = 19
_DAYS_IN_YEAR = 365
_ONE = Decimal(1)
_HUNDRED = Decimal(100)



@dataclass(frozen=True)
class ScheduleTerms:
    """What a schedule is built from. Validated on construction (``UserError``).

    Arguments past the rate are keyword-only. ``principal`` and ``multiple`` are minor
    units (``multiple`` 0 or 1 means none);
    ``annual_rate`` is percent a year, 0–100; ``exponent`` is the currency's decimals
    (0 kip, 2 baht); ``first_due`` defaults to one period after ``disbursed``.
    """

    principal: int
    annual_rate: Decimal
    _: KW_ONLY
    installments: int
    disbursed: dt.date
    method: Method = "declining"
    amortization: Amortization = "equal-installments"
    interest_period: InterestPeriod = "repayment"
    frequency: Frequency = "monthly"
    exponent: int = 0
    multiple: int = 0
    rounding: Rounding = "half-even"
    first_due: dt.date | None = None

    def __post_init__(self) -> None:
        # Programming errors first: money and rates are never floats.
        if isinstance(self.annual_rate, bool) or not isinstance(self.annual_rate, (Decimal, int)):
            raise TypeError("annual_rate must be a Decimal (percent a year), never a float")
        for name in ("principal", "installments", "exponent", "multiple"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int")
        if not isinstance(self.disbursed, dt.date):
            raise TypeError("disbursed must be a date")
        if self.first_due is not None and not isinstance(self.first_due, dt.date):
            raise TypeError("first_due must be a date or None")
        object.__setattr__(self, "annual_rate", Decimal(self.annual_rate))

        if self.principal <= 0:
            raise UserError(N_("The loan amount must be more than zero."))
        check_within(self.principal)
        check_date(self.disbursed)
        if self.first_due is not None:
            check_date(self.first_due)
        rate = self.annual_rate
        if not rate.is_finite() or rate < 0 or rate > 100:
            raise UserError(N_("The interest rate must be between 0 and 100 % a year."))
        if not 1 <= self.installments <= MAX_INSTALLMENTS:
            raise UserError(N_("The number of installments must be between 1 and {maximum}."),
                            maximum=MAX_INSTALLMENTS)
        check_choice(self.method, METHODS)
        check_choice(self.amortization, AMORTIZATIONS)
        check_choice(self.interest_period, INTEREST_PERIODS)
        check_choice(self.frequency, FREQUENCIES)
        check_choice(self.rounding, tuple(ROUNDING_MODES))
        if not 0 <= self.exponent <= MAX_EXPONENT:
            raise UserError(N_("The number of decimals must be between 0 and {maximum}."),
                            maximum=MAX_EXPONENT)
        if self.multiple < 0:
            raise UserError(N_("The multiple cannot be negative."))
        check_within(self.multiple)
        if self.first_due is not None and self.first_due <= self.disbursed:
            raise UserError(N_("The first due date must be after the disbursement date {date}."),
                            date=self.disbursed.isoformat())


@dataclass(frozen=True)
class Installment:
    """One line of a schedule. Money in minor units; ``balance`` is the principal still
    owed after this installment is paid; ``total = principal + interest``."""

    n: int
    due_date: dt.date
    principal: int
    interest: int
    total: int
    balance: int


@dataclass(frozen=True)
class ScheduleTotals:
    principal: int
    interest: int
    total: int


@dataclass(frozen=True)
class Payoff:
    """What clears a declining-balance loan early on ``as_of``.

    ``principal`` is the principal still owed; ``interest`` accrued on it from
    ``interest_from`` to ``as_of`` (``days`` days, actual/365); ``total`` is their sum.
    """

    as_of: dt.date
    interest_from: dt.date
    days: int
    principal: int
    interest: int
    total: int




def ideal_start(terms: ScheduleTerms) -> dt.date:
    """Where the first installment's own period starts: one period before the first due
    date, or the disbursement when the first period is not longer than one period."""
    if terms.first_due is None:
        return terms.disbursed
    return max(terms.disbursed, period_before(terms.first_due, terms.frequency))


class _Arithmetic:
    """The rounding of one loan: a 19-digit context and the rounding to minor units or to
    the installment multiple, all with the loan's rounding mode."""

    def __init__(self, rounding: str) -> None:
        self.mode = ROUNDING_MODES[rounding]
        self.ctx = Context(prec=_PRECISION, rounding=self.mode)

    def minor(self, value: Decimal) -> int:
        """Round to whole minor units (Fineract's ``setScale(decimals, mode)``)."""
        return int(value.quantize(_ONE, rounding=self.mode))

    def to_multiple(self, value: Decimal | int, multiple: int) -> int:
        """Nearest multiple of ``multiple`` minor units, ties by the rounding mode
        (Fineract's ``Money.roundToMultiplesOf``)."""
        quotient = WIDE.divide(Decimal(value), Decimal(multiple))
        return int(quotient.quantize(_ONE, rounding=self.mode)) * multiple

    def div(self, value: Decimal | int, divisor: Decimal | int) -> Decimal:
        return self.ctx.divide(Decimal(value), Decimal(divisor))

    def mul(self, value: Decimal | int, factor: Decimal | int) -> Decimal:
        return self.ctx.multiply(Decimal(value), Decimal(factor))


def _rate_per_period(terms: ScheduleTerms, a: _Arithmetic) -> Decimal:
    """Interest-period = repayment-period rate as a fraction: annual / n-a-year / 100 × every."""
    per_year, every, _ = FREQUENCY_RULES[terms.frequency]
    # The last multiplication is exact in Fineract (no MathContext); ours is too.
    return a.div(a.div(terms.annual_rate, per_year), _HUNDRED) * every


def _rate_per_day(terms: ScheduleTerms, a: _Arithmetic) -> Decimal:
    return a.div(a.div(terms.annual_rate, _DAYS_IN_YEAR), _HUNDRED)


def _rate_for_days(terms: ScheduleTerms, a: _Arithmetic, days: int) -> Decimal:
    return a.mul(_rate_per_day(terms, a), days)


def _pmt_rate(terms: ScheduleTerms, a: _Arithmetic) -> Decimal:
    """The periodic rate the EMI is computed with. Daily-interest loans use a standard
    period (30 days a month, 7 or 14 days a week/fortnight), not the actual days."""
    if terms.interest_period == "daily":
        return _rate_for_days(terms, a, FREQUENCY_RULES[terms.frequency][2])
    return _rate_per_period(terms, a)


def _pmt(principal: int, rate: Decimal, periods: int) -> Decimal:
    """Excel's PMT for a present value ``principal``, unrounded."""
    if rate == 0:
        return WIDE.divide(Decimal(principal), Decimal(periods))
    growth = WIDE.power(WIDE.add(_ONE, rate), periods)
    return WIDE.divide(WIDE.multiply(WIDE.multiply(Decimal(principal), rate), growth),
                        WIDE.subtract(growth, _ONE))


def _multiple(terms: ScheduleTerms) -> int | None:
    return terms.multiple if terms.multiple > 1 else None


def _too_large_multiple(terms: ScheduleTerms) -> UserError:
    major = f"{Decimal(terms.multiple).scaleb(-terms.exponent):f}"  # as the user typed it
    return UserError(
        N_("Rounded to a multiple of {multiple}, an installment would not cover its "
           "interest. Use a smaller multiple or fewer installments."),
        multiple=major)


def build_schedule(terms: ScheduleTerms) -> list[Installment]:
    """The repayment schedule of ``terms``: one ``Installment`` per due date.

    Guarantees: principals sum to ``terms.principal`` exactly; the last balance is 0;
    balances never increase; no amount is negative. The list is shorter than
    ``terms.installments`` only when rounding to the multiple clears the loan early.
    Raises ``UserError`` when the multiple is so large that an installment would not
    cover its interest (or would round to nothing).
    """
    dates = due_dates(terms.disbursed, terms.installments, frequency=terms.frequency,
                      first_due=terms.first_due)
    if terms.method == "flat":
        return _flat(terms, dates)
    return _declining(terms, dates)


def _declining(terms: ScheduleTerms, dates: Sequence[dt.date]) -> list[Installment]:
    a = _Arithmetic(terms.rounding)
    count = len(dates)
    multiple = _multiple(terms)
    equal_installments = terms.amortization == "equal-installments"
    if equal_installments:
        exact = _pmt(terms.principal, _pmt_rate(terms, a), count)
        emi = a.to_multiple(exact, multiple) if multiple else a.minor(exact)
        if emi <= 0:
            raise _too_large_multiple(terms)
    else:
        # Fineract: outstanding ÷ periods at 19 digits, rounded; the multiple is not used.
        fixed_principal = a.minor(a.div(terms.principal, count))
    flat_rate = _rate_per_period(terms, a)

    schedule: list[Installment] = []
    balance = terms.principal
    start = ideal_start(terms)
    extra = _extra_interest(terms, a, start)
    for n, due in enumerate(dates, start=1):
        if terms.interest_period == "daily":
            rate = _rate_for_days(terms, a, (due - start).days)
        else:
            rate = flat_rate
        regular = a.minor(a.mul(balance, rate))
        interest = regular + (extra if n == 1 else 0)
        principal = emi - regular if equal_installments else fixed_principal
        if principal < 0:
            raise _too_large_multiple(terms)
        if principal >= balance or n == count:
            principal = balance
        balance -= principal
        schedule.append(Installment(n, due, principal, interest, principal + interest, balance))
        if balance == 0:
            break
        start = due
    return schedule


def _extra_interest(terms: ScheduleTerms, a: _Arithmetic, start: dt.date) -> int:
    """Interest on the whole principal from the disbursement to ``start`` (where the first
    installment's own period begins): nothing unless the first period is long."""
    if start <= terms.disbursed:
        return 0
    if terms.interest_period == "daily":
        rate = _rate_for_days(terms, a, (start - terms.disbursed).days)
    else:
        rate = a.mul(_rate_per_period(terms, a),
                     periods_between(terms.disbursed, start, terms.frequency))
    return a.minor(a.mul(terms.principal, rate))


def _flat_total_interest(terms: ScheduleTerms, a: _Arithmetic, dates: Sequence[dt.date]) -> int:
    """Interest over the installments' own periods on the original principal (Fineract's
    ``calculateTotalFlatInterestDueWithoutGrace``); a long first period's extra is
    ``_extra_interest``."""
    if terms.interest_period == "daily":
        rate = _rate_per_day(terms, a) * (dates[-1] - ideal_start(terms)).days
    else:
        per_year, every, _ = FREQUENCY_RULES[terms.frequency]
        rate = a.div(a.div(terms.annual_rate, per_year), _HUNDRED) * (every * len(dates))
    return a.minor(a.mul(terms.principal, rate))


def _flat(terms: ScheduleTerms, dates: Sequence[dt.date]) -> list[Installment]:
    a = _Arithmetic(terms.rounding)
    count = len(dates)
    multiple = _multiple(terms)
    total_interest = _flat_total_interest(terms, a, dates)
    interest_each = a.minor(a.div(total_interest, count))
    principal_each = a.minor(a.div(terms.principal, count))
    if multiple:
        # Each part to the multiple; the principal absorbs the interest's rounding so the
        # installment total is a multiple while the interest stays exact.
        principal_each = (a.to_multiple(principal_each, multiple)
                          + a.to_multiple(interest_each, multiple) - interest_each)
        if principal_each + interest_each <= 0:
            raise _too_large_multiple(terms)
    if principal_each < 0:
        raise _too_large_multiple(terms)

    extra = _extra_interest(terms, a, ideal_start(terms))
    schedule: list[Installment] = []
    balance = terms.principal
    interest_so_far = 0
    for n, due in enumerate(dates, start=1):
        principal = principal_each
        if principal >= balance or n == count:
            principal = balance
        interest = interest_each
        if interest_so_far + interest > total_interest or n == count:
            interest = total_interest - interest_so_far
        balance -= principal
        interest_so_far += interest
        if n == 1:
            interest += extra
        schedule.append(Installment(n, due, principal, interest, principal + interest, balance))
        if balance == 0:
            break
    return schedule


def summarize(schedule: Sequence[Installment]) -> ScheduleTotals:
    """Sums of the principal, interest and total columns."""
    principal = sum(i.principal for i in schedule)
    interest = sum(i.interest for i in schedule)
    return ScheduleTotals(principal, interest, principal + interest)


def accrued_interest(terms: ScheduleTerms, outstanding: int, days: int) -> int:
    """Interest on ``outstanding`` minor units over ``days`` days at the loan's rate,
    actual/365, rounded once with the loan's rounding mode (Fineract's
    ``interestRateFor``)."""
    if outstanding < 0 or days < 0:
        raise ValueError("outstanding and days must not be negative")
    a = _Arithmetic(terms.rounding)
    return a.minor(a.mul(outstanding, _rate_for_days(terms, a, days)))


def payoff_amount(terms: ScheduleTerms, paid_principal: int, as_of: dt.date, *,
                  interest_from: dt.date | None = None) -> Payoff:
    """What clears a declining-balance loan on ``as_of``: the principal not yet repaid
    plus interest accrued on it, daily actual/365, from ``interest_from`` to ``as_of``.

    ``interest_from`` defaults to the start of the schedule period that contains
    ``as_of`` (the last due date before it, or the disbursement date): the interest of
    earlier installments is theirs, due or paid, and not part of this figure. From the
    final due date on nothing more accrues (lateness is a penalty's business).
    Raises ``UserError`` for flat loans, a paid principal outside 0…principal, or dates
    before the disbursement.
    """
    if terms.method != "declining":
        raise UserError(N_("An early payoff with interest to date applies to declining-"
                           "balance loans only."))
    if isinstance(paid_principal, bool) or not isinstance(paid_principal, int):
        raise TypeError("paid_principal must be an int of minor units")
    if not 0 <= paid_principal <= terms.principal:
        raise UserError(N_("The principal repaid must be between 0 and the loan amount."))
    if as_of < terms.disbursed:
        raise UserError(N_("The payoff date cannot be before the disbursement date {date}."),
                        date=terms.disbursed.isoformat())
    dates = due_dates(terms.disbursed, terms.installments, frequency=terms.frequency,
                      first_due=terms.first_due)
    if interest_from is None:
        interest_from = max([terms.disbursed, *(d for d in dates if d < as_of)])
    elif not terms.disbursed <= interest_from <= as_of:
        raise UserError(N_("Interest can only accrue between the disbursement date and "
                           "the payoff date."))
    until = min(as_of, dates[-1])
    days = max(0, (until - interest_from).days)
    outstanding = terms.principal - paid_principal
    interest = accrued_interest(terms, outstanding, days)
    return Payoff(as_of, interest_from, days, outstanding, interest, outstanding + interest)
