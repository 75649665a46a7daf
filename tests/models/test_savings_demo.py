"""The demo's savings: two years of a tailors' group's meetings, its cash counts and a
share-out, all through the services, the same for the same seed."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from models.core import ledger, verify
from models.core.schema import JournalEntry
from models.demo import build_demo
from models.demo.activity_savings import ACTIVITY as SAVINGS
from models.demo.activity_shareout import ACTIVITY as SHAREOUT
from models.meetings.schema import CashCount, Meeting
from models.savings.schema import SavingsCycle, ShareOut


def build(db):
    return build_demo(db, seed=7, groups=1, years=2, today=dt.date(2026, 11, 20),
                      activities=[SAVINGS, SHAREOUT])


def test_two_years_of_meetings_with_a_share_out_and_a_whole_ledger(db):
    summary = build(db)
    with db.read() as s:
        assert s.scalar(select(func.count(Meeting.id)).where(Meeting.status == "posted")) == 24
        assert s.scalar(select(func.count(CashCount.id))) == 24
        assert s.scalar(select(func.count(ShareOut.id))) == 1
        cycles = s.execute(select(SavingsCycle.number, SavingsCycle.closed_on)
                           .order_by(SavingsCycle.number)).all()
        assert len(cycles) == 2 and cycles[0].closed_on is not None and cycles[1].closed_on is None
        gid = summary.groups[0].id
        assert ledger.balance(s, gid, "member_savings") > 0
        assert ledger.balance(s, gid, "fine_income") > 0
        kinds = set(s.scalars(select(JournalEntry.kind)))
        assert {"savings_deposit", "fine", "fine_payment", "expense", "share_out"} <= kinds
        assert verify.verify_database(s) == []


def test_the_same_seed_gives_the_same_savings(db, tmp_path):
    from models.core.migrate import open_database

    build(db)
    other = open_database(str(tmp_path / "again.sqlite3"))
    try:
        build(other)
        with db.read() as a, other.read() as b:
            assert ledger.trial_balance(a, 1) == ledger.trial_balance(b, 1)
            assert a.scalar(select(JournalEntry.hash).order_by(JournalEntry.id.desc())
                            .limit(1)) == b.scalar(select(JournalEntry.hash)
                                                   .order_by(JournalEntry.id.desc()).limit(1))
    finally:
        other.dispose()
