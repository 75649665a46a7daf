"""Asking for a loan and deciding on it: the group's loan policy checked with every broken
rule named, the application (treasurer), approval or refusal by a leader who is neither
the borrower nor who recorded it (maker-checker), and cancelling before the payout."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger, users
from models.core.clock import add_months
from models.core.errors import PermissionDenied, UserError, ValidationError
from models.core.i18n import N_, Deferred
from models.core.ledger import fmt_date
from models.core.money import format_money
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.loans.common import (
    date_problems,
    group_currency,
    loan_by_id,
    method_key,
    rate_bp,
    rate_of,
    record_event,
)
from models.loans.due_dates import Frequency
from models.loans.policy import LOAN_METHODS, LoanPolicy, get_policy, loan_fee
from models.loans.rows import LoanRow, loan_row
from models.loans.schedule import (
    FREQUENCIES,
    MAX_INSTALLMENTS,
    Amortization,
    InterestPeriod,
    Method,
    Rounding,
    ScheduleTerms,
    build_schedule,
    due_dates,
)
from models.loans.schema import Loan, LoanGuarantor
from models.loans.statuses import APPLIED, APPROVED, CANCELLED, OPEN_STATUSES, REJECTED


def term_problems(policy: LoanPolicy, start: dt.date, installments: int, *, frequency: str,
                  first_due: dt.date | None = None) -> list[UserError]:
    """The longest-term rule: from the payout ``start`` to the last due date (a late first
    due date pushes every installment later, so it counts)."""
    if first_due is not None and first_due <= start:
        return []  # the schedule itself refuses this date, with its own message
    last = due_dates(start, installments, frequency=cast(Frequency, frequency),
                     first_due=first_due)[-1]
    if last > add_months(start, policy.max_term_months):
        return [UserError(
            N_("The last installment would fall due on {date}, after the longest term "
               "of {months} months."), date=fmt_date(last), months=policy.max_term_months)]
    return []


def application_problems(session: Session, *, group_id: int, member_id: int, amount: int,
                         annual_rate: Decimal | int | str, installments: int, method: str,
                         frequency: str = "monthly", guarantor_ids: tuple[int, ...] = (),
                         on: dt.date | None = None,
                         loan_id: int | None = None,
                         first_due: dt.date | None = None) -> list[UserError]:
    """Every rule of the group's loan policy (in force on ``on``) that the application
    breaks, each named. An empty list: the application may be approved. The term runs
    from ``on`` (the payout, when checked again then) to the last due date, counted from
    ``first_due`` when one is given."""
    on = on or clock.today()
    policy = get_policy(session, group_id, on)
    cur = group_currency(session, group_id)
    problems: list[UserError] = []
    member = session.get(Member, member_id)
    if member is None or member.group_id != group_id:
        return [UserError(N_("No such member."))]
    if member.status != "active":
        problems.append(UserError(N_("{member} is not an active member."),
                                  member=member.name_lao))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems.append(UserError(N_("The loan amount must be more than zero.")))
        amount = 0
    try:
        rate = rate_of(rate_bp(annual_rate))
    except UserError as problem:
        problems.append(problem)
        rate = None
    if rate is not None and not policy.min_rate <= rate <= policy.max_rate:
        problems.append(UserError(
            N_("The rate of {rate} % a year is outside the group's range, {low}–{high} %."),
            rate=rate, low=policy.min_rate, high=policy.max_rate))
    if method not in LOAN_METHODS:
        problems.append(UserError(N_("Unknown way of charging interest.")))
    elif method not in policy.methods:
        problems.append(UserError(N_("The group does not offer loans with {method}."),
                                  method=Deferred(_METHOD_PHRASES[method])))
    if frequency not in FREQUENCIES:
        problems.append(UserError(N_("Choose monthly, fortnightly or weekly repayments.")))
    if isinstance(installments, bool) or not isinstance(installments, int) or installments < 1:
        problems.append(UserError(N_("The loan needs at least one installment.")))
    elif installments > MAX_INSTALLMENTS:
        problems.append(UserError(N_("The number of installments must be between 1 and "
                                     "{maximum}."), maximum=MAX_INSTALLMENTS))
    elif frequency in FREQUENCIES:
        problems.extend(term_problems(policy, on, installments, frequency=frequency,
                                      first_due=first_due))
    fee = loan_fee(policy, amount).amount if amount else 0
    if fee and fee >= amount:
        problems.append(UserError(N_("The loan fee of {fee} is as much as the loan itself."),
                                  fee=format_money(fee, cur)))
    if amount and policy.max_amount is not None and amount > policy.max_amount:
        problems.append(UserError(N_("{amount} is more than the group's largest loan, "
                                     "{maximum}."), amount=format_money(amount, cur),
                                  maximum=format_money(policy.max_amount, cur)))
    if amount and policy.savings_multiple is not None:
        saved = max(0, ledger.balance(session, group_id, "member_savings", member_id=member_id))
        cap = int(saved * policy.savings_multiple)
        if amount > cap:
            problems.append(UserError(
                N_("{amount} is more than {multiple} times {member}'s savings of {savings} "
                   "(at most {maximum})."), amount=format_money(amount, cur),
                multiple=policy.savings_multiple.normalize(), member=member.name_lao,
                savings=format_money(saved, cur), maximum=format_money(cap, cur)))
    good_guarantors = _guarantor_problems(session, group_id, member_id, guarantor_ids, problems)
    if amount and policy.guarantors_above is not None and amount > policy.guarantors_above \
            and good_guarantors < policy.guarantors_required:
        problems.append(UserError(
            N_("Loans over {limit} need {required} guarantors; {given} given."),
            limit=format_money(policy.guarantors_above, cur),
            required=policy.guarantors_required, given=good_guarantors))
    open_loans = session.scalar(select(func.count(Loan.id)).where(
        Loan.member_id == member_id, Loan.status.in_(OPEN_STATUSES),
        Loan.id != (loan_id or 0)))
    if open_loans >= policy.max_active_loans:
        problems.append(UserError(
            N_("{member} already has {count} loans open; the group allows {maximum} at a "
               "time."), member=member.name_lao, count=open_loans,
            maximum=policy.max_active_loans))
    if amount and rate is not None and method in LOAN_METHODS and frequency in FREQUENCIES \
            and isinstance(installments, int) and installments >= 1:
        schedule_method, amortization = LOAN_METHODS[method]
        try:
            build_schedule(ScheduleTerms(
                amount, rate, installments=installments, disbursed=on,
                method=cast(Method, schedule_method), amortization=cast(Amortization, amortization),
                interest_period=cast(InterestPeriod, policy.interest_period),
                frequency=cast(Frequency, frequency), exponent=cur.exponent,
                multiple=policy.installment_multiple, rounding=cast(Rounding, policy.rounding),
                first_due=first_due))
        except UserError as problem:
            problems.append(problem)
    return problems


_METHOD_PHRASES = {
    "flat": N_("flat interest"),
    "declining": N_("declining-balance interest and equal installments"),
    "declining_equal_principal": N_("declining-balance interest and equal principal"),
}


def _guarantor_problems(session: Session, group_id: int, borrower_id: int,
                        guarantor_ids: tuple[int, ...], problems: list[UserError]) -> int:
    """Append the problems with the guarantors; return how many are acceptable."""
    good = 0
    seen: set[int] = set()
    for gid in guarantor_ids:
        if gid in seen:
            problems.append(UserError(N_("A guarantor is named twice.")))
            continue
        seen.add(gid)
        if gid == borrower_id:
            problems.append(UserError(N_("The borrower cannot be her own guarantor.")))
            continue
        g = session.get(Member, gid)
        if g is None or g.group_id != group_id:
            problems.append(UserError(N_("A guarantor must be a member of the group.")))
            continue
        if g.status != "active":
            problems.append(UserError(N_("{member} is not an active member and cannot "
                                         "guarantee a loan."), member=g.name_lao))
            continue
        good += 1
    return good


def apply_for_loan(session: Session, actor: User, *, group_id: int, member_id: int,
                   amount: int, purpose: str, installments: int,
                   annual_rate: Decimal | int | str, method: str,
                   frequency: str = "monthly", guarantor_ids: tuple[int, ...] = (),
                   applied_on: dt.date | None = None,
                   first_due: dt.date | None = None) -> LoanRow:
    """Record a member's application (treasurer). Refused with every failed rule listed.
    ``first_due``, when the member already knows it, is checked against the longest term
    as if paid out today; the date itself is fixed at payout and checked again then."""
    require(session, actor, Permission.RECORD, group_id)
    applied_on = clock.check_date(applied_on or clock.today())
    problems: list[UserError] = []
    if not (purpose or "").strip():
        problems.append(UserError(N_("Give the purpose of the loan.")))
    date_problems(applied_on, problems)
    problems.extend(application_problems(
        session, group_id=group_id, member_id=member_id, amount=amount,
        annual_rate=annual_rate, installments=installments, method=method,
        frequency=frequency, guarantor_ids=tuple(guarantor_ids), on=applied_on,
        first_due=first_due))
    if problems:
        raise ValidationError(problems)
    policy = get_policy(session, group_id, applied_on)
    fee = loan_fee(policy, amount)
    schedule_method, amortization = LOAN_METHODS[method]
    number = (session.scalar(select(func.max(Loan.number)).where(Loan.group_id == group_id))
              or 0) + 1
    loan = Loan(group_id=group_id, number=number, member_id=member_id, amount=amount,
                purpose=purpose.strip(), annual_rate_bp=rate_bp(annual_rate),
                installments=installments, frequency=frequency, method=schedule_method,
                amortization=amortization, interest_period=policy.interest_period,
                multiple=policy.installment_multiple, rounding=policy.rounding,
                status=APPLIED, applied_on=applied_on, recorded_by=actor.id,
                recorded_at=clock.now(), principal_outstanding=0, fee=fee.amount,
                fee_timing=fee.timing)
    session.add(loan)
    session.flush()
    for gid in dict.fromkeys(guarantor_ids):
        session.add(LoanGuarantor(loan_id=loan.id, member_id=gid))
    record_event(session, loan, actor, "applied", applied_on, amount=amount, note=loan.purpose)
    audit.record(session, actor, "loan.apply", group_id=group_id, loan=loan.id,
                 member=member_id, amount=amount)
    session.flush()
    return loan_row(session, loan)


def require_decider(session: Session, actor: User, loan: Loan) -> None:
    require(session, actor, Permission.APPROVE, loan.group_id)
    if users.is_same_person(session, actor, loan.member_id):
        raise PermissionDenied(N_("{user} is the borrower and cannot decide on her own loan."),
                               user=actor.username)


def check_approver(session: Session, actor: User, *, loan_id: int) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may approve loan ``loan_id``: a leader,
    not the borrower, and not the person who recorded the application (maker-checker:
    even holding both roles, one person never records and approves the same loan)."""
    loan = loan_by_id(session, loan_id)
    require_decider(session, actor, loan)
    if loan.recorded_by == actor.id:
        raise PermissionDenied(N_("{user} recorded this loan application, so another leader "
                                  "must approve it."), user=actor.username)


def approve_loan(session: Session, actor: User, *, loan_id: int, note: str = "") -> LoanRow:
    """A leader approves (never the borrower, never who recorded the application). The
    policy is checked again as of today."""
    loan = loan_by_id(session, loan_id)
    check_approver(session, actor, loan_id=loan_id)
    if loan.status != APPLIED:
        raise UserError(N_("Loan {number} is not waiting for approval."), number=loan.number)
    guarantors = tuple(session.scalars(select(LoanGuarantor.member_id)
                                       .where(LoanGuarantor.loan_id == loan.id)))
    problems = application_problems(
        session, group_id=loan.group_id, member_id=loan.member_id, amount=loan.amount,
        annual_rate=rate_of(loan.annual_rate_bp), installments=loan.installments,
        method=method_key(loan), frequency=loan.frequency, guarantor_ids=guarantors,
        loan_id=loan.id)
    if problems:
        raise ValidationError(problems)
    loan.status = APPROVED
    loan.decided_by = actor.id
    loan.decided_at = clock.now()
    loan.decision_note = (note or "").strip() or None
    record_event(session, loan, actor, "approved", clock.today(), note=note)
    audit.record(session, actor, "loan.approve", group_id=loan.group_id, loan=loan.id)
    return loan_row(session, loan)


def reject_loan(session: Session, actor: User, *, loan_id: int, reason: str) -> LoanRow:
    loan = loan_by_id(session, loan_id)
    require_decider(session, actor, loan)
    if loan.status not in (APPLIED, APPROVED):
        raise UserError(N_("Loan {number} can no longer be refused."), number=loan.number)
    if not (reason or "").strip():
        raise UserError(N_("Give the reason for refusing."))
    loan.status = REJECTED
    loan.decided_by = actor.id
    loan.decided_at = clock.now()
    loan.decision_note = reason.strip()
    record_event(session, loan, actor, "rejected", clock.today(), note=reason.strip())
    audit.record(session, actor, "loan.reject", group_id=loan.group_id, loan=loan.id,
                 reason=reason.strip())
    return loan_row(session, loan)


def cancel_loan(session: Session, actor: User, *, loan_id: int, reason: str) -> LoanRow:
    """The member no longer wants the loan (treasurer), before it is paid out."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    if loan.status not in (APPLIED, APPROVED):
        raise UserError(N_("Only a loan not yet paid out can be cancelled."))
    if not (reason or "").strip():
        raise UserError(N_("Give the reason for cancelling."))
    loan.status = CANCELLED
    loan.decision_note = reason.strip()
    record_event(session, loan, actor, "cancelled", clock.today(), note=reason.strip())
    audit.record(session, actor, "loan.cancel", group_id=loan.group_id, loan=loan.id)
    return loan_row(session, loan)
