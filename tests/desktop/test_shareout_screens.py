"""The share-out wizard, end to end: the treasurer picks the day and the method, sees what
each member gets and the rounding residue, lets each member choose what she re-invests,
checks the totals and posts; the screen then lists the share-out and the new cycle."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop.shareout_wizard import ShareOutWizard
from models.core import ledger, verify
from models.core.ledger import Line
from models.savings import accounts as savings
from models.savings.rules import list_cycles
from tests.desktop.conftest import english_left
from tests.models.savings_support import post, with_rules

JAN, JUNE = dt.date(2026, 1, 10), dt.date(2026, 6, 1)


@pytest.fixture
def three_savers(env):  # noqa: ANN001, ANN201
    """Keo 7, Bua 11 and Som 13 shares of 1,000; the loans earned 1,000."""
    with_rules(env, share_price=1_000, max_shares=20)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        for member_id, amount in zip(env.member_ids, (7_000, 11_000, 13_000)):
            savings.record_deposit(s, treasurer, member_id=member_id, amount=amount, on=JAN)
    post(env, Line("cash", 1_000), Line("interest_income", -1_000), on=JUNE)
    return env


def balance(env, key: str, member_id: int | None = None) -> int:  # noqa: ANN001
    with env.db.read() as s:
        return ledger.balance(s, env.group_id, key, member_id=member_id)


def test_the_share_out_wizard_end_to_end(three_savers, make_window, qtbot, messages):
    env = three_savers
    keo, bua, som = env.member_ids
    window = make_window("treasurer")
    screen = window.show_section("shareout")
    assert screen.cycle_label.text() == "Cycle 1 since 10/01/2026 · 1,000 ₭ a share"
    assert screen.start_button.isEnabled()
    wizard = ShareOutWizard(screen.ctx, screen)
    qtbot.addWidget(wizard)

    # Step 1: the day and the method (the group's setting is chosen already).
    assert wizard.step_label.text() == "Step 1 of 4: Day and method"
    assert wizard.method.currentData() == "value_per_share"
    assert not wizard.back_button.isEnabled()
    wizard.next_button.click()

    # Step 2: what each member gets, and the residue in so many words.
    assert wizard.step_label.text() == "Step 2 of 4: What each member gets"
    assert [(r.name, r.shares, r.payout) for r in wizard.rows_model.rows] == [
        ("ນາງ ແກ້ວ", 7, 7_225), ("ນາງ ບົວ", 11, 11_354), ("ທ້າວ ສົມ", 13, 13_419)]
    assert wizard.figures.text().splitlines()[1] == (
        "To share out (the loan fund): 32,000 ₭ = savings 31,000 ₭ + profit 1,000 ₭")
    # The value of one share, in the one money format (the printed statement shows the same).
    assert wizard.figures.text().splitlines()[2] == "31 shares · value of one share: 1,032.26 ₭"
    assert wizard.residue.text().startswith("Rounding residue: 2 ₭. Payouts are rounded down")
    wizard.next_button.click()

    # Step 3: each member says what she re-invests; a wrong amount stops the wizard.
    assert wizard.step_label.text() == "Step 3 of 4: What members re-invest"
    assert wizard.preview.total_reinvest == 31_000  # all that buys whole shares, by default
    wizard.carry_buttons["each"].setChecked(True)
    model = wizard.reinvest_model
    assert [line.reinvest for line in model.lines] == [7_000, 11_000, 13_000]
    assert model.setData(model.index(1, 3), "500", Qt.ItemDataRole.EditRole)
    wizard.compute()
    assert wizard.problems.text() == ("• ນາງ ບົວ's re-investment 500 ₭ is not a whole number of "
                                      "shares at 1,000 ₭.")
    assert not wizard.next_button.isEnabled()
    assert model.setData(model.index(1, 3), "0", Qt.ItemDataRole.EditRole)
    assert model.setData(model.index(2, 3), "10,000", Qt.ItemDataRole.EditRole)
    wizard.compute()
    assert not wizard.problems.isVisible() and wizard.next_button.isEnabled()
    assert wizard.carry_totals.text() == ("Re-invested: 17,000 ₭ · cash paid out: 14,998 ₭ · "
                                          "the box holds 32,000 ₭")
    wizard.next_button.click()

    # Step 4: the last look, then posted as previewed.
    assert wizard.step_label.text() == "Step 4 of 4: Check and post"
    assert wizard.final.text().splitlines()[3:8] == [
        "Payouts: 31,998 ₭", "Taken for what members owe: 0 ₭",
        "Re-invested in cycle 2: 17,000 ₭", "Cash paid out from the box: 14,998 ₭",
        "Rounding residue kept for the next cycle: 2 ₭"]
    assert wizard.next_button.text() == "Post the share-out…"
    wizard.next_button.click()
    assert messages.last.buttons == ["Post the share-out", "Cancel"]
    assert wizard.posted is not None and wizard.result() == wizard.DialogCode.Accepted
    assert window.statusBar().currentMessage() == "Cycle 1 is shared out; cycle 2 has begun."

    assert [balance(env, "member_savings", m) for m in (keo, bua, som)] == [7_000, 0, 10_000]
    assert balance(env, "cash") == 32_000 - 14_998
    assert balance(env, "loan_fund_reserve") == 2
    with env.db.read() as s:
        cycles = list_cycles(s, env.user(s, "auditor"), env.group_id)
        assert verify.verify_database(s) == []
    assert [(c.number, c.closed_on) for c in cycles] == [(1, dt.date(2026, 11, 20)), (2, None)]
    [record] = screen.records_model.rows
    assert (record.cycle_number, record.distributable, record.residue) == (1, 32_000, 2)
    assert [(r.payout, r.reinvest, r.cash) for r in screen.lines_model.rows] == [
        (7_225, 7_000, 225), (11_354, 0, 11_354), (13_419, 10_000, 3_419)]
    assert screen.cycle_label.text() == "Cycle 2 since 20/11/2026 · 1,000 ₭ a share"


def test_the_preview_says_what_stops_a_share_out(three_savers, make_window, qtbot):
    with three_savers.db.write() as s:
        from models.meetings import meeting as meetings

        meetings.open_meeting(s, three_savers.user(s, "treasurer"),
                              group_id=three_savers.group_id, on=dt.date(2026, 11, 2))
    wizard = ShareOutWizard(make_window("treasurer").ctx)
    qtbot.addWidget(wizard)
    wizard.go(2)
    assert wizard.problems.text() == "• The meeting of 02/11/2026 is not posted yet."
    assert not wizard.next_button.isEnabled()


def test_only_recorders_share_out(three_savers, make_window):
    screen = make_window("auditor").show_section("shareout")
    assert not screen.start_button.isEnabled()


def test_no_english_is_left_in_the_share_out_in_lao(three_savers, make_window, qtbot, lao):
    window = make_window("treasurer")
    screen = window.show_section("shareout")
    leftovers = english_left(screen)
    wizard = ShareOutWizard(screen.ctx, screen)
    qtbot.addWidget(wizard)
    for step in range(4):
        wizard.go(step)
        leftovers += [(step, *found) for found in english_left(wizard)]
    assert leftovers == []


@pytest.mark.parametrize("which", ["rows", "reinvest"])
def test_the_wizard_tables_pass_the_model_tester(three_savers, make_window, qtbot,
                                                  qtmodeltester, which):
    wizard = ShareOutWizard(make_window("treasurer").ctx)
    qtbot.addWidget(wizard)
    wizard.go(2)
    model = wizard.rows_model if which == "rows" else wizard.reinvest_model
    assert model.rowCount() == 3
    qtmodeltester.check(model, force_py=True)
    wizard.carry_buttons["each"].setChecked(True)
    wizard.reinvest_model.setData(wizard.reinvest_model.index(0, 3), "3,000")
    wizard.compute()


def test_the_preview_shows_what_each_payout_paid_on_which_debt(three_savers, make_window, qtbot):
    """Keo (7 shares) owes 21,200 on loan 1 (20,000 at 12 % flat for 6 months): her whole
    payout of 7,361 goes to it and 13,839 is still owed; Bua and Som owe nothing."""
    from tests.models.savings_support import lend

    env = three_savers
    lend(env, env.member_ids[0], 20_000, on=JUNE)
    post(env, Line("cash", 50_000), Line("welfare_fund", -50_000), on=JUNE)
    window = make_window("treasurer")
    screen = window.show_section("shareout")
    wizard = ShareOutWizard(screen.ctx, screen)
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    keo = wizard.rows_model.rows[0]
    assert (keo.payout, keo.netted, keo.debt_left, keo.net) == (7_361, 7_361, 13_839, 0)
    assert wizard.debts.text().splitlines() == [
        "Paid from payouts first (no cash until her debts are cleared):",
        "1 · ນາງ ແກ້ວ: Loan 1 — 7,361 ₭ from her payout, 13,839 ₭ still owed"]
