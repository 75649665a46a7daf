"""Locking the window after idle time (a shared laptop in a meeting hall).

``IdleWatcher`` watches the application's keyboard and mouse input and emits ``idled``
after the group's ``idle_lock_minutes`` without any. ``LockCover`` then covers the main
window and asks for the password again (a real log-in: wrong passwords count towards the
lock-out)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.widgets.labels import heading, mark_data, problems_label
from models.core import users
from models.core.db import Database
from models.core.errors import UserError
from models.core.i18n import _
from models.core.schema import User

INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.InputMethod}


class IdleWatcher(QObject):
    idled = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idled)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = max(0, int(minutes or 0))
        self.restart()

    def restart(self) -> None:
        if self.minutes > 0:
            self.timer.start(self.minutes * 60_000)
        else:
            self.timer.stop()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in INPUT_EVENTS and self.timer.isActive():
            self.timer.start()
        return False


class LockCover(QFrame):
    """Covers its parent (the main window) until the password is given again."""

    unlocked = Signal()
    logout_requested = Signal()

    def __init__(self, database: Database, user: User, parent: QWidget) -> None:
        super().__init__(parent)
        self.database = database
        self.user = user
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setObjectName("lockBox")
        box.setMaximumWidth(560)
        layout = QVBoxLayout(box)
        layout.setSpacing(12)
        self.title = heading()
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.who = mark_data(QLabel(user.display_name))
        self.password_label = QLabel()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label.setBuddy(self.password)
        self.message = problems_label()
        buttons = QHBoxLayout()
        self.logout_button = QPushButton()
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("primaryButton")
        buttons.addWidget(self.logout_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        for widget in (self.title, self.explain, self.who, self.password_label, self.password,
                       self.message):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.password.returnPressed.connect(self.try_unlock)
        self.logout_button.clicked.connect(self.logout_requested)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("The window is locked"))
        self.explain.setText(_("Nobody used the window for a while, so it was locked to keep "
                               "the records safe. Enter your password to go on."))
        self.password_label.setText(_("Password"))
        self.unlock_button.setText(_("Unlock"))
        self.logout_button.setText(_("Log out"))

    def lock(self) -> None:
        # Close open dialogs first: they may show members' details.
        for _attempt in range(10):
            modal = QApplication.activeModalWidget()
            if modal is None or modal is self.window():
                break
            modal.close()
        self.setGeometry(self.parentWidget().rect())
        self.message.setVisible(False)
        self.password.clear()
        self.raise_()
        self.show()
        self.password.setFocus()

    @property
    def is_locked(self) -> bool:
        return self.isVisible()

    def try_unlock(self) -> bool:
        try:
            users.login(self.database, self.user.username, self.password.text())
        except UserError as error:
            self.message.setText(str(error))
            self.message.setVisible(True)
            self.password.clear()
            return False
        except Exception as exc:  # noqa: BLE001
            errors.show_unexpected(self, exc)
            return False
        self.hide()
        self.unlocked.emit()
        return True
