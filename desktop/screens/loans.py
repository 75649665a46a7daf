"""Loans: the register with each loan's schedule, repayments and history; the actions of
its lifecycle (apply, approve or refuse, pay out, repay, pay off, reverse a repayment, ask
for a rescheduling or a write-off and decide it); the calculator; the portfolio."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.permission_tips import allow, refusal
from desktop.screens import Section
from desktop.screens.loan_dialogs import (
    ApplicationDialog,
    DisburseDialog,
    ReasonDialog,
    RepaymentDialog,
    RescheduleDialog,
    save_receipt,
    save_schedule,
)
from desktop.screens.loan_panels import (
    CalculatorPanel,
    CornerTabs,
    LoanFacts,
    PortfolioPanel,
    ShareSplitter,
)
from desktop.widgets import (
    ChoiceBox,
    Column,
    FlowLayout,
    RowTableModel,
    Screen,
    TableView,
    date_text,
    heading,
    mark_data,
)
from models.core.i18n import N_, _
from models.core.permissions import Permission
from models.loans.application import approve_loan, check_approver, reject_loan
from models.loans.queries import list_loans, loan_detail
from models.loans.repayments import pay_off_loan, reverse_repayment
from models.loans.requests import approve_request, reject_request, request_write_off
from models.loans.rows import LoanDetail, LoanRow, RepaymentRow
from models.loans.schedule_sheet import loan_schedule_sheet
from models.loans.statuses import (
    ACTIVE,
    APPLIED,
    APPROVED,
    INSTALLMENT_STATUS_NAMES,
    PENDING,
    REQUEST_NAMES,
    STATUS_NAMES,
)
from models.loans.texts import reason_text

FEE = N_("Fee")  # the fee and penalty columns, hidden for a loan without any
PENALTY = N_("Penalty")

FILTERS = {"": N_("All loans"), **STATUS_NAMES}


class LoansScreen(Screen):
    topics = ("loans", "journal", "members", "settings", "meetings")

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        # One compact line above the tables: the title, the tabs, the filter and the rules.
        self.tabs = CornerTabs()
        self.title = heading()
        self.title.setContentsMargins(0, 0, 12, 0)
        self.tabs.setCornerWidget(self.title, Qt.Corner.TopLeftCorner)
        tools = QWidget()
        top = QHBoxLayout(tools)
        top.setContentsMargins(12, 0, 0, 2)
        self.filter_label = QLabel()
        top.addWidget(self.filter_label)
        self.filter = ChoiceBox(FILTERS)
        self.filter.currentIndexChanged.connect(self.refresh)
        self.filter_label.setBuddy(self.filter)
        top.addWidget(self.filter)
        self.policy_button = QPushButton()
        self.policy_button.clicked.connect(self.show_policy)
        top.addWidget(self.policy_button)
        self.tabs.setCornerWidget(tools, Qt.Corner.TopRightCorner)
        layout.addWidget(self.tabs, 1)
        self.detail: LoanDetail | None = None
        self._build_register()
        self.tabs.currentChanged.connect(self._tab_changed)
        self.calculator = CalculatorPanel(ctx)
        self.tabs.addTab(self.calculator, "")
        self.portfolio = PortfolioPanel(ctx)
        self.tabs.addTab(self.portfolio, "")
        self.retranslate()

    def _build_register(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(6, 6, 6, 6)
        # The register and the selected loan's schedule side by side, so a 1366×768 laptop
        # shows eleven loans and eight installments at once; the register keeps four
        # columns, the rest of a loan is in its detail ("About the loan").
        splitter = ShareSplitter(0.37)  # 410 of the 1,100 pixels a laptop leaves
        self.loans_model = RowTableModel([
            Column(N_("Loan"), lambda r: r.number, right=True),
            Column(N_("Member"), lambda r: r.member_name, tip=True),
            Column(N_("Status"), lambda r: r.status_name, tip=True),
            Column(N_("Still owed"), lambda r: self.ctx.money(r.principal_outstanding), right=True,
                   tip=True),
        ], self)
        self.register = TableView(self.loans_model)
        self.register.horizontalHeader().setMinimumSectionSize(48)
        self.register.stretch_column(1, 2)  # the name and the status give way first
        self.register.selectionModel().selectionChanged.connect(self._selected)
        splitter.addWidget(self.register)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(6, 0, 0, 0)
        detail_layout.setSpacing(4)
        self.summary = mark_data(QLabel())
        self.summary.setWordWrap(True)
        detail_layout.addWidget(self.summary)
        self.schedule_model = RowTableModel([
            Column(N_("No."), lambda i: i.n, right=True),
            Column(N_("Due date"), lambda i: date_text(i.due_date)),
            Column(N_("Principal"), lambda i: self.ctx.money(i.principal), right=True),
            Column(N_("Interest"), lambda i: self.ctx.money(i.interest), right=True),
            Column(FEE, lambda i: self.ctx.money(i.fee) if i.fee else "", right=True),
            Column(PENALTY, lambda i: self.ctx.money(i.penalty) if i.penalty else "",
                   right=True),
            Column(N_("Paid"), lambda i: self.ctx.money(i.paid), right=True),
            Column(N_("Status"), lambda i: _(INSTALLMENT_STATUS_NAMES[i.status]),
                   tip=True),
        ], self)
        self.repayments_model = RowTableModel([
            Column(N_("Paid on"), lambda r: date_text(r.paid_on)),
            Column(N_("Amount"), lambda r: self.ctx.money(r.amount), right=True),
            Column(PENALTY, lambda r: self.ctx.money(r.penalty), right=True),
            Column(FEE, lambda r: self.ctx.money(r.fee), right=True),
            Column(N_("Interest"), lambda r: self.ctx.money(r.interest), right=True),
            Column(N_("Principal"), lambda r: self.ctx.money(r.principal), right=True),
            Column(N_("Status"), lambda r: _("Reversed") if r.status == "reversed" else "",
                   tip=True),
        ], self)
        self.events_model = RowTableModel([
            Column(N_("Date"), lambda e: date_text(e.on)),
            Column(N_("What"), lambda e: e.name),
            Column(N_("Amount"), lambda e: self.ctx.money(e.amount) if e.amount else "",
                   right=True),
            Column(N_("By"), lambda e: e.user),
            Column(N_("Note"), lambda e: reason_text(e.note), tip=True),
        ], self)
        self.detail_tabs = QTabWidget()
        self.schedule_view = TableView(self.schedule_model)
        self.repayments_view = TableView(self.repayments_model)
        self.repayments_view.selectionModel().selectionChanged.connect(self.update_buttons)
        # Money columns keep their figures; the status gives way (elided, whole in its tip)
        # before the half-screen table needs a sideways scroll bar.
        for view, status in ((self.schedule_view, 7), (self.repayments_view, 6)):
            view.horizontalHeader().setMinimumSectionSize(44)
            view.stretch_column(status)
        self.about = LoanFacts()
        for page in (self.schedule_view, self.repayments_view, TableView(self.events_model),
                     self.about):
            self.detail_tabs.addTab(page, "")
        detail_layout.addWidget(self.detail_tabs, 1)
        splitter.addWidget(detail)
        layout.addWidget(splitter, 1)
        self.buttons = {}
        # The loan's way to the money, then what happens while it is repaid; the buttons
        # wrap onto a second line, so each keeps its whole (Lao) text on a laptop screen.
        buttons = FlowLayout()
        for key, handler in (("apply", self.apply), ("approve", self.approve),
                             ("refuse", self.refuse), ("pay_out", self.pay_out),
                             ("print", self.print_schedule),
                             ("repay", self.repay), ("pay_off", self.pay_off),
                             ("reverse", self.reverse), ("receipt", self.print_receipt),
                             ("reschedule", self.reschedule),
                             ("write_off", self.write_off), ("decide", self.decide)):
            button = QPushButton()
            button.clicked.connect(handler)
            self.buttons[key] = button
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.buttons["apply"].setObjectName("primaryButton")
        self.register_tab = tab
        self.tabs.addTab(tab, "")

    def _tab_changed(self, index: int) -> None:
        on_register = self.tabs.widget(index) is self.register_tab
        for widget in (self.filter_label, self.filter):
            widget.setVisible(on_register)

    def show_policy(self) -> None:
        from desktop.screens.loan_policy_dialog import LoanPolicyDialog

        if self.ctx.group_id is not None:
            LoanPolicyDialog.ask(self, self.ctx)

    # -- text -------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Loans"))
        self.policy_button.setText(_("Loan rules…"))
        self.filter_label.setText(_("Show:"))
        for index, text in enumerate((N_("Loans"), N_("Calculator"), N_("Portfolio"))):
            self.tabs.setTabText(index, _(text))
        for index, text in enumerate((N_("Schedule"), N_("Repayments"), N_("History"),
                                      N_("About the loan"))):
            self.detail_tabs.setTabText(index, _(text))
        self.filter.retranslate()
        for key, text in (("apply", N_("New application…")), ("approve", N_("Approve")),
                          ("refuse", N_("Refuse…")), ("pay_out", N_("Pay out…")),
                          ("repay", N_("Record a repayment…")), ("pay_off", N_("Pay off…")),
                          ("reverse", N_("Reverse the repayment…")),
                          ("receipt", N_("Print a receipt…")),
                          ("reschedule", N_("Ask to reschedule…")),
                          ("write_off", N_("Ask to write off…")),
                          ("decide", N_("Decide the request…")),
                          ("print", N_("Print the schedule…"))):
            self.buttons[key].setText(_(text))
        for model in (self.loans_model, self.schedule_model, self.repayments_model,
                      self.events_model):
            model.retranslate()
        self.calculator.retranslate()
        self.portfolio.retranslate()
        self.about.retranslate()
        self._show_detail()

    # -- reading ----------------------------------------------------------------------
    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.loans_model.set_rows([])
            self.detail = None
            self._show_detail()
            return
        status = self.filter.currentData() or None
        selected = self.selected_loan()
        rows = run_query(self.ctx, self, lambda s, a: list_loans(
            s, a, gid, statuses=(status,) if status else None), [])
        self.loans_model.set_rows(rows)
        ids = [r.id for r in rows]
        if selected is not None and selected.id in ids:
            self.register.selectRow(ids.index(selected.id))
        else:
            self.register.select_first()
        self._selected()
        self.portfolio.refresh()
        self.calculator.update_schedule()

    def selected_loan(self) -> LoanRow | None:
        return self.register.selected_row()

    def _selected(self, *_args) -> None:  # noqa: ANN002
        loan = self.selected_loan()
        self.detail = None if loan is None else run_query(
            self.ctx, self, lambda s, a: loan_detail(s, a, loan.id), None)
        self._show_detail()

    def _show_detail(self) -> None:
        d = self.detail
        if d is None:
            self.summary.setText("")
            for model in (self.schedule_model, self.repayments_model, self.events_model):
                model.set_rows([])
        else:
            loan = d.loan
            # Its status is on its row of the register; the rest under "About the loan".
            lines = [" · ".join((
                _("Loan {number}, {member}").format(number=loan.number,
                                                    member=loan.member_name),
                _("{amount} at {rate} % a year in {count} installments").format(
                    amount=self.ctx.money(loan.amount), rate=loan.annual_rate,
                    count=loan.installments)))]
            if d.payoff is not None and loan.status == ACTIVE:
                due = _("Due now: {due} · clears the loan today: {payoff}").format(
                    due=self.ctx.money(d.due_now), payoff=self.ctx.money(d.payoff.total))
                if d.days_overdue:
                    due += " · " + _("{days} days overdue").format(days=d.days_overdue)
                lines.append(due)
            self.summary.setText("\n".join(lines))
            self.schedule_model.set_rows(d.installments)
            self.repayments_model.set_rows(d.repayments)
            self.events_model.set_rows(d.events)
        self.about.show_loan(d, self.ctx.money, self.ctx.currency())
        # Fee and penalty columns only for a loan whose installments or repayments have any.
        for view, rows in ((self.schedule_view, d.installments if d else ()),
                           (self.repayments_view, d.repayments if d else ())):
            model = view.table_model()
            view.setColumnHidden(model.column_of(FEE), not any(r.fee for r in rows))
            view.setColumnHidden(model.column_of(PENALTY), not any(r.penalty for r in rows))
        self.update_buttons()

    def update_buttons(self, *_args) -> None:  # noqa: ANN002
        d = self.detail
        may = {p for p in (Permission.RECORD, Permission.APPROVE, Permission.REVERSE)
               if self.ctx.group_id is not None and self.ctx.can(p)}
        status = d.loan.status if d else None
        pending = [r for r in d.requests if r.status == PENDING] if d else []
        needs = {  # each button: the permission it needs and what else must hold
            "apply": (Permission.RECORD, True),
            "approve": (Permission.APPROVE, status == APPLIED),
            "refuse": (Permission.APPROVE, status in (APPLIED, APPROVED)),
            "pay_out": (Permission.RECORD, status == APPROVED),
            "repay": (Permission.RECORD, status == ACTIVE),
            "pay_off": (Permission.RECORD, status == ACTIVE),
            "reverse": (Permission.REVERSE, self._selected_repayment() is not None),
            "reschedule": (Permission.RECORD, status == ACTIVE and not pending),
            "write_off": (Permission.RECORD, status == ACTIVE and not pending),
            "decide": (Permission.APPROVE, bool(pending)),
        }
        # She may approve, but not this one: the borrower, or who recorded the application.
        why_not = ""
        if Permission.APPROVE in may and status == APPLIED:
            loan_id = d.loan.id
            why_not = refusal(self.ctx, lambda s, actor: check_approver(
                s, actor, loan_id=loan_id))
        for key, (permission, also) in needs.items():
            allow(self.buttons[key], self.ctx, permission, may=permission in may,
                  also=bool(also) and not (key == "approve" and why_not),
                  why_not=why_not if key == "approve" else "")
        self.buttons["receipt"].setEnabled(self._selected_repayment() is not None)
        self.buttons["print"].setEnabled(bool(d and d.installments))

    def _selected_repayment(self) -> RepaymentRow | None:
        row = self.repayments_view.selected_row() if self.detail else None
        return row if row is not None and row.status == "posted" else None

    # -- actions ----------------------------------------------------------------------
    def apply(self) -> None:
        ApplicationDialog(self.ctx, parent=self).exec()

    def approve(self) -> None:
        loan = self.selected_loan()
        self.ctx.run(self, lambda s, actor: approve_loan(s, actor, loan_id=loan.id),
                     changed={"loans"},
                     message=_("Loan {number} was approved.").format(number=loan.number))

    def refuse(self) -> None:
        loan = self.selected_loan()
        ReasonDialog(self.ctx, _("Refuse loan {number}").format(number=loan.number),
                     _("Refuse"), lambda s, actor, reason: reject_loan(
                         s, actor, loan_id=loan.id, reason=reason), parent=self).exec()

    def pay_out(self) -> None:
        DisburseDialog(self.ctx, self.selected_loan(), parent=self).exec()

    def repay(self) -> None:
        RepaymentDialog(self.ctx, self.selected_loan(), parent=self).exec()

    def pay_off(self) -> None:
        loan = self.selected_loan()
        if self.detail is None or self.detail.payoff is None:
            return
        text = _("Loan {number} is cleared today with {amount}. Record this payment?").format(
            number=loan.number, amount=self.ctx.money(self.detail.payoff.total))
        if errors.confirm(self, text, confirm_text=_("Pay off")):
            self.ctx.run(self, lambda s, actor: pay_off_loan(s, actor, loan_id=loan.id),
                         changed={"loans", "journal"},
                         message=_("Loan {number} is repaid.").format(number=loan.number))

    def reverse(self) -> None:
        row = self._selected_repayment()
        if row is None:
            return
        ReasonDialog(self.ctx, _("Reverse the repayment of {date}").format(
            date=date_text(row.paid_on)), _("Reverse"),
            lambda s, actor, reason: reverse_repayment(
                s, actor, repayment_id=row.id, reason=reason), parent=self,
            done=_("The repayment was reversed; the later ones were allocated again.")).exec()

    def print_receipt(self):  # noqa: ANN201
        row = self._selected_repayment()
        return None if row is None else save_receipt(self, self.ctx, row.id)

    def reschedule(self) -> None:
        RescheduleDialog(self.ctx, self.selected_loan(), parent=self).exec()

    def write_off(self) -> None:
        loan = self.selected_loan()
        ReasonDialog(self.ctx, _("Write off loan {number}").format(number=loan.number),
                     _("Ask a leader"), lambda s, actor, reason: request_write_off(
                         s, actor, loan_id=loan.id, reason=reason), parent=self,
                     done=_("The write-off waits for a leader.")).exec()

    def decide(self) -> None:
        pending = [r for r in self.detail.requests if r.status == PENDING]
        if not pending:
            return
        request = pending[0]
        text = _("{kind} of loan {number} asked by {who}: {reason}. Approve it?").format(
            kind=_(REQUEST_NAMES[request.kind]), number=request.loan_number,
            who=request.requested_by, reason=request.reason)
        if errors.confirm(self, text, confirm_text=_("Approve")):
            self.ctx.run(self, lambda s, actor: approve_request(
                s, actor, request_id=request.id), changed={"loans", "journal"},
                message=_("The request was approved."))
        else:
            ReasonDialog(self.ctx, _("Refuse the request"), _("Refuse"),
                         lambda s, actor, reason: reject_request(
                             s, actor, request_id=request.id, reason=reason),
                         parent=self).exec()

    def print_schedule(self):  # noqa: ANN201
        d = self.detail
        if d is None or not d.installments:
            return None
        loan = d.loan
        return save_schedule(self, self.ctx, lambda s, actor: loan_schedule_sheet(
            s, actor, loan_id=loan.id), f"loan-{loan.number}.pdf")


SECTION = Section("loans", title=N_("Loans"), order=40, factory=LoansScreen,
                  permission=Permission.READ)
