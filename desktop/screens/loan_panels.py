"""The loans screen's other tabs: the calculator (a schedule a leader can show a member and
print) and the portfolio (arrears per loan, aging, portfolio at risk, late penalties, who
is due at the next meeting); and the register's parts: the selected loan's facts ("About
the loan") and the tabs that share their line with the title and the filter."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.permission_tips import allow
from desktop.screens.loan_dialogs import fee_text, parse_rate, save_schedule
from desktop.widgets.fields import ChoiceBox, DateField
from desktop.widgets.labels import date_text, mark_data
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock
from models.core.errors import UserError
from models.core.groups import FREQUENCY_NAMES
from models.core.i18n import N_, _
from models.core.money import parse_money
from models.core.permissions import Permission
from models.loans import arrears, penalties
from models.loans import policy as loan_policy
from models.loans.rows import LoanDetail
from models.loans.schedule import FREQUENCIES
from models.loans.schedule_sheet import preview_sheet

FEE = N_("Fee")  # the fee column, hidden when the loan has no fee


class CalculatorPanel(QWidget):
    """Type an amount, a rate and a term: the schedule under the group's rules appears."""

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.rows = []
        # The terms on the left, the schedule beside them with the whole height of the
        # screen, so a laptop shows most of a loan's installments at once.
        layout = QHBoxLayout(self)
        terms = QVBoxLayout()
        form = QFormLayout()
        self.amount = mark_data(QLineEdit())
        self.rate = mark_data(QLineEdit("24"))
        self.installments = QSpinBox()
        self.installments.setRange(1, 120)
        self.installments.setValue(6)
        self.method = ChoiceBox(loan_policy.LOAN_METHOD_NAMES, loan_policy.LOAN_METHODS)
        self.frequency = ChoiceBox(FREQUENCY_NAMES, FREQUENCIES)
        self.start = DateField(clock.today())
        self.labels = []
        for title, field in ((N_("Amount"), self.amount),
                             (N_("Interest rate, % a year"), self.rate),
                             (N_("Installments"), self.installments),
                             (N_("Way of charging interest"), self.method),
                             (N_("Repayments"), self.frequency),
                             (N_("Paid out on"), self.start)):
            label = QLabel()
            self.labels.append((label, title))
            form.addRow(label, field)
        terms.addLayout(form)
        self.message = mark_data(QLabel())
        self.message.setWordWrap(True)
        terms.addWidget(self.message)
        terms.addStretch(1)
        # The terms in a narrow column (a long choice shows whole in its list); the width
        # goes to the schedule, so every column of it shows without a sideways scroll bar.
        for combo in (self.method, self.frequency):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        terms_box = QWidget()
        terms_box.setLayout(terms)
        terms.setContentsMargins(0, 0, 0, 0)
        terms_box.setMaximumWidth(470)
        layout.addWidget(terms_box, 0)
        right = QVBoxLayout()
        self.model = RowTableModel([
            Column(N_("No."), lambda i: i.n, right=True),
            Column(N_("Due date"), lambda i: date_text(i.due_date)),
            Column(N_("Principal"), lambda i: self.ctx.money(i.principal), right=True),
            Column(N_("Interest"), lambda i: self.ctx.money(i.interest), right=True),
            Column(FEE, lambda i: self.ctx.money(i.fee), right=True),
            Column(N_("To pay"), lambda i: self.ctx.money(i.total), right=True),
            Column(N_("Left to repay"), lambda i: self.ctx.money(i.balance), right=True),
        ], self)
        self.sheet = None
        self.schedule = TableView(self.model)
        self.schedule.stretch_column()  # money columns sized to their numbers, side by side
        self.schedule.horizontalHeader().setMinimumSectionSize(44)
        right.addWidget(self.schedule, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_schedule)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        layout.addLayout(right, 1)
        for field in (self.amount, self.rate, self.start):
            field.textChanged.connect(self.update_schedule)
        for combo in (self.method, self.frequency):
            combo.currentIndexChanged.connect(self.update_schedule)
        self.installments.valueChanged.connect(self.update_schedule)
        self.retranslate()


    def retranslate(self) -> None:
        for label, title in self.labels:
            label.setText(_(title))
        self.method.retranslate()
        self.frequency.retranslate()
        self.print_button.setText(_("Print the schedule…"))
        self.model.retranslate()
        self.update_schedule()

    def _inputs(self) -> dict:
        start = self.start.date()
        if start is None:
            raise UserError(N_("Enter the date as dd/mm/yyyy."))
        return dict(amount=parse_money(self.amount.text(), self.ctx.currency()),
                    annual_rate=parse_rate(self.rate.text()),
                    installments=self.installments.value(), method=self.method.currentData(),
                    frequency=self.frequency.currentData(), disbursed=start)

    def update_schedule(self) -> None:
        self.rows, self.sheet = [], None
        if self.ctx.group_id is None or not self.amount.text().strip():
            self.message.setText(_("Type an amount to see the schedule."))
        else:
            try:
                inputs = self._inputs()
                gid = self.ctx.group_id
                self.sheet = self.ctx.read(lambda s, a: preview_sheet(s, a, group_id=gid,
                                                                      **inputs))
            except UserError as error:
                self.message.setText(str(error))
            else:
                sheet = self.sheet
                self.rows = list(sheet.lines)
                text = _("Interest in all: {interest} · to repay in all: {total}").format(
                    interest=self.ctx.money(sheet.total_interest),
                    total=self.ctx.money(sheet.total_to_repay))
                if sheet.fee:
                    text += "\n" + fee_text(sheet.fee, sheet.fee_timing, sheet.amount,
                                            self.ctx.currency())
                self.message.setText(text)
        self.model.set_rows(self.rows)
        self.schedule.setColumnHidden(self.model.column_of(FEE), not any(r.fee for r in self.rows))
        self.print_button.setEnabled(bool(self.rows))

    def print_schedule(self):  # noqa: ANN201
        """Print what the calculator shows: the same query, read again."""
        if not self.rows:
            return None
        inputs, gid = self._inputs(), self.ctx.group_id
        return save_schedule(self, self.ctx, lambda s, actor: preview_sheet(
            s, actor, group_id=gid, **inputs), "loan-calculation.pdf")


class PortfolioPanel(QWidget):
    """Portfolio at risk, aging, each loan's arrears, who is due at the next meeting."""

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.summary = mark_data(QLabel())
        self.summary.setWordWrap(True)
        self.summary.setObjectName("subheading")
        layout.addWidget(self.summary)
        self.aging_model = RowTableModel([
            Column(N_("Overdue"), lambda b: _(b.label)),
            Column(N_("Loans"), lambda b: b.loans, right=True),
            Column(N_("Principal still owed"), lambda b: self.ctx.money(b.outstanding),
                   right=True),
        ], self)
        aging = TableView(self.aging_model)
        aging.stretch_column(0)
        # The four age buckets beside the loans in arrears, as tall as the buckets: the
        # height goes to who is due at the meeting.
        top = QHBoxLayout()
        top.addWidget(aging, 2)
        self.arrears_model = RowTableModel([
            Column(N_("Loan"), lambda r: r.number, right=True),
            Column(N_("Member"), lambda r: r.member_name),
            Column(N_("Principal still owed"), lambda r: self.ctx.money(r.outstanding),
                   right=True),
            Column(N_("Overdue"), lambda r: self.ctx.money(r.overdue), right=True),
            Column(N_("Days overdue"), lambda r: r.days_overdue or "", right=True),
        ], self)
        arrears_view = TableView(self.arrears_model)
        arrears_view.stretch_column(1)  # the member's name takes the spare width
        top.addWidget(arrears_view, 3)
        buckets = 4
        for view in (aging, arrears_view):
            view.setFixedHeight(view.horizontalHeader().sizeHint().height()
                                + buckets * view.verticalHeader().defaultSectionSize()
                                + 2 * view.frameWidth() + 2)
        layout.addLayout(top)
        due_row = QHBoxLayout()
        self.due_label = QLabel()
        self.meeting_day = DateField(clock.today())
        self.meeting_day.textChanged.connect(self.refresh)
        due_row.addWidget(self.due_label)
        due_row.addWidget(self.meeting_day)
        due_row.addStretch(1)
        self.penalty_button = QPushButton()
        self.penalty_button.clicked.connect(self.charge_penalties)
        due_row.addWidget(self.penalty_button)
        layout.addLayout(due_row)
        self.due_model = RowTableModel([
            Column(N_("Member"), lambda r: f"{r.member_number} · {r.member_name}"),
            Column(N_("Loan"), lambda r: r.number, right=True),
            Column(N_("Due"), lambda r: self.ctx.money(r.due), right=True),
            Column(N_("Of which late"), lambda r: self.ctx.money(r.overdue) if r.overdue else "",
                   right=True),
            Column(N_("Days overdue"), lambda r: r.days_overdue or "", right=True),
            Column(N_("Clears the loan"), lambda r: self.ctx.money(r.payoff), right=True),
        ], self)
        due_view = TableView(self.due_model)
        due_view.stretch_column(0)
        layout.addWidget(due_view, 1)
        self.retranslate()


    def retranslate(self) -> None:
        self.due_label.setText(_("Due or late at the meeting of"))
        self.penalty_button.setText(_("Charge late penalties"))
        for model in (self.aging_model, self.arrears_model, self.due_model):
            model.retranslate()
        self.refresh()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            return
        day = self.meeting_day.date() or clock.today()

        def query(s, actor):  # noqa: ANN001, ANN202
            rows = arrears.loan_arrears(s, actor, group_id=gid)
            return rows, arrears.due_list(s, actor, group_id=gid, on=day)

        rows, due = run_query(self.ctx, self, query, ([], []))
        risk = arrears.portfolio_at_risk(rows, clock.today())
        self.summary.setText(_("{loans} loans out, {outstanding} principal still owed · "
                               "PAR 30: {par30} % · PAR 60: {par60} % · PAR 90: {par90} %")
                             .format(loans=risk.loans, outstanding=self.ctx.money(risk.outstanding),
                                     par30=risk.ratio(30), par60=risk.ratio(60),
                                     par90=risk.ratio(90)))
        self.aging_model.set_rows(arrears.aging(rows))
        self.arrears_model.set_rows(sorted(rows, key=lambda r: -r.days_overdue))
        self.due_model.set_rows(due)
        allow(self.penalty_button, self.ctx, Permission.RECORD)

    def charge_penalties(self) -> None:
        gid = self.ctx.group_id
        self.ctx.run(self, lambda s, actor: penalties.post_due_penalties(s, actor, group_id=gid),
                     changed={"loans", "journal"},
                     message=lambda rows: _("{count} late penalties were charged.").format(
                         count=len(rows)))


class ShareSplitter(QSplitter):
    """Side-by-side panes that keep their shares of the width as the window grows or
    shrinks (the register a share, the schedule the rest), until the user drags the
    handle: from then on, her sizes."""

    def __init__(self, first_share: float, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.first_share = first_share
        self.moved_by_hand = False
        self.splitterMoved.connect(self._moved)
        self.setChildrenCollapsible(False)

    def _moved(self, *_args) -> None:  # noqa: ANN002
        self.moved_by_hand = True

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        if not self.moved_by_hand and self.count() == 2:
            room = self.width() - self.handleWidth()
            first = round(room * self.first_share)
            self.blockSignals(True)
            self.setSizes([first, room - first])
            self.blockSignals(False)


class CornerTabs(QTabWidget):
    """Tabs whose bar is as tall as the widgets in its corners (the title, the filter), so
    those share the tabs' line whole instead of taking a line of their own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabBar(_CornerTabBar(self))


class _CornerTabBar(QTabBar):
    def tabSizeHint(self, index: int) -> QSize:  # noqa: N802
        size = super().tabSizeHint(index)
        tabs = self.parentWidget()
        corners = [tabs.cornerWidget(corner) for corner in
                   (Qt.Corner.TopLeftCorner, Qt.Corner.TopRightCorner)] if tabs else []
        tallest = max((c.sizeHint().height() for c in corners if c is not None), default=0)
        return QSize(size.width(), max(size.height(), tallest))


class LoanFacts(QScrollArea):
    """Everything about the selected loan the register has no column for: what it is for,
    its terms, its guarantors and fee, its dates and the last decision on it."""

    FACTS = (N_("Member"), N_("Status"), N_("Amount"), N_("Interest rate"), N_("Installments"),
             N_("Method"), N_("Purpose"), N_("Guarantors"), N_("Fee"), N_("Applied on"),
             N_("Paid out on"), N_("Closed on"), N_("Note"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.names: list[QLabel] = []
        self.values: list[QLabel] = []
        for _text in self.FACTS:
            name, value = QLabel(), mark_data(QLabel())
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(name, value)
            self.names.append(name)
            self.values.append(value)
        self.setWidget(body)
        self.retranslate()

    def retranslate(self) -> None:
        for label, text in zip(self.names, self.FACTS, strict=True):
            label.setText(_(text))

    def facts(self) -> dict[str, str]:
        """What the tab shows, by the (translated) name of each fact shown."""
        return {name.text(): value.text() for row, (name, value) in
                enumerate(zip(self.names, self.values, strict=True))
                if self.form.isRowVisible(row)}

    def show_loan(self, d: LoanDetail | None, money, currency) -> None:  # noqa: ANN001
        if d is None:
            texts = [""] * len(self.FACTS)
        else:
            loan = d.loan
            texts = [loan.member_name, loan.status_name, money(loan.amount),
                     f"{loan.annual_rate} %",
                     str(loan.installments), _(loan_policy.LOAN_METHOD_NAMES[loan.method]),
                     loan.purpose,
                     ", ".join(loan.guarantor_names),
                     fee_text(loan.fee, loan.fee_timing, loan.amount, currency)
                     if loan.fee else "",
                     date_text(loan.applied_on), date_text(loan.disbursed_on),
                     date_text(loan.closed_on), loan.decision_note or ""]
        for row, (value, text) in enumerate(zip(self.values, texts, strict=True)):
            value.setText(text)
            self.form.setRowVisible(row, bool(text) or d is None)
