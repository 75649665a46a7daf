"""Meetings: one per group per day, held in a cycle (``models.meetings.cycles``), open
while the treasurer records it and posted once. The list of a group's meetings is one
aggregate query, whatever their number.

The roll call is ``attendance.py`` and ``roll.py``, the grid ``grid.py``, posting
``posting.py`` and the printed summary ``summary.py``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from models.core import audit, clock
from models.core.errors import NotFound, UserError
from models.core.i18n import N_
from models.core.ledger import fmt_date
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.meetings import cycles
from models.meetings.attendance import ABSENT
from models.meetings.schema import Meeting, MeetingAttendance, MeetingCell

OPEN, POSTED = "open", "posted"


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


@dataclass(frozen=True)
class MeetingListRow:
    """One line of the meetings list; ``members``, ``came`` and ``received`` only for a
    posted meeting (None while it is open)."""

    meeting: MeetingRow
    members: int | None
    came: int | None
    received: int | None


def find_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting's record, or ``NotFound``; no permission is checked (callers do)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(N_("No such meeting."))
    return meeting


def require_open(meeting: Meeting) -> None:
    if meeting.status != OPEN:
        raise UserError(N_("The meeting of {date} is already posted; correct it by reversing "
                           "entries."), date=fmt_date(meeting.meeting_date))


def _on_day(meeting: type[Meeting] | Meeting):  # noqa: ANN202 - a SQL condition
    """Members of the meeting's group on its day: joined by then and not yet gone."""
    return and_(Member.group_id == meeting.group_id, Member.joined_on <= meeting.meeting_date,
                or_(Member.status == "active", Member.status_date > meeting.meeting_date))


def _list_query(group_id: int, meeting_id: int | None = None):  # noqa: ANN202
    """One statement: every meeting of the group (or one) with its place in its cycle, who
    posted it, how many members it shows, how many of them were absent, and what its grid
    took in."""
    m = aliased(Meeting)
    number = (select(func.count(m.id)).where(m.cycle_id == Meeting.cycle_id,
                                             m.meeting_date <= Meeting.meeting_date)
              .scalar_subquery())
    recorded = or_(
        exists().where(MeetingCell.meeting_id == Meeting.id, MeetingCell.member_id == Member.id),
        exists().where(MeetingAttendance.meeting_id == Meeting.id,
                       MeetingAttendance.member_id == Member.id))
    members = (select(func.count(Member.id))
               .where(or_(_on_day(Meeting), and_(Meeting.status == POSTED, recorded)))
               .scalar_subquery())
    absent = (select(func.count(MeetingAttendance.id))
              .where(MeetingAttendance.meeting_id == Meeting.id,
                     MeetingAttendance.status == ABSENT).scalar_subquery())
    received = (select(func.coalesce(func.sum(MeetingCell.amount), 0))
                .where(MeetingCell.meeting_id == Meeting.id).scalar_subquery())
    query = (select(Meeting.id, Meeting.group_id, Meeting.meeting_date, Meeting.cycle_id, number,
                    Meeting.status, Meeting.posted_at, User.username,
                    case((Meeting.status == POSTED, members)),
                    case((Meeting.status == POSTED, absent)),
                    case((Meeting.status == POSTED, received)))
             .outerjoin(User, User.id == Meeting.posted_by)
             .where(Meeting.group_id == group_id)
             .order_by(Meeting.meeting_date.desc()))
    if meeting_id is not None:
        query = query.where(Meeting.id == meeting_id)
    return query


def _list_rows(session: Session, group_id: int,
               meeting_id: int | None = None) -> list[MeetingListRow]:
    found = session.execute(_list_query(group_id, meeting_id)).all()
    numbers = cycles.keeper().numbers(session, {r.cycle_id for r in found}) if found else {}
    rows = []
    for (mid, gid, day, cycle_id, number, status, posted_at, posted_by,
         members, absent, received) in found:
        row = MeetingRow(mid, gid, day, numbers[cycle_id], number, status, posted_at, posted_by)
        if status == POSTED:
            rows.append(MeetingListRow(row, members, members - absent, int(received)))
        else:
            rows.append(MeetingListRow(row, None, None, None))
    return rows


def meeting_row(session: Session, meeting: Meeting) -> MeetingRow:
    """The meeting as the screens show it; no permission is checked (callers do). Its
    place in its cycle is counted as the list counts it, without the list's totals."""
    number = session.scalar(select(func.count(Meeting.id)).where(
        Meeting.cycle_id == meeting.cycle_id, Meeting.meeting_date <= meeting.meeting_date))
    posted_by = session.scalar(select(User.username).where(User.id == meeting.posted_by)) \
        if meeting.posted_by is not None else None
    return MeetingRow(meeting.id, meeting.group_id, meeting.meeting_date,
                      cycles.keeper().numbers(session, {meeting.cycle_id})[meeting.cycle_id],
                      number, meeting.status, meeting.posted_at, posted_by)


def open_meeting(session: Session, actor: User, *, group_id: int, on: dt.date) -> MeetingRow:
    """Open the group's meeting of ``on`` (one a day), in the cycle of that day."""
    require(session, actor, Permission.RECORD, group_id)
    if on > clock.today():
        raise UserError(N_("{date} is in the future."), date=fmt_date(on))
    if session.scalar(select(Meeting.id).where(Meeting.group_id == group_id,
                                               Meeting.meeting_date == on)):
        raise UserError(N_("There is already a meeting on {date}."), date=fmt_date(on))
    cycle_id = cycles.keeper().cycle_for(session, actor, group_id, on)
    meeting = Meeting(group_id=group_id, cycle_id=cycle_id, meeting_date=on, status=OPEN,
                      opened_by=actor.id, opened_at=clock.now())
    session.add(meeting)
    session.flush()
    audit.record(session, actor, "meeting.open", group_id=group_id, meeting=meeting.id, on=on)
    return meeting_row(session, meeting)


def get_meeting(session: Session, actor: User, meeting_id: int) -> MeetingRow:
    meeting = find_meeting(session, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    return meeting_row(session, meeting)


def meeting_list(session: Session, actor: User, group_id: int) -> list[MeetingListRow]:
    """The group's meetings, newest first, each posted one with how many members it shows,
    how many came (all but the absent) and what its grid took in. A fixed number of
    statements, however many meetings there are."""
    require(session, actor, Permission.READ, group_id)
    return _list_rows(session, group_id)


def list_meetings(session: Session, actor: User, group_id: int) -> list[MeetingRow]:
    """The group's meetings, newest first."""
    return [row.meeting for row in meeting_list(session, actor, group_id)]


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
