"""How repayments pay a loan: pure functions, no database.

A ``Plan`` is one version of a loan's schedule: its installments (installment 0, due on
the version's first day, holds what an earlier version left unpaid), the late penalties
charged on them and the group's allocation order. ``allocate`` runs the repayments in
date order (ties by their key, i.e. in the order they were recorded), each one paying the
oldest installment first and, within it, the components in the allocation order
(default penalties → fees → interest → principal, Fineract's default order). A penalty
pays only from repayments dated on or after the day it was charged. Money beyond what is
due on the repayment's day goes, on a declining-balance loan, where the loan policy says
(``Plan.extra``, a dated choice): by default to the principal of the next installments,
oldest first (the common rule: she owes less principal, so a payoff charges less
interest), then to their interest; or, the other choice, to the next installments whole
in the allocation order (Fineract's default for advance payments). A flat loan's
interest does not depend on the principal owed, so its extra money always pays the next
installments whole.

A repayment equal to the payoff quote clears the loan: for declining-balance loans the
interest is recomputed to the day (``models.loans.schedule.payoff_amount``: the interest of
installments already due, plus interest accrued on the principal since the last due
date, less the interest already paid, and never more than the schedule's). Interest paid
ahead beyond that is credited: the quote's interest is then negative and lowers what
clears the loan, so nobody pays interest twice. The loan fee
is a charge for making the loan, only spread over the installments to ease paying it:
paying off early pays what is left of it. A repayment
larger than the quote is refused (``Overpayment``). Allocation is a function of the
repayments alone, so reversing one and replaying the rest is allocating again without it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from models.loans.policy import (
    COMPONENTS,
    EXTRA_PRINCIPAL,
    FEES,
    INTEREST,
    PENALTIES,
    PRINCIPAL,
)
from models.loans.schedule import ScheduleTerms, payoff_amount

# The parts an installment schedules (penalties are charged on it later).
SCHEDULED = (FEES, INTEREST, PRINCIPAL)


@dataclass(frozen=True)
class Item:
    """An installment of the plan (``n`` 0: carried over, due at once)."""

    n: int
    due_date: dt.date
    principal: int
    interest: int
    fee: int = 0


@dataclass(frozen=True)
class Charge:
    """A late penalty on installment ``n``."""

    n: int
    amount: int
    charged_on: dt.date


@dataclass(frozen=True)
class Payment:
    key: int
    paid_on: dt.date
    amount: int


@dataclass(frozen=True)
class Split:
    """How one repayment was allocated; ``closes``: it cleared the loan."""

    key: int
    paid_on: dt.date
    penalty: int
    fee: int
    interest: int
    principal: int
    closes: bool = False

    @property
    def total(self) -> int:
        return self.penalty + self.fee + self.interest + self.principal


@dataclass(frozen=True)
class Quote:
    """What clears the loan on a day."""

    penalty: int
    fee: int
    interest: int
    principal: int

    @property
    def total(self) -> int:
        return self.penalty + self.fee + self.interest + self.principal


@dataclass(frozen=True)
class Plan:
    terms: ScheduleTerms  # this version's terms: principal and start (``disbursed``)
    items: tuple[Item, ...]
    charges: tuple[Charge, ...] = ()
    order: tuple[str, ...] = COMPONENTS
    extra: str = EXTRA_PRINCIPAL  # where money beyond what is due goes

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(sorted(self.items, key=lambda i: i.n)))

    @property
    def principal(self) -> int:
        return sum(i.principal for i in self.items)

    @property
    def interest(self) -> int:
        return sum(i.interest for i in self.items)

    @property
    def fee(self) -> int:
        return sum(i.fee for i in self.items)

    def charged(self, n: int, on: dt.date | None = None) -> int:
        return sum(c.amount for c in self.charges
                   if c.n == n and (on is None or c.charged_on <= on))


class Overpayment(Exception):
    """A repayment is larger than what clears the loan on its day."""

    def __init__(self, payment: Payment, owed: int) -> None:
        super().__init__(f"repayment {payment.key} of {payment.amount} exceeds {owed}")
        self.payment = payment
        self.owed = owed


@dataclass
class Position:
    """What has been paid of each installment's components after some repayments."""

    plan: Plan
    paid: dict[tuple[int, str], int] = field(default_factory=dict)
    closed_on: dt.date | None = None

    def paid_of(self, n: int, component: str) -> int:
        return self.paid.get((n, component), 0)

    def owed(self, item: Item, component: str, on: dt.date | None) -> int:
        if component == PENALTIES:
            scheduled = self.plan.charged(item.n, on)
        elif component == FEES:
            scheduled = item.fee
        elif component == INTEREST:
            scheduled = item.interest
        else:
            scheduled = item.principal
        return max(0, scheduled - self.paid_of(item.n, component))

    def total_paid(self, component: str) -> int:
        return sum(v for (_, c), v in self.paid.items() if c == component)

    @property
    def principal_outstanding(self) -> int:
        if self.closed_on is not None:
            return 0
        return self.plan.principal - self.total_paid(PRINCIPAL)

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


def payoff_quote(plan: Plan, position: Position, on: dt.date) -> Quote:
    """What clears the loan on ``on``: penalties charged by then, the fee not yet paid,
    the interest owed (flat: all the schedule's interest not yet paid; declining:
    recomputed to the day, less the interest already paid — negative, a credit, when
    more was paid ahead than had accrued), and the principal still owed."""
    if position.is_closed:
        return Quote(0, 0, 0, 0)
    penalty = sum(position.owed(item, PENALTIES, on) for item in plan.items)
    fee = sum(position.owed(item, FEES, on) for item in plan.items)
    principal = position.principal_outstanding
    interest_paid = position.total_paid(INTEREST)
    unpaid_interest = plan.interest - interest_paid
    if plan.terms.method == "flat":
        interest = unpaid_interest
    else:
        due = [i for i in plan.items if i.n == 0 or i.due_date <= on]
        due_interest = sum(i.interest for i in due)
        last_due = max((i.due_date for i in due if i.n > 0), default=plan.terms.disbursed)
        paid_principal = plan.terms.principal - principal
        accrued = payoff_amount(plan.terms, paid_principal, on,
                                interest_from=min(last_due, on)).interest
        interest = min(due_interest + accrued - interest_paid, unpaid_interest)
        # The credit is never more than what it is set against.
        interest = max(interest, -(penalty + fee + principal))
        return Quote(penalty, fee, interest, principal)
    return Quote(penalty, fee, max(0, interest), principal)


def due_by(plan: Plan, position: Position, on: dt.date) -> int:
    """What falls due by ``on`` and is unpaid: penalties charged by then and the fee,
    interest and principal of installments due by then."""
    if position.is_closed:
        return 0
    total = 0
    for item in plan.items:
        total += position.owed(item, PENALTIES, on)
        if item.n == 0 or item.due_date <= on:
            total += sum(position.owed(item, c, on) for c in SCHEDULED)
    return total


@dataclass(frozen=True)
class Arrears:
    """Installments due before a day and not fully paid (fee, interest and principal)."""

    oldest_due: dt.date | None
    principal: int
    interest: int
    penalties: int
    fees: int = 0

    def days(self, on: dt.date) -> int:
        return 0 if self.oldest_due is None else (on - self.oldest_due).days

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.penalties + self.fees


def arrears(plan: Plan, position: Position, on: dt.date) -> Arrears:
    """What is overdue on ``on``: installments due strictly before ``on`` (installment 0
    from its day on) with fee, interest or principal unpaid, and unpaid penalties."""
    if position.is_closed:
        return Arrears(None, 0, 0, 0)
    oldest = None
    principal = interest = fees = 0
    for item in plan.items:
        if item.due_date >= on and item.n != 0:
            continue
        p = position.owed(item, PRINCIPAL, on)
        i = position.owed(item, INTEREST, on)
        f = position.owed(item, FEES, on)
        if p or i or f:
            principal += p
            interest += i
            fees += f
            if item.due_date < on and (oldest is None or item.due_date < oldest):
                oldest = item.due_date
    penalties = sum(position.owed(item, PENALTIES, on) for item in plan.items)
    return Arrears(oldest, principal, interest, penalties, fees)


def apply_payment(plan: Plan, position: Position, payment: Payment) -> Split:
    """Allocate one repayment on ``position`` (changed in place)."""
    if payment.amount <= 0:
        raise ValueError("a repayment is a positive amount")
    quote = payoff_quote(plan, position, payment.paid_on)
    if payment.amount > quote.total:
        raise Overpayment(payment, quote.total)
    if payment.amount == quote.total:
        for item in plan.items:
            position.paid[(item.n, PENALTIES)] = max(plan.charged(item.n, payment.paid_on),
                                                     position.paid_of(item.n, PENALTIES))
            position.paid[(item.n, FEES)] = item.fee
            position.paid[(item.n, INTEREST)] = item.interest
            position.paid[(item.n, PRINCIPAL)] = item.principal
        position.closed_on = payment.paid_on
        return Split(payment.key, payment.paid_on, penalty=quote.penalty, fee=quote.fee,
                     interest=quote.interest, principal=quote.principal, closes=True)
    left = payment.amount
    taken = dict.fromkeys(COMPONENTS, 0)

    def pay(item: Item, component: str) -> None:
        nonlocal left
        take = min(left, position.owed(item, component, payment.paid_on))
        if take:
            position.paid[(item.n, component)] = position.paid_of(item.n, component) + take
            taken[component] += take
            left -= take

    def is_due(item: Item) -> bool:
        return item.n == 0 or item.due_date <= payment.paid_on

    # What is due first, oldest installment first, in the allocation order (penalties are
    # due once charged, whichever installment they are on).
    principal_first = plan.extra == EXTRA_PRINCIPAL and plan.terms.method == "declining"
    for item in plan.items:
        for component in plan.order:
            if not principal_first or is_due(item) or component == PENALTIES:
                pay(item, component)
    if principal_first:
        for item in plan.items:
            pay(item, PRINCIPAL)
        for item in plan.items:
            for component in plan.order:
                pay(item, component)
    # ``left`` is zero: the quote is never more than everything still scheduled.
    closes = all(position.owed(item, c, None) == 0 for item in plan.items
                 for c in SCHEDULED) and \
        all(position.owed(item, PENALTIES, payment.paid_on) == 0 for item in plan.items)
    if not closes and position.principal_outstanding == 0 \
            and payoff_quote(plan, position, payment.paid_on).total == 0:
        closes = True  # principal paid ahead and nothing more accrues
    if closes:
        position.closed_on = payment.paid_on
    return Split(payment.key, payment.paid_on, penalty=taken[PENALTIES], fee=taken[FEES],
                 interest=taken[INTEREST], principal=taken[PRINCIPAL], closes=closes)


def ordered(payments: Iterable[Payment]) -> list[Payment]:
    return sorted(payments, key=lambda p: (p.paid_on, p.key))


def allocate(plan: Plan, payments: Iterable[Payment]) -> tuple[list[Split], Position]:
    """Allocate every repayment from scratch, in date order. Raises ``Overpayment`` for
    the first repayment that is more than what then clears the loan."""
    position = Position(plan)
    splits = [apply_payment(plan, position, p) for p in ordered(payments)]
    return splits, position


def position_on(plan: Plan, payments: Sequence[Payment], on: dt.date) -> Position:
    """The position after the repayments dated on or before ``on``."""
    return allocate(plan, [p for p in payments if p.paid_on <= on])[1]
