"""Hash chains besides the journal's: the audit log, the access log and the seal history.

Each row's ``hash`` is sha256 of its canonical fields and the previous row's hash (rows in
id order), like journal entries (``models.core.ledger.entry_hash``). ``check_chain`` walks a table
and names the first row that was changed, removed or slipped in."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def row_hash(fields: dict[str, Any], prev_hash: str | None) -> str:
    body = {k: _plain(v) for k, v in fields.items()}
    body["prev"] = prev_hash
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def last_hash(session: Session, model) -> str | None:  # noqa: ANN001
    """The newest row's hash (pending rows of this session are flushed first)."""
    return session.scalar(select(model.hash).order_by(model.id.desc()).limit(1))


def check_chain(rows: Iterable[Any], fields: Callable[[Any], dict[str, Any]]) -> Any | None:
    """The first row (in id order) whose link or hash does not hold, or None."""
    prev = None
    for row in rows:
        if row.prev_hash != prev or row.hash != row_hash(fields(row), row.prev_hash):
            return row
        prev = row.hash
    return None
