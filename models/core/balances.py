"""Balances: without a date, read from the kept totals (``models.core.totals``: one row per
account, one per member and account, moved by every posting); as of a date, or per loan,
summed from the covering indexes of ``journal_lines`` (``(account_id, amount)``, ...).

The trial balance of a group reads only its own accounts' totals; the federation's trial
balance is one statement over every group, so its cost does not grow with the number of
lines. ``models.core.ledger`` re-exports these names (``ledger.balance``, ...)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from models.core import chart, totals
from models.core.permissions import Permission, require
from models.core.schema import (
    Account,
    AccountTotal,
    JournalEntry,
    JournalLine,
    MemberTotal,
    User,
)


def raw_sum(session: Session, account_id: int, *, member_id: int | None = None,
            loan_id: int | None = None, as_of: dt.date | None = None) -> int:
    """Signed sum of the lines of one account (debits positive; of one member's lines on
    it): the kept total when no date and no loan is given, else summed from the lines."""
    if loan_id is None and as_of is None and totals.kept(session):
        if member_id is None:
            kept = select(AccountTotal.total).where(AccountTotal.account_id == account_id)
        else:
            kept = select(MemberTotal.total).where(MemberTotal.account_id == account_id,
                                                   MemberTotal.member_id == member_id)
        return int(session.scalar(kept) or 0)
    query = select(func.coalesce(func.sum(JournalLine.amount), 0)).where(
        JournalLine.account_id == account_id)
    if member_id is not None:
        query = query.where(JournalLine.member_id == member_id)
    if loan_id is not None:
        query = query.where(JournalLine.loan_id == loan_id)
    if as_of is not None:
        query = query.join(JournalEntry).where(JournalEntry.value_date <= as_of)
    return int(session.scalar(query))


def account_sums(session: Session, account_ids: Iterable[int]) -> dict[int, int]:
    """Signed sum per account, from the kept totals in one statement (accounts never
    posted to are absent)."""
    if totals.kept(session):
        return totals.account_totals(session, account_ids)
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    return {account_id: int(total) for account_id, total in session.execute(
        select(JournalLine.account_id, func.sum(JournalLine.amount))
        .where(JournalLine.account_id.in_(ids)).group_by(JournalLine.account_id))}


def member_sums(session: Session, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Signed sum per (account, member), from the kept totals in one statement (pairs
    never posted to are absent)."""
    if totals.kept(session):
        return totals.member_totals(session, pairs)
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = session.execute(
        select(JournalLine.account_id, JournalLine.member_id, func.sum(JournalLine.amount))
        .where(JournalLine.account_id.in_({a for a, _m in pairs}),
               JournalLine.member_id.in_({m for _a, m in pairs}))
        .group_by(JournalLine.account_id, JournalLine.member_id))
    return {(a, m): int(total) for a, m, total in rows if (a, m) in pairs}


def balance(session: Session, group_id: int, key: str, *, member_id: int | None = None,
            loan_id: int | None = None, as_of: dt.date | None = None) -> int:
    """Balance of a system account in its normal direction (savings owed to members is
    positive, cash in the box is positive)."""
    acc = chart.account(session, group_id, key)
    return chart.normal_sign(acc.kind) * raw_sum(session, acc.id, member_id=member_id,
                                                 loan_id=loan_id, as_of=as_of)


def member_balances(session: Session, group_id: int, key: str,
                    as_of: dt.date | None = None) -> dict[int, int]:
    """Normal-direction balance per member on one system account (members with no lines
    are absent)."""
    acc = chart.account(session, group_id, key)
    if as_of is None and totals.kept(session):
        query = select(MemberTotal.member_id, MemberTotal.total).where(
            MemberTotal.account_id == acc.id)
    else:
        query = (select(JournalLine.member_id, func.sum(JournalLine.amount))
                 .join(JournalEntry)
                 .where(JournalLine.account_id == acc.id, JournalLine.member_id.is_not(None))
                 .group_by(JournalLine.member_id))
        if as_of is not None:
            query = query.where(JournalEntry.value_date <= as_of)
    sign = chart.normal_sign(acc.kind)
    return {member: sign * int(total) for member, total in session.execute(query)}


def fund_balance(session: Session, group_id: int, fund: str,
                 as_of: dt.date | None = None) -> int:
    """What a fund is worth: its savings/liabilities + equity + income − expenses."""
    if as_of is None and totals.kept(session):
        query = (select(func.coalesce(func.sum(AccountTotal.total), 0))
                 .join(Account, Account.id == AccountTotal.account_id)
                 .where(Account.group_id == group_id, Account.fund == fund,
                        Account.kind != chart.ASSET))
    else:
        query = (select(func.coalesce(func.sum(JournalLine.amount), 0))
                 .join(Account, Account.id == JournalLine.account_id)
                 .join(JournalEntry)
                 .where(Account.group_id == group_id, Account.fund == fund,
                        Account.kind != chart.ASSET))
        if as_of is not None:
            query = query.where(JournalEntry.value_date <= as_of)
    return -int(session.scalar(query))


@dataclass(frozen=True)
class TrialBalanceRow:
    account_id: int
    code: str
    key: str | None
    name: str
    kind: str
    fund: str | None
    debit: int
    credit: int

    @property
    def net(self) -> int:
        return self.debit - self.credit


def _statement(by_group: bool, source: str):  # noqa: ANN202
    """Each account (of the groups ``:groups``) by code with its net: its kept total
    (``source`` "kept"), or a sum per account on the ``(account_id, amount)`` index
    ("lines": a backup from before the totals), up to ``:as_of`` through each line's entry
    ("dated"). Built once per shape: the office asks often."""
    key = (by_group, source)
    if key not in _STATEMENTS:
        columns = (Account.group_id, Account.id, Account.code, Account.key, Account.name,
                   Account.kind, Account.fund)
        if source == "kept":
            query = (select(*columns, func.coalesce(AccountTotal.total, 0))
                     .outerjoin(AccountTotal, AccountTotal.account_id == Account.id))
        else:
            net = select(func.coalesce(func.sum(JournalLine.amount), 0)).where(
                JournalLine.account_id == Account.id)
            if source == "dated":
                net = net.join(JournalEntry, JournalEntry.id == JournalLine.entry_id).where(
                    JournalEntry.value_date <= bindparam("as_of"))
            query = select(*columns, net.scalar_subquery())
        query = query.order_by(Account.group_id, Account.code)
        if by_group:
            query = query.where(Account.group_id.in_(bindparam("groups", expanding=True)))
        _STATEMENTS[key] = query
    return _STATEMENTS[key]


_STATEMENTS: dict = {}


def _rows(session: Session, group_ids: list[int] | None,
          as_of: dt.date | None) -> dict[int, list[TrialBalanceRow]]:
    """One statement: each account of the groups (by code) with its net, as plain rows."""
    params: dict = {}
    if group_ids is not None:
        params["groups"] = group_ids
    if as_of is not None:
        params["as_of"] = as_of
    out: dict[int, list[TrialBalanceRow]] = {}
    for group_id, account_id, code, key, name, kind, fund, net in session.execute(
            _statement(group_ids is not None, "dated" if as_of is not None else
                       "kept" if totals.kept(session) else "lines"), params):
        net = int(net)
        out.setdefault(group_id, []).append(
            TrialBalanceRow(account_id, code, key, name, kind, fund, max(net, 0), max(-net, 0)))
    return out


def trial_balance(session: Session, group_id: int,
                  as_of: dt.date | None = None) -> list[TrialBalanceRow]:
    """One row per account of the group, by code: the net debit or credit. The debits
    equal the credits. One statement, whatever the size of the ledger."""
    return _rows(session, [group_id], as_of).get(group_id, [])


def federation_trial_balance(session: Session, group_ids: Iterable[int] | None = None, *,
                             as_of: dt.date | None = None) -> dict[int, list[TrialBalanceRow]]:
    """Every group's trial balance (``group_ids``: only these), keyed by group: one
    statement with one grouped sum over the lines, however many groups there are."""
    return _rows(session, None if group_ids is None else sorted(set(group_ids)), as_of)


@dataclass(frozen=True)
class EntryRow:
    id: int
    seq: int
    value_date: dt.date
    recorded_at: dt.datetime
    user: str
    kind: str
    memo: str
    amount: int  # sum of the debits
    reverses_seq: int | None
    reversed_by_seq: int | None


def entries(session: Session, actor: User, group_id: int, *, limit: int = 200,
            offset: int = 0) -> list[EntryRow]:
    """The newest entries first, for the journal screen."""
    require(session, actor, Permission.READ, group_id)
    reversed_by = {}
    original = {}
    rows = session.execute(
        select(JournalEntry, User.username)
        .join(User, User.id == JournalEntry.user_id)
        .where(JournalEntry.group_id == group_id)
        .order_by(JournalEntry.seq.desc()).limit(limit).offset(offset)).all()
    ids = [e.id for e, _ in rows]
    for _rid, rseq, target in session.execute(
            select(JournalEntry.id, JournalEntry.seq, JournalEntry.reverses_id)
            .where(JournalEntry.reverses_id.in_(ids))):
        reversed_by[target] = rseq
    targets = [e.reverses_id for e, _ in rows if e.reverses_id]
    for tid, tseq in session.execute(select(JournalEntry.id, JournalEntry.seq)
                                     .where(JournalEntry.id.in_(targets))):
        original[tid] = tseq
    debit_sums = dict(session.execute(
        select(JournalLine.entry_id, func.sum(JournalLine.amount))
        .where(JournalLine.entry_id.in_(ids), JournalLine.amount > 0)
        .group_by(JournalLine.entry_id)).all())
    return [EntryRow(e.id, e.seq, e.value_date, e.recorded_at, username, e.kind, e.memo,
                     int(debit_sums.get(e.id, 0)), original.get(e.reverses_id),
                     reversed_by.get(e.id)) for e, username in rows]
