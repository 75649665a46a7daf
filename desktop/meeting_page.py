"""One meeting on screen: the grid to fill in (or, once posted, as it was posted), the
problems of its cells as they are typed, posting it whole, and its papers.

Every cell is checked with the domain (``meeting_grids.check_cells``) as soon as it changes;
a bad cell turns red, says why in its tooltip and in the line under the grid, and stops
the posting. Attendance and notes are recorded on the open meeting as they change (the
expected amounts follow the roll call). Each amount typed is kept at once in the
meeting's draft (``models.meetings.drafts``), so a power cut loses none: showing the
meeting again puts the drafted amounts back, and says so when they were typed before
this window was opened. The amounts reach the ledger only when the whole meeting is
posted, in one action (which deletes the draft)."""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.meeting_cash import CashCountDialog
from desktop.meeting_grid import MeetingGridModel, MeetingTotalsModel
from desktop.meeting_grid_view import MeetingGridView, TotalsView
from desktop.meeting_print import RECEIPTS, SUMMARY, print_meeting
from desktop.nssf_warnings import GraceWarning
from desktop.passbook_print import print_meeting_passbooks
from desktop.widgets.labels import date_text, heading, mark_data, problems_label
from models.core.errors import UserError, ValidationError
from models.core.i18n import _, gettext
from models.core.money import format_money
from models.core.permissions import Permission
from models.meetings import columns as meeting_columns
from models.meetings import drafts as meeting_drafts
from models.meetings import grid as meeting_grids
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings import roll as meeting_roll
from models.meetings.attendance import ATTENDANCE, ATTENDANCE_NAMES
from models.meetings.columns import CellContext
from models.meetings.grid import CellProblem, MeetingGrid
from models.meetings.meeting import MeetingRow

MEETING_TOPICS = {"meetings", "journal", "savings", "loans", "welfare", "cash"}
SHOWN_PROBLEMS = 4


def meeting_title(meeting: MeetingRow) -> str:
    return _("Meeting {number} of cycle {cycle} · {date}").format(
        number=meeting.number, cycle=meeting.cycle_number, date=date_text(meeting.meeting_date))


def expected_for(session, actor, meeting_id: int, member_id: int) -> dict[str, int]:  # noqa: ANN001
    """What each column expects of one member now (after her attendance changed)."""
    meeting = meetings.get_meeting(session, actor, meeting_id)
    cell = CellContext(meeting.group_id, member_id, meeting.id, meeting.meeting_date)
    return {c.key: c.expected(session, cell)
            for c in meeting_columns.columns(session, meeting.group_id, meeting.meeting_date)}


class MeetingPage(QWidget):
    """The grid of one meeting with its actions. ``back_requested`` is wired by the
    screen to show the list again."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.grid_data: MeetingGrid | None = None
        self.general_problems: list[str] = []
        self.restored = 0  # drafted amounts brought back from before this window opened
        self._drafted_here: set[int] = set()  # meetings whose draft this page saved
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.back_button = QPushButton()
        top.addWidget(self.back_button)
        self.title = mark_data(heading())
        top.addWidget(self.title, 1)
        layout.addLayout(top)
        self.state = QLabel()
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        layout.addWidget(self.notice)
        self.nssf_warning = GraceWarning(ctx)
        layout.addWidget(self.nssf_warning)
        self.model = MeetingGridModel(self)
        self.grid = MeetingGridView(self.model)
        self.totals_model = MeetingTotalsModel(self.model, self)
        self.totals = mark_data(TotalsView(self.totals_model, self.grid))
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.totals)
        self.problems = problems_label()
        layout.addWidget(self.problems)
        # The hint names keys by what is printed on them (Tab, Enter, Esc), in Latin
        # letters on a Lao keyboard too, so the no-English check skips it.
        self.hint = mark_data(QLabel())
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")
        small = self.hint.font()
        small.setPointSizeF(small.pointSizeF() * 0.85)
        self.hint.setFont(small)
        self.state.setFont(small)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        self.summary_button = QPushButton()
        self.receipts_button = QPushButton()
        self.passbooks_button = QPushButton()
        self.count_button = QPushButton()
        self.post_button = QPushButton()
        self.post_button.setObjectName("primaryButton")
        for button in (self.summary_button, self.receipts_button, self.passbooks_button,
                       self.count_button):
            buttons.addWidget(button)
        buttons.addWidget(self.post_button)
        layout.addLayout(buttons)

        self.model.amount_changed.connect(self._amount_changed)
        self.model.attendance_changed.connect(self._attendance_changed)
        self.model.note_changed.connect(self._note_changed)
        self.post_button.clicked.connect(self.post)
        self.summary_button.clicked.connect(lambda: self.print_papers((SUMMARY,)))
        self.receipts_button.clicked.connect(lambda: self.print_papers((RECEIPTS,)))
        self.passbooks_button.clicked.connect(self.print_passbooks)
        self.count_button.clicked.connect(self.count_cash)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.post,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    # -- loading ------------------------------------------------------------------------
    @property
    def meeting(self) -> MeetingRow | None:
        return self.grid_data.meeting if self.grid_data else None

    def show_meeting(self, meeting_id: int) -> bool:
        grid = run_query(self.ctx, self, lambda s, a: meeting_grids.meeting_grid(s, a, meeting_id),
                         None)
        if grid is None:
            return False
        self.grid_data = grid
        self.nssf_warning.refresh()
        may_record = self.ctx.can(Permission.RECORD, grid.meeting.group_id)
        drafts = {} if grid.meeting.is_posted or not may_record else run_query(
            self.ctx, self, lambda s, a: meeting_drafts.draft_cells(s, a, meeting_id), {})
        restored = self.model.load(grid, self.ctx.currency(grid.meeting.group_id),
                                   editable=may_record, drafts=drafts)
        # Amounts this page drafted come back silently (the grid as she left it); those
        # from before (a crash, a power cut, another window) are announced.
        self.restored = 0 if meeting_id in self._drafted_here else restored
        self.grid.fit_columns()
        self.totals.follow_grid()
        self.general_problems = []
        if self.model.editable:
            self.check_all()
            first = next((c for c, f in enumerate(self.model.fields) if f.is_money), 0)
            if self.model.lines:
                self.grid.setCurrentIndex(self.model.index(0, first))
        else:
            self._show_problems()
        self._update()
        self.grid.setFocus()
        return True

    def reload(self) -> None:
        if self.meeting is not None:
            self.show_meeting(self.meeting.id)

    def _update(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        self.title.setText(meeting_title(meeting))
        if meeting.is_posted:
            self.state.setText(_("Posted on {when} by {who}. To correct it, reverse its "
                                 "entries in the journal.").format(
                when=meeting.posted_at.strftime("%d/%m/%Y %H:%M") if meeting.posted_at else "",
                who=meeting.posted_by or ""))
        elif self.model.editable:
            self.state.setText(_("Open: the expected amounts are filled in. Change what "
                                 "differs, then post the meeting."))
        else:
            self.state.setText(_("Open: the treasurer has not posted it yet."))
        self.post_button.setVisible(self.model.editable)
        self.hint.setVisible(self.model.editable)
        self.notice.setVisible(bool(self.restored) and self.model.editable)
        self.notice.setText(self.notice_text())
        posted = meeting.is_posted
        self.summary_button.setVisible(posted)
        self.receipts_button.setVisible(posted)
        self.passbooks_button.setVisible(posted and self.ctx.can(Permission.PRINT_PASSBOOK))
        self.count_button.setVisible(posted and self.ctx.can(Permission.RECORD,
                                                             meeting.group_id))

    def notice_text(self) -> str:
        if not self.restored:
            return ""
        if self.restored == 1:
            return _("One amount typed before the program closed was brought back.")
        return _("{count} amounts typed before the program closed were brought back.").format(
            count=self.restored)

    # -- checking -----------------------------------------------------------------------
    def _check(self, cells: dict[tuple[int, str], int]) -> list[UserError]:
        meeting_id = self.meeting.id
        return run_query(self.ctx, self, lambda s, a: meeting_grids.check_cells(
            s, a, meeting_id=meeting_id, cells=cells), [])

    def _absorb(self, problems: Iterable[UserError]) -> dict[tuple[int, str], str]:
        """Cell problems by cell; the others are kept as general problems."""
        by_cell: dict[tuple[int, str], str] = {}
        for problem in problems:
            if isinstance(problem, CellProblem):
                by_cell.setdefault((problem.member_id, problem.column_key), str(problem.problem))
            else:
                self.general_problems.append(str(problem))
        return by_cell

    def check_all(self) -> bool:
        """Check every cell with the domain; true when all are fine."""
        self.general_problems = []
        typed = self.model.typing_problems()
        cells = {cell: amount for cell, amount in self.model.cells().items()
                 if cell not in typed}
        found = self._absorb(self._check(cells))
        found.update(typed)
        self.model.set_problems(found)
        self._show_problems()
        return not found and not self.general_problems

    def _check_row(self, member_id: int, keys: list[str]) -> None:
        line = self.model.line_of(member_id)
        typed = {(member_id, k): msg for (m, k), msg in self.model.typing_problems().items()
                 if m == member_id and k in keys}
        cells = {(member_id, k): line.amounts.get(k, 0) for k in keys
                 if line.amounts.get(k, 0) and (member_id, k) not in typed}
        found = self._absorb(self._check(cells)) if cells else {}
        found.update(typed)
        self.model.update_problems(member_id, keys, found)
        self._show_problems()

    def _amount_changed(self, member_id: int, key: str) -> None:
        self._check_row(member_id, [key])
        self._save_draft(member_id, key)

    def _save_draft(self, member_id: int, key: str) -> None:
        """Keep the cell as typed (or forget it, back to its expected amount) in one small
        transaction. Text that is not an amount is not kept: the draft keeps the cell's
        last amount."""
        line = self.model.line_of(member_id)
        if self.meeting is None or not self.model.editable or line is None \
                or key in line.typed:
            return
        meeting_id, amount = self.meeting.id, self.model.draft_value(member_id, key)
        if self.ctx.run(self, lambda s, actor: meeting_drafts.save_draft_cells(
                s, actor, meeting_id=meeting_id, cells={(member_id, key): amount}),
                on_user_error=self._show_error):
            self._drafted_here.add(meeting_id)

    def _attendance_changed(self, member_id: int, status: str, before: str) -> None:
        meeting_id = self.meeting.id
        done = self.ctx.run(self, lambda s, actor: meeting_roll.record_attendance(
            s, actor, meeting_id=meeting_id, attendance={member_id: status}),
            on_user_error=self._show_error)
        if not done:
            self.model.undo_attendance(member_id, before)
            return
        expected = run_query(self.ctx, self,
                             lambda s, a: expected_for(s, a, meeting_id, member_id), None)
        if expected is not None:
            self.model.set_expected(member_id, expected)
        self._check_row(member_id, self.model.money_keys())

    def _note_changed(self, member_id: int, note: str) -> None:
        meeting_id = self.meeting.id
        self.ctx.run(self, lambda s, actor: meeting_roll.record_attendance(
            s, actor, meeting_id=meeting_id, attendance={}, notes={member_id: note}),
            on_user_error=self._show_error)

    def _show_error(self, error: UserError) -> None:
        self.general_problems = [str(p) for p in getattr(error, "problems", [error])]
        self._show_problems()

    def _problem_lines(self) -> list[str]:
        lines = list(dict.fromkeys(self.general_problems))  # each once, in order
        names = {line.member_id: line.name for line in self.model.lines}
        titles = {f.key: gettext(f.title) for f in self.model.fields if f.is_money}
        for (member_id, key), text in sorted(
                self.model.problems.items(),
                key=lambda item: (self.model.row_of(item[0][0]), item[0][1])):
            lines.append(_("{member}, {column}: {problem}").format(
                member=names.get(member_id, member_id), column=titles.get(key, key),
                problem=text))
        return lines

    def _show_problems(self) -> None:
        lines = self._problem_lines()
        if not lines:
            self.problems.setVisible(False)
            self.problems.clear()
            return
        shown = ["• " + line for line in lines[:SHOWN_PROBLEMS]]
        if len(lines) > SHOWN_PROBLEMS:
            shown.append(_("… and {count} more (point at a red cell to see why).").format(
                count=len(lines) - SHOWN_PROBLEMS))
        head = _("Fix the red cells before posting:") if self.model.problems else \
            _("The meeting cannot be posted yet:")
        self.problems.setText("\n".join([head, *shown]))
        self.problems.setVisible(True)

    def problem_texts(self) -> list[str]:
        return self._problem_lines()

    # -- posting ------------------------------------------------------------------------
    def _commit_open_editor(self) -> None:
        if self.grid.state() == QAbstractItemView.State.EditingState:
            editor = self.grid.indexWidget(self.grid.currentIndex())
            if editor is not None:
                self.grid.commitData(editor)
                self.grid.closeEditor(editor, self.grid.itemDelegate().EndEditHint.NoHint)

    def confirmation_text(self) -> str:
        totals = self.model.totals()
        lines = [_("Post the meeting of {date}?").format(
            date=date_text(self.meeting.meeting_date)), ""]
        lines += [f"{gettext(f.title)}: {format_money(totals.get(f.key, 0), self.model.currency)}"
                  for f in self.model.fields if f.is_money]
        received = format_money(self.model.grand_total(), self.model.currency)
        lines.append(_("Received in all: {amount}").format(amount=received))
        counts = self.model.attendance_counts()
        lines.append(" · ".join(f"{gettext(ATTENDANCE_NAMES[s])}: {counts[s]}"
                                for s in ATTENDANCE))
        lines += ["", _("Everything is recorded at once; afterwards only a reversal can "
                        "correct it.")]
        return "\n".join(lines)

    def post(self) -> bool:
        """Check every cell, confirm the totals, post the meeting in one action."""
        if self.meeting is None or not self.model.editable:
            return False
        self._commit_open_editor()
        if not self.check_all():
            first = next(iter(sorted(self.model.problems,
                                     key=lambda cell: self.model.row_of(cell[0]))), None)
            if first is not None:
                self.grid.go_to(*first)
            return False
        if not errors.confirm(self, self.confirmation_text(), confirm_text=_("Post the meeting")):
            return False
        meeting_id, cells = self.meeting.id, self.model.cells()
        # Notes are recorded as they are typed; the written ones go again with the grid.
        attendance = self.model.attendance()
        notes = {member: note for member, note in self.model.notes().items() if note}
        outcome = self.ctx.run(
            self, lambda s, actor: meeting_posting.post_meeting(
                s, actor, meeting_id=meeting_id, cells=cells, attendance=attendance, notes=notes),
            changed=MEETING_TOPICS, on_user_error=self._post_refused,
            message=lambda row: _("The meeting of {date} is posted.").format(
                date=date_text(row.meeting_date)))
        if not outcome:
            return False
        self.show_meeting(meeting_id)
        choice = errors.MessageDialog.ask(
            self, kind=errors.INFO, title=_("Meeting posted"),
            text=_("The meeting is posted. Print the summary for the records and the members' "
                   "receipts now?"),
            buttons=[errors.Button("print", _("Print summary and receipts"), default=True),
                     errors.Button("passbooks", _("Print passbooks")),
                     errors.Button("later", _("Later"))])
        if choice == "print":
            self.print_papers((SUMMARY, RECEIPTS))
        elif choice == "passbooks":
            self.print_passbooks()
        return True

    def _post_refused(self, error: UserError) -> None:
        self.general_problems = []
        problems = error.problems if isinstance(error, ValidationError) else [error]
        self.model.set_problems(self._absorb(problems))
        self._show_problems()

    # -- after posting ------------------------------------------------------------------
    def print_papers(self, what: tuple[str, ...]) -> None:
        if self.meeting is not None and self.meeting.is_posted:
            print_meeting(self, self.ctx, self.meeting, what)

    def print_passbooks(self) -> None:
        if self.meeting is not None and self.meeting.is_posted:
            print_meeting_passbooks(self, self.ctx, self.meeting)

    def count_cash(self) -> None:
        if self.meeting is not None:
            CashCountDialog.ask(self, self.ctx, meeting_id=self.meeting.id,
                                on=self.meeting.meeting_date)

    def retranslate(self) -> None:
        self.nssf_warning.retranslate()
        self.back_button.setText(_("← All meetings"))
        self.post_button.setText(_("Post the meeting"))
        self.post_button.setToolTip(_("Shortcut: Ctrl+Enter"))
        self.summary_button.setText(_("Print the summary…"))
        self.receipts_button.setText(_("Print the receipts…"))
        self.passbooks_button.setText(_("Print passbooks…"))
        self.count_button.setText(_("Count the cash box…"))
        self.hint.setText(_("Type an amount to replace a cell · Tab: next cell · Enter: next "
                            "member · Esc: back to the expected amount\nAttendance: 1 present · "
                            "2 came late · 3 represented · 4 absent · Space: the next one"))
        self.model.retranslate()
        if self.model.lines:
            self.grid.fit_columns()  # the titles' widths change with the language
            self.totals.follow_grid()
        if self.model.editable:
            self.check_all()  # the reasons in the new language
        self._update()
        self._show_problems()
