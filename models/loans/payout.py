"""Paying an approved loan out (treasurer): from the cash box or the bank, a fee kept from
the payout booked as fee income at once, and the schedule fixed then and stored as
version 1."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_
from models.core.ledger import Line
from models.core.permissions import Permission, require
from models.core.schema import User
from models.loans.application import term_problems
from models.loans.common import date_problems, entry_memo, loan_by_id, record_event
from models.loans.policy import FEE_AT_PAYOUT, FEE_WITH_INSTALLMENTS, get_policy, spread_fee
from models.loans.rows import LoanRow, loan_row
from models.loans.schedule import Installment, build_schedule
from models.loans.schema import Loan, LoanInstallment, LoanTerms
from models.loans.state import schedule_terms
from models.loans.statuses import ACTIVE, APPROVED, KIND_DISBURSEMENT, PAY_ACCOUNTS
from models.meetings import cashbox


def disburse_loan(session: Session, actor: User, *, loan_id: int, on: dt.date | None = None,
                  paid_from: str = "cash", first_due: dt.date | None = None) -> LoanRow:
    """Pay an approved loan out (treasurer) and fix its schedule."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    on = on or clock.today()
    problems: list[UserError] = []
    if loan.status != APPROVED:
        raise UserError(N_("Loan {number} is not approved for payout."), number=loan.number)
    date_problems(on, problems, not_before=loan.applied_on,
                before_text=N_("A loan cannot be paid out before it was asked for ({date})."))
    kept = loan.fee if loan.fee_timing == FEE_AT_PAYOUT else 0
    if paid_from not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid from the cash box or the bank.")))
    elif (short := cashbox.shortfall(session, loan.group_id, paid_from,
                                     loan.amount - kept)) is not None:
        problems.append(short)
    problems.extend(term_problems(get_policy(session, loan.group_id, on), on,
                                  loan.installments, frequency=loan.frequency,
                                  first_due=first_due))
    terms_row = LoanTerms(loan_id=loan.id, version=1, starts_on=on, principal=loan.amount,
                          annual_rate_bp=loan.annual_rate_bp, installments=loan.installments,
                          first_due=first_due, carried_interest=0, carried_penalties=0,
                          reason="", recorded_by=actor.id, recorded_at=clock.now())
    schedule: list[Installment] = []
    try:
        schedule = build_schedule(schedule_terms(session, loan, terms_row, loan.installments))
    except UserError as problem:
        problems.append(problem)
    if problems:
        raise ValidationError(problems)
    session.add(terms_row)
    fees = spread_fee(loan.fee, len(schedule), loan.multiple) \
        if loan.fee_timing == FEE_WITH_INSTALLMENTS else None
    store_installments(session, loan, 1, schedule, fees)
    lines = [Line("loans_receivable", loan.amount, member_id=loan.member_id, loan_id=loan.id),
             Line(paid_from, -(loan.amount - kept))]
    if kept:
        lines.append(Line("fee_income", -kept, member_id=loan.member_id, loan_id=loan.id))
    entry = ledger.post_entry(
        session, actor, group_id=loan.group_id, value_date=on, kind=KIND_DISBURSEMENT,
        memo=entry_memo(session, loan, N_("Loan paid out")), loan_id=loan.id, lines=lines)
    loan.status = ACTIVE
    loan.disbursed_on = on
    loan.disbursed_via = paid_from
    loan.principal_outstanding = loan.amount
    record_event(session, loan, actor, "disbursed", on, amount=loan.amount, entry=entry)
    audit.record(session, actor, "loan.disburse", group_id=loan.group_id, loan=loan.id,
                 amount=loan.amount, entry=entry.seq)
    session.flush()
    return loan_row(session, loan)


def store_installments(session: Session, loan: Loan, version: int,
                        schedule: list[Installment], fees: list[int] | None = None, *,
                        carried_interest: int = 0, carried_fees: int = 0,
                        carried_on: dt.date | None = None) -> None:
    """Store a schedule version; ``fees``: each installment's part of the loan fee;
    installment 0 holds the interest and fees carried over (due on ``carried_on``)."""
    if (carried_interest or carried_fees) and carried_on is not None:
        session.add(LoanInstallment(loan_id=loan.id, version=version, n=0, due_date=carried_on,
                                    principal=0, interest=carried_interest, fee=carried_fees))
    for inst, fee in zip(schedule, fees or [0] * len(schedule), strict=True):
        session.add(LoanInstallment(loan_id=loan.id, version=version, n=inst.n,
                                    due_date=inst.due_date, principal=inst.principal,
                                    interest=inst.interest, fee=fee))
    session.flush()
