"""Withdrawals during a cycle, where the group's rules allow them: how much a member may
take (her loans keep part of her savings as security), notice given ahead when the rules
ask for it, and paying her out of the cash box or the bank."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_
from models.core.ledger import Line, fmt_date
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.meetings import cashbox
from models.savings.accounts import (
    KIND_WITHDRAWAL,
    PAY_ACCOUNTS,
    SavingsReceipt,
    active_problem,
    find_member,
    savings_balance,
    savings_receipt,
    secured_amount,
)
from models.savings.rules import SavingsRules, cycle_for_posting, money_text, rules
from models.savings.schema import WithdrawalNotice


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
    if (inactive := active_problem(member)) is not None:
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
    member = find_member(session, member_id)
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
    return savings_receipt(session, member, entry, amount)


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
    member = find_member(session, member_id)
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
    if (inactive := active_problem(member)) is not None:
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
    member = find_member(session, member_id)
    require(session, actor, Permission.READ, member.group_id)
    r = rules(session, member.group_id, clock.today())
    return [_notice_row(n, r) for n in session.scalars(
        select(WithdrawalNotice).where(WithdrawalNotice.member_id == member_id,
                                       WithdrawalNotice.status == "open")
        .order_by(WithdrawalNotice.given_on))]

