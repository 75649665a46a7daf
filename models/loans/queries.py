"""What the loans screen reads: the group's loans, one loan with its schedule, repayments,
history and requests, the requests waiting for a leader, and the calculator's schedule
and fee under the group's policy."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import clock
from models.core.errors import UserError
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.money import check_within
from models.core.permissions import Permission, require
from models.core.schema import User
from models.loans.common import loan_by_id, rate_bp, rate_of
from models.loans.due_dates import Frequency
from models.loans.policy import (
    FEE_AT_PAYOUT,
    FEE_WITH_INSTALLMENTS,
    FEES,
    INTEREST,
    LOAN_METHODS,
    PENALTIES,
    PRINCIPAL,
    LoanFee,
    LoanPolicy,
    get_policy,
    loan_fee,
    spread_fee,
)
from models.loans.rows import (
    EventRow,
    InstallmentRow,
    LoanDetail,
    LoanRow,
    PayoffRow,
    RequestRow,
    loan_row,
    loan_rows,
    repayment_row,
    request_row,
)
from models.loans.schedule import (
    MAX_INSTALLMENTS,
    Amortization,
    Installment,
    InterestPeriod,
    Method,
    Rounding,
    ScheduleTerms,
    build_schedule,
)
from models.loans.schema import Loan, LoanEvent, LoanRepayment, LoanRequest
from models.loans.state import loan_state
from models.loans.statuses import (
    ACTIVE,
    CLOSED,
    PENDING,
    STATUS_DUE,
    STATUS_FUTURE,
    STATUS_LATE,
    STATUS_PAID,
    STATUS_PART,
)


def list_loans(session: Session, actor: User, group_id: int, *,
               statuses: tuple[str, ...] | None = None,
               member_id: int | None = None) -> list[LoanRow]:
    """The group's loans, newest first, with their borrowers and guarantors (three
    statements, however many loans)."""
    require(session, actor, Permission.READ, group_id)
    query = select(Loan).where(Loan.group_id == group_id).order_by(Loan.number.desc())
    if statuses:
        query = query.where(Loan.status.in_(statuses))
    if member_id is not None:
        query = query.where(Loan.member_id == member_id)
    return loan_rows(session, query)


def get_loan(session: Session, actor: User, loan_id: int) -> LoanRow:
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.READ, loan.group_id)
    return loan_row(session, loan)


def pending_requests(session: Session, actor: User, group_id: int) -> list[RequestRow]:
    require(session, actor, Permission.READ, group_id)
    rows = session.scalars(select(LoanRequest).join(Loan, Loan.id == LoanRequest.loan_id)
                           .where(Loan.group_id == group_id, LoanRequest.status == PENDING)
                           .order_by(LoanRequest.id))
    return [request_row(session, r) for r in rows]


def loan_detail(session: Session, actor: User, loan_id: int,
                on: dt.date | None = None) -> LoanDetail:
    """Everything the loan screen shows: the schedule in force with what was paid of each
    installment, the repayments, the history, requests, the payoff quote."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.READ, loan.group_id)
    on = on or clock.today()
    state = loan_state(session, loan, on) if loan.disbursed_on else None
    installments: list[InstallmentRow] = []
    days = due = 0
    quote = None
    if state is not None:
        pos = state.position
        for item in state.plan.items:
            charged = state.plan.charged(item.n)
            paid = (pos.paid_of(item.n, PRINCIPAL), pos.paid_of(item.n, INTEREST),
                    min(pos.paid_of(item.n, PENALTIES), charged))
            paid_fee = pos.paid_of(item.n, FEES)
            left = item.principal + item.interest + item.fee + charged - sum(paid) - paid_fee
            if left <= 0:
                status = STATUS_PAID
            elif item.due_date < on or (item.n == 0 and item.due_date <= on):
                status = STATUS_LATE
            elif item.due_date == on:
                status = STATUS_DUE
            elif sum(paid):
                status = STATUS_PART
            else:
                status = STATUS_FUTURE
            installments.append(InstallmentRow(state.version, item.n, item.due_date,
                                               item.principal, item.interest, charged, *paid,
                                               status, item.fee, paid_fee))
        if loan.status in (ACTIVE, CLOSED):
            q = state.quote
            quote = PayoffRow(loan.id, on, q.penalty, q.interest, q.principal, q.fee)
            days = state.arrears.days(on)
            due = state.due
    repayments = [repayment_row(session, r) for r in session.scalars(
        select(LoanRepayment).where(LoanRepayment.loan_id == loan.id)
        .order_by(LoanRepayment.paid_on, LoanRepayment.id))]
    events = [EventRow(e.on, e.at, u, e.kind, e.amount, e.note) for e, u in session.execute(
        select(LoanEvent, User.username).join(User, User.id == LoanEvent.user_id)
        .where(LoanEvent.loan_id == loan.id).order_by(LoanEvent.id))]
    requests = [request_row(session, r) for r in session.scalars(
        select(LoanRequest).where(LoanRequest.loan_id == loan.id).order_by(LoanRequest.id))]
    return LoanDetail(loan_row(session, loan), state.version if state else 0,
                      tuple(installments), tuple(repayments), tuple(events), tuple(requests),
                      quote, days, due)


def preview_schedule(session: Session, actor: User, *, group_id: int, amount: int,
                     annual_rate: Decimal | int | str, installments: int, method: str,
                     frequency: str = "monthly", disbursed: dt.date | None = None,
                     first_due: dt.date | None = None) -> list[Installment]:
    """The schedule a loan would get under the group's policy (the loan calculator)."""
    require(session, actor, Permission.READ, group_id)
    disbursed = disbursed or clock.today()
    policy: LoanPolicy = get_policy(session, group_id, disbursed)
    if method not in LOAN_METHODS:
        raise UserError(N_("Unknown way of charging interest."))
    schedule_method, amortization = LOAN_METHODS[method]
    return build_schedule(ScheduleTerms(
        amount, rate_of(rate_bp(annual_rate)), installments=installments, disbursed=disbursed,
        method=cast(Method, schedule_method), amortization=cast(Amortization, amortization),
        interest_period=cast(InterestPeriod, policy.interest_period),
        frequency=cast(Frequency, frequency),
        exponent=group_currency(session, group_id).exponent,
        multiple=policy.installment_multiple, rounding=cast(Rounding, policy.rounding),
        first_due=first_due))


@dataclass(frozen=True)
class FeePreview:
    """The fee a loan would get: its amount, when it is paid, and each installment's part
    (all zero when the fee is kept from the payout)."""

    amount: int
    timing: str
    parts: tuple[int, ...]

    @property
    def at_payout(self) -> int:
        return self.amount if self.timing == FEE_AT_PAYOUT else 0


def preview_fee(session: Session, actor: User, *, group_id: int, amount: int,
                installments: int, on: dt.date | None = None) -> FeePreview:
    """The loan fee the group's policy (in force on ``on``) charges on ``amount``."""
    require(session, actor, Permission.READ, group_id)
    check_within(amount)
    if not 1 <= installments <= MAX_INSTALLMENTS:
        raise UserError(N_("The number of installments must be between 1 and {maximum}."),
                        maximum=MAX_INSTALLMENTS)
    policy = get_policy(session, group_id, on or clock.today())
    fee: LoanFee = loan_fee(policy, amount)
    parts = spread_fee(fee.amount, installments, policy.installment_multiple) \
        if fee.timing == FEE_WITH_INSTALLMENTS else [0] * installments
    return FeePreview(fee.amount, fee.timing, tuple(parts))
