"""Getting a ledger back: what state the file is in, who may restore, and the restore itself.

A restore must work exactly when the ledger is at its worst — damaged, cut short, empty or
gone — so it never needs the live file: the person restoring logs in against the *backup's*
own users (an administrator of every group there). Whatever was at the ledger's place is kept
aside first (an online copy if it still reads, else the file itself, moved). A backup written
by a newer Kongthun is refused, and so is a restore while another program has the ledger
open: every window holds a shared lock on ``<ledger>.lock`` (``hold_open``) and a restore
needs it alone (``exclusive``); SQLite's own lock is tried as well.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select

from models.core import backup, clock
from models.core.db import Database, sqlite_url
from models.core.errors import UserError
from models.core.i18n import N_

SQLITE_MAGIC = b"SQLite format 3\x00"


class LedgerState(StrEnum):
    OK = "ok"
    MISSING = "missing"
    EMPTY = "empty"  # 0 bytes: a power cut while it was being created or copied
    DAMAGED = "damaged"  # not SQLite, cut short, or pages unreadable
    FOREIGN = "foreign"  # a sound SQLite file that is not a Kongthun ledger


def ledger_state(path: Path, *, thorough: bool = True) -> LedgerState:
    """How the file at ``path`` is, read without changing it (read-only, no migration).

    ``thorough`` runs SQLite's ``quick_check`` over every page (about half a second per
    130 MB). The window's start asks without it, so the log-in does not wait on the size
    of the ledger: it still finds a missing, empty, foreign, cut-short file or a damaged
    first page; a damaged page further in is found by the day's backup (its copy is
    checked in the background and the window says when that fails), by ``kongthun
    verify`` and by a restore."""
    path = Path(path)
    if not path.exists():
        return LedgerState.MISSING
    if path.is_dir():
        return LedgerState.FOREIGN
    size = path.stat().st_size
    if size == 0:
        return LedgerState.EMPTY
    with open(path, "rb") as fh:
        header = fh.read(100)
    if header[:16] != SQLITE_MAGIC:
        return LedgerState.DAMAGED
    if size < _pages_in_header(header):
        return LedgerState.DAMAGED  # cut short: fewer bytes than the header's page count
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15)
        try:
            if thorough and connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return LedgerState.DAMAGED
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return LedgerState.DAMAGED
    if not tables:
        return LedgerState.EMPTY
    if not {"journal_entries", "users", "alembic_version"} <= tables:
        return LedgerState.FOREIGN
    return LedgerState.OK


def _pages_in_header(header: bytes) -> int:
    """The bytes the header says the file holds (page size × page count), or 0 when the
    header's count is not current (SQLite's rule: valid only when the change counter at
    offset 24 equals the version-valid-for number at offset 92)."""
    if len(header) < 100 or header[24:28] != header[92:96]:
        return 0
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    return page_size * int.from_bytes(header[28:32], "big")


class LedgerInUse(UserError):
    """Another program has the ledger open."""


_held: dict[Path, int] = {}


def lock_path(ledger: Path) -> Path:
    return Path(ledger).with_name(Path(ledger).name + ".lock")


def _flock(fd: int, exclusive: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: SQLite's own lock below is the guard
        return True
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def hold_open(ledger: Path) -> None:
    """Called by a window when it opens a ledger: a shared lock, held until it exits (the
    system lets go of it if the program dies)."""
    key = Path(ledger).resolve()
    if key in _held:
        return
    fd = os.open(lock_path(key), os.O_RDWR | os.O_CREAT, 0o600)
    if not _flock(fd, exclusive=False):
        os.close(fd)
        raise LedgerInUse(N_("The ledger is being restored by another program. Wait until it "
                             "finishes, then open it again."))
    _held[key] = fd


def release(ledger: Path) -> None:
    fd = _held.pop(Path(ledger).resolve(), None)
    if fd is not None:
        os.close(fd)


def _in_use() -> LedgerInUse:
    return LedgerInUse(N_("The ledger is open in another Kongthun window or program. Close "
                          "it there first (nothing was changed), then restore again."))


@contextmanager
def exclusive(ledger: Path) -> Iterator[None]:
    """The ledger alone: no other window or program has it open. This process's own shared
    lock (the window restoring from Settings) is turned into an exclusive one and back."""
    key = Path(ledger).resolve()
    own = _held.get(key)
    if own is None:
        key.parent.mkdir(parents=True, exist_ok=True)  # a ledger gone with its folder
    fd = own if own is not None else os.open(lock_path(key), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _flock(fd, exclusive=True):
            raise _in_use()
        if key.exists() and key.stat().st_size:
            _check_sqlite_idle(key)
        yield
    finally:
        if own is not None:
            _flock(fd, exclusive=False)
        else:
            os.close(fd)


def _check_sqlite_idle(path: Path) -> None:
    """SQLite's own lock: a program in the middle of writing holds it."""
    try:
        connection = sqlite3.connect(str(path), timeout=2, isolation_level=None)
    except sqlite3.DatabaseError:
        return
    try:
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _in_use() from None
    except sqlite3.DatabaseError:
        pass  # damaged: nobody can be writing to it usefully
    finally:
        connection.close()


@dataclass(frozen=True)
class BackupSummary:
    path: Path  # the file to copy into place: the backup, or its upgraded copy
    source: Path  # the backup as chosen
    entries: int
    revisions: tuple[str, ...]


def check_source(source: Path) -> BackupSummary:
    """A backup fit to restore: a Kongthun file that reads, verifies and whose schema this
    version knows (an older one is upgraded when opened; a newer one cannot be opened)."""
    from models.core import migrate

    source = Path(source)
    if not source.is_file():
        raise UserError(N_("No backup file at {path}."), path=str(source))
    if ledger_state(source) is not LedgerState.OK:
        raise UserError(N_("{path} is damaged or is not a Kongthun backup."), path=str(source))
    database = Database(sqlite_url(source), read_only=True)
    try:
        revisions = migrate.current_revisions(database)
    finally:
        database.dispose()
    known = migrate.known_revisions()
    if revisions - known:
        raise UserError(N_("This backup was made by a newer version of Kongthun, so this "
                           "version cannot open it. Install the newer version, then "
                           "restore."))
    checked_path = source
    if revisions != migrate.head_revisions():
        # An older schema: a copy is upgraded and checked whole, and that copy is restored.
        checked_path = _upgraded_copy(source)
    checked = backup.check_backup(checked_path)
    if not checked.ok:
        raise UserError(N_("The backup does not verify, so it was not restored: {problem}"),
                        problem=checked.problems[0])
    return BackupSummary(checked_path, source, checked.entries, tuple(sorted(revisions)))


def _upgraded_copy(source: Path) -> Path:
    from models.core import migrate

    folder = Path(tempfile.mkdtemp(prefix="kongthun-restore-"))
    copy = folder / source.name
    shutil.copyfile(source, copy)
    database = Database(sqlite_url(copy))
    try:
        migrate.upgrade(database, backup_first=False)  # a scratch copy: the backup is the source
    finally:
        database.dispose()
    return copy


def authorise(source: Path, username: str, password: str) -> tuple[int, str]:
    """Log in against the backup's own users (read-only): an active administrator of every
    group there. Returns (user id, user name) in the backup."""
    from sqlalchemy import func

    from models.core import users
    from models.core.permissions import Permission, has_permission
    from models.core.schema import User

    database = Database(sqlite_url(source), read_only=True)
    try:
        with database.read() as session:
            user = session.scalar(select(User).where(
                func.lower(User.username) == username.strip().lower()))
            if user is None or not user.is_active \
                    or not users.check_password(password, user.password_hash):
                raise users.LoginFailed(N_("Wrong user name or password for this backup. "
                                           "Use an administrator's password as it was when "
                                           "the backup was made."))
            if not has_permission(session, user, Permission.RESTORE_BACKUP, None):
                raise UserError(N_("{user} may not restore backups: only an administrator of "
                                   "every group may."), user=user.username)
            return user.id, user.username
    finally:
        database.dispose()


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    entries: int
    previous: LedgerState
    kept: Path | None  # where the ledger as it was is kept (None if there was nothing)


def keep_aside(target: Path, state: LedgerState, folder: Path) -> Path | None:
    """Keep what is at the ledger's place: an online copy of a sound ledger, else the file
    (and its -wal/-shm) moved into ``folder``."""
    if state is LedgerState.MISSING:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    if state is LedgerState.OK:
        database = Database(sqlite_url(target))
        try:
            return backup.backup_before(database, reason="restore",
                                        directory=folder.parent).path
        except UserError:
            pass  # it reads but does not verify: keep the file itself
        finally:
            database.dispose()
    kept = folder / f"kongthun-{stamp}-{state}-{target.name}"
    shutil.move(str(target), kept)
    for suffix in ("-wal", "-shm"):
        side = Path(str(target) + suffix)
        if side.exists():
            shutil.move(str(side), str(kept) + suffix)
    return kept


def restore_file(target: Path, source: Path, *, username: str, password: str,
                 backup_dir: Path | None = None) -> RestoreResult:
    """Put the backup ``source`` at the ledger's place ``target``, whatever state it is in.
    Nothing is changed unless every check passes."""
    target, source = Path(target), Path(source)
    if target.exists() and source.resolve() == target.resolve():
        raise UserError(N_("{path} is the ledger itself."), path=str(source))
    summary = check_source(source)
    user_id, name = authorise(source, username, password)
    return _replace(target, summary, user_id=user_id, username=name, backup_dir=backup_dir)


def restore_open(database: Database, source: Path, *, username: str,
                 backup_dir: Path | None = None) -> RestoreResult:
    """The window's restore (Settings): the caller checked the permission on the open
    ledger; its connections are closed before the file is replaced."""
    target = database.path
    if target is None:
        raise UserError(N_("Backups are made of SQLite ledgers only; back up the server "
                           "database with its own tools."))
    summary = check_source(Path(source))
    database.dispose()
    return _replace(target, summary, user_id=None, username=username, backup_dir=backup_dir)


def _replace(target: Path, summary: BackupSummary, *, user_id: int | None, username: str,
             backup_dir: Path | None) -> RestoreResult:
    from models.core import audit, migrate
    from models.core.schema import User

    folder = backup_dir or backup.directory_for(target)
    with exclusive(target):
        state = ledger_state(target)
        kept = keep_aside(target, state, folder / "special")
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(target.name + ".restoring")
        shutil.copyfile(summary.path, staging)
        with open(staging, "rb+") as fh:
            os.fsync(fh.fileno())
        staging.replace(target)
        database = Database(sqlite_url(target))
        try:
            migrate.upgrade(database, backup_dir=folder)
            with database.write() as session:
                user = session.get(User, user_id) if user_id is not None else None
                audit.record(session, user, "backup.restore", username=username,
                             source=str(summary.source), previous=str(state),
                             kept=str(kept) if kept else None)
        finally:
            database.dispose()
    if summary.path != summary.source:
        shutil.rmtree(summary.path.parent, ignore_errors=True)
    return RestoreResult(summary.source, summary.entries, state, kept)
