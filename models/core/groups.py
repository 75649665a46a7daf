"""Groups: creating them (with their chart of accounts) and editing their details."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_
from models.core.money import CURRENCIES, Currency, currency
from models.core.permissions import Permission, has_permission, require
from models.core.schema import Group, Member, RoleGrant, User

FREQUENCIES = ("weekly", "fortnightly", "monthly")
FREQUENCY_NAMES = {"weekly": N_("Weekly"), "fortnightly": N_("Every two weeks"),
                   "monthly": N_("Monthly")}


def group_currency(session: Session, group_id: int) -> Currency:
    """The currency the group keeps its books in (chosen once, when it was created): the
    one lookup every screen, paper and service uses to read or show its amounts."""
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No such group."))
    return currency(group.currency)


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    name_latin: str | None
    village: str | None
    district: str | None
    currency: str
    meeting_frequency: str
    distance_km: int | None
    is_demo: bool
    active_members: int


def _validate(name: str, currency: str, meeting_frequency: str,
              distance_km: int | None) -> None:
    problems = []
    if not name.strip():
        problems.append(UserError(N_("Enter the group's name.")))
    if currency not in CURRENCIES:
        problems.append(UserError(N_("Unknown currency {code}."), code=currency))
    if meeting_frequency not in FREQUENCIES:
        problems.append(UserError(N_("Choose how often the group meets.")))
    if distance_km is not None and not 0 <= distance_km <= 2000:
        problems.append(UserError(N_("The distance must be between 0 and 2,000 km.")))
    if problems:
        raise ValidationError(problems)


def create_group(session: Session, actor: User, *, name: str, village: str | None = None,
                 district: str | None = None, name_latin: str | None = None,
                 currency: str = "LAK", meeting_frequency: str = "monthly",
                 distance_km: int | None = None, is_demo: bool = False) -> Group:
    require(session, actor, Permission.MANAGE_GROUPS, None)
    _validate(name, currency, meeting_frequency, distance_km)
    group = Group(name=name.strip(), name_latin=(name_latin or "").strip() or None,
                  village=(village or "").strip() or None,
                  district=(district or "").strip() or None, currency=currency,
                  meeting_frequency=meeting_frequency, distance_km=distance_km,
                  is_demo=is_demo, created_at=clock.now(), entry_count=0, head_hash=None)
    session.add(group)
    session.flush()
    chart.create_standard_accounts(session, group.id)
    audit.record(session, actor, "group.create", group_id=group.id, name=group.name)
    return group


def update_group(session: Session, actor: User, group_id: int, *, name: str,
                 village: str | None, district: str | None, name_latin: str | None,
                 meeting_frequency: str, distance_km: int | None) -> None:
    """Edit a group's details. The currency cannot change once money is recorded."""
    require(session, actor, Permission.MANAGE_GROUPS, group_id)
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No such group."))
    _validate(name, group.currency, meeting_frequency, distance_km)
    before = {"name": group.name, "village": group.village, "district": group.district,
              "name_latin": group.name_latin, "meeting_frequency": group.meeting_frequency,
              "distance_km": group.distance_km}
    group.name = name.strip()
    group.village = (village or "").strip() or None
    group.district = (district or "").strip() or None
    group.name_latin = (name_latin or "").strip() or None
    group.meeting_frequency = meeting_frequency
    group.distance_km = distance_km
    audit.record(session, actor, "group.update", group_id=group_id, before=before)


def get_group(session: Session, group_id: int) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(N_("No such group."))
    return group


def visible_groups(session: Session, actor: User) -> list[GroupRow]:
    """The groups the user has any role in (all of them for an all-groups grant)."""
    grants = session.execute(select(RoleGrant.group_id).where(RoleGrant.user_id == actor.id)).all()
    ids = {g for (g,) in grants}
    query = select(Group).order_by(Group.name)
    if None not in ids:
        query = query.where(Group.id.in_(ids))
    counts = dict(session.execute(select(Member.group_id, func.count(Member.id))
                                  .where(Member.status == "active")
                                  .group_by(Member.group_id)).all())
    return [GroupRow(g.id, g.name, g.name_latin, g.village, g.district, g.currency,
                     g.meeting_frequency, g.distance_km, g.is_demo, counts.get(g.id, 0))
            for g in session.scalars(query)
            if has_permission(session, actor, Permission.READ, g.id)]


def has_demo_data(session: Session) -> bool:
    return session.scalar(select(Group.id).where(Group.is_demo.is_(True)).limit(1)) is not None
