"""The meeting screen: the treasurer opens today's meeting, fills the grid from the keyboard
like a spreadsheet (Lao notes included), sees a bad cell marked with its reason, posts the
whole meeting at once and prints its papers; the auditor only looks."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop.meeting_grid import ATTEND, NOTE
from models.core import ledger, verify
from models.core.schema import Group
from models.meetings import grid as meeting_grids
from models.meetings import meeting as meetings
from models.meetings import summary as meeting_summaries
from tests.desktop.conftest import english_left, save_papers_to
from tests.models.savings_support import with_rules

TODAY = dt.date(2026, 11, 20)


def open_today(window):  # noqa: ANN001, ANN201
    screen = window.show_section("meetings")
    assert screen.open_today()
    assert screen.stack.currentWidget() is screen.page
    return screen


def cell(page, member_index: int, key: str):  # noqa: ANN001, ANN201
    model = page.model
    column = model.column_of(key) if key in model.money_keys() else next(
        c for c, f in enumerate(model.fields) if f.kind == key)
    return model.index(member_index, column)


def go(page, member_index: int, key: str) -> None:  # noqa: ANN001
    page.grid.setCurrentIndex(cell(page, member_index, key))
    page.grid.setFocus()


def type_into(qtbot, page, text: str, then=Qt.Key.Key_Return) -> None:  # noqa: ANN001
    """Type like the treasurer: the first key opens the cell's editor, the rest go to it,
    then Enter (or Tab) commits. Lao text is sent as one key event carrying it."""
    grid = page.grid
    if text.isascii():
        qtbot.keyClicks(grid, text[0])
    else:
        QApplication.sendEvent(grid, QKeyEvent(QEvent.Type.KeyPress, 0,
                                               Qt.KeyboardModifier.NoModifier, text))
    editor = grid.indexWidget(grid.currentIndex())
    assert editor is not None, "the key did not open the cell"
    if text.isascii() and len(text) > 1:
        qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, then)
    QApplication.processEvents()  # Enter commits through a queued call


def amounts(page, key: str) -> list[int]:  # noqa: ANN001
    return [line.amounts.get(key, 0) for line in page.model.lines]


def entry_count(env) -> int:  # noqa: ANN001
    with env.db.read() as s:
        return s.get(Group, env.group_id).entry_count


def test_a_whole_meeting_is_typed_into_the_grid_posted_and_printed(
        env, make_window, qtbot, messages, monkeypatch, tmp_path):
    with_rules(env, fine_absence=5_000)
    window = make_window("treasurer")
    screen = open_today(window)
    page = screen.page
    keo, bua, som = env.member_ids
    assert page.title.text() == "Meeting 1 of cycle 1 · 20/11/2026"
    assert [line.name for line in page.model.lines] == ["ນາງ ແກ້ວ", "ນາງ ບົວ", "ທ້າວ ສົມ"]
    assert page.model.money_keys() == ["savings", "fines"]
    assert amounts(page, "savings") == [10_000, 10_000, 10_000]  # one share expected each
    assert page.totals_model.data(page.totals_model.index(0, 2)) == "30,000 ₭"

    # Keo buys three shares: typing replaces the prefilled amount, Enter goes down.
    go(page, 0, "savings")
    type_into(qtbot, page, "30000")
    assert amounts(page, "savings") == [30_000, 10_000, 10_000]
    assert page.grid.currentIndex() == cell(page, 1, "savings")

    # Bua is absent: "4" in her attendance cell records it; her savings are no longer
    # expected and the absence fine is.
    go(page, 1, ATTEND)
    qtbot.keyClick(page.grid, Qt.Key.Key_4)
    assert page.model.lines[1].attendance == "absent"
    assert amounts(page, "savings") == [30_000, 0, 10_000]
    with env.db.read() as s:
        assert meeting_grids.meeting_grid(s, env.user(s, "auditor"),
                                          page.meeting.id).rows[1].attendance == "absent"

    # Som saves two shares, Tab goes across to the fines and on to the note, where the
    # treasurer writes in Lao.
    go(page, 2, "savings")
    type_into(qtbot, page, "20000", then=Qt.Key.Key_Tab)
    assert page.grid.currentIndex() == cell(page, 2, "fines")
    qtbot.keyClick(page.grid, Qt.Key.Key_Tab)
    assert page.grid.currentIndex() == cell(page, 2, NOTE)
    type_into(qtbot, page, "ລາວ ມາຊ້າ")
    assert page.model.lines[2].note == "ລາວ ມາຊ້າ"

    # The totals row follows every key.
    totals = page.totals_model
    assert [totals.data(totals.index(0, c)) for c in range(1, 5)] == [
        "came 2/3", "50,000 ₭", "0 ₭", "50,000 ₭"]
    assert page.problem_texts() == []

    # Post: the confirmation shows the totals; then the papers are printed.
    folder = tmp_path / "papers"
    folder.mkdir()
    opened = save_papers_to(monkeypatch, folder)
    before = entry_count(env)
    assert page.post()
    confirm, printed = messages.shown
    assert confirm.text.splitlines()[:5] == [
        "Post the meeting of 20/11/2026?", "", "Savings: 50,000 ₭", "Fines paid: 0 ₭",
        "Received in all: 50,000 ₭"]
    assert confirm.buttons == ["Post the meeting", "Cancel"]
    assert printed.buttons == ["Print summary and receipts", "Print passbooks", "Later"]
    summary, receipts = folder / "meeting-2026-11-20-summary.pdf", \
        folder / "meeting-2026-11-20-receipts.pdf"
    assert opened == [summary, receipts]
    assert summary.stat().st_size > 1000 and receipts.stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(summary), "-"], capture_output=True,
                              text=True).stdout
        assert "Meeting summary" in text and "50,000" in text

    # The ledger has it all, and the grid now shows it as posted, read-only.
    assert entry_count(env) == before + 3  # Keo's and Som's savings, Bua's absence fine
    with env.db.read() as s:
        assert ledger.balance(s, env.group_id, "member_savings", member_id=keo) == 30_000
        assert ledger.balance(s, env.group_id, "member_savings", member_id=som) == 20_000
        assert ledger.balance(s, env.group_id, "fines_receivable", member_id=bua) == 5_000
        assert ledger.balance(s, env.group_id, "cash") == 50_000
        summary_row = meeting_summaries.meeting_summary(s, env.user(s, "auditor"), page.meeting.id)
        assert verify.verify_database(s) == []
    assert [r.note for r in summary_row.rows] == ["", "", "ລາວ ມາຊ້າ"]
    assert page.meeting.is_posted and not page.model.editable
    assert not page.post_button.isVisible() and page.summary_button.isVisible()
    assert window.statusBar().currentMessage() == f"Saved to {folder}."
    journal = window.show_section("journal")
    assert sum(1 for row in journal.model.rows if row.kind == "savings_deposit") == 2

    # Back in the list, the meeting shows who came and what was received.
    page.back_button.click()
    row = screen.list_model.rows[0]
    assert (row.meeting.status, row.came, row.members, row.received) == ("posted", 2, 3, 50_000)
    assert screen.today_button.text() == "Today's meeting"


def test_a_bad_cell_is_marked_with_its_reason_and_blocks_posting(env, make_window, qtbot,
                                                                 messages):
    window = make_window("treasurer")
    page = open_today(window).page
    before = entry_count(env)
    go(page, 1, "savings")
    type_into(qtbot, page, "15000")
    index = cell(page, 1, "savings")
    reason = "15,000 ₭ is not a whole number of shares at 10,000 ₭ a share."
    assert index.data(Qt.ItemDataRole.ToolTipRole) == reason
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert page.problems.isVisible()
    assert page.problems.text() == ("Fix the red cells before posting:\n"
                                    f"• ນາງ ບົວ, Savings: {reason}")
    go(page, 2, "savings")
    type_into(qtbot, page, "lots")
    assert cell(page, 2, "savings").data(Qt.ItemDataRole.DisplayRole) == "lots"
    assert page.problem_texts()[1] == "ທ້າວ ສົມ, Savings: “lots” is not an amount."

    assert not page.post()
    assert messages.shown == []  # refused before any question
    assert page.grid.currentIndex() == index  # the first bad cell
    assert entry_count(env) == before
    with env.db.read() as s:
        assert meetings.get_meeting(s, env.user(s, "auditor"), page.meeting.id).status == "open"

    # Esc puts back the expected amount; Delete empties a cell; then it posts.
    qtbot.keyClick(page.grid, Qt.Key.Key_Escape)
    assert amounts(page, "savings")[1] == 10_000
    go(page, 2, "savings")
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert amounts(page, "savings")[2] == 0
    assert page.problem_texts() == [] and not page.problems.isVisible()
    messages.answer = "later"  # posts (the confirmation has no "later"), prints nothing
    assert page.post()
    assert entry_count(env) == before + 2


def test_what_only_the_posting_finds_is_shown_and_nothing_is_written(env, make_window, qtbot,
                                                                     messages):
    """The grid was right when typed, but Som left the group in between: the cells check
    finds his cell, and once it is emptied the posting itself refuses his roll call."""
    window = make_window("treasurer")
    page = open_today(window).page
    with env.db.write() as s:
        from models.core import members

        members.set_status(s, env.user(s, "admin"), member_id=env.member_ids[2], status="left",
                           on=dt.date(2026, 11, 1))
    before = entry_count(env)
    assert not page.post()
    assert page.problems.text() == ("The meeting cannot be posted yet:\n"
                                    "• Member 3 is not in this meeting.")
    assert messages.shown == []
    go(page, 2, "savings")
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert not page.post()
    assert [m.kind for m in messages.shown] == ["question"]  # confirmed, then refused
    assert page.problems.text() == ("The meeting cannot be posted yet:\n"
                                    "• Member 3 is not in this meeting.")
    assert entry_count(env) == before
    with env.db.read() as s:
        assert meetings.get_meeting(s, env.user(s, "auditor"), page.meeting.id).status == "open"


def test_the_auditor_sees_meetings_but_changes_nothing(env, make_window, messages):
    treasurer = make_window("treasurer")
    open_today(treasurer)
    auditor = make_window("auditor")
    screen = auditor.show_section("meetings")
    assert not screen.other_day_button.isEnabled()
    assert screen.today_button.isEnabled()  # today's meeting exists: she may look at it
    assert screen.open_today()
    page = screen.page
    assert not page.model.editable and not page.post_button.isVisible()
    assert not page.model.flags(cell(page, 0, "savings")) & Qt.ItemFlag.ItemIsEditable
    assert page.state.text() == "Open: the treasurer has not posted it yet."


def test_a_meeting_on_another_day(env, make_window, monkeypatch):
    from desktop.screens import meetings as screen_module

    window = make_window("treasurer")
    screen = window.show_section("meetings")
    monkeypatch.setattr(screen_module.DateDialog, "ask",
                        classmethod(lambda cls, parent: dt.date(2026, 11, 3)))
    assert screen.open_other_day()
    assert screen.page.title.text() == "Meeting 1 of cycle 1 · 03/11/2026"
    screen.page.back_button.click()
    assert [r.meeting.meeting_date for r in screen.list_model.rows] == [dt.date(2026, 11, 3)]
    assert screen.today_button.text() == "Open today's meeting"


@pytest.mark.parametrize("which", ["grid", "totals", "list"])
def test_the_meeting_models_pass_the_model_tester(env, make_window, qtmodeltester, qtbot,
                                                  which):
    window = make_window("treasurer")
    screen = open_today(window)
    page = screen.page
    model = {"grid": page.model, "totals": page.totals_model, "list": screen.list_model}[which]
    qtmodeltester.check(model, force_py=True)
    go(page, 0, "savings")
    type_into(qtbot, page, "20000")  # a cell, its row total and the totals row change
    go(page, 1, ATTEND)
    qtbot.keyClick(page.grid, Qt.Key.Key_Space)
    qtbot.keyClick(page.grid, Qt.Key.Key_Escape)
    page.reload()
    page.back_button.click()
    screen.refresh()


@pytest.mark.parametrize("language", ["lo", "en"])
def test_the_meeting_screens_open_in_both_languages(env, make_window, language, messages):
    from desktop.qt_i18n import switch_language

    window = make_window("treasurer")
    switch_language(language)
    try:
        screen = open_today(window)
        assert screen.page.model.rowCount() == 3
        screen.page.back_button.click()
        assert messages.shown == []
    finally:
        switch_language("en")


def test_no_english_is_left_on_the_meeting_screens_in_lao(env, make_window, lao):
    window = make_window("treasurer")
    screen = window.show_section("meetings")
    leftovers = english_left(screen.list_page)
    screen.open_today()
    leftovers += english_left(screen.page)
    totals = screen.page.totals_model
    leftovers += [("totals", t) for t in (totals.data(totals.index(0, c))
                                          for c in range(totals.columnCount())) if t
                  and any("a" <= ch.lower() <= "z" for ch in t)]
    assert leftovers == []


def test_switching_language_on_the_grid_translates_titles_and_reasons(env, make_window, qtbot):
    from desktop.qt_i18n import switch_language
    from models.core.i18n import gettext

    page = open_today(make_window("treasurer")).page
    go(page, 0, "savings")
    type_into(qtbot, page, "15000")
    switch_language("lo")
    try:
        column = cell(page, 0, "savings").column()
        assert page.model.headerData(column, Qt.Orientation.Horizontal) == gettext("Savings", "lo")
        reason = cell(page, 0, "savings").data(Qt.ItemDataRole.ToolTipRole)
        assert reason == gettext("{amount} is not a whole number of shares at {price} a share.",
                                 "lo").format(amount="15,000 ₭", price="10,000 ₭")
        assert page.problems.text().splitlines()[0] == gettext(
            "Fix the red cells before posting:", "lo")
    finally:
        switch_language("en")


@pytest.mark.parametrize("language", ["lo", "en"])
def test_every_new_section_opens_in_both_languages(env, make_window, language, messages):
    from desktop.qt_i18n import switch_language

    window = make_window("treasurer")
    switch_language(language)
    try:
        for key in ("meetings", "savings", "cashbox", "shareout"):
            screen = window.show_section(key)
            assert window.current_screen() is screen
            screen.refresh()
    finally:
        switch_language("en")
    assert messages.shown == []
