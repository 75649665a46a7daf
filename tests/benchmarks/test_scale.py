"""The figures of issue 15 (a federation's ten years in one ledger), printed as medians and
as ratios to raw SQL measured in the same run. Asserts correctness only, never time.

Run with ``make bench`` (the big ledger is built once and cached, see big_ledger.py)."""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models.core import ledger
from models.core.db import Database, sqlite_url
from models.core.ledger import Line, Posting
from models.core.schema import Account, Group, JournalLine, Member, User
from models.core.verify import verify_database
from tests.benchmarks.big_ledger import PASSWORD, ROOT, big_ledger, size

pytestmark = pytest.mark.benchmark

DAY = dt.date(2026, 11, 1)
FIGURES: list[str] = []


def report(line: str) -> None:
    FIGURES.append(line)
    print(line)


def median_time(run, times: int) -> float:
    found = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        found.append(time.perf_counter() - start)
    return statistics.median(found)


def deposits(env, count: int, start: int = 0) -> list[Posting]:
    return [Posting(DAY, "deposit", (Line("cash", 1_000 + i),
                                     Line("member_savings", -1_000 - i,
                                          member_id=env.member_ids[i % 3])))
            for i in range(start, start + count)]


def raw_insert_rate(path: Path, entries: int, lines_per_entry: int = 2) -> float:
    """Entries/s for plain executemany INSERTs of entries and their lines through sqlite3
    into the same file (rolled back), the floor any posting path stands on."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        rates = []
        for _round in range(3):
            con.execute("BEGIN IMMEDIATE")
            top = con.execute("SELECT coalesce(max(id), 0) FROM journal_entries").fetchone()[0]
            start = time.perf_counter()
            con.executemany(
                "INSERT INTO journal_entries (id, group_id, seq, value_date, recorded_at, "
                "user_id, kind, memo, prev_hash, hash) VALUES (?, 1, ?, '2026-11-01', "
                "'2026-11-20 09:30:00.000000', 1, 'deposit', '', ?, ?)",
                [(top + i, 10_000_000 + i, "0" * 64, f"{i:064d}") for i in range(1, entries + 1)])
            con.executemany(
                "INSERT INTO journal_lines (entry_id, line_no, account_id, member_id, amount) "
                "VALUES (?, ?, 1, 1, ?)",
                [(top + i, n, (1 if n % 2 else -1) * 1_000)
                 for i in range(1, entries + 1) for n in range(1, lines_per_entry + 1)])
            rates.append(entries / (time.perf_counter() - start))
            con.execute("ROLLBACK")
        return statistics.median(rates)
    finally:
        con.close()


def test_posting_one_by_one_in_a_batch_and_raw(env):
    rates_one, rates_batch = [], []
    for round_ in range(3):
        with env.db.write() as s:
            actor = env.user(s, "treasurer")
            batch = deposits(env, 1_000, round_ * 1_000)
            start = time.perf_counter()
            for p in batch:
                ledger.post_entry(s, actor, group_id=env.group_id, value_date=p.value_date,
                                  kind=p.kind, lines=p.lines)
            rates_one.append(len(batch) / (time.perf_counter() - start))
    for round_ in range(3):
        with env.db.write() as s:
            actor = env.user(s, "treasurer")
            batch = deposits(env, 10_000, 10_000 * (round_ + 1))
            start = time.perf_counter()
            ledger.post_entries(s, actor, group_id=env.group_id, postings=batch)
            rates_batch.append(len(batch) / (time.perf_counter() - start))
    raw = raw_insert_rate(env.db.path, 10_000)
    one, many = statistics.median(rates_one), statistics.median(rates_batch)
    report(f"post_entry, one transaction: {one:,.0f} entries/s (raw INSERT {raw:,.0f}/s, "
           f"{raw / one:.1f}× slower than raw)")
    report(f"post_entries, one transaction: {many:,.0f} entries/s (target ≥ 5,000; "
           f"{raw / many:.1f}× slower than raw)")
    with env.db.snapshot() as s:
        assert verify_database(s) == []


class _RolledBack(Exception):
    """Leaves the cached ledger as it was after a posting measured on it."""


def test_posting_on_the_big_ledger():
    """``post_entry`` and ``post_entries`` into a group with ten years of history (rolled
    back), beside raw INSERTs of the same shape into the same file."""
    path, _built = big_ledger()
    database = Database(sqlite_url(path))
    try:
        with database.read() as s:
            gid = s.scalar(select(Group.id).order_by(Group.id.desc()).limit(1))
            member_ids = list(s.scalars(select(Member.id).where(Member.group_id == gid)))
            admin_id = s.scalar(select(User.id).where(User.username == "admin"))

        def postings(count: int) -> list[Posting]:
            return [Posting(DAY, "deposit", (Line("cash", 1_000 + i), Line(
                "member_savings", -1_000 - i, member_id=member_ids[i % len(member_ids)])))
                for i in range(count)] + [Posting(DAY, "withdrawal", (
                    Line("member_savings", 500, member_id=member_ids[0]), Line("cash", -500)))]

        def rate(batch: bool, count: int) -> float:
            found = []
            for _round in range(3):
                try:
                    with database.write() as s:
                        admin = s.get(User, admin_id)
                        todo = postings(count)
                        start = time.perf_counter()
                        if batch:
                            ledger.post_entries(s, admin, group_id=gid, postings=todo)
                        else:
                            for p in todo:
                                ledger.post_entry(s, admin, group_id=gid,
                                                  value_date=p.value_date, kind=p.kind,
                                                  lines=p.lines)
                        found.append(len(todo) / (time.perf_counter() - start))
                        raise _RolledBack
                except _RolledBack:
                    pass
            return statistics.median(found)

        one, many = rate(False, 1_000), rate(True, 10_000)
        raw = raw_insert_rate(path, 10_000)
        report(f"post_entry on the big ledger, one transaction: {one:,.0f} entries/s (raw "
               f"INSERT {raw:,.0f}/s, {raw / one:.1f}× slower than raw; target ≥ 5,000)")
        report(f"post_entries on the big ledger, one transaction: {many:,.0f} entries/s (raw "
               f"INSERT {raw:,.0f}/s, {raw / many:.1f}× slower than raw; target ≥ 5,000)")
    finally:
        database.dispose()


def test_trial_balances_on_the_big_ledger():
    path, built = big_ledger()
    lines_wanted, group_count = size()
    database = Database(sqlite_url(path))
    raw = sqlite3.connect(path)
    try:
        with database.read() as s:
            lines = s.scalar(select(func.count()).select_from(JournalLine))
            gid = s.scalar(select(Group.id).order_by(Group.id.desc()).limit(1))
            own = list(s.scalars(select(Account.id).where(Account.group_id == gid)))
        report(f"big ledger: {group_count} groups, {lines:,} journal lines, "
               f"{path.stat().st_size / 1e6:,.0f} MB"
               + (f", built in {built:.0f} s ({lines / 2 / built:,.0f} entries/s)"
                  if built else " (reused)"))
        marks = ",".join("?" * len(own))

        def raw_group() -> None:
            raw.execute(f"SELECT account_id, sum(amount) FROM journal_lines WHERE account_id "
                        f"IN ({marks}) GROUP BY account_id", own).fetchall()

        def raw_all() -> None:
            raw.execute("SELECT account_id, sum(amount) FROM journal_lines "
                        "GROUP BY account_id").fetchall()

        def raw_kept_group() -> None:
            raw.execute("SELECT a.id, a.code, a.key, a.name, a.kind, a.fund, t.total FROM "
                        "accounts a LEFT JOIN account_totals t ON t.account_id = a.id "
                        "WHERE a.group_id = ? ORDER BY a.code", (gid,)).fetchall()

        def raw_kept_all() -> None:
            raw.execute("SELECT a.group_id, a.id, a.code, a.key, a.name, a.kind, a.fund, "
                        "t.total FROM accounts a LEFT JOIN account_totals t ON t.account_id "
                        "= a.id ORDER BY a.group_id, a.code").fetchall()

        with database.read() as s:
            one = median_time(lambda: ledger.trial_balance(s, gid), 21)
            bare = median_time(raw_group, 21)
            bare_kept = median_time(raw_kept_group, 21)
            everyone = median_time(lambda: ledger.federation_trial_balance(s), 11)
            bare_all = median_time(raw_all, 5)
            bare_kept_all = median_time(raw_kept_all, 11)
            rows = ledger.federation_trial_balance(s)
            assert len(rows) == group_count
            assert sum(r.net for g in rows.values() for r in g) == 0
            # what the kept totals say is what the lines say
            summed = dict(raw.execute("SELECT account_id, sum(amount) FROM journal_lines "
                                      "GROUP BY account_id").fetchall())
            assert {r.account_id: r.net for g in rows.values() for r in g} == {
                r.account_id: summed.get(r.account_id, 0) for g in rows.values() for r in g}
        report(f"trial balance of one group: {one * 1000:.2f} ms (raw SELECT of its kept "
               f"totals {bare_kept * 1000:.2f} ms, {one / bare_kept:.1f}×; raw GROUP BY of "
               f"its lines {bare * 1000:.1f} ms; target < 100 ms, ≤ 2×)")
        report(f"federation trial balance, {group_count} groups: {everyone * 1000:.1f} ms "
               f"(raw SELECT of the kept totals {bare_kept_all * 1000:.1f} ms, "
               f"{everyone / bare_kept_all:.1f}×; raw GROUP BY of every line "
               f"{bare_all * 1000:.0f} ms; target < 300 ms)")
    finally:
        raw.close()
        database.dispose()


def test_verify_on_the_big_ledger():
    path, _built = big_ledger()
    database = Database(sqlite_url(path))
    try:
        with database.read() as s:
            lines = s.scalar(select(func.count()).select_from(JournalLine))
        with database.snapshot() as s:
            start = time.perf_counter()
            problems = verify_database(s)
            seconds = time.perf_counter() - start
        assert problems == []
        report(f"verify (in process, quick_check): {seconds:.1f} s for {lines:,} lines, "
               f"{lines / seconds:,.0f} lines/s, {2_000_000 * seconds / lines:.1f} s for 2 M "
               f"(target < 30 s)")
    finally:
        database.dispose()
    seconds, memory, output = run_cli("verify", "--db", str(path), "--user", "admin")
    assert "All checks passed" in output or "ຜ່ານ" in output, output
    report(f"kongthun verify (command line, all of it): {seconds:.1f} s, {memory:.0f} MB "
           f"(target < 500 MB)")


def run_cli(*argv: str) -> tuple[float, float, str]:
    """Seconds, peak memory (MB) and output of one ``kongthun`` command in its own process."""
    code = ("import resource, sys\nfrom desktop.cli import main\n"
            "try:\n    rc = main(sys.argv[1:])\nexcept SystemExit as exc:\n    rc = exc.code\n"
            "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "file=sys.stderr)\nsys.exit(rc)\n")
    env = dict(os.environ, KONGTHUN_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT),
               QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    kb = next(int(line.split()[1]) for line in done.stderr.splitlines()
              if line.startswith("MAXRSS"))
    return seconds, kb / 1024, done.stdout + done.stderr


def test_print_the_table():
    print("\n== issue 15 figures ==")
    for line in FIGURES:
        print("  " + line)
