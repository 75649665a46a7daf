"""Allocating a loan's repayments again: every posted repayment of the schedule in force
is allocated from scratch (``models.loans.allocation``); a new one is posted, and one whose
allocation changed has its posting reversed and is posted anew, dated the day of the
correction, so posted entries are never edited. Keeps the loan's principal owed and its
status (repaid, open again) in step."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.core import ledger
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.ledger import Line, fmt_date
from models.core.schema import JournalEntry, User
from models.loans.allocation import Overpayment, Payment, Split, allocate
from models.loans.common import entry_memo, money_text, record_event
from models.loans.schema import Loan, LoanRepayment
from models.loans.state import current_version, payments_of, plan_of, posted_repayments
from models.loans.statuses import ACTIVE, CLOSED, KIND_REPAYMENT, MEMBER_ACCOUNTS


def reallocate(session: Session, actor: User, loan: Loan, *, value_date: dt.date) -> None:
    """Allocate every posted repayment of the loan's current schedule again, from scratch;
    post the new ones and, for each whose allocation changed, reverse its posting and
    post it anew (dated ``value_date``). Keeps the loan's outstanding principal and status
    in step."""
    terms = current_version(session, loan.id)
    plan = plan_of(session, loan, terms)
    rows = posted_repayments(session, loan.id, terms.version)
    by_id = {r.id: r for r in rows}
    try:
        splits, position = allocate(plan, payments_of(rows))
    except Overpayment as over:
        raise UserError(
            N_("The repayment of {amount} on {date} would be more than the {owed} that "
               "clears loan {number} that day."),
            amount=money_text(session, loan.group_id, over.payment.amount),
            date=fmt_date(over.payment.paid_on),
            owed=money_text(session, loan.group_id, over.owed), number=loan.number) from None
    for split in splits:
        row = by_id[split.key]
        new = (split.penalty, split.fee, split.interest, split.principal)
        if row.entry_id is not None and \
                (row.penalty, row.fee, row.interest, row.principal) == new:
            continue
        if row.entry_id is not None:
            old = session.get(JournalEntry, row.entry_id)
            ledger.post_reversal(session, old, checked_by=actor, reason=entry_memo(
                session, loan, N_("Repayment allocated again")), value_date=value_date)
            record_event(session, loan, actor, "reallocated", row.paid_on, amount=row.amount)
            dated = value_date
        else:
            dated = row.paid_on
        entry = _post_repayment(session, actor, loan, row, split, dated)
        row.entry_id = entry.id
        row.penalty, row.fee, row.interest, row.principal = new
    was = loan.status
    loan.principal_outstanding = position.principal_outstanding
    if position.is_closed:
        loan.status = CLOSED
        loan.closed_on = position.closed_on
        if was != CLOSED:
            record_event(session, loan, actor, "closed", position.closed_on)
    else:
        loan.status = ACTIVE
        loan.closed_on = None
        if was == CLOSED:
            record_event(session, loan, actor, "reopened", value_date)
    session.flush()


def payment_income(session: Session, loan: Loan, *, amount: int, on: dt.date) -> int:
    """How much of a repayment of ``amount`` on ``on`` would be interest and fee (income
    on a cash basis), allocated after the repayments already posted; nothing is written."""
    terms = current_version(session, loan.id)
    plan = plan_of(session, loan, terms)
    rows = posted_repayments(session, loan.id, terms.version)
    key = max((r.id for r in rows), default=0) + 1
    splits, _ = allocate(plan, [*payments_of(rows), Payment(key, on, amount)])
    mine = next(split for split in splits if split.key == key)
    return mine.fee + mine.interest


def _post_repayment(session: Session, actor: User, loan: Loan, row: LoanRepayment,
                    split: Split, value_date: dt.date) -> JournalEntry:
    member = loan.member_id
    source_member = member if row.paid_from in MEMBER_ACCOUNTS else None
    lines = [Line(row.paid_from, row.amount, member_id=source_member)]
    for account, amount in (("penalties_receivable", split.penalty),
                            ("fee_income", split.fee),
                            ("interest_income", split.interest),
                            ("loans_receivable", split.principal)):
        if amount:
            lines.append(Line(account, -amount, member_id=member, loan_id=loan.id))
    memo = entry_memo(session, loan, N_("Repayment of {date}"), date=fmt_date(row.paid_on))
    return ledger.post_entry(session, actor, group_id=loan.group_id, value_date=value_date,
                             kind=KIND_REPAYMENT, memo=memo, lines=lines, loan_id=loan.id,
                             meeting_id=row.meeting_id)
