"""Helpers for the command-line tests: run ``kongthun`` in-process, build a demo ledger, post a
few deposits, and tamper with the file behind the app's back."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.cli import main
from models.core import clock
from models.core.db import Database, sqlite_url
from models.core.ledger import credit, debit, post_entry
from models.core.schema import APPEND_ONLY_TABLES, Group, Member, User
from models.demo import core as demo_core


@pytest.fixture(autouse=True)
def foundation_only_demo(monkeypatch):
    """In-process ``kongthun demo`` builds the foundation's part only (users, groups,
    members): these tests are about the commands, and the capabilities' activities are
    slow and tested by their authors. The installed-command test runs every activity."""
    monkeypatch.setattr(demo_core, "discover_activities", lambda package=None: [])


def kongthun(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``kongthun --lang en ARGV`` in this process: (exit code, stdout, stderr)."""
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def build_demo_ledger(capsys, path: Path, *extra: str) -> Path:
    code, out, err = kongthun(capsys, "demo", "--db", str(path), *extra)
    assert code == 0, err
    return path


def post_deposits(path: Path, *, group_id: int = 1, count: int = 4) -> None:
    """The treasurer records ``count`` deposits of 10,000, 20,000, ... kip in the last days."""
    database = Database(sqlite_url(path))
    try:
        with database.write() as session:
            treasurer = session.scalar(select(User).where(User.username == "treasurer"))
            member_ids = session.scalars(select(Member.id).where(Member.group_id == group_id)
                                         .order_by(Member.number)).all()
            for i in range(count):
                amount = 10_000 * (i + 1)
                post_entry(session, treasurer, group_id=group_id,
                           value_date=clock.today() - dt.timedelta(days=count - i),
                           kind="deposit", memo=f"deposit {i + 1}",
                           lines=[debit("cash", amount),
                                  credit("member_savings", amount,
                                         member_id=member_ids[i % len(member_ids)])])
    finally:
        database.dispose()


def group_name(path: Path, group_id: int = 1) -> str:
    database = Database(sqlite_url(path))
    try:
        with database.read() as session:
            return session.get(Group, group_id).name
    finally:
        database.dispose()


def tamper(path: Path, *statements: str) -> None:
    """Edit the file with plain sqlite3, as someone bypassing Kongthun would: first drop the
    append-only guards, then run ``statements``."""
    execute_sql(path, *(f"DROP TRIGGER IF EXISTS {table}_{suffix}"
                        for table in APPEND_ONLY_TABLES for suffix in ("no_update", "no_delete")),
                *statements)


def execute_sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def entry_id(path: Path, group_id: int, seq: int) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT id FROM journal_entries WHERE group_id = ? AND seq = ?",
                                  (group_id, seq)).fetchone()[0]
    finally:
        connection.close()


def audit_events(path: Path, action: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT username, ok, detail FROM audit_events WHERE action = ? ORDER BY id",
            (action,)).fetchall()
    finally:
        connection.close()
