"""The main window: a big navigation list on the left, the chosen screen on the right, and
along the top the group picker, who is logged in, the language buttons and "Log out".

Screens are found by ``desktop.screens.discover()``; the window only places them, shows
the ones the user's roles allow in the group in view, and retranslates them."""
from __future__ import annotations

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import backup_task, errors
from desktop.actions import run_query
from desktop.backup_task import DailyBackup
from desktop.context import Change, ScreenContext
from desktop.idle_lock import IdleWatcher, LockCover
from desktop.login import LanguageButtons
from desktop.qt_i18n import language_bridge
from desktop.screens import Section, discover
from desktop.widgets import ScrollBody, mark_data, usable_screen
from models.core import backup, groups, settings, users
from models.core.errors import UserError
from models.core.i18n import _

STATUS_SECONDS = 8
GEOMETRY, MAXIMIZED = "window/geometry", "window/maximized"


class MainWindow(QMainWindow):
    logged_out = Signal()

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sections: list[Section] = discover()
        self.screens: dict[str, QWidget] = {}
        self._logging_out = False
        self.setObjectName("mainWindow")
        self.resize(QSize(1280, 800).boundedTo(usable_screen(self)))

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_top_bar())
        self.demo_banner = QLabel()
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_banner.setVisible(False)
        outer.addWidget(self.demo_banner)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(240)
        self.nav.setIconSize(QSize(24, 24))
        self.stack = QStackedWidget()
        self.stack.setObjectName("screenStack")
        self.empty = QLabel()
        self.empty.setObjectName("emptyNote")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack.addWidget(self.empty)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        self.cover = LockCover(ctx.database, ctx.user, self)
        self.cover.unlocked.connect(self._after_unlock)
        self.cover.logout_requested.connect(self.log_out)
        self.idle = IdleWatcher(0, self)
        self.idle.idled.connect(self.lock)

        self.nav.currentRowChanged.connect(self._show_row)
        self.group_picker.currentIndexChanged.connect(self._group_picked)
        ctx.signals.ledger_changed.connect(self._on_ledger_changed)
        ctx.signals.status_posted.connect(
            lambda text: self.statusBar().showMessage(text, STATUS_SECONDS * 1000))
        language_bridge().changed.connect(self._on_language_changed)
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda n=number: self.nav.setCurrentRow(n - 1))

        self._load_groups()
        self._rebuild_navigation()
        self.retranslate()
        self._apply_idle_minutes()

    # -- top bar ------------------------------------------------------------------------
    def _build_top_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("topBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 8, 16, 8)
        self.app_title = QLabel()
        self.app_title.setObjectName("barTitle")
        row.addWidget(self.app_title)
        row.addSpacing(24)
        self.group_label = QLabel()
        self.group_picker = mark_data(QComboBox())
        self.group_picker.setMinimumWidth(280)
        self.group_picker.setObjectName("groupPicker")
        self.group_label.setBuddy(self.group_picker)
        row.addWidget(self.group_label)
        row.addWidget(self.group_picker)
        row.addStretch(1)
        self.user_caption = QLabel()
        self.user_name = mark_data(QLabel(self.ctx.user.display_name))
        self.user_name.setObjectName("userName")
        row.addWidget(self.user_caption)
        row.addWidget(self.user_name)
        row.addSpacing(16)
        self.languages = LanguageButtons()
        row.addWidget(self.languages)
        row.addSpacing(16)
        self.logout_button = QPushButton()
        self.logout_button.clicked.connect(self.log_out)
        row.addWidget(self.logout_button)
        return bar

    def _load_groups(self) -> None:
        rows = run_query(self.ctx, self, groups.visible_groups, [])
        current = self.ctx.group_id
        self.group_picker.blockSignals(True)
        self.group_picker.clear()
        for row in rows:
            self.group_picker.addItem(row.name, row.id)
        ids = [row.id for row in rows]
        if current not in ids:
            current = ids[0] if ids else None
        if current is not None:
            self.group_picker.setCurrentIndex(ids.index(current))
        self.group_picker.blockSignals(False)
        self.group_picker.setEnabled(len(rows) > 1)
        self.ctx.set_group(current)
        self.demo_banner.setVisible(run_query(
            self.ctx, self, lambda s, actor: groups.has_demo_data(s), False))

    def _group_picked(self, index: int) -> None:
        if index >= 0:
            self.ctx.set_group(self.group_picker.itemData(index))
            self._rebuild_navigation()
            self._apply_idle_minutes()

    # -- navigation ---------------------------------------------------------------------
    def available_sections(self) -> list[Section]:
        return [s for s in self.sections if s.is_available(self.ctx)]

    def _rebuild_navigation(self) -> None:
        current = self.current_section_key()
        self.visible_sections = self.available_sections()
        self.nav.blockSignals(True)
        self.nav.clear()
        for section in self.visible_sections:
            item = QListWidgetItem(_(section.title))
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setSizeHint(QSize(220, 42))  # fourteen sections fit 1366×768, banner shown
            self.nav.addItem(item)
        self.nav.blockSignals(False)
        keys = [s.key for s in self.visible_sections]
        row = keys.index(current) if current in keys else 0
        if keys:
            self.nav.setCurrentRow(row)
            self._show_row(row)
        else:
            self.stack.setCurrentWidget(self.empty)

    def current_section_key(self) -> str | None:
        item = self.nav.currentItem() if hasattr(self, "visible_sections") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_row(self, row: int) -> None:
        if not 0 <= row < len(self.visible_sections):
            return
        section = self.visible_sections[row]
        screen = self.screens.get(section.key)
        if screen is None:
            screen = section.factory(self.ctx)
            screen.setObjectName(f"screen_{section.key}")
            self.screens[section.key] = screen
            # On a small screen (or at 125 %) the screen scrolls inside the window instead
            # of pushing the window, its status bar and its buttons past the screen's edge.
            self.stack.addWidget(ScrollBody(screen, least=QSize(320, 240)))
        self.stack.setCurrentWidget(screen.parentWidget().parentWidget())

    def show_section(self, key: str) -> QWidget:
        """Switch to the section ``key`` and return its screen."""
        keys = [s.key for s in self.visible_sections]
        self.nav.setCurrentRow(keys.index(key))
        return self.screens[key]

    def current_screen(self) -> QWidget:
        current = self.stack.currentWidget()
        return current.widget() if isinstance(current, ScrollBody) else current

    # -- size and place -----------------------------------------------------------------
    def show_as_last_time(self) -> None:
        """Show the window where and as large as it was when it was last closed; maximized
        the first time, and whenever it was maximized then."""
        prefs = QSettings()
        geometry = prefs.value(GEOMETRY)
        if geometry is not None and self.restoreGeometry(geometry) \
                and not prefs.value(MAXIMIZED, True, type=bool):
            self.show()
        else:
            self.showMaximized()

    def remember_geometry(self) -> None:
        prefs = QSettings()
        prefs.setValue(GEOMETRY, self.saveGeometry())
        prefs.setValue(MAXIMIZED, self.isMaximized())
        prefs.sync()

    # -- changes, language --------------------------------------------------------------
    def _on_ledger_changed(self, change: Change) -> None:
        if change.touches("users"):
            # A role given to or taken from the signed-in user applies at once: the
            # navigation is rebuilt and every screen refreshes its buttons.
            try:
                self.ctx.refresh_user()
            except UserError as error:
                errors.show_error(self, error)
                self.log_out()
                return
            self.user_name.setText(self.ctx.user.display_name)
        if change.touches("groups", "users"):
            self._load_groups()
            self._rebuild_navigation()
        if change.touches("settings"):
            self._apply_idle_minutes()
        if "restored" in change.topics:
            self.log_out()

    def _on_language_changed(self, language: str) -> None:
        self.retranslate()
        if getattr(self, "backup_task", None) is not None and self.backup_label.text():
            self._show_backup()
        if self.ctx.user.language != language:  # remember the choice for the next log-in
            if self.ctx.run(self, lambda s, actor: users.set_language(s, actor, language)):
                self.ctx.user.language = language

    def retranslate(self) -> None:
        self.setWindowTitle(_("Kongthun"))
        self.app_title.setText(_("Kongthun"))
        self.group_label.setText(_("Group:"))
        self.user_caption.setText(_("Logged in:"))
        self.logout_button.setText(_("Log out"))
        self.demo_banner.setText(_("Demo data: these groups and people are made up, for trying "
                                   "the app. Do not record real money here."))
        self.empty.setText(_("No group yet. An administrator creates the first group under "
                             "“Groups”."))
        for index in range(self.nav.count()):
            self.nav.item(index).setText(_(self.visible_sections[index].title))
        for screen in self.screens.values():
            screen.retranslate()
        self.cover.retranslate()

    # -- idle lock, log out -------------------------------------------------------------
    def _apply_idle_minutes(self) -> None:
        gid = self.ctx.group_id
        minutes = 10
        if gid is not None:
            minutes = run_query(self.ctx, self, lambda s, actor: settings.get(
                s, gid, "idle_lock_minutes"), 10)
        self.idle.set_minutes(int(minutes or 0))

    def lock(self) -> None:
        self.idle.timer.stop()
        self.cover.lock()

    def _after_unlock(self) -> None:
        self.idle.restart()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.cover.setGeometry(self.rect())

    def log_out(self) -> None:
        if self._logging_out:
            return
        self._logging_out = True
        self.idle.stop()
        self.remember_geometry()
        self.close()
        self.logged_out.emit()

    def follow_backup(self, task: DailyBackup) -> None:
        """Show how the day's backup is going in the status bar (it runs on its own thread
        and may have ended during the log-in); a failed one is also said in a message."""
        self.backup_task = task
        self.backup_label = QLabel()
        self.backup_bar = QProgressBar()
        self.backup_bar.setMaximumWidth(160)
        self.backup_bar.setTextVisible(False)
        self.statusBar().addPermanentWidget(self.backup_label)
        self.statusBar().addPermanentWidget(self.backup_bar)
        task.progress.connect(self._show_backup)
        task.ended.connect(self._backup_ended)
        if task.isFinished() or task.state != backup_task.RUNNING:
            self._backup_ended()
        else:
            self._show_backup()

    def _show_backup(self, *_args) -> None:  # noqa: ANN002
        task = self.backup_task
        self.backup_label.setText(task.text())
        copying = task.state == backup_task.RUNNING and task.stage == backup.COPYING
        self.backup_bar.setVisible(task.state == backup_task.RUNNING)
        self.backup_bar.setRange(0, task.total if copying and task.total else 0)
        if copying and task.total:
            self.backup_bar.setValue(task.done)

    def _backup_ended(self) -> None:
        task = self.backup_task
        if getattr(self, "_backup_told", False):
            return
        self._backup_told = True
        self._show_backup()
        self.backup_label.setStyleSheet("color: #a11d1d; font-weight: bold;"
                                        if task.state == backup_task.FAILED else "")
        if task.state == backup_task.FAILED:
            errors.MessageDialog.ask(
                self, kind=errors.WARNING, title=_("Backup"),
                text=backup_task.failed_text(task.problem),
                buttons=[errors.Button("ok", _("OK"), default=True)])
        elif task.state == backup_task.DONE:
            QTimer.singleShot(STATUS_SECONDS * 1000, self.backup_label.clear)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.idle.stop()
        if not self._logging_out and self.isVisible():
            self.remember_geometry()
        super().closeEvent(event)
