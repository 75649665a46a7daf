"""The daily check resumes from the last clean one: the treasurer's ledger is hashed only
from where yesterday's check left it. What that can and cannot hide, proven one tamper at a
time (docs/ARCHITECTURE.md, "Verify checkpoints")."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from models.core import clock, ledger
from models.core.checkpoints import FULL_EVERY, current_sums, record_checkpoints, sums_text
from models.core.ledger import Line, Posting
from models.core.migrate import append_only_sql
from models.core.schema import VerifyCheckpoint
from models.core.verify import verify_run
from models.core.verify_stream import chain_rows

DAY = dt.date(2026, 11, 1)
LINE = "(SELECT id FROM journal_lines ORDER BY id LIMIT 1 OFFSET {} - 1)"
ENTRY = "(SELECT id FROM journal_entries WHERE seq = {})"


def post(env, entries, *, start=0):
    with env.db.write() as s:
        ledger.post_entries(s, env.user(s, "treasurer"), group_id=env.group_id, postings=[
            Posting(DAY, "deposit", (Line("cash", 1_000 + i),
                                     Line("member_savings", -1_000 - i,
                                          member_id=env.member_ids[i % 3]),),
                    memo=f"deposit {i}")
            for i in range(start, start + entries)])


def check(env, *, full=False):
    """The day's check, as the command line runs it: verify, and after a clean one keep
    where it left each chain. Returns the run and the lines it read."""
    seen = []
    with env.db.snapshot() as s:
        run = verify_run(s, full=full, resume=not full,
                         progress=lambda done, total: seen.append(total))
    if not run.problems:
        with env.db.write() as s:
            record_checkpoints(s, env.user(s, "treasurer"),
                               heads={g: (h.seq, h.hash) for g, h in run.heads.items()},
                               sums=run.sums, full_checked=run.full_checked)
    return run, (seen[-1] if seen else 0)


def messages(run):
    return [str(p) for p in run.problems]


def tamper(env, *statements, **params):
    """Change the file behind the app's back, guards lifted and put back, so only what
    the statements did is left to find."""
    tables = ("journal_lines", "journal_entries", "verify_checkpoints")
    with env.db.engine.begin() as c:
        sqlite = c.dialect.name == "sqlite"
        for table in tables:
            if sqlite:
                for suffix in ("no_update", "no_delete"):
                    c.execute(text(f"DROP TRIGGER IF EXISTS {table}_{suffix}"))
            else:
                c.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
        for statement in statements:
            c.execute(text(statement), params)
        for table in tables:
            if sqlite:
                for statement in append_only_sql(table, "sqlite"):
                    c.execute(text(statement))
            else:
                c.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))


def test_the_next_check_reads_only_the_entries_posted_since_the_last_clean_one(env):
    post(env, 40)
    run, lines = check(env)
    assert run.problems == [] and run.resumed == {} and lines == 80
    post(env, 5, start=40)
    run, lines = check(env)
    assert run.problems == []
    assert run.resumed == {env.group_id: 40}
    assert lines == 10
    run, lines = check(env)  # nothing new: nothing hashed, still clean
    assert run.problems == [] and run.resumed == {env.group_id: 45} and lines == 0


def test_a_changed_entry_after_the_checkpoint_is_hashed_and_caught(env):
    post(env, 10)
    check(env)
    post(env, 5, start=10)
    with env.db.snapshot() as s:
        entry_id = s.execute(text("SELECT id FROM journal_entries WHERE seq = 13")).scalar()
    tamper(env, f"UPDATE journal_entries SET memo = 'x' WHERE id = {entry_id}")
    run, _ = check(env)
    assert any("entry 13 was changed after it was posted" in p for p in messages(run))


@pytest.mark.parametrize("change", [
    "UPDATE journal_lines SET amount = amount + 500 WHERE id = {third}",    # an amount
    "UPDATE journal_lines SET member_id = {other} WHERE id = {fourth}",     # another member
    "DELETE FROM journal_lines WHERE id = {fifth}",                         # a line removed
])
def test_a_line_changed_before_the_checkpoint_no_longer_adds_up(env, change):
    post(env, 10)
    check(env)
    post(env, 2, start=10)
    tamper(env, change.format(other=env.member_ids[2], third=LINE.format(3),
                              fourth=LINE.format(4), fifth=LINE.format(5)))
    run, _ = check(env)
    assert run.resumed == {env.group_id: 10}  # only the new entries were hashed
    assert any("the lines up to entry 10 no longer add up to what the last check counted"
               in p for p in messages(run))


def test_a_deleted_entry_before_the_checkpoint_is_caught(env):
    post(env, 10)
    check(env)
    tamper(env, f"DELETE FROM journal_lines WHERE entry_id = {ENTRY.format(4)}",
           f"DELETE FROM journal_entries WHERE id = {ENTRY.format(4)}")
    found = messages(check(env)[0])
    assert any("should end at entry 10 but ends at 9" in p for p in found)
    assert any("no longer add up" in p for p in found)


def test_a_checkpoint_edited_by_hand_is_not_trusted_and_the_whole_ledger_is_checked(env):
    post(env, 10)
    check(env)
    # Hide a changed amount: edit the line, then make the checkpoint agree with it.
    tamper(env, f"UPDATE journal_lines SET amount = amount + 500 WHERE id = {LINE.format(3)}")
    with env.db.read() as s:
        agreeing = sums_text(current_sums(s, [env.group_id])[env.group_id])
    tamper(env, "UPDATE verify_checkpoints SET sums = :sums", sums=agreeing)
    run, lines = check(env)
    found = messages(run)
    assert run.resumed == {} and lines == 20
    assert any("record of the last check (entry 10) was changed by hand" in p for p in found)
    assert any("entry 2 was changed after it was posted" in p for p in found)


def test_a_re_chained_ledger_does_not_end_at_the_checkpoints_entry(env):
    post(env, 10)
    check(env)
    post(env, 3, start=10)
    # Someone changes entry 5 and re-computes every hash after it, head included.
    with env.db.snapshot() as s:
        rows = list(chain_rows(s, groups=[env.group_id]))
    updates, prev = [], None
    for gid, seq, lines, _stored_prev, stored_hash, fields in rows:
        fields = list(fields)
        if seq == 5:
            fields[4] = "changed"
        digest = ledger.hash_fields(gid, seq, *fields, lines, prev) if seq >= 5 else stored_hash
        if seq >= 5:
            updates.append(f"UPDATE journal_entries SET memo = '{fields[4]}', "
                           f"prev_hash = '{prev}', hash = '{digest}' "
                           f"WHERE group_id = {gid} AND seq = {seq}")
        prev = digest
    tamper(env, *updates, f"UPDATE groups SET head_hash = '{prev}' WHERE id = {env.group_id}")
    found = messages(check(env)[0])
    assert any("entry 10 is not the one the last check saw" in p for p in found)


def test_what_a_checkpoint_cannot_see_and_the_weekly_full_check_that_does(env):
    """A memo changed before the checkpoint keeps every count and sum: the resumed check
    cannot see it (it does not hash those entries). The full check does, and once the
    last full check is a week old the daily check is a full one again."""
    start = dt.datetime(2026, 11, 2, 8, 0)
    clock.set_now(start)
    try:
        post(env, 10)
        check(env)
        tamper(env, "UPDATE journal_entries SET memo = 'changed' WHERE seq = 3")
        run, lines = check(env)
        assert run.problems == [] and lines == 0  # hidden from the resumed check
        assert any("entry 3 was changed" in p for p in messages(check(env, full=True)[0]))
        clock.set_now(start + FULL_EVERY + dt.timedelta(minutes=1))
        run, lines = check(env)
        assert run.resumed == {} and lines == 20
        assert any("entry 3 was changed" in p for p in messages(run))
    finally:
        clock.set_now(None)


def test_a_checkpoint_carries_the_time_of_the_last_full_check(env):
    start = dt.datetime(2026, 11, 2, 8, 0)
    clock.set_now(start)
    try:
        post(env, 4)
        check(env)
        clock.set_now(start + dt.timedelta(days=2))
        post(env, 1, start=4)
        check(env)
        with env.db.read() as s:
            rows = s.execute(select(VerifyCheckpoint.last_seq, VerifyCheckpoint.full_checked_at)
                             .order_by(VerifyCheckpoint.id)).all()
        assert [tuple(r) for r in rows] == [(4, start), (5, start)]
    finally:
        clock.set_now(None)


@pytest.mark.sqlite_only
def test_the_days_backup_is_checked_from_the_checkpoint_and_leaves_the_next_one(env, tmp_path):
    from models.core import backup

    post(env, 10)
    first = backup.daily_backup(env.db, directory=tmp_path / "one")
    assert first.ok and first.run.resumed == {}
    post(env, 2, start=10)
    second = backup.daily_backup(env.db, directory=tmp_path / "two")
    assert second.ok and second.run.resumed == {env.group_id: 10}
    with env.db.read() as s:
        kept = s.execute(select(VerifyCheckpoint.last_seq, VerifyCheckpoint.recorded_by)
                         .order_by(VerifyCheckpoint.id)).all()
    assert [tuple(k) for k in kept] == [(10, None), (12, None)]
