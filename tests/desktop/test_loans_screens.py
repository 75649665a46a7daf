"""The loans screens: the treasurer records an application and sees the rules checked as she
types, a leader approves it, the treasurer pays it out and records repayments, reverses
one; the calculator previews and prints a schedule; the portfolio shows PAR; Lao all
through."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from desktop.qt_i18n import switch_language
from desktop.screens import loan_dialogs, loan_panels
from desktop.screens.loan_dialogs import ApplicationDialog, DisburseDialog, RepaymentDialog
from desktop.widgets import RowTableModel
from desktop.widgets.tables import RowTableModel
from models.core.verify import verify_database
from models.loans.application import apply_for_loan, approve_loan
from models.loans.queries import get_loan, loan_detail
from models.loans.repayments import record_repayment
from models.loans.statuses import ACTIVE, APPROVED
from tests.desktop.conftest import english_left, save_papers_to
from tests.models.loan_support import D, open_loan, save


@pytest.fixture
def saved(env):
    with env.db.write() as s:
        save(s, env, 0, 2_000_000)
    return env


def open_loans(window):  # noqa: ANN001, ANN201
    return window.show_section("loans")


def choose(combo, data) -> None:  # noqa: ANN001
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_a_loan_from_application_to_repayment_through_the_windows(saved, make_window, qtbot):
    env = saved
    treasurer = make_window("treasurer")
    screen = open_loans(treasurer)
    assert not screen.buttons["approve"].isEnabled()

    dialog = ApplicationDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    choose(dialog.member, env.member_ids[0])
    dialog.amount.setText("9,000,000")
    dialog.purpose.setText("Sewing machine")
    dialog.rate.setText("30")
    dialog.update_check()
    # Every broken rule is shown before saving.
    assert "outside the group's range, 12–24 %" in dialog.check.text()
    assert "more than 3 times" in dialog.check.text()
    assert not dialog.save() and not dialog.problems.isHidden()
    assert "3 times" in dialog.problems.text()
    dialog.amount.setText("600,000")
    dialog.rate.setText("24")
    dialog.update_check()
    assert dialog.check.text() == "The application follows every rule of the group."
    assert dialog.save()
    number = dialog.saved.number

    leader = make_window("leader")
    screen = open_loans(leader)
    assert screen.selected_loan().number == number
    assert screen.buttons["approve"].isEnabled()
    assert not screen.buttons["apply"].isEnabled()
    screen.approve()

    screen = open_loans(treasurer)
    screen.refresh()
    assert screen.selected_loan().status == APPROVED
    payout = DisburseDialog(screen.ctx, screen.selected_loan(), parent=screen)
    qtbot.addWidget(payout)
    assert payout.save()  # today, from the cash box
    screen.refresh()
    assert screen.selected_loan().status == ACTIVE
    assert len(screen.schedule_model.rows) == 6

    repayment = RepaymentDialog(screen.ctx, screen.selected_loan(), parent=screen)
    qtbot.addWidget(repayment)
    # Flat 24 % on 600,000 over 6 months: nothing is due before 20/12; she pays early.
    assert repayment.amount.text() == ""
    repayment.amount.setText("112,000")
    assert repayment.save()
    screen.refresh()
    assert [(r.interest, r.principal) for r in screen.repayments_model.rows] == \
        [(12_000, 100_000)]
    screen.repayments_view.selectRow(0)
    assert screen.buttons["reverse"].isEnabled()
    with env.db.read() as s:
        assert verify_database(s) == []


def test_the_calculator_previews_and_prints_a_schedule_in_lao(saved, make_window,
                                                             monkeypatch, tmp_path, lao):
    screen = open_loans(make_window("leader"))
    calc = screen.calculator
    calc.amount.setText("3,000,000")
    calc.rate.setText("24")
    calc.installments.setValue(10)
    choose(calc.method, "declining")
    calc.update_schedule()
    assert len(calc.model.rows) == 10
    assert sum(r.principal for r in calc.model.rows) == 3_000_000
    save_papers_to(monkeypatch, tmp_path)
    path = calc.print_schedule()
    assert path is not None and path.exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              text=True).stdout
        assert "3,000,000" in text


def test_the_portfolio_shows_par_and_who_is_due(saved, make_window):
    env = saved
    open_loan(env.db, env, amount=600_000, installments=6, disbursed=D(2026, 7, 20))
    screen = open_loans(make_window("auditor"))
    portfolio = screen.portfolio
    portfolio.refresh()
    assert portfolio.summary.text().startswith("1 loans out, 600,000 ₭ principal still owed")
    assert "PAR 30: 100.00 %" in portfolio.summary.text()
    assert [b.loans for b in portfolio.aging_model.rows] == [0, 0, 0, 1]
    assert [r.number for r in portfolio.due_model.rows] == [1]
    assert not portfolio.penalty_button.isEnabled()


def test_every_loan_text_is_in_lao(saved, make_window, lao):
    env = saved
    open_loan(env.db, env, amount=600_000, installments=6, disbursed=D(2026, 9, 20))
    window = make_window("treasurer")
    screen = open_loans(window)
    switch_language("lo")
    screen.refresh()
    assert english_left(screen) == []
    dialog = ApplicationDialog(screen.ctx, parent=screen)
    assert english_left(dialog) == []


def test_table_models_pass_the_model_tester(saved, make_window, qtmodeltester):
    env = saved
    open_loan(env.db, env, amount=600_000, installments=6, disbursed=D(2026, 9, 20))
    screen = open_loans(make_window("auditor"))
    screen.refresh()
    for model in screen.findChildren(RowTableModel):
        qtmodeltester.check(model)
    assert isinstance(screen.portfolio, loan_panels.PortfolioPanel)


def test_a_loan_fee_shows_in_the_forms_the_schedule_and_the_calculator(
        saved, make_window, qtbot, monkeypatch, tmp_path):
    from decimal import Decimal

    from tests.models.loan_support import set_policy

    env = saved
    set_policy(env.db, env, fee_kind="percent", fee_percent=Decimal(1),
               fee_timing="installments")
    screen = open_loans(make_window("treasurer"))
    calc = screen.calculator
    calc.amount.setText("600,000")
    calc.installments.setValue(6)
    calc.update_schedule()
    assert [r.fee for r in calc.model.rows] == [1_000] * 6
    assert not calc.schedule.isColumnHidden(4)
    assert "Loan fee 6,000 ₭, paid with the installments." in calc.message.text()
    save_papers_to(monkeypatch, tmp_path)
    path = calc.print_schedule()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True).stdout
        assert "6,000 ₭, paid with the installments" in text

    set_policy(env.db, env, fee_kind="flat", fee_flat=20_000, fee_timing="payout")
    dialog = ApplicationDialog(screen.ctx, parent=screen)
    qtbot.addWidget(dialog)
    choose(dialog.member, env.member_ids[0])
    dialog.amount.setText("600,000")
    dialog.purpose.setText("Loom")
    dialog.update_check()
    assert "Loan fee 20,000 ₭, kept from the money paid out: the member receives " \
        "580,000 ₭." in dialog.check.text()
    assert dialog.save()
    with env.db.write() as s:
        approve_loan(s, env.user(s, "leader"), loan_id=dialog.saved.id)
    screen.refresh()
    payout = DisburseDialog(screen.ctx, screen.selected_loan(), parent=screen)
    qtbot.addWidget(payout)
    assert payout.receives.text().startswith("Give ")
    assert "580,000 ₭." in payout.receives.text()
    assert payout.save()
    screen.refresh()
    # The fee was kept at payout: the installments carry none, so no fee column.
    assert screen.schedule_view.isColumnHidden(4)
    assert "Loan fee 20,000 ₭, kept from the money paid out" in screen.about.facts()["Fee"]


def test_a_repayment_gets_a_printed_receipt(saved, make_window, monkeypatch, tmp_path):
    env = saved
    loan_id = open_loan(env.db, env, amount=600_000, installments=6, disbursed=D(2026, 9, 20))
    with env.db.write() as s:
        record_repayment(s, env.user(s, "treasurer"), loan_id=loan_id, amount=112_000,
                         on=D(2026, 10, 20))
    screen = open_loans(make_window("treasurer"))
    screen.refresh()
    # Nothing selected in the repayments: no receipt to print.
    assert not screen.buttons["receipt"].isEnabled()
    screen.detail_tabs.setCurrentIndex(1)
    screen.repayments_view.selectRow(0)
    assert screen.buttons["receipt"].isEnabled()
    save_papers_to(monkeypatch, tmp_path)
    path = screen.print_receipt()
    assert path is not None and path.exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              text=True).stdout
        assert "112,000" in text and "500,000" in text  # paid; principal still owed
        # The file carries the receipt number printed on it (the journal entry's).
        number = path.stem.removeprefix("receipt-")
        assert f"Receipt number {number}" in " ".join(text.split())


def test_a_payout_or_repayment_with_a_wrong_date_is_refused_with_a_message(saved, make_window,
                                                                        qtbot):
    from tests.models.loan_support import set_policy

    env = saved
    set_policy(env.db, env, max_active_loans=2)
    loan_id = open_loan(env.db, env, amount=600_000, installments=6, disbursed=D(2026, 9, 20))
    screen = open_loans(make_window("treasurer"))
    screen.refresh()
    repayment = RepaymentDialog(screen.ctx, screen.selected_loan(), parent=screen)
    qtbot.addWidget(repayment)
    repayment.amount.setText("lots")
    repayment.on.setText("31/02/2026")
    assert not repayment.save()
    # Both problems at once, and nothing recorded.
    assert "31/02/2026" in repayment.problems.text()
    assert len(repayment.problems.text().splitlines()) >= 2
    with env.db.read() as s:
        assert loan_detail(s, env.user(s, "auditor"), loan_id).repayments == ()
    with env.db.write() as s:
        row = apply_for_loan(s, env.user(s, "treasurer"), group_id=env.group_id,
                             member_id=env.member_ids[0], amount=100_000,
                             purpose="Seeds", installments=2, annual_rate=18,
                             method="flat", applied_on=D(2026, 10, 1))
        with_approval = approve_loan(s, env.user(s, "leader"), loan_id=row.id)
    payout = DisburseDialog(screen.ctx, with_approval, parent=screen)
    qtbot.addWidget(payout)
    payout.first_due.setText("soon")
    assert not payout.save()
    assert "soon" in payout.problems.text()
    with env.db.read() as s:
        assert get_loan(s, env.user(s, "auditor"), row.id).status == APPROVED


def test_the_refusal_banner_goes_once_the_amount_is_corrected_and_the_form_keeps_its_shape(
        saved, make_ctx, qtbot):
    env = saved
    dialog = ApplicationDialog(make_ctx("treasurer"))
    qtbot.addWidget(dialog)
    dialog.show()
    list_height = dialog.guarantors.height()
    assert list_height >= 3 * 36  # three guarantors' names, not one
    choose(dialog.member, env.member_ids[0])
    dialog.purpose.setText("Sewing machine")
    dialog.amount.setText("9,000,000")
    assert not dialog.save()
    assert not dialog.problems.isHidden()
    assert "more than 3 times" in dialog.problems.text()
    dialog.update_check()
    # The rule is shown whole: the label wraps and is as tall as its text needs.
    assert dialog.check.wordWrap()
    qtbot.waitUntil(lambda: dialog.check.height() >= dialog.check.heightForWidth(
        dialog.check.width()))
    assert dialog.guarantors.height() == list_height
    dialog.amount.setText("600,000")
    dialog.update_check()
    assert dialog.problems.isHidden()
    assert dialog.check.text() == "The application follows every rule of the group."
    dialog.amount.setText("8,000,000")
    dialog.update_check()
    assert dialog.problems.isHidden() and "8,000,000" in dialog.check.text()
