"""Two windows on one ledger: while one saves for a long time, the other says it is busy
and tries again, instead of "Something went wrong"."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from desktop import errors
from desktop.actions import BUSY_RETRIES, run_action
from desktop.context import ScreenContext
from models.core import db as db_module
from models.core import members
from models.core.db import Database
from models.core.errors import LedgerBusy
from models.core.members import MemberDetails
from models.core.schema import Member


@pytest.fixture
def impatient(make_ctx, env, monkeypatch):
    """The treasurer's window on the ledger (with a short busy timeout), and a second
    window in the middle of saving."""
    treasurer = make_ctx("treasurer").user
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 100)
    database = Database(env.db.url)
    other_window = sqlite3.connect(str(env.db.path), isolation_level=None)
    other_window.execute("BEGIN IMMEDIATE")
    yield ScreenContext(database, treasurer, env.group_id), other_window
    other_window.close()
    database.dispose()


def _add_member(ctx, env):  # noqa: ANN001, ANN202
    details = MemberDetails(name_lao="ນາງ ດາ", gender="f", joined_on=dt.date(2025, 3, 1))
    return run_action(ctx, None, lambda s, actor: members.add_member(
        s, actor, group_id=env.group_id, details=details), changed={"members"})


def _members(env) -> int:
    with env.db.read() as s:
        return s.query(Member).count()


def test_a_save_waits_while_another_window_saves_then_goes_through(env, impatient, messages):
    ctx, other_window = impatient
    notes = []

    def on_status(text):  # noqa: ANN001, ANN202
        notes.append(text)
        other_window.execute("COMMIT")  # the other window finishes saving

    ctx.signals.status_posted.connect(on_status)
    outcome = _add_member(ctx, env)

    assert outcome.ok
    assert notes == [f"Busy — another window is saving; retrying (1 of {BUSY_RETRIES})…"]
    assert messages.shown == []
    assert _members(env) == 4


def test_a_ledger_busy_for_too_long_says_so_plainly_and_writes_nothing(env, impatient,
                                                                       messages):
    ctx, _ = impatient
    notes = []
    ctx.signals.status_posted.connect(notes.append)

    outcome = _add_member(ctx, env)

    assert not outcome
    assert len(notes) == BUSY_RETRIES
    assert messages.last.kind == errors.WARNING
    assert messages.last.text == str(LedgerBusy())
    assert "another window is saving" in messages.last.text


def test_the_busy_ledger_is_the_apps_own_error_for_the_command_line_too(env, impatient):
    ctx, _ = impatient
    with pytest.raises(LedgerBusy):
        with ctx.database.write() as s:
            s.get(Member, env.member_ids[0]).notes = "x"
            s.flush()
