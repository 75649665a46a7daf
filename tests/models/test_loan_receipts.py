"""The receipt of a loan repayment: the allocation the ledger holds, the principal still
owed after it, the entry number; none for a reversed repayment."""
from __future__ import annotations

from decimal import Decimal

import pytest

from models.core.errors import PermissionDenied, UserError
from models.loans.receipts import repayment_receipt
from models.loans.repayments import reverse_repayment
from tests.models.loan_support import D, open_loan, repay, save, set_policy


@pytest.fixture
def loan(db, env):
    """1,200,000 kip flat 24 %, 12 months, a 2 % fee with the installments: each
    installment is 2,000 fee + 24,000 interest + 100,000 principal."""
    with db.write() as s:
        save(s, env, 0, 2_000_000)
    set_policy(db, env, fee_kind="percent", fee_percent=Decimal(2), fee_timing="installments")
    return open_loan(db, env, amount=1_200_000, rate=24, installments=12,
                     disbursed=D(2026, 6, 10))


def receipt(db, env, repayment_id: int, role: str = "auditor"):  # noqa: ANN201
    with db.read() as s:
        return repayment_receipt(s, env.user(s, role), repayment_id)


def test_a_receipt_shows_the_allocation_and_what_is_still_owed(db, env, loan):
    first = repay(db, env, loan, 126_000, D(2026, 7, 10))
    second = repay(db, env, loan, 60_000, D(2026, 8, 10))
    one, two = receipt(db, env, first), receipt(db, env, second)
    assert (one.fee, one.interest, one.principal, one.principal_left) == \
        (2_000, 24_000, 100_000, 1_100_000)
    assert (two.fee, two.interest, two.principal, two.principal_left) == \
        (2_000, 24_000, 34_000, 1_066_000)
    assert two.receipt_number > one.receipt_number
    assert (two.loan_number, two.member_number, two.paid_from) == (1, 1, "cash")


def test_a_backdated_repayment_changes_what_a_later_receipt_says(db, env, loan):
    later = repay(db, env, loan, 126_000, D(2026, 8, 10))
    repay(db, env, loan, 126_000, D(2026, 7, 10))
    # Allocated again: the August money now pays installment 2, after July's.
    assert receipt(db, env, later).principal_left == 1_000_000


def test_a_reversed_repayment_has_no_receipt(db, env, loan):
    first = repay(db, env, loan, 126_000, D(2026, 7, 10))
    with db.write() as s:
        reverse_repayment(s, env.user(s, "treasurer"), repayment_id=first,
                          reason="Wrong member")
    with pytest.raises(UserError, match="reversed; it has no receipt"):
        receipt(db, env, first)


def test_someone_outside_the_group_gets_no_receipt(db, env, loan):
    from models.core import groups, users
    from models.core.schema import User

    first = repay(db, env, loan, 126_000, D(2026, 7, 10))
    with db.write() as s:
        admin = env.user(s, "admin")
        other = groups.create_group(s, admin, name="Other")
        stranger = users.create_user(s, admin, username="stranger", display_name="Stranger",
                                     password="demo-demo-1")
        users.grant_role(s, admin, user_id=stranger.id, role="auditor", group_id=other.id)
        stranger_id = stranger.id
    with pytest.raises(PermissionDenied), db.read() as s:
        repayment_receipt(s, s.get(User, stranger_id), first)
