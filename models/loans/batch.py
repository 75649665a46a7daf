"""A meeting's loan repayments all at once: the states of every loan of the group being
repaid, read in a fixed number of statements, and the column's repayments posted as one
batch (``ledger.post_entries``) with the same entries, allocations and history a
repayment recorded one at a time gives (``repayments.add_repayment``).

The batch is taken only where it is sure to be the same: every repayment is dated the
day it is recorded (no penalties to decide again) and comes after every repayment its
loan already has, whose allocations it leaves as they are. Otherwise the caller records
them one at a time.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.i18n import N_
from models.core.ledger import Line, fmt_date
from models.core.schema import User
from models.loans.allocation import Overpayment, Payment, Position, Split, allocate
from models.loans.common import entry_memo, record_event
from models.loans.schema import Loan, LoanRepayment, LoanTerms
from models.loans.state import LoanState, loan_states
from models.loans.statuses import ACTIVE, CLOSED, KIND_REPAYMENT

MemberStates = dict[int, list[tuple[Loan, LoanState]]]


def group_member_states(session: Session, group_id: int, on: dt.date) -> MemberStates:
    """Each member's loans being repaid and paid out by ``on``, oldest first, with their
    states on ``on`` (what ``meeting._member_states`` gives one member), for the whole
    group in a fixed number of statements."""
    scope = select(Loan.id).where(Loan.group_id == group_id, Loan.status == ACTIVE)
    loans = [loan for loan in session.scalars(
        select(Loan).where(Loan.group_id == group_id, Loan.status == ACTIVE)
        .order_by(Loan.disbursed_on, Loan.id))
        if loan.disbursed_on is not None and loan.disbursed_on <= on]
    states = loan_states(session, loans, scope, on) if loans else {}
    found: MemberStates = defaultdict(list)
    for loan in loans:
        if loan.id in states:
            found[loan.member_id].append((loan, states[loan.id]))
    return found


def split_across_loans(states: list[tuple[Loan, LoanState]], amount: int) -> list[tuple[Loan, int]]:
    """Share ``amount`` between a member's loans, oldest first: first what is due on each,
    then towards clearing each."""
    shares: dict[int, int] = {}
    left = amount
    for loan, state in states:
        take = min(left, state.due)
        shares[loan.id] = take
        left -= take
    for loan, state in states:
        take = min(left, state.quote.total - shares[loan.id])
        shares[loan.id] += take
        left -= take
    return [(loan, shares[loan.id]) for loan, _ in states if shares[loan.id] > 0]


@dataclass(frozen=True)
class _Planned:
    loan: Loan
    state: LoanState
    amount: int
    split: Split
    position: Position


def _plan_one(loan: Loan, state: LoanState, rows: Sequence[LoanRepayment], amount: int,
              on: dt.date) -> _Planned | None:
    """The new repayment's allocation, or ``None`` when posting it could change how the
    loan's earlier repayments were allocated (the one-at-a-time path decides then)."""
    if any(r.paid_on > on or r.entry_id is None for r in rows):
        return None
    key = max((r.id for r in rows), default=0) + 1
    try:
        splits, position = allocate(state.plan, [*(Payment(r.id, r.paid_on, r.amount)
                                                   for r in rows), Payment(key, on, amount)])
    except Overpayment:
        return None
    *before, new = splits
    for row, split in zip(rows, before, strict=True):
        if split.key != row.id or (row.penalty, row.fee, row.interest, row.principal) != (
                split.penalty, split.fee, split.interest, split.principal):
            return None
    if new.key != key:
        return None
    return _Planned(loan, state, amount, new, position)


def plan_repayments(session: Session, states: MemberStates,
                    cells: Sequence[tuple[int, int]], on: dt.date) -> list[_Planned] | None:
    """Each (member, amount) cell shared between her loans, with the allocation of each
    share; ``None`` when any of them must be recorded one at a time."""
    if on != clock.today():
        return None
    shares = []
    for member_id, amount in cells:
        mine = dict((loan.id, state) for loan, state in states.get(member_id, []))
        shares += [(loan, mine[loan.id], share)
                   for loan, share in split_across_loans(states.get(member_id, []), amount)]
    loan_ids = [loan.id for loan, _s, _a in shares]
    if len(set(loan_ids)) != len(loan_ids):
        return None
    latest = dict(session.execute(select(LoanTerms.loan_id, func.max(LoanTerms.version))
                                  .where(LoanTerms.loan_id.in_(loan_ids))
                                  .group_by(LoanTerms.loan_id)).all()) if loan_ids else {}
    if any(latest.get(loan.id) != state.version for loan, state, _a in shares):
        return None
    rows: dict[int, list[LoanRepayment]] = defaultdict(list)
    if loan_ids:
        for row in session.scalars(select(LoanRepayment).where(
                LoanRepayment.loan_id.in_(loan_ids), LoanRepayment.status == "posted")
                .order_by(LoanRepayment.paid_on, LoanRepayment.id)):
            rows[row.loan_id].append(row)
    planned = []
    for loan, state, share in shares:
        mine = [r for r in rows[loan.id] if r.version == state.version]
        if len(mine) != len(rows[loan.id]) or loan.status != ACTIVE:
            return None
        one = _plan_one(loan, state, mine, share, on)
        if one is None:
            return None
        planned.append(one)
    return planned


def post_repayments(session: Session, actor: User, *, group_id: int, planned: list[_Planned],
                    on: dt.date, meeting_id: int | None) -> None:
    """Post the planned repayments (paid in cash) as one batch, with their rows, the loans'
    principal owed and status, their history and the audit log."""
    if not planned:
        return
    now = clock.now()
    rows = [LoanRepayment(loan_id=p.loan.id, version=p.state.version, paid_on=on,
                          amount=p.amount, paid_from="cash", meeting_id=meeting_id,
                          entry_id=None, penalty=0, interest=0, principal=0, status="posted",
                          recorded_by=actor.id, recorded_at=now) for p in planned]
    session.add_all(rows)
    posted = ledger.post_entries(session, actor, group_id=group_id, postings=[
        ledger.Posting(on, KIND_REPAYMENT, _lines(p), memo=entry_memo(
            session, p.loan, N_("Repayment of {date}"), date=fmt_date(on)),
            meeting_id=meeting_id, loan_id=p.loan.id) for p in planned])
    for p, row, entry in zip(planned, rows, posted, strict=True):
        split, loan = p.split, p.loan
        row.entry_id = entry.id
        row.penalty, row.fee, row.interest, row.principal = (
            split.penalty, split.fee, split.interest, split.principal)
        loan.principal_outstanding = p.position.principal_outstanding
        if p.position.is_closed:
            loan.status, loan.closed_on = CLOSED, p.position.closed_on
            record_event(session, loan, actor, "closed", p.position.closed_on)
        record_event(session, loan, actor, "repaid", on, amount=p.amount, entry_id=entry.id)
    audit.record_each(session, actor, "loan.repay", group_id=group_id, details=[
        {"loan": p.loan.id, "amount": p.amount, "on": on, "entry": entry.seq}
        for p, entry in zip(planned, posted, strict=True)])
    session.flush()


def _lines(p: _Planned) -> tuple[Line, ...]:
    member, split = p.loan.member_id, p.split
    lines = [Line("cash", p.amount)]
    for account, amount in (("penalties_receivable", split.penalty), ("fee_income", split.fee),
                            ("interest_income", split.interest),
                            ("loans_receivable", split.principal)):
        if amount:
            lines.append(Line(account, -amount, member_id=member, loan_id=p.loan.id))
    return tuple(lines)
