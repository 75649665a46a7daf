"""Savings: every member's savings and shares with what she owes and what her loans keep
saved; deposits and withdrawals outside meetings (under the group's rules), notice of a
withdrawal, settling with a member who leaves or died, and bringing in an existing group's
opening balances."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.permission_tips import allow, set_tip
from desktop.savings_dialogs import (
    DepositDialog,
    ExitDialog,
    NoticeDialog,
    WithdrawalDialog,
    rules_text,
)
from desktop.savings_import import OpeningImportDialog
from desktop.screens import Section
from desktop.widgets.labels import heading, mark_data
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock
from models.core.i18n import N_, _
from models.core.members import STATUS_NAMES
from models.core.permissions import Permission
from models.savings import accounts as savings
from models.savings.rules import MODE_NAMES, SavingsRules, rules


class SavingsScreen(Screen):
    topics = ("savings", "meetings", "members", "journal", "loans", "settings", "cash")

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rules: SavingsRules | None = None
        self.permissions: set[Permission] = set()
        layout = QVBoxLayout(self)
        self.title = heading()
        layout.addWidget(self.title)
        self.rules_label = mark_data(QLabel())
        self.rules_label.setWordWrap(True)
        layout.addWidget(self.rules_label)
        self.model = RowTableModel([
            Column(N_("Number"), lambda r: r.number, right=True),
            Column(N_("Name"), lambda r: r.name),
            Column(N_("Status"), lambda r: _(STATUS_NAMES.get(r.status, r.status))),
            Column(N_("Savings"), lambda r: self.ctx.money(r.savings), right=True),
            Column(N_("Shares"), lambda r: r.shares if self.rules and self.rules.is_shares
                   else "", right=True),
            Column(N_("Unpaid fines"), lambda r: self.ctx.money(r.fines_owed) if r.fines_owed
                   else "", right=True),
            Column(N_("Loan still owed"), lambda r: self.ctx.money(r.loan_principal)
                   if r.loan_principal else "", right=True),
            Column(N_("Kept for her loans"), lambda r: self.ctx.money(r.secured) if r.secured
                   else "", right=True),
        ], self)
        self.table = TableView(self.model)
        layout.addWidget(self.table, 1)
        self.totals = mark_data(QLabel())
        self.totals.setObjectName("subheading")
        layout.addWidget(self.totals)
        buttons = QHBoxLayout()
        self.deposit_button = QPushButton()
        self.deposit_button.setObjectName("primaryButton")
        self.withdraw_button = QPushButton()
        self.notice_button = QPushButton()
        self.exit_button = QPushButton()
        self.exit_button.setObjectName("dangerButton")
        self.import_button = QPushButton()
        self.rules_button = QPushButton()
        for button in (self.deposit_button, self.withdraw_button, self.notice_button,
                       self.exit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.rules_button)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        self.deposit_button.clicked.connect(self.deposit)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.notice_button.clicked.connect(self.notice)
        self.exit_button.clicked.connect(self.settle_exit)
        self.import_button.clicked.connect(self.bring_in)
        self.rules_button.clicked.connect(self.show_rules)
        self.table.row_activated.connect(lambda row: self.deposit())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.retranslate()

    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.model.set_rows([])
            return
        self.permissions = {p for p in (Permission.RECORD, Permission.MANAGE_MEMBERS)
                            if self.ctx.can(p)}
        selected = self.table.selected_row()
        found = run_query(self.ctx, self, lambda s, a: (
            rules(s, gid, clock.today()), savings.member_savings(s, a, gid)), None)
        if found is None:
            return
        self.rules, rows = found
        self.model.set_rows(rows)
        ids = [r.member_id for r in rows]
        if selected is not None and selected.member_id in ids:
            self.table.selectRow(ids.index(selected.member_id))
        else:
            self.table.select_first()
        self._show_texts()
        self._update_buttons()

    def _show_texts(self) -> None:
        r = self.rules
        if r is None:
            return
        parts = [_(MODE_NAMES[r.mode]), rules_text(r, self.ctx.money)]
        if r.withdrawals_allowed:
            parts.append(_("Withdrawals are allowed during the cycle."))
        else:
            parts.append(_("No withdrawals during the cycle; savings come back at the "
                           "share-out."))
        self.rules_label.setText(" ".join(parts))
        rows = self.model.rows
        total = sum(row.savings for row in rows)
        text = _("Savings in all: {amount}").format(amount=self.ctx.money(total))
        if r.is_shares:
            text += " · " + _("shares: {count}").format(count=sum(row.shares for row in rows))
        self.totals.setText(text)

    def selected(self) -> savings.MemberSavingsRow | None:
        return self.table.selected_row()

    def _update_buttons(self, *_args: object) -> None:
        row = self.selected()
        active = row is not None and row.status == "active"
        may_record = Permission.RECORD in self.permissions
        allowed = self.rules is not None and self.rules.withdrawals_allowed
        allow(self.deposit_button, self.ctx, Permission.RECORD, may=may_record, also=active)
        allow(self.withdraw_button, self.ctx, Permission.RECORD, may=may_record,
              also=active and allowed and row.savings > 0,
              why_not="" if allowed or not active else _(
                  "The group's savings rules allow no withdrawals during the cycle."))
        self.notice_button.setVisible(bool(self.rules and allowed
                                           and self.rules.withdrawal_notice_days))
        allow(self.notice_button, self.ctx, Permission.RECORD, may=may_record, also=active)
        allow(self.exit_button, self.ctx, Permission.RECORD, may=may_record,
              also=active and Permission.MANAGE_MEMBERS in self.permissions)
        allow(self.import_button, self.ctx, Permission.RECORD, may=may_record,
              also=Permission.MANAGE_MEMBERS in self.permissions)

    def select_member(self, member_id: int) -> None:
        ids = [r.member_id for r in self.model.rows]
        if member_id in ids:
            self.table.selectRow(ids.index(member_id))

    # -- actions ------------------------------------------------------------------------
    def deposit(self) -> None:
        row = self.selected()
        if row is not None and self.deposit_button.isEnabled():
            DepositDialog.ask(self, self.ctx, row)
            self.select_member(row.member_id)

    def withdraw(self) -> None:
        row = self.selected()
        if row is not None and self.withdraw_button.isEnabled():
            WithdrawalDialog.ask(self, self.ctx, row)
            self.select_member(row.member_id)

    def notice(self) -> None:
        row = self.selected()
        if row is not None and self.notice_button.isEnabled():
            NoticeDialog.ask(self, self.ctx, row)

    def settle_exit(self) -> None:
        row = self.selected()
        if row is not None and self.exit_button.isEnabled():
            ExitDialog.ask(self, self.ctx, row)
            self.select_member(row.member_id)

    def show_rules(self) -> None:
        """The dated savings rules: administrators change them, everyone may read them."""
        from desktop.screens.savings_rules_dialog import SavingsRulesDialog

        if self.ctx.group_id is not None:
            SavingsRulesDialog.ask(self, self.ctx)

    def bring_in(self) -> None:
        if self.import_button.isEnabled():
            OpeningImportDialog.ask(self, self.ctx)

    def retranslate(self) -> None:
        self.title.setText(_("Savings"))
        self.deposit_button.setText(_("Deposit…"))
        self.withdraw_button.setText(_("Withdraw…"))
        self.notice_button.setText(_("Notice of a withdrawal…"))
        self.exit_button.setText(_("Leaving the group…"))
        self.import_button.setText(_("Bring in an existing group…"))
        self.rules_button.setText(_("Savings rules…"))
        set_tip(self.deposit_button, _("Or press Enter on a member"))
        self.model.retranslate()
        self._show_texts()


SECTION = Section("savings", title=N_("Savings"), order=35, factory=SavingsScreen,
                  permission=Permission.READ)
