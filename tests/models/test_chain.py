"""The hash chain catches an altered amount, a deleted entry and a reordered entry."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from models.core import ledger
from models.core.ledger import Line
from models.core.verify import verify_database

pytestmark = pytest.mark.sqlite_only  # tampers through sqlite3; test_postgres: the server's guards


def post_three(env):
    with env.db.write() as s:
        for i, amount in enumerate((10_000, 20_000, 30_000)):
            ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id,
                              value_date=dt.date(2026, 11, 1 + i), kind="deposit",
                              lines=[Line("cash", amount),
                                     Line("member_savings", -amount, member_id=env.member_ids[i])])


def tamper(env, *statements):
    env.db.dispose()
    con = sqlite3.connect(env.db.path)
    for table in ("journal_entries", "journal_lines"):
        con.execute(f"DROP TRIGGER {table}_no_update")
        con.execute(f"DROP TRIGGER {table}_no_delete")
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()


def problems(env):
    with env.db.read() as s:
        return [str(p) for p in verify_database(s)]


def test_an_untouched_ledger_verifies(env):
    post_three(env)
    assert problems(env) == []


def test_an_altered_amount_is_named(env):
    post_three(env)
    tamper(env, "UPDATE journal_lines SET amount = amount * 10 WHERE line_no = 1 AND entry_id = "
                "(SELECT id FROM journal_entries WHERE seq = 2)")
    found = problems(env)
    assert any("entry 2 was changed after it was posted" in p for p in found), found
    assert any("entry 2 does not balance" in p for p in found)


def test_a_balanced_alteration_is_still_caught_by_the_hash(env):
    post_three(env)
    tamper(env, "UPDATE journal_lines SET amount = -amount WHERE entry_id = "
                "(SELECT id FROM journal_entries WHERE seq = 1)")
    found = problems(env)
    assert any("entry 1 was changed" in p for p in found), found
    assert not any("does not balance" in p for p in found)


def test_a_deleted_entry_is_named(env):
    post_three(env)
    tamper(env, "DELETE FROM journal_lines "
                "WHERE entry_id = (SELECT id FROM journal_entries WHERE seq = 2)",
           "DELETE FROM journal_entries WHERE seq = 2")
    found = problems(env)
    assert any("entry 2 is missing" in p for p in found), found


def test_deleting_the_newest_entry_is_caught_by_the_stored_head(env):
    post_three(env)
    tamper(env, "DELETE FROM journal_lines "
                "WHERE entry_id = (SELECT id FROM journal_entries WHERE seq = 3)",
           "DELETE FROM journal_entries WHERE seq = 3")
    found = problems(env)
    assert any("should end at entry 3 but ends at 2" in p for p in found), found


def test_a_reordered_entry_is_named(env):
    post_three(env)
    tamper(env, "UPDATE journal_entries SET seq = 99 WHERE seq = 1",
           "UPDATE journal_entries SET seq = 1 WHERE seq = 2",
           "UPDATE journal_entries SET seq = 2 WHERE seq = 99")
    found = problems(env)
    assert any("entry 1 does not link" in p or "entry 1 was changed" in p for p in found), found
    assert any("entry 2" in p for p in found)


def test_removing_the_guards_is_reported(env):
    post_three(env)
    tamper(env)
    found = problems(env)
    assert any("journal_entries append-only was removed" in p for p in found), found
