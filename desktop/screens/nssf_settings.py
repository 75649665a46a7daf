"""The NSSF screen's settings tab: the group's rules for pooling from a date (what happens
when a pot is short, the advance's interest and limit, when money may leave a pot, grace,
months ahead, contract length), the LSSO's official level table with the day it takes
effect (replacing the provisional one), a new national minimum wage, and the remittance
file's columns (``desktop.nssf_columns``). Administrators change them; everyone else reads
them."""
from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.context import ScreenContext
from desktop.errors import error_text
from desktop.nssf_columns import ColumnsEditor
from desktop.nssf_dialogs import NSSF_TOPICS
from desktop.permission_tips import allow
from desktop.widgets import (
    ChoiceBox,
    DateField,
    ScrollBody,
    date_text,
    mark_data,
    problems_label,
    read_date,
    read_money,
)
from models.core import clock
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, _
from models.core.money import format_amount
from models.core.permissions import Permission
from models.nssf import scheme as scheme_mod


def _spin(low: int, high: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    return box


class SettingsPanel(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.problems = problems_label()
        outer.addWidget(self.problems)
        scroll = ScrollBody(wrapped=True)
        outer.addWidget(scroll, 1)
        layout = QVBoxLayout(scroll.widget())
        self.rules_box = QGroupBox()
        rules = QFormLayout(self.rules_box)
        self.rules_from = DateField(clock.today())
        self.shortage = ChoiceBox(scheme_mod.SHORTAGE_NAMES, scheme_mod.SHORTAGE_POLICIES)
        self.advance_rate = mark_data(QLineEdit())
        self.advance_limit = _spin(0, 24)
        self.withdrawals = ChoiceBox(scheme_mod.WITHDRAWAL_NAMES, scheme_mod.WITHDRAWAL_RULES)
        self.grace = _spin(0, 24)
        self.ahead = _spin(0, 60)
        self.contract = _spin(1, 120)
        self._labels: list[tuple[QLabel, str]] = []
        for title, field in ((N_("From the day"), self.rules_from),
                             (scheme_mod.SHORTAGE.label, self.shortage),
                             (scheme_mod.ADVANCE_RATE.label, self.advance_rate),
                             (scheme_mod.ADVANCE_LIMIT.label, self.advance_limit),
                             (scheme_mod.WITHDRAWALS.label, self.withdrawals),
                             (scheme_mod.GRACE.label, self.grace),
                             (scheme_mod.MAX_AHEAD.label, self.ahead),
                             (scheme_mod.CONTRACT.label, self.contract)):
            label = QLabel()
            label.setWordWrap(True)
            self._labels.append((label, title))
            rules.addRow(label, field)
        self.save_rules = QPushButton()
        self.save_rules.setObjectName("primaryButton")
        rules.addRow(self._right(self.save_rules))
        layout.addWidget(self.rules_box)
        self.table_box = QGroupBox()
        table = QVBoxLayout(self.table_box)
        self.table_now = mark_data(QLabel())
        self.table_now.setWordWrap(True)
        table.addWidget(self.table_now)
        form = QFormLayout()
        self.levels = mark_data(QLineEdit())
        self.table_from = DateField()
        for title, field in ((N_("Levels (amounts, separated by spaces or commas)"),
                              self.levels), (N_("In force from"), self.table_from)):
            label = QLabel()
            label.setWordWrap(True)
            self._labels.append((label, title))
            form.addRow(label, field)
        table.addLayout(form)
        self.save_table = QPushButton()
        table.addLayout(self._right(self.save_table))
        layout.addWidget(self.table_box)
        self.wage_box = QGroupBox()
        wage = QFormLayout(self.wage_box)
        self.wage_now = mark_data(QLabel())
        self.wage_now.setWordWrap(True)
        wage.addRow(self.wage_now)
        self.wage = mark_data(QLineEdit())
        self.wage_from = DateField()
        for title, field in ((N_("New minimum wage"), self.wage),
                             (N_("In force from"), self.wage_from)):
            label = QLabel()
            self._labels.append((label, title))
            wage.addRow(label, field)
        self.save_wage = QPushButton()
        wage.addRow(self._right(self.save_wage))
        layout.addWidget(self.wage_box)
        self.columns = ColumnsEditor(ctx)
        layout.addWidget(self.columns)
        layout.addStretch(1)
        self.save_rules.clicked.connect(self.change_rules)
        self.save_table.clicked.connect(self.change_table)
        self.save_wage.clicked.connect(self.change_wage)
        self.scheme: scheme_mod.Scheme | None = None

    @staticmethod
    def _right(button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        return row

    def money(self, amount: int) -> str:
        return self.ctx.money(amount)

    def retranslate(self) -> None:
        self.rules_box.setTitle(_("The group's rules for NSSF pooling"))
        self.table_box.setTitle(_("Level table"))
        self.wage_box.setTitle(_("National minimum wage"))
        for label, title in self._labels:
            label.setText(_(title))
        self.shortage.retranslate()
        self.withdrawals.retranslate()
        self.save_rules.setText(_("Save the rules"))
        self.save_table.setText(_("Put this table in force"))
        self.save_wage.setText(_("Record the minimum wage"))
        self.levels.setPlaceholderText(_("for example 2,500,000 2,700,000 2,900,000"))
        self.columns.retranslate()
        self._show_now()

    def refresh(self) -> None:
        gid, today = self.ctx.group_id, clock.today()
        self.scheme = self.ctx.read(lambda s, a: scheme_mod.scheme(s, gid, today))
        s = self.scheme
        self.shortage.choose(s.shortage)
        self.advance_rate.setText(str(s.advance_rate))
        self.advance_limit.setValue(s.advance_limit_months)
        self.withdrawals.choose(s.withdrawals)
        self.grace.setValue(s.grace_months)
        self.ahead.setValue(s.max_ahead_months)
        self.contract.setValue(s.contract_months)
        may = self.ctx.can(Permission.CHANGE_SETTINGS)
        for button in (self.save_rules, self.save_table, self.save_wage):
            allow(button, self.ctx, Permission.CHANGE_SETTINGS, may=may)
        self.columns.refresh(s)
        self._show_now()

    def _show_now(self) -> None:
        s = self.scheme
        if s is None:
            return
        cur = self.ctx.currency()
        levels = ", ".join(format_amount(v, cur) for v in s.table)
        text = _("In force today: {count} levels: {levels}.").format(count=len(s.table),
                                                                     levels=levels)
        if s.provisional:
            text += " " + _("This is the program's provisional table; enter the LSSO's "
                            "official one here.")
        self.table_now.setText(text)
        self.wage_now.setText(_("In force today: {amount}. Levels below it are not offered.")
                              .format(amount=self.money(s.minimum_wage)))

    def _done(self, problems: list[UserError]) -> bool:
        self.problems.setVisible(bool(problems))
        if problems:
            self.problems.setText(error_text(ValidationError(problems)))
        return not problems

    def _show_error(self, error: Exception) -> None:
        self.problems.setText(error_text(error))
        self.problems.setVisible(True)

    def change_rules(self) -> None:
        problems: list[UserError] = []
        on = read_date(self.rules_from, problems)
        if not self._done(problems):
            return
        gid = self.ctx.group_id
        values = {"nssf_shortage": self.shortage.currentData(),
                  "nssf_advance_rate": self.advance_rate.text().strip().rstrip("%").strip(),
                  "nssf_advance_limit_months": self.advance_limit.value(),
                  "nssf_withdrawals": self.withdrawals.currentData(),
                  "nssf_grace_months": self.grace.value(),
                  "nssf_max_ahead_months": self.ahead.value(),
                  "nssf_contract_months": self.contract.value()}
        self.ctx.run(self, lambda s, actor: scheme_mod.set_scheme_settings(
            s, actor, group_id=gid, effective_from=on, values=values),
            changed=NSSF_TOPICS | {"settings"}, on_user_error=self._show_error,
            message=lambda keys: _("{count} rules changed from {date}.").format(
                count=len(keys), date=date_text(on)))

    def change_table(self) -> None:
        problems: list[UserError] = []
        levels = [read_money(word, self.ctx, problems)
                  for word in re.split(r"[\s;]+|,(?=\s)", self.levels.text().strip()) if word]
        if not levels:
            problems.append(UserError(N_("Type the table's levels.")))
        on = read_date(self.table_from, problems)
        if not self._done(problems):
            return
        gid = self.ctx.group_id
        self.ctx.run(self, lambda s, actor: scheme_mod.set_level_table(
            s, actor, group_id=gid, levels=levels, effective_from=on),
            changed=NSSF_TOPICS | {"settings"}, on_user_error=self._show_error,
            message=_("The official level table is in force from {date}.").format(
                date=date_text(on)))

    def change_wage(self) -> None:
        problems: list[UserError] = []
        amount = read_money(self.wage.text(), self.ctx, problems)
        on = read_date(self.wage_from, problems)
        if not self._done(problems):
            return
        gid = self.ctx.group_id
        self.ctx.run(self, lambda s, actor: scheme_mod.record_minimum_wage(
            s, actor, group_id=gid, amount=amount, effective_from=on),
            changed=NSSF_TOPICS | {"settings"}, on_user_error=self._show_error,
            message=_("The minimum wage is {amount} from {date}.").format(
                amount=self.money(amount), date=date_text(on)))
