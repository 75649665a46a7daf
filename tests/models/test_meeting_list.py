"""The meetings list a treasurer opens: every meeting of the group, newest first, each posted
one with how many members it shows, how many came and what it took in, the same as its grid
says; read in a fixed number of SQL statements however many meetings the group has held."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from sqlalchemy import event

from models.core import members
from models.meetings import grid as meeting_grids
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings.attendance import ABSENT


def hold_meetings(env, days, *, post=True):  # noqa: ANN001, ANN201
    keo, bua, som = env.member_ids
    ids = []
    for day in days:
        with env.db.write() as s:
            treasurer = env.user(s, "treasurer")
            meeting = meetings.open_meeting(s, treasurer, group_id=env.group_id, on=day)
            if post:
                meeting_posting.post_meeting(
                    s, treasurer, meeting_id=meeting.id,
                    cells={(keo, "savings"): 20_000, (som, "savings"): 10_000},
                    attendance={bua: ABSENT})
            ids.append(meeting.id)
    return ids


@contextmanager
def counted(env):  # noqa: ANN001, ANN201
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(env.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(env.db.engine, "before_cursor_execute", count)


def read_list(env):  # noqa: ANN001, ANN201
    with env.db.read() as s:
        return meetings.meeting_list(s, env.user(s, "auditor"), env.group_id)


def statements_for_list(env) -> tuple[int, int]:  # noqa: ANN001
    """Statements the screen's list and the plain list of meetings each take."""
    counts = []
    for read in (meetings.meeting_list, meetings.list_meetings):
        with env.db.read() as s:
            auditor = env.user(s, "auditor")
            with counted(env) as statements:
                read(s, auditor, env.group_id)
        counts.append(len(statements))
    return counts[0], counts[1]


def test_the_list_shows_who_came_and_what_each_posted_meeting_took_in(env):
    first, second = hold_meetings(env, [dt.date(2026, 9, 7), dt.date(2026, 10, 5)])
    [today] = hold_meetings(env, [dt.date(2026, 11, 2)], post=False)
    rows = read_list(env)
    assert [r.meeting.id for r in rows] == [today, second, first]
    assert [(r.meeting.number, r.meeting.cycle_number, r.meeting.status) for r in rows] == [
        (3, 1, "open"), (2, 1, "posted"), (1, 1, "posted")]
    # Bua stayed away: two of three came, and 30,000 was saved at each posted meeting.
    assert [(r.members, r.came, r.received) for r in rows] == [
        (None, None, None), (3, 2, 30_000), (3, 2, 30_000)]
    assert rows[1].meeting.posted_by == "treasurer"
    with env.db.read() as s:
        grid = meeting_grids.meeting_grid(s, env.user(s, "auditor"), second)
    assert rows[1].members == len(grid.rows)
    assert rows[1].came == sum(1 for r in grid.rows if r.attendance != ABSENT)
    assert rows[1].received == sum(sum(r.posted.values()) for r in grid.rows)


def test_a_member_who_left_since_still_counts_at_the_meetings_she_came_to(env):
    [posted] = hold_meetings(env, [dt.date(2026, 9, 7)])
    som = env.member_ids[2]
    with env.db.write() as s:
        members.set_status(s, env.user(s, "admin"), member_id=som, status="left",
                           on=dt.date(2026, 10, 1))
    [later] = hold_meetings(env, [dt.date(2026, 10, 5)], post=False)
    rows = {r.meeting.id: r for r in read_list(env)}
    # She paid 10,000 at the September meeting: it still shows her, and its money.
    assert (rows[posted].members, rows[posted].came, rows[posted].received) == (3, 2, 30_000)
    with env.db.read() as s:
        grid = meeting_grids.meeting_grid(s, env.user(s, "auditor"), later)
    assert len(grid.rows) == 2


def test_the_list_is_read_in_the_same_few_statements_for_two_meetings_or_twelve(env):
    hold_meetings(env, [dt.date(2026, 1, 5), dt.date(2026, 2, 2)])
    with_two = statements_for_list(env)
    hold_meetings(env, [dt.date(2026, month, 2) for month in range(3, 12)])
    hold_meetings(env, [dt.date(2026, 11, 16)], post=False)
    assert len(read_list(env)) == 12
    assert statements_for_list(env) == with_two
    assert max(with_two) <= 6, with_two
