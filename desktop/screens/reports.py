"""Reports: the documents an auditor or the group takes away from the ledger."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from desktop.export_dialogs import export_auditor_workbook
from desktop.screens import Section
from desktop.widgets.labels import heading
from desktop.widgets.screen import Screen
from models.core.i18n import N_, _
from models.core.permissions import Permission


class ReportsScreen(Screen):
    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.title = heading()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.auditor_button = QPushButton()
        self.auditor_button.setObjectName("primaryButton")
        self.auditor_note = QLabel()
        self.auditor_note.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        row = QHBoxLayout()
        row.addWidget(self.auditor_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.auditor_note)
        layout.addStretch(1)
        self.auditor_button.clicked.connect(self.export_for_auditor)
        self.retranslate()

    def refresh(self) -> None:
        self.auditor_button.setEnabled(self.ctx.group_id is not None
                                       and self.ctx.can(Permission.EXPORT))

    def export_for_auditor(self) -> None:
        export_auditor_workbook(self, self.ctx)

    def retranslate(self) -> None:
        self.title.setText(_("Reports"))
        self.note.setText(_("Files made from the ledger to take away. Each export is written "
                            "to the audit log with the file's fingerprint (SHA-256)."))
        self.auditor_button.setText(_("Export for the auditor…"))
        self.auditor_note.setText(_(
            "One Excel workbook for the period: the ledger seal and the verify result, trial "
            "balance, balance sheet and income by fund, cash book, journal, members, loans "
            "with PAR, welfare claims, meetings, share-outs and the audit log. Every total "
            "is a formula beside the ledger's own figure."))


SECTION = Section("reports", title=N_("Reports"), order=75, factory=ReportsScreen,
                  permission=Permission.EXPORT)
