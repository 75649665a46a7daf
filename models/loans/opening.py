"""Loans brought in from a group's paper books: a loan still being repaid when the group
starts keeping its books in Kongthun. Checked by ``opening_loan_problems`` and recorded by
``import_opening_loan`` (called by ``models.opening.balances`` within its one opening
entry); from then on it is a loan like any other (``models.loans.repayments`` and the rest).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock
from models.core.clock import add_months
from models.core.errors import UserError, ValidationError
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.ledger import fmt_date
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.loans.common import money_text, rate_bp, rate_of, record_event
from models.loans.due_dates import Frequency
from models.loans.payout import store_installments
from models.loans.policy import LOAN_METHODS, get_policy
from models.loans.schedule import (
    FREQUENCIES,
    Amortization,
    Installment,
    InterestPeriod,
    Method,
    Rounding,
    ScheduleTerms,
    build_schedule,
)
from models.loans.schema import Loan, LoanTerms
from models.loans.statuses import ACTIVE

OPENING_VIA = "opening_balance"


def _period_before(day: dt.date, frequency: str) -> dt.date:
    if frequency == "monthly":
        return add_months(day, -1)
    return day - dt.timedelta(days=14 if frequency == "fortnightly" else 7)


def opening_loan_problems(session: Session, *, group_id: int, principal: int,
                          annual_rate: Decimal | int | str, installments: int, method: str,
                          first_due: dt.date, as_of: dt.date,
                          disbursed_on: dt.date | None = None,
                          original_principal: int | None = None,
                          frequency: str = "monthly") -> list[UserError]:
    """Every reason a running loan of the paper books cannot be brought in as given (the
    borrower is checked by ``import_opening_loan``). The group's loan policy is not applied:
    the loan keeps the terms it was made with."""
    try:
        _opening_schedule(session, group_id=group_id, principal=principal,
                          annual_rate=annual_rate, installments=installments, method=method,
                          first_due=first_due, as_of=as_of, disbursed_on=disbursed_on,
                          original_principal=original_principal, frequency=frequency)
    except ValidationError as failed:
        return list(failed.problems)
    return []


def _opening_schedule(session: Session, *, group_id: int, principal: int,
                      annual_rate: Decimal | int | str, installments: int, method: str,
                      first_due: dt.date, as_of: dt.date, disbursed_on: dt.date | None,
                      original_principal: int | None, frequency: str,
                      ) -> tuple[dt.date, int, tuple[str, str], list[Installment]]:
    """(start of the schedule, rate in hundredths, (method, amortization), installments)
    or ``ValidationError`` listing every problem."""
    problems: list[UserError] = []
    if isinstance(principal, bool) or not isinstance(principal, int) or principal <= 0:
        problems.append(UserError(N_("The amount still owed must be more than zero.")))
    if original_principal is not None and isinstance(principal, int) \
            and original_principal < principal:
        problems.append(UserError(
            N_("The amount first lent, {original}, is less than what is still owed, "
               "{owed}."), original=money_text(session, group_id, original_principal),
            owed=money_text(session, group_id, principal)))
    if method not in LOAN_METHODS:
        problems.append(UserError(N_("Unknown way of charging interest.")))
    if frequency not in FREQUENCIES:
        problems.append(UserError(N_("Unknown repayment frequency.")))
    bp = 0
    try:
        bp = rate_bp(annual_rate)
    except UserError as problem:
        problems.append(problem)
    if as_of > clock.today():
        problems.append(UserError(N_("{date} is in the future."), date=fmt_date(as_of)))
    if first_due <= as_of:
        problems.append(UserError(N_("The next installment must fall due after {date}."),
                                  date=fmt_date(as_of)))
    if disbursed_on is not None and disbursed_on > as_of:
        problems.append(UserError(N_("The loan was paid out after {date}, the day of the "
                                     "balances."), date=fmt_date(as_of)))
    if problems:
        raise ValidationError(problems)
    # Interest of the next installment runs from the installment before it (paid in the
    # paper books), or from the payout when the next installment is the first.
    starts_on = min(as_of, _period_before(first_due, frequency))
    if disbursed_on is not None and disbursed_on > starts_on:
        starts_on = disbursed_on
    policy = get_policy(session, group_id, as_of)
    schedule_method, amortization = LOAN_METHODS[method]
    exponent = group_currency(session, group_id).exponent

    def build(amount: int) -> list[Installment]:
        return build_schedule(ScheduleTerms(
            amount, rate_of(bp), installments=installments, disbursed=starts_on,
            method=cast(Method, schedule_method), amortization=cast(Amortization, amortization),
            interest_period=cast(InterestPeriod, policy.interest_period),
            frequency=cast(Frequency, frequency), exponent=exponent,
            multiple=policy.installment_multiple, rounding=cast(Rounding, policy.rounding),
            first_due=first_due))

    try:
        schedule = build(principal)
        if schedule_method == "flat" and original_principal and original_principal != principal:
            # Flat interest is charged on the amount first lent, not on what is left.
            on_original = build(original_principal)
            schedule = [replace(inst, interest=on_original[i].interest,
                                total=inst.principal + on_original[i].interest)
                        if i < len(on_original) else inst
                        for i, inst in enumerate(schedule)]
    except UserError as problem:
        raise ValidationError([problem]) from None
    return starts_on, bp, (schedule_method, amortization), schedule


def import_opening_loan(session: Session, actor: User, *, group_id: int, member_id: int,
                        principal: int, annual_rate: Decimal | int | str, installments: int,
                        method: str, first_due: dt.date, as_of: dt.date,
                        disbursed_on: dt.date | None = None,
                        original_principal: int | None = None,
                        frequency: str = "monthly") -> int:
    """Record a loan still being repaid when the group is brought in from its paper books,
    and return its id. Posts nothing: the caller's opening entry debits
    ``loans_receivable`` with ``principal`` (naming the member and this loan) against
    ``opening_balance``.

    The installments already paid were paid in the paper books, outside the ledger, so
    the schedule is *re-based*: version 1 amortizes the principal still owed
    (``principal``) over the installments left (``installments``), the first falling due
    on ``first_due``, built by ``build_schedule`` with the group's rounding and multiple as
    a payout would. Its interest runs from one period before ``first_due`` (the last
    installment paid; the payout day if later, ``as_of`` if earlier), so the next
    installment carries a whole period's interest. A flat loan given its
    ``original_principal`` keeps charging flat interest on that amount. The loan's record
    of principal still owed is ``principal``, what the opening entry posts, so arrears,
    payoff, repayments and ``verify`` work on it as on any loan. The loan's history says it
    was brought in from the paper books on ``as_of``. The group's loan policy is not
    applied: the old loan keeps its terms.
    """
    require(session, actor, Permission.RECORD, group_id)
    problems: list[UserError] = []
    member = session.get(Member, member_id)
    if member is None or member.group_id != group_id:
        problems.append(UserError(N_("No such member.")))
    try:
        starts_on, bp, (schedule_method, amortization), schedule = _opening_schedule(
            session, group_id=group_id, principal=principal, annual_rate=annual_rate,
            installments=installments, method=method, first_due=first_due, as_of=as_of,
            disbursed_on=disbursed_on, original_principal=original_principal,
            frequency=frequency)
    except ValidationError as failed:
        problems.extend(failed.problems)
    if problems:
        raise ValidationError(problems)
    policy = get_policy(session, group_id, as_of)
    number = (session.scalar(select(func.max(Loan.number)).where(Loan.group_id == group_id))
              or 0) + 1
    paid_out = disbursed_on or as_of
    loan = Loan(group_id=group_id, number=number, member_id=member_id,
                amount=original_principal or principal, purpose="", annual_rate_bp=bp,
                installments=installments, frequency=frequency, method=schedule_method,
                amortization=amortization, interest_period=policy.interest_period,
                multiple=policy.installment_multiple, rounding=policy.rounding,
                status=ACTIVE, applied_on=paid_out, recorded_by=actor.id,
                recorded_at=clock.now(), decided_by=actor.id, decided_at=clock.now(),
                disbursed_on=paid_out, disbursed_via=OPENING_VIA,
                principal_outstanding=principal)
    session.add(loan)
    session.flush()
    session.add(LoanTerms(loan_id=loan.id, version=1, starts_on=starts_on, principal=principal,
                          annual_rate_bp=bp, installments=installments, first_due=first_due,
                          carried_interest=0, carried_penalties=0, reason="",
                          recorded_by=actor.id, recorded_at=clock.now()))
    store_installments(session, loan, 1, schedule)
    record_event(session, loan, actor, "opening", as_of, amount=principal)
    audit.record(session, actor, "loan.opening", group_id=group_id, loan=loan.id,
                 member=member_id, principal=principal, as_of=as_of)
    session.flush()
    return loan.id
