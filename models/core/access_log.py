"""The access log: users created, roles granted and revoked, passwords set, chained.

``users.py`` writes here with every such change. Verify replays the log and compares it
with ``role_grants`` and ``users``: a grant, a user or a password put into the file behind
the app's back (the easy way to give oneself the administrator's power) is named."""
from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import chain, clock
from models.core.i18n import N_
from models.core.schema import AccessChange, RoleGrant, User


def secret_digest(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()


def change_fields(row: AccessChange) -> dict[str, Any]:
    return {"at": row.at, "change": row.change, "user": row.user_id, "username": row.username,
            "group": row.group_id, "role": row.role, "secret": row.secret,
            "by": row.by_user_id}


def record(session: Session, change: str, *, user: User, by: User | None,
           group_id: int | None = None, role: str | None = None) -> AccessChange:
    row = AccessChange(at=clock.now(), change=change, user_id=user.id,
                       username=user.username if change == "user" else None,
                       group_id=group_id, role=str(role) if role is not None else None,
                       secret=secret_digest(user.password_hash)
                       if change in ("user", "password") else None,
                       by_user_id=by.id if by is not None else None)
    row.prev_hash = chain.last_hash(session, AccessChange)
    row.hash = chain.row_hash(change_fields(row), row.prev_hash)
    session.add(row)
    return row


def problems(session: Session) -> list[tuple[str, dict]]:
    """(untranslated message, params) for every way users and grants differ from the log."""
    found: list[tuple[str, dict]] = []
    rows = session.scalars(select(AccessChange).order_by(AccessChange.id)).all()
    broken = chain.check_chain(rows, change_fields)
    if broken is not None:
        found.append((N_("The access log was changed at record {number}: who may do what "
                         "can no longer be trusted."), {"number": broken.id}))
    grants: set[tuple[int, int | None, str]] = set()
    known: dict[int, tuple[str | None, str | None]] = {}
    for row in rows:
        key = (row.user_id, row.group_id, row.role)
        if row.change == "grant":
            grants.add(key)
        elif row.change == "revoke":
            grants.discard(key)
        elif row.change == "user":
            known[row.user_id] = (row.username, row.secret)
        elif row.change == "password" and row.user_id in known:
            known[row.user_id] = (known[row.user_id][0], row.secret)
    names = dict(session.execute(select(User.id, User.username)).all())
    actual = set(session.execute(select(RoleGrant.user_id, RoleGrant.group_id,
                                        RoleGrant.role)).all())
    for user_id, _group_id, role in sorted(actual - grants, key=str):
        found.append((N_("{user} holds the role {role} that no administrator gave: it was "
                         "put into the file behind the app's back."),
                      {"user": names.get(user_id, user_id), "role": role}))
    for user_id, _group_id, role in sorted(grants - actual, key=str):
        found.append((N_("The role {role} of {user} was removed behind the app's back."),
                      {"user": names.get(user_id, user_id), "role": role}))
    for user in session.scalars(select(User).order_by(User.id)):
        if user.id not in known or known[user.id][0] != user.username:
            found.append((N_("The user {user} was not created by the app."),
                          {"user": user.username}))
        elif known[user.id][1] != secret_digest(user.password_hash):
            found.append((N_("The password of {user} was changed behind the app's back."),
                          {"user": user.username}))
    return found
