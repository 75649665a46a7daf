"""Opening an existing ledger for the maintenance commands (verify, backup, restore, demo)
without changing it: no migration, no new file, a clear message for anything that is not a
Kongthun ledger."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.exc import DatabaseError

from desktop.cli import CliUsageError
from desktop.cli._common import read_password
from models.core import lookup, users
from models.core.db import Database, display_url, resolve_url, sqlite_path
from models.core.i18n import _
from models.core.migrate import open_database
from models.core.schema import User

SQLITE_MAGIC = b"SQLite format 3\x00"
KONGTHUN_TABLES = frozenset({"users", "groups", "journal_entries", "alembic_version"})


def describe(database: Database) -> str:
    """The ledger as the user named it: its file, or the URL without a password."""
    return display_url(database.url)


def open_existing(db: str | None) -> Database:
    """Open the ledger named by ``--db`` as it is. A missing file, a folder, a file that is
    not SQLite or an SQLite file without Kongthun's tables are usage errors (exit 2)."""
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            raise CliUsageError(_("No ledger at {path}.").format(path=path))
        check_sqlite_file(path)
    database = open_database(db, migrate=False)
    try:
        tables = set(inspect(database.engine).get_table_names())
    except DatabaseError as exc:
        database.dispose()
        if path is not None and is_read_only(path, exc):
            raise CliUsageError(_("{path} is read-only: Kongthun writes to the ledger (every "
                                  "log-in is recorded). Copy it to a folder you can write "
                                  "to.").format(path=path)) from None
        raise CliUsageError(_("{path} is not a Kongthun ledger.").format(
            path=display_url(url))) from None
    if not KONGTHUN_TABLES <= tables:
        database.dispose()
        raise CliUsageError(_("{path} is not a Kongthun ledger.").format(path=display_url(url)))
    return database


def is_read_only(path: Path, exc: BaseException) -> bool:
    """Whether SQLite failed because the file (or its folder, where the -wal and -shm
    files go) cannot be written."""
    text = str(getattr(exc, "orig", exc)).lower()
    return ("readonly" in text or "read-only" in text or "unable to open" in text
            or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK))


def check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise CliUsageError(_("{path} is a folder; name a file.").format(path=path))
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise CliUsageError(_("{path} is not a Kongthun ledger.").format(path=path))


def holds_data(database: Database) -> bool:
    with database.read() as session:
        return lookup.holds_data(session)


def log_in(database: Database, username: str) -> User:
    """Log ``username`` in with the password from KONGTHUN_PASSWORD or a prompt. A wrong
    password raises ``LoginFailed`` (exit 2); the failure is in the audit log."""
    return users.login(database, username, read_password())
