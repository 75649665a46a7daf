"""Arrears: days overdue per loan, aging buckets, portfolio at risk, late penalties, and
who is due or late at a meeting.

A loan is overdue from the day after its oldest installment fell due without its interest
and principal paid in full; its days overdue count from that due date. Aging buckets
sort loans by days overdue (1–30, 31–60, 61–90, over 90). Portfolio at risk (PAR N) is the
outstanding principal of the loans overdue more than N days over all outstanding
principal (CGAP's definition): the whole loan counts, not only its late installments.

Late penalties (``post_due_penalties``) follow the policy in force on each installment's
due date: after the grace days, an installment not fully paid by then is charged once
(flat, or a percent of its unpaid principal, or of its unpaid principal and interest).
The charge is dated the first late day, so repayments from that day on pay it first;
running the service again charges nothing twice.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.ledger import Line, fmt_date
from models.loans.allocation import position_on
from models.loans.policy import (
    INTEREST,
    PENALTY_FLAT,
    PENALTY_NONE,
    PENALTY_PRINCIPAL,
    PRINCIPAL,
    penalty_rule,
)
from models.loans.lifecycle import (
    ACTIVE,
    CLOSED,
    KIND_PENALTY,
    WRITTEN_OFF,
    _memo,
    _posted,
    current_version,
    loan_state,
    payments_of,
    plan_of,
    reallocate,
    record_event,
)
from models.core.money import round_to_minor
from models.core.permissions import Permission, require
from models.core.schema import JournalEntry, Member, User
from models.loans.schema import Loan, LoanPenalty, LoanRepayment

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


def _loans_on(session: Session, group_id: int, on: dt.date) -> list[Loan]:
    """Loans out on ``on``: paid out by then, not yet closed or written off by then."""
    loans = session.scalars(select(Loan).where(
        Loan.group_id == group_id, Loan.status.in_((ACTIVE, CLOSED, WRITTEN_OFF)),
        Loan.disbursed_on <= on).order_by(Loan.disbursed_on, Loan.id))
    return [loan for loan in loans if loan.closed_on is None or loan.closed_on > on]


def loan_arrears(session: Session, actor: User, *, group_id: int,
                 on: dt.date | None = None) -> list[LoanArrearsRow]:
    """Every loan out on ``on`` (default today) with what of it is overdue."""
    require(session, actor, Permission.READ, group_id)
    on = on or clock.today()
    rows = []
    for loan in _loans_on(session, group_id, on):
        state = loan_state(session, loan, on)
        if state is None or state.position.is_closed:
            continue
        late = state.arrears
        member = session.get(Member, loan.member_id)
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
    today = clock.today()
    rows = []
    for loan in _loans_on(session, group_id, min(on, today)):
        if loan.status != ACTIVE:
            continue
        state = loan_state(session, loan, on)
        if state is None:
            continue
        due = state.due
        if not due:
            continue
        late = state.arrears
        member = session.get(Member, loan.member_id)
        upcoming = [i.due_date for i in state.plan.items
                    if i.n > 0 and i.due_date > on]
        overdue = late.total
        rows.append(DueRow(loan.id, loan.number, member.id, member.number, member.name_lao,
                           due, overdue, late.days(on), min(upcoming, default=None),
                           state.quote.total))
    return sorted(rows, key=lambda r: (r.member_number, r.number))


# ----- late penalties ----------------------------------------------------------------------

@dataclass(frozen=True)
class PenaltyRow:
    loan_id: int
    number: int
    member_name: str
    installment: int
    due_date: dt.date
    charged_on: dt.date
    amount: int


def _late_amount(session: Session, group_id: int, plan, payments, item,  # noqa: ANN001
                 rules: dict) -> tuple[int, dt.date]:
    """The penalty installment ``item`` earns with the repayments ``payments`` (0: none,
    it was paid by the end of its grace days or the rule charges nothing), and its first
    late day."""
    if item.due_date not in rules:
        rules[item.due_date] = penalty_rule(session, group_id, item.due_date)
    policy = rules[item.due_date]
    last_grace_day = item.due_date + dt.timedelta(days=policy.grace_days)
    late_day = last_grace_day + dt.timedelta(days=1)
    if policy.kind == PENALTY_NONE:
        return 0, late_day
    position = position_on(plan, payments, last_grace_day)
    if position.is_closed:
        return 0, late_day
    unpaid_principal = position.owed(item, PRINCIPAL, None)
    unpaid_interest = position.owed(item, INTEREST, None)
    if not unpaid_principal and not unpaid_interest:
        return 0, late_day
    return max(0, penalty_amount(policy.kind, flat=policy.flat, percent=policy.percent,
                                 unpaid_principal=unpaid_principal,
                                 unpaid_interest=unpaid_interest,
                                 rounding=policy.rounding)), late_day


def _charge_loan(session: Session, actor: User, loan: Loan, on: dt.date,
                 rules: dict) -> list[PenaltyRow]:
    """Charge the loan's installments late after their grace days by ``on`` and not
    charged yet (one penalty per installment); repayments since then pay them first."""
    locked = ledger.locked_through(session, loan.group_id)
    terms = current_version(session, loan.id)
    plan = plan_of(session, loan, terms)
    payments = payments_of(_posted(session, loan.id, terms.version))
    done = set(session.scalars(select(LoanPenalty.n).where(
        LoanPenalty.loan_id == loan.id, LoanPenalty.version == terms.version)))
    member = session.get(Member, loan.member_id)
    charged: list[PenaltyRow] = []
    earliest = None
    for item in plan.items:
        if item.n == 0 or item.n in done or item.due_date >= on:
            continue
        amount, late_day = _late_amount(session, loan.group_id, plan, payments, item, rules)
        if amount <= 0 or late_day > on:
            continue
        charged_on = _charge_date(locked, late_day, on)
        entry = _post_penalty(session, actor, loan, item.n, amount, charged_on)
        session.add(LoanPenalty(loan_id=loan.id, version=terms.version, n=item.n,
                                amount=amount, charged_on=charged_on, entry_id=entry.id,
                                waived=False))
        record_event(session, loan, actor, "penalty", charged_on, amount=amount, entry=entry,
                     note=str(item.n))
        charged.append(PenaltyRow(loan.id, loan.number, member.name_lao, item.n,
                                  item.due_date, charged_on, amount))
        earliest = charged_on if earliest is None else min(earliest, charged_on)
    if earliest is not None:
        session.flush()
        later = session.scalar(select(LoanRepayment.id).where(
            LoanRepayment.loan_id == loan.id, LoanRepayment.version == terms.version,
            LoanRepayment.status == "posted", LoanRepayment.paid_on >= earliest).limit(1))
        if later is not None:
            # Repayments since the first late day pay the penalty first.
            reallocate(session, actor, loan, value_date=on)
    return charged


def _charge_date(locked: dt.date | None, late_day: dt.date, on: dt.date) -> dt.date:
    """A penalty is dated its first late day, unless the books are closed by then."""
    if locked is not None and late_day <= locked:
        return min(on, locked + dt.timedelta(days=1))
    return late_day


def _post_penalty(session: Session, actor: User, loan: Loan, n: int, amount: int,
                  charged_on: dt.date):  # noqa: ANN202
    return ledger.post_entry(
        session, actor, group_id=loan.group_id, value_date=charged_on, kind=KIND_PENALTY,
        memo=_memo(session, loan, N_("Late penalty on installment {n}"), n=n),
        loan_id=loan.id,
        lines=[Line("penalties_receivable", amount, member_id=loan.member_id, loan_id=loan.id),
               Line("penalty_income", -amount, member_id=loan.member_id, loan_id=loan.id)])


def redecide_penalties(session: Session, actor: User, loan: Loan, *, value_date: dt.date,
                       charge_new: bool) -> None:
    """Decide the loan's penalties again after a repayment was entered late or reversed.

    A penalty an installment no longer earns (it was paid within its grace days after
    all) is reversed with the reason and kept at 0; one whose amount changed is reversed
    and charged again; one decided away earlier is charged again if the installment is
    late once more (a reversed repayment). Never an edit of the ledger: reversing entries
    dated ``value_date``, new charges dated their first late day. With ``charge_new`` (a
    reversal), installments now late and never charged are charged as
    ``post_due_penalties`` would have on the last day penalties were charged in the group.
    A penalty a leader waived stays waived."""
    if loan.status not in (ACTIVE, CLOSED):
        return
    terms = current_version(session, loan.id)
    locked = ledger.locked_through(session, loan.group_id)
    rules: dict[dt.date, object] = {}
    changed = False
    for penalty in session.scalars(select(LoanPenalty).where(
            LoanPenalty.loan_id == loan.id, LoanPenalty.version == terms.version,
            LoanPenalty.waived.is_(False)).order_by(LoanPenalty.n)).all():
        plan = plan_of(session, loan, terms)
        payments = payments_of(_posted(session, loan.id, terms.version))
        item = next(i for i in plan.items if i.n == penalty.n)
        amount, late_day = _late_amount(session, loan.group_id, plan, payments, item, rules)
        if late_day > clock.today():
            amount = 0
        if amount == penalty.amount:
            continue
        if penalty.amount > 0:
            reason = _memo(session, loan, N_("Repayments entered or reversed later: the "
                                             "penalty on installment {n} is decided again"),
                           n=penalty.n)
            reversal = ledger.post_reversal(session,
                                            session.get(JournalEntry, penalty.entry_id),
                                            checked_by=actor, reason=reason,
                                            value_date=value_date)
            record_event(session, loan, actor, "penalty_waived", value_date,
                         amount=penalty.amount, entry=reversal, note=reason)
        if amount > 0:
            charged_on = _charge_date(locked, late_day, value_date)
            entry = _post_penalty(session, actor, loan, penalty.n, amount, charged_on)
            penalty.entry_id, penalty.charged_on = entry.id, charged_on
            record_event(session, loan, actor, "penalty", charged_on, amount=amount,
                         entry=entry, note=str(penalty.n))
        penalty.amount = amount
        session.flush()
        changed = True
    if changed:
        reallocate(session, actor, loan, value_date=value_date)
    if charge_new and loan.status == ACTIVE:
        # As far as penalties were run in the group: the next run charges the rest.
        through = session.scalar(select(func.max(LoanPenalty.charged_on))
                                 .join(Loan, Loan.id == LoanPenalty.loan_id)
                                 .where(Loan.group_id == loan.group_id))
        if through is not None:
            _charge_loan(session, actor, loan, min(through, clock.today()), rules)


def penalty_amount(kind: str, *, flat: int, percent: Decimal, unpaid_principal: int,
                   unpaid_interest: int, rounding: str = "half-even") -> int:
    """The penalty on one late installment under the rule ``kind``."""
    if kind == PENALTY_NONE:
        return 0
    if kind == PENALTY_FLAT:
        return flat
    base = unpaid_principal if kind == PENALTY_PRINCIPAL else unpaid_principal + unpaid_interest
    return round_to_minor(Decimal(base) * percent / 100, 0, rounding)


def post_due_penalties(session: Session, actor: User, *, group_id: int,
                       on: dt.date | None = None) -> list[PenaltyRow]:
    """Charge every installment of the group's loans that was late after its grace days
    by ``on`` (default today), once. Idempotent: returns what this call charged."""
    require(session, actor, Permission.RECORD, group_id)
    on = on or clock.today()
    if on > clock.today():
        raise UserError(N_("{date} is in the future."), date=fmt_date(on))
    charged: list[PenaltyRow] = []
    loans = session.scalars(select(Loan).where(Loan.group_id == group_id,
                                               Loan.status == ACTIVE)
                            .order_by(Loan.disbursed_on, Loan.id)).all()
    rules: dict[dt.date, object] = {}  # the penalty rule in force on each due date
    for loan in loans:
        charged += _charge_loan(session, actor, loan, on, rules)
    if charged:
        audit.record(session, actor, "loan.penalties", group_id=group_id, on=on,
                     count=len(charged), total=sum(p.amount for p in charged))
    return charged
