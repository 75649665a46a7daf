"""The welfare screen's set-up tabs (administrators change them; everyone may read them):
the fund's dated settings and the claim types with their dated rules."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.context import ScreenContext
from desktop.widgets.fields import ChoiceBox, DateField, read_money
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import date_text, mark_data, problems_label
from desktop.widgets.layout import ScrollBody
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, _
from models.core.money import format_amount
from models.core.permissions import Permission
from models.welfare import fund as welfare_fund
from models.welfare import types as welfare_types
from models.welfare.rules import (
    BENEFICIARIES,
    BENEFICIARY_NAMES,
    SCOPE_NAMES,
    SCOPES,
    WINDOW_NAMES,
    WINDOWS,
    ClaimRule,
)

YES_NO = {True: N_("Yes"), False: N_("No")}


def frequency_text(rule: ClaimRule) -> str:
    if rule.frequency_count is None:
        return _("No limit")
    if rule.frequency_window == "calendar":
        limit = _("{count} a calendar year").format(count=rule.frequency_count)
    else:
        limit = _("{count} in {months} months").format(count=rule.frequency_count,
                                                       months=rule.frequency_months)
    return f"{limit} ({_(SCOPE_NAMES[rule.frequency_scope]).lower()})"


def beneficiaries_text(rule: ClaimRule) -> str:
    return ", ".join(_(BENEFICIARY_NAMES[b]) for b in rule.beneficiaries)


def rule_columns(money) -> list[Column]:  # noqa: ANN001
    """Columns over rows with a ``rule`` (empty cells while no rule is in force yet)."""
    def of(show):  # noqa: ANN001, ANN202
        return lambda row: "" if row.rule is None else show(row.rule)

    return [
        Column(N_("Maximum amount"), of(lambda r: money(r.max_amount)), right=True),
        Column(N_("How often"), of(frequency_text), tip=True),
        Column(N_("Waiting period"), of(lambda r: _("{months} months").format(
            months=r.waiting_months))),
        Column(N_("Pays for"), of(beneficiaries_text), tip=True),
        Column(N_("Contributions paid up"), of(lambda r: _(YES_NO[r.requires_good_standing]))),
        Column(N_("Evidence to see"), of(lambda r: _(r.evidence) if r.evidence else ""),
               tip=True),
    ]


def _spin(low: int, high: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setMaximumWidth(160)
    return spin


class SettingsPanel(QWidget):
    """The fund's settings in force today; an administrator records new values from a
    date on (the past keeps its values)."""

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.problems = problems_label()
        layout.addWidget(self.problems)
        scroll = ScrollBody()
        body = QVBoxLayout(scroll.widget())
        body.setContentsMargins(0, 0, 0, 0)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        body.addWidget(self.intro)
        self.form = QFormLayout()
        body.addLayout(self.form)
        body.addStretch(1)
        layout.addWidget(scroll, 1)
        self.contribution = mark_data(QLineEdit())
        self.basis = ChoiceBox(welfare_fund.BASIS_NAMES, welfare_fund.BASES)
        self.joining_fee = mark_data(QLineEdit())
        self.min_reserve = mark_data(QLineEdit())
        self.reserve_extra_approvals = _spin(0, 5)
        self.shortfall = ChoiceBox(welfare_fund.SHORTFALL_NAMES, welfare_fund.SHORTFALL)
        self.approvals_required = _spin(1, 5)
        self.max_missed_contributions = _spin(0, 24)
        self.year_cap = mark_data(QLineEdit())
        self.loan_grace = ChoiceBox(welfare_fund.LOAN_GRACE_NAMES, welfare_fund.LOAN_GRACE)
        self.effective_from = DateField(clock.today())
        self._labels: list[tuple[QLabel, str]] = []
        spec = welfare_fund.SETTINGS
        for key, widget in (("welfare_contribution", self.contribution),
                            ("welfare_contribution_basis", self.basis),
                            ("welfare_joining_fee", self.joining_fee),
                            ("welfare_min_reserve", self.min_reserve),
                            ("welfare_reserve_extra_approvals", self.reserve_extra_approvals),
                            ("welfare_shortfall", self.shortfall),
                            ("welfare_approvals_required", self.approvals_required),
                            ("welfare_max_missed_contributions",
                             self.max_missed_contributions),
                            ("welfare_year_cap", self.year_cap),
                            ("welfare_loan_grace", self.loan_grace)):
            self._add(spec[key].label, widget)
        self._add(N_("These values apply from"), self.effective_from)
        row = QHBoxLayout()
        self.save_button = QPushButton()
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.retranslate()

    def _add(self, title: str, widget: QWidget) -> None:
        label = QLabel(_(title))
        label.setBuddy(widget)
        self._labels.append((label, title))
        self.form.addRow(label, widget)

    def retranslate(self) -> None:
        for label, title in self._labels:
            label.setText(_(title))
        self.intro.setText(_("A change applies from the date you give; claims and "
                             "contributions before it keep the old values."))
        self.save_button.setText(_("Save settings"))
        self.basis.retranslate()
        self.shortfall.retranslate()
        self.loan_grace.retranslate()

    def load(self, values: welfare_fund.WelfareSettings, may_change: bool) -> None:
        cur = self.ctx.currency()
        self.contribution.setText(format_amount(values.contribution, cur))
        self.basis.setCurrentIndex(self.basis.findData(values.contribution_basis))
        self.joining_fee.setText(format_amount(values.joining_fee, cur))
        self.min_reserve.setText(format_amount(values.min_reserve, cur))
        self.reserve_extra_approvals.setValue(values.reserve_extra_approvals)
        self.shortfall.setCurrentIndex(self.shortfall.findData(values.shortfall))
        self.approvals_required.setValue(values.approvals_required)
        self.max_missed_contributions.setValue(values.max_missed_contributions)
        self.year_cap.setText(format_amount(values.year_cap, cur))
        self.loan_grace.setCurrentIndex(self.loan_grace.findData(values.loan_grace))
        for widget in (self.contribution, self.basis, self.joining_fee, self.min_reserve,
                       self.reserve_extra_approvals, self.shortfall, self.approvals_required,
                       self.max_missed_contributions, self.year_cap, self.loan_grace,
                       self.effective_from, self.save_button):
            widget.setEnabled(may_change)
        self.problems.setVisible(False)

    def values(self) -> tuple[welfare_fund.WelfareSettings, dt.date]:
        problems: list[UserError] = []
        amounts = [read_money(field.text(), self.ctx, problems)
                   for field in (self.contribution, self.joining_fee, self.min_reserve,
                                 self.year_cap)]
        on = None
        try:
            on = self.effective_from.date()
        except UserError as error:
            problems.append(error)
        if on is None and not problems:
            problems.append(UserError(N_("Enter the date the values apply from.")))
        if problems:
            raise ValidationError(problems)
        return welfare_fund.WelfareSettings(
            contribution=amounts[0], contribution_basis=self.basis.currentData(),
            joining_fee=amounts[1], min_reserve=amounts[2],
            reserve_extra_approvals=self.reserve_extra_approvals.value(),
            shortfall=self.shortfall.currentData(),
            approvals_required=self.approvals_required.value(),
            max_missed_contributions=self.max_missed_contributions.value(),
            year_cap=amounts[3], loan_grace=self.loan_grace.currentData()), on

    def save(self) -> bool:
        self.problems.setVisible(False)
        try:
            values, on = self.values()
        except UserError as error:
            self._show(error)
            return False
        gid = self.ctx.group_id
        outcome = self.ctx.run(
            self, lambda s, actor: welfare_fund.set_welfare_settings(
                s, actor, group_id=gid, effective_from=on, values=values),
            changed={"welfare", "settings"}, on_user_error=self._show,
            message=lambda changed: (_("Welfare settings saved; they apply from {date}.")
                                     .format(date=date_text(on)) if changed
                                     else _("Nothing was changed.")))
        return bool(outcome)

    def _show(self, error: UserError) -> None:
        from desktop.errors import error_text

        self.problems.setText(error_text(error))
        self.problems.setVisible(True)


class RuleDialog(FormDialog):
    """New rules for a claim type from a date on — or (``claim_type=None``) a new type."""

    def __init__(self, ctx: ScreenContext, claim_type: welfare_types.ClaimTypeRow | None = None,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.claim_type = claim_type
        self.succeeded = False
        self.name = mark_data(QLineEdit())
        if claim_type is None:
            self.add_row(N_("Name"), self.name)
        else:
            self.body.insertWidget(0, mark_data(QLabel(claim_type.label)))
        self.max_amount = mark_data(QLineEdit())
        self.frequency_count = _spin(0, 12)
        self.frequency_window = ChoiceBox(WINDOW_NAMES, WINDOWS)
        self.frequency_months = _spin(1, 120)
        self.frequency_scope = ChoiceBox(SCOPE_NAMES, SCOPES)
        self.waiting_months = _spin(0, 120)
        self.beneficiaries = {code: QCheckBox() for code in BENEFICIARIES}
        who = QWidget()
        who_row = QHBoxLayout(who)
        who_row.setContentsMargins(0, 0, 0, 0)
        for box in self.beneficiaries.values():
            who_row.addWidget(box)
        who_row.addStretch(1)
        self.good_standing = QCheckBox()
        self.evidence = mark_data(QLineEdit())
        self.effective_from = DateField(clock.today())
        self.add_row(N_("Maximum amount"), self.max_amount)
        self.add_row(N_("Claims allowed (0: no limit)"), self.frequency_count)
        self.add_row(N_("Counted over"), self.frequency_window)
        self.add_row(N_("Months counted"), self.frequency_months)
        self.add_row(N_("Count"), self.frequency_scope)
        self.add_row(N_("Waiting months after joining"), self.waiting_months)
        self.add_row(N_("Pays for"), who)
        self.add_row(N_("Contributions paid up"), self.good_standing)
        self.add_row(N_("Evidence to see"), self.evidence)
        self.add_row(N_("These rules apply from"), self.effective_from)
        self.history = RowTableModel([
            Column(N_("From"), lambda v: date_text(v.effective_from)),
            Column(N_("Maximum amount"), lambda v: self.ctx.money(v.rule.max_amount), right=True),
            Column(N_("How often"), lambda v: frequency_text(v.rule)),
            Column(N_("Waiting period"), lambda v: _("{months} months").format(
                months=v.rule.waiting_months)),
            Column(N_("Recorded by"), lambda v: v.recorded_by or ""),
        ], self)
        if claim_type is not None:
            self.history_title = QLabel()
            self.history_title.setObjectName("subheading")
            self.form.addRow(self.history_title)
            self.history.set_rows(ctx.read(lambda s, a: welfare_types.rule_history(
                s, a, claim_type.id)))
            self.form.addRow(TableView(self.history))
            self.fill(claim_type.rule)
        else:
            self.fill(ClaimRule(max_amount=0, beneficiaries=("member",)))
        self.retranslate()


    def fill(self, rule: ClaimRule | None) -> None:
        if rule is None:
            return
        self.max_amount.setText(format_amount(rule.max_amount, self.ctx.currency())
                                if rule.max_amount else "")
        self.frequency_count.setValue(rule.frequency_count or 0)
        self.frequency_window.setCurrentIndex(self.frequency_window.findData(
            rule.frequency_window))
        self.frequency_months.setValue(rule.frequency_months)
        self.frequency_scope.setCurrentIndex(self.frequency_scope.findData(rule.frequency_scope))
        self.waiting_months.setValue(rule.waiting_months)
        for code, box in self.beneficiaries.items():
            box.setChecked(code in rule.beneficiaries)
        self.good_standing.setChecked(rule.requires_good_standing)
        self.evidence.setText(_(rule.evidence) if rule.evidence else "")

    def retranslate(self) -> None:
        super().retranslate()
        adding = self.claim_type is None
        self.setWindowTitle(_("Add a claim type") if adding else _("Change the rules"))
        self.save_button.setText(_("Add claim type") if adding else _("Save rules"))
        self.frequency_window.retranslate()
        self.frequency_scope.retranslate()
        for code, box in self.beneficiaries.items():
            box.setText(_(BENEFICIARY_NAMES[code]))
        self.good_standing.setText(_("The member must be up to date with contributions "
                                     "and loans"))
        if self.claim_type is not None:
            self.history_title.setText(_("Earlier rules (claims are judged by the rules of "
                                         "their event's day)"))
        self.history.retranslate()

    def rule(self) -> tuple[ClaimRule, dt.date]:
        problems: list[UserError] = []
        max_amount = read_money(self.max_amount.text(), self.ctx, problems)
        on = None
        try:
            on = self.effective_from.date()
        except UserError as error:
            problems.append(error)
        if on is None and not problems:
            problems.append(UserError(N_("Enter the date the rules apply from.")))
        if problems:
            raise ValidationError(problems)
        count = self.frequency_count.value()
        evidence = self.evidence.text().strip()
        before = self.claim_type.rule if self.claim_type is not None else None
        if before is not None and before.evidence and evidence == _(before.evidence):
            evidence = before.evidence  # unchanged: keep it translatable
        return ClaimRule(
            max_amount=max_amount, frequency_count=count or None,
            frequency_window=self.frequency_window.currentData(),
            frequency_months=self.frequency_months.value(),
            frequency_scope=self.frequency_scope.currentData(),
            waiting_months=self.waiting_months.value(),
            beneficiaries=tuple(c for c, box in self.beneficiaries.items() if box.isChecked()),
            requires_good_standing=self.good_standing.isChecked(),
            evidence=evidence), on

    def save(self) -> bool:
        try:
            rule, on = self.rule()
        except UserError as error:
            self.show_problems(error)
            return False
        if self.claim_type is None:
            gid, name = self.ctx.group_id, self.name.text()

            def op(s, actor):  # noqa: ANN001, ANN202
                return welfare_types.add_claim_type(s, actor, group_id=gid, name=name,
                                                    rule=rule, effective_from=on)
            message = _("The claim type {name} was added.").format(name=name.strip())
        else:
            type_id = self.claim_type.id

            def op(s, actor):  # noqa: ANN001, ANN202
                return welfare_types.set_claim_rule(s, actor, claim_type_id=type_id,
                                                    effective_from=on, rule=rule)
            message = _("New rules for {name} apply from {date}.").format(
                name=self.claim_type.label, date=date_text(on))
        outcome = self.ctx.run(self, op, changed={"welfare"}, message=message,
                               on_user_error=self.show_problems)
        self.succeeded = bool(outcome)
        return self.succeeded

    @classmethod
    def ask(cls, parent, ctx: ScreenContext,  # noqa: ANN001
            claim_type: welfare_types.ClaimTypeRow | None = None) -> bool:
        dialog = cls(ctx, claim_type, parent)
        return bool(dialog.exec()) and dialog.succeeded


class TypeDialog(FormDialog):
    """Rename a claim type, or stop (restart) taking claims of it."""

    def __init__(self, ctx: ScreenContext, claim_type: welfare_types.ClaimTypeRow,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.claim_type = claim_type
        self.succeeded = False
        self.name = mark_data(QLineEdit(claim_type.label))
        self.active = QCheckBox()
        self.active.setChecked(claim_type.is_active)
        self.add_row(N_("Name"), self.name)
        self.add_row(N_("In use"), self.active)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Rename or stop a claim type"))
        self.save_button.setText(_("Save"))
        self.active.setText(_("The group takes new claims of this type"))

    def save(self) -> bool:
        type_id, name, active = self.claim_type.id, self.name.text(), self.active.isChecked()
        outcome = self.ctx.run(
            self, lambda s, actor: welfare_types.update_claim_type(
                s, actor, claim_type_id=type_id, name=name, is_active=active),
            changed={"welfare"}, on_user_error=self.show_problems,
            message=_("The claim type was saved."))
        self.succeeded = bool(outcome)
        return self.succeeded

    @classmethod
    def ask(cls, parent, ctx: ScreenContext,  # noqa: ANN001
            claim_type: welfare_types.ClaimTypeRow) -> bool:
        dialog = cls(ctx, claim_type, parent)
        return bool(dialog.exec()) and dialog.succeeded


class ClaimTypesPanel(QWidget):
    """The claim types with the rules in force today."""

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.model = RowTableModel([
            Column(N_("Kind of claim"), lambda t: t.label, tip=True),
            Column(N_("In use"), lambda t: _(YES_NO[t.is_active])),
            *rule_columns(ctx.money),
            Column(N_("Rules since"), lambda t: date_text(t.rule_from)),
        ], self)
        self.table = TableView(self.model)
        # Nine columns: the four text ones give way (whole in their tooltips).
        self.table.stretch_column(0, 3, 5, 7)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton()
        self.rules_button = QPushButton()
        self.rename_button = QPushButton()
        for button in (self.add_button, self.rules_button, self.rename_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.may_change = False
        self.add_button.clicked.connect(lambda: RuleDialog.ask(self, self.ctx))
        self.rules_button.clicked.connect(self.change_rules)
        self.rename_button.clicked.connect(self.rename)
        self.table.row_activated.connect(lambda _row: self.change_rules())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.retranslate()

    def load(self, rows: list[welfare_types.ClaimTypeRow], may_change: bool) -> None:
        self.may_change = may_change
        self.model.set_rows(rows)
        self.table.select_first()
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.table.selected_row() is not None
        self.add_button.setEnabled(self.may_change)
        self.rules_button.setEnabled(self.may_change and chosen)
        self.rename_button.setEnabled(self.may_change and chosen)

    def change_rules(self) -> None:
        row = self.table.selected_row()
        if row is not None and self.may_change:
            RuleDialog.ask(self, self.ctx, row)

    def rename(self) -> None:
        row = self.table.selected_row()
        if row is not None and self.may_change:
            TypeDialog.ask(self, self.ctx, row)

    def retranslate(self) -> None:
        self.add_button.setText(_("Add claim type…"))
        self.rules_button.setText(_("Change rules…"))
        self.rename_button.setText(_("Rename or stop…"))
        self.model.retranslate()


def may_change_setup(ctx: ScreenContext) -> bool:
    return ctx.can(Permission.CHANGE_SETTINGS)
