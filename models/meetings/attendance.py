"""The marks of a meeting's roll call, and reading a member's mark back.

A member without a mark counts as present. Someone who pays for a member who stayed away
is marked as representing her (so an absent member's row takes no money).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.i18n import N_
from models.meetings.schema import MeetingAttendance

PRESENT, LATE, REPRESENTED, ABSENT = "present", "late", "represented", "absent"
ATTENDANCE = (PRESENT, LATE, REPRESENTED, ABSENT)
ATTENDANCE_NAMES = {PRESENT: N_("Present"), LATE: N_("Came late"),
                    REPRESENTED: N_("Represented"), ABSENT: N_("Absent")}


def attendance_status(session: Session, meeting_id: int | None, member_id: int) -> str:
    """The member's recorded mark at a meeting (present when none was recorded)."""
    if meeting_id is None:
        return PRESENT
    return session.scalar(select(MeetingAttendance.status)
                          .where(MeetingAttendance.meeting_id == meeting_id,
                                 MeetingAttendance.member_id == member_id)) or PRESENT


def roll_call(session: Session, meeting_id: int) -> dict[int, MeetingAttendance]:
    """The meeting's marks (and notes) by member."""
    return {a.member_id: a for a in session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id))}
