"""Meetings: one per group per day, the roll call, the grid (one row per member, a cell per
column the capabilities register in ``models.meetings.columns``), posting the whole grid at
once, and the summary printed for the records and the members' receipts.

Posting validates every cell of every column first and lists all problems together; only
then does it post, column by column, inside a savepoint of the caller's transaction, so a
failure anywhere leaves nothing of the meeting behind.

The grid reads the roll call as recorded (``record_attendance``): the screen records it
as the treasurer marks who came, then refreshes the grid, whose expected amounts (no
savings from an absent member, her absence fine) follow from it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, ledger
from models.meetings import cashbox, columns as meeting_columns
from models.savings import accounts as savings
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_, _, gettext
from models.core.ledger import fmt_date
from models.meetings.columns import CellContext, MeetingColumn
from models.core.permissions import Permission, require
from models.savings.rules import Label, cycle_for_posting, rules
from models.core.schema import Group, JournalEntry, JournalLine, Member, User
from models.savings.schema import (
    CashCount,
    Meeting,
    MeetingAttendance,
    MeetingCell,
    SavingsCycle,
)

OPEN, POSTED = "open", "posted"
Cells = Mapping[tuple[int, str], int]


# What other capabilities do with the roll call when a meeting is posted (savings fines
# the late and the absent), each in the meeting's transaction.
RollCallHook = Callable[[Session, User, Meeting, Mapping[int, str]], None]
_ROLL_CALL_HOOKS: list[RollCallHook] = []


def register_roll_call(hook: RollCallHook) -> None:
    """The meetings capability's hook ``roll_call``."""
    if hook in _ROLL_CALL_HOOKS:
        raise ValueError("roll-call hook registered twice")
    _ROLL_CALL_HOOKS.append(hook)


@dataclass(frozen=True)
class MeetingRow:
    id: int
    group_id: int
    meeting_date: dt.date
    cycle_number: int
    number: int  # the meeting's place in its cycle
    status: str
    posted_at: dt.datetime | None
    posted_by: str | None

    @property
    def is_posted(self) -> bool:
        return self.status == POSTED


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(N_("No such meeting."))
    return meeting


def _row(session: Session, meeting: Meeting) -> MeetingRow:
    cycle = session.get(SavingsCycle, meeting.cycle_id)
    number = session.scalar(select(func.count(Meeting.id))
                            .where(Meeting.cycle_id == meeting.cycle_id,
                                   Meeting.meeting_date <= meeting.meeting_date))
    posted_by = session.get(User, meeting.posted_by).username if meeting.posted_by else None
    return MeetingRow(meeting.id, meeting.group_id, meeting.meeting_date, cycle.number, number,
                      meeting.status, meeting.posted_at, posted_by)


def open_meeting(session: Session, actor: User, *, group_id: int, on: dt.date) -> MeetingRow:
    """Open the group's meeting of ``on`` (one a day), in the savings cycle of that day."""
    require(session, actor, Permission.RECORD, group_id)
    if on > clock.today():
        raise UserError(N_("{date} is in the future."), date=fmt_date(on))
    if session.scalar(select(Meeting.id).where(Meeting.group_id == group_id,
                                               Meeting.meeting_date == on)):
        raise UserError(N_("There is already a meeting on {date}."), date=fmt_date(on))
    cycle = cycle_for_posting(session, actor, group_id, on)
    meeting = Meeting(group_id=group_id, cycle_id=cycle.id, meeting_date=on, status=OPEN,
                      opened_by=actor.id, opened_at=clock.now())
    session.add(meeting)
    session.flush()
    audit.record(session, actor, "meeting.open", group_id=group_id, meeting=meeting.id, on=on)
    return _row(session, meeting)


def get_meeting(session: Session, actor: User, meeting_id: int) -> MeetingRow:
    meeting = _meeting(session, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    return _row(session, meeting)


def list_meetings(session: Session, actor: User, group_id: int) -> list[MeetingRow]:
    """The group's meetings, newest first."""
    require(session, actor, Permission.READ, group_id)
    return [_row(session, m) for m in session.scalars(
        select(Meeting).where(Meeting.group_id == group_id)
        .order_by(Meeting.meeting_date.desc()))]


def meeting_members(session: Session, group_id: int, on: dt.date) -> list[Member]:
    """Members of the group on a day: joined by then and not yet gone."""
    return list(session.scalars(
        select(Member).where(Member.group_id == group_id, Member.joined_on <= on,
                             (Member.status == "active") | (Member.status_date > on))
        .order_by(Member.number)))


def members_of(session: Session, meeting: Meeting) -> list[Member]:
    """The members a meeting shows: those of the group on its day and, once it is posted,
    anyone it recorded (a roll-call mark or an amount) even if she has left or died since,
    so what the meeting took in is always shown against a name."""
    on_day = meeting_members(session, meeting.group_id, meeting.meeting_date)
    if meeting.status != POSTED:
        return on_day
    known = {m.id for m in on_day}
    recorded = set(session.scalars(select(MeetingCell.member_id)
                                   .where(MeetingCell.meeting_id == meeting.id)))
    recorded |= set(session.scalars(select(MeetingAttendance.member_id)
                                    .where(MeetingAttendance.meeting_id == meeting.id)))
    extra = recorded - known
    if not extra:
        return on_day
    gone = session.scalars(select(Member).where(Member.id.in_(extra)))
    return sorted([*on_day, *gone], key=lambda m: m.number)


# ----- roll call -------------------------------------------------------------------------

def _attendance_problems(members: dict[int, Member], attendance: Mapping[int, str],
                         notes: Mapping[int, str]) -> list[UserError]:
    problems = []
    for member_id, status in attendance.items():
        if member_id not in members:
            problems.append(UserError(N_("Member {member} is not in this meeting."),
                                      member=member_id))
        elif status not in savings.ATTENDANCE:
            problems.append(UserError(N_("{member}: mark present, late, represented or "
                                         "absent."), member=members[member_id].name_lao))
    problems.extend(UserError(N_("Member {member} is not in this meeting."), member=member_id)
                    for member_id in notes if member_id not in members)
    return problems


def _store_attendance(session: Session, meeting: Meeting, attendance: Mapping[int, str],
                      notes: Mapping[int, str]) -> None:
    rows = {a.member_id: a for a in session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id))}
    for member_id in set(attendance) | set(notes):
        row = rows.get(member_id)
        if row is None:
            row = MeetingAttendance(meeting_id=meeting.id, member_id=member_id,
                                    status=savings.PRESENT, note="")
            session.add(row)
        if member_id in attendance:
            row.status = attendance[member_id]
        if member_id in notes:
            row.note = (notes[member_id] or "").strip()
    session.flush()


def _require_open(meeting: Meeting) -> None:
    if meeting.status != OPEN:
        raise UserError(N_("The meeting of {date} is already posted; correct it by reversing "
                           "entries."), date=fmt_date(meeting.meeting_date))


def record_attendance(session: Session, actor: User, *, meeting_id: int,
                      attendance: Mapping[int, str],
                      notes: Mapping[int, str] | None = None) -> None:
    """Record the roll call (and notes) of an open meeting; members not named keep theirs."""
    meeting = _meeting(session, meeting_id)
    require(session, actor, Permission.RECORD, meeting.group_id)
    _require_open(meeting)
    members = {m.id: m for m in meeting_members(session, meeting.group_id, meeting.meeting_date)}
    problems = _attendance_problems(members, attendance, notes or {})
    if problems:
        raise ValidationError(problems)
    _store_attendance(session, meeting, attendance, notes or {})
    audit.record(session, actor, "meeting.attendance", group_id=meeting.group_id,
                 meeting=meeting.id, changed=sorted(attendance))


# ----- the grid --------------------------------------------------------------------------

@dataclass(frozen=True)
class GridColumn:
    key: str
    label: str  # N_() text

    @property
    def title(self) -> str:
        return gettext(self.label)


@dataclass(frozen=True)
class GridRow:
    member_id: int
    number: int
    name: str
    attendance: str
    note: str
    expected: dict[str, int]  # column key -> amount to prefill
    posted: dict[str, int]  # column key -> amount posted (a posted meeting)


@dataclass(frozen=True)
class MeetingGrid:
    meeting: MeetingRow
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]
    currency: str
    mode: str
    share_price: int

    def expected_cells(self) -> dict[tuple[int, str], int]:
        """The grid prefilled: the cells to start from (or the posted ones)."""
        source = "posted" if self.meeting.is_posted else "expected"
        return {(row.member_id, key): amount for row in self.rows
                for key, amount in getattr(row, source).items() if amount}


def column_totals(cells: Cells) -> dict[str, int]:
    """Running total of each column of a grid being filled in."""
    totals: dict[str, int] = {}
    for (_, key), amount in cells.items():
        totals[key] = totals.get(key, 0) + amount
    return totals


def _columns(session: Session, meeting: Meeting) -> list[MeetingColumn]:
    return meeting_columns.columns(session, meeting.group_id, meeting.meeting_date)


def _ctx(meeting: Meeting, member_id: int) -> CellContext:
    return CellContext(meeting.group_id, member_id, meeting.id, meeting.meeting_date)


def _roll_call(session: Session, meeting_id: int) -> dict[int, MeetingAttendance]:
    return {a.member_id: a for a in session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id))}


def meeting_grid(session: Session, actor: User, meeting_id: int) -> MeetingGrid:
    """One row per member of the meeting with the expected amount of every column."""
    meeting = _meeting(session, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    columns = _columns(session, meeting)
    roll = _roll_call(session, meeting.id)
    posted: dict[int, dict[str, int]] = {}
    for cell in session.scalars(select(MeetingCell).where(MeetingCell.meeting_id == meeting.id)):
        posted.setdefault(cell.member_id, {})[cell.column_key] = cell.amount
    rows = []
    for member in members_of(session, meeting):
        att = roll.get(member.id)
        expected = {} if meeting.status == POSTED else {
            c.key: c.expected(session, _ctx(meeting, member.id)) for c in columns}
        rows.append(GridRow(member.id, member.number, member.name_lao,
                            att.status if att else savings.PRESENT, att.note if att else "",
                            expected, posted.get(member.id, {})))
    r = rules(session, meeting.group_id, meeting.meeting_date)
    group = session.get(Group, meeting.group_id)
    return MeetingGrid(_row(session, meeting), tuple(GridColumn(c.key, c.label) for c in columns),
                       tuple(rows), group.currency, r.mode, r.share_price)


class CellProblem(UserError):
    """A problem with one cell of the grid, so the screen can mark it."""

    def __init__(self, member: Member, column: MeetingColumn, problem: UserError) -> None:
        super().__init__(N_("{member}, {column}: {problem}"), member=member.name_lao,
                         column=Label(column.label), problem=problem)
        self.member_id = member.id
        self.column_key = column.key
        self.problem = problem


LARGEST_AMOUNT = 2 ** 63 - 1  # what a BigInteger column holds


def cell_problems(members: Mapping[int, Member], columns: Mapping[str, MeetingColumn],
                  cells: Cells, check=None) -> list[UserError]:  # noqa: ANN001
    """Every problem of the cells, in cell order: naming no member or column of the
    meeting, or not a whole, non-negative amount a column can store; then, for a
    well-formed cell, what ``check(member, column, amount)`` finds."""
    problems: list[UserError] = []
    for (member_id, key), amount in sorted(cells.items()):
        member, column = members.get(member_id), columns.get(key)
        if member is None:
            problems.append(UserError(N_("Member {member} is not in this meeting."),
                                      member=member_id))
        elif column is None:
            problems.append(UserError(N_("There is no column {column} in this meeting."),
                                      column=key))
        elif isinstance(amount, bool) or not isinstance(amount, int):
            problems.append(CellProblem(member, column, UserError(
                N_("Amounts must be whole numbers of the smallest unit."))))
        elif amount < 0:
            problems.append(CellProblem(member, column,
                                        UserError(N_("The amount cannot be negative."))))
        elif amount > LARGEST_AMOUNT:
            problems.append(CellProblem(member, column,
                                        UserError(N_("The amount is too large."))))
        elif check is not None:
            problems.extend(check(member, column, amount))
    return problems


def _cell_problems(session: Session, meeting: Meeting, members: dict[int, Member],
                   columns: dict[str, MeetingColumn], cells: Cells) -> list[UserError]:
    def check(member: Member, column: MeetingColumn, amount: int) -> list[UserError]:
        return [CellProblem(member, column, p)
                for p in column.validate(session, _ctx(meeting, member.id), amount)]

    return cell_problems(members, columns, cells, check)


def check_cells(session: Session, actor: User, *, meeting_id: int, cells: Cells) -> list[UserError]:
    """Every problem of the cells given (an empty list when all are fine), for marking
    cells as the treasurer types. Nothing is written."""
    meeting = _meeting(session, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    members = {m.id: m for m in meeting_members(session, meeting.group_id, meeting.meeting_date)}
    columns = {c.key: c for c in _columns(session, meeting)}
    return _cell_problems(session, meeting, members, columns, cells)


def post_meeting(session: Session, actor: User, *, meeting_id: int, cells: Cells,
                 attendance: Mapping[int, str] | None = None,
                 notes: Mapping[int, str] | None = None) -> MeetingRow:
    """Post the meeting: the roll call (with its fines), then every column's cells.

    Every cell of every column is validated first and all problems are raised together
    (``ValidationError``, its problems ``CellProblem`` where a cell is at fault); then all
    is posted in one savepoint, so a failure in any row leaves nothing."""
    meeting = _meeting(session, meeting_id)
    require(session, actor, Permission.RECORD, meeting.group_id)
    _require_open(meeting)
    attendance, notes = dict(attendance or {}), dict(notes or {})
    members = {m.id: m for m in meeting_members(session, meeting.group_id, meeting.meeting_date)}
    columns = _columns(session, meeting)
    by_key = {c.key: c for c in columns}
    with session.begin_nested():
        problems = _attendance_problems(members, attendance, notes)
        if not problems:
            _store_attendance(session, meeting, attendance, notes)
            problems = _cell_problems(session, meeting, members, by_key, cells)
        if problems:
            raise ValidationError(problems)
        roll = _roll_call(session, meeting.id)
        statuses = {m: roll[m].status if m in roll else savings.PRESENT for m in members}
        for hook in _ROLL_CALL_HOOKS:
            hook(session, actor, meeting, statuses)
        for column in columns:
            paid = [(m, cells[(m, column.key)]) for m in members if cells.get((m, column.key))]
            if column.post_all is not None:
                column.post_all(session, actor, [(_ctx(meeting, m), a) for m, a in paid])
            for member_id, amount in paid:
                if column.post_all is None:
                    column.post(session, actor, _ctx(meeting, member_id), amount)
                session.add(MeetingCell(meeting_id=meeting.id, member_id=member_id,
                                        column_key=column.key, amount=amount))
        meeting.status = POSTED
        meeting.posted_by = actor.id
        meeting.posted_at = clock.now()
        session.flush()
        totals = column_totals({k: v for k, v in cells.items() if v})
        audit.record(session, actor, "meeting.post", group_id=meeting.group_id,
                     meeting=meeting.id, on=meeting.meeting_date, totals=totals)
        from models.meetings.drafts import clear_draft  # it imports this module

        clear_draft(session, meeting.id)  # the typed amounts are posted: the draft is spent
    return _row(session, meeting)


# ----- the summary -----------------------------------------------------------------------

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


def meeting_summary(session: Session, actor: User, meeting_id: int) -> MeetingSummary:
    meeting = _meeting(session, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    gid, on = meeting.group_id, meeting.meeting_date
    group = session.get(Group, gid)
    r = rules(session, gid, on)
    cells: dict[int, dict[str, int]] = {}
    for cell in session.scalars(select(MeetingCell).where(MeetingCell.meeting_id == meeting.id)):
        cells.setdefault(cell.member_id, {})[cell.column_key] = cell.amount
    columns = [GridColumn(c.key, c.label) for c in _columns(session, meeting)]
    known = {c.key for c in columns}
    columns += [GridColumn(k, k) for k in sorted({k for a in cells.values() for k in a} - known)]
    fines_charged = _fines_charged(session, gid, meeting.id)
    balances = {key: ledger.member_balances(session, gid, key, as_of=on)
                for key in ("member_savings", "fines_receivable", "loans_receivable")}
    roll = _roll_call(session, meeting.id)
    rows, counts = [], {status: 0 for status in savings.ATTENDANCE}
    for member in members_of(session, meeting):
        att = roll.get(member.id)
        status = att.status if att else savings.PRESENT
        counts[status] += 1
        saved = balances["member_savings"].get(member.id, 0)
        rows.append(SummaryRow(member.id, member.number, member.name_lao, status,
                               att.note if att else "", cells.get(member.id, {}),
                               fines_charged.get(member.id, 0), saved, r.shares(saved),
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
        gid, group.name, group.village, group.currency, _row(session, meeting), r.mode,
        r.share_price, tuple(columns), tuple(rows),
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
    day = (JournalEntry.meeting_id == meeting.id) | (JournalEntry.value_date == meeting.meeting_date)
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


def _fines_charged(session: Session, group_id: int, meeting_id: int) -> dict[int, int]:
    fines_id = chart.account_id(session, group_id, "fines_receivable")
    rows = session.execute(
        select(JournalLine.member_id, func.sum(JournalLine.amount)).join(JournalEntry)
        .where(JournalEntry.meeting_id == meeting_id, JournalEntry.kind == savings.KIND_FINE,
               JournalLine.account_id == fines_id)
        .group_by(JournalLine.member_id))
    return {member_id: int(total) for member_id, total in rows}
