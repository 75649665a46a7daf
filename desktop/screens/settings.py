"""Settings: language, locking the books, the idle lock, backups (to a USB stick) and
restoring a backup."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import documents, errors, verify_task
from desktop.actions import run_query, run_task
from desktop.context import Change
from desktop.login import LanguageButtons
from desktop.screens import Section
from desktop.widgets.fields import DateField
from desktop.widgets.labels import date_text, heading, mark_data
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import backup, clock, ledger, maintenance, settings
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.permissions import Permission


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: dt.datetime | None
    special: bool
    size: int


def backup_files(database) -> list[BackupFile]:  # noqa: ANN001
    """The automatic backups beside the ledger, newest first."""
    try:
        paths = backup.list_backups(database)
    except UserError:
        return []
    files = []
    for path in paths:
        try:
            made = dt.datetime.strptime(path.name[len("kongthun-"):][:15], "%Y%m%d-%H%M%S")
        except ValueError:
            made = None
        files.append(BackupFile(path, made, path.parent.name == "special", path.stat().st_size))
    return files


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{size} MB").format(size=f"{size / (1024 * 1024):.1f}")
    return _("{size} KB").format(size=max(1, round(size / 1024)))


class SettingsScreen(Screen):
    topics = ("settings", "journal", "ledger")

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        self.title = heading()
        layout.addWidget(self.title)

        self.language_box = QGroupBox()
        row = QHBoxLayout(self.language_box)
        self.languages = LanguageButtons()
        row.addWidget(self.languages)
        row.addStretch(1)
        layout.addWidget(self.language_box)

        self.lock_box = QGroupBox()
        grid = QGridLayout(self.lock_box)
        self.lock_state = QLabel()
        self.lock_state.setWordWrap(True)
        self.lock_through_label = QLabel()
        self.lock_through = DateField()
        self.lock_reason_label = QLabel()
        self.lock_reason = mark_data(QLineEdit())
        self.lock_button = QPushButton()
        grid.addWidget(self.lock_state, 0, 0, 1, 3)
        grid.addWidget(self.lock_through_label, 1, 0)
        grid.addWidget(self.lock_through, 1, 1)
        grid.addWidget(self.lock_reason_label, 2, 0)
        grid.addWidget(self.lock_reason, 2, 1, 1, 2)
        grid.addWidget(self.lock_button, 3, 1)
        grid.setColumnStretch(2, 1)
        layout.addWidget(self.lock_box)

        self.idle_box = QGroupBox()
        row = QHBoxLayout(self.idle_box)
        self.idle_label = QLabel()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, 240)
        self.idle_button = QPushButton()
        row.addWidget(self.idle_label)
        row.addWidget(self.idle_minutes)
        row.addWidget(self.idle_button)
        row.addStretch(1)
        layout.addWidget(self.idle_box)

        self.passbook_box = QGroupBox()
        row = QHBoxLayout(self.passbook_box)
        self.passbook_page = QLabel()
        self.passbook_button = QPushButton()
        self.passbook_button.clicked.connect(self.change_passbook_page)
        row.addWidget(self.passbook_page)
        row.addWidget(self.passbook_button)
        row.addStretch(1)
        layout.addWidget(self.passbook_box)

        self.backup_box = QGroupBox()
        box = QVBoxLayout(self.backup_box)
        self.backup_note = QLabel()
        self.backup_note.setWordWrap(True)
        box.addWidget(self.backup_note)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton()
        self.backup_button.setObjectName("primaryButton")
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("dangerButton")
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.automatic_label = QLabel()
        box.addWidget(self.automatic_label)
        self.backups = RowTableModel([
            Column(N_("Made on"), lambda b: b.made_at.strftime("%d/%m/%Y %H:%M")
                   if b.made_at else ""),
            Column(N_("Kind"), lambda b: _("Before a change") if b.special else _("Daily")),
            Column(N_("Size"), lambda b: size_text(b.size), right=True),
            Column(N_("File"), lambda b: b.path.name),
        ], self)
        self.backup_table = TableView(self.backups)
        self.backup_table.setMinimumHeight(240)
        box.addWidget(self.backup_table)
        layout.addWidget(self.backup_box)

        self.check_box = QGroupBox()
        box = QVBoxLayout(self.check_box)
        self.check_note = QLabel()
        self.check_note.setWordWrap(True)
        box.addWidget(self.check_note)
        buttons = QHBoxLayout()
        self.check_button = QPushButton()
        self.full_check_button = QPushButton()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.full_check_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        layout.addWidget(self.check_box)
        layout.addStretch(1)

        self.lock_button.clicked.connect(self.lock_books)
        self.idle_button.clicked.connect(self.save_idle_minutes)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore)
        self.check_button.clicked.connect(lambda: self.check_ledger(full=False))
        self.full_check_button.clicked.connect(lambda: self.check_ledger(full=True))
        self.retranslate()

    # -- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        gid = self.ctx.group_id
        has_group = gid is not None
        self.lock_box.setVisible(has_group and self.ctx.can(Permission.LOCK_PERIOD))
        self.idle_box.setVisible(has_group and self.ctx.can(Permission.CHANGE_SETTINGS))
        self.passbook_box.setVisible(has_group and self.ctx.can(Permission.CHANGE_SETTINGS))
        self.restore_button.setVisible(self.ctx.can(Permission.RESTORE_BACKUP, None))
        self.check_box.setVisible(self.ctx.can(Permission.VERIFY, gid))
        self.locked: dt.date | None = None
        if has_group:
            self.locked = run_query(self.ctx, self,
                                    lambda s, actor: ledger.locked_through(s, gid), None)
            minutes = run_query(self.ctx, self, lambda s, actor: settings.get(
                s, gid, "idle_lock_minutes"), 10)
            self.idle_minutes.setValue(int(minutes or 10))
            self._show_passbook_page()
        self._show_lock_state()
        self.backups.set_rows(backup_files(self.ctx.database))

    locked: dt.date | None = None

    def _show_passbook_page(self) -> None:
        from desktop.passbook_print import layout_text
        from models.statements import passbook

        gid = self.ctx.group_id
        layout = run_query(self.ctx, self, lambda s, actor: passbook.page_layout(s, gid), None)
        self.passbook_page.setText(layout_text(layout) if layout else "")

    def change_passbook_page(self) -> None:
        from desktop.passbook_print import PageSizeDialog

        if self.ctx.group_id is not None and PageSizeDialog.ask(self, self.ctx,
                                                                self.ctx.group_id):
            self._show_passbook_page()

    def _show_lock_state(self) -> None:
        if self.locked is None:
            self.lock_state.setText(_("The books are open: nothing is locked yet."))
        else:
            self.lock_state.setText(_("The books are locked through {date}.").format(
                date=date_text(self.locked)))

    # -- actions ------------------------------------------------------------------------
    def lock_books(self) -> None:
        try:
            through = self.lock_through.date()
        except UserError as error:
            errors.show_error(self, error)
            return
        if through is None:
            errors.show_error(self, UserError(N_("Enter the last day to lock.")))
            return
        text = _("Lock the books through {date}? Nothing can be recorded on or before that "
                 "day afterwards, and a lock cannot be undone.").format(date=date_text(through))
        if not errors.confirm(self, text, confirm_text=_("Lock the books"), danger=True):
            return
        gid, reason = self.ctx.group_id, self.lock_reason.text()
        if self.ctx.run(self, lambda s, actor: ledger.lock_period(
                s, actor, group_id=gid, through=through, reason=reason),
                changed={"settings"},
                message=_("The books are locked through {date}.").format(
                    date=date_text(through))):
            self.lock_through.clear()
            self.lock_reason.clear()

    def save_idle_minutes(self) -> None:
        gid, minutes = self.ctx.group_id, self.idle_minutes.value()
        self.ctx.run(self, lambda s, actor: settings.set_value(
            s, actor, group_id=gid, key="idle_lock_minutes", value=minutes,
            effective_from=clock.today()), changed={"settings"},
            message=_("The window now locks after {minutes} idle minutes.").format(
                minutes=minutes))

    def back_up_now(self) -> None:
        folder = documents.choose_folder(self, _("Choose where to save the backup"))
        if folder is not None:
            self.back_up_to(folder)

    def back_up_to(self, folder: Path) -> bool:
        target = folder / f"kongthun-{clock.now().strftime('%Y%m%d-%H%M%S')}.sqlite3"
        outcome = run_task(self.ctx, self, lambda: maintenance.make_backup(
            self.ctx.database, self.ctx.user, target), changed={"backup"})
        if not outcome:
            return False
        result = outcome.value
        if result.ok:
            errors.show_info(self, _("The backup was saved and checked: {path}").format(
                path=str(result.path)), title=_("Backup"))
        else:
            errors.MessageDialog.ask(
                self, kind=errors.WARNING, title=_("Backup"),
                text=_("The backup was saved, but checking it found problems."),
                details="\n".join(result.problems),
                buttons=[errors.Button("ok", _("OK"), default=True)])
        return result.ok

    def check_ledger(self, *, full: bool = False) -> verify_task.VerifyTask:
        """The check of ``kongthun verify`` with a progress dialog (Cancel stops it)."""
        return verify_task.check_ledger(self, self.ctx, full=full)

    def restore(self) -> None:
        path = documents.choose_file(self, _("Choose the backup to restore"),
                                   _("Kongthun backups (*.sqlite3)"))
        if path:
            self.restore_from(Path(path))

    def restore_from(self, source: Path) -> bool:
        text = _("Replace the whole ledger with the backup “{name}”? Everything recorded "
                 "after that backup was made will be gone. (A copy of the ledger as it is now "
                 "is kept in the backups folder.)").format(name=source.name)
        if not errors.confirm(self, text, confirm_text=_("Restore the backup"), danger=True,
                              require_tick=_("I understand that later records will be gone.")):
            return False
        outcome = run_task(self.ctx, self, lambda: maintenance.restore_backup(
            self.ctx.database, self.ctx.user, source))
        if not outcome:
            return False
        errors.show_info(self, _("The backup was restored. Please log in again."),
                         title=_("Restore"))
        # The restored ledger may not know this user: the window logs out.
        self.ctx.signals.ledger_changed.emit(Change(frozenset({"ledger", "restored"}), None))
        return True

    def retranslate(self) -> None:
        self.title.setText(_("Settings"))
        self.language_box.setTitle(_("Language"))
        self.lock_box.setTitle(_("Lock the books (after an audit)"))
        self._show_lock_state()
        self.lock_through_label.setText(_("Last day to lock"))
        self.lock_reason_label.setText(_("Reason"))
        self.lock_button.setText(_("Lock the books…"))
        self.idle_box.setTitle(_("Idle lock"))
        self.idle_label.setText(_("Lock the window after this many idle minutes:"))
        self.idle_button.setText(_("Save"))
        self.passbook_box.setTitle(_("Passbook page size"))
        self.passbook_button.setText(_("Change…"))
        if self.ctx.group_id is not None and self.passbook_box.isVisibleTo(self):
            self._show_passbook_page()
        self.backup_box.setTitle(_("Backups"))
        self.backup_note.setText(_("A backup is made automatically every day. Save another "
                                   "copy on a USB stick and keep it somewhere else."))
        self.backup_button.setText(_("Back up now…"))
        self.restore_button.setText(_("Restore from a file…"))
        self.automatic_label.setText(_("Automatic backups on this computer:"))
        self.check_box.setTitle(_("Check the ledger"))
        self.check_note.setText(_("Prove that every entry balances and that nothing was "
                                  "changed behind the app's back. The check reads only what "
                                  "was recorded since the last check; the full check reads "
                                  "every entry again and takes longer."))
        self.check_button.setText(_("Check the ledger"))
        self.full_check_button.setText(_("Full check (slow)"))
        self.backups.retranslate()
        self.lock_through.retranslate()


SECTION = Section("settings", title=N_("Settings"), order=90, factory=SettingsScreen)
