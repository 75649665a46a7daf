"""How long the auditor waits, and how much memory the export takes: the workbook of the
largest demo group (the vegetable farmers, 23 members) over its whole history, from the demo
as shipped (five groups, two years).

Prints its figures; asserts nothing about time (run with `make bench`)."""
from __future__ import annotations

import time
import tracemalloc

import pytest
from sqlalchemy import func, select

from desktop.exporting import export_auditor
from models.core.migrate import open_database
from models.core.schema import JournalEntry, JournalLine, User
from models.demo import build_demo

pytestmark = pytest.mark.benchmark


def test_the_largest_demo_groups_whole_history(tmp_path):
    database = open_database(str(tmp_path / "demo.sqlite3"))
    build_demo(database, seed=1)
    with database.read() as s:
        group_id, entries = s.execute(
            select(JournalEntry.group_id, func.count(JournalEntry.id))
            .group_by(JournalEntry.group_id).order_by(func.count(JournalEntry.id).desc())
            .limit(1)).one()
        lines = s.scalar(select(func.count(JournalLine.id)).join(JournalEntry)
                         .where(JournalEntry.group_id == group_id))
        auditor = s.scalar(select(User).where(User.username == "auditor"))
        s.expunge(auditor)
    start = time.perf_counter()
    export_auditor(database, auditor, group_id=group_id, language="lo",
                   out=tmp_path / "auditor.xlsx")
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    export_auditor(database, auditor, group_id=group_id, language="lo",
                   out=tmp_path / "again.xlsx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = (tmp_path / "auditor.xlsx").stat().st_size
    print(f"\nauditor workbook, group {group_id}: {entries} entries, {lines} lines -> "
          f"{elapsed:.1f} s, peak Python memory {peak / 2**20:.1f} MiB (tracemalloc), "
          f"file {size / 1024:.0f} KiB")
    database.dispose()
