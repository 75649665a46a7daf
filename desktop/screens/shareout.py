"""Share-out: the cycle now running, the step-by-step share-out that closes it, and the
share-outs made before with what each member got, printed as one statement the members
sign when they take their money."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.documents import Paper, save_document
from desktop.permission_tips import allow
from desktop.screens import Section
from desktop.shareout_wizard import ShareOutWizard, pots_used
from desktop.widgets import Column, RowTableModel, Screen, TableView, date_text, heading, mark_data
from models.core.i18n import N_, _
from models.core.permissions import Permission
from models.savings import shareout_records
from models.savings.rules import SHAREOUT_METHOD_NAMES, CycleRow, list_cycles
from models.savings.shareout_records import ShareOutRecord
from models.statements.shareout_paper import shareout_statement
from reports import shareout_pdf

# A member's line: debts, re-invested and the NSSF pot's three columns show only when a
# row has a figure in them (the line stays within the screen).
OPTIONAL_COLUMNS = (5, 6, 7, 8, 9)


class ShareOutScreen(Screen):
    topics = ("shareout", "savings", "meetings", "journal", "settings")

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.cycle: CycleRow | None = None
        layout = QVBoxLayout(self)
        self.title = heading()
        layout.addWidget(self.title)
        row = QHBoxLayout()
        self.cycle_label = mark_data(QLabel())
        self.cycle_label.setObjectName("subheading")
        self.cycle_label.setWordWrap(True)
        row.addWidget(self.cycle_label, 1)
        self.start_button = QPushButton()
        self.start_button.setObjectName("primaryButton")
        row.addWidget(self.start_button)
        layout.addLayout(row)
        past = QHBoxLayout()
        self.past_title = QLabel()
        self.past_title.setObjectName("subheading")
        past.addWidget(self.past_title, 1)
        self.print_button = QPushButton()
        self.print_button.setEnabled(False)
        past.addWidget(self.print_button)
        layout.addLayout(past)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.records_model = RowTableModel([
            Column(N_("Cycle"), lambda r: r.cycle_number, right=True),
            Column(N_("Shared out on"), lambda r: date_text(r.on)),
            Column(N_("Method"), lambda r: _(SHAREOUT_METHOD_NAMES.get(r.method, r.method))),
            Column(N_("Shared out"), lambda r: self.ctx.money(r.distributable), right=True),
            Column(N_("Savings"), lambda r: self.ctx.money(r.total_savings), right=True),
            Column(N_("Profit"), lambda r: self.ctx.money(r.distributable - r.total_savings),
                   right=True),
            Column(N_("Rounding residue"), lambda r: self.ctx.money(r.residue), right=True),
        ], self)
        self.records = TableView(self.records_model)
        split.addWidget(self.records)
        self.lines_model = RowTableModel([
            Column(N_("Number"), lambda r: r.number, right=True),
            Column(N_("Member"), lambda r: r.name),
            Column(N_("Savings"), lambda r: self.ctx.money(r.savings), right=True),
            Column(N_("Shares"), lambda r: r.shares, right=True),
            Column(N_("Payout"), lambda r: self.ctx.money(r.payout), right=True),
            Column(N_("For her debts"), lambda r: self.ctx.money(r.netted)
                   if r.netted else "", right=True),
            Column(N_("Re-invested"), lambda r: self.ctx.money(r.reinvest) if r.reinvest else "",
                   right=True),
            Column(N_("NSSF pot paid out"), lambda r: self.ctx.money(r.fund_paid)
                   if r.fund_paid else "", right=True),
            Column(N_("Into her NSSF pot"), self._top_up_text, right=True),
            Column(N_("NSSF pot kept"), lambda r: self.ctx.money(r.fund_kept)
                   if r.fund_kept else "", right=True),
            Column(N_("Cash taken home"), lambda r: self.ctx.money(r.cash_in_hand), right=True),
        ], self)
        self.lines = TableView(self.lines_model)
        split.addWidget(self.lines)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)
        self.start_button.clicked.connect(self.share_out)
        self.print_button.clicked.connect(lambda: self.print_statement())
        self.records.selectionModel().selectionChanged.connect(self._record_selected)
        self.retranslate()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.cycle = None
            self.records_model.set_rows([])
            self.lines_model.set_rows([])
            return
        found = run_query(self.ctx, self, lambda s, a: (
            list_cycles(s, a, gid), shareout_records.share_outs(s, a, gid)), None)
        if found is None:
            return
        cycles, records = found
        self.cycle = next((c for c in cycles if c.is_open), None)
        self.records_model.set_rows(records)
        self.records.select_first()
        self._record_selected()
        self._show_cycle()
        allow(self.start_button, self.ctx, Permission.RECORD, also=self.cycle is not None)

    def _show_cycle(self) -> None:
        c = self.cycle
        if c is None:
            self.cycle_label.setText(_("No savings cycle is running yet; it starts with the "
                                       "group's first savings."))
            return
        price = _("{price} a share").format(price=self.ctx.money(c.share_price)) \
            if c.mode == "shares" else _("free amounts")
        self.cycle_label.setText(_("Cycle {number} since {date} · {price}").format(
            number=c.number, date=date_text(c.start_date), price=price))

    def _top_up_text(self, row) -> str:  # noqa: ANN001
        receipt = next((f.receipt for f in row.funds if f.receipt), None)
        if not row.topped_up:
            return ""
        return _("{amount} (receipt {receipt})").format(
            amount=self.ctx.money(row.topped_up), receipt=receipt) if receipt else \
            self.ctx.money(row.topped_up)

    def _record_selected(self, *_args: object) -> None:
        record = self.records.selected_row()
        rows = record.rows if record is not None else []
        self.lines_model.set_rows(rows)
        used = (any(r.netted for r in rows), any(r.reinvest for r in rows), *pots_used(rows))
        for column, shown in zip(OPTIONAL_COLUMNS, used):
            self.lines.setColumnHidden(column, not shown)
        self.print_button.setEnabled(record is not None)

    def share_out(self) -> None:
        if not self.start_button.isEnabled():
            return
        posted = ShareOutWizard.ask(self, self.ctx)
        if posted is None or not errors.confirm(
                self, _("Print the share-out statement now, for the members to sign as they "
                        "take their money?"), confirm_text=_("Print the statement…")):
            return
        record = run_query(self.ctx, self, lambda s, actor: shareout_records.share_out_record(
            s, actor, posted.share_out_id), None)
        if record is not None:
            self.print_statement(record)

    def print_statement(self, record: ShareOutRecord | None = None) -> Path | None:
        """Print the statement of the selected share-out (or ``record``) in the current
        language, or save it as a PDF."""
        record = record or self.records.selected_row()
        if record is None:
            return None
        gid = self.ctx.group_id
        papers = [Paper(shareout_pdf.file_name(record), lambda s, actor, path:
                        shareout_pdf.write_statement(shareout_statement(
                            s, actor, group_id=gid, share_out_id=record.id), path))]
        return next(iter(save_document(
            self, self.ctx, papers, what=_("the statement"),
            saved=_("The statement was saved to {path}."))), None)

    def retranslate(self) -> None:
        self.title.setText(_("Share-out"))
        self.start_button.setText(_("Share out this cycle…"))
        self.past_title.setText(_("Share-outs made"))
        self.print_button.setText(_("Print the statement…"))
        self.records_model.retranslate()
        self.lines_model.retranslate()
        self._show_cycle()


SECTION = Section("shareout", title=N_("Share-out"), order=65, factory=ShareOutScreen,
                  permission=Permission.READ)
