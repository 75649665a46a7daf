"""The first-run wizard's one step: the first user and the group she runs.

A new ledger has no users. Its first user becomes the administrator of every group and,
of the group the wizard creates, its treasurer too, so she can record from the first
meeting. Approving loans and welfare claims stays with leaders (another person): the
roles keep recording and approving apart."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.core import audit, groups, users
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_
from models.core.permissions import Role


@dataclass(frozen=True)
class FirstRun:
    username: str
    user_id: int
    group_id: int


def start_ledger(session: Session, *, username: str, display_name: str, password: str,
                 language: str, group_name: str, village: str | None = None,
                 meeting_frequency: str = "monthly", treasurer: bool = True) -> FirstRun:
    """Create the administrator (all groups), her group and, with ``treasurer``, her
    treasurer role in it; all or nothing (one transaction, the caller's)."""
    missing = [] if group_name.strip() else [UserError(N_("Enter the group's name."))]
    try:
        user = users.create_first_admin(session, username=username,
                                        display_name=display_name, password=password,
                                        language=language)
    except ValidationError as error:  # every problem at once, the group's too
        raise ValidationError([*error.problems, *missing]) from None
    if missing:
        raise ValidationError(missing)
    group = groups.create_group(session, user, name=group_name, village=village,
                                meeting_frequency=meeting_frequency)
    if treasurer:
        users.grant_role(session, user, user_id=user.id, role=Role.TREASURER,
                         group_id=group.id)
    audit.record(session, user, "first_run.start", group_id=group.id, treasurer=treasurer)
    return FirstRun(user.username, user.id, group.id)
