"""Shared fixtures: a migrated ledger per test (copied from one template migrated once per
run), users of every role, a group with members.

The engine: SQLite files by default. With ``KONGTHUN_TEST_DATABASE_URL`` naming a PostgreSQL
server (a role that may create databases), every test's ledger is instead a database cloned
from a migrated template (``CREATE DATABASE ... TEMPLATE``); tests that are about SQLite
files (backups of the file, pragmas, raw ``sqlite3``) carry ``@pytest.mark.sqlite_only`` and
are skipped there."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from models.core import capability, clock, groups, i18n, members, users  # noqa: E402
from models.core.db import Database, sqlite_url  # noqa: E402
from models.core.migrate import open_database  # noqa: E402
from models.core.schema import Group, Member, User  # noqa: E402

capability.load()  # as every front end does: all capabilities, or a loud stop

TODAY = dt.datetime(2026, 11, 20, 9, 30)


SERVER_URL = os.environ.get("KONGTHUN_TEST_DATABASE_URL", "")
ENGINE = make_url(SERVER_URL).get_backend_name() if SERVER_URL else "sqlite"


def pytest_collection_modifyitems(config, items) -> None:
    if ENGINE == "sqlite":
        return
    skip = pytest.mark.skip(reason="SQLite only (KONGTHUN_TEST_DATABASE_URL names a server)")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config) -> str:
    if ENGINE == "sqlite":
        return "kongthun engine: sqlite"
    return "kongthun engine: " + make_url(SERVER_URL).render_as_string(hide_password=True)


class ServerDatabases:
    """Databases on the test server: one template migrated once, then a clone per test."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.prefix = f"kt{os.getpid()}_"
        self.count = 0

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, *, template: str | None = None) -> str:
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            # FILE_COPY: a plain copy of the template's files, faster than WAL_LOG for a
            # small database.
            suffix = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
            c.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        return self.url_of(name)

    def clone(self, template: str) -> tuple[str, str]:
        self.count += 1
        name = f"{self.prefix}{self.count}"
        return name, self.create(name, template=template)

    def drop(self, name: str) -> None:
        """Drop a test's database; one still held by a server process the test role may
        not end (autovacuum, say) is left for the end of the run."""
        for attempt in range(5):
            try:
                with self.admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                time.sleep(0.2 * (attempt + 1))


@pytest.fixture(scope="session")
def server() -> ServerDatabases | None:
    if ENGINE == "sqlite":
        yield None
        return
    databases = ServerDatabases(SERVER_URL)
    yield databases
    with databases.admin.connect() as c:
        names = c.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                          {"p": databases.prefix + "%"}).scalars().all()
    for name in names:
        databases.drop(name)
    databases.admin.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory, server):
    """The migrated template: a file path on SQLite, a database name on a server."""
    if server is not None:
        name = server.prefix + "template"
        database = open_database(server.create(name))
        database.dispose()
        return name
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = open_database(str(path))
    database.dispose()
    return path


def fresh_database(template_db, tmp_path: Path, server, name: str = "ledger") -> Database:
    """A new migrated ledger for one test, on the engine this run uses (on a server it is
    dropped by ``drop_database``)."""
    if server is not None:
        _, url = server.clone(template_db)
        return Database(url)
    path = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(template_db, path)
    return Database(sqlite_url(path))


def copy_database(database: Database, folder: Path, server) -> Database:
    """A copy of ``database`` as it is now (disposed first: a copy needs it closed), for
    property tests whose examples must each start from the same ledger."""
    database.dispose()
    if server is not None:
        _, url = server.clone(make_url(database.url).database)
        return Database(url)
    path = folder / "copy.sqlite3"
    shutil.copyfile(database.path, path)
    return Database(sqlite_url(path))


def drop_database(database: Database, server) -> None:
    database.dispose()
    if server is not None:
        server.drop(make_url(database.url).database)


@pytest.fixture(autouse=True)
def _frozen_clock_and_language():
    """Every test starts on 20/11/2026 in English; tests that need Lao switch."""
    clock.set_now(TODAY)
    i18n.set_language("en")
    yield
    clock.set_now(None)
    i18n.set_language("en")


@pytest.fixture
def db(template_db, tmp_path, server) -> Database:
    database = fresh_database(template_db, tmp_path, server)
    yield database
    drop_database(database, server)


@dataclass
class Env:
    """A group with one user per role and three members. Users are detached copies; use
    ``env.user(session, "treasurer")`` inside a session."""

    db: Database
    group_id: int
    member_ids: list[int]
    user_ids: dict[str, int]

    def user(self, session, role: str) -> User:
        return session.get(User, self.user_ids[role])

    def group(self, session) -> Group:
        return session.get(Group, self.group_id)

    def member(self, session, index: int = 0) -> Member:
        return session.get(Member, self.member_ids[index])


@pytest.fixture
def env(db) -> Env:
    with db.write() as s:
        admin = users.create_first_admin(s, username="admin", display_name="Admin",
                                          password="demo")
        group = groups.create_group(s, admin, name="ກຸ່ມຕັດຫຍິບ", name_latin="Tailors",
                                    village="Ban Nongbone")
        ids = {"admin": admin.id}
        for role in ("treasurer", "leader", "auditor"):
            u = users.create_user(s, admin, username=role, display_name=role.title(),
                                  password="demo")
            users.grant_role(s, admin, user_id=u.id, role=role, group_id=group.id)
            ids[role] = u.id
        member_ids = []
        for name, latin, gender in [("ນາງ ແກ້ວ", "Keo", "f"), ("ນາງ ບົວ", "Bua", "f"),
                                    ("ທ້າວ ສົມ", "Som", "m")]:
            row = members.add_member(s, admin, group_id=group.id, details=members.MemberDetails(
                name_lao=name, name_latin=latin, gender=gender, joined_on=dt.date(2024, 1, 5)))
            member_ids.append(row.id)
        gid = group.id
    return Env(db, gid, member_ids, ids)


@pytest.fixture(scope="session")
def demo_ledger(tmp_path_factory) -> Path:
    """The demo a new treasurer loads from the first-run question (seed 1, five groups,
    two years, ending before 20/11/2026), built once per run; copy it before changing it."""
    from models.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    database = open_database(str(path))
    clock.set_now(TODAY)
    try:
        build_demo(database, seed=1)
    finally:
        clock.set_now(None)
        database.dispose()
    return path
