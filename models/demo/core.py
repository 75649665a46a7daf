"""The demo builder: plan every group from the seed, create users, groups and members through
the services, then walk each group's monthly meetings and let every activity act.

See the package docstring (``models/demo/__init__.py``) for the activity plug-in interface.
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib
import pkgutil
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import capability, clock, groups, members, users
from models.core.db import Database
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_
from models.core.permissions import Role
from models.core.schema import Group, JournalEntry, User
from models.demo.data import (
    DEMO_PASSWORD,
    DEMO_USERS,
    FAMILY_NAMES,
    KINDS,
    MAN_PREFIX,
    MEN_GIVEN,
    MORE_VILLAGES,
    USD_TO_LAK,
    WOMAN_PREFIX,
    WOMEN_GIVEN,
    GroupKind,
    Village,
)

MAX_GROUPS = 1_000
MAX_YEARS = 30
ADULT_DAYS = 18 * 366


@dataclass
class DemoMember:
    """A demo member as planned, with the id the ledger gave her. ``nssf`` is ``"active"``
    (paying into the voluntary scheme), ``"lapsed"`` (a former contributor) or ``None``;
    lapsed members keep their NSSF number. ``monthly_income`` is kip in an average month
    (the kind's Table 1 income, varied per member); scale it with the season through
    ``DemoContext.member_income``. Activities that record a member leaving or dying set
    ``status``/``status_date`` so later activities skip her."""

    number: int
    name_lao: str
    name_latin: str
    gender: str
    birth_date: dt.date
    joined_on: dt.date
    village: str
    phone: str | None
    nssf: str | None
    nssf_number: str | None
    community_health_insurance: bool
    private_insurance: bool
    monthly_income: int
    id: int = 0
    status: str = "active"
    status_date: dt.date | None = None

    def is_active_on(self, day: dt.date) -> bool:
        if self.joined_on > day:
            return False
        return self.status == "active" or (self.status_date is not None
                                            and self.status_date > day)


@dataclass
class DemoGroup:
    """One demo group: its kind (season, incomes, coverage), place, meeting calendar and
    members. ``state`` is a scratch dict for activities (key it by the activity's name)."""

    index: int
    kind: GroupKind
    village: Village
    name_lao: str
    name_latin: str
    meeting_time: dt.time
    meeting_dates: tuple[dt.date, ...]
    founded_on: dt.date
    seed: int
    weekly: bool = False
    members: list[DemoMember] = field(default_factory=list)
    id: int = 0
    state: dict[str, Any] = field(default_factory=dict)
    _rngs: dict[str, random.Random] = field(default_factory=dict, repr=False)

    def rng(self, stream: str) -> random.Random:
        """A random stream of this group for one activity (pass the activity's name): an
        activity that draws more or fewer numbers never shifts another's draws."""
        if stream not in self._rngs:
            self._rngs[stream] = random.Random(f"kongthun-demo:{self.seed}:{self.index}:{stream}")
        return self._rngs[stream]

    def active_members(self, day: dt.date) -> list[DemoMember]:
        return [m for m in self.members if m.is_active_on(day)]

    def month_opens(self, day: dt.date) -> bool:
        """Whether ``day`` is the group's first meeting of its month (every meeting of a
        group that meets monthly). Monthly business — new loans, welfare contributions and
        claims, the cycle's count of months — happens there."""
        return not self.weekly or (day - dt.timedelta(days=7)).month != day.month

    @property
    def meetings_per_month(self) -> Decimal:
        return Decimal(52) / 12 if self.weekly else Decimal(1)

    @property
    def starts_on(self) -> dt.date:
        """The day the group began keeping its books in Kongthun (before its first meeting)."""
        return self.meeting_dates[0] - dt.timedelta(days=1)


Hook = Callable[["DemoContext", DemoGroup], None]
MeetingHook = Callable[["DemoContext", DemoGroup, dt.date], None]
# (ctx, group, day, attendance {member id: status}) -> {(member id, column key): amount}
CellsHook = Callable[["DemoContext", DemoGroup, dt.date, dict[int, str]],
                     dict[tuple[int, str], int]]


@dataclass(frozen=True)
class Activity:
    """What one capability adds to the demo. Activities run in ``(order, name)`` order.
    ``meeting_cells``: what members pay in this capability's columns of the meeting grid;
    the activity that posts the meeting asks every activity before posting, so the grid
    holds everything paid at the meeting (as a treasurer's does)."""

    name: str
    order: int = 100
    setup: Hook | None = None
    on_meeting: MeetingHook | None = None
    finish: Hook | None = None
    meeting_cells: CellsHook | None = None


class DemoContext:
    """Handed to every activity hook. ``session`` is the open transaction of the group being
    built (never commit it); ``actor(role)`` is the demo user of that role attached to it."""

    def __init__(self, *, seed: int, years: int, today: dt.date,
                 demo_groups: Sequence[DemoGroup], activities: Sequence[Activity]) -> None:
        self.seed = seed
        self.years = years
        self.today = today
        self.groups = tuple(demo_groups)
        self.activities = tuple(activities)
        self.session: Session | None = None
        self.user_ids: dict[str, int] = {}
        self._actors: dict[str, User] = {}

    def actor(self, role: str) -> User:
        if self.session is None:
            raise RuntimeError("no group is being built")
        if role not in self._actors:
            self._actors[role] = self.session.get(User, self.user_ids[role])
        return self._actors[role]

    def income_factor(self, group: DemoGroup, month: int) -> Decimal:
        """How a month's income compares with the year's average for the group's kind
        (e.g. 1.30 for tailors in December, 0.60 in August; 1.00 all year for recyclers)."""
        return group.kind.income_factor(month)

    def is_high_season(self, group: DemoGroup, month: int) -> bool:
        return group.kind.is_high_season(month)

    def member_income(self, group: DemoGroup, member: DemoMember, month: int) -> int:
        """The member's income in kip for a month of her season, to the nearest 1,000 kip."""
        value = Decimal(member.monthly_income) * self.income_factor(group, month)
        return int((value / 1000).quantize(Decimal(1))) * 1000

    def _enter(self, session: Session | None) -> None:
        self.session = session
        self._actors = {}


@dataclass(frozen=True)
class DemoGroupSummary:
    id: int
    name: str
    name_latin: str
    members: int
    distance_km: int


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    years: int
    today: dt.date
    first_meeting: dt.date
    last_meeting: dt.date
    groups: tuple[DemoGroupSummary, ...]
    members: int
    women: int
    entries: int
    usernames: tuple[str, ...]
    password: str
    activities: tuple[str, ...]


def discover_activities(package: str | None = None) -> list[Activity]:
    """The capabilities' demo activities (each names its modules in its ``Capability``), in
    run order; with ``package``, every ``ACTIVITY`` of its ``activity_*.py`` modules."""
    if package is None:
        names = capability.demo_modules()
    else:
        pkg = importlib.import_module(package)
        names = [f"{package}.{info.name}" for info in sorted(pkgutil.iter_modules(pkg.__path__),
                                                             key=lambda m: m.name)
                 if info.name.startswith("activity_")]
    found: list[Activity] = []
    for name in names:
        module = importlib.import_module(name)
        activity = getattr(module, "ACTIVITY", None)
        if not isinstance(activity, Activity):
            raise TypeError(f"{module.__name__} must define ACTIVITY = Activity(...)")
        found.append(activity)
    return _ordered(found)


def _ordered(activities: Sequence[Activity]) -> list[Activity]:
    names = [a.name for a in activities]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"demo activities share a name: {sorted(duplicates)}")
    return sorted(activities, key=lambda a: (a.order, a.name))


def _month_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) - months
    return dt.date(index // 12, index % 12 + 1, day.day)


def meeting_calendar(today: dt.date, meeting_day: int, years: int, *,
                     weekly: bool = False) -> tuple[dt.date, ...]:
    """``years`` × 12 monthly meeting days on ``meeting_day`` (≤ 28), the last before
    ``today``; ``weekly``: ``years`` × 52 meetings a week apart, ending on that last day."""
    last = dt.date(today.year, today.month, meeting_day)
    if last >= today:
        last = _month_back(last, 1)
    if weekly:
        return tuple(last - dt.timedelta(weeks=k) for k in range(years * 52 - 1, -1, -1))
    return tuple(_month_back(last, k) for k in range(years * 12 - 1, -1, -1))


def plan_groups(seed: int, count: int, years: int, today: dt.date, *,
                weekly: bool = False) -> list[DemoGroup]:
    """Everything about the groups that does not need the database, from the seed alone."""
    used_names: dict[str, int] = {}
    planned = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        rng = random.Random(f"kongthun-demo:{seed}:{index}:plan")
        village = kind.villages[0] if index < len(KINDS) else rng.choice(MORE_VILLAGES)
        name_lao = f"{kind.name_lao} {village.name_lao}"
        name_latin = f"{village.name_latin} {kind.name_latin}"
        used_names[name_lao] = repeat = used_names.get(name_lao, 0) + 1
        if repeat > 1:  # the same kind in the same village again: number it
            name_lao, name_latin = f"{name_lao} {repeat}", f"{name_latin} {repeat}"
        dates = meeting_calendar(today, rng.randint(5, 25), years, weekly=weekly)
        founded = dates[0] - dt.timedelta(days=rng.randint(365, 6 * 365))
        group = DemoGroup(index=index, kind=kind, village=village, name_lao=name_lao,
                          name_latin=name_latin,
                          meeting_time=dt.time(rng.choice((8, 9, 10, 14)), 0),
                          meeting_dates=dates, founded_on=founded, seed=seed,
                          weekly=weekly)
        group.members = _plan_members(rng, group, today)
        planned.append(group)
    return planned


def _plan_members(rng: random.Random, group: DemoGroup, today: dt.date) -> list[DemoMember]:
    kind = group.kind
    n = kind.members
    genders = ["f"] * kind.women + ["m"] * (n - kind.women)
    rng.shuffle(genders)
    positions = list(range(n))
    nssf_positions = rng.sample(positions, kind.nssf_active + kind.nssf_lapsed)
    nssf = {p: ("active" if i < kind.nssf_active else "lapsed")
            for i, p in enumerate(nssf_positions)}
    chi = set(rng.sample(positions, kind.community_health_insurance))
    private = set(rng.sample(positions, kind.private_insurance))
    villages = kind.villages if group.index < len(KINDS) else (group.village,)
    last_join = group.meeting_dates[0] - dt.timedelta(days=1)
    span = (last_join - group.founded_on).days
    taken: set[str] = set()
    planned = []
    for position in range(n):
        number = position + 1
        gender = genders[position]
        while True:
            given = rng.choice(WOMEN_GIVEN if gender == "f" else MEN_GIVEN)
            family = rng.choice(FAMILY_NAMES)
            if given[1] + family[1] not in taken:
                taken.add(given[1] + family[1])
                break
        prefix = WOMAN_PREFIX if gender == "f" else MAN_PREFIX
        # Ages spread ±15 years around the kind's average (Table 1), integers only so the
        # same seed gives the same people on every machine.
        age = max(18, min(75, kind.average_age + rng.randint(-10, 10) + rng.randint(-5, 5)))
        birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        # Everyone joined before the first meeting, as an adult (long calendars make the
        # youngest a little older).
        birth = min(birth, last_join - dt.timedelta(days=ADULT_DAYS))
        joined = group.founded_on if position == 0 else \
            group.founded_on + dt.timedelta(days=rng.randint(0, span))
        joined = min(last_join, max(joined, birth + dt.timedelta(days=ADULT_DAYS)))
        phone = None
        if rng.randint(1, 100) <= 85:
            phone = f"020 {rng.choice('2579')}{rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        status = nssf.get(position)
        nssf_number = None
        if status is not None:
            nssf_number = f"{rng.randint(10, 99)}{group.index + 1:04d}{number:03d}"
        percent = rng.randint(60, 140)
        income = kind.annual_income_usd * USD_TO_LAK * percent // 1200
        planned.append(DemoMember(
            number=number, name_lao=f"{prefix} {given[0]} {family[0]}",
            name_latin=f"{given[1]} {family[1]}", gender=gender, birth_date=birth,
            joined_on=joined, village=villages[position % len(villages)].name_lao, phone=phone,
            nssf=status, nssf_number=nssf_number, community_health_insurance=position in chi,
            private_insurance=position in private,
            monthly_income=(income + 500) // 1000 * 1000))
    return planned


@dataclass(frozen=True)
class DemoProgress:
    """How far a build is: ``done`` of ``total`` steps (the users, then each group's
    meetings and its closing step); ``group`` is the group being built (1-based, of
    ``groups``) and its name, ``None`` before the first."""

    done: int
    total: int
    groups: int
    group: int | None = None
    group_name: str = ""


Progress = Callable[[DemoProgress], None]


def build_demo(database: Database, *, seed: int = 1, groups: int = 5, years: int = 2,
               today: dt.date | None = None,
               activities: Sequence[Activity] | None = None,
               progress: Progress | None = None, weekly: bool = False) -> DemoSummary:
    """Fill an empty ledger with the demo: ``groups`` groups (the study's five kinds, then the
    same kinds again in other villages), ``years`` years of monthly meetings ending before
    ``today`` (default: the clock's today), users ``admin``, ``treasurer``, ``leader``,
    ``auditor`` with password ``demo``. ``activities`` default to the discovered
    ``models/demo/activity_*.py``. The same seed, ``today`` and activities give the same
    ledger. One transaction for the users and one per group; the clock is frozen at each
    step (so every timestamp follows from the seed) and given back afterwards.
    ``progress`` is called after each step (a window shows it and stays responsive).
    ``weekly``: the groups meet every week (savings at each meeting, the monthly business
    at the first meeting of each month, ``DemoGroup.month_opens``)."""
    problems = []
    if not 1 <= groups <= MAX_GROUPS:
        problems.append(UserError(N_("The number of groups must be between 1 and {maximum}."),
                                  maximum=MAX_GROUPS))
    if not 1 <= years <= MAX_YEARS:
        problems.append(UserError(N_("The number of years must be between 1 and {maximum}."),
                                  maximum=MAX_YEARS))
    if problems:
        raise ValidationError(problems)
    ordered = discover_activities() if activities is None else _ordered(activities)
    saved_clock: dt.datetime | None = clock._override
    today = today or clock.today()
    plans = plan_groups(seed, groups, years, today, weekly=weekly)
    ctx = DemoContext(seed=seed, years=years, today=today, demo_groups=plans,
                      activities=ordered)
    total = 1 + sum(len(g.meeting_dates) + 1 for g in plans)
    done = 0

    def step(group: DemoGroup | None = None) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(DemoProgress(done, total, len(plans),
                                  None if group is None else group.index + 1,
                                  "" if group is None else group.name_lao))

    try:
        clock.set_now(dt.datetime.combine(min(g.starts_on for g in plans), dt.time(8, 0)))
        with database.write() as session:
            _refuse_data(session)
            ctx.user_ids = _create_users(session)
        step()
        for group in plans:
            with database.write() as session:
                ctx._enter(session)
                _build_group(ctx, group, functools.partial(step, group))
                ctx._enter(None)
    finally:
        ctx._enter(None)
        clock.set_now(saved_clock)
    with database.read() as session:
        entries = session.scalar(select(func.count(JournalEntry.id)))
    return DemoSummary(
        seed=seed, years=years, today=today,
        first_meeting=min(g.meeting_dates[0] for g in plans),
        last_meeting=max(g.meeting_dates[-1] for g in plans),
        groups=tuple(DemoGroupSummary(g.id, g.name_lao, g.name_latin, len(g.members),
                                      g.village.distance_km) for g in plans),
        members=sum(len(g.members) for g in plans),
        women=sum(1 for g in plans for m in g.members if m.gender == "f"),
        entries=int(entries or 0), usernames=tuple(name for name, _ in DEMO_USERS),
        password=DEMO_PASSWORD, activities=tuple(a.name for a in ordered))


def _refuse_data(session: Session) -> None:
    if users.has_users(session) or session.scalar(select(func.count(Group.id))):
        raise UserError(N_("This ledger already holds data. The demo is built only into a "
                           "new, empty ledger."))


def _create_users(session: Session) -> dict[str, int]:
    (admin_name, admin_display), *others = DEMO_USERS
    admin = users.create_first_admin(session, username=admin_name, display_name=admin_display,
                                     password=DEMO_PASSWORD, language="lo")
    ids = {admin_name: admin.id}
    for username, display in others:
        user = users.create_user(session, admin, username=username, display_name=display,
                                 password=DEMO_PASSWORD, language="lo")
        ids[username] = user.id
    return ids


def _build_group(ctx: DemoContext, group: DemoGroup, step: Callable[[], None]) -> None:
    session = ctx.session
    admin = ctx.actor("admin")
    clock.set_now(dt.datetime.combine(group.starts_on, group.meeting_time))
    row = groups.create_group(
        session, admin, name=group.name_lao, name_latin=group.name_latin,
        village=group.village.name_lao, district=group.village.district_lao,
        distance_km=group.village.distance_km, is_demo=True,
        meeting_frequency="weekly" if group.weekly else "monthly")
    group.id = row.id
    for role in (Role.TREASURER, Role.LEADER, Role.AUDITOR):
        users.grant_role(session, admin, user_id=ctx.user_ids[str(role)], role=role,
                         group_id=group.id)
    for member in group.members:
        added = members.add_member(session, admin, group_id=group.id,
                                   details=members.MemberDetails(
                                       name_lao=member.name_lao, name_latin=member.name_latin,
                                       gender=member.gender, joined_on=member.joined_on,
                                       birth_date=member.birth_date, village=member.village,
                                       occupation=group.kind.occupation_lao,
                                       phone=member.phone, nssf_number=member.nssf_number))
        member.id = added.id
    for activity in ctx.activities:
        if activity.setup is not None:
            activity.setup(ctx, group)
    for day in group.meeting_dates:
        clock.set_now(dt.datetime.combine(day, group.meeting_time))
        for activity in ctx.activities:
            if activity.on_meeting is not None:
                activity.on_meeting(ctx, group, day)
        step()
    clock.set_now(dt.datetime.combine(group.meeting_dates[-1], group.meeting_time))
    for activity in ctx.activities:
        if activity.finish is not None:
            activity.finish(ctx, group)
    step()
