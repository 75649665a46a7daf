"""How fast the ledger is on a laptop-sized load: posting, balances, verify.

Prints its figures; asserts nothing about time (run with `make bench`)."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import text

from models.core import ledger
from models.core.ledger import Line
from models.core.verify import verify_database

pytestmark = pytest.mark.benchmark


def test_posting_balances_and_verify(env):
    members_ = env.member_ids
    n = 20_000
    start = time.perf_counter()
    with env.db.write() as s:
        actor = env.user(s, "treasurer")
        for i in range(n):
            amount = 1000 + i % 5000
            ledger.post_entry(s, actor, group_id=env.group_id, value_date=dt.date(2026, 1, 1),
                              kind="deposit", lines=[
                                  Line("cash", amount),
                                  Line("member_savings", -amount, member_id=members_[i % 3])])
    post = time.perf_counter() - start
    with env.db.read() as s:
        start = time.perf_counter()
        for _ in range(100):
            ledger.balance(s, env.group_id, "cash")
        covered = (time.perf_counter() - start) / 100
        plan = s.execute(text(
            "EXPLAIN QUERY PLAN SELECT sum(amount) FROM journal_lines WHERE account_id = 1")).all()
        start = time.perf_counter()
        for _ in range(20):
            ledger.member_balances(s, env.group_id, "member_savings")
        per_member = (time.perf_counter() - start) / 20
        start = time.perf_counter()
        problems = verify_database(s)
        verify = time.perf_counter() - start
    print(f"\nposted {n} entries in {post:.1f} s ({n / post:.0f}/s, one transaction)")
    print(f"cash balance over {n} lines: {covered * 1000:.2f} ms  plan: {plan[0][-1]}")
    print(f"savings per member: {per_member * 1000:.2f} ms")
    print(f"verify {n} entries: {verify:.2f} s")
    assert problems == []
