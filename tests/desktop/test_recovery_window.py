"""The window and a broken ledger: a 0-byte file is not quietly turned into a new empty
ledger, a file cut short offers a restore instead of failing to open, and the restore
dialog brings the ledger back with the backup's administrator. Each ledger sees only its own
backups."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.app import AppController, run_app
from desktop.recovery_dialog import RecoveryDialog, backup_choices
from desktop.screens.settings import backup_files
from models.core import backup, clock, groups, recovery, users
from models.core.migrate import open_database
from models.core.recovery import LedgerState

ROOT = Path(__file__).resolve().parents[2]


def make_ledger(path: Path) -> None:
    """A ledger with its administrator and a group, and the day's automatic backup."""
    database = open_database(str(path))
    with database.write() as s:
        admin = users.create_first_admin(s, username="admin", display_name="Admin",
                                         password="demo")
        groups.create_group(s, admin, name="ກຸ່ມແມ່ຍິງ", name_latin="Women's group")
    backup.daily_backup(database)
    database.dispose()


@pytest.fixture
def offered(monkeypatch):
    """Records what the window offered and answers "close without changing anything"."""
    calls = []

    def ask(ledger, state, parent=None):  # noqa: ANN001
        calls.append((Path(ledger), state))
        return "quit"

    monkeypatch.setattr(RecoveryDialog, "ask", ask)
    monkeypatch.setattr(AppController, "start", lambda self: False)
    return calls


def test_a_zero_byte_ledger_is_offered_a_restore_and_left_as_it_is(app, tmp_path, offered):
    path = tmp_path / "kongthun.sqlite3"
    make_ledger(path)
    path.write_bytes(b"")

    assert run_app(str(path)) == 0

    assert offered == [(path, LedgerState.EMPTY)]
    assert path.stat().st_size == 0  # not silently made a new, empty ledger
    assert len(list(backup.directory_for(path).glob("kongthun-*.sqlite3"))) == 1


def test_a_ledger_cut_in_half_offers_a_restore_instead_of_failing(app, tmp_path, offered):
    path = tmp_path / "kongthun.sqlite3"
    make_ledger(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    assert run_app(str(path)) == 0

    assert offered == [(path, LedgerState.DAMAGED)]


def test_a_missing_ledger_with_backups_is_offered_them(app, tmp_path, offered):
    path = tmp_path / "kongthun.sqlite3"
    make_ledger(path)
    path.unlink()

    assert run_app(str(path)) == 0

    assert offered == [(path, LedgerState.MISSING)]
    assert not path.exists()


def test_a_first_start_without_backups_opens_a_new_ledger(app, tmp_path, offered):
    path = tmp_path / "kongthun.sqlite3"

    assert run_app(str(path)) == 0

    assert offered == [] and recovery.ledger_state(path) is LedgerState.OK


def test_the_restore_dialog_brings_the_ledger_back(app, qtbot, tmp_path):
    path = tmp_path / "kongthun.sqlite3"
    make_ledger(path)
    path.write_bytes(b"")
    dialog = RecoveryDialog(path, LedgerState.EMPTY)
    qtbot.addWidget(dialog)
    assert dialog.choices.rowCount() == 1 and dialog.source() is not None

    dialog.user_name.setText("admin")
    dialog.password.setText("wrong")
    assert not dialog.save()
    assert "Wrong user name or password for this backup" in dialog.problems.text()
    assert path.stat().st_size == 0

    dialog.password.setText("demo")
    assert dialog.save()
    assert recovery.ledger_state(path) is LedgerState.OK
    kept = list((backup.directory_for(path) / "special").glob("*-empty-kongthun.sqlite3"))
    assert len(kept) == 1 and kept[0].stat().st_size == 0


def test_two_ledgers_in_one_folder_each_list_only_their_own_backups(tmp_path):
    real, demo = tmp_path / "kongthun.sqlite3", tmp_path / "demo.sqlite3"
    make_ledger(real)
    clock.set_now(clock.now().replace(minute=45))
    make_ledger(demo)

    real_db, demo_db = open_database(str(real)), open_database(str(demo))
    try:
        [mine] = backup_files(real_db)
        [theirs] = backup_files(demo_db)
    finally:
        real_db.dispose()
        demo_db.dispose()

    assert mine.path.parent == tmp_path / "backups" / "kongthun"
    assert theirs.path.parent == tmp_path / "backups" / "demo"
    assert [c.path for c in backup_choices(real)] == [mine.path]


def test_the_window_keeps_the_ledger_held_while_it_is_open(app, tmp_path, monkeypatch):
    """While the window runs, a restore from another program is refused."""
    path = tmp_path / "kongthun.sqlite3"
    make_ledger(path)
    seen = []
    probe = ("from models.core import recovery\n"
             "try:\n"
             f"    with recovery.exclusive({str(path)!r}):\n"
             "        print('allowed')\n"
             "except recovery.LedgerInUse:\n"
             "    print('refused')\n")

    def another_program() -> str:
        return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              timeout=120).stdout.strip()

    def start(self):  # noqa: ANN001, ANN202
        seen.append(another_program())
        return False

    monkeypatch.setattr(AppController, "start", start)
    assert run_app(str(path)) == 0
    seen.append(another_program())

    assert seen == ["refused", "allowed"]  # held while open, let go when it closed


def test_the_start_checks_cheaply_and_the_restore_checks_every_page(tmp_path):
    """The window's start reads the header and the table list only (the log-in must not
    wait on the size of the ledger): a file cut short or with a broken first page is still
    found. A page broken further in is left to the day's backup and to a restore, whose
    thorough check reads every page."""
    path = tmp_path / "kongthun.sqlite3"
    make_ledger(path)
    data = bytearray(path.read_bytes())
    assert recovery.ledger_state(path, thorough=False) is LedgerState.OK

    path.write_bytes(bytes(data[: len(data) - 4096]))  # one page short
    assert recovery.ledger_state(path, thorough=False) is LedgerState.DAMAGED

    broken = bytearray(data)
    middle = len(broken) // 2
    broken[middle:middle + 8192] = os.urandom(8192)  # two pages inside, scribbled over
    path.write_bytes(bytes(broken))
    assert recovery.ledger_state(path, thorough=True) is LedgerState.DAMAGED


def test_the_window_upgrades_an_older_ledger_after_a_checked_backup(tmp_path):
    """A ledger written by an older version: the window (in a fresh process, where nothing
    loaded the capabilities yet) backs it up, checks the copy with every capability's rules,
    migrates it, and then asks for the log-in."""
    from alembic import command

    from models.core import migrate
    from models.core.db import Database

    path = tmp_path / "kongthun.sqlite3"
    database = Database(f"sqlite:///{path}")
    config = migrate.alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_foundation")
    database.dispose()
    probe = ("import sys\n"
             "from desktop import app, login\n"
             "login.LoginDialog.ask = staticmethod(lambda *a, **k: print('log-in asked'))\n"
             # a ledger of that age has no users yet: the first-run questions come
             "app.offer_demo = lambda *a, **k: print('log-in asked')\n"
             "app.FirstRunDialog.ask = staticmethod(lambda *a, **k: None)\n"
             f"sys.exit(app.run_app({str(path)!r}))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "log-in asked" in done.stdout
    reopened = Database(f"sqlite:///{path}")
    assert migrate.current_revisions(reopened) == migrate.head_revisions()
    reopened.dispose()
    assert list(backup.directory_for(path).rglob("kongthun-*-before-migration.sqlite3"))
