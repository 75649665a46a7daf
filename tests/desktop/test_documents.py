"""The treasurer prints a paper or saves it as a PDF: one flow for every print button
(``desktop.documents.save_document``), audited, in her language, starting in her
Documents folder and remembering where she saved last."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QLabel
from sqlalchemy import select

from desktop import documents
from desktop.context import ScreenContext
from desktop.documents import Paper, save_document
from desktop.main_window import MainWindow
from desktop.qt_i18n import switch_language
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.schema import AuditEvent
from reports.loan_schedule_pdf import write_schedule
from tests.desktop.conftest import login, save_papers_to


def long_schedule(session, actor, path: Path) -> None:  # noqa: ANN001
    """A real PDF of the app (a long loan schedule runs onto more pages)."""
    import datetime as dt
    from decimal import Decimal

    from models.core import clock
    from models.core.money import currency
    from models.core.schema import Group
    from models.loans.schedule import Installment
    from models.loans.schedule_sheet import ScheduleSheet, schedule_lines

    rows = [Installment(n, dt.date(2027, 1, 1) + dt.timedelta(days=30 * n), 10_000, 1_000,
                        11_000, 600_000 - 10_000 * n) for n in range(1, 61)]
    group = session.get(Group, actor_group(session))
    write_schedule(ScheduleSheet(group.name, currency(group.currency), group.is_demo, 600_000,
                                 Decimal("24"), "flat", dt.date(2027, 1, 1),
                                 schedule_lines(rows), clock.now(), actor.display_name,
                                 member_name="Kham"), path)


def actor_group(session) -> int:  # noqa: ANN001
    from models.core.schema import Group

    return session.scalars(select(Group.id)).first()


def audit_events(env, action: str) -> list[dict]:  # noqa: ANN001
    with env.db.read() as s:
        return [e.detail for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == action).order_by(AuditEvent.id))]


def pages(path: Path) -> int:
    pdf = QPdfDocument()
    pdf.load(str(path))
    return pdf.pageCount()


def test_saving_writes_the_file_notes_it_in_the_audit_log_and_opens_it(ctx, env, tmp_path,
                                                                      monkeypatch, messages):
    opened = save_papers_to(monkeypatch, tmp_path)
    saved = save_document(None, ctx, [Paper("schedule.pdf", long_schedule)],
                          what="the schedule")
    assert saved == [tmp_path / "schedule.pdf"] == opened
    assert pages(saved[0]) > 1
    assert audit_events(env, "document_saved") == [{"file": str(tmp_path / "schedule.pdf")}]
    assert messages.shown == []


def test_with_no_pdf_viewer_she_is_told_where_the_file_is(ctx, tmp_path, monkeypatch,
                                                         messages):
    save_papers_to(monkeypatch, tmp_path, viewer=False)
    save_document(None, ctx, [Paper("schedule.pdf", long_schedule)], what="the schedule")
    assert messages.last.kind == "info"
    assert str(tmp_path / "schedule.pdf") in messages.last.text
    assert "launcher" not in messages.last.text


def test_a_paper_that_cannot_be_written_leaves_no_trace(ctx, env, tmp_path, monkeypatch,
                                                        messages):
    save_papers_to(monkeypatch, tmp_path)

    def refuse(session, actor, path):  # noqa: ANN001, ANN202
        raise UserError(N_("Enter the date."))

    assert save_document(None, ctx, [Paper("x.pdf", refuse)], what="the schedule") == []
    assert audit_events(env, "document_saved") == []
    assert messages.last.text == "Enter the date."


def test_the_question_offers_print_and_save_as_pdf(ctx, messages):
    messages.answer = "cancel"
    assert save_document(None, ctx, [Paper("x.pdf", long_schedule)], what="the receipt") == []
    assert messages.last.buttons == ["Save as PDF…", "Print…", "Cancel"]
    assert messages.last.text == "Print the receipt now, or save it as a PDF file?"


def test_printing_sends_every_page_to_the_printer_and_is_audited(ctx, env, tmp_path,
                                                                 monkeypatch, messages):
    """The system print dialog is answered with a printer that writes a PDF file, so the
    pages that reach "the printer" can be counted."""
    printed = tmp_path / "printer-output.pdf"

    def printer(parent, title):  # noqa: ANN001, ANN202
        chosen = QPrinter(QPrinter.PrinterMode.HighResolution)
        chosen.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        chosen.setOutputFileName(str(printed))
        return chosen

    monkeypatch.setattr(documents, "ask_printer", printer)
    messages.answer = documents.PRINT
    written = save_document(None, ctx, [Paper("schedule.pdf", long_schedule),
                                        Paper("again.pdf", long_schedule)], what="the schedule")
    assert [p.name for p in written] == ["schedule.pdf", "again.pdf"]
    assert pages(printed) == pages(written[0]) + pages(written[1]) > 2
    assert [e["file"] for e in audit_events(env, "document_printed")] == [
        "schedule.pdf", "again.pdf"]


def test_a_cancelled_print_dialog_prints_and_records_nothing(ctx, env, monkeypatch,
                                                              messages):
    monkeypatch.setattr(documents, "ask_printer", lambda parent, title: None)
    messages.answer = documents.PRINT
    assert save_document(None, ctx, [Paper("x.pdf", long_schedule)], what="the receipt") == []
    assert audit_events(env, "document_printed") == []


def test_the_file_dialog_starts_in_documents_then_where_she_saved_last(ctx, tmp_path,
                                                                      monkeypatch):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setattr(documents, "documents_folder", lambda: home / "Documents")
    assert Path(documents.file_dialog(None, "x").directory().absolutePath()) == \
        home / "Documents"

    usb = tmp_path / "usb"
    usb.mkdir()
    chosen = []
    monkeypatch.setattr(documents, "ask_how", lambda parent, what, printable: documents.SAVE)
    monkeypatch.setattr(documents, "choose_save_path",
                        lambda parent, title, name: chosen.append(name) or usb / name)
    monkeypatch.setattr(documents, "open_document", lambda path: True)
    save_document(None, ctx, [Paper("schedule.pdf", long_schedule)], what="the schedule")
    assert Path(documents.file_dialog(None, "x").directory().absolutePath()) == usb
    assert QSettings().value(documents.LAST_FOLDER) == str(usb)


def test_the_file_dialog_speaks_lao(app, qtbot):
    switch_language("lo")
    try:
        dialog = documents.file_dialog(None, "x")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        qtbot.addWidget(dialog)
        labels = {label.text() for label in dialog.findChildren(QLabel)}
        assert {"ຊອກໃນ:", "ຊື່ໄຟລ໌:"} <= labels
        assert dialog.labelText(QFileDialog.DialogLabel.Reject) == "ຍົກເລີກ"
    finally:
        switch_language("en")


# -- the window's size -----------------------------------------------------------------

def test_the_window_opens_maximized_and_remembers_it(app, env, qtbot):
    window = MainWindow(ScreenContext(env.db, login(env, "admin"), env.group_id))
    qtbot.addWidget(window)
    window.show_as_last_time()
    assert window.isMaximized()
    window.log_out()
    assert QSettings().value("window/maximized", type=bool) is True

    again = MainWindow(ScreenContext(env.db, login(env, "admin"), env.group_id))
    qtbot.addWidget(again)
    again.show_as_last_time()
    assert again.isMaximized()


def test_a_window_she_made_smaller_comes_back_at_that_size(app, env, qtbot):
    window = MainWindow(ScreenContext(env.db, login(env, "admin"), env.group_id))
    qtbot.addWidget(window)
    window.show()
    window.resize(1100, 560)
    window.log_out()
    assert QSettings().value("window/maximized", type=bool) is False

    again = MainWindow(ScreenContext(env.db, login(env, "admin"), env.group_id))
    qtbot.addWidget(again)
    again.show_as_last_time()
    assert not again.isMaximized()
    # (the test screen is narrower than the window may be, so only the height is kept whole)
    assert again.height() == 560


def test_only_the_one_flow_opens_files_with_the_computer():
    """Every print button goes through ``save_document``: no screen opens files itself."""
    root = Path(documents.__file__).parent
    openers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                     if "QDesktopServices" in p.read_text(encoding="utf-8"))
    assert openers == ["documents.py"]
