"""The savings screen's forms: a deposit outside a meeting, a withdrawal (where the group's
rules allow one) and its notice, and settling with a member who leaves or died: the
statement first, then the settlement, confirmed."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.context import ScreenContext
from desktop.widgets.fields import ChoiceBox, DateField, read_date, read_money
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import date_text, heading, mark_data, problems_label
from desktop.widgets.layout import FittedDialog, ScrollBody
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, _
from models.savings import accounts as savings
from models.savings import exits as savings_exits
from models.savings import withdrawals as savings_withdrawals
from models.savings.accounts import MemberSavingsRow
from models.savings.exits import SettlementStatement
from models.savings.rules import SavingsRules, rules

SAVINGS_TOPICS = {"savings", "journal", "cash", "members"}
INTO_NAMES = {"cash": N_("The cash box"), "bank": N_("The bank account")}
REASON_NAMES = {"left": N_("She leaves the group"), "deceased": N_("She died")}


def read_rules(ctx: ScreenContext, on: dt.date | None = None) -> SavingsRules:
    gid = ctx.group_id
    return ctx.read(lambda s, a: rules(s, gid, on or clock.today()))


def rules_text(r: SavingsRules, money) -> str:  # noqa: ANN001
    """The rules a deposit must follow, in a sentence."""
    if r.is_shares:
        return _("One share costs {price}; buy {low} to {high} shares at a time.").format(
            price=money(r.share_price), low=r.min_shares, high=r.max_shares)
    if r.min_deposit:
        return _("Save any amount of at least {amount}.").format(amount=money(r.min_deposit))
    return _("Save any amount.")


class _MemberForm(FormDialog):
    """A form about one member (her name on top) with an amount, a date and a note."""

    def __init__(self, ctx: ScreenContext, member: MemberSavingsRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member = member
        self.who = mark_data(heading(f"{member.number} · {member.name}"))
        self.body.insertWidget(0, self.who)
        self.info = mark_data(QLabel())
        self.info.setWordWrap(True)
        self.body.insertWidget(1, self.info)
        self.amount = mark_data(QLineEdit())
        self.on = DateField(clock.today())


    def read_amount_and_date(self) -> tuple[int, dt.date] | None:
        problems: list[UserError] = []
        amount = read_money(self.amount.text(), self.ctx, problems)
        on = read_date(self.on, problems)
        if problems:
            self.show_problems(ValidationError(problems))
            return None
        return amount, on

    def receipt_message(self, receipt: savings.SavingsReceipt, text: str) -> str:
        return text.format(name=self.member.name, amount=self.ctx.money(receipt.amount),
                           balance=self.ctx.money(receipt.balance_after),
                           shares=receipt.shares_after)

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, member: MemberSavingsRow) -> bool:  # noqa: ANN001
        return bool(cls(ctx, member, parent).exec())


class DepositDialog(_MemberForm):
    """A member saves outside a meeting (into the box or straight into the bank)."""

    def __init__(self, ctx: ScreenContext, member: MemberSavingsRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, member, parent)
        self.into = ChoiceBox(INTO_NAMES)
        self.note = mark_data(QLineEdit())
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Date"), self.on)
        self.add_row(N_("Money goes into"), self.into)
        self.add_row(N_("Note"), self.note)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Savings deposit"))
        self.save_button.setText(_("Record the deposit"))
        self.into.retranslate()
        self.info.setText(rules_text(read_rules(self.ctx), self.ctx.money))

    def save(self) -> bool:
        read = self.read_amount_and_date()
        if read is None:
            return False
        amount, on = read
        member_id, into, note = self.member.member_id, self.into.currentData(), self.note.text()
        return bool(self.ctx.run(
            self, lambda s, actor: savings.record_deposit(s, actor, member_id=member_id,
                                                          amount=amount, on=on, into=into,
                                                          note=note),
            changed=SAVINGS_TOPICS, on_user_error=self.show_problems,
            message=lambda r: self.receipt_message(r, _(
                "{name} saved {amount}; her savings are now {balance} ({shares} shares)."))))


class WithdrawalDialog(_MemberForm):
    """A member takes part of her savings during the cycle, where the rules allow it."""

    def __init__(self, ctx: ScreenContext, member: MemberSavingsRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, member, parent)
        self.paid_from = ChoiceBox(INTO_NAMES)
        self.note = mark_data(QLineEdit())
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Date"), self.on)
        self.add_row(N_("Paid from"), self.paid_from)
        self.add_row(N_("Note"), self.note)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Savings withdrawal"))
        self.save_button.setText(_("Pay the withdrawal"))
        self.paid_from.retranslate()
        gid, member_id, today = self.ctx.group_id, self.member.member_id, clock.today()
        r = read_rules(self.ctx)
        if not r.withdrawals_allowed:
            self.info.setText(_("This group's rules do not allow withdrawals during the cycle; "
                                "savings come back at the share-out."))
            self.save_button.setEnabled(False)
            return
        most = self.ctx.read(
            lambda s, a: savings_withdrawals.withdrawable(s, gid, member_id, today))
        text = _("Saved: {saved}. At most {most} can be withdrawn now.").format(
            saved=self.ctx.money(self.member.savings), most=self.ctx.money(most))
        if r.withdrawal_notice_days:
            notices = self.ctx.read(lambda s, a: savings_withdrawals.open_notices(s, a, member_id))
            text += "\n" + _("The rules ask for {days} days' notice.").format(
                days=r.withdrawal_notice_days)
            for n in notices:
                text += "\n" + _("Notice of {given} for {amount}: usable from {date}.").format(
                    given=date_text(n.given_on), amount=self.ctx.money(n.amount),
                    date=date_text(n.usable_from))
        self.info.setText(text)

    def save(self) -> bool:
        read = self.read_amount_and_date()
        if read is None:
            return False
        amount, on = read
        member_id, paid_from = self.member.member_id, self.paid_from.currentData()
        note = self.note.text()
        text = _("Pay {name} {amount} of her savings?").format(name=self.member.name,
                                                             amount=self.ctx.money(amount))
        if not errors.confirm(self, text, confirm_text=_("Pay the withdrawal")):
            return False
        return bool(self.ctx.run(
            self, lambda s, actor: savings_withdrawals.withdraw_savings(
                s, actor, member_id=member_id, amount=amount, on=on, paid_from=paid_from,
                note=note),
            changed=SAVINGS_TOPICS, on_user_error=self.show_problems,
            message=lambda r: self.receipt_message(r, _(
                "{name} took {amount}; her savings are now {balance} ({shares} shares)."))))


class NoticeDialog(_MemberForm):
    """Record that a member asked to withdraw (the rules want notice first)."""

    def __init__(self, ctx: ScreenContext, member: MemberSavingsRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, member, parent)
        self.add_row(N_("Amount she wants"), self.amount)
        self.add_row(N_("Notice given on"), self.on)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Notice of a withdrawal"))
        self.save_button.setText(_("Record the notice"))
        r = read_rules(self.ctx)
        self.info.setText(_("The rules ask for {days} days' notice.").format(
            days=r.withdrawal_notice_days))

    def save(self) -> bool:
        read = self.read_amount_and_date()
        if read is None:
            return False
        amount, on = read
        member_id = self.member.member_id
        return bool(self.ctx.run(
            self, lambda s, actor: savings_withdrawals.give_withdrawal_notice(
                s, actor, member_id=member_id, amount=amount, on=on),
            changed={"savings"}, on_user_error=self.show_problems,
            message=lambda n: _("Notice recorded; the money can be withdrawn from {date}.")
            .format(date=date_text(n.usable_from))))


def debt_columns(money) -> list[Column]:  # noqa: ANN001
    return [Column(N_("What she owes"), lambda d: d.label),
            Column(N_("Owed"), lambda d: money(d.owed), right=True),
            Column(N_("Taken from her savings"), lambda d: money(d.netted), right=True),
            Column(N_("Still owed"), lambda d: money(d.left) if d.left else "", right=True)]


class ExitDialog(FittedDialog):
    """Settle with a member who leaves or died. The statement follows the form (savings,
    each debt and what her savings pay of it, the payout, what stops it); the settlement is
    posted only after a confirmation, exactly as the statement shows."""

    def __init__(self, ctx: ScreenContext, member: MemberSavingsRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member = member
        self.statement: SettlementStatement | None = None
        self.done_statement: SettlementStatement | None = None
        self.resize(820, 720)
        outer = QVBoxLayout(self)
        scroll = ScrollBody()
        layout = QVBoxLayout(scroll.widget())
        layout.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        layout.addWidget(mark_data(heading(f"{member.number} · {member.name}")))
        fields = QFormLayout()
        self.reason = ChoiceBox(REASON_NAMES)
        self.on = DateField(clock.today())
        self.paid_from = ChoiceBox(INTO_NAMES)
        self.paid_to = mark_data(QLineEdit())
        self.note = mark_data(QLineEdit())
        self.labels: list[tuple[QLabel, str]] = []
        for title, widget in ((N_("Why"), self.reason), (N_("Date"), self.on),
                              (N_("Paid from"), self.paid_from),
                              (N_("Paid to (the heir, if she died)"), self.paid_to),
                              (N_("Note"), self.note)):
            label = QLabel()
            label.setBuddy(widget)
            fields.addRow(label, widget)
            self.labels.append((label, title))
        layout.addLayout(fields)
        self.statement_title = QLabel()
        self.statement_title.setObjectName("subheading")
        layout.addWidget(self.statement_title)
        self.figures = mark_data(QLabel())
        self.figures.setWordWrap(True)
        layout.addWidget(self.figures)
        self.debts_model = RowTableModel(debt_columns(self.ctx.money), self)
        self.debts = TableView(self.debts_model)
        layout.addWidget(self.debts, 1)
        self.problems = problems_label()
        outer.addWidget(self.problems)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton()
        self.settle_button = QPushButton()
        self.settle_button.setObjectName("dangerButton")
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.settle_button)
        outer.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.settle_button.clicked.connect(self.settle)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.preview)
        for combo in (self.reason, self.paid_from):
            combo.currentIndexChanged.connect(self._timer.start)
        self.on.textChanged.connect(self._timer.start)
        self.retranslate()
        self.preview()


    def preview(self) -> SettlementStatement | None:
        """Read the statement for the form as it is; nothing is written."""
        self.statement = None
        self.problems.setVisible(False)
        problems: list[UserError] = []
        on = read_date(self.on, problems)
        if problems:
            self._show_problems([str(p) for p in problems])
            return None
        member_id, reason, paid_from = (self.member.member_id, self.reason.currentData(),
                                        self.paid_from.currentData())
        try:
            statement = self.ctx.read(lambda s, a: savings_exits.settlement_statement(
                s, a, member_id=member_id, on=on, reason=reason, paid_from=paid_from))
        except UserError as error:
            self._show_problems([str(error)])
            return None
        self.statement = statement
        self.debts_model.set_rows(statement.debts)
        below_par = [_("The fund is worth less than its savings: her savings are worth "
                       "{worth} today, {cut} less (her part of the loss stays with the "
                       "group).").format(worth=self.ctx.money(statement.worth),
                                         cut=self.ctx.money(statement.below_par))] \
            if statement.below_par else []
        self.figures.setText("\n".join([
            _("Savings: {amount} ({shares} shares)").format(
                amount=self.ctx.money(statement.savings), shares=statement.shares),
            *below_par,
            _("Taken from her savings for what she owes: {amount}").format(
                amount=self.ctx.money(statement.netted)),
            _("Paid out: {amount}").format(amount=self.ctx.money(statement.payout)),
            _("Still owed after the settlement: {amount}").format(
                amount=self.ctx.money(statement.debt_left))]))
        if statement.problems:
            self._show_problems([str(p) for p in statement.problems])
        self.settle_button.setEnabled(not statement.problems)
        return statement

    def _show_problems(self, lines: list[str]) -> None:
        self.settle_button.setEnabled(False)
        self.problems.setText("\n".join("• " + line for line in lines))
        self.problems.setVisible(True)

    def settle(self) -> bool:
        statement = self.preview()
        if statement is None or statement.problems:
            return False
        what = _(REASON_NAMES[statement.reason])
        text = _("{what}: settle with {name} on {date}? Her savings of {savings} pay "
                 "{netted} of what she owes and {payout} is paid out. Her membership ends; "
                 "this cannot be undone.").format(
            what=what, name=statement.name, date=date_text(statement.on),
            savings=self.ctx.money(statement.savings), netted=self.ctx.money(statement.netted),
            payout=self.ctx.money(statement.payout))
        if not errors.confirm(self, text, confirm_text=_("Settle and pay"), danger=True):
            return False
        member_id, on, reason = statement.member_id, statement.on, statement.reason
        paid_from, paid_to, note = (self.paid_from.currentData(), self.paid_to.text(),
                                    self.note.text())
        outcome = self.ctx.run(
            self, lambda s, actor: savings_exits.settle_exit(
                s, actor, member_id=member_id, on=on, reason=reason, paid_from=paid_from,
                paid_to=paid_to, note=note),
            changed=SAVINGS_TOPICS | {"loans"},
            on_user_error=lambda error: self._show_problems([errors.error_text(error)]),
            message=lambda st: _("{name} is settled: {amount} paid out.").format(
                name=st.name, amount=self.ctx.money(st.payout)))
        if outcome:
            self.done_statement = outcome.value
            self.accept()
        return bool(outcome)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Leaving the group"))
        for label, title in self.labels:
            label.setText(_(title))
        self.reason.retranslate()
        self.paid_from.retranslate()
        self.statement_title.setText(_("Settlement statement"))
        self.cancel_button.setText(_("Cancel"))
        self.settle_button.setText(_("Settle and pay…"))
        self.debts_model.retranslate()
        if self.statement is not None:
            self.preview()

    @classmethod
    def ask(cls, parent, ctx: ScreenContext,  # noqa: ANN001
            member: MemberSavingsRow) -> SettlementStatement | None:
        dialog = cls(ctx, member, parent)
        return dialog.done_statement if dialog.exec() else None
