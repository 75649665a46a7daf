"""The cash box screen: the treasurer counts the box note by note, sees the total and the
difference as she types, records a count that reconciles and one that is short (with its
reason), takes money to the bank and pays an expense."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop.meeting_cash import CashCountDialog, ExpenseDialog, TransferDialog
from models.core import ledger, verify
from models.savings import accounts as savings
from tests.desktop.conftest import english_left

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def saved(env):  # noqa: ANN001, ANN201
    """Keo saved 50,000 and Bua 30,000 into the box."""
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        savings.record_deposit(s, treasurer, member_id=env.member_ids[0], amount=50_000, on=DAY)
        savings.record_deposit(s, treasurer, member_id=env.member_ids[1], amount=30_000, on=DAY)
    return env


def balance(env, key: str) -> int:  # noqa: ANN001
    with env.db.read() as s:
        return ledger.balance(s, env.group_id, key)


def test_a_count_that_reconciles_posts_nothing(saved, make_window, messages):
    window = make_window("treasurer")
    screen = window.show_section("cashbox")
    assert screen.since.text() == "Since the group began (the box was never counted)"
    assert screen.figure_values["expected"].text() == "80,000 ₭"
    assert [(m.label, m.received) for m in screen.movements_model.rows] == [
        ("Members' savings", 80_000)]
    panel = screen.count_panel
    assert panel.difference_value.text() == "Short by 80,000 ₭"
    panel.set_counts({50_000: 1, 20_000: 1, 5_000: 1, 1_000: 4, 500: 1})
    assert panel.counted_value.text() == "79,500 ₭"
    assert panel.difference_value.text() == "Short by 500 ₭"
    panel.other.setText("500")  # a coin tin
    assert panel.counted_value.text() == "80,000 ₭"
    assert panel.difference_value.text() == "The count matches the records."
    assert panel.record()
    assert messages.shown == []  # nothing to confirm when it matches
    assert window.statusBar().currentMessage() == "The count of 20/11/2026 is recorded: 80,000 ₭."
    assert balance(saved, "cash_over_short") == 0
    assert screen.since.text() == "Since the count of 20/11/2026"
    [count] = screen.counts_model.rows
    assert (count.counted, count.expected, count.difference, count.entry_seq) == (
        80_000, 80_000, 0, None)
    assert dict(count.notes) == {50_000: 1, 20_000: 1, 5_000: 1, 1_000: 4, 500: 1}
    assert panel.counted_value.text() == "0 ₭"  # ready for the next count


def test_a_short_box_needs_a_reason_and_the_difference_is_posted(saved, make_window, messages):
    window = make_window("treasurer")
    screen = window.show_section("cashbox")
    panel = screen.count_panel
    panel.set_counts({50_000: 1, 20_000: 1, 5_000: 1})
    assert panel.difference_value.text() == "Short by 5,000 ₭"
    assert not panel.record()
    assert panel.problems.isVisible()
    assert panel.problems.text() == ("The box holds 75,000 ₭ but the records say 80,000 ₭; "
                                     "write down why they differ.")
    assert balance(saved, "cash") == 80_000 and screen.counts_model.rows == []

    panel.why.setText("ທອນເງິນຜິດ")
    assert panel.record()
    assert messages.last.text.startswith("Short by 5,000 ₭: the counted 75,000 ₭ differs")
    assert balance(saved, "cash") == 75_000
    assert balance(saved, "cash_over_short") == 5_000
    assert screen.figure_values["expected"].text() == "75,000 ₭"
    assert screen.counts_model.rows[0].note == "ທອນເງິນຜິດ"
    with saved.db.read() as s:
        assert verify.verify_database(s) == []


def test_money_goes_to_the_bank_and_an_expense_is_paid(saved, make_window, qtbot, messages):
    window = make_window("treasurer")
    screen = window.show_section("cashbox")
    transfer = TransferDialog(screen.ctx, screen)
    qtbot.addWidget(transfer)
    transfer.amount.setText("90,000")
    assert not transfer.save()
    assert transfer.problems.text() == ("The cash box holds only 80,000 ₭; 90,000 ₭ cannot be "
                                        "paid from it.")
    transfer.amount.setText("50,000")
    assert transfer.save()
    assert (balance(saved, "cash"), balance(saved, "bank")) == (30_000, 50_000)
    expense = ExpenseDialog(screen.ctx, screen)
    qtbot.addWidget(expense)
    expense.amount.setText("15,000")
    assert not expense.save()
    assert expense.problems.text() == "Say what the money was spent on."
    expense.memo.setText("ປຶ້ມບັນທຶກ ແລະ ບິກ")
    assert expense.save()
    assert balance(saved, "cash") == 15_000
    assert screen.figure_values["expected"].text() == "15,000 ₭"
    assert screen.figure_values["bank"].text() == "50,000 ₭"
    assert window.statusBar().currentMessage() == "The expense of 15,000 ₭ is recorded."


def test_the_count_after_a_meeting_is_linked_to_it(saved, make_window, qtbot):
    from models.meetings import meeting as meetings
    from models.meetings import summary as meeting_summaries

    with saved.db.write() as s:
        meeting = meetings.open_meeting(s, saved.user(s, "treasurer"), group_id=saved.group_id,
                                        on=DAY)
    window = make_window("treasurer")
    dialog = CashCountDialog(window.ctx, meeting_id=meeting.id, on=DAY, parent=window)
    qtbot.addWidget(dialog)
    dialog.panel.set_counts({50_000: 1, 10_000: 3})
    assert dialog.panel.record()
    with saved.db.read() as s:
        summary = meeting_summaries.meeting_summary(s, saved.user(s, "auditor"), meeting.id)
    assert summary.cash_count is not None and summary.cash_count.counted == 80_000


def test_the_auditor_cannot_count_or_move_money(saved, make_window):
    screen = make_window("auditor").show_section("cashbox")
    assert not screen.count_panel.isEnabled()
    assert not screen.transfer_button.isEnabled() and not screen.expense_button.isEnabled()
    assert screen.figure_values["expected"].text() == "80,000 ₭"


def test_no_english_is_left_on_the_cash_box_in_lao(saved, make_window, qtbot, lao):
    window = make_window("treasurer")
    screen = window.show_section("cashbox")
    leftovers = english_left(screen)
    for dialog in (TransferDialog(screen.ctx, screen), ExpenseDialog(screen.ctx, screen),
                   CashCountDialog(screen.ctx, meeting_id=None, on=DAY, parent=screen)):
        qtbot.addWidget(dialog)
        leftovers += [(type(dialog).__name__, *found) for found in english_left(dialog)]
    assert leftovers == []
    assert screen.count_panel.difference_value.text() != "Short by 80,000 ₭"


@pytest.mark.parametrize("which", ["movements_model", "counts_model"])
def test_the_cash_box_tables_pass_the_model_tester(saved, make_window, qtmodeltester, which):
    screen = make_window("treasurer").show_section("cashbox")
    if which == "counts_model":  # (a count starts the movements afresh)
        screen.count_panel.set_counts({50_000: 1, 10_000: 3})
        screen.count_panel.record()
    model = getattr(screen, which)
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    screen.refresh()
