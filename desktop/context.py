"""What every screen gets: the open ledger, who is logged in, the group in view, signals.

A screen module (``desktop/screens/<name>.py``) builds its widget from a ``ScreenContext``:

- ``ctx.database`` — the open ``models.core.db.Database``;
- ``ctx.user`` — the logged-in user, a *detached* copy (re-attach inside a session with
  ``models.core.users.reload_user``; ``ctx.read``/``ctx.run`` do it for you);
- ``ctx.group_id`` — the group chosen in the group picker (``None`` while no group exists);
- ``ctx.signals`` — app-wide Qt signals: ``ledger_changed(Change)`` after every action that
  wrote, ``group_changed(group_id)``, ``language_changed(language)``, ``status_posted(text)``;
- ``ctx.read(query)`` — run ``query(session, actor)`` in a read-only session;
- ``ctx.run(parent, op, ...)`` — run ``op(session, actor)`` as one user action (see
  ``desktop.actions.run_action``);
- ``ctx.can(permission)`` — whether the user may do that in the current group;
- ``ctx.money(amount)`` — an amount shown in the group's currency (``format_money``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session

from models.core import users
from models.core.db import Database
from models.core.errors import NotFound, UserError
from models.core.groups import group_currency
from models.core.money import Currency, currency, format_money
from models.core.permissions import Permission, has_permission
from models.core.schema import User

T = TypeVar("T")
CURRENT = object()  # "the group in view", for ScreenContext.can


@dataclass(frozen=True)
class Change:
    """What an action changed, so each screen decides whether to refresh (Anki's
    ``OpChanges``). ``topics`` are words like ``"members"``, ``"journal"``, ``"groups"``,
    ``"users"``, ``"settings"``, ``"ledger"`` (everything, e.g. after a restore)."""

    topics: frozenset[str] = field(default_factory=frozenset)
    group_id: int | None = None

    def touches(self, *topics: str) -> bool:
        return "ledger" in self.topics or any(t in self.topics for t in topics)


class AppSignals(QObject):
    ledger_changed = Signal(object)   # Change
    group_changed = Signal(object)    # group id or None
    language_changed = Signal(str)
    status_posted = Signal(str)


class ScreenContext:
    def __init__(self, database: Database, user: User, group_id: int | None = None,
                 signals: AppSignals | None = None) -> None:
        self.database = database
        self.user = user
        self.group_id = group_id
        self.signals = signals or AppSignals()
        self._currencies: dict[int, Currency] = {}

    # -- reading ------------------------------------------------------------------------
    def read(self, query: Callable[[Session, User], T]) -> T:
        """``query(session, actor)`` in a read-only session. Errors propagate; screens that
        want them shown use ``desktop.actions.run_query``."""
        with self.database.read() as session:
            return query(session, users.reload_user(session, self.user))

    def refresh_user(self) -> None:
        """Read the signed-in user again after a change to users (her name, whether she is
        still active: ``UserError`` if not). Her roles need no refresh: ``can`` reads them
        each time."""
        def fresh(session: Session, actor: User) -> User:
            session.expunge(actor)
            return actor

        self.user = self.read(fresh)

    def can(self, permission: Permission, group_id: Any = CURRENT) -> bool:
        """Whether the user may ``permission`` in ``group_id`` (default: the current
        group; ``None``: in every group)."""
        gid = self.group_id if group_id is CURRENT else group_id
        try:
            return self.read(lambda s, actor: has_permission(s, actor, permission, gid))
        except UserError:
            return False

    def currency(self, group_id: int | None = None) -> Currency:
        gid = group_id or self.group_id
        if gid is None:
            return currency("LAK")
        if gid not in self._currencies:
            with self.database.read() as session:
                try:
                    self._currencies[gid] = group_currency(session, gid)
                except NotFound:  # the group picker is a step behind a restore
                    return currency("LAK")
        return self._currencies[gid]

    def money(self, amount: int, group_id: int | None = None) -> str:
        """``amount`` (minor units) in the group's currency, the one money format
        (``models.core.money.format_money``: ``1,250,000 ₭``)."""
        return format_money(amount, self.currency(group_id))

    # -- changing -----------------------------------------------------------------------
    def run(self, parent, op: Callable[[Session, User], T], *,  # noqa: ANN001
            changed: Iterable[str] = (), message: Callable[[T], str] | str | None = None,
            on_user_error: Callable[[Exception], None] | None = None) -> Any:
        from desktop.actions import run_action

        return run_action(self, parent, op, changed=changed, message=message,
                          on_user_error=on_user_error)

    def set_group(self, group_id: int | None) -> None:
        if group_id != self.group_id:
            self.group_id = group_id
            self.signals.group_changed.emit(group_id)
