"""Demo loans: members borrow against their savings, repay with the seasons, sometimes late.

At each meeting: late penalties are charged; members repay what falls due, in full in a
good month, part or nothing in a lean one (the lean-month behaviour follows
``ctx.income_factor``), now and then paying a loan off early; the applications of the
last meeting are decided and paid out; a few members without a loan apply for one, as
much as the policy and the cash box allow (the study's 12–24 % a year). A loan long in
arrears is rescheduled, or, after more than four months, written off. At the end each
group holds loans in every state: waiting for approval, approved and not yet paid out,
refused, being repaid, repaid, rescheduled and written off.

Loans need savings to borrow against and cash to lend: the savings activity (order 10)
provides both; without it, nobody qualifies and this activity records only what it can.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from models.core import ledger
from models.demo import Activity
from models.loans import arrears, penalties
from models.loans import meeting as loan_meeting
from models.loans import policy as loan_policy
from models.loans.application import (
    application_problems,
    apply_for_loan,
    approve_loan,
    reject_loan,
)
from models.loans.common import method_key, rate_of
from models.loans.payout import disburse_loan
from models.loans.requests import approve_request, request_reschedule, request_write_off
from models.loans.schema import Loan, LoanRequest
from models.loans.state import loan_states
from models.loans.statuses import ACTIVE, APPLIED, APPROVED, OPEN_STATUSES, PENDING, REJECTED
from models.meetings import attendance as meeting_attendance
from models.savings.rules import rules

NAME = "loans"
PURPOSES = ("ຊື້ຈັກຫຍິບ", "ຊື້ຜ້າ ແລະ ດ້າຍ", "ຊື້ແນວພັນຜັກ", "ຄ່າຮຽນລູກ", "ສ້ອມແປງເຮືອນ",
            "ຊື້ໄມ້ໄຜ່", "ຄ່າປິ່ນປົວ", "ຊື້ຝ້າຍ ແລະ ສີຍ້ອມ")
REASONS_LATE = ("ລາຍຮັບຫຼຸດລົງໃນລະດູຝົນ", "ເຈັບປ່ວຍ, ເຮັດວຽກບໍ່ໄດ້ຫຼາຍເດືອນ")
REASON_WRITE_OFF = "ຍ້າຍໄປເຮັດວຽກຕ່າງປະເທດ, ຕິດຕໍ່ບໍ່ໄດ້"
REASON_REFUSED = "ເງິນກູ້ເກົ່າຍັງຊຳລະຊ້າ"
STEP = 1_000  # the smallest note worth counting at a meeting
KEEP_MARGIN = 100_000  # kept in the box beyond a share-out's change (see kept_in_box)


# Loan fees (illustrative: the brief does not report them): the vegetable growers take 1 %
# with the installments, the weavers 10,000 kip kept from the payout; the others none.
FEES: dict[int, dict[str, Any]] = {
    3: dict(fee_kind=loan_policy.FEE_PERCENT, fee_percent=Decimal(1),
            fee_timing=loan_policy.FEE_WITH_INSTALLMENTS),
    4: dict(fee_kind=loan_policy.FEE_FLAT, fee_flat=10_000,
            fee_timing=loan_policy.FEE_AT_PAYOUT),
}


def _round_down(amount: int, step: int) -> int:
    return amount // step * step


def setup(ctx, group) -> None:  # noqa: ANN001
    admin = ctx.actor("admin")
    policy = loan_policy.get_policy(ctx.session, group.id, group.starts_on)
    loan_policy.set_policy(ctx.session, admin, group_id=group.id,
                           effective_from=group.starts_on,
                           policy=replace(policy, installment_multiple=STEP,
                                          penalty_kind=loan_policy.PENALTY_FLAT,
                                          penalty_flat=5_000, grace_days=3,
                                          max_active_loans=2,
                                          methods=("flat", "declining"),
                                          **FEES.get(group.index, {})))
    # One member falls ill and stops paying: her loan is rescheduled, then written off.
    troubled = group.rng(NAME + ".setup").choice(group.members)
    group.state[NAME] = {"written_off": 0, "rescheduled": 0, "troubled": troubled.id}


def _repayments(ctx, group, day: dt.date, away: set[int]) -> dict[int, int]:  # noqa: ANN001
    """What each borrower pays on her loans today: usually what is due, sometimes part of
    it or nothing (more often in a lean month), now and then the whole loan. Penalties
    due by today are charged first. The troubled member and members ``away`` pay nothing."""
    rng = group.rng(NAME)
    session = ctx.session
    penalties.post_due_penalties(session, ctx.actor("treasurer"), group_id=group.id, on=day)
    factor = ctx.income_factor(group, day.month)
    members = {m.id: m for m in group.active_members(day)}
    paid: dict[int, int] = {}
    loans = _loans(session, group.id, ACTIVE)
    states = loan_states(session, loans, select(Loan.id).where(
        Loan.group_id == group.id, Loan.status == ACTIVE), day)  # all in a few statements
    for loan in loans:
        state = states.get(loan.id)
        if state is None:
            continue
        quote = state.quote.total
        member = members.get(loan.member_id)
        if member is None:  # she left: the exit settlement deals with it
            continue
        if member.id == group.state[NAME]["troubled"] or member.id in away:
            continue
        if quote and rng.random() < 0.04 * float(factor):
            paid[member.id] = paid.get(member.id, 0) + quote
            continue
        due = state.due
        if not due:
            continue
        draw = rng.random()
        if draw < 0.08 / float(factor):
            continue  # nothing this month
        share = 1.0 if draw < 0.85 else rng.uniform(0.3, 0.8)
        paid[member.id] = paid.get(member.id, 0) + \
            min(quote, max(STEP, _round_down(int(due * share), STEP)))
    return paid


def meeting_cells(ctx, group, day: dt.date,  # noqa: ANN001
                  attendance: dict[int, str]) -> dict[tuple[int, str], int]:
    """The loan repayment column of the meeting grid (a member with two loans pays one
    amount; the grid pays her oldest loan first)."""
    group.state[NAME]["grid_day"] = day
    away = {m for m, status in attendance.items() if status == meeting_attendance.ABSENT}
    return {(member_id, "loan_repayment"): amount
            for member_id, amount in _repayments(ctx, group, day, away).items()}


def on_meeting(ctx, group, day: dt.date) -> None:  # noqa: ANN001
    rng = group.rng(NAME)
    session = ctx.session
    treasurer, leader = ctx.actor("treasurer"), ctx.actor("leader")
    members = {m.id: m for m in group.active_members(day)}
    if group.state[NAME].get("grid_day") != day:  # no meeting grid: repaid one by one
        for member_id, amount in _repayments(ctx, group, day, set()).items():
            _repay_outside(ctx, group, member_id, amount, day)

    _handle_arrears(ctx, group, day)

    late_payers = {row.member_id for row in arrears.loan_arrears(
        session, treasurer, group_id=group.id, on=day) if row.days_overdue > 30}
    room = _room(session, group, day)
    for loan in _loans(session, group.id, APPLIED):
        problems = _problems(session, loan, day)
        if problems or loan.member_id in late_payers or rng.random() < 0.05:
            reject_loan(session, leader, loan_id=loan.id, reason=REASON_REFUSED)
        elif loan.amount <= room:  # the leader approves only what the box can pay out
            approve_loan(session, leader, loan_id=loan.id)
            room -= loan.amount
    for loan in _loans(session, group.id, APPROVED):
        if loan.amount <= _room(session, group, day):
            disburse_loan(session, treasurer, loan_id=loan.id, on=day)

    for _ in range(rng.choice((1, 1, 2, 3)) if group.month_opens(day) else 0):
        _apply(ctx, group, day, rng, list(members.values()))


def kept_in_box(session, group, day: dt.date) -> int:  # noqa: ANN001
    """Cash the treasurer keeps back when lending: enough to pay every member the part of
    a share-out that does not buy a whole share, with a margin, so a share-out can always
    be paid."""
    price = rules(session, group.id, day).share_price
    return len(group.active_members(day)) * price + KEEP_MARGIN


def _room(session, group, day: dt.date) -> int:  # noqa: ANN001
    """What the box can lend today and still keep ``kept_in_box``."""
    return max(ledger.balance(session, group.id, "cash") - kept_in_box(session, group, day), 0)


def _repay_outside(ctx, group, member_id: int, amount: int, day: dt.date) -> None:  # noqa: ANN001
    """Repayments without a meeting: her loans oldest first, as the grid would."""
    loan_meeting.repay_member_loans(ctx.session, ctx.actor("treasurer"), group_id=group.id,
                                    member_id=member_id, amount=amount, on=day)


def _loans(session, group_id: int, status: str) -> list[Loan]:  # noqa: ANN001
    return list(session.scalars(select(Loan).where(Loan.group_id == group_id,
                                                   Loan.status == status).order_by(Loan.id)))


def _problems(session, loan: Loan, day: dt.date) -> list:  # noqa: ANN001
    guarantors = ()
    return application_problems(
        session, group_id=loan.group_id, member_id=loan.member_id, amount=loan.amount,
        annual_rate=rate_of(loan.annual_rate_bp), installments=loan.installments,
        method=method_key(loan), frequency=loan.frequency, guarantor_ids=guarantors,
        on=day, loan_id=loan.id)


def _apply(ctx, group, day: dt.date, rng, members: list) -> None:  # noqa: ANN001
    session = ctx.session
    policy = loan_policy.get_policy(session, group.id, day)
    open_loans: dict[int, int] = {}
    for member_id in session.scalars(select(Loan.member_id).where(
            Loan.group_id == group.id, Loan.status.in_(OPEN_STATUSES))):
        open_loans[member_id] = open_loans.get(member_id, 0) + 1
    free = [m for m in members if open_loans.get(m.id, 0) < policy.max_active_loans]
    if not free:
        return
    troubled = group.state[NAME]["troubled"]
    borrowed = session.scalar(select(Loan.id).where(Loan.member_id == troubled).limit(1))
    first = [m for m in free if m.id == troubled and borrowed is None]
    others = [m for m in free if m.id != troubled]
    if not first and not others:
        return
    member = first[0] if first else rng.choice(others)
    saved = ledger.balance(session, group.id, "member_savings", member_id=member.id)
    cash = _room(session, group, day)
    cap = int(saved * (policy.savings_multiple or Decimal(3)))
    wish = ctx.member_income(group, member, day.month) * rng.choice((2, 3, 4, 6))
    amount = _round_down(min(cap, wish, cash // 2), 50_000)
    if amount < 100_000:
        return
    rate = rng.choice((policy.min_rate, Decimal(18), policy.max_rate))
    method = rng.choice(policy.methods)
    installments = rng.choice((3, 4, 6, 6, 10, 12))
    problems = application_problems(
        session, group_id=group.id, member_id=member.id, amount=amount, annual_rate=rate,
        installments=installments, method=method, on=day)
    if problems:
        return
    apply_for_loan(session, ctx.actor("treasurer"), group_id=group.id,
                   member_id=member.id, amount=amount, purpose=rng.choice(PURPOSES),
                   installments=installments, annual_rate=rate, method=method,
                   applied_on=day)


def _handle_arrears(ctx, group, day: dt.date) -> None:  # noqa: ANN001
    session = ctx.session
    treasurer, leader = ctx.actor("treasurer"), ctx.actor("leader")
    state = group.state[NAME]
    for row in arrears.loan_arrears(session, treasurer, group_id=group.id, on=day):
        pending = session.scalar(select(LoanRequest.id).where(
            LoanRequest.loan_id == row.loan_id, LoanRequest.status == PENDING))
        if pending:
            continue
        if row.days_overdue > 120 and state["written_off"] < 1:
            request = request_write_off(session, treasurer, loan_id=row.loan_id,
                                        reason=REASON_WRITE_OFF, on=day)
            approve_request(session, leader, request_id=request.id)
            state["written_off"] += 1
        elif row.days_overdue > 60 and state["rescheduled"] < 2 \
                and row.outstanding >= 300_000:
            request = request_reschedule(session, treasurer, loan_id=row.loan_id,
                                         reason=REASONS_LATE[state["rescheduled"] % 2],
                                         installments=6, on=day)
            approve_request(session, leader, request_id=request.id)
            state["rescheduled"] += 1


def finish(ctx, group) -> None:  # noqa: ANN001
    """Make sure the last meeting leaves loans in every state a screen can show."""
    session = ctx.session
    day = group.meeting_dates[-1]
    rng = group.rng(NAME + ".finish")
    members = group.active_members(day)
    if not _loans(session, group.id, REJECTED):
        _apply(ctx, group, day, rng, members)
        for loan in _loans(session, group.id, APPLIED)[:1]:
            reject_loan(session, ctx.actor("leader"), loan_id=loan.id,
                        reason=REASON_REFUSED)
    if not _loans(session, group.id, APPROVED):
        _apply(ctx, group, day, rng, members)
        for loan in _loans(session, group.id, APPLIED)[:1]:
            if not _problems(session, loan, day) and loan.amount <= _room(session, group, day):
                approve_loan(session, ctx.actor("leader"), loan_id=loan.id)
    if not _loans(session, group.id, APPLIED):
        _apply(ctx, group, day, rng, members)
    active = _loans(session, group.id, ACTIVE)
    state = group.state[NAME]
    if state["written_off"] == 0 and active:
        worst = max(arrears.loan_arrears(session, ctx.actor("auditor"), group_id=group.id,
                                         on=day), key=lambda r: (r.days_overdue, -r.loan_id),
                    default=None)
        if worst is not None and worst.days_overdue > 0:
            request = request_write_off(session, ctx.actor("treasurer"),
                                        loan_id=worst.loan_id, reason=REASON_WRITE_OFF,
                                        on=day)
            approve_request(session, ctx.actor("leader"), request_id=request.id)
            state["written_off"] += 1


ACTIVITY = Activity(name=NAME, order=30, setup=setup, on_meeting=on_meeting, finish=finish,
                    meeting_cells=meeting_cells)
