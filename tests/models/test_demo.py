"""The demo ledger: the study's five groups, their members and users, a meeting calendar
activities plug into, the same ledger from the same seed.

The foundation's tests build without the capabilities' activities (``activities=[]``, or a
small savings activity of their own); one test builds with every discovered activity to
hold them all to the same-seed promise."""
from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections import Counter

import pytest
from sqlalchemy import select

from models.core import clock, ledger, users
from models.core.errors import UserError, ValidationError
from models.core.ledger import credit, debit
from models.core.permissions import Role, roles_of
from models.core.schema import Group, Member, User
from models.core.verify import verify_database
from models.demo import Activity, build_demo, discover_activities, meeting_calendar, plan_groups
from models.demo.data import KINDS, MORE_VILLAGES
from tests.conftest import TODAY, drop_database, fresh_database

LAO = re.compile("[\u0e80-\u0eff]")


@pytest.fixture
def other_db(template_db, tmp_path, server):
    database = fresh_database(template_db, tmp_path, server, name="other")
    yield database
    drop_database(database, server)


def savings_activity() -> Activity:
    """What a savings capability might add: at every meeting each active member saves a
    seeded share of her month's income (so the season shows in the ledger)."""

    def on_meeting(ctx, group, day):
        rng = group.rng("test-savings")
        treasurer = ctx.actor("treasurer")
        for member in group.active_members(day):
            income = ctx.member_income(group, member, day.month)
            amount = income * rng.randint(2, 5) // 100 // 1000 * 1000
            if amount:
                ledger.post_entry(ctx.session, treasurer, group_id=group.id, value_date=day,
                                  kind="deposit", lines=[
                                      debit("cash", amount),
                                      credit("member_savings", amount, member_id=member.id)])

    return Activity(name="test-savings", order=10, on_meeting=on_meeting)


def test_the_demo_holds_the_five_groups_of_the_study(db):
    summary = build_demo(db, seed=1, activities=[])

    assert [g.name_latin for g in summary.groups] == [
        "Sikhay tailors", "Dongmakkhai bamboo-tray makers", "Nonsavang recyclers",
        "Nakhoun organic-vegetable farmers", "Napo hand weavers"]
    assert [g.members for g in summary.groups] == [9, 12, 9, 23, 22]
    assert [g.distance_km for g in summary.groups] == [9, 17, 30, 40, 69]
    assert (summary.members, summary.women) == (75, 69)
    with db.read() as s:
        groups = s.scalars(select(Group).order_by(Group.id)).all()
        assert all(g.is_demo for g in groups)
        assert all(LAO.search(g.name) and LAO.search(g.village) for g in groups)
        people = s.scalars(select(Member).order_by(Member.group_id, Member.number)).all()
        by_group = {g.id: [m for m in people if m.group_id == g.id] for g in groups}
        women = [sum(m.gender == "f" for m in ms) for ms in by_group.values()]
        assert women == [8, 12, 7, 20, 22]
        # Members with an NSSF number: the voluntary contributors of Table 2 plus the former
        # contributors (~15 % of 75), who keep their number.
        assert [sum(m.nssf_number is not None for m in ms)
                for ms in by_group.values()] == [3, 7, 0, 0, 16]
        assert len({m.nssf_number for m in people if m.nssf_number}) == 26
        assert all(LAO.search(m.name_lao) and m.name_latin.isascii() for m in people)
        assert all(m.name_lao.startswith("ນາງ " if m.gender == "f" else "ທ້າວ ")
                   for m in people)
        assert len({(m.group_id, m.name_latin) for m in people}) == 75
        ages = [(TODAY.date() - m.birth_date).days / 365.25 for m in people]
        assert 40 < sum(ages) / len(ages) < 47 and min(ages) >= 18
        # Everyone joined before the group's books moved into Kongthun.
        assert all(m.birth_date < m.joined_on <= g.created_at.date()
                   for g in groups for m in by_group[g.id])
        assert all(re.fullmatch(r"020 [2579]\d{3} \d{4}", m.phone) for m in people if m.phone)
        assert {m.occupation for m in by_group[5]} == {KINDS[4].occupation_lao}


def test_demo_users_log_in_with_demo_and_have_their_role_in_every_group(db):
    build_demo(db, seed=1, groups=6, years=1, activities=[])

    for name in ("admin", "treasurer", "leader", "auditor"):
        user = users.login(db, name, "demo")
        with db.read() as s:
            user = s.get(User, user.id)
            for group_id in s.scalars(select(Group.id)):
                assert Role(name) in roles_of(s, user, group_id), (name, group_id)


def test_meetings_are_monthly_dated_by_the_clock_and_end_before_today(db):
    calls = []

    def setup(ctx, group):
        calls.append(("setup", group.index, clock.today()))

    def on_meeting(ctx, group, day):
        calls.append(("meeting", group.index, day, clock.today()))

    def finish(ctx, group):
        calls.append(("finish", group.index, clock.today()))

    first = Activity(name="first", order=1, on_meeting=lambda ctx, g, d: calls.append(("first", d)))
    summary = build_demo(db, seed=3, groups=2, years=2, activities=[
        Activity(name="recorder", order=5, setup=setup, on_meeting=on_meeting, finish=finish),
        first])

    assert clock.now() == TODAY  # the builder gives the clock back
    meetings = [c for c in calls if c[0] == "meeting" and c[1] == 0]
    days = [c[2] for c in meetings]
    assert len(days) == 24 and all(c[2] == c[3] for c in meetings)
    assert len({d.day for d in days}) == 1
    assert all((b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
               for a, b in zip(days, days[1:]))
    assert 0 < (TODAY.date() - days[-1]).days <= 31
    assert summary.last_meeting < TODAY.date()
    # Per group: setup the day before the first meeting, then the meetings, then finish;
    # at each meeting the lower order runs first.
    group0 = [c for c in calls if c[0] != "first" and c[1] == 0]
    assert group0[0] == ("setup", 0, days[0] - dt.timedelta(days=1))
    assert group0[-1] == ("finish", 0, days[-1])
    assert calls[1] == ("first", days[0]) and calls[2][0] == "meeting"


def test_meeting_calendar_skips_a_meeting_that_falls_today():
    assert meeting_calendar(dt.date(2026, 11, 20), 20, 1)[-1] == dt.date(2026, 10, 20)
    assert meeting_calendar(dt.date(2026, 11, 20), 19, 1)[-1] == dt.date(2026, 11, 19)
    assert meeting_calendar(dt.date(2026, 1, 10), 5, 1)[0] == dt.date(2025, 2, 5)


def test_the_same_seed_gives_the_same_ledger_byte_for_byte(db, other_db):
    activity = savings_activity()
    one = build_demo(db, seed=7, groups=3, years=1, activities=[activity])
    two = build_demo(other_db, seed=7, groups=3, years=1, activities=[activity])

    assert one == two and one.entries > 200

    def fingerprint(database):
        with database.read() as s:
            groups = s.scalars(select(Group).order_by(Group.id)).all()
            return [(g.name, g.entry_count, g.head_hash, ledger.trial_balance(s, g.id),
                     ledger.member_balances(s, g.id, "member_savings"),
                     [(m.name_lao, m.birth_date, m.phone, m.nssf_number) for m in
                      s.scalars(select(Member).where(Member.group_id == g.id))])
                    for g in groups]

    assert fingerprint(db) == fingerprint(other_db)
    with db.read() as s:
        assert verify_database(s) == []


def test_with_every_capabilitys_activity_the_same_seed_still_gives_the_same_ledger(
        db, other_db):
    one = build_demo(db, seed=5, groups=1, years=1)
    two = build_demo(other_db, seed=5, groups=1, years=1)

    assert one == two
    with db.read() as a, other_db.read() as b:
        first, second = a.get(Group, 1), b.get(Group, 1)
        assert (first.entry_count, first.head_hash) == (second.entry_count, second.head_hash)
        assert ledger.trial_balance(a, 1) == ledger.trial_balance(b, 1)
        assert verify_database(a) == []


def test_another_seed_gives_other_people_and_other_amounts(db, other_db):
    activity = savings_activity()
    build_demo(db, seed=1, groups=2, years=1, activities=[activity])
    build_demo(other_db, seed=2, groups=2, years=1, activities=[activity])
    with db.read() as a, other_db.read() as b:
        names_a = a.scalars(select(Member.name_latin).order_by(Member.id)).all()
        names_b = b.scalars(select(Member.name_latin).order_by(Member.id)).all()
        assert names_a != names_b
        assert ledger.balance(a, 1, "cash") != ledger.balance(b, 1, "cash")


def test_seasons_follow_the_study_and_reach_the_ledger(db):
    build_demo(db, seed=1, groups=5, years=1, activities=[savings_activity()])
    tailors, _trays, recyclers, vegetables, weavers = plan_groups(1, 5, 1, TODAY.date())
    factor = tailors.kind.income_factor
    assert factor(12) > factor(8) and weavers.kind.is_high_season(3)
    assert vegetables.kind.income_factor(8) > vegetables.kind.income_factor(2)
    assert {recyclers.kind.income_factor(m) for m in range(1, 13)} == {1}
    assert not recyclers.kind.is_high_season(12)

    with db.read() as s:
        def saved_in(group_id, months):
            from models.core.schema import JournalEntry
            entries = s.scalars(select(JournalEntry).where(JournalEntry.group_id == group_id))
            return sum(ln.amount for e in entries if e.value_date.month in months
                       for ln in e.lines if ln.amount > 0)
        # Tailors save more from November to May than in the lean rainy months, and the
        # vegetable farmers the other way round (per month, the same members).
        assert saved_in(1, {12, 1, 2}) > 1.5 * saved_in(1, {7, 8, 9})
        assert saved_in(4, {7, 8, 9}) > 1.3 * saved_in(4, {2, 3, 4})


def test_more_groups_repeat_the_five_kinds_in_other_villages(db):
    planned = plan_groups(1, 100, 10, TODAY.date())

    assert Counter(g.kind.key for g in planned) == {k.key: 20 for k in KINDS}
    assert len({g.name_lao for g in planned}) == 100
    assert len({g.name_latin for g in planned}) == 100
    assert {g.village for g in planned[5:]} <= set(MORE_VILLAGES)
    assert all(5 <= g.village.distance_km <= 69 for g in planned)
    numbers = [m.nssf_number for g in planned for m in g.members if m.nssf_number]
    assert len(numbers) == len(set(numbers)) == 20 * 26
    # Ten years of meetings: everyone still joined as an adult before the first one.
    assert all(m.joined_on >= m.birth_date + dt.timedelta(days=18 * 365)
               and m.joined_on < g.meeting_dates[0] for g in planned for m in g.members)

    summary = build_demo(db, seed=1, groups=12, years=1, activities=[])
    assert summary.members == 2 * 75 + 9 + 12 and len(summary.groups) == 12


def test_the_demo_is_built_only_into_an_empty_ledger(db, env):
    with pytest.raises(UserError, match="already holds data"):
        build_demo(db, activities=[])
    with db.read() as s:
        assert s.scalars(select(Group.name)).all() == ["ກຸ່ມຕັດຫຍິບ"]


def test_sizes_out_of_range_are_refused_all_at_once(db):
    with pytest.raises(ValidationError) as caught:
        build_demo(db, groups=0, years=31, activities=[])
    assert [str(p) for p in caught.value.problems] == [
        "The number of groups must be between 1 and 1000.",
        "The number of years must be between 1 and 30."]


def test_a_failing_activity_stops_the_build_and_gives_the_clock_back(db):
    def on_meeting(ctx, group, day):
        if group.index == 1:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        build_demo(db, groups=3, years=1, activities=[Activity("broken", on_meeting=on_meeting)])
    assert clock.now() == TODAY
    with db.read() as s:  # the failing group's transaction was rolled back
        assert s.scalars(select(Group.name_latin)).all() == ["Sikhay tailors"]


def test_activity_modules_are_discovered_in_order(tmp_path, monkeypatch):
    package = tmp_path / "demo_plugins_for_test"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, order in (("activity_loans", 30), ("activity_savings", 10),
                        ("activity_welfare", 10)):
        (package / f"{name}.py").write_text(textwrap.dedent(f"""
            from models.demo import Activity
            ACTIVITY = Activity(name="{name[9:]}", order={order})
        """))
    (package / "helpers.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    assert [a.name for a in discover_activities("demo_plugins_for_test")] == [
        "savings", "welfare", "loans"]

    (package / "activity_broken.py").write_text("ACTIVITY = None\n")
    with pytest.raises(TypeError, match="ACTIVITY"):
        discover_activities("demo_plugins_for_test")
