"""The group's loan rules (administrators): read them, change them from a date on.

Every figure is a dated setting (``models.loans.policy``): a change applies to applications
from its date; loans already made keep their terms. Money is typed in the group's currency
and empty means "no limit". The rules sit on three tabs (who may borrow and how much; how
interest and payments are counted; fees and penalties) so the dialog fits a laptop screen."""
from __future__ import annotations

import dataclasses
import itertools

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.context import ScreenContext
from desktop.permission_tips import allow
from desktop.widgets.fields import ChoiceBox, DateField
from desktop.widgets.forms import FormDialog
from models.core import clock
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.money import format_amount, parse_money
from models.core.permissions import Permission
from models.loans import policy as loan_policy
from models.loans.policy import (
    COMPONENT_NAMES,
    EXTRA_PAYMENT_NAMES,
    FEE_FLAT,
    FEE_KIND_NAMES,
    FEE_PERCENT,
    FEE_TIMING_NAMES,
    FEES,
    LOAN_METHOD_NAMES,
    PENALTIES,
    PENALTY_FLAT,
    PENALTY_KIND_NAMES,
    PENALTY_NONE,
    LoanPolicy,
)

ROUNDING_NAMES = {"half-even": N_("Half to even (bankers')"), "half-up": N_("Half up")}
INTEREST_PERIOD_NAMES = {"repayment": N_("Per installment period"),
                         "daily": N_("By the actual days")}
TAB_NAMES = (N_("Who may borrow and how much"), N_("Interest and payments"),
             N_("Fees and penalties"))


def offered_orders(current: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The payment orders offered: penalties, interest and principal in any order, with
    fees right after penalties (Fineract's strategies are among them), and the group's
    current order if it is another."""
    orders = []
    for three in itertools.permutations(c for c in COMPONENT_NAMES if c != FEES):
        at = three.index(PENALTIES) + 1
        orders.append(three[:at] + (FEES,) + three[at:])
    if tuple(current) not in orders:
        orders.append(tuple(current))
    return orders


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


class LoanPolicyDialog(FormDialog):
    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.saved = False
        self.cur = ctx.currency()
        self.policy: LoanPolicy = ctx.read(
            lambda s, actor: loan_policy.get_policy(s, ctx.group_id, clock.today()))
        p = self.policy
        self.min_rate = QLineEdit(str(p.min_rate))
        self.max_rate = QLineEdit(str(p.max_rate))
        rates = QHBoxLayout()
        rates.addWidget(self.min_rate)
        rates.addWidget(self.max_rate)
        rates_box = QWidget()
        rates_box.setLayout(rates)
        self.method_boxes: dict[str, QCheckBox] = {}
        methods = QVBoxLayout()  # one kind a line: the names are long in Lao and English
        methods.setContentsMargins(0, 0, 0, 0)
        for code in LOAN_METHOD_NAMES:
            box = QCheckBox()
            box.setChecked(code in p.methods)
            self.method_boxes[code] = box
            methods.addWidget(box)
        methods_box = QWidget()
        methods_box.setLayout(methods)
        self.interest_period = self._choice(INTEREST_PERIOD_NAMES, p.interest_period)
        self.max_term = _spin(1, 120, p.max_term_months)
        self.max_amount = QLineEdit(self._typed(p.max_amount))
        self.savings_multiple = QLineEdit("" if p.savings_multiple is None
                                          else str(p.savings_multiple))
        self.guarantors_above = QLineEdit(self._typed(p.guarantors_above))
        self.guarantors_required = _spin(0, 5, p.guarantors_required)
        self.max_active = _spin(1, 10, p.max_active_loans)
        self.rounding = self._choice(ROUNDING_NAMES, p.rounding)
        self.multiple = QLineEdit(self._typed(p.installment_multiple or None))
        self.penalty_kind = self._choice(PENALTY_KIND_NAMES, p.penalty_kind)
        self.penalty_flat = QLineEdit(self._typed(p.penalty_flat or None))
        self.penalty_percent = QLineEdit(str(p.penalty_percent))
        self.grace = _spin(0, 60, p.grace_days)
        self.fee_kind = self._choice(FEE_KIND_NAMES, p.fee_kind)
        self.fee_flat = QLineEdit(self._typed(p.fee_flat or None))
        self.fee_percent = QLineEdit(str(p.fee_percent))
        self.fee_timing = self._choice(FEE_TIMING_NAMES, p.fee_timing)
        self.orders = offered_orders(p.allocation_order)
        self.order = QComboBox()
        for order in self.orders:
            self.order.addItem("", order)
        self.order.setCurrentIndex(self.orders.index(tuple(p.allocation_order)))
        self.extra_payment = self._choice(EXTRA_PAYMENT_NAMES, p.extra_payment)
        self.effective = DateField(clock.today())
        # Everyone may read the rules; only administrators change them.
        allow(self.save_button, ctx, Permission.CHANGE_SETTINGS)
        self.tabs = QTabWidget()
        self.body.insertWidget(0, self.tabs)
        self.setMinimumWidth(760)  # the choices are sentences; Lao ones are long
        pages = (
            ((N_("Rate a year, lowest and highest (%)"), rates_box),
             (N_("Kinds of loan offered"), methods_box),
             (N_("Longest loan (months)"), self.max_term),
             (N_("Largest loan (empty: no limit)"), self.max_amount),
             (N_("Largest loan, times the borrower's savings (empty: no limit)"),
              self.savings_multiple),
             (N_("Guarantors needed above (empty: never)"), self.guarantors_above),
             (N_("How many guarantors"), self.guarantors_required),
             (N_("Loans one member may have at once"), self.max_active)),
            ((N_("Interest counted"), self.interest_period),
             (N_("Rounding of amounts"), self.rounding),
             (N_("Installments rounded to a multiple of (empty: none)"), self.multiple),
             (N_("A payment pays first"), self.order),
             (N_("Money paid beyond what is due"), self.extra_payment)),
            ((N_("Loan fee"), self.fee_kind),
             (N_("Fee amount"), self.fee_flat),
             (N_("Fee percent of the amount lent"), self.fee_percent),
             (N_("How the fee is paid"), self.fee_timing),
             (N_("Late penalty"), self.penalty_kind),
             (N_("Penalty amount"), self.penalty_flat),
             (N_("Penalty percent"), self.penalty_percent),
             (N_("Days of grace before a penalty"), self.grace)),
        )
        for rows in pages:
            page = QWidget()
            form = QFormLayout(page)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            for title, field in rows:
                self.add_row(title, field, form)
            self.tabs.addTab(page, "")
        self.add_row(N_("These rules apply from"), self.effective)
        self.fee_kind.currentIndexChanged.connect(self._enable_amounts)
        self.penalty_kind.currentIndexChanged.connect(self._enable_amounts)
        self._enable_amounts()
        self.retranslate()

    def _enable_amounts(self) -> None:
        """Only the amount or percent the chosen kind of fee or penalty uses is open."""
        fee = self.fee_kind.currentData()
        self.fee_flat.setEnabled(fee == FEE_FLAT)
        self.fee_percent.setEnabled(fee == FEE_PERCENT)
        self.fee_timing.setEnabled(fee != loan_policy.FEE_NONE)
        penalty = self.penalty_kind.currentData()
        self.penalty_flat.setEnabled(penalty == PENALTY_FLAT)
        self.penalty_percent.setEnabled(penalty not in (PENALTY_NONE, PENALTY_FLAT))
        self.grace.setEnabled(penalty != PENALTY_NONE)

    @staticmethod
    def _choice(names: dict[str, str], value: str) -> ChoiceBox:
        box = ChoiceBox(names)
        box.choose(value)
        return box

    def _typed(self, value: int | None) -> str:
        """An amount as it is typed into a field (no symbol); empty for none."""
        return "" if value is None else format_amount(value, self.cur)

    def _read_money(self, field: QLineEdit, name: str) -> int | None:
        text = field.text().strip()
        if not text:
            return None
        try:
            return parse_money(text, self.cur)
        except UserError as problem:
            # Only placeholders: nothing to translate in the frame itself.
            raise UserError("{field}: {problem}", field=_(name), problem=str(problem)) from None

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Loan rules"))
        self.save_button.setText(_("Save the rules"))
        for code, box in self.method_boxes.items():
            box.setText(_(LOAN_METHOD_NAMES[code]))
        for i, name in enumerate(TAB_NAMES):
            self.tabs.setTabText(i, _(name))
        for box in (self.interest_period, self.rounding, self.penalty_kind, self.fee_kind,
                    self.fee_timing, self.extra_payment):
            box.retranslate()
        for i, order in enumerate(self.orders):
            self.order.setItemText(i, " → ".join(_(COMPONENT_NAMES[c]) for c in order))

    def save(self) -> bool:
        try:
            policy = dataclasses.replace(
                self.policy,
                min_rate=self.min_rate.text().strip(), max_rate=self.max_rate.text().strip(),
                methods=tuple(c for c, box in self.method_boxes.items() if box.isChecked()),
                interest_period=self.interest_period.currentData(),
                max_term_months=self.max_term.value(),
                max_amount=self._read_money(self.max_amount, N_("Largest loan")),
                savings_multiple=self.savings_multiple.text().strip() or None,
                guarantors_above=self._read_money(self.guarantors_above, N_("Guarantors")),
                guarantors_required=self.guarantors_required.value(),
                max_active_loans=self.max_active.value(),
                rounding=self.rounding.currentData(),
                installment_multiple=self._read_money(self.multiple, N_("Multiple")) or 0,
                penalty_kind=self.penalty_kind.currentData(),
                penalty_flat=self._read_money(self.penalty_flat, N_("Penalty amount")) or 0,
                penalty_percent=self.penalty_percent.text().strip() or "0",
                grace_days=self.grace.value(),
                fee_kind=self.fee_kind.currentData(),
                fee_flat=self._read_money(self.fee_flat, N_("Fee amount")) or 0,
                fee_percent=self.fee_percent.text().strip() or "0",
                fee_timing=self.fee_timing.currentData(),
                allocation_order=self.order.currentData(),
                extra_payment=self.extra_payment.currentData())
        except UserError as problem:
            self.show_problems(problem)
            return False
        if not policy.methods:
            self.show_problems(UserError(N_("Offer at least one kind of loan.")))
            return False
        day = self.effective.date()
        if day is None:
            self.show_problems(UserError(N_("Give the day the rules apply from.")))
            return False
        gid = self.ctx.group_id
        outcome = self.ctx.run(
            self, lambda s, actor: loan_policy.set_policy(s, actor, group_id=gid,
                                                          policy=policy, effective_from=day),
            changed={"settings", "loans"}, on_user_error=self.show_problems,
            message=_("The loan rules were saved."))
        self.saved = bool(outcome)
        return self.saved

    @classmethod
    def ask(cls, parent, ctx: ScreenContext) -> bool:  # noqa: ANN001
        dialog = cls(ctx, parent)
        return bool(dialog.exec()) and dialog.saved

