"""How fast passbooks and the dashboard answer for a busy group: 30 members who saved at
each of 60 monthly meetings (1,800 entries), five loans out. Times the whole group's
passbooks printed from page 1 (laid out, recorded and drawn), the "new lines" print that
finds nothing, the dashboard, and the all-groups table.

Prints its figures; asserts nothing about time (run with `make bench`)."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import event

from models.core import i18n
from models.core.clock import add_months
from models.core.ledger import Line, post_entry
from models.statements import dashboard, passbook
from reports.passbook_pdf import write_passbook
from tests.models.savings_support import add_members, lend

pytestmark = pytest.mark.benchmark


def _statements(db):  # noqa: ANN001, ANN202
    count = [0]
    event.listen(db.engine, "before_cursor_execute", lambda *a: count.__setitem__(0, count[0] + 1))
    return count


def test_passbooks_and_dashboard_of_a_busy_group(env, tmp_path):
    add_members(env, 27)
    start = dt.date(2021, 12, 5)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        for month in range(60):
            day = add_months(start, month)
            for member_id in env.member_ids:
                post_entry(s, treasurer, group_id=env.group_id, value_date=day,
                           kind="savings_deposit",
                           lines=[Line("cash", 20_000),
                                  Line("member_savings", -20_000, member_id=member_id)])
    for member_id in env.member_ids[:5]:
        lend(env, member_id, 500_000, on=dt.date(2026, 6, 1))
    count = _statements(env.db)
    began = time.perf_counter()
    with env.db.write() as s:
        job = passbook.print_passbooks(s, env.user(s, "treasurer"), group_id=env.group_id,
                                       mode=passbook.FULL)
        laid_out = time.perf_counter() - began
        pages = write_passbook(job, tmp_path / "all.pdf")
        i18n.set_language("lo")
        lao_began = time.perf_counter()
        write_passbook(job, tmp_path / "all-lo.pdf")
        lao = time.perf_counter() - lao_began
        i18n.set_language("en")
    whole = time.perf_counter() - began - lao
    print(f"\nfull passbooks: {len(job.members)} members, {job.line_count} lines, {pages} pages;"
          f" laid out and recorded in {laid_out:.2f} s ({count[0]} statements),"
          f" drawn in {whole - laid_out:.2f} s in English, {lao:.2f} s in Lao")
    count[0] = 0
    began = time.perf_counter()
    with env.db.write() as s:
        job = passbook.print_passbooks(s, env.user(s, "treasurer"), group_id=env.group_id)
    print(f"new lines, none to print: {time.perf_counter() - began:.2f} s "
          f"({count[0]} statements)")
    assert job.line_count == 0
    count[0] = 0
    began = time.perf_counter()
    with env.db.read() as s:
        board = dashboard.group_dashboard(s, env.user(s, "auditor"), env.group_id)
    print(f"dashboard: {time.perf_counter() - began:.2f} s ({count[0]} statements), "
          f"{len(board.funds)} months, {board.loans[-1].loans} loans")
    count[0] = 0
    began = time.perf_counter()
    with env.db.read() as s:
        rows = dashboard.federation_summary(s, env.user(s, "admin"))
    print(f"all groups: {time.perf_counter() - began:.2f} s ({count[0]} statements), "
          f"{len(rows) - 1} groups")
