"""What may be reversed of savings: a deposit or withdrawal only inside its own cycle and
never so far that a member's savings go below zero; never an exit settlement."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from models.core import chart, ledger
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.schema import JournalEntry, User
from models.savings.accounts import (
    KIND_DEPOSIT,
    KIND_EXIT,
    KIND_EXIT_BELOW_PAR,
    KIND_WITHDRAWAL,
    find_member,
    savings_balance,
)
from models.savings.rules import cycle_on


def _reverse_savings_entry(session: Session, actor: User, entry: JournalEntry, reason: str,
                           value_date: dt.date) -> JournalEntry:
    """Savings entries are reversed only inside their own cycle, and never so far that a
    member's savings go below zero."""
    cycle = cycle_on(session, entry.group_id, entry.value_date)
    if cycle is not None and cycle.closed_on is not None:
        raise UserError(N_("Entry {seq} belongs to cycle {number}, already shared out."),
                        seq=entry.seq, number=cycle.number)
    if entry.kind in (KIND_EXIT, KIND_EXIT_BELOW_PAR):
        raise UserError(N_("An exit settlement cannot be reversed; if the member comes back, "
                           "record her savings as a new deposit."))
    savings_id = chart.account_id(session, entry.group_id, "member_savings")
    for line in entry.lines:
        if line.account_id == savings_id and line.member_id is not None:
            after = savings_balance(session, entry.group_id, line.member_id) + line.amount
            if after < 0:
                member = find_member(session, line.member_id)
                raise UserError(N_("Reversing entry {seq} would leave {name} with negative "
                                   "savings; reverse her later withdrawal first."),
                                seq=entry.seq, name=member.name_lao)
    return ledger.post_reversal(session, entry, checked_by=actor, reason=reason,
                                value_date=value_date)


REVERSAL_RULES = {kind: _reverse_savings_entry
                  for kind in (KIND_DEPOSIT, KIND_WITHDRAWAL, KIND_EXIT, KIND_EXIT_BELOW_PAR)}
