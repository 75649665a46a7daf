"""A posted meeting as printed for the records and on each member's receipt: what every
member brought per column, her roll-call mark and fine, her savings, fines and loan after
the meeting, and the cash box of the meeting's day."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import clock, ledger
from models.core.permissions import Permission, require
from models.core.schema import Group, JournalEntry, User
from models.meetings import cashbox, cycles
from models.meetings.attendance import ATTENDANCE, PRESENT, roll_call
from models.meetings.grid import GridColumn, column_totals, columns_of, posted_cells
from models.meetings.meeting import MeetingRow, find_meeting, meeting_row, members_of
from models.meetings.roll import roll_call_hooks
from models.meetings.schema import CashCount, Meeting


@dataclass(frozen=True)
class SummaryRow:
    member_id: int
    number: int
    name: str
    attendance: str
    note: str
    amounts: dict[str, int]
    fines_charged: int
    savings_after: int
    shares_after: int
    fines_owed_after: int
    loan_after: int

    @property
    def total(self) -> int:
        return sum(self.amounts.values())

    @property
    def paid(self) -> bool:
        return self.total > 0


@dataclass(frozen=True)
class MeetingSummary:
    """A meeting as posted: for the printed summary and each member's receipt."""

    group_id: int
    group_name: str
    village: str | None
    currency: str
    meeting: MeetingRow
    mode: str
    share_price: int
    columns: tuple[GridColumn, ...]
    rows: tuple[SummaryRow, ...]
    totals: dict[str, int]
    attendance: dict[str, int]  # status -> how many
    cash_opening: int
    cash_movements: tuple[cashbox.CashMovement, ...]  # without the count's over/short
    cash_count: cashbox.CashCountRow | None
    loan_fund: int
    welfare_fund: int
    reversed_seqs: tuple[int, ...]  # entries of the meeting reversed since
    is_demo: bool
    ledger_seal: str  # the group's chain head when this was read (printed on paper)
    printed_at: dt.datetime
    printed_by: str

    @property
    def grand_total(self) -> int:
        return sum(self.totals.values())

    @property
    def cash_closing(self) -> int:
        return self.cash_opening + sum(m.received - m.paid for m in self.cash_movements)


def _charged(session: Session, meeting: Meeting) -> dict[int, int]:
    """What the roll call charged each member at the meeting (her fine)."""
    charged: dict[int, int] = {}
    for hook in roll_call_hooks():
        for member_id, amount in hook.charged(session, meeting).items():
            charged[member_id] = charged.get(member_id, 0) + amount
    return charged


def meeting_summary(session: Session, actor: User, meeting_id: int) -> MeetingSummary:
    meeting = find_meeting(session, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    gid, on = meeting.group_id, meeting.meeting_date
    group = session.get(Group, gid)
    terms = cycles.keeper().terms(session, gid, on)
    cells = posted_cells(session, meeting.id)
    columns = [GridColumn(c.key, c.label) for c in columns_of(session, meeting)]
    known = {c.key for c in columns}
    columns += [GridColumn(k, k) for k in sorted({k for a in cells.values() for k in a} - known)]
    fines_charged = _charged(session, meeting)
    balances = {key: ledger.member_balances(session, gid, key, as_of=on)
                for key in ("member_savings", "fines_receivable", "loans_receivable")}
    roll = roll_call(session, meeting.id)
    rows, counts = [], {status: 0 for status in ATTENDANCE}
    for member in members_of(session, meeting):
        att = roll.get(member.id)
        status = att.status if att else PRESENT
        counts[status] += 1
        saved = balances["member_savings"].get(member.id, 0)
        rows.append(SummaryRow(member.id, member.number, member.name_lao, status,
                               att.note if att else "", cells.get(member.id, {}),
                               fines_charged.get(member.id, 0), saved, terms.shares(saved),
                               balances["fines_receivable"].get(member.id, 0),
                               balances["loans_receivable"].get(member.id, 0)))
    count = session.scalar(select(CashCount).where(CashCount.meeting_id == meeting.id)
                           .order_by(CashCount.id.desc()).limit(1))
    opening, movements = _day_cash(session, group, meeting, count)
    reversed_seqs = tuple(sorted(session.scalars(
        select(JournalEntry.seq).where(JournalEntry.id.in_(
            select(JournalEntry.reverses_id).where(JournalEntry.group_id == gid,
                                                   JournalEntry.reverses_id.is_not(None))),
            JournalEntry.meeting_id == meeting.id, JournalEntry.group_id == gid))))
    return MeetingSummary(
        gid, group.name, group.village, group.currency, meeting_row(session, meeting),
        terms.mode, terms.share_price, tuple(columns), tuple(rows),
        column_totals({(row.member_id, k): v for row in rows for k, v in row.amounts.items()}),
        counts,
        opening, movements, cashbox.count_row(session, count) if count else None,
        ledger.fund_balance(session, gid, "loan", as_of=on),
        ledger.fund_balance(session, gid, "welfare", as_of=on), reversed_seqs, group.is_demo,
        group.head_hash or "", clock.now(), actor.username)


def _day_cash(session: Session, group: Group, meeting: Meeting,
              count: CashCount | None) -> tuple[int, tuple[cashbox.CashMovement, ...]]:
    """The cash of the meeting's day: what the box held before the day's first entry (of
    the meeting or dated that day), then every entry that moved cash up to the meeting's
    count (or to the day's last entry): the grid's money, loans paid out, claims paid,
    expenses. Opening plus these is what the count expected."""
    day = ((JournalEntry.meeting_id == meeting.id)
           | (JournalEntry.value_date == meeting.meeting_date))
    first, last = session.execute(
        select(func.min(JournalEntry.seq), func.max(JournalEntry.seq))
        .where(JournalEntry.group_id == group.id, JournalEntry.reverses_id.is_(None), day)).one()
    if first is None:
        first = last = group.entry_count
    else:
        first -= 1
    if count is not None and count.head_seq is not None:
        last = count.head_seq
    return cashbox.cash_movements(session, group.id, after_seq=first, through_seq=last,
                                  counts=False)
