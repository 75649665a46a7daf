"""Members save under their group's rules, withdraw where the rules allow it, pay fines,
and leave with their savings back less what they owe."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import ledger
from models.core.errors import PermissionDenied, UserError, ValidationError
from models.core.ledger import Line
from models.core.schema import Member
from models.savings import accounts as savings
from models.savings import exits as savings_exits
from models.savings import fines as savings_fines
from models.savings import withdrawals as savings_withdrawals
from models.savings.rules import list_cycles, rules, set_rules
from tests.models.savings_support import (
    assert_ledger_whole,
    balance,
    lend,
    post,
    with_rules,
)

MARCH = dt.date(2026, 3, 1)


def deposit(env, index: int, amount: int, on=MARCH, role="treasurer"):
    with env.db.write() as s:
        return savings.record_deposit(s, env.user(s, role), member_id=env.member_ids[index],
                                      amount=amount, on=on)


def withdraw(env, index: int, amount: int, on=dt.date(2026, 6, 1), **kw):
    with env.db.write() as s:
        return savings_withdrawals.withdraw_savings(s, env.user(s, "treasurer"),
                                                    member_id=env.member_ids[index],
                                                    amount=amount, on=on, **kw)


def messages(error: ValidationError) -> list[str]:
    return [str(p) for p in error.problems]


def test_keo_buys_three_shares_and_her_receipt_shows_her_balance(env):
    receipt = deposit(env, 0, 30_000)
    assert (receipt.amount, receipt.shares) == (30_000, 3)
    assert (receipt.balance_after, receipt.shares_after) == (30_000, 3)
    receipt = deposit(env, 0, 20_000, on=dt.date(2026, 4, 1))
    assert (receipt.balance_after, receipt.shares_after) == (50_000, 5)
    assert balance(env, "member_savings", env.member_ids[0]) == 50_000
    assert balance(env, "cash") == 50_000
    assert_ledger_whole(env)


def test_the_first_money_starts_the_first_cycle_with_the_share_price_of_that_day(env):
    deposit(env, 0, 10_000)
    with env.db.read() as s:
        cycles = list_cycles(s, env.user(s, "auditor"), env.group_id)
    assert [(c.number, c.start_date, c.mode, c.share_price) for c in cycles] == \
        [(1, MARCH, "shares", 10_000)]


def test_a_deposit_must_be_whole_shares_within_the_limits_and_every_problem_is_named(env):
    with_rules(env, min_shares=2, max_shares=4)
    with pytest.raises(ValidationError) as caught:
        deposit(env, 0, 15_000)
    assert messages(caught.value) == [
        "15,000 ₭ is not a whole number of shares at 10,000 ₭ a share."]
    with pytest.raises(ValidationError) as caught:
        deposit(env, 0, 10_000)
    assert messages(caught.value) == ["Buy at least 2 shares (20,000 ₭)."]
    with pytest.raises(ValidationError) as caught:
        deposit(env, 0, 50_000)
    assert messages(caught.value) == ["At most 4 shares a meeting (40,000 ₭)."]
    with pytest.raises(ValidationError):
        deposit(env, 0, 0)
    assert balance(env, "cash") == 0


def test_a_free_amount_group_takes_any_amount_from_its_smallest_deposit(env):
    with_rules(env, mode="free", min_deposit=5_000)
    receipt = deposit(env, 1, 12_345)
    assert (receipt.shares, receipt.balance_after) == (12_345, 12_345)
    with pytest.raises(ValidationError) as caught:
        deposit(env, 1, 4_000)
    assert messages(caught.value) == ["The smallest deposit is 5,000 ₭."]


def test_the_share_price_is_fixed_for_the_cycle_even_when_the_setting_changes(env):
    deposit(env, 0, 10_000)
    with_rules(env, on=dt.date(2026, 5, 1), share_price=20_000)
    deposit(env, 0, 10_000, on=dt.date(2026, 6, 1))  # still 10,000 a share in this cycle
    with env.db.read() as s:
        assert rules(s, env.group_id, dt.date(2026, 6, 1)).share_price == 10_000


def test_only_a_treasurer_records_money(env):
    with pytest.raises(PermissionDenied):
        deposit(env, 0, 10_000, role="auditor")
    with pytest.raises(PermissionDenied):
        deposit(env, 0, 10_000, role="leader")


def test_a_member_who_left_cannot_save(env):
    with env.db.write() as s:
        s.get(Member, env.member_ids[2]).status = "left"
    with pytest.raises(ValidationError) as caught:
        deposit(env, 2, 10_000)
    assert messages(caught.value) == ["ທ້າວ ສົມ is no longer an active member."]


def test_rules_are_changed_by_an_admin_from_a_date_with_every_problem_listed(env):
    with env.db.write() as s:
        with pytest.raises(PermissionDenied):
            set_rules(s, env.user(s, "treasurer"), group_id=env.group_id,
                      effective_from=MARCH, changes={"fine_late": 1_000})
    with pytest.raises(ValidationError) as caught:
        with_rules(env, min_shares=6, max_shares=3, mode="weekly", share_price=-5)
    assert messages(caught.value) == [
        "How members save: Choose one of: shares, free.",
        "Price of one share: Enter a number of at least 1.",
        "The fewest shares (6) is more than the most shares (3).",
    ]
    with_rules(env, on=dt.date(2026, 5, 1), fine_absence=5_000, custom_fines=[
        {"name": "Phone rang", "amount": 1_000}])
    with env.db.read() as s:
        before = rules(s, env.group_id, dt.date(2026, 4, 30))
        after = rules(s, env.group_id, dt.date(2026, 5, 1))
    assert (before.fine_absence, after.fine_absence) == (0, 5_000)
    assert after.custom_fines[0].name == "Phone rang"
    assert after.meeting_frequency == "monthly"


def test_by_default_savings_stay_until_the_share_out(env):
    deposit(env, 0, 50_000)
    with pytest.raises(ValidationError) as caught:
        withdraw(env, 0, 10_000)
    assert messages(caught.value) == [
        "This group's rules do not allow withdrawals during the cycle; savings come back at "
        "the share-out."]


def test_a_withdrawal_never_takes_savings_below_zero(env):
    with_rules(env, withdrawals="allowed")
    deposit(env, 0, 30_000)
    with pytest.raises(ValidationError) as caught:
        withdraw(env, 0, 40_000)
    assert messages(caught.value) == ["ນາງ ແກ້ວ has only 30,000 ₭ saved."]
    receipt = withdraw(env, 0, 30_000)
    assert (receipt.balance_after, receipt.shares_after) == (0, 0)
    assert_ledger_whole(env)


def test_a_withdrawal_sells_whole_shares_within_the_percent_limit(env):
    with_rules(env, withdrawals="allowed", withdrawal_max_percent=50)
    deposit(env, 0, 50_000)
    with pytest.raises(ValidationError) as caught:
        withdraw(env, 0, 35_000)
    assert messages(caught.value) == [
        "35,000 ₭ is not a whole number of shares at 10,000 ₭ a share.",
        "At most 50% of the savings can be withdrawn at a time: 25,000 ₭."]
    withdraw(env, 0, 20_000)
    with env.db.read() as s:
        left = savings_withdrawals.withdrawable(s, env.group_id, env.member_ids[0],
                                                dt.date(2026, 6, 2))
    assert left == 10_000


def test_savings_that_secure_a_loan_cannot_be_withdrawn(env):
    with_rules(env, withdrawals="allowed", loan_security_percent=50)
    deposit(env, 0, 50_000)
    deposit(env, 1, 50_000)
    lend(env, env.member_ids[0], 60_000, on=dt.date(2026, 4, 1))
    # 50 % of the 60,000 she owes stays: 30,000; she may take 20,000.
    with pytest.raises(ValidationError) as caught:
        withdraw(env, 0, 30_000)
    assert messages(caught.value) == [
        "30,000 ₭ must stay saved to secure ນາງ ແກ້ວ's loans; at most 20,000 ₭ can be withdrawn."]
    withdraw(env, 0, 20_000)
    with env.db.read() as s:
        rows = savings.member_savings(s, env.user(s, "auditor"), env.group_id)
    keo = rows[0]
    assert (keo.savings, keo.loan_principal, keo.secured) == (30_000, 60_000, 30_000)
    assert_ledger_whole(env)


def test_a_withdrawal_needs_the_notice_the_rules_ask_for(env):
    with_rules(env, withdrawals="allowed", withdrawal_notice_days=14)
    deposit(env, 0, 50_000)
    with pytest.raises(ValidationError) as caught:
        withdraw(env, 0, 20_000, on=dt.date(2026, 6, 1))
    assert messages(caught.value) == [
        "The rules ask for 14 days' notice of a withdrawal of 20,000 ₭; record the notice first."]
    with env.db.write() as s:
        notice = savings_withdrawals.give_withdrawal_notice(
            s, env.user(s, "treasurer"), member_id=env.member_ids[0], amount=20_000,
            on=dt.date(2026, 6, 1))
    assert notice.usable_from == dt.date(2026, 6, 15)
    with pytest.raises(ValidationError) as caught:
        withdraw(env, 0, 20_000, on=dt.date(2026, 6, 10))
    assert messages(caught.value) == [
        "Notice was given on 01/06/2026; the money can be withdrawn from 15/06/2026."]
    withdraw(env, 0, 20_000, on=dt.date(2026, 6, 15))
    with env.db.read() as s:
        notices = savings_withdrawals.open_notices(s, env.user(s, "treasurer"), env.member_ids[0])
        assert notices == []
    with pytest.raises(ValidationError):  # the notice was used up
        withdraw(env, 0, 10_000, on=dt.date(2026, 6, 20))


def test_a_withdrawal_cannot_take_more_cash_than_the_box_holds(env):
    with_rules(env, withdrawals="allowed")
    deposit(env, 0, 50_000)
    with env.db.write() as s:
        from models.meetings import cashbox

        cashbox.transfer_cash(s, env.user(s, "treasurer"), group_id=env.group_id, amount=40_000,
                              direction="to_bank", on=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError) as caught:
        withdraw(env, 0, 20_000)
    assert messages(caught.value) == [
        "The cash box holds only 10,000 ₭; 20,000 ₭ cannot be paid from it."]
    withdraw(env, 0, 20_000, paid_from="bank")
    assert (balance(env, "cash"), balance(env, "bank")) == (10_000, 20_000)


def test_reversing_a_deposit_is_refused_when_it_would_leave_savings_negative(env):
    with_rules(env, withdrawals="allowed")
    first = deposit(env, 0, 30_000)
    withdraw(env, 0, 20_000)
    with env.db.write() as s:
        with pytest.raises(UserError) as caught:
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=first.entry_id,
                                 reason="typed the wrong member")
    assert "negative savings" in str(caught.value)
    second = deposit(env, 1, 10_000)
    with env.db.write() as s:
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=second.entry_id,
                             reason="typed the wrong member")
    assert balance(env, "member_savings", env.member_ids[1]) == 0
    assert_ledger_whole(env)


def test_a_fine_is_owed_until_paid_and_cannot_be_overpaid(env):
    with env.db.write() as s:
        savings_fines.charge_fine(s, env.user(s, "treasurer"), member_id=env.member_ids[1],
                                  amount=2_000, reason="Late", on=MARCH)
    assert balance(env, "fines_receivable", env.member_ids[1]) == 2_000
    with env.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            savings_fines.pay_fines(s, env.user(s, "treasurer"), member_id=env.member_ids[1],
                                    amount=3_000, on=MARCH)
        assert messages(caught.value) == ["ນາງ ບົວ owes only 2,000 ₭ in fines."]
        savings_fines.pay_fines(s, env.user(s, "treasurer"), member_id=env.member_ids[1],
                                amount=2_000, on=MARCH)
    assert balance(env, "fines_receivable", env.member_ids[1]) == 0
    assert balance(env, "fine_income") == 2_000
    assert_ledger_whole(env)


def test_a_fine_needs_a_reason_and_an_amount(env):
    with env.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            savings_fines.charge_fine(s, env.user(s, "treasurer"), member_id=env.member_ids[1],
                                      amount=0, reason=" ", on=MARCH)
    assert messages(caught.value) == ["The amount must be more than zero.",
                                      "Say what the fine is for."]


def settle(env, index: int, on=dt.date(2026, 9, 1), **kw):
    with env.db.write() as s:
        return savings_exits.settle_exit(s, env.user(s, "treasurer"),
                                         member_id=env.member_ids[index], on=on, **kw)


def test_a_leaving_member_gets_her_savings_back_less_her_unpaid_fines(env):
    deposit(env, 1, 40_000)
    with env.db.write() as s:
        savings_fines.charge_fine(s, env.user(s, "treasurer"), member_id=env.member_ids[1],
                                  amount=3_000, reason="Absent", on=dt.date(2026, 5, 1))
    with env.db.read() as s:
        statement = savings_exits.settlement_statement(s, env.user(s, "auditor"),
                                                       member_id=env.member_ids[1],
                                                       on=dt.date(2026, 9, 1))
    assert (statement.savings, statement.shares, statement.netted, statement.payout) == \
        (40_000, 4, 3_000, 37_000)
    assert [(d.label, d.owed, d.netted, d.left) for d in statement.debts] == \
        [("Unpaid fines", 3_000, 3_000, 0)]
    assert statement.problems == ()
    settle(env, 1)
    assert balance(env, "member_savings", env.member_ids[1]) == 0
    assert balance(env, "fines_receivable", env.member_ids[1]) == 0
    assert balance(env, "cash") == 3_000  # the fine stays in the box
    with env.db.read() as s:
        member = s.get(Member, env.member_ids[1])
        assert (member.status, member.status_date) == ("left", dt.date(2026, 9, 1))
    assert_ledger_whole(env)


def test_the_heir_of_a_deceased_member_is_paid_and_the_status_recorded(env):
    deposit(env, 2, 20_000)
    statement = settle(env, 2, reason="deceased", paid_to="ນາງ ຈັນ (wife)")
    assert statement.payout == 20_000
    with env.db.read() as s:
        assert s.get(Member, env.member_ids[2]).status == "deceased"
    with pytest.raises(ValidationError) as caught:
        settle(env, 2)
    assert "ທ້າວ ສົມ has already left the group." in messages(caught.value)


def test_a_loan_is_repaid_from_the_savings_of_a_member_who_leaves(env):
    deposit(env, 0, 50_000)
    deposit(env, 1, 50_000)
    lend(env, env.member_ids[0], 30_000)  # flat 12 % for 6 months: 1,800 interest
    with env.db.write() as s:
        savings_fines.charge_fine(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                                  amount=25_000, reason="Custom", on=dt.date(2026, 4, 1))
    statement = settle(env, 0)
    # The loan first, then fines: 31,800 + 18,200 of the 25,000 fine; 6,800 fine still owed.
    assert [(d.label, d.owed, d.netted, d.left) for d in statement.debts] == \
        [("Loan 1", 31_800, 31_800, 0), ("Unpaid fines", 25_000, 18_200, 6_800)]
    assert (statement.payout, statement.debt_left) == (0, 6_800)
    assert balance(env, "loans_receivable", env.member_ids[0]) == 0
    assert balance(env, "interest_income") == 1_800
    assert balance(env, "fines_receivable", env.member_ids[0]) == 6_800
    assert balance(env, "member_savings", env.member_ids[0]) == 0
    with env.db.read() as s:
        from models.loans.queries import list_loans

        assert list_loans(s, env.user(s, "auditor"), env.group_id)[0].status == "closed"
    assert_ledger_whole(env)


def test_an_exit_settlement_is_not_reversed(env):
    deposit(env, 2, 20_000)
    settle(env, 2)
    with env.db.write() as s:
        from sqlalchemy import select

        from models.core.schema import JournalEntry

        entry = s.scalar(select(JournalEntry).where(JournalEntry.kind == "exit_settlement"))
        with pytest.raises(UserError):
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry.id, reason="oops")


def test_a_welfare_contribution_is_not_savings(env):
    deposit(env, 0, 10_000)
    post(env, Line("cash", 5_000), Line("welfare_fund", -5_000))
    with env.db.read() as s:
        rows = savings.member_savings(s, env.user(s, "auditor"), env.group_id)
    assert [r.savings for r in rows] == [10_000, 0, 0]
