"""The big ledger of the scale benchmark: a federation office's groups and ten years of
their meetings, posted through the ledger's own batch service (every check, every hash),
cached under the temp folder by a key of the code that writes it, so a second run reuses it.

Size: ``KONGTHUN_BENCH_LINES`` journal lines (default 2,500,000) over
``KONGTHUN_BENCH_GROUPS`` groups (default 100) of 23 members."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import tempfile
import time
from pathlib import Path

from models.core import clock, groups, ledger, members, migrate, users
from models.core.db import Database, sqlite_url
from models.core.ledger import Line, Posting
from models.core.migrate import open_database

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 23
START = dt.date(2016, 11, 1)
DAYS = 3_650
PASSWORD = "bench-password"


def size() -> tuple[int, int]:
    return (int(os.environ.get("KONGTHUN_BENCH_LINES", "2500000")),
            int(os.environ.get("KONGTHUN_BENCH_GROUPS", "100")))


# Raise when what ``build`` writes changes (not when only its speed does): the key of the
# cache. The schema and the migrations are not in it: a cached ledger is brought up to date
# by the migrations when opened, as a treasurer's is.
BUILDER_VERSION = 1


def code_key() -> str:
    lines, group_count = size()
    return hashlib.sha256(f"{BUILDER_VERSION}:{lines}:{group_count}".encode()).hexdigest()[:16]


def cache_folder() -> Path:
    """``KONGTHUN_BENCH_DIR``, or ``kongthun-bench`` in the temp folder."""
    return Path(os.environ.get("KONGTHUN_BENCH_DIR")
                or Path(tempfile.gettempdir()) / "kongthun-bench")


def big_ledger() -> tuple[Path, float | None]:
    """The cached ledger's path, and the seconds its build took now (``None``: reused,
    after the migrations it lacked)."""
    folder = cache_folder() / code_key()
    path = folder / "big.sqlite3"
    if path.exists():
        database = Database(sqlite_url(path))
        try:
            # A scratch copy: no backup before the migrations (a backup is checked in full).
            migrate.upgrade(database, backup_first=False)
        finally:
            database.dispose()
        return path, None
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / "building.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    build(open_database(str(partial)))
    seconds = time.perf_counter() - started
    partial.rename(path)
    return path, seconds


def build(database: Database) -> None:
    lines, group_count = size()
    per_group = lines // 2 // group_count
    saved = clock._override
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    try:
        with database.write() as s:
            admin = users.create_first_admin(s, username="admin", display_name="Admin",
                                             password=PASSWORD)
            admin_id = admin.id
        for g in range(group_count):
            with database.write() as s:
                admin = s.get(users.User, admin_id)
                group = groups.create_group(s, admin, name=f"ກຸ່ມ {g + 1}",
                                            name_latin=f"Group {g + 1}")
                ids = [members.add_member(s, admin, group_id=group.id,
                                          details=members.MemberDetails(
                                              name_lao=f"ນາງ {n + 1}", gender="f",
                                              joined_on=START)).id
                       for n in range(MEMBERS)]
                ledger.post_entries(s, admin, group_id=group.id,
                                    postings=_meetings(random.Random(g), ids, per_group))
        database.dispose()
    finally:
        clock.set_now(saved)


def _meetings(rng: random.Random, member_ids: list[int], count: int) -> list[Posting]:
    """``count`` entries: every member saves at each meeting, now and then one takes a
    little out, the group pays an expense; dated evenly over ten years."""
    postings, saved = [], dict.fromkeys(member_ids, 0)
    cash = 0
    for i in range(count):
        day = START + dt.timedelta(days=i * DAYS // count)
        member = member_ids[i % len(member_ids)]
        roll = rng.random()
        if roll < 0.08 and saved[member] > 10_000:
            amount = rng.randint(1, saved[member] // 1_000) * 1_000
            saved[member] -= amount
            cash -= amount
            postings.append(Posting(day, "withdrawal", (
                Line("member_savings", amount, member_id=member), Line("cash", -amount))))
        elif roll < 0.10 and cash > 100_000:
            amount = rng.randint(1, 50) * 1_000
            cash -= amount
            postings.append(Posting(day, "expense", (Line("expenses", amount),
                                                     Line("cash", -amount)), "ຄ່າເຈ້ຍ"))
        else:
            amount = rng.randint(1, 20) * 10_000
            saved[member] += amount
            cash += amount
            postings.append(Posting(day, "deposit", (
                Line("cash", amount), Line("member_savings", -amount, member_id=member))))
    return postings
