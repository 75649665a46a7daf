"""Arrears: days overdue per loan, aging buckets, portfolio at risk, and who is due or
late at a meeting.

A loan is overdue from the day after its oldest installment fell due without its interest
and principal paid in full; its days overdue count from that due date. Aging buckets
sort loans by days overdue (1–30, 31–60, 61–90, over 90). Portfolio at risk (PAR N) is the
outstanding principal of the loans overdue more than N days over all outstanding
principal (CGAP's definition): the whole loan counts, not only its late installments.

Late penalties are charged by ``models.loans.penalties``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from models.core import clock
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.loans.schema import Loan
from models.loans.state import loan_states
from models.loans.statuses import ACTIVE, CLOSED, WRITTEN_OFF

BUCKETS: tuple[tuple[int, int | None, str], ...] = (
    (1, 30, N_("1–30 days")),
    (31, 60, N_("31–60 days")),
    (61, 90, N_("61–90 days")),
    (91, None, N_("Over 90 days")),
)
PAR_DAYS = (30, 60, 90)


@dataclass(frozen=True)
class LoanArrearsRow:
    loan_id: int
    number: int
    member_id: int
    member_name: str
    outstanding: int        # principal still owed
    overdue_principal: int
    overdue_interest: int
    penalties: int          # charged and unpaid
    days_overdue: int       # 0: not overdue
    oldest_due: dt.date | None
    overdue_fees: int = 0

    @property
    def overdue(self) -> int:
        return self.overdue_principal + self.overdue_interest + self.penalties + \
            self.overdue_fees


@dataclass(frozen=True)
class AgingBucket:
    low: int
    high: int | None
    label: str  # N_() text
    loans: int
    outstanding: int


@dataclass(frozen=True)
class PortfolioRisk:
    on: dt.date
    loans: int
    outstanding: int
    at_risk: dict[int, int]  # N days -> outstanding principal of loans overdue > N days

    def ratio(self, days: int) -> Decimal:
        """PAR ``days`` as a percent with two decimals (0 for an empty portfolio)."""
        if not self.outstanding:
            return Decimal("0.00")
        return (Decimal(100) * self.at_risk[days] / self.outstanding).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class DueRow:
    loan_id: int
    number: int
    member_id: int
    member_number: int
    member_name: str
    due: int               # everything due by the day, penalties included
    overdue: int           # of which was due before the day
    days_overdue: int
    next_due_date: dt.date | None
    payoff: int


def _loans_on(session: Session, group_id: int, on: dt.date, *,
              statuses: tuple[str, ...] = (ACTIVE, CLOSED, WRITTEN_OFF),
              ) -> tuple[list[tuple[Loan, Member]], Select]:
    """Loans out on ``on`` (paid out by then, not yet closed or written off by then) with
    their borrowers, oldest first, and the select of their ids for ``loan_states``."""
    where = (Loan.group_id == group_id, Loan.status.in_(statuses), Loan.disbursed_on <= on,
             or_(Loan.closed_on.is_(None), Loan.closed_on > on))
    pairs = session.execute(select(Loan, Member).join(Member, Member.id == Loan.member_id)
                            .where(*where).order_by(Loan.disbursed_on, Loan.id)).all()
    return [(loan, member) for loan, member in pairs], select(Loan.id).where(*where)


def loan_arrears(session: Session, actor: User, *, group_id: int,
                 on: dt.date | None = None) -> list[LoanArrearsRow]:
    """Every loan out on ``on`` (default today) with what of it is overdue, read in a
    fixed number of statements however many loans the group has."""
    require(session, actor, Permission.READ, group_id)
    on = on or clock.today()
    pairs, scope = _loans_on(session, group_id, on)
    states = loan_states(session, [loan for loan, _ in pairs], scope, on)
    rows = []
    for loan, member in pairs:
        state = states.get(loan.id)
        if state is None or state.position.is_closed:
            continue
        late = state.arrears
        rows.append(LoanArrearsRow(loan.id, loan.number, loan.member_id, member.name_lao,
                                   state.position.principal_outstanding, late.principal,
                                   late.interest, late.penalties, late.days(on),
                                   late.oldest_due, late.fees))
    return rows


def bucket_of(days: int) -> int | None:
    """Index into ``BUCKETS`` for ``days`` overdue; ``None`` when not overdue."""
    for index, (low, high, _) in enumerate(BUCKETS):
        if days >= low and (high is None or days <= high):
            return index
    return None


def aging(rows: list[LoanArrearsRow]) -> list[AgingBucket]:
    """Loans and outstanding principal per aging bucket."""
    counts = [0] * len(BUCKETS)
    amounts = [0] * len(BUCKETS)
    for row in rows:
        index = bucket_of(row.days_overdue)
        if index is not None:
            counts[index] += 1
            amounts[index] += row.outstanding
    return [AgingBucket(low, high, label, counts[i], amounts[i])
            for i, (low, high, label) in enumerate(BUCKETS)]


def portfolio_at_risk(rows: list[LoanArrearsRow], on: dt.date) -> PortfolioRisk:
    outstanding = sum(r.outstanding for r in rows)
    at_risk = {days: sum(r.outstanding for r in rows if r.days_overdue > days)
               for days in PAR_DAYS}
    return PortfolioRisk(on, len(rows), outstanding, at_risk)


def due_list(session: Session, actor: User, *, group_id: int, on: dt.date) -> list[DueRow]:
    """Who owes something by the meeting on ``on`` (a future day is fine): due or late,
    by member number."""
    require(session, actor, Permission.READ, group_id)
    pairs, scope = _loans_on(session, group_id, min(on, clock.today()), statuses=(ACTIVE,))
    states = loan_states(session, [loan for loan, _ in pairs], scope, on)
    rows = []
    for loan, member in pairs:
        state = states.get(loan.id)
        if state is None:
            continue
        due = state.due
        if not due:
            continue
        late = state.arrears
        upcoming = [i.due_date for i in state.plan.items
                    if i.n > 0 and i.due_date > on]
        overdue = late.total
        rows.append(DueRow(loan.id, loan.number, member.id, member.number, member.name_lao,
                           due, overdue, late.days(on), min(upcoming, default=None),
                           state.quote.total))
    return sorted(rows, key=lambda r: (r.member_number, r.number))
