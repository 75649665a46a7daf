"""The NSSF screen's monthly run and its batches.

The run: for the month chosen, each enrolled member's due (late months still in grace, the
month, months paid ahead), how much her pot pays, and for a short pot what the group's
policy does (advance, subsidy or skip: shown, not chosen here; the policy is a dated
setting). Kept as a draft batch. The batches: draft → exported (the CSV or Excel file
saved; the batch's money is posted and the batch frozen: read-only from then on) →
confirmed with the LSSO's receipt; a correction is a new batch naming the one it
corrects; the summary the leader signs."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.nssf_batch_dialogs import (
    ConfirmBatchDialog,
    CorrectionDialog,
    batch_title,
    print_summary,
    save_file,
)
from desktop.nssf_dialogs import NSSF_TOPICS, MonthBox, month_text
from desktop.permission_tips import allow
from desktop.widgets import (
    Column,
    TableView,
    button_row,
    data_note,
    date_text,
    mark_data,
)
from models.core import clock
from models.core.clock import add_months
from models.core.i18n import N_, _
from models.core.money import format_money
from models.core.permissions import Permission
from models.nssf import batches, remittance
from models.nssf import scheme as scheme_mod
from models.nssf.batches import BatchRow
from models.nssf.remittance import RunPreview, RunRow


def _months(row: RunRow) -> str:
    paid = [m for m in row.months if not m.skipped]
    text = ", ".join(month_text(m.period) for m in paid)
    skipped = [m for m in row.months if m.skipped]
    if skipped:
        text += (" · " if text else "") + _("not paid: {months}").format(
            months=", ".join(month_text(m.period) for m in skipped))
    return text


class RunPanel(QWidget):
    batch_made = Signal(int)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: RunPreview | None = None
        self.ahead: dict[int, int] = {}
        layout = QVBoxLayout(self)
        tools = QHBoxLayout()
        self.month_label = QLabel()
        now = scheme_mod.month_start(clock.today())
        self.month = MonthBox(add_months(now, -12), now, newest_first=True)
        self.month_label.setBuddy(self.month)
        self.policy = QLabel()
        self.policy.setWordWrap(True)
        tools.addWidget(self.month_label)
        tools.addWidget(self.month)
        tools.addWidget(self.policy, 1)
        layout.addLayout(tools)
        money = ctx.money
        self.table = TableView.of([
            Column(N_("Number"), lambda r: r.member_number, right=True),
            Column(N_("Name"), lambda r: r.name, tip=True),
            Column(N_("Months paid now"), _months, tip=True),
            Column(N_("In her pot"), lambda r: money(r.pot_before), right=True),
            Column(N_("To pay"), lambda r: money(r.paid), right=True),
            Column(N_("From her pot"), lambda r: money(r.from_pot) if r.from_pot else "",
                   right=True),
            Column(N_("Advance or subsidy"), lambda r: money(r.from_advance + r.from_subsidy)
                   if r.from_advance + r.from_subsidy else "", right=True),
            Column(N_("Note"), lambda r: _(r.note) if r.note else "", tip=True),
        ], self, stretch=(2, 7), selected=self._selected)  # names whole; months, notes give way
        self.model = self.table.table_model()
        layout.addWidget(self.table, 1)
        self.totals = data_note()
        layout.addWidget(self.totals)
        self.ahead_label = QLabel()
        self.ahead_months = QSpinBox()
        self.ahead_months.setRange(0, 24)
        self.ahead_button = QPushButton()
        self.make_button = QPushButton()
        self.make_button.setObjectName("primaryButton")
        layout.addLayout(button_row(self.ahead_label, self.ahead_months, self.ahead_button,
                                    self.make_button))
        self.month.currentIndexChanged.connect(self._month_changed)
        self.ahead_button.clicked.connect(self.pay_ahead)
        self.make_button.clicked.connect(self.make_draft)

    def retranslate(self) -> None:
        self.model.retranslate()
        self.month_label.setText(_("Month"))
        self.ahead_label.setText(_("Months ahead for the chosen member:"))
        self.ahead_button.setText(_("Pay ahead"))
        self.make_button.setText(_("Keep as draft batch"))
        self._show()

    def _month_changed(self) -> None:
        self.ahead = {}
        self.refresh()

    def refresh(self) -> None:
        gid, month, ahead = self.ctx.group_id, self.month.month(), dict(self.ahead)
        chosen = self.table.selected_row()
        self.preview = run_query(self.ctx, self, lambda s, a: remittance.preview_run(
            s, a, group_id=gid, month=month, ahead=ahead), None)
        rows = list(self.preview.rows) if self.preview else []
        self.model.set_rows(rows)
        ids = [r.member_id for r in rows]
        if chosen is not None and chosen.member_id in ids:
            self.table.selectRow(ids.index(chosen.member_id))
        else:
            self.table.select_first()
        self.scheme = self.ctx.read(lambda s, a: scheme_mod.scheme(s, gid, month))
        self.ahead_months.setMaximum(self.scheme.max_ahead_months)
        self._show()

    def _show(self) -> None:
        p = self.preview
        if p is None:
            self.policy.clear()
            self.totals.clear()
            allow(self.make_button, self.ctx, Permission.RECORD, also=False)
            return
        self.policy.setText(_("When a pot is short: {policy}. (A dated setting of the "
                              "group.)").format(policy=_(scheme_mod.SHORTAGE_NAMES[p.policy])))
        money = self.ctx.money
        paying = [r for r in p.rows if r.paid]
        self.totals.setText(_(
            "To the LSSO: {total} for {members} members · from pots {pots} · advanced "
            "{advance} · from the subsidy fund {subsidy} (it holds {held})").format(
            total=money(p.total), members=len(paying),
            pots=money(sum(r.from_pot for r in p.rows)),
            advance=money(sum(r.from_advance for r in p.rows)),
            subsidy=money(sum(r.from_subsidy for r in p.rows)), held=money(p.subsidy_before)))
        allow(self.make_button, self.ctx, Permission.RECORD, also=bool(paying),
              why_not=_("Nobody has anything to pay for this month."))
        self._selected()

    def _selected(self, *_args: object) -> None:
        row = self.table.selected_row()
        allow(self.ahead_button, self.ctx, Permission.RECORD, also=row is not None,
              why_not=_("Choose a member in the list first."))
        if row is not None:
            self.ahead_months.setValue(self.ahead.get(row.member_id, 0))

    def pay_ahead(self) -> None:
        """Her months ahead (paid from her own pot only) are part of this month's run."""
        row = self.table.selected_row()
        if row is None:
            return
        self.ahead[row.member_id] = self.ahead_months.value()
        self.refresh()

    def make_draft(self) -> None:
        gid, month, ahead = self.ctx.group_id, self.month.month(), dict(self.ahead)
        outcome = self.ctx.run(
            self, lambda s, actor: remittance.make_run(s, actor, group_id=gid, month=month,
                                                       ahead=ahead),
            changed=NSSF_TOPICS,
            message=lambda b: _("Batch {number} for {month} is kept as a draft: {total}. "
                                "Export it to send it.").format(
                number=b.number, month=month_text(b.month),
                total=format_money(b.total, self.ctx.currency())))
        if outcome:
            self.batch_made.emit(outcome.value.id)


def _batch_number(b: BatchRow) -> str:
    if b.corrects_number:
        return _("{number}, corrects {corrects}").format(number=b.number,
                                                         corrects=b.corrects_number)
    return str(b.number)


class BatchesPanel(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        money = ctx.money
        self.table = TableView.of([
            Column(N_("Batch"), _batch_number),
            Column(N_("Month"), lambda b: month_text(b.month)),
            Column(N_("State"), lambda b: _(batches.BATCH_STATUS_NAMES[b.status])),
            Column(N_("Members"), lambda b: b.members, right=True),
            Column(N_("Total"), lambda b: money(b.total), right=True),
            Column(N_("From pots"), lambda b: money(b.from_pot), right=True),
            Column(N_("Advance or subsidy"), lambda b: money(b.from_advance + b.from_subsidy)
                   if b.from_advance + b.from_subsidy else "", right=True),
            Column(N_("LSSO receipt"), lambda b: b.lsso_receipt or "", tip=True),
            Column(N_("Day paid"), lambda b: date_text(b.paid_on)),
        ], self, stretch=(7,), selected=self._selected)
        self.model = self.table.table_model()
        self.lines_view = TableView.of([
            Column(N_("Month"), lambda x: month_text(x.period)),
            Column(N_("Social-security number"), lambda x: x.ss_number),
            Column(N_("Name"), lambda x: x.name, tip=True),
            Column(N_("Level"), lambda x: money(x.level), right=True),
            Column(N_("Contribution"), lambda x: money(x.contribution), right=True),
            Column(N_("From her pot"), lambda x: money(x.from_pot) if x.from_pot else "",
                   right=True),
            Column(N_("Advance"), lambda x: money(x.from_advance) if x.from_advance else "",
                   right=True),
            Column(N_("Subsidy"), lambda x: money(x.from_subsidy) if x.from_subsidy else "",
                   right=True),
        ], self, stretch=(2,))
        self.lines = self.lines_view.table_model()
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 4, 0, 0)
        self.state = mark_data(QLabel())
        self.state.setObjectName("notice")
        self.state.setWordWrap(True)
        below_layout.addWidget(self.state)
        below_layout.addWidget(self.lines_view, 1)
        split.addWidget(below)
        layout.addWidget(split, 1)
        self.csv_button = QPushButton()
        self.xlsx_button = QPushButton()
        self.summary_button = QPushButton()
        self.confirm_button = QPushButton()
        self.confirm_button.setObjectName("primaryButton")
        self.correct_button = QPushButton()
        self.discard_button = QPushButton()
        self.discard_button.setObjectName("dangerButton")
        layout.addLayout(button_row(self.csv_button, self.xlsx_button, self.summary_button,
                                    self.confirm_button, self.correct_button,
                                    self.discard_button))
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.summary_button.clicked.connect(self.summary)
        self.confirm_button.clicked.connect(self.confirm)
        self.correct_button.clicked.connect(self.correct)
        self.discard_button.clicked.connect(self.discard)
        self.may_record = False

    def retranslate(self) -> None:
        self.model.retranslate()
        self.lines.retranslate()
        self.csv_button.setText(_("Save file (CSV)…"))
        self.xlsx_button.setText(_("Save file (Excel)…"))
        self.summary_button.setText(_("Summary to sign…"))
        self.confirm_button.setText(_("LSSO receipt…"))
        self.correct_button.setText(_("Correction…"))
        self.discard_button.setText(_("Discard draft"))
        self._selected()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        chosen = self.selected()
        self.model.set_rows(run_query(self.ctx, self,
                                      lambda s, a: batches.batches(s, a, gid), []))
        self.may_record = self.ctx.can(Permission.RECORD)
        if chosen is not None:
            self.select_batch(chosen.id)
        if self.selected() is None:
            self.table.select_first()
        self._selected()

    def selected(self) -> BatchRow | None:
        return self.table.selected_row()

    def select_batch(self, batch_id: int) -> None:
        for index, row in enumerate(self.model.rows):
            if row.id == batch_id:
                self.table.selectRow(index)
                return

    def _selected(self, *_args: object) -> None:
        b = self.selected()
        batch_id = b.id if b is not None else None
        self.lines.set_rows(run_query(self.ctx, self, lambda s, a: batches.batch_lines(
            s, a, batch_id), []) if b is not None else [])
        self.state.setVisible(b is not None)
        self.state.setText(self._state_text(b) if b is not None else "")
        draft = b is not None and b.status == batches.DRAFT
        sent = b is not None and b.status != batches.DRAFT
        none = _("Choose a batch in the list first.")
        for button in (self.csv_button, self.xlsx_button):
            allow(button, self.ctx, Permission.RECORD if draft else Permission.EXPORT,
                  also=b is not None, why_not=none)
        self.summary_button.setEnabled(b is not None)
        allow(self.confirm_button, self.ctx, Permission.RECORD, may=self.may_record,
              also=b is not None and b.status == batches.EXPORTED,
              why_not=none if b is None else _("Only an exported batch waits for the "
                                               "LSSO's receipt."))
        allow(self.correct_button, self.ctx, Permission.RECORD, may=self.may_record,
              also=sent, why_not=none if b is None else _("A draft is made again on the "
                                                          "Monthly run tab, not corrected."))
        allow(self.discard_button, self.ctx, Permission.RECORD, may=self.may_record,
              also=draft, why_not=none if b is None else _("An exported batch is kept as it "
                                                           "is."))

    def _state_text(self, b: BatchRow) -> str:
        head = batch_title(b)
        if b.corrects_number:
            head += " · " + _("corrects batch {number}").format(number=b.corrects_number)
        if b.status == batches.DRAFT:
            return head + ": " + _("a draft. Saving its file exports it: the money is taken "
                                   "from the pots and the batch can no longer change.")
        exported = b.exported_at.strftime("%d/%m/%Y") if b.exported_at else ""
        if b.status == batches.EXPORTED:
            return head + ": " + _("exported on {date}; read-only. Its file can be saved "
                                   "again, the same file. Waiting for the LSSO's receipt.") \
                .format(date=exported)
        return head + ": " + _("confirmed: the LSSO's receipt {receipt}, paid on {date}; "
                               "read-only.").format(receipt=b.lsso_receipt or "",
                                                    date=date_text(b.paid_on))

    def export(self, fmt: str) -> None:
        b = self.selected()
        if b is None:
            return
        if b.status == batches.DRAFT:
            money = self.ctx.money
            answer = errors.MessageDialog.ask(
                self, kind=errors.QUESTION, title=_("Export the batch?"),
                text=_("Exporting {batch} takes {pots} from the members' pots, advances "
                       "{advance} from the loan fund and {subsidy} from the subsidy fund, and "
                       "owes {total} to the LSSO. After that the batch cannot change; a "
                       "mistake is put right by a correction batch.").format(
                    batch=batch_title(b), pots=money(b.from_pot), advance=money(b.from_advance),
                    subsidy=money(b.from_subsidy), total=money(b.total)),
                buttons=[errors.Button("yes", _("Export"), default=True),
                         errors.Button("no", _("Cancel"))])
            if answer != "yes":
                return
        if save_file(self, self.ctx, b, fmt) is not None:
            self.select_batch(b.id)

    def summary(self) -> None:
        b = self.selected()
        if b is not None:
            print_summary(self, self.ctx, b)

    def confirm(self) -> None:
        b = self.selected()
        if b is not None and ConfirmBatchDialog.ask(self, self.ctx, b) is not None:
            self.select_batch(b.id)

    def correct(self) -> None:
        b = self.selected()
        if b is not None:
            made = CorrectionDialog.ask(self, self.ctx, b)
            if made is not None:
                self.select_batch(made.id)

    def discard(self) -> None:
        b = self.selected()
        if b is None:
            return
        answer = errors.MessageDialog.ask(
            self, kind=errors.QUESTION, title=_("Discard the draft?"),
            text=_("Discard the draft {batch}? Nothing was paid from it; the run can be made "
                   "again.").format(batch=batch_title(b)),
            buttons=[errors.Button("yes", _("Discard draft")), errors.Button("no", _("Cancel"),
                                                                             default=True)])
        if answer == "yes":
            batch_id = b.id
            self.ctx.run(self, lambda s, actor: remittance.discard_draft(s, actor,
                                                                         batch_id=batch_id),
                         changed=NSSF_TOPICS, message=_("The draft was discarded."))
