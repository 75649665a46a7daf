"""Pulling the plug: a real process posting meetings and loan repayments is killed with
SIGKILL at random moments, again and again. After every kill the file must hold every
transaction the process reported saved, no half-posted meeting (its entries all there or
none), and pass every verify check (chains, balances, audit and access logs, seals).

CI runs a few kills (``KONGTHUN_CRASH_KILLS``, default 4); a longer run locally:
``KONGTHUN_CRASH_KILLS=120 pytest tests/test_crash.py -s``. It prints its figures."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from models.core.db import Database, sqlite_url
from models.core.schema import JournalEntry
from models.core.verify import verify_database
from models.loans.schema import LoanRepayment
from models.meetings.schema import Meeting

ROOT = Path(__file__).resolve().parents[1]
KILLS = int(os.environ.get("KONGTHUN_CRASH_KILLS", "4"))


def worker(path: Path, what: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.crash_worker", str(path), what],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check_whole(path: Path, saved_meetings: set[int], saved_repayments: set[int]) -> int:
    """Every reported save is there, no meeting is half-posted, verify passes. Returns the
    number of posted meetings."""
    database = Database(sqlite_url(path))
    try:
        with database.read() as s:
            problems = [str(p) for p in verify_database(s)]
            assert problems == [], problems
            posted = set(s.scalars(select(Meeting.id).where(Meeting.status == "posted")))
            assert saved_meetings <= posted, saved_meetings - posted
            with_entries = set(s.scalars(select(JournalEntry.meeting_id).where(
                JournalEntry.meeting_id.is_not(None)).distinct()))
            assert with_entries == posted, "a meeting has entries but is not posted, or back"
            repayments = set(s.scalars(select(LoanRepayment.id)))
            assert saved_repayments <= repayments, saved_repayments - repayments
            return len(posted)
    finally:
        database.dispose()


def test_killing_the_program_mid_posting_never_leaves_half_a_meeting(tmp_path):
    path = tmp_path / "crash.sqlite3"
    setup = worker(path, "setup")
    out, err = setup.communicate(timeout=300)
    assert setup.returncode == 0 and "ready" in out, err

    rng = random.Random(16)
    saved_meetings: set[int] = set()
    saved_repayments: set[int] = set()
    started = time.monotonic()
    for _ in range(KILLS):
        process = worker(path, "work")
        line = process.stdout.readline()  # wait until it is really writing
        assert line.startswith(("meeting", "repayment")), process.stderr.read()
        time.sleep(rng.uniform(0.0, 1.5))
        process.send_signal(signal.SIGKILL)
        rest, _ = process.communicate(timeout=30)
        for said in [line, *rest.splitlines()]:
            kind, _, number = said.strip().partition(" ")
            (saved_meetings if kind == "meeting" else saved_repayments).add(int(number))
        assert process.returncode == -signal.SIGKILL
        posted = check_whole(path, saved_meetings, saved_repayments)
    took = time.monotonic() - started
    print(f"\ncrash test: {KILLS} SIGKILLs, {posted} meetings and {len(saved_repayments)} "
          f"repayments saved, 0 half-posted, verify passed after every kill ({took:.0f} s)")
