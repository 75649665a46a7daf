"""The cash box's forms: counting the box note by note (a panel for the cash box screen and
a dialog after a meeting), moving money to or from the bank, and a group expense."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.permission_tips import allow
from desktop.widgets.fields import ChoiceBox, DateField, read_date, read_money
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import date_text, mark_data, problems_label
from desktop.widgets.layout import FittedDialog, ScrollBody
from models.core import clock
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, _
from models.core.money import format_money, parse_money
from models.core.permissions import Permission
from models.meetings import cashbox

CASH_TOPICS = {"cash", "journal"}
DIRECTION_NAMES = {cashbox.TO_BANK: N_("From the cash box to the bank"),
                   cashbox.FROM_BANK: N_("From the bank to the cash box")}
PAY_FROM_NAMES = {"cash": N_("The cash box"), "bank": N_("The bank account")}


def difference_text(difference: int, money) -> str:  # noqa: ANN001
    if difference > 0:
        return _("Over by {amount}").format(amount=money(difference))
    if difference < 0:
        return _("Short by {amount}").format(amount=money(-difference))
    return _("The count matches the records.")


class CashCountPanel(QWidget):
    """Count the box: how many of each note, coins and other money; the total, what the
    records say and the difference follow every key. ``counted`` is emitted after a count
    was recorded."""

    counted = Signal(object)  # CashCountRow

    def __init__(self, ctx: ScreenContext, *, meeting_id: int | None = None,
                 on: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.expected = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setObjectName("subheading")
        layout.addWidget(self.title)
        self.problems = problems_label()
        layout.addWidget(self.problems)
        # The count scrolls on a small screen; the title, the problems and the buttons stay.
        outer, self.scroll = layout, ScrollBody(least=QSize(16_000, 180))
        layout = QVBoxLayout(self.scroll.widget())
        layout.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll, 1)
        # Notes in two columns, largest first down the left, so the count fits beside
        # the box's statement: each note's value, then how many (the sum is the tooltip).
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        self.counts: dict[int, QSpinBox] = {}
        cur = ctx.currency()
        values = cashbox.denominations(cur.code)
        half = (len(values) + 1) // 2
        for position, value in enumerate(values):
            side, row = divmod(position, half)
            name = mark_data(QLabel(format_money(value, cur)))
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            spin = QSpinBox()
            spin.setRange(0, 99_999)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            spin.setMinimumWidth(110)
            name.setBuddy(spin)
            grid.addWidget(name, row, side * 3)
            grid.addWidget(spin, row, side * 3 + 1)
            self.counts[value] = spin
            spin.valueChanged.connect(self.update_totals)
        grid.setColumnMinimumWidth(2, 18)
        row = half
        self.other_label = QLabel()
        self.other = mark_data(QLineEdit())
        self.other.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.other_label.setBuddy(self.other)
        grid.addWidget(self.other_label, row, 0, 1, 3)
        grid.addWidget(self.other, row, 3, 1, 2)
        self.other.textChanged.connect(self.update_totals)
        layout.addLayout(grid)

        self.figures = QGridLayout()
        self.counted_label, self.counted_value = QLabel(), mark_data(QLabel())
        self.expected_label, self.expected_value = QLabel(), mark_data(QLabel())
        self.difference_value = mark_data(QLabel())
        self.counted_value.setObjectName("cardValue")
        bold = self.difference_value.font()
        bold.setBold(True)
        self.difference_value.setFont(bold)
        for r, (label, value) in enumerate(((self.counted_label, self.counted_value),
                                            (self.expected_label, self.expected_value))):
            self.figures.addWidget(label, r, 0)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.figures.addWidget(value, r, 1)
        self.figures.addWidget(self.difference_value, 2, 0, 1, 2)
        layout.addLayout(self.figures)

        form = QGridLayout()
        form.setColumnStretch(1, 1)
        self.date_label = QLabel()
        self.on = DateField(on or clock.today())
        self.why_label = QLabel()
        self.why = mark_data(QLineEdit())
        self.date_label.setBuddy(self.on)
        self.why_label.setBuddy(self.why)
        form.addWidget(self.date_label, 0, 0)
        form.addWidget(self.on, 0, 1)
        form.addWidget(self.why_label, 1, 0)
        form.addWidget(self.why, 1, 1)
        layout.addLayout(form)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.clear_button = QPushButton()
        self.record_button = QPushButton()
        self.record_button.setObjectName("primaryButton")
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.record_button)
        outer.addLayout(buttons)
        self.clear_button.clicked.connect(self.clear)
        self.record_button.clicked.connect(self.record)
        self.retranslate()
        self.load()

    # -- figures ------------------------------------------------------------------------

    def load(self) -> None:
        """Read what the records say the box holds."""
        gid = self.ctx.group_id
        if gid is None:
            return
        box = run_query(self.ctx, self, lambda s, a: cashbox.cash_box(s, a, gid), None)
        self.expected = box.expected if box is not None else 0
        allow(self.record_button, self.ctx, Permission.RECORD)
        self.update_totals()

    def notes(self) -> dict[int, int]:
        return {value: spin.value() for value, spin in self.counts.items() if spin.value()}

    def other_amount(self) -> int:
        text = self.other.text().strip()
        return parse_money(text, self.ctx.currency()) if text else 0

    def total(self) -> int | None:
        """What was counted, or ``None`` while "other money" is not an amount."""
        try:
            other = self.other_amount()
        except UserError:
            return None
        return sum(value * n for value, n in self.notes().items()) + other

    def update_totals(self, *_args: object) -> None:
        for value, spin in self.counts.items():
            spin.setToolTip(self.ctx.money(value * spin.value()))
        total = self.total()
        self.expected_value.setText(self.ctx.money(self.expected))
        if total is None:
            self.counted_value.setText("?")
            self.difference_value.setText(_("Coins and other money: write an amount."))
            return
        self.counted_value.setText(self.ctx.money(total))
        self.difference_value.setText(difference_text(total - self.expected, self.ctx.money))

    def set_counts(self, notes: dict[int, int], other: int = 0) -> None:
        for value, spin in self.counts.items():
            spin.setValue(notes.get(value, 0))
        self.other.setText(str(other) if other else "")

    def clear(self) -> None:
        self.set_counts({})
        self.why.clear()
        self.problems.setVisible(False)

    # -- recording ----------------------------------------------------------------------
    def show_problems(self, error: UserError) -> None:
        self.problems.setText(errors.error_text(error))
        self.problems.setVisible(True)

    def record(self) -> bool:
        self.problems.setVisible(False)
        problems = []
        try:
            other = self.other_amount()
        except UserError as error:
            problems.append(error)
            other = 0
        try:
            on = self.on.date()
        except UserError as error:
            problems.append(error)
            on = None
        if on is None and not problems:
            problems.append(UserError(N_("Enter the date.")))
        if problems:
            self.show_problems(ValidationError(problems))
            return False
        notes, note = self.notes(), self.why.text()
        total = sum(value * n for value, n in notes.items()) + other
        difference = total - self.expected
        if difference:
            text = _("{difference}: the counted {counted} differs from the {expected} the "
                     "records say. Record the difference as cash over or short?").format(
                difference=difference_text(difference, self.ctx.money),
                counted=self.ctx.money(total),
                expected=self.ctx.money(self.expected))
            if note.strip() and not errors.confirm(self, text, confirm_text=_("Record the count")):
                return False
        gid, meeting_id = self.ctx.group_id, self.meeting_id
        outcome = self.ctx.run(
            self, lambda s, actor: cashbox.count_cash(s, actor, group_id=gid, on=on, notes=notes,
                                                      other=other, meeting_id=meeting_id,
                                                      note=note),
            changed=CASH_TOPICS, on_user_error=self.show_problems,
            message=lambda row: _("The count of {date} is recorded: {counted}.").format(
                date=date_text(row.counted_on), counted=self.ctx.money(row.counted)))
        if outcome:
            self.clear()
            self.load()
            self.counted.emit(outcome.value)
        return bool(outcome)

    def retranslate(self) -> None:
        self.title.setText(_("Count the cash box: how many of each note"))
        self.other_label.setText(_("Coins and other money"))
        self.other.setPlaceholderText(_("for example 1,500"))
        self.counted_label.setText(_("Counted"))
        self.expected_label.setText(_("The records say"))
        self.date_label.setText(_("Counted on"))
        self.why_label.setText(_("Why they differ"))
        self.why.setPlaceholderText(_("Needed only when the count differs"))
        self.clear_button.setText(_("Start again"))
        self.record_button.setText(_("Record the count"))
        self.update_totals()


class CashCountDialog(FittedDialog):
    """The count panel on its own, after a meeting (the count is linked to it)."""

    def __init__(self, ctx: ScreenContext, *, meeting_id: int | None, on: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        self.panel = CashCountPanel(ctx, meeting_id=meeting_id, on=on, parent=self)
        layout.addWidget(self.panel, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.panel.counted.connect(lambda _row: self.accept())
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Count the cash box"))
        self.close_button.setText(_("Close"))
        self.panel.retranslate()

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, *, meeting_id: int | None,  # noqa: ANN001
            on: dt.date) -> bool:
        return bool(cls(ctx, meeting_id=meeting_id, on=on, parent=parent).exec())


class TransferDialog(FormDialog):
    """Take cash to the bank or bring it back."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.direction = ChoiceBox(DIRECTION_NAMES)
        self.amount = mark_data(QLineEdit())
        self.on = DateField(clock.today())
        self.note = mark_data(QLineEdit())
        self.add_row(N_("Which way"), self.direction)
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Date"), self.on)
        self.add_row(N_("Note"), self.note)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Cash and the bank"))
        self.save_button.setText(_("Record"))
        self.direction.retranslate()
        self.note.setPlaceholderText(_("for example the bank's slip number"))

    def save(self) -> bool:
        problems: list[UserError] = []
        amount = read_money(self.amount.text(), self.ctx, problems)
        on = read_date(self.on, problems)
        if self.refuse(problems):
            return False
        gid, direction, note = self.ctx.group_id, self.direction.currentData(), self.note.text()
        return self.submit(
            self.ctx, lambda s, actor: cashbox.transfer_cash(
                s, actor, group_id=gid, amount=amount, direction=direction, on=on, note=note),
            changed=CASH_TOPICS,
            message=_("Moved {amount}: {way}.").format(
                amount=format_money(amount, self.ctx.currency()),
                way=_(DIRECTION_NAMES[direction]).lower()))

    @classmethod
    def ask(cls, parent, ctx: ScreenContext) -> bool:  # noqa: ANN001
        return bool(cls(ctx, parent).exec())


class ExpenseDialog(FormDialog):
    """A group expense (stationery, a padlock, the bus to the bank), paid from the loan
    fund's cash or bank."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.memo = mark_data(QLineEdit())
        self.amount = mark_data(QLineEdit())
        self.paid_from = ChoiceBox(PAY_FROM_NAMES)
        self.on = DateField(clock.today())
        self.add_row(N_("What it was for"), self.memo)
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Paid from"), self.paid_from)
        self.add_row(N_("Date"), self.on)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Group expense"))
        self.save_button.setText(_("Record the expense"))
        self.paid_from.retranslate()
        self.memo.setPlaceholderText(_("for example notebooks and pens"))

    def save(self) -> bool:
        problems: list[UserError] = []
        amount = read_money(self.amount.text(), self.ctx, problems)
        on = read_date(self.on, problems)
        if self.refuse(problems):
            return False
        gid, memo, paid_from = self.ctx.group_id, self.memo.text(), self.paid_from.currentData()
        return self.submit(
            self.ctx, lambda s, actor: cashbox.record_expense(
                s, actor, group_id=gid, amount=amount, on=on, memo=memo, paid_from=paid_from),
            changed=CASH_TOPICS,
            message=_("The expense of {amount} is recorded.").format(
                amount=format_money(amount, self.ctx.currency())))

    @classmethod
    def ask(cls, parent, ctx: ScreenContext) -> bool:  # noqa: ANN001
        return bool(cls(ctx, parent).exec())
