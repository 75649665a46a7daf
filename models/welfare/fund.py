"""The welfare fund's money side: its dated settings, contributions (in the meeting grid and
outside it), joining fees, the fund's position and history, and members' good standing.

Postings (``models.core.chart``): a contribution or joining fee debits ``cash`` (or ``bank``) and
credits ``welfare_fund`` on the member's line. Claim payouts (``models.welfare.payout``) debit
``welfare_payouts`` and credit cash, with any part the fund could not pay yet credited to
``welfare_claims_payable``. So the fund's ledger balance (``ledger.fund_balance(...,
"welfare")``) is contributions − benefits granted + benefits still owed: the fund's share of
the cash, which must never go below zero.

Arrears are computed, not posted: each meeting held (a journal entry linked to a meeting)
while the per-meeting contribution is in force, or each month (on its first day) while the
per-month contribution is, makes a contribution due from every member who had joined by
then, plus the joining fee in force on the member's joining day. What a member has paid
is the sum of their lines on ``welfare_fund``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, ledger, settings
from models.core.clock import add_months
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_, gettext
from models.core.permissions import Permission, require
from models.core.schema import Account, JournalEntry, JournalLine, Member, User
from models.loans import policy as loan_policy
from models.loans import state as loan_state
from models.meetings.columns import BatchPart, CellContext, MeetingColumn, post_part

CONTRIBUTION_KINDS = ("welfare_contribution", "welfare_joining_fee")
METHODS = ("cash", "bank")
METHOD_NAMES = {"cash": N_("Cash"), "bank": N_("Bank transfer")}
BASES = ("meeting", "month")
BASIS_NAMES = {"meeting": N_("Per meeting"), "month": N_("Per month")}
SHORTFALL = ("partial", "refuse")
SHORTFALL_NAMES = {"partial": N_("Pay what the fund has; owe the rest"),
                   "refuse": N_("Pay only in full; the claim waits")}
# When a late loan payment stops a claim: after the loans' own grace days (the common rule:
# a payment the loan rules still accept does not cost her her cover), or from the due date.
LOAN_GRACE = ("grace", "due_date")
LOAN_GRACE_NAMES = {"grace": N_("After the loans' grace days"),
                    "due_date": N_("From the day it falls due")}


def _whole(low: int, high: int | None = None):  # noqa: ANN202
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (
                high is not None and value > high):
            if high is None:
                raise UserError(N_("Enter a whole number of at least {low}."), low=low)
            raise UserError(N_("Enter a whole number from {low} to {high}."), low=low, high=high)
        return value
    return check


# Amounts are minor units of the group's currency.
SETTINGS = {
    "welfare_contribution": settings.define(
        "welfare_contribution", 0, N_("Welfare contribution per member"), _whole(0)),
    "welfare_contribution_basis": settings.define(
        "welfare_contribution_basis", "meeting", N_("The contribution is due"),
        settings.choice(*BASES)),
    "welfare_joining_fee": settings.define(
        "welfare_joining_fee", 0, N_("Joining fee into the welfare fund"), _whole(0)),
    "welfare_min_reserve": settings.define(
        "welfare_min_reserve", 0, N_("Minimum welfare fund reserve"), _whole(0)),
    "welfare_reserve_extra_approvals": settings.define(
        "welfare_reserve_extra_approvals", 1,
        N_("Extra approvals for a payout below the reserve"), _whole(0, 5)),
    "welfare_shortfall": settings.define(
        "welfare_shortfall", "partial", N_("When the fund is short"), settings.choice(*SHORTFALL)),
    "welfare_approvals_required": settings.define(
        "welfare_approvals_required", 1, N_("Leaders who must approve a claim"), _whole(1, 5)),
    "welfare_max_missed_contributions": settings.define(
        "welfare_max_missed_contributions", 2,
        N_("Contributions a member may be behind and still claim"), _whole(0, 24)),
    "welfare_year_cap": settings.define(
        "welfare_year_cap", 0, N_("Most one member may get in a calendar year (0: no limit)"),
        _whole(0)),
    "welfare_loan_grace": settings.define(
        "welfare_loan_grace", "grace", N_("A loan payment counts as late for claims"),
        settings.choice(*LOAN_GRACE)),
}


@dataclass(frozen=True)
class WelfareSettings:
    contribution: int
    contribution_basis: str
    joining_fee: int
    min_reserve: int
    reserve_extra_approvals: int
    shortfall: str
    approvals_required: int
    max_missed_contributions: int
    year_cap: int = 0  # minor units a member may get in a calendar year; 0: no limit
    loan_grace: str = "grace"


_FIELD_KEYS = {name: f"welfare_{name}" for name in WelfareSettings.__dataclass_fields__}


def welfare_settings(session: Session, group_id: int, on: dt.date | None = None
                     ) -> WelfareSettings:
    """The settings in force on ``on`` (default today)."""
    return WelfareSettings(**{name: settings.get(session, group_id, key, on)
                              for name, key in _FIELD_KEYS.items()})


def set_welfare_settings(session: Session, actor: User, *, group_id: int,
                         effective_from: dt.date, values: WelfareSettings) -> list[str]:
    """Record the settings that differ from those in force on ``effective_from``, from
    that day on. Every invalid value is listed at once. Returns the keys changed."""
    require(session, actor, Permission.CHANGE_SETTINGS, group_id)
    current = welfare_settings(session, group_id, effective_from)
    problems = []
    changed = []
    for name, key in _FIELD_KEYS.items():
        value = getattr(values, name)
        try:
            SETTINGS[key].validate(value)
        except UserError as exc:
            problems.append(UserError(N_("In “{setting}”: {problem}"),
                                      setting=gettext(SETTINGS[key].label), problem=exc))
            continue
        if value != getattr(current, name):
            changed.append(key)
    if problems:
        raise ValidationError(problems)
    for key in changed:
        settings.set_value(session, actor, group_id=group_id, key=key,
                           value=getattr(values, key.removeprefix("welfare_")),
                           effective_from=effective_from)
    return changed


@dataclass(frozen=True)
class FundPosition:
    """The welfare fund on a day, from its ledger accounts."""

    contributions: int  # welfare_fund: contributions and joining fees received
    granted: int  # welfare_payouts: benefits granted
    owed: int  # welfare_claims_payable: benefits granted, not yet paid
    receivable: int  # welfare_receivable
    balance: int  # ledger.fund_balance(..., "welfare") = contributions − granted + owed

    @property
    def cash(self) -> int:
        """The fund's share of the cash box and bank."""
        return self.balance - self.receivable

    @property
    def available(self) -> int:
        """What new claims can be paid from: the fund's cash less what it already owes."""
        return self.cash - self.owed


def fund_position(session: Session, group_id: int, as_of: dt.date | None = None
                  ) -> FundPosition:
    def bal(key: str) -> int:
        return ledger.balance(session, group_id, key, as_of=as_of)

    return FundPosition(bal("welfare_fund"), bal("welfare_payouts"),
                        bal("welfare_claims_payable"), bal("welfare_receivable"),
                        ledger.fund_balance(session, group_id, chart.WELFARE_FUND, as_of))


@dataclass(frozen=True)
class FundMonth:
    month: dt.date  # first day of the month
    contributions: int  # received in the month
    granted: int  # benefits granted in the month
    paid: int  # benefits paid out in the month (including what was owed before)
    owed: int  # owed at the month's end
    balance: int  # the fund's balance at the month's end


def fund_history(session: Session, actor: User, group_id: int, *, start: dt.date,
                 end: dt.date) -> list[FundMonth]:
    """The fund month by month from ``start``'s month to ``end``'s month."""
    require(session, actor, Permission.READ, group_id)
    clock.check_date(start)
    clock.check_date(end)
    first = start.replace(day=1)
    opening = fund_position(session, group_id, first - dt.timedelta(days=1))
    keys = ("welfare_fund", "welfare_payouts", "welfare_claims_payable")
    rows = session.execute(
        select(JournalEntry.value_date, Account.key, JournalLine.amount)
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalEntry.group_id == group_id, Account.key.in_(keys),
               JournalEntry.value_date >= first, JournalEntry.value_date <= end))
    sums: dict[tuple[dt.date, str], int] = {}
    for day, key, amount in rows:
        month = day.replace(day=1)
        sums[(month, key)] = sums.get((month, key), 0) + int(amount)
    out = []
    balance, owed, month = opening.balance, opening.owed, first
    while month <= end:
        received = -sums.get((month, "welfare_fund"), 0)
        granted = sums.get((month, "welfare_payouts"), 0)
        owed_change = -sums.get((month, "welfare_claims_payable"), 0)
        owed += owed_change
        balance += received - granted + owed_change
        out.append(FundMonth(month, received, granted, granted - owed_change, owed, balance))
        month = add_months(month, 1)
    return out


def _value_on(history: list[tuple[dt.date, Any]], default: Any, day: dt.date) -> Any:
    value = default
    for effective_from, v in history:
        if effective_from > day:
            break
        value = v
    return value


def meeting_dates(session: Session, group_id: int, on: dt.date) -> list[dt.date]:
    """The days of the group's meetings up to ``on``: each meeting's first entry's date."""
    rows = session.scalars(
        select(func.min(JournalEntry.value_date))
        .where(JournalEntry.group_id == group_id, JournalEntry.meeting_id.is_not(None),
               JournalEntry.value_date <= on)
        .group_by(JournalEntry.meeting_id))
    return sorted(rows)


def contribution_dues(session: Session, group_id: int, on: dt.date) -> list[tuple[dt.date, int]]:
    """(day, amount) of each contribution the group's members owed up to ``on``."""
    amounts = settings.history(session, group_id, "welfare_contribution")
    if not amounts:
        return []
    bases = settings.history(session, group_id, "welfare_contribution_basis")
    default_amount = SETTINGS["welfare_contribution"].default
    default_basis = SETTINGS["welfare_contribution_basis"].default
    start = amounts[0][0]
    dues = []
    for day in meeting_dates(session, group_id, on):
        if day >= start and _value_on(bases, default_basis, day) == "meeting":
            amount = _value_on(amounts, default_amount, day)
            if amount:
                dues.append((day, amount))
    month = start if start.day == 1 else add_months(start.replace(day=1), 1)
    while month <= on:
        if _value_on(bases, default_basis, month) == "month":
            amount = _value_on(amounts, default_amount, month)
            if amount:
                dues.append((month, amount))
        month = add_months(month, 1)
    return sorted(dues)


@dataclass(frozen=True)
class ContributionStatus:
    expected: int  # contributions and joining fee due up to the day
    paid: int
    behind: int  # expected − paid, never below zero
    missed: int  # how many of the latest dues ``behind`` amounts to


def _status(dues: list[tuple[dt.date, int]], joined_on: dt.date, left_on: dt.date | None,
            joining_fee: int, paid: int) -> ContributionStatus:
    mine = [amount for day, amount in dues
            if day >= joined_on and (left_on is None or day <= left_on)]
    if joining_fee:
        mine.insert(0, joining_fee)
    expected = sum(mine)
    behind = max(0, expected - paid)
    missed, covered = 0, 0
    for amount in reversed(mine):
        if covered >= behind:
            break
        covered += amount
        missed += 1
    return ContributionStatus(expected, paid, behind, missed)


def _left_on(member: Member) -> dt.date | None:
    """The day a member stopped owing contributions (she left or died)."""
    return member.status_date if member.status in ("left", "deceased") else None


def contribution_status(session: Session, group_id: int, member_id: int,
                        on: dt.date | None = None) -> ContributionStatus:
    on = on or clock.today()
    member = session.get(Member, member_id)
    if member is None or member.group_id != group_id:
        raise NotFound(N_("No such member."))
    fee = settings.get(session, group_id, "welfare_joining_fee", member.joined_on)
    paid = ledger.balance(session, group_id, "welfare_fund", member_id=member_id, as_of=on)
    return _status(contribution_dues(session, group_id, on), member.joined_on,
                   _left_on(member), fee, paid)


def _member_for_money(session: Session, group_id: int, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.group_id != group_id:
        raise NotFound(N_("No such member."))
    return member


def _post_contribution(session: Session, actor: User, *, group_id: int, member_id: int,
                       amount: int, on: dt.date, kind: str, method: str = "cash",
                       meeting_id: int | None = None, memo: str = "") -> JournalEntry:
    return ledger.post_entry(
        session, actor, group_id=group_id, value_date=on, kind=kind, memo=memo,
        meeting_id=meeting_id,
        lines=[ledger.debit(method, amount),
               ledger.credit("welfare_fund", amount, member_id=member_id)])


def _check_payment(member: Member | None, amount: int, method: str, on: dt.date) -> None:
    problems = []
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        problems.append(UserError(N_("The amount must be more than zero.")))
    if method not in METHODS:
        problems.append(UserError(N_("Choose cash or bank transfer.")))
    if on > clock.today():
        problems.append(UserError(N_("The date is in the future.")))
    if member is not None and member.status != "active":
        problems.append(UserError(N_("{name} is no longer an active member."),
                                  name=member.name_lao))
    if problems:
        raise ValidationError(problems)


def record_contribution(session: Session, actor: User, *, group_id: int, member_id: int,
                        amount: int, on: dt.date | None = None, method: str = "cash",
                        note: str = "") -> int:
    """A welfare contribution paid outside a meeting. Returns the entry's number."""
    require(session, actor, Permission.RECORD, group_id)
    on = on or clock.today()
    member = _member_for_money(session, group_id, member_id)
    _check_payment(member, amount, method, on)
    entry = _post_contribution(session, actor, group_id=group_id, member_id=member_id,
                               amount=amount, on=on, kind="welfare_contribution",
                               method=method, memo=note.strip())
    audit.record(session, actor, "welfare.contribution", group_id=group_id, member=member_id,
                 amount=amount, entry=entry.seq)
    return entry.seq


def record_joining_fee(session: Session, actor: User, *, group_id: int, member_id: int,
                       amount: int | None = None, on: dt.date | None = None,
                       method: str = "cash") -> int:
    """The member's joining fee into the fund (default: the fee in force on their joining
    day). Returns the entry's number."""
    require(session, actor, Permission.RECORD, group_id)
    on = on or clock.today()
    member = _member_for_money(session, group_id, member_id)
    if amount is None:
        amount = settings.get(session, group_id, "welfare_joining_fee", member.joined_on)
        if not amount:
            raise UserError(N_("The group asked no joining fee when this member joined."))
    _check_payment(member, amount, method, on)
    entry = _post_contribution(session, actor, group_id=group_id, member_id=member_id,
                               amount=amount, on=on, kind="welfare_joining_fee", method=method)
    audit.record(session, actor, "welfare.joining_fee", group_id=group_id, member=member_id,
                 amount=amount, entry=entry.seq)
    return entry.seq


def _expected(session: Session, ctx: CellContext) -> int:
    contribution = settings.get(session, ctx.group_id, "welfare_contribution", ctx.on)
    if not contribution or settings.get(session, ctx.group_id, "welfare_contribution_basis",
                                        ctx.on) == "meeting":
        return contribution
    month = ctx.on.replace(day=1)
    paid = ledger.balance(session, ctx.group_id, "welfare_fund", member_id=ctx.member_id,
                          as_of=ctx.on) - ledger.balance(
        session, ctx.group_id, "welfare_fund", member_id=ctx.member_id,
        as_of=month - dt.timedelta(days=1))
    return max(0, contribution - paid)


def _validate(session: Session, ctx: CellContext, amount: int) -> list[UserError]:
    if amount < 0:
        return [UserError(N_("A welfare contribution cannot be negative."))]
    return []


def _post(session: Session, actor: User, ctx: CellContext, amount: int) -> None:
    _post_contribution(session, actor, group_id=ctx.group_id, member_id=ctx.member_id,
                       amount=amount, on=ctx.on, kind="welfare_contribution",
                       meeting_id=ctx.meeting_id)


def _batch(session: Session, actor: User, cells: list[tuple[CellContext, int]]) -> BatchPart:
    """The welfare column's part of the meeting's batch: ``_post`` for every cell."""
    return BatchPart([ledger.Posting(ctx.on, "welfare_contribution", (
        ledger.debit("cash", amount), ledger.credit("welfare_fund", amount,
                                                    member_id=ctx.member_id)),
        meeting_id=ctx.meeting_id) for ctx, amount in cells], lambda posted: None)


def _post_all(session: Session, actor: User, cells: list[tuple[CellContext, int]]) -> None:
    if cells:
        post_part(session, actor, cells[0][0].group_id, _batch(session, actor, cells))


def _enabled(session: Session, group_id: int, on: dt.date) -> bool:
    return settings.get(session, group_id, "welfare_contribution", on) > 0


MEETING_COLUMN = MeetingColumn(
    key="welfare", label=N_("Welfare"), order=30, expected=_expected, validate=_validate,
    post=_post, enabled=_enabled, post_all=_post_all, batch=_batch)


def overdue_loan_count(session: Session, group_id: int, member_id: int, on: dt.date) -> int:
    """How many of the member's loans being repaid are overdue on ``on``: an installment due
    before the day is unpaid. With the setting ``welfare_loan_grace`` at "grace" (the
    default) an installment counts as overdue only after the grace days the loan rules in
    force on its due date give."""
    honour_grace = settings.get(session, group_id, "welfare_loan_grace", on) == "grace"
    count = 0
    for loan in loan_state.member_active_loans(session, group_id, member_id):
        state = loan_state.loan_state(session, loan, on)
        if state is None or state.arrears.oldest_due is None:
            continue
        oldest = state.arrears.oldest_due
        if honour_grace:
            grace = loan_policy.penalty_rule(session, group_id, oldest).grace_days
            if on <= oldest + dt.timedelta(days=grace):
                continue
        count += 1
    return count


@dataclass(frozen=True)
class StandingRow:
    member_id: int
    number: int
    name: str
    contributions_behind: int
    contributions_missed: int
    overdue_loans: int


def members_not_in_good_standing(session: Session, actor: User, group_id: int, *,
                                 on: dt.date | None = None) -> list[StandingRow]:
    """Active members more contributions behind than the group allows, or with an overdue
    loan, by member number."""
    require(session, actor, Permission.READ, group_id)
    on = clock.check_date(on or clock.today())
    allowed = settings.get(session, group_id, "welfare_max_missed_contributions", on)
    dues = contribution_dues(session, group_id, on)
    paid = ledger.member_balances(session, group_id, "welfare_fund", as_of=on)
    fees = settings.history(session, group_id, "welfare_joining_fee")
    out = []
    for member in session.scalars(select(Member).where(Member.group_id == group_id,
                                                       Member.status == "active")
                                  .order_by(Member.number)):
        fee = _value_on(fees, 0, member.joined_on)
        status = _status(dues, member.joined_on, None, fee, paid.get(member.id, 0))
        loans = overdue_loan_count(session, group_id, member.id, on)
        if status.missed > allowed or loans:
            out.append(StandingRow(member.id, member.number, member.name_lao, status.behind,
                                   status.missed, loans))
    return out
