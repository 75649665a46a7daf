"""How fast a busy loan answers: a two-year weekly loan with a fee and penalties, repaid
104 times, then its first repayment reversed (every later one allocated again and
re-posted), its detail screen read and the group's arrears listed.

Prints its figures; asserts nothing about time (run with `make bench`)."""
from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest

from models.core.verify import verify_database
from models.loans import arrears, penalties
from models.loans.application import apply_for_loan, approve_loan
from models.loans.payout import disburse_loan
from models.loans.queries import loan_detail
from models.loans.repayments import record_repayment, reverse_repayment
from tests.models.loan_support import open_loan, save, set_policy

pytestmark = pytest.mark.benchmark

START = dt.date(2024, 11, 4)


def test_a_loan_repaid_every_week_for_two_years(env):
    with env.db.write() as s:
        save(s, env, 0, 20_000_000, on=dt.date(2024, 11, 1))
    set_policy(env.db, env, fee_kind="percent", fee_percent=Decimal(1),
               fee_timing="installments", penalty_kind="flat", penalty_flat=1_000,
               max_term_months=24, effective_from=dt.date(2024, 1, 1))
    with env.db.write() as s:
        row = apply_for_loan(s, env.user(s, "treasurer"), group_id=env.group_id,
                             member_id=env.member_ids[0], amount=10_400_000,
                             purpose="Loom", installments=104,
                             annual_rate=Decimal(18), method="declining",
                             frequency="weekly", applied_on=START)
        approve_loan(s, env.user(s, "leader"), loan_id=row.id)
        disburse_loan(s, env.user(s, "treasurer"), loan_id=row.id, on=START)
    loan_id = row.id
    # Every week she pays what is due, a week late every tenth time (a penalty).
    ids, timings = [], []
    for week in range(1, 101):
        day = START + dt.timedelta(weeks=week, days=8 if week % 10 == 0 else 0)
        if day > dt.date(2026, 11, 20):
            break
        with env.db.write() as s:
            penalties.post_due_penalties(s, env.user(s, "treasurer"), group_id=env.group_id,
                                         on=day)
        with env.db.read() as s:
            due = loan_detail(s, env.user(s, "auditor"), loan_id, day).due_now
        if not due:
            continue
        start = time.perf_counter()
        with env.db.write() as s:
            ids.append(record_repayment(s, env.user(s, "treasurer"), loan_id=loan_id,
                                        amount=due, on=day).id)
        timings.append(time.perf_counter() - start)
    start = time.perf_counter()
    with env.db.write() as s:
        reverse_repayment(s, env.user(s, "treasurer"), repayment_id=ids[0],
                          reason="Counted twice")
    replay = time.perf_counter() - start
    start = time.perf_counter()
    with env.db.read() as s:
        detail = loan_detail(s, env.user(s, "auditor"), loan_id)
    read = time.perf_counter() - start
    start = time.perf_counter()
    with env.db.read() as s:
        arrears.loan_arrears(s, env.user(s, "auditor"), group_id=env.group_id)
    listed = time.perf_counter() - start
    with env.db.read() as s:
        assert verify_database(s) == []
    timings.sort()
    print(f"\n{len(ids)} weekly repayments: median {timings[len(timings) // 2] * 1000:.0f} ms, "
          f"slowest {timings[-1] * 1000:.0f} ms (each allocates the loan from scratch)")
    print(f"reversing the first: {replay * 1000:.0f} ms "
          f"({len(ids) - 1} later repayments allocated again)")
    print(f"loan detail ({len(detail.installments)} installments, "
          f"{len(detail.repayments)} repayments): {read * 1000:.0f} ms; "
          f"arrears list: {listed * 1000:.0f} ms")
