"""Meetings: the list (date, which meeting of the cycle, open or posted, who came, what was
received), today's meeting (or another day's) opened in one click, and the meeting grid."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.meeting_page import MeetingPage
from desktop.permission_tips import allow, set_tip
from desktop.screens import Section
from desktop.widgets.fields import DateField
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import date_text, heading
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.permissions import Permission
from models.meetings import meeting as meetings
from models.meetings.meeting import MeetingListRow

STATUS_NAMES = {meetings.OPEN: N_("Not posted yet"), meetings.POSTED: N_("Posted")}


class DateDialog(FormDialog):
    """Choose the day of a meeting held on another day than today."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = DateField(clock.today())
        self.chosen: dt.date | None = None
        self.add_row(N_("Day of the meeting"), self.day)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Meeting on another day"))
        self.save_button.setText(_("Open the meeting"))

    def save(self) -> bool:
        try:
            self.chosen = self.day.date()
        except UserError as error:
            self.show_problems(error)
            return False
        if self.chosen is None:
            self.show_problems(UserError(N_("Enter the date.")))
            return False
        return True

    @classmethod
    def ask(cls, parent: QWidget | None) -> dt.date | None:
        dialog = cls(parent)
        return dialog.chosen if dialog.exec() else None


class MeetingsScreen(Screen):
    topics = ("meetings", "members", "settings", "journal", "loans", "welfare")

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.may_record = False
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)

        self.list_page = QWidget()
        page = QVBoxLayout(self.list_page)
        page.setContentsMargins(0, 0, 0, 0)
        self.title = heading()
        page.addWidget(self.title)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        page.addWidget(self.explain)
        tools = QHBoxLayout()
        self.today_button = QPushButton()
        self.today_button.setObjectName("primaryButton")
        self.other_day_button = QPushButton()
        self.open_button = QPushButton()
        for button in (self.today_button, self.other_day_button, self.open_button):
            tools.addWidget(button)
        tools.addStretch(1)
        page.addLayout(tools)
        self.list_model = RowTableModel([
            Column(N_("Date"), lambda r: date_text(r.meeting.meeting_date)),
            Column(N_("Meeting"), lambda r: _("{number} of cycle {cycle}").format(
                number=r.meeting.number, cycle=r.meeting.cycle_number)),
            Column(N_("Status"), lambda r: _(STATUS_NAMES.get(r.meeting.status,
                                                              r.meeting.status))),
            Column(N_("Came"), lambda r: "" if r.came is None else _(
                "{came} of {members}").format(came=r.came, members=r.members), right=True),
            Column(N_("Received"), lambda r: "" if r.received is None
                   else self.ctx.money(r.received), right=True),
            Column(N_("Posted by"), lambda r: r.meeting.posted_by or ""),
        ], self)
        self.table = TableView(self.list_model)
        page.addWidget(self.table, 1)
        self.stack.addWidget(self.list_page)

        self.page = MeetingPage(ctx)
        self.stack.addWidget(self.page)

        self.today_button.clicked.connect(self.open_today)
        self.other_day_button.clicked.connect(self.open_other_day)
        self.open_button.clicked.connect(self.open_selected)
        self.table.row_activated.connect(lambda row: self.show_meeting(row.meeting.id))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.page.back_button.clicked.connect(self.show_list)
        QShortcut(QKeySequence("Ctrl+T"), self, self.open_today,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    # -- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.list_model.set_rows([])
            self.show_list()
            return
        self.may_record = self.ctx.can(Permission.RECORD)
        selected = self.table.selected_row()
        rows = run_query(self.ctx, self, lambda s, a: meetings.meeting_list(s, a, gid), [])
        self.list_model.set_rows(rows)
        ids = [r.meeting.id for r in rows]
        if selected is not None and selected.meeting.id in ids:
            self.table.selectRow(ids.index(selected.meeting.id))
        else:
            self.table.select_first()
        current = self.page.meeting
        if self.stack.currentWidget() is self.page and current is not None:
            if current.group_id != gid or current.id not in ids:
                self.show_list()
            elif current.is_posted:
                self.page.reload()
        self._update_buttons()

    def today_row(self) -> MeetingListRow | None:
        today = clock.today()
        return next((r for r in self.list_model.rows if r.meeting.meeting_date == today), None)

    def _update_buttons(self, *_args: object) -> None:
        today = self.today_row()
        self.today_button.setText(_("Open today's meeting") if today is None
                                  else _("Today's meeting"))
        allow(self.today_button, self.ctx, Permission.RECORD, may=today is not None
              or self.may_record)
        allow(self.other_day_button, self.ctx, Permission.RECORD, may=self.may_record)
        self.open_button.setEnabled(self.table.selected_row() is not None)

    # -- moving between the list and a meeting ------------------------------------------
    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.table.setFocus()

    def show_meeting(self, meeting_id: int) -> bool:
        if self.page.show_meeting(meeting_id):
            self.stack.setCurrentWidget(self.page)
            self.page.grid.setFocus()
            return True
        return False

    def open_selected(self) -> None:
        row = self.table.selected_row()
        if row is not None:
            self.show_meeting(row.meeting.id)

    def open_today(self) -> bool:
        return self.open_day(clock.today())

    def open_other_day(self) -> bool:
        day = DateDialog.ask(self)
        return self.open_day(day) if day is not None else False

    def open_day(self, day: dt.date) -> bool:
        """Show the meeting of ``day``, opening it first if there is none yet."""
        existing = next((r for r in self.list_model.rows if r.meeting.meeting_date == day), None)
        if existing is not None:
            return self.show_meeting(existing.meeting.id)
        if not self.may_record or self.ctx.group_id is None:
            return False
        gid = self.ctx.group_id
        outcome = self.ctx.run(
            self, lambda s, actor: meetings.open_meeting(s, actor, group_id=gid, on=day),
            changed={"meetings"},
            message=lambda row: _("The meeting of {date} is open.").format(
                date=date_text(row.meeting_date)))
        if not outcome:
            return False
        self.refresh()
        return self.show_meeting(outcome.value.id)

    # -- language -----------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Meetings"))
        self.explain.setText(_("At each meeting: open it, mark who came, check what each "
                               "member pays, then post it. What you type is kept as you "
                               "type it; the money goes into the books when you post."))
        self.other_day_button.setText(_("Meeting on another day…"))
        self.open_button.setText(_("Show the meeting"))
        set_tip(self.today_button, _("Shortcut: Ctrl+T"))
        self.list_model.retranslate()
        self._update_buttons()
        self.page.retranslate()


SECTION = Section("meetings", title=N_("Meetings"), order=30, factory=MeetingsScreen,
                  permission=Permission.READ)
