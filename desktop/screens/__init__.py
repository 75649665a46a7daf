"""The sections of the main window, one module each, found at start-up.

To add a screen, create ``desktop/screens/<name>.py`` exposing::

    SECTION = Section("loans", title=N_("Loans"), order=40, factory=LoansScreen,
                      permission=Permission.READ)

- ``key`` — a stable word (tests and the window refer to it);
- ``title`` — an ``N_()`` text, translated whenever the navigation list is drawn;
- ``order`` — its place in the navigation list (Overview 10, Members 20, Journal 70,
  Groups 80, Users 85, Settings 90; leave gaps for meetings, loans, welfare, NSSF);
- ``factory(ctx) -> QWidget`` — builds the screen from a ``desktop.context.ScreenContext``;
  the widget has ``retranslate()`` (called after a language switch) and should subclass
  ``desktop.widgets.Screen``, which refreshes on ``ledger_changed`` and ``group_changed``;
- ``permission`` — shown only to users who have it in the group in view (``None``: to
  everyone); ``all_groups=True`` asks for it in every group (e.g. managing users).

Modules without ``SECTION`` (helpers, dialogs) are ignored. Nothing else needs editing: the
main window discovers the modules with ``pkgutil``.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from models.core.permissions import Permission


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    factory: Callable[..., QWidget]
    permission: Permission | None = None
    all_groups: bool = False

    def is_available(self, ctx) -> bool:  # noqa: ANN001
        if self.permission is None:
            return True
        return ctx.can(self.permission, None) if self.all_groups else ctx.can(self.permission)


def discover() -> list[Section]:
    """Every ``SECTION`` of the modules in this package, in navigation order."""
    sections = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        section = getattr(module, "SECTION", None)
        if isinstance(section, Section):
            sections.append(section)
    return sorted(sections, key=lambda s: (s.order, s.key))
