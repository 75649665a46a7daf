"""Late penalties. ``post_due_penalties`` follows the policy in force on each installment's
due date: after the grace days, an installment not fully paid by then is charged once
(flat, or a percent of its unpaid principal, or of its unpaid principal and interest).
The charge is dated the first late day, so repayments from that day on pay it first;
running the service again charges nothing twice. ``redecide_penalties`` decides them
again when a repayment is entered late or reversed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.ledger import Line, fmt_date
from models.core.money import round_to_minor
from models.core.permissions import Permission, require
from models.core.schema import JournalEntry, Member, User
from models.loans.allocation import position_on
from models.loans.common import entry_memo, record_event
from models.loans.policy import (
    INTEREST,
    PENALTY_FLAT,
    PENALTY_NONE,
    PENALTY_PRINCIPAL,
    PRINCIPAL,
    penalty_rule,
)
from models.loans.replay import reallocate
from models.loans.schema import Loan, LoanPenalty, LoanRepayment
from models.loans.state import current_version, payments_of, plan_of, posted_repayments
from models.loans.statuses import ACTIVE, CLOSED, KIND_PENALTY


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
    payments = payments_of(posted_repayments(session, loan.id, terms.version))
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
        memo=entry_memo(session, loan, N_("Late penalty on installment {n}"), n=n),
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
        payments = payments_of(posted_repayments(session, loan.id, terms.version))
        item = next(i for i in plan.items if i.n == penalty.n)
        amount, late_day = _late_amount(session, loan.group_id, plan, payments, item, rules)
        if late_day > clock.today():
            amount = 0
        if amount == penalty.amount:
            continue
        if penalty.amount > 0:
            reason = entry_memo(session, loan, N_("Repayments entered or reversed later: the "
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
