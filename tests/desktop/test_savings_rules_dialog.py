"""An administrator changes the group's savings rules from a date on, sees what the change
means for a member before saving, and nothing is saved when a rule is wrong."""
from __future__ import annotations

import datetime as dt

from desktop.qt_i18n import switch_language
from desktop.screens.savings_rules_dialog import FIELDS, SavingsRulesDialog
from models.savings import rules as savings_rules
from models.savings.rules import RULE_SPECS, rules
from tests.desktop.conftest import english_left


def test_every_savings_rule_has_a_place_in_the_editor():
    assert {f"savings.{f.name}" for f in FIELDS} == {spec.key for spec in RULE_SPECS}


def test_the_admin_raises_the_share_price_from_new_year_and_sees_what_it_means(
        make_ctx, env, qtbot):
    dialog = SavingsRulesDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    assert "1–5 shares of 10,000 ₭: 10,000–50,000 ₭ a meeting" in dialog.preview.text()
    dialog.inputs["share_price"].setText("20,000")
    dialog.inputs["max_shares"].setValue(3)
    dialog.inputs["fine_late"].setText("2,000")
    dialog.effective.setText("01/01/2027")
    preview = dialog.preview.text()
    assert ("From 01/01/2027 a member buys 1–3 shares of 20,000 ₭: 20,000–60,000 ₭ a meeting."
            in preview)
    assert "coming late 2,000 ₭" in preview
    assert dialog.save(), dialog.problems.text()
    with env.db.read() as s:
        before = rules(s, env.group_id, dt.date(2026, 12, 31))
        after = rules(s, env.group_id, dt.date(2027, 1, 1))
    assert (before.share_price, before.max_shares, before.fine_late) == (10_000, 5, 0)
    assert (after.share_price, after.max_shares, after.fine_late) == (20_000, 3, 2_000)


def test_a_new_share_price_waits_for_the_next_cycle_and_the_preview_says_so(
        make_ctx, env, qtbot):
    with env.db.write() as s:
        savings_rules.start_first_cycle(s, env.user(s, "treasurer"), group_id=env.group_id,
                                        start_date=dt.date(2026, 1, 5))
    dialog = SavingsRulesDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    assert "next cycle" not in dialog.preview.text()
    dialog.inputs["share_price"].setText("15,000")
    assert ("The cycle open now (number 1) keeps its way of saving and share price; this "
            "change starts with the next cycle, after the share-out.") in dialog.preview.text()
    assert dialog.save(), dialog.problems.text()
    with env.db.read() as s:
        assert rules(s, env.group_id, dt.date(2026, 12, 1)).share_price == 10_000


def test_withdrawals_and_other_fines_are_set_from_the_window(make_ctx, env, qtbot):
    dialog = SavingsRulesDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    assert not dialog.inputs["withdrawal_notice_days"].isEnabled()
    withdrawals = dialog.inputs["withdrawals"]
    withdrawals.setCurrentIndex(withdrawals.findData("allowed"))
    assert dialog.inputs["withdrawal_notice_days"].isEnabled()
    dialog.inputs["withdrawal_notice_days"].setValue(7)
    dialog.inputs["withdrawal_max_percent"].setValue(50)
    dialog.inputs["custom_fines"].add_fine("No uniform", 1_000)
    assert "up to 50% of her savings, after 7 days' notice" in dialog.preview.text()
    assert "No uniform 1,000 ₭" in dialog.preview.text()
    assert dialog.save(), dialog.problems.text()
    with env.db.read() as s:
        now = rules(s, env.group_id, dt.date(2026, 11, 20))
    assert now.withdrawals_allowed and now.withdrawal_notice_days == 7
    assert now.withdrawal_max_percent == 50
    assert now.custom_fines == (savings_rules.FineType("No uniform", 1_000),)


def test_wrong_rules_are_all_listed_and_nothing_is_saved(make_ctx, env, qtbot):
    dialog = SavingsRulesDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    dialog.inputs["min_shares"].setValue(6)
    dialog.inputs["fine_absence"].setText("five thousand")
    assert "The fewest shares (6) is more than the most shares (5)." in dialog.preview.text()
    assert not dialog.save()
    assert "Fine for missing a meeting" in dialog.problems.text()
    dialog.inputs["fine_absence"].setText("5,000")
    assert not dialog.save()
    assert "fewest shares (6) is more than the most shares (5)" in dialog.problems.text()
    with env.db.read() as s:
        assert rules(s, env.group_id, dt.date(2027, 1, 1)).min_shares == 1


def test_saving_nothing_changed_says_so(make_ctx, qtbot):
    dialog = SavingsRulesDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    assert not dialog.save()
    assert "Nothing was changed" in dialog.problems.text()


def test_a_treasurer_reads_the_rules_but_cannot_change_them(make_ctx, qtbot):
    dialog = SavingsRulesDialog(make_ctx("treasurer"))
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()
    assert not dialog.inputs["share_price"].isEnabled()
    assert "10,000 ₭" in dialog.preview.text()


def test_the_savings_screen_opens_the_rules(window, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(SavingsRulesDialog, "ask", classmethod(
        lambda cls, parent, ctx: opened.append(ctx.group_id) or False))
    screen = window.show_section("savings")
    screen.rules_button.click()
    assert opened == [window.ctx.group_id]


def test_the_rules_editor_is_all_in_lao(make_ctx, qtbot, lao):
    dialog = SavingsRulesDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    dialog.retranslate()
    assert english_left(dialog) == []
    assert dialog.windowTitle() == "ລະບຽບເງິນຝາກປະຢັດ"
    switch_language("en")
    dialog.retranslate()
    assert dialog.windowTitle() == "Savings rules"


def test_share_months_and_the_below_par_exit_are_set_from_the_window(make_ctx, env, qtbot):
    """The group counts its time-weighted share-out by whole months, as its paper book
    does, and pays a member leaving below par all her savings: both from the window."""
    dialog = SavingsRulesDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    assert not dialog.inputs["shareout_time_unit"].isEnabled()  # value per share: no time
    dialog.inputs["shareout_method"].choose(savings_rules.TIME_WEIGHTED)
    assert dialog.inputs["shareout_time_unit"].isEnabled()
    dialog.inputs["shareout_time_unit"].choose(savings_rules.SHARE_MONTHS)
    dialog.inputs["exit_below_par"].choose(savings_rules.EXIT_PAR)
    dialog.effective.setText("01/01/2027")
    assert dialog.save(), dialog.problems.text()
    with env.db.read() as s:
        after = rules(s, env.group_id, dt.date(2027, 1, 1))
    assert (after.shareout_method, after.shareout_time_unit, after.exit_below_par) == (
        savings_rules.TIME_WEIGHTED, savings_rules.SHARE_MONTHS, savings_rules.EXIT_PAR)
