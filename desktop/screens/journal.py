"""Journal: every entry of the group, newest first; reverse one with a reason."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.permission_tips import allow
from desktop.screens import Section
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import date_text, heading, mark_data
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import entry_text, ledger
from models.core.i18n import N_, _
from models.core.ledger import EntryRow
from models.core.money import format_money
from models.core.permissions import Permission

PAGE = 200

def link_text(entry: EntryRow) -> str:
    if entry.reverses_seq is not None:
        return _("cancels entry {seq}").format(seq=entry.reverses_seq)
    if entry.reversed_by_seq is not None:
        return _("cancelled by entry {seq}").format(seq=entry.reversed_by_seq)
    return ""


class ReverseDialog(FormDialog):
    """Reverse one entry: a reason, then a confirmation. The original stays in the books."""

    def __init__(self, ctx: ScreenContext, entry: EntryRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.done_seq: int | None = None
        self.summary = mark_data(QLabel(
            f"{entry.seq} · {date_text(entry.value_date)} · {entry.memo} · "
            f"{format_money(entry.amount, ctx.currency())}"))
        self.summary.setWordWrap(True)
        self.body.insertWidget(0, self.summary)
        self.reason = mark_data(QLineEdit())
        self.add_row(N_("Reason"), self.reason)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Reverse an entry"))
        self.save_button.setText(_("Reverse entry"))

    def save(self) -> bool:
        text = _("Reverse entry {seq}? A new entry that cancels it is added today; the "
                 "original stays in the books.").format(seq=self.entry.seq)
        if not errors.confirm(self, text, confirm_text=_("Reverse entry"), danger=True):
            return False
        entry_id, reason = self.entry.id, self.reason.text()
        outcome = self.ctx.run(
            self, lambda s, actor: ledger.reverse_entry(s, actor, entry_id=entry_id,
                                                        reason=reason).seq,
            changed={"journal"}, on_user_error=self.show_problems,
            message=lambda seq: _("Entry {seq} was reversed by entry {new}.").format(
                seq=self.entry.seq, new=seq))
        if outcome:
            self.done_seq = outcome.value
        return bool(outcome)

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, entry: EntryRow) -> int | None:  # noqa: ANN001
        dialog = cls(ctx, entry, parent)
        return dialog.done_seq if dialog.exec() else None


class JournalScreen(Screen):
    topics = ("journal",)

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        self.limit = PAGE
        layout = QVBoxLayout(self)
        self.title = heading()
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        self.model = RowTableModel([
            Column(N_("Entry"), lambda e: e.seq, right=True),
            Column(N_("Date"), lambda e: date_text(e.value_date)),
            Column(N_("Kind"), lambda e: entry_text.kind_name(e.kind)),
            Column(N_("Amount"), lambda e: self.ctx.money(e.amount), right=True),
            Column(N_("Who"), lambda e: e.user),
            Column(N_("Correction"), link_text),
            Column(N_("Memo"), lambda e: e.memo, tip=True),
        ], self)
        self.table = TableView(self.model)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.reverse_button = QPushButton()
        self.more_button = QPushButton()
        buttons.addWidget(self.reverse_button)
        buttons.addStretch(1)
        buttons.addWidget(self.more_button)
        layout.addLayout(buttons)
        self.reverse_button.clicked.connect(self.reverse_selected)
        self.more_button.clicked.connect(self.show_more)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.may_reverse = False
        self.retranslate()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.model.set_rows([])
            return
        self.may_reverse = self.ctx.can(Permission.REVERSE)
        limit = self.limit
        rows = run_query(self.ctx, self, lambda s, actor: entry_text.journal_entries(
            s, actor, gid, limit=limit + 1), [])
        self.more_button.setVisible(len(rows) > limit)
        self.model.set_rows(rows[:limit])
        self.table.select_first()
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        entry = self.table.selected_row()
        allow(self.reverse_button, self.ctx, Permission.REVERSE, may=self.may_reverse,
              also=entry is not None and entry.reverses_seq is None
              and entry.reversed_by_seq is None)

    def show_more(self) -> None:
        self.limit += PAGE
        self.refresh()

    def reverse_selected(self) -> None:
        entry = self.table.selected_row()
        if entry is not None and self.may_reverse:
            ReverseDialog.ask(self, self.ctx, entry)

    def retranslate(self) -> None:
        self.title.setText(_("Journal"))
        self.note.setText(_("Every entry in the books, newest first. Entries are never changed "
                            "or deleted: a mistake is cancelled by a reversal."))
        self.reverse_button.setText(_("Reverse entry…"))
        self.more_button.setText(_("Show older entries"))
        self.model.retranslate()
        if self.ctx.group_id is not None:
            self.refresh()  # the program's own memos are written in the language shown


SECTION = Section("journal", title=N_("Journal"), order=70, factory=JournalScreen,
                  permission=Permission.READ)
