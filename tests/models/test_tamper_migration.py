"""A ledger kept with the version before tamper evidence (its users, grants and audit log
already there) upgrades: its audit log becomes the start of the chain, the access log starts
with every user and grant it has, and it verifies clean. Changing it afterwards is caught."""
from __future__ import annotations

import sqlite3

from alembic import command

from models.core import migrate, users
from models.core.db import Database, sqlite_url
from models.core.migrate import open_database
from models.core.verify import verify_database

BEFORE = ("0007_shareout_loan_interest", "0005_loan_fees", "0004_welfare")


def ledger_before_tamper_evidence(path) -> None:  # noqa: ANN001
    database = Database(sqlite_url(path))
    config = migrate.alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        for revision in BEFORE:
            command.upgrade(config, revision)
    database.dispose()
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO users (id, username, display_name, password_hash, language, is_active, "
        "failed_logins, created_at) VALUES (1, 'admin', 'Admin', ?, 'lo', 1, 0, "
        "'2025-03-01 08:00:00.000000')", (users.hash_password("old password"),))
    connection.execute("INSERT INTO role_grants (user_id, group_id, role) VALUES (1, NULL, "
                       "'admin')")
    for i, action in enumerate(("user.create_first_admin", "login", "backup")):
        connection.execute(
            "INSERT INTO audit_events (at, user_id, username, action, group_id, detail, ok) "
            "VALUES (?, 1, 'admin', ?, NULL, ?, 1)",
            (f"2025-03-0{i + 1} 08:00:00.000000", action, '{"path": "/media/usb"}'))
    connection.commit()
    connection.close()


def test_an_older_ledger_upgrades_and_verifies_with_its_history_chained(tmp_path):
    path = tmp_path / "old.sqlite3"
    ledger_before_tamper_evidence(path)

    database = open_database(str(path), backup_dir=tmp_path / "backups")
    try:
        with database.read() as session:
            assert [str(p) for p in verify_database(session)] == []
        connection = sqlite3.connect(path)
        chained = connection.execute("SELECT count(*) FROM audit_events WHERE hash IS NOT "
                                     "NULL").fetchone()[0]
        log = connection.execute("SELECT change, user_id, role FROM access_changes "
                                 "ORDER BY id").fetchall()
        connection.close()
        assert chained == 3
        assert log == [("user", 1, None), ("grant", 1, "admin")]
        users.login(database, "admin", "old password")  # the app goes on adding to the chains
        with database.read() as session:
            assert [str(p) for p in verify_database(session)] == []
    finally:
        database.dispose()

    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER audit_events_no_update")
    connection.execute("UPDATE audit_events SET detail = '{\"path\": \"/tmp\"}' WHERE id = 3")
    connection.commit()
    connection.close()
    database = Database(sqlite_url(path))
    with database.read() as session:
        found = [str(p) for p in verify_database(session)]
    database.dispose()
    assert "The audit log was changed at event 3 (backup): events were altered, removed or " \
           "slipped in." in found


def test_an_older_backup_is_upgraded_checked_and_restored(tmp_path):
    from models.core import recovery

    old = tmp_path / "usb" / "old.sqlite3"
    old.parent.mkdir()
    ledger_before_tamper_evidence(old)
    target = tmp_path / "kongthun.sqlite3"
    target.write_bytes(b"")

    result = recovery.restore_file(target, old, username="admin", password="old password")

    assert result.previous is recovery.LedgerState.EMPTY
    assert recovery.ledger_state(target) is recovery.LedgerState.OK
    assert migrate.current_revisions(Database(sqlite_url(target))) == migrate.head_revisions()


def test_an_older_backup_that_does_not_verify_is_refused(tmp_path):
    import pytest

    from models.core import recovery
    from models.core.errors import UserError

    old = tmp_path / "usb" / "old.sqlite3"
    old.parent.mkdir()
    ledger_before_tamper_evidence(old)
    connection = sqlite3.connect(old)  # someone took the guard off the journal
    connection.execute("DROP TRIGGER journal_entries_no_delete")
    connection.commit()
    connection.close()
    target = tmp_path / "kongthun.sqlite3"
    target.write_bytes(b"")

    with pytest.raises(UserError, match="does not verify"):
        recovery.restore_file(target, old, username="admin", password="old password")
    assert target.stat().st_size == 0
