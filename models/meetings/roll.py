"""Recording the roll call of an open meeting, and what other capabilities do with it.

The screen records the marks as the treasurer makes them (``record_attendance``), then
refreshes the grid, whose expected amounts (no savings from an absent member, her fine)
follow from them. When the meeting is posted every ``RollCallHook`` acts on the marks in
the meeting's transaction (savings fine the late and the absent); the printed summary
reads back what each hook charged.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.meetings.attendance import ATTENDANCE, PRESENT
from models.meetings.meeting import find_meeting, meeting_members, require_open
from models.meetings.schema import Meeting, MeetingAttendance


@dataclass(frozen=True)
class RollCallHook:
    """``post(session, actor, meeting, marks)`` acts on every member's mark when the
    meeting is posted; ``charged(session, meeting)`` reads back what that charged each
    member at the meeting (her fine on the summary)."""

    post: Callable[[Session, User, Meeting, Mapping[int, str]], None]
    charged: Callable[[Session, Meeting], Mapping[int, int]]


_HOOKS: list[RollCallHook] = []


def register_roll_call(hook: RollCallHook) -> None:
    """The meetings capability's hook ``roll_call``."""
    if hook in _HOOKS:
        raise ValueError("roll-call hook registered twice")
    _HOOKS.append(hook)


def roll_call_hooks() -> tuple[RollCallHook, ...]:
    return tuple(_HOOKS)


def attendance_problems(members: Mapping[int, Member], attendance: Mapping[int, str],
                        notes: Mapping[int, str]) -> list[UserError]:
    problems = []
    for member_id, status in attendance.items():
        if member_id not in members:
            problems.append(UserError(N_("Member {member} is not in this meeting."),
                                      member=member_id))
        elif status not in ATTENDANCE:
            problems.append(UserError(N_("{member}: mark present, late, represented or "
                                         "absent."), member=members[member_id].name_lao))
    problems.extend(UserError(N_("Member {member} is not in this meeting."), member=member_id)
                    for member_id in notes if member_id not in members)
    return problems


def store_attendance(session: Session, meeting: Meeting, attendance: Mapping[int, str],
                     notes: Mapping[int, str]) -> None:
    """Write checked marks and notes (``attendance_problems`` found none)."""
    rows = {a.member_id: a for a in session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id))}
    for member_id in set(attendance) | set(notes):
        row = rows.get(member_id)
        if row is None:
            row = MeetingAttendance(meeting_id=meeting.id, member_id=member_id,
                                    status=PRESENT, note="")
            session.add(row)
        if member_id in attendance:
            row.status = attendance[member_id]
        if member_id in notes:
            row.note = (notes[member_id] or "").strip()
    session.flush()


def record_attendance(session: Session, actor: User, *, meeting_id: int,
                      attendance: Mapping[int, str],
                      notes: Mapping[int, str] | None = None) -> None:
    """Record the roll call (and notes) of an open meeting; members not named keep theirs."""
    meeting = find_meeting(session, meeting_id)
    require(session, actor, Permission.RECORD, meeting.group_id)
    require_open(meeting)
    members = {m.id: m for m in meeting_members(session, meeting.group_id, meeting.meeting_date)}
    problems = attendance_problems(members, attendance, notes or {})
    if problems:
        raise ValidationError(problems)
    store_attendance(session, meeting, attendance, notes or {})
    audit.record(session, actor, "meeting.attendance", group_id=meeting.group_id,
                 meeting=meeting.id, changed=sorted(attendance))
