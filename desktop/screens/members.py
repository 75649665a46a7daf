"""Members: the list with a search box; add (Ctrl+N), edit (Enter), left/deceased, history."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from desktop.actions import run_query
from desktop.member_dialogs import HistoryDialog, MemberDialog, StatusDialog
from desktop.passbook_print import PassbookDialog
from desktop.permission_tips import allow, set_tip
from desktop.screens import Section
from desktop.widgets.labels import date_text, heading
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import members
from models.core.i18n import N_, _
from models.core.members import MemberRow
from models.core.permissions import Permission


def member_columns() -> list[Column]:
    return [
        Column(N_("Number"), lambda m: m.number, right=True),
        Column(N_("Name"), lambda m: m.name_lao),
        Column(N_("Name in Latin letters"), lambda m: m.name_latin or ""),
        Column(N_("Gender"), lambda m: _(members.GENDER_NAMES.get(m.gender, m.gender))),
        Column(N_("Village"), lambda m: m.village or ""),
        Column(N_("Phone"), lambda m: m.phone or ""),
        Column(N_("Joined on"), lambda m: date_text(m.joined_on)),
        Column(N_("Status"), lambda m: _(members.STATUS_NAMES.get(m.status, m.status))
               + (f" {date_text(m.status_date)}" if m.status_date else "")),
    ]


class MembersScreen(Screen):
    topics = ("members",)

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.title = heading()
        layout.addWidget(self.title)
        tools = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setClearButtonEnabled(True)
        tools.addWidget(self.search, 1)
        self.show_inactive = QCheckBox()
        self.show_inactive.setChecked(True)
        tools.addWidget(self.show_inactive)
        layout.addLayout(tools)
        self.model = RowTableModel(member_columns(), self)
        self.table = TableView(self.model)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton()
        self.add_button.setObjectName("primaryButton")
        self.edit_button = QPushButton()
        self.status_button = QPushButton()
        self.history_button = QPushButton()
        self.passbook_button = QPushButton()
        self.statement_button = QPushButton()
        for button in (self.add_button, self.edit_button, self.status_button,
                       self.history_button, self.passbook_button, self.statement_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        self.show_inactive.toggled.connect(self.refresh)
        self.add_button.clicked.connect(self.add_member)
        self.edit_button.clicked.connect(self.edit_member)
        self.status_button.clicked.connect(self.change_status)
        self.history_button.clicked.connect(self.show_history)
        self.passbook_button.clicked.connect(self.print_passbook)
        self.statement_button.clicked.connect(self.export_statement)
        self.table.row_activated.connect(lambda row: self.edit_member(row))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence("Ctrl+N"), self, self.add_member,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    def refresh(self) -> None:
        self._search_timer.stop()
        gid = self.ctx.group_id
        if gid is None:
            self.model.set_rows([])
            return
        self.may_edit = self.ctx.can(Permission.MANAGE_MEMBERS)
        self.may_export = self.ctx.can(Permission.EXPORT)
        text, everyone = self.search.text(), self.show_inactive.isChecked()
        selected = self.table.selected_row()
        rows = run_query(self.ctx, self, lambda s, actor: members.list_members(
            s, actor, gid, search=text, include_inactive=everyone), [])
        self.model.set_rows(rows)
        ids = [r.id for r in rows]
        if selected is not None and selected.id in ids:
            self.table.selectRow(ids.index(selected.id))
        else:
            self.table.select_first()
        self._update_buttons()

    may_edit = False
    may_export = False

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.table.selected_row() is not None
        allow(self.add_button, self.ctx, Permission.MANAGE_MEMBERS, may=self.may_edit)
        allow(self.edit_button, self.ctx, Permission.MANAGE_MEMBERS, may=self.may_edit,
              also=chosen)
        allow(self.status_button, self.ctx, Permission.MANAGE_MEMBERS, may=self.may_edit,
              also=chosen)
        self.history_button.setEnabled(chosen)
        self.passbook_button.setEnabled(chosen)
        self.statement_button.setEnabled(chosen and self.may_export)

    def select_member(self, member_id: int) -> None:
        ids = [r.id for r in self.model.rows]
        if member_id in ids:
            self.table.selectRow(ids.index(member_id))

    def add_member(self) -> None:
        if not self.may_edit or self.ctx.group_id is None:
            return
        row = MemberDialog.ask(self, self.ctx)
        if row is not None:
            self.select_member(row.id)

    def edit_member(self, member: MemberRow | None = None) -> None:
        member = member or self.table.selected_row()
        if member is None:
            return
        if not self.may_edit:
            HistoryDialog.ask(self, self.ctx, member)
            return
        MemberDialog.ask(self, self.ctx, member)

    def change_status(self) -> None:
        member = self.table.selected_row()
        if member is not None and self.may_edit:
            StatusDialog.ask(self, self.ctx, member)

    def show_history(self) -> None:
        member = self.table.selected_row()
        if member is not None:
            HistoryDialog.ask(self, self.ctx, member)

    def print_passbook(self) -> None:
        member = self.table.selected_row()
        if member is not None:
            PassbookDialog.ask(self, self.ctx, member)
    def export_statement(self) -> None:
        member = self.table.selected_row()
        if member is not None:
            from desktop.export_dialogs import export_member_statement

            export_member_statement(self, self.ctx, member.number)

    def retranslate(self) -> None:
        self.title.setText(_("Members"))
        self.search.setPlaceholderText(_("Search: name, number, village, phone…"))
        self.show_inactive.setText(_("Show members who left or died"))
        self.add_button.setText(_("Add member"))
        self.edit_button.setText(_("Edit"))
        self.status_button.setText(_("Left or deceased…"))
        self.history_button.setText(_("Change history"))
        self.passbook_button.setText(_("Print passbook…"))
        set_tip(self.add_button, _("Shortcut: Ctrl+N"))
        self.statement_button.setText(_("Statement…"))
        self.model.retranslate()


SECTION = Section("members", title=N_("Members"), order=20, factory=MembersScreen,
                  permission=Permission.READ)
