"""Backups of the SQLite ledger: online (the app may stay open), checked after writing,
automatic on the first open of each day and before migrations and restores, rotated.

The copy is SQLite's online-backup API on a connection of its own, ``STEP_PAGES`` pages
a step. Each step reads one consistent state of the ledger (WAL: the reader never blocks
the app's writes, nor they it); when the app writes between two steps SQLite starts the
copy again, so a copy is always the whole ledger as it stood at one moment, never half of
a write. The window runs the daily backup this way in the background
(``desktop/backup_task.py``) while the user logs in and works.

Rotation keeps the newest ``KEEP_DAILY`` daily backups, one per ISO week for
``KEEP_WEEKLY`` weeks and one per month for ``KEEP_MONTHLY`` months; backups made before a
migration or restore are kept apart and never rotated away by daily ones.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from models.core import clock
from models.core.db import Database, create_private_file, make_private_folder
from models.core.errors import UserError
from models.core.i18n import N_

KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 5, 12
KEEP_SPECIAL = 10
STEP_PAGES = 512  # pages copied per step of the online backup (2 MiB of 4 KiB pages)

COPYING, CHECKING = "copying", "checking"
# progress(stage, done, total): COPYING with pages copied of the ledger's pages, then
# CHECKING (0, 0) while the copy is verified. It may raise ``BackupStopped`` to stop.
Progress = Callable[[str, int, int], None]

if TYPE_CHECKING:
    from models.core.verify import VerifyRun


class BackupStopped(Exception):
    """Raised by a progress callback to stop a backup (the program is closing); the
    half-written copy is removed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    entries: int
    problems: tuple[str, ...]
    # A clean check's ``verify.VerifyRun``: where it left each chain, for the next
    # checkpoint (``daily_backup`` keeps it in the live ledger).
    run: VerifyRun | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def default_directory(database: Database) -> Path:
    path = database.path
    if path is None:
        raise UserError(N_("Backups are made of SQLite ledgers only; back up the server "
                           "database with its own tools."))
    return directory_for(path)


def directory_for(ledger: Path) -> Path:
    """Each ledger's own backups folder: ``backups/<ledger name>/`` beside it, so ledgers
    kept in one folder (the demo beside the real one) never show each other's backups."""
    ledger = Path(ledger)
    return ledger.parent / "backups" / ledger.stem


def count_entries(path: Path) -> int:
    """Journal entries in a backup file (read-only)."""
    connection = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM journal_entries").fetchone()[0])
    finally:
        connection.close()


def _require_sqlite(database: Database) -> Path:
    path = database.path
    if path is None:
        raise UserError(N_("Backups are made of SQLite ledgers only; back up the server "
                           "database with its own tools."))
    return path


def write_backup(database: Database, target: Path, *, progress: Progress | None = None,
                 resume: bool = False) -> BackupResult:
    """Copy the live ledger to ``target`` with SQLite's online-backup API, then open the copy
    and check it (integrity, hash chains; with ``resume``, from the last clean check's
    checkpoints, see ``check_backup``). The copy is written to a temporary name and
    renamed, so a power cut never leaves a half backup under the real name."""
    source_path = _require_sqlite(database)
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    try:
        make_private_folder(target.parent)
        partial.unlink(missing_ok=True)
        create_private_file(partial)
        src = sqlite3.connect(str(source_path))
        try:
            dst = sqlite3.connect(str(partial))
            try:
                src.backup(dst, pages=STEP_PAGES, progress=None if progress is None else (
                    lambda _status, left, total: progress(COPYING, total - left, total)))
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if progress is not None:
            progress(CHECKING, 0, 0)
        result = check_backup(partial, resume=resume, progress=None if progress is None else (
            lambda done, total: progress(CHECKING, done, total)))
        partial.replace(target)
    except BaseException as exc:
        _discard(partial)
        if isinstance(exc, (OSError, sqlite3.Error)):
            raise UserError(N_("The backup could not be written to {folder}: {detail}. Is the "
                               "stick full, or locked against writing?"),
                            folder=str(target.parent), detail=_detail(exc)) from exc
        raise
    return BackupResult(target, target.stat().st_size, result.entries, result.problems, result.run)


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _detail(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def check_backup(path: Path, *, resume: bool = False,
                 progress: Callable[[int, int], object] | None = None) -> BackupResult:
    """Open a backup file read-only and verify it: in full (every hash, SQLite's
    integrity_check), or with ``resume`` only the entries after each group's checkpoint
    and SQLite's quick_check (``models.core.checkpoints`` says what that proves).
    ``progress(done, total)`` follows the journal lines read."""
    from models.core.verify import verify_run

    path = Path(path)
    if not path.is_file():
        raise UserError(N_("No backup file at {path}."), path=str(path))
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise UserError(N_("{path} is not a Kongthun backup."), path=str(path))
    from sqlalchemy import func, inspect, select
    from sqlalchemy.exc import DatabaseError

    from models.core.schema import JournalEntry

    database = Database(f"sqlite:///{path.resolve()}", read_only=True)
    try:
        with database.read() as session:
            try:
                if not inspect(session.get_bind()).has_table("journal_entries"):
                    raise UserError(N_("{path} is not a Kongthun backup."), path=str(path))
                run = verify_run(session, full=not resume, resume=resume, progress=progress)
                problems = tuple(str(p) for p in run.problems)
                entries = session.scalar(select(func.count(JournalEntry.id)))
            except DatabaseError as exc:
                raise UserError(N_("{path} is damaged and cannot be read: {detail}"),
                                path=str(path), detail=str(exc.orig)) from exc
    finally:
        database.dispose()
    return BackupResult(path, path.stat().st_size, int(entries or 0), problems,
                        None if problems else run)


def _stamp() -> str:
    return clock.now().strftime("%Y%m%d-%H%M%S")


def backup_before(database: Database, *, reason: str,
                  directory: Path | None = None) -> BackupResult:
    """A backup kept apart from the daily ones, named for why it was made."""
    folder = (directory or default_directory(database)) / "special"
    result = write_backup(database, folder / f"kongthun-{_stamp()}-before-{reason}.sqlite3")
    _keep_newest(folder, KEEP_SPECIAL)
    return result


def daily_backup(database: Database, *, directory: Path | None = None,
                 progress: Progress | None = None) -> BackupResult | None:
    """On the first open of a day: back up if there is no backup from today yet, rotate."""
    if database.path is None or not database.path.exists():
        return None
    folder = directory or default_directory(database)
    today = clock.today().strftime("%Y%m%d")
    if any(folder.glob(f"kongthun-{today}-*.sqlite3")):
        return None
    result = write_backup(database, folder / f"kongthun-{_stamp()}.sqlite3", progress=progress,
                          resume=True)
    rotate(folder)
    if result.run is not None:
        from models.core.checkpoints import record_checkpoints

        run = result.run
        # The copy is the ledger as it stood at one moment, and entries are append-only:
        # where its chains ended is in the live ledger too.
        with database.write() as session:
            record_checkpoints(session, None,
                               heads={g: (h.seq, h.hash) for g, h in run.heads.items()},
                               sums=run.sums, full_checked=run.full_checked)
    return result


def _date_of(path: Path) -> dt.date | None:
    try:
        return dt.datetime.strptime(path.name[len("kongthun-"):len("kongthun-") + 8],
                                    "%Y%m%d").date()
    except ValueError:
        return None


def rotate(folder: Path) -> list[Path]:
    """Delete daily backups beyond the daily/weekly/monthly keep counts; returns removed."""
    dated = sorted(((d, p) for p in folder.glob("kongthun-*.sqlite3")
                    if (d := _date_of(p)) is not None), reverse=True)
    keep: set[Path] = set()
    days: list[dt.date] = []
    weeks: list[tuple[int, ...]] = []
    months: list[tuple[int, int]] = []
    for day, path in dated:
        if day not in days and len(days) < KEEP_DAILY:
            days.append(day)
            keep.add(path)
        week = day.isocalendar()[:2]
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.append(week)
            keep.add(path)
        month = (day.year, day.month)
        if month not in months and len(months) < KEEP_MONTHLY:
            months.append(month)
            keep.add(path)
    removed = [p for _, p in dated if p not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _keep_newest(folder: Path, count: int) -> None:
    files = sorted(folder.glob("kongthun-*.sqlite3"), reverse=True)
    for path in files[count:]:
        path.unlink(missing_ok=True)


def list_backups(database: Database, directory: Path | None = None) -> list[Path]:
    folder = directory or default_directory(database)
    if not folder.exists():
        return []
    return sorted(folder.rglob("kongthun-*.sqlite3"), reverse=True)
