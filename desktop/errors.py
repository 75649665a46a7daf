"""The one place that shows messages: errors the user can fix, bugs, questions.

Qt's ``QMessageBox`` labels its standard buttons through Qt's own translations, and Qt ships
none for Lao; ``MessageDialog`` names every button itself. ``MessageDialog.ask`` is the
single entry point, so tests replace it to answer questions and to collect what was shown.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError, ValidationError
from models.core.i18n import _

log = logging.getLogger("kongthun.desktop")

INFO, WARNING, ERROR, QUESTION = "info", "warning", "error", "question"
_ICONS = {INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
          WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
          ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
          QUESTION: QStyle.StandardPixmap.SP_MessageBoxQuestion}


@dataclass(frozen=True)
class Button:
    key: str
    text: str          # already translated
    default: bool = False
    danger: bool = False


class MessageDialog(QDialog):
    """A message with an icon, optional details and buttons that say what they do."""

    def __init__(self, parent: QWidget | None, *, kind: str, title: str, text: str,
                 buttons: Sequence[Button], details: str | None = None,
                 require_tick: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("messageDialog")
        self.choice = ""
        self._buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(_ICONS[kind]).pixmap(48, 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(icon)
        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        self.text_label.setMinimumWidth(420)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.text_label, 1)
        layout.addLayout(row)
        self.details = None
        if details:
            self.details_button = QPushButton(_("Show details"))
            self.details_button.setCheckable(True)
            self.details = QPlainTextEdit(details)
            self.details.setReadOnly(True)
            self.details.setVisible(False)
            self.details.setMinimumHeight(200)
            self.details_button.toggled.connect(self.details.setVisible)
            layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(self.details)
        self.tick = None
        if require_tick:
            self.tick = QCheckBox(require_tick)
            layout.addWidget(self.tick)
        buttons_row = QHBoxLayout()
        buttons_row.addStretch(1)
        for spec in buttons:
            button = QPushButton(spec.text)
            if spec.danger:
                button.setObjectName("dangerButton")
            button.setDefault(spec.default)
            button.setAutoDefault(spec.default)
            button.clicked.connect(lambda _checked=False, key=spec.key: self._choose(key))
            self._buttons[spec.key] = button
            buttons_row.addWidget(button)
            if self.tick is not None and spec.danger:
                button.setEnabled(False)
                self.tick.toggled.connect(button.setEnabled)
        layout.addLayout(buttons_row)

    def button(self, key: str) -> QPushButton:
        return self._buttons[key]

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, *, kind: str, title: str, text: str,
            buttons: Sequence[Button], details: str | None = None,
            require_tick: str | None = None) -> str:
        """Show the message and wait; returns the key of the button pressed ("" when the
        window was closed)."""
        dialog = cls(parent, kind=kind, title=title, text=text, buttons=buttons,
                     details=details, require_tick=require_tick)
        dialog.exec()
        return dialog.choice


def _ok() -> list[Button]:
    return [Button("ok", _("OK"), default=True)]


def error_text(error: UserError) -> str:
    """A ``UserError`` in the current language; several problems as a list."""
    if isinstance(error, ValidationError) and len(error.problems) > 1:
        return "\n".join("• " + str(p) for p in error.problems)
    return str(error)


def show_error(parent: QWidget | None, error: UserError) -> None:
    """A problem the user can fix: nothing was saved."""
    MessageDialog.ask(parent, kind=WARNING, title=_("Not saved"),
                      text=error_text(error), buttons=_ok())


def show_unexpected(parent: QWidget | None, exc: BaseException) -> None:
    """A bug: logged with its traceback and shown with the details, never swallowed."""
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    MessageDialog.ask(
        parent, kind=ERROR, title=_("Something went wrong"),
        text=_("Something went wrong, and nothing was saved. Please tell the person who looks "
               "after this computer, and show them the details."),
        details=details, buttons=_ok())


def show_info(parent: QWidget | None, text: str, *, title: str | None = None) -> None:
    MessageDialog.ask(parent, kind=INFO, title=title or _("Kongthun"), text=text,
                      buttons=_ok())


def confirm(parent: QWidget | None, text: str, *, confirm_text: str | None = None,
            danger: bool = False, require_tick: str | None = None) -> bool:
    """Ask before anything that cannot be undone. ``confirm_text`` names the action on the
    button ("Reverse entry"); ``require_tick`` adds a box the user must tick first."""
    choice = MessageDialog.ask(
        parent, kind=WARNING if danger else QUESTION, title=_("Please confirm"), text=text,
        buttons=[Button("yes", confirm_text or _("Yes"), default=not danger, danger=danger),
                 Button("no", _("Cancel"), default=danger)],
        require_tick=require_tick)
    return choice == "yes"
