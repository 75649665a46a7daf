"""The cash box: counted note by note against what the records say, differences explained
and posted, money to and from the bank, expenses with what they were for."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core.errors import PermissionDenied, ValidationError
from models.meetings import cashbox
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings import summary as meeting_summaries
from models.savings import accounts as savings
from tests.models.savings_support import assert_ledger_whole, balance

DAY = dt.date(2026, 10, 5)


def save(env, index, amount, on=DAY):
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[index],
                               amount=amount, on=on)


def count(env, notes, other=0, note="", on=DAY, meeting_id=None):
    with env.db.write() as s:
        return cashbox.count_cash(s, env.user(s, "treasurer"), group_id=env.group_id, on=on,
                                  notes=notes, other=other, note=note, meeting_id=meeting_id)


def statement(env):
    with env.db.read() as s:
        return cashbox.cash_box(s, env.user(s, "auditor"), env.group_id)


def test_a_count_that_matches_the_records_posts_nothing(env):
    save(env, 0, 50_000)
    save(env, 1, 30_000)
    row = count(env, {50_000: 1, 20_000: 1, 5_000: 1, 1_000: 4, 500: 2})
    assert (row.counted, row.expected, row.difference, row.entry_seq) == (80_000, 80_000, 0, None)
    assert row.notes == ((50_000, 1), (20_000, 1), (5_000, 1), (1_000, 4), (500, 2))
    assert balance(env, "cash_over_short") == 0
    assert_ledger_whole(env)


def test_a_short_box_is_posted_to_cash_over_short_with_the_reason(env):
    save(env, 0, 50_000)
    with pytest.raises(ValidationError) as caught:
        count(env, {20_000: 2, 5_000: 1})
    assert [str(p) for p in caught.value.problems] == [
        "The box holds 45,000 ₭ but the records say 50,000 ₭; write down why they differ."]
    row = count(env, {20_000: 2, 5_000: 1}, note="5,000 note lost on the way")
    assert row.difference == -5_000 and row.entry_seq is not None
    assert balance(env, "cash") == 45_000
    assert balance(env, "cash_over_short") == 5_000
    assert_ledger_whole(env)


def test_money_over_is_posted_the_other_way(env):
    save(env, 0, 10_000)
    row = count(env, {10_000: 1}, other=700, note="coins from the fines tin")
    assert row.difference == 700
    assert balance(env, "cash") == 10_700
    assert balance(env, "cash_over_short") == -700


def test_a_count_refuses_notes_that_do_not_exist_and_negative_counts(env):
    with pytest.raises(ValidationError) as caught:
        count(env, {25_000: 1, 1_000: -2}, other=-1)
    assert [str(p) for p in caught.value.problems] == [
        "There is no 25,000 ₭ note.",
        "Count the 1,000 ₭ notes as a whole number of zero or more.",
        "Coins and other money must be zero or more."]


def test_the_box_statement_runs_from_the_last_count(env):
    save(env, 0, 50_000, on=dt.date(2026, 9, 5))
    count(env, {50_000: 1}, on=dt.date(2026, 9, 5))
    save(env, 1, 20_000)
    with env.db.write() as s:
        cashbox.record_expense(s, env.user(s, "treasurer"), group_id=env.group_id, amount=3_000,
                               on=DAY, memo="Exercise book and pens")
        cashbox.transfer_cash(s, env.user(s, "treasurer"), group_id=env.group_id,
                              amount=40_000, direction="to_bank", on=DAY)
    box = statement(env)
    assert box.last_count.counted == 50_000
    assert box.opening == 50_000
    assert [(m.label, m.received, m.paid) for m in box.movements] == [
        ("Bank account", 0, 40_000), ("Members' savings", 20_000, 0), ("Group expenses", 0, 3_000)]
    assert (box.received, box.paid, box.expected, box.bank) == (20_000, 43_000, 27_000, 40_000)
    assert box.expected == box.opening + box.received - box.paid == balance(env, "cash")
    count(env, {20_000: 1, 5_000: 1, 2_000: 1})
    box = statement(env)
    assert (box.opening, box.movements, box.expected) == (27_000, (), 27_000)


def test_a_count_at_a_meeting_shows_on_its_summary(env):
    with env.db.write() as s:
        meeting = meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id, on=DAY)
    with env.db.write() as s:
        meeting_posting.post_meeting(s, env.user(s, "treasurer"), meeting_id=meeting.id,
                                     cells={(env.member_ids[0], "savings"): 30_000})
    count(env, {10_000: 3}, meeting_id=meeting.id)
    with env.db.read() as s:
        summary = meeting_summaries.meeting_summary(s, env.user(s, "auditor"), meeting.id)
    assert (summary.cash_opening, summary.cash_closing) == (0, 30_000)
    assert summary.cash_count.counted == 30_000 and summary.cash_count.difference == 0


def test_transfers_need_the_money_to_be_there(env):
    save(env, 0, 20_000)
    with env.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            cashbox.transfer_cash(s, env.user(s, "treasurer"), group_id=env.group_id,
                                  amount=30_000, direction="to_bank", on=DAY)
        assert [str(p) for p in caught.value.problems] == [
            "The cash box holds only 20,000 ₭; 30,000 ₭ cannot be paid from it."]
        cashbox.transfer_cash(s, env.user(s, "treasurer"), group_id=env.group_id,
                              amount=20_000, direction="to_bank", on=DAY)
        with pytest.raises(ValidationError, match="bank account holds only"):
            cashbox.transfer_cash(s, env.user(s, "treasurer"), group_id=env.group_id,
                                  amount=25_000, direction="from_bank", on=DAY)
        cashbox.transfer_cash(s, env.user(s, "treasurer"), group_id=env.group_id,
                              amount=5_000, direction="from_bank", on=DAY)
    assert (balance(env, "cash"), balance(env, "bank")) == (5_000, 15_000)
    assert_ledger_whole(env)


def test_an_expense_says_what_it_was_for(env):
    save(env, 0, 20_000)
    with env.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            cashbox.record_expense(s, env.user(s, "treasurer"), group_id=env.group_id,
                                   amount=50_000, on=DAY, memo="  ")
        assert [str(p) for p in caught.value.problems] == [
            "Say what the money was spent on.",
            "The cash box holds only 20,000 ₭; 50,000 ₭ cannot be paid from it."]
        cashbox.record_expense(s, env.user(s, "treasurer"), group_id=env.group_id,
                               amount=2_500, on=DAY, memo="Padlock for the box")
    assert balance(env, "expenses") == 2_500
    assert_ledger_whole(env)


def test_an_auditor_counts_nothing(env):
    with pytest.raises(PermissionDenied):
        with env.db.write() as s:
            cashbox.count_cash(s, env.user(s, "auditor"), group_id=env.group_id, on=DAY,
                               notes={})


def test_verify_finds_a_cash_box_below_zero(env, monkeypatch):
    from models.core import ledger, verify

    # A ledger written before posting refused to overdraw the box (or by another program).
    monkeypatch.setattr(ledger, "_check_running_balances", lambda *args, **kwargs: None)
    with env.db.write() as s:
        ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=DAY,
                          kind="test", lines=[ledger.Line("expenses", 1_000),
                                              ledger.Line("cash", -1_000)])
    with env.db.read() as s:
        problems = [str(p) for p in verify.verify_database(s)]
    assert problems == ["Group ກຸ່ມຕັດຫຍິບ: the cash box is below zero (-1000)."]
