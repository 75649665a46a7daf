"""What undoes a welfare entry: a payout is reversed only after the payments of what it
owed, and puts the claim back to approved; a contribution only while the fund still holds
that money."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import ledger
from models.core.errors import UserError
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.money import format_money
from models.core.schema import JournalEntry, User
from models.welfare import fund as welfare_fund
from models.welfare.fund import fund_position
from models.welfare.register import _get_claim


def _reverse_payout(session: Session, actor: User, entry: JournalEntry, reason: str,
                    value_date: dt.date) -> JournalEntry:
    """Reversing a payout puts the claim back to 'approved' (to be paid again). Payments of
    what it owed must be reversed first."""
    claim = _get_claim(session, entry.claim_id)
    later = session.scalars(select(JournalEntry.id).where(
        JournalEntry.claim_id == claim.id, JournalEntry.kind == "welfare_owed_payment"))
    if any(not ledger.is_reversed(session, later_id) for later_id in later):
        raise UserError(N_("Reverse the payments of what was owed on claim {number} first."),
                        number=claim.number)
    reversal = ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                    value_date=value_date)
    claim.status = "approved"
    return reversal


def _reverse_contribution(session: Session, actor: User, entry: JournalEntry, reason: str,
                          value_date: dt.date) -> JournalEntry:
    """A contribution can be reversed only while the fund still has that money."""
    cash = fund_position(session, entry.group_id).cash
    amount = sum(-ln.amount for ln in entry.lines if ln.amount < 0)
    if amount > cash:
        raise UserError(N_("The welfare fund holds only {amount}; this contribution was paid "
                           "out already and cannot be reversed."),
                        amount=format_money(cash, group_currency(session, entry.group_id)))
    return ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                value_date=value_date)


REVERSAL_RULES = {"welfare_payout": _reverse_payout,
                  **{kind: _reverse_contribution for kind in welfare_fund.CONTRIBUTION_KINDS}}
