"""The schedule a member is shown before she borrows, the one she takes home once the
loan is paid out, and `kongthun loan-schedule` are the same rows
(``models.loans.schedule_sheet``)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.core.errors import UserError
from models.loans.application import apply_for_loan, approve_loan
from models.loans.policy import FEE_AT_PAYOUT, FEE_WITH_INSTALLMENTS
from models.loans.queries import loan_detail
from models.loans.schedule import ScheduleTerms, build_schedule
from models.loans.schedule_sheet import loan_schedule_sheet, preview_sheet, schedule_lines
from tests.models.loan_support import open_loan, save, set_policy

D = dt.date


def test_the_calculator_shows_the_rows_the_command_line_prints(db, env):
    with db.read() as s:
        sheet = preview_sheet(s, env.user(s, "treasurer"), group_id=env.group_id,
                              amount=1_200_000, annual_rate="24", installments=12,
                              method="declining", disbursed=D(2026, 6, 10))
    printed = schedule_lines(build_schedule(ScheduleTerms(
        1_200_000, Decimal(24), installments=12, disbursed=D(2026, 6, 10))))
    assert sheet.lines == printed
    assert sheet.lines[-1].balance == 0
    assert sheet.total_to_repay == 1_200_000 + sheet.total_interest
    assert sheet.member_name == "" and sheet.loan_number is None


def test_a_fee_paid_with_the_installments_is_on_each_line_and_in_what_to_pay(db, env):
    set_policy(db, env, fee_kind="flat", fee_flat=6_000, fee_timing="installments")
    with db.read() as s:
        sheet = preview_sheet(s, env.user(s, "treasurer"), group_id=env.group_id,
                              amount=300_000, annual_rate=24, installments=6, method="flat",
                              disbursed=D(2026, 6, 10))
    assert [line.fee for line in sheet.lines] == [1_000] * 6
    assert sheet.fee == 6_000 and sheet.fee_timing == FEE_WITH_INSTALLMENTS
    assert all(line.total == line.principal + line.interest + 1_000 for line in sheet.lines)
    assert sheet.total_to_repay == 300_000 + sheet.total_interest + 6_000


def test_the_paper_she_takes_home_is_the_schedule_the_loan_screen_shows(db, env):
    with db.write() as s:
        save(s, env, 0, 1_000_000)
    set_policy(db, env, fee_kind="flat", fee_flat=5_000, fee_timing="payout")
    loan_id = open_loan(db, env, amount=600_000, installments=6, disbursed=D(2026, 3, 2))
    with db.read() as s:
        auditor = env.user(s, "auditor")
        sheet = loan_schedule_sheet(s, auditor, loan_id=loan_id)
        detail = loan_detail(s, auditor, loan_id)
    assert [(line.n, line.due_date, line.principal, line.interest) for line in sheet.lines] == \
        [(i.n, i.due_date, i.principal, i.interest) for i in detail.installments]
    assert [line.balance for line in sheet.lines][-1] == 0
    assert sheet.amount == 600_000 and sheet.loan_number == detail.loan.number
    assert sheet.member_name == detail.loan.member_name
    assert (sheet.fee, sheet.fee_timing, sheet.fee_at_payout) == (5_000, FEE_AT_PAYOUT, 5_000)


def test_a_loan_not_yet_paid_out_has_no_schedule_to_print(db, env):
    with db.write() as s:
        save(s, env, 0, 1_000_000)
        row = apply_for_loan(s, env.user(s, "treasurer"), group_id=env.group_id,
                             member_id=env.member_ids[0], amount=100_000, purpose="Seeds",
                             installments=6, annual_rate=Decimal(24), method="flat")
        approve_loan(s, env.user(s, "leader"), loan_id=row.id)
    with db.read() as s, pytest.raises(UserError) as refused:
        loan_schedule_sheet(s, env.user(s, "auditor"), loan_id=row.id)
    assert str(refused.value) == f"Loan {row.number} is not paid out yet, so it has no schedule."
