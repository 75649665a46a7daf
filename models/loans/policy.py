"""A group's loan policy: dated settings (``models.core.settings``), read as one ``LoanPolicy``.

Defaults follow the study and the VSLA method: 12–24 % a year (the range the brief
reports), loans up to three times the borrower's savings, one loan at a time. Every
figure is a setting an administrator can change from a date on; old loans keep the
terms they were given. The rounding mode is the group's ``rounding`` setting (the same
for every computed amount); the policy reads it and ``set_policy`` can change it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from models.core import settings
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, Deferred
from models.core.money import round_to_minor
from models.core.permissions import Permission, require
from models.core.schema import User

# What a group may offer: (schedule method, amortization) per choice.
LOAN_METHODS: dict[str, tuple[str, str]] = {
    "flat": ("flat", "equal-installments"),
    "declining": ("declining", "equal-installments"),
    "declining_equal_principal": ("declining", "equal-principal"),
}
LOAN_METHOD_NAMES = {
    "flat": N_("Flat interest (on the amount lent)"),
    "declining": N_("Declining balance, equal installments"),
    "declining_equal_principal": N_("Declining balance, equal principal"),
}

PENALTY_NONE, PENALTY_FLAT = "none", "flat"
PENALTY_PRINCIPAL, PENALTY_TOTAL = "percent_principal", "percent_total"
PENALTY_KINDS = (PENALTY_NONE, PENALTY_FLAT, PENALTY_PRINCIPAL, PENALTY_TOTAL)
PENALTY_KIND_NAMES = {
    PENALTY_NONE: N_("No late penalty"),
    PENALTY_FLAT: N_("A fixed amount per late installment"),
    PENALTY_PRINCIPAL: N_("A percent of the late installment's unpaid principal"),
    PENALTY_TOTAL: N_("A percent of the late installment's unpaid principal and interest"),
}

PENALTIES, FEES, INTEREST, PRINCIPAL = "penalties", "fees", "interest", "principal"
COMPONENTS = (PENALTIES, FEES, INTEREST, PRINCIPAL)
COMPONENT_NAMES = {PENALTIES: N_("Penalties"), FEES: N_("Fees"), INTEREST: N_("Interest"),
                   PRINCIPAL: N_("Principal")}

# Where money beyond what is due goes on a declining-balance loan: to the principal of the
# next installments (the common rule: she owes less and pays less interest), or to the
# next installments whole, their interest first (how Kongthun allocated it before).
EXTRA_PRINCIPAL, EXTRA_NEXT = "principal", "next_installments"
EXTRA_PAYMENTS = (EXTRA_PRINCIPAL, EXTRA_NEXT)
EXTRA_PAYMENT_NAMES = {
    EXTRA_PRINCIPAL: N_("To the principal still owed (she owes less)"),
    EXTRA_NEXT: N_("To the next installments, their interest first"),
}

# The loan fee: none, a fixed amount per loan, or a percent of the amount lent; kept from
# the money paid out, or owed with the installments (spread evenly, the rounding remainder
# on the last one, as the schedule does with its residue).
FEE_NONE, FEE_FLAT, FEE_PERCENT = "none", "flat", "percent"
FEE_KINDS = (FEE_NONE, FEE_FLAT, FEE_PERCENT)
FEE_KIND_NAMES = {
    FEE_NONE: N_("No loan fee"),
    FEE_FLAT: N_("A fixed amount per loan"),
    FEE_PERCENT: N_("A percent of the amount lent"),
}
FEE_AT_PAYOUT, FEE_WITH_INSTALLMENTS = "payout", "installments"
FEE_TIMINGS = (FEE_AT_PAYOUT, FEE_WITH_INSTALLMENTS)
FEE_TIMING_NAMES = {
    FEE_AT_PAYOUT: N_("Kept from the money paid out"),
    FEE_WITH_INSTALLMENTS: N_("Paid with the installments"),
}


@dataclass(frozen=True)
class LoanPolicy:
    """The rules a loan application is checked against, in force on one day.

    Rates are percent a year; money is minor units; ``None`` means no limit. The
    allocation order applies within each installment, oldest installment first."""

    min_rate: Decimal = Decimal(12)
    max_rate: Decimal = Decimal(24)
    methods: tuple[str, ...] = ("flat", "declining")
    interest_period: str = "repayment"
    max_term_months: int = 12
    max_amount: int | None = None
    savings_multiple: Decimal | None = Decimal(3)
    guarantors_above: int | None = None
    guarantors_required: int = 1
    max_active_loans: int = 1
    rounding: str = "half-even"
    installment_multiple: int = 0
    penalty_kind: str = PENALTY_NONE
    penalty_flat: int = 0
    penalty_percent: Decimal = Decimal(0)
    grace_days: int = 3
    allocation_order: tuple[str, ...] = COMPONENTS
    fee_kind: str = FEE_NONE
    fee_flat: int = 0
    fee_percent: Decimal = Decimal(0)
    fee_timing: str = FEE_AT_PAYOUT
    extra_payment: str = EXTRA_PRINCIPAL


DEFAULT = LoanPolicy()


def _decimal(value: Any, *, low: Decimal, high: Decimal) -> Decimal:
    """The validators below each return the JSON value to store; this one a number in
    ``low``..``high``."""
    if isinstance(value, (bool, float)):
        raise UserError(N_("Enter a number like 18 or 18.5."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise UserError(N_("Enter a number like 18 or 18.5.")) from None
    if not number.is_finite() or number < low or number > high:
        raise UserError(N_("Enter a number from {low} to {high}."), low=low, high=high)
    if number != number.quantize(Decimal("0.01")):
        raise UserError(N_("Use at most two decimals."))
    return number


def _rate(value: Any) -> str:
    return str(_decimal(value, low=Decimal(0), high=Decimal(100)))


def _optional_multiple(value: Any) -> str | None:
    if value is None:
        return None
    return str(_decimal(value, low=Decimal("0.01"), high=Decimal(1000)))


def _percent(value: Any) -> str:
    return str(_decimal(value, low=Decimal(0), high=Decimal(100)))


def _optional_amount(value: Any) -> int | None:
    if value is None:
        return None
    return settings.whole(1)(value)


def _methods(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)) or not value:
        raise UserError(N_("Offer at least one way of charging interest."))
    chosen = [m for m in LOAN_METHODS if m in value]
    if len(chosen) != len(set(value)):
        raise UserError(N_("Choose one of: {choices}."), choices=", ".join(LOAN_METHODS))
    return chosen


def _order(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)) or sorted(value) != sorted(COMPONENTS):
        raise UserError(N_("The payment order must name penalties, fees, interest and "
                           "principal, each once."))
    return list(value)


def with_fees(order: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """An allocation order stored before loans had fees names three components: fees go
    right after penalties (Fineract's order keeps them together)."""
    order = tuple(order)
    if FEES in order:
        return order
    at = order.index(PENALTIES) + 1
    return order[:at] + (FEES,) + order[at:]


MIN_RATE = settings.define("loans.min_rate", str(DEFAULT.min_rate),
                             N_("Lowest interest rate, percent a year"), _rate)
MAX_RATE = settings.define("loans.max_rate", str(DEFAULT.max_rate),
                             N_("Highest interest rate, percent a year"), _rate)
METHODS = settings.define("loans.methods", list(DEFAULT.methods),
                            N_("Ways of charging interest the group offers"), _methods)
INTEREST_PERIOD = settings.define("loans.interest_period", DEFAULT.interest_period,
                                    N_("Interest counted per installment or per day"),
                                    settings.choice("repayment", "daily"))
MAX_TERM = settings.define("loans.max_term_months", DEFAULT.max_term_months,
                             N_("Longest loan, in months"), settings.whole(1, 120))
MAX_AMOUNT = settings.define("loans.max_amount", DEFAULT.max_amount,
                               N_("Largest loan (empty: no limit)"), _optional_amount)
SAVINGS_MULTIPLE = settings.define(
    "loans.savings_multiple", str(DEFAULT.savings_multiple),
    N_("Largest loan as a multiple of the borrower's savings (empty: no limit)"),
    _optional_multiple)
GUARANTORS_ABOVE = settings.define(
    "loans.guarantors_above", DEFAULT.guarantors_above,
    N_("Loans above this amount need guarantors (empty: never)"), _optional_amount)
GUARANTORS_REQUIRED = settings.define("loans.guarantors_required",
                                        DEFAULT.guarantors_required,
                                        N_("Guarantors such a loan needs"), settings.whole(1, 10))
MAX_ACTIVE = settings.define("loans.max_active_loans", DEFAULT.max_active_loans,
                               N_("Loans a member may have at once"), settings.whole(1, 10))
MULTIPLE = settings.define("loans.installment_multiple", DEFAULT.installment_multiple,
                             N_("Round installments to a multiple of (0: no rounding)"),
                             settings.whole(0))
PENALTY_KIND = settings.define("loans.penalty_kind", DEFAULT.penalty_kind,
                                 N_("Late penalty"), settings.choice(*PENALTY_KINDS))
PENALTY_FLAT_AMOUNT = settings.define("loans.penalty_flat", DEFAULT.penalty_flat,
                                        N_("Late penalty amount"), settings.whole(0))
PENALTY_PERCENT = settings.define("loans.penalty_percent", str(DEFAULT.penalty_percent),
                                    N_("Late penalty percent"), _percent)
GRACE_DAYS = settings.define("loans.grace_days", DEFAULT.grace_days,
                               N_("Days of grace before an installment is late"),
                               settings.whole(0, 90))
ORDER = settings.define("loans.allocation_order", list(DEFAULT.allocation_order),
                          N_("What a repayment pays first"), _order)
FEE_KIND = settings.define("loans.fee_kind", DEFAULT.fee_kind, N_("Loan fee"),
                             settings.choice(*FEE_KINDS))
FEE_FLAT_AMOUNT = settings.define("loans.fee_flat", DEFAULT.fee_flat,
                                    N_("Loan fee amount"), settings.whole(0))
FEE_PERCENT_VALUE = settings.define("loans.fee_percent", str(DEFAULT.fee_percent),
                                      N_("Loan fee percent"), _percent)
FEE_TIMING = settings.define("loans.fee_timing", DEFAULT.fee_timing,
                               N_("When the loan fee is paid"), settings.choice(*FEE_TIMINGS))
EXTRA_PAYMENT = settings.define("loans.extra_payment", DEFAULT.extra_payment,
                                  N_("Where money paid beyond what is due goes "
                                     "(declining-balance loans)"),
                                  settings.choice(*EXTRA_PAYMENTS))
SETTINGS = (MIN_RATE, MAX_RATE, METHODS, INTEREST_PERIOD, MAX_TERM, MAX_AMOUNT, SAVINGS_MULTIPLE,
            GUARANTORS_ABOVE, GUARANTORS_REQUIRED, MAX_ACTIVE, MULTIPLE, PENALTY_KIND,
            PENALTY_FLAT_AMOUNT, PENALTY_PERCENT, GRACE_DAYS, ORDER, FEE_KIND, FEE_FLAT_AMOUNT,
            FEE_PERCENT_VALUE, FEE_TIMING, EXTRA_PAYMENT)

# Policy field -> setting key (the rounding mode is the group's own setting).
_KEYS = {
    "min_rate": MIN_RATE.key, "max_rate": MAX_RATE.key, "methods": METHODS.key,
    "interest_period": INTEREST_PERIOD.key, "max_term_months": MAX_TERM.key,
    "max_amount": MAX_AMOUNT.key, "savings_multiple": SAVINGS_MULTIPLE.key,
    "guarantors_above": GUARANTORS_ABOVE.key, "guarantors_required": GUARANTORS_REQUIRED.key,
    "max_active_loans": MAX_ACTIVE.key, "rounding": "rounding",
    "installment_multiple": MULTIPLE.key, "penalty_kind": PENALTY_KIND.key,
    "penalty_flat": PENALTY_FLAT_AMOUNT.key, "penalty_percent": PENALTY_PERCENT.key,
    "grace_days": GRACE_DAYS.key, "allocation_order": ORDER.key,
    "fee_kind": FEE_KIND.key, "fee_flat": FEE_FLAT_AMOUNT.key,
    "fee_percent": FEE_PERCENT_VALUE.key, "fee_timing": FEE_TIMING.key,
    "extra_payment": EXTRA_PAYMENT.key,
}


def _stored(name: str, value: Any) -> Any:
    """A policy field as its setting stores it (JSON)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _loaded(name: str, value: Any) -> Any:
    if name in ("min_rate", "max_rate", "penalty_percent", "fee_percent"):
        return Decimal(str(value))
    if name == "savings_multiple":
        return None if value is None else Decimal(str(value))
    if name == "allocation_order":
        return with_fees(value)
    if name == "methods":
        return tuple(value)
    return value


def get_policy(session: Session, group_id: int, on: dt.date | None = None) -> LoanPolicy:
    """The loan policy in force on ``on`` (default today)."""
    values = {name: _loaded(name, settings.get(session, group_id, key, on=on))
              for name, key in _KEYS.items()}
    return LoanPolicy(**values)


@dataclass(frozen=True)
class PenaltyRule:
    """The part of the policy that charges late penalties (read alone: it is read for
    every installment that may be late)."""

    kind: str
    flat: int
    percent: Decimal
    grace_days: int
    rounding: str


def penalty_rule(session: Session, group_id: int, on: dt.date) -> PenaltyRule:
    def get(name: str) -> Any:
        return _loaded(name, settings.get(session, group_id, _KEYS[name], on=on))

    return PenaltyRule(get("penalty_kind"), get("penalty_flat"), get("penalty_percent"),
                       get("grace_days"), get("rounding"))


def allocation_order(session: Session, group_id: int, on: dt.date) -> tuple[str, ...]:
    return with_fees(settings.get(session, group_id, ORDER.key, on=on))


def extra_payment(session: Session, group_id: int, on: dt.date) -> str:
    """Where money beyond what is due goes, for loans (re)scheduled on ``on``."""
    return settings.get(session, group_id, EXTRA_PAYMENT.key, on=on)


@dataclass(frozen=True)
class LoanFee:
    """The fee a loan gets: ``amount`` (minor units) and when it is paid."""

    amount: int
    timing: str


def loan_fee(policy: LoanPolicy, amount: int) -> LoanFee:
    """The fee the policy charges on a loan of ``amount`` (minor units): the flat amount,
    or the percent of the amount rounded once to minor units with the group's rounding
    mode (as late penalties are)."""
    if policy.fee_kind == FEE_FLAT:
        return LoanFee(policy.fee_flat, policy.fee_timing)
    if policy.fee_kind == FEE_PERCENT:
        return LoanFee(round_to_minor(Decimal(amount) * policy.fee_percent / 100, 0,
                                      policy.rounding), policy.fee_timing)
    return LoanFee(0, policy.fee_timing)


def spread_fee(fee: int, count: int, multiple: int = 0) -> list[int]:
    """The fee split over ``count`` installments: equal parts, rounded down to whole minor
    units (or to the installment ``multiple``, so installments stay in notes worth
    counting), the remainder on the last installment (where the schedule puts its rounding
    residue)."""
    if count <= 0 or fee <= 0:
        return [0] * max(count, 0)
    step = multiple if multiple > 0 else 1
    part = fee // count // step * step
    return [part] * (count - 1) + [fee - part * (count - 1)]


def set_policy(session: Session, actor: User, *, group_id: int, policy: LoanPolicy,
               effective_from: dt.date) -> LoanPolicy:
    """Record ``policy`` from ``effective_from`` on (administrators). Only the settings
    that change get a new dated row. Every problem is listed at once."""
    require(session, actor, Permission.CHANGE_SETTINGS, group_id)
    current = get_policy(session, group_id, effective_from)
    problems: list[UserError] = []
    cleaned: dict[str, Any] = {}
    for f in fields(LoanPolicy):
        key = _KEYS[f.name]
        value = _stored(f.name, getattr(policy, f.name))
        spec = settings.REGISTRY[key]
        try:
            cleaned[f.name] = spec.validate(value) if spec.validate else value
        except UserError as problem:
            # Only placeholders: nothing to translate in the frame itself.
            problems.append(UserError("{setting}: {problem}",
                                      setting=Deferred(spec.label), problem=_Problem(problem)))
    if not problems:
        low, high = Decimal(cleaned["min_rate"]), Decimal(cleaned["max_rate"])
        if low > high:
            problems.append(UserError(N_("The lowest rate is above the highest rate.")))
        if cleaned["penalty_kind"] == PENALTY_FLAT and not cleaned["penalty_flat"]:
            problems.append(UserError(N_("Give the amount of the late penalty.")))
        if cleaned["penalty_kind"] in (PENALTY_PRINCIPAL, PENALTY_TOTAL) and \
                Decimal(cleaned["penalty_percent"]) == 0:
            problems.append(UserError(N_("Give the percent of the late penalty.")))
        if cleaned["fee_kind"] == FEE_FLAT and not cleaned["fee_flat"]:
            problems.append(UserError(N_("Give the amount of the loan fee.")))
        if cleaned["fee_kind"] == FEE_PERCENT and Decimal(cleaned["fee_percent"]) == 0:
            problems.append(UserError(N_("Give the percent of the loan fee.")))
    if problems:
        raise ValidationError(problems)
    for f in fields(LoanPolicy):
        if _stored(f.name, getattr(current, f.name)) != cleaned[f.name]:
            settings.set_value(session, actor, group_id=group_id, key=_KEYS[f.name],
                               value=cleaned[f.name], effective_from=effective_from)
    return get_policy(session, group_id, effective_from)


class _Problem:
    """A nested problem, translated when the message is shown."""

    def __init__(self, error: UserError) -> None:
        self.error = error

    def __format__(self, spec: str) -> str:
        return format(str(self.error), spec)
