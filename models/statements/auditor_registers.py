"""The auditor's workbook, the registers of the capabilities: members (with the columns
capabilities add), the loan portfolio with PAR, welfare claims with their rule results,
meetings, share-outs, and the audit log; each with the ledger's own figure for the check
cells."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, ledger
from models.core.schema import AuditEvent, JournalEntry, JournalLine, Member, User
from models.loans import arrears
from models.loans.schema import Loan
from models.meetings import columns as meeting_columns
from models.meetings import meeting as meetings
from models.meetings.attendance import ATTENDANCE, PRESENT
from models.meetings.schema import Meeting, MeetingAttendance, MeetingCell
from models.savings.schema import SavingsCycle, ShareOut
from models.savings.schema import ShareOutLine as Line
from models.statements import auditor_rows
from models.statements.auditor_rows import (
    AuditLine,
    ClaimLine,
    LoanLine,
    MeetingLine,
    MemberLine,
    ShareOutLine,
)
from models.welfare import claims as welfare_claims
from models.welfare import register as welfare_register
from models.welfare.rules import RULE_NAMES
from models.welfare.schema import WelfareClaim


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
    extra = [column.values(session, group_id, start, end) for column in auditor_rows.MEMBER_COLUMNS]
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
    for column in auditor_rows.MEMBER_COLUMNS:
        figures[column.key] = column.ledger_total(session, group_id, start, end)
    return rows, figures


def _loans(session: Session, actor: User, group_id: int,
           end: dt.date) -> tuple[tuple[LoanLine, ...], arrears.PortfolioRisk, int]:
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
    return RULE_NAMES.get(rule, rule)


def _meetings(session: Session, group_id: int, start: dt.date,
              end: dt.date) -> tuple[tuple[str, ...], tuple[MeetingLine, ...]]:
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
    from models.savings.member_funds import recorded_share_out
    from models.savings.rules import VALUE_PER_SHARE
    from models.savings.shareout_preview import value_per_share

    rows = session.execute(
        select(ShareOut.share_out_date, SavingsCycle.number, Member.number, Member.name_lao, Line,
               ShareOut.method, ShareOut.distributable)
        .join(Line, Line.share_out_id == ShareOut.id)
        .join(SavingsCycle, SavingsCycle.id == ShareOut.cycle_id)
        .join(Member, Member.id == Line.member_id)
        .where(ShareOut.group_id == group_id, ShareOut.share_out_date >= start,
               ShareOut.share_out_date <= end)
        .order_by(ShareOut.share_out_date, Member.number)).all()
    shares: dict[int, int] = {}
    for *_, x, _method, _fund in rows:
        shares[x.share_out_id] = shares.get(x.share_out_id, 0) + x.shares
    funds = {share_out_id: recorded_share_out(session, share_out_id) for share_out_id in shares}
    return tuple(ShareOutLine(on, cycle, number, name, x.savings, x.shares, x.payout,
                              x.debts_netted, x.reinvested, x.cash_paid, x.debt_left,
                              value_per_share(fund, shares[x.share_out_id])
                              if method == VALUE_PER_SHARE else None,
                              sum(f.paid_out for f in mine),
                              sum(f.topped_up for f in mine))
                 for on, cycle, number, name, x, method, fund in rows
                 for mine in [funds[x.share_out_id].get(x.member_id, ())])


def _audit(session: Session, group_id: int, start: dt.date, end: dt.date) -> tuple[AuditLine, ...]:
    rows = session.scalars(select(AuditEvent).where(
        AuditEvent.group_id == group_id,
        AuditEvent.at >= dt.datetime.combine(start, dt.time()),
        AuditEvent.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
        .order_by(AuditEvent.at, AuditEvent.id))
    return tuple(AuditLine(e.at, e.username, e.action, e.ok,
                           json.dumps(e.detail or {}, ensure_ascii=False, sort_keys=True))
                 for e in rows)
