"""A meeting's savings column goes to the ledger as one batch: a meeting of twenty-three
members sends the same few statements for their deposits as one of three would, and the
deposits read exactly as deposits made one by one."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models.core import members
from models.core.schema import AuditEvent, JournalEntry
from models.meetings import meeting as meetings
from models.meetings import posting as meetings_posting
from tests.statement_count import counting

DAY = dt.date(2026, 10, 5)


def add_members(env, count):
    with env.db.write() as s:
        admin = env.user(s, "admin")
        for n in range(count):
            members.add_member(s, admin, group_id=env.group_id, details=members.MemberDetails(
                name_lao=f"ນາງ {n}", gender="f", joined_on=dt.date(2025, 1, 5)))


def savings_inserts(env, on):
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        meeting = meetings.open_meeting(s, treasurer, group_id=env.group_id, on=on)
        everyone = [m.id for m in meetings.meeting_members(s, env.group_id, on)]
        with counting(env.db.engine) as seen:
            meetings_posting.post_meeting(s, treasurer, meeting_id=meeting.id,
                                  cells={(m, "savings"): 20_000 for m in everyone})
    return sum(1 for q in seen.sql if q.startswith("INSERT INTO journal_entries")), everyone


def test_twenty_three_deposits_are_one_insert_and_each_is_audited(env):
    few, three = savings_inserts(env, DAY)
    add_members(env, 20)
    many, everyone = savings_inserts(env, DAY + dt.timedelta(days=7))
    assert (few, many, len(three), len(everyone)) == (1, 1, 3, 23)
    with env.db.read() as s:
        deposits = s.execute(select(JournalEntry.seq, JournalEntry.meeting_id)
                             .where(JournalEntry.kind == "savings_deposit")
                             .order_by(JournalEntry.seq)).all()
        audited = s.scalars(select(AuditEvent.detail)
                            .where(AuditEvent.action == "savings.deposit")).all()
    assert len(deposits) == 26 and len({m for _s, m in deposits}) == 2
    assert sorted(d["entry"] for d in audited) == [seq for seq, _m in deposits]
