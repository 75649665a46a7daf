"""A disbursed loan on a given day: the schedule version in force, its plan (installments,
penalties charged, the allocation rules) and where the repayments by then leave it."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.core import clock
from models.core.groups import group_currency
from models.loans.allocation import (
    Arrears,
    Charge,
    Item,
    Payment,
    Plan,
    Position,
    Quote,
    Split,
    allocate,
    arrears,
    due_by,
    payoff_quote,
    position_on,
)
from models.loans.common import rate_of
from models.loans.due_dates import Frequency
from models.loans.policy import allocation_order, extra_payment
from models.loans.schedule import Amortization, InterestPeriod, Method, Rounding, ScheduleTerms
from models.loans.schema import Loan, LoanInstallment, LoanPenalty, LoanRepayment, LoanTerms
from models.loans.statuses import ACTIVE


def current_version(session: Session, loan_id: int) -> LoanTerms | None:
    return session.scalar(select(LoanTerms).where(LoanTerms.loan_id == loan_id)
                          .order_by(LoanTerms.version.desc()).limit(1))


def version_on(session: Session, loan_id: int, on: dt.date) -> LoanTerms | None:
    """The schedule version in force on ``on`` (``None`` before the payout)."""
    found = session.scalar(select(LoanTerms).where(LoanTerms.loan_id == loan_id,
                                                   LoanTerms.starts_on <= on)
                           .order_by(LoanTerms.version.desc()).limit(1))
    return found


def schedule_terms(session: Session, loan: Loan, terms: LoanTerms, count: int, *,
                   exponent: int | None = None) -> ScheduleTerms:
    """The terms a schedule version is built from (``exponent``: the group currency's
    decimals, read when not given)."""
    if exponent is None:
        exponent = group_currency(session, loan.group_id).exponent
    return ScheduleTerms(
        terms.principal, rate_of(terms.annual_rate_bp), installments=count,
        disbursed=terms.starts_on, method=cast(Method, loan.method),
        amortization=cast(Amortization, loan.amortization),
        interest_period=cast(InterestPeriod, loan.interest_period),
        frequency=cast(Frequency, loan.frequency),
        exponent=exponent, multiple=loan.multiple,
        rounding=cast(Rounding, loan.rounding), first_due=terms.first_due)


def plan_of(session: Session, loan: Loan, terms: LoanTerms) -> Plan:
    rows = session.execute(select(*_ITEM_COLUMNS).where(
        LoanInstallment.loan_id == loan.id, LoanInstallment.version == terms.version)
        .order_by(LoanInstallment.n)).all()
    penalties = session.execute(select(*_CHARGE_COLUMNS).where(
        LoanPenalty.loan_id == loan.id, LoanPenalty.version == terms.version,
        LoanPenalty.waived.is_(False), LoanPenalty.amount > 0)).all()
    return _plan(session, loan, terms, rows, penalties)


_ITEM_COLUMNS = (LoanInstallment.n, LoanInstallment.due_date, LoanInstallment.principal,
                 LoanInstallment.interest, LoanInstallment.fee)
_CHARGE_COLUMNS = (LoanPenalty.n, LoanPenalty.amount, LoanPenalty.charged_on)


def _plan(session: Session, loan: Loan, terms: LoanTerms, rows: Sequence[Sequence],
          penalties: Sequence[Sequence], exponent: int | None = None) -> Plan:
    """The plan of schedule version ``terms`` from its installment rows (n, due date,
    principal, interest, fee; by n) and its penalties charged (n, amount, charged on)."""
    items = tuple(Item(*row) for row in rows)
    charges = [Charge(*row) for row in penalties]
    if terms.carried_penalties:
        charges.append(Charge(0, terms.carried_penalties, terms.starts_on))
    count = sum(1 for i in items if i.n > 0)
    return Plan(schedule_terms(session, loan, terms, count, exponent=exponent), items,
                tuple(charges),
                allocation_order(session, loan.group_id, terms.starts_on),
                extra_payment(session, loan.group_id, terms.starts_on))


def posted_repayments(session: Session, loan_id: int, version: int) -> list[LoanRepayment]:
    return list(session.scalars(
        select(LoanRepayment).where(LoanRepayment.loan_id == loan_id,
                                    LoanRepayment.version == version,
                                    LoanRepayment.status == "posted")
        .order_by(LoanRepayment.paid_on, LoanRepayment.id)))


def payments_of(rows: list[LoanRepayment]) -> list[Payment]:
    return [Payment(r.id, r.paid_on, r.amount) for r in rows]


@dataclass(frozen=True)
class LoanState:
    """A disbursed loan on a day: its plan and position after the repayments by then."""

    loan_id: int
    version: int
    plan: Plan
    position: Position
    on: dt.date
    # How each posted repayment of the version is allocated, when none is dated after
    # ``on`` (``loan_states`` keeps them: the replay that gives the position gives them).
    splits: tuple[Split, ...] | None = field(default=None, compare=False)

    @cached_property
    def quote(self) -> Quote:
        return payoff_quote(self.plan, self.position, self.on)

    @cached_property
    def arrears(self) -> Arrears:
        return arrears(self.plan, self.position, self.on)

    @cached_property
    def due(self) -> int:
        return due_by(self.plan, self.position, self.on)


def loan_state(session: Session, loan: Loan, on: dt.date | None = None) -> LoanState | None:
    """The state of a disbursed loan on ``on`` (default today); ``None`` before payout."""
    on = on or clock.today()
    terms = version_on(session, loan.id, on)
    if terms is None:
        return None
    plan = plan_of(session, loan, terms)
    payments = payments_of(posted_repayments(session, loan.id, terms.version))
    return LoanState(loan.id, terms.version, plan, position_on(plan, payments, on), on)


def loan_states(session: Session, loans: Sequence[Loan], scope: Select,
                on: dt.date) -> dict[int, LoanState]:
    """The states on ``on`` of many loans at once, by loan id (loans not yet paid out by
    then are left out). ``scope`` selects the ids of at least ``loans``: the schedule
    versions, installments, penalties and repayments of all of them are read in four
    statements, however many loans there are (a list of a group's loans, the arrears)."""
    versions: dict[int, LoanTerms] = {}
    for terms in session.scalars(select(LoanTerms).where(
            LoanTerms.loan_id.in_(scope), LoanTerms.starts_on <= on)
            .order_by(LoanTerms.loan_id, LoanTerms.version)):
        versions[terms.loan_id] = terms  # the latest version by then wins
    items: dict[tuple[int, int], list] = defaultdict(list)
    for loan_id, version, *row in session.execute(
            select(LoanInstallment.loan_id, LoanInstallment.version, *_ITEM_COLUMNS)
            .where(LoanInstallment.loan_id.in_(scope))
            .order_by(LoanInstallment.loan_id, LoanInstallment.version, LoanInstallment.n)):
        items[(loan_id, version)].append(row)
    charges: dict[tuple[int, int], list] = defaultdict(list)
    for loan_id, version, *row in session.execute(
            select(LoanPenalty.loan_id, LoanPenalty.version, *_CHARGE_COLUMNS)
            .where(LoanPenalty.loan_id.in_(scope), LoanPenalty.waived.is_(False),
                   LoanPenalty.amount > 0)):
        charges[(loan_id, version)].append(row)
    payments: dict[tuple[int, int], list[Payment]] = defaultdict(list)
    for loan_id, version, repayment_id, paid_on, amount in session.execute(
            select(LoanRepayment.loan_id, LoanRepayment.version, LoanRepayment.id,
                   LoanRepayment.paid_on, LoanRepayment.amount)
            .where(LoanRepayment.loan_id.in_(scope), LoanRepayment.status == "posted")
            .order_by(LoanRepayment.paid_on, LoanRepayment.id)):
        payments[(loan_id, version)].append(Payment(repayment_id, paid_on, amount))
    exponents = {group_id: group_currency(session, group_id).exponent
                 for group_id in {loan.group_id for loan in loans}}
    states = {}
    for loan in loans:
        terms = versions.get(loan.id)
        if terms is None:
            continue
        key = (loan.id, terms.version)
        plan = _plan(session, loan, terms, items[key], charges[key], exponents[loan.group_id])
        by_then = [p for p in payments[key] if p.paid_on <= on]
        splits, position = allocate(plan, by_then)
        states[loan.id] = LoanState(loan.id, terms.version, plan, position, on,
                                    tuple(splits) if len(by_then) == len(payments[key])
                                    else None)
    return states


def member_active_loans(session: Session, group_id: int, member_id: int) -> list[Loan]:
    """A member's loans being repaid, oldest first."""
    return list(session.scalars(select(Loan).where(
        Loan.group_id == group_id, Loan.member_id == member_id, Loan.status == ACTIVE)
        .order_by(Loan.disbursed_on, Loan.id)))
