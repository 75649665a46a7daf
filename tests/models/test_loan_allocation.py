"""The allocation engine on its own, and properties that hold for any repayments: money is
conserved, nothing is paid twice, principal paid never exceeds the principal, reversal
and replay equals allocating without the reversed one; and, through the services, random
repayments and reversals keep every loan tied to the ledger."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.core.errors import UserError
from models.core.verify import verify_database
from models.loans.allocation import (
    Charge,
    Item,
    Payment,
    Plan,
    Position,
    allocate,
    apply_payment,
    payoff_quote,
)
from models.loans.queries import loan_detail
from models.loans.repayments import pay_off_loan, record_repayment, reverse_repayment
from models.loans.schedule import ScheduleTerms, build_schedule
from models.loans.statuses import CLOSED
from tests.conftest import copy_database, drop_database
from tests.models.loan_support import open_loan, save

START = dt.date(2026, 1, 10)


def _plan(principal=1_200_000, rate=24, n=12, method="flat", charges=(),
          order=("penalties", "interest", "principal")) -> Plan:
    terms = ScheduleTerms(principal, Decimal(rate), installments=n, disbursed=START,
                          method=method)
    items = tuple(Item(i.n, i.due_date, i.principal, i.interest)
                  for i in build_schedule(terms))
    return Plan(terms, items, tuple(charges), order)


def test_the_oldest_installment_is_paid_first_component_by_component():
    plan = _plan(charges=[Charge(1, 5_000, dt.date(2026, 2, 14))])
    splits, position = allocate(plan, [Payment(1, dt.date(2026, 2, 20), 130_000)])
    # Installment 1: penalty 5,000, interest 24,000, principal 100,000; then 1,000 of
    # installment 2's interest.
    assert (splits[0].penalty, splits[0].interest, splits[0].principal) == \
        (5_000, 25_000, 100_000)
    assert position.paid_of(2, "interest") == 1_000


def test_a_penalty_is_paid_only_by_repayments_from_the_day_it_was_charged():
    plan = _plan(charges=[Charge(1, 5_000, dt.date(2026, 2, 14))])
    splits, _ = allocate(plan, [Payment(1, dt.date(2026, 2, 13), 124_000)])
    assert splits[0].penalty == 0


def test_a_payment_equal_to_the_quote_closes_the_loan():
    plan = _plan(method="declining", n=4, principal=1_000_000)
    position = Position(plan)
    quote = payoff_quote(plan, position, dt.date(2026, 1, 25))
    # 15 days on 1,000,000 at 24 %: 9,863.01 → 9,863.
    assert (quote.principal, quote.interest) == (1_000_000, 9_863)
    split = apply_payment(plan, position, Payment(1, dt.date(2026, 1, 25), quote.total))
    assert split.closes and position.principal_outstanding == 0


def test_on_a_due_date_the_quote_is_what_the_schedule_says():
    plan = _plan(method="declining", n=4, principal=1_000_000)
    last = plan.items[-1].due_date
    quote = payoff_quote(plan, Position(plan), last)
    assert quote.total == sum(i.principal + i.interest for i in plan.items)


payment_lists = st.lists(
    st.tuples(st.integers(0, 500), st.integers(1, 400_000)), min_size=1, max_size=15)


@settings(max_examples=200, deadline=None)
@given(method=st.sampled_from(["flat", "declining"]), principal=st.integers(1_000, 3_000_000),
       rate=st.integers(0, 36), n=st.integers(1, 18), raw=payment_lists,
       order=st.permutations(["penalties", "interest", "principal"]),
       penalty=st.integers(0, 20_000))
def test_any_repayments_conserve_money_and_never_overpay(method, principal, rate, n, raw,
                                                         order, penalty):
    base = _plan(principal, rate, n, method, order=tuple(order))
    charges = (Charge(1, penalty, base.items[0].due_date + dt.timedelta(days=3)),) \
        if penalty else ()
    plan = Plan(base.terms, base.items, charges, tuple(order))
    position = Position(plan)
    payments = []
    for key, (day, amount) in enumerate(sorted(raw), start=1):
        on = START + dt.timedelta(days=day)
        quote = payoff_quote(plan, position, on)
        amount = min(amount, quote.total)
        if amount <= 0:
            break
        payment = Payment(key, on, amount)
        split = apply_payment(plan, position, payment)
        payments.append(payment)
        assert split.total == amount  # every kip of the payment is allocated
        assert min(split.penalty, split.interest, split.principal) >= 0
        assert position.total_paid("principal") <= plan.principal
        for item in plan.items:
            assert position.paid_of(item.n, "interest") <= item.interest
            assert position.paid_of(item.n, "principal") <= item.principal
        if split.closes:
            assert position.principal_outstanding == 0
            assert payoff_quote(plan, position, on).total == 0
            break
    # Allocating the same repayments again from scratch gives the same result.
    again, _ = allocate(plan, payments)
    assert [s.total for s in again] == [p.amount for p in payments]


@settings(max_examples=100, deadline=None)
@given(raw=payment_lists, drop=st.integers(0, 14))
def test_reversal_and_replay_is_allocation_without_the_reversed_one(raw, drop):
    plan = _plan(method="declining", n=6, principal=1_000_000)
    payments = []
    position = Position(plan)
    for key, (day, amount) in enumerate(sorted(raw), start=1):
        on = START + dt.timedelta(days=day)
        amount = min(amount, payoff_quote(plan, position, on).total)
        if amount <= 0:
            break
        apply_payment(plan, position, Payment(key, on, amount))
        payments.append(Payment(key, on, amount))
    if not payments:
        return
    dropped = payments[drop % len(payments)]
    kept = [p for p in payments if p is not dropped]
    replayed, after = allocate(plan, kept)
    # The kept repayments before the dropped one keep their allocation.
    original, _ = allocate(plan, payments)
    before = [s for s in original if (s.paid_on, s.key) < (dropped.paid_on, dropped.key)]
    assert before == replayed[:len(before)]
    assert after.total_paid("principal") == sum(s.principal for s in replayed)


operations = st.lists(st.one_of(
    st.tuples(st.just("repay"), st.integers(0, 160), st.integers(1_000, 400_000)),
    st.tuples(st.just("reverse"), st.integers(0, 10)),
    st.tuples(st.just("payoff"), st.integers(0, 160)),
), min_size=1, max_size=10)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations, method=st.sampled_from(["flat", "declining"]))
def test_random_repayments_and_reversals_keep_the_loan_tied_to_the_ledger(
        env, tmp_path_factory, server, ops, method):
    db = copy_database(env.db, tmp_path_factory.mktemp("loanprop"), server)
    try:
        with db.write() as s:
            save(s, env, 0, 2_000_000)
        loan_id = open_loan(db, env, amount=900_000, installments=6, method=method,
                            disbursed=dt.date(2026, 5, 1))
        for op in ops:
            try:
                with db.write() as s:
                    actor = env.user(s, "treasurer")
                    if op[0] == "repay":
                        record_repayment(s, actor, loan_id=loan_id, amount=op[2],
                                         on=dt.date(2026, 5, 1) + dt.timedelta(op[1]))
                    elif op[0] == "payoff":
                        pay_off_loan(s, actor, loan_id=loan_id,
                                     on=dt.date(2026, 5, 1) + dt.timedelta(op[1]))
                    else:
                        posted = [r for r in loan_detail(s, actor, loan_id).repayments
                                  if r.status == "posted"]
                        if posted:
                            reverse_repayment(s, actor,
                                              repayment_id=posted[op[1] % len(posted)].id,
                                              reason="test")
            except UserError:
                pass  # refused: nothing written (checked below by verify)
            with db.read() as s:
                assert [str(p) for p in verify_database(s)] == []
                info = loan_detail(s, env.user(s, "auditor"), loan_id)
                paid = sum(r.principal for r in info.repayments if r.status == "posted")
                assert 0 <= paid <= 900_000
                assert info.loan.principal_outstanding == 900_000 - paid
                assert (info.loan.status == CLOSED) == (info.payoff.total == 0)
    finally:
        drop_database(db, server)
