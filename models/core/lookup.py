"""Finding things by the numbers people use (a member's number in her group) and whether
a ledger file holds anything yet: what the command line asks before it runs a service."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.permissions import Permission, require
from models.core.schema import Group, Member, User

MAX_NUMBER = 2**31 - 1  # the largest member number an INTEGER column holds


def member_id_by_number(session: Session, actor: User, *, group_id: int,
                        number: int) -> int | None:
    """The member numbered ``number`` in the group (as the members screen shows her), for
    whoever may read the group; ``None`` when the group has no such number."""
    require(session, actor, Permission.READ, group_id)
    if isinstance(number, bool) or not isinstance(number, int) or not 0 < number <= MAX_NUMBER:
        return None  # no member has it (and a database column could not hold it)
    return session.scalar(select(Member.id).where(Member.group_id == group_id,
                                                  Member.number == number))


def holds_data(session: Session) -> bool:
    """Whether the ledger has any user or group: anything a demo must never replace. No
    actor: it is asked before anyone has logged in, and it tells nothing but yes or no."""
    return (session.scalar(select(User.id).limit(1)) is not None
            or session.scalar(select(Group.id).limit(1)) is not None)
