"""A demo ledger for the export tests: the tailors' group, two years of meetings with every
capability's activity (savings, loans, welfare, share-out), one deposit reversed. Built once
per run; each test gets its own copy (exports write their audit event)."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from models.core import clock, ledger
from models.core.db import Database, sqlite_url
from models.core.migrate import open_database
from models.core.schema import JournalEntry, User
from models.demo import build_demo

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("auditor") / "demo.sqlite3"
    database = open_database(str(path))
    build_demo(database, seed=3, groups=1, years=2, today=TODAY)
    clock.set_now(dt.datetime(2026, 11, 20, 9, 30))
    with database.write() as session:
        treasurer = session.scalar(select(User).where(User.username == "treasurer"))
        deposit = session.scalar(select(JournalEntry).where(JournalEntry.kind == "savings_deposit")
                                 .order_by(JournalEntry.seq.desc()).limit(1))
        ledger.reverse_entry(session, treasurer, entry_id=deposit.id,
                             reason="typed twice")
    database.dispose()
    return path


@pytest.fixture
def demo(demo_template, tmp_path) -> Database:
    path = tmp_path / "ledger.sqlite3"
    shutil.copyfile(demo_template, path)
    database = Database(sqlite_url(path))
    yield database
    database.dispose()


def user(database: Database, name: str) -> User:
    with database.read() as session:
        found = session.scalar(select(User).where(User.username == name))
        session.expunge(found)
        return found
