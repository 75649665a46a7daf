"""The day's backup in the background: the log-in window appears at once while the ledger
is copied and the copy verified on a thread of its own (``models.core.backup``: SQLite's
online backup on its own connection, so the app's writes go on and are never lost or
half-copied); the main window shows how far it got in its status bar, and says plainly
when it failed."""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QThread, QTimer, Signal

from models.core import backup
from models.core.backup import BackupResult, BackupStopped
from models.core.db import Database
from models.core.i18n import N_, _

log = logging.getLogger("kongthun.backup")

RUNNING, DONE, NOTHING_TO_DO, FAILED, STOPPED = "running", "done", "nothing", "failed", "stopped"


class DailyBackup(QThread):
    """``daily_backup`` on a thread. Signals arrive in the window's thread: ``progress``
    (stage, done, total) while it runs, then ``ended`` once. ``state``, ``result`` and
    ``problem`` keep the outcome for a window opened after it ended."""

    progress = Signal(str, int, int)
    ended = Signal()

    def __init__(self, database: Database, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.database = database
        self.state = RUNNING
        self.stage, self.done, self.total = backup.COPYING, 0, 0
        self.result: BackupResult | None = None
        self.problem: str = ""
        self._stop = threading.Event()
        self._started = False

    def begin(self) -> None:
        """Start the thread, once (a finished QThread would run again on ``start``)."""
        if not self._started:
            self._started = True
            self.start()

    def run(self) -> None:
        try:
            # The capabilities' rules (verify's checks, entry texts) load here, while the
            # log-in is on screen; the main window finds them loaded.
            from models.core import capability

            capability.load()
            self.result = backup.daily_backup(self.database, progress=self._progress)
        except BackupStopped:
            self.state = STOPPED
        except Exception as exc:  # noqa: BLE001 - the ledger is still open; say why
            log.exception("daily backup failed")
            self.problem = str(exc)
            self.state = FAILED
        else:
            if self.result is None:
                self.state = NOTHING_TO_DO
            elif not self.result.ok:
                self.problem = _("the copy does not verify: {problems}").format(
                    problems="; ".join(self.result.problems[:3]))
                self.state = FAILED
            else:
                self.state = DONE
        self.ended.emit()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._stop.is_set():
            raise BackupStopped
        self.stage, self.done, self.total = stage, done, total
        self.progress.emit(stage, done, total)

    def stop(self) -> None:
        """Stop the copy (the program is closing) and wait for the thread; a copy cut
        short leaves no file. The check of a finished copy runs to its end."""
        self._stop.set()
        self.wait()

    def text(self) -> str:
        """What the status bar says now, in today's language."""
        if self.state == RUNNING:
            if self.stage == backup.CHECKING:
                return _("Today's backup: checking the copy…")
            percent = 100 * self.done // self.total if self.total else 0
            return _("Today's backup: copying the ledger… {percent} %").format(percent=percent)
        if self.state == DONE and self.result is not None:
            return _("Today's backup is made and checked ({entries} entries).").format(
                entries=self.result.entries)
        if self.state == FAILED:
            return failed_text(self.problem)
        return ""


def failed_text(problem: str) -> str:
    return _(FAILED_TEXT).format(problem=problem)


FAILED_TEXT = N_("Today's automatic backup could not be made: {problem}. Your ledger is "
                 "safe; make a backup under Settings, or ask for help.")


# How long after the log-in is asked for the backup thread begins: the log-in is drawn
# first, without the thread's imports and copying competing for the interpreter.
SETTLE_MS = 250


def start(database: Database, *, settle_ms: int = 0) -> DailyBackup | None:
    """Start the day's backup of a SQLite ledger (``settle_ms`` later, from the event loop);
    None for a server database."""
    if database.path is None:
        return None
    task = DailyBackup(database)
    if settle_ms:
        QTimer.singleShot(settle_ms, task.begin)
    else:
        task.begin()
    return task
