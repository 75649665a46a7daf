"""From the members screen the treasurer prints Keo's new passbook lines; after a meeting,
the books of everyone who came; the administrator sets the passbook's page size."""
from __future__ import annotations

import datetime as dt
import subprocess

from sqlalchemy import select

from desktop.passbook_print import CALIBRATION, NEW_LINES, PageSizeDialog, PassbookDialog
from models.savings import accounts as savings
from models.statements import passbook
from models.statements.schema import PassbookPrint
from tests.desktop.conftest import save_papers_to
from tests.desktop.test_meeting_screens import open_today

D = dt.date


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _deposit(env, index: int, amount: int, on: dt.date) -> None:
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[index],
                               amount=amount, on=on)


def _into(monkeypatch, tmp_path) -> list:
    """She saves the pages as a PDF into ``tmp_path``; returns what the viewer opened."""
    return save_papers_to(monkeypatch, tmp_path)


def test_print_keos_new_lines_from_the_members_screen(env, make_window, qtbot, messages,
                                                      monkeypatch, tmp_path):
    _deposit(env, 0, 20_000, D(2026, 10, 5))
    window = make_window("treasurer")
    screen = window.show_section("members")
    screen.table.selectRow(0)
    assert screen.passbook_button.isEnabled() and screen.passbook_button.text() == \
        "Print passbook…"
    opened = _into(monkeypatch, tmp_path)
    dialog = PassbookDialog(screen, screen.ctx, screen.table.selected_row())
    qtbot.addWidget(dialog)
    assert dialog.chosen() == NEW_LINES and not dialog.dates.isEnabled()
    assert dialog.where.text() == "Nothing yet: the next print starts with the cover."
    assert dialog.page_text.text() == "148 × 210 mm, 24 lines"
    assert not dialog.page_button.isVisibleTo(dialog)  # page size: the administrator's
    assert dialog.save()
    (path,) = opened
    assert "20,000" in _text(path) and "ນາງ ແກ້ວ" in _text(path)
    again = PassbookDialog(screen, screen.ctx, screen.table.selected_row())
    qtbot.addWidget(again)
    assert again.where.text() == "Savings: page 1, line 1"
    assert not again.save()
    assert messages.last.text.startswith("Nothing new to print")
    with env.db.read() as s:
        assert len(s.scalars(select(PassbookPrint)).all()) == 1


def test_an_auditor_may_print_only_the_calibration_page(env, make_window, qtbot, messages,
                                                        monkeypatch, tmp_path):
    window = make_window("auditor")
    screen = window.show_section("members")
    screen.table.selectRow(0)
    opened = _into(monkeypatch, tmp_path)
    dialog = PassbookDialog(screen, screen.ctx, screen.table.selected_row())
    qtbot.addWidget(dialog)
    assert dialog.chosen() == CALIBRATION and not dialog.buttons[NEW_LINES].isEnabled()
    assert dialog.save()
    assert "Calibration page" in _text(opened[0])


def test_the_administrator_chooses_a6_and_the_next_print_is_a6(env, make_window, qtbot,
                                                               messages):
    window = make_window("admin")
    screen = window.show_section("members")
    dialog = PageSizeDialog(screen, screen.ctx, env.group_id)
    qtbot.addWidget(dialog)
    dialog.preset.choose("A6")
    assert dialog.fields["width"].value() == 105 and not dialog.fields["width"].isEnabled()
    dialog.fields["offset_y"].setValue(2)
    assert dialog.save()
    with env.db.read() as s:
        layout = passbook.page_layout(s, env.group_id)
    assert (layout.width, layout.height, layout.lines, layout.offset_y) == (105, 148, 16, 2)


def test_after_posting_a_meeting_the_books_of_those_who_came_are_printed(
        env, make_window, qtbot, messages, monkeypatch, tmp_path):
    window = make_window("treasurer")
    screen = open_today(window)
    page = screen.page
    page.model.lines[1].attendance = "absent"
    with env.db.write() as s:
        from models.meetings import roll as meeting_roll

        meeting_roll.record_attendance(s, env.user(s, "treasurer"), meeting_id=page.meeting.id,
                                       attendance={env.member_ids[1]: "absent"})
    page.show_meeting(page.meeting.id)
    opened = _into(monkeypatch, tmp_path)
    messages.answer = "passbooks"
    assert page.post()
    assert messages.last.buttons == ["Print summary and receipts", "Print passbooks", "Later"]
    (path,) = opened
    assert path.name == "meeting-2026-11-20-passbooks.pdf"
    text = _text(path)
    assert "ນາງ ແກ້ວ" in text and "ທ້າວ ສົມ" in text and "ນາງ ບົວ" not in text
    assert text.count("Passbook") == 2  # a cover for each, their first print


def test_the_settings_screen_shows_and_changes_the_passbook_page(window, qtbot, monkeypatch):
    screen = window.show_section("settings")
    screen.refresh()
    assert screen.passbook_box.isVisibleTo(screen)
    assert screen.passbook_page.text() == "148 × 210 mm, 24 lines"
    asked = []
    monkeypatch.setattr(PageSizeDialog, "ask",
                        classmethod(lambda cls, parent, ctx, gid: asked.append(gid) or False))
    screen.passbook_button.click()
    assert asked == [window.ctx.group_id]
