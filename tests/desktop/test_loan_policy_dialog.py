"""An administrator changes the loan rules from a date on; others may only read them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desktop.qt_i18n import switch_language
from desktop.screens.loan_policy_dialog import LoanPolicyDialog
from models import loan_policy
from tests.desktop.conftest import english_left


def test_an_admin_raises_the_highest_rate_and_adds_a_penalty_from_a_date(make_ctx, env, qtbot):
    dialog = LoanPolicyDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    assert dialog.min_rate.text() == "12" and dialog.max_rate.text() == "24"
    dialog.max_rate.setText("20")
    dialog.penalty_kind.setCurrentIndex(dialog.penalty_kind.findData("flat"))
    dialog.penalty_flat.setText("5,000")
    dialog.effective.setText("01/12/2026")
    # A date in the future is fine for rules: they apply to applications from that day.
    assert dialog.save(), dialog.problems.text()
    with env.db.read() as s:
        before = loan_policy.get_policy(s, env.group_id, dt.date(2026, 11, 30))
        after = loan_policy.get_policy(s, env.group_id, dt.date(2026, 12, 1))
    assert before.max_rate == Decimal(24) and before.penalty_kind == "none"
    assert after.max_rate == Decimal(20)
    assert (after.penalty_kind, after.penalty_flat) == ("flat", 5000)


def test_bad_rules_are_listed_and_nothing_is_saved(make_ctx, env, qtbot):
    dialog = LoanPolicyDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    dialog.min_rate.setText("30")
    dialog.max_rate.setText("20")
    assert not dialog.save()
    assert "lowest rate is above the highest" in dialog.problems.text()
    for box in dialog.method_boxes.values():
        box.setChecked(False)
    assert not dialog.save()
    assert "at least one kind of loan" in dialog.problems.text()
    with env.db.read() as s:
        assert loan_policy.get_policy(s, env.group_id).max_rate == Decimal(24)


def test_a_treasurer_reads_the_rules_but_cannot_save_them(make_ctx, qtbot):
    dialog = LoanPolicyDialog(make_ctx("treasurer"))
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()


def test_the_rules_are_all_in_lao(make_ctx, qtbot, lao):
    dialog = LoanPolicyDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    dialog.retranslate()
    assert english_left(dialog) == []
    assert dialog.windowTitle() == "ລະບຽບເງິນກູ້"
    switch_language("en")
    dialog.retranslate()
    assert dialog.windowTitle() == "Loan rules"
