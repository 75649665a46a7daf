"""Printing and saving the papers the window makes (receipts, schedules, vouchers,
statements, meeting papers): one flow, ``save_document``, for every print button.

The treasurer chooses "Print…" (the computer's print dialog; the PDF's pages are drawn
onto the printer) or "Save as PDF…" (a file dialog in her language that starts in her
Documents folder, or where she saved last time). A saved file is opened with the
computer's PDF viewer; where there is none, she is told where the file is. Either way
the paper is written, and the audit log names the file, in one transaction."""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSettings, QSize, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget
from sqlalchemy.orm import Session

from desktop import errors
from desktop.context import ScreenContext
from desktop.widgets.layout import usable_screen
from models.core import audit
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.schema import User

LAST_FOLDER = "documents/last_folder"
PRINT, SAVE, CANCEL = "print", "save", "cancel"
PRINT_DPI = 300  # enough for text on paper; a page drawn finer only takes memory


@dataclass(frozen=True)
class Paper:
    """One file to make: ``name`` (``receipt-12.pdf``) and ``write(session, actor, path)``,
    which reads what it prints in the caller's transaction and writes the file."""

    name: str
    write: Callable[[Session, User, Path], Any]
    # When ``write`` returns 0 (nothing to put on paper): refuse with this message, so
    # nothing is recorded and no empty file is left (a passbook with no new lines).
    nothing: str | None = None


def _write(paper: Paper, session: Session, actor: User, path: Path) -> None:
    if paper.write(session, actor, path) == 0 and paper.nothing:
        path.unlink(missing_ok=True)
        raise UserError(paper.nothing)


# -- where files go ----------------------------------------------------------------------

def documents_folder() -> Path:
    """The user's Documents folder (her home folder when the computer has none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def last_folder() -> Path:
    """Where she saved last time, while that folder still exists; else Documents."""
    saved = QSettings().value(LAST_FOLDER)
    if saved and Path(str(saved)).is_dir():
        return Path(str(saved))
    return documents_folder()


def remember_folder(folder: Path) -> None:
    prefs = QSettings()
    prefs.setValue(LAST_FOLDER, str(folder))
    prefs.sync()


def file_dialog(parent: QWidget | None, title: str) -> QFileDialog:
    """Qt's own file dialog (the system's cannot be put in Lao), its labels in the current
    language (its other words come from ``desktop.qt_i18n``), opened at ``last_folder``."""
    dialog = QFileDialog(parent, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setDirectory(str(last_folder()))
    dialog.setLabelText(QFileDialog.DialogLabel.LookIn, _("Look in:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileName, _("File name:"))
    dialog.setLabelText(QFileDialog.DialogLabel.FileType, _("Files of type:"))
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, _("Cancel"))
    return dialog


def choose_save_path(parent: QWidget | None, title: str, name: str, *,
                     name_filter: str | None = None) -> Path | None:
    """Ask where to save the file ``name`` (she may rename it); ``None`` when cancelled.
    ``name`` may be a whole path (the dialog opens in its folder)."""
    dialog = save_dialog(parent, title, name, name_filter=name_filter)
    if dialog.exec() and dialog.selectedFiles():
        return Path(dialog.selectedFiles()[0])
    return None


def save_dialog(parent: QWidget | None, title: str, name: str, *,
                name_filter: str | None = None) -> QFileDialog:
    """The file dialog that saves ``name``: its type's filter (or ``name_filter``), Lao
    labels, the last folder."""
    dialog = file_dialog(parent, title)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    suffix = Path(name).suffix.lstrip(".")
    if name_filter:
        dialog.setNameFilter(name_filter)
    elif suffix == "pdf":
        dialog.setNameFilter(_("PDF files (*.pdf)"))
    elif suffix == "xlsx":
        dialog.setNameFilter(_("Excel files (*.xlsx)"))
    elif suffix == "csv":
        dialog.setNameFilter(_("CSV files (*.csv)"))
    dialog.setDefaultSuffix(suffix)
    dialog.selectFile(name)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Save"))
    dialog.resize(QSize(900, 560).boundedTo(usable_screen(dialog)))
    return dialog


def choose_file(parent: QWidget | None, title: str, name_filter: str) -> str | None:
    """Ask for one existing file to open (a backup, a filled-in template)."""
    dialog = file_dialog(parent, title)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(name_filter)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Open"))
    if dialog.exec() and dialog.selectedFiles():
        return dialog.selectedFiles()[0]
    return None


def choose_folder(parent: QWidget | None, title: str) -> Path | None:
    """Ask for a folder (to save several files in); ``None`` when cancelled."""
    dialog = file_dialog(parent, title)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, _("Choose"))
    if dialog.exec() and dialog.selectedFiles():
        return Path(dialog.selectedFiles()[0])
    return None


def open_document(path: Path) -> bool:
    """Open a saved file with the computer's viewer; false when it has none."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# -- printing -----------------------------------------------------------------------------

def ask_printer(parent: QWidget | None, title: str) -> QPrinter | None:
    """The computer's print dialog; the printer chosen, or ``None`` when cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def print_pdfs(paths: Sequence[Path], printer: QPrinter) -> int:
    """Draw every page of the PDFs ``paths`` onto ``printer``, each page scaled to fit the
    paper; returns the number of pages printed."""
    resolution = min(printer.resolution(), PRINT_DPI)
    painter = QPainter()
    pages = 0
    try:
        for path in paths:
            pdf = QPdfDocument()
            pdf.load(str(path))
            if pdf.status() != QPdfDocument.Status.Ready:
                raise UserError(N_("The file {name} could not be read for printing."),
                                name=path.name)
            for page in range(pdf.pageCount()):
                if pages == 0:
                    if not painter.begin(printer):
                        raise UserError(N_("The printer could not be started. Is it "
                                           "switched on and connected?"))
                elif not printer.newPage():
                    raise UserError(N_("The printer stopped after {pages} pages."),
                                    pages=pages)
                points = pdf.pagePointSize(page)
                image = pdf.render(page, QSize(round(points.width() * resolution / 72),
                                               round(points.height() * resolution / 72)))
                _draw_fitted(painter, image)
                pages += 1
    finally:
        if painter.isActive():
            painter.end()
    return pages


def _draw_fitted(painter: QPainter, image: QImage) -> None:
    area = painter.viewport()
    scale = min(area.width() / image.width(), area.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    painter.drawImage(QRectF(area.x() + (area.width() - width) / 2, area.y(), width, height),
                      image)


# -- the one flow -------------------------------------------------------------------------

def ask_how(parent: QWidget | None, what: str, *, printable: bool) -> str:
    """Print or save as PDF? ``what`` names the paper ("the receipt")."""
    buttons = [errors.Button(SAVE, _("Save as PDF…") if printable else _("Save…"),
                             default=not printable)]
    if printable:
        buttons.append(errors.Button(PRINT, _("Print…"), default=True))
    buttons.append(errors.Button(CANCEL, _("Cancel")))
    text = (_("Print {what} now, or save it as a PDF file?") if printable
            else _("Save {what} as a file?")).format(what=what)
    return errors.MessageDialog.ask(parent, kind=errors.QUESTION, title=_("Print or save"),
                                    text=text, buttons=buttons) or CANCEL


def save_document(parent: QWidget | None, ctx: ScreenContext, papers: Sequence[Paper], *,
                  what: str, saved: str | None = None, printable: bool = True,
                  topics: Sequence[str] = ()) -> list[Path]:
    """Print the ``papers`` or save them (one: a file dialog; several: a folder), in one
    transaction with an audit event naming each file. ``what`` names them in the
    question ("the meeting's papers"); ``saved`` says where they went (``{path}``: the file,
    or the folder of several). Returns the files saved, or the temporary files
    printed; none when she cancelled or something failed (then nothing was recorded)."""
    how = ask_how(parent, what, printable=printable)
    if how == PRINT:
        return _print(parent, ctx, papers, what=what, topics=topics)
    if how == SAVE:
        return _save(parent, ctx, papers, what=what, topics=topics,
                     saved=saved or _("Saved to {path}."))
    return []


def _print(parent: QWidget | None, ctx: ScreenContext, papers: Sequence[Paper], *,
           what: str, topics: Sequence[str]) -> list[Path]:
    printer = ask_printer(parent, _("Print {what}").format(what=what))
    if printer is None:
        return []
    folder = Path(tempfile.mkdtemp(prefix="kongthun-print-"))
    paths = [folder / paper.name for paper in papers]
    gid = ctx.group_id

    def op(session: Session, actor: User) -> int:
        for paper, path in zip(papers, paths, strict=True):
            _write(paper, session, actor, path)
        for path in paths:
            audit.record(session, actor, "document_printed", group_id=gid, file=path.name,
                         printer=printer.printerName() or printer.outputFileName())
        return print_pdfs(paths, printer)

    outcome = ctx.run(parent, op, changed=topics, message=lambda pages: _(
        "Sent {pages} pages to the printer.").format(pages=pages))
    return paths if outcome else []


def _save(parent: QWidget | None, ctx: ScreenContext, papers: Sequence[Paper], *,
          what: str, topics: Sequence[str], saved: str) -> list[Path]:
    title = _("Where to save {what}").format(what=what)
    if len(papers) == 1:
        chosen = choose_save_path(parent, title, papers[0].name)
        paths = [chosen] if chosen else []
    else:
        folder = choose_folder(parent, title)
        paths = [folder / paper.name for paper in papers] if folder else []
    if not paths:
        return []
    gid = ctx.group_id

    def op(session: Session, actor: User) -> list[Path]:
        for paper, path in zip(papers, paths, strict=True):
            _write(paper, session, actor, path)
            audit.record(session, actor, "document_saved", group_id=gid, file=str(path))
        return paths

    where = paths[0] if len(paths) == 1 else paths[0].parent
    outcome = ctx.run(parent, op, changed=topics,
                      message=saved.format(path=str(where)))
    if not outcome:
        return []
    show_saved(parent, paths)
    return paths


def show_saved(parent: QWidget | None, paths: Sequence[Path]) -> None:
    """After files were written: remember their folder for next time and open them with
    the computer's viewer, or say where they are when no program opens them."""
    remember_folder(paths[0].parent)
    where = paths[0] if len(paths) == 1 else paths[0].parent
    if not all([open_document(path) for path in paths]):
        errors.show_info(parent, _(
            "Saved: {path}\n\nNo program on this computer could open it, so it was not "
            "shown. You will find the file in that folder.").format(path=str(where)),
            title=_("Saved"))
