"""The errors the front ends understand.

``UserError`` and its subclasses carry an untranslated message id and its parameters;
``str(error)`` translates at the moment it is shown, so a language switch applies to errors
raised before it too. Anything else that escapes a service is a bug.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from models.core.i18n import N_, gettext


class UserError(Exception):
    """A problem the user can fix: shown as its (translated) message, nothing was written."""

    def __init__(self, message: str, /, **params: Any) -> None:
        super().__init__(message)
        self.message_id = message
        self.params = params

    def __str__(self) -> str:
        return gettext(self.message_id).format(**self.params)


class PermissionDenied(UserError):
    """The acting user's roles do not allow this action in this group."""


class NotFound(UserError):
    """A referenced record does not exist (or is not visible to the user)."""


class ValidationError(UserError):
    """One or more problems with the input, all listed at once (beancount style)."""

    def __init__(self, problems: Iterable[UserError | str]) -> None:
        items = [p if isinstance(p, UserError) else UserError(p) for p in problems]
        if not items:
            raise ValueError("ValidationError needs at least one problem")
        super().__init__(items[0].message_id, **items[0].params)
        self.problems: list[UserError] = items

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class LedgerIntegrityError(UserError):
    """A posting would break the ledger's invariants (unbalanced, empty, locked period...)."""


class LedgerBusy(UserError):
    """Another window or program held the ledger's write lock too long; nothing was
    written, and the same action may simply be tried again."""

    def __init__(self) -> None:
        super().__init__(N_("The ledger is busy: another window is saving. Nothing was "
                            "written; try again in a moment."))


class ConcurrentChange(UserError):
    """Someone else saved the same record at the same moment (a unique key two writers
    raced for, on a server engine): nothing of this action was written; look and retry."""


class UserCancelled(Exception):
    """The user backed out of a dialog: unwind quietly."""


def check_text(text: str) -> str:
    """Refuse text that cannot be stored: broken characters (lone surrogates, NUL bytes), as
    a terminal with the wrong encoding or a damaged file can give."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "replace").decode("utf-8")
        raise UserError(N_("The text “{text}” has broken characters; type it again."),
                        text=shown) from None
    if "\x00" in text:  # a NUL byte: PostgreSQL cannot store it, SQLite would keep junk
        raise UserError(N_("The text “{text}” has broken characters; type it again."),
                        text=text.replace("\x00", "\ufffd"))
    return text
