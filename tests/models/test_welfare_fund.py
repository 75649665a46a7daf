"""The fund's money: dated settings, contributions in the meeting grid and outside it,
joining fees, arrears, and the fund's reports."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from models.core import chart, ledger, members, settings
from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import JournalEntry, JournalLine
from models.meetings import columns as meeting_columns
from models.meetings.columns import CellContext
from models.welfare import (
    approval as welfare_approval,
)
from models.welfare import (
    fund as welfare_fund,
)
from models.welfare import (
    payout as welfare_payout,
)
from models.welfare import (
    register as welfare_register,
)
from tests.models.welfare_fixtures import (  # noqa: F401  (fund is a fixture)
    CONTRIBUTION,
    fund,
    record,
    set_settings,
)


def test_settings_are_dated_and_only_admins_change_them(env):
    with env.db.write() as s:
        defaults = welfare_fund.welfare_settings(s, env.group_id)
        assert defaults == welfare_fund.WelfareSettings(
            contribution=0, contribution_basis="meeting", joining_fee=0, min_reserve=0,
            reserve_extra_approvals=1, shortfall="partial", approvals_required=1,
            max_missed_contributions=2)
        with pytest.raises(PermissionDenied):
            welfare_fund.set_welfare_settings(
                s, env.user(s, "treasurer"), group_id=env.group_id,
                effective_from=dt.date(2026, 1, 1), values=replace(defaults, contribution=5))
        changed = welfare_fund.set_welfare_settings(
            s, env.user(s, "admin"), group_id=env.group_id, effective_from=dt.date(2026, 1, 1),
            values=replace(defaults, contribution=10_000, approvals_required=2))
        assert changed == ["welfare_contribution", "welfare_approvals_required"]
        assert welfare_fund.welfare_settings(s, env.group_id, dt.date(2025, 12, 31)) == defaults
        assert welfare_fund.welfare_settings(s, env.group_id).approvals_required == 2
        assert settings.history(s, env.group_id, "welfare_contribution") == [
            (dt.date(2026, 1, 1), 10_000)]


def test_bad_settings_are_listed_all_at_once(env):
    with env.db.write() as s:
        bad = replace(welfare_fund.welfare_settings(s, env.group_id), contribution=-1,
                      approvals_required=0, shortfall="maybe")
        with pytest.raises(ValidationError) as caught:
            welfare_fund.set_welfare_settings(s, env.user(s, "admin"), group_id=env.group_id,
                                              effective_from=dt.date(2026, 1, 1), values=bad)
    assert [str(p) for p in caught.value.problems] == [
        "In “Welfare contribution per member”: Enter a whole number of at least 0.",
        "In “When the fund is short”: Choose one of: partial, refuse.",
        "In “Leaders who must approve a claim”: Enter a whole number from 1 to 5.",
    ]


def test_the_meeting_grid_gets_a_welfare_column_once_a_contribution_is_set(env):
    with env.db.write() as s:
        assert "welfare" not in [c.key for c in meeting_columns.columns(s, env.group_id,
                                                                        dt.date(2026, 11, 15))]
        set_settings(s, env, dt.date(2026, 11, 1), contribution=10_000)
        column = next(c for c in meeting_columns.columns(s, env.group_id, dt.date(2026, 11, 15))
                      if c.key == "welfare")
        ctx = CellContext(env.group_id, env.member_ids[0], 41, dt.date(2026, 11, 15))
        assert column.expected(s, ctx) == 10_000
        assert [str(p) for p in column.validate(s, ctx, -5)] == [
            "A welfare contribution cannot be negative."]
        column.post(s, env.user(s, "treasurer"), ctx, 10_000)
        entry = s.scalar(select(JournalEntry).where(JournalEntry.meeting_id == 41))
        lines = {(ln.account_id, ln.member_id, ln.amount) for ln in entry.lines}
    with env.db.read() as s:
        cash = chart.account_id(s, env.group_id, "cash")
        fund_account = chart.account_id(s, env.group_id, "welfare_fund")
    assert entry.kind == "welfare_contribution"
    assert lines == {(cash, None, 10_000), (fund_account, env.member_ids[0], -10_000)}


def test_a_monthly_contribution_expects_only_what_is_unpaid_this_month(env):
    with env.db.write() as s:
        set_settings(s, env, dt.date(2026, 10, 1), contribution=20_000,
                     contribution_basis="month")
        welfare_fund.record_contribution(s, env.user(s, "treasurer"), group_id=env.group_id,
                                         member_id=env.member_ids[0], amount=5_000,
                                         on=dt.date(2026, 11, 3))
        ctx = CellContext(env.group_id, env.member_ids[0], 7, dt.date(2026, 11, 15))
        assert welfare_fund.MEETING_COLUMN.expected(s, ctx) == 15_000
        # October and November are due: 40,000, of which 5,000 is paid.
        status = welfare_fund.contribution_status(s, env.group_id, env.member_ids[0])
    assert (status.expected, status.paid, status.behind, status.missed) == (
        40_000, 5_000, 35_000, 2)


def test_arrears_count_meetings_held_since_joining_and_the_joining_fee(fund):
    with fund.db.write() as s:
        set_settings(s, fund, dt.date(2026, 9, 1), joining_fee=50_000)
        newcomer = members.add_member(s, fund.user(s, "admin"), group_id=fund.group_id,
                                      details=members.MemberDetails(
                                          name_lao="ນາງ ດາວ", gender="f",
                                          joined_on=dt.date(2026, 9, 10)))
        status = welfare_fund.contribution_status(s, fund.group_id, newcomer.id)
        # The fee plus the meetings of 15/09, 15/10 and 15/11.
        assert (status.expected, status.behind, status.missed) == (80_000, 80_000, 4)
        seq = welfare_fund.record_joining_fee(s, fund.user(s, "treasurer"),
                                              group_id=fund.group_id, member_id=newcomer.id)
        entry = s.scalar(select(JournalEntry).where(JournalEntry.seq == seq))
        assert (entry.kind, sum(ln.amount for ln in entry.lines if ln.amount > 0)) == (
            "welfare_joining_fee", 50_000)
        status = welfare_fund.contribution_status(s, fund.group_id, newcomer.id)
        assert (status.behind, status.missed) == (30_000, 3)
        standing = welfare_fund.members_not_in_good_standing(s, fund.user(s, "auditor"),
                                                            fund.group_id)
    assert [(r.name, r.contributions_behind, r.contributions_missed) for r in standing] == [
        ("ນາງ ດາວ", 30_000, 3)]


def test_a_contribution_outside_a_meeting_is_checked_and_posted(fund):
    with fund.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            welfare_fund.record_contribution(s, fund.user(s, "treasurer"),
                                             group_id=fund.group_id,
                                             member_id=fund.member_ids[0], amount=0,
                                             method="gold", on=dt.date(2026, 12, 1))
        assert [str(p) for p in caught.value.problems] == [
            "The amount must be more than zero.", "Choose cash or bank transfer.",
            "The date is in the future."]
        with pytest.raises(PermissionDenied):
            welfare_fund.record_contribution(s, fund.user(s, "leader"), group_id=fund.group_id,
                                             member_id=fund.member_ids[0], amount=10_000)
        welfare_fund.record_contribution(s, fund.user(s, "treasurer"), group_id=fund.group_id,
                                         member_id=fund.member_ids[0], amount=10_000,
                                         method="bank", note="Paid at the market")
        assert ledger.balance(s, fund.group_id, "bank") == 10_000
        assert welfare_fund.fund_position(s, fund.group_id).balance == 700_000


def test_fund_history_month_by_month(fund):
    with fund.db.write() as s:
        claim = record(s, fund, amount=500_000, event=dt.date(2026, 10, 20))
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id,
                          on=dt.date(2026, 10, 25))
        months = welfare_fund.fund_history(s, fund.user(s, "auditor"), fund.group_id,
                                           start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 20))
    assert [(m.month, m.contributions, m.granted, m.paid, m.owed, m.balance) for m in months] == [
        (dt.date(2026, 9, 1), 30_000, 0, 0, 0, 630_000),
        (dt.date(2026, 10, 1), 30_000, 500_000, 500_000, 0, 160_000),
        (dt.date(2026, 11, 1), 30_000, 0, 0, 0, 190_000),
    ]


def test_claims_register_and_who_claimed_what_this_year(fund):
    with fund.db.write() as s:
        leader, treasurer = fund.user(s, "leader"), fund.user(s, "treasurer")
        first = record(s, fund, amount=200_000, event=dt.date(2026, 3, 2))
        welfare_approval.approve_claim(s, leader, claim_id=first.id)
        welfare_payout.pay_claim(s, treasurer, claim_id=first.id, on=dt.date(2026, 3, 5))
        record(s, fund, code="childbirth", amount=250_000, event=dt.date(2026, 7, 1))
        refused = record(s, fund, member=1, amount=900_000, event=dt.date(2026, 8, 1))
        welfare_approval.reject_claim(s, leader, claim_id=refused.id, reason="Above the maximum")
        record(s, fund, member=2, amount=100_000, event=dt.date(2025, 12, 1))
        auditor = fund.user(s, "auditor")
        register = welfare_register.claims_register(s, auditor, fund.group_id)
        this_year = welfare_register.claims_by_member(s, auditor, fund.group_id, year=2026)
        refused_only = welfare_register.claims_register(s, auditor, fund.group_id,
                                                        status="rejected")
    assert [(c.number, c.member_name, c.type_label, c.status) for c in register] == [
        (4, "ທ້າວ ສົມ", "Hospitalization", "pending"),
        (3, "ນາງ ບົວ", "Hospitalization", "rejected"),
        (2, "ນາງ ແກ້ວ", "Childbirth", "pending"),
        (1, "ນາງ ແກ້ວ", "Hospitalization", "paid"),
    ]
    assert [(m.member_name, m.type_label, m.claims, m.asked, m.granted, m.paid)
            for m in this_year] == [
        ("ນາງ ແກ້ວ", "Childbirth", 1, 250_000, 0, 0),
        ("ນາງ ແກ້ວ", "Hospitalization", 1, 200_000, 200_000, 200_000),
    ]
    assert [(c.number, c.rejection_reason) for c in refused_only] == [(3, "Above the maximum")]


def test_welfare_fund_lines_carry_the_member(fund):
    """Each member's contributions can be read back from the ledger."""
    with fund.db.read() as s:
        per_member = ledger.member_balances(s, fund.group_id, "welfare_fund")
        unnamed = s.scalar(select(JournalLine.id).where(
            JournalLine.account_id == chart.account_id(s, fund.group_id, "welfare_fund"),
            JournalLine.member_id.is_(None)))
    assert per_member == {m: 23 * CONTRIBUTION for m in fund.member_ids}
    assert unnamed is None
