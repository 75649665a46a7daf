"""The treasurer checks the ledger from the settings screen: a progress dialog follows the
lines read, the window keeps answering, Cancel stops the check, and the outcome is said
plainly."""
from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from sqlalchemy import func, select, text

from desktop import verify_task
from models.core import ledger
from models.core.ledger import Line, Posting
from models.core.schema import AuditEvent, VerifyCheckpoint
from tests.models.test_verify_stream import fill

DAY = dt.date(2026, 11, 1)


def post(env, entries):
    fill(env, entries)


def test_the_check_shows_its_progress_and_says_all_is_well(window, env, messages):
    post(env, 6_000)
    screen = window.show_section("settings")
    screen.refresh()
    assert screen.check_box.isVisibleTo(screen)
    seen = []

    def watch():  # the dialog is up while the check runs; the window still answers
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, QProgressDialog) and w.isVisible()), None)
        if dialog is not None:
            seen.append((dialog.windowTitle(), dialog.labelText(), dialog.value()))
            QTimer.singleShot(5, watch)

    QTimer.singleShot(0, watch)
    task = screen.check_ledger()
    assert task.state == verify_task.DONE and task.problems == []
    assert seen and seen[0][0] == "Check the ledger"
    assert any("of 12,000 lines" in label for _, label, _ in seen)
    assert messages.last.text.startswith("All checks passed: 6000 entries")
    with env.db.read() as s:
        assert s.scalar(select(func.count()).select_from(VerifyCheckpoint)) == 1
        assert s.scalar(select(func.count()).where(AuditEvent.action == "ledger.verify")) == 1


def test_cancel_stops_the_check_and_leaves_nothing(window, env, messages, monkeypatch):
    post(env, 20)
    screen = window.show_section("settings")
    real = verify_task.verify_run

    def long_check(session, *, progress, **options):  # a ledger that takes minutes
        for done in range(1, 3_000):
            progress(done, 3_000)
            time.sleep(0.01)
        return real(session, progress=progress, **options)

    monkeypatch.setattr(verify_task, "verify_run", long_check)

    def cancel():
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, QProgressDialog) and w.isVisible()), None)
        if dialog is None or dialog.value() < 1:
            QTimer.singleShot(5, cancel)
        else:
            dialog.findChild(QPushButton).click()  # the dialog's Cancel button

    QTimer.singleShot(0, cancel)
    task = screen.check_ledger(full=True)
    assert task.state == verify_task.STOPPED
    assert messages.last.text == "The check was stopped. Nothing was changed."
    with env.db.read() as s:
        assert s.scalar(select(func.count()).select_from(VerifyCheckpoint)) == 0


def test_problems_are_listed_for_the_auditor(window, env, messages):
    post(env, 20)
    with env.db.engine.begin() as c:
        if c.dialect.name == "sqlite":
            c.execute(text("DROP TRIGGER journal_lines_no_update"))
        else:
            c.execute(text("ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_append_only"))
        c.execute(text("UPDATE journal_lines SET amount = amount + 1 WHERE id = 7"))
    screen = window.show_section("settings")
    task = screen.check_ledger()
    assert task.state == verify_task.DONE and task.problems
    assert messages.last.text.startswith("The check found")
    assert "entry 4 was changed after it was posted" in messages.last.details
    with env.db.read() as s:
        assert s.scalar(select(func.count()).select_from(VerifyCheckpoint)) == 0
