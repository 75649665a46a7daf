"""An administrator changes the loan rules from a date on; others may only read them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desktop.qt_i18n import switch_language
from desktop.screens.loan_policy_dialog import LoanPolicyDialog
from models.loans import policy as loan_policy
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


def test_an_admin_sets_a_loan_fee_paid_with_the_installments(make_ctx, env, qtbot):
    dialog = LoanPolicyDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    # Until a kind of fee is chosen, its amount and percent stay closed.
    assert not dialog.fee_flat.isEnabled() and not dialog.fee_percent.isEnabled()
    dialog.fee_kind.setCurrentIndex(dialog.fee_kind.findData("percent"))
    assert dialog.fee_percent.isEnabled() and not dialog.fee_flat.isEnabled()
    dialog.fee_percent.setText("1.5")
    dialog.fee_timing.setCurrentIndex(dialog.fee_timing.findData("installments"))
    # The default order is offered first: penalties → fees → interest → principal.
    assert dialog.order.currentData() == ("penalties", "fees", "interest", "principal")
    assert len(dialog.orders) == 6
    assert dialog.save(), dialog.problems.text()
    with env.db.read() as s:
        policy = loan_policy.get_policy(s, env.group_id)
    assert (policy.fee_kind, policy.fee_percent, policy.fee_timing) == \
        ("percent", Decimal("1.5"), "installments")


def test_a_fee_without_its_amount_is_refused(make_ctx, env, qtbot):
    dialog = LoanPolicyDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    dialog.fee_kind.setCurrentIndex(dialog.fee_kind.findData("flat"))
    assert not dialog.save()
    assert "Give the amount of the loan fee." in dialog.problems.text()
    with env.db.read() as s:
        assert loan_policy.get_policy(s, env.group_id).fee_kind == "none"


def test_an_admin_chooses_where_extra_money_goes_from_a_date(make_ctx, env, qtbot):
    dialog = LoanPolicyDialog(make_ctx("admin"))
    qtbot.addWidget(dialog)
    assert dialog.extra_payment.currentData() == loan_policy.EXTRA_PRINCIPAL
    dialog.extra_payment.choose(loan_policy.EXTRA_NEXT)
    dialog.effective.setText("01/12/2026")
    assert dialog.save(), dialog.problems.text()
    with env.db.read() as s:
        assert loan_policy.get_policy(s, env.group_id, dt.date(2026, 11, 30)).extra_payment \
            == loan_policy.EXTRA_PRINCIPAL
        assert loan_policy.get_policy(s, env.group_id, dt.date(2026, 12, 1)).extra_payment \
            == loan_policy.EXTRA_NEXT
