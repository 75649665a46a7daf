"""Welfare fund: claims (record → rule check → leaders approve → pay → voucher), members'
contributions and standing, the fund month by month, claim types and settings."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.actions import run_query
from desktop.context import ScreenContext
from desktop.permission_tips import allow, refusal
from desktop.screens import Section
from desktop.screens.welfare_dialogs import (
    ClaimDialog,
    ContributionDialog,
    PayDialog,
    RejectDialog,
    RuleCheckTable,
    save_voucher,
)
from desktop.screens.welfare_setup import ClaimTypesPanel, SettingsPanel
from desktop.widgets.fields import ChoiceBox
from desktop.widgets.labels import date_text, heading, mark_data
from desktop.widgets.screen import Screen
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock
from models.core.clock import add_months
from models.core.i18n import N_, _
from models.core.permissions import Permission
from models.welfare import (
    approval as welfare_approval,
)
from models.welfare import (
    claims as welfare_claims,
)
from models.welfare import (
    fund as welfare_fund,
)
from models.welfare import (
    register as welfare_register,
)
from models.welfare import (
    types as welfare_types,
)
from models.welfare.rules import BENEFICIARY_NAMES, RuleResult

FILTERS = {"": N_("All claims"), **welfare_register.STATUS_NAMES}


@dataclass(frozen=True)
class WelfareView:
    """Everything the screen shows, read in one session."""

    position: welfare_fund.FundPosition
    claims: list[welfare_register.ClaimRow]
    types: list[welfare_types.ClaimTypeRow]
    settings: welfare_fund.WelfareSettings
    standing: list[welfare_fund.StandingRow]
    this_year: list[welfare_register.MemberClaims]
    history: list[welfare_fund.FundMonth]


def read_view(session, actor, group_id: int, status: str | None) -> WelfareView:  # noqa: ANN001
    today = clock.today()
    return WelfareView(
        welfare_fund.fund_position(session, group_id),
        welfare_register.claims_register(session, actor, group_id, status=status),
        welfare_types.claim_types(session, actor, group_id),
        welfare_fund.welfare_settings(session, group_id),
        welfare_fund.members_not_in_good_standing(session, actor, group_id),
        welfare_register.claims_by_member(session, actor, group_id, year=today.year),
        welfare_fund.fund_history(session, actor, group_id,
                                  start=add_months(today.replace(day=1), -11), end=today))


def _beneficiary(c: welfare_register.ClaimRow) -> str:
    who = _(BENEFICIARY_NAMES.get(c.beneficiary, c.beneficiary))
    return f"{who}: {c.beneficiary_name}" if c.beneficiary_name else who


class WelfareScreen(Screen):
    topics = ("welfare", "journal", "members", "settings", "meetings")

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        self.title = heading()
        layout.addWidget(self.title)
        self.summary = mark_data(QLabel())
        self.summary.setObjectName("subheading")
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_claims_tab()
        self._build_members_tab()
        self._build_history_tab()
        self.types_panel = ClaimTypesPanel(ctx)
        self.tabs.addTab(self.types_panel, "")
        self.settings_panel = SettingsPanel(ctx)
        self.tabs.addTab(self.settings_panel, "")
        self.view: WelfareView | None = None
        self.permissions: set[Permission] = set()
        self.retranslate()

    # -- building ---------------------------------------------------------------------
    def _build_claims_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        tools = QHBoxLayout()
        self.filter_label = QLabel()
        self.status_filter = ChoiceBox(FILTERS)
        tools.addWidget(self.filter_label)
        tools.addWidget(self.status_filter)
        tools.addStretch(1)
        layout.addLayout(tools)
        self.claims_model = RowTableModel([
            Column(N_("Number"), lambda c: c.number, right=True),
            Column(N_("Event date"), lambda c: date_text(c.event_date)),
            Column(N_("Member"), lambda c: c.member_name, tip=True),
            Column(N_("Kind"), lambda c: c.type_label, tip=True),
            Column(N_("For"), _beneficiary, tip=True),
            Column(N_("Asked"), lambda c: self.ctx.money(c.amount_asked), right=True),
            Column(N_("Paid"), lambda c: self.ctx.money(c.paid), right=True),
            Column(N_("Owed"), lambda c: self.ctx.money(c.owed) if c.owed else "",
                   right=True),
            Column(N_("Status"), lambda c: c.status_label),
            Column(N_("Approvals"), lambda c: (f"{len(c.approvals)} / {c.approvals_needed}"
                                               if c.status in ("pending", "approved")
                                               else str(len(c.approvals)))),
        ], self)
        self.claims = TableView(self.claims_model)
        # Ten columns: the three text ones give way (whole text in their tooltip), so the
        # money, status and approvals stay in sight on a laptop screen.
        self.claims.stretch_column(2, 3, 4)
        # The list above, the chosen claim's details and rule check below; the treasurer
        # can drag the divider.
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.claims)
        # The claim's details beside its rule check, so the list keeps most of the height.
        below = QWidget()
        below_layout = QHBoxLayout(below)
        below_layout.setContentsMargins(0, 4, 0, 0)
        self.detail = mark_data(QLabel())
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        below_layout.addWidget(self.detail, 2)
        self.check = RuleCheckTable(self, rows=2)
        below_layout.addWidget(self.check, 3)
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton()
        self.new_button.setObjectName("primaryButton")
        self.approve_button = QPushButton()
        self.reject_button = QPushButton()
        self.reject_button.setObjectName("dangerButton")
        self.pay_button = QPushButton()
        self.pay_owed_button = QPushButton()
        self.voucher_button = QPushButton()
        for button in (self.new_button, self.approve_button, self.reject_button,
                       self.pay_button, self.pay_owed_button, self.voucher_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.tabs.addTab(tab, "")
        self.status_filter.currentIndexChanged.connect(self.refresh)
        self.claims.selectionModel().selectionChanged.connect(self._claim_selected)
        self.new_button.clicked.connect(self.new_claim)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject)
        self.pay_button.clicked.connect(lambda: self.pay(owed=False))
        self.pay_owed_button.clicked.connect(lambda: self.pay(owed=True))
        self.voucher_button.clicked.connect(self.voucher)

    def _build_members_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.standing_title = QLabel()
        self.standing_title.setObjectName("subheading")
        layout.addWidget(self.standing_title)
        self.standing_model = RowTableModel([
            Column(N_("Number"), lambda r: r.number, right=True),
            Column(N_("Name"), lambda r: r.name),
            Column(N_("Behind by"), lambda r: self.ctx.money(r.contributions_behind), right=True),
            Column(N_("Contributions missed"), lambda r: r.contributions_missed, right=True),
            Column(N_("Overdue loans"), lambda r: r.overdue_loans, right=True),
        ], self)
        standing_view = TableView(self.standing_model)
        standing_view.stretch_column(1)  # the name takes the spare width
        layout.addWidget(standing_view, 1)
        self.year_title = QLabel()
        self.year_title.setObjectName("subheading")
        layout.addWidget(self.year_title)
        self.year_model = RowTableModel([
            Column(N_("Member"), lambda r: r.member_name),
            Column(N_("Kind of claim"), lambda r: r.type_label),
            Column(N_("Claims"), lambda r: r.claims, right=True),
            Column(N_("Amount asked"), lambda r: self.ctx.money(r.asked), right=True),
            Column(N_("Granted"), lambda r: self.ctx.money(r.granted), right=True),
            Column(N_("Paid"), lambda r: self.ctx.money(r.paid), right=True),
        ], self)
        year_view = TableView(self.year_model)
        year_view.stretch_column(0)  # the name takes the spare width
        layout.addWidget(year_view, 1)
        row = QHBoxLayout()
        self.contribution_button = QPushButton()
        self.contribution_button.clicked.connect(self.record_contribution)
        row.addWidget(self.contribution_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.tabs.addTab(tab, "")

    def _build_history_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.history_model = RowTableModel([
            Column(N_("Month"), lambda m: m.month.strftime("%m/%Y")),
            Column(N_("Contributions"), lambda m: self.ctx.money(m.contributions), right=True),
            Column(N_("Benefits granted"), lambda m: self.ctx.money(m.granted), right=True),
            Column(N_("Paid out"), lambda m: self.ctx.money(m.paid), right=True),
            Column(N_("Owed at the month's end"), lambda m: self.ctx.money(m.owed), right=True),
            Column(N_("Fund at the month's end"), lambda m: self.ctx.money(m.balance), right=True),
        ], self)
        history_view = TableView(self.history_model)
        history_view.stretch_column()  # money side by side, sized to their numbers
        layout.addWidget(history_view, 1)
        self.tabs.addTab(tab, "")

    # -- reading ----------------------------------------------------------------------
    def refresh(self) -> None:
        gid = self.ctx.group_id
        if gid is None:
            self.view = None
            for model in self.findChildren(RowTableModel):
                model.set_rows([])
            return
        self.permissions = {p for p in (Permission.RECORD, Permission.APPROVE,
                                        Permission.CHANGE_SETTINGS) if self.ctx.can(p)}
        self._ensure_claim_types(gid)
        status = self.status_filter.currentData() or None
        selected = self.claims.selected_row()
        view = run_query(self.ctx, self, lambda s, actor: read_view(s, actor, gid, status),
                         None)
        if view is None:
            return
        self.view = view
        self.summary.setText(
            _("In the fund: {cash} · free for new claims: {free} · owed to members: {owed}")
            .format(cash=self.ctx.money(view.position.cash),
                    free=self.ctx.money(max(view.position.available, 0)),
                    owed=self.ctx.money(view.position.owed)))
        self.claims_model.set_rows(view.claims)
        ids = [c.id for c in view.claims]
        if selected is not None and selected.id in ids:
            self.claims.selectRow(ids.index(selected.id))
        else:
            self.claims.select_first()
        self.standing_model.set_rows(view.standing)
        self.year_model.set_rows(view.this_year)
        self.history_model.set_rows(view.history)
        may_set_up = Permission.CHANGE_SETTINGS in self.permissions
        self.types_panel.load(view.types, may_set_up)
        self.settings_panel.load(view.settings, may_set_up)
        may_record = Permission.RECORD in self.permissions
        allow(self.new_button, self.ctx, Permission.RECORD, may=may_record,
              also=bool(view.types))
        allow(self.contribution_button, self.ctx, Permission.RECORD, may=may_record)
        self._claim_selected()

    def _ensure_claim_types(self, group_id: int) -> None:
        """The group's first use of the fund creates the default claim types."""
        if not self.permissions & {Permission.RECORD, Permission.CHANGE_SETTINGS}:
            return
        if self.ctx.read(lambda s, a: welfare_types.claim_types(s, a, group_id)):
            return
        self.ctx.run(self, lambda s, actor: welfare_types.ensure_default_claim_types(
            s, group_id))

    def selected_claim(self) -> welfare_register.ClaimRow | None:
        return self.claims.selected_row()

    def select_claim(self, claim_id: int) -> None:
        ids = [c.id for c in self.claims_model.rows]
        if claim_id in ids:
            self.claims.selectRow(ids.index(claim_id))

    def _claim_selected(self, *_args: object) -> None:
        claim = self.selected_claim()
        results: list[RuleResult] = []
        if claim is not None:
            results = run_query(self.ctx, self,
                                lambda s, a: welfare_claims.claim_check(s, a, claim.id), [])
        self.check.show_results(results)
        self.detail.setText(self._detail_text(claim) if claim is not None else "")
        may_record = Permission.RECORD in self.permissions
        may_decide = Permission.APPROVE in self.permissions
        open_ = claim is not None and claim.status in ("pending", "approved")
        waiting = open_ and len(claim.approvals) < claim.approvals_needed
        why_not = ""
        if may_decide and waiting:
            if self.ctx.user.id in claim.approver_ids:
                why_not = _("You have already approved claim {number}.").format(
                    number=claim.number)
            else:
                claim_id = claim.id
                why_not = refusal(self.ctx, lambda s, actor: welfare_approval.check_approver(
                    s, actor, claim_id=claim_id))
        # A claim that fails a rule keeps Approve open: the click lists the failed rules
        # and offers to refuse the claim (approving it is refused, see approve()).
        allow(self.approve_button, self.ctx, Permission.APPROVE, may=may_decide,
              also=waiting and not why_not, why_not=why_not)
        allow(self.reject_button, self.ctx, Permission.APPROVE, may=may_decide, also=open_)
        allow(self.pay_button, self.ctx, Permission.RECORD, may=may_record,
              also=claim is not None and claim.status == "approved")
        allow(self.pay_owed_button, self.ctx, Permission.RECORD, may=may_record,
              also=claim is not None and claim.status == "paid" and claim.owed > 0)
        self.voucher_button.setEnabled(claim is not None)

    def _detail_text(self, c: welfare_register.ClaimRow) -> str:
        lines = [_("Claim {number} · {name} · {kind} · {amount}").format(
            number=c.number, name=c.member_name, kind=c.type_label,
            amount=self.ctx.money(c.amount_asked))]
        if c.approvals:
            lines.append(_("Approved by: {names}").format(names=", ".join(c.approvals)))
        if c.status == "rejected":
            lines.append(_("Refused by {name}: {reason}").format(name=c.rejected_by,
                                                                 reason=c.rejection_reason))
        notes = []
        if c.evidence_note:
            notes.append(_("Evidence seen: {evidence}").format(evidence=c.evidence_note))
        if c.note:
            notes.append(_("Note: {note}").format(note=c.note))
        if notes:
            lines.append(" · ".join(notes))
        return "\n".join(lines)

    # -- actions ----------------------------------------------------------------------
    def new_claim(self) -> None:
        if Permission.RECORD not in self.permissions:
            return
        row = ClaimDialog.ask(self, self.ctx)
        if row is not None:
            self.select_claim(row.id)

    def approve(self) -> None:
        """Ask before approving. A claim that fails a rule is not approved at all (the
        rules are the group's own; a leader who finds a rule wrong changes it from a date
        for everyone, not for one claim): the message lists the failed rules and offers
        to refuse the claim."""
        claim = self.selected_claim()
        if claim is None:
            return
        claim_id = claim.id
        failed = [r for r in run_query(self.ctx, self, lambda s, a: welfare_claims.claim_check(
            s, a, claim_id), []) if not r.passed]
        if failed:
            text = "\n".join(
                [_("Claim {number} of {name} for {amount} fails these rules, so it cannot "
                   "be approved:").format(number=claim.number, name=claim.member_name,
                                          amount=self.ctx.money(claim.amount_asked))]
                + [f"• {r.label}: {r.explanation}" for r in failed]
                + ["", _("Refuse it and tell the member why, or, if a rule is wrong for "
                         "everyone, change the claim type's rules first.")])
            choice = errors.MessageDialog.ask(
                self, kind=errors.WARNING, title=_("This claim fails the rules"), text=text,
                buttons=[errors.Button("close", _("Close"), default=True),
                         errors.Button("refuse", _("Refuse the claim…"))])
            if choice == "refuse":
                self.reject()
            return
        text = _("Approve claim {number} of {name} for {amount}?").format(
            number=claim.number, name=claim.member_name, amount=self.ctx.money(claim.amount_asked))
        if not errors.confirm(self, text, confirm_text=_("Approve")):
            return
        self.ctx.run(self, lambda s, actor: welfare_approval.approve_claim(s, actor,
                                                                           claim_id=claim_id),
                     changed={"welfare"}, message=self._approved_message)
        self.select_claim(claim_id)

    @staticmethod
    def _approved_message(row: welfare_register.ClaimRow) -> str:
        if row.status == "approved":
            return _("Claim {number} is approved; the treasurer can pay it.").format(
                number=row.number)
        return _("Claim {number}: {count} of {needed} approvals.").format(
            number=row.number, count=len(row.approvals), needed=row.approvals_needed)

    def reject(self) -> None:
        claim = self.selected_claim()
        if claim is not None:
            RejectDialog.ask(self, self.ctx, claim)
            self.select_claim(claim.id)

    def pay(self, *, owed: bool) -> None:
        claim = self.selected_claim()
        if claim is not None:
            PayDialog.ask(self, self.ctx, claim, owed=owed)
            self.select_claim(claim.id)

    def voucher(self) -> None:
        claim = self.selected_claim()
        if claim is not None:
            save_voucher(self, self.ctx, claim)

    def record_contribution(self) -> None:
        if Permission.RECORD in self.permissions:
            ContributionDialog.ask(self, self.ctx)

    # -- language ---------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(_("Welfare fund"))
        for index, title in enumerate((N_("Claims"), N_("Members and contributions"),
                                       N_("Fund by month"), N_("Claim types"),
                                       N_("Settings"))):
            self.tabs.setTabText(index, _(title))
        self.filter_label.setText(_("Show:"))
        self.status_filter.retranslate()
        self.new_button.setText(_("New claim…"))
        self.approve_button.setText(_("Approve"))
        self.reject_button.setText(_("Refuse…"))
        self.pay_button.setText(_("Pay…"))
        self.pay_owed_button.setText(_("Pay what is owed…"))
        self.voucher_button.setText(_("Print voucher…"))
        self.standing_title.setText(_("Members behind with contributions or loans"))
        self.year_title.setText(_("Who claimed what this year"))
        self.contribution_button.setText(_("Record a contribution…"))
        self.types_panel.retranslate()
        self.settings_panel.retranslate()
        for model in self.findChildren(RowTableModel):
            model.retranslate()
        if self.view is not None:
            self.refresh()


SECTION = Section("welfare", title=N_("Welfare"), order=50, factory=WelfareScreen,
                  permission=Permission.READ)
