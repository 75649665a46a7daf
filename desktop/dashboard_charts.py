"""The overview's pictures (QtCharts): fund balances, loans outstanding with PAR30, who came
to each meeting, and what the next meeting should bring. Each ``*_chart`` builds a fresh
QChart from the read-model's frozen rows (``models.statements.dashboard``), with interface
texts in the current language and the app's font (Noto Sans + Noto Sans Lao) on every label."""
from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QVBoxLayout, QWidget

from models.core.i18n import _
from models.core.ledger import fmt_date
from models.core.money import Currency, format_money, to_major
from models.statements.dashboard import AttendancePoint, FundPoint, LoanPoint, NextMeeting

COLOURS = {"loan": "#1f6f6b", "welfare": "#c2781c", "nssf": "#6a4c93", "bars": "#8fb8b4",
           "risk": "#b3261e", "came": "#2e7d32", "absent": "#c9c3b4"}


def _font(scale: float = 0.8, bold: bool = False, smallest: float = 8.0) -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(max(smallest, QApplication.font().pointSizeF() * scale))
    font.setBold(bold)
    return font


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(_font(0.85, bold=True))
    chart.legend().setFont(_font(0.75))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(6)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _axis_font(axis) -> None:  # noqa: ANN001
    axis.setLabelsFont(_font(0.6))
    axis.setTitleFont(_font(0.6))


def _months(days) -> list[str]:  # noqa: ANN001
    return [f"{d.month}/{d.year % 100:02d}" for d in days]


def money_scale(cur: Currency, largest: int) -> tuple[Decimal, str]:
    """Divide amounts for an axis (thousands when they run into the hundred thousands) and
    the axis title that says so."""
    if to_major(largest, cur) >= 100_000:
        return Decimal(1000), _("thousand {currency}").format(currency=cur.symbol)
    return Decimal(1), cur.symbol


def _money_axis(cur: Currency, largest: int) -> tuple[QValueAxis, Decimal]:
    scale, title = money_scale(cur, largest)
    axis = QValueAxis()
    axis.setLabelFormat("%.0f")
    axis.setTitleText(title)
    top = float(to_major(max(largest, 1), cur) / scale)
    axis.setRange(0, top * 1.1)
    axis.applyNiceNumbers()
    axis.setTickCount(3)  # a small chart: more labels would collide and be cut to "…"
    _axis_font(axis)
    return axis, scale


def _category_axis(labels: list[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(labels)
    _axis_font(axis)
    axis.setLabelsFont(_font(0.55, smallest=7.0))  # twelve months side by side
    return axis


def funds_chart(points: tuple[FundPoint, ...], cur: Currency) -> QChart:
    """A line per fund at each month's end (NSSF only once a pot holds money)."""
    chart = _chart(_("Fund balances at each month's end"))
    funds = [("loan", _("Loan fund"), lambda p: p.loan_fund),
             ("welfare", _("Welfare fund"), lambda p: p.welfare_fund)]
    if any(p.nssf for p in points):
        funds.append(("nssf", _("NSSF pots"), lambda p: p.nssf))
    largest = max((value(p) for p in points for _k, _t, value in funds), default=0)
    y, scale = _money_axis(cur, largest)
    x = _category_axis(_months(p.on for p in points))
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for key, title, value in funds:
        series = QLineSeries()
        series.setName(title)
        series.setPen(QPen(QColor(COLOURS[key]), 2.5))
        series.setPointsVisible(True)
        for index, point in enumerate(points):
            series.append(index, float(to_major(value(point), cur) / scale))
        chart.addSeries(series)
        series.attachAxis(x)
        series.attachAxis(y)
    return chart


def loans_chart(points: tuple[LoanPoint, ...], cur: Currency) -> QChart:
    """Loans outstanding as bars, PAR30 (percent, right axis) as a red line."""
    chart = _chart(_("Loans outstanding and PAR30"))
    bars = QBarSet(_("Loans outstanding"))
    bars.setColor(QColor(COLOURS["bars"]))
    y, scale = _money_axis(cur, max((p.outstanding for p in points), default=0))
    for point in points:
        bars.append(float(to_major(point.outstanding, cur) / scale))
    series = QBarSeries()
    series.append(bars)
    x = _category_axis(_months(p.on for p in points))
    chart.addSeries(series)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    risk = QLineSeries()
    risk.setName(_("PAR30 (%)"))
    risk.setPen(QPen(QColor(COLOURS["risk"]), 2.5))
    risk.setPointsVisible(True)
    for index, point in enumerate(points):
        risk.append(index, float(point.par30))
    percent = QValueAxis()
    percent.setLabelFormat("%.0f%%")
    percent.setRange(0, max(10.0, float(max((p.par30 for p in points), default=0)) * 1.2))
    percent.applyNiceNumbers()
    percent.setTickCount(3)
    _axis_font(percent)
    chart.addSeries(risk)
    chart.addAxis(percent, Qt.AlignmentFlag.AlignRight)
    risk.attachAxis(x)
    risk.attachAxis(percent)
    return chart


def attendance_chart(points: tuple[AttendancePoint, ...]) -> QChart:
    """Who came and who did not, one stacked bar per meeting."""
    chart = _chart(_("Who came to each meeting"))
    came, absent = QBarSet(_("Came")), QBarSet(_("Absent"))
    came.setColor(QColor(COLOURS["came"]))
    absent.setColor(QColor(COLOURS["absent"]))
    for point in points:
        came.append(point.came)
        absent.append(point.members - point.came)
    series = QStackedBarSeries()
    series.append(came)
    series.append(absent)
    x = _category_axis([p.meeting_date.strftime("%d/%m") for p in points])
    y = QValueAxis()
    y.setLabelFormat("%d")
    y.setRange(0, max((p.members for p in points), default=1))
    y.setTitleText(_("members"))
    y.applyNiceNumbers()
    y.setTickCount(3)
    _axis_font(y)
    chart.addSeries(series)
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x)
    series.attachAxis(y)
    return chart


class ChartView(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(200)

    def show_chart(self, chart: QChart) -> None:
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()


class NextMeetingPanel(QFrame):
    """What the next meeting should bring, column by column of the meeting grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        self.title.setFont(_font(0.85, bold=True))
        layout.addWidget(self.title)
        self.table = QLabel()
        self.table.setTextFormat(Qt.TextFormat.RichText)
        # Rich text (the markup is not words to translate); its words are the meeting
        # columns' translated names.
        self.table.setProperty("data", True)
        layout.addWidget(self.table)
        layout.addStretch(1)

    def show_meeting(self, meeting: NextMeeting, cur: Currency) -> None:
        self.title.setText(_("Next meeting {date} · {members} members").format(
            date=fmt_date(meeting.on), members=meeting.members))
        rows = [(escape(_(line.label)), escape(format_money(line.amount, cur)),
                 escape(_("{count} to pay").format(count=line.members)))
                for line in meeting.expected]
        cells = "".join(
            f"<tr><td>{what}</td><td align='right' style='padding-left:18px'>{amount}</td>"
            f"<td style='padding-left:14px; color:#555'>{who}</td></tr>"
            for what, amount, who in rows)
        cells += (f"<tr><td style='padding-top:6px'><b>{escape(_('Expected in all'))}</b></td>"
                  f"<td align='right' style='padding-top:6px'><b>"
                  f"{escape(format_money(meeting.total, cur))}</b></td><td></td></tr>")
        self.table.setText(f"<table cellspacing='0' cellpadding='2'>{cells}</table>")
