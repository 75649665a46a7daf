"""``verify`` on a big ledger: the chain is read as plain rows and hashed on the fly, the
file gets SQLite's quick check unless the full one is asked for, and the treasurer sees
how far the check is."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from models.core import ledger
from models.core.ledger import Line, Posting
from models.core.schema import JournalEntry, JournalLine
from models.core.verify import verify_database
from tests.statement_count import counting

DAY = dt.date(2026, 11, 1)


def fill(env, entries):
    with env.db.write() as s:
        ledger.post_entries(s, env.user(s, "treasurer"), group_id=env.group_id, postings=[
            Posting(DAY, "deposit", (Line("cash", 1_000 + i),
                                     Line("member_savings", -1_000 - i,
                                          member_id=env.member_ids[i % 3])))
            for i in range(entries)])


def test_the_check_says_how_far_it_is_and_holds_no_entry_objects(env):
    fill(env, 6_000)
    seen = []
    with env.db.snapshot() as s:
        assert verify_database(s, progress=lambda done, total: seen.append((done, total))) == []
        held = [o for o in s.identity_map.values() if isinstance(o, JournalEntry | JournalLine)]
    assert held == []
    assert len(seen) >= 3
    assert seen[-1] == (12_000, 12_000)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.sqlite_only
def test_quick_check_by_default_and_the_full_integrity_check_on_request(env):
    fill(env, 10)
    for full, pragma in ((False, "PRAGMA quick_check"), (True, "PRAGMA integrity_check")):
        with env.db.snapshot() as s, counting(env.db.engine) as sent:
            assert verify_database(s, full=full) == []
        assert pragma in sent.sql


@pytest.mark.sqlite_only
def test_the_stream_still_finds_a_changed_amount_and_a_missing_entry(env):
    fill(env, 30)
    with env.db.engine.begin() as c:
        c.execute(text("DROP TRIGGER journal_lines_no_update"))
        c.execute(text("UPDATE journal_lines SET amount = amount + 1 WHERE id = 7"))
        c.execute(text("DROP TRIGGER journal_lines_no_delete"))
        c.execute(text("DROP TRIGGER journal_entries_no_delete"))
        c.execute(text("DELETE FROM journal_lines WHERE entry_id = 20"))
        c.execute(text("DELETE FROM journal_entries WHERE id = 20"))
    with env.db.snapshot() as s:
        problems = [str(p) for p in verify_database(s)]
    assert any("entry 4 was changed" in p for p in problems)
    assert any("entry 4 does not balance" in p for p in problems)
    assert any("entry 20 is missing (found 21 next)" in p for p in problems)
    assert any("should end at entry 30 but ends at 29" in p for p in problems)
