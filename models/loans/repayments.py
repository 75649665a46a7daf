"""Money paid on a loan (treasurer, at a meeting or on any day), the payoff quote, paying
a loan off, and reversing a repayment (``ledger.reverse_entry`` runs the loans' reversal
rule, ``models.loans.reversals``). A backdated repayment allocates the later ones again
and decides the late penalties again."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_, Deferred
from models.core.permissions import Permission, require
from models.core.schema import JournalEntry, User
from models.loans.common import date_problems, loan_by_id, record_event
from models.loans.penalties import redecide_penalties
from models.loans.replay import reallocate
from models.loans.rows import PayoffRow, RepaymentRow, repayment_row
from models.loans.schema import Loan, LoanRepayment
from models.loans.state import current_version, loan_state
from models.loans.statuses import ACTIVE, CLOSED, PAY_ACCOUNTS, STATUS_NAMES


def record_repayment(session: Session, actor: User, *, loan_id: int, amount: int,
                     on: dt.date | None = None, paid_from: str = "cash",
                     meeting_id: int | None = None) -> RepaymentRow:
    """Record money paid on a loan (treasurer). Refused when it is more than what clears
    the loan that day. A backdated repayment re-allocates the later ones."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    on = on or clock.today()
    if paid_from not in PAY_ACCOUNTS:
        raise UserError(N_("Money is paid into the cash box or the bank."))
    row = add_repayment(session, actor, loan, amount=amount, on=on, paid_from=paid_from,
                         meeting_id=meeting_id)
    return repayment_row(session, row)


def add_repayment(session: Session, actor: User, loan: Loan, *, amount: int, on: dt.date,
                   paid_from: str, meeting_id: int | None) -> LoanRepayment:
    """Record one repayment of ``loan`` and allocate it (the treasurer's permission)."""
    require(session, actor, Permission.RECORD, loan.group_id)
    problems: list[UserError] = []
    if loan.status != ACTIVE:
        raise UserError(N_("Loan {number} is not being repaid ({status})."), number=loan.number,
                        status=Deferred(STATUS_NAMES[loan.status]))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems.append(UserError(N_("The repayment must be more than zero.")))
    terms = current_version(session, loan.id)
    date_problems(on, problems, not_before=terms.starts_on,
                before_text=N_("The repayment cannot be dated before {date}, when the loan "
                               "was paid out or rescheduled."))
    if problems:
        raise ValidationError(problems)
    row = LoanRepayment(loan_id=loan.id, version=terms.version, paid_on=on, amount=amount,
                        paid_from=paid_from, meeting_id=meeting_id, entry_id=None, penalty=0,
                        interest=0, principal=0, status="posted", recorded_by=actor.id,
                        recorded_at=clock.now())
    session.add(row)
    session.flush()
    reallocate(session, actor, loan, value_date=clock.today())
    if on < clock.today():
        redecide_penalties(session, actor, loan, value_date=clock.today(), charge_new=False)
    record_event(session, loan, actor, "repaid", on, amount=amount,
                 entry=session.get(JournalEntry, row.entry_id))
    audit.record(session, actor, "loan.repay", group_id=loan.group_id, loan=loan.id,
                 amount=amount, on=on, entry=session.get(JournalEntry, row.entry_id).seq)
    return row


def payoff(session: Session, actor: User, *, loan_id: int,
           on: dt.date | None = None) -> PayoffRow:
    """What clears the loan on ``on``: penalties, the fee still owed, interest (recomputed
    to the day for declining-balance loans) and principal."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.READ, loan.group_id)
    on = on or clock.today()
    state = loan_state(session, loan, on)
    if state is None or loan.status not in (ACTIVE, CLOSED):
        return PayoffRow(loan.id, on, 0, 0, 0)
    q = state.quote
    return PayoffRow(loan.id, on, q.penalty, q.interest, q.principal, q.fee)


def pay_off_loan(session: Session, actor: User, *, loan_id: int, on: dt.date | None = None,
                 paid_from: str = "cash", meeting_id: int | None = None) -> RepaymentRow:
    """Record the payoff quote as a repayment: the loan is closed."""
    quote = payoff(session, actor, loan_id=loan_id, on=on)
    if quote.total <= 0:
        raise UserError(N_("Nothing is owed on this loan."))
    return record_repayment(session, actor, loan_id=loan_id, amount=quote.total, on=on,
                            paid_from=paid_from, meeting_id=meeting_id)


def reverse_repayment(session: Session, actor: User, *, repayment_id: int, reason: str,
                      value_date: dt.date | None = None) -> JournalEntry:
    """Reverse a repayment (it never happened): the later ones are allocated again."""
    row = session.get(LoanRepayment, repayment_id)
    if row is None:
        raise NotFound(N_("No such repayment."))
    if row.status != "posted":
        raise UserError(N_("This repayment was already reversed."))
    return ledger.reverse_entry(session, actor, entry_id=row.entry_id, reason=reason,
                                value_date=value_date)
