"""Helpers for the loan tests: savings to borrow against, a loan taken through its whole
lifecycle, the policy changed, verify run."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from models.core import ledger, members
from models.core.ledger import Line
from models.core.verify import verify_database
from models.loans import policy as loan_policy
from models.loans.application import apply_for_loan, approve_loan
from models.loans.payout import disburse_loan
from models.loans.queries import loan_detail
from models.loans.repayments import record_repayment
from models.loans.rows import LoanDetail

D = dt.date
SAVED_ON = D(2026, 1, 5)
RULES_FROM = D(2025, 1, 1)


def save(session, env, member_index: int, amount: int, on: dt.date = SAVED_ON) -> None:
    """The member puts ``amount`` kip of savings in the cash box."""
    ledger.post_entry(session, env.user(session, "treasurer"), group_id=env.group_id,
                      value_date=on, kind="deposit",
                      lines=[Line("cash", amount),
                             Line("member_savings", -amount,
                                  member_id=env.member_ids[member_index])])


def set_policy(db, env, *, effective_from: dt.date = RULES_FROM, **changes) -> None:
    with db.write() as s:
        current = loan_policy.get_policy(s, env.group_id, effective_from)
        loan_policy.set_policy(s, env.user(s, "admin"), group_id=env.group_id,
                               policy=replace(current, **changes),
                               effective_from=effective_from)


def add_member(db, env, name: str, latin: str) -> int:
    with db.write() as s:
        row = members.add_member(s, env.user(s, "admin"), group_id=env.group_id,
                                 details=members.MemberDetails(name_lao=name, name_latin=latin,
                                                               gender="f",
                                                               joined_on=D(2024, 1, 5)))
    env.member_ids.append(row.id)
    return row.id


def open_loan(db, env, *, member: int = 0, amount: int, rate: Decimal | int = 24,
              installments: int = 12, method: str = "flat", disbursed: dt.date,
              first_due: dt.date | None = None, guarantors: tuple[int, ...] = (),
              paid_from: str = "cash") -> int:
    """Apply, approve (leader) and pay out a loan; returns its id."""
    with db.write() as s:
        row = apply_for_loan(
            s, env.user(s, "treasurer"), group_id=env.group_id,
            member_id=env.member_ids[member], amount=amount, purpose="Sewing machine",
            installments=installments, annual_rate=Decimal(rate), method=method,
            guarantor_ids=guarantors, applied_on=disbursed)
        approve_loan(s, env.user(s, "leader"), loan_id=row.id)
        disburse_loan(s, env.user(s, "treasurer"), loan_id=row.id, on=disbursed,
                      paid_from=paid_from, first_due=first_due)
    return row.id


def repay(db, env, loan_id: int, amount: int, on: dt.date, **kw) -> int:
    with db.write() as s:
        return record_repayment(s, env.user(s, "treasurer"), loan_id=loan_id,
                                amount=amount, on=on, **kw).id


def detail(db, env, loan_id: int, on: dt.date | None = None) -> LoanDetail:
    with db.read() as s:
        return loan_detail(s, env.user(s, "auditor"), loan_id, on)


def receivable(db, env, loan_id: int, key: str = "loans_receivable") -> int:
    with db.read() as s:
        return ledger.balance(s, env.group_id, key, loan_id=loan_id)


def balance(db, env, key: str) -> int:
    with db.read() as s:
        return ledger.balance(s, env.group_id, key)


def assert_ledger_whole(db) -> None:
    with db.read() as s:
        problems = verify_database(s)
    assert [str(p) for p in problems] == []


def splits(db, env, loan_id: int) -> list[tuple]:
    """(paid_on, amount, penalty, interest, principal, status) of each repayment."""
    return [(r.paid_on, r.amount, r.penalty, r.interest, r.principal, r.status)
            for r in detail(db, env, loan_id).repayments]
