"""The day's backup off the critical path: the log-in window comes at once while the
ledger is copied on a thread of its own, the main window's status bar says how far it got,
and a backup that failed is said plainly (the ledger itself is fine)."""
from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QApplication

from desktop import app as app_module
from desktop import backup_task
from desktop.app import AppController, run_app
from models.core import backup
from models.core.errors import UserError
from models.core.i18n import N_

pytestmark = pytest.mark.sqlite_only  # backups are copies of the SQLite file


def test_the_log_in_comes_while_the_backup_is_still_copying(app, tmp_path, monkeypatch):
    """A ledger whose copy takes long (a big federation's): the log-in is shown while the
    copy goes on; when she quits, the program finishes the day's backup first."""
    release = threading.Event()
    real = backup.write_backup

    def slow_copy(database, target, *, progress=None, **options):  # noqa: ANN001, ANN202, ANN003
        progress(backup.COPYING, 1, 10)
        assert release.wait(30)
        return real(database, target, progress=progress, **options)

    monkeypatch.setattr(backup, "write_backup", slow_copy)
    tasks = []
    real_start = backup_task.start
    monkeypatch.setattr(backup_task, "start",
                        lambda db, **kw: tasks.append(real_start(db, **kw)) or tasks[-1])
    at_log_in = {}

    def start(controller):  # noqa: ANN001, ANN202
        task = controller.daily_backup
        # The copy begins a moment after the log-in is asked (SETTLE_MS), while she types.
        deadline = time.monotonic() + 30
        while task is not None and not task.isRunning() and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.01)
        at_log_in["running"] = task is not None and task.isRunning()
        at_log_in["text"] = task.text()
        release.set()
        return False  # she closes the log-in window

    monkeypatch.setattr(AppController, "start", start)
    path = tmp_path / "ledger.sqlite3"
    assert run_app(str(path)) == 0
    assert at_log_in["running"]
    assert at_log_in["text"].startswith("Today's backup: copying the ledger…")
    [task] = tasks
    assert task.state == backup_task.DONE
    assert list((tmp_path / "backups" / "ledger").glob("kongthun-*.sqlite3"))


def test_the_status_bar_follows_the_backup_to_its_end(app, window, qtbot, monkeypatch):
    step = threading.Event()
    real = backup.daily_backup

    def watched(database, *, directory=None, progress=None):  # noqa: ANN001, ANN202
        progress(backup.COPYING, 3, 4)
        assert step.wait(30)
        return real(database, directory=directory, progress=progress)

    monkeypatch.setattr(backup, "daily_backup", watched)
    task = backup_task.DailyBackup(window.ctx.database)
    with qtbot.waitSignal(task.progress, timeout=10_000):
        task.start()
    window.follow_backup(task)
    assert window.backup_label.text() == "Today's backup: copying the ledger… 75 %"
    assert not window.backup_bar.isHidden()
    assert (window.backup_bar.value(), window.backup_bar.maximum()) == (3, 4)
    with qtbot.waitSignal(task.ended, timeout=60_000):
        step.set()
    assert task.state == backup_task.DONE
    assert window.backup_label.text().startswith("Today's backup is made and checked (")
    assert window.backup_bar.isHidden()


def test_a_failed_backup_is_said_plainly(app, window, qtbot, monkeypatch, messages):
    def full_stick(database, *, directory=None, progress=None):  # noqa: ANN001, ANN202
        raise UserError(N_("The backup could not be written to {folder}: {detail}. Is the "
                           "stick full, or locked against writing?"),
                        folder="/media/stick", detail="No space left on device")

    monkeypatch.setattr(backup, "daily_backup", full_stick)
    task = backup_task.DailyBackup(window.ctx.database)
    with qtbot.waitSignal(task.ended, timeout=10_000):
        task.start()
    task.wait()
    window.follow_backup(task)  # it ended while she was logging in
    assert task.state == backup_task.FAILED
    said = window.backup_label.text()
    assert said.startswith("Today's automatic backup could not be made: The backup could "
                           "not be written to /media/stick: No space left on device.")
    assert "Your ledger is safe" in said
    [shown] = messages.shown
    assert shown.kind == "warning" and shown.text == said


def test_a_copy_that_does_not_verify_is_a_failed_backup(app, window, qtbot, monkeypatch,
                                                       messages):
    def broken(database, *, directory=None, progress=None):  # noqa: ANN001, ANN202
        return backup.BackupResult(database.path, 1, 3, ("Entry 2: the hash does not match",))

    monkeypatch.setattr(backup, "daily_backup", broken)
    task = backup_task.DailyBackup(window.ctx.database)
    with qtbot.waitSignal(task.ended, timeout=10_000):
        task.start()
    window.follow_backup(task)
    assert task.state == backup_task.FAILED
    assert "the copy does not verify: Entry 2: the hash does not match" in \
        window.backup_label.text()
    assert len(messages.shown) == 1


def test_the_window_follows_the_backup_after_each_log_in(app, db, monkeypatch):
    shown = []
    monkeypatch.setattr(app_module.MainWindow, "follow_backup",
                        lambda self, task: shown.append(task))
    monkeypatch.setattr(app_module.MainWindow, "show_as_last_time", lambda self: None)
    from models.core import users

    with db.write() as s:
        users.create_first_admin(s, username="suda", display_name="Suda", password="abcd")
    monkeypatch.setattr(app_module.LoginDialog, "ask", staticmethod(
        lambda database, parent=None, username="": (users.login(database, "suda", "abcd"),
                                                    False)))
    task = object()
    controller = AppController(db, task)
    assert controller.start()
    assert shown == [task]
    controller.window.deleteLater()
