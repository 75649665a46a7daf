"""Closing a cycle: the share-out. A preview first (pure computation, nothing written), then
posting exactly what the preview showed.

Only the loan fund is shared out (welfare and NSSF money are other funds). The
distributable fund D is what the loan fund is worth: members' savings plus its earnings
(interest, penalties, fines, other income) less expenses, write-offs and cash shortages,
plus what earlier cycles left in the reserve. Methods (setting ``savings.shareout_method``):

- value per share: V = D / total shares; payout = shares × V (VSLA standard).
- time-weighted: savings back, and the profit D − savings split by share-days (savings ×
  days held before the share-out), so early savings earn more.
- equal profit: savings back, and the profit split equally between the members who save.

In a free-amount group a "share" is one minor unit saved. Payouts are rounded *down* to
``savings.shareout_round_to`` (the smallest note), so they never exceed D; the rounding
residue stays in the loan fund reserve and is carried to the next cycle (shown on the
preview). What members owe is paid from their payout first (``savings.shareout_loans`` =
net) or stops the share-out until loans are repaid (block). A member's loans are paid off
in full from her payout or not at all (then they run on into the next cycle, which must
hold enough to cover them); paying them off brings in their interest and unpaid loan fees
(the loans are on a cash basis), which are part of D, so they are shared out now. The new
cycle starts on the share-out day, with what members re-invest (all, none, or per member)
as its first savings.

Money a member keeps outside her savings (her NSSF pot: a ``member_funds`` fund) is not
the loan fund's and is never shared: each row shows it beside her payout, paid out in cash
with her share when the group's rule says so, otherwise kept for her into the new cycle.
She may put part of her cash payout into it (``top_ups``; at most the cash she would take).

This module is the preview (the arithmetic, then every member's row and what stops it);
``shareout_posting.py`` posts it and ``shareout_records.py`` reads past share-outs back.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, clock, ledger, settings
from models.core.clock import add_months
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.ledger import fmt_date
from models.core.permissions import Permission, require
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, User
from models.meetings.schema import Meeting
from models.savings import member_funds
from models.savings.debts import (
    DebtLine,
    debt_accounts,
    member_debts,
    netting_income,
    plan_netting,
)
from models.savings.member_funds import FundShare
from models.savings.rules import (
    BLOCK_LOANS,
    EQUAL_PROFIT,
    MODE,
    SHARE_MONTHS,
    SHARE_PRICE,
    SHAREOUT_METHODS,
    SHARES,
    TIME_WEIGHTED,
    VALUE_PER_SHARE,
    CycleRow,
    cycle_row,
    money_text,
    open_cycle,
    rules,
)
from models.savings.schema import SavingsCycle

ALL, NONE = "all", "none"
CarryOver = str | Mapping[int, int]
# Working the payouts out again with the interest the netted repayments bring in settles
# in a round or two; this only bounds a pathological case (posting then refuses).
_MAX_ROUNDS = 50


def value_per_share(distributable: int, shares: int) -> Decimal:
    """V = D / total shares, in minor units exact to 4 places (0 with no shares): the one
    value of a share the preview, the screen, the printed statement and the auditor's
    workbook show (formatted by ``money.format_fraction``)."""
    if not shares:
        return Decimal(0)
    return (Decimal(distributable) / Decimal(shares)).quantize(Decimal("0.0001"),
                                                               rounding=ROUND_HALF_EVEN)


def split(method: str, distributable: int, holdings: Mapping[int, tuple[int, int]],
          round_to: int = 1) -> tuple[dict[int, int], int]:
    """Payouts per member and the residue. ``holdings`` maps member -> (savings, weight);
    the weight is used by the time-weighted method (kip-days). Payouts are rounded down to
    a multiple of ``round_to``, so ``sum(payouts) + residue == distributable`` with
    ``0 <= residue < len(holdings) * round_to``. Integers throughout: no float, no rounding
    but the one floor."""
    total = sum(s for s, _ in holdings.values())
    profit = distributable - total
    payouts: dict[int, int] = {}
    if method == VALUE_PER_SHARE:
        for member, (saved, _) in holdings.items():
            payouts[member] = distributable * saved // (total * round_to) * round_to
    elif method == TIME_WEIGHTED:
        weights = sum(w for _, w in holdings.values())
        for member, (saved, weight) in holdings.items():
            payouts[member] = ((saved * weights + profit * weight) // (weights * round_to)
                               * round_to)
    elif method == EQUAL_PROFIT:
        n = len(holdings)
        for member, (saved, _) in holdings.items():
            payouts[member] = (saved * n + profit) // (n * round_to) * round_to
    else:
        raise ValueError(method)
    return payouts, distributable - sum(payouts.values())


def distributable(session: Session, group_id: int) -> int:
    """D: what the loan fund is worth, less share-outs already owed to members."""
    return (ledger.fund_balance(session, group_id, chart.LOAN_FUND)
            - ledger.balance(session, group_id, "share_out_payable"))


def share_days(session: Session, group_id: int, start: dt.date, on: dt.date) -> dict[int, int]:
    """Savings × days held until ``on``, per member (kip-days): the time-weighted weights.
    Savings from before ``start`` (re-invested at the last share-out) count from ``start``."""
    acc = chart.account_id(session, group_id, "member_savings")
    rows = session.execute(
        select(JournalLine.member_id, JournalEntry.value_date, func.sum(JournalLine.amount))
        .join(JournalEntry).where(JournalLine.account_id == acc, JournalEntry.value_date <= on)
        .group_by(JournalLine.member_id, JournalEntry.value_date))
    out: dict[int, int] = {}
    for member_id, day, raw in rows:
        days = (on - max(day, start)).days
        out[member_id] = out.get(member_id, 0) - int(raw) * days
    return out


def share_months(session: Session, group_id: int, start: dt.date,
                 on: dt.date) -> dict[int, int]:
    """Savings × whole months held until ``on``, per member (share-months, as paper groups
    count them): a deposit made less than a month before counts for nothing yet.
    Savings from before ``start`` count from ``start``."""
    acc = chart.account_id(session, group_id, "member_savings")
    rows = session.execute(
        select(JournalLine.member_id, JournalEntry.value_date, func.sum(JournalLine.amount))
        .join(JournalEntry).where(JournalLine.account_id == acc, JournalEntry.value_date <= on)
        .group_by(JournalLine.member_id, JournalEntry.value_date))
    out: dict[int, int] = {}
    for member_id, day, raw in rows:
        out[member_id] = out.get(member_id, 0) - int(raw) * whole_months(max(day, start), on)
    return out


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (15/01 → 14/03 is one, → 15/03 two)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)



@dataclass(frozen=True)
class ShareOutRow:
    """One member's payout statement."""

    member_id: int
    number: int
    name: str
    savings: int
    shares: int
    weight: int
    payout: int
    debts: tuple[DebtLine, ...]
    reinvest: int
    netted: int
    debt_left: int
    funds: tuple[FundShare, ...] = ()  # her NSSF pot: paid out with her share, or kept

    @property
    def profit(self) -> int:
        return self.payout - self.savings

    @property
    def net(self) -> int:
        return self.payout - self.netted

    @property
    def topped_up(self) -> int:
        """What she puts from her payout into her pot."""
        return sum(f.topped_up for f in self.funds)

    @property
    def fund_paid(self) -> int:
        """Her pot paid out to her with her share (the group's rule)."""
        return sum(f.paid_out for f in self.funds)

    @property
    def fund_kept(self) -> int:
        """What her pot holds for her after the share-out."""
        return sum(f.kept for f in self.funds)

    @property
    def cash(self) -> int:
        """Her share paid in cash: the payout less debts, re-investment and pot top-up."""
        return self.net - self.reinvest - self.topped_up

    @property
    def cash_in_hand(self) -> int:
        """All the cash she is handed: her share and the pot paid out with it."""
        return self.cash + self.fund_paid


class FundTotals:
    """The share-out's totals of her other funds (the NSSF pots), for a preview and a
    posted record alike (both hold ``rows`` of ``ShareOutRow``)."""

    rows: tuple[ShareOutRow, ...]

    @property
    def total_topped_up(self) -> int:
        return sum(r.topped_up for r in self.rows)

    @property
    def total_fund_paid(self) -> int:
        return sum(r.fund_paid for r in self.rows)

    @property
    def total_fund_kept(self) -> int:
        return sum(r.fund_kept for r in self.rows)


@dataclass(frozen=True)
class ShareOutPreview(FundTotals):
    group_id: int
    cycle: CycleRow
    on: dt.date
    method: str
    loans_policy: str
    round_to: int
    distributable: int  # D, with the interest and fees the loans paid off today bring in
    loan_interest: int  # that interest and those fees
    total_savings: int
    total_shares: int
    rows: tuple[ShareOutRow, ...]
    residue: int
    next_mode: str
    next_share_price: int
    cash_held: int
    problems: tuple[UserError, ...]
    ledger_seq: int  # the ledger this was computed from; posting refuses a changed one
    share_out_id: int | None = None

    @property
    def profit(self) -> int:
        return self.distributable - self.total_savings

    @property
    def value_per_share(self) -> Decimal:
        """V = D / total shares (for the value-per-share method), exact to 4 places."""
        return value_per_share(self.distributable, self.total_shares)

    @property
    def total_payout(self) -> int:
        return sum(r.payout for r in self.rows)

    @property
    def total_netted(self) -> int:
        return sum(r.netted for r in self.rows)

    @property
    def total_reinvest(self) -> int:
        return sum(r.reinvest for r in self.rows)

    @property
    def total_cash(self) -> int:
        return sum(r.cash for r in self.rows)

    @property
    def total_cash_in_hand(self) -> int:
        return sum(r.cash_in_hand for r in self.rows)


def _next_cycle_terms(session: Session, group_id: int, on: dt.date) -> tuple[str, int]:
    mode = settings.get(session, group_id, MODE.key, on=on)
    return mode, (settings.get(session, group_id, SHARE_PRICE.key, on=on) if mode == SHARES else 1)


def _reinvest(net: int, price: int, carry: CarryOver, member_id: int) -> int:
    if carry == ALL:
        return max(net, 0) // price * price
    if carry == NONE:
        return 0
    return cast(Mapping[int, int], carry).get(member_id, 0)  # neither string: a mapping


def _checks(session: Session, group_id: int, cycle: SavingsCycle,
            on: dt.date) -> list[UserError]:
    """What stops a share-out on ``on`` whatever the figures."""
    problems = []
    if on <= cycle.start_date:
        problems.append(UserError(N_("Cycle {number} started on {date}; the share-out must come "
                                     "after that."), number=cycle.number,
                                  date=fmt_date(cycle.start_date)))
    if on > clock.today():
        problems.append(UserError(N_("{date} is in the future."), date=fmt_date(on)))
    last = session.scalar(select(func.max(JournalEntry.value_date))
                          .where(JournalEntry.group_id == group_id))
    if last is not None and last > on:
        problems.append(UserError(N_("Money is recorded on {date}, after the share-out day; "
                                     "share out on {date} or later."), date=fmt_date(last)))
    for day in session.scalars(select(Meeting.meeting_date).where(
            Meeting.cycle_id == cycle.id, Meeting.status == "open").order_by(Meeting.meeting_date)):
        problems.append(UserError(N_("The meeting of {date} is not posted yet."),
                                  date=fmt_date(day)))
    return problems


def preview_share_out(session: Session, actor: User, *, group_id: int, on: dt.date,
                      method: str | None = None, carry_over: CarryOver = ALL,
                      top_ups: Mapping[int, int] | None = None) -> ShareOutPreview:
    """Compute the share-out of the open cycle on ``on``; nothing is written. ``problems``
    lists everything that stops posting it.

    What a member owes is paid from her payout first, as at an exit
    (``plan_netting``): loans oldest first, then fines, as far as the payout
    reaches; she takes cash (or re-invests) only what is left once every debt is cleared,
    and what the payout could not cover stays owed on her loan into the next cycle. The
    interest and fees the netted repayments bring in are part of D, so they are shared out
    in this cycle: the payouts are worked out again with them until nothing changes.

    ``top_ups`` maps a member to what she puts from her payout into her NSSF pot."""
    require(session, actor, Permission.READ, group_id)
    cycle = open_cycle(session, group_id)
    if cycle is None:
        raise UserError(N_("The group has no savings cycle to share out."))
    r = rules(session, group_id, on)
    method = method or r.shareout_method
    if method not in SHAREOUT_METHODS:
        raise UserError(N_("Unknown share-out method."))
    if isinstance(carry_over, str) and carry_over not in (ALL, NONE):
        raise UserError(N_("Choose to re-invest all, none, or an amount per member."))
    problems = _checks(session, group_id, cycle, on)

    members = {m.id: m for m in session.scalars(select(Member).where(Member.group_id == group_id))}
    saved = {m: s for m, s in ledger.member_balances(session, group_id, "member_savings").items()
             if s > 0}
    weigh = share_months if r.shareout_time_unit == SHARE_MONTHS else share_days
    weights = weigh(session, group_id, cycle.start_date, on)
    holdings = {m: (s, max(weights.get(m, 0), 0)) for m, s in saved.items()}
    debtors = {m for m in members
               if any(ledger.balance(session, group_id, key, member_id=m) > 0
                      for key in debt_accounts())}
    owed = {m: member_debts(session, group_id, m, on) for m in debtors}
    netting = r.shareout_loans != BLOCK_LOANS
    nettable = {m for m in owed if netting and m in holdings}
    base = distributable(session, group_id)
    fund, payouts, residue, interest = base, {m: 0 for m in holdings}, base, 0
    if not holdings:
        problems.append(UserError(N_("No member has savings to share out.")))
    elif method == TIME_WEIGHTED and not sum(w for _, w in holdings.values()):
        if r.shareout_time_unit == SHARE_MONTHS:
            problems.append(UserError(N_("No savings were held for a whole month yet; the "
                                         "share-months share-out has nothing to go by.")))
        else:
            problems.append(UserError(N_("No savings were held for a day yet; the "
                                         "time-weighted share-out has nothing to go by.")))
    else:
        for _round in range(_MAX_ROUNDS):
            fund = base + interest
            if fund <= 0:
                problems.append(UserError(N_("The loan fund holds {amount}; there is nothing "
                                             "to share out."),
                                          amount=money_text(session, group_id, fund)))
                break
            payouts, residue = split(method, fund, holdings, r.shareout_round_to)
            brought = sum(netting_income(
                session, plan_netting(owed[m], payouts[m]), on) for m in nettable)
            if brought == interest:
                break
            interest = brought

    next_mode, next_price = _next_cycle_terms(session, group_id, on)
    rows = []
    top_ups = dict(top_ups or {})
    fund_holders = member_funds.share_out_holders(session, group_id) & set(members)
    for member_id in sorted(set(holdings) | debtors | fund_holders,
                            key=lambda m: members[m].number):
        member = members[member_id]
        payout = payouts.get(member_id, 0)
        debt = owed.get(member_id, [])
        if payout < 0:
            problems.append(UserError(N_("The fund's loss is larger than {name}'s savings."),
                                      name=member.name_lao))
        loan_total = sum(d.amount for d in debt if d.loan_id is not None)
        if not netting and loan_total:
            problems.append(UserError(
                N_("{name} still owes {amount} on loans; the rules want every loan repaid "
                   "before the share-out."), name=member.name_lao,
                amount=money_text(session, group_id, loan_total)))
        netted_debts = [d for d in debt if d.loan_id is None] if not netting else debt
        lines = tuple(plan_netting(netted_debts, payout))
        if not netting:
            lines += tuple(DebtLine(d, 0) for d in debt if d not in netted_debts)
        netted = sum(line.netted for line in lines)
        reinvest = _reinvest(payout - netted, next_price, carry_over, member_id)
        if reinvest < 0 or reinvest > max(payout - netted, 0):
            problems.append(UserError(N_("{name} can re-invest at most {amount}."),
                                      name=member.name_lao, amount=money_text(
                                          session, group_id, max(payout - netted, 0))))
        elif reinvest % next_price:
            problems.append(UserError(
                N_("{name}'s re-investment {amount} is not a whole number of shares at {price}."),
                name=member.name_lao, amount=money_text(session, group_id, reinvest),
                price=money_text(session, group_id, next_price)))
        top_up = top_ups.get(member_id, 0)
        problems.extend(_top_up_problems(session, member, on, top_up,
                                         max(payout - netted - max(reinvest, 0), 0)))
        held, weight = holdings.get(member_id, (0, 0))
        shares = held // cycle.share_price
        weight = {TIME_WEIGHTED: weight, EQUAL_PROFIT: int(held > 0)}.get(method, shares)
        fine = isinstance(top_up, int) and not isinstance(top_up, bool) and top_up >= 0
        funds = member_funds.share_out_plan(session, group_id, member_id, on,
                                            top_up if fine else 0)
        rows.append(ShareOutRow(member_id, member.number, member.name_lao, held, shares, weight,
                                payout, lines, reinvest, netted, sum(x.left for x in lines),
                                funds))
    listed = {row.member_id for row in rows}
    if isinstance(carry_over, Mapping):
        problems.extend(UserError(N_("Member {member} has no payout to re-invest."),
                                  member=m) for m in carry_over if m not in listed)
    problems.extend(UserError(N_("Member {member} has no payout to put into an NSSF pot."),
                              member=m) for m in top_ups if m not in listed)

    cash_held = ledger.balance(session, group_id, "cash")
    cash_needed = sum(row.cash_in_hand for row in rows)
    if cash_needed > cash_held:
        problems.append(UserError(N_("The payouts need {needed} in cash but the box holds "
                                     "{held}; bring money from the bank first."),
                                  needed=money_text(session, group_id, cash_needed),
                                  held=money_text(session, group_id, cash_held)))
    lent_after = _loan_fund_assets(session, group_id) - sum(row.netted for row in rows) + interest
    kept = residue + sum(row.reinvest for row in rows)
    if not problems and lent_after > kept:
        problems.append(UserError(
            N_("{lent} stays lent out after the share-out but the new cycle starts with only "
               "{kept}; the payouts would use welfare money. Collect the loans or re-invest "
               "more."), lent=money_text(session, group_id, lent_after),
            kept=money_text(session, group_id, kept)))
    return ShareOutPreview(
        group_id, cycle_row(cycle), on, method, r.shareout_loans, r.shareout_round_to, fund,
        interest, sum(s for s, _ in holdings.values()),
        sum(s // cycle.share_price for s, _ in holdings.values()), tuple(rows), residue,
        next_mode, next_price, cash_held, tuple(problems),
        session.get(Group, group_id).entry_count)


def _top_up_problems(session: Session, member: Member, on: dt.date, top_up: object,
                     cash: int) -> list[UserError]:
    """Why what she puts from her payout into her NSSF pot cannot be taken; ``cash`` is
    what her payout would give her in cash."""
    if isinstance(top_up, bool) or not isinstance(top_up, int) or top_up < 0:
        return [UserError(N_("What {name} puts into her NSSF pot must be a whole amount, "
                             "zero or more."), name=member.name_lao)]
    if not top_up:
        return []
    if (refused := member_funds.top_up_problem(session, member.id, on)) is not None:
        return [refused]
    if top_up > cash:
        return [UserError(N_("{name} takes {cash} in cash from her payout; no more than that "
                             "can go into her NSSF pot."), name=member.name_lao,
                          cash=money_text(session, member.group_id, cash))]
    return []


def _loan_fund_assets(session: Session, group_id: int) -> int:
    """What the loan fund has lent or is owed (its receivables), from the ledger."""
    return int(session.scalar(
        select(func.coalesce(func.sum(JournalLine.amount), 0))
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.group_id == group_id, Account.fund == chart.LOAN_FUND,
               Account.kind == chart.ASSET)))

