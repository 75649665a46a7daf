"""Printing a share-out: the treasurer picks a past share-out on the share-out screen and
prints the statement the members sign as they take their money; right after posting a
share-out the program offers to print it too. Lao all through."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.screens import shareout as shareout_screen
from models.savings import shareout_posting
from tests.desktop.conftest import english_left, save_papers_to
from tests.desktop.test_shareout_screens import three_savers  # noqa: F401 (a fixture)

TODAY = dt.date(2026, 11, 20)


def share_out(env):  # noqa: ANN001, ANN201
    with env.db.write() as s:
        return shareout_posting.post_share_out(s, env.user(s, "treasurer"), group_id=env.group_id,
                                               on=TODAY, carry_over="none")


@pytest.fixture
def shared_out(three_savers):  # noqa: ANN001, ANN201
    share_out(three_savers)
    return three_savers


@pytest.fixture
def saving_to(monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    """The folder chooser answers ``tmp_path``; what would be opened for printing is noted."""
    return save_papers_to(monkeypatch, tmp_path)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_nothing_to_print_before_a_share_out_is_chosen(three_savers, make_window):
    screen = make_window("treasurer").show_section("shareout")
    assert screen.records_model.rowCount() == 0
    assert not screen.print_button.isEnabled()
    share_out(three_savers)
    screen.refresh()
    assert screen.print_button.isEnabled()  # the newest share-out is chosen
    screen.records.clearSelection()
    assert not screen.print_button.isEnabled()


def test_the_chosen_share_out_is_printed_and_opened(shared_out, make_window, saving_to,
                                                    tmp_path):
    window = make_window("auditor")  # auditors read the records; printing changes nothing
    screen = window.show_section("shareout")
    [record] = screen.records_model.rows
    assert screen.records.selected_row() == record
    screen.print_button.click()
    path = tmp_path / "share-out-cycle-1-2026-11-20.pdf"
    assert saving_to == [path] and path.exists()
    assert window.statusBar().currentMessage() == f"The statement was saved to {path}."
    if shutil.which("pdftotext"):
        text = pdf_text(path)
        assert "Share-out of 20/11/2026" in text
        for row in record.rows:
            assert row.name in text and f"{row.cash:,}" in text


def test_right_after_posting_the_statement_is_offered(three_savers, make_window, saving_to,
                                                       monkeypatch, messages, tmp_path):
    screen = make_window("treasurer").show_section("shareout")
    monkeypatch.setattr(shareout_screen.ShareOutWizard, "ask",
                        classmethod(lambda cls, parent, ctx: share_out(three_savers)))
    screen.start_button.click()
    assert messages.last.buttons == ["Print the statement…", "Cancel"]
    assert saving_to == [tmp_path / "share-out-cycle-1-2026-11-20.pdf"]


def test_the_offer_after_posting_can_be_declined(three_savers, make_window, saving_to,
                                                  monkeypatch, messages):
    screen = make_window("treasurer").show_section("shareout")
    monkeypatch.setattr(shareout_screen.ShareOutWizard, "ask",
                        classmethod(lambda cls, parent, ctx: share_out(three_savers)))
    messages.answer = "no"
    screen.start_button.click()
    assert saving_to == []


def test_printing_in_lao(shared_out, make_window, saving_to, lao):
    window = make_window("treasurer")
    screen = window.show_section("shareout")
    assert screen.print_button.text() == "ພິມໃບສະຫຼຸບ…"
    assert english_left(screen) == []
    screen.print_button.click()
    [path] = saving_to
    assert window.statusBar().currentMessage() == f"ບັນທຶກໃບສະຫຼຸບໄວ້ທີ່ {path} ແລ້ວ."
    if shutil.which("pdftotext"):
        text = pdf_text(path)
        assert "ເງິນວັນທີ 20/11/2026" in text and "Share-out" not in text
