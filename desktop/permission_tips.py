"""Closed buttons say why: who may do it (which role), or why the signed-in user may not
do it yet although she holds the role (she recorded it herself, it is her own loan).

A screen calls ``allow(button, ctx, permission, ...)`` where it used to call
``button.setEnabled(...)``; the button's own tip (a shortcut) is kept after the reason.
Roles are read live (``ctx.can``), so a role given to the signed-in user opens her
buttons as soon as the screens refresh (``desktop.widgets.Screen`` refreshes on
``"users"`` changes)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop.context import ScreenContext
from models.core.errors import UserError
from models.core.i18n import _
from models.core.permissions import PERMISSION_NAMES, ROLE_NAMES, Permission, roles_with
from models.core.schema import User

BASE_TIP = "kongthun_tip"


def who_may(permission: Permission) -> str:
    """``Only a Treasurer may do this (record money). An administrator gives roles under
    “Users”.``"""
    roles = _(" or ").join(_(ROLE_NAMES[role]) for role in roles_with(permission))
    return _("Only a {roles} may do this ({action}). An administrator gives roles under "
             "“Users”.").format(roles=roles, action=_(PERMISSION_NAMES[permission]))


def set_tip(widget: QWidget, text: str) -> None:
    """The widget's own tip (a shortcut, a hint), shown after any reason it is closed."""
    widget.setProperty(BASE_TIP, text)
    widget.setToolTip("\n".join(t for t in (_reason(widget), text) if t))


def _reason(widget: QWidget) -> str:
    return widget.property("kongthun_reason") or ""


def close_with(widget: QWidget, enabled: bool, reason: str = "") -> None:
    """Enable or disable ``widget``; a disabled one shows ``reason`` first on its tip."""
    widget.setEnabled(enabled)
    widget.setProperty("kongthun_reason", "" if enabled else reason)
    base = widget.property(BASE_TIP) or ""
    widget.setToolTip("\n".join(t for t in (_reason(widget), base) if t))


def allow(widget: QWidget, ctx: ScreenContext, permission: Permission, *,
          also: bool = True, why_not: str = "", may: bool | None = None) -> bool:
    """Open ``widget`` when the user may ``permission`` in the group in view and ``also``
    holds. Closed for want of the role, its tip says who may; closed although she has it,
    ``why_not`` (may be empty: no selection needs no words). ``may``: the permission
    already looked up. Returns whether it is open."""
    has = ctx.can(permission) if may is None else may
    enabled = has and also
    close_with(widget, enabled, who_may(permission) if not has else why_not)
    return enabled


def refusal(ctx: ScreenContext, check: Callable[[Session, User], None]) -> str:
    """The translated reason ``check(session, actor)`` refuses (``""`` when it passes): a
    model's own check (``loans.check_approver``) tells the screen why a button is closed."""
    try:
        ctx.read(check)
    except UserError as error:
        return str(error)
    return ""

