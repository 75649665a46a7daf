"""The loan forms: an application with the policy check shown as it is filled in, paying a
loan out, recording a repayment, a reason (refusal, write-off, reversal), a rescheduling;
and printing a schedule."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QSpinBox

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.documents import Paper, save_document
from desktop.widgets.fields import ChoiceBox, DateField, read_date, read_money
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import mark_data
from models.core import clock, members
from models.core.errors import UserError, ValidationError
from models.core.groups import FREQUENCY_NAMES
from models.core.i18n import N_, _
from models.core.ledger import fmt_date
from models.core.money import format_amount, format_money, parse_money
from models.loans import policy as loan_policy
from models.loans.application import application_problems, apply_for_loan
from models.loans.common import rate_bp
from models.loans.payout import disburse_loan
from models.loans.queries import loan_detail
from models.loans.receipts import repayment_receipt
from models.loans.repayments import record_repayment
from models.loans.requests import request_reschedule
from models.loans.rows import LoanRow
from models.loans.schedule import FREQUENCIES
from models.loans.statuses import PAY_ACCOUNT_NAMES, PAY_ACCOUNTS
from reports.loan_receipt_pdf import file_name as receipt_file_name
from reports.loan_receipt_pdf import write_repayment_receipt
from reports.loan_schedule_pdf import write_schedule


def parse_rate(text: str) -> Decimal:
    cleaned = (text or "").replace("%", "").replace(",", ".").strip()
    rate_bp(cleaned or "x")  # raises a UserError for what is not a rate
    return Decimal(cleaned)


class ApplicationDialog(FormDialog):
    """A member asks for a loan (treasurer). The policy check under the form lists every
    rule the application breaks, as it is filled in."""

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.saved: LoanRow | None = None
        gid = ctx.group_id
        self.policy = ctx.read(lambda s, a: loan_policy.get_policy(s, gid))
        self.member = mark_data(QComboBox())
        self.guarantors = mark_data(QListWidget())
        for m in ctx.read(lambda s, a: members.list_members(s, a, gid, include_inactive=False)):
            self.member.addItem(f"{m.number} · {m.display_name}", m.id)
            item = QListWidgetItem(f"{m.number} · {m.display_name}")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.guarantors.addItem(item)
        # Room for three names whatever the rule check below it needs (it used to be
        # squeezed to one row when the check grew).
        self.guarantors.setFixedHeight(3 * 36 + 6)
        self.amount = mark_data(QLineEdit())
        self.purpose = mark_data(QLineEdit())
        self.installments = QSpinBox()
        self.installments.setRange(1, 120)
        self.installments.setValue(min(6, self.policy.max_term_months))
        self.rate = mark_data(QLineEdit(str(self.policy.max_rate)))
        self.method = ChoiceBox(loan_policy.LOAN_METHOD_NAMES, self.policy.methods)
        self.frequency = ChoiceBox(FREQUENCY_NAMES, FREQUENCIES)
        self.add_row(N_("Member"), self.member)
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Purpose"), self.purpose)
        self.add_row(N_("Installments"), self.installments)
        self.add_row(N_("Interest rate, % a year"), self.rate)
        self.add_row(N_("Way of charging interest"), self.method)
        self.add_row(N_("Repayments"), self.frequency)
        self.add_row(N_("Guarantors"), self.guarantors)
        self.check = QLabel()
        self.check.setWordWrap(True)
        self.form.addRow(self.check)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_check)
        for combo in (self.member, self.method, self.frequency):
            combo.currentIndexChanged.connect(self._timer.start)
        for field in (self.amount, self.rate):
            field.textChanged.connect(self._timer.start)
        self.installments.valueChanged.connect(self._timer.start)
        self.guarantors.itemChanged.connect(self._timer.start)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("New loan application"))
        self.save_button.setText(_("Record the application"))
        self.method.retranslate()
        self.frequency.retranslate()
        self.update_check()

    def guarantor_ids(self) -> tuple[int, ...]:
        return tuple(self.guarantors.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(self.guarantors.count())
                     if self.guarantors.item(i).checkState() == Qt.CheckState.Checked)

    def values(self) -> dict:
        """The form as service arguments (raises ``UserError`` for unreadable input)."""
        return dict(group_id=self.ctx.group_id, member_id=self.member.currentData(),
                    amount=parse_money(self.amount.text(), self.ctx.currency()),
                    installments=self.installments.value(),
                    annual_rate=parse_rate(self.rate.text()),
                    method=self.method.currentData(), frequency=self.frequency.currentData(),
                    guarantor_ids=self.guarantor_ids())

    def _fit_check(self) -> None:
        """Keep the rule check as tall as its wrapped text at the width it has (a form
        row asks for the height at a wider width, and cut the last line off)."""
        width = self.check.width() if self.check.isVisible() else self.check.sizeHint().width()
        self.check.setMinimumHeight(self.check.heightForWidth(max(width, 1)))

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self._fit_check()

    def update_check(self) -> None:
        self._update_check()
        self._fit_check()

    def _update_check(self) -> None:
        if not self.amount.text().strip():
            self.check.setText(_("Fill in the amount to see the group's rules checked."))
            return
        try:
            values = self.values()
            problems = self.ctx.read(lambda s, a: application_problems(s, **values))
        except UserError as error:
            problems = [error]
        if not self.problems.isHidden():
            # The banner of a refused save follows the form: it goes once the application
            # is right, and otherwise lists what is still wrong.
            if problems:
                self.show_problems(ValidationError(problems))
            else:
                self.clear_problems()
        if problems:
            self.check.setText(_("Against the group's rules:") + "\n"
                               + "\n".join(f"• {p}" for p in problems))
            return
        text = _("The application follows every rule of the group.")
        fee = loan_policy.loan_fee(self.policy, values["amount"])
        if fee.amount:
            text += "\n" + fee_text(fee.amount, fee.timing, values["amount"],
                                    self.ctx.currency())
        self.check.setText(text)

    def save(self) -> bool:
        try:
            values = self.values()
        except UserError as error:
            self.show_problems(error)
            return False
        outcome = self.ctx.run(
            self, lambda s, actor: apply_for_loan(s, actor, purpose=self.purpose.text(),
                                                  **values),
            changed={"loans"}, on_user_error=self.show_problems,
            message=lambda row: _("Loan {number} was recorded; a leader decides.").format(
                number=row.number))
        if outcome:
            self.saved = outcome.value
        return bool(outcome)


class DisburseDialog(FormDialog):
    """Pay an approved loan out: the day, from the box or the bank, the first due date."""

    def __init__(self, ctx: ScreenContext, loan: LoanRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx, self.loan = ctx, loan
        self.on = DateField(clock.today())
        self.paid_from = ChoiceBox(PAY_ACCOUNT_NAMES, PAY_ACCOUNTS)
        self.first_due = DateField()
        self.receives = QLabel()
        self.receives.setWordWrap(True)
        self.form.addRow(self.receives)
        self.add_row(N_("Paid out on"), self.on)
        self.add_row(N_("Paid from"), self.paid_from)
        self.add_row(N_("First due date (empty: a period later)"), self.first_due)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Pay out loan {number}").format(number=self.loan.number))
        self.save_button.setText(_("Pay out"))
        loan, cur = self.loan, self.ctx.currency()
        self.receives.setText(_("Give {member} {amount}.").format(
            member=loan.member_name, amount=format_money(loan.paid_out, cur))
            + (" " + fee_text(loan.fee, loan.fee_timing, loan.amount, cur) if loan.fee else ""))
        self.paid_from.retranslate()

    def save(self) -> bool:
        problems: list[UserError] = []
        on = read_date(self.on, problems)
        first_due = None
        try:
            first_due = self.first_due.date()
        except UserError as error:
            problems.append(error)
        if problems:
            self.show_problems(ValidationError(problems))
            return False
        loan, paid_from = self.loan, self.paid_from.currentData()
        question = _("Pay out loan {number}: give {member} {amount} from the {account} on "
                     "{date}? The money leaves the {account} in the books at once.").format(
            number=loan.number, member=loan.member_name,
            amount=format_money(loan.paid_out, self.ctx.currency()),
            account=_(PAY_ACCOUNT_NAMES[paid_from]).lower(), date=fmt_date(on))
        if not errors.confirm(self, question, confirm_text=_("Pay out")):
            return False
        return bool(self.ctx.run(
            self, lambda s, actor: disburse_loan(
                s, actor, loan_id=self.loan.id, on=on, paid_from=self.paid_from.currentData(),
                first_due=first_due),
            changed={"loans", "journal"}, on_user_error=self.show_problems,
            message=_("Loan {number} was paid out.").format(number=self.loan.number)))


class RepaymentDialog(FormDialog):
    """Money a member paid on a loan. Shows what is due and what clears the loan today."""

    def __init__(self, ctx: ScreenContext, loan: LoanRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx, self.loan = ctx, loan
        detail = ctx.read(lambda s, a: loan_detail(s, a, loan.id))
        self.due, self.payoff = detail.due_now, detail.payoff.total if detail.payoff else 0
        self.owed = QLabel()
        self.owed.setWordWrap(True)
        self.form.addRow(self.owed)
        self.amount = mark_data(QLineEdit(format_amount(self.due, ctx.currency())
                                          if self.due else ""))
        self.on = DateField(clock.today())
        self.paid_from = ChoiceBox(PAY_ACCOUNT_NAMES, PAY_ACCOUNTS)
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Paid on"), self.on)
        self.add_row(N_("Paid into"), self.paid_from)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Repayment on loan {number}").format(number=self.loan.number))
        self.save_button.setText(_("Record the repayment"))
        self.owed.setText(_("Due by today: {due} · clears the loan today: {payoff}").format(
            due=self.ctx.money(self.due), payoff=self.ctx.money(self.payoff)))
        self.paid_from.retranslate()

    def save(self) -> bool:
        problems: list[UserError] = []
        amount = read_money(self.amount.text(), self.ctx, problems)
        on = read_date(self.on, problems)
        if problems:
            self.show_problems(ValidationError(problems))
            return False
        return bool(self.ctx.run(
            self, lambda s, actor: record_repayment(
                s, actor, loan_id=self.loan.id, amount=amount, on=on,
                paid_from=self.paid_from.currentData()),
            changed={"loans", "journal"}, on_user_error=self.show_problems,
            message=_("The repayment was recorded.")))


class ReasonDialog(FormDialog):
    """Ask for a reason, then run ``op(session, actor, reason)``."""

    def __init__(self, ctx: ScreenContext, title: str, button: str, op,  # noqa: ANN001
                 parent=None, done: str = "") -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx, self.title, self.button, self.op = ctx, title, button, op
        self.done_message = done  # not `done`: that would hide QDialog.done()
        self.reason = mark_data(QLineEdit())
        self.add_row(N_("Reason"), self.reason)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.title)
        self.save_button.setText(self.button)

    def save(self) -> bool:
        reason = self.reason.text()
        return bool(self.ctx.run(self, lambda s, actor: self.op(s, actor, reason),
                                 changed={"loans", "journal"}, on_user_error=self.show_problems,
                                 message=self.done_message or None))


class RescheduleDialog(FormDialog):
    """Ask for a new schedule of what is left (treasurer); a leader decides."""

    def __init__(self, ctx: ScreenContext, loan: LoanRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx, self.loan = ctx, loan
        self.installments = QSpinBox()
        self.installments.setRange(1, 120)
        self.installments.setValue(6)
        self.rate = mark_data(QLineEdit(str(loan.annual_rate)))
        self.first_due = DateField()
        self.reason = mark_data(QLineEdit())
        self.add_row(N_("New installments"), self.installments)
        self.add_row(N_("Interest rate, % a year"), self.rate)
        self.add_row(N_("First due date (empty: a period later)"), self.first_due)
        self.add_row(N_("Reason"), self.reason)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Reschedule loan {number}").format(number=self.loan.number))
        self.save_button.setText(_("Ask a leader"))

    def save(self) -> bool:
        try:
            rate = parse_rate(self.rate.text())
        except UserError as error:
            self.show_problems(error)
            return False
        return bool(self.ctx.run(
            self, lambda s, actor: request_reschedule(
                s, actor, loan_id=self.loan.id, reason=self.reason.text(),
                installments=self.installments.value(), annual_rate=rate,
                first_due=self.first_due.date()),
            changed={"loans"}, on_user_error=self.show_problems,
            message=_("The rescheduling waits for a leader.")))


def fee_text(fee: int, timing: str, amount: int, cur) -> str:  # noqa: ANN001
    """One sentence on a loan's fee, for the forms."""
    if timing == loan_policy.FEE_AT_PAYOUT:
        return _("Loan fee {fee}, kept from the money paid out: the member receives "
                 "{received}.").format(fee=format_money(fee, cur),
                                        received=format_money(amount - fee, cur))
    return _("Loan fee {fee}, paid with the installments.").format(
        fee=format_money(fee, cur))


def save_schedule(parent, ctx: ScreenContext, sheet_of, name: str) -> Path | None:  # noqa: ANN001
    """Print the schedule or save it as a PDF (``sheet_of(session, actor)`` is a
    ``models.loans.schedule_sheet`` query giving the ``ScheduleSheet``)."""
    papers = [Paper(name, lambda s, actor, path: write_schedule(sheet_of(s, actor), path))]
    return next(iter(save_document(
        parent, ctx, papers, what=_("the schedule"),
        saved=_("The schedule was saved to {path}."))), None)


def save_receipt(parent, ctx: ScreenContext, repayment_id: int) -> Path | None:  # noqa: ANN001
    """The receipt of a loan repayment, as a paper the member takes home."""
    name = run_query(ctx, parent, lambda s, actor: receipt_file_name(
        repayment_receipt(s, actor, repayment_id)), None)
    if name is None:
        return None
    papers = [Paper(name, lambda s, actor, path:
                    write_repayment_receipt(repayment_receipt(s, actor, repayment_id), path))]
    return next(iter(save_document(parent, ctx, papers, what=_("the receipt"),
                                   saved=_("The receipt was saved to {path}."))), None)
