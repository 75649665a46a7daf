"""The NSSF screen's coverage tab: who is covered through which month, in grace or lapsed,
beside a chart of the group's coverage month by month (QtCharts); and the planner: with
each pot and the deposits each member is expected to make (what she brought in the same
month a year before, so the seasons show), who stays covered over the next twelve months
and what the group would have to advance."""
from __future__ import annotations

from PySide6.QtCharts import QBarSet, QChart, QStackedBarSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.dashboard_charts import COLOURS, ChartView, _axis_font, _category_axis, _chart
from desktop.nssf_dialogs import month_text
from desktop.screens.nssf_members import status_text
from desktop.widgets import Column, RowTableModel, TableView, data_note
from models.core import clock
from models.core.clock import add_months
from models.core.i18n import N_, _
from models.nssf import coverage
from models.nssf.coverage import CoverageMonth, PlanRow
from models.nssf.scheme import month_start

CHART_MONTHS = 12
STATE_COLOURS = {"covered": COLOURS["came"], "grace": "#e0a526", "lapsed": COLOURS["risk"]}


def coverage_chart(points: list[CoverageMonth]) -> QChart:
    """One stacked bar a month: contracts covered, in grace and lapsed at its end."""
    chart = _chart(_("Members covered at each month's end"))
    sets = []
    for key, title, value in (("covered", _("Covered"), lambda p: p.covered),
                              ("grace", _("In grace"), lambda p: p.in_grace),
                              ("lapsed", _("Lapsed"), lambda p: p.lapsed)):
        bars = QBarSet(title)
        bars.setColor(QColor(STATE_COLOURS[key]))
        for point in points:
            bars.append(value(point))
        sets.append(bars)
    series = QStackedBarSeries()
    for bars in sets:
        series.append(bars)
    # Twelve bars in half the screen: the month's number under each, the years once.
    x = _category_axis([str(p.month.month) for p in points])
    if points:
        x.setTitleText(f"{points[0].month:%m/%Y} – {points[-1].month:%m/%Y}")
    y = QValueAxis()
    y.setLabelFormat("%d")
    most = max([p.enrolled for p in points] + [2])
    y.setRange(0, most + most % 2)  # three ticks on whole numbers: 0, half, top
    y.setTitleText(_("members"))
    y.setTickCount(3)
    _axis_font(y)
    chart.addSeries(series)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    return chart


def _plan_cell(row: PlanRow, index: int, money) -> str:  # noqa: ANN001
    month = row.months[index]
    if not month.due:
        return "–"
    if month.advance:
        return money(month.advance)
    return "✓"


class CoveragePanel(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        money = ctx.money
        self.money = money
        layout = QVBoxLayout(self)
        self.inner = QTabWidget()
        layout.addWidget(self.inner)
        now_tab = QWidget()
        now_layout = QVBoxLayout(now_tab)
        now_layout.setContentsMargins(0, 4, 0, 0)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        self.table = TableView.of([
            Column(N_("Number"), lambda r: r.enrolment.member_number, right=True),
            Column(N_("Name"), lambda r: r.enrolment.name, tip=True),
            Column(N_("Status"), lambda r: status_text(r.enrolment), tip=True),
            Column(N_("Covered through"), lambda r: month_text(r.enrolment.covered_through)),
            Column(N_("Months it pays"), lambda r: r.months_in_pot, right=True),
        ], self, stretch=(2,))  # whole names; the status gives way
        self.model = self.table.table_model()
        split.addWidget(self.table)
        self.chart = ChartView()
        self.chart.setMinimumWidth(420)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        now_layout.addWidget(split, 1)
        self.inner.addTab(now_tab, "")
        plan_tab = QWidget()
        plan_layout = QVBoxLayout(plan_tab)
        plan_layout.setContentsMargins(0, 4, 0, 0)
        self.plan_note = QLabel()
        self.plan_note.setWordWrap(True)
        plan_layout.addWidget(self.plan_note)
        self.start = month_start(clock.today())
        self.plan = RowTableModel(self._plan_columns(), self)
        self.plan_view = TableView(self.plan)
        self.plan_view.horizontalHeader().setMinimumSectionSize(40)
        self.plan_view.stretch_column(1)
        plan_layout.addWidget(self.plan_view, 1)
        self.plan_total = data_note()
        plan_layout.addWidget(self.plan_total)
        self.inner.addTab(plan_tab, "")
        self.points: list[CoverageMonth] = []
        self.plan_rows: list[PlanRow] = []

    def _plan_columns(self) -> list[Column]:
        columns = [Column(N_("Number"), lambda r: r.member_number, right=True),
                   Column(N_("Name"), lambda r: r.name, tip=True)]
        for index in range(12):
            month = add_months(self.start, index)
            # A month's name is data (mm/yy), not words to translate.
            columns.append(Column(f"{month.month}/{month.year % 100:02d}",
                                  lambda r, i=index: _plan_cell(r, i, self.money), right=True))
        columns.append(Column(N_("Group would advance"),
                              lambda r: self.money(r.advance) if r.advance else "", right=True))
        return columns

    def retranslate(self) -> None:
        self.inner.setTabText(0, _("Who is covered"))
        self.inner.setTabText(1, _("Next 12 months"))
        self.model.retranslate()
        self.plan.retranslate()
        self.plan_note.setText(_(
            "Each member's pot with what she brought in the same month last year (the "
            "seasons) pays her months: ✓ her pot pays; an amount: the group would have to "
            "advance it; – nothing due (paid ahead, or outside her contract)."))
        self._show_plan_total()
        if self.points:
            self.chart.show_chart(coverage_chart(self.points))

    def refresh(self) -> None:
        gid = self.ctx.group_id
        today = clock.today()
        end = month_start(today)
        found = run_query(self.ctx, self, lambda s, a: (
            coverage.coverage(s, a, gid),
            coverage.coverage_over_time(s, a, gid, start=add_months(end, -(CHART_MONTHS - 1)),
                                        end=end),
            coverage.plan_year(s, a, gid)), None)
        if found is None:
            return
        rows, self.points, self.plan_rows = found
        self.model.set_rows(rows)
        self.chart.show_chart(coverage_chart(self.points))
        self.plan.set_rows(self.plan_rows)
        self._show_plan_total()

    def _show_plan_total(self) -> None:
        rows = self.plan_rows
        short = [r for r in rows if r.advance]
        self.plan_total.setText(_(
            "Over the next 12 months: {stay} of {members} members stay covered from their "
            "own pots; for {short} the group would advance {total} in all.").format(
            stay=len(rows) - len(short), members=len(rows), short=len(short),
            total=self.money(sum(r.advance for r in rows))))
