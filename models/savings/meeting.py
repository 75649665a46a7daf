"""What savings add to a meeting: the grid's "savings" and "fines" columns (prefilled from
the rules and the roll call: nothing from an absent member) and the keeper of the cycles
meetings are held in (the savings cycles, each closed by a share-out)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, ledger
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.ledger import Line
from models.core.schema import User
from models.meetings import columns as meeting_columns
from models.meetings.attendance import ABSENT, PRESENT, attendance_status, roll_call
from models.meetings.cycles import CycleKeeper, Terms
from models.savings.accounts import (
    KIND_DEPOSIT,
    KIND_FINE_PAYMENT,
    deposit_problems,
    find_member,
    fines_owed,
    post_deposit,
)
from models.savings.fines import attendance_fine, post_fine_payment
from models.savings.rules import cycle_for_posting, money_text, rules
from models.savings.schema import SavingsCycle


def _absent_paying(status: str, amount: int) -> list[UserError]:
    if status == ABSENT and amount:
        return [UserError(N_("She was absent; mark her as represented if someone paid for "
                             "her."))]
    return []


def _savings_expected(session: Session, ctx: meeting_columns.CellContext) -> int:
    if attendance_status(session, ctx.meeting_id, ctx.member_id) == ABSENT:
        return 0
    r = rules(session, ctx.group_id, ctx.on)
    return r.min_shares * r.share_price if r.is_shares else r.min_deposit


def _savings_validate(session: Session, ctx: meeting_columns.CellContext,
                      amount: int) -> list[UserError]:
    if amount == 0:
        return []
    status = attendance_status(session, ctx.meeting_id, ctx.member_id)
    return _absent_paying(status, amount) + deposit_problems(session, ctx.group_id, amount, ctx.on)


def _savings_post(session: Session, actor: User, ctx: meeting_columns.CellContext,
                  amount: int) -> None:
    post_deposit(session, actor, find_member(session, ctx.member_id), amount, ctx.on,
                 meeting_id=ctx.meeting_id)


def _savings_batch(session: Session, actor: User,
                   cells: list[tuple[meeting_columns.CellContext, int]]
                   ) -> meeting_columns.BatchPart:
    """The savings column's part of the meeting's batch: what ``post_deposit`` does per
    cell."""
    first = cells[0][0]
    cycle_for_posting(session, actor, first.group_id, first.on)

    def finish(posted: list[ledger.Posted]) -> None:
        audit.record_each(session, actor, "savings.deposit", group_id=first.group_id, details=[
            {"member": ctx.member_id, "amount": amount, "entry": entry.seq}
            for (ctx, amount), entry in zip(cells, posted, strict=True)])

    return meeting_columns.BatchPart([
        ledger.Posting(ctx.on, KIND_DEPOSIT, (Line("cash", amount), Line(
            "member_savings", -amount, member_id=ctx.member_id)), meeting_id=ctx.meeting_id)
        for ctx, amount in cells], finish)


def _savings_post_all(session: Session, actor: User,
                      cells: list[tuple[meeting_columns.CellContext, int]]) -> None:
    """The meeting's savings column in one batch."""
    if cells:
        meeting_columns.post_part(session, actor, cells[0][0].group_id,
                                  _savings_batch(session, actor, cells))


def _marks(session: Session,
           cells: list[tuple[meeting_columns.CellContext, int]]) -> dict[int, str]:
    """The roll call of the cells' meeting, read once (a member not marked is present)."""
    meeting_id = cells[0][0].meeting_id if cells else None
    if meeting_id is None:
        return {}
    return {member_id: mark.status for member_id, mark in roll_call(session, meeting_id).items()}


def _savings_validate_all(session: Session, cells: list[tuple[meeting_columns.CellContext, int]]
                          ) -> list[list[UserError]]:
    """``_savings_validate`` for every cell, the roll call and the rules read once."""
    marks = _marks(session, cells)
    by_amount: dict[int, list[UserError]] = {}
    found: list[list[UserError]] = []
    for ctx, amount in cells:
        if amount == 0:
            found.append([])
            continue
        if amount not in by_amount:
            by_amount[amount] = deposit_problems(session, ctx.group_id, amount, ctx.on)
        found.append(_absent_paying(marks.get(ctx.member_id, PRESENT), amount)
                     + by_amount[amount])
    return found


def _pending_attendance_fine(session: Session, ctx: meeting_columns.CellContext) -> int:
    """The fine the member's attendance will add when the meeting is posted."""
    return attendance_fine(rules(session, ctx.group_id, ctx.on),
                           attendance_status(session, ctx.meeting_id, ctx.member_id))


def _fines_expected(session: Session, ctx: meeting_columns.CellContext) -> int:
    if attendance_status(session, ctx.meeting_id, ctx.member_id) == ABSENT:
        return 0
    return fines_owed(session, ctx.group_id, ctx.member_id) + _pending_attendance_fine(session, ctx)


def _fines_validate(session: Session, ctx: meeting_columns.CellContext,
                    amount: int) -> list[UserError]:
    if amount == 0:
        return []
    status = attendance_status(session, ctx.meeting_id, ctx.member_id)
    if amount < 0:
        return [UserError(N_("The amount cannot be negative."))]
    owed = fines_owed(session, ctx.group_id, ctx.member_id) + _pending_attendance_fine(session, ctx)
    problems = _absent_paying(status, amount)
    if amount > owed:
        problems.append(UserError(N_("She owes only {owed} in fines."),
                                  owed=money_text(session, ctx.group_id, owed)))
    return problems


def _fines_validate_all(session: Session, cells: list[tuple[meeting_columns.CellContext, int]]
                        ) -> list[list[UserError]]:
    """``_fines_validate`` for every cell: the fines owed, the roll call and the rules
    read once for the meeting."""
    if not cells:
        return []
    first = cells[0][0]
    marks = _marks(session, cells)
    owed_now = ledger.member_balances(session, first.group_id, "fines_receivable")
    r = rules(session, first.group_id, first.on)
    found: list[list[UserError]] = []
    for ctx, amount in cells:
        if amount == 0:
            found.append([])
            continue
        if amount < 0:
            found.append([UserError(N_("The amount cannot be negative."))])
            continue
        status = marks.get(ctx.member_id, PRESENT)
        owed = owed_now.get(ctx.member_id, 0) + attendance_fine(r, status)
        problems = _absent_paying(status, amount)
        if amount > owed:
            problems.append(UserError(N_("She owes only {owed} in fines."),
                                      owed=money_text(session, ctx.group_id, owed)))
        found.append(problems)
    return found


def _fines_batch(session: Session, actor: User,
                 cells: list[tuple[meeting_columns.CellContext, int]]
                 ) -> meeting_columns.BatchPart:
    """The fines column's part of the meeting's batch: what ``post_fine_payment`` does per
    cell."""
    group_id = cells[0][0].group_id

    def finish(posted: list[ledger.Posted]) -> None:
        audit.record_each(session, actor, "fine.pay", group_id=group_id, details=[
            {"member": ctx.member_id, "amount": amount, "entry": entry.seq}
            for (ctx, amount), entry in zip(cells, posted, strict=True)])

    return meeting_columns.BatchPart([
        ledger.Posting(ctx.on, KIND_FINE_PAYMENT, (Line("cash", amount), Line(
            "fines_receivable", -amount, member_id=ctx.member_id)), meeting_id=ctx.meeting_id)
        for ctx, amount in cells], finish)


def _fines_post_all(session: Session, actor: User,
                    cells: list[tuple[meeting_columns.CellContext, int]]) -> None:
    """The meeting's fines column in one batch."""
    if cells:
        meeting_columns.post_part(session, actor, cells[0][0].group_id,
                                  _fines_batch(session, actor, cells))


def _fines_post(session: Session, actor: User, ctx: meeting_columns.CellContext,
                amount: int) -> None:
    post_fine_payment(session, actor, find_member(session, ctx.member_id), amount, ctx.on,
                      ctx.meeting_id)


SAVINGS_COLUMN = meeting_columns.MeetingColumn(
    key="savings", label=N_("Savings"), order=10, expected=_savings_expected,
    validate=_savings_validate, post=_savings_post, post_all=_savings_post_all,
    validate_all=_savings_validate_all, batch=_savings_batch)
FINES_COLUMN = meeting_columns.MeetingColumn(
    key="fines", label=N_("Fines paid"), order=90, expected=_fines_expected,
    validate=_fines_validate, post=_fines_post, post_all=_fines_post_all,
    validate_all=_fines_validate_all, batch=_fines_batch)


def _cycle_for(session: Session, actor: User, group_id: int, on: dt.date) -> int:
    return cycle_for_posting(session, actor, group_id, on).id


def _cycle_numbers(session: Session, cycle_ids: Collection[int]) -> dict[int, int]:
    return dict(session.execute(select(SavingsCycle.id, SavingsCycle.number)
                                .where(SavingsCycle.id.in_(cycle_ids))).all())


def _terms(session: Session, group_id: int, on: dt.date) -> Terms:
    r = rules(session, group_id, on)
    return Terms(r.mode, r.share_price)


CYCLE_KEEPER = CycleKeeper(cycle_for=_cycle_for, numbers=_cycle_numbers, terms=_terms)
