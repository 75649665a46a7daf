"""The NSSF screen's forms about one member: enrolling her (her social-security number, a
level the table offers on the first month, her hospital, the contract's dates; her status
is read from what was paid, never typed), changing her level, money into her pot (brought
in, or moved from her savings within the savings rules)."""
from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop.context import ScreenContext
from desktop.savings_dialogs import INTO_NAMES
from desktop.widgets import (
    ChoiceBox,
    DateField,
    FormDialog,
    heading,
    mark_data,
    read_date,
    read_money,
)
from models.core import clock, members
from models.core.clock import add_months
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.nssf import enrolment as enrolments
from models.nssf import pot
from models.nssf import scheme as scheme_mod
from models.nssf.enrolment import EnrolmentRow
from models.savings import withdrawals as savings_withdrawals

NSSF_TOPICS = {"nssf", "journal", "cash", "members", "savings"}


def month_text(month: dt.date | None) -> str:
    return month.strftime("%m/%Y") if month else ""


class MonthBox(QComboBox):
    """A month chosen from a list (``mm/yyyy``), from ``first`` to ``last``; its data is
    the month's first day."""

    def __init__(self, first: dt.date, last: dt.date, *, chosen: dt.date | None = None,
                 newest_first: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mark_data(self)
        months = enrolments.months(first, last)
        self.months = list(reversed(months)) if newest_first else months
        for month in self.months:
            self.addItem(month_text(month))
        self.choose(chosen or scheme_mod.month_start(clock.today()))

    def choose(self, month: dt.date) -> None:
        wanted = scheme_mod.month_start(month)
        if wanted in self.months:
            self.setCurrentIndex(self.months.index(wanted))

    def month(self) -> dt.date:
        return self.months[max(self.currentIndex(), 0)]


def level_text(s: scheme_mod.Scheme, level: int, money) -> str:  # noqa: ANN001
    """``Level 7 · 2,500,000 ₭ — 225,000 ₭ a month``."""
    return _("Level {number} · {level}: {contribution} a month").format(
        number=s.level_number(level), level=money(level),
        contribution=money(scheme_mod.contribution(s, level)))


def provisional_text(s: scheme_mod.Scheme) -> str:
    return _("The level table is provisional: it is the program's own, not the LSSO's "
             "official table. An administrator enters the official one on the NSSF "
             "screen's “Rules and levels” tab.") if s.provisional else ""


class _LevelForm(FormDialog):
    """A form with a month and the levels the table offers in it (provisional table said
    so, in red under the levels)."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.level = mark_data(QComboBox())
        self.provisional = QLabel()
        self.provisional.setObjectName("problems")
        self.provisional.setWordWrap(True)
        self.scheme: scheme_mod.Scheme | None = None

    def money(self, amount: int) -> str:
        return self.ctx.money(amount)

    def show_levels(self, month: dt.date, keep: int | None = None) -> None:
        gid = self.ctx.group_id
        self.scheme = self.ctx.read(lambda s, a: scheme_mod.scheme(s, gid, month))
        keep = keep if keep is not None else self.level.currentData()
        self.level.clear()
        for value in self.scheme.levels:
            self.level.addItem(level_text(self.scheme, value, self.money), value)
        index = self.level.findData(keep)
        self.level.setCurrentIndex(max(index, 0))
        self.provisional.setText(provisional_text(self.scheme))
        self.provisional.setVisible(self.scheme.provisional)


class EnrolDialog(_LevelForm):
    """Enrol a member in the voluntary scheme through the group (or again, after a lapse)."""

    def __init__(self, ctx: ScreenContext, member_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        gid = ctx.group_id
        today = clock.today()
        running = {r.member_id for r in ctx.read(lambda s, a: enrolments.enrolments(s, a, gid))
                   if r.status in (enrolments.ACTIVE, enrolments.IN_GRACE) and not r.ended_on}
        self.people = [m for m in ctx.read(lambda s, a: members.list_members(
            s, a, gid, include_inactive=False)) if m.id not in running or m.id == member_id]
        self.member = mark_data(QComboBox())
        for m in self.people:
            self.member.addItem(f"{m.number} · {m.display_name}", m.id)
        if member_id is not None:
            self.member.setCurrentIndex(max(0, self.member.findData(member_id)))
        self.ss_number = mark_data(QLineEdit())
        now = scheme_mod.month_start(today)
        grace = ctx.read(lambda s, a: scheme_mod.scheme(s, gid, today)).grace_months
        self.start = MonthBox(add_months(now, -grace), add_months(now, 3), chosen=now)
        self.hospital = mark_data(QLineEdit())
        self.contract = mark_data(QLabel())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.add_row(N_("Member"), self.member)
        self.add_row(N_("Social-security number"), self.ss_number)
        self.add_row(N_("First month"), self.start)
        self.add_row(N_("Level"), self.level)
        self.form.addRow(self.provisional)
        self.add_row(N_("Hospital"), self.hospital)
        self.add_row(N_("Contract"), self.contract)
        self.add_row(N_("Status"), self.status)
        self.member.currentIndexChanged.connect(self._member_chosen)
        self.start.currentIndexChanged.connect(self._month_chosen)
        self._member_chosen()
        self._month_chosen()
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Enrol in the NSSF"))
        self.save_button.setText(_("Enrol"))
        self.hospital.setPlaceholderText(_("for example Mittaphab Hospital"))
        self.status.setText(_("Worked out from the months paid: covered, in grace or lapsed. "
                              "It is never typed."))
        self._month_chosen()

    def _member_chosen(self) -> None:
        chosen = next((m for m in self.people if m.id == self.member.currentData()), None)
        if chosen is not None and chosen.nssf_number and not self.ss_number.isModified():
            self.ss_number.setText(chosen.nssf_number)

    def _month_chosen(self) -> None:
        start = self.start.month()
        self.show_levels(start)
        months = self.scheme.contract_months
        self.contract.setText(_("{start} to {end} ({months} months)").format(
            start=month_text(start), end=month_text(add_months(start, months - 1)),
            months=months))

    def save(self) -> bool:
        if self.member.currentData() is None:
            self.show_problems(UserError(N_("Choose the member to enrol.")))
            return False
        member_id, ss, hospital = (self.member.currentData(), self.ss_number.text(),
                                   self.hospital.text())
        level, start = self.level.currentData() or 0, self.start.month()
        return self.submit(
            self.ctx, lambda s, actor: enrolments.enrol(
                s, actor, member_id=member_id, ss_number=ss, level=level, hospital=hospital,
                start_month=start),
            changed=NSSF_TOPICS,
            message=lambda row: _("{name} is enrolled from {start} to {end}.").format(
                name=row.name, start=month_text(row.contract_start),
                end=month_text(row.contract_end)))


def _who(row: EnrolmentRow) -> QLabel:
    return mark_data(heading(f"{row.member_number} · {row.name} · {row.ss_number}"))


class LevelDialog(_LevelForm):
    """She pays on another level from a month of her contract on."""

    def __init__(self, ctx: ScreenContext, row: EnrolmentRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.row = row
        self.body.insertWidget(0, _who(row))
        first = max(row.contract_start, scheme_mod.month_start(clock.today()))
        self.start = MonthBox(first, max(first, row.contract_end), chosen=first)
        self.add_row(N_("From the month"), self.start)
        self.add_row(N_("Level"), self.level)
        self.form.addRow(self.provisional)
        self.start.currentIndexChanged.connect(lambda: self.show_levels(self.start.month()))
        self.show_levels(self.start.month(), keep=row.level)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Change her level"))
        self.save_button.setText(_("Change level"))
        self.show_levels(self.start.month())

    def save(self) -> bool:
        enrolment_id, level, start = self.row.id, self.level.currentData() or 0, self.start.month()
        return self.submit(
            self.ctx, lambda s, actor: enrolments.change_level(
                s, actor, enrolment_id=enrolment_id, level=level, from_month=start),
            changed=NSSF_TOPICS,
            message=_("{name} pays on {level} from {month}.").format(
                name=self.row.name, level=self.money(level), month=month_text(start)))


class _PotForm(FormDialog):
    """Money into (or out of) one member's pot: her name, what the pot holds and how many
    months that pays at her level, an amount and a date, then (by the class's ``account``
    and ``words``) the cash box or bank it goes into or comes from, and a receipt number
    or a note. ``post`` says which service records it; ``saved`` (also ``receipt``) is
    what that gave."""

    title = ""
    button = ""
    account = ""          # N_("Paid into") or N_("Paid from"); "" when no cash moves
    words = N_("Note")    # or N_("Receipt number")

    def __init__(self, ctx: ScreenContext, row: EnrolmentRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        gid = ctx.group_id
        self.balance, self.months = ctx.read(lambda s, a: (
            pot.pot_balance(s, gid, row.member_id),
            pot.projection(s, gid, row.member_id, row.level)))
        self.body.insertWidget(0, _who(row))
        self.info = mark_data(QLabel())
        self.info.setWordWrap(True)
        self.body.insertWidget(1, self.info)
        self.amount = mark_data(QLineEdit())
        self.on = DateField(clock.today())
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Date"), self.on)
        self.cash = ChoiceBox(INTO_NAMES, pot.PAY_ACCOUNTS) if self.account else None
        if self.cash is not None:
            self.add_row(self.account, self.cash)
        self.text = mark_data(QLineEdit())
        self.add_row(self.words, self.text)
        self.load(ctx)
        self.retranslate()

    @property
    def receipt(self):  # noqa: ANN201
        return self.saved

    def load(self, ctx: ScreenContext) -> None:
        """Read what ``info_text`` says besides the pot (a limit, a rule, a debt)."""

    def money(self, amount: int) -> str:
        return self.ctx.money(amount)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_(self.title))
        self.save_button.setText(_(self.button))
        self.amount.setPlaceholderText(_("for example 300,000"))
        if self.cash is not None:
            self.cash.retranslate()
        self.info.setText(self.info_text())

    def info_text(self) -> str:
        return _("Her NSSF pot holds {balance}: {months} months at her level of {level}.").format(
            balance=self.money(self.balance), months=self.months, level=self.money(self.row.level))

    def done_text(self, receipt: pot.PotReceipt) -> str:
        return _("Entry {seq}: her NSSF pot now holds {balance}.").format(
            seq=receipt.entry_seq, balance=self.money(receipt.balance_after))

    def post(self, amount: int, on: dt.date, cash: str | None, text: str):  # noqa: ANN201
        raise NotImplementedError

    def save(self) -> bool:
        problems: list[UserError] = []
        amount = read_money(self.amount.text(), self.ctx, problems)
        on = read_date(self.on, problems)
        if self.refuse(problems):
            return False
        cash = self.cash.currentData() if self.cash is not None else None
        return self.submit(self.ctx, self.post(amount, on, cash, self.text.text()),
                           changed=NSSF_TOPICS, message=self.done_text)


class PotDepositDialog(_PotForm):
    """Money she brings for her pot on any day (at a meeting it goes in the grid's NSSF
    column), with the number of the paper receipt she is given."""

    title = N_("Money into her NSSF pot")
    button = N_("Record deposit")
    account = N_("Paid into")
    words = N_("Receipt number")

    @property
    def paper(self) -> QLineEdit:
        return self.text

    def post(self, amount: int, on: dt.date, cash: str | None, text: str):  # noqa: ANN201
        member_id = self.row.member_id
        return lambda s, actor: pot.deposit_to_pot(s, actor, member_id=member_id, amount=amount,
                                                   on=on, paid_to=cash, receipt=text)


class SavingsTransferDialog(_PotForm):
    """Part of her savings moved into her pot: at most what the savings rules would let her
    take out that day (the cash stays in the box)."""

    title = N_("Move savings to her NSSF pot")
    button = N_("Move savings")
    allowed = 0

    def load(self, ctx: ScreenContext) -> None:
        gid, today, member_id = ctx.group_id, clock.today(), self.row.member_id
        self.allowed = ctx.read(lambda s, a: savings_withdrawals.withdrawable(s, gid, member_id,
                                                                              today))

    def info_text(self) -> str:
        return super().info_text() + "\n" + _(
            "The savings rules let her move up to {limit} of her savings today.").format(
            limit=self.money(self.allowed))

    def post(self, amount: int, on: dt.date, cash: str | None, text: str):  # noqa: ANN201
        member_id = self.row.member_id
        return lambda s, actor: pot.transfer_from_savings(s, actor, member_id=member_id,
                                                          amount=amount, on=on, note=text)


class PotWithdrawalDialog(_PotForm):
    """Money paid out of her pot, where the group's rule allows it (the rule is said
    before she types: for example only after she has left the scheme)."""

    title = N_("Money out of her NSSF pot")
    button = N_("Pay from her pot")
    account = N_("Paid from")
    rule = ""

    def load(self, ctx: ScreenContext) -> None:
        gid, today = ctx.group_id, clock.today()
        self.rule = scheme_mod.WITHDRAWAL_NAMES[ctx.read(
            lambda s, a: scheme_mod.scheme(s, gid, today)).withdrawals]

    def info_text(self) -> str:
        return super().info_text() + "\n" + _("The group's rule for taking money out: "
                                              "{rule}.").format(rule=_(self.rule))

    def post(self, amount: int, on: dt.date, cash: str | None, text: str):  # noqa: ANN201
        member_id = self.row.member_id
        return lambda s, actor: pot.withdraw_from_pot(s, actor, member_id=member_id,
                                                      amount=amount, on=on, paid_from=cash,
                                                      note=text)


class AdvanceRepaymentDialog(_PotForm):
    """She pays back what the loan fund advanced for her NSSF months."""

    title = N_("Repay an NSSF advance")
    button = N_("Record repayment")
    account = N_("Paid into")
    words = N_("Receipt number")
    owed = 0

    def load(self, ctx: ScreenContext) -> None:
        gid, member_id = ctx.group_id, self.row.member_id
        self.owed = ctx.read(lambda s, a: pot.advance_owed(s, gid, member_id))

    def info_text(self) -> str:
        return _("She owes {owed} in NSSF advances.").format(owed=self.money(self.owed))

    def done_text(self, seq: int) -> str:  # type: ignore[override]
        return _("The repayment was recorded as entry {seq}.").format(seq=seq)

    def post(self, amount: int, on: dt.date, cash: str | None, text: str):  # noqa: ANN201
        member_id = self.row.member_id
        return lambda s, actor: pot.repay_advance(s, actor, member_id=member_id, amount=amount,
                                                  on=on, paid_to=cash, receipt=text)


END_REASON_NAMES = {"left_scheme": N_("She leaves the NSSF scheme"),
                    "left_group": N_("She leaves the group")}


class EndContractDialog(FormDialog):
    """She leaves the scheme (or the group) on a day: no month after it is remitted for
    her; her pot stays hers, paid out by the group's rule."""

    def __init__(self, ctx: ScreenContext, row: EnrolmentRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.body.insertWidget(0, _who(row))
        self.reason = ChoiceBox(END_REASON_NAMES)
        self.on = DateField(clock.today())
        self.add_row(N_("Why"), self.reason)
        self.add_row(N_("Date"), self.on)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("End her NSSF contract"))
        self.save_button.setText(_("End contract"))
        self.save_button.setObjectName("dangerButton")
        self.reason.retranslate()

    def save(self) -> bool:
        problems: list[UserError] = []
        on = read_date(self.on, problems)
        if self.refuse(problems):
            return False
        enrolment_id, reason = self.row.id, self.reason.currentData()
        return self.submit(
            self.ctx, lambda s, actor: enrolments.end_enrolment(
                s, actor, enrolment_id=enrolment_id, on=on, reason=reason),
            changed=NSSF_TOPICS,
            message=lambda r: _("{name}'s NSSF contract ended on {date}.").format(
                name=r.name, date=on.strftime("%d/%m/%Y")))
