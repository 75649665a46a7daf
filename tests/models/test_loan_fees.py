"""Loan fees: fixed from the policy when a member applies, kept from the payout or paid with
the installments (penalties → fees → interest → principal by default), paid in full at an
early payoff, carried by a rescheduling, undone by reversals, and checked by verify."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from models.core import ledger
from models.core.errors import ValidationError
from models.core.ledger import Line
from models.core.schema import JournalEntry
from models.core.verify import verify_database
from models.loans import policy as loan_policy
from models.loans.allocation import Item, Payment, Plan, allocate
from models.loans.application import apply_for_loan, approve_loan
from models.loans.arrears import due_list
from models.loans.payout import disburse_loan
from models.loans.penalties import post_due_penalties
from models.loans.policy import FEE_AT_PAYOUT, FEE_WITH_INSTALLMENTS, spread_fee, with_fees
from models.loans.repayments import pay_off_loan, payoff, reverse_repayment
from models.loans.requests import approve_request, request_reschedule, request_write_off
from models.loans.schedule import ScheduleTerms
from models.loans.statuses import ACTIVE, CANCELLED, CLOSED
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
)


def fee_splits(db, env, loan_id: int) -> list[tuple]:
    """(amount, penalty, fee, interest, principal) of each posted repayment."""
    return [(r.amount, r.penalty, r.fee, r.interest, r.principal)
            for r in detail(db, env, loan_id).repayments if r.status == "posted"]


@pytest.fixture
def saved(db, env):
    with db.write() as s:
        save(s, env, 0, 2_000_000)


@pytest.fixture
def fee_with_installments(db, env, saved):
    """2 % of 1,200,000 = 24,000 paid with 12 flat installments: 2,000 each, so each
    installment is 2,000 fee + 24,000 interest + 100,000 principal, due on the 10th."""
    set_policy(db, env, fee_kind="percent", fee_percent=Decimal(2),
               fee_timing=FEE_WITH_INSTALLMENTS, penalty_kind="flat", penalty_flat=5_000,
               grace_days=3)
    return open_loan(db, env, amount=1_200_000, rate=24, installments=12,
                     disbursed=D(2026, 6, 10))


def test_a_fee_kept_from_the_payout_pays_the_member_less_and_is_income_at_once(db, env, saved):
    set_policy(db, env, fee_kind="percent", fee_percent=Decimal("1.5"))
    cash_before = balance(db, env, "cash")
    loan_id = open_loan(db, env, amount=1_000_000, installments=10, disbursed=D(2026, 6, 10))
    info = detail(db, env, loan_id)
    assert (info.loan.fee, info.loan.fee_timing) == (15_000, FEE_AT_PAYOUT)
    assert (info.loan.fee_at_payout, info.loan.paid_out) == (15_000, 985_000)
    assert cash_before - balance(db, env, "cash") == 985_000
    assert balance(db, env, "fee_income") == 15_000
    # The member owes the whole loan; no installment carries a fee.
    assert receivable(db, env, loan_id) == info.loan.principal_outstanding == 1_000_000
    assert {i.fee for i in info.installments} == {0}
    assert_ledger_whole(db)


def test_the_cash_box_needs_only_what_the_member_receives(db, env):
    with db.write() as s:
        save(s, env, 0, 990_000)
    set_policy(db, env, fee_kind="flat", fee_flat=20_000, savings_multiple=Decimal(2))
    loan_id = open_loan(db, env, amount=1_000_000, installments=10, disbursed=D(2026, 6, 10))
    assert balance(db, env, "cash") == 10_000
    assert detail(db, env, loan_id).loan.status == ACTIVE


def test_the_fee_is_fixed_when_the_member_applies(db, env, saved):
    set_policy(db, env, fee_kind="flat", fee_flat=10_000)
    with db.write() as s:
        row = apply_for_loan(s, env.user(s, "treasurer"), group_id=env.group_id,
                             member_id=env.member_ids[0], amount=500_000, purpose="Loom",
                             installments=5, annual_rate=Decimal(18), method="flat",
                             applied_on=D(2026, 6, 1))
    set_policy(db, env, fee_kind="flat", fee_flat=30_000, effective_from=D(2026, 6, 2))
    with db.write() as s:
        approve_loan(s, env.user(s, "leader"), loan_id=row.id)
        disburse_loan(s, env.user(s, "treasurer"), loan_id=row.id, on=D(2026, 6, 5))
    assert detail(db, env, row.id).loan.fee == 10_000
    assert balance(db, env, "fee_income") == 10_000


def test_a_fee_as_large_as_the_loan_is_refused(db, env, saved):
    set_policy(db, env, fee_kind="flat", fee_flat=100_000)
    with pytest.raises(ValidationError, match="as much as the loan itself"), db.write() as s:
        apply_for_loan(s, env.user(s, "treasurer"), group_id=env.group_id,
                       member_id=env.member_ids[0], amount=100_000, purpose="Seeds",
                       installments=2, annual_rate=Decimal(18), method="flat",
                       applied_on=D(2026, 6, 1))


@pytest.mark.parametrize(("changes", "message"), [
    ({"fee_kind": "flat", "fee_flat": 0}, "Give the amount of the loan fee."),
    ({"fee_kind": "percent", "fee_percent": Decimal(0)}, "Give the percent of the loan fee."),
    ({"fee_kind": "percent", "fee_percent": Decimal(101)}, "Loan fee percent"),
    ({"fee_kind": "sometimes"}, "Loan fee"),
    ({"fee_timing": "later"}, "When the loan fee is paid"),
])
def test_a_fee_rule_that_makes_no_sense_is_refused_and_changes_nothing(db, env, changes,
                                                                      message):
    with pytest.raises(ValidationError, match=message):
        set_policy(db, env, **changes)
    with db.read() as s:
        assert loan_policy.get_policy(s, env.group_id).fee_kind == "none"


def test_an_order_stored_before_fees_gets_fees_right_after_penalties():
    assert with_fees(["penalties", "interest", "principal"]) == \
        ("penalties", "fees", "interest", "principal")
    assert with_fees(["interest", "principal", "penalties"]) == \
        ("interest", "principal", "penalties", "fees")
    assert with_fees(("fees", "principal", "interest", "penalties")) == \
        ("fees", "principal", "interest", "penalties")


def test_the_spread_puts_the_remainder_on_the_last_installment():
    assert spread_fee(10_000, 3) == [3_333, 3_333, 3_334]
    assert spread_fee(5, 12) == [0] * 11 + [5]
    assert spread_fee(0, 4) == [0, 0, 0, 0]
    # Installments rounded to 1,000 kip: the parts are too, the rest comes last.
    assert spread_fee(15_500, 6, 1_000) == [2_000] * 5 + [5_500]


def test_each_installment_carries_its_part_of_the_fee(db, env, fee_with_installments):
    info = detail(db, env, fee_with_installments)
    assert [i.fee for i in info.installments] == [2_000] * 12
    assert info.installments[0].total == 126_000
    assert balance(db, env, "fee_income") == 0  # income only once paid (cash basis)
    with db.read() as s:
        due = due_list(s, env.user(s, "auditor"), group_id=env.group_id, on=D(2026, 7, 10))
    assert [r.due for r in due] == [126_000]


def test_a_payment_pays_penalties_then_fees_then_interest_then_principal(
        db, env, fee_with_installments):
    with db.write() as s:
        post_due_penalties(s, env.user(s, "treasurer"), group_id=env.group_id,
                           on=D(2026, 7, 20))
    repay(db, env, fee_with_installments, 10_000, D(2026, 7, 20))
    repay(db, env, fee_with_installments, 120_000, D(2026, 7, 21))
    assert fee_splits(db, env, fee_with_installments) == [
        (10_000, 5_000, 2_000, 3_000, 0),
        # The rest of installment 1 (21,000 + 100,000 = 121,000) is more than 120,000.
        (120_000, 0, 0, 21_000, 99_000),
    ]
    assert balance(db, env, "fee_income") == 2_000
    assert balance(db, env, "interest_income") == 24_000
    assert_ledger_whole(db)


def test_the_order_may_put_fees_last(db, env, fee_with_installments):
    set_policy(db, env, allocation_order=("principal", "interest", "penalties", "fees"))
    repay(db, env, fee_with_installments, 125_000, D(2026, 7, 10))
    assert fee_splits(db, env, fee_with_installments) == [(125_000, 0, 1_000, 24_000, 100_000)]


def test_paying_off_early_pays_what_is_left_of_the_fee(db, env, fee_with_installments):
    repay(db, env, fee_with_installments, 126_000, D(2026, 7, 10))
    with db.read() as s:
        quote = payoff(s, env.user(s, "auditor"), loan_id=fee_with_installments,
                       on=D(2026, 7, 25))
    # Flat: all the interest not yet paid; the eleven fee parts left.
    assert (quote.fee, quote.interest, quote.principal) == (22_000, 264_000, 1_100_000)
    assert quote.total == 1_386_000
    with db.write() as s:
        pay_off_loan(s, env.user(s, "treasurer"), loan_id=fee_with_installments,
                     on=D(2026, 7, 25))
    info = detail(db, env, fee_with_installments)
    assert info.loan.status == CLOSED
    assert balance(db, env, "fee_income") == 24_000
    assert receivable(db, env, fee_with_installments) == 0
    assert_ledger_whole(db)


def test_reversing_a_repayment_replays_the_later_ones_fees_included(
        db, env, fee_with_installments):
    first = repay(db, env, fee_with_installments, 126_000, D(2026, 7, 10))
    repay(db, env, fee_with_installments, 126_000, D(2026, 8, 10))
    with db.write() as s:
        reverse_repayment(s, env.user(s, "treasurer"), repayment_id=first,
                          reason="Counted twice")
    # The August payment now pays installment 1: the same split.
    assert fee_splits(db, env, fee_with_installments) == [(126_000, 0, 2_000, 24_000, 100_000)]
    assert balance(db, env, "fee_income") == 2_000
    assert receivable(db, env, fee_with_installments) == 1_100_000
    assert_ledger_whole(db)


def test_rescheduling_carries_fees_due_and_spreads_the_rest(db, env, fee_with_installments):
    repay(db, env, fee_with_installments, 126_000, D(2026, 7, 10))
    with db.write() as s:
        request = request_reschedule(s, env.user(s, "treasurer"),
                                     loan_id=fee_with_installments,
                                     reason="Flood season", installments=10,
                                     on=D(2026, 9, 15))
    with db.write() as s:
        approve_request(s, env.user(s, "leader"), request_id=request.id)
    carried, *new = detail(db, env, fee_with_installments).installments
    # Installments 2 and 3 fell due unpaid: their fees (4,000) and interest are owed now;
    # the fees of the nine not yet due (18,000) are spread over the ten new installments.
    assert (carried.n, carried.fee, carried.interest) == (0, 4_000, 48_000)
    assert [i.fee for i in new] == [1_800] * 10
    assert_ledger_whole(db)


def test_a_written_off_loan_leaves_its_unpaid_fee_uncounted(db, env, fee_with_installments):
    repay(db, env, fee_with_installments, 126_000, D(2026, 7, 10))
    with db.write() as s:
        request = request_write_off(s, env.user(s, "treasurer"),
                                    loan_id=fee_with_installments,
                                    reason="Moved away", on=D(2026, 10, 1))
    with db.write() as s:
        approve_request(s, env.user(s, "leader"), request_id=request.id)
    assert balance(db, env, "fee_income") == 2_000
    assert balance(db, env, "loan_write_offs") == 1_100_000
    assert_ledger_whole(db)


def test_reversing_the_payout_gives_the_kept_fee_back(db, env, saved):
    set_policy(db, env, fee_kind="flat", fee_flat=20_000)
    cash_before = balance(db, env, "cash")
    loan_id = open_loan(db, env, amount=1_000_000, installments=10, disbursed=D(2026, 6, 10))
    with db.write() as s:
        entry = s.scalar(select(JournalEntry).where(JournalEntry.loan_id == loan_id,
                                                    JournalEntry.kind == "loan_disbursement"))
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry.id,
                             reason="Paid to the wrong member")
    assert balance(db, env, "cash") == cash_before
    assert balance(db, env, "fee_income") == 0
    assert detail(db, env, loan_id).loan.status == CANCELLED
    assert_ledger_whole(db)


def test_verify_names_fee_income_no_loan_record_explains(db, env, fee_with_installments):
    with db.write() as s:
        ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id,
                          value_date=D(2026, 7, 1), kind="adjustment", memo="stray fee",
                          lines=[Line("cash", 3_000),
                                 Line("fee_income", -3_000, member_id=env.member_ids[0],
                                      loan_id=fee_with_installments)])
    with db.read() as s:
        problems = [str(p) for p in verify_database(s)]
    assert any("has 3000 of fees on the ledger but 0 by its record" in p for p in problems), \
        problems


def test_allocation_takes_fees_in_the_place_the_order_gives_them():
    terms = ScheduleTerms(1_000, Decimal(12), installments=1, disbursed=D(2026, 1, 1))
    items = (Item(1, D(2026, 2, 1), principal=1_000, interest=10, fee=50),)
    for order, expected in [
        (("penalties", "fees", "interest", "principal"), (50, 10, 40)),
        (("penalties", "interest", "principal", "fees"), (0, 10, 90)),
    ]:
        splits, _ = allocate(Plan(terms, items, order=order),
                             [Payment(1, D(2026, 2, 1), 100)])
        assert (splits[0].fee, splits[0].interest, splits[0].principal) == expected
