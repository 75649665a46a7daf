"""The loans' entry kinds: their one name each, and their program-written memos as read now."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.i18n import N_, _
from models.core.schema import JournalEntry
from models.loans.schema import Loan, LoanPenalty

KIND_NAMES = {
    "loan_disbursement": N_("Loan paid out"),
    "loan_repayment": N_("Loan repayment"),
    "loan_penalty": N_("Late penalty"),
    "loan_write_off": N_("Loan written off"),
}


def describe(session: Session, group_id: int, entries: Sequence[JournalEntry],
             member: Callable[[int], str]) -> dict[int, str]:
    mine = [e for e in entries if e.kind in KIND_NAMES and e.loan_id]
    if not mine:
        return {}
    loans = {loan.id: loan for loan in session.scalars(
        select(Loan).where(Loan.id.in_({e.loan_id for e in mine})))}
    penalties = {p.entry_id: p.n for p in session.scalars(select(LoanPenalty).where(
        LoanPenalty.entry_id.in_([e.id for e in mine if e.kind == "loan_penalty"])))}
    texts: dict[int, str] = {}
    for e in mine:
        loan = loans.get(e.loan_id)
        if loan is None:
            continue
        if e.kind == "loan_penalty" and e.id in penalties:
            texts[e.id] = _("Installment {n} of loan {number}, {member}").format(
                n=penalties[e.id], number=loan.number, member=member(loan.member_id))
        else:
            texts[e.id] = _("Loan {number}, {member}").format(number=loan.number,
                                                              member=member(loan.member_id))
    return texts
