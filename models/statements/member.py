"""One member's statement: every movement of hers in a period across her savings, loans,
fines, welfare and NSSF pot (each an account whose lines name her), with running balances.

The pots are the accounts that carry her lines, so a capability that adds a member subledger
(the NSSF pots) appears without a change here. Balances are in each account's normal
direction: savings and pots are what the group holds for her, loans and fines what she owes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, clock
from models.core.errors import NotFound
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, User


@dataclass(frozen=True)
class StatementLine:
    value_date: dt.date
    seq: int
    kind: str
    memo: str
    pot_code: str
    pot_name: str  # N_() text of the standard chart, or the group's own name
    amount: int    # + raises the pot's balance, - lowers it
    balance: int   # the pot's balance after this line


@dataclass(frozen=True)
class PotSummary:
    code: str
    name: str
    kind: str  # asset: she owes it; liability: held for her; equity, income: she paid it
               # in; expense: paid to her
    opening: int
    increases: int
    decreases: int
    closing: int          # read from the ledger by its own query


@dataclass(frozen=True)
class MemberStatement:
    group_id: int
    group_name: str
    village: str | None
    currency: str
    member_number: int
    member_name: str
    member_latin: str | None
    start: dt.date
    end: dt.date
    pots: tuple[PotSummary, ...]
    lines: tuple[StatementLine, ...]
    seal: str | None
    printed_at: dt.datetime
    printed_by: str
    is_demo: bool


def find_member(session: Session, group_id: int, number: int) -> Member:
    member = session.scalar(select(Member).where(Member.group_id == group_id,
                                                 Member.number == number))
    if member is None:
        raise NotFound(N_("No member number {number} in this group."), number=number)
    return member


def member_statement(session: Session, actor: User, *, group_id: int, member_number: int,
                     start: dt.date | None = None,
                     end: dt.date | None = None) -> MemberStatement:
    """The statement of member ``member_number`` (the number the Members screen shows) from
    ``start`` (default: the day she joined) to ``end`` (default: today)."""
    require(session, actor, Permission.EXPORT, group_id)
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No group number {number}."), number=group_id)
    member = find_member(session, group_id, member_number)
    first = session.scalar(
        select(func.min(JournalEntry.value_date)).join(JournalLine)
        .where(JournalLine.member_id == member.id))
    start = start or min(member.joined_on, first or member.joined_on)
    end = end or max(clock.today(), start)
    accounts = {a.id: a for a in session.scalars(select(Account).where(
        Account.id.in_(select(JournalLine.account_id).where(JournalLine.member_id == member.id)
                       .distinct())).order_by(Account.code))}
    opening = {aid: chart.normal_sign(accounts[aid].kind) * int(total)
               for aid, total in session.execute(
                   select(JournalLine.account_id, func.sum(JournalLine.amount))
                   .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                   .where(JournalLine.member_id == member.id, JournalEntry.value_date < start)
                   .group_by(JournalLine.account_id))}
    closing = {aid: chart.normal_sign(accounts[aid].kind) * int(total)
               for aid, total in session.execute(
                   select(JournalLine.account_id, func.sum(JournalLine.amount))
                   .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
                   .where(JournalLine.member_id == member.id, JournalEntry.value_date <= end)
                   .group_by(JournalLine.account_id))}
    running = dict(opening)
    increases: dict[int, int] = {}
    decreases: dict[int, int] = {}
    lines = []
    for value_date, seq, kind, memo, account_id, amount in session.execute(
            select(JournalEntry.value_date, JournalEntry.seq, JournalEntry.kind,
                   JournalEntry.memo, JournalLine.account_id, JournalLine.amount)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.member_id == member.id, JournalEntry.value_date >= start,
                   JournalEntry.value_date <= end)
            .order_by(JournalEntry.value_date, JournalEntry.seq, JournalLine.line_no)):
        acc = accounts[account_id]
        signed = chart.normal_sign(acc.kind) * int(amount)
        running[account_id] = running.get(account_id, 0) + signed
        if signed > 0:
            increases[account_id] = increases.get(account_id, 0) + signed
        else:
            decreases[account_id] = decreases.get(account_id, 0) - signed
        lines.append(StatementLine(value_date, seq, kind, memo, acc.code, acc.name, signed,
                                   running[account_id]))
    pots = tuple(PotSummary(a.code, a.name, a.kind, opening.get(aid, 0),
                            increases.get(aid, 0), decreases.get(aid, 0), closing.get(aid, 0))
                 for aid, a in accounts.items())
    return MemberStatement(group.id, group.name, group.village, group.currency, member.number,
                           member.name_lao, member.name_latin, start, end, pots, tuple(lines),
                           group.head_hash, clock.now(), actor.display_name or actor.username,
                           group.is_demo)
