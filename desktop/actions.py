"""The one way the window changes the ledger (after Anki's ``CollectionOp``).

``run_action(ctx, parent, op)`` opens ``database.write()`` (one user action = one
transaction), re-attaches the logged-in user, calls ``op(session, actor)`` — a service
call — and commits. Then:

- a ``UserError`` (nothing was written) is shown, translated, through
  ``desktop.errors.show_error`` — or handed to ``on_user_error`` (forms show it inside the
  dialog and stay open);
- ``UserCancelled`` unwinds quietly;
- any other exception is a bug: logged and shown as "Something went wrong" with details;
- on success ``ctx.signals.ledger_changed`` announces a ``Change`` (screens refresh what
  they show) and the optional ``message`` goes to the status bar.

Per-feature wrappers stay short::

    ctx.run(self, lambda s, actor: members.add_member(s, actor, group_id=gid, details=d),
            changed={"members"},
            message=lambda row: _("{name} was added.").format(name=row.name_lao))
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QApplication
from sqlalchemy.orm import Session

from desktop import errors
from desktop.context import Change, ScreenContext
from models.core import users
from models.core.errors import LedgerBusy, UserCancelled, UserError
from models.core.i18n import _
from models.core.schema import User

T = TypeVar("T")

confirm = errors.confirm


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What ``run_action`` returns: ``ok`` is false when nothing was written."""

    ok: bool
    value: T | None = None

    def __bool__(self) -> bool:
        return self.ok


FAILED: Outcome[Any] = Outcome(False)


def run_action(ctx: ScreenContext, parent, op: Callable[[Session, User], T], *,  # noqa: ANN001
               changed: Iterable[str] = (),
               message: Callable[[T], str] | str | None = None,
               on_user_error: Callable[[UserError], None] | None = None) -> Outcome[T]:
    def in_transaction() -> T:
        with ctx.database.write() as session:
            return op(session, users.reload_user(session, ctx.user))

    return run_task(ctx, parent, in_transaction, changed=changed, message=message,
                    on_user_error=on_user_error)


def run_task(ctx: ScreenContext, parent, task: Callable[[], T], *,  # noqa: ANN001
             changed: Iterable[str] = (),
             message: Callable[[T], str] | str | None = None,
             on_user_error: Callable[[UserError], None] | None = None) -> Outcome[T]:
    """Like ``run_action`` for services that manage their own transactions (backup,
    restore): the same error handling and announcement. A busy ledger (another window
    saving) is said in the status bar and tried again, ``BUSY_RETRIES`` times."""
    try:
        value = _with_retries(ctx, task)
    except UserCancelled:
        return FAILED
    except UserError as error:
        if on_user_error is not None:
            on_user_error(error)
        else:
            errors.show_error(parent, error)
        return FAILED
    except Exception as exc:  # noqa: BLE001 - shown, logged, never swallowed
        errors.show_unexpected(parent, exc)
        return FAILED
    ctx.signals.ledger_changed.emit(Change(frozenset(changed), ctx.group_id))
    if message is not None:
        text = message(value) if callable(message) else message
        ctx.signals.status_posted.emit(text)
    return Outcome(True, value)


BUSY_RETRIES = 3


def _with_retries(ctx: ScreenContext, task: Callable[[], T]) -> T:
    for attempt in range(BUSY_RETRIES + 1):
        try:
            return task()
        except LedgerBusy:
            if attempt == BUSY_RETRIES:
                raise
            # Nothing was written (the transaction rolled back), so trying again is safe.
            ctx.signals.status_posted.emit(
                _("Busy — another window is saving; retrying ({attempt} of {count})…")
                .format(attempt=attempt + 1, count=BUSY_RETRIES))
            QApplication.processEvents()
    raise AssertionError("unreachable")


def run_query(ctx: ScreenContext, parent, query: Callable[[Session, User], T],  # noqa: ANN001
              default: T) -> T:
    """Read for a screen; a refused or failed read is shown and ``default`` returned."""
    try:
        return ctx.read(query)
    except UserError as error:
        errors.show_error(parent, error)
    except Exception as exc:  # noqa: BLE001
        errors.show_unexpected(parent, exc)
    return default
