"""The NSSF screen's first tab: every enrolled member with her level, her status (read from
the months paid), the month she is covered through, what her pot holds and how many months
that pays, and what the loan fund advanced for her; the forms that change them."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.nssf_batch_dialogs import GrantDialog
from desktop.nssf_dialogs import (
    NSSF_TOPICS,
    AdvanceRepaymentDialog,
    EndContractDialog,
    EnrolDialog,
    LevelDialog,
    PotDepositDialog,
    PotWithdrawalDialog,
    SavingsTransferDialog,
    month_text,
)
from desktop.nssf_history import HistoryDialog
from desktop.permission_tips import allow
from desktop.widgets import (
    Column,
    TableView,
    button_row,
    data_note,
    date_text,
)
from models.core.i18n import N_, _
from models.core.permissions import Permission
from models.nssf import enrolment as enrolments
from models.nssf import pot
from models.nssf.enrolment import EnrolmentRow


@dataclass(frozen=True)
class MemberLine:
    row: EnrolmentRow
    pot: int
    months: int       # whole months the pot pays at her level
    advances: int


def read_lines(session, actor, group_id: int) -> list[MemberLine]:  # noqa: ANN001
    return [MemberLine(r, pot.pot_balance(session, group_id, r.member_id),
                       pot.projection(session, group_id, r.member_id, r.level),
                       pot.advance_owed(session, group_id, r.member_id))
            for r in enrolments.enrolments(session, actor, group_id)]


def status_text(row: EnrolmentRow) -> str:
    name = _(enrolments.STATUS_NAMES[row.status])
    if row.status == enrolments.IN_GRACE and row.pay_by:
        return _("{status}: pay by {month}").format(status=name, month=month_text(row.pay_by))
    return name


class MembersPanel(QWidget):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        money = ctx.money
        self.table = TableView.of([
            Column(N_("Number"), lambda m: m.row.member_number, right=True),
            Column(N_("Name"), lambda m: m.row.name, tip=True),
            Column(N_("Level"), lambda m: money(m.row.level), right=True),
            Column(N_("Status"), lambda m: status_text(m.row)),
            Column(N_("Covered through"), lambda m: month_text(m.row.covered_through)),
            Column(N_("In her pot"), lambda m: money(m.pot), right=True),
            Column(N_("Months it pays"), lambda m: m.months, right=True),
            Column(N_("Advances owed"), lambda m: money(m.advances) if m.advances else "",
                   right=True),
        ], self, stretch=(1,), selected=self._selected)
        self.model = self.table.table_model()
        layout.addWidget(self.table, 1)
        self.detail = data_note()
        layout.addWidget(self.detail)
        self.enrol_button = QPushButton()
        self.enrol_button.setObjectName("primaryButton")
        self.deposit_button = QPushButton()
        self.transfer_button = QPushButton()
        self.level_button = QPushButton()
        self.renew_button = QPushButton()
        self.history_button = QPushButton()
        self.withdraw_button = QPushButton()
        self.repay_button = QPushButton()
        self.end_button = QPushButton()
        self.grant_button = QPushButton()
        layout.addLayout(button_row(
            self.enrol_button, self.deposit_button, self.transfer_button, self.repay_button,
            self.level_button, self.renew_button, self.end_button, self.history_button,
            self.withdraw_button, self.grant_button))
        self.enrol_button.clicked.connect(self.enrol)
        self.deposit_button.clicked.connect(lambda: self._with_row(PotDepositDialog))
        self.transfer_button.clicked.connect(lambda: self._with_row(SavingsTransferDialog))
        self.level_button.clicked.connect(lambda: self._with_row(LevelDialog))
        self.history_button.clicked.connect(lambda: self._with_row(HistoryDialog))
        self.withdraw_button.clicked.connect(lambda: self._with_row(PotWithdrawalDialog))
        self.end_button.clicked.connect(lambda: self._with_row(EndContractDialog))
        self.repay_button.clicked.connect(lambda: self._with_row(AdvanceRepaymentDialog))
        self.renew_button.clicked.connect(self.renew)
        self.grant_button.clicked.connect(lambda: GrantDialog.ask(self, self.ctx))
        self.table.row_activated.connect(lambda _line: self._with_row(HistoryDialog))
        self.may_record = self.may_manage = False

    def retranslate(self) -> None:
        self.model.retranslate()
        self.enrol_button.setText(_("Enrol a member…"))
        self.deposit_button.setText(_("Money into her pot…"))
        self.transfer_button.setText(_("From her savings…"))
        self.level_button.setText(_("Change level…"))
        self.renew_button.setText(_("Renew contract"))
        self.history_button.setText(_("Her history…"))
        self.withdraw_button.setText(_("Money out of her pot…"))
        self.repay_button.setText(_("Repay advance…"))
        self.end_button.setText(_("End contract…"))
        self.grant_button.setText(_("Grant to the subsidy fund…"))
        self._selected()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        chosen = self.selected()
        lines = run_query(self.ctx, self, lambda s, a: read_lines(s, a, gid), [])
        self.model.set_rows(lines)
        ids = [line.row.id for line in lines]
        if chosen is not None and chosen.id in ids:
            self.table.selectRow(ids.index(chosen.id))
        else:
            self.table.select_first()
        self.may_record = self.ctx.can(Permission.RECORD)
        self.may_manage = self.ctx.can(Permission.MANAGE_MEMBERS)
        allow(self.enrol_button, self.ctx, Permission.MANAGE_MEMBERS, may=self.may_manage)
        allow(self.grant_button, self.ctx, Permission.RECORD, may=self.may_record)
        self._selected()

    def selected(self) -> EnrolmentRow | None:
        line = self.table.selected_row()
        return line.row if line is not None else None

    def select_member(self, member_id: int) -> None:
        for index, line in enumerate(self.model.rows):
            if line.row.member_id == member_id:
                self.table.selectRow(index)

    def _selected(self, *_args: object) -> None:
        row = self.selected()
        running = row is not None and row.status in (enrolments.ACTIVE, enrolments.IN_GRACE) \
            and row.ended_on is None
        none = _("Choose a member in the list first.")
        allow(self.deposit_button, self.ctx, Permission.RECORD, may=self.may_record,
              also=row is not None, why_not=none)
        allow(self.transfer_button, self.ctx, Permission.RECORD, may=self.may_record,
              also=row is not None, why_not=none)
        allow(self.level_button, self.ctx, Permission.MANAGE_MEMBERS, may=self.may_manage,
              also=running, why_not=none if row is None else _("Her contract is not running."))
        allow(self.renew_button, self.ctx, Permission.MANAGE_MEMBERS, may=self.may_manage,
              also=running and row.renewal_due,
              why_not=_("A contract is renewed in its last months."))
        self.history_button.setEnabled(row is not None)
        allow(self.end_button, self.ctx, Permission.MANAGE_MEMBERS, may=self.may_manage,
              also=row is not None and row.ended_on is None,
              why_not=none if row is None else _("Her contract has already ended."))
        line = self.table.selected_row()
        allow(self.withdraw_button, self.ctx, Permission.RECORD, may=self.may_record,
              also=line is not None and line.pot > 0,
              why_not=none if row is None else _("Her pot is empty."))
        allow(self.repay_button, self.ctx, Permission.RECORD, may=self.may_record,
              also=line is not None and line.advances > 0,
              why_not=none if row is None else _("She owes no NSSF advance."))
        self.detail.setText(self._detail(row) if row is not None else "")

    def _detail(self, row: EnrolmentRow) -> str:
        text = _("{name} · social-security number {number} · hospital: {hospital} · enrolled "
                 "{date} · contract {start} to {end}").format(
                     name=row.name, number=row.ss_number, hospital=row.hospital,
                                 date=date_text(row.enrolled_on),
                                 start=month_text(row.contract_start),
                                 end=month_text(row.contract_end))
        if row.renewal_due:
            text += " · " + _("the contract ends soon: renew it")
        return text

    def _with_row(self, dialog) -> None:  # noqa: ANN001
        row = self.selected()
        if row is not None:
            dialog.ask(self, self.ctx, row)

    def enrol(self) -> None:
        row = self.selected()
        again = row is not None and row.status in (enrolments.LAPSED, enrolments.ENDED)
        saved = EnrolDialog.ask(self, self.ctx, row.member_id if again else None)
        if saved is not None:
            self.select_member(saved.member_id)

    def renew(self) -> None:
        row = self.selected()
        if row is None:
            return
        enrolment_id = row.id
        self.ctx.run(self, lambda s, actor: enrolments.renew_contract(
            s, actor, enrolment_id=enrolment_id), changed=NSSF_TOPICS,
            message=lambda r: _("{name}'s contract now runs to {month}.").format(
                name=r.name, month=month_text(r.contract_end)))
