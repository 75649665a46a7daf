"""The base of every section of the main window."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.context import Change, ScreenContext


class Screen(QWidget):
    """Base of the main window's screens. Subclasses fill ``refresh()`` and
    ``retranslate()``; ``topics`` lists the ``Change`` topics that make it refresh."""

    topics: tuple[str, ...] = ()  # "users" is always among them: roles open buttons

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.signals.ledger_changed.connect(self._on_ledger_changed)
        ctx.signals.group_changed.connect(self._on_group_changed)

    def refresh(self) -> None:
        """Read the ledger again and show it."""

    def retranslate(self) -> None:
        """Set every interface text again in the current language."""

    def _on_ledger_changed(self, change: Change) -> None:
        if change.touches(*self.topics, "users"):
            self._refresh_when_visible()

    def _on_group_changed(self, _group_id: object) -> None:
        self._refresh_when_visible()

    def _refresh_when_visible(self) -> None:
        if self.isVisible():
            self.refresh()
            self._stale = False
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        if self._stale:
            self._stale = False
            self.refresh()
        super().showEvent(event)
