"""Loans at meetings and when a member's own money pays them: the "loan_repayment" column
of the meeting grid (what falls due by the meeting, prefilled; one amount a member pays,
shared between her loans oldest first) and the loans' debt source for exits and
share-outs (paid from her savings or payout). Both are named in the package's
``CAPABILITY``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.loans.batch import (
    MemberStates,
    group_member_states,
    plan_repayments,
    repayments_part,
    split_across_loans,
)
from models.loans.common import loan_by_id, money_text
from models.loans.repayments import add_repayment
from models.loans.replay import payment_income
from models.loans.schema import Loan
from models.loans.state import LoanState, loan_state, member_active_loans
from models.loans.statuses import ACTIVE, MEMBER_ACCOUNTS, PAY_ACCOUNTS
from models.meetings import attendance as meeting_attendance
from models.meetings import columns as meeting_columns
from models.savings import debts as savings_debts


def _member_states(session: Session, group_id: int, member_id: int,
                   on: dt.date) -> list[tuple[Loan, LoanState]]:
    out = []
    for loan in member_active_loans(session, group_id, member_id):
        if loan.disbursed_on is not None and loan.disbursed_on <= on:
            state = loan_state(session, loan, on)
            if state is not None:
                out.append((loan, state))
    return out


def _expected(session: Session, ctx: meeting_columns.CellContext) -> int:
    """What falls due by the meeting; nothing is prefilled for a member marked absent
    (someone who pays for her is marked as representing her)."""
    marked = meeting_attendance.attendance_status(session, ctx.meeting_id, ctx.member_id)
    if marked == meeting_attendance.ABSENT:
        return 0
    return sum(state.due for _, state in _member_states(session, ctx.group_id, ctx.member_id,
                                                        ctx.on))


def _validate_cell(session: Session, ctx: meeting_columns.CellContext,
                   amount: int) -> list[UserError]:
    if not amount:
        return []
    return _problems(session, ctx, amount,
                     _member_states(session, ctx.group_id, ctx.member_id, ctx.on))


def _validate_all(session: Session, cells: list[tuple[meeting_columns.CellContext, int]]
                  ) -> list[list[UserError]]:
    """``_validate_cell`` for every cell, the group's loans read once for the meeting."""
    if not any(amount for _ctx, amount in cells):
        return [[] for _cell in cells]
    states = _paying_states(session, cells)
    return [_problems(session, ctx, amount, states.get(ctx.member_id, [])) if amount else []
            for ctx, amount in cells]


def _paying_states(session: Session, cells: list[tuple[meeting_columns.CellContext, int]]
                   ) -> MemberStates:
    """The loans of the members paying in ``cells``, read once for a meeting's checks and
    posting (kept in its scratch: the other columns' posting never changes a loan)."""
    first = cells[0][0]
    paying = tuple(sorted({ctx.member_id for ctx, amount in cells if amount}))
    key = ("loan_states", paying)
    if first.scratch is not None and key in first.scratch:
        return first.scratch[key]
    states = group_member_states(session, first.group_id, first.on, paying)
    if first.scratch is not None:
        first.scratch[key] = states
    return states


def _problems(session: Session, ctx: meeting_columns.CellContext, amount: int,
              states: list[tuple[Loan, LoanState]]) -> list[UserError]:
    if amount < 0:
        return [UserError(N_("A repayment cannot be negative."))]
    if not states:
        member = session.get(Member, ctx.member_id)
        return [UserError(N_("{member} has no loan to repay."), member=member.name_lao)]
    most = sum(state.quote.total for _, state in states)
    if amount > most:
        return [UserError(N_("{amount} is more than the {owed} that clears every loan."),
                          amount=money_text(session, ctx.group_id, amount),
                          owed=money_text(session, ctx.group_id, most))]
    return []


def repay_member_loans(session: Session, actor: User, *, group_id: int, member_id: int,
                       amount: int, on: dt.date, meeting_id: int | None = None) -> None:
    """One amount a member pays on her loans in cash (at a meeting when ``meeting_id``),
    shared between them oldest first; refused when it is more than clears them all."""
    require(session, actor, Permission.RECORD, group_id)
    member = session.get(Member, member_id)
    if member is None or member.group_id != group_id:
        raise NotFound(N_("No such member."))
    ctx = meeting_columns.CellContext(group_id, member_id, meeting_id, on)
    problems = _validate_cell(session, ctx, amount)
    if problems:
        raise ValidationError(problems)
    for loan, share in split_across_loans(_member_states(session, group_id, member_id, on),
                                          amount):
        add_repayment(session, actor, loan, amount=share, on=on, paid_from="cash",
                            meeting_id=meeting_id)


def _post_cell(session: Session, actor: User, ctx: meeting_columns.CellContext,
               amount: int) -> None:
    repay_member_loans(session, actor, group_id=ctx.group_id, member_id=ctx.member_id,
                       amount=amount, on=ctx.on, meeting_id=ctx.meeting_id)


def _batch(session: Session, actor: User, cells: list[tuple[meeting_columns.CellContext, int]]
           ) -> meeting_columns.BatchPart | None:
    """The column's repayments as its part of the meeting's batch when that gives what
    recording them one at a time gives (``models.loans.batch``); ``None`` otherwise."""
    first = cells[0][0]
    require(session, actor, Permission.RECORD, first.group_id)
    states = _paying_states(session, cells)
    problems = [p for ctx, amount in cells
                for p in _problems(session, ctx, amount, states.get(ctx.member_id, []))]
    if problems:
        raise ValidationError(problems)
    planned = plan_repayments(session, states, [(ctx.member_id, a) for ctx, a in cells],
                              first.on)
    if planned is None:
        return None
    return repayments_part(session, actor, group_id=first.group_id, planned=planned,
                           on=first.on, meeting_id=first.meeting_id)


def _post_all(session: Session, actor: User,
              cells: list[tuple[meeting_columns.CellContext, int]]) -> None:
    """The column's repayments in one batch where they can be, else one at a time."""
    if not cells:
        return
    part = _batch(session, actor, cells)
    if part is None:
        for ctx, amount in cells:
            _post_cell(session, actor, ctx, amount)
    else:
        meeting_columns.post_part(session, actor, cells[0][0].group_id, part)


def _column_enabled(session: Session, group_id: int, on: dt.date) -> bool:
    return session.scalar(select(Loan.id).where(Loan.group_id == group_id,
                                                Loan.status == ACTIVE).limit(1)) is not None


REPAYMENT_COLUMN = meeting_columns.MeetingColumn(
    key="loan_repayment", label=N_("Loan repayment"), order=30, expected=_expected,
    validate=_validate_cell, post=_post_cell, enabled=_column_enabled, post_all=_post_all,
    validate_all=_validate_all, batch=_batch)


def _debts(session: Session, group_id: int, member_id: int,
           on: dt.date) -> list[savings_debts.Debt]:
    return [savings_debts.Debt("loans", N_("Loan {number}"), state.quote.total, loan_id=loan.id,
                         params={"number": loan.number})
            for loan, state in _member_states(session, group_id, member_id, on)]


def _settle(session: Session, actor: User, debt: savings_debts.Debt, amount: int,
            source: savings_debts.SettleFrom) -> None:
    loan = loan_by_id(session, debt.loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    if source.account not in MEMBER_ACCOUNTS + PAY_ACCOUNTS:
        raise UserError(N_("A loan cannot be paid from that account."))
    add_repayment(session, actor, loan, amount=amount, on=source.on,
                        paid_from=source.account, meeting_id=None)


def _income(session: Session, debt: savings_debts.Debt, amount: int, on: dt.date) -> int:
    """The interest and fee part of paying ``amount`` on the loan on ``on``, allocated as
    the repayment would be (cash basis: those parts become income when paid)."""
    loan = loan_by_id(session, debt.loan_id)
    return payment_income(session, loan, amount=amount, on=on)


LOAN_DEBTS = savings_debts.DebtSource(
    "loans", 30, ("loans_receivable", "interest_receivable", "penalties_receivable"),
    _debts, _settle, _income)

