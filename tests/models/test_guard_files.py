"""The ledger and its backups are the group's money and its members' personal data: on a
shared laptop no other account may read them (0600 files, 0700 folders)."""
from __future__ import annotations

from pathlib import Path

import pytest

from models.core import backup
from models.core.migrate import open_database

pytestmark = pytest.mark.sqlite_only  # the modes of the SQLite file and its backups


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_ledger_and_its_folder_are_owner_only(tmp_path):
    path = tmp_path / "new-folder" / "kongthun.sqlite3"
    database = open_database(str(path))
    try:
        with database.read() as session:
            session.connection()
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
        wal = Path(str(path) + "-wal")
        if wal.exists():
            assert mode(wal) == 0o600
    finally:
        database.dispose()


def test_daily_and_special_backups_are_owner_only(tmp_path):
    path = tmp_path / "kongthun.sqlite3"
    database = open_database(str(path))
    try:
        daily = backup.daily_backup(database)
        special = backup.backup_before(database, reason="test")
    finally:
        database.dispose()
    for result in (daily, special):
        assert result.ok
        assert mode(result.path) == 0o600
        assert not Path(str(result.path) + ".partial").exists()
    # backups/<ledger>/ and its special/ folder, and the backups/ folder above them
    for folder in {daily.path.parent, special.path.parent}:
        while folder != tmp_path:
            assert mode(folder) == 0o700, folder
            folder = folder.parent
