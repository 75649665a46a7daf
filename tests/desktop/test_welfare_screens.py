"""The welfare screens: the treasurer records a claim and sees its rule check, two leaders
approve it, the treasurer pays it and prints the voucher — all through the windows."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt

from desktop.qt_i18n import switch_language
from desktop.screens import welfare_dialogs
from desktop.screens.welfare_dialogs import (
    ClaimDialog,
    ContributionDialog,
    PayDialog,
    RejectDialog,
)
from desktop.screens.welfare_setup import RuleDialog, TypeDialog
from desktop.widgets.tables import RowTableModel
from models.core import users, verify
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
from tests.desktop.conftest import english_left, save_papers_to
from tests.models.welfare_fixtures import (  # noqa: F401  (fund is a fixture)
    fund,
    hold_meeting,
    record,
    set_settings,
)


@pytest.fixture
def two_leaders(fund):
    """The fund asks two leaders to approve; ``leader2`` (Chan) is the second."""
    with fund.db.write() as s:
        set_settings(s, fund, dt.date(2026, 11, 1), approvals_required=2)
        chan = users.create_user(s, fund.user(s, "admin"), username="leader2",
                                 display_name="Chan", password="demo")
        users.grant_role(s, fund.user(s, "admin"), user_id=chan.id, role="leader",
                         group_id=fund.group_id)
    return fund


def open_welfare(window):  # noqa: ANN001, ANN201
    return window.show_section("welfare")


def claim_row(screen, number: int) -> welfare_register.ClaimRow:  # noqa: ANN001
    return next(c for c in screen.claims_model.rows if c.number == number)


def choose(combo, data) -> None:  # noqa: ANN001
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def fill_claim(dialog: ClaimDialog, env, *, amount: str) -> None:  # noqa: ANN001
    choose(dialog.member, env.member_ids[0])
    dialog.claim_type.setCurrentIndex(dialog.claim_type.findText("Hospitalization"))
    dialog.event_date.setText("10/11/2026")
    choose(dialog.beneficiary, "member")
    dialog.amount.setText(amount)
    dialog.evidence.setText("Mahosot discharge paper")
    dialog.update_check()


def test_a_claim_is_recorded_checked_approved_by_two_leaders_and_paid(
        two_leaders, make_window, qtbot, messages, monkeypatch, tmp_path):
    env = two_leaders
    treasurer = make_window("treasurer")
    screen = open_welfare(treasurer)
    assert screen.summary.text() == ("In the fund: 690,000 ₭ · free for new claims: "
                                     "690,000 ₭ · owed to members: 0 ₭")

    # The treasurer fills in the claim; the rule check follows the form.
    dialog = ClaimDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    assert dialog.check_hint.text().startswith("Fill in the form to see the rule check")
    fill_claim(dialog, env, amount="600,000")
    failed = [r.rule for r in dialog.check.rules_model.rows if not r.passed]
    assert failed == ["cap"]
    rules = dialog.check.rules_model
    colours = [rules.data(rules.index(r, 1), Qt.ItemDataRole.ForegroundRole)
               for r in range(rules.rowCount())]
    assert [c is not None for c in colours] == [r.rule == "cap" for r in rules.rows]
    assert dialog.check_hint.text() == ("Rules that fail: 1. The leaders will have to refuse "
                                        "this claim.")
    dialog.amount.setText("450,000")
    dialog.update_check()
    assert [r.passed for r in dialog.check.rules_model.rows] == [True] * 7
    assert dialog.check_hint.text() == "Every rule passes."
    assert dialog.save()
    claim = claim_row(screen, 1)
    assert (claim.status, claim.amount_asked, claim.evidence_note) == (
        "pending", 450_000, "Mahosot discharge paper")
    assert screen.claims_model.data(screen.claims_model.index(0, 9)) == "0 / 2"
    assert not screen.approve_button.isEnabled()  # treasurers do not approve
    assert not screen.pay_button.isEnabled()

    # The first leader sees the same rule check and approves.
    leader = open_welfare(make_window("leader"))
    leader.select_claim(claim.id)
    assert [r.explanation for r in leader.check.rules_model.rows][3] == (
        "Asks 450,000 ₭; the most is 500,000 ₭.")
    assert leader.approve_button.isEnabled() and not leader.pay_button.isEnabled()
    leader.approve()
    assert messages.last.text == "Approve claim 1 of ນາງ ແກ້ວ for 450,000 ₭?"
    assert claim_row(leader, 1).status == "pending"
    assert leader.claims_model.data(leader.claims_model.index(0, 9)) == "1 / 2"
    assert not leader.approve_button.isEnabled()  # she has approved already

    # The second leader approves: the claim can be paid.
    chan_window = make_window("leader2")
    chan = open_welfare(chan_window)
    chan.select_claim(claim.id)
    chan.approve()
    assert claim_row(chan, 1).status == "approved"
    assert claim_row(chan, 1).approvals == ("Leader", "Chan")
    assert chan_window.statusBar().currentMessage() == (
        "Claim 1 is approved; the treasurer can pay it.")

    # The treasurer pays from the cash box and prints the voucher.
    screen.refresh()
    screen.select_claim(claim.id)
    assert screen.pay_button.isEnabled()
    pay = PayDialog(screen.ctx, claim_row(screen, 1), parent=screen)
    qtbot.addWidget(pay)
    assert pay.fund_note.text() == ("The fund holds 690,000 ₭; 690,000 ₭ of it is free for "
                                    "new claims; it owes 0 ₭.")
    assert pay.save()
    assert treasurer.statusBar().currentMessage() == "Claim 1: 450,000 ₭ paid."
    paid = claim_row(screen, 1)
    assert (paid.status_label, paid.paid, paid.owed) == ("Paid", 450_000, 0)
    assert screen.summary.text().startswith("In the fund: 240,000 ₭")
    opened = save_papers_to(monkeypatch, tmp_path)
    screen.select_claim(claim.id)
    screen.voucher()
    voucher = tmp_path / "welfare-claim-1.pdf"
    assert opened == [voucher] and voucher.stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(voucher), "-"], capture_output=True,
                              text=True).stdout
        assert "Welfare payment voucher" in text and "450,000" in text
    assert [m.kind for m in messages.shown] == ["question", "question"]  # the two approvals
    with env.db.read() as s:
        assert welfare_fund.fund_position(s, env.group_id).balance == 240_000
        assert verify.verify_database(s) == []


def test_a_leader_refuses_with_a_reason_and_cannot_approve_her_own_claim(
        fund, make_window, qtbot, messages):
    with fund.db.write() as s:
        users.link_member(s, fund.user(s, "admin"), user_id=fund.user_ids["leader"],
                          member_id=fund.member_ids[0])
        own = record(s, fund, amount=100_000)
        other = record(s, fund, member=1, amount=900_000)
    screen = open_welfare(make_window("leader"))
    screen.select_claim(own.id)
    screen.approve()
    assert messages.last.text == "leader is the claimant and cannot decide on this claim."
    assert claim_row(screen, own.number).status == "pending"
    screen.select_claim(other.id)
    assert [r.rule for r in screen.check.rules_model.rows if not r.passed] == ["cap"]
    dialog = RejectDialog(screen.ctx, claim_row(screen, other.number), parent=screen)
    qtbot.addWidget(dialog)
    assert not dialog.save()
    assert dialog.problems.text() == "Give the reason for refusing the claim."
    dialog.reason.setText("More than the fund pays for a hospital stay")
    assert dialog.save()
    refused = claim_row(screen, other.number)
    assert (refused.status_label, refused.rejection_reason) == (
        "Refused", "More than the fund pays for a hospital stay")
    screen.select_claim(other.id)
    assert "Refused by Leader: More than the fund pays" in screen.detail.text()
    choose(screen.status_filter, "rejected")
    assert [c.number for c in screen.claims_model.rows] == [other.number]


def test_an_administrator_sets_the_fund_up_and_others_only_read_it(fund, make_window, qtbot):
    treasurer = open_welfare(make_window("treasurer"))
    assert not treasurer.settings_panel.save_button.isEnabled()
    assert not treasurer.types_panel.rules_button.isEnabled()

    assert treasurer.new_button.isEnabled()  # treasurers record claims
    leader = open_welfare(make_window("leader"))
    assert not leader.new_button.isEnabled()
    assert not leader.contribution_button.isEnabled()
    admin = open_welfare(make_window("admin"))
    assert admin.settings_panel.save_button.isEnabled()
    assert admin.settings_panel.contribution.text() == "10,000"
    assert admin.types_panel.rules_button.isEnabled()


def test_an_administrator_changes_a_rule_from_a_date_and_adds_a_claim_type(
        fund, make_window, qtbot):
    admin = open_welfare(make_window("admin"))
    types = admin.types_panel
    hospital = types.model.rows[0]
    dialog = RuleDialog(admin.ctx, hospital, parent=admin)
    qtbot.addWidget(dialog)
    assert dialog.max_amount.text() == "500,000"
    assert [v.effective_from for v in dialog.history.rows] == [dt.date(2000, 1, 1)]
    dialog.max_amount.setText("400,000")
    dialog.effective_from.setText("01/11/2026")
    assert dialog.save()
    assert types.model.rows[0].rule.max_amount == 400_000

    added = RuleDialog(admin.ctx, parent=admin)
    qtbot.addWidget(added)
    added.name.setText("ໄຟໄໝ້ເຮືອນ")
    added.max_amount.setText("")
    assert not added.save()
    assert added.problems.text() == "Enter an amount."
    added.max_amount.setText("250,000")
    added.frequency_count.setValue(0)
    assert added.save()
    new = types.model.rows[-1]
    assert (new.label, new.rule.max_amount, new.rule.frequency_count) == (
        "ໄຟໄໝ້ເຮືອນ", 250_000, None)

    stop = TypeDialog(admin.ctx, new, parent=admin)
    qtbot.addWidget(stop)
    stop.active.setChecked(False)
    assert stop.save()
    assert types.model.data(types.model.index(len(types.model.rows) - 1, 1)) == "No"


def test_settings_are_saved_from_a_date(fund, make_window):
    admin = open_welfare(make_window("admin"))
    panel = admin.settings_panel
    panel.contribution.setText("15,000")
    panel.approvals_required.setValue(2)
    panel.effective_from.setText("15/11/2026")
    assert panel.save()
    with fund.db.read() as s:
        now = welfare_fund.welfare_settings(s, fund.group_id)
        before = welfare_fund.welfare_settings(s, fund.group_id, dt.date(2026, 11, 14))
    assert (now.contribution, now.approvals_required) == (15_000, 2)
    assert (before.contribution, before.approvals_required) == (10_000, 1)
    panel.contribution.setText("lots")
    assert not panel.save()
    assert panel.problems.text() == "“lots” is not an amount."


def test_a_contribution_outside_a_meeting_and_the_members_tab(fund, make_window, qtbot):
    screen = open_welfare(make_window("treasurer"))
    dialog = ContributionDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    assert dialog.amount.text() == "10,000"
    choose(dialog.member, fund.member_ids[1])
    assert dialog.save()
    assert screen.summary.text().startswith("In the fund: 700,000 ₭")
    assert [m.month for m in screen.history_model.rows][-1] == dt.date(2026, 11, 1)
    assert screen.history_model.rows[-1].contributions == 40_000


def test_no_english_is_left_on_the_welfare_screen_and_dialogs_in_lao(fund, make_window,
                                                                     qtbot, lao):
    with fund.db.write() as s:
        claim = record(s, fund, amount=100_000)
    screen = open_welfare(make_window("admin"))
    leftovers = [("screen", *found) for found in english_left(screen)]
    row = claim_row(screen, claim.number)
    hospital = screen.types_panel.model.rows[0]
    dialogs = [ClaimDialog(screen.ctx), RejectDialog(screen.ctx, row),
               PayDialog(screen.ctx, row), PayDialog(screen.ctx, row, owed=True),
               ContributionDialog(screen.ctx), RuleDialog(screen.ctx),
               RuleDialog(screen.ctx, hospital), TypeDialog(screen.ctx, hospital)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        leftovers += [(type(dialog).__name__, *found) for found in english_left(dialog)]
        dialog.reject()  # closing (Esc, Cancel) must not trip over our own attributes
        assert not dialog.isVisible()
    assert leftovers == []
    assert screen.check.rules_model.rows[0].label == "ເປັນສະມາຊິກໃນມື້ເກີດເຫດ"


@pytest.mark.parametrize("path", ["claims_model", "check.rules_model", "standing_model",
                                  "year_model", "history_model", "types_panel.model"])
def test_every_welfare_table_passes_the_model_tester(fund, make_window, qtmodeltester, path):
    with fund.db.write() as s:
        claim = record(s, fund, amount=100_000)
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
        record(s, fund, member=1, amount=100_000, event=dt.date(2026, 11, 1))
        # Som falls three contributions behind.
        for n, day in enumerate((dt.date(2026, 11, 16), dt.date(2026, 11, 17),
                                 dt.date(2026, 11, 18)), start=300):
            hold_meeting(s, fund, day, n, {0: 10_000, 1: 10_000})
    screen = open_welfare(make_window("admin"))
    assert len(screen.findChildren(RowTableModel)) == 6
    model = screen
    for name in path.split("."):
        model = getattr(model, name)
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    screen.refresh()  # the tester checks again on every signal
    switch_language("lo")
    switch_language("en")
