"""Posting, refusing bad postings, reversal, period locks, balances."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models.core import ledger, totals
from models.core.errors import (
    LedgerIntegrityError,
    NotFound,
    PermissionDenied,
    UserError,
)
from models.core.ledger import Line
from models.core.schema import AuditEvent, JournalEntry, JournalLine
from tests.models.posting_paths import post

DAY = dt.date(2026, 11, 1)


def deposit(s, env, amount, member=0, day=DAY, role="treasurer", post=ledger.post_entry):
    return post(
        s, env.user(s, role), group_id=env.group_id, value_date=day, kind="deposit",
        memo="savings", lines=[Line("cash", amount),
                               Line("member_savings", -amount, member_id=env.member_ids[member])])


@pytest.fixture(autouse=True)
def totals_follow_the_lines(env):
    """After every story here, posted or refused, each kept total is its lines' sum."""
    yield
    with env.db.read() as s:
        assert totals.problems(s, env.group(s)) == []


def count_entries(db):
    with db.read() as s:
        return s.scalar(select(func.count(JournalEntry.id))), \
            s.scalar(select(func.count(JournalLine.id)))


def test_a_deposit_raises_cash_and_the_members_savings(env, post):
    with env.db.write() as s:
        deposit(s, env, 50_000, post=post)
        deposit(s, env, 20_000, member=1, post=post)
    with env.db.read() as s:
        assert ledger.balance(s, env.group_id, "cash") == 70_000
        assert ledger.balance(s, env.group_id, "member_savings") == 70_000
        assert ledger.member_balances(s, env.group_id, "member_savings") == {
            env.member_ids[0]: 50_000, env.member_ids[1]: 20_000}
        assert ledger.fund_balance(s, env.group_id, "loan") == 70_000
        rows = ledger.trial_balance(s, env.group_id)
        assert sum(r.debit for r in rows) == sum(r.credit for r in rows) == 70_000


@pytest.mark.parametrize("lines, message", [
    ([Line("cash", 100), Line("member_savings", -90, member_id=None)], "does not balance"),
    ([], "at least two lines"),
    ([Line("cash", 100)], "at least two lines"),
    ([Line("cash", 0), Line("bank", 0)], "cannot be zero"),
    ([Line("cash", 1.5), Line("bank", -1.5)], "whole numbers"),
    ([Line("cash", True), Line("bank", -1)], "whole numbers"),
])
def test_bad_postings_are_refused_and_nothing_is_written(env, post, lines, message):
    before = count_entries(env.db)
    with pytest.raises(LedgerIntegrityError, match=message):
        with env.db.write() as s:
            post(s, env.user(s, "treasurer"), group_id=env.group_id,
                 value_date=DAY, kind="test", lines=lines)
    assert count_entries(env.db) == before


def test_future_dates_are_refused(env, post):
    with pytest.raises(LedgerIntegrityError, match="in the future"):
        with env.db.write() as s:
            deposit(s, env, 100, day=dt.date(2026, 11, 21), post=post)


def test_an_account_or_member_of_another_group_is_refused(env, post):
    from models.core import groups, members

    with env.db.write() as s:
        other = groups.create_group(s, env.user(s, "admin"), name="ກຸ່ມອື່ນ")
        stranger = members.add_member(s, env.user(s, "admin"), group_id=other.id,
                                      details=members.MemberDetails(
                                          name_lao="ນາງ ດາ", gender="f",
                                          joined_on=dt.date(2025, 1, 1)))
        other_cash = ledger.chart.account_id(s, other.id, "cash")
        other_id = other.id
    with pytest.raises(LedgerIntegrityError, match="another group"):
        with env.db.write() as s:
            post(s, env.user(s, "admin"), group_id=env.group_id, value_date=DAY,
                 kind="t", lines=[Line(other_cash, 5), Line("bank", -5)])
    with pytest.raises(LedgerIntegrityError, match="another group"):
        with env.db.write() as s:
            post(s, env.user(s, "admin"), group_id=env.group_id, value_date=DAY,
                 kind="t", lines=[Line("cash", 5),
                                  Line("member_savings", -5, member_id=stranger.id)])
    assert other_id


def test_a_reversal_negates_the_entry_and_links_to_it(env):
    with env.db.write() as s:
        entry_id = deposit(s, env, 50_000).id
    with env.db.write() as s:
        reversal = ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry_id,
                                        reason="typed the wrong member")
        assert reversal.reverses_id == entry_id
        assert reversal.memo == "typed the wrong member"
    with env.db.read() as s:
        assert ledger.balance(s, env.group_id, "cash") == 0
        assert ledger.member_balances(s, env.group_id, "member_savings") == {env.member_ids[0]: 0}
        assert ledger.is_reversed(s, entry_id)
        assert s.scalar(select(func.count(AuditEvent.id))
                        .where(AuditEvent.action == "entry.reverse")) == 1
        rows = ledger.entries(s, env.user(s, "auditor"), env.group_id)
        assert [(r.seq, r.reverses_seq, r.reversed_by_seq) for r in rows] == \
            [(2, 1, None), (1, None, 2)]


def test_a_reversal_needs_a_reason_and_happens_once(env):
    with env.db.write() as s:
        entry_id = deposit(s, env, 50_000).id
    with pytest.raises(UserError, match="reason"):
        with env.db.write() as s:
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry_id, reason="  ")
    with env.db.write() as s:
        rev = ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry_id, reason="x")
        rev_id = rev.id
    with pytest.raises(UserError, match="already reversed"):
        with env.db.write() as s:
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry_id, reason="x")
    with pytest.raises(UserError, match="itself a reversal"):
        with env.db.write() as s:
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=rev_id, reason="x")
    with pytest.raises(NotFound):
        with env.db.write() as s:
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=9999, reason="x")


def test_leaders_and_auditors_cannot_reverse(env):
    with env.db.write() as s:
        entry_id = deposit(s, env, 50_000).id
    for role in ("leader", "auditor"):
        with pytest.raises(PermissionDenied):
            with env.db.write() as s:
                ledger.reverse_entry(s, env.user(s, role), entry_id=entry_id, reason="x")


def test_a_locked_period_refuses_entries_and_reversals_dated_inside_it(env, post):
    with env.db.write() as s:
        entry_id = deposit(s, env, 50_000, day=dt.date(2026, 9, 30), post=post).id
        ledger.lock_period(s, env.user(s, "admin"), group_id=env.group_id,
                           through=dt.date(2026, 9, 30), reason="audited")
    with pytest.raises(LedgerIntegrityError, match="locked through 30/09/2026"):
        with env.db.write() as s:
            deposit(s, env, 100, day=dt.date(2026, 9, 15), post=post)
    with pytest.raises(LedgerIntegrityError, match="locked"):
        with env.db.write() as s:
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry_id, reason="x",
                                 value_date=dt.date(2026, 9, 30))
    with env.db.write() as s:  # corrected after the lock, dated today
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry_id, reason="x")
        deposit(s, env, 100, day=dt.date(2026, 10, 1))


def test_locks_only_move_forward_and_only_admins_lock(env):
    with env.db.write() as s:
        ledger.lock_period(s, env.user(s, "admin"), group_id=env.group_id,
                           through=dt.date(2026, 6, 30))
    with pytest.raises(UserError, match="already locked"):
        with env.db.write() as s:
            ledger.lock_period(s, env.user(s, "admin"), group_id=env.group_id,
                               through=dt.date(2026, 3, 31))
    with pytest.raises(UserError, match="past days"):
        with env.db.write() as s:
            ledger.lock_period(s, env.user(s, "admin"), group_id=env.group_id,
                               through=dt.date(2026, 11, 20))
    with pytest.raises(PermissionDenied):
        with env.db.write() as s:
            ledger.lock_period(s, env.user(s, "treasurer"), group_id=env.group_id,
                               through=dt.date(2026, 9, 30))


def test_balances_as_of_a_date(env, post):
    with env.db.write() as s:
        deposit(s, env, 10_000, day=dt.date(2026, 1, 10), post=post)
        deposit(s, env, 30_000, day=dt.date(2026, 3, 10), post=post)
    with env.db.read() as s:
        assert ledger.balance(s, env.group_id, "cash", as_of=dt.date(2026, 2, 1)) == 10_000
        assert ledger.balance(s, env.group_id, "cash") == 40_000
        assert ledger.fund_balance(s, env.group_id, "loan", as_of=dt.date(2026, 1, 9)) == 0


def test_savings_never_go_below_zero_not_even_by_reversing_a_deposit(env, post):
    with env.db.write() as s:
        first = deposit(s, env, 10_000, post=post).id
        deposit(s, env, 10_000, member=1, post=post)
        post(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=DAY,
                          kind="withdrawal", lines=[
                              Line("member_savings", 10_000, member_id=env.member_ids[0]),
                              Line("cash", -10_000)])
    with pytest.raises(LedgerIntegrityError, match="less than nothing in Members' savings"):
        with env.db.write() as s:
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=first, reason="x")
    with env.db.read() as s:
        assert not ledger.is_reversed(s, first)


def test_the_cash_box_cannot_pay_more_than_it_holds(env, post):
    with env.db.write() as s:
        deposit(s, env, 10_000, post=post)
    with pytest.raises(LedgerIntegrityError, match="Cash box holds only 10000"):
        with env.db.write() as s:
            post(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=DAY,
                              kind="expense",
                              lines=[Line("expenses", 10_001), Line("cash", -10_001)])
    with env.db.write() as s:
        post(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=DAY,
             kind="expense", lines=[Line("expenses", 10_000), Line("cash", -10_000)])
