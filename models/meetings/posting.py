"""Posting a meeting: the roll call (with what each roll-call hook does with it), then every
column's cells, then the draft is spent.

Every cell of every column is validated first and all problems are listed together; only
then does it post, column by column (the columns that can, ``MeetingColumn.batch``, as one
batch of entries through ``ledger.post_entries``: a few statements however many members
pay), inside a savepoint of the caller's transaction, so a
failure anywhere leaves nothing of the meeting behind.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import ValidationError
from models.core.permissions import Permission, require
from models.core.schema import User
from models.meetings.attendance import PRESENT, roll_call
from models.meetings.columns import BatchPart
from models.meetings.drafts import clear_draft
from models.meetings.grid import Cells, cell_context, column_problems, column_totals, columns_of
from models.meetings.meeting import (
    POSTED,
    MeetingRow,
    find_meeting,
    meeting_members,
    meeting_row,
    require_open,
)
from models.meetings.roll import attendance_problems, roll_call_hooks, store_attendance
from models.meetings.schema import MeetingCell


def post_meeting(session: Session, actor: User, *, meeting_id: int, cells: Cells,
                 attendance: Mapping[int, str] | None = None,
                 notes: Mapping[int, str] | None = None) -> MeetingRow:
    """Post the meeting: the roll call (with its fines), then every column's cells.

    Every cell of every column is validated first and all problems are raised together
    (``ValidationError``, its problems ``CellProblem`` where a cell is at fault); then all
    is posted in one savepoint, so a failure in any row leaves nothing."""
    meeting = find_meeting(session, meeting_id)
    require(session, actor, Permission.RECORD, meeting.group_id)
    require_open(meeting)
    attendance, notes = dict(attendance or {}), dict(notes or {})
    members = {m.id: m for m in meeting_members(session, meeting.group_id, meeting.meeting_date)}
    columns = columns_of(session, meeting)
    by_key = {c.key: c for c in columns}
    scratch: dict = {}  # shared by the columns' checks and posting (``CellContext``)
    with session.begin_nested():
        problems = attendance_problems(members, attendance, notes)
        if not problems:
            store_attendance(session, meeting, attendance, notes)
            problems = column_problems(session, meeting, members, by_key, cells, scratch)
        if problems:
            raise ValidationError(problems)
        roll = roll_call(session, meeting.id)
        marks = {m: roll[m].status if m in roll else PRESENT for m in members}
        for hook in roll_call_hooks():
            hook.post(session, actor, meeting, marks)
        kept: list[dict] = []
        parts: list[BatchPart] = []
        for column in columns:
            paid = [(m, cells[(m, column.key)]) for m in members if cells.get((m, column.key))]
            contexts = [(cell_context(meeting, m, scratch), a) for m, a in paid]
            part = column.batch(session, actor, contexts) \
                if column.batch is not None and contexts else None
            if part is not None:
                parts.append(part)
            elif paid:
                _post_parts(session, actor, meeting.group_id, parts)  # keep the column order
                if column.post_all is not None:
                    column.post_all(session, actor, contexts)
                else:
                    for ctx, amount in contexts:
                        column.post(session, actor, ctx, amount)
            kept += [{"meeting_id": meeting.id, "member_id": member_id,
                      "column_key": column.key, "amount": amount} for member_id, amount in paid]
        _post_parts(session, actor, meeting.group_id, parts)
        if kept:  # one statement for the whole grid
            session.connection().execute(insert(cast(Table, MeetingCell.__table__)), kept)
        meeting.status = POSTED
        meeting.posted_by = actor.id
        meeting.posted_at = clock.now()
        session.flush()
        totals = column_totals({k: v for k, v in cells.items() if v})
        audit.record(session, actor, "meeting.post", group_id=meeting.group_id,
                     meeting=meeting.id, on=meeting.meeting_date, totals=totals)
        clear_draft(session, meeting.id)  # the typed amounts are posted: the draft is spent
    return meeting_row(session, meeting)


def _post_parts(session: Session, actor: User, group_id: int, parts: list[BatchPart]) -> None:
    """The columns' parts waiting to be posted, as one batch; ``parts`` is emptied."""
    postings = [posting for part in parts for posting in part.postings]
    if not postings:
        parts.clear()
        return
    posted = ledger.post_entries(session, actor, group_id=group_id, postings=postings)
    start = 0
    for part in parts:
        part.finish(posted[start:start + len(part.postings)])
        start += len(part.postings)
    parts.clear()
