"""Someone with the file and a copy of sqlite3 tries to change the group's history without
the auditor noticing. The three ways that once passed ``verify`` — rewriting the chain after a
change, deleting the newest entry and moving the head back, ``INSERT OR REPLACE`` on a line —
are caught, and so are grants, users and audit events put in or taken out behind the app's
back. A seal printed on paper is the check no one can rewrite."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from models.core import migrate
from models.core.db import Database, sqlite_url
from models.core.ledger import entry_hash
from models.core.schema import APPEND_ONLY_TABLES, REPLACE_KEYS, Group, JournalEntry
from models.core.seal import format_seal
from tests.cli.ledger_helpers import (
    build_demo_ledger,
    entry_id,
    execute_sql,
    foundation_only_demo,  # noqa: F401 (autouse fixture)
    kongthun,
    post_deposits,
)


@pytest.fixture(autouse=True)
def demo_password(monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    monkeypatch.delenv("KONGTHUN_DATABASE_URL", raising=False)


def head(path: Path, group_id: int = 1) -> str:
    database = Database(sqlite_url(path))
    try:
        with database.read() as session:
            return session.get(Group, group_id).head_hash
    finally:
        database.dispose()


@pytest.fixture
def ledger(capsys, tmp_path):
    """Four deposits saved one at a time; after the second, the treasurer printed a meeting
    summary whose footer carries the seal of that moment. Returns (file, printed seal)."""
    path = build_demo_ledger(capsys, tmp_path / "demo.sqlite3")
    post_deposits(path, group_id=1, count=2)
    printed = format_seal(head(path))
    post_deposits(path, group_id=1, count=2)
    return path, printed


def drop_guards(path: Path) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_{suffix}" for table in APPEND_ONLY_TABLES
            for suffix in ("no_update", "no_delete", "no_replace")]


def restore_guards(path: Path) -> None:
    """A careful forger puts the guards back so verify does not miss them."""
    statements = []
    for table in APPEND_ONLY_TABLES:
        statements += migrate.append_only_sql(table, "sqlite")
        statements += migrate.no_replace_sql(table, REPLACE_KEYS.get(table, (("id",),)))
    execute_sql(path, *statements)


def rewrite_chain(path: Path, group_id: int = 1) -> None:
    """Recompute every hash of the group's chain and its stored head, as the program would."""
    database = Database(sqlite_url(path))
    try:
        with database.write() as session:
            prev = None
            for entry in session.scalars(select(JournalEntry).where(
                    JournalEntry.group_id == group_id).order_by(JournalEntry.seq)):
                entry.prev_hash = prev
                entry.hash = entry_hash(entry, entry.lines)
                prev = entry.hash
            group = session.get(Group, group_id)
            group.head_hash = prev
            group.entry_count = session.scalar(text(
                "SELECT count(*) FROM journal_entries WHERE group_id = :g"), {"g": group_id})
    finally:
        database.dispose()


def verify(capsys, path: Path, *extra: str) -> tuple[int, str]:
    code, out, err = kongthun(capsys, "verify", "--db", str(path), "--user", "auditor", *extra)
    return code, out + err


def test_an_honest_ledger_verifies_and_knows_the_printed_seal(capsys, ledger):
    path, printed = ledger

    code, out = verify(capsys, path, "--seal", printed, "--as-of", "2026-11-20")

    assert code == 0, out
    assert f"Seal {printed}: in this ledger's history" in out
    assert "after entry 2" in out and "All checks passed." in out


def test_a_seal_typed_without_spaces_or_in_small_letters_is_found(capsys, ledger):
    path, printed = ledger

    code, out = verify(capsys, path, "--seal", printed.replace(" ", "").lower())

    assert code == 0, out


def test_a_seal_that_was_no_longer_the_seal_on_the_day_given_is_refused(capsys, ledger):
    path, printed = ledger

    code, out = verify(capsys, path, "--seal", printed, "--as-of", "2026-11-19")

    assert code == 1
    assert "It was NOT the seal on 19/11/2026" in out


def test_a_changed_amount_with_the_chain_recomputed_is_caught(capsys, ledger):
    path, printed = ledger
    target = entry_id(path, 1, 1)
    execute_sql(path, *drop_guards(path),
                f"UPDATE journal_lines SET amount = amount * 10 WHERE entry_id = {target}")
    rewrite_chain(path)
    restore_guards(path)

    code, out = verify(capsys, path)

    assert code == 1
    assert "the chain was rewritten" in out, out


def test_a_forger_who_also_rewrites_the_seal_history_is_caught_by_the_printed_seal(
        capsys, ledger):
    path, printed = ledger
    target = entry_id(path, 1, 1)
    execute_sql(path, *drop_guards(path),
                f"UPDATE journal_lines SET amount = amount * 10 WHERE entry_id = {target}",
                "DELETE FROM ledger_seals")
    rewrite_chain(path)
    restore_guards(path)

    code, out = verify(capsys, path, "--seal", printed)

    assert code == 1
    assert f"Seal {printed}: NOT in this ledger's history" in out


def test_deleting_the_newest_entry_and_moving_the_head_back_is_caught(capsys, ledger):
    path, printed = ledger
    newest = entry_id(path, 1, 4)
    execute_sql(path, *drop_guards(path),
                f"DELETE FROM journal_lines WHERE entry_id = {newest}",
                f"DELETE FROM journal_entries WHERE id = {newest}",
                "UPDATE groups SET entry_count = 3, head_hash = (SELECT hash FROM "
                "journal_entries WHERE group_id = 1 AND seq = 3) WHERE id = 1")
    restore_guards(path)

    code, out = verify(capsys, path)

    assert code == 1
    assert "the ledger was sealed at entry 4" in out and "that entry is gone" in out, out


def test_insert_or_replace_on_a_line_is_refused_by_the_file_itself(ledger):
    path, _ = ledger
    target = entry_id(path, 1, 2)
    connection = sqlite3.connect(path)
    try:
        line_id, = connection.execute("SELECT id FROM journal_lines WHERE entry_id = ? "
                                      "AND line_no = 1", (target,)).fetchone()
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute(
                "INSERT OR REPLACE INTO journal_lines (id, entry_id, line_no, account_id, "
                "member_id, loan_id, amount, memo) SELECT id, entry_id, line_no, account_id, "
                "member_id, loan_id, amount * 10, memo FROM journal_lines WHERE id = ?",
                (line_id,))
    finally:
        connection.close()


def test_removing_the_replace_guard_is_itself_reported(capsys, ledger):
    path, _ = ledger
    execute_sql(path, "DROP TRIGGER journal_lines_no_replace")

    code, out = verify(capsys, path)

    assert code == 1
    assert "The guard that keeps journal_lines append-only was removed." in out


def test_an_administrator_role_slipped_into_the_file_is_caught(capsys, ledger):
    path, _ = ledger
    execute_sql(path, "INSERT INTO role_grants (user_id, group_id, role) SELECT id, NULL, "
                      "'admin' FROM users WHERE username = 'treasurer'")

    code, out = verify(capsys, path)

    assert code == 1
    assert "treasurer holds the role admin that no administrator gave" in out, out


def test_a_password_replaced_in_the_file_is_caught(capsys, ledger):
    path, _ = ledger
    execute_sql(path, "UPDATE users SET password_hash = (SELECT password_hash FROM users "
                      "WHERE username = 'treasurer') WHERE username = 'admin'")

    code, out = verify(capsys, path)

    assert code == 1
    assert "The password of admin was changed behind the app's back." in out


def test_an_audit_event_removed_from_the_middle_is_caught(capsys, ledger):
    path, _ = ledger
    execute_sql(path, *drop_guards(path),
                "DELETE FROM audit_events WHERE id = (SELECT min(id) + 1 FROM audit_events)")
    restore_guards(path)

    code, out = verify(capsys, path)

    assert code == 1
    assert "The audit log was changed at event" in out
