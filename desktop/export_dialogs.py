"""The window's exports: the auditor's workbook and a member's statement.

``ExportDialog`` asks for the period, the language and the file (in the folder she saved
into last, chosen with ``desktop.documents``' file dialog); ``run_with_progress`` then writes
it (``desktop.exporting``) under a progress dialog whose Cancel leaves no file behind, and
opens it as every saved paper is opened (``documents.show_saved``). Unlike the papers of
``save_document``, a workbook is written outside the write transaction (it streams for a
while, with progress) and is audited afterwards with its SHA-256.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from desktop import documents
from desktop.actions import run_task
from desktop.context import ScreenContext
from desktop.exporting import Exported, export_auditor, export_statement
from desktop.widgets.fields import ChoiceBox, DateField
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import mark_data
from models.core import i18n
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, _

LANGUAGE_NAMES = {"lo": N_("Lao"), "en": N_("English")}


@dataclass(frozen=True)
class ExportChoice:
    start: dt.date | None
    end: dt.date | None
    language: str
    path: Path


class ExportDialog(FormDialog):
    """Period (empty: the whole history), language of the file, where to save it."""

    def __init__(self, *, title: str, intro: str, suggested: str, suffixes: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_text, self.suffixes = title, suffixes
        self.choice: ExportChoice | None = None
        self.start = mark_data(DateField())
        self.end = mark_data(DateField())
        self.language = ChoiceBox(LANGUAGE_NAMES)
        self.language.choose(i18n.current_language())
        self.file = mark_data(QLineEdit(str(documents.last_folder() / suggested)))
        self.browse = QPushButton()
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.file, 1)
        box.addWidget(self.browse)
        self.intro = intro
        self.intro_label = QLabel()
        self.intro_label.setWordWrap(True)
        self.layout().insertWidget(0, self.intro_label)
        self.add_row(N_("From (empty: the first entry)"), self.start)
        self.add_row(N_("To (empty: today)"), self.end)
        self.add_row(N_("Language of the file"), self.language)
        self.add_row(N_("Save as"), row)
        self.browse.clicked.connect(self._browse)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_(self.title_text))
        self.save_button.setText(_("Export"))
        self.browse.setText(_("Choose…"))
        self.intro_label.setText(_(self.intro) if self.intro else "")
        self.intro_label.setVisible(bool(self.intro))
        self.language.retranslate()

    def _browse(self) -> None:
        filters = " ".join(f"*{s}" for s in self.suffixes)
        chosen = documents.choose_save_path(self, _("Where to save the file"),
                                            self.file.text(),
                                            name_filter=f"{_('Files')} ({filters})")
        if chosen:
            self.file.setText(str(chosen))

    def save(self) -> bool:
        problems: list[UserError] = []
        start = end = None
        try:
            start = self.start.date()
        except UserError as error:
            problems.append(error)
        try:
            end = self.end.date()
        except UserError as error:
            problems.append(error)
        if start and end and start > end:
            problems.append(UserError(N_("The period starts after it ends.")))
        path = Path(self.file.text().strip()).expanduser()
        if path.suffix.lower() not in self.suffixes:
            problems.append(UserError(N_("The file name must end in {suffixes}."),
                                      suffixes=" / ".join(self.suffixes)))
        elif not path.parent.is_dir():
            problems.append(UserError(N_("The folder {folder} does not exist."),
                                      folder=str(path.parent)))
        if problems:
            self.show_problems(ValidationError(problems))
            return False
        self.choice = ExportChoice(start, end, self.language.currentData(), path)
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, *, title: str, intro: str, suggested: str,
            suffixes: tuple[str, ...]) -> ExportChoice | None:
        dialog = cls(title=title, intro=intro, suggested=suggested, suffixes=suffixes,
                     parent=parent)
        return dialog.choice if dialog.exec() else None


class ProgressReporter:
    """``progress(done, total)`` driving a QProgressDialog; False once Cancel is pressed."""

    def __init__(self, parent: QWidget | None, label: str) -> None:
        self.dialog = QProgressDialog(label, _("Cancel"), 0, 100, parent)
        self.dialog.setWindowTitle(_("Exporting"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setValue(0)

    def __call__(self, done: int, total: int) -> bool:
        self.dialog.setValue(100 * done // max(total, 1))
        QCoreApplication.processEvents()
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        self.dialog.close()
        self.dialog.deleteLater()


def run_with_progress(parent: QWidget | None, ctx: ScreenContext, label: str,
                      write) -> Exported | None:  # noqa: ANN001
    """Run ``write(progress)`` under a progress dialog; announce where the file went and its
    SHA-256. ``None`` when it failed or was cancelled (then no file is left)."""
    reporter = ProgressReporter(parent, label)
    try:
        outcome = run_task(ctx, parent, lambda: write(reporter), changed={"audit"},
                               message=lambda done: _(
                                   "Saved to {path} (SHA-256 {sha256}, written to the audit "
                                   "log).").format(path=str(done.path), sha256=done.sha256[:16]))
    finally:
        reporter.close()
    if not outcome:
        return None
    documents.show_saved(parent, [outcome.value.path])
    return outcome.value


def export_auditor_workbook(parent: QWidget | None, ctx: ScreenContext) -> Exported | None:
    gid = ctx.group_id
    if gid is None:
        return None
    choice = ExportDialog.ask(
        parent, title=N_("Export for the auditor"),
        intro=N_("The group's workbook for an auditor: every sheet adds up to the ledger."),
        suggested=f"auditor-group-{gid}-{dt.date.today().isoformat()}.xlsx", suffixes=(".xlsx",))
    if choice is None:
        return None
    return run_with_progress(parent, ctx, _("Writing the auditor's workbook…"),
                             lambda progress: export_auditor(
                                 ctx.database, ctx.user, group_id=gid, start=choice.start,
                                 end=choice.end, language=choice.language, out=choice.path,
                                 progress=progress))


def export_member_statement(parent: QWidget | None, ctx: ScreenContext,
                            member_number: int) -> Exported | None:
    gid = ctx.group_id
    if gid is None:
        return None
    choice = ExportDialog.ask(
        parent, title=N_("Member statement"),
        intro=N_("Every movement of one member: a workbook (.xlsx) or one page (.pdf)."),
        suggested=f"statement-member-{member_number}.pdf", suffixes=(".pdf", ".xlsx"))
    if choice is None:
        return None

    def write(progress) -> Exported:  # noqa: ANN001
        return export_statement(ctx.database, ctx.user, group_id=gid,
                                member_number=member_number, start=choice.start,
                                end=choice.end, language=choice.language, out=choice.path,
                                progress=progress)

    return run_with_progress(parent, ctx, _("Writing the statement…"), write)
