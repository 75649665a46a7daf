"""``Check the ledger`` in the window: the same check as ``kongthun verify``, on a thread
of its own with a progress dialog the user may cancel, so the window never freezes on a big
ledger. A clean check is written to the audit log and leaves the checkpoints the next check
resumes from (``models.core.checkpoints``); a cancelled one leaves nothing."""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop import errors
from models.core import audit, users
from models.core.checkpoints import record_checkpoints
from models.core.db import Database
from models.core.i18n import _
from models.core.verify import VerifyRun, verify_run
from models.core.verify_scope import groups_to_verify

log = logging.getLogger("kongthun.verify")

RUNNING, DONE, FAILED, STOPPED = "running", "done", "failed", "stopped"


class VerifyStopped(Exception):
    """Raised from the progress callback when the user cancelled."""


class VerifyTask(QThread):
    """The check on a thread. ``progress(done, total)`` (journal lines) while it runs, then
    ``ended`` once; ``state``, ``problems``, ``entries`` and ``resumed`` keep the outcome."""

    progress = Signal(int, int)
    ended = Signal()

    def __init__(self, database: Database, user, *, full: bool = False,  # noqa: ANN001
                 parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.database, self.user, self.full = database, user, full
        self.state = RUNNING
        self.problems: list[str] = []
        self.entries = 0
        self.resumed = 0
        self.failure = ""
        self._stop = threading.Event()

    def run(self) -> None:
        try:
            with self.database.snapshot() as session:
                actor = users.reload_user(session, self.user)
                groups = groups_to_verify(session, actor)
                ids = {g.group_id for g in groups}
                run: VerifyRun = verify_run(session, full=self.full, resume=not self.full,
                                            progress=self._progress)
            self.problems = [str(p) for p in run.problems
                             if p.group_id is None or p.group_id in ids]
            self.entries = sum(g.entries for g in groups)
            self.resumed = len(run.resumed)
            with self.database.write() as session:
                actor = users.reload_user(session, self.user)
                if not run.problems:
                    record_checkpoints(
                        session, actor, heads={g: (h.seq, h.hash) for g, h in run.heads.items()},
                        sums=run.sums, full_checked=run.full_checked)
                audit.record(session, actor, "ledger.verify", ok=not self.problems,
                             groups=sorted(ids), problems=len(self.problems),
                             resumed=self.resumed, full=self.full)
            self.state = DONE
        except VerifyStopped:
            self.state = STOPPED
        except Exception as exc:  # noqa: BLE001 - the window stays; say why
            log.exception("verify failed")
            self.failure = str(exc)
            self.state = FAILED
        self.ended.emit()

    def _progress(self, done: int, total: int) -> None:
        if self._stop.is_set():
            raise VerifyStopped
        self.progress.emit(done, total)

    def stop(self) -> None:
        """Stop at the next progress step and wait for the thread."""
        self._stop.set()
        self.wait()


def check_ledger(parent: QWidget, ctx, *, full: bool = False) -> VerifyTask:  # noqa: ANN001
    """Run the check with a progress dialog (Cancel stops it); when it ends, say what it
    found. Returns the task (it has ended when this returns)."""
    task = VerifyTask(ctx.database, ctx.user, full=full, parent=parent)
    dialog = QProgressDialog(_("Checking the ledger…"), _("Cancel"), 0, 100, parent)
    dialog.setWindowTitle(_("Check the ledger"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(420)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def moved(done: int, total: int) -> None:
        dialog.setValue(100 * done // total if total else 100)
        dialog.setLabelText(_("Checking the ledger… {done} of {total} lines").format(
            done=f"{done:,}", total=f"{total:,}"))

    task.progress.connect(moved)
    dialog.canceled.connect(task._stop.set)
    task.ended.connect(lambda: dialog.done(0))
    task.start()
    dialog.exec()
    task.wait()
    show_outcome(parent, task)
    return task


def show_outcome(parent: QWidget, task: VerifyTask) -> None:
    title = _("Check the ledger")
    if task.state == STOPPED:
        errors.show_info(parent, _("The check was stopped. Nothing was changed."), title=title)
    elif task.state == FAILED:
        errors.MessageDialog.ask(parent, kind=errors.ERROR, title=title,
                                 text=_("The check could not be finished."),
                                 details=task.failure,
                                 buttons=[errors.Button("ok", _("OK"), default=True)])
    elif not task.problems:
        text = _("All checks passed: {entries} entries, every balance and every hash.").format(
            entries=task.entries)
        if task.resumed:
            text += "\n" + _("Entries proven by the last check were not hashed again; the "
                             "whole ledger is hashed at least once a week.")
        errors.show_info(parent, text, title=title)
    else:
        errors.MessageDialog.ask(
            parent, kind=errors.WARNING, title=title,
            text=_("The check found {count} problems. Show them to your auditor before "
                   "recording anything else.").format(count=len(task.problems)),
            details="\n".join(task.problems),
            buttons=[errors.Button("ok", _("OK"), default=True)])
