"""Rescheduling and write-off: the treasurer asks with a reason, a leader (not the
borrower) decides, and it takes effect on the day asked for. Rescheduling starts a new
schedule version for the principal still owed; interest, fees and penalties due and
unpaid are carried into it, owed at once, and fees not yet due are spread over the new
installments. A write-off debits ``loan_write_offs`` for the principal and
``penalty_income`` for the penalties waived (unpaid interest and fees were never income)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_
from models.core.ledger import Line, fmt_date
from models.core.permissions import Permission, require
from models.core.schema import User
from models.loans.application import require_decider
from models.loans.common import date_problems, entry_memo, loan_by_id, rate_bp, record_event
from models.loans.payout import store_installments
from models.loans.policy import FEES, INTEREST, PENALTIES, spread_fee
from models.loans.replay import reallocate
from models.loans.rows import RequestRow, request_row
from models.loans.schedule import build_schedule
from models.loans.schema import Loan, LoanRepayment, LoanRequest, LoanTerms
from models.loans.state import current_version, loan_state, schedule_terms
from models.loans.statuses import (
    ACTIVE,
    APPROVED,
    KIND_WRITE_OFF,
    PENDING,
    REJECTED,
    RESCHEDULE,
    WRITE_OFF,
    WRITTEN_OFF,
)


def request_reschedule(session: Session, actor: User, *, loan_id: int, reason: str,
                       installments: int, annual_rate: Decimal | int | str | None = None,
                       first_due: dt.date | None = None,
                       on: dt.date | None = None) -> RequestRow:
    """Ask for a new schedule of the principal still owed, from ``on`` (default today)."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    on = on or clock.today()
    problems = _request_problems(session, loan, reason, on)
    if isinstance(installments, bool) or not isinstance(installments, int) or installments < 1:
        problems.append(UserError(N_("The new schedule needs at least one installment.")))
    bp = None
    if annual_rate is not None:
        try:
            bp = rate_bp(annual_rate)
        except UserError as problem:
            problems.append(problem)
    if first_due is not None and first_due <= on:
        problems.append(UserError(N_("The first new due date must be after {date}."),
                                  date=fmt_date(on)))
    if problems:
        raise ValidationError(problems)
    request = LoanRequest(loan_id=loan.id, kind=RESCHEDULE, effective_on=on,
                          reason=reason.strip(), installments=installments, annual_rate_bp=bp,
                          first_due=first_due, status=PENDING, requested_by=actor.id,
                          requested_at=clock.now())
    session.add(request)
    session.flush()
    record_event(session, loan, actor, "reschedule_requested", on, note=reason.strip())
    audit.record(session, actor, "loan.request_reschedule", group_id=loan.group_id,
                 loan=loan.id, request=request.id)
    return request_row(session, request)


def request_write_off(session: Session, actor: User, *, loan_id: int, reason: str,
                      on: dt.date | None = None) -> RequestRow:
    """Ask to write the loan off (the member cannot pay), with the reason."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    on = on or clock.today()
    problems = _request_problems(session, loan, reason, on)
    if problems:
        raise ValidationError(problems)
    request = LoanRequest(loan_id=loan.id, kind=WRITE_OFF, effective_on=on,
                          reason=reason.strip(), status=PENDING, requested_by=actor.id,
                          requested_at=clock.now())
    session.add(request)
    session.flush()
    record_event(session, loan, actor, "write_off_requested", on, note=reason.strip())
    audit.record(session, actor, "loan.request_write_off", group_id=loan.group_id,
                 loan=loan.id, request=request.id)
    return request_row(session, request)


def _request_problems(session: Session, loan: Loan, reason: str, on: dt.date) -> list[UserError]:
    problems: list[UserError] = []
    if loan.status != ACTIVE:
        problems.append(UserError(N_("Loan {number} is not being repaid."), number=loan.number))
    if not (reason or "").strip():
        problems.append(UserError(N_("Give the reason.")))
    pending = session.scalar(select(LoanRequest.id).where(LoanRequest.loan_id == loan.id,
                                                          LoanRequest.status == PENDING))
    if pending:
        problems.append(UserError(N_("A request on loan {number} is already waiting for a "
                                     "leader."), number=loan.number))
    terms = current_version(session, loan.id)
    date_problems(on, problems, not_before=terms.starts_on if terms else loan.applied_on)
    return problems


def approve_request(session: Session, actor: User, *, request_id: int,
                    note: str = "") -> RequestRow:
    """A leader (not the borrower) approves a write-off or rescheduling; it takes effect
    now, on the day asked for."""
    request = _request(session, request_id)
    loan = loan_by_id(session, request.loan_id)
    require_decider(session, actor, loan)
    if request.status != PENDING:
        raise UserError(N_("This request was already decided."))
    if loan.status != ACTIVE:
        raise UserError(N_("Loan {number} is not being repaid."), number=loan.number)
    if request.kind == WRITE_OFF:
        _write_off(session, actor, loan, request)
    else:
        _reschedule(session, actor, loan, request)
    request.status = APPROVED
    request.decided_by = actor.id
    request.decided_at = clock.now()
    request.decision_note = (note or "").strip() or None
    audit.record(session, actor, f"loan.{request.kind}", group_id=loan.group_id, loan=loan.id,
                 request=request.id, reason=request.reason)
    session.flush()
    return request_row(session, request)


def reject_request(session: Session, actor: User, *, request_id: int, reason: str) -> RequestRow:
    request = _request(session, request_id)
    loan = loan_by_id(session, request.loan_id)
    require_decider(session, actor, loan)
    if request.status != PENDING:
        raise UserError(N_("This request was already decided."))
    if not (reason or "").strip():
        raise UserError(N_("Give the reason for refusing."))
    request.status = REJECTED
    request.decided_by = actor.id
    request.decided_at = clock.now()
    request.decision_note = reason.strip()
    record_event(session, loan, actor, "request_rejected", clock.today(), note=reason.strip())
    audit.record(session, actor, "loan.request_reject", group_id=loan.group_id, loan=loan.id,
                 request=request.id)
    return request_row(session, request)


def _request(session: Session, request_id: int) -> LoanRequest:
    request = session.get(LoanRequest, request_id)
    if request is None:
        raise NotFound(N_("No such request."))
    return request


def _later_repayments(session: Session, loan: Loan, version: int, on: dt.date) -> bool:
    return session.scalar(select(LoanRepayment.id).where(
        LoanRepayment.loan_id == loan.id, LoanRepayment.version == version,
        LoanRepayment.status == "posted", LoanRepayment.paid_on > on).limit(1)) is not None


def _write_off(session: Session, actor: User, loan: Loan, request: LoanRequest) -> None:
    on = request.effective_on
    terms = current_version(session, loan.id)
    if _later_repayments(session, loan, terms.version, on):
        raise UserError(N_("Loan {number} has repayments after {date}; the write-off must be "
                           "dated later."), number=loan.number, date=fmt_date(on))
    penalties = ledger.balance(session, loan.group_id, "penalties_receivable", loan_id=loan.id)
    principal = loan.principal_outstanding
    lines = []
    if principal:
        lines += [Line("loan_write_offs", principal, member_id=loan.member_id, loan_id=loan.id),
                  Line("loans_receivable", -principal, member_id=loan.member_id,
                       loan_id=loan.id)]
    if penalties > 0:
        lines += [Line("penalty_income", penalties, member_id=loan.member_id, loan_id=loan.id),
                  Line("penalties_receivable", -penalties, member_id=loan.member_id,
                       loan_id=loan.id)]
    entry = None
    if lines:
        entry = ledger.post_entry(session, actor, group_id=loan.group_id, value_date=on,
                                  kind=KIND_WRITE_OFF,
                                  memo=entry_memo(session, loan, N_("Written off")),
                                  lines=lines, loan_id=loan.id)
    loan.status = WRITTEN_OFF
    loan.principal_outstanding = 0
    loan.closed_on = on
    record_event(session, loan, actor, "written_off", on, amount=principal, entry=entry,
                 note=request.reason)


def _reschedule(session: Session, actor: User, loan: Loan, request: LoanRequest) -> None:
    on = request.effective_on
    terms = current_version(session, loan.id)
    if _later_repayments(session, loan, terms.version, on):
        raise UserError(N_("Loan {number} has repayments after {date}; the new schedule must "
                           "start later."), number=loan.number, date=fmt_date(on))
    state = loan_state(session, loan, on)
    position = state.position
    principal = position.principal_outstanding
    if principal <= 0:
        raise UserError(N_("No principal is left to reschedule on loan {number}."),
                        number=loan.number)
    due_interest = sum(i.interest for i in state.plan.items if i.n == 0 or i.due_date <= on)
    carried_interest = max(0, due_interest - position.total_paid(INTEREST))
    carried_penalties = sum(position.owed(i, PENALTIES, None) for i in state.plan.items)
    # Fees of installments already due are owed at once; the rest of the fee is spread
    # over the new installments.
    carried_fees = sum(position.owed(i, FEES, None) for i in state.plan.items
                       if i.n == 0 or i.due_date <= on)
    later_fees = sum(position.owed(i, FEES, None) for i in state.plan.items) - carried_fees
    new = LoanTerms(loan_id=loan.id, version=terms.version + 1, starts_on=on,
                    principal=principal,
                    annual_rate_bp=request.annual_rate_bp or terms.annual_rate_bp,
                    installments=request.installments, first_due=request.first_due,
                    carried_interest=carried_interest, carried_penalties=carried_penalties,
                    carried_fees=carried_fees, reason=request.reason, recorded_by=actor.id,
                    recorded_at=clock.now())
    schedule = build_schedule(schedule_terms(session, loan, new, request.installments))
    session.add(new)
    store_installments(session, loan, new.version, schedule,
                        spread_fee(later_fees, len(schedule), loan.multiple),
                        carried_interest=carried_interest, carried_fees=carried_fees,
                        carried_on=on)
    record_event(session, loan, actor, "rescheduled", on, amount=principal, note=request.reason)
    reallocate(session, actor, loan, value_date=clock.today())
