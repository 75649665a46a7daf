"""The NSSF screens, through the window: the tailors pool their NSSF contributions. Keo has
enough in her pot for November, Bua is short; the group's policy is to advance the rest
from the loan fund. The treasurer makes the month's run, saves the remittance file (which
exports the batch), and types in the LSSO's receipt."""
from __future__ import annotations

import csv
import datetime as dt

import pytest

from desktop.nssf_batch_dialogs import ConfirmBatchDialog, CorrectionDialog, GrantDialog
from desktop.nssf_dialogs import (
    AdvanceRepaymentDialog,
    EndContractDialog,
    EnrolDialog,
    LevelDialog,
    PotDepositDialog,
    PotWithdrawalDialog,
    SavingsTransferDialog,
)
from desktop.nssf_history import HistoryDialog
from desktop.screens.nssf_coverage import coverage_chart
from models.core import verify
from models.nssf import batches, pot, scheme
from models.nssf import enrolment as enrolments
from tests.desktop.conftest import english_left, save_papers_to

NOVEMBER = dt.date(2026, 11, 1)
LEVEL = 2_500_000  # 225,000 ₭ a month at 9 %


@pytest.fixture
def pooling(env):
    """The tailors pool NSSF contributions from 1 November; a short pot is advanced."""
    with env.db.write() as s:
        scheme.set_scheme_settings(s, env.user(s, "admin"), group_id=env.group_id,
                                   effective_from=dt.date(2026, 11, 1),
                                   values={"nssf_pooling": True, "nssf_shortage": "advance"})
    return env


def enrol(env, index: int, ss: str) -> None:  # noqa: ANN001
    with env.db.write() as s:
        enrolments.enrol(s, env.user(s, "treasurer"), member_id=env.member_ids[index],
                         ss_number=ss, level=LEVEL, hospital="Mittaphab",
                         start_month=NOVEMBER)


def deposit(env, index: int, amount: int) -> None:  # noqa: ANN001
    with env.db.write() as s:
        pot.deposit_to_pot(s, env.user(s, "treasurer"), member_id=env.member_ids[index],
                           amount=amount, on=dt.date(2026, 11, 10))


@pytest.fixture
def keo_and_bua(pooling):
    """Keo (member 1) has 600,000 in her pot, Bua (member 2) only 100,000."""
    enrol(pooling, 0, "SS-1001")
    enrol(pooling, 1, "SS-1002")
    deposit(pooling, 0, 600_000)
    deposit(pooling, 1, 100_000)
    return pooling


def run_row(panel, name: str):  # noqa: ANN001, ANN201
    return next(r for r in panel.model.rows if r.name == name)


def test_a_run_with_one_member_short_is_advanced_exported_and_confirmed(
        keo_and_bua, make_window, messages, monkeypatch, tmp_path):
    env = keo_and_bua
    window = make_window("treasurer")
    screen = window.show_section("nssf")
    assert screen.provisional.text().startswith("Provisional level table")
    screen.tabs.setCurrentWidget(screen.run)
    run = screen.run
    run.month.choose(NOVEMBER)
    run.refresh()
    assert "Advance from the loan fund" in run.policy.text()
    keo, bua = run_row(run, "ນາງ ແກ້ວ"), run_row(run, "ນາງ ບົວ")
    assert (keo.paid, keo.from_pot, keo.from_advance) == (225_000, 225_000, 0)
    assert (bua.paid, bua.from_pot, bua.from_advance) == (225_000, 100_000, 125_000)
    assert "To the LSSO: 450,000 ₭ for 2 members" in run.totals.text()
    assert "advanced 125,000 ₭" in run.totals.text()

    run.make_button.click()
    batches_panel = screen.batches
    assert screen.tabs.currentWidget() is batches_panel
    draft = batches_panel.selected()
    assert (draft.status, draft.total, draft.from_advance) == ("draft", 450_000, 125_000)
    assert "a draft" in batches_panel.state.text()
    assert not batches_panel.confirm_button.isEnabled()

    # Saving the file exports the batch: she is told what it takes, and says yes.
    save_papers_to(monkeypatch, tmp_path)
    batches_panel.csv_button.click()
    question = next(m for m in messages.shown if m.title == "Export the batch?")
    assert "takes 325,000 ₭ from the members' pots" in question.text
    assert "advances 125,000 ₭ from the loan fund" in question.text
    path = tmp_path / "nssf-2026-11-batch-1.csv"
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    bua_line = next(r for r in rows if "SS-1002" in r)
    assert "225000" in bua_line and "2500000" in bua_line
    exported = batches_panel.selected()
    assert exported.status == "exported"
    assert "read-only" in batches_panel.state.text()
    assert not batches_panel.discard_button.isEnabled()
    assert batches_panel.confirm_button.isEnabled()
    with env.db.read() as s:
        assert pot.pot_balance(s, env.group_id, env.member_ids[1]) == 0
        assert pot.advance_owed(s, env.group_id, env.member_ids[1]) == 125_000

    # The file saved again is the same file.
    first = path.read_bytes()
    path.unlink()
    batches_panel.csv_button.click()
    assert path.read_bytes() == first

    # The LSSO's receipt.
    dialog = ConfirmBatchDialog(screen.ctx, exported, parent=screen)
    dialog.receipt.setText("LSSO-2026-0457")
    dialog.paid_on.setText("20/11/2026")
    assert dialog.save()
    confirmed = batches_panel.selected()
    assert (confirmed.status, confirmed.lsso_receipt) == ("confirmed", "LSSO-2026-0457")
    assert "LSSO-2026-0457" in batches_panel.state.text()
    assert not batches_panel.confirm_button.isEnabled()
    with env.db.read() as s:
        assert verify.verify_group(s, env.group(s)) == []


def test_the_summary_to_sign_is_saved_as_a_pdf(keo_and_bua, make_window, monkeypatch,
                                               tmp_path):
    from tests.reports.test_nssf_summary_pdf import pdf_text

    window = make_window("treasurer")
    screen = window.show_section("nssf")
    screen.tabs.setCurrentWidget(screen.run)
    screen.run.make_button.click()
    save_papers_to(monkeypatch, tmp_path)
    screen.batches.summary_button.click()
    text = pdf_text(tmp_path / "nssf-2026-11-batch-1.pdf")
    assert "Draft: not yet sent" in text
    assert "PROVISIONAL" in text
    total = next(line for line in text.splitlines() if line.strip().startswith("Total"))
    assert total.split() == ["Total", "2", "450,000", "325,000", "125,000", "0"]


def test_enrolment_offers_only_the_levels_of_the_table_and_shows_it_provisional(
        pooling, make_ctx, qtbot):
    ctx = make_ctx("treasurer")
    dialog = EnrolDialog(ctx)
    qtbot.addWidget(dialog)
    levels = [dialog.level.itemData(i) for i in range(dialog.level.count())]
    # From 1 October 2024 the minimum wage is 2,500,000: the lower levels are gone.
    assert levels[0] == 2_500_000 and levels[-1] == 4_500_000
    assert dialog.level.itemText(0) == "Level 7 · 2,500,000 ₭: 225,000 ₭ a month"
    assert dialog.provisional.isVisibleTo(dialog)
    assert "11/2026 to 10/2028 (24 months)" == dialog.contract.text()
    dialog.ss_number.setText("")
    assert not dialog.save()
    assert "social-security number" in dialog.problems.text()
    assert "hospital" in dialog.problems.text()
    dialog.ss_number.setText("SS-77")
    dialog.hospital.setText("Mahosot")
    assert dialog.save()
    assert dialog.saved.status == enrolments.ACTIVE
    assert dialog.saved.contract_end == dt.date(2028, 10, 1)


def test_money_into_her_pot_and_from_her_savings(keo_and_bua, make_ctx, qtbot):
    ctx = make_ctx("treasurer")
    with keo_and_bua.db.read() as s:
        row = enrolments.member_enrolment(s, keo_and_bua.user(s, "treasurer"),
                                          keo_and_bua.member_ids[1])
    dialog = PotDepositDialog(ctx, row)
    qtbot.addWidget(dialog)
    assert "holds 100,000 ₭: 0 months" in dialog.info.text()
    dialog.amount.setText("350,000")
    dialog.paper.setText("R-12")
    assert dialog.save()
    assert dialog.receipt.balance_after == 450_000
    transfer = SavingsTransferDialog(ctx, row)
    qtbot.addWidget(transfer)
    assert "up to 0 ₭" in transfer.info.text()
    transfer.amount.setText("10,000")
    assert not transfer.save()
    assert "at most 0 ₭" in transfer.problems.text()


def test_a_correction_batch_names_the_batch_it_corrects(keo_and_bua, make_ctx, qtbot):
    env = keo_and_bua
    from reports.nssf_file import export_remittance

    with env.db.write() as s:
        from models.nssf import remittance

        made = remittance.make_run(s, env.user(s, "treasurer"), group_id=env.group_id,
                                   month=NOVEMBER)
        export_remittance(s, env.user(s, "treasurer"), batch_id=made.id, fmt="csv")
        enrolments.change_level(s, env.user(s, "treasurer"),
                                enrolment_id=enrolments.latest_enrolment(
                                    s, env.member_ids[0]).id,
                                level=2_700_000, from_month=NOVEMBER)
        exported = batches.batch_row(s, env.user(s, "treasurer"), made.id)
    ctx = make_ctx("treasurer")
    dialog = CorrectionDialog(ctx, exported)
    qtbot.addWidget(dialog)
    assert not dialog.save()
    assert "Say what the correction is for" in dialog.problems.text()
    dialog.note.setText("Keo's level is 2,700,000")
    assert dialog.save()
    assert dialog.saved.corrects_number == exported.number
    assert dialog.saved.total == 18_000  # 9 % of the 200,000 more


def test_the_coverage_tab_draws_the_months_and_plans_the_year(keo_and_bua, make_window):
    window = make_window("treasurer")
    screen = window.show_section("nssf")
    screen.tabs.setCurrentWidget(screen.coverage)
    panel = screen.coverage
    assert [r.enrolment.name for r in panel.model.rows] == ["ນາງ ແກ້ວ", "ນາງ ບົວ"]
    chart = panel.chart.chart()
    assert chart.title() == "Members covered at each month's end"
    assert [s.label() for s in chart.series()[0].barSets()] == ["Covered", "In grace",
                                                                 "Lapsed"]
    assert len(panel.points) == 12
    assert "the group would advance" in panel.plan_total.text()
    bua = next(r for r in panel.plan_rows if r.name == "ນາງ ບົວ")
    assert bua.advance > 0


def test_the_grace_warning_names_who_must_pay_and_by_when(pooling, make_window):
    env = pooling
    with env.db.write() as s:
        enrolments.enrol(s, env.user(s, "treasurer"), member_id=env.member_ids[2],
                         ss_number="SS-3", level=LEVEL, hospital="Mahosot",
                         start_month=dt.date(2026, 9, 1), on=dt.date(2026, 11, 20))
    window = make_window("treasurer")
    screen = window.show_section("nssf")
    assert screen.warning.isVisibleTo(screen)
    assert screen.warning.text() == "NSSF in grace: ທ້າວ ສົມ (pay by 12/2026)."
    overview = window.show_section("overview")
    assert "ທ້າວ ສົມ (pay by 12/2026)" in overview.nssf_warning.text()
    meetings = window.show_section("meetings")
    assert meetings.open_today()
    assert meetings.page.nssf_warning.text() == "NSSF in grace: ທ້າວ ສົມ (pay by 12/2026)."


def test_a_group_without_pooling_is_offered_to_start_it(env, make_window):
    window = make_window("admin")
    screen = window.show_section("nssf")
    assert screen.off_note.isVisibleTo(screen)
    assert not screen.tabs.isVisibleTo(screen)
    screen.turn_on.click()
    assert screen.tabs.isVisibleTo(screen)
    assert not screen.off_note.isVisibleTo(screen)


def test_the_screen_in_lao_has_no_english_left(keo_and_bua, make_window, lao):
    window = make_window("treasurer")
    screen = window.show_section("nssf")
    for panel in screen.panels():
        screen.tabs.setCurrentWidget(panel)
        assert english_left(screen) == []


def test_every_nssf_dialog_opens_in_lao_without_english(keo_and_bua, make_ctx, lao, qtbot):
    ctx = make_ctx("treasurer")
    env = keo_and_bua
    with env.db.write() as s:
        from models.nssf import remittance

        batch = remittance.make_run(s, env.user(s, "treasurer"), group_id=env.group_id,
                                    month=NOVEMBER)
        row = enrolments.member_enrolment(s, env.user(s, "treasurer"), env.member_ids[0])
    for dialog in (EnrolDialog(ctx), LevelDialog(ctx, row), PotDepositDialog(ctx, row),
                   SavingsTransferDialog(ctx, row), HistoryDialog(ctx, row),
                   PotWithdrawalDialog(ctx, row), AdvanceRepaymentDialog(ctx, row),
                   EndContractDialog(ctx, row),
                   ConfirmBatchDialog(ctx, batch), CorrectionDialog(ctx, batch),
                   GrantDialog(ctx)):
        qtbot.addWidget(dialog)
        assert english_left(dialog) == [], type(dialog).__name__


def test_the_chart_of_an_empty_group_still_draws():
    assert coverage_chart([]).title()


def test_the_meeting_grid_has_an_nssf_column_only_for_a_group_that_pools(
        env, make_window, qtbot, messages):
    from tests.desktop.test_meeting_screens import amounts, go, open_today, type_into

    page = open_today(make_window("treasurer")).page
    assert "nssf_pot" not in page.model.money_keys()
    assert not page.nssf_warning.isVisibleTo(page)

    with env.db.write() as s:
        scheme.set_scheme_settings(s, env.user(s, "admin"), group_id=env.group_id,
                                   effective_from=dt.date(2026, 11, 1),
                                   values={"nssf_pooling": True})
    enrol(env, 0, "SS-1001")
    page = open_today(make_window("treasurer")).page
    assert "nssf_pot" in page.model.money_keys()
    # Keo brings 250,000 for her pot at the meeting.
    go(page, 0, "nssf_pot")
    type_into(qtbot, page, "250000")
    assert amounts(page, "nssf_pot")[0] == 250_000
    messages.answer = "later"
    assert page.post()
    with env.db.read() as s:
        assert pot.pot_balance(s, env.group_id, env.member_ids[0]) == 250_000


def test_an_administrator_puts_the_official_level_table_and_the_rules_in_force(
        pooling, make_window):
    env = pooling
    window = make_window("admin")
    screen = window.show_section("nssf")
    screen.tabs.setCurrentWidget(screen.settings)
    panel = screen.settings
    assert "provisional table" in panel.table_now.text()
    panel.levels.setText("2,600,000 3,000,000 x")
    panel.table_from.setText("01/12/2026")
    panel.save_table.click()
    assert panel.problems.isVisibleTo(panel) and "“x”" in panel.problems.text()
    with env.db.read() as s:
        assert scheme.scheme(s, env.group_id, dt.date(2026, 12, 1)).provisional
    panel.levels.setText("2,600,000 3,000,000 3,400,000")
    panel.save_table.click()
    assert not panel.problems.isVisible()
    with env.db.read() as s:
        december = scheme.scheme(s, env.group_id, dt.date(2026, 12, 1))
        november = scheme.scheme(s, env.group_id, dt.date(2026, 11, 1))
    assert (december.levels, december.provisional) == ((2_600_000, 3_000_000, 3_400_000),
                                                        False)
    assert november.provisional

    panel.shortage.choose("subsidy")
    panel.grace.setValue(2)
    panel.save_rules.click()
    with env.db.read() as s:
        now = scheme.scheme(s, env.group_id, dt.date(2026, 11, 20))
    assert (now.shortage, now.grace_months) == ("subsidy", 2)


def test_the_treasurer_reads_the_rules_but_cannot_change_them(pooling, make_window):
    screen = make_window("treasurer").show_section("nssf")
    screen.tabs.setCurrentWidget(screen.settings)
    assert not screen.settings.save_rules.isEnabled()
    assert "administrator" in screen.settings.save_table.toolTip().lower()


def test_her_pot_is_paid_out_only_by_the_group_rule_and_an_advance_is_repaid(
        keo_and_bua, make_ctx, qtbot):
    env = keo_and_bua
    from models.nssf import remittance
    from reports.nssf_file import export_remittance

    with env.db.write() as s:
        made = remittance.make_run(s, env.user(s, "treasurer"), group_id=env.group_id,
                                   month=NOVEMBER)
        export_remittance(s, env.user(s, "treasurer"), batch_id=made.id, fmt="csv")
        keo = enrolments.member_enrolment(s, env.user(s, "treasurer"), env.member_ids[0])
        bua = enrolments.member_enrolment(s, env.user(s, "treasurer"), env.member_ids[1])
    ctx = make_ctx("treasurer")
    out = PotWithdrawalDialog(ctx, keo)
    qtbot.addWidget(out)
    assert "Only when she leaves the scheme" in out.info.text()
    out.amount.setText("100,000")
    assert not out.save()
    assert "only after she leaves the scheme" in out.problems.text()
    # She leaves the scheme today; then her pot may be paid out.
    end = EndContractDialog(ctx, keo)
    qtbot.addWidget(end)
    assert end.save()
    assert end.saved.status == enrolments.ENDED
    out = PotWithdrawalDialog(ctx, end.saved)
    qtbot.addWidget(out)
    out.amount.setText("100,000")
    assert out.save(), out.problems.text()
    assert out.receipt.balance_after == 275_000
    repay = AdvanceRepaymentDialog(ctx, bua)
    qtbot.addWidget(repay)
    assert repay.info.text() == "She owes 125,000 ₭ in NSSF advances."
    repay.amount.setText("50,000")
    assert repay.save()
    with env.db.read() as s:
        assert pot.advance_owed(s, env.group_id, env.member_ids[1]) == 75_000
