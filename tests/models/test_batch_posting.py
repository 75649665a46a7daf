"""A treasurer posts a whole meeting at once: ``post_entries`` writes the batch with the same
checks and the same hash chain as posting each entry alone, refuses the whole batch when one
entry is wrong, and sends the same few statements however long the batch is."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models.core import ledger
from models.core.errors import LedgerIntegrityError, UserError
from models.core.ledger import Line, Posting
from models.core.schema import Group, JournalEntry
from models.core.verify import verify_database
from tests.conftest import copy_database, drop_database
from tests.statement_count import counting

DAY = dt.date(2026, 11, 1)


def deposit(env, member, amount, day=DAY):
    return Posting(day, "deposit", (Line("cash", amount),
                                    Line("member_savings", -amount,
                                         member_id=env.member_ids[member])), "savings")


def withdrawal(env, member, amount, day=DAY):
    return Posting(day, "withdrawal", (Line("member_savings", amount,
                                            member_id=env.member_ids[member]),
                                       Line("cash", -amount)))


def head(db, env):
    with db.read() as s:
        group = s.get(Group, env.group_id)
        return group.entry_count, group.head_hash, s.scalar(select(func.count(JournalEntry.id)))


def hashes(db):
    with db.read() as s:
        return list(s.scalars(select(JournalEntry.hash).order_by(JournalEntry.seq)))


def test_a_meeting_posted_at_once_chains_like_entries_posted_one_by_one(
        env, tmp_path_factory, server):
    batch = [deposit(env, i % 3, 10_000 + i) for i in range(12)] + [withdrawal(env, 0, 5_000)]
    twin = copy_database(env.db, tmp_path_factory.mktemp("twin"), server)
    try:
        with env.db.write() as s:
            posted = ledger.post_entries(s, env.user(s, "treasurer"), group_id=env.group_id,
                                         postings=batch)
        with twin.write() as s:
            for p in batch:
                ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id,
                                  value_date=p.value_date, kind=p.kind, memo=p.memo,
                                  lines=p.lines)
        assert [p.seq for p in posted] == list(range(1, 14))
        assert [p.hash for p in posted] == hashes(env.db) == hashes(twin)
        assert head(env.db, env) == head(twin, env)
        with env.db.read() as s:
            assert verify_database(s) == []
            assert ledger.balance(s, env.group_id, "cash") == sum(
                10_000 + i for i in range(12)) - 5_000
    finally:
        drop_database(twin, server)


@pytest.mark.parametrize("late, message", [
    (lambda env: Posting(DAY, "expense", (Line("expenses", 30_001), Line("cash", -30_001))),
     "Cash box holds only 30000"),
    (lambda env: withdrawal(env, 1, 10_001), "less than nothing in Members' savings"),
    (lambda env: Posting(DAY, "x", (Line("cash", 5), Line("bank", -4))), "does not balance"),
    (lambda env: deposit(env, 0, 5, day=dt.date(2026, 11, 21)), "in the future"),
])
def test_one_wrong_entry_refuses_the_whole_batch(env, late, message):
    """The cash and her savings are counted through the batch: what the first entries
    brought in may be paid out by a later one, but not a kip more."""
    before = head(env.db, env)
    batch = [deposit(env, 0, 10_000), deposit(env, 1, 10_000), deposit(env, 2, 10_000),
             late(env)]
    with pytest.raises(LedgerIntegrityError, match=message):
        with env.db.write() as s:
            ledger.post_entries(s, env.user(s, "treasurer"), group_id=env.group_id,
                                postings=batch)
    assert head(env.db, env) == before
    with env.db.write() as s:  # paying out exactly what came in is fine
        ledger.post_entries(s, env.user(s, "treasurer"), group_id=env.group_id,
                            postings=batch[:3] + [withdrawal(env, 1, 10_000)])
    assert head(env.db, env)[0] == 4


def test_an_auditor_cannot_post_a_batch(env):
    from models.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        with env.db.write() as s:
            ledger.post_entries(s, env.user(s, "auditor"), group_id=env.group_id,
                                postings=[deposit(env, 0, 100)])
    assert head(env.db, env)[0] == 0


def test_a_long_batch_sends_no_more_statements_than_a_short_one(env):
    def statements(count):
        with env.db.write() as s:
            actor = env.user(s, "treasurer")
            ledger.post_entries(s, actor, group_id=env.group_id,
                                postings=[deposit(env, 0, 1_000)])  # warm the caches
            with counting(env.db.engine) as seen:
                ledger.post_entries(s, actor, group_id=env.group_id, postings=[
                    deposit(env, i % 3, 1_000 + i) for i in range(count)] + [
                    withdrawal(env, 0, 500)])
        return seen.count

    short, long = statements(10), statements(400)
    assert long == short
    # the group, the period lock, its accounts, members, two balance reads, the entries,
    # their ids, the lines, the kept totals of the accounts and of the members, the chain
    # head
    assert short <= 11


entry_op = st.one_of(
    st.tuples(st.just("deposit"), st.integers(0, 2), st.integers(-5, 20_000)),
    st.tuples(st.just("withdrawal"), st.integers(0, 2), st.integers(1, 20_000)),
    st.tuples(st.just("expense"), st.integers(1, 30_000)),
    st.tuples(st.just("late"), st.integers(0, 60)))


def _posting(env, op):
    if op[0] == "deposit":
        return deposit(env, op[1], op[2])
    if op[0] == "withdrawal":
        return withdrawal(env, op[1], op[2])
    if op[0] == "expense":
        return Posting(DAY, "expense", (Line("expenses", op[1]), Line("cash", -op[1])))
    return deposit(env, 0, 1_000, day=dt.date(2026, 10, 1) - dt.timedelta(days=op[1]))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(entry_op, min_size=1, max_size=15))
def test_a_batch_is_refused_exactly_when_posting_its_entries_one_by_one_would_be(
        env, tmp_path_factory, server, ops):
    """Same entries, same transaction boundaries: either both ways refuse, or both write
    the same chain (the books are locked through September, so some entries are late)."""
    with env.db.write() as s:
        if ledger.locked_through(s, env.group_id) is None:
            ledger.lock_period(s, env.user(s, "admin"), group_id=env.group_id,
                               through=dt.date(2026, 9, 30))
    one = copy_database(env.db, tmp_path_factory.mktemp("one"), server)
    many = copy_database(env.db, tmp_path_factory.mktemp("many"), server)
    postings = [_posting(env, op) for op in ops]
    try:
        refused_one = refused_many = None
        try:
            with one.write() as s:
                for p in postings:
                    ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id,
                                      value_date=p.value_date, kind=p.kind, memo=p.memo,
                                      lines=p.lines)
        except UserError as exc:
            refused_one = type(exc)
        try:
            with many.write() as s:
                ledger.post_entries(s, env.user(s, "treasurer"), group_id=env.group_id,
                                    postings=postings)
        except UserError as exc:
            refused_many = type(exc)
        assert refused_one == refused_many
        assert hashes(one) == hashes(many)
        with many.read() as s:
            assert verify_database(s) == []
    finally:
        drop_database(one, server)
        drop_database(many, server)
