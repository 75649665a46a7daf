"""The treasurer's dashboard: how a group is doing over time, and every group side by side.

Read-models only (frozen rows): the fund balances at each month's end (loan fund, welfare
fund, NSSF pots), loans outstanding and PAR30 at each month's end, who came to each
meeting, and what is expected at the next meeting. Balances come from a few grouped sums
of the journal, so they are the same numbers as ``ledger.fund_balance`` on those days.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, clock
from models.core.clock import add_months
from models.core.errors import NotFound, UserError
from models.core.groups import visible_groups
from models.core.i18n import N_
from models.core.money import Currency, currency
from models.core.permissions import Permission, require
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, User
from models.core.seal import format_seal
from models.core.verify import office_copies
from models.loans import arrears
from models.meetings.columns import CellContext, columns
from models.meetings.schema import Meeting, MeetingAttendance

MONTHS = 12
MAX_MONTHS = 120  # ten years of pictures: more is a typing slip, not a question
FREQUENCY_DAYS = {"weekly": 7, "fortnightly": 14}


@dataclass(frozen=True)
class FundPoint:
    on: dt.date  # a month's last day (today for the running month)
    loan_fund: int
    welfare_fund: int
    nssf: int


@dataclass(frozen=True)
class LoanPoint:
    on: dt.date
    loans: int
    outstanding: int
    par30: Decimal  # percent


@dataclass(frozen=True)
class AttendancePoint:
    meeting_date: dt.date
    came: int
    members: int


@dataclass(frozen=True)
class ExpectedLine:
    label: str  # N_() text of the meeting column
    amount: int
    members: int  # members expected to pay something


@dataclass(frozen=True)
class NextMeeting:
    on: dt.date
    members: int
    expected: tuple[ExpectedLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.expected)


@dataclass(frozen=True)
class GroupDashboard:
    group_id: int
    name: str
    currency: Currency
    funds: tuple[FundPoint, ...]
    loans: tuple[LoanPoint, ...]
    attendance: tuple[AttendancePoint, ...]
    next_meeting: NextMeeting


def month_ends(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The last day of each of the ``months`` months up to today's (today for this one)."""
    first = today.replace(day=1)
    ends = []
    for back in range(months - 1, 0, -1):
        ends.append(add_months(first, -back + 1) - dt.timedelta(days=1))
    ends.append(today)
    return ends


def _fund_history(session: Session, group_id: int, days: list[dt.date]) -> list[FundPoint]:
    rows = session.execute(
        select(JournalEntry.value_date, Account.fund, func.sum(JournalLine.amount))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalEntry.group_id == group_id, Account.group_id == group_id,
               Account.fund.is_not(None), Account.kind != chart.ASSET,
               JournalEntry.value_date <= days[-1])
        .group_by(JournalEntry.value_date, Account.fund)
        .order_by(JournalEntry.value_date)).all()
    totals: dict[str, int] = defaultdict(int)
    points, index = [], 0
    for day in days:
        while index < len(rows) and rows[index][0] <= day:
            _date, fund, amount = rows[index]
            totals[fund] -= int(amount)
            index += 1
        points.append(FundPoint(day, totals[chart.LOAN_FUND], totals[chart.WELFARE_FUND],
                                totals[chart.NSSF_FUND]))
    return points


def _loan_history(session: Session, actor: User, group_id: int,
                  days: list[dt.date]) -> list[LoanPoint]:
    points = []
    for day in days:
        rows = arrears.loan_arrears(session, actor, group_id=group_id, on=day)
        risk = arrears.portfolio_at_risk(rows, day)
        points.append(LoanPoint(day, risk.loans, risk.outstanding, risk.ratio(30)))
    return points


def _members_on(people: list[tuple[dt.date, str, dt.date | None]], day: dt.date) -> int:
    return sum(1 for joined, status, left in people
               if joined <= day and (status == "active" or (left is not None and left > day)))


def _attendance(session: Session, group_id: int, since: dt.date,
                people: list[tuple[dt.date, str, dt.date | None]]) -> list[AttendancePoint]:
    meetings = session.execute(
        select(Meeting.id, Meeting.meeting_date)
        .where(Meeting.group_id == group_id, Meeting.status == "posted",
               Meeting.meeting_date >= since)
        .order_by(Meeting.meeting_date)).all()
    absent = dict(session.execute(
        select(MeetingAttendance.meeting_id, func.count(MeetingAttendance.id))
        .where(MeetingAttendance.meeting_id.in_([m for m, _d in meetings]),
               MeetingAttendance.status == "absent")
        .group_by(MeetingAttendance.meeting_id)).all())
    points = []
    for meeting_id, day in meetings:
        everyone = _members_on(people, day)
        points.append(AttendancePoint(day, everyone - absent.get(meeting_id, 0), everyone))
    return points


def next_meeting_date(session: Session, group: Group, today: dt.date) -> dt.date:
    """The day after the last meeting by the group's rhythm (today when it is overdue or
    the group has never met)."""
    last = session.scalar(select(func.max(Meeting.meeting_date))
                          .where(Meeting.group_id == group.id))
    if last is None:
        return today
    days = FREQUENCY_DAYS.get(group.meeting_frequency)
    following = last + dt.timedelta(days=days) if days else add_months(last, 1)
    return max(following, today)


def _next_meeting(session: Session, group: Group, today: dt.date) -> NextMeeting:
    on = next_meeting_date(session, group, today)
    member_ids = session.scalars(select(Member.id).where(
        Member.group_id == group.id, Member.status == "active", Member.joined_on <= on)
        .order_by(Member.number)).all()
    lines = []
    for column in columns(session, group.id, on):
        amounts = [column.expected(session, CellContext(group.id, m, None, on))
                   for m in member_ids]
        lines.append(ExpectedLine(column.label, sum(amounts), sum(1 for a in amounts if a)))
    return NextMeeting(on, len(member_ids), tuple(lines))


def group_dashboard(session: Session, actor: User, group_id: int, *,
                    months: int = MONTHS) -> GroupDashboard:
    """The group's pictures over the last ``months`` months (1 to ``MAX_MONTHS``), and the
    next meeting."""
    require(session, actor, Permission.READ, group_id)
    if isinstance(months, bool) or not isinstance(months, int) or \
            not 1 <= months <= MAX_MONTHS:
        raise UserError(N_("The dashboard shows from 1 to {most} months."), most=MAX_MONTHS)
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No such group."))
    today = clock.today()
    days = month_ends(today, months)
    people = [(joined, status, since) for joined, status, since in session.execute(
        select(Member.joined_on, Member.status, Member.status_date)
        .where(Member.group_id == group_id)).all()]
    return GroupDashboard(
        group.id, group.name, currency(group.currency),
        tuple(_fund_history(session, group_id, days)),
        tuple(_loan_history(session, actor, group_id, days)),
        tuple(_attendance(session, group_id, add_months(today.replace(day=1), -months + 1),
                          people)),
        _next_meeting(session, group, today))


@dataclass(frozen=True)
class GroupSummaryRow:
    group_id: int | None  # None: the total line
    name: str
    currency: Currency | None  # None: a total of groups keeping different currencies
    members: int
    savings: int
    loan_fund: int
    welfare_fund: int
    nssf: int
    loans_outstanding: int
    at_risk30: int
    last_meeting: dt.date | None
    came: int
    expected_members: int
    seal: str = ""  # the group's ledger seal (models.core.seal.format_seal); "" on the total
    from_village: bool = False  # an office's copy of a village laptop's ledger (no schedules)

    @property
    def par30(self) -> Decimal:
        if not self.loans_outstanding:
            return Decimal("0.00")
        return (Decimal(100) * self.at_risk30 / self.loans_outstanding).quantize(Decimal("0.01"))


TOTAL = N_("All groups")


def federation_summary(session: Session, actor: User) -> list[GroupSummaryRow]:
    """One line per group the user may see, with the key figures, and a total line last
    (``group_id`` None). Sums per group and fund come from one grouped query."""
    groups = visible_groups(session, actor)
    ids = [g.id for g in groups]
    funds: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group_id, fund, key, kind, amount in session.execute(
            select(Account.group_id, Account.fund, Account.key, Account.kind,
                   func.sum(JournalLine.amount))
            .join(Account, Account.id == JournalLine.account_id)
            .where(Account.group_id.in_(ids))
            .group_by(Account.id)):
        amount = int(amount)
        if fund and kind != chart.ASSET:
            funds[group_id][fund] -= amount
        if key in ("member_savings", "loans_receivable"):
            funds[group_id][key] += chart.normal_sign(kind) * amount
    last_meetings = {gid: (mid, day) for gid, mid, day in session.execute(
        select(Meeting.group_id, Meeting.id, Meeting.meeting_date)
        .where(Meeting.group_id.in_(ids), Meeting.status == "posted")
        .order_by(Meeting.meeting_date))}
    absent = dict(session.execute(
        select(MeetingAttendance.meeting_id, func.count(MeetingAttendance.id))
        .where(MeetingAttendance.meeting_id.in_([m for m, _d in last_meetings.values()]),
               MeetingAttendance.status == "absent")
        .group_by(MeetingAttendance.meeting_id)).all())
    people: dict[int, list] = defaultdict(list)
    for group_id, joined, status, left in session.execute(
            select(Member.group_id, Member.joined_on, Member.status, Member.status_date)
            .where(Member.group_id.in_(ids))):
        people[group_id].append((joined, status, left))
    today = clock.today()
    copies = office_copies(session)
    heads = dict(session.execute(select(Group.id, Group.head_hash).where(Group.id.in_(ids))).all())
    rows = []
    for g in groups:
        f = funds[g.id]
        risk = arrears.portfolio_at_risk(
            arrears.loan_arrears(session, actor, group_id=g.id, on=today), today)
        meeting_id, day = last_meetings.get(g.id, (None, None))
        everyone = _members_on(people[g.id], day) if day else 0
        from_village = g.id in copies
        # A village's copy holds its ledger, not its schedules: loans outstanding from the
        # ledger, and no PAR (the laptop knows which installments are late).
        outstanding = f["loans_receivable"] if from_village else risk.outstanding
        rows.append(GroupSummaryRow(
            g.id, g.name, currency(g.currency), g.active_members, f["member_savings"],
            f[chart.LOAN_FUND],
            f[chart.WELFARE_FUND], f[chart.NSSF_FUND], outstanding,
            0 if from_village else risk.at_risk[30],
            day, everyone - absent.get(meeting_id, 0) if day else 0, everyone,
            format_seal(heads.get(g.id)), from_village))
    kept = {r.currency for r in rows}
    rows.append(GroupSummaryRow(
        None, TOTAL, kept.pop() if len(kept) == 1 else None, sum(r.members for r in rows),
        sum(r.savings for r in rows),
        sum(r.loan_fund for r in rows), sum(r.welfare_fund for r in rows),
        sum(r.nssf for r in rows), sum(r.loans_outstanding for r in rows),
        sum(r.at_risk30 for r in rows), max((r.last_meeting for r in rows if r.last_meeting),
                                            default=None),
        sum(r.came for r in rows), sum(r.expected_members for r in rows)))
    return rows
