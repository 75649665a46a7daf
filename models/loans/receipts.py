"""A receipt for one loan repayment, for a member who pays between meetings (the meeting
prints its own receipts): what she paid, how it was allocated, the principal still owed
after it, and the ledger entry that records it (its number is the receipt number).

Only a repayment standing on the ledger gets a receipt; one that was reversed does not.
The allocation shown is the one the ledger holds now (a backdated repayment recorded later
may have allocated it again; the receipt then says so by its figures, not by its date).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import clock
from models.core.errors import NotFound, UserError
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.money import Currency
from models.core.permissions import Permission, require
from models.core.schema import Group, JournalEntry, Member, User
from models.loans.schema import Loan, LoanRepayment, LoanTerms


@dataclass(frozen=True)
class RepaymentReceipt:
    group_name: str
    group_village: str
    currency: Currency
    is_demo: bool
    receipt_number: int  # the journal entry's number in the group
    loan_number: int
    member_number: int
    member_name: str
    paid_on: dt.date
    paid_from: str  # cash bank member_savings share_out_payable
    amount: int
    penalty: int
    fee: int
    interest: int
    principal: int
    principal_left: int  # of the loan's principal, after this repayment
    printed_at: dt.datetime
    printed_by: str


def repayment_receipt(session: Session, actor: User, repayment_id: int) -> RepaymentReceipt:
    """The receipt of a repayment standing on the ledger (anyone who may read the group)."""
    row = session.get(LoanRepayment, repayment_id)
    if row is None:
        raise NotFound(N_("No such repayment."))
    loan = session.get(Loan, row.loan_id)
    require(session, actor, Permission.READ, loan.group_id)
    if row.status != "posted" or row.entry_id is None:
        raise UserError(N_("This repayment was reversed; it has no receipt."))
    group = session.get(Group, loan.group_id)
    member = session.get(Member, loan.member_id)
    entry = session.get(JournalEntry, row.entry_id)
    terms = session.scalar(select(LoanTerms).where(LoanTerms.loan_id == loan.id,
                                                   LoanTerms.version == row.version))
    # Principal paid by this repayment and the ones before it, in allocation order.
    paid_before = session.scalar(
        select(func.coalesce(func.sum(LoanRepayment.principal), 0)).where(
            LoanRepayment.loan_id == loan.id, LoanRepayment.version == row.version,
            LoanRepayment.status == "posted",
            (LoanRepayment.paid_on < row.paid_on)
            | ((LoanRepayment.paid_on == row.paid_on) & (LoanRepayment.id < row.id))))
    left = max(0, terms.principal - int(paid_before) - row.principal)
    return RepaymentReceipt(
        group.name, group.village or "", group_currency(session, group.id), group.is_demo,
        entry.seq, loan.number, member.number, member.name_lao, row.paid_on, row.paid_from,
        row.amount, row.penalty, row.fee, row.interest, row.principal, left, clock.now(),
        actor.display_name)
