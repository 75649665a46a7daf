"""The welfare screen's dialogs: a new claim (with its rule check shown as it is filled in),
refusing a claim, paying one, paying what the fund still owes, a contribution outside a
meeting, and saving a claim's voucher."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from desktop.context import ScreenContext
from desktop.documents import Paper, save_document
from desktop.widgets.fields import ChoiceBox, DateField, read_money
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import heading, mark_data
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock, members
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, _
from models.core.money import format_amount
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
    payout as welfare_payout,
)
from models.welfare import (
    register as welfare_register,
)
from models.welfare import (
    types as welfare_types,
)
from models.welfare import (
    voucher as welfare_voucher,
)
from models.welfare.rules import BENEFICIARIES, BENEFICIARY_NAMES, RuleResult
from reports.welfare_voucher import write_voucher


def rule_columns() -> list[Column]:
    return [
        Column(N_("Rule"), lambda r: r.label),
        Column(N_("Result"), lambda r: _("Passed") if r.passed else _("Failed")),
        Column(N_("Why"), lambda r: r.explanation, tip=True),
    ]


class RuleModel(RowTableModel):
    """Rule results, the failed ones in red so they stand out."""

    FAILED = QColor("#a12020")

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.row_at(index)
            return self.FAILED if row is not None and not row.passed else None
        return super().data(index, role)


class RuleCheckTable(TableView):
    """The rule check: one row per rule, passed or failed, and why."""

    def __init__(self, parent=None, *, rows: int = 7) -> None:  # noqa: ANN001
        self.rules_model = RuleModel(rule_columns())
        super().__init__(self.rules_model, parent)
        self.rules_model.setParent(self)
        self.setMinimumHeight(rows * 40 + 30)

    def show_results(self, results: list[RuleResult]) -> None:
        self.rules_model.set_rows(results)


class ClaimDialog(FormDialog):
    """Record a claim (treasurer). The rule check below the form follows every change, so
    the treasurer sees before saving whether the claim passes."""

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.resize(860, 760)
        self.ctx = ctx
        gid = ctx.group_id
        self.member = mark_data(QComboBox())
        for m in ctx.read(lambda s, a: members.list_members(s, a, gid, include_inactive=False)):
            self.member.addItem(f"{m.number} · {m.display_name}", m.id)
        self.claim_type = QComboBox()
        self.types = ctx.read(lambda s, a: welfare_types.claim_types(s, a, gid,
                                                                     include_inactive=False))
        for t in self.types:
            self.claim_type.addItem(t.label, t.id)
        self.event_date = DateField()
        self.claim_date = DateField(clock.today())
        self.beneficiary = ChoiceBox(BENEFICIARY_NAMES, BENEFICIARIES)
        self.beneficiary_name = mark_data(QLineEdit())
        self.amount = mark_data(QLineEdit())
        self.evidence = mark_data(QLineEdit())
        self.note = mark_data(QLineEdit())
        self.add_row(N_("Member"), self.member)
        self.add_row(N_("Kind of claim"), self.claim_type)
        self.add_row(N_("Date of the event"), self.event_date)
        self.add_row(N_("Date of the claim"), self.claim_date)
        self.add_row(N_("For"), self.beneficiary)
        self.add_row(N_("Their name"), self.beneficiary_name)
        self.add_row(N_("Amount asked"), self.amount)
        self.add_row(N_("Evidence seen"), self.evidence)
        self.add_row(N_("Note"), self.note)
        self.check_title = QLabel()
        self.check_title.setObjectName("subheading")
        self.form.addRow(self.check_title)
        self.check_hint = QLabel()
        self.check_hint.setWordWrap(True)
        self.form.addRow(self.check_hint)
        self.check = RuleCheckTable(self)
        self.form.addRow(self.check)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_check)
        for combo in (self.member, self.claim_type, self.beneficiary):
            combo.currentIndexChanged.connect(self._timer.start)
        for field in (self.event_date, self.claim_date, self.amount):
            field.textChanged.connect(self._timer.start)
        self.claim_type.currentIndexChanged.connect(self._show_evidence_hint)
        self._hint = ""
        self.retranslate()
        self._show_evidence_hint()
        self.update_check()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("New welfare claim"))
        self.save_button.setText(_("Record claim"))
        self.check_title.setText(_("Rule check"))
        self.beneficiary.retranslate()
        for index, t in enumerate(self.types):
            self.claim_type.setItemText(index, t.label)
        self.amount.setPlaceholderText(_("for example 300,000"))
        self._show_evidence_hint()
        self.update_check()

    def _show_evidence_hint(self) -> None:
        index = self.claim_type.currentIndex()
        if 0 <= index < len(self.types) and self.types[index].rule is not None:
            evidence = self.types[index].rule.evidence
            self.evidence.setPlaceholderText(_(evidence) if evidence else "")

    def draft(self) -> welfare_claims.ClaimDraft:
        problems: list[UserError] = []
        dates = {}
        for key in ("event_date", "claim_date"):
            try:
                dates[key] = getattr(self, key).date()
            except UserError as error:
                problems.append(error)
                dates[key] = None
        if dates["event_date"] is None and not problems:
            problems.append(UserError(N_("Enter the date of the event.")))
        amount = read_money(self.amount.text(), self.ctx, problems)
        if self.member.currentData() is None:
            problems.append(UserError(N_("Choose the member who claims.")))
        if self.claim_type.currentData() is None:
            problems.append(UserError(N_("Choose the kind of claim.")))
        if problems:
            raise ValidationError(problems)
        return welfare_claims.ClaimDraft(
            member_id=self.member.currentData(), claim_type_id=self.claim_type.currentData(),
            event_date=dates["event_date"], beneficiary=self.beneficiary.currentData(),
            amount=amount, beneficiary_name=self.beneficiary_name.text(),
            note=self.note.text(), evidence_note=self.evidence.text(),
            claim_date=dates["claim_date"])

    def update_check(self) -> None:
        """Run the rule check on what the form holds now."""
        self._timer.stop()
        gid = self.ctx.group_id
        try:
            draft = self.draft()
            results = self.ctx.read(lambda s, a: welfare_claims.check_claim(s, a, group_id=gid,
                                                                     draft=draft))
        except ValidationError as error:
            self.check.show_results([])
            self.check_hint.setText(_("Fill in the form to see the rule check: {problem}")
                                    .format(problem=error.problems[0]))
            return
        self.check.show_results(results)
        failed = sum(1 for r in results if not r.passed)
        self.check_hint.setText(
            _("Every rule passes.") if not failed else
            _("Rules that fail: {count}. The leaders will have to refuse this claim.")
            .format(count=failed))

    def save(self) -> bool:
        try:
            draft = self.draft()
        except UserError as error:
            self.show_problems(error)
            return False
        gid = self.ctx.group_id
        return self.submit(
            self.ctx, lambda s, actor: welfare_claims.record_claim(s, actor, group_id=gid,
                                                                   draft=draft),
            changed={"welfare"},
            message=lambda row: _("Claim {number} of {name} was recorded; it waits for the "
                                  "leaders.").format(number=row.number, name=row.member_name))


def claim_summary(claim: welfare_register.ClaimRow, money) -> str:  # noqa: ANN001
    return _("Claim {number} · {name} · {kind} · {amount}").format(
        number=claim.number, name=claim.member_name, kind=claim.type_label,
        amount=money(claim.amount_asked))


class RejectDialog(FormDialog):
    """A leader refuses a claim, saying why (the member is told the reason)."""

    def __init__(self, ctx: ScreenContext, claim: welfare_register.ClaimRow, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.claim = claim
        self.summary = mark_data(heading(claim_summary(claim, self.ctx.money)))
        self.body.insertWidget(0, self.summary)
        self.reason = mark_data(QLineEdit())
        self.add_row(N_("Reason"), self.reason)
        self.retranslate()


    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Refuse a claim"))
        self.save_button.setText(_("Refuse claim"))
        self.save_button.setObjectName("dangerButton")

    def save(self) -> bool:
        claim_id, reason = self.claim.id, self.reason.text()
        return self.submit(
            self.ctx, lambda s, actor: welfare_approval.reject_claim(s, actor, claim_id=claim_id,
                                                                     reason=reason),
            changed={"welfare"},
            message=lambda row: _("Claim {number} was refused.").format(number=row.number))

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, claim: welfare_register.ClaimRow) -> bool:  # noqa: ANN001
        return super().ask(parent, ctx, claim) is not None


class PayDialog(FormDialog):
    """Pay an approved claim, or (``owed=True``) what the fund still owes on one: from the
    cash box or the bank, on a day."""

    def __init__(self, ctx: ScreenContext, claim: welfare_register.ClaimRow, *, owed: bool = False,
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        self.claim = claim
        self.owed = owed
        self.summary = mark_data(heading(claim_summary(claim, self.ctx.money)))
        self.body.insertWidget(0, self.summary)
        self.fund_note = QLabel()
        self.fund_note.setWordWrap(True)
        self.body.insertWidget(1, self.fund_note)
        self.method = ChoiceBox(welfare_fund.METHOD_NAMES, welfare_fund.METHODS)
        self.on = DateField(clock.today())
        self.add_row(N_("Paid from"), self.method)
        self.add_row(N_("Date"), self.on)
        self.amount = mark_data(QLineEdit())
        if owed:
            self.amount.setText(format_amount(claim.owed, ctx.currency()))
            self.add_row(N_("Amount"), self.amount)
        gid = ctx.group_id
        self.position = ctx.read(lambda s, a: welfare_fund.fund_position(s, gid))
        self.retranslate()


    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Pay what is owed") if self.owed else _("Pay a claim"))
        self.save_button.setText(_("Pay"))
        self.method.retranslate()
        self.fund_note.setText(
            _("The fund holds {cash}; {free} of it is free for new claims; it owes {owed}.")
            .format(cash=self.ctx.money(self.position.cash),
                    free=self.ctx.money(max(self.position.available, 0)),
                    owed=self.ctx.money(self.position.owed)))

    def save(self) -> bool:
        try:
            on = self.on.date() or clock.today()
            problems: list[UserError] = []
            amount = read_money(self.amount.text(), self.ctx, problems) if self.owed else None
            if problems:
                raise ValidationError(problems)
        except UserError as error:
            self.show_problems(error)
            return False
        claim_id, method = self.claim.id, self.method.currentData()
        if self.owed:
            def op(s, actor):  # noqa: ANN001, ANN202
                return welfare_payout.pay_owed(s, actor, claim_id=claim_id, method=method,
                                        amount=amount, on=on)
        else:
            def op(s, actor):  # noqa: ANN001, ANN202
                return welfare_payout.pay_claim(s, actor, claim_id=claim_id, method=method, on=on)
        return self.submit(self.ctx, op, changed={"welfare", "journal"}, message=self._message)

    def _message(self, result: welfare_payout.PaymentResult) -> str:
        if result.owed:
            return _("Claim {number}: {paid} paid; the fund still owes {owed}.").format(
                number=result.claim_number, paid=self.ctx.money(result.paid),
                owed=self.ctx.money(result.owed))
        return _("Claim {number}: {paid} paid.").format(number=result.claim_number,
                                                        paid=self.ctx.money(result.paid))

    @classmethod
    def ask(cls, parent, ctx: ScreenContext, claim: welfare_register.ClaimRow, *,  # noqa: ANN001
            owed: bool = False) -> welfare_payout.PaymentResult | None:
        dialog = cls(ctx, claim, owed=owed, parent=parent)
        return dialog.saved if dialog.exec() else None


class ContributionDialog(FormDialog):
    """A welfare contribution paid outside a meeting."""

    def __init__(self, ctx: ScreenContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.ctx = ctx
        gid = ctx.group_id
        self.member = mark_data(QComboBox())
        for m in ctx.read(lambda s, a: members.list_members(s, a, gid, include_inactive=False)):
            self.member.addItem(f"{m.number} · {m.display_name}", m.id)
        contribution = ctx.read(lambda s, a: welfare_fund.welfare_settings(s, gid).contribution)
        self.amount = mark_data(QLineEdit(format_amount(contribution, ctx.currency())
                                          if contribution else ""))
        self.on = DateField(clock.today())
        self.method = ChoiceBox(welfare_fund.METHOD_NAMES, welfare_fund.METHODS)
        self.note = mark_data(QLineEdit())
        self.add_row(N_("Member"), self.member)
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Date"), self.on)
        self.add_row(N_("Paid by"), self.method)
        self.add_row(N_("Note"), self.note)
        self.retranslate()


    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Welfare contribution"))
        self.save_button.setText(_("Record contribution"))
        self.method.retranslate()

    def save(self) -> bool:
        problems: list[UserError] = []
        amount = read_money(self.amount.text(), self.ctx, problems)
        try:
            on = self.on.date() or clock.today()
        except UserError as error:
            problems.append(error)
        if self.refuse(problems):
            return False
        gid, member_id = self.ctx.group_id, self.member.currentData()
        method, note = self.method.currentData(), self.note.text()
        return self.submit(
            self.ctx, lambda s, actor: welfare_fund.record_contribution(
                s, actor, group_id=gid, member_id=member_id, amount=amount, on=on,
                method=method, note=note),
            changed={"welfare", "journal"},
            message=lambda seq: _("The contribution was recorded as entry {seq}.").format(
                seq=seq))


def save_voucher(parent, ctx: ScreenContext, claim: welfare_register.ClaimRow) -> Path | None:  # noqa: ANN001
    """Print the claim's voucher or save it as a PDF, in the current language, and note it
    in the claim's history."""
    def write(s, actor, path: Path) -> None:  # noqa: ANN001
        write_voucher(welfare_voucher.claim_voucher(s, actor, claim.id), path)
        welfare_voucher.record_voucher_printed(s, actor, claim_id=claim.id, path=str(path))

    papers = [Paper(f"welfare-claim-{claim.number}.pdf", write)]
    return next(iter(save_document(parent, ctx, papers, what=_("the voucher"),
                                   saved=_("The voucher was saved to {path}."))), None)
