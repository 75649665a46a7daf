"""The cash box: what it should hold (the opening at its last count, every movement since,
the expected closing), counting it note by note with the total and the difference as the
treasurer types, money to and from the bank, expenses, and the counts made before."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.meeting_cash import CashCountPanel, ExpenseDialog, TransferDialog, difference_text
from desktop.permission_tips import allow
from desktop.screens import Section
from desktop.widgets.labels import date_text, heading, mark_data
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core.i18n import N_, _
from models.core.permissions import Permission
from models.meetings import cashbox


class CashBoxScreen(Screen):
    topics = ("cash", "journal", "meetings", "savings", "loans", "welfare")

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.statement: cashbox.CashBoxStatement | None = None
        layout = QVBoxLayout(self)
        self.title = heading()
        layout.addWidget(self.title)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        tab = QWidget()
        row = QHBoxLayout(tab)
        left = QVBoxLayout()
        self.since = mark_data(QLabel())
        self.since.setObjectName("subheading")
        self.since.setWordWrap(True)
        left.addWidget(self.since)
        self.movements_model = RowTableModel([
            Column(N_("Money from or to"), lambda m: m.label),
            Column(N_("Received"), lambda m: self.ctx.money(m.received) if m.received else "",
                   right=True),
            Column(N_("Paid out"), lambda m: self.ctx.money(m.paid) if m.paid else "", right=True),
        ], self)
        self.movements = TableView(self.movements_model)
        left.addWidget(self.movements, 1)
        figures = QGridLayout()
        self.figure_labels: dict[str, QLabel] = {}
        self.figure_values: dict[str, QLabel] = {}
        for r, key in enumerate(("opening", "received", "paid", "expected", "bank")):
            label, value = QLabel(), mark_data(QLabel())
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key == "expected":
                value.setObjectName("cardValue")
            figures.addWidget(label, r, 0)
            figures.addWidget(value, r, 1)
            self.figure_labels[key], self.figure_values[key] = label, value
        left.addLayout(figures)
        buttons = QHBoxLayout()
        self.transfer_button = QPushButton()
        self.expense_button = QPushButton()
        buttons.addWidget(self.transfer_button)
        buttons.addWidget(self.expense_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        row.addLayout(left, 1)
        self.count_panel = CashCountPanel(ctx)
        row.addSpacing(12)
        row.addWidget(self.count_panel, 1)
        self.tabs.addTab(tab, "")

        history = QWidget()
        history_layout = QVBoxLayout(history)
        self.counts_model = RowTableModel([
            Column(N_("Counted on"), lambda c: date_text(c.counted_on)),
            Column(N_("Counted"), lambda c: self.ctx.money(c.counted), right=True),
            Column(N_("The records said"), lambda c: self.ctx.money(c.expected), right=True),
            Column(N_("Difference"), lambda c: difference_text(c.difference, self.ctx.money)
                   if c.difference else ""),
            Column(N_("Why"), lambda c: c.note, tip=True),
        ], self)
        self.counts_table = TableView(self.counts_model)
        history_layout.addWidget(self.counts_table)
        self.tabs.addTab(history, "")

        self.transfer_button.clicked.connect(self.transfer)
        self.expense_button.clicked.connect(self.expense)
        self.retranslate()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.statement = None
            self.movements_model.set_rows([])
            self.counts_model.set_rows([])
            return
        may_record = self.ctx.can(Permission.RECORD)
        found = run_query(self.ctx, self, lambda s, a: (cashbox.cash_box(s, a, gid),
                                                        cashbox.counts(s, a, gid)), None)
        if found is None:
            return
        self.statement, counts = found
        self.movements_model.set_rows(self.statement.movements)
        self.counts_model.set_rows(counts)
        self.count_panel.load()
        self.count_panel.setEnabled(may_record)
        allow(self.transfer_button, self.ctx, Permission.RECORD, may=may_record)
        allow(self.expense_button, self.ctx, Permission.RECORD, may=may_record)
        self._show_figures()

    def _show_figures(self) -> None:
        box = self.statement
        if box is None:
            return
        last = box.last_count
        self.since.setText(
            _("Since the count of {date}").format(date=date_text(last.counted_on)) if last
            else _("Since the group began (the box was never counted)"))
        values = {"opening": box.opening, "received": box.received, "paid": box.paid,
                  "expected": box.expected, "bank": box.bank}
        for key, amount in values.items():
            self.figure_values[key].setText(self.ctx.money(amount))

    def transfer(self) -> None:
        TransferDialog.ask(self, self.ctx)

    def expense(self) -> None:
        ExpenseDialog.ask(self, self.ctx)

    def retranslate(self) -> None:
        self.title.setText(_("Cash box"))
        self.tabs.setTabText(0, _("The box now"))
        self.tabs.setTabText(1, _("Counts made"))
        for key, text in (("opening", N_("In the box at the start")),
                          ("received", N_("Received since")),
                          ("paid", N_("Paid out since")),
                          ("expected", N_("Should be in the box now")),
                          ("bank", N_("In the bank"))):
            self.figure_labels[key].setText(_(text))
        self.transfer_button.setText(_("Cash and the bank…"))
        self.expense_button.setText(_("Group expense…"))
        self.count_panel.retranslate()
        self.movements_model.retranslate()
        self.counts_model.retranslate()
        self._show_figures()


SECTION = Section("cashbox", title=N_("Cash box"), order=60, factory=CashBoxScreen,
                  permission=Permission.READ)
