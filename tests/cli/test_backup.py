"""``kongthun backup`` and ``kongthun restore``: a checked copy on a USB stick, and putting a
good backup back, by an administrator only."""
from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from models.core import backup
from tests.cli.ledger_helpers import (
    audit_events,
    build_demo_ledger,
    entry_id,
    foundation_only_demo,  # noqa: F401 (autouse fixture)
    kongthun,
    post_deposits,
    tamper,
)


@pytest.fixture(autouse=True)
def demo_password(monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    monkeypatch.delenv("KONGTHUN_DATABASE_URL", raising=False)


@pytest.fixture
def ledger(capsys, tmp_path) -> Path:
    path = build_demo_ledger(capsys, tmp_path / "village" / "ledger.sqlite3")
    post_deposits(path, group_id=1, count=3)
    return path


@pytest.fixture
def usb(tmp_path) -> Path:
    stick = tmp_path / "usb"
    stick.mkdir()
    return stick


def entries_and_head(path: Path) -> tuple[int, str]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT count(*), (SELECT head_hash FROM groups WHERE id = 1) "
            "FROM journal_entries").fetchone()
    finally:
        connection.close()


def test_backup_writes_a_copy_that_verifies(capsys, ledger, usb):
    target = usb / "monday.sqlite3"

    code, out, err = kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out",
                              str(target))

    assert code == 0, err
    assert f"Backup written: {target}" in out
    assert "journal entries: 3." in out and "The copy verifies" in out
    assert f"Size: {target.stat().st_size:,} bytes" in out
    assert backup.check_backup(target).ok
    assert entries_and_head(target) == entries_and_head(ledger)
    assert "Made by admin; recorded in the audit log." in out
    assert [(user, ok) for user, ok, _ in audit_events(ledger, "backup")] == [("admin", 1)]
    assert backup_mode(target) == 0o600


def backup_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_backup_needs_someone_to_log_in(capsys, ledger, usb):
    with pytest.raises(SystemExit) as info:
        kongthun(capsys, "backup", "--db", str(ledger), "--out", str(usb / "b.sqlite3"))
    assert info.value.code == 2
    assert list(usb.iterdir()) == []


def test_a_treasurer_of_one_group_cannot_copy_every_group(capsys, ledger, usb):
    """A backup holds all five groups' members and password hashes: a treasurer of group 2
    alone may not carry it away (the issue's finding), and nothing is left on the stick."""
    from models.core import users
    from models.core.db import Database, sqlite_url

    database = Database(sqlite_url(ledger))
    with database.write() as s:
        admin = s.scalar(select(users.User).where(users.User.username == "admin"))
        one = users.create_user(s, admin, username="noy", display_name="Noy",
                                password="demo")
        users.grant_role(s, admin, user_id=one.id, role="treasurer", group_id=2)
    database.dispose()

    code, _, err = kongthun(capsys, "backup", "--user", "noy", "--db", str(ledger),
                            "--out", str(usb))

    assert code == 2
    assert "noy may not copy the whole ledger" in err
    assert list(usb.iterdir()) == []
    assert audit_events(ledger, "backup") == []


def test_a_full_stick_gives_a_plain_message_and_leaves_no_partial_file(capsys, ledger, usb,
                                                                      monkeypatch):
    def full(_path, **_options):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "check_backup", full)

    code, _, err = kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger),
                            "--out", str(usb / "b.sqlite3"))

    assert code == 2
    assert "could not be written to" in err and "No space left on device" in err
    assert "Traceback" not in err
    assert list(usb.iterdir()) == []


def test_backup_into_a_folder_names_the_copy_by_date(capsys, ledger, usb):
    code, out, _ = kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out",
                            str(usb))

    assert code == 0
    assert [p.name for p in usb.iterdir()] == ["kongthun-20261120-093000.sqlite3"]


def test_backup_with_a_user_is_audited(capsys, ledger, usb):
    code, _, err = kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out",
                            str(usb / "b.sqlite3"), "--user", "treasurer")

    assert code == 0, err
    assert [(user, ok) for user, ok, _ in audit_events(ledger, "backup")] == [("treasurer", 1)]


def test_backup_never_overwrites_and_needs_an_existing_folder(capsys, ledger, usb):
    existing = usb / "old.sqlite3"
    existing.write_bytes(b"precious")

    code, _, err = kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out",
                            str(existing))
    assert code == 2 and "already exists; choose another name" in err
    assert existing.read_bytes() == b"precious"

    code, _, err = kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out",
                            str(ledger))
    assert code == 2 and "already exists" in err

    code, _, err = kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out",
                            str(usb / "not-mounted" / "b.sqlite3"))
    assert code == 2 and "does not exist" in err


def test_a_backup_of_a_tampered_ledger_says_the_copy_does_not_verify(capsys, ledger, usb):
    tamper(ledger, f"UPDATE journal_lines SET amount = amount + 1 "
                   f"WHERE entry_id = {entry_id(ledger, 1, 1)} AND line_no = 1")

    code, out, _ = kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out",
                            str(usb / "b.sqlite3"))

    assert code == 1
    assert "The copy does NOT verify:" in out and "entry 1 does not balance" in out


def test_the_admin_restores_a_backup_and_the_ledger_before_is_kept(capsys, ledger, usb):
    copy = usb / "b.sqlite3"
    assert kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out",
                    str(copy))[0] == 0
    post_deposits(ledger, group_id=1, count=2)  # recorded after the backup
    assert entries_and_head(ledger)[0] == 5

    code, out, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                              "--user", "admin")

    assert code == 0, err
    assert entries_and_head(ledger) == entries_and_head(copy)
    special = ledger.parent / "backups" / ledger.stem / "special"
    assert f"kept in {special}" in out
    [before] = special.glob("kongthun-*-before-restore.sqlite3")
    assert entries_and_head(before)[0] == 5
    assert [(user, ok) for user, ok, _ in audit_events(ledger, "backup.restore")] == [
        ("admin", 1)]


@pytest.mark.parametrize("role", ["treasurer", "leader", "auditor"])
def test_only_an_administrator_may_restore(capsys, ledger, usb, role):
    copy = usb / "b.sqlite3"
    kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out", str(copy))
    post_deposits(ledger, group_id=1, count=1)

    code, out, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(copy),
                              "--user", role)

    assert code == 2 and f"{role} may not restore backups" in err
    assert entries_and_head(ledger)[0] == 4


def test_restore_refuses_a_file_that_is_not_a_good_kongthun_backup(capsys, ledger, usb):
    before = entries_and_head(ledger)
    notes = usb / "notes.txt"
    notes.write_text("shopping list")
    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(notes),
                            "--user", "admin")
    assert code == 2 and "is not a Kongthun backup" in err

    other_app = usb / "other.sqlite3"
    sqlite3.connect(other_app).execute("CREATE TABLE photos (x)").connection.close()
    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(other_app),
                            "--user", "admin")
    assert code == 2 and "is not a Kongthun backup" in err

    good = usb / "good.sqlite3"
    kongthun(capsys, "backup", "--user", "admin", "--db", str(ledger), "--out", str(good))
    broken = usb / "broken.sqlite3"
    broken.write_bytes(good.read_bytes()[:100] + b"\x00" * 5000)  # a stick pulled out early
    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(broken),
                            "--user", "admin")
    assert code == 2 and "is damaged" in err

    tampered = usb / "tampered.sqlite3"
    shutil.copyfile(good, tampered)
    tamper(tampered, f"UPDATE journal_lines SET amount = amount * 3 "
                     f"WHERE entry_id = {entry_id(tampered, 1, 2)}")
    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from", str(tampered),
                            "--user", "admin")
    assert code == 2 and "does not verify, so it was not restored" in err

    code, _, err = kongthun(capsys, "restore", "--db", str(ledger), "--from",
                            str(usb / "missing.sqlite3"), "--user", "admin")
    assert code == 2 and "No backup file at" in err

    assert entries_and_head(ledger) == before
    assert not (ledger.parent / "backups").exists()  # nothing was replaced, so no safety copy
