"""The audit log: every change, login, failed login and export."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from models.core import chain, clock
from models.core.errors import check_text
from models.core.schema import AuditEvent, User


def record(session: Session, user: User | None, action: str, *, group_id: int | None = None,
           ok: bool = True, username: str | None = None, **detail: Any) -> AuditEvent:
    """Add an audit event to the caller's transaction (so it commits or rolls back with the
    change it describes). Failed logins are recorded in a transaction of their own."""
    event = AuditEvent(
        at=clock.now(),
        user_id=user.id if user is not None else None,
        username=username or (user.username if user is not None else ""),
        action=action,
        group_id=group_id,
        detail={k: _jsonable(v) for k, v in detail.items()},
        ok=ok,
    )
    event.prev_hash = chain.last_hash(session, AuditEvent)
    event.hash = chain.row_hash(event_fields(event), event.prev_hash)
    session.add(event)
    return event


def record_each(session: Session, user: User, action: str, *, group_id: int | None,
                details: Sequence[Mapping[str, Any]]) -> None:
    """One event of ``action`` per item of ``details``, chained as ``record`` called for
    each in turn would chain them (the same hashes), with the last hash read once and the
    events written with one statement."""
    prev = chain.last_hash(session, AuditEvent)
    rows = []
    for detail in details:
        event = AuditEvent(at=clock.now(), user_id=user.id, username=user.username,
                           action=action, group_id=group_id,
                           detail={k: _jsonable(v) for k, v in detail.items()}, ok=True)
        event.prev_hash = prev
        event.hash = prev = chain.row_hash(event_fields(event), prev)
        rows.append({"at": event.at, "user_id": event.user_id, "username": event.username,
                     "action": action, "group_id": group_id, "detail": event.detail,
                     "ok": True, "prev_hash": event.prev_hash, "hash": event.hash})
    if rows:
        session.connection().execute(insert(cast(Table, AuditEvent.__table__)), rows)


def event_fields(event: AuditEvent) -> dict[str, Any]:
    """What an audit event's hash covers."""
    return {"at": event.at, "user": event.user_id, "username": event.username,
            "action": event.action, "group": event.group_id, "detail": event.detail or {},
            "ok": bool(event.ok)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str):
        return check_text(value)  # broken characters would break the chain's hash
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
