"""Restore drills: the ledger on the treasurer's laptop is damaged, cut short, emptied or
gone, and the administrator brings it back from the USB stick with ``kongthun restore``,
logging in against the backup's own users. The broken file is kept aside, the restored
ledger verifies, and refusals (a newer backup, a window still open) change nothing."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.core import backup, recovery
from models.core.recovery import LedgerState
from tests.cli.ledger_helpers import (
    audit_events,
    build_demo_ledger,
    foundation_only_demo,  # noqa: F401 (autouse fixture)
    kongthun,
    post_deposits,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def demo_password(monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    monkeypatch.delenv("KONGTHUN_DATABASE_URL", raising=False)


@pytest.fixture
def laptop(capsys, tmp_path):
    """The ledger with four deposits, a backup of it on the USB stick, then two deposits more
    (lost with the damage). Returns (ledger, backup)."""
    ledger = build_demo_ledger(capsys, tmp_path / "village" / "kongthun.sqlite3")
    post_deposits(ledger, group_id=1, count=4)
    usb = tmp_path / "usb"
    usb.mkdir()
    copy = usb / "monday.sqlite3"
    assert kongthun(capsys, "backup", "--db", str(ledger), "--user", "admin",
                    "--out", str(copy))[0] == 0
    post_deposits(ledger, group_id=1, count=2)
    return ledger, copy


def entries(path: Path) -> int:
    return backup.count_entries(path)


def damage_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = b"\x00" * 100
    path.write_bytes(bytes(data))


def damage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8192] = os.urandom(8192)
    path.write_bytes(bytes(data))


def cut_in_half(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def remove(path: Path) -> None:
    path.unlink()


DAMAGE = {"damaged first page": damage_header, "damaged pages inside": damage_pages,
          "cut in half": cut_in_half, "0 bytes": empty, "missing": remove}


@pytest.mark.parametrize("how", list(DAMAGE))
def test_the_administrator_restores_a_broken_ledger_from_the_usb_stick(capsys, laptop, how):
    ledger, copy = laptop
    for suffix in ("-wal", "-shm"):
        Path(str(ledger) + suffix).unlink(missing_ok=True)
    DAMAGE[how](ledger)
    broken = ledger.read_bytes() if ledger.exists() else None
    assert recovery.ledger_state(ledger) is not LedgerState.OK

    code, out, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                              "--user", "admin")

    assert code == 0, err
    assert recovery.ledger_state(ledger) is LedgerState.OK
    assert entries(ledger) == 4
    assert kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")[0] == 0
    assert [(user, ok) for user, ok, _ in audit_events(ledger, "backup.restore")] == [
        ("admin", 1)]
    special = ledger.parent / "backups" / ledger.stem / "special"
    if broken is None:
        assert "There was no ledger at" in out
    else:
        [kept] = [p for p in special.iterdir() if not p.name.endswith(("-wal", "-shm"))]
        assert kept.read_bytes() == broken  # kept exactly as it was, for whoever looks later
        assert f"kept in {special}" in out


def test_the_backups_own_administrator_password_is_the_one_asked(capsys, laptop, monkeypatch):
    """After the backup, the admin changed her password; the ledger is then lost. The
    password of the backup's time opens the restore; today's does not."""
    ledger, copy = laptop
    from models.core import users
    from models.core.db import Database, sqlite_url

    database = Database(sqlite_url(ledger))
    with database.write() as session:
        admin = users.reload_user(session, users.authenticate(session, "admin", "demo"))
        users.change_password(session, admin, user_id=admin.id, new_password="new secret 2026",
                              old_password="demo")
    database.dispose()
    empty(ledger)

    monkeypatch.setenv("KONGTHUN_PASSWORD", "new secret 2026")
    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                            "--user", "admin")
    assert code == 2 and "Wrong user name or password for this backup" in err
    assert ledger.stat().st_size == 0

    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                            "--user", "admin")
    assert code == 0, err


def test_a_treasurer_of_the_backup_may_not_restore_it(capsys, laptop):
    ledger, copy = laptop
    cut_in_half(ledger)
    before = ledger.read_bytes()

    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                            "--user", "treasurer")

    assert code == 2 and "treasurer may not restore backups" in err
    assert ledger.read_bytes() == before


def test_a_backup_from_a_newer_kongthun_is_refused(capsys, laptop):
    ledger, copy = laptop
    connection = sqlite3.connect(copy)
    connection.execute("INSERT INTO alembic_version VALUES ('0099_from_the_future')")
    connection.commit()
    connection.close()

    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                            "--user", "admin")

    assert code == 2 and "made by a newer version of Kongthun" in err
    assert entries(ledger) == 6


def test_restore_waits_for_the_window_that_has_the_ledger_open(capsys, laptop):
    """Another program (a window) holds the ledger: the restore says so and changes nothing,
    so that window's later writes are never silently lost."""
    ledger, copy = laptop
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from models.core import recovery; "
         f"recovery.hold_open({str(ledger)!r}); print('open', flush=True); time.sleep(60)"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                                "--user", "admin")
        assert code == 2 and "open in another Kongthun window" in err
        assert entries(ledger) == 6
    finally:
        holder.kill()
        holder.wait()

    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                            "--user", "admin")
    assert code == 0, err


def test_a_sound_file_of_another_program_is_never_restored_over(capsys, laptop, tmp_path):
    _, copy = laptop
    photos = tmp_path / "photos.sqlite3"
    sqlite3.connect(photos).execute("CREATE TABLE photos (x)").connection.close()

    code, _, err = kongthun(capsys, "restore", "--db", str(photos), "--from", str(copy),
                            "--user", "admin")

    assert code == 2 and "is not a Kongthun ledger" in err
