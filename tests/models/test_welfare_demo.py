"""The demo's welfare fund: claims of every kind in every group, refusals with their
reasons, contributions that dip in lean months, and a ledger that verifies."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from models import demo
from models.core import verify
from models.core.schema import Group, JournalEntry, User
from models.demo.activity_welfare import ACTIVITY, REASONS
from models.welfare import fund as welfare_fund
from models.welfare import register as welfare_register

TODAY = dt.date(2026, 11, 20)


def build(db, seed: int = 3) -> None:  # noqa: ANN001
    demo.build_demo(db, seed=seed, groups=2, years=1, today=TODAY, activities=[ACTIVITY])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):  # noqa: ANN001, ANN201
    from models.core.migrate import open_database

    database = open_database(str(tmp_path_factory.mktemp("demo") / "demo.sqlite3"))
    build(database)
    yield database
    database.dispose()


def test_every_group_has_claims_of_each_kind_and_a_refusal(demo_db):
    with demo_db.read() as s:
        auditor = s.scalar(select(User).where(User.username == "auditor"))
        for group in s.scalars(select(Group)):
            claims = welfare_register.claims_register(s, auditor, group.id)
            kinds = Counter(c.type_name for c in claims)
            assert set(kinds) >= {"Hospitalization", "Surgery", "Childbirth",
                                  "Death of a member", "Death of a spouse, child or parent"}
            refused = [c for c in claims if c.status == "rejected"]
            assert refused
            assert all(c.rejection_reason in REASONS.values() for c in refused)
            assert any(c.status == "paid" for c in claims)
            assert welfare_fund.fund_position(s, group.id).cash >= 0
        assert [str(p) for p in verify.verify_database(s)] == []


def test_contributions_come_every_month_and_follow_the_season(demo_db):
    with demo_db.read() as s:
        kinds = Counter(s.scalars(select(JournalEntry.kind)))
        assert kinds["welfare_contribution"] > 100
        assert kinds["welfare_payout"] >= 2


def test_the_same_seed_gives_the_same_fund(demo_db, db):
    build(db)
    balances = []
    for database in (demo_db, db):
        with database.read() as s:
            balances.append([(g.name, welfare_fund.fund_position(s, g.id),
                              [(c.number, c.status, c.amount_asked, c.granted)
                               for c in welfare_register.claims_register(
                                   s, s.scalar(select(User).where(User.username == "admin")),
                                   g.id)])
                             for g in s.scalars(select(Group).order_by(Group.id))])
    assert balances[0] == balances[1]
