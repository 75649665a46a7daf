"""NSSF pooling, as a treasurer lives it: the scheme's figures, enrolling, filling the pots,
the monthly run with its shortage policies, and what the ledger and verify make of it."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import clock, ledger
from models.core.errors import LedgerIntegrityError, UserError, ValidationError
from models.nssf import coverage, pot, remittance, scheme
from models.nssf import enrolment as enrolments
from models.nssf.enrolment import ACTIVE, IN_GRACE, LAPSED
from models.savings import accounts as savings
from models.savings import debts as savings_debts
from models.savings import exits as savings_exits
from tests.models.nssf_support import (
    LEVEL,
    MONTHLY,
    NOV,
    deposit,
    enrol,
    pooling,
    problems,
    run,
    set_scheme,
)
from tests.models.savings_support import with_rules


def csv_render(data, fmt):
    return repr((data.columns, data.rows, data.totals)).encode()


def test_the_contribution_is_nine_percent_of_the_level_valid_that_month(env):
    with env.db.read() as s:
        now = scheme.scheme(s, env.group_id, dt.date(2026, 11, 20))
        assert now.provisional
        assert now.levels[0] == 2_500_000 and now.levels[-1] == 4_500_000
        assert scheme.contribution(now, 2_500_000) == 225_000
        assert scheme.split(now, 2_500_000, 225_000) == (31_250, 62_500, 131_250)
        assert scheme.contribution(now, 4_500_000) == 405_000
    set_scheme(env, on=dt.date(2027, 1, 1), rate="10")
    with env.db.read() as s:
        assert scheme.contribution(scheme.scheme(s, env.group_id, dt.date(2026, 12, 1)),
                                   LEVEL) == 225_000
        assert scheme.contribution(scheme.scheme(s, env.group_id, dt.date(2027, 1, 1)),
                                   LEVEL) == 250_000


def test_a_level_outside_the_table_or_below_the_minimum_wage_is_refused(env):
    pooling(env)
    with env.db.write() as s, pytest.raises(ValidationError) as caught:
        enrolments.enrol(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                         ss_number="", level=2_400_000, hospital="", start_month=NOV)
    messages = [str(p) for p in caught.value.problems]
    assert "Enter her social-security number." in messages
    assert "Enter the hospital she chose." in messages
    assert any(m.startswith("2,400,000 is not a level offered on 01/11/2026") for m in messages)
    with env.db.write() as s, pytest.raises(ValidationError):
        # In the table, but below the minimum wage in force since 1/10/2024.
        enrolments.enrol(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                         ss_number="SS-1", level=1_700_000, hospital="Mahosot", start_month=NOV)
    enrol(env, 0)
    with env.db.write() as s, pytest.raises(ValidationError) as caught:
        enrolments.enrol(s, env.user(s, "treasurer"), member_id=env.member_ids[1],
                         ss_number="SS-0001", level=LEVEL, hospital="Mahosot", start_month=NOV)
    assert [str(p) for p in caught.value.problems] == [
        "The social-security number SS-0001 belongs to another member."]


def test_an_official_table_replaces_the_provisional_one_from_its_date(env):
    with env.db.write() as s:
        scheme.set_level_table(s, env.user(s, "admin"), group_id=env.group_id,
                               levels=[2_500_000, 3_000_000, 4_500_000],
                               effective_from=dt.date(2026, 12, 1))
        with pytest.raises(UserError):
            scheme.set_level_table(s, env.user(s, "treasurer"), group_id=env.group_id,
                                   levels=[2_500_000], effective_from=dt.date(2026, 12, 1))
    with env.db.read() as s:
        assert scheme.scheme(s, env.group_id, dt.date(2026, 11, 30)).provisional
        official = scheme.scheme(s, env.group_id, dt.date(2026, 12, 1))
        assert not official.provisional and official.levels == (2_500_000, 3_000_000, 4_500_000)


def test_the_minimum_wage_rise_moves_the_floor_from_its_date(env):
    pooling(env)
    with env.db.read() as s:
        assert scheme.scheme(s, env.group_id, dt.date(2023, 9, 30)).levels[0] == 1_300_000
        # 1,600,000 from 1/10/2023: 1.3M and 1.5M are no longer offered.
        assert scheme.scheme(s, env.group_id, dt.date(2023, 10, 1)).levels[0] == 1_700_000
    enrol(env, 0)
    with env.db.write() as s:
        scheme.record_minimum_wage(s, env.user(s, "admin"), group_id=env.group_id,
                                   amount=2_900_000, effective_from=dt.date(2027, 1, 1))
    with env.db.read() as s:
        december = scheme.scheme(s, env.group_id, dt.date(2026, 12, 31))
        january = scheme.scheme(s, env.group_id, dt.date(2027, 1, 1))
        assert december.levels[0] == 2_500_000
        assert january.levels[0] == 2_900_000
        # Keo chose 2,500,000: from January she pays on the new floor.
        assert scheme.level_for_month(december, LEVEL) == 2_500_000
        assert scheme.contribution(january, scheme.level_for_month(january, LEVEL)) == 261_000


def test_grace_and_lapse_are_read_from_what_was_paid(env):
    pooling(env)
    enrol(env, 0, start=dt.date(2026, 8, 1))
    with env.db.read() as s:
        row = enrolments.member_enrolment(s, env.user(s, "auditor"), env.member_ids[0])
    # August, September and October unpaid: August is three months old, still in grace.
    assert (row.status, row.oldest_unpaid, row.pay_by) == (IN_GRACE, dt.date(2026, 8, 1),
                                                           dt.date(2026, 11, 1))
    with env.db.read() as s:
        warnings = coverage.grace_warnings(s, env.user(s, "treasurer"), env.group_id)
    assert [(w.name, w.months_left, w.amount_needed) for w in warnings] == [
        ("ນາງ ແກ້ວ", 0, 3 * MONTHLY)]
    clock.set_now(dt.datetime(2026, 12, 1, 9, 0))
    with env.db.read() as s:
        row = enrolments.member_enrolment(s, env.user(s, "auditor"), env.member_ids[0])
    assert (row.status, row.oldest_unpaid) == (LAPSED, dt.date(2026, 8, 1))
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    deposit(env, 0, 4 * MONTHLY)
    batch = run(env)
    assert (batch.member_months, batch.total) == (4, 4 * MONTHLY)
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=batch.id, fmt="csv",
                                render=csv_render)
        row = enrolments.member_enrolment(s, env.user(s, "auditor"), env.member_ids[0])
    assert (row.status, row.covered_through) == (ACTIVE, NOV)


def test_a_lapsed_member_is_reinstated_with_a_new_contract(env):
    pooling(env)
    first = enrol(env, 0, start=dt.date(2026, 8, 1))
    clock.set_now(dt.datetime(2027, 1, 5, 9, 0))
    with env.db.read() as s:
        preview = remittance.preview_run(s, env.user(s, "treasurer"), group_id=env.group_id,
                                         month=dt.date(2027, 1, 1))
    assert preview.rows[0].status == LAPSED and preview.rows[0].paid == 0
    second = enrol(env, 0, start=dt.date(2027, 1, 1))
    with env.db.read() as s:
        rows = enrolments.enrolments(s, env.user(s, "auditor"), env.group_id, include_past=True)
    assert [(r.id, r.status, r.follows_id) for r in rows] == [(first, LAPSED, None),
                                                             (second, ACTIVE, first)]


def test_the_pot_pays_first_and_never_goes_below_zero(env):
    pooling(env)
    enrol(env, 0)
    deposit(env, 0, 300_000)
    with env.db.write() as s:
        assert pot.projection(s, env.group_id, env.member_ids[0], LEVEL) == 1
        with pytest.raises(ValidationError):  # the rule: only after leaving the scheme
            pot.withdraw_from_pot(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                                  amount=10_000, on=dt.date(2026, 11, 20))
    set_scheme(env, withdrawals="any_time")
    with env.db.write() as s, pytest.raises(ValidationError) as caught:
        pot.withdraw_from_pot(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                              amount=300_001, on=dt.date(2026, 11, 20))
    assert [str(p) for p in caught.value.problems] == ["ນາງ ແກ້ວ's NSSF pot holds only 300,000 ₭."]
    batch = run(env)
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=batch.id, fmt="csv",
                                render=csv_render)
        assert pot.pot_balance(s, env.group_id, env.member_ids[0]) == 75_000
        deposit_entry = ledger.entries(s, env.user(s, "auditor"), env.group_id)
        first = next(e for e in deposit_entry if e.kind == "nssf_deposit")
    with env.db.write() as s, pytest.raises(UserError):
        # Reversing the deposit would take her pot below zero.
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=first.id, reason="typo")
    assert problems(env) == []


def test_skip_leaves_a_short_member_in_grace(env):
    pooling(env)
    enrol(env, 0)
    enrol(env, 1)
    deposit(env, 0, MONTHLY)
    deposit(env, 1, 100_000)
    with env.db.read() as s:
        preview = remittance.preview_run(s, env.user(s, "treasurer"), group_id=env.group_id,
                                         month=NOV)
    keo, bua = preview.rows
    assert (keo.paid, keo.note) == (MONTHLY, "")
    assert (bua.paid, bua.months[0].skipped) == (0, True)
    assert bua.note == "Short: the month is skipped and she is in grace."
    batch = run(env)
    assert (batch.members, batch.total) == (1, MONTHLY)


def test_an_advance_from_the_loan_fund_is_her_debt_up_to_the_limit(env):
    pooling(env, shortage="advance", advance_limit_months=1, advance_rate="12")
    enrol(env, 0, start=dt.date(2026, 9, 1))
    deposit(env, 0, 100_000)
    with env.db.read() as s:
        preview = remittance.preview_run(s, env.user(s, "treasurer"), group_id=env.group_id,
                                         month=NOV)
    months = preview.rows[0].months
    # September: 100,000 from her pot and 125,000 advanced; October would pass the limit.
    assert [(m.period.month, m.from_pot, m.from_advance, m.skipped) for m in months] == [
        (9, 100_000, 125_000, False), (10, 0, 0, True), (11, 0, 0, True)]
    batch = run(env)
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=batch.id, fmt="csv",
                                render=csv_render)
        debts = savings_debts.member_debts(s, env.group_id, env.member_ids[0],
                                           dt.date(2026, 11, 20))
        assert [(d.source, d.amount) for d in debts] == [("nssf_advances", 125_000)]
        assert ledger.balance(s, env.group_id, "nssf_payable") == MONTHLY
    assert problems(env) == []


def test_the_subsidy_fund_pays_what_a_pot_lacks_while_it_has_money(env):
    pooling(env, shortage="subsidy")
    enrol(env, 0)
    enrol(env, 1)
    with env.db.write() as s:
        with pytest.raises(ValidationError):
            pot.record_grant(s, env.user(s, "treasurer"), group_id=env.group_id,
                             amount=300_000, donor=" ", on=dt.date(2026, 11, 2))
        pot.record_grant(s, env.user(s, "treasurer"), group_id=env.group_id, amount=300_000,
                         donor="Lao Women's Union", on=dt.date(2026, 11, 2))
    deposit(env, 0, 25_000)
    batch = run(env)
    assert (batch.total, batch.from_pot, batch.from_subsidy) == (MONTHLY, 25_000, 200_000)
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=batch.id, fmt="csv",
                                render=csv_render)
        assert pot.subsidy_balance(s, env.group_id) == 100_000
    assert problems(env) == []


def test_paying_ahead_is_limited_to_the_maximum_and_comes_from_her_pot(env):
    pooling(env, max_ahead_months=2)
    enrol(env, 0)
    deposit(env, 0, 10 * MONTHLY)
    with env.db.read() as s, pytest.raises(ValidationError) as caught:
        remittance.preview_run(s, env.user(s, "treasurer"), group_id=env.group_id, month=NOV,
                               ahead={env.member_ids[0]: 3})
    assert [str(p) for p in caught.value.problems] == ["At most 2 months can be paid ahead."]
    batch = run(env, ahead={env.member_ids[0]: 2})
    assert batch.member_months == 3
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=batch.id, fmt="csv",
                                render=csv_render)
        row = enrolments.member_enrolment(s, env.user(s, "auditor"), env.member_ids[0])
    assert row.covered_through == dt.date(2027, 1, 1)


def test_an_exported_batch_is_confirmed_with_the_lsso_receipt_and_paid_from_the_box(env):
    pooling(env)
    enrol(env, 0)
    deposit(env, 0, MONTHLY)
    batch = run(env)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        with pytest.raises(ValidationError):
            remittance.confirm_batch(s, treasurer, batch_id=batch.id, receipt="LSSO-1",
                                     paid_on=dt.date(2026, 11, 20))
        remittance.export_batch(s, treasurer, batch_id=batch.id, fmt="csv", render=csv_render)
        with pytest.raises(UserError):
            remittance.make_run(s, treasurer, group_id=env.group_id, month=NOV)
        row = remittance.confirm_batch(s, treasurer, batch_id=batch.id, receipt="LSSO-1",
                                       paid_on=dt.date(2026, 11, 20))
        assert (row.status, row.lsso_receipt) == ("confirmed", "LSSO-1")
        assert ledger.balance(s, env.group_id, "nssf_payable") == 0
        assert ledger.balance(s, env.group_id, "cash") == 0
        entry = next(e for e in ledger.entries(s, treasurer, env.group_id)
                     if e.kind == "nssf_remitted")
        with pytest.raises(UserError) as caught:
            ledger.reverse_entry(s, treasurer, entry_id=entry.id, reason="oops")
        assert "never reversed" in str(caught.value)
    assert problems(env) == []


def test_a_correction_batch_names_the_batch_it_corrects_and_pays_the_difference(env):
    pooling(env)
    enrol(env, 0)
    deposit(env, 0, 500_000)
    batch = run(env)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        remittance.export_batch(s, treasurer, batch_id=batch.id, fmt="csv", render=csv_render)
        with pytest.raises(UserError):
            remittance.make_correction(s, treasurer, batch_id=batch.id, note="nothing")
        enrolment_id = enrolments.latest_enrolment(s, env.member_ids[0]).id
        # She had asked for 2,700,000 from the start: the form was typed wrong.
        enrolments.change_level(s, treasurer, enrolment_id=enrolment_id, level=2_700_000,
                                from_month=NOV)
        fix = remittance.make_correction(s, treasurer, batch_id=batch.id,
                                         note="Level typed wrong")
        assert (fix.corrects_number, fix.total, fix.member_months) == (batch.number, 18_000, 1)
        remittance.export_batch(s, treasurer, batch_id=fix.id, fmt="csv", render=csv_render)
        assert pot.pot_balance(s, env.group_id, env.member_ids[0]) == 500_000 - 243_000
    assert problems(env) == []


def test_verify_ties_the_batches_to_the_ledger(env):
    pooling(env)
    enrol(env, 0)
    deposit(env, 0, MONTHLY)
    batch = run(env)
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=batch.id, fmt="csv",
                                render=csv_render)
    with env.db.write() as s:
        s.execute(remittance.NssfBatchLine.__table__.update().values(contribution=200_000))
    found = problems(env)
    assert any("the money of NSSF batch 1 in the ledger does not match its lines" in p
               for p in found)
    with env.db.write() as s, pytest.raises(LedgerIntegrityError):
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=batch.id, fmt="csv",
                                render=csv_render)


def test_at_exit_her_pot_is_paid_out_with_her_savings_and_her_contract_ends(env):
    pooling(env, shortage="advance")
    enrol(env, 0)
    deposit(env, 0, 300_000)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        statement = savings_exits.settlement_statement(s, treasurer, member_id=env.member_ids[0],
                                                 on=dt.date(2026, 11, 20))
        assert [(f.key, f.amount) for f in statement.funds] == [("nssf_pot", 300_000)]
    with env.db.write() as s:
        savings_exits.settle_exit(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                            on=dt.date(2026, 11, 20))
        assert pot.pot_balance(s, env.group_id, env.member_ids[0]) == 0
        assert ledger.balance(s, env.group_id, "cash") == 0
        row = enrolments.member_enrolment(s, env.user(s, "auditor"), env.member_ids[0])
        assert (row.status, row.end_reason) == ("ended", "left_group")
    assert problems(env) == []


def test_the_meeting_grid_has_a_pot_column_only_where_the_group_pools(env):
    from models.meetings import columns

    with env.db.read() as s:
        assert "nssf_pot" not in [c.key for c in columns.columns(s, env.group_id, NOV)]
    pooling(env)
    with env.db.read() as s:
        assert "nssf_pot" in [c.key for c in columns.columns(s, env.group_id, NOV)]


def test_savings_move_to_her_pot_only_as_far_as_the_savings_rules_allow(env):
    pooling(env)
    with_rules(env, max_shares=50)
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                               amount=500_000, on=dt.date(2026, 11, 2))
    with env.db.write() as s, pytest.raises(ValidationError) as caught:
        # This group's rules allow no withdrawal during the cycle: nothing can move.
        pot.transfer_from_savings(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                                  amount=10_000, on=dt.date(2026, 11, 20))
    assert "take out at most 0 ₭ now" in str(caught.value)
    with_rules(env, on=dt.date(2026, 11, 10), max_shares=50, withdrawals="allowed",
               withdrawal_max_percent=50)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        with pytest.raises(ValidationError):
            pot.transfer_from_savings(s, treasurer, member_id=env.member_ids[0],
                                      amount=260_000, on=dt.date(2026, 11, 20))
        receipt = pot.transfer_from_savings(s, treasurer, member_id=env.member_ids[0],
                                            amount=250_000, on=dt.date(2026, 11, 20))
        assert receipt.balance_after == 250_000
        assert savings.savings_balance(s, env.group_id, env.member_ids[0]) == 250_000
    assert problems(env) == []


def test_an_advance_is_repaid_or_netted_from_her_savings_when_she_leaves(env):
    pooling(env, shortage="advance", advance_limit_months=2)
    enrol(env, 0)
    batch = run(env)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        savings.record_deposit(s, treasurer, member_id=env.member_ids[0], amount=40_000,
                               on=dt.date(2026, 11, 2))
        remittance.export_batch(s, treasurer, batch_id=batch.id, fmt="csv", render=csv_render)
        assert pot.advance_owed(s, env.group_id, env.member_ids[0]) == MONTHLY
        with pytest.raises(ValidationError):
            pot.repay_advance(s, treasurer, member_id=env.member_ids[0], amount=MONTHLY + 1,
                              on=dt.date(2026, 11, 20))
        pot.repay_advance(s, treasurer, member_id=env.member_ids[0], amount=25_000,
                          on=dt.date(2026, 11, 20))
        statement = savings_exits.settle_exit(s, treasurer, member_id=env.member_ids[0],
                                        on=dt.date(2026, 11, 20))
        # Her 40,000 of savings pay part of the 200,000 she still owes.
        assert [(d.debt.source, d.netted, d.left) for d in statement.debts] == [
            ("nssf_advances", 40_000, 160_000)]
        assert statement.payout == 0
        assert pot.advance_owed(s, env.group_id, env.member_ids[0]) == 160_000
    assert problems(env) == []


def test_coverage_history_chart_and_planner(env):
    pooling(env, shortage="advance", advance_limit_months=12)
    enrol(env, 0, start=dt.date(2026, 9, 1))
    enrol(env, 1, start=dt.date(2026, 11, 1))
    deposit(env, 0, 3 * MONTHLY, on=dt.date(2026, 9, 15))
    clock.set_now(dt.datetime(2026, 9, 20, 9, 0))
    first = run(env, month=dt.date(2026, 9, 1), ahead={env.member_ids[0]: 1})
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=first.id, fmt="csv",
                                render=csv_render)
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    with env.db.read() as s:
        auditor = env.user(s, "auditor")
        rows = coverage.coverage(s, auditor, env.group_id)
        assert [(r.enrolment.name, r.status, r.enrolment.covered_through, r.pot,
                 r.months_in_pot) for r in rows] == [
            ("ນາງ ແກ້ວ", ACTIVE, dt.date(2026, 10, 1), MONTHLY, 1),
            ("ນາງ ບົວ", ACTIVE, None, 0, 0)]
        history = coverage.member_history(s, auditor, env.member_ids[0])
        assert [(h.period.month, h.batch_number, h.contribution) for h in history] == [
            (9, 1, MONTHLY), (10, 1, MONTHLY)]
        chart = coverage.coverage_over_time(s, auditor, env.group_id,
                                            start=dt.date(2026, 8, 1), end=NOV)
        assert [(c.month.month, c.covered, c.in_grace, c.enrolled) for c in chart] == [
            (8, 0, 0, 0), (9, 1, 0, 1), (10, 1, 0, 1), (11, 0, 2, 2)]
        plan = coverage.plan_year(s, auditor, env.group_id,
                                  expected={env.member_ids[0]: [0, 450_000] + [0] * 10})
        keo, bua = plan
        assert [m.due for m in keo.months[:3]] == [MONTHLY] * 3
        assert [(m.pot_after, m.advance) for m in keo.months[:3]] == [
            (0, 0), (225_000, 0), (0, 0)]
        assert keo.advance == 9 * MONTHLY and bua.advance == 12 * MONTHLY


def test_verify_refuses_a_negative_pot_even_if_a_posting_got_past_the_ledger(env, monkeypatch):
    pooling(env)
    enrol(env, 0)
    deposit(env, 0, 10_000)
    monkeypatch.setattr(ledger, "NON_NEGATIVE_MEMBER_ACCOUNTS", ())
    with env.db.write() as s:
        ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id,
                          value_date=dt.date(2026, 11, 20), kind="nssf_withdrawal",
                          lines=[ledger.Line("nssf_pot", 30_000, member_id=env.member_ids[0]),
                                 ledger.Line("cash", -10_000),
                                 ledger.Line("expenses", -20_000)])
    assert "Group ກຸ່ມຕັດຫຍິບ: ນາງ ແກ້ວ's NSSF pot is below zero (-20,000 ₭)." in problems(env)


def test_a_month_of_interest_is_charged_on_an_advance_at_the_next_run(env):
    pooling(env, shortage="advance", advance_limit_months=3, advance_rate="12")
    enrol(env, 0, start=dt.date(2026, 10, 1))
    clock.set_now(dt.datetime(2026, 10, 20, 9, 0))
    october = run(env, month=dt.date(2026, 10, 1))
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=october.id, fmt="csv",
                                render=csv_render)
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    deposit(env, 0, MONTHLY)
    november = run(env)
    with env.db.write() as s:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=november.id, fmt="csv",
                                render=csv_render)
        # 1 % a month on the 225,000 advanced in October; November's month came from her pot.
        assert pot.advance_owed(s, env.group_id, env.member_ids[0]) == MONTHLY + 2_250
        assert ledger.balance(s, env.group_id, "interest_income") == 2_250
    assert problems(env) == []


def test_an_old_draft_cannot_pay_a_month_a_later_run_already_paid(env):
    pooling(env)
    enrol(env, 0, start=dt.date(2026, 10, 1))
    deposit(env, 0, 2 * MONTHLY, on=dt.date(2026, 10, 15))
    clock.set_now(dt.datetime(2026, 10, 20, 9, 0))
    october = run(env, month=dt.date(2026, 10, 1))   # kept as a draft, forgotten
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    november = run(env)                               # October is late: paid here
    assert november.member_months == 2
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        remittance.export_batch(s, treasurer, batch_id=november.id, fmt="csv",
                                render=csv_render)
    with env.db.write() as s, pytest.raises(ValidationError) as caught:
        remittance.export_batch(s, env.user(s, "treasurer"), batch_id=october.id, fmt="csv",
                                render=csv_render)
    assert [str(p) for p in caught.value.problems] == [
        "ນາງ ແກ້ວ's pot holds 0 ₭ now, less than the 225,000 ₭ this draft takes from it; make "
        "the run again.",
        "ນາງ ແກ້ວ's 10/2026 was paid by another batch since this draft was made; make the "
        "run again."]
    assert problems(env) == []


@pytest.mark.parametrize("columns, refused", [
    ([["ss_number", "ID"], ["name", "id"]], "Two columns would have the header"),
    ([["ss_number", ""], ["name", "ເລກປະກັນສັງຄົມ"]], "Two columns would have the header"),
    ([["name", "Name\nof member"]], "must be on one line"),
    ([["name", "N" * 61]], "too long"),
], ids=["same header", "ours in Lao repeated", "two lines", "too long"])
def test_the_file_layout_is_refused_by_the_service_not_only_the_window(env, columns, refused):
    """The remittance file's columns are a dated setting any caller may write (the window,
    a bundle, a script): the rules of a header live with the setting. Nothing changes."""
    from models.core import settings

    with env.db.read() as s:
        before = settings.get(s, env.group_id, "nssf_file_columns", NOV)
    with pytest.raises(UserError, match=refused):
        set_scheme(env, file_columns=columns)
    with env.db.read() as s:
        assert settings.get(s, env.group_id, "nssf_file_columns", NOV) == before
