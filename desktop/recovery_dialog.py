"""When the ledger cannot be opened (0 bytes, damaged, cut short) or is gone while its
backups are still there: offer to restore one, instead of starting an empty ledger over it
or failing to open. The administrator logs in against the backup's own users
(``models.core.recovery``); the broken file is kept aside, never deleted."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop.documents import choose_file
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import heading
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import backup, recovery
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.recovery import LedgerState


@dataclass(frozen=True)
class BackupChoice:
    path: Path
    made: str
    entries: str
    kind: str


def backup_choices(ledger: Path) -> list[BackupChoice]:
    """This ledger's backups, newest first, with how many entries each holds."""
    rows = []
    for path in sorted(backup.directory_for(ledger).rglob("kongthun-*.sqlite3"),
                       key=lambda p: p.name[9:24], reverse=True):
        stamp = path.name[9:24]
        made = f"{stamp[6:8]}/{stamp[4:6]}/{stamp[0:4]} {stamp[9:11]}:{stamp[11:13]}"
        try:
            entries = f"{backup.count_entries(path):,}"
        except Exception:  # noqa: BLE001 - a damaged backup is listed, and refused if chosen
            entries = "—"
        kind = N_("kept before a restore") if "restore" in path.name or "-damaged-" in path.name \
            else N_("before an upgrade") if "migration" in path.name else N_("daily")
        rows.append(BackupChoice(path, made, entries, kind))
    return rows


MESSAGES = {
    LedgerState.EMPTY: N_("The ledger file {path} is empty (0 bytes): it was cut off while "
                          "being saved or copied. Nothing was opened and nothing was "
                          "created over it."),
    LedgerState.DAMAGED: N_("The ledger file {path} is damaged or cut short and cannot be "
                            "opened. It is kept as it is."),
    LedgerState.MISSING: N_("There is no ledger at {path}, but backups of it are here."),
}


class RecoveryDialog(FormDialog):
    """Choose a backup, log in as an administrator of that backup, restore."""

    def __init__(self, ledger: Path, state: LedgerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(720)
        self.ledger, self.state = ledger, state
        self.result: recovery.RestoreResult | None = None
        self.start_new = False
        self.title = heading()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.layout().insertWidget(0, self.title)
        self.layout().insertWidget(1, self.message)
        self.choices = RowTableModel([
            Column(N_("Made"), lambda r: r.made),
            Column(N_("Entries"), lambda r: r.entries, right=True),
            Column(N_("Kind"), lambda r: _(r.kind)),
        ])
        self.choices.set_rows(backup_choices(ledger))
        self.table = TableView(self.choices)
        self.table.setMinimumHeight(200)
        self.layout().insertWidget(2, self.table)
        if self.choices.rowCount():
            self.table.selectRow(0)
        row = QHBoxLayout()
        self.other_button = QPushButton()
        self.other_button.clicked.connect(self.choose_other)
        self.chosen_label = QLabel()
        self.chosen_label.setWordWrap(True)
        row.addWidget(self.other_button)
        row.addWidget(self.chosen_label, 1)
        self.layout().insertLayout(3, row)
        self.other: Path | None = None
        self.user_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_row(N_("Administrator's user name"), self.user_name)
        self.add_row(N_("Password (as it was in the backup)"), self.password)
        self.new_button = QPushButton()
        self.new_button.setVisible(state is LedgerState.MISSING)
        self.new_button.clicked.connect(self._start_new)
        self.layout().itemAt(self.layout().count() - 1).layout().insertWidget(0, self.new_button)
        self.retranslate()
        self.resize(780, 640)  # room for wrapped Lao lines; fits a 1366×768 screen

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Restore the ledger"))
        self.title.setText(_("Restore the ledger from a backup"))
        self.message.setText(_(MESSAGES[self.state]).format(path=self.ledger) + "\n"
                             + _("Choose a backup (the newest is chosen), then log in as an "
                                 "administrator of that backup."))
        self.other_button.setText(_("Another backup file…"))
        self.save_button.setText(_("Restore this backup"))
        self.cancel_button.setText(_("Close without changing anything"))
        self.new_button.setText(_("Start a new, empty ledger"))
        if self.other is not None:
            self.chosen_label.setText(str(self.other))

    def choose_other(self) -> None:
        path = choose_file(self, _("Choose the backup to restore"),
                                   _("Kongthun backups (*.sqlite3)"))
        if path:
            self.other = Path(path)
            self.table.clearSelection()
            self.chosen_label.setText(str(self.other))

    def source(self) -> Path | None:
        if self.other is not None:
            return self.other
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.choices.rows[rows[0].row()].path

    def _start_new(self) -> None:
        self.start_new = True
        self.accept()

    def save(self) -> bool:
        source = self.source()
        if source is None:
            self.show_problems(UserError(N_("Choose a backup first.")))
            return False
        try:
            self.result = recovery.restore_file(self.ledger, source,
                                                username=self.user_name.text(),
                                                password=self.password.text())
        except UserError as error:
            self.show_problems(error)
            return False
        return True

    @classmethod
    def ask(cls, ledger: Path, state: LedgerState, parent: QWidget | None = None) -> str:
        """"restored", "new" (only for a missing ledger) or "quit"."""
        dialog = cls(ledger, state, parent)
        if not dialog.exec():
            return "quit"
        return "new" if dialog.start_new else "restored"
