"""The share-out wizard where members keep NSSF pots: Keo's pot of 5,000 shows beside her
payout, kept for her into the next cycle; Som puts 2,000 of his payout into his pot (typed
in the re-investment step), Bua asks for more than her cash and is told why not; the
screen then lists Som's receipt number and the printed statement shows every pot."""
from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from PySide6.QtCore import Qt

from desktop.shareout_reinvest import ReinvestModel
from desktop.shareout_wizard import ShareOutWizard
from models.core import ledger, verify
from tests.desktop.conftest import english_left, save_papers_to
from tests.desktop.test_shareout_screens import three_savers  # noqa: F401 (a fixture)
from tests.models.nssf_support import deposit, pooling

JUNE = dt.date(2026, 6, 1)


@pytest.fixture
def with_pots(three_savers):  # noqa: ANN001, ANN201, F811
    pooling(three_savers)
    deposit(three_savers, 0, 5_000, on=JUNE)
    return three_savers


def balance(env, key: str, member_id: int | None = None) -> int:  # noqa: ANN001
    with env.db.read() as s:
        return ledger.balance(s, env.group_id, key, member_id=member_id)


def test_keo_keeps_her_pot_and_som_puts_part_of_his_payout_in_his(with_pots, make_window,
                                                                  qtbot, messages,
                                                                  monkeypatch, tmp_path):
    env = with_pots
    keo, bua, som = env.member_ids
    window = make_window("treasurer")
    screen = window.show_section("shareout")
    wizard = ShareOutWizard(screen.ctx, screen)
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    # Her pot is beside her payout, kept for her (it is not the loan fund's to share).
    assert [(r.payout, r.fund_kept) for r in wizard.rows_model.rows] == [
        (7_225, 5_000), (11_354, 0), (13_419, 0)]
    kept = wizard.rows_model.columnCount() - 1
    assert not wizard.rows_table.isColumnHidden(kept)
    assert wizard.rows_model.data(wizard.rows_model.index(0, kept)) == "5,000 ₭"
    wizard.next_button.click()

    wizard.carry_buttons["none"].setChecked(True)
    model = wizard.reinvest_model
    assert not wizard.reinvest_table.isColumnHidden(ReinvestModel.POT)
    assert model.setData(model.index(1, ReinvestModel.POT), "20,000", Qt.ItemDataRole.EditRole)
    wizard.compute()
    assert wizard.problems.text() == ("• ນາງ ບົວ takes 11,354 ₭ in cash from her payout; no "
                                      "more than that can go into her NSSF pot.")
    assert not wizard.next_button.isEnabled()
    assert model.setData(model.index(1, ReinvestModel.POT), "0", Qt.ItemDataRole.EditRole)
    assert model.setData(model.index(2, ReinvestModel.POT), "2,000", Qt.ItemDataRole.EditRole)
    wizard.compute()
    assert not wizard.problems.isVisible()
    assert model.data(model.index(2, 5)) == "11,419 ₭"  # the cash Som takes home
    wizard.next_button.click()
    assert wizard.final.text().splitlines()[6:9] == [
        "Put into NSSF pots from payouts: 2,000 ₭",
        "NSSF pots paid out with the shares: 0 ₭",
        "NSSF pots kept for members into the next cycle: 7,000 ₭"]
    wizard.next_button.click()
    assert wizard.posted is not None

    assert [balance(env, "nssf_pot", m) for m in (keo, bua, som)] == [5_000, 0, 2_000]
    assert balance(env, "cash") == 37_000 - (7_225 + 11_354 + 11_419)
    with env.db.read() as s:
        assert verify.verify_database(s) == []
    screen.refresh()
    som_line = screen.lines_model.rows[2]
    receipt = som_line.funds[0].receipt
    assert screen.lines_model.data(screen.lines_model.index(2, 8)) == (
        f"2,000 ₭ (receipt {receipt})")
    assert screen.lines_model.data(screen.lines_model.index(2, 10)) == "11,419 ₭"

    save_papers_to(monkeypatch, tmp_path)
    path = screen.print_statement()
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert f"3 · ທ້າວ ສົມ: 2,000 ₭ into her NSSF pot, receipt {receipt}" in text
    assert "not shared (they are not the loan fund's money): 0 ₭ paid out with the shares, " \
           "7,000 ₭ kept for members" in " ".join(text.split())


def test_a_group_without_pots_sees_no_pot_columns(three_savers, make_window, qtbot):  # noqa: F811
    wizard = ShareOutWizard(make_window("treasurer").ctx)
    qtbot.addWidget(wizard)
    wizard.go(2)
    assert wizard.rows_table.isColumnHidden(wizard.rows_model.columnCount() - 1)
    assert wizard.reinvest_table.isColumnHidden(ReinvestModel.POT)


def test_no_english_is_left_with_pots_in_lao(with_pots, make_window, qtbot, lao):
    screen = make_window("treasurer").show_section("shareout")
    wizard = ShareOutWizard(screen.ctx, screen)
    qtbot.addWidget(wizard)
    leftovers = []
    for step in range(4):
        wizard.go(step)
        leftovers += [(step, *found) for found in english_left(wizard)]
    assert leftovers == []


def test_the_lao_statement_prints_every_pot_under_the_share_out_rule(with_pots, make_window,
                                                                     monkeypatch, tmp_path, lao):
    """Under the rule "paid out with her share", Keo's 5,000 is part of the cash she signs
    for: 7,225 + 5,000 = 12,225."""
    from models.nssf import scheme
    from models.savings import shareout_posting
    from tests.models.nssf_support import set_scheme

    env = with_pots
    set_scheme(env, withdrawals=scheme.WITHDRAW_SHARE_OUT, on=dt.date(2026, 11, 1))
    with env.db.write() as s:
        shareout_posting.post_share_out(s, env.user(s, "treasurer"), group_id=env.group_id,
                                        on=dt.date(2026, 11, 20), carry_over="none")
    screen = make_window("treasurer").show_section("shareout")
    save_papers_to(monkeypatch, tmp_path)
    path = screen.print_statement()
    words = " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"],
                                    capture_output=True, text=True, check=True).stdout.split())
    # (pdftotext reads shaped Lao marks back as other code points: the figures are checked)
    assert " 7 7,000 225 7,225 – – 12,225 " in words  # Keo's row of the members' table
    assert " 5,000 – 5,000 – " in words  # her pot: held, put in, paid out, kept
    assert " 5,000 0 5,000 0" in words  # the pots' totals
