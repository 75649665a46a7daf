"""Backups: one checked copy on the first open of each day, rotated to 7 daily, 5 weekly and
12 monthly copies; copies made before a migration or restore are kept apart."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from models.core import backup, clock, maintenance
from models.core.errors import PermissionDenied, UserError
from models.core.ledger import credit, debit, post_entry
from tests.conftest import TODAY

pytestmark = pytest.mark.sqlite_only  # backups are copies of the SQLite file


def deposit(env, amount: int = 25_000) -> None:
    with env.db.write() as s:
        post_entry(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=clock.today(),
                   kind="deposit", lines=[debit("cash", amount), credit(
                       "member_savings", amount, member_id=env.member_ids[0])])


def test_the_first_open_of_a_day_makes_one_checked_backup(env, tmp_path):
    folder = tmp_path / "backups"
    deposit(env)

    first = backup.daily_backup(env.db, directory=folder)
    again = backup.daily_backup(env.db, directory=folder)

    assert first is not None and first.ok and first.entries == 1
    assert first.path.name == "kongthun-20261120-093000.sqlite3"
    assert again is None
    assert [p.name for p in folder.iterdir()] == [first.path.name]

    clock.set_now(TODAY + dt.timedelta(days=1))
    deposit(env)
    tomorrow = backup.daily_backup(env.db, directory=folder)
    assert tomorrow is not None and tomorrow.entries == 2
    assert len(list(folder.glob("kongthun-*.sqlite3"))) == 2


def test_no_daily_backup_of_a_ledger_that_is_not_on_disk_yet(db, tmp_path):
    db.path.unlink()
    assert backup.daily_backup(db, directory=tmp_path / "backups") is None


def dated_files(folder, first: dt.date, last: dt.date) -> None:
    day = first
    while day <= last:
        (folder / f"kongthun-{day:%Y%m%d}-020000.sqlite3").write_bytes(b"")
        day += dt.timedelta(days=1)


def test_rotation_keeps_seven_daily_five_weekly_and_twelve_monthly(tmp_path):
    """A year of daily backups up to Friday 20/11/2026."""
    dated_files(tmp_path, dt.date(2025, 11, 1), dt.date(2026, 11, 20))

    removed = backup.rotate(tmp_path)

    kept = sorted(p.name[9:17] for p in tmp_path.iterdir())
    daily = [f"202611{d}" for d in range(14, 21)]
    weekly = ["20261108", "20261101", "20261025"]  # the newest of each ISO week (Sundays);
    # the weeks of 20/11 and 15/11 are already kept by the daily ones
    monthly = ["20261031", "20260930", "20260831", "20260731", "20260630", "20260531",
               "20260430", "20260331", "20260228", "20260131", "20251231"]  # + 20/11 (daily)
    assert kept == sorted(daily + weekly + monthly)
    assert len(removed) == 385 - 21


def test_rotation_keeps_one_backup_per_day_and_leaves_other_files_alone(tmp_path):
    for stamp in ("20261120-020000", "20261120-150000", "20261119-020000"):
        (tmp_path / f"kongthun-{stamp}.sqlite3").write_bytes(b"")
    special = tmp_path / "special"
    special.mkdir()
    (special / "kongthun-20250101-000000-before-migration.sqlite3").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("keep")

    backup.rotate(tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kongthun-20261119-020000.sqlite3", "kongthun-20261120-150000.sqlite3", "notes.txt",
        "special"]
    assert len(list(special.iterdir())) == 1


def test_rotation_over_many_days_never_keeps_more_than_it_promises(tmp_path):
    dated_files(tmp_path, dt.date(2023, 1, 1), dt.date(2026, 11, 20))
    backup.rotate(tmp_path)
    kept = list(tmp_path.iterdir())
    assert len(kept) <= backup.KEEP_DAILY + backup.KEEP_WEEKLY + backup.KEEP_MONTHLY
    oldest = min(p.name[9:17] for p in kept)
    assert oldest == "20251231"  # twelve months back, nothing older


def test_a_backup_is_checked_after_writing(env, tmp_path):
    deposit(env)
    result = backup.write_backup(env.db, tmp_path / "copy.sqlite3")
    assert result.ok and result.entries == 1
    assert not (tmp_path / "copy.sqlite3.partial").exists()

    connection = sqlite3.connect(result.path)
    connection.execute("DROP TRIGGER journal_lines_no_update")
    connection.execute("UPDATE journal_lines SET amount = 99 WHERE amount = 25000")
    connection.commit()
    connection.close()
    checked = backup.check_backup(result.path)
    assert not checked.ok
    assert any("entry 1" in problem for problem in checked.problems)


def test_restore_is_for_administrators_and_backs_up_the_current_ledger(env, tmp_path):
    deposit(env)
    copy = backup.write_backup(env.db, tmp_path / "copy.sqlite3")
    deposit(env)
    with env.db.read() as s:
        treasurer, admin = env.user(s, "treasurer"), env.user(s, "admin")
        s.expunge_all()

    with pytest.raises(PermissionDenied):
        maintenance.restore_backup(env.db, treasurer, copy.path)

    result = maintenance.restore_backup(env.db, admin, copy.path)
    assert result.entries == 1
    with env.db.read() as s:
        from models.core.ledger import balance

        assert balance(s, env.group_id, "cash") == 25_000
    [before] = (env.db.path.parent / "backups" / "ledger" / "special").glob(
        "*-before-restore.sqlite3")
    assert backup.check_backup(before).entries == 2


def test_restore_refuses_a_backup_that_does_not_verify(env, tmp_path):
    deposit(env)
    copy = backup.write_backup(env.db, tmp_path / "copy.sqlite3").path
    connection = sqlite3.connect(copy)
    connection.execute("DROP TRIGGER journal_entries_no_delete")
    connection.execute("DROP TRIGGER journal_lines_no_delete")
    connection.execute("DELETE FROM journal_lines")
    connection.execute("DELETE FROM journal_entries")
    connection.commit()
    connection.close()
    with env.db.read() as s:
        admin = env.user(s, "admin")
        s.expunge_all()

    with pytest.raises(UserError, match="does not verify"):
        maintenance.restore_backup(env.db, admin, copy)
    with env.db.read() as s:
        from models.core.ledger import balance

        assert balance(s, env.group_id, "cash") == 25_000


def _entries_in(path) -> int:  # noqa: ANN001
    return backup.count_entries(path)


def test_a_deposit_recorded_while_the_backup_copies_is_kept_and_the_copy_stays_whole(
        env, tmp_path, monkeypatch):
    """The day's backup copies the ledger while the treasurer works. Half-way through the
    copy she records a deposit: it is in the ledger (nothing waited for the backup, nothing
    lost), and the copy is the ledger as it stood after it, whole and verifying, never a
    copy holding half of her entry."""
    for _ in range(20):
        deposit(env)
    monkeypatch.setattr(backup, "STEP_PAGES", 1)  # many small steps: room to write between
    seen = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append(stage)
        if stage == backup.COPYING and seen.count(backup.COPYING) == 3:
            deposit(env, 40_000)

    result = backup.daily_backup(env.db, directory=tmp_path / "backups", progress=progress)

    assert seen.count(backup.COPYING) > 3 and seen[-1] == backup.CHECKING
    assert result is not None and result.ok, result.problems
    assert result.entries == 21 == _entries_in(env.db.path)
    assert backup.check_backup(result.path).ok


def test_writes_from_another_thread_during_the_backup_are_neither_lost_nor_half_copied(
        env, tmp_path, monkeypatch):
    """The window's backup runs on a thread; the app keeps writing on its own. Every
    deposit lands in the ledger, and the copy verifies with a whole number of them."""
    import threading
    import time

    for _ in range(10):
        deposit(env)
    monkeypatch.setattr(backup, "STEP_PAGES", 1)
    started = threading.Event()

    def slow(stage: str, done: int, total: int) -> None:
        started.set()
        time.sleep(0.005)

    outcome = {}
    copier = threading.Thread(target=lambda: outcome.setdefault("result", backup.daily_backup(
        env.db, directory=tmp_path / "backups", progress=slow)))
    copier.start()
    assert started.wait(30)
    for _ in range(5):
        deposit(env, 10_000)
    copier.join(120)
    assert not copier.is_alive()
    result = outcome["result"]
    assert _entries_in(env.db.path) == 15
    assert result.ok, result.problems
    assert 10 <= result.entries <= 15


def test_a_backup_stopped_half_way_leaves_no_file(env, tmp_path):
    deposit(env)

    def stop(stage: str, done: int, total: int) -> None:
        raise backup.BackupStopped

    with pytest.raises(backup.BackupStopped):
        backup.daily_backup(env.db, directory=tmp_path / "backups", progress=stop)
    assert list((tmp_path / "backups").iterdir()) == []
