"""Overview: what the group has, fund by fund, the ledger seal; the dashboard (funds, loans
and PAR30 over time, attendance, the next meeting), the trial balance, and for a user of
every group one line per group. With no group yet, it offers to create the first one."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.actions import run_query
from desktop.dashboard_charts import (
    ChartView,
    NextMeetingPanel,
    attendance_chart,
    funds_chart,
    loans_chart,
)
from desktop.nssf_warnings import GraceWarning
from desktop.screens import Section
from desktop.widgets.labels import date_text, heading, mark_data
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import chart
from models.core.i18n import N_, _
from models.core.money import format_money
from models.core.permissions import Permission
from models.statements import dashboard
from models.statements.dashboard import GroupDashboard, GroupSummaryRow
from models.statements.overview import GroupOverview, group_overview

CARDS = (
    ("loan_fund", N_("Loan fund")),
    ("welfare_fund", N_("Welfare fund")),
    ("nssf_pots", N_("NSSF pots")),
    ("cash", N_("Cash box")),
    ("bank", N_("Bank account")),
    ("active_members", N_("Members")),
)


def _money_of(row: GroupSummaryRow, amount: int) -> str:
    return format_money(amount, row.currency) if row.currency else "—"


def federation_columns() -> list[Column]:
    return [
        Column(N_("Group"), lambda r: r.name if r.group_id else _(r.name), tip=True),
        Column(N_("Members"), lambda r: r.members, right=True),
        Column(N_("Savings"), lambda r: _money_of(r, r.savings), right=True),
        Column(N_("Loan fund"), lambda r: _money_of(r, r.loan_fund), right=True),
        Column(N_("Welfare fund"), lambda r: _money_of(r, r.welfare_fund), right=True),
        Column(N_("Loans outstanding"), lambda r: _money_of(r, r.loans_outstanding),
               right=True),
        Column(N_("PAR30"), lambda r: "—" if r.from_village else f"{r.par30}%", right=True),
        Column(N_("Last meeting"), lambda r: date_text(r.last_meeting)),
        Column(N_("Came"), lambda r: f"{r.came}/{r.expected_members}" if r.last_meeting
               else "", right=True),
        Column(N_("Ledger seal"), lambda r: r.seal),
    ]


class OverviewScreen(Screen):
    topics = ("journal", "members", "groups", "meetings", "nssf")

    def __init__(self, ctx, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.empty = QWidget()
        empty = QVBoxLayout(self.empty)
        empty.addStretch(1)
        self.empty_title = heading()
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.create_button = QPushButton()
        self.create_button.setObjectName("primaryButton")
        self.create_button.clicked.connect(self.create_first_group)
        for widget in (self.empty_title, self.empty_text):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty.addWidget(widget)
        empty.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignCenter)
        empty.addStretch(2)
        self.stack.addWidget(self.empty)
        content = QWidget()
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(content)
        self.stack.addWidget(scroller)
        layout = QVBoxLayout(content)
        self.title = mark_data(heading())
        self.village = mark_data(QLabel())
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.village, 1, Qt.AlignmentFlag.AlignBottom)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.card_titles: dict[str, QLabel] = {}
        self.card_values: dict[str, QLabel] = {}
        for index, (key, _title) in enumerate(CARDS):
            card = QFrame()
            card.setObjectName("card")
            box = QVBoxLayout(card)
            box.setContentsMargins(10, 6, 10, 6)
            box.setSpacing(2)
            caption = QLabel()
            caption.setObjectName("cardTitle")
            value = mark_data(QLabel())
            value.setObjectName("cardValue")
            value.setStyleSheet("font-size: 14pt;")  # six in a row, charts below
            box.addWidget(caption)
            box.addWidget(value)
            self.card_titles[key], self.card_values[key] = caption, value
            grid.addWidget(card, 0, index)
        layout.addLayout(grid)
        self.nssf_warning = GraceWarning(ctx)
        layout.addWidget(self.nssf_warning)
        seal_row = top  # the seal sits on the title's line, to leave the height to charts
        self.seal_caption = QLabel()
        self.seal_value = mark_data(QLabel())
        self.seal_value.setObjectName("seal")
        self.entries_caption = QLabel()
        self.entries_value = mark_data(QLabel())
        for widget in (self.seal_caption, self.seal_value, self.entries_caption,
                       self.entries_value):
            seal_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignBottom)
        layout.insertLayout(0, top)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        board = QWidget()
        charts = QGridLayout(board)
        charts.setContentsMargins(0, 6, 0, 0)
        self.funds_view, self.loans_view, self.attendance_view = \
            ChartView(), ChartView(), ChartView()
        self.next_panel = NextMeetingPanel()
        charts.addWidget(self.funds_view, 0, 0)
        charts.addWidget(self.loans_view, 0, 1)
        charts.addWidget(self.attendance_view, 1, 0)
        charts.addWidget(self.next_panel, 1, 1)
        self.tabs.addTab(board, "")
        trial = QWidget()
        tb_layout = QVBoxLayout(trial)
        self.tb_title = QLabel()
        self.tb_title.setObjectName("subheading")
        tb_layout.addWidget(self.tb_title)
        self.model = RowTableModel([
            Column(N_("Code"), lambda r: r.code),
            Column(N_("Account"), lambda r: _(r.name)),
            Column(N_("Fund"), lambda r: _(chart.FUND_NAMES[r.fund]) if r.fund else ""),
            Column(N_("Debit"), lambda r: self.ctx.money(r.debit) if r.debit else "", right=True),
            Column(N_("Credit"), lambda r: self.ctx.money(r.credit) if r.credit else "",
                   right=True),
        ], self)
        self.table = TableView(self.model)
        self.table.stretch_column(1)  # the account's name takes the spare width
        tb_layout.addWidget(self.table, 1)
        totals = QHBoxLayout()
        totals.addStretch(1)
        self.total_caption = QLabel()
        self.total_value = mark_data(QLabel())
        totals.addWidget(self.total_caption)
        totals.addWidget(self.total_value)
        tb_layout.addLayout(totals)
        self.tabs.addTab(trial, "")
        self.federation_model = RowTableModel(federation_columns(), self)
        self.federation_table = TableView(self.federation_model)
        # Whole group names and seals; a narrow window scrolls sideways instead of cutting them.
        self.federation_table.stretch_column()
        self.tabs.addTab(self.federation_table, "")
        self.data: GroupOverview | None = None
        self.board: GroupDashboard | None = None
        self.retranslate()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.stack.setCurrentWidget(self.empty)
            self.create_button.setVisible(self.ctx.can(Permission.MANAGE_GROUPS, None))
            return
        self.stack.setCurrentIndex(1)
        self.data = run_query(self.ctx, self, lambda s, a: group_overview(s, a, gid), None)
        if self.data is None:
            return
        self.board = run_query(self.ctx, self,
                               lambda s, a: dashboard.group_dashboard(s, a, gid), None)
        every_group = self.ctx.can(Permission.READ, None)
        self.tabs.setTabVisible(2, every_group)
        if every_group:
            self.federation_model.set_rows(run_query(
                self.ctx, self, dashboard.federation_summary, []))
        self.show_board()
        self.nssf_warning.refresh()
        d = self.data
        self.title.setText(d.group_name)
        self.village.setText(d.village)
        for key, _title in CARDS:
            value = getattr(d, key)
            self.card_values[key].setText(str(value) if key == "active_members"
                                          else format_money(value, d.currency))
        self.seal_value.setText(d.seal or "—")
        self.entries_value.setText(str(d.entry_count))
        self.model.set_rows(d.trial_balance)
        self.total_value.setText(f"{format_money(d.total_debit, d.currency)}  /  "
                                 f"{format_money(d.total_credit, d.currency)}")

    def show_board(self) -> None:
        board = self.board
        if board is None:
            return
        self.funds_view.show_chart(funds_chart(board.funds, board.currency))
        self.loans_view.show_chart(loans_chart(board.loans, board.currency))
        self.attendance_view.show_chart(attendance_chart(board.attendance))
        self.next_panel.show_meeting(board.next_meeting, board.currency)

    def create_first_group(self) -> None:
        from desktop.screens.groups import GroupDialog

        if not self.ctx.can(Permission.MANAGE_GROUPS, None):
            return
        new_id = GroupDialog.ask(self, self.ctx)
        if new_id is not None:
            self.ctx.set_group(new_id)

    def retranslate(self) -> None:
        self.empty_title.setText(_("Welcome to Kongthun"))
        self.empty_text.setText(_("There is no group yet. Create the first group: then add "
                                  "its members, and its meetings, savings and loans show "
                                  "here."))
        self.create_button.setText(_("Create the first group…"))
        self.nssf_warning.retranslate()
        self.tabs.setTabText(0, _("Dashboard"))
        self.tabs.setTabText(1, _("Trial balance"))
        self.tabs.setTabText(2, _("All groups"))
        self.federation_model.retranslate()
        self.show_board()
        for key, title in CARDS:
            self.card_titles[key].setText(_(title))
        self.seal_caption.setText(_("Ledger seal:"))
        self.seal_caption.setToolTip(_("The fingerprint of the newest entry. If anything "
                                       "before it were changed, the seal would not match."))
        self.entries_caption.setText(_("Entries:"))
        self.tb_title.setText(_("Trial balance"))
        self.total_caption.setText(_("Total debits / credits:"))
        self.model.retranslate()


SECTION = Section("overview", title=N_("Overview"), order=10, factory=OverviewScreen,
                  permission=Permission.READ)
