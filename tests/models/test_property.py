"""Random sequences of valid and invalid operations keep every entry balanced, the trial
balance at zero and the chain valid; refused operations write nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models.core import ledger, totals
from models.core.errors import UserError
from models.core.ledger import Line
from models.core.schema import JournalEntry
from models.core.verify import verify_database
from tests.conftest import copy_database, drop_database
from tests.models.posting_paths import PATHS

ACCOUNTS = ["cash", "bank", "expenses", "other_income", "member_savings", "welfare_fund"]

deposit = st.tuples(st.just("deposit"), st.integers(0, 2), st.integers(-5, 20_000))
withdraw = st.tuples(st.just("withdraw"), st.integers(0, 2), st.integers(1, 20_000))
transfer = st.tuples(st.just("transfer"), st.sampled_from(ACCOUNTS[:4]),
                     st.sampled_from(ACCOUNTS[:4]), st.integers(-10, 50_000))
unbalanced = st.tuples(st.just("unbalanced"), st.integers(1, 1000), st.integers(1, 1000))
reverse = st.tuples(st.just("reverse"), st.integers(1, 12))
lock = st.tuples(st.just("lock"), st.integers(1, 60))
operation = st.one_of(deposit, withdraw, transfer, unbalanced, reverse, lock)


@pytest.mark.parametrize("path", sorted(PATHS))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=25), days=st.lists(
    st.integers(0, 90), min_size=25, max_size=25))
def test_random_operations_keep_the_ledger_whole(env, tmp_path_factory, server, path, ops,
                                                 days):
    post = PATHS[path]
    # Each example starts from the same env (copied), so examples do not leak into each other.
    db = copy_database(env.db, tmp_path_factory.mktemp("prop"), server)
    today = dt.date(2026, 11, 20)
    posted = 0
    try:
        for op, back in zip(ops, days):
            day = today - dt.timedelta(days=back)
            before = _count(db)
            try:
                with db.write() as s:
                    actor = env.user(s, "treasurer")
                    admin = env.user(s, "admin")
                    kind = op[0]
                    if kind == "deposit":
                        _, m, amount = op
                        post(s, actor, group_id=env.group_id, value_date=day,
                                          kind="deposit", lines=[
                                              Line("cash", amount),
                                              Line("member_savings", -amount,
                                                   member_id=env.member_ids[m])])
                    elif kind == "withdraw":
                        _, m, amount = op
                        post(s, actor, group_id=env.group_id, value_date=day,
                                          kind="withdrawal", lines=[
                                              Line("member_savings", amount,
                                                   member_id=env.member_ids[m]),
                                              Line("cash", -amount)])
                    elif kind == "transfer":
                        _, a, b, amount = op
                        post(s, actor, group_id=env.group_id, value_date=day,
                                          kind="transfer",
                                          lines=[Line(a, amount), Line(b, -amount)])
                    elif kind == "unbalanced":
                        _, a, b = op
                        post(s, actor, group_id=env.group_id, value_date=day,
                                          kind="bad", lines=[Line("cash", a), Line("bank", -b)])
                    elif kind == "reverse":
                        ledger.reverse_entry(s, actor, entry_id=op[1], reason="prop")
                    elif kind == "lock":
                        ledger.lock_period(s, admin, group_id=env.group_id,
                                           through=today - dt.timedelta(days=op[1]))
                posted += 1
            except UserError:
                assert _count(db) == before  # refused: nothing written
        with db.read() as s:
            assert [str(p) for p in verify_database(s)] == []
            # the kept totals moved with every entry, refused ones moved nothing
            assert totals.problems(s, env.group(s)) == []
            rows = ledger.trial_balance(s, env.group_id)
            assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
            for balance in ledger.member_balances(s, env.group_id, "member_savings").values():
                assert balance >= 0
    finally:
        drop_database(db, server)


def _count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(JournalEntry.id)))
