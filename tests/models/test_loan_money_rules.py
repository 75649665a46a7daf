"""Issue 10: the loan faults an outside check found, each as a treasurer's story with
the figures worked by hand (the longest term, interest paid ahead, penalties decided
again when a payment is entered late)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.core.errors import ValidationError
from models.loans import policy as loan_policy
from models.loans.application import apply_for_loan, approve_loan
from models.loans.payout import disburse_loan
from models.loans.queries import get_loan
from models.loans.repayments import pay_off_loan, payoff
from models.loans.statuses import APPROVED, CLOSED
from tests.models.loan_support import (
    D,
    assert_ledger_whole,
    detail,
    open_loan,
    receivable,
    repay,
    save,
    set_policy,
    splits,
)


def _approved(db, env, *, installments: int, on: dt.date, first_due: dt.date | None = None):
    with db.write() as s:
        save(s, env, 0, 2_000_000)
        row = apply_for_loan(
            s, env.user(s, "treasurer"), group_id=env.group_id,
            member_id=env.member_ids[0], amount=1_200_000, purpose="Loom",
            installments=installments, annual_rate=Decimal(24), method="flat",
            applied_on=on, **({"first_due": first_due} if first_due else {}))
        approve_loan(s, env.user(s, "leader"), loan_id=row.id)
    return row.id


def test_a_late_first_due_date_cannot_stretch_a_loan_past_the_longest_term(db, env):
    """Fault 3. The group lends for 12 months at most. Twelve monthly installments paid
    out 15/01/2026 and first due 15/07/2026 (six months out) end 15/06/2027: 17 months
    after the payout, so the payout is refused; the same loan first due 15/02/2026 ends
    15/01/2027, exactly 12 months, and is paid out. Old code measured the term from the
    payout as if the first installment fell due a month later, and never checked again at
    payout, so the 17-month loan went out."""
    set_policy(db, env, max_term_months=12)
    loan_id = _approved(db, env, installments=12, on=D(2026, 1, 15))
    with pytest.raises(ValidationError) as refused, db.write() as s:
        disburse_loan(s, env.user(s, "treasurer"), loan_id=loan_id, on=D(2026, 1, 15),
                      first_due=D(2026, 7, 15))
    assert "The last installment would fall due on 15/06/2027, after the longest term of " \
        "12 months." in str(refused.value)
    with db.read() as s:
        assert get_loan(s, env.user(s, "auditor"), loan_id).status == APPROVED
    with db.write() as s:
        disburse_loan(s, env.user(s, "treasurer"), loan_id=loan_id, on=D(2026, 1, 15),
                      first_due=D(2026, 2, 15))
    assert_ledger_whole(db)


def test_the_longest_term_is_checked_at_application_with_the_first_due_date(db, env):
    set_policy(db, env, max_term_months=12)
    with pytest.raises(ValidationError) as refused:
        _approved(db, env, installments=12, on=D(2026, 1, 15), first_due=D(2026, 7, 15))
    assert "15/06/2027" in str(refused.value)


def _declining_loan(db, env) -> int:
    """Nang Kham borrows 1,200,000 at 24 % a year declining balance, 12 monthly
    installments of 113,472 from 15/01/2026: installment 1 is 24,000 interest + 89,472
    principal (due 15/02), installment 2 22,211 + 91,261 (15/03), installment 3
    20,385 + 93,087 (15/04), installment 4 18,524 + 94,948 (15/05)."""
    with db.write() as s:
        save(s, env, 0, 2_000_000)
    return open_loan(db, env, amount=1_200_000, rate=24, installments=12, method="declining",
                     disbursed=D(2026, 1, 15))


def test_money_paid_beyond_what_is_due_goes_to_the_principal_by_default(db, env):
    """Fault 4, the rule. On 15/02/2026 she pays 313,472: installment 1 (113,472) and
    200,000 more. The group's rule (the default) puts the 200,000 on the principal:
    installment 2's 91,261, installment 3's 93,087 and 15,652 of installment 4's: the
    repayment is 24,000 interest and 289,472 principal, and 910,528 is still owed. Paid
    off on 01/03/2026 she owes that principal and 14 days of interest on it,
    910,528 × 24 % × 14 / 365 = 8,381.53 → 8,382. Old code put the 200,000 on
    installments 2 and 3 whole, interest first (42,596 of interest paid ahead)."""
    loan_id = _declining_loan(db, env)
    repay(db, env, loan_id, 313_472, D(2026, 2, 15))
    assert splits(db, env, loan_id)[0][2:5] == (0, 24_000, 289_472)
    with db.read() as s:
        quote = payoff(s, env.user(s, "auditor"), loan_id=loan_id, on=D(2026, 3, 1))
    assert (quote.principal, quote.interest) == (910_528, 8_382)
    assert_ledger_whole(db)


def test_a_payoff_credits_interest_paid_ahead(db, env):
    """Fault 4, the payoff. The group chose to put extra money on the next installments
    whole. On 15/02/2026 she pays 313,472: installments 1 and 2 whole (113,472 each) and
    86,528 of installment 3 (20,385 interest, 66,143 principal): 66,596 interest and
    246,876 principal paid, 953,124 still owed. Paying off on 01/03/2026, the interest
    that has accrued is installment 1's 24,000 and 14 days on 953,124,
    953,124 × 24 % × 14 / 365 = 8,773.96 → 8,774: 32,774. She paid 66,596, so 33,822 is
    credited: the payoff is 953,124 − 33,822 = 919,302. Old code floored the interest at
    zero and asked 953,124, taking 33,822 of interest twice."""
    set_policy(db, env, extra_payment=loan_policy.EXTRA_NEXT)
    loan_id = _declining_loan(db, env)
    repay(db, env, loan_id, 313_472, D(2026, 2, 15))
    assert splits(db, env, loan_id)[0][2:5] == (0, 66_596, 246_876)
    with db.read() as s:
        quote = payoff(s, env.user(s, "auditor"), loan_id=loan_id, on=D(2026, 3, 1))
    assert (quote.principal, quote.interest, quote.total) == (953_124, -33_822, 919_302)
    with db.write() as s:
        pay_off_loan(s, env.user(s, "treasurer"), loan_id=loan_id, on=D(2026, 3, 1))
    assert detail(db, env, loan_id).loan.status == CLOSED
    assert receivable(db, env, loan_id) == 0
    # The income keeps only the interest that accrued: 66,596 − 33,822 = 32,774.
    assert receivable(db, env, loan_id, "interest_income") == 32_774
    assert_ledger_whole(db)
