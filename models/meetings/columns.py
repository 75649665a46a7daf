"""The meeting grid's columns, contributed by each capability.

A meeting is one grid, one row per member; each capability (savings, loan repayments,
welfare contributions, NSSF pot deposits, fines) registers a ``MeetingColumn``. Posting a
meeting validates every cell of every column first (all problems listed at once), then
calls each column's ``post`` inside the one transaction of the meeting, so nothing is ever
half-recorded. A column may check and post all its cells at once (``validate_all``,
``post_all``), so a meeting costs the same few statements however many members it has.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models.core import ledger
from models.core.errors import UserError
from models.core.schema import User


@dataclass(frozen=True)
class CellContext:
    group_id: int
    member_id: int
    meeting_id: int | None
    on: dt.date
    # One posting of one meeting shares this dict between its columns' checks and their
    # posting, so a column reads what it needs once (``post_meeting`` gives it; ``None``
    # elsewhere). A column keeps there only what the other columns' posting cannot change.
    scratch: dict | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class BatchPart:
    """A column's share of the meeting's one batch of entries: its postings, and what it
    writes once they are posted (``finish`` gets their ``Posted``, in the same order)."""

    postings: list[ledger.Posting]
    finish: Callable[[list[ledger.Posted]], None]


def post_part(session: Session, actor: User, group_id: int, part: BatchPart) -> None:
    """Post one column's part on its own (its ``post_all``)."""
    part.finish(ledger.post_entries(session, actor, group_id=group_id, postings=part.postings))


@dataclass(frozen=True)
class MeetingColumn:
    key: str
    label: str  # N_() text, translated by the front end
    order: int
    # The amount to prefill (minor units; 0 where no rule defines one).
    expected: Callable[[Session, CellContext], int]
    # Problems with ``amount`` in this cell; an empty list when it is fine.
    validate: Callable[[Session, CellContext, int], list[UserError]]
    # Post the cell (amount > 0) in the caller's transaction, linking entries to the meeting.
    post: Callable[[Session, User, CellContext, int], None]
    # Shown only when the group uses the capability (e.g. a group without NSSF pooling).
    enabled: Callable[[Session, int, dt.date], bool] = lambda session, group_id, on: True
    # Optional: post every cell of the column at once (a batch through
    # ``ledger.post_entries``), as ``post`` would one by one; cells in member order.
    post_all: Callable[[Session, User, list[tuple[CellContext, int]]], None] | None = None
    # Optional: the problems of every cell of the column at once (cells in member order;
    # one list of problems per cell), as ``validate`` would find them one by one, reading
    # what the column needs once for the meeting.
    validate_all: Callable[[Session, list[tuple[CellContext, int]]],
                           list[list[UserError]]] | None = None
    # Optional: the column's cells as its part of the meeting's one batch (every column's
    # entries posted with one ``ledger.post_entries``, in column order), or ``None`` when
    # they must be posted on their own (``post_all``, or ``post`` cell by cell).
    batch: Callable[[Session, User, list[tuple[CellContext, int]]],
                    BatchPart | None] | None = None


_REGISTRY: dict[str, MeetingColumn] = {}


def register(column: MeetingColumn) -> None:
    """One capability's column (the meetings capability's hook ``meeting_columns``)."""
    if column.key in _REGISTRY:
        raise ValueError(f"meeting column {column.key} registered twice")
    _REGISTRY[column.key] = column


def columns(session: Session, group_id: int, on: dt.date) -> list[MeetingColumn]:
    """The enabled columns for a group on a date, in display order."""
    return sorted((c for c in _REGISTRY.values() if c.enabled(session, group_id, on)),
                  key=lambda c: c.order)
