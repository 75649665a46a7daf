"""Members of a group: details with a history of every change, leaving and death."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from models.core import audit, clock
from models.core.errors import NotFound, UserError, ValidationError
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import Member, MemberChange, User

GENDERS = ("f", "m", "x")
GENDER_NAMES = {"f": N_("Woman"), "m": N_("Man"), "x": N_("Other")}
STATUSES = ("active", "left", "deceased")
STATUS_NAMES = {"active": N_("Active"), "left": N_("Left"), "deceased": N_("Deceased")}


@dataclass(frozen=True)
class MemberDetails:
    """What the member form edits."""

    name_lao: str
    gender: str
    joined_on: dt.date
    name_latin: str | None = None
    birth_date: dt.date | None = None
    village: str | None = None
    occupation: str | None = None
    phone: str | None = None
    id_number: str | None = None
    nssf_number: str | None = None


@dataclass(frozen=True)
class MemberRow:
    id: int
    group_id: int
    number: int
    name_lao: str
    name_latin: str | None
    gender: str
    birth_date: dt.date | None
    village: str | None
    occupation: str | None
    phone: str | None
    id_number: str | None
    nssf_number: str | None
    joined_on: dt.date
    status: str
    status_date: dt.date | None

    @property
    def display_name(self) -> str:
        return self.name_lao if not self.name_latin else f"{self.name_lao} ({self.name_latin})"


@dataclass(frozen=True)
class ChangeRow:
    changed_at: dt.datetime
    username: str
    field: str
    old_value: str | None
    new_value: str | None


def _row(m: Member) -> MemberRow:
    return MemberRow(m.id, m.group_id, m.number, m.name_lao, m.name_latin, m.gender,
                     m.birth_date, m.village, m.occupation, m.phone, m.id_number,
                     m.nssf_number, m.joined_on, m.status, m.status_date)


def has_lao(text: str | None) -> bool:
    return any("\u0e80" <= ch <= "\u0eff" for ch in text or "")


def _clean(details: MemberDetails) -> MemberDetails:
    """Tidied details. One name is enough, in Lao or in Latin letters: a member known
    only by a Latin name keeps it as her main name (``name_lao``, the name shown
    everywhere) with no second name."""
    def tidy(v):  # noqa: ANN001, ANN202
        return (v.strip() or None) if isinstance(v, str) else v
    values = {f.name: tidy(getattr(details, f.name)) for f in fields(details)}
    if not values["name_lao"] and values["name_latin"]:
        values["name_lao"], values["name_latin"] = values["name_latin"], None
    values["name_lao"] = values["name_lao"] or ""
    return MemberDetails(**values)


def _validate(session: Session, details: MemberDetails, member_id: int | None) -> None:
    problems = []
    if not details.name_lao:
        problems.append(UserError(N_("Enter the member's name.")))
    if details.gender not in GENDERS:
        problems.append(UserError(N_("Choose woman, man or other.")))
    today = clock.today()
    if details.joined_on > today:
        problems.append(UserError(N_("The joining date is in the future.")))
    if details.birth_date is not None:
        if details.birth_date > today:
            problems.append(UserError(N_("The birth date is in the future.")))
        elif details.birth_date < dt.date(1900, 1, 1):
            problems.append(UserError(N_("The birth date is too long ago.")))
        elif details.birth_date > details.joined_on:
            problems.append(UserError(N_("The member joined before being born.")))
    if details.phone and not all(c.isdigit() or c in "+- " for c in details.phone):
        problems.append(UserError(N_("A phone number has only digits, spaces, + and -.")))
    if details.nssf_number:
        clash = session.scalar(select(Member.id).where(Member.nssf_number == details.nssf_number,
                                                       Member.id != (member_id or 0)))
        if clash:
            problems.append(UserError(N_("The NSSF number {number} belongs to another member."),
                                      number=details.nssf_number))
    if problems:
        raise ValidationError(problems)


def validate_details(session: Session, details: MemberDetails,
                     member_id: int | None = None) -> MemberDetails:
    """The member form's checks for other entry points (the opening import): returns the
    tidied details or raises ``ValidationError`` listing every problem."""
    details = _clean(details)
    _validate(session, details, member_id)
    return details


def add_member(session: Session, actor: User, *, group_id: int,
               details: MemberDetails) -> MemberRow:
    require(session, actor, Permission.MANAGE_MEMBERS, group_id)
    details = _clean(details)
    _validate(session, details, None)
    number = (session.scalar(select(func.max(Member.number))
                             .where(Member.group_id == group_id)) or 0) + 1
    member = Member(group_id=group_id, number=number, status="active",
                    **{f.name: getattr(details, f.name) for f in fields(details)})
    session.add(member)
    session.flush()
    session.add(MemberChange(member_id=member.id, changed_at=clock.now(), user_id=actor.id,
                             field="created", old_value=None, new_value=member.name_lao))
    audit.record(session, actor, "member.add", group_id=group_id, member=member.id)
    return _row(member)


def update_member(session: Session, actor: User, *, member_id: int,
                  details: MemberDetails) -> MemberRow:
    member = _get(session, member_id)
    require(session, actor, Permission.MANAGE_MEMBERS, member.group_id)
    details = _clean(details)
    _validate(session, details, member.id)
    changed = []
    for f in fields(details):
        old, new = getattr(member, f.name), getattr(details, f.name)
        if old != new:
            setattr(member, f.name, new)
            changed.append(f.name)
            session.add(MemberChange(member_id=member.id, changed_at=clock.now(),
                                     user_id=actor.id, field=f.name,
                                     old_value=_text(old), new_value=_text(new)))
    if changed:
        audit.record(session, actor, "member.update", group_id=member.group_id,
                     member=member.id, fields=changed)
    return _row(member)


def set_status(session: Session, actor: User, *, member_id: int, status: str,
               on: dt.date, note: str = "") -> MemberRow:
    """Mark a member as left or deceased (or back to active). Settling their money is the
    savings module's settlement; this records the status and its date."""
    member = _get(session, member_id)
    require(session, actor, Permission.MANAGE_MEMBERS, member.group_id)
    if status not in STATUSES:
        raise UserError(N_("Unknown member status."))
    if status == member.status:
        raise UserError(N_("The member's status is already that."))
    if on > clock.today() or on < member.joined_on:
        raise UserError(N_("The date must be between joining and today."))
    session.add(MemberChange(member_id=member.id, changed_at=clock.now(), user_id=actor.id,
                             field="status", old_value=member.status,
                             new_value=f"{status} {on.isoformat()} {note}".strip()))
    member.status = status
    member.status_date = None if status == "active" else on
    audit.record(session, actor, "member.status", group_id=member.group_id,
                 member=member.id, status=status, on=on)
    return _row(member)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _get(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(N_("No such member."))
    return member


def get_member(session: Session, actor: User, member_id: int) -> MemberRow:
    member = _get(session, member_id)
    require(session, actor, Permission.READ, member.group_id)
    return _row(member)


def list_members(session: Session, actor: User, group_id: int, *, search: str = "",
                 include_inactive: bool = True) -> list[MemberRow]:
    """Members by number; ``search`` matches Lao or Latin name, number, village, phone,
    NSSF number (case-insensitive, anywhere in the text)."""
    require(session, actor, Permission.READ, group_id)
    query = select(Member).where(Member.group_id == group_id).order_by(Member.number)
    if not include_inactive:
        query = query.where(Member.status == "active")
    text = search.strip()
    if text:
        like = f"%{text.lower()}%"
        conditions: list[ColumnElement[bool]] = [func.lower(Member.name_lao).like(like),
                      func.lower(Member.name_latin).like(like),
                      func.lower(Member.village).like(like),
                      Member.phone.like(like), Member.nssf_number.like(like)]
        if text.isdigit():
            conditions.append(Member.number == int(text))
        query = query.where(or_(*conditions))
    return [_row(m) for m in session.scalars(query)]


def member_history(session: Session, actor: User, member_id: int) -> list[ChangeRow]:
    member = _get(session, member_id)
    require(session, actor, Permission.READ, member.group_id)
    rows = session.execute(select(MemberChange, User.username)
                           .join(User, User.id == MemberChange.user_id)
                           .where(MemberChange.member_id == member_id)
                           .order_by(MemberChange.id))
    return [ChangeRow(c.changed_at, u, c.field, c.old_value, c.new_value) for c, u in rows]
