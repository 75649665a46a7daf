"""The auditor exports the group's workbook from the Reports screen; the treasurer prints a
member's statement from the Members screen; a cancelled export leaves nothing behind."""
from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from sqlalchemy import select

from desktop import export_dialogs
from desktop.export_dialogs import ExportChoice, ExportDialog
from models.core import clock
from models.core.ledger import credit, debit, post_entry
from models.core.schema import AuditEvent
from models.statements.auditor import EXPORT_ACTION


def deposits(env) -> None:  # noqa: ANN001
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        for i, member_id in enumerate(env.member_ids):
            post_entry(s, treasurer, group_id=env.group_id,
                       value_date=clock.today() - dt.timedelta(days=10 - i),
                       kind="savings_deposit", memo="deposit",
                       lines=[debit("cash", 50_000 * (i + 1)),
                              credit("member_savings", 50_000 * (i + 1), member_id=member_id)])


def exports(env) -> list[dict]:  # noqa: ANN001
    with env.db.read() as s:
        return list(s.scalars(select(AuditEvent.detail).where(AuditEvent.action == EXPORT_ACTION)))


def choose(monkeypatch, path, language="en") -> None:  # noqa: ANN001
    monkeypatch.setattr(ExportDialog, "ask", classmethod(
        lambda cls, parent, **kw: ExportChoice(None, None, language, path)))


def test_the_auditor_exports_the_workbook_from_the_reports_screen(env, make_window, tmp_path,
                                                                  monkeypatch):
    deposits(env)
    out = tmp_path / "tailors.xlsx"
    choose(monkeypatch, out, "lo")
    window = make_window("auditor")
    screen = window.show_section("reports")
    assert screen.auditor_button.isEnabled()
    screen.auditor_button.click()
    assert out.exists()
    workbook = load_workbook(out)
    assert workbook.sheetnames[0] == "ໜ້າປົກ"
    [detail] = exports(env)
    assert detail["file"] == "tailors.xlsx" and detail["what"] == "auditor_workbook"


def test_cancelling_the_progress_dialog_leaves_no_file(env, make_window, tmp_path,
                                                        monkeypatch):
    deposits(env)
    (tmp_path / "usb").mkdir()
    out = tmp_path / "usb" / "tailors.xlsx"
    choose(monkeypatch, out)
    monkeypatch.setattr(export_dialogs.ProgressReporter, "__call__",
                        lambda self, done, total: False)  # the auditor presses Cancel
    window = make_window("auditor")
    window.show_section("reports").auditor_button.click()
    assert list((tmp_path / "usb").iterdir()) == []
    assert exports(env) == []


def test_the_treasurer_prints_a_members_statement(env, make_window, tmp_path, monkeypatch):
    deposits(env)
    out = tmp_path / "keo.pdf"
    choose(monkeypatch, out)
    window = make_window("treasurer")
    screen = window.show_section("members")
    screen.table.selectRow(0)
    assert screen.statement_button.isEnabled()
    screen.statement_button.click()
    assert out.read_bytes().startswith(b"%PDF")
    [detail] = exports(env)
    assert detail["member"] == 1 and detail["what"] == "member_statement"


def test_the_export_form_lists_every_problem_and_keeps_nothing(app, qtbot, tmp_path):
    dialog = ExportDialog(title="Export for the auditor", intro="", suggested="x.xlsx",
                          suffixes=(".xlsx",))
    qtbot.addWidget(dialog)
    dialog.start.setText("20/11/2026")
    dialog.end.setText("01/01/2026")
    dialog.file.setText(str(tmp_path / "book.pdf"))
    assert dialog.save() is False
    text = dialog.problems.text()
    assert "starts after it ends" in text and ".xlsx" in text
    assert dialog.choice is None
    dialog.end.setText("")
    dialog.file.setText(str(tmp_path / "book.xlsx"))
    assert dialog.save() is True
    assert dialog.choice == ExportChoice(dt.date(2026, 11, 20), None, "en",
                                         tmp_path / "book.xlsx")


def test_a_written_statement_opens_and_the_next_export_starts_in_its_folder(
        env, make_window, tmp_path, monkeypatch, viewer):
    """Saving goes as for every paper: the statement opens in the computer's viewer once
    it is written, and the next export form suggests the folder she saved into."""
    deposits(env)
    (tmp_path / "usb").mkdir()
    out = tmp_path / "usb" / "keo.pdf"
    choose(monkeypatch, out)
    window = make_window("treasurer")
    screen = window.show_section("members")
    screen.table.selectRow(0)
    screen.statement_button.click()
    assert viewer == [out]
    dialog = ExportDialog(title="Export for the auditor", intro="", suggested="next.xlsx",
                          suffixes=(".xlsx",))
    assert dialog.file.text() == str(tmp_path / "usb" / "next.xlsx")
    dialog.deleteLater()
