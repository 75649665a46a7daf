"""What ``kongthun verify`` checks of savings."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, ledger, verify
from models.core.i18n import N_
from models.core.ledger import fmt_date
from models.core.schema import Group, JournalEntry, JournalLine
from models.meetings.schema import Meeting, MeetingCell
from models.savings.accounts import KIND_DEPOSIT, KIND_FINE_PAYMENT
from models.savings.rules import open_cycle


def verify_savings(session: Session, group: Group) -> list[verify.Problem]:
    """The cash box and bank never below zero; in a share group each member's savings are
    whole shares at the open cycle's price; each posted meeting's savings and fines cells
    are on the ledger."""
    problems: list[verify.Problem] = []
    gid = group.id
    for key, message in (("cash", N_("Group {group}: the cash box is below zero ({amount}).")),
                         ("bank", N_("Group {group}: the bank account is below zero "
                                     "({amount})."))):
        held = ledger.balance(session, gid, key)
        if held < 0:
            problems.append(verify.Problem(message, {"group": group.name, "amount": held}, gid))
    cycle = open_cycle(session, gid)
    if cycle is not None and cycle.share_price > 1:
        for member_id, saved in ledger.member_balances(session, gid, "member_savings").items():
            if saved % cycle.share_price:
                problems.append(verify.Problem(
                    N_("Group {group}: member {member} has savings of {amount}, not a whole "
                       "number of shares at {price}."),
                    {"group": group.name, "member": member_id, "amount": saved,
                     "price": cycle.share_price}, gid))
    for column, kind, key in (("savings", KIND_DEPOSIT, "member_savings"),
                              ("fines", KIND_FINE_PAYMENT, "fines_receivable")):
        account_id = chart.account_id(session, gid, key)
        on_ledger = dict(session.execute(
            select(JournalEntry.meeting_id, -func.sum(JournalLine.amount))
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(JournalEntry.group_id == gid, JournalEntry.kind == kind,
                   JournalEntry.meeting_id.is_not(None), JournalLine.account_id == account_id)
            .group_by(JournalEntry.meeting_id)).all())
        in_grid = session.execute(
            select(Meeting.id, Meeting.meeting_date, func.sum(MeetingCell.amount))
            .join(MeetingCell, MeetingCell.meeting_id == Meeting.id)
            .where(Meeting.group_id == gid, MeetingCell.column_key == column)
            .group_by(Meeting.id, Meeting.meeting_date)).all()
        for meeting_id, day, total in in_grid:
            if int(on_ledger.get(meeting_id, 0)) != int(total):
                problems.append(verify.Problem(
                    N_("Group {group}: the meeting of {date} took {grid} in its {column} "
                       "column but the ledger has {ledger}."),
                    {"group": group.name, "date": fmt_date(day), "grid": int(total),
                     "column": column, "ledger": int(on_ledger.get(meeting_id, 0))}, gid))
    return problems
