"""The share-out, step by step: the day and the method → what each member gets (shares,
payout, what she owes taken from it, the rounding residue said in so many words) → what
members re-invest in the next cycle (all, none, or each her own amount) and put into her
NSSF pot → a last look → posted exactly as previewed. Each member's NSSF pot shows beside
her payout: kept for her, or paid out with her share (the group's rule). A dialog of our
own rather than ``QWizard``, whose buttons Qt names in English only; the re-investment
table is ``shareout_reinvest.ReinvestModel``."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.context import ScreenContext
from desktop.shareout_reinvest import ReinvestModel
from desktop.widgets.fields import ChoiceBox, DateField, read_date
from desktop.widgets.labels import date_text, heading, mark_data, problems_label
from desktop.widgets.layout import FittedDialog
from desktop.widgets.tables import ROW_HEIGHT, Column, RowTableModel, TableView
from models.core import clock
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.money import format_fraction
from models.savings import member_funds, shareout_posting, shareout_preview, shareout_records
from models.savings.rules import (
    LOAN_POLICY_NAMES,
    SHAREOUT_METHOD_NAMES,
    SHAREOUT_METHODS,
    VALUE_PER_SHARE,
    rules,
)
from models.savings.shareout_preview import ShareOutPreview
from models.savings.shareout_records import shows_pots

SHAREOUT_TOPICS = {"shareout", "savings", "journal", "cash", "loans", "meetings"}
STEPS = (N_("Day and method"), N_("What each member gets"), N_("What members re-invest"),
         N_("Check and post"))
ALL, NONE, EACH = shareout_preview.ALL, shareout_preview.NONE, "each"


def payout_columns(money) -> list[Column]:  # noqa: ANN001
    return [
        Column(N_("Number"), lambda r: r.number, right=True),
        Column(N_("Member"), lambda r: r.name),
        Column(N_("Savings"), lambda r: money(r.savings), right=True),
        Column(N_("Shares"), lambda r: r.shares, right=True),
        Column(N_("Payout"), lambda r: money(r.payout), right=True),
        Column(N_("Profit"), lambda r: money(r.profit), right=True),
        Column(N_("For her debts"), lambda r: money(r.netted) if r.netted else "",
               right=True),
        Column(N_("Still owed"), lambda r: money(r.debt_left) if r.debt_left else "",
               right=True),
        Column(N_("Hers after debts"), lambda r: money(r.net), right=True),
        *pot_columns(money),
    ]


def pots_used(rows) -> tuple[bool, bool, bool]:  # noqa: ANN001
    """Which of the pot columns (paid out, put in, kept) have a figure: only those show."""
    return (any(r.fund_paid for r in rows), any(r.topped_up for r in rows),
            any(r.fund_kept for r in rows))


def pot_columns(money) -> list[Column]:  # noqa: ANN001
    """Her NSSF pot beside her payout (the last three columns of ``payout_columns``)."""
    return [
        Column(N_("NSSF pot paid out"),
               lambda r: money(r.fund_paid) if r.fund_paid else "", right=True),
        Column(N_("Into her NSSF pot"),
               lambda r: money(r.topped_up) if r.topped_up else "", right=True),
        Column(N_("NSSF pot kept"),
               lambda r: money(r.fund_kept) if r.fund_kept else "", right=True),
    ]


class ShareOutWizard(FittedDialog):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: ShareOutPreview | None = None
        self.posted: ShareOutPreview | None = None
        self.resize(1120, 760)
        layout = QVBoxLayout(self)
        self.step_label = heading()
        layout.addWidget(self.step_label)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)
        self.problems = problems_label()
        layout.addWidget(self.problems)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.back_button = QPushButton()
        self.next_button = QPushButton()
        self.next_button.setObjectName("primaryButton")
        self.next_button.setDefault(True)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._build_method_page()
        self._build_preview_page()
        self._build_carry_page()
        self._build_confirm_page()
        self.cancel_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self._timer.timeout.connect(self.compute)
        self.retranslate()
        self.go(0)

    # -- pages --------------------------------------------------------------------------

    def _build_method_page(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        gid = self.ctx.group_id
        r = self.ctx.read(lambda s, a: rules(s, gid, clock.today()))
        self.rules = r
        self.day = DateField(clock.today())
        self.method = ChoiceBox(SHAREOUT_METHOD_NAMES, SHAREOUT_METHODS)
        self.method.choose(r.shareout_method)
        self.day_label, self.method_label = QLabel(), QLabel()
        self.day_label.setBuddy(self.day)
        self.method_label.setBuddy(self.method)
        form.addRow(self.day_label, self.day)
        form.addRow(self.method_label, self.method)
        self.method_rules = QLabel()
        self.method_rules.setWordWrap(True)
        form.addRow(self.method_rules)
        self.pages.addWidget(page)

    def _build_preview_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.figures = mark_data(QLabel())
        self.figures.setWordWrap(True)
        layout.addWidget(self.figures)
        self.residue = mark_data(QLabel())
        self.residue.setWordWrap(True)
        self.residue.setObjectName("subheading")
        layout.addWidget(self.residue)
        self.rows_model = RowTableModel(payout_columns(self.ctx.money), self)
        self.rows_table = TableView(self.rows_model)
        layout.addWidget(self.rows_table, 1)
        self.debts = mark_data(QLabel())
        self.debts.setWordWrap(True)
        layout.addWidget(self.debts)
        self.pages.addWidget(page)

    def _build_carry_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.carry_intro = QLabel()
        self.carry_intro.setWordWrap(True)
        layout.addWidget(self.carry_intro)
        self.carry_group = QButtonGroup(self)
        self.carry_buttons: dict[str, QRadioButton] = {}
        for key in (ALL, NONE, EACH):
            button = QRadioButton()
            self.carry_group.addButton(button)
            self.carry_buttons[key] = button
            layout.addWidget(button)
        self.carry_buttons[ALL].setChecked(True)
        self.reinvest_model = ReinvestModel(self)
        self.reinvest_model.changed_callback = self._timer.start
        self.reinvest_model.error_callback = self._show_problems
        self.reinvest_table = QTableView()
        self.reinvest_table.setModel(self.reinvest_model)
        self.reinvest_table.verticalHeader().setVisible(False)
        self.reinvest_table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.reinvest_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.reinvest_table.horizontalHeader().setMinimumSectionSize(120)
        self.reinvest_table.setAlternatingRowColors(True)
        self.reinvest_table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                            | QAbstractItemView.EditTrigger.DoubleClicked
                                            | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.reinvest_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        layout.addWidget(self.reinvest_table, 1)
        for button in self.carry_buttons.values():
            button.toggled.connect(self._carry_changed)
        self.carry_totals = mark_data(QLabel())
        self.carry_totals.setWordWrap(True)
        self.carry_totals.setObjectName("subheading")
        layout.addWidget(self.carry_totals)
        self.pages.addWidget(page)

    def _build_confirm_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.final = mark_data(QLabel())
        self.final.setWordWrap(True)
        self.final.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.final, 1)
        self.pages.addWidget(page)

    # -- the figures --------------------------------------------------------------------
    def carry_over(self) -> shareout_preview.CarryOver:
        if self.carry_buttons[NONE].isChecked():
            return NONE
        if self.carry_buttons[EACH].isChecked():
            return self.reinvest_model.amounts()
        return ALL

    def compute(self) -> ShareOutPreview | None:
        """The preview for the form as it is (nothing is written)."""
        self._timer.stop()
        self.problems.setVisible(False)
        problems: list[UserError] = []
        on = read_date(self.day, problems)
        if problems:
            self._show_problems([str(p) for p in problems])
            return None
        gid, method, carry = self.ctx.group_id, self.method.currentData(), self.carry_over()
        top_ups = self.reinvest_model.top_ups()
        try:
            preview = self.ctx.read(lambda s, a: shareout_preview.preview_share_out(
                s, a, group_id=gid, on=on, method=method, carry_over=carry, top_ups=top_ups))
        except UserError as error:
            self.preview = None
            self._show_problems([str(error)])
            return None
        self.preview = preview
        self.rows_model.set_rows(preview.rows)
        pots = shows_pots(preview.rows) or self._pots_open(preview)
        first_pot = len(payout_columns(self.ctx.money)) - len(pot_columns(self.ctx.money))
        for column, used in enumerate(pots_used(preview.rows), start=first_pot):
            self.rows_table.setColumnHidden(column, not used)
        self.reinvest_model.pot_editable = pots
        self.reinvest_table.setColumnHidden(ReinvestModel.POT, not pots)
        if not self.carry_buttons[EACH].isChecked():
            self.reinvest_model.load(list(preview.rows), self.ctx.currency(), None)
        self._show_figures()
        if preview.problems:
            self._show_problems([str(p) for p in preview.problems])
        self._update_buttons()
        return preview

    def _pots_open(self, preview: ShareOutPreview) -> bool:
        """Whether members of this group can put part of a payout into an NSSF pot."""
        member = next((r.member_id for r in preview.rows if r.net > 0), None)
        return member is not None and self.ctx.read(
            lambda s, a: member_funds.top_up_problem(s, member, preview.on)) is None

    def _show_problems(self, lines: list[str]) -> None:
        self.problems.setText("\n".join("• " + line for line in lines))
        self.problems.setVisible(True)
        self._update_buttons()

    def _show_figures(self) -> None:
        p = self.preview
        if p is None:
            return
        lines = [_("Cycle {number}, from {start} to {end} · {method}").format(
            number=p.cycle.number, start=date_text(p.cycle.start_date), end=date_text(p.on),
            method=_(SHAREOUT_METHOD_NAMES[p.method])),
            _("To share out (the loan fund): {fund} = savings {savings} + profit {profit}")
            .format(fund=self.ctx.money(p.distributable), savings=self.ctx.money(p.total_savings),
                    profit=self.ctx.money(p.profit))]
        if p.method == VALUE_PER_SHARE and p.total_shares:
            lines.append(_("{shares} shares · value of one share: {value}").format(
                shares=p.total_shares,
                value=format_fraction(p.value_per_share, self.ctx.currency())))
        if p.loan_interest:
            lines.append(_("Interest and fees the payouts paid on loans: {amount}").format(
                amount=self.ctx.money(p.loan_interest)))
        self.figures.setText("\n".join(lines))
        owed = shareout_records.debt_lines(p.rows, self.ctx.money)
        self.debts.setText("\n".join([_("Paid from payouts first (no cash until her debts "
                                        "are cleared):"), *owed]) if owed else "")
        self.debts.setVisible(bool(owed))
        self.residue.setText(_("Rounding residue: {amount}. Payouts are rounded down to "
                               "{step}; the residue stays in the group's reserve and starts "
                               "the next cycle.").format(amount=self.ctx.money(p.residue),
                                                         step=self.ctx.money(p.round_to)))
        self.carry_totals.setText(_("Re-invested: {reinvest} · cash paid out: {cash} · the box "
                                    "holds {held}").format(
            reinvest=self.ctx.money(p.total_reinvest), cash=self.ctx.money(p.total_cash_in_hand),
            held=self.ctx.money(p.cash_held)))
        pots = []
        if shows_pots(p.rows):
            pots = [_("Put into NSSF pots from payouts: {amount}").format(
                        amount=self.ctx.money(p.total_topped_up)),
                    _("NSSF pots paid out with the shares: {amount}").format(
                        amount=self.ctx.money(p.total_fund_paid)),
                    _("NSSF pots kept for members into the next cycle: {amount}").format(
                        amount=self.ctx.money(p.total_fund_kept))]
        self.final.setText("\n".join([
            _("Share out cycle {number} on {date}.").format(number=p.cycle.number,
                                                           date=date_text(p.on)),
            _(SHAREOUT_METHOD_NAMES[p.method]), "",
            _("Payouts: {amount}").format(amount=self.ctx.money(p.total_payout)),
            _("Taken for what members owe: {amount}").format(amount=self.ctx.money(p.total_netted)),
            _("Re-invested in cycle {number}: {amount}").format(
                number=p.cycle.number + 1, amount=self.ctx.money(p.total_reinvest)),
            *pots,
            _("Cash paid out from the box: {amount}").format(
                amount=self.ctx.money(p.total_cash_in_hand)),
            _("Rounding residue kept for the next cycle: {amount}").format(
                amount=self.ctx.money(p.residue)),
            _("The next cycle starts on {date} at {price} a share.").format(
                date=date_text(p.on), price=self.ctx.money(p.next_share_price)), "",
            _("This closes the cycle and cannot be undone.")]))

    def _carry_changed(self, checked: bool) -> None:
        if not checked:
            return
        each = self.carry_buttons[EACH].isChecked()
        self.reinvest_model.reinvest_editable = each
        if each and self.preview is not None:
            self.reinvest_model.load(list(self.preview.rows), self.ctx.currency(),
                                     self.reinvest_model.amounts() or None)
        self.compute()

    # -- moving -------------------------------------------------------------------------
    def step(self) -> int:
        return self.pages.currentIndex()

    def go(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        self.step_label.setText(_("Step {step} of {steps}: {title}").format(
            step=step + 1, steps=len(STEPS), title=_(STEPS[step])))
        if step > 0:
            self.compute()
        else:
            self.problems.setVisible(False)
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.step()
        self.back_button.setEnabled(step > 0)
        last = step == len(STEPS) - 1
        self.next_button.setText(_("Post the share-out…") if last else _("Next"))
        blocked = step >= 2 and (self.preview is None or bool(self.preview.problems))
        self.next_button.setEnabled(not blocked and (step == 0 or self.preview is not None))

    def back(self) -> None:
        if self.step() > 0:
            self.go(self.step() - 1)

    def next(self) -> None:
        if self.step() < len(STEPS) - 1:
            self.go(self.step() + 1)
        else:
            self.post()

    def post(self) -> bool:
        preview = self.compute()
        if preview is None or preview.problems:
            return False
        if not errors.confirm(self, _("Share out cycle {number} now? Every member's payout is "
                                      "recorded and the cycle is closed.").format(
                number=preview.cycle.number), confirm_text=_("Post the share-out"),
                danger=True):
            return False
        gid, on, method, carry = self.ctx.group_id, preview.on, preview.method, self.carry_over()
        seq, top_ups = preview.ledger_seq, self.reinvest_model.top_ups()
        outcome = self.ctx.run(
            self, lambda s, actor: shareout_posting.post_share_out(
                s, actor, group_id=gid, on=on, method=method, carry_over=carry,
                top_ups=top_ups, preview_seq=seq),
            changed=SHAREOUT_TOPICS,
            on_user_error=lambda error: self._show_problems([errors.error_text(error)]),
            message=lambda p: _("Cycle {number} is shared out; cycle {next} has begun.").format(
                number=p.cycle.number, next=p.cycle.number + 1))
        if outcome:
            self.posted = outcome.value
            self.accept()
        return bool(outcome)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Share-out"))
        self.cancel_button.setText(_("Cancel"))
        self.back_button.setText(_("Back"))
        self.day_label.setText(_("Day of the share-out"))
        self.method_label.setText(_("How to divide the fund"))
        self.method.retranslate()
        r = self.rules
        self.method_rules.setText("\n".join([
            _("Loans still owed: {policy}.").format(policy=_(LOAN_POLICY_NAMES[r.shareout_loans])),
            _("Payouts are rounded down to {step}.").format(
                step=self.ctx.money(r.shareout_round_to)),
            _("Only the loan fund is shared out; the welfare fund stays with the group.")]))
        self.carry_intro.setText(_("What each member gets can go into the next cycle as new "
                                   "savings (whole shares) or home in cash. A member of the "
                                   "NSSF scheme may also put part of it into her NSSF pot."))
        self.carry_buttons[ALL].setText(_("Everyone re-invests all that buys whole shares"))
        self.carry_buttons[NONE].setText(_("Everyone takes everything home"))
        self.carry_buttons[EACH].setText(_("Each member says how much she re-invests"))
        self.rows_model.retranslate()
        self.reinvest_model.retranslate()
        self.go(self.step())

    @classmethod
    def ask(cls, parent, ctx: ScreenContext) -> ShareOutPreview | None:  # noqa: ANN001
        dialog = cls(ctx, parent)
        return dialog.posted if dialog.exec() else None
