"""``INSERT OR REPLACE`` deletes the row it replaces without firing the delete guard; every
append-only table refuses it, the loan and welfare tables too, and verify misses none of
the guards."""
from __future__ import annotations

import sqlite3

import pytest

from models.core.schema import APPEND_ONLY_TABLES
from models.core.verify import CAPABILITY_APPEND_ONLY_TABLES, verify_database

pytestmark = pytest.mark.sqlite_only  # INSERT OR REPLACE is SQLite's; a server has no such verb


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES + CAPABILITY_APPEND_ONLY_TABLES)
def test_every_append_only_table_refuses_replace(db, table):
    db.dispose()
    connection = sqlite3.connect(db.path)
    try:
        triggers = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert f"{table}_no_replace" in triggers
    finally:
        connection.close()


def test_a_loan_event_cannot_be_swapped_by_replace(db):
    db.dispose()
    connection = sqlite3.connect(db.path)
    try:
        connection.execute("INSERT INTO loan_events (id, loan_id, \"on\", at, user_id, kind, "
                           "amount, entry_id, note) VALUES (1, 1, '2026-11-01', "
                           "'2026-11-01 10:00:00', 1, 'repaid', 50000, NULL, '')")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("INSERT OR REPLACE INTO loan_events (id, loan_id, \"on\", at, "
                               "user_id, kind, amount, entry_id, note) VALUES (1, 1, "
                               "'2026-11-01', '2026-11-01 10:00:00', 1, 'repaid', 5000, "
                               "NULL, '')")
    finally:
        connection.close()


def test_verify_names_a_dropped_loan_replace_guard(db):
    db.dispose()
    connection = sqlite3.connect(db.path)
    connection.execute("DROP TRIGGER loan_installments_no_replace")
    connection.commit()
    connection.close()
    with db.read() as session:
        found = [str(p) for p in verify_database(session)]
    assert found == ["The guard that keeps loan_installments append-only was removed."]
