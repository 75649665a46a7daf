"""Opening a ledger: engines, sessions, transactions, migrations.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL``, foreign keys on
and a busy timeout; write transactions begin with ``BEGIN IMMEDIATE`` so two windows on one
file serialise instead of forking the hash chain. PostgreSQL works through the same code
with a ``postgresql+psycopg://`` URL (the chain head is then locked with
``SELECT ... FOR UPDATE``); see docs/FEDERATION.md for the roles to create.

``snapshot()`` is the read for checks that must see one consistent state while others write
(verify): on PostgreSQL a ``REPEATABLE READ, READ ONLY`` transaction; on SQLite (WAL) every
read transaction already is one snapshot.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from models.core.errors import ConcurrentChange
from models.core.i18n import N_

APP_NAME = "Kongthun"
INT64_MAX = 2**63 - 1
DB_FILENAME = "kongthun.sqlite3"
BUSY_TIMEOUT_MS = 15_000


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    path = user_data_path(APP_NAME, appauthor=False, ensure_exists=True)
    owner_only(path)
    return path


def owner_only(path: Path) -> None:
    """Take away group and other access (0700 folders, 0600 files): the ledger holds
    members' names, savings and password hashes. Best effort on files we do not own."""
    try:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    except OSError:
        pass


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and every missing folder above it owner-only (0700); ``mkdir``'s
    own mode applies to the last one only."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only (0600) unless it exists; its folder, when
    made here, is 0700. SQLite then fills it, and gives its -wal and -shm files the same
    mode."""
    make_private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def default_database_url() -> str:
    env = os.environ.get("KONGTHUN_DATABASE_URL")
    if env:
        return env
    return sqlite_url(user_data_dir() / DB_FILENAME)


def sqlite_url(path: Path | str) -> str:
    return "sqlite:///" + str(Path(path).expanduser().resolve())


def resolve_url(db: str | None) -> str:
    """``--db`` accepts a file path or a database URL; nothing means the default."""
    if not db:
        return default_database_url()
    if "://" in db:
        return db
    return sqlite_url(db)


def display_url(url: str) -> str:
    """The ledger as a person may see it: the file, or the URL without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or \
            parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if read_only and path is not None:
            # Opened as a URI in read-only mode: checking a backup must not change it
            # (nor need a writable USB stick).
            import sqlite3

            target = f"file:{path}?mode=ro"
            engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(
                target, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False))
            _configure_sqlite(engine, read_only=True)
            event.listen(engine, "handle_error", _app_errors)
            return engine
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        if path is not None:
            @event.listens_for(engine, "do_connect")
            def _private(*_args):  # noqa: ANN002
                create_private_file(path)
        _configure_sqlite(engine)
        event.listen(engine, "handle_error", _app_errors)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    _configure_postgresql(engine)
    event.listen(engine, "handle_error", _app_errors)
    return engine


# One advisory lock for every writer of the ledger: on a server, as on SQLite, write
# transactions take turns, so the chains beside the journal (audit log, access log, seal
# history) never fork and two writers never deadlock over them.
WRITE_LOCK_KEY = 0x4B4F4E47  # "KONG"


def _configure_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        if connection.get_execution_options().get("kongthun_write"):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def _configure_sqlite(engine: Engine, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy emit BEGIN itself (the driver's implicit BEGIN is DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        if connection.get_execution_options().get("kongthun_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


@event.listens_for(Session, "before_flush")
def _refuse_huge_numbers(session: Session, _context, _instances) -> None:  # noqa: ANN001
    """The last line before SQLite: a number that does not fit its 64-bit integers (a
    service that forgot ``money.check_within``) or text with broken characters becomes
    the user's message, not an ``OverflowError`` or ``UnicodeEncodeError`` in the middle
    of a transaction."""
    from models.core.errors import UserError, check_text
    from models.core.i18n import N_

    for obj in (*session.new, *session.dirty):
        for value in vars(obj).values():
            if type(value) is int and not -INT64_MAX <= value <= INT64_MAX:
                raise UserError(N_("The number {value} is too large to keep."),
                                value=f"{value:,}")
            if type(value) is str:
                check_text(value)


def _app_errors(context) -> None:  # noqa: ANN001
    """A value the database driver cannot take (an integer past 64 bits, text with broken
    characters) in any statement, a query's too, or a row naming one that does not exist:
    the user's message, not the driver's. Services check first; this is the last line."""
    from models.core.errors import UserError, check_text
    from models.core.i18n import N_

    original = context.original_exception
    sqlstate = getattr(original, "sqlstate", None)  # PostgreSQL (psycopg)
    if "FOREIGN KEY constraint failed" in str(original) or sqlstate == "23503":
        raise UserError(N_("Something this names does not exist.")) from original
    if sqlstate in ("22003", "22008"):  # a number or a date past what a column holds
        raise UserError(N_("A number is too large to look up or keep.")) from original
    if sqlstate == "22001":  # longer than the column (SQLite keeps it; a server refuses)
        raise UserError(N_("The text is too long to keep.")) from original
    if sqlstate in ("2201W", "2201X"):  # a negative count of rows to show or skip
        raise UserError(N_("A number is out of range.")) from original
    if sqlstate in ("22021", "22P05"):  # characters the database cannot store
        raise UserError(N_("The text has broken characters; type it again.")) from original
    if isinstance(original, OverflowError):
        raise UserError(N_("A number is too large to look up or keep.")) from original
    if isinstance(original, UnicodeEncodeError):
        check_text(original.object if isinstance(original.object, str) else "")
        raise UserError(N_("The text has broken characters; type it again.")) from original


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying another connection holds the lock."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


class Database:
    """One open ledger. ``write()`` is one user action: one transaction, committed only if
    the block finishes; ``read()`` never commits."""

    def __init__(self, url: str, engine: Engine | None = None, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self.engine = engine or make_engine(url, read_only=read_only)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(kongthun_write=True), expire_on_commit=False)
        snapshot_engine: Engine = self.engine
        if self.engine.dialect.name == "postgresql":
            snapshot_engine = self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True)
        self._snapshot = sessionmaker(snapshot_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction. Another window holding the write lock past the busy timeout
        becomes ``LedgerBusy`` (nothing was written; the front end may try again)."""
        session = self._write()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if is_busy(exc):
                from models.core.errors import LedgerBusy

                raise LedgerBusy() from exc
            raise
        except IntegrityError as exc:
            session.rollback()
            if _is_unique_violation(exc):
                # Two writers raced for the same unique key (a server engine; SQLite's
                # BEGIN IMMEDIATE serialises writers before they read).
                raise ConcurrentChange(N_(
                    "Someone else saved the same thing at the same moment, so nothing was "
                    "saved from here. Look at it again, then try once more.")) from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read-only session that sees one consistent state of the whole ledger."""
        session = self._snapshot()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _is_unique_violation(exc: IntegrityError) -> bool:
    # Only a server's race: on SQLite a unique violation inside one serialised writer is
    # a service that failed to check, a bug that must not be dressed up as a race.
    return getattr(exc.orig, "sqlstate", None) == "23505"
