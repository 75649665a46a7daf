"""Window fixtures: the styled application, a context per role, the main window, and a
stand-in for every message box (records what was shown, answers questions)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableView,
    QWidget,
)

from desktop import errors
from desktop.app import application
from desktop.context import ScreenContext
from desktop.main_window import MainWindow
from desktop.qt_i18n import switch_language
from models.core import users


@dataclass
class Shown:
    kind: str
    title: str
    text: str
    details: str | None
    buttons: list[str]  # their texts


@dataclass
class Messages:
    """Every ``MessageDialog.ask`` of a test. ``answer`` is the button key to press (when
    the dialog has it; otherwise its first button)."""

    shown: list[Shown] = field(default_factory=list)
    answer: str = "yes"
    ticked: bool = True

    def texts(self) -> list[str]:
        return [m.text for m in self.shown]

    @property
    def last(self) -> Shown:
        return self.shown[-1]


@pytest.fixture(autouse=True)
def messages(monkeypatch) -> Messages:
    record = Messages()

    def ask(cls, parent, *, kind, title, text, buttons, details=None, require_tick=None):  # noqa: ANN001
        record.shown.append(Shown(kind, title, text, details, [b.text for b in buttons]))
        keys = [b.key for b in buttons]
        if require_tick and not record.ticked:
            return ""
        return record.answer if record.answer in keys else keys[0]

    monkeypatch.setattr(errors.MessageDialog, "ask", classmethod(ask))
    return record


@pytest.fixture
def app(qapp):
    return application()


def login(env, role: str):  # noqa: ANN001
    return users.login(env.db, role, "demo")


@pytest.fixture
def make_ctx(app, env):
    def make(role: str = "admin") -> ScreenContext:
        return ScreenContext(env.db, login(env, role), env.group_id)
    return make


@pytest.fixture
def ctx(make_ctx) -> ScreenContext:
    return make_ctx("admin")


@pytest.fixture
def make_window(app, env, qtbot):
    def make(role: str = "admin") -> MainWindow:
        window = MainWindow(ScreenContext(env.db, login(env, role), env.group_id))
        qtbot.addWidget(window)
        window.show()
        return window
    return make


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window("admin")


@pytest.fixture
def lao(app):
    switch_language("lo")
    yield
    switch_language("en")


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(widget description, text) for every interface text under ``root``: labels,
    buttons, group titles, placeholders, combo items, table headers, list items. Widgets
    marked as data (``mark_data``) and their children are skipped."""
    found: list[tuple[str, str]] = []

    def is_data(widget: QWidget) -> bool:
        while widget is not None:
            if widget.property("data"):
                return True
            widget = widget.parentWidget()
        return False

    for widget in [root, *root.findChildren(QWidget)]:
        if is_data(widget):
            continue
        name = f"{type(widget).__name__}({widget.objectName()})"
        texts = []
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QComboBox):
            texts.extend(widget.itemText(i) for i in range(widget.count()))
        elif isinstance(widget, QListWidget):
            texts.extend(widget.item(i).text() for i in range(widget.count()))
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            texts.extend(str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                         for c in range(model.columnCount()))
        if widget.isWindow():
            texts.append(widget.windowTitle())
        found.extend((name, t) for t in texts if t)
    return found


def english_left(root: QWidget) -> list[tuple[str, str]]:
    return [(name, text) for name, text in visible_texts(root) if LATIN_WORD.search(text)]


@pytest.fixture(autouse=True)
def _dispose_qt_objects(qapp):
    """After each window test: close every top-level widget, let Qt run its deferred
    deletes and collect Python's garbage *now*, while the application is whole. Left to
    a later, unrelated test, the collection of dead Qt wrappers aborted the interpreter
    (PySide6 "deallocating None")."""
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def _no_language_picked_yet():
    """Each test starts as a fresh program: nobody has pressed a language button."""
    from desktop.login import LanguageButtons

    LanguageButtons.picked = False
    yield
    LanguageButtons.picked = False


@pytest.fixture(autouse=True)
def _own_preferences(tmp_path, monkeypatch):
    """Each test keeps the window's remembered size and folders (QSettings) to itself,
    never in the real user's settings."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    QSettings().clear()


@pytest.fixture(autouse=True)
def viewer(monkeypatch) -> list:
    """No test starts the computer's real PDF viewer or spreadsheet: a saved file counts
    as opened, and the list says which were."""
    from desktop import documents

    opened: list = []
    monkeypatch.setattr(documents, "open_document", lambda path: opened.append(path) or True)
    return opened


def save_papers_to(monkeypatch, folder, *, viewer: bool = True) -> list:  # noqa: ANN001
    """The treasurer chooses "Save as PDF…" and ``folder`` in the file dialog; returns the
    list of files the computer's viewer is asked to open (``viewer``: whether it has one)."""
    from pathlib import Path

    from desktop import documents

    opened: list = []
    monkeypatch.setattr(documents, "ask_how", lambda parent, what, printable: documents.SAVE)
    monkeypatch.setattr(documents, "choose_save_path",
                        lambda parent, title, name: Path(folder) / name)
    monkeypatch.setattr(documents, "choose_folder", lambda parent, title: Path(folder))
    monkeypatch.setattr(documents, "open_document",
                        lambda path: opened.append(path) or viewer)
    return opened
