"""The auditor's workbook, the ledger's own sheets: the period, balance sheet and income by
fund (funds from the chart's fund tags), the cash book with the cash counts, and the journal
line by line with hashes and reversal links. The cash book and the journal are read in
batches of ``BATCH`` entries while the session is open."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, clock, ledger
from models.core.errors import NotFound
from models.core.i18n import N_
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, User
from models.loans.schema import Loan
from models.meetings.schema import CashCount
from models.statements.auditor_rows import AccountLine, CashRow, FundPosition, JournalRow

BATCH = 2000


def _period(session: Session, group_id: int, start: dt.date | None,
            end: dt.date | None) -> tuple[dt.date, dt.date]:
    first, last = session.execute(
        select(func.min(JournalEntry.value_date), func.max(JournalEntry.value_date))
        .where(JournalEntry.group_id == group_id)).one()
    today = clock.today()
    start = start or first or today
    end = end or max(last or today, today)
    return start, end


def _group(session: Session, group_id: int) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No group number {number}."), number=group_id)
    return group


def _account_sums(session: Session, group_id: int, *, after: dt.date | None,
                  through: dt.date) -> dict[int, int]:
    query = (select(JournalLine.account_id, func.sum(JournalLine.amount))
             .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
             .where(JournalEntry.group_id == group_id, JournalEntry.value_date <= through)
             .group_by(JournalLine.account_id))
    if after is not None:
        query = query.where(JournalEntry.value_date > after)
    return {aid: int(total) for aid, total in session.execute(query)}


def _funds(session: Session, group_id: int, start: dt.date, end: dt.date) -> list[FundPosition]:
    accounts = list(session.scalars(select(Account).where(Account.group_id == group_id)
                                    .order_by(Account.code)))
    to_end = _account_sums(session, group_id, after=None, through=end)
    in_period = _account_sums(session, group_id, after=start - dt.timedelta(days=1), through=end)
    tags = [f for f in chart.FUNDS]
    tags += sorted({a.fund for a in accounts if a.fund and a.fund not in tags})
    if any(a.fund is None and a.kind != chart.ASSET for a in accounts):
        tags.append(None)
    out = []
    for tag in tags:
        mine = [a for a in accounts if a.fund == tag]

        def lines(kind: str, sums: dict[int, int], accounts=mine) -> tuple[AccountLine, ...]:
            return tuple(AccountLine(a.code, a.name, a.kind, a.fund,
                                     chart.normal_sign(a.kind) * sums.get(a.id, 0))
                         for a in accounts if a.kind == kind and sums.get(a.id, 0))

        assets = lines(chart.ASSET, to_end)
        liabilities = lines(chart.LIABILITY, to_end)
        equity = lines(chart.EQUITY, to_end)
        unclosed = sum(-to_end.get(a.id, 0) for a in mine
                       if a.kind in (chart.INCOME, chart.EXPENSE))
        worth = ledger.fund_balance(session, group_id, tag, as_of=end)
        result = -int(session.scalar(
            select(func.coalesce(func.sum(JournalLine.amount), 0))
            .join(Account, Account.id == JournalLine.account_id)
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(Account.group_id == group_id, Account.fund == tag if tag else
                   Account.fund.is_(None),
                   Account.kind.in_((chart.INCOME, chart.EXPENSE)),
                   JournalEntry.value_date >= start, JournalEntry.value_date <= end)))
        position = FundPosition(
            tag, assets, worth - sum(a.amount for a in assets), liabilities, equity, unclosed,
            worth, lines(chart.INCOME, in_period), lines(chart.EXPENSE, in_period), result)
        if tag in chart.FUNDS or any((assets, liabilities, equity, unclosed, worth,
                                      position.income, position.expenses)):
            out.append(position)
    return out


def _cash_rows(session: Session, group_id: int, start: dt.date, end: dt.date,
               cash_opening: int, bank_opening: int) -> Iterator[CashRow]:
    cash_id = chart.account_id(session, group_id, "cash")
    bank_id = chart.account_id(session, group_id, "bank")
    counts: dict[int, list[CashCount]] = {}
    for count in session.scalars(select(CashCount).where(
            CashCount.group_id == group_id, CashCount.counted_on >= start,
            CashCount.counted_on <= end).order_by(CashCount.head_seq, CashCount.id)):
        counts.setdefault(count.head_seq, []).append(count)
    cash, bank = cash_opening, bank_opening
    last_seq = 0
    touching = (select(JournalLine.entry_id).where(JournalLine.account_id.in_((cash_id, bank_id)))
                .scalar_subquery())
    while True:
        batch = session.execute(
            select(JournalEntry.seq, JournalEntry.value_date, JournalEntry.kind,
                   JournalEntry.memo, JournalEntry.id)
            .where(JournalEntry.group_id == group_id, JournalEntry.seq > last_seq,
                   JournalEntry.value_date >= start, JournalEntry.value_date <= end,
                   JournalEntry.id.in_(touching))
            .order_by(JournalEntry.seq).limit(BATCH)).all()
        if not batch:
            break
        ids = [row.id for row in batch]
        moves: dict[tuple[int, int], int] = {}
        for entry_id, account_id, total in session.execute(
                select(JournalLine.entry_id, JournalLine.account_id, func.sum(JournalLine.amount))
                .where(JournalLine.entry_id.in_(ids),
                       JournalLine.account_id.in_((cash_id, bank_id)))
                .group_by(JournalLine.entry_id, JournalLine.account_id)):
            moves[(entry_id, account_id)] = int(total)
        for seq, value_date, kind, memo, entry_id in batch:
            for s in sorted(k for k in counts if last_seq < k < seq):
                yield from _count_rows(counts.pop(s), cash, bank)
            in_cash, in_bank = moves.get((entry_id, cash_id), 0), moves.get((entry_id, bank_id), 0)
            cash += in_cash
            bank += in_bank
            yield CashRow(value_date, seq, kind, memo, in_cash, in_bank, cash, bank)
            last_seq = seq
            if seq in counts:
                yield from _count_rows(counts.pop(seq), cash, bank)
    for s in sorted(counts):
        yield from _count_rows(counts[s], cash, bank)


def _count_rows(counts: list, cash: int, bank: int) -> Iterator[CashRow]:  # noqa: ANN001
    for count in counts:
        yield CashRow(count.counted_on, None, "count", count.note or "", 0, 0, cash, bank,
                      count.counted, count.counted - count.expected)


def _journal_rows(session: Session, group_id: int, start: dt.date,
                  end: dt.date) -> Iterator[JournalRow]:
    accounts = {a.id: (a.code, a.name) for a in session.scalars(
        select(Account).where(Account.group_id == group_id))}
    members = dict(session.execute(select(Member.id, Member.name_lao)
                                   .where(Member.group_id == group_id)).all())
    numbers = dict(session.execute(select(Member.id, Member.number)
                                   .where(Member.group_id == group_id)).all())
    loan_numbers = dict(session.execute(select(Loan.id, Loan.number)
                                        .where(Loan.group_id == group_id)).all())
    users = dict(session.execute(select(User.id, User.username)).all())
    last_seq = 0
    while True:
        entries = session.execute(
            select(JournalEntry.id, JournalEntry.seq, JournalEntry.value_date,
                   JournalEntry.recorded_at, JournalEntry.user_id, JournalEntry.kind,
                   JournalEntry.memo, JournalEntry.reverses_id, JournalEntry.hash)
            .where(JournalEntry.group_id == group_id, JournalEntry.seq > last_seq,
                   JournalEntry.value_date >= start, JournalEntry.value_date <= end)
            .order_by(JournalEntry.seq).limit(BATCH)).all()
        if not entries:
            break
        ids = [e.id for e in entries]
        seq_of = dict(session.execute(
            select(JournalEntry.id, JournalEntry.seq).where(JournalEntry.id.in_(
                [e.reverses_id for e in entries if e.reverses_id]))).all())
        reversed_by = dict(session.execute(
            select(JournalEntry.reverses_id, JournalEntry.seq)
            .where(JournalEntry.reverses_id.in_(ids))).all())
        lines: dict[int, list] = {}
        for line in session.execute(
                select(JournalLine.entry_id, JournalLine.line_no, JournalLine.account_id,
                       JournalLine.member_id, JournalLine.loan_id, JournalLine.amount)
                .where(JournalLine.entry_id.in_(ids))
                .order_by(JournalLine.entry_id, JournalLine.line_no)):
            lines.setdefault(line.entry_id, []).append(line)
        for e in entries:
            for line in lines.get(e.id, []):
                code, name = accounts[line.account_id]
                member = ""
                if line.member_id is not None:
                    member = f"{numbers[line.member_id]}. {members[line.member_id]}"
                yield JournalRow(e.seq, e.value_date, e.recorded_at, users.get(e.user_id, ""),
                                 e.kind, e.memo, seq_of.get(e.reverses_id),
                                 reversed_by.get(e.id), e.hash, line.line_no, code, name,
                                 member, loan_numbers.get(line.loan_id), int(line.amount))
            last_seq = e.seq


def _period_debits(session: Session, group_id: int, start: dt.date,
                   end: dt.date) -> tuple[int, int]:
    lines, debits = session.execute(
        select(func.count(JournalLine.id),
               func.coalesce(func.sum(JournalLine.amount).filter(JournalLine.amount > 0), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.group_id == group_id, JournalEntry.value_date >= start,
               JournalEntry.value_date <= end)).one()
    return int(lines), int(debits)
