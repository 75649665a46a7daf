"""How fast ``verify`` proves a federation's ledger (issue 15, item 4): the full check on the
big ledger (lines/s, seconds for 2 M lines extrapolated), the daily check resumed from a
checkpoint with a day's new entries, and both through ``kongthun verify``. Printed, never
asserted against a time.

The ledger: ``KONGTHUN_VERIFY_LEDGER`` (a file to copy, e.g. an earlier run's
``big.sqlite3``) or the cached big ledger of ``big_ledger.py``; it is copied to a folder
of this run first and brought to the newest schema there (the copy, never the original)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.core import capability, ledger, migrate
from models.core.checkpoints import record_checkpoints
from models.core.db import Database, sqlite_url
from models.core.ledger import Line, Posting
from models.core.schema import Group, JournalLine, Member, User
from models.core.verify import verify_run
from tests.benchmarks.big_ledger import big_ledger
from tests.benchmarks.test_scale import report, run_cli

pytestmark = pytest.mark.benchmark

TWO_MILLION = 2_000_000


def ledger_copy(folder: Path) -> Path:
    given = os.environ.get("KONGTHUN_VERIFY_LEDGER")
    source = Path(given) if given else big_ledger()[0]
    target = folder / "verify.sqlite3"
    shutil.copyfile(source, target)
    capability.load()
    migrate.upgrade(Database(sqlite_url(target)), backup_first=False)
    return target


def timed(database: Database, **options) -> tuple:  # noqa: ANN003
    with database.snapshot() as s:
        start, cpu = time.perf_counter(), time.process_time()
        run = verify_run(s, **options)
        return run, time.perf_counter() - start, time.process_time() - cpu


def test_verify_speed_full_and_resumed(tmp_path):
    path = ledger_copy(tmp_path)
    database = Database(sqlite_url(path))
    try:
        with database.read() as s:
            lines = s.scalar(select(func.count()).select_from(JournalLine))
            groups = s.scalar(select(func.count()).select_from(Group))
        report(f"verify ledger: {groups} groups, {lines:,} lines, "
               f"{path.stat().st_size / 1e6:,.0f} MB; load average {os.getloadavg()[0]:.1f}")

        run, seconds, cpu = timed(database, full=False, resume=False)
        assert run.problems == []
        report(f"verify, every entry hashed (quick_check): {seconds:.1f} s wall, {cpu:.1f} s "
               f"CPU for {lines:,} lines = {lines / seconds:,.0f} lines/s "
               f"({lines / cpu:,.0f} per CPU second); 2 M lines ≈ "
               f"{TWO_MILLION * seconds / lines:.0f} s (≈ {TWO_MILLION * cpu / lines:.0f} s "
               f"of CPU; target < 30 s)")

        with database.write() as s:
            admin = s.scalar(select(User).where(User.username == "admin"))
            record_checkpoints(s, admin, heads={g: (h.seq, h.hash) for g, h in run.heads.items()},
                               sums=run.sums, full_checked=run.full_checked)
            gid = s.scalar(select(Group.id).order_by(Group.id))
            members = list(s.scalars(select(Member.id).where(Member.group_id == gid).limit(23)))
            day = dt.date(2026, 11, 20)
            ledger.post_entries(s, admin, group_id=gid, postings=[
                Posting(day, "deposit", (Line("cash", 10_000),
                                         Line("member_savings", -10_000,
                                              member_id=members[i % len(members)])))
                for i in range(46)])
        run, seconds, cpu = timed(database, full=False, resume=True)
        assert run.problems == [] and len(run.resumed) == groups
        report(f"verify resumed from the checkpoints, a meeting's 46 new entries: "
               f"{seconds:.2f} s wall, {cpu:.2f} s CPU ({lines:,} lines in the ledger)")
    finally:
        database.dispose()

    seconds, memory, output = run_cli("verify", "--db", str(path), "--user", "admin", "--full")
    assert "All checks passed" in output or "ຜ່ານ" in output, output
    report(f"kongthun verify --full (command line, integrity_check, all of it): {seconds:.1f} s, "
           f"{memory:.0f} MB")
    seconds, memory, output = run_cli("verify", "--db", str(path), "--user", "admin")
    assert "All checks passed" in output or "ຜ່ານ" in output, output
    report(f"kongthun verify (command line, resumed, all of it): {seconds:.1f} s, "
           f"{memory:.0f} MB")
