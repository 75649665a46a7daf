"""The share-out at the end of a cycle: previewed, then posted exactly as previewed, in each
method, with the rounding residue and what members owe handled in the open."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models.core import ledger
from models.core.errors import UserError, ValidationError
from models.core.ledger import Line
from models.core.schema import JournalEntry
from models.savings import accounts as savings
from models.savings import debts as savings_debts
from models.savings import exits as savings_exits
from models.savings import fines as savings_fines
from models.savings import shareout_posting, shareout_preview, shareout_records
from models.savings.rules import list_cycles
from tests.models.savings_support import (
    add_members,
    assert_ledger_whole,
    balance,
    lend,
    post,
    with_rules,
)

JAN, JUNE, TODAY = dt.date(2026, 1, 10), dt.date(2026, 6, 1), dt.date(2026, 11, 20)
METHODS = ("value_per_share", "time_weighted", "equal_profit")


def save(env, member_id, amount, on=JAN):
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=member_id, amount=amount,
                               on=on)


def earn(env, amount, on=JUNE):
    """Interest the loans earned, as the loans capability would post it."""
    post(env, Line("cash", amount), Line("interest_income", -amount), on=on)


def preview(env, **kw):
    with env.db.read() as s:
        return shareout_preview.preview_share_out(s, env.user(s, "treasurer"),
                                                  group_id=env.group_id,
                                                  on=kw.pop("on", TODAY), **kw)


def share_out(env, **kw):
    with env.db.write() as s:
        return shareout_posting.post_share_out(s, env.user(s, "treasurer"), group_id=env.group_id,
                                               on=kw.pop("on", TODAY), **kw)


@pytest.fixture
def worked_example(env):
    """DOMAIN.md's example: share price 5, twenty members of 45 shares each (900 shares),
    profit 900."""
    with_rules(env, share_price=5, max_shares=50)
    add_members(env, 17)
    for member_id in env.member_ids:
        save(env, member_id, 45 * 5)
    earn(env, 900)
    return env


@pytest.mark.parametrize("method", METHODS)
def test_the_worked_example_pays_270_to_a_member_of_45_shares(worked_example, method):
    env = worked_example
    p = preview(env, method=method)
    assert p.problems == ()
    assert (p.distributable, p.total_savings, p.total_shares, p.profit) == (5_400, 4_500, 900, 900)
    assert p.value_per_share == 6
    keo = p.rows[0]
    assert (keo.shares, keo.savings, keo.payout, keo.profit) == (45, 225, 270, 45)
    assert {r.payout for r in p.rows} == {270} and len(p.rows) == 20
    assert p.residue == 0
    share_out(env, method=method, carry_over="none")
    assert balance(env, "cash") == 0
    assert balance(env, "member_savings") == 0
    assert balance(env, "interest_income") == 0
    assert balance(env, "loan_fund_reserve") == 0
    assert_ledger_whole(env)


@pytest.fixture
def three_savers(env):
    """Keo 7 and Bua 11 shares since January, Som 13 shares since June; 1,000 a share;
    the loans earned 1,000."""
    with_rules(env, share_price=1_000, max_shares=20)
    keo, bua, som = env.member_ids
    save(env, keo, 7_000)
    save(env, bua, 11_000)
    save(env, som, 13_000, on=JUNE)
    earn(env, 1_000)
    return env


@pytest.mark.parametrize("method, payouts, residue", [
    # 32,000 / 31 shares = 1,032.26 a share: 7,225.8 / 11,354.8 / 13,419.4, rounded down.
    ("value_per_share", [7_225, 11_354, 13_419], 2),
    # share-days 7,000 × 314, 11,000 × 314, 13,000 × 172: profit 278.6 / 437.9 / 283.5.
    ("time_weighted", [7_278, 11_437, 13_283], 2),
    # 1,000 / 3 = 333.3 each.
    ("equal_profit", [7_333, 11_333, 13_333], 1),
])
def test_a_share_out_with_a_rounding_residue(three_savers, method, payouts, residue):
    env = three_savers
    p = preview(env, method=method, carry_over="none")
    assert [r.payout for r in p.rows] == payouts
    assert p.residue == residue
    assert p.total_payout + p.residue == p.distributable == 32_000
    posted = share_out(env, method=method, carry_over="none", preview_seq=p.ledger_seq)
    assert posted.share_out_id is not None
    # The residue stays in the loan fund reserve, carried to the next cycle, in the box.
    assert balance(env, "loan_fund_reserve") == residue
    assert balance(env, "cash") == residue
    assert balance(env, "share_out_payable") == 0
    with env.db.read() as s:
        record = shareout_records.share_out_record(s, env.user(s, "auditor"), posted.share_out_id)
    assert [(r.payout, r.cash) for r in record.rows] == [(x, x) for x in payouts]
    assert record.residue == residue
    assert_ledger_whole(env)


def test_payouts_round_down_to_the_smallest_note_and_the_rest_is_the_residue(three_savers):
    with_rules(three_savers, shareout_round_to=500)
    p = preview(three_savers, method="value_per_share")
    assert [r.payout for r in p.rows] == [7_000, 11_000, 13_000]
    assert p.residue == 1_000


def test_time_weighted_pays_early_savers_more_than_late_ones(three_savers):
    p = preview(three_savers, method="time_weighted")
    per_share = [r.profit / r.shares for r in p.rows]
    assert per_share[0] > per_share[2] and per_share[1] > per_share[2]


def test_savings_are_re_invested_into_the_next_cycle_at_its_share_price(three_savers):
    env = three_savers
    keo, bua, som = env.member_ids
    with_rules(env, on=dt.date(2026, 11, 1), share_price=2_000)
    p = preview(env, method="value_per_share", carry_over="all")
    assert (p.next_mode, p.next_share_price) == ("shares", 2_000)
    # All that buys whole shares at 2,000 goes back in; the odd kip are paid in cash.
    assert [(r.reinvest, r.cash) for r in p.rows] == [(6_000, 1_225), (10_000, 1_354),
                                                      (12_000, 1_419)]
    share_out(env, method="value_per_share", carry_over="all")
    with env.db.read() as s:
        cycles = list_cycles(s, env.user(s, "auditor"), env.group_id)
    assert [(c.number, c.start_date, c.closed_on, c.share_price) for c in cycles] == [
        (1, JAN, TODAY, 1_000), (2, TODAY, None, 2_000)]
    assert [balance(env, "member_savings", m) for m in (keo, bua, som)] == [6_000, 10_000, 12_000]
    assert balance(env, "cash") == 2 + 28_000
    assert_ledger_whole(env)


def test_each_member_chooses_what_to_re_invest(three_savers):
    env = three_savers
    keo, bua, som = env.member_ids
    p = preview(env, method="equal_profit", carry_over={keo: 7_000, bua: 500})
    assert [str(x) for x in p.problems] == [
        "ນາງ ບົວ's re-investment 500 ₭ is not a whole number of shares at 1,000 ₭."]
    p = preview(env, method="equal_profit", carry_over={keo: 8_000, 999: 1_000})
    assert [str(x) for x in p.problems] == ["ນາງ ແກ້ວ can re-invest at most 7,333 ₭.",
                                           "Member 999 has no payout to re-invest."]
    share_out(env, method="equal_profit", carry_over={keo: 7_000})
    assert [balance(env, "member_savings", m) for m in (keo, bua, som)] == [7_000, 0, 0]


def test_fines_owed_are_taken_from_the_payout(three_savers):
    env = three_savers
    keo = env.member_ids[0]
    with env.db.write() as s:
        savings_fines.charge_fine(s, env.user(s, "treasurer"), member_id=keo, amount=1_500,
                                  reason="Absent", on=JUNE)
    p = preview(env, method="value_per_share", carry_over="none")
    keo_row = p.rows[0]
    # The fine is income the fund earned: D is 33,500 now.
    assert p.distributable == 33_500
    assert (keo_row.payout, keo_row.netted, keo_row.cash) == (7_564, 1_500, 6_064)
    share_out(env, method="value_per_share", carry_over="none")
    assert balance(env, "fines_receivable", keo) == 0
    assert_ledger_whole(env)


def test_loans_block_the_share_out_when_the_rules_say_so(three_savers):
    env = three_savers
    with_rules(env, shareout_loans="block")
    lend(env, env.member_ids[1], 5_000, on=JUNE)  # flat 12 % for 6 months: 300 interest
    p = preview(env)
    assert [str(x) for x in p.problems] == [
        "ນາງ ບົວ still owes 5,300 ₭ on loans; the rules want every loan repaid before the "
        "share-out."]
    with pytest.raises(ValidationError):
        share_out(env)


def test_a_loan_is_paid_off_from_the_payout_and_its_interest_is_shared_out(three_savers):
    env = three_savers
    bua = env.member_ids[1]
    lend(env, bua, 5_000, on=JUNE)
    p = preview(env, method="value_per_share", carry_over="none")
    # Paying the loan off brings in its 300 interest: D = 32,000 + 300.
    assert (p.distributable, p.loan_interest) == (32_300, 300)
    assert [r.payout for r in p.rows] == [7_293, 11_461, 13_545] and p.residue == 1
    row = p.rows[1]
    assert (row.payout, row.netted, row.cash, row.debt_left) == (11_461, 5_300, 6_161, 0)
    assert [(d.label, d.netted) for d in row.debts] == [("Loan 1", 5_300)]
    posted = share_out(env, method="value_per_share", carry_over="none",
                       preview_seq=p.ledger_seq)
    with env.db.read() as s:
        record = shareout_records.share_out_record(s, env.user(s, "auditor"), posted.share_out_id)
    assert (record.loan_interest, record.distributable) == (300, 32_300)
    assert balance(env, "loans_receivable", bua) == 0
    assert balance(env, "interest_income") == 0  # shared out with the rest
    assert balance(env, "cash") == 1 == balance(env, "loan_fund_reserve")
    with env.db.read() as s:
        from models.loans.queries import list_loans

        assert list_loans(s, env.user(s, "auditor"), env.group_id)[0].status == "closed"
    assert_ledger_whole(env)


def test_a_loan_bigger_than_the_payout_takes_all_of_it_and_the_rest_stays_owed(three_savers):
    """Fault 1 (VSLA: the payout pays her debts first; no cash until they are cleared).

    Keo (7 shares) borrowed 20,000 on 01/06/2026, flat 12 % for 6 months: 200 interest
    and 3,333 principal a month (3,335 the last), 21,200 in all, none of it paid by the
    share-out on 20/11/2026. Her payout goes to the loan, oldest installment first,
    interest before principal: installments 1 and 2 (3,533 each) and 200 interest + 95
    principal of installment 3. That brings in 600 of interest, so D = 32,000 + 600 =
    32,600 and a share is worth 32,600 / 31 = 1,051.61: Keo 7 × → 7,361, Bua 11 × →
    11,567, Som 13 × → 13,670, residue 2. Keo's 7,361 all goes to the loan: no cash,
    21,200 − 7,361 = 13,839 still owed (13,239 of it principal). Old code netted nothing
    and paid her 7,225 in cash while she still owed 21,200."""
    env = three_savers
    keo, bua, som = env.member_ids
    lend(env, keo, 20_000, on=JUNE)
    post(env, Line("cash", 50_000), Line("welfare_fund", -50_000), on=JUNE)
    p = preview(env, method="value_per_share", carry_over="none")
    assert (p.loan_interest, p.distributable) == (600, 32_600)
    assert [r.payout for r in p.rows] == [7_361, 11_567, 13_670] and p.residue == 2
    keo_row = p.rows[0]
    assert (keo_row.payout, keo_row.netted, keo_row.cash, keo_row.debt_left) == \
        (7_361, 7_361, 0, 13_839)
    assert [(d.label, d.owed, d.netted, d.left) for d in keo_row.debts] == \
        [("Loan 1", 21_200, 7_361, 13_839)]
    # What stays lent must stay in the loan fund, not come out of the welfare money.
    assert [str(x) for x in p.problems] == [
        "13,239 ₭ stays lent out after the share-out but the new cycle starts with only 2 ₭; "
        "the payouts would use welfare money. Collect the loans or re-invest more."]
    carry = {som: 13_000, bua: 11_000}
    assert preview(env, method="value_per_share", carry_over=carry).problems == ()
    posted = share_out(env, method="value_per_share", carry_over=carry)
    assert balance(env, "loans_receivable", keo) == 13_239
    assert balance(env, "welfare_fund") == 50_000
    # 62,000 in the box less Bua's 567 and Som's 670 in cash; Keo takes none.
    assert balance(env, "cash") == 62_000 - 567 - 670 == 50_000 + 2 + 24_000 - 13_239
    with env.db.read() as s:
        record = shareout_records.share_out_record(s, env.user(s, "auditor"), posted.share_out_id)
    assert [(d.label, d.owed, d.netted, d.left) for d in record.rows[0].debts] == \
        [("Loan 1", 21_200, 7_361, 13_839)]
    assert_ledger_whole(env)


def test_exit_and_share_out_net_a_debt_by_the_same_rule(three_savers):
    """Keo owes 21,200 on a loan and has 7,000 saved. Leaving, her 7,000 of savings pay the
    loan as her share-out payout would (savings_debts.plan_netting): 7,000 netted, nothing in
    cash, 14,200 still owed on her loan."""
    env = three_savers
    keo = env.member_ids[0]
    lend(env, keo, 20_000, on=JUNE)
    with env.db.read() as s:
        statement = savings_exits.settlement_statement(s, env.user(s, "treasurer"), member_id=keo,
                                                       on=TODAY)
    assert (statement.netted, statement.payout, statement.debt_left) == (7_000, 0, 14_200)
    with env.db.read() as s:
        debts = savings_debts.member_debts(s, env.group_id, keo, TODAY)
    assert savings_debts.plan_netting(debts, 7_000) == list(statement.debts)


def test_welfare_money_is_not_shared_out(three_savers):
    env = three_savers
    post(env, Line("cash", 50_000), Line("welfare_fund", -50_000), on=JUNE)
    p = preview(env, carry_over="none")
    assert p.distributable == 32_000
    share_out(env, carry_over="none")
    assert balance(env, "cash") == 50_000 + p.residue
    assert balance(env, "welfare_fund") == 50_000


def test_the_payouts_need_the_cash_in_the_box(three_savers):
    from models.meetings import cashbox

    env = three_savers
    with env.db.write() as s:
        cashbox.transfer_cash(s, env.user(s, "treasurer"), group_id=env.group_id,
                              amount=30_000, direction="to_bank", on=JUNE)
    p = preview(env, carry_over="none")
    assert [str(x) for x in p.problems] == [
        "The payouts need 31,998 ₭ in cash but the box holds 2,000 ₭; bring money from the "
        "bank first."]


def test_posting_refuses_figures_that_changed_since_the_preview(three_savers):
    env = three_savers
    p = preview(env)
    earn(env, 500, on=TODAY)
    with pytest.raises(UserError, match="since the preview"):
        share_out(env, preview_seq=p.ledger_seq)


def test_nothing_can_be_recorded_in_a_cycle_already_shared_out(three_savers):
    env = three_savers
    share_out(env, on=dt.date(2026, 11, 1), carry_over="none")
    with pytest.raises(UserError, match="shared out"):
        save(env, env.member_ids[0], 1_000, on=dt.date(2026, 10, 20))
    save(env, env.member_ids[0], 1_000, on=TODAY)
    with env.db.write() as s:
        entry = s.scalar(select(JournalEntry)
                         .where(JournalEntry.kind == shareout_posting.KIND_SHARE_OUT))
        with pytest.raises(UserError, match="cannot be reversed"):
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry.id, reason="again")


def test_the_residue_is_shared_in_the_next_cycle(three_savers):
    env = three_savers
    share_out(env, on=dt.date(2026, 11, 1), method="value_per_share", carry_over="none")
    save(env, env.member_ids[0], 5_000, on=dt.date(2026, 11, 2))
    p = preview(env)
    assert p.distributable == 5_002
    assert p.rows[0].payout == 5_002


def test_a_free_amount_group_shares_out_per_kip_saved(env):
    with_rules(env, mode="free")
    keo, bua, _ = env.member_ids
    save(env, keo, 12_345)
    save(env, bua, 7_655)
    earn(env, 2_000)
    p = preview(env, method="value_per_share", carry_over="all")
    assert [(r.shares, r.payout, r.reinvest, r.cash) for r in p.rows] == [
        (12_345, 13_579, 13_579, 0), (7_655, 8_420, 8_420, 0)]
    assert p.residue == 1


def test_nothing_to_share_before_anyone_saved(env):
    save(env, env.member_ids[0], 10_000, on=TODAY)
    p = preview(env, method="time_weighted")
    assert [str(x) for x in p.problems] == [
        "Cycle 1 started on 20/11/2026; the share-out must come after that.",
        "No savings were held for a day yet; the time-weighted share-out has nothing to go by."]


holdings = st.dictionaries(st.integers(1, 50), st.tuples(st.integers(1, 10**9),
                                                         st.integers(0, 10**7)),
                           min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(holdings=holdings, profit=st.integers(0, 10**9), round_to=st.sampled_from([1, 500, 1000]),
       method=st.sampled_from(METHODS))
def test_a_share_out_conserves_money(holdings, profit, round_to, method):
    if method == "time_weighted" and not sum(w for _, w in holdings.values()):
        holdings = {m: (s, 1) for m, (s, _) in holdings.items()}
    fund = sum(s for s, _ in holdings.values()) + profit
    payouts, residue = shareout_preview.split(method, fund, holdings, round_to)
    assert sum(payouts.values()) + residue == fund
    assert 0 <= residue < len(holdings) * round_to
    assert all(p % round_to == 0 and p >= 0 for p in payouts.values())


def test_time_weighting_by_share_months_as_paper_books_count(three_savers):
    """The group counts share-months. From 10/01 to the share-out on 20/11/2026 Keo's
    7,000 and Bua's 11,000 were held 10 whole months (70,000 and 110,000 share-months);
    Som's 13,000 from 01/06, 5 whole months (65,000): 245,000 in all. The 1,000 profit
    goes 1,000 × 70/245 = 285.71 → 285 to Keo, 448.98 → 448 to Bua, 265.31 → 265 to
    Som, rounded down; residue 2."""
    env = three_savers
    with_rules(env, shareout_time_unit="months")
    p = preview(env, method="time_weighted")
    assert [r.weight for r in p.rows] == [70_000, 110_000, 65_000]
    assert [r.payout for r in p.rows] == [7_285, 11_448, 13_265] and p.residue == 2
    assert shareout_preview.whole_months(dt.date(2026, 1, 15), dt.date(2026, 3, 14)) == 1
    assert shareout_preview.whole_months(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 1


def test_a_member_leaving_below_par_gets_her_savings_current_value(three_savers):
    """The loans earned 1,000 but the group spent 4,100 (an expense), so the fund holds
    27,900 for 31,000 of savings: 90 %.
    Keo leaves with 7,000 saved; by the common rule (the default) she gets their current
    value, 7,000 × 27,900 / 31,000 = 6,300, and the 700 difference stays with the group,
    so the members who stay still have 90 % (21,600 for 24,000). The statement shows the
    700 before anything is posted. With the rule "all her savings" she gets 7,000."""
    env = three_savers
    keo = env.member_ids[0]
    post(env, Line("expenses", 4_100), Line("cash", -4_100), on=JUNE)
    with env.db.read() as s:
        statement = savings_exits.settlement_statement(s, env.user(s, "treasurer"), member_id=keo,
                                                       on=TODAY)
    assert (statement.savings, statement.below_par, statement.worth, statement.payout) == \
        (7_000, 700, 6_300, 6_300)
    with_rules(env, exit_below_par="par")
    with env.db.read() as s:
        assert savings_exits.settlement_statement(s, env.user(s, "treasurer"), member_id=keo,
                                                  on=TODAY).payout == 7_000
    with_rules(env, on=TODAY, exit_below_par="current_value")
    with env.db.write() as s:
        savings_exits.settle_exit(s, env.user(s, "treasurer"), member_id=keo, on=TODAY)
    assert balance(env, "member_savings", keo) == 0
    with env.db.read() as s:
        assert shareout_preview.distributable(s, env.group_id) == 21_600
    assert balance(env, "member_savings") == 24_000
    assert_ledger_whole(env)
