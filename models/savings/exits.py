"""A member leaving the group (or who died): her savings back, less what she owes and, when
the loan fund is worth less than the savings (below par), her part of the loss; her
status set, all at once."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, ledger
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_
from models.core.ledger import Line
from models.core.members import set_status
from models.core.permissions import Permission, require
from models.core.schema import User
from models.meetings import cashbox
from models.savings import member_funds
from models.savings.accounts import (
    KIND_EXIT,
    KIND_EXIT_BELOW_PAR,
    PAY_ACCOUNTS,
    find_member,
    savings_balance,
)
from models.savings.debts import DebtLine, SettleFrom, apply_netting, member_debts, plan_netting
from models.savings.rules import EXIT_CURRENT_VALUE, rules
from models.savings.schema import ExitSettlement, WithdrawalNotice


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
    (she has left already, too little cash, ...)."""
    member = find_member(session, member_id)
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
    member = find_member(session, member_id)
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

