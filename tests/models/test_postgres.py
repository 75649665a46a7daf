"""A federation office's server: what holds on PostgreSQL that SQLite gives for free.

Run with KONGTHUN_TEST_DATABASE_URL naming a server (``make test`` does, through
installer/postgres_test_server.sh); skipped on SQLite."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop.cli.verify import verify_ledger
from models.core import ledger
from models.core.db import Database
from models.core.errors import ConcurrentChange, UserError
from models.core.ledger import Line
from models.core.schema import JournalEntry
from models.core.verify import verify_database
from models.meetings import meeting as meetings
from models.meetings.schema import Meeting
from tests.conftest import ENGINE

pytestmark = pytest.mark.skipif(ENGINE != "postgresql",
                                reason="needs KONGTHUN_TEST_DATABASE_URL (a PostgreSQL server)")

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 11, 1)

WRITER = """
import datetime as dt, sys
from models.core import clock, ledger
from models.core.db import Database
from models.core.ledger import Line
from models.core.schema import User
url, user_id, group_id, member_id, count, tag = sys.argv[1:7]
clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
db = Database(url)
for i in range(int(count)):
    with db.write() as s:
        ledger.post_entry(s, s.get(User, int(user_id)), group_id=int(group_id),
                          value_date=dt.date(2026, 11, 1), kind="deposit", memo=f"{tag}-{i}",
                          lines=[Line("cash", 1000),
                                 Line("member_savings", -1000, member_id=int(member_id))])
print("posted", count)
"""


def test_writers_in_four_processes_keep_one_linear_chain_and_verify_never_cries_wolf(
        env, monkeypatch):
    """Four treasurers' windows post 40 deposits each into one group while the auditor runs
    `kongthun verify` again and again. Every verify during the writing finds nothing wrong
    (it reads one snapshot), and afterwards the group's chain holds 160 entries numbered
    1..160, each naming the one before."""
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    writers = [subprocess.Popen(
        [sys.executable, "-c", WRITER, env.db.url, str(env.user_ids["treasurer"]),
         str(env.group_id), str(env.member_ids[k % 3]), "40", f"w{k}"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(4)]
    checks = []
    while any(w.poll() is None for w in writers):
        checks.append(verify_ledger(env.db, "auditor"))
    results = [w.communicate() for w in writers]
    assert all(w.returncode == 0 for w in writers), [err for _, err in results]
    assert len(checks) >= 2, "verify never ran while the writers wrote"
    assert checks == [0] * len(checks)
    with env.db.snapshot() as s:
        entries = s.execute(select(JournalEntry.seq, JournalEntry.prev_hash, JournalEntry.hash)
                            .where(JournalEntry.group_id == env.group_id)
                            .order_by(JournalEntry.seq)).all()
        assert [e.seq for e in entries] == list(range(1, 161))
        assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))
        assert verify_database(s) == []
        assert ledger.balance(s, env.group_id, "cash") == 160 * 1000


def test_two_windows_opening_the_same_meeting_get_the_apps_own_message(env):
    """Two treasurers open the meeting of 1 November at the same moment. Writers take turns
    (one advisory lock), so the second waits for the first and is then told, in words,
    that the meeting exists — not a database error — and nothing is half-written."""
    first_open = threading.Event()
    release = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        with env.db.write() as s:
            meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id, on=DAY)
            first_open.set()
            release.wait(10)

    def second():
        first_open.wait(10)
        try:
            with env.db.write() as s:
                meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id, on=DAY)
        except UserError as exc:
            outcome["error"] = exc

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    b.start()
    time.sleep(1.0)  # the second is now waiting on the first one's row
    release.set()
    a.join(20)
    b.join(20)
    assert isinstance(outcome.get("error"), UserError)
    assert str(outcome["error"]) == "There is already a meeting on 01/11/2026."
    with env.db.read() as s:
        assert len(meetings.list_meetings(s, env.user(s, "admin"), env.group_id)) == 1


def test_verify_sees_a_guard_switched_off_or_dropped(env):
    with env.db.write() as s:
        s.execute(text("ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_append_only"))
        s.execute(text("DROP TRIGGER period_locks_append_only ON period_locks"))
    with env.db.snapshot() as s:
        problems = [str(p) for p in verify_database(s)]
    assert "The guard that keeps journal_lines append-only is switched off." in problems
    assert "The guard that keeps period_locks append-only was removed." in problems


@pytest.fixture
def writer_db(env):
    """The ledger opened as the app's own role, set up as docs/FEDERATION.md says."""
    owner_url = make_url(env.db.url)
    role = f"kt_writer_{os.getpid()}"
    admin = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        c.execute(text(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'writer'"))
        c.execute(text(f'GRANT CONNECT ON DATABASE "{owner_url.database}" TO "{role}"'))
    psql_url = owner_url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-v", f"writer={role}",
                    "-f", str(ROOT / "installer" / "postgres_roles.sql"), psql_url],
                   check=True, capture_output=True, text=True)
    writer = Database(owner_url.set(username=role, password="writer")
                      .render_as_string(hide_password=False))
    yield writer
    writer.dispose()
    owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as c:
        for statement in (
                f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
                f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{role}"',
                f'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM "{role}"',
                f'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM "{role}"',
                f'REVOKE ALL ON SCHEMA public FROM "{role}"',
                f'REVOKE ALL ON DATABASE "{owner_url.database}" FROM "{role}"'):
            c.execute(text(statement))
    owner.dispose()
    with admin.connect() as c:
        c.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def test_the_apps_own_role_writes_but_cannot_switch_the_guards_off(env, writer_db):
    """As installer/postgres_roles.sql sets it up, the role the app logs in with posts a
    deposit, but may not rewrite a line, disable a guard or turn triggers off for its
    session."""
    with writer_db.write() as s:
        ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=DAY,
                          kind="deposit", memo="savings",
                          lines=[Line("cash", 5000),
                                 Line("member_savings", -5000, member_id=env.member_ids[0])])
    for statement in ("UPDATE journal_lines SET amount = amount * 2",
                      "DELETE FROM journal_entries",
                      "ALTER TABLE journal_lines DISABLE TRIGGER ALL",
                      "SET session_replication_role = replica"):
        with pytest.raises(DBAPIError):
            with writer_db.write() as s:
                s.execute(text(statement))
    with env.db.snapshot() as s:
        assert verify_database(s) == []
        assert s.scalar(select(func.count(JournalEntry.id))) == 1


def test_a_unique_key_taken_by_someone_else_is_the_apps_own_message(env):
    """Should a unique key still be taken between a check and the insert (a writer outside
    the app's lock), the transaction ends in the app's own words, nothing written."""
    with env.db.write() as s:
        meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id, on=DAY)
    with pytest.raises(ConcurrentChange, match="Someone else saved the same thing"):
        with env.db.write() as s:
            first = s.scalar(select(Meeting))
            s.add(Meeting(group_id=first.group_id, cycle_id=first.cycle_id,
                          meeting_date=first.meeting_date, status="open",
                          opened_by=first.opened_by, opened_at=first.opened_at))
    with env.db.read() as s:
        assert len(s.scalars(select(Meeting)).all()) == 1
