"""Issue 10: the loan faults an outside check found, each as a treasurer's story with
the figures worked by hand (the longest term, interest paid ahead, penalties decided
again when a payment is entered late)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import loans
from models.errors import ValidationError
from tests.models.loan_support import D, assert_ledger_whole, save, set_policy


def _approved(db, env, *, installments: int, on: dt.date, first_due: dt.date | None = None):
    with db.write() as s:
        save(s, env, 0, 2_000_000)
        row = loans.apply_for_loan(
            s, env.user(s, "treasurer"), group_id=env.group_id,
            member_id=env.member_ids[0], amount=1_200_000, purpose="Loom",
            installments=installments, annual_rate=Decimal(24), method="flat",
            applied_on=on, **({"first_due": first_due} if first_due else {}))
        loans.approve_loan(s, env.user(s, "leader"), loan_id=row.id)
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
        loans.disburse_loan(s, env.user(s, "treasurer"), loan_id=loan_id, on=D(2026, 1, 15),
                            first_due=D(2026, 7, 15))
    assert "The last installment would fall due on 15/06/2027, after the longest term of " \
        "12 months." in str(refused.value)
    with db.read() as s:
        assert loans.get_loan(s, env.user(s, "auditor"), loan_id).status == loans.APPROVED
    with db.write() as s:
        loans.disburse_loan(s, env.user(s, "treasurer"), loan_id=loan_id, on=D(2026, 1, 15),
                            first_due=D(2026, 2, 15))
    assert_ledger_whole(db)


def test_the_longest_term_is_checked_at_application_with_the_first_due_date(db, env):
    set_policy(db, env, max_term_months=12)
    with pytest.raises(ValidationError) as refused:
        _approved(db, env, installments=12, on=D(2026, 1, 15), first_due=D(2026, 7, 15))
    assert "15/06/2027" in str(refused.value)
