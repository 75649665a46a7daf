"""The savings screen: deposits and withdrawals outside meetings under the group's rules, a
member who leaves settled from a statement, and an existing group brought in from the
Excel template with every problem row listed before anything is saved."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from desktop import savings_import
from desktop.savings_dialogs import DepositDialog, ExitDialog, NoticeDialog, WithdrawalDialog
from desktop.savings_import import OpeningImportDialog
from models.core import groups, ledger, members, users, verify
from models.core.schema import Group
from models.savings import accounts as savings
from models.savings import fines as savings_fines
from tests.desktop.conftest import english_left, save_papers_to
from tests.models.savings_support import with_rules

DAY = dt.date(2026, 11, 20)


def row_of(screen, member_id: int):  # noqa: ANN001, ANN201
    return next(r for r in screen.model.rows if r.member_id == member_id)


def saved(env, member_id: int) -> int:  # noqa: ANN001
    with env.db.read() as s:
        return ledger.balance(s, env.group_id, "member_savings", member_id=member_id)


def test_a_deposit_outside_a_meeting_follows_the_share_rules(env, make_window, qtbot):
    window = make_window("treasurer")
    screen = window.show_section("savings")
    keo = env.member_ids[0]
    assert screen.rules_label.text() == (
        "Shares at a fixed price One share costs 10,000 ₭; buy 1 to 5 shares at a time. No "
        "withdrawals during the cycle; savings come back at the share-out.")
    assert not screen.withdraw_button.isEnabled()
    dialog = DepositDialog(screen.ctx, row_of(screen, keo), screen)
    qtbot.addWidget(dialog)
    assert dialog.info.text() == "One share costs 10,000 ₭; buy 1 to 5 shares at a time."
    dialog.amount.setText("15,000")
    assert not dialog.save()
    assert dialog.problems.text() == ("15,000 ₭ is not a whole number of shares at 10,000 ₭ a "
                                      "share.")
    dialog.amount.setText("30,000")
    assert dialog.save()
    assert window.statusBar().currentMessage() == (
        "ນາງ ແກ້ວ saved 30,000 ₭; her savings are now 30,000 ₭ (3 shares).")
    row = row_of(screen, keo)
    assert (row.savings, row.shares) == (30_000, 3)
    assert screen.totals.text() == "Savings in all: 30,000 ₭ · shares: 3"
    assert saved(env, keo) == 30_000


def test_a_withdrawal_where_the_rules_allow_it(env, make_window, qtbot, messages):
    keo = env.member_ids[0]
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=keo, amount=50_000,
                               on=dt.date(2026, 3, 1))
    with_rules(env, withdrawals="allowed", withdrawal_max_percent=50)
    screen = make_window("treasurer").show_section("savings")
    assert screen.withdraw_button.isEnabled()
    assert not screen.notice_button.isVisible()
    dialog = WithdrawalDialog(screen.ctx, row_of(screen, keo), screen)
    qtbot.addWidget(dialog)
    assert dialog.info.text() == "Saved: 50,000 ₭. At most 20,000 ₭ can be withdrawn now."
    dialog.amount.setText("30,000")
    assert not dialog.save()
    assert dialog.problems.text() == ("At most 50% of the savings can be withdrawn at a time: "
                                      "25,000 ₭.")
    dialog.amount.setText("20,000")
    assert dialog.save()
    assert messages.last.text == "Pay ນາງ ແກ້ວ 20,000 ₭ of her savings?"
    assert saved(env, keo) == 30_000


def test_a_notice_comes_first_when_the_rules_ask_for_one(env, make_window, qtbot):
    keo = env.member_ids[0]
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=keo, amount=50_000,
                               on=dt.date(2026, 3, 1))
    with_rules(env, withdrawals="allowed", withdrawal_notice_days=14)
    window = make_window("treasurer")
    screen = window.show_section("savings")
    assert screen.notice_button.isVisible()
    notice = NoticeDialog(screen.ctx, row_of(screen, keo), screen)
    qtbot.addWidget(notice)
    notice.amount.setText("20,000")
    assert notice.save()
    assert window.statusBar().currentMessage() == (
        "Notice recorded; the money can be withdrawn from 04/12/2026.")
    dialog = WithdrawalDialog(screen.ctx, row_of(screen, keo), screen)
    qtbot.addWidget(dialog)
    assert dialog.info.text().splitlines()[1:] == [
        "The rules ask for 14 days' notice.",
        "Notice of 20/11/2026 for 20,000 ₭: usable from 04/12/2026."]


def test_a_member_who_leaves_is_settled_from_the_statement(env, make_window, qtbot, messages):
    bua = env.member_ids[1]
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        savings.record_deposit(s, treasurer, member_id=bua, amount=40_000,
                               on=dt.date(2026, 3, 1))
        savings_fines.charge_fine(s, treasurer, member_id=bua, amount=2_000, reason="Absent",
                                  on=dt.date(2026, 4, 1))
    window = make_window("treasurer")
    screen = window.show_section("savings")
    dialog = ExitDialog(screen.ctx, row_of(screen, bua), screen)
    qtbot.addWidget(dialog)
    assert dialog.figures.text().splitlines() == [
        "Savings: 40,000 ₭ (4 shares)", "Taken from her savings for what she owes: 2,000 ₭",
        "Paid out: 38,000 ₭", "Still owed after the settlement: 0 ₭"]
    assert [(d.label, d.owed, d.netted) for d in dialog.debts_model.rows] == [
        ("Unpaid fines", 2_000, 2_000)]
    assert dialog.settle_button.isEnabled()

    dialog.on.setText("01/12/2026")  # a day still to come
    dialog.preview()
    assert dialog.problems.text() == "• The date must be between joining and today."
    assert not dialog.settle_button.isEnabled()
    dialog.on.setText("20/11/2026")
    dialog.paid_to.setText("ນາງ ບົວ")
    assert dialog.settle()
    assert messages.last.kind == "warning"  # the danger confirmation
    assert messages.last.text.startswith("She leaves the group: settle with ນາງ ບົວ on "
                                         "20/11/2026?")
    assert saved(env, bua) == 0
    with env.db.read() as s:
        assert members.get_member(s, env.user(s, "auditor"), bua).status == "left"
        assert ledger.balance(s, env.group_id, "cash") == 2_000
        assert verify.verify_database(s) == []
    assert row_of(screen, bua).status == "left"
    screen.select_member(bua)
    assert not screen.exit_button.isEnabled()  # she is no longer active
    assert window.statusBar().currentMessage() == "ນາງ ບົວ is settled: 38,000 ₭ paid out."


@pytest.fixture
def new_group(env):  # noqa: ANN001, ANN201
    """A group with no members and no records yet; the treasurer works in it."""
    with env.db.write() as s:
        admin = env.user(s, "admin")
        group = groups.create_group(s, admin, name="ກຸ່ມຕ່ຳແຜ່ນ", name_latin="Weavers")
        users.grant_role(s, admin, user_id=env.user_ids["treasurer"], role="treasurer",
                         group_id=group.id)
        env.group_id = group.id
    env.member_ids = []
    return env


def fill(path, members_rows, as_of=dt.date(2026, 6, 30)) -> None:  # noqa: ANN001
    workbook = openpyxl.load_workbook(path)
    group_sheet, member_sheet = workbook.worksheets[:2]
    for row, value in enumerate((as_of, 1_250_000, 2_000_000, 450_000), start=2):
        group_sheet.cell(row=row, column=2, value=value)
    for row, values in enumerate(members_rows, start=2):
        for column, value in enumerate(values, start=1):
            member_sheet.cell(row=row, column=column, value=value)
    workbook.save(path)


def test_an_existing_group_is_brought_in_all_at_once_after_every_problem_is_shown(
        new_group, make_window, qtbot, monkeypatch, tmp_path, messages):
    env = new_group
    window = make_window("treasurer")
    screen = window.show_section("savings")
    assert screen.import_button.isEnabled()
    dialog = OpeningImportDialog(screen.ctx, screen)
    qtbot.addWidget(dialog)
    opened = save_papers_to(monkeypatch, tmp_path)
    template = dialog.save_template()
    assert template == tmp_path / "opening-balances.xlsx" and opened == [template]

    # Two bad rows: both are listed, with their sheet and row, and nothing can be saved.
    fill(template, [(1, "ນາງ ຄຳ", "Kham", "f", dt.date(2023, 2, 1), None, None, 1_205_000),
                    (2, "", None, "q", "yesterday", None, None, 900_000)])
    preview = dialog.load(template)
    assert [(p.sheet, p.row, p.text) for p in dialog.problems_model.rows] == [
        ("Members", 2, "1,205,000 ₭ is not a whole number of shares at 10,000 ₭ a share."),
        ("Members", 3, "Enter the member's name."),
        ("Members", 3, "Joined on: “yesterday” is not a date; write dd/mm/yyyy.")]
    assert len(preview.problems) == 3 and not dialog.import_button.isEnabled()
    assert dialog.figures.text().splitlines()[-1].startswith("3 problems:")
    assert not dialog.bring_in()
    with env.db.read() as s:
        assert s.get(Group, env.group_id).entry_count == 0

    # Corrected, every row is right and it all comes in as one entry.
    fill(template, [(1, "ນາງ ຄຳ", "Kham", "f", dt.date(2023, 2, 1), None, None, 1_200_000, 5_000),
                    (2, "ນາງ ແສງ", None, "f", "15/03/2023", None, None, 900_000)])
    dialog.load(template)
    assert dialog.problems_model.rows == [] and dialog.import_button.isEnabled()
    assert dialog.figures.text().splitlines()[:2] == [
        "Balances on 30/06/2026: cash 1,250,000 ₭ · bank 2,000,000 ₭ · welfare fund 450,000 ₭",
        "2 members · savings 2,100,000 ₭ · unpaid fines 5,000 ₭ · loans still owed 0 ₭"]
    assert dialog.bring_in()
    assert messages.last.buttons[0] == "Bring it in"
    assert window.statusBar().currentMessage() == "2 members and their balances were brought in."
    assert [(r.name, r.savings) for r in screen.model.rows] == [("ນາງ ຄຳ", 1_200_000),
                                                                ("ນາງ ແສງ", 900_000)]
    with env.db.read() as s:
        assert s.get(Group, env.group_id).entry_count == 1
        assert verify.verify_database(s) == []


def test_no_english_is_left_on_the_savings_screens_in_lao(env, make_window, qtbot, lao):
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                               amount=20_000, on=dt.date(2026, 3, 1))
    with_rules(env, withdrawals="allowed", withdrawal_notice_days=7)
    screen = make_window("treasurer").show_section("savings")
    leftovers = english_left(screen)
    row = screen.model.rows[0]
    for dialog in (DepositDialog(screen.ctx, row, screen),
                   WithdrawalDialog(screen.ctx, row, screen),
                   NoticeDialog(screen.ctx, row, screen), ExitDialog(screen.ctx, row, screen),
                   OpeningImportDialog(screen.ctx, screen)):
        qtbot.addWidget(dialog)
        leftovers += [(type(dialog).__name__, *found) for found in english_left(dialog)]
    assert leftovers == []


def test_the_savings_table_passes_the_model_tester(env, make_window, qtmodeltester):
    screen = make_window("auditor").show_section("savings")
    assert screen.model.rowCount() == 3
    assert not screen.deposit_button.isEnabled()  # the auditor only looks
    qtmodeltester.check(screen.model, force_py=True)
    screen.refresh()


def test_the_exit_statement_shows_what_a_fund_below_par_takes_off(env, make_window, qtbot):
    """Bua and Keo saved 40,000 each; the group spent 8,000, so the fund holds 72,000 for
    80,000 of savings (90 %). Bua leaving gets 40,000 × 72,000 / 80,000 = 36,000: the
    4,000 difference is shown before anything is posted."""
    from models.core.ledger import Line
    from tests.models.savings_support import post

    keo, bua = env.member_ids[:2]
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        for member_id in (keo, bua):
            savings.record_deposit(s, treasurer, member_id=member_id, amount=40_000,
                                   on=dt.date(2026, 3, 1))
    post(env, Line("expenses", 8_000), Line("cash", -8_000), on=dt.date(2026, 4, 1))
    window = make_window("treasurer")
    screen = window.show_section("savings")
    dialog = ExitDialog(screen.ctx, row_of(screen, bua), screen)
    qtbot.addWidget(dialog)
    assert dialog.figures.text().splitlines() == [
        "Savings: 40,000 ₭ (4 shares)",
        "The fund is worth less than its savings: her savings are worth 36,000 ₭ today, "
        "4,000 ₭ less (her part of the loss stays with the group).",
        "Taken from her savings for what she owes: 0 ₭",
        "Paid out: 36,000 ₭", "Still owed after the settlement: 0 ₭"]
