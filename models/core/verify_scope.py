"""Which groups a user may verify, as rows: the command line's ``kongthun verify`` (and any
screen that verifies) shows these groups' problems and seals and no others.

A user verifies the groups in which a role gives her ``VERIFY``; a grant for all groups (an
administrator, an auditor of the federation) verifies every group. Someone who may verify
none is refused with the permission's own message."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.permissions import Permission, has_permission, require
from models.core.schema import Group, JournalEntry, User
from models.core.seal import format_seal


@dataclass(frozen=True)
class GroupToVerify:
    group_id: int
    name: str
    name_latin: str | None
    entries: int  # the journal entries the file holds for the group (counted, not the head's)
    seal: str     # the group's ledger seal (format_seal); "" before its first entry


def groups_to_verify(session: Session, actor: User) -> list[GroupToVerify]:
    """The groups ``actor`` may verify, by group number, with their entries and seals."""
    if has_permission(session, actor, Permission.VERIFY, None):
        groups = list(session.scalars(select(Group).order_by(Group.id)))
    else:
        groups = [g for g in session.scalars(select(Group).order_by(Group.id))
                  if has_permission(session, actor, Permission.VERIFY, g.id)]
        if not groups:
            require(session, actor, Permission.VERIFY, None)  # says who may
    counts = dict(session.execute(
        select(JournalEntry.group_id, func.count(JournalEntry.id))
        .where(JournalEntry.group_id.in_([g.id for g in groups]))
        .group_by(JournalEntry.group_id)).all())
    return [GroupToVerify(g.id, g.name, g.name_latin, int(counts.get(g.id, 0)),
                          format_seal(g.head_hash))
            for g in groups]
