"""The vegetable farmers meet: twenty-three members bring their shares, repay their loans,
pay their fines, their welfare contribution and money for their NSSF pots, and the
treasurer posts the grid. The ledger reads exactly as if every cell had been posted one at
a time (the same entries, hashes, loan rows and audit log), and a meeting where everyone
pays costs the ledger the same number of statements as one where a few do."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from models.core import clock
from models.core.verify import verify_database
from tests.conftest import TODAY
from tests.models.meeting_support import (
    copy_of,
    group_id_of,
    one_cell_at_a_time,
    open_next_meeting,
    post,
)
from tests.statement_count import counting

pytestmark = pytest.mark.sqlite_only

FARMERS = 3  # the demo's fourth group: 23 members
EVERY_COLUMN = {"savings", "loan_repayment", "fines", "welfare", "nssf_pot"}

WHAT_THE_LEDGER_HOLDS = {
    "entries": "SELECT seq, value_date, kind, memo, meeting_id, loan_id, prev_hash, hash "
               "FROM journal_entries ORDER BY id",
    "lines": "SELECT e.seq, l.line_no, l.account_id, l.member_id, l.loan_id, l.amount "
             "FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id ORDER BY l.id",
    "audit": "SELECT action, detail, hash FROM audit_events ORDER BY id",
    "repayments": "SELECT * FROM loan_repayments ORDER BY id",
    "loan events": "SELECT loan_id, \"on\", kind, amount, entry_id FROM loan_events ORDER BY id",
    "loans": "SELECT id, status, principal_outstanding, closed_on FROM loans ORDER BY id",
    "cells": "SELECT meeting_id, member_id, column_key, amount FROM meeting_cells ORDER BY id",
}


@pytest.fixture
def meeting_day():
    clock.set_now(TODAY)
    yield
    clock.set_now(None)


def holdings(database) -> dict[str, list]:
    with database.read() as s:
        return {name: [tuple(row) for row in s.execute(text(sql))]
                for name, sql in WHAT_THE_LEDGER_HOLDS.items()}


def test_a_grid_posted_at_once_is_the_ledger_of_one_cell_at_a_time(demo_ledger, tmp_path,
                                                                    meeting_day):
    at_once, one_by_one = copy_of(demo_ledger, tmp_path, "at_once"), \
        copy_of(demo_ledger, tmp_path, "one_by_one")
    farmers = group_id_of(at_once, FARMERS)
    meeting_id, cells = open_next_meeting(at_once, farmers)
    assert open_next_meeting(one_by_one, farmers) == (meeting_id, cells)
    assert {key for _member, key in cells} == EVERY_COLUMN
    assert len({member for member, _key in cells}) >= 20
    with counting(at_once.engine) as batch:
        post(at_once, meeting_id, cells)
    with one_cell_at_a_time(), counting(one_by_one.engine) as single:
        post(one_by_one, meeting_id, cells)
    assert holdings(at_once) == holdings(one_by_one)
    assert sum(1 for amount in cells.values() if amount) > 40
    # One INSERT of entries for the whole grid (the old way: one per cell)
    inserts = [q for q in batch.sql if q.startswith("INSERT INTO journal_entries")]
    assert len(inserts) == 1
    assert sum(q.startswith("INSERT INTO journal_entries") for q in single.sql) > 40
    with at_once.read() as s:
        assert verify_database(s) == []


def statements_to_post(demo_ledger, folder, name, choose) -> tuple[int, int, int]:
    """Statements sent to post the chosen cells: (all but the reads of an account,
    those reads, members paying). The ledger reads each account a batch uses once: how
    many depends on the accounts the entries touch (a repayment with a penalty in it
    touches one more), never on how many members pay."""
    database = copy_of(demo_ledger, folder, name)
    meeting_id, cells = open_next_meeting(database, group_id_of(database, FARMERS))
    chosen = choose(cells)
    with counting(database.engine) as seen:
        post(database, meeting_id, chosen)
    accounts = sum(1 for q in seen.sql if re.match(r"SELECT [^()]*\sFROM accounts\s", q))
    return seen.count - accounts, accounts, len({member for member, _key in chosen})


def a_few_paying_in_every_column(cells):
    """The first member with money in each column: every column posts, few members pay."""
    few = {}
    for key in sorted(EVERY_COLUMN):
        member = min(m for m, k in cells if k == key)
        few.update({(m, k): a for (m, k), a in cells.items() if m == member})
    return few


def test_everyone_paying_costs_the_ledger_no_more_statements_than_a_few(demo_ledger, tmp_path,
                                                                         meeting_day):
    few, few_accounts, few_members = statements_to_post(demo_ledger, tmp_path, "few",
                                                        a_few_paying_in_every_column)
    many, all_accounts, all_members = statements_to_post(demo_ledger, tmp_path, "everyone",
                                                         dict)
    assert few_members <= 5 and all_members >= 20
    assert many == few, f"{few} statements for {few_members} members, {many} for {all_members}"
    assert few_accounts <= all_accounts <= 20
