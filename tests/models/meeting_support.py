"""The next meeting of a demo group, prefilled as a treasurer finds its grid (savings,
loan repayments, fines, welfare) with a pot deposit from everyone where the group pools
NSSF contributions; for the meeting-posting tests and benchmark."""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from models.core.db import Database, sqlite_url
from models.core.schema import Group, User
from models.meetings import columns as meeting_columns
from models.meetings import meeting as meetings
from models.meetings.attendance import ABSENT
from models.meetings.grid import Cells, meeting_grid
from models.meetings.posting import post_meeting

MEETING_DAY = dt.date(2026, 11, 20)  # conftest's TODAY: the demo's meetings all came before
POT_DEPOSIT = 50_000


def copy_of(demo: Path, folder: Path, name: str) -> Database:
    path = folder / f"{name}.sqlite3"
    shutil.copy(demo, path)
    return Database(sqlite_url(path))


def group_id_of(database: Database, index: int) -> int:
    """The demo's ``index``-th group (3: the vegetable farmers, 23 members)."""
    with database.read() as s:
        return s.scalars(select(Group.id).order_by(Group.id)).all()[index]


def open_next_meeting(database: Database, group_id: int) -> tuple[int, dict[tuple[int, str], int]]:
    """Open the group's meeting of ``MEETING_DAY``; its id and the grid as prefilled."""
    with database.write() as s:
        treasurer = treasurer_of(s)
        meeting = meetings.open_meeting(s, treasurer, group_id=group_id, on=MEETING_DAY)
        grid = meeting_grid(s, treasurer, meeting.id)
        cells = grid.expected_cells()
        if any(c.key == "nssf_pot" for c in grid.columns):
            cells.update({(row.member_id, "nssf_pot"): POT_DEPOSIT for row in grid.rows
                          if row.attendance != ABSENT})
    return meeting.id, cells


def treasurer_of(session) -> User:  # noqa: ANN001
    return session.scalar(select(User).where(User.username == "treasurer"))


def post(database: Database, meeting_id: int, cells: Cells) -> None:
    with database.write() as s:
        post_meeting(s, treasurer_of(s), meeting_id=meeting_id, cells=cells)


@contextmanager
def one_cell_at_a_time() -> Iterator[None]:
    """Every column checks and posts cell by cell (``validate``, ``post``), as before the
    columns could take a whole meeting at once."""
    saved = dict(meeting_columns._REGISTRY)
    meeting_columns._REGISTRY.update({
        key: dataclasses.replace(column, post_all=None, validate_all=None, batch=None)
        for key, column in saved.items()})
    try:
        yield
    finally:
        meeting_columns._REGISTRY.clear()
        meeting_columns._REGISTRY.update(saved)
