"""Starting the window: ``run_app(db)`` is what ``kongthun`` without a subcommand calls.

Order matters: the QApplication first, then the bundled fonts (registering fonts before the
application exists crashes Qt), the app font and style sheet; then the ledger is opened
(migrated after a backup), and the user is led through the first-run wizard (no users
yet), the demo offer, the log-in and the main window, while the day's first open backs the
ledger up in the background (``desktop/backup_task.py``; the main window's status bar
shows it). Logging out returns to the log-in dialog."""
from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from desktop import backup_task, errors
from desktop.context import ScreenContext
from desktop.login import FirstRunDialog, LoginDialog, offer_demo
from desktop.main_window import MainWindow
from desktop.qt_i18n import language_bridge, switch_language
from models.core import capability, i18n, migrate, recovery, users
from models.core.db import Database, resolve_url, sqlite_path
from models.core.errors import UserError
from models.core.i18n import _
from models.core.schema import User
from resources import FONTS, ROOT

log = logging.getLogger("kongthun.desktop")

FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf",
              "NotoSansLao-Regular.ttf", "NotoSansLao-Bold.ttf")
FONT_FAMILIES = ["Noto Sans", "Noto Sans Lao"]
BASE_POINT_SIZE = 13
STYLE_SHEET = ROOT / "style.qss"
APP_ICON = ROOT / "icons" / "kongthun.svg"


def application(*, load_capabilities: bool = True) -> QApplication:
    """The QApplication with fonts, style sheet and the language bridge in place, and every
    capability loaded (entry kinds, memo texts, meeting columns: the window's screens need
    them before any ledger is read). ``run_app`` loads them later, once the log-in is on
    screen (``AppController.capabilities``): the log-in needs none of them."""
    if load_capabilities:
        capability.load()
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    if not app.property("kongthun_ready"):
        app.setApplicationName("Kongthun")
        app.setOrganizationName("Kongthun")
        register_fonts()
        font = QFont()
        font.setFamilies(FONT_FAMILIES)
        font.setPointSize(BASE_POINT_SIZE)
        app.setFont(font)
        if STYLE_SHEET.exists():
            app.setStyleSheet(style_sheet())
        if APP_ICON.exists():
            app.setWindowIcon(QIcon(str(APP_ICON)))
        language_bridge()
        app.setProperty("kongthun_ready", True)
    return app


def style_sheet() -> str:
    """The style sheet with its icon paths made absolute (Qt resolves relative ``url()``
    against the working directory)."""
    icons = (ROOT / "icons").as_posix()
    return STYLE_SHEET.read_text(encoding="utf-8").replace("@ICONS@", icons)


def register_fonts() -> list[str]:
    """Register the bundled Noto fonts; returns the families Qt found in them."""
    families = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(FONTS / name))
        if font_id < 0:
            log.warning("could not load font %s", name)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


class AppController(QObject):
    """First run → log-in → main window, and back to log-in after logging out."""

    def __init__(self, database: Database,
                 daily_backup: backup_task.DailyBackup | None = None) -> None:
        super().__init__()
        self.database = database
        self.daily_backup = daily_backup
        self.window: MainWindow | None = None
        self.last_username = ""

    def start(self) -> bool:
        """Show what comes first; false when the user quit before the main window."""
        with self.database.read() as session:
            first_run = not users.has_users(session)
        if first_run:
            capability.load()  # the demo and the first group are written at once
            # The demo builds into an empty ledger only, so it is offered first.
            username = offer_demo(self.database) or FirstRunDialog.ask(self.database)
            if username is None:
                return False
            self.last_username = username
        return self.log_in()

    def log_in(self) -> bool:
        answer = LoginDialog.ask(self.database, username=self.last_username)
        if answer is None:
            return False
        user, language_chosen = answer
        if language_chosen:
            self._keep_language(user)
        elif user.language in i18n.LANGUAGES and user.language != i18n.current_language():
            switch_language(user.language)
        self.last_username = user.username
        capability.load()  # loaded meanwhile by the day's backup, or here
        self.window = MainWindow(ScreenContext(self.database, user))
        self.window.logged_out.connect(self._after_log_out)
        self.window.show_as_last_time()
        if self.daily_backup is not None:
            self.window.follow_backup(self.daily_backup)
        return True

    def _keep_language(self, user: User) -> None:
        """The language chosen before logging in is the window's, and the account's from
        now on (the next log-in opens in it)."""
        language = i18n.current_language()
        if user.language == language:
            return
        try:
            with self.database.write() as session:
                users.set_language(session, session.get(User, user.id), language)
            user.language = language
        except Exception:  # noqa: BLE001 - the window still opens in the chosen language
            log.exception("could not remember the language")

    def _after_log_out(self) -> None:
        window, self.window = self.window, None
        if window is not None:
            window.deleteLater()
        if not self.log_in():
            QApplication.instance().quit()


def recover_if_needed(db: str | None) -> bool:
    """Before opening: a 0-byte, damaged or cut-short ledger (or a missing one whose backups
    are here) is offered a restore, never opened as a new empty ledger. False: quit."""
    path = sqlite_path(resolve_url(db))
    if path is None:
        return True
    state = recovery.ledger_state(path, thorough=False)
    if state is recovery.LedgerState.OK:
        return True
    if state is recovery.LedgerState.FOREIGN:
        errors.MessageDialog.ask(
            None, kind=errors.WARNING, title=_("Kongthun"),
            text=_("{path} is not a Kongthun ledger; it was not opened or changed.").format(
                path=path),
            buttons=[errors.Button("ok", _("OK"), default=True)])
        return False
    from desktop import recovery_dialog  # only for a ledger in trouble: PDF and print support

    if state is recovery.LedgerState.MISSING and not recovery_dialog.backup_choices(path):
        return True  # a first start
    return recovery_dialog.RecoveryDialog.ask(path, state) != "quit"


def run_app(db: str | None) -> int:
    app = application(load_capabilities=False)
    try:
        if not recover_if_needed(db):
            return 0
        database = migrate.open_database(db, migrate=False)
        if migrate.needs_upgrade(database):
            capability.load()  # the backup made before migrating is verified: their checks
            migrate.upgrade(database)
        if database.path is not None:
            recovery.hold_open(database.path)
    except UserError as exc:
        errors.show_error(None, exc)
        return 1
    except Exception as exc:  # noqa: BLE001
        errors.show_unexpected(None, exc)
        return 1
    # The log-in comes at once; the day's backup runs meanwhile, on its own thread.
    daily = backup_task.start(database, settle_ms=backup_task.SETTLE_MS)
    controller = AppController(database, daily)
    try:
        if not controller.start():
            return 0
        return app.exec()
    finally:
        if daily is not None:
            daily.begin()  # a log-in answered before the backup began: it is made now
            daily.wait()  # the day's backup is finished before the program ends
        database.dispose()
        if database.path is not None:
            recovery.release(database.path)
