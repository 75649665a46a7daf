"""Members' savings: deposits and withdrawals under the group's rules, fines, what a member
owes, and settling with a member who leaves or dies. Registers the meeting grid's
"savings" and "fines" columns.

What a member owes is gathered from *debt sources*: fines are this module's; the loans
capability registers its own (``register_debt_source``) so a share-out or an exit
settlement can pay a loan from the member's money through the loans module's rules. Loan
receivables on the ledger that no registered source covers still count as owed, but can
only be repaid through the loans screen, so they block netting.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, ledger, verify
from models.meetings import cashbox, columns as meeting_columns
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_, gettext
from models.core.ledger import Line, fmt_date
from models.core.members import set_status
from models.core.permissions import Permission, require
from models.savings import member_funds
from models.savings.texts import MEETING_FINES
from models.savings.rules import (
    EXIT_CURRENT_VALUE,
    SavingsRules,
    cycle_for_posting,
    cycle_on,
    money_text,
    open_cycle,
    rules,
)
from models.core.schema import Group, JournalEntry, JournalLine, Member, User
from models.savings.schema import (
    ExitSettlement,
    Meeting,
    MeetingAttendance,
    MeetingCell,
    WithdrawalNotice,
)

PRESENT, LATE, REPRESENTED, ABSENT = "present", "late", "represented", "absent"
ATTENDANCE = (PRESENT, LATE, REPRESENTED, ABSENT)
ATTENDANCE_NAMES = {PRESENT: N_("Present"), LATE: N_("Came late"),
                    REPRESENTED: N_("Represented"), ABSENT: N_("Absent")}
PAY_ACCOUNTS = ("cash", "bank")
LOAN_ACCOUNTS = ("loans_receivable", "interest_receivable", "penalties_receivable")

KIND_DEPOSIT = "savings_deposit"
KIND_WITHDRAWAL = "savings_withdrawal"
KIND_FINE = "fine"
KIND_FINE_PAYMENT = "fine_payment"
KIND_EXIT = "exit_settlement"
KIND_EXIT_BELOW_PAR = "exit_below_par"


@dataclass(frozen=True)
class SavingsReceipt:
    """What a deposit or withdrawal did, for the receipt."""

    member_id: int
    entry_id: int
    entry_seq: int
    on: dt.date
    amount: int
    shares: int
    balance_after: int
    shares_after: int


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(N_("No such member."))
    return member


def savings_balance(session: Session, group_id: int, member_id: int,
                    as_of: dt.date | None = None) -> int:
    return ledger.balance(session, group_id, "member_savings", member_id=member_id, as_of=as_of)


def fines_owed(session: Session, group_id: int, member_id: int) -> int:
    return ledger.balance(session, group_id, "fines_receivable", member_id=member_id)


def loan_principal(session: Session, group_id: int, member_id: int) -> int:
    """Outstanding loan principal of a member, from the ledger's loans receivable."""
    return ledger.balance(session, group_id, "loans_receivable", member_id=member_id)


def _active_problem(member: Member) -> UserError | None:
    if member.status != "active":
        return UserError(N_("{name} is no longer an active member."), name=member.name_lao)
    return None


# ----- deposits --------------------------------------------------------------------------

def deposit_problems(session: Session, group_id: int, amount: int,
                     on: dt.date) -> list[UserError]:
    """What is wrong with saving ``amount`` on ``on`` under the group's rules."""
    r = rules(session, group_id, on)
    if amount <= 0:
        return [UserError(N_("The amount must be more than zero."))]
    problems = []
    if r.is_shares:
        if amount % r.share_price:
            problems.append(UserError(
                N_("{amount} is not a whole number of shares at {price} a share."),
                amount=money_text(session, group_id, amount),
                price=money_text(session, group_id, r.share_price)))
        else:
            shares = amount // r.share_price
            if shares < r.min_shares:
                problems.append(UserError(N_("Buy at least {count} shares ({amount})."),
                                          count=r.min_shares, amount=money_text(
                                              session, group_id, r.min_shares * r.share_price)))
            if shares > r.max_shares:
                problems.append(UserError(N_("At most {count} shares a meeting ({amount})."),
                                          count=r.max_shares, amount=money_text(
                                              session, group_id, r.max_shares * r.share_price)))
    elif amount < r.min_deposit:
        problems.append(UserError(N_("The smallest deposit is {amount}."),
                                  amount=money_text(session, group_id, r.min_deposit)))
    return problems


def _post_deposit(session: Session, actor: User, member: Member, amount: int, on: dt.date, *,
                  meeting_id: int | None, into: str = "cash", note: str = "") -> JournalEntry:
    cycle_for_posting(session, actor, member.group_id, on)
    entry = ledger.post_entry(
        session, actor, group_id=member.group_id, value_date=on, kind=KIND_DEPOSIT,
        memo=note, meeting_id=meeting_id,
        lines=[Line(into, amount), Line("member_savings", -amount, member_id=member.id)])
    audit.record(session, actor, "savings.deposit", group_id=member.group_id,
                 member=member.id, amount=amount, entry=entry.seq)
    return entry


def _receipt(session: Session, member: Member, entry: JournalEntry, amount: int) -> SavingsReceipt:
    r = rules(session, member.group_id, entry.value_date)
    after = savings_balance(session, member.group_id, member.id)
    return SavingsReceipt(member.id, entry.id, entry.seq, entry.value_date, amount,
                          r.shares(amount), after, r.shares(after))


def record_deposit(session: Session, actor: User, *, member_id: int, amount: int, on: dt.date,
                   into: str = "cash", meeting_id: int | None = None,
                   note: str = "") -> SavingsReceipt:
    """A member saves ``amount`` (a whole number of shares in a share group)."""
    member = _member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    problems = deposit_problems(session, member.group_id, amount, on)
    if (inactive := _active_problem(member)) is not None:
        problems.append(inactive)
    if into not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money goes into the cash box or the bank.")))
    if problems:
        raise ValidationError(problems)
    entry = _post_deposit(session, actor, member, amount, on, meeting_id=meeting_id, into=into,
                          note=note.strip())
    return _receipt(session, member, entry, amount)


# ----- withdrawals -----------------------------------------------------------------------

def secured_amount(session: Session, group_id: int, member_id: int, r: SavingsRules) -> int:
    """Savings that must stay to secure the member's outstanding loans."""
    principal = max(loan_principal(session, group_id, member_id), 0)
    return -(-principal * r.loan_security_percent // 100)


def withdrawable(session: Session, group_id: int, member_id: int, on: dt.date) -> int:
    """The most a member may withdraw on ``on`` under the rules (0 when not allowed),
    before notice and the cash in the box are considered."""
    r = rules(session, group_id, on)
    if not r.withdrawals_allowed:
        return 0
    balance = savings_balance(session, group_id, member_id)
    limit = min(balance * r.withdrawal_max_percent // 100,
                balance - secured_amount(session, group_id, member_id, r))
    limit = max(limit, 0)
    return limit - limit % r.share_price


def _usable_notice(session: Session, member_id: int, amount: int, on: dt.date,
                   days: int) -> tuple[WithdrawalNotice | None, WithdrawalNotice | None]:
    """(a notice that allows the withdrawal, the newest open notice that is too recent)."""
    notices = session.scalars(select(WithdrawalNotice)
                              .where(WithdrawalNotice.member_id == member_id,
                                     WithdrawalNotice.status == "open",
                                     WithdrawalNotice.amount >= amount)
                              .order_by(WithdrawalNotice.given_on, WithdrawalNotice.id)).all()
    ripe = [n for n in notices if n.given_on + dt.timedelta(days=days) <= on]
    waiting = [n for n in notices if n not in ripe]
    return (ripe[0] if ripe else None), (waiting[0] if waiting else None)


def _withdrawal_problems(session: Session, member: Member, amount: int, on: dt.date,
                        paid_from: str = "cash") -> list[UserError]:
    gid = member.group_id
    r = rules(session, gid, on)
    if not r.withdrawals_allowed:
        return [UserError(N_("This group's rules do not allow withdrawals during the cycle; "
                             "savings come back at the share-out."))]
    if amount <= 0:
        return [UserError(N_("The amount must be more than zero."))]
    problems = []
    if (inactive := _active_problem(member)) is not None:
        problems.append(inactive)
    balance = savings_balance(session, gid, member.id)
    if amount > balance:
        problems.append(UserError(N_("{name} has only {balance} saved."), name=member.name_lao,
                                  balance=money_text(session, gid, balance)))
    if amount % r.share_price:
        problems.append(UserError(
            N_("{amount} is not a whole number of shares at {price} a share."),
            amount=money_text(session, gid, amount), price=money_text(session, gid, r.share_price)))
    cap = balance * r.withdrawal_max_percent // 100
    if amount <= balance and amount > cap:
        problems.append(UserError(N_("At most {percent}% of the savings can be withdrawn at a "
                                     "time: {limit}."), percent=r.withdrawal_max_percent,
                                  limit=money_text(session, gid, cap)))
    secured = secured_amount(session, gid, member.id, r)
    if secured and amount <= balance and balance - amount < secured:
        problems.append(UserError(
            N_("{secured} must stay saved to secure {name}'s loans; at most {available} can "
               "be withdrawn."), secured=money_text(session, gid, secured), name=member.name_lao,
            available=money_text(session, gid, max(balance - secured, 0))))
    if r.withdrawal_notice_days:
        ripe, waiting = _usable_notice(session, member.id, amount, on, r.withdrawal_notice_days)
        if ripe is None:
            if waiting is not None:
                problems.append(UserError(
                    N_("Notice was given on {given}; the money can be withdrawn from {date}."),
                    given=fmt_date(waiting.given_on),
                    date=fmt_date(waiting.given_on + dt.timedelta(days=r.withdrawal_notice_days))))
            else:
                problems.append(UserError(N_("The rules ask for {days} days' notice of a "
                                             "withdrawal of {amount}; record the notice first."),
                                          days=r.withdrawal_notice_days,
                                          amount=money_text(session, gid, amount)))
    if paid_from not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid from the cash box or the bank.")))
    elif amount <= balance and (short := cashbox.shortfall(session, gid, paid_from,
                                                           amount)) is not None:
        problems.append(short)
    return problems


def withdraw_savings(session: Session, actor: User, *, member_id: int, amount: int, on: dt.date,
                     paid_from: str = "cash", meeting_id: int | None = None,
                     note: str = "") -> SavingsReceipt:
    """Pay a member part of her savings during the cycle, where the rules allow it."""
    member = _member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    problems = _withdrawal_problems(session, member, amount, on, paid_from)
    if problems:
        raise ValidationError(problems)
    r = rules(session, member.group_id, on)
    cycle_for_posting(session, actor, member.group_id, on)
    entry = ledger.post_entry(
        session, actor, group_id=member.group_id, value_date=on, kind=KIND_WITHDRAWAL,
        memo=note.strip(), meeting_id=meeting_id,
        lines=[Line("member_savings", amount, member_id=member.id), Line(paid_from, -amount)])
    if r.withdrawal_notice_days:
        notice, _ = _usable_notice(session, member.id, amount, on, r.withdrawal_notice_days)
        notice.status = "used"
        notice.entry_id = entry.id
    audit.record(session, actor, "savings.withdraw", group_id=member.group_id,
                 member=member.id, amount=amount, entry=entry.seq)
    return _receipt(session, member, entry, amount)


@dataclass(frozen=True)
class NoticeRow:
    id: int
    member_id: int
    given_on: dt.date
    amount: int
    status: str
    usable_from: dt.date


def give_withdrawal_notice(session: Session, actor: User, *, member_id: int, amount: int,
                           on: dt.date) -> NoticeRow:
    """Record that a member asked to withdraw ``amount``; usable after the notice days."""
    member = _member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    r = rules(session, member.group_id, on)
    problems = []
    if not r.withdrawals_allowed:
        problems.append(UserError(N_("This group's rules do not allow withdrawals during the "
                                     "cycle; savings come back at the share-out.")))
    if amount <= 0:
        problems.append(UserError(N_("The amount must be more than zero.")))
    if on > clock.today():
        problems.append(UserError(N_("{date} is in the future."), date=fmt_date(on)))
    if (inactive := _active_problem(member)) is not None:
        problems.append(inactive)
    if problems:
        raise ValidationError(problems)
    notice = WithdrawalNotice(group_id=member.group_id, member_id=member.id, given_on=on,
                              amount=amount, status="open", user_id=actor.id)
    session.add(notice)
    session.flush()
    audit.record(session, actor, "savings.notice", group_id=member.group_id, member=member.id,
                 amount=amount, on=on)
    return _notice_row(notice, r)


def _notice_row(notice: WithdrawalNotice, r: SavingsRules) -> NoticeRow:
    return NoticeRow(notice.id, notice.member_id, notice.given_on, notice.amount, notice.status,
                     notice.given_on + dt.timedelta(days=r.withdrawal_notice_days))


def cancel_withdrawal_notice(session: Session, actor: User, *, notice_id: int) -> None:
    notice = session.get(WithdrawalNotice, notice_id)
    if notice is None:
        raise NotFound(N_("No such notice."))
    require(session, actor, Permission.RECORD, notice.group_id)
    if notice.status != "open":
        raise UserError(N_("This notice was already used or cancelled."))
    notice.status = "cancelled"
    audit.record(session, actor, "savings.notice_cancel", group_id=notice.group_id,
                 member=notice.member_id, notice=notice.id)


def open_notices(session: Session, actor: User, member_id: int) -> list[NoticeRow]:
    member = _member(session, member_id)
    require(session, actor, Permission.READ, member.group_id)
    r = rules(session, member.group_id, clock.today())
    return [_notice_row(n, r) for n in session.scalars(
        select(WithdrawalNotice).where(WithdrawalNotice.member_id == member_id,
                                       WithdrawalNotice.status == "open")
        .order_by(WithdrawalNotice.given_on))]


# ----- fines -----------------------------------------------------------------------------

def charge_fine(session: Session, actor: User, *, member_id: int, amount: int, reason: str,
                on: dt.date, meeting_id: int | None = None) -> int:
    """Charge a member a fine (owed until paid). ``reason`` names it: "Late", a custom fine
    of the rules, or the treasurer's words. Returns the entry id."""
    member = _member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    problems = []
    if amount <= 0:
        problems.append(UserError(N_("The amount must be more than zero.")))
    if not reason.strip():
        problems.append(UserError(N_("Say what the fine is for.")))
    if problems:
        raise ValidationError(problems)
    return post_fines(session, actor, group_id=member.group_id, on=on, meeting_id=meeting_id,
                      memo=reason.strip(), charges={member.id: amount}).id


def post_fines(session: Session, actor: User, *, group_id: int, on: dt.date,
               charges: dict[int, int], memo: str,
               meeting_id: int | None = None) -> JournalEntry:
    """One entry charging several members their fines."""
    require(session, actor, Permission.RECORD, group_id)
    lines = [Line("fines_receivable", amount, member_id=member_id)
             for member_id, amount in sorted(charges.items()) if amount > 0]
    total = sum(line.amount for line in lines)
    entry = ledger.post_entry(session, actor, group_id=group_id, value_date=on, kind=KIND_FINE,
                              memo=memo, meeting_id=meeting_id,
                              lines=lines + [Line("fine_income", -total)])
    audit.record(session, actor, "fine.charge", group_id=group_id, entry=entry.seq,
                 members=sorted(charges), total=total)
    return entry


def pay_fines(session: Session, actor: User, *, member_id: int, amount: int, on: dt.date,
              into: str = "cash", meeting_id: int | None = None) -> int:
    """A member pays fines she owes. Returns the entry id."""
    member = _member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    owed = fines_owed(session, member.group_id, member.id)
    problems = []
    if amount <= 0:
        problems.append(UserError(N_("The amount must be more than zero.")))
    elif amount > owed:
        problems.append(UserError(N_("{name} owes only {owed} in fines."), name=member.name_lao,
                                  owed=money_text(session, member.group_id, owed)))
    if into not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money goes into the cash box or the bank.")))
    if problems:
        raise ValidationError(problems)
    return _post_fine_payment(session, actor, member, amount, on, meeting_id, into).id


def _post_fine_payment(session: Session, actor: User, member: Member, amount: int, on: dt.date,
                       meeting_id: int | None, into: str = "cash", memo: str = "") -> JournalEntry:
    """Fines paid in cash or bank, or from the member's own money (her savings at an exit,
    her payout at a share-out: that line names her)."""
    entry = ledger.post_entry(
        session, actor, group_id=member.group_id, value_date=on, kind=KIND_FINE_PAYMENT,
        meeting_id=meeting_id, memo=memo,
        lines=[Line(into, amount, member_id=None if into in PAY_ACCOUNTS else member.id),
               Line("fines_receivable", -amount, member_id=member.id)])
    audit.record(session, actor, "fine.pay", group_id=member.group_id, member=member.id,
                 amount=amount, entry=entry.seq)
    return entry


def attendance_fine(r: SavingsRules, status: str) -> int:
    return {ABSENT: r.fine_absence, LATE: r.fine_late}.get(status, 0)


def attendance_status(session: Session, meeting_id: int | None, member_id: int) -> str:
    """The member's recorded attendance at a meeting (present when none was recorded)."""
    if meeting_id is None:
        return PRESENT
    return session.scalar(select(MeetingAttendance.status)
                          .where(MeetingAttendance.meeting_id == meeting_id,
                                 MeetingAttendance.member_id == member_id)) or PRESENT


# ----- what a member owes ----------------------------------------------------------------

@dataclass(frozen=True)
class Debt:
    """Something a member owes. ``label`` is an N_() text formatted with ``params``."""

    source: str
    label: str
    amount: int
    loan_id: int | None = None
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return gettext(self.label).format(**self.params)


@dataclass(frozen=True)
class SettleFrom:
    """Where the money that pays a debt comes from: ``account`` is debited on a line naming
    ``member_id`` (``member_savings`` at an exit, ``share_out_payable`` at a share-out)."""

    account: str
    member_id: int
    on: dt.date
    memo: str


@dataclass(frozen=True)
class DebtSource:
    """A capability that holds members' debts. ``accounts`` are the receivable accounts it
    answers for; ``owed`` lists a member's debts on a day (oldest first); ``settle`` pays
    ``amount`` of one debt from ``SettleFrom`` in the caller's transaction; ``income``
    says how much of paying ``amount`` of a debt on a day becomes the fund's income then
    (a loan's interest and fees, on a cash basis; None: nothing, the debt is all on the
    ledger already)."""

    key: str
    order: int
    accounts: tuple[str, ...]
    owed: Callable[[Session, int, int, dt.date], list[Debt]]
    settle: Callable[[Session, User, Debt, int, SettleFrom], None]
    income: Callable[[Session, Debt, int, dt.date], int] | None = None


_DEBT_SOURCES: dict[str, DebtSource] = {}


def register_debt_source(source: DebtSource) -> None:
    """One capability's debts (the savings capability's hook ``debt_sources``)."""
    if source.key in _DEBT_SOURCES:
        raise ValueError(f"debt source {source.key} registered twice")
    _DEBT_SOURCES[source.key] = source


def debt_sources() -> list[DebtSource]:
    return sorted(_DEBT_SOURCES.values(), key=lambda s: s.order)


UNMANAGED = "unmanaged"


def member_debts(session: Session, group_id: int, member_id: int, on: dt.date) -> list[Debt]:
    """Everything the member owes, in the order it is paid from her money. Loan
    receivables no source answers for come last, marked ``source == "unmanaged"``."""
    debts: list[Debt] = []
    covered: set[str] = set()
    for source in debt_sources():
        debts.extend(d for d in source.owed(session, group_id, member_id, on) if d.amount > 0)
        covered.update(source.accounts)
    unmanaged = sum(ledger.balance(session, group_id, key, member_id=member_id)
                    for key in LOAN_ACCOUNTS if key not in covered)
    if unmanaged > 0:
        debts.append(Debt(UNMANAGED, N_("Loans (record their repayment on the loans screen)"),
                          unmanaged))
    return debts


def unmanaged_problem(session: Session, member: Member, debt: Debt) -> UserError:
    return UserError(N_("{name} still owes {amount} on loans; record the repayment on the "
                        "loans screen first."), name=member.name_lao,
                     amount=money_text(session, member.group_id, debt.amount))


def _fines_owed(session: Session, group_id: int, member_id: int, on: dt.date) -> list[Debt]:
    return [Debt("fines", N_("Unpaid fines"), fines_owed(session, group_id, member_id))]


def _settle_fines(session: Session, actor: User, debt: Debt, amount: int,
                  source: SettleFrom) -> None:
    _post_fine_payment(session, actor, _member(session, source.member_id), amount, source.on,
                       None, source.account, source.memo)


def fine_the_roll_call(session: Session, actor: User, meeting: Meeting,
                       statuses: Mapping[int, str]) -> None:
    """The rules' fines for the late and the absent, when a meeting is posted."""
    r = rules(session, meeting.group_id, meeting.meeting_date)
    fines = {member_id: attendance_fine(r, status) for member_id, status in statuses.items()}
    if any(fines.values()):
        post_fines(session, actor, group_id=meeting.group_id, on=meeting.meeting_date,
                   charges=fines, meeting_id=meeting.id, memo=gettext(MEETING_FINES))


ATTENDANCE_FINES = fine_the_roll_call

FINES_DEBTS = DebtSource("fines", 50, ("fines_receivable",), _fines_owed, _settle_fines)


@dataclass(frozen=True)
class DebtLine:
    """One debt on a statement: what was owed, what the member's money paid, what is left."""

    debt: Debt
    netted: int

    @property
    def owed(self) -> int:
        return self.debt.amount

    @property
    def left(self) -> int:
        return self.debt.amount - self.netted

    @property
    def label(self) -> str:
        return str(self.debt)


def plan_netting(debts: list[Debt], available: int) -> list[DebtLine]:
    """Pay debts in order from ``available`` until it runs out: the one netting rule of an
    exit and a share-out (VSLA). The member's money goes to her debts first, in the order
    ``member_debts`` lists them (loans oldest first, then fines); a debt it cannot clear
    is paid as far as the money reaches and the rest stays owed; only what is left after
    every debt is hers in cash. Debts no source can settle (loans outside the loans
    module) are never netted."""
    lines = []
    for debt in debts:
        take = 0 if debt.source == UNMANAGED else min(debt.amount, max(available, 0))
        available -= take
        lines.append(DebtLine(debt, take))
    return lines


def netting_income(session: Session, lines: list[DebtLine], on: dt.date) -> int:
    """What paying ``lines`` on ``on`` brings into the fund as income (interest and fees
    of loans, on a cash basis)."""
    sources = {s.key: s for s in debt_sources()}
    total = 0
    for line in lines:
        source = sources.get(line.debt.source)
        if line.netted and source is not None and source.income is not None:
            total += source.income(session, line.debt, line.netted, on)
    return total


def apply_netting(session: Session, actor: User, lines: list[DebtLine],
                  source: SettleFrom) -> None:
    sources = {s.key: s for s in debt_sources()}
    for line in lines:
        if line.netted:
            sources[line.debt.source].settle(session, actor, line.debt, line.netted, source)


# ----- leaving the group -----------------------------------------------------------------

@dataclass(frozen=True)
class SettlementStatement:
    """A leaving (or deceased) member's savings back, minus what she owes."""

    member_id: int
    number: int
    name: str
    on: dt.date
    reason: str
    savings: int
    shares: int
    debts: tuple[DebtLine, ...]
    payout: int
    problems: tuple[UserError, ...]
    below_par: int = 0  # what her savings lose to the fund's loss (kept by the group)
    funds: tuple[member_funds.FundPayout, ...] = ()  # her other money paid out with it (NSSF pot)

    @property
    def worth(self) -> int:
        """What her savings are worth today: all of them, less her part of a loss."""
        return self.savings - self.below_par

    @property
    def netted(self) -> int:
        return sum(d.netted for d in self.debts)

    @property
    def debt_left(self) -> int:
        return sum(d.left for d in self.debts)


EXIT_REASONS = ("left", "deceased")


def settlement_statement(session: Session, actor: User, *, member_id: int, on: dt.date,
                         reason: str = "left", paid_from: str = "cash") -> SettlementStatement:
    """What settling with the member on ``on`` would pay; ``problems`` lists what stops it
    (a loan the loans module must settle, too little cash, ...)."""
    member = _member(session, member_id)
    require(session, actor, Permission.READ, member.group_id)
    gid = member.group_id
    r = rules(session, gid, on)
    savings = savings_balance(session, gid, member.id)
    cut = below_par_cut(session, gid, savings) if r.exit_below_par == EXIT_CURRENT_VALUE else 0
    debts = member_debts(session, gid, member.id, on)
    lines = plan_netting(debts, savings - cut)
    payout = savings - cut - sum(line.netted for line in lines)
    funds = member_funds.payouts(session, gid, member.id, on)
    problems: list[UserError] = []
    if member.status != "active":
        problems.append(UserError(N_("{name} has already left the group."), name=member.name_lao))
    if reason not in EXIT_REASONS:
        problems.append(UserError(N_("Choose whether the member left or died.")))
    if on > clock.today() or on < member.joined_on:
        problems.append(UserError(N_("The date must be between joining and today.")))
    problems.extend(unmanaged_problem(session, member, d) for d in debts
                    if d.source == UNMANAGED)
    if paid_from not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid from the cash box or the bank.")))
    elif (cash := payout + sum(f.amount for f in funds)) and (
            short := cashbox.shortfall(session, gid, paid_from, cash)) is not None:
        problems.append(short)
    return SettlementStatement(member.id, member.number, member.name_lao, on, reason, savings,
                               r.shares(savings), tuple(lines), payout, tuple(problems), cut,
                               funds)


def below_par_cut(session: Session, group_id: int, saved: int) -> int:
    """What ``saved`` loses when the loan fund is worth less than all members' savings:
    her share of the loss, ``saved × (1 − fund ÷ savings)``, rounded so the group never
    pays out more than her savings are worth (0 when the fund is at or above par)."""
    total = ledger.balance(session, group_id, "member_savings")
    fund = (ledger.fund_balance(session, group_id, chart.LOAN_FUND)
            - ledger.balance(session, group_id, "share_out_payable"))
    if saved <= 0 or total <= 0 or fund >= total:
        return 0
    worth = max(fund, 0) * saved // total
    return saved - worth


def settle_exit(session: Session, actor: User, *, member_id: int, on: dt.date,
                reason: str = "left", paid_from: str = "cash", paid_to: str = "",
                note: str = "") -> SettlementStatement:
    """Settle with a member who leaves or died: her debts are paid from her savings, the
    rest is paid out (to ``paid_to``, e.g. the heir), and her status is set, all at once."""
    member = _member(session, member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    require(session, actor, Permission.MANAGE_MEMBERS, member.group_id)
    statement = settlement_statement(session, actor, member_id=member_id, on=on, reason=reason,
                                     paid_from=paid_from)
    if statement.problems:
        raise ValidationError(statement.problems)
    gid = member.group_id
    memo = (note or "").strip()
    with session.begin_nested():
        if statement.below_par:
            # Her part of the fund's loss stays with the group (the loan fund's reserve).
            ledger.post_entry(session, actor, group_id=gid, value_date=on,
                              kind=KIND_EXIT_BELOW_PAR, memo=memo or paid_to.strip(),
                              lines=[Line("member_savings", statement.below_par,
                                          member_id=member.id),
                                     Line("loan_fund_reserve", -statement.below_par)])
        apply_netting(session, actor, list(statement.debts),
                      SettleFrom("member_savings", member.id, on, memo))
        if statement.payout:
            ledger.post_entry(session, actor, group_id=gid, value_date=on, kind=KIND_EXIT,
                              memo=memo or paid_to.strip(),
                              lines=[Line("member_savings", statement.payout, member_id=member.id),
                                     Line(paid_from, -statement.payout)])
        member_funds.pay_out(session, actor, member.id, statement.funds, on, paid_from, memo)
        for notice in session.scalars(select(WithdrawalNotice).where(
                WithdrawalNotice.member_id == member.id, WithdrawalNotice.status == "open")):
            notice.status = "cancelled"
        session.add(ExitSettlement(group_id=gid, member_id=member.id, settled_on=on,
                                   reason=reason, savings=statement.savings,
                                   debts_netted=statement.netted, paid=statement.payout,
                                   debt_left=statement.debt_left, paid_to=paid_to.strip(),
                                   user_id=actor.id, recorded_at=clock.now()))
        set_status(session, actor, member_id=member.id, status=reason, on=on, note=memo)
        audit.record(session, actor, "savings.exit", group_id=gid, member=member.id,
                     savings=statement.savings, netted=statement.netted, paid=statement.payout,
                     left=statement.debt_left, below_par=statement.below_par)
    return statement


# ----- queries ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberSavingsRow:
    member_id: int
    number: int
    name: str
    status: str
    savings: int
    shares: int
    fines_owed: int
    loan_principal: int
    secured: int


def member_savings(session: Session, actor: User, group_id: int,
                   on: dt.date | None = None) -> list[MemberSavingsRow]:
    """Every member's savings, shares and what secures her loans (one query per account)."""
    require(session, actor, Permission.READ, group_id)
    on = on or clock.today()
    r = rules(session, group_id, on)
    savings = ledger.member_balances(session, group_id, "member_savings")
    fines = ledger.member_balances(session, group_id, "fines_receivable")
    loans = ledger.member_balances(session, group_id, "loans_receivable")
    rows = []
    for m in session.scalars(select(Member).where(Member.group_id == group_id)
                             .order_by(Member.number)):
        principal = loans.get(m.id, 0)
        rows.append(MemberSavingsRow(
            m.id, m.number, m.name_lao, m.status, savings.get(m.id, 0),
            r.shares(savings.get(m.id, 0)), fines.get(m.id, 0), principal,
            -(-max(principal, 0) * r.loan_security_percent // 100)))
    return rows


# ----- the meeting grid's columns --------------------------------------------------------

def _absent_paying(status: str, amount: int) -> list[UserError]:
    if status == ABSENT and amount:
        return [UserError(N_("She was absent; mark her as represented if someone paid for "
                             "her."))]
    return []


def _savings_expected(session: Session, ctx: meeting_columns.CellContext) -> int:
    if attendance_status(session, ctx.meeting_id, ctx.member_id) == ABSENT:
        return 0
    r = rules(session, ctx.group_id, ctx.on)
    return r.min_shares * r.share_price if r.is_shares else r.min_deposit


def _savings_validate(session: Session, ctx: meeting_columns.CellContext,
                      amount: int) -> list[UserError]:
    if amount == 0:
        return []
    status = attendance_status(session, ctx.meeting_id, ctx.member_id)
    return _absent_paying(status, amount) + deposit_problems(session, ctx.group_id, amount, ctx.on)


def _savings_post(session: Session, actor: User, ctx: meeting_columns.CellContext,
                  amount: int) -> None:
    _post_deposit(session, actor, _member(session, ctx.member_id), amount, ctx.on,
                  meeting_id=ctx.meeting_id)


def _pending_attendance_fine(session: Session, ctx: meeting_columns.CellContext) -> int:
    """The fine the member's attendance will add when the meeting is posted."""
    return attendance_fine(rules(session, ctx.group_id, ctx.on),
                           attendance_status(session, ctx.meeting_id, ctx.member_id))


def _fines_expected(session: Session, ctx: meeting_columns.CellContext) -> int:
    if attendance_status(session, ctx.meeting_id, ctx.member_id) == ABSENT:
        return 0
    return fines_owed(session, ctx.group_id, ctx.member_id) + _pending_attendance_fine(session, ctx)


def _fines_validate(session: Session, ctx: meeting_columns.CellContext,
                    amount: int) -> list[UserError]:
    if amount == 0:
        return []
    status = attendance_status(session, ctx.meeting_id, ctx.member_id)
    if amount < 0:
        return [UserError(N_("The amount cannot be negative."))]
    owed = fines_owed(session, ctx.group_id, ctx.member_id) + _pending_attendance_fine(session, ctx)
    problems = _absent_paying(status, amount)
    if amount > owed:
        problems.append(UserError(N_("She owes only {owed} in fines."),
                                  owed=money_text(session, ctx.group_id, owed)))
    return problems


def _fines_post(session: Session, actor: User, ctx: meeting_columns.CellContext,
                amount: int) -> None:
    _post_fine_payment(session, actor, _member(session, ctx.member_id), amount, ctx.on,
                       ctx.meeting_id)


SAVINGS_COLUMN = meeting_columns.MeetingColumn(
    key="savings", label=N_("Savings"), order=10, expected=_savings_expected,
    validate=_savings_validate, post=_savings_post)
FINES_COLUMN = meeting_columns.MeetingColumn(
    key="fines", label=N_("Fines paid"), order=90, expected=_fines_expected,
    validate=_fines_validate, post=_fines_post)


# ----- reversals -------------------------------------------------------------------------

def _reverse_savings_entry(session: Session, actor: User, entry: JournalEntry, reason: str,
                           value_date: dt.date) -> JournalEntry:
    """Savings entries are reversed only inside their own cycle, and never so far that a
    member's savings go below zero."""
    cycle = cycle_on(session, entry.group_id, entry.value_date)
    if cycle is not None and cycle.closed_on is not None:
        raise UserError(N_("Entry {seq} belongs to cycle {number}, already shared out."),
                        seq=entry.seq, number=cycle.number)
    if entry.kind in (KIND_EXIT, KIND_EXIT_BELOW_PAR):
        raise UserError(N_("An exit settlement cannot be reversed; if the member comes back, "
                           "record her savings as a new deposit."))
    savings_id = chart.account_id(session, entry.group_id, "member_savings")
    for line in entry.lines:
        if line.account_id == savings_id and line.member_id is not None:
            after = savings_balance(session, entry.group_id, line.member_id) + line.amount
            if after < 0:
                member = _member(session, line.member_id)
                raise UserError(N_("Reversing entry {seq} would leave {name} with negative "
                                   "savings; reverse her later withdrawal first."),
                                seq=entry.seq, name=member.name_lao)
    return ledger.post_reversal(session, actor, entry, reason=reason, value_date=value_date)


REVERSAL_RULES = {kind: _reverse_savings_entry
                  for kind in (KIND_DEPOSIT, KIND_WITHDRAWAL, KIND_EXIT, KIND_EXIT_BELOW_PAR)}


# ----- verify ----------------------------------------------------------------------------

def verify_savings(session: Session, group: Group) -> list[verify.Problem]:
    """The cash box and bank never below zero; in a share group each member's savings are
    whole shares at the open cycle's price; each posted meeting's savings and fines cells
    are on the ledger."""
    problems: list[verify.Problem] = []
    gid = group.id
    for key, message in (("cash", N_("Group {group}: the cash box is below zero ({amount}).")),
                         ("bank", N_("Group {group}: the bank account is below zero "
                                     "({amount})."))):
        held = ledger.balance(session, gid, key)
        if held < 0:
            problems.append(verify.Problem(message, {"group": group.name, "amount": held}, gid))
    cycle = open_cycle(session, gid)
    if cycle is not None and cycle.share_price > 1:
        for member_id, saved in ledger.member_balances(session, gid, "member_savings").items():
            if saved % cycle.share_price:
                problems.append(verify.Problem(
                    N_("Group {group}: member {member} has savings of {amount}, not a whole "
                       "number of shares at {price}."),
                    {"group": group.name, "member": member_id, "amount": saved,
                     "price": cycle.share_price}, gid))
    for column, kind, key in (("savings", KIND_DEPOSIT, "member_savings"),
                              ("fines", KIND_FINE_PAYMENT, "fines_receivable")):
        account_id = chart.account_id(session, gid, key)
        on_ledger = dict(session.execute(
            select(JournalEntry.meeting_id, -func.sum(JournalLine.amount))
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(JournalEntry.group_id == gid, JournalEntry.kind == kind,
                   JournalEntry.meeting_id.is_not(None), JournalLine.account_id == account_id)
            .group_by(JournalEntry.meeting_id)).all())
        in_grid = session.execute(
            select(Meeting.id, Meeting.meeting_date, func.sum(MeetingCell.amount))
            .join(MeetingCell, MeetingCell.meeting_id == Meeting.id)
            .where(Meeting.group_id == gid, MeetingCell.column_key == column)
            .group_by(Meeting.id, Meeting.meeting_date)).all()
        for meeting_id, day, total in in_grid:
            if int(on_ledger.get(meeting_id, 0)) != int(total):
                problems.append(verify.Problem(
                    N_("Group {group}: the meeting of {date} took {grid} in its {column} "
                       "column but the ledger has {ledger}."),
                    {"group": group.name, "date": fmt_date(day), "grid": int(total),
                     "column": column, "ledger": int(on_ledger.get(meeting_id, 0))}, gid))
    return problems


