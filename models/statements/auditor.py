"""What the auditor's workbook shows, read from the ledger as frozen rows.

``auditor_data(session, actor, *, group_id, start, end)`` reads one group and a period (default
the whole history) for ``reports/auditor_workbook.py``; the journal and the cash book are
iterators that read in batches while the session is open, so a ten-year group is never held
in memory at once. Each sheet comes with the ledger's own figure for its totals (read by a
separate query) so the workbook can show a check cell beside every sum.

Funds come from the chart's fund tags (``models.core.chart.FUNDS`` and any tag a group's own
accounts carry), so the NSSF pots appear as soon as their accounts hold money. Extra columns
of the members sheet come from ``MEMBER_COLUMNS``: a capability (the NSSF pots) registers a
``MemberColumn`` whose ``values(session, group_id, start, end)`` gives a figure per member and
``ledger_total`` the ledger's figure for the check cell.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.loans import arrears
from models.core import audit, chart, clock, ledger
from models.meetings import columns as meeting_columns, meeting as meetings
from models.core.errors import NotFound
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import Account, AuditEvent, Group, JournalEntry, JournalLine, Member, User
from models.core.verify import verify_group

BATCH = 2000
EXPORT_ACTION = "export.file"


@dataclass(frozen=True)
class MemberColumn:
    """An extra column of the members sheet (the hook the NSSF capability fills)."""

    key: str
    title: str  # N_() text
    values: Callable[[Session, int, dt.date, dt.date], dict[int, int]]
    ledger_total: Callable[[Session, int, dt.date, dt.date], int]


MEMBER_COLUMNS: list[MemberColumn] = []


def register_member_column(column: MemberColumn) -> MemberColumn:
    MEMBER_COLUMNS[:] = [c for c in MEMBER_COLUMNS if c.key != column.key] + [column]
    return column


@dataclass(frozen=True)
class Cover:
    group_id: int
    group_name: str
    group_latin: str | None
    village: str | None
    district: str | None
    currency: str
    start: dt.date
    end: dt.date
    exported_by: str
    exported_at: dt.datetime
    seal: str | None          # the chain head (the seal is its first digits, models.core.seal)
    total_entries: int        # the whole chain
    period_entries: int
    problems: tuple[tuple[str, dict], ...]  # verify at export time: (message id, params)
    is_demo: bool


@dataclass(frozen=True)
class AccountLine:
    code: str
    name: str  # N_() text of the standard chart, or the group's own name
    kind: str
    fund: str | None
    amount: int  # in the account's normal direction


@dataclass(frozen=True)
class FundPosition:
    """One fund's balance sheet at the period end and income statement for the period."""

    fund: str | None
    assets: tuple[AccountLine, ...]
    cash_share: int           # cash and bank held for this fund (its worth less its own assets)
    liabilities: tuple[AccountLine, ...]
    equity: tuple[AccountLine, ...]
    unclosed_result: int      # income less expenses to the period end, not yet closed
    worth: int                # ledger.fund_balance at the period end
    income: tuple[AccountLine, ...]
    expenses: tuple[AccountLine, ...]
    result: int               # the period's income less expenses, by a separate query


@dataclass(frozen=True)
class CashRow:
    value_date: dt.date
    seq: int | None
    kind: str               # entry kind, or "count" for a cash count
    memo: str
    cash: int               # signed movement of the box
    bank: int
    cash_balance: int
    bank_balance: int
    counted: int | None = None
    difference: int | None = None


@dataclass(frozen=True)
class JournalRow:
    seq: int
    value_date: dt.date
    recorded_at: dt.datetime
    user: str
    kind: str
    memo: str
    reverses_seq: int | None
    reversed_by_seq: int | None
    hash: str
    line_no: int
    account_code: str
    account_name: str
    member: str
    loan_number: int | None
    amount: int  # signed: debit positive


@dataclass(frozen=True)
class MemberLine:
    number: int
    name: str
    name_latin: str | None
    status: str
    joined_on: dt.date
    opening_savings: int
    closing_savings: int
    loans: int
    fines_owed: int
    welfare_contributions: int
    extra: tuple[int, ...]


@dataclass(frozen=True)
class LoanLine:
    number: int
    member_number: int
    member_name: str
    amount: int
    annual_rate_bp: int
    installments: int
    method: str
    disbursed_on: dt.date | None
    principal_paid: int
    interest_paid: int
    outstanding: int
    overdue: int
    penalties: int
    days_overdue: int
    bucket: str | None  # N_() label of the aging bucket


@dataclass(frozen=True)
class ClaimLine:
    number: int
    member_number: int
    member_name: str
    type_name: str
    event_date: dt.date
    claim_date: dt.date
    beneficiary: str
    amount_asked: int
    status: str
    rules: tuple[tuple[str, bool, str, dict], ...]  # (rule label id, passed, message, params)
    approvers: tuple[str, ...]
    rejected_by: str | None
    granted: int
    owed: int


@dataclass(frozen=True)
class MeetingLine:
    meeting_date: dt.date
    status: str
    attendance: tuple[int, ...]  # per meetings' ATTENDANCE status
    amounts: tuple[int, ...]     # per column of AuditorData.meeting_columns


@dataclass(frozen=True)
class ShareOutLine:
    share_out_date: dt.date
    cycle: int
    member_number: int
    member_name: str
    savings: int
    shares: int
    payout: int
    debts_netted: int
    reinvested: int
    cash_paid: int
    debt_left: int


@dataclass(frozen=True)
class AuditLine:
    at: dt.datetime
    username: str
    action: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class AuditorData:
    cover: Cover
    trial_balance: tuple[ledger.TrialBalanceRow, ...]
    funds: tuple[FundPosition, ...]
    cash_opening: int
    bank_opening: int
    cash_closing: int      # the ledger's balances at the period end
    bank_closing: int
    cash_rows: Callable[[], Iterator[CashRow]]
    journal_rows: Callable[[], Iterator[JournalRow]]
    journal_lines: int
    journal_debits: int    # the ledger's sum of the period's debits
    members: tuple[MemberLine, ...]
    member_columns: tuple[str, ...]                 # N_() titles of the extra columns
    member_ledger: dict[str, int] = field(default_factory=dict)  # column key -> ledger figure
    loans: tuple[LoanLine, ...] = ()
    risk: arrears.PortfolioRisk | None = None
    loans_ledger: int = 0
    claims: tuple[ClaimLine, ...] = ()
    claims_ledger: int = 0
    meeting_columns: tuple[str, ...] = ()           # N_() labels
    meetings: tuple[MeetingLine, ...] = ()
    share_outs: tuple[ShareOutLine, ...] = ()
    audit: tuple[AuditLine, ...] = ()


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
    from models.savings.schema import CashCount

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
    from models.loans.schema import Loan

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


def _member_period(session: Session, group_id: int, key: str, start: dt.date,
                   end: dt.date) -> dict[int, int]:
    acc = chart.account(session, group_id, key)
    sign = chart.normal_sign(acc.kind)
    return {m: sign * int(t) for m, t in session.execute(
        select(JournalLine.member_id, func.sum(JournalLine.amount))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_id == acc.id, JournalLine.member_id.is_not(None),
               JournalEntry.value_date >= start, JournalEntry.value_date <= end)
        .group_by(JournalLine.member_id))}


def _members(session: Session, group_id: int, start: dt.date,
             end: dt.date) -> tuple[tuple[MemberLine, ...], dict[str, int]]:
    before = start - dt.timedelta(days=1)
    opening = ledger.member_balances(session, group_id, "member_savings", as_of=before)
    closing = ledger.member_balances(session, group_id, "member_savings", as_of=end)
    loans = ledger.member_balances(session, group_id, "loans_receivable", as_of=end)
    fines = ledger.member_balances(session, group_id, "fines_receivable", as_of=end)
    welfare = _member_period(session, group_id, "welfare_fund", start, end)
    extra = [column.values(session, group_id, start, end) for column in MEMBER_COLUMNS]
    rows = tuple(
        MemberLine(m.number, m.name_lao, m.name_latin, m.status, m.joined_on,
                   opening.get(m.id, 0), closing.get(m.id, 0), loans.get(m.id, 0),
                   fines.get(m.id, 0), welfare.get(m.id, 0),
                   tuple(values.get(m.id, 0) for values in extra))
        for m in session.scalars(select(Member).where(Member.group_id == group_id)
                                 .order_by(Member.number)))
    welfare_acc = chart.account(session, group_id, "welfare_fund")
    figures = {
        "opening_savings": ledger.balance(session, group_id, "member_savings", as_of=before),
        "closing_savings": ledger.balance(session, group_id, "member_savings", as_of=end),
        "loans": ledger.balance(session, group_id, "loans_receivable", as_of=end),
        "fines_owed": ledger.balance(session, group_id, "fines_receivable", as_of=end),
        "welfare_contributions": -int(session.scalar(
            select(func.coalesce(func.sum(JournalLine.amount), 0))
            .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
            .where(JournalLine.account_id == welfare_acc.id, JournalLine.member_id.is_not(None),
                   JournalEntry.value_date >= start, JournalEntry.value_date <= end))),
    }
    for column in MEMBER_COLUMNS:
        figures[column.key] = column.ledger_total(session, group_id, start, end)
    return rows, figures


def _loans(session: Session, actor: User, group_id: int,
           end: dt.date) -> tuple[tuple[LoanLine, ...], arrears.PortfolioRisk, int]:
    from models.loans.schema import Loan

    rows = arrears.loan_arrears(session, actor, group_id=group_id, on=end)
    risk = arrears.portfolio_at_risk(rows, end)
    interest_acc = chart.account_id(session, group_id, "interest_income")
    interest = {loan: -int(total) for loan, total in session.execute(
        select(JournalLine.loan_id, func.sum(JournalLine.amount))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_id == interest_acc, JournalLine.loan_id.is_not(None),
               JournalEntry.value_date <= end)
        .group_by(JournalLine.loan_id))}
    loans = {loan.id: loan for loan in session.scalars(
        select(Loan).where(Loan.id.in_([r.loan_id for r in rows])))}
    numbers = dict(session.execute(select(Member.id, Member.number)
                                   .where(Member.group_id == group_id)).all())
    lines = []
    for r in sorted(rows, key=lambda r: r.number):
        loan = loans[r.loan_id]
        index = arrears.bucket_of(r.days_overdue)
        lines.append(LoanLine(
            r.number, numbers.get(r.member_id, 0), r.member_name, loan.amount,
            loan.annual_rate_bp, loan.installments, _method_key(loan), loan.disbursed_on,
            loan.amount - r.outstanding, interest.get(r.loan_id, 0), r.outstanding,
            r.overdue_principal + r.overdue_interest + r.overdue_fees, r.penalties,
            r.days_overdue, arrears.BUCKETS[index][2] if index is not None else None))
    return tuple(lines), risk, ledger.balance(session, group_id, "loans_receivable", as_of=end)


def _method_key(loan) -> str:  # noqa: ANN001
    """The loan policy's name for a method and amortization (``LOAN_METHOD_NAMES``)."""
    if loan.method == "declining" and loan.amortization == "equal-principal":
        return "declining_equal_principal"
    return loan.method


def _claims(session: Session, actor: User, group_id: int, start: dt.date,
            end: dt.date) -> tuple[tuple[ClaimLine, ...], int]:
    from models.welfare import claims as welfare_claims, register as welfare_register

    rows = welfare_register.claims_register(session, actor, group_id, start=start, end=end)
    out = []
    for r in sorted(rows, key=lambda r: r.number):
        results = welfare_claims.claim_check(session, actor, r.id)
        out.append(ClaimLine(
            r.number, r.member_number, r.member_name, r.type_name, r.event_date, r.claim_date,
            r.beneficiary, r.amount_asked, r.status,
            tuple((welfare_rule_name(x.rule), x.passed, x.message, dict(x.params))
                  for x in results),
            r.approvals, r.rejected_by, r.granted, r.owed))
    from models.welfare.schema import WelfareClaim

    payouts = chart.account_id(session, group_id, "welfare_payouts")
    ledger_granted = int(session.scalar(
        select(func.coalesce(func.sum(JournalLine.amount), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalLine.account_id == payouts, JournalEntry.claim_id.in_(
            select(WelfareClaim.id).where(WelfareClaim.group_id == group_id,
                                          WelfareClaim.event_date >= start,
                                          WelfareClaim.event_date <= end)))))
    return tuple(out), ledger_granted


def welfare_rule_name(rule: str) -> str:
    from models.welfare.rules import RULE_NAMES

    return RULE_NAMES.get(rule, rule)


def _meetings(session: Session, group_id: int, start: dt.date,
              end: dt.date) -> tuple[tuple[str, ...], tuple[MeetingLine, ...]]:
    from models.savings.accounts import ATTENDANCE, PRESENT
    from models.savings.schema import Meeting, MeetingAttendance, MeetingCell

    rows = list(session.scalars(select(Meeting).where(
        Meeting.group_id == group_id, Meeting.meeting_date >= start,
        Meeting.meeting_date <= end).order_by(Meeting.meeting_date)))
    ids = [m.id for m in rows]
    totals: dict[int, dict[str, int]] = {}
    for meeting_id, key, total in session.execute(
            select(MeetingCell.meeting_id, MeetingCell.column_key, func.sum(MeetingCell.amount))
            .where(MeetingCell.meeting_id.in_(ids))
            .group_by(MeetingCell.meeting_id, MeetingCell.column_key)):
        totals.setdefault(meeting_id, {})[key] = int(total)
    known = meeting_columns._REGISTRY
    used = sorted({k for t in totals.values() for k in t},
                  key=lambda k: (known[k].order if k in known else 999, k))
    marked: dict[int, dict[str, int]] = {}
    for meeting_id, status, n in session.execute(
            select(MeetingAttendance.meeting_id, MeetingAttendance.status, func.count())
            .where(MeetingAttendance.meeting_id.in_(ids))
            .group_by(MeetingAttendance.meeting_id, MeetingAttendance.status)):
        marked.setdefault(meeting_id, {})[status] = int(n)
    lines = []
    for m in rows:
        counts = dict(marked.get(m.id, {}))
        present = len(meetings.meeting_members(session, group_id, m.meeting_date))
        counts[PRESENT] = present - sum(v for k, v in counts.items() if k != PRESENT)
        lines.append(MeetingLine(m.meeting_date, m.status,
                                 tuple(counts.get(s, 0) for s in ATTENDANCE),
                                 tuple(totals.get(m.id, {}).get(k, 0) for k in used)))
    labels = tuple(known[k].label if k in known else k for k in used)
    return labels, tuple(lines)


def _share_outs(session: Session, group_id: int, start: dt.date,
                end: dt.date) -> tuple[ShareOutLine, ...]:
    from models.savings.schema import SavingsCycle, ShareOut
    from models.savings.schema import ShareOutLine as Line

    rows = session.execute(
        select(ShareOut.share_out_date, SavingsCycle.number, Member.number, Member.name_lao, Line)
        .join(Line, Line.share_out_id == ShareOut.id)
        .join(SavingsCycle, SavingsCycle.id == ShareOut.cycle_id)
        .join(Member, Member.id == Line.member_id)
        .where(ShareOut.group_id == group_id, ShareOut.share_out_date >= start,
               ShareOut.share_out_date <= end)
        .order_by(ShareOut.share_out_date, Member.number))
    return tuple(ShareOutLine(on, cycle, number, name, x.savings, x.shares, x.payout,
                              x.debts_netted, x.reinvested, x.cash_paid, x.debt_left)
                 for on, cycle, number, name, x in rows)


def _audit(session: Session, group_id: int, start: dt.date, end: dt.date) -> tuple[AuditLine, ...]:
    import json

    rows = session.scalars(select(AuditEvent).where(
        AuditEvent.group_id == group_id,
        AuditEvent.at >= dt.datetime.combine(start, dt.time()),
        AuditEvent.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
        .order_by(AuditEvent.at, AuditEvent.id))
    return tuple(AuditLine(e.at, e.username, e.action, e.ok,
                           json.dumps(e.detail or {}, ensure_ascii=False, sort_keys=True))
                 for e in rows)


def auditor_data(session: Session, actor: User, *, group_id: int, start: dt.date | None = None,
                 end: dt.date | None = None) -> AuditorData:
    """Everything the auditor's workbook shows for one group and period (default: from the
    first entry to today). Needs the export permission."""
    require(session, actor, Permission.EXPORT, group_id)
    group = _group(session, group_id)
    start, end = _period(session, group_id, start, end)
    before = start - dt.timedelta(days=1)
    period_entries = int(session.scalar(select(func.count(JournalEntry.id)).where(
        JournalEntry.group_id == group_id, JournalEntry.value_date >= start,
        JournalEntry.value_date <= end)))
    problems = tuple((p.message, dict(p.params)) for p in verify_group(session, group))
    cover = Cover(group.id, group.name, group.name_latin, group.village, group.district,
                  group.currency, start, end, actor.display_name or actor.username, clock.now(),
                  group.head_hash, group.entry_count, period_entries, problems, group.is_demo)
    cash_opening = ledger.balance(session, group_id, "cash", as_of=before)
    bank_opening = ledger.balance(session, group_id, "bank", as_of=before)
    lines, debits = _period_debits(session, group_id, start, end)
    member_rows, member_ledger = _members(session, group_id, start, end)
    loans, risk, loans_ledger = _loans(session, actor, group_id, end)
    claims, claims_ledger = _claims(session, actor, group_id, start, end)
    labels, meeting_rows = _meetings(session, group_id, start, end)
    return AuditorData(
        cover=cover,
        trial_balance=tuple(ledger.trial_balance(session, group_id, as_of=end)),
        funds=tuple(_funds(session, group_id, start, end)),
        cash_opening=cash_opening, bank_opening=bank_opening,
        cash_closing=ledger.balance(session, group_id, "cash", as_of=end),
        bank_closing=ledger.balance(session, group_id, "bank", as_of=end),
        cash_rows=lambda: _cash_rows(session, group_id, start, end, cash_opening, bank_opening),
        journal_rows=lambda: _journal_rows(session, group_id, start, end),
        journal_lines=lines, journal_debits=debits,
        members=member_rows, member_columns=tuple(c.title for c in MEMBER_COLUMNS),
        member_ledger=member_ledger, loans=loans, risk=risk, loans_ledger=loans_ledger,
        claims=claims, claims_ledger=claims_ledger, meeting_columns=labels,
        meetings=meeting_rows, share_outs=_share_outs(session, group_id, start, end),
        audit=_audit(session, group_id, start, end))


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_export(session: Session, actor: User, *, group_id: int, what: str, path: Path | str,
                  sha256: str, **detail: object) -> None:
    """Write the audit event of a finished export: what, the file's name and its SHA-256."""
    require(session, actor, Permission.EXPORT, group_id)
    audit.record(session, actor, EXPORT_ACTION, group_id=group_id, what=what,
                 file=Path(path).name, sha256=sha256, **detail)
