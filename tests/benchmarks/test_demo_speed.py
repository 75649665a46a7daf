"""Issue 15's demo and meeting figures: ``kongthun demo`` in entries a second (monthly and
``--weekly``), beside plain executemany INSERTs of the same number of rows into the same
file in the same run, and the median time to post a 23-member meeting (savings, loan
repayments, fines, welfare, NSSF pots). Prints figures; asserts correctness only.

Run with ``make bench`` or ``pytest -s -m benchmark tests/benchmarks/test_demo_speed.py``."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.core import clock
from models.meetings.posting import post_meeting
from tests.models.meeting_support import copy_of, group_id_of, open_next_meeting, treasurer_of
from tests.statement_count import counting

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.datetime(2026, 11, 20, 9, 30)
FARMERS = 3  # the demo's fourth group: 23 members


def run_demo(path: Path, *extra: str) -> tuple[float, float, int, int]:
    """Seconds and peak memory (MB) of ``kongthun demo`` in its own process (imports
    included, as a user waits for them), and the entries and lines it wrote."""
    code = ("import resource, sys\nfrom desktop.cli import main\n"
            "try:\n    rc = main(sys.argv[1:])\nexcept SystemExit as exc:\n    rc = exc.code\n"
            "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "file=sys.stderr)\nsys.exit(rc)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "demo", "--db", str(path),
                           "--today", TODAY.date().isoformat(), *extra],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stdout + done.stderr
    kb = next(int(line.split()[1]) for line in done.stderr.splitlines()
              if line.startswith("MAXRSS"))
    con = sqlite3.connect(path)
    entries, = con.execute("SELECT count(*) FROM journal_entries").fetchone()
    lines, = con.execute("SELECT count(*) FROM journal_lines").fetchone()
    con.close()
    return seconds, kb / 1024, entries, lines


def raw_insert_rate(path: Path, entries: int, lines: int) -> float:
    """Entries/s for plain executemany INSERTs of as many entries and lines through
    sqlite3 into the same file (rolled back): the floor any posting path stands on."""
    from tests.benchmarks.test_scale import raw_insert_rate as raw_rate

    return raw_rate(path, entries, max(2, round(lines / entries)))


def report(what: str, path: Path, seconds: float, memory: float, entries: int,
           lines: int) -> None:
    rate = entries / seconds
    raw = raw_insert_rate(path, entries, lines)
    print(f"\n{what}: {entries:,} entries in {seconds:.1f} s, {rate:,.0f} entries/s, "
          f"{memory:.0f} MB (raw INSERT of the same rows {raw:,.0f}/s, {raw / rate:.0f}×; "
          f"target ≥ 3,000/s, ≤ 10×); load average {os.getloadavg()[0]:.1f}")


@pytest.fixture(scope="module")
def monthly_demo(tmp_path_factory) -> Path:
    """Four groups (the fourth has 23 members) over a year of monthly meetings."""
    path = tmp_path_factory.mktemp("demo") / "monthly.sqlite3"
    figures = run_demo(path, "--groups", "4", "--years", "1")
    report("kongthun demo --groups 4 --years 1", path, *figures)
    return path


def test_the_demo_monthly(monthly_demo):
    assert monthly_demo.exists()


def test_the_demo_weekly(tmp_path):
    path = tmp_path / "weekly.sqlite3"
    figures = run_demo(path, "--groups", "2", "--years", "1", "--weekly")
    report("kongthun demo --groups 2 --years 1 --weekly", path, *figures)


class _Undo(Exception):
    pass


def test_posting_a_meeting_of_23_members(monthly_demo, tmp_path):
    clock.set_now(TODAY)
    try:
        database = copy_of(monthly_demo, tmp_path, "meeting")
        meeting_id, cells = open_next_meeting(database, group_id_of(database, FARMERS))
        members = len({member for member, _key in cells})
        walls, cpus, counts = [], [], []
        for _round in range(15):
            try:
                with database.write() as s:
                    treasurer = treasurer_of(s)
                    with counting(database.engine) as seen:
                        wall, cpu = time.perf_counter(), time.process_time()
                        post_meeting(s, treasurer, meeting_id=meeting_id, cells=cells)
                        walls.append(time.perf_counter() - wall)
                        cpus.append(time.process_time() - cpu)
                    counts.append(seen.count)
                    raise _Undo  # the same meeting again, from the same ledger
            except _Undo:
                pass
    finally:
        clock.set_now(None)
    posted = sum(1 for amount in cells.values() if amount)
    print(f"\nposting a {members}-member meeting ({posted} cells: "
          f"{', '.join(sorted({key for _m, key in cells}))}): median "
          f"{statistics.median(walls) * 1000:.0f} ms (CPU {statistics.median(cpus) * 1000:.0f} "
          f"ms), {counts[0]} statements; target < 100 ms; load average "
          f"{os.getloadavg()[0]:.1f}")
    assert members >= 20 and len(set(counts)) == 1
