"""Who may do what, as the treasurer sees it: a closed button says which role may use it;
a role given to the signed-in administrator opens her buttons at once; she never approves
what she recorded herself; a claim that fails the rules is not approved but listed; paying
out a loan asks first."""
from __future__ import annotations

from decimal import Decimal

from desktop.screens import welfare as welfare_screen
from desktop.screens.loan_dialogs import DisburseDialog
from models.core import users
from models.loans.application import apply_for_loan, approve_loan
from models.loans.common import loan_by_id
from models.loans.statuses import ACTIVE, APPLIED, APPROVED
from models.welfare.schema import WelfareClaim
from tests.models.loan_support import save
from tests.models.welfare_fixtures import fund, record  # noqa: F401  (fund is a fixture)


def grant_in_window(window, role: str) -> None:  # noqa: ANN001
    """The administrator gives herself a role on the Users screen (as its dialog does)."""
    ctx = window.ctx
    assert window.ctx.run(window, lambda s, actor: users.grant_role(
        s, actor, user_id=actor.id, role=role, group_id=ctx.group_id), changed={"users"})


def test_a_new_administrator_is_told_who_may_record_and_her_new_role_applies_at_once(
        make_window):
    window = make_window("admin")
    meetings = window.show_section("meetings")
    button = meetings.today_button
    assert not button.isEnabled()
    assert button.toolTip().startswith(
        "Only a Treasurer may do this (record money). An administrator gives roles under "
        "“Users”.")
    assert "Shortcut: Ctrl+T" in button.toolTip()
    savings = window.show_section("savings")
    assert "Only a Treasurer may do this" in savings.deposit_button.toolTip()

    grant_in_window(window, "treasurer")
    assert savings.deposit_button.isEnabled()
    assert "Treasurer" not in savings.deposit_button.toolTip()
    meetings = window.show_section("meetings")
    assert meetings.today_button.isEnabled()
    assert meetings.today_button.toolTip() == "Shortcut: Ctrl+T"
    loans_screen = window.show_section("loans")
    assert "Only a Leader may do this (approve loans and claims)" in \
        loans_screen.buttons["approve"].toolTip()


def test_the_treasurer_who_is_also_a_leader_is_told_why_she_cannot_approve_her_own_entry(
        env, make_window):
    with env.db.write() as s:
        save(s, env, 0, 2_000_000)
    window = make_window("admin")
    grant_in_window(window, "treasurer")
    grant_in_window(window, "leader")
    with env.db.write() as s:
        admin = env.user(s, "admin")
        apply_for_loan(s, admin, group_id=env.group_id, member_id=env.member_ids[0],
                       amount=600_000, purpose="Sewing machine", installments=6,
                       annual_rate=Decimal(24), method="flat", guarantor_ids=())
    screen = window.show_section("loans")
    screen.refresh()
    assert screen.selected_loan().status == APPLIED
    approve = screen.buttons["approve"]
    assert not approve.isEnabled()
    assert approve.toolTip() == ("admin recorded this loan application, so another leader "
                                 "must approve it.")
    leader = make_window("leader")
    other = leader.show_section("loans")
    assert other.buttons["approve"].isEnabled() and other.buttons["approve"].toolTip() == ""


def test_paying_out_a_loan_asks_with_the_amount_and_the_member_first(env, make_window,
                                                                      messages, qtbot):
    with env.db.write() as s:
        save(s, env, 0, 2_000_000)
        row = apply_for_loan(
            s, env.user(s, "treasurer"), group_id=env.group_id, member_id=env.member_ids[0],
            amount=600_000, purpose="Sewing machine", installments=6, annual_rate=Decimal(24),
            method="flat", guarantor_ids=())
        approve_loan(s, env.user(s, "leader"), loan_id=row.id)
    screen = make_window("treasurer").show_section("loans")
    screen.refresh()
    payout = DisburseDialog(screen.ctx, screen.selected_loan(), parent=screen)
    qtbot.addWidget(payout)
    messages.answer = "no"
    assert not payout.save()
    assert messages.last.text == (
        "Pay out loan 1: give ນາງ ແກ້ວ 600,000 ₭ from the cash box on 20/11/2026? The money "
        "leaves the cash box in the books at once.")
    with env.db.read() as s:
        assert loan_by_id(s, row.id).status == APPROVED
    messages.answer = "yes"
    assert payout.save()
    with env.db.read() as s:
        assert loan_by_id(s, row.id).status == ACTIVE


def test_approving_a_claim_that_fails_the_rules_lists_them_and_approves_nothing(
        fund, make_window, messages, monkeypatch):
    with fund.db.write() as s:
        claim = record(s, fund, amount=700_000)
    screen = make_window("leader").show_section("welfare")
    screen.select_claim(claim.id)
    assert screen.approve_button.isEnabled()
    refused = []
    monkeypatch.setattr(welfare_screen.WelfareScreen, "reject",
                        lambda self: refused.append(self.selected_claim().number))
    messages.answer = "close"
    screen.approve()
    shown = messages.last
    assert shown.title == "This claim fails the rules"
    assert "Claim 1 of ນາງ ແກ້ວ for 700,000 ₭ fails these rules, so it cannot be approved:" \
        in shown.text
    assert "Asks 700,000 ₭, more than the most this type pays, 500,000 ₭." in shown.text
    assert shown.buttons == ["Close", "Refuse the claim…"]
    assert refused == []
    with fund.db.read() as s:
        assert welfare_status(s, claim.id) == "pending"
    messages.answer = "refuse"
    screen.approve()
    assert refused == [1]


def test_the_treasurer_leader_cannot_approve_the_claim_she_recorded(fund, make_window):
    with fund.db.write() as s:
        users.grant_role(s, fund.user(s, "admin"), user_id=fund.user_ids["treasurer"],
                         role="leader", group_id=fund.group_id)
        claim = record(s, fund, amount=300_000)
    screen = make_window("treasurer").show_section("welfare")
    screen.select_claim(claim.id)
    assert not screen.approve_button.isEnabled()
    assert screen.approve_button.toolTip() == ("treasurer recorded this claim, so another "
                                               "leader must approve it.")


def welfare_status(s, claim_id: int) -> str:  # noqa: ANN001
    return s.get(WelfareClaim, claim_id).status
