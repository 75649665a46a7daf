"""Repayments: what a payment pays first, paying off early, reversing a repayment and the
later ones re-allocated as if it never happened, backdated repayments, the meeting grid's
repayment column and loans paid from a leaving member's savings. Verify after each step."""
from __future__ import annotations

from decimal import Decimal

import pytest

from models.core import ledger
from models.core.errors import UserError, ValidationError
from models.core.schema import JournalEntry, JournalLine
from models.loans import repayments as loan_repayments
from models.loans.penalties import post_due_penalties
from models.loans.repayments import pay_off_loan, record_repayment, reverse_repayment
from models.loans.schema import LoanRepayment
from models.loans.statuses import ACTIVE, CLOSED, KIND_PENALTY, KIND_REPAYMENT
from models.meetings import columns as meeting_columns
from models.meetings.columns import CellContext
from models.savings import debts as savings_debts
from tests.models.loan_support import (
    D,
    assert_ledger_whole,
    balance,
    detail,
    open_loan,
    receivable,
    repay,
    save,
    set_policy,
    splits,
)

TODAY = D(2026, 11, 20)


@pytest.fixture
def flat_loan(db, env):
    """1,200,000 kip, flat 24 % a year, 12 months from 10/06/2026: each installment is
    24,000 interest + 100,000 principal, due on the 10th."""
    with db.write() as s:
        save(s, env, 0, 2_000_000)
    return open_loan(db, env, amount=1_200_000, rate=24, installments=12,
                     disbursed=D(2026, 6, 10))


@pytest.fixture
def declining_loan(db, env):
    """1,000,000 kip, declining balance 24 % a year (2 % a month), 4 equal installments
    from 01/06/2026. EMI = 1,000,000 × 0.02 / (1 − 1.02⁻⁴) = 262,623.75 → 262,624:
    1: 20,000 + 242,624 (left 757,376)   2: 15,148 + 247,476 (left 509,900)
    3: 10,198 + 252,426 (left 257,474)   4: 5,149 + 257,474."""
    with db.write() as s:
        save(s, env, 0, 2_000_000)
    return open_loan(db, env, amount=1_000_000, rate=24, installments=4, method="declining",
                     disbursed=D(2026, 6, 1))


def test_the_declining_schedule_is_the_hand_worked_one(db, env, declining_loan):
    assert [(i.interest, i.principal) for i in detail(db, env, declining_loan).installments] \
        == [(20_000, 242_624), (15_148, 247_476), (10_198, 252_426), (5_149, 257_474)]


def test_a_payment_pays_penalties_then_interest_then_principal(db, env, flat_loan):
    set_policy(db, env, penalty_kind="flat", penalty_flat=5_000, grace_days=3)
    repay(db, env, flat_loan, 124_000, D(2026, 7, 10))
    # Installment 2 (due 10/08) is still unpaid after the grace days: 5,000 penalty.
    with db.write() as s:
        post_due_penalties(s, env.user(s, "treasurer"), group_id=env.group_id,
                           on=D(2026, 8, 20))
    repay(db, env, flat_loan, 50_000, D(2026, 8, 20))
    assert splits(db, env, flat_loan) == [
        (D(2026, 7, 10), 124_000, 0, 24_000, 100_000, "posted"),
        (D(2026, 8, 20), 50_000, 5_000, 24_000, 21_000, "posted"),
    ]
    assert receivable(db, env, flat_loan) == 1_200_000 - 121_000
    assert receivable(db, env, flat_loan, "penalties_receivable") == 0
    assert balance(db, env, "interest_income") == 48_000
    assert balance(db, env, "penalty_income") == 5_000
    assert_ledger_whole(db)


def test_the_order_is_a_group_setting(db, env, flat_loan):
    set_policy(db, env, allocation_order=("principal", "interest", "penalties", "fees"))
    repay(db, env, flat_loan, 110_000, D(2026, 7, 10))
    assert splits(db, env, flat_loan)[0][2:5] == (0, 10_000, 100_000)


def test_money_beyond_what_is_due_pays_the_next_installments(db, env, flat_loan):
    repay(db, env, flat_loan, 300_000, D(2026, 7, 10))
    info = detail(db, env, flat_loan)
    # Installments 1 and 2 in full, then 24,000 interest and 28,000 principal of the 3rd.
    assert splits(db, env, flat_loan)[0][2:5] == (0, 72_000, 228_000)
    assert [i.status for i in info.installments[:4]] == ["paid", "paid", "late", "late"]
    assert info.installments[2].left == 72_000


def test_paying_off_a_declining_loan_early_recomputes_the_interest(db, env, declining_loan):
    repay(db, env, declining_loan, 262_624, D(2026, 7, 1))
    with db.read() as s:
        quote = loan_repayments.payoff(s, env.user(s, "auditor"), loan_id=declining_loan,
                                       on=D(2026, 7, 16))
    # 757,376 owed for the 15 days since 01/07: 757,376 × 24 % × 15 / 365 = 7,470.01.
    assert (quote.principal, quote.interest, quote.total) == (757_376, 7_470, 764_846)
    with db.write() as s:
        pay_off_loan(s, env.user(s, "treasurer"), loan_id=declining_loan,
                     on=D(2026, 7, 16))
    info = detail(db, env, declining_loan)
    assert info.loan.status == CLOSED and info.loan.closed_on == D(2026, 7, 16)
    assert info.loan.principal_outstanding == receivable(db, env, declining_loan) == 0
    # The schedule's remaining interest (15,148 + 10,198 + 5,149) is not charged.
    assert balance(db, env, "interest_income") == 20_000 + 7_470
    assert_ledger_whole(db)
    with pytest.raises(UserError, match="not being repaid"), db.write() as s:
        record_repayment(s, env.user(s, "treasurer"), loan_id=declining_loan,
                         amount=1_000, on=D(2026, 7, 20))


def test_paying_off_a_flat_loan_takes_all_its_interest(db, env, flat_loan):
    repay(db, env, flat_loan, 124_000, D(2026, 7, 10))
    with db.read() as s:
        quote = loan_repayments.payoff(s, env.user(s, "auditor"), loan_id=flat_loan,
                                       on=D(2026, 7, 20))
    assert (quote.principal, quote.interest) == (1_100_000, 11 * 24_000)


def test_more_than_clears_the_loan_is_refused(db, env, declining_loan):
    with pytest.raises(UserError) as refused, db.write() as s:
        record_repayment(s, env.user(s, "treasurer"), loan_id=declining_loan,
                         amount=2_000_000, on=D(2026, 7, 1))
    assert str(refused.value) == ("The repayment of 2,000,000 ₭ on 01/07/2026 would be more "
                                  "than the 1,020,000 ₭ that clears loan 1 that day.")
    assert_ledger_whole(db)


def test_reversing_the_second_of_three_repayments_reallocates_the_third(db, env,
                                                                       declining_loan):
    repay(db, env, declining_loan, 262_624, D(2026, 7, 1))
    second = repay(db, env, declining_loan, 262_624, D(2026, 8, 1))
    repay(db, env, declining_loan, 100_000, D(2026, 9, 1))
    assert splits(db, env, declining_loan)[2] == \
        (D(2026, 9, 1), 100_000, 0, 10_198, 89_802, "posted")
    assert_ledger_whole(db)
    cash = balance(db, env, "cash")

    with db.write() as s:
        reverse_repayment(s, env.user(s, "treasurer"), repayment_id=second,
                          reason="Counted twice")
    # As if the second never happened: the third pays installment 2's 15,148 interest.
    assert splits(db, env, declining_loan) == [
        (D(2026, 7, 1), 262_624, 0, 20_000, 242_624, "posted"),
        (D(2026, 8, 1), 262_624, 0, 15_148, 247_476, "reversed"),
        (D(2026, 9, 1), 100_000, 0, 15_148, 84_852, "posted"),
    ]
    outstanding = 1_000_000 - 242_624 - 84_852
    assert detail(db, env, declining_loan).loan.principal_outstanding == outstanding
    assert receivable(db, env, declining_loan) == outstanding == 672_524
    assert balance(db, env, "interest_income") == 20_000 + 15_148
    assert balance(db, env, "cash") == cash - 262_624
    with db.read() as s:
        kinds = [e.kind for e in s.query(JournalEntry).order_by(JournalEntry.seq)][-3:]
    # The 2nd reversed, the 3rd's posting reversed and posted again: nothing edited.
    assert kinds == ["reversal", "reversal", KIND_REPAYMENT]
    assert_ledger_whole(db)


def test_the_generic_reversal_of_a_repayment_goes_through_the_replay(db, env, declining_loan):
    repay(db, env, declining_loan, 262_624, D(2026, 7, 1))
    second = repay(db, env, declining_loan, 262_624, D(2026, 8, 1))
    repay(db, env, declining_loan, 100_000, D(2026, 9, 1))
    with db.write() as s:
        entry_id = s.get(LoanRepayment, second).entry_id
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry_id, reason="Wrong")
    assert splits(db, env, declining_loan)[2][2:5] == (0, 15_148, 84_852)
    assert_ledger_whole(db)


def test_reversing_the_repayment_that_closed_a_loan_opens_it_again(db, env, declining_loan):
    with db.write() as s:
        row = pay_off_loan(s, env.user(s, "treasurer"), loan_id=declining_loan,
                           on=D(2026, 6, 15))
    assert detail(db, env, declining_loan).loan.status == CLOSED
    with db.write() as s:
        reverse_repayment(s, env.user(s, "treasurer"), repayment_id=row.id,
                          reason="The money was counterfeit")
    info = detail(db, env, declining_loan)
    assert info.loan.status == ACTIVE
    assert info.loan.principal_outstanding == 1_000_000
    assert [e.kind for e in info.events][-1] == "reopened"
    assert_ledger_whole(db)


def test_a_backdated_repayment_goes_before_the_later_ones(db, env, declining_loan):
    repay(db, env, declining_loan, 262_624, D(2026, 8, 1))  # pays installment 1
    repay(db, env, declining_loan, 262_624, D(2026, 7, 1))  # found later: it came first
    assert [s[0:5] for s in splits(db, env, declining_loan)] == [
        (D(2026, 7, 1), 262_624, 0, 20_000, 242_624),
        (D(2026, 8, 1), 262_624, 0, 15_148, 247_476),
    ]
    assert_ledger_whole(db)


def test_a_reversal_that_would_overpay_a_later_repayment_is_refused(db, env, flat_loan):
    set_policy(db, env, penalty_kind="flat", penalty_flat=5_000, grace_days=0)
    with db.write() as s:
        post_due_penalties(s, env.user(s, "treasurer"), group_id=env.group_id,
                           on=D(2026, 7, 11))
    with db.write() as s:
        pay_off_loan(s, env.user(s, "treasurer"), loan_id=flat_loan, on=D(2026, 7, 20))
        penalty = s.query(JournalEntry).filter_by(kind=KIND_PENALTY).one().id
    # The payoff paid the penalty; waiving it now would make the payoff too large.
    with pytest.raises(UserError, match="would be more than"), db.write() as s:
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=penalty, reason="waive")
    assert_ledger_whole(db)


def test_the_meeting_column_expects_what_is_due_and_posts_oldest_loan_first(db, env):
    set_policy(db, env, max_active_loans=2)
    with db.write() as s:
        save(s, env, 0, 2_000_000)
    older = open_loan(db, env, amount=600_000, rate=24, installments=6,
                      disbursed=D(2026, 9, 20))   # 112,000 due 20/10 and 20/11
    newer = open_loan(db, env, amount=300_000, rate=24, installments=3,
                      disbursed=D(2026, 10, 20))  # 106,000 due 20/11
    column = meeting_columns._REGISTRY["loan_repayment"]
    ctx = CellContext(env.group_id, env.member_ids[0], meeting_id=77, on=TODAY)
    with db.read() as s:
        assert column.enabled(s, env.group_id, TODAY)
        assert column.expected(s, ctx) == 2 * 112_000 + 106_000
        other = CellContext(env.group_id, env.member_ids[1], meeting_id=77, on=TODAY)
        assert column.expected(s, other) == 0
        assert [str(p) for p in column.validate(s, other, 1000)] == \
            ["ນາງ ບົວ has no loan to repay."]
        payoff = (loan_repayments.payoff(s, env.user(s, "auditor"), loan_id=older).total
                  + loan_repayments.payoff(s, env.user(s, "auditor"), loan_id=newer).total)
        assert column.validate(s, ctx, payoff) == []
        assert len(column.validate(s, ctx, payoff + 1)) == 1
    with db.write() as s:
        column.post(s, env.user(s, "treasurer"), ctx, 250_000)
    # Due first, oldest loan first: 224,000 to the older, the rest (26,000) to the newer.
    assert [r.amount for r in detail(db, env, older).repayments] == [224_000]
    assert [r.amount for r in detail(db, env, newer).repayments] == [26_000]
    with db.read() as s:
        meetings = {e.meeting_id for e in
                    s.query(JournalEntry).filter_by(kind=KIND_REPAYMENT)}
    assert meetings == {77}
    assert_ledger_whole(db)


def test_a_leaving_members_savings_pay_her_loan(db, env, flat_loan):
    from models.savings import debts as savings_debts

    with db.read() as s:
        debts = savings_debts.member_debts(s, env.group_id, env.member_ids[0], TODAY)
    loan_debt = [d for d in debts if d.source == "loans"]
    assert [str(d) for d in loan_debt] == ["Loan 1"]
    with db.read() as s:
        owed = loan_repayments.payoff(s, env.user(s, "auditor"), loan_id=flat_loan).total
    assert loan_debt[0].amount == owed
    with db.write() as s:
        source = savings_debts.SettleFrom("member_savings", env.member_ids[0], TODAY, "exit")
        savings_debts.apply_netting(s, env.user(s, "treasurer"),
                                    savings_debts.plan_netting(loan_debt, 2_000_000), source)
    assert detail(db, env, flat_loan).loan.status == CLOSED
    with db.read() as s:
        saved = ledger.balance(s, env.group_id, "member_savings",
                               member_id=env.member_ids[0])
        line_member = s.query(JournalLine).filter(JournalLine.amount == owed).one().member_id
    assert saved == 2_000_000 - owed
    assert line_member == env.member_ids[0]
    assert_ledger_whole(db)


def test_repayments_are_refused_before_the_payout_or_in_the_future(db, env, flat_loan):
    with pytest.raises(ValidationError) as refused, db.write() as s:
        record_repayment(s, env.user(s, "treasurer"), loan_id=flat_loan, amount=0,
                         on=D(2026, 6, 1))
    assert [str(p) for p in refused.value.problems] == [
        "The repayment must be more than zero.",
        "The repayment cannot be dated before 10/06/2026, when the loan was paid out or "
        "rescheduled."]
    with pytest.raises(ValidationError, match="in the future"), db.write() as s:
        record_repayment(s, env.user(s, "treasurer"), loan_id=flat_loan, amount=1000,
                         on=D(2026, 12, 1))


def test_a_loan_paid_by_its_schedule_closes_after_the_last_installment(db, env):
    with db.write() as s:
        save(s, env, 0, 1_000_000)
    loan_id = open_loan(db, env, amount=300_000, rate=Decimal(18), installments=3,
                        method="declining", disbursed=D(2026, 6, 1))
    for inst in detail(db, env, loan_id).installments:
        repay(db, env, loan_id, inst.total, inst.due_date)
    info = detail(db, env, loan_id)
    assert info.loan.status == CLOSED
    assert info.loan.closed_on == info.installments[-1].due_date
    assert all(i.status == "paid" for i in info.installments)
    assert_ledger_whole(db)


def test_the_meeting_grid_prefills_nothing_for_an_absent_borrower(env):
    import datetime as dt

    from models.meetings import attendance as meeting_attendance
    from models.meetings import columns as meeting_columns
    from models.meetings import meeting as meetings
    from models.meetings import roll as meeting_roll
    from models.meetings.columns import CellContext

    with env.db.write() as s:
        save(s, env, 0, 2_000_000)
    open_loan(env.db, env, member=0, amount=1_000_000, disbursed=dt.date(2026, 9, 1))
    with env.db.write() as s:
        meeting = meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id,
                                        on=dt.date(2026, 11, 20))
        ctx = CellContext(env.group_id, env.member_ids[0], meeting.id, dt.date(2026, 11, 20))
        column = next(c for c in meeting_columns.columns(s, env.group_id, ctx.on)
                      if c.key == "loan_repayment")
        assert column.expected(s, ctx) > 0
        meeting_roll.record_attendance(s, env.user(s, "treasurer"), meeting_id=meeting.id,
                                       attendance={env.member_ids[0]: meeting_attendance.ABSENT})
        assert column.expected(s, ctx) == 0
