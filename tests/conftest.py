"""Shared fixtures: a migrated ledger per test (copied from one template migrated once per
run), users of every role, a group with members."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from models import clock, groups, i18n, members, users  # noqa: E402
from models.db import Database, open_database, sqlite_url  # noqa: E402
from models.schema import Group, Member, User  # noqa: E402

TODAY = dt.datetime(2026, 11, 20, 9, 30)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = open_database(str(path))
    database.dispose()
    return path


@pytest.fixture(autouse=True)
def _frozen_clock_and_language():
    """Every test starts on 20/11/2026 in English; tests that need Lao switch."""
    clock.set_now(TODAY)
    i18n.set_language("en")
    yield
    clock.set_now(None)
    i18n.set_language("en")


@pytest.fixture
def db(template_db, tmp_path) -> Database:
    path = tmp_path / "ledger.sqlite3"
    shutil.copyfile(template_db, path)
    database = Database(sqlite_url(path))
    yield database
    database.dispose()


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
