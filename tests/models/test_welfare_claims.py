"""The claim workflow: record → check → approve (leaders, never the claimant) → pay, with
the fund tying to its ledger accounts and ``verify`` passing at every step."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models.core import chart, ledger, users, verify
from models.core.errors import PermissionDenied, UserError, ValidationError
from models.core.schema import AuditEvent, Group, JournalEntry
from models.welfare import (
    approval as welfare_approval,
)
from models.welfare import (
    claims as welfare_claims,
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
from models.welfare import (
    types as welfare_types,
)
from tests.models.welfare_fixtures import (  # noqa: F401  (fund is a fixture)
    CONTRIBUTION,
    change_rule,
    fund,
    hold_meeting,
    record,
    set_settings,
)

FUND = 690_000  # what the fixture's 23 meetings collected


def assert_fund_ties(s, env, *, balance: int, owed: int = 0) -> None:
    """The fund's figures are its ledger accounts' and the whole ledger verifies."""
    position = welfare_fund.fund_position(s, env.group_id)
    assert position.balance == balance
    assert position.owed == owed
    assert position.balance == ledger.fund_balance(s, env.group_id, chart.WELFARE_FUND)
    assert position.contributions - position.granted + position.owed == position.balance
    assert position.owed == ledger.balance(s, env.group_id, "welfare_claims_payable")
    assert [str(p) for p in verify.verify_database(s)] == []


def entry_count(s, env) -> int:
    return s.get(Group, env.group_id).entry_count


def test_two_leaders_approve_and_the_treasurer_pays_from_the_box(fund):
    with fund.db.write() as s:
        set_settings(s, fund, dt.date(2026, 11, 1), approvals_required=2)
        second = users.create_user(s, fund.user(s, "admin"), username="leader2",
                                   display_name="Second Leader", password="demo")
        users.grant_role(s, fund.user(s, "admin"), user_id=second.id, role="leader",
                         group_id=fund.group_id)
        claim = record(s, fund, amount=450_000, note="Mahosot hospital, 3 nights",
                       evidence_note="Discharge paper seen")
        assert (claim.number, claim.status, claim.approvals_needed) == (1, "pending", 2)
        assert_fund_ties(s, fund, balance=FUND)

        row = welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        assert (row.status, row.approvals) == ("pending", ("Leader",))
        with pytest.raises(UserError, match="already approved claim 1"):
            welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        with pytest.raises(UserError, match="waiting for the leaders' approval"):
            welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        row = welfare_approval.approve_claim(s, second, claim_id=claim.id)
        assert (row.status, row.approvals) == ("approved", ("Leader", "Second Leader"))
        assert_fund_ties(s, fund, balance=FUND)

        paid = welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        assert (paid.paid, paid.owed) == (450_000, 0)
        assert_fund_ties(s, fund, balance=FUND - 450_000)
        assert ledger.balance(s, fund.group_id, "cash") == FUND - 450_000
        entry = s.scalar(select(JournalEntry).where(JournalEntry.seq == paid.entry_seq))
        assert (entry.kind, entry.claim_id) == ("welfare_payout", claim.id)
        row = welfare_register.get_claim(s, fund.user(s, "auditor"), claim.id)
        assert (row.status, row.granted, row.paid, row.owed) == ("paid", 450_000, 450_000, 0)
        assert row.status_label == "Paid"
        with pytest.raises(UserError, match="already paid"):
            welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)


def test_a_leader_never_approves_or_refuses_her_own_claim(fund):
    with fund.db.write() as s:
        leader = fund.user(s, "leader")
        users.link_member(s, fund.user(s, "admin"), user_id=leader.id,
                          member_id=fund.member_ids[0])
        own = record(s, fund)
        with pytest.raises(PermissionDenied, match="is the claimant"):
            welfare_approval.approve_claim(s, leader, claim_id=own.id)
        with pytest.raises(PermissionDenied, match="is the claimant"):
            welfare_approval.reject_claim(s, leader, claim_id=own.id, reason="no")
        # She may decide on other members' claims.
        other = record(s, fund, member=1)
        assert welfare_approval.approve_claim(s, leader, claim_id=other.id).status == "approved"


def test_only_leaders_approve_only_treasurers_record_and_pay(fund):
    with fund.db.write() as s:
        with pytest.raises(PermissionDenied):
            welfare_claims.record_claim(s, fund.user(s, "leader"), group_id=fund.group_id,
                                 draft=welfare_claims.ClaimDraft(fund.member_ids[0], 1,
                                                          dt.date(2026, 11, 1), "member", 1))
        claim = record(s, fund)
        for role in ("treasurer", "auditor", "admin"):
            with pytest.raises(PermissionDenied):
                welfare_approval.approve_claim(s, fund.user(s, role), claim_id=claim.id)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        with pytest.raises(PermissionDenied):
            welfare_payout.pay_claim(s, fund.user(s, "leader"), claim_id=claim.id)


def test_no_leader_can_approve_a_claim_that_fails_a_rule(fund):
    with fund.db.write() as s:
        claim = record(s, fund, amount=700_000)
        with pytest.raises(ValidationError) as caught:
            welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        assert str(caught.value) == ("Asks 700,000 ₭, more than the most this type pays, "
                                     "500,000 ₭.")


def test_a_refusal_keeps_its_reason(fund):
    with fund.db.write() as s:
        claim = record(s, fund, amount=700_000)
        with pytest.raises(UserError, match="Give the reason"):
            welfare_approval.reject_claim(s, fund.user(s, "leader"), claim_id=claim.id, reason="  ")
        welfare_approval.reject_claim(s, fund.user(s, "leader"), claim_id=claim.id,
                             reason="More than the fund pays for a hospital stay")
    with fund.db.read() as s:
        row = welfare_register.get_claim(s, fund.user(s, "auditor"), claim.id)
        assert (row.status, row.status_label, row.rejected_by, row.rejection_reason) == (
            "rejected", "Refused", "Leader", "More than the fund pays for a hospital stay")
        with pytest.raises(UserError, match="already refused"):
            welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        assert_fund_ties(s, fund, balance=FUND)


def test_fund_exhausted_pays_what_it_has_and_owes_the_rest(fund):
    with fund.db.write() as s:
        change_rule(s, fund, "death_member", dt.date(2024, 1, 1), max_amount=3_000_000)
        claim = record(s, fund, code="death_member", amount=900_000, member=2)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        paid = welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        assert (paid.paid, paid.owed) == (FUND, 900_000 - FUND)
        # The box is empty; the fund owes the family 210,000.
        assert_fund_ties(s, fund, balance=0, owed=900_000 - FUND)
        position = welfare_fund.fund_position(s, fund.group_id)
        assert (position.cash, position.available) == (0, -210_000)
        assert welfare_register.get_claim(s, fund.user(s, "auditor"), claim.id).status_label == \
            "Partly paid"

        # The next claim gets nothing until what is owed is paid.
        second = record(s, fund, member=1, amount=100_000)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=second.id)
        with pytest.raises(UserError, match="The welfare fund has only 0 ₭ free"):
            welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=second.id)
        assert welfare_register.get_claim(s, fund.user(s, "auditor"),
                                          second.id).status == "approved"
    with fund.db.write() as s:
        # Another meeting brings 30,000; the fund pays it on what it owes.
        hold_meeting(s, fund, dt.date(2026, 11, 19), 500,
                     {0: CONTRIBUTION, 1: CONTRIBUTION, 2: CONTRIBUTION})
        later = welfare_payout.pay_owed(s, fund.user(s, "treasurer"), claim_id=claim.id)
        assert (later.paid, later.owed) == (30_000, 900_000 - FUND - 30_000)
        assert_fund_ties(s, fund, balance=0, owed=900_000 - FUND - 30_000)
        with pytest.raises(UserError, match="Nothing can be paid on claim 1 now"):
            welfare_payout.pay_owed(s, fund.user(s, "treasurer"), claim_id=claim.id)


def test_fund_exhausted_refuses_when_the_group_pays_only_in_full(fund):
    with fund.db.write() as s:
        set_settings(s, fund, dt.date(2026, 11, 1), shortfall="refuse")
        change_rule(s, fund, "death_member", dt.date(2024, 1, 1), max_amount=3_000_000)
        claim = record(s, fund, code="death_member", amount=900_000, member=2)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        before = entry_count(s, fund)
        with pytest.raises(UserError) as caught:
            welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        assert str(caught.value) == (
            "The welfare fund has only 690,000 ₭ free to pay claims. Claim 1 is 900,000 ₭ "
            "and the group pays claims only in full: it waits until the fund has enough.")
        assert entry_count(s, fund) == before
        assert welfare_register.get_claim(s, fund.user(s, "auditor"), claim.id).status == "approved"
        assert_fund_ties(s, fund, balance=FUND)


def test_the_cash_box_limits_a_cash_payout_too(fund):
    with fund.db.write() as s:
        # 600,000 of the box went to the bank.
        ledger.post_entry(s, fund.user(s, "treasurer"), group_id=fund.group_id,
                          value_date=dt.date(2026, 11, 18), kind="transfer",
                          lines=[ledger.debit("bank", 600_000), ledger.credit("cash", 600_000)])
        set_settings(s, fund, dt.date(2026, 11, 1), shortfall="refuse")
        claim = record(s, fund, amount=200_000)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        with pytest.raises(UserError, match="The cash box holds only 90,000 ₭"):
            welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        paid = welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id,
                                 method="bank")
        assert paid.paid == 200_000
        assert ledger.balance(s, fund.group_id, "bank") == 400_000
        assert_fund_ties(s, fund, balance=FUND - 200_000)


def test_a_payout_below_the_reserve_needs_an_extra_approval(fund):
    with fund.db.write() as s:
        set_settings(s, fund, dt.date(2026, 11, 1), min_reserve=300_000)
        second = users.create_user(s, fund.user(s, "admin"), username="leader2",
                                   display_name="Second Leader", password="demo")
        users.grant_role(s, fund.user(s, "admin"), user_id=second.id, role="leader",
                         group_id=fund.group_id)
        small = record(s, fund, amount=300_000)  # leaves 390,000: above the reserve
        assert small.approvals_needed == 1
        large = record(s, fund, member=1, amount=450_000)  # would leave 240,000
        assert large.approvals_needed == 2
        assert welfare_approval.approve_claim(s, fund.user(s, "leader"),
                                              claim_id=large.id).status == \
            "pending"
        assert welfare_approval.approve_claim(s, second, claim_id=large.id).status == "approved"
        # Approved while the fund was fuller; once the small claim is paid the reserve
        # rule is asked again at payment.
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=small.id)
        welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=small.id)
        set_settings(s, fund, dt.date(2026, 11, 20), reserve_extra_approvals=2)
        with pytest.raises(UserError, match="below its reserve of 300,000 ₭: it needs 3 "
                                            "approvals and has 2"):
            welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=large.id)
        assert_fund_ties(s, fund, balance=FUND - 300_000)


def test_reversing_a_payout_puts_the_claim_back_to_be_paid(fund):
    with fund.db.write() as s:
        change_rule(s, fund, "death_member", dt.date(2024, 1, 1), max_amount=3_000_000)
        claim = record(s, fund, code="death_member", amount=800_000, member=2)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        paid = welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        hold_meeting(s, fund, dt.date(2026, 11, 19), 500, {0: CONTRIBUTION})
        settled = welfare_payout.pay_owed(s, fund.user(s, "treasurer"), claim_id=claim.id)
        payout = s.scalar(select(JournalEntry.id).where(JournalEntry.seq == paid.entry_seq))
        with pytest.raises(UserError, match="Reverse the payments of what was owed on claim 1"):
            ledger.reverse_entry(s, fund.user(s, "treasurer"), entry_id=payout,
                                 reason="Paid to the wrong family")
        owed_entry = s.scalar(select(JournalEntry.id)
                              .where(JournalEntry.seq == settled.entry_seq))
        ledger.reverse_entry(s, fund.user(s, "treasurer"), entry_id=owed_entry,
                             reason="Paid to the wrong family")
        ledger.reverse_entry(s, fund.user(s, "treasurer"), entry_id=payout,
                             reason="Paid to the wrong family")
        row = welfare_register.get_claim(s, fund.user(s, "auditor"), claim.id)
        assert (row.status, row.granted, row.owed) == ("approved", 0, 0)
        assert_fund_ties(s, fund, balance=FUND + CONTRIBUTION)


def test_a_contribution_already_paid_out_cannot_be_reversed(fund):
    with fund.db.write() as s:
        change_rule(s, fund, "death_member", dt.date(2024, 1, 1), max_amount=3_000_000)
        seq = welfare_fund.record_contribution(s, fund.user(s, "treasurer"),
                                               group_id=fund.group_id,
                                               member_id=fund.member_ids[0], amount=10_000)
        claim = record(s, fund, code="death_member", amount=FUND + 10_000, member=2)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        entry = s.scalar(select(JournalEntry.id).where(JournalEntry.seq == seq))
        with pytest.raises(UserError, match="was paid out already"):
            ledger.reverse_entry(s, fund.user(s, "treasurer"), entry_id=entry,
                                 reason="Counted twice")
        assert_fund_ties(s, fund, balance=0)


def test_verify_names_benefits_posted_behind_the_workflows_back(fund):
    with fund.db.write() as s:
        treasurer = fund.user(s, "treasurer")
        # The box also holds 500,000 of savings; 800,000 of "benefits" leave without a claim.
        ledger.post_entry(s, treasurer, group_id=fund.group_id,
                          value_date=dt.date(2026, 11, 18), kind="deposit",
                          lines=[ledger.debit("cash", 500_000),
                                 ledger.credit("member_savings", 500_000,
                                               member_id=fund.member_ids[0])])
        ledger.post_entry(s, treasurer, group_id=fund.group_id,
                          value_date=dt.date(2026, 11, 19), kind="manual",
                          lines=[ledger.debit("welfare_payouts", 800_000),
                                 ledger.credit("cash", 800_000)])
        problems = [str(p) for p in verify.verify_database(s)]
    # (Other capabilities' checks may have their own words on such entries.)
    assert [p for p in problems if "welfare" in p] == [
        "Group ກຸ່ມຕັດຫຍິບ: the welfare fund is overdrawn by 110,000 ₭.",
        "Group ກຸ່ມຕັດຫຍິບ: 1 welfare benefit lines belong to no claim.",
    ]


def test_every_step_is_in_the_audit_log(fund):
    with fund.db.write() as s:
        claim = record(s, fund)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        actions = list(s.scalars(select(AuditEvent.action)
                                 .where(AuditEvent.action.like("welfare.claim.%"))
                                 .order_by(AuditEvent.id)))
    assert actions == ["welfare.claim.record", "welfare.claim.approve", "welfare.claim.pay"]


def test_claim_types_start_with_the_defaults_and_admins_add_their_own(env):
    with env.db.write() as s:
        assert welfare_types.claim_types(s, env.user(s, "auditor"), env.group_id) == []
        assert welfare_types.ensure_default_claim_types(s, env.group_id)
        assert not welfare_types.ensure_default_claim_types(s, env.group_id)
        rule = welfare_types.ClaimRule(max_amount=150_000, beneficiaries=("member",))
        with pytest.raises(PermissionDenied):
            welfare_types.add_claim_type(s, env.user(s, "treasurer"), group_id=env.group_id,
                                         name="Fire", rule=rule,
                                         effective_from=dt.date(2026, 1, 1))
        welfare_types.add_claim_type(s, env.user(s, "admin"), group_id=env.group_id,
                                     name="House fire", rule=rule,
                                     effective_from=dt.date(2026, 1, 1))
        with pytest.raises(ValidationError) as caught:
            welfare_types.add_claim_type(
                s, env.user(s, "admin"), group_id=env.group_id, name="house fire",
                rule=welfare_types.ClaimRule(max_amount=0, beneficiaries=()),
                effective_from=dt.date(2026, 1, 1))
        assert [str(p) for p in caught.value.problems] == [
            "There is already a claim type called house fire.",
            "The maximum amount must be more than zero.",
            "Choose who the benefit may be for.",
        ]
        rows = welfare_types.claim_types(s, env.user(s, "auditor"), env.group_id)
    assert [(r.code, r.label, r.rule.max_amount) for r in rows] == [
        ("hospitalization", "Hospitalization", 500_000),
        ("surgery", "Surgery", 1_000_000),
        ("childbirth", "Childbirth", 300_000),
        ("death_member", "Death of a member", 2_000_000),
        ("death_family", "Death of a spouse, child or parent", 1_000_000),
        ("custom_6", "House fire", 150_000),
    ]


def test_a_stopped_claim_type_takes_no_new_claims(fund):
    with fund.db.write() as s:
        tid = s.scalar(select(func.min(welfare_types.WelfareClaimType.id)))
        welfare_types.update_claim_type(s, fund.user(s, "admin"), claim_type_id=tid,
                                        name="Hospitalization", is_active=False)
        with pytest.raises(ValidationError, match="no longer pays claims of this kind"):
            record(s, fund)
