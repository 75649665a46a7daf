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
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models.core import audit, clock, ledger
from models.core.i18n import N_
from models.core.ledger import Line, fmt_date
from models.core.schema import User
from models.loans.allocation import Overpayment, Payment, Position, Split, apply_payment
from models.loans.common import entry_memo
from models.loans.schema import Loan, LoanEvent, LoanRepayment, LoanTerms
from models.loans.state import LoanState, loan_states
from models.loans.statuses import ACTIVE, CLOSED, KIND_REPAYMENT
from models.meetings.columns import BatchPart

MemberStates = dict[int, list[tuple[Loan, LoanState]]]


def group_member_states(session: Session, group_id: int, on: dt.date,
                        member_ids: Collection[int]) -> MemberStates:
    """The loans of each of ``member_ids`` being repaid and paid out by ``on``, oldest
    first, with their states on ``on`` (what ``meeting._member_states`` gives one
    member), for all of them in a fixed number of statements."""
    where = (Loan.group_id == group_id, Loan.status == ACTIVE, Loan.member_id.in_(member_ids))
    scope = select(Loan.id).where(*where)
    loans = [loan for loan in session.scalars(
        select(Loan).where(*where).order_by(Loan.disbursed_on, Loan.id))
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
    loan's earlier repayments were allocated (the one-at-a-time path decides then): the
    earlier ones as allocated afresh (``state.splits``) must be as they were posted, and
    the new one comes after them all."""
    if state.splits is None or len(state.splits) != len(rows):
        return None
    for row, split in zip(rows, state.splits, strict=True):
        if row.entry_id is None or row.paid_on > on or split.key != row.id or (
                row.penalty, row.fee, row.interest, row.principal) != (
                split.penalty, split.fee, split.interest, split.principal):
            return None
    position = Position(state.plan, dict(state.position.paid), state.position.closed_on)
    key = max((r.id for r in rows), default=0) + 1
    try:
        split = apply_payment(state.plan, position, Payment(key, on, amount))
    except Overpayment:
        return None
    return _Planned(loan, state, amount, split, position)


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
        current = [r for r in rows[loan.id] if r.version == state.version]
        if len(current) != len(rows[loan.id]) or loan.status != ACTIVE:
            return None
        one = _plan_one(loan, state, current, share, on)
        if one is None:
            return None
        planned.append(one)
    return planned


def repayments_part(session: Session, actor: User, *, group_id: int, planned: list[_Planned],
                    on: dt.date, meeting_id: int | None) -> BatchPart:
    """The planned repayments (paid in cash) as the column's part of the meeting's batch:
    their entries, then their rows, the loans' principal owed and status, their history
    and the audit log."""
    now = clock.now()
    postings = [ledger.Posting(on, KIND_REPAYMENT, _lines(p), memo=entry_memo(
        session, p.loan, N_("Repayment of {date}"), date=fmt_date(on)),
        meeting_id=meeting_id, loan_id=p.loan.id) for p in planned]

    def finish(posted: list[ledger.Posted]) -> None:
        _record(session, actor, group_id, planned, posted, on, meeting_id, now)

    return BatchPart(postings, finish)


def _record(session: Session, actor: User, group_id: int, planned: list[_Planned],
            posted: list[ledger.Posted], on: dt.date, meeting_id: int | None,
            now: dt.datetime) -> None:
    # Written as one statement each (the ORM would send one per row); the loans the
    # session holds are given the values written, as the ORM would have.
    connection = session.connection()
    connection.execute(insert(cast(Table, LoanRepayment.__table__)), [
        {"loan_id": p.loan.id, "version": p.state.version, "paid_on": on, "amount": p.amount,
         "paid_from": "cash", "meeting_id": meeting_id, "entry_id": entry.id,
         "penalty": p.split.penalty, "fee": p.split.fee, "interest": p.split.interest,
         "principal": p.split.principal, "status": "posted", "recorded_by": actor.id,
         "recorded_at": now} for p, entry in zip(planned, posted, strict=True)])
    events, changes = [], []
    for p, entry in zip(planned, posted, strict=True):
        closed = p.position.closed_on if p.position.is_closed else None
        change = {"principal_outstanding": p.position.principal_outstanding,
                  "status": CLOSED if closed else p.loan.status, "closed_on": closed}
        changes.append({"id": p.loan.id, **change})
        if closed:
            events.append(_event(p.loan, actor, "closed", closed, now, None, None))
        events.append(_event(p.loan, actor, "repaid", on, now, p.amount, entry.id))
    connection.execute(insert(cast(Table, LoanEvent.__table__)), events)
    session.execute(update(Loan), changes)
    for p, change in zip(planned, changes, strict=True):
        for key in ("principal_outstanding", "status", "closed_on"):
            set_committed_value(p.loan, key, change[key])
    audit.record_each(session, actor, "loan.repay", group_id=group_id, details=[
        {"loan": p.loan.id, "amount": p.amount, "on": on, "entry": entry.seq}
        for p, entry in zip(planned, posted, strict=True)])


def _event(loan: Loan, actor: User, kind: str, on: dt.date, at: dt.datetime,
           amount: int | None, entry_id: int | None) -> dict:
    """A row of the loan's history, as ``common.record_event`` writes it."""
    return {"loan_id": loan.id, "on": on, "at": at, "user_id": actor.id, "kind": kind,
            "amount": amount, "entry_id": entry_id, "note": ""}


def _lines(p: _Planned) -> tuple[Line, ...]:
    member, split = p.loan.member_id, p.split
    lines = [Line("cash", p.amount)]
    for account, amount in (("penalties_receivable", split.penalty), ("fee_income", split.fee),
                            ("interest_income", split.interest),
                            ("loans_receivable", split.principal)):
        if amount:
            lines.append(Line(account, -amount, member_id=member, loan_id=p.loan.id))
    return tuple(lines)
