"""What reversing a loan entry does besides the negated copy (``ledger.reverse_entry``):
a repayment is marked reversed and the later ones allocated again, a payout cancels the
loan (only before any repayment or penalty), a penalty is waived, and a write-off is
never reversed."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import ledger
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.schema import JournalEntry, User
from models.loans.common import loan_by_id, record_event
from models.loans.penalties import redecide_penalties
from models.loans.replay import reallocate
from models.loans.schema import Loan, LoanPenalty, LoanRepayment
from models.loans.state import current_version
from models.loans.statuses import (
    ACTIVE,
    CANCELLED,
    KIND_DISBURSEMENT,
    KIND_PENALTY,
    KIND_REPAYMENT,
    KIND_WRITE_OFF,
    WRITTEN_OFF,
)


def _reverse_repayment_entry(session: Session, actor: User, entry: JournalEntry, reason: str,
                             value_date: dt.date) -> JournalEntry:
    row = session.scalar(select(LoanRepayment).where(LoanRepayment.entry_id == entry.id))
    if row is None:
        return ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                    value_date=value_date)
    loan = loan_by_id(session, row.loan_id)
    if loan.status == WRITTEN_OFF:
        raise UserError(N_("Loan {number} was written off; its repayments can no longer be "
                           "reversed."), number=loan.number)
    terms = current_version(session, loan.id)
    if row.version != terms.version:
        raise UserError(N_("Loan {number} was rescheduled after this repayment; it can no "
                           "longer be reversed."), number=loan.number)
    reversal = ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                    value_date=value_date)
    row.status = "reversed"
    row.reversal_reason = reason
    record_event(session, loan, actor, "repayment_reversed", row.paid_on, amount=row.amount,
                 entry=reversal, note=reason)
    session.flush()
    reallocate(session, actor, loan, value_date=value_date)
    redecide_penalties(session, actor, loan, value_date=value_date, charge_new=True)
    return reversal


def _reverse_disbursement_entry(session: Session, actor: User, entry: JournalEntry, reason: str,
                                value_date: dt.date) -> JournalEntry:
    loan = session.get(Loan, entry.loan_id) if entry.loan_id else None
    if loan is None:
        return ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                    value_date=value_date)
    repaid = session.scalar(select(func.count(LoanRepayment.id)).where(
        LoanRepayment.loan_id == loan.id, LoanRepayment.status == "posted"))
    charged = session.scalar(select(func.count(LoanPenalty.id)).where(
        LoanPenalty.loan_id == loan.id, LoanPenalty.waived.is_(False),
        LoanPenalty.amount > 0))
    if loan.status != ACTIVE or repaid or charged:
        raise UserError(N_("Loan {number} has repayments or penalties; reverse those first."),
                        number=loan.number)
    reversal = ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                    value_date=value_date)
    loan.status = CANCELLED
    loan.principal_outstanding = 0
    loan.decision_note = reason
    record_event(session, loan, actor, "disbursement_reversed", value_date, amount=loan.amount,
                 entry=reversal, note=reason)
    session.flush()
    return reversal


def _reverse_penalty_entry(session: Session, actor: User, entry: JournalEntry, reason: str,
                           value_date: dt.date) -> JournalEntry:
    penalty = session.scalar(select(LoanPenalty).where(LoanPenalty.entry_id == entry.id))
    if penalty is None:
        return ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                    value_date=value_date)
    loan = loan_by_id(session, penalty.loan_id)
    terms = current_version(session, loan.id)
    if loan.status == WRITTEN_OFF or penalty.version != terms.version:
        raise UserError(N_("This penalty belongs to an earlier schedule of loan {number}; it "
                           "can no longer be waived."), number=loan.number)
    reversal = ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                    value_date=value_date)
    penalty.waived = True
    record_event(session, loan, actor, "penalty_waived", value_date, amount=penalty.amount,
                 entry=reversal, note=reason)
    session.flush()
    reallocate(session, actor, loan, value_date=value_date)
    return reversal


def _refuse_write_off_reversal(session: Session, actor: User, entry: JournalEntry, reason: str,
                               value_date: dt.date) -> JournalEntry:
    raise UserError(N_("A write-off cannot be reversed. If the member pays after all, record "
                       "the money as other income."))


REVERSAL_RULES = {
    KIND_REPAYMENT: _reverse_repayment_entry,
    KIND_DISBURSEMENT: _reverse_disbursement_entry,
    KIND_PENALTY: _reverse_penalty_entry,
    KIND_WRITE_OFF: _refuse_write_off_reversal,
}
