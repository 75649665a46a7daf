"""How fast the loans screen fills on the demo as shipped (five groups, two years): the
loans list, the arrears with aging and PAR, and who is due at the next meeting, for every
group, with the SQL statements each one runs.

Prints its figures (median of five reads); asserts nothing about time (run with
`make bench`)."""
from __future__ import annotations

import datetime as dt
import statistics
import time

import pytest
from sqlalchemy import event, func, select

from models.core.migrate import open_database
from models.core.schema import Group, User
from models.loans import arrears
from models.loans.queries import list_loans
from models.loans.schema import Loan

pytestmark = pytest.mark.benchmark

ROUNDS = 5


def test_the_loans_screen_on_the_demo(demo_ledger):
    database = open_database(str(demo_ledger))
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    with database.read() as s:
        groups = [(g.id, g.name_latin) for g in s.scalars(select(Group).order_by(Group.id))]
        counts = dict(s.execute(select(Loan.group_id, func.count(Loan.id))
                                .group_by(Loan.group_id)).all())
    queries = {
        "loans list": lambda s, a, gid: list_loans(s, a, gid),
        "arrears": lambda s, a, gid: arrears.loan_arrears(s, a, group_id=gid),
        "due at a meeting": lambda s, a, gid: arrears.due_list(
            s, a, group_id=gid, on=dt.date(2026, 11, 25)),
    }
    print()
    for name, query in queries.items():
        times, used, rows = [], 0, 0
        for _ in range(ROUNDS):
            elapsed = 0.0
            used = rows = 0
            for gid, _latin in groups:
                with database.read() as s:
                    auditor = s.scalar(select(User).where(User.username == "auditor"))
                    statements.clear()
                    start = time.perf_counter()
                    rows += len(query(s, auditor, gid))
                    elapsed += time.perf_counter() - start
                    used += len(statements)
            times.append(elapsed)
        print(f"{name}: {len(groups)} groups, {sum(counts.values())} loans, {rows} rows -> "
              f"median {statistics.median(times) * 1000:.0f} ms for all groups, "
              f"{used} SQL statements ({used / len(groups):.0f} a group)")
    database.dispose()
