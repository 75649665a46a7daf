"""The loans screen and the arrears read a group's loans with their installments,
repayments, penalties and guarantors in a fixed number of SQL statements: a group with
three times the loans costs the same statements (before: one set per loan, 819 on the
demo)."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from sqlalchemy import event

from models.loans import arrears, penalties
from models.loans.queries import list_loans
from tests.models.loan_support import open_loan, repay, save, set_policy

D = dt.date


@contextmanager
def counted(db):
    """Count the SQL statements run inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def lend(db, env, count: int) -> None:
    """``count`` more loans, each guaranteed by another member, one repayment made and
    the installments left unpaid charged a late penalty."""
    for index in range(count):
        borrower = index % len(env.member_ids)
        guarantor = (borrower + 1) % len(env.member_ids)
        loan_id = open_loan(db, env, member=borrower, amount=120_000, installments=6,
                            disbursed=D(2026, 3, 2) + dt.timedelta(days=index),
                            guarantors=(env.member_ids[guarantor],))
        repay(db, env, loan_id, 24_800, D(2026, 4, 2) + dt.timedelta(days=index))
    with db.write() as s:
        penalties.post_due_penalties(s, env.user(s, "treasurer"), group_id=env.group_id)


def statements(db, env) -> dict[str, int]:
    """Statements each screen query runs, each in a session of its own (as the screen)."""
    queries = {
        "loans list": lambda s, a: list_loans(s, a, env.group_id),
        "arrears": lambda s, a: arrears.loan_arrears(s, a, group_id=env.group_id),
        "due at the meeting": lambda s, a: arrears.due_list(s, a, group_id=env.group_id,
                                                             on=D(2026, 11, 25)),
    }
    counts = {}
    for name, query in queries.items():
        with db.read() as s:
            auditor = env.user(s, "auditor")
            with counted(db) as seen:
                rows = query(s, auditor)
            assert rows, name  # the ledger has something to show
            counts[name] = len(seen)
    return counts


def test_the_loans_list_and_arrears_cost_the_same_statements_for_three_times_the_loans(env):
    with env.db.write() as s:
        for index in range(len(env.member_ids)):
            save(s, env, index, 2_000_000, on=D(2026, 1, 5))
    set_policy(env.db, env, max_active_loans=10, savings_multiple=None,
               penalty_kind="flat", penalty_flat=1_000)
    lend(env.db, env, 4)
    few = statements(env.db, env)
    lend(env.db, env, 8)
    many = statements(env.db, env)
    with env.db.read() as s:
        auditor = env.user(s, "auditor")
        listed = list_loans(s, auditor, env.group_id)
        late = arrears.loan_arrears(s, auditor, group_id=env.group_id)
    assert len(listed) == 12 and all(len(row.guarantor_names) == 1 for row in listed)
    assert len(late) == 12 and all(row.penalties for row in late)
    assert many == few, (few, many)
    assert max(many.values()) <= 12, many
