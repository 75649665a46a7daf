"""One member's NSSF history: her contracts (a reinstatement follows a lapsed one) and every
month paid for her, in which batch, on which level and from where the money came."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.context import ScreenContext
from desktop.nssf_dialogs import month_text
from desktop.widgets import (
    Column,
    FittedDialog,
    TableView,
    date_text,
    heading,
    mark_data,
)
from models.core.i18n import N_, _
from models.core.money import format_money
from models.nssf import batches, coverage
from models.nssf import enrolment as enrolments
from models.nssf.enrolment import EnrolmentRow


class HistoryDialog(FittedDialog):
    def __init__(self, ctx: ScreenContext, row: EnrolmentRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        gid, member_id = ctx.group_id, row.member_id
        contracts, months = ctx.read(lambda s, a: (
            [r for r in enrolments.enrolments(s, a, gid, include_past=True)
             if r.member_id == member_id],
            coverage.member_history(s, a, member_id)))
        money = lambda amount: format_money(amount, ctx.currency())  # noqa: E731
        layout = QVBoxLayout(self)
        layout.addWidget(mark_data(heading(f"{row.member_number} · {row.name} · "
                                           f"{row.ss_number}")))
        self.contracts_title = QLabel()
        self.contracts_title.setObjectName("subheading")
        layout.addWidget(self.contracts_title)
        contracts_view = TableView.of([
            Column(N_("Enrolled"), lambda r: date_text(r.enrolled_on)),
            Column(N_("Contract"), lambda r: f"{month_text(r.contract_start)} – "
                                             f"{month_text(r.contract_end)}"),
            Column(N_("Hospital"), lambda r: r.hospital, tip=True),
            Column(N_("Status"), lambda r: _(enrolments.STATUS_NAMES[r.status])),
            Column(N_("Covered through"), lambda r: month_text(r.covered_through)),
            Column(N_("Ended"), lambda r: date_text(r.ended_on)),
        ], self, stretch=(2,))
        self.contracts = contracts_view.table_model()
        self.contracts.set_rows(contracts)
        contracts_view.setMaximumHeight(34 * (len(contracts) + 1) + 8)
        layout.addWidget(contracts_view)
        self.months_title = QLabel()
        self.months_title.setObjectName("subheading")
        layout.addWidget(self.months_title)
        months_view = TableView.of([
            Column(N_("Month"), lambda h: month_text(h.period)),
            Column(N_("Batch"), lambda h: h.batch_number, right=True),
            Column(N_("State"), lambda h: _(batches.BATCH_STATUS_NAMES.get(
                h.batch_status, h.batch_status or ""))),
            Column(N_("Level"), lambda h: money(h.level), right=True),
            Column(N_("Contribution"), lambda h: money(h.contribution), right=True),
            Column(N_("From her pot"), lambda h: money(h.from_pot) if h.from_pot else "",
                   right=True),
            Column(N_("Advance"), lambda h: money(h.from_advance) if h.from_advance else "",
                   right=True),
            Column(N_("Subsidy"), lambda h: money(h.from_subsidy) if h.from_subsidy else "",
                   right=True),
        ], self, stretch=())
        self.months = months_view.table_model()
        self.months.set_rows(list(reversed(months)))
        layout.addWidget(months_view, 1)
        row_of_buttons = QHBoxLayout()
        row_of_buttons.addStretch(1)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        row_of_buttons.addWidget(self.close_button)
        layout.addLayout(row_of_buttons)
        self.resize(900, 600)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("NSSF history of {name}").format(name=self.row.name))
        self.contracts_title.setText(_("Contracts"))
        self.months_title.setText(_("Months paid, newest first"))
        self.close_button.setText(_("Close"))
        self.contracts.retranslate()
        self.months.retranslate()

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, row: EnrolmentRow) -> None:  # noqa: ANN001
        cls(ctx, row, parent).exec()
