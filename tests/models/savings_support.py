"""Helpers for the savings tests: rules, money in, and the verify check after each step."""
from __future__ import annotations

import datetime as dt

from models.core import ledger, members, verify
from models.core.ledger import Line
from models.savings.rules import set_rules


def with_rules(env, on=dt.date(2026, 1, 1), **changes) -> None:
    with env.db.write() as s:
        set_rules(s, env.user(s, "admin"), group_id=env.group_id, effective_from=on,
                  changes=changes)


def add_members(env, count: int, joined_on=dt.date(2024, 1, 5)) -> list[int]:
    ids = []
    with env.db.write() as s:
        admin = env.user(s, "admin")
        for i in range(count):
            row = members.add_member(s, admin, group_id=env.group_id, details=members.MemberDetails(
                name_lao=f"ນາງ ສະມາຊິກ {i + 4}", gender="f", joined_on=joined_on))
            ids.append(row.id)
    env.member_ids.extend(ids)
    return ids


def post(env, *lines: Line, on=dt.date(2026, 3, 1), kind="test", loan_id=None) -> None:
    """Post a raw entry the way another capability would (interest earned, a loan)."""
    with env.db.write() as s:
        ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=on,
                          kind=kind, lines=list(lines), loan_id=loan_id)


def lend(env, member_id: int, amount: int, *, on=dt.date(2026, 3, 1), installments: int = 6,
         rate: int = 12) -> int:
    """A real loan: applied for, approved by the leader, paid out from the box. Flat
    interest, so what it owes at any day after payout is amount × rate × months / 12."""
    from models.loans.application import apply_for_loan, approve_loan
    from models.loans.payout import disburse_loan

    with env.db.write() as s:
        loan = apply_for_loan(s, env.user(s, "treasurer"), group_id=env.group_id,
                              member_id=member_id, amount=amount, purpose="Sewing machine",
                              installments=installments, annual_rate=rate, method="flat",
                              applied_on=on)
    with env.db.write() as s:
        approve_loan(s, env.user(s, "leader"), loan_id=loan.id)
    with env.db.write() as s:
        disburse_loan(s, env.user(s, "treasurer"), loan_id=loan.id, on=on)
    return loan.id


def assert_ledger_whole(env) -> None:
    with env.db.read() as s:
        problems = verify.verify_database(s)
    assert [str(p) for p in problems] == []


def balance(env, key: str, member_id: int | None = None) -> int:
    with env.db.read() as s:
        return ledger.balance(s, env.group_id, key, member_id=member_id)
