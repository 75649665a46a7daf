"""The draft of an open meeting: the amounts the treasurer typed into the grid, kept as
she types them, so a power cut or a crash in the middle of a meeting loses none of them.

The screen saves each cell as it changes (``save_draft_cells``, one small transaction)
and, when the meeting is shown again, puts the drafted amounts back over the expected
ones (``draft_cells``). A cell holds what was typed (0 where she emptied it); a cell put
back to its expected amount has no draft. Posting the meeting deletes its draft in the
posting's own transaction (``models.meetings.posting.post_meeting`` calls ``clear_draft``).

Drafts are scratch, not the ledger: nothing here is posted, and amounts are only checked
for what the table can hold (a whole, non-negative number of minor units in a known cell);
whether they may be posted is checked by the grid as it is typed and by the posting.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from models.core import audit, clock
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_
from models.core.ledger import fmt_date
from models.core.permissions import Permission, require
from models.core.schema import User
from models.meetings import columns as meeting_columns
from models.meetings import meeting as meetings
from models.meetings.grid import cell_problems
from models.meetings.schema import MeetingDraftCell

Cell = tuple[int, str]  # (member id, column key)


def _problems(session: Session, meeting: meetings.MeetingRow,
              cells: Mapping[Cell, int | None]) -> list[UserError]:
    """The posting's own shape checks (member, column, a whole amount that fits); whether
    the amount could be posted is left to the grid and to posting."""
    members = {m.id: m for m in meetings.meeting_members(session, meeting.group_id,
                                                         meeting.meeting_date)}
    columns = {c.key: c for c in meeting_columns.columns(session, meeting.group_id,
                                                         meeting.meeting_date)}
    # A cell being forgotten (None) needs only a member and a column that exist.
    shaped = {cell: 0 if amount is None else amount for cell, amount in cells.items()}
    return cell_problems(members, columns, shaped)


def _stored(session: Session, meeting_id: int) -> dict[Cell, MeetingDraftCell]:
    return {(row.member_id, row.column_key): row for row in session.scalars(
        select(MeetingDraftCell).where(MeetingDraftCell.meeting_id == meeting_id))}


def save_draft_cells(session: Session, actor: User, *, meeting_id: int,
                     cells: Mapping[Cell, int | None]) -> None:
    """Keep the typed amounts of an open meeting: each ``(member id, column key)`` given
    is set to its amount, or removed where the amount is ``None`` (the cell shows its
    expected amount again). Cells not named keep their draft. Every problem is listed
    at once and nothing is saved when there is one."""
    meeting = meetings.get_meeting(session, actor, meeting_id)
    require(session, actor, Permission.RECORD, meeting.group_id)
    if meeting.is_posted:
        raise UserError(N_("The meeting of {date} is already posted; correct it by reversing "
                           "entries."), date=fmt_date(meeting.meeting_date))
    problems = _problems(session, meeting, cells)
    if problems:
        raise ValidationError(problems)
    stored = _stored(session, meeting_id)
    now = clock.now()
    for (member_id, key), amount in cells.items():
        row = stored.get((member_id, key))
        if amount is None:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            session.add(MeetingDraftCell(meeting_id=meeting_id, member_id=member_id,
                                         column_key=key, amount=amount, updated_at=now,
                                         updated_by=actor.id))
        else:
            row.amount, row.updated_at, row.updated_by = amount, now, actor.id
    session.flush()
    audit.record(session, actor, "meeting.draft", group_id=meeting.group_id,
                 meeting=meeting_id,
                 cells=[[member_id, key, amount] for (member_id, key), amount
                        in sorted(cells.items(), key=lambda item: item[0])])


def draft_cells(session: Session, actor: User, meeting_id: int) -> dict[Cell, int]:
    """The meeting's drafted amounts by ``(member id, column key)`` (empty when none)."""
    meeting = meetings.get_meeting(session, actor, meeting_id)
    require(session, actor, Permission.READ, meeting.group_id)
    return {cell: row.amount for cell, row in _stored(session, meeting_id).items()}


def discard_draft(session: Session, actor: User, *, meeting_id: int) -> int:
    """Forget every typed amount of the meeting (the grid shows the expected amounts
    again). Returns how many cells were forgotten."""
    meeting = meetings.get_meeting(session, actor, meeting_id)
    require(session, actor, Permission.RECORD, meeting.group_id)
    count = clear_draft(session, meeting_id)
    if count:
        audit.record(session, actor, "meeting.draft_discard", group_id=meeting.group_id,
                     meeting=meeting_id, cells=count)
    return count


def clear_draft(session: Session, meeting_id: int) -> int:
    """Delete the meeting's draft in the caller's transaction, without asking who may:
    for ``post_meeting``, which has checked that the actor may record. Returns how many
    cells were deleted."""
    result = cast(CursorResult[Any], session.execute(
        delete(MeetingDraftCell).where(MeetingDraftCell.meeting_id == meeting_id)))
    return result.rowcount or 0
