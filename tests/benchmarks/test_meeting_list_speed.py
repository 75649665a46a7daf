"""How fast the meetings list opens on the demo ledger (five groups, two years of monthly
meetings): each group's list read the way the meetings screen reads it, with the SQL
statements it takes. Before it was one query, the screen built every posted meeting's
whole grid (issue 15 measured 3,617 statements on a big ledger).

Prints its figures; asserts nothing about time (run with `make bench`)."""
from __future__ import annotations

import statistics
import time

import pytest
from sqlalchemy import event, select

from models.core.migrate import open_database
from models.core.schema import Group, User
from models.meetings import meeting as meetings

pytestmark = pytest.mark.benchmark


def test_the_meetings_list_of_every_demo_group(demo_ledger):
    database = open_database(str(demo_ledger))
    count = [0]
    event.listen(database.engine, "before_cursor_execute",
                 lambda *a: count.__setitem__(0, count[0] + 1))
    try:
        with database.read() as s:
            actor = s.scalar(select(User).where(User.username == "admin"))
            for group in s.scalars(select(Group).order_by(Group.id)).all():
                times, statements, rows = [], 0, []
                for _ in range(5):
                    before = count[0]
                    began = time.perf_counter()
                    rows = meetings.meeting_list(s, actor, group.id)
                    times.append(time.perf_counter() - began)
                    statements = count[0] - before
                print(f"\nmeetings list of group {group.id}: {len(rows)} meetings in "
                      f"{statistics.median(times) * 1000:.1f} ms (median of 5), "
                      f"{statements} statements")
    finally:
        database.dispose()
