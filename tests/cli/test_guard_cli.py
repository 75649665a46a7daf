"""The command line never answers a slip with a Python traceback: each of these inputs ends
in one plain line (exit 1 or 2) and changes nothing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import _ledger
from tests.cli.ledger_helpers import (
    audit_events,
    build_demo_ledger,
    foundation_only_demo,  # noqa: F401 (autouse fixture)
    kongthun,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def demo_password(monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    monkeypatch.delenv("KONGTHUN_DATABASE_URL", raising=False)


@pytest.fixture
def ledger(capsys, tmp_path) -> Path:
    return build_demo_ledger(capsys, tmp_path / "ledger.sqlite3")


@pytest.mark.parametrize("argv, says", [
    (["--principal", "1e30"], "--principal: The amount is too large: at most 10,000,000,000,000."),
    (["--principal", "9223372036854775808"], "is too large"),
    (["--disbursed", "9999-12-01"], "01/12/9999 is not a date Kongthun can use"),
    (["--disbursed", "0001-01-01"], "01/01/0001 is not a date Kongthun can use"),
    (["--first-due", "9999-12-31"], "31/12/9999 is not a date Kongthun can use"),
])
def test_a_loan_schedule_with_an_absurd_amount_or_year_is_refused_in_words(capsys, argv, says):
    base = {"--principal": "1000000", "--annual-rate": "10", "--installments": "12"}
    for flag, value in zip(argv[::2], argv[1::2]):
        base[flag] = value
    code, out, err = kongthun(capsys, "loan-schedule", *[x for kv in base.items() for x in kv])
    assert code == 2 and out == ""
    assert says in err and "Traceback" not in err


def test_a_schedule_piped_into_head_ends_quietly():
    """``kongthun loan-schedule … | head -5``: the reader stops, the program just ends."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "--lang", "en", "loan-schedule", "--principal",
         "1000000", "--annual-rate", "10", "--installments", "1000", "--format", "csv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    lines = [process.stdout.readline() for _ in range(5)]
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert lines[0].startswith(b"n,due_date,")
    assert err == ""


def test_verify_on_a_ledger_with_damaged_pages_says_it_is_damaged(capsys, ledger):
    size = ledger.stat().st_size
    with open(ledger, "r+b") as fh:
        fh.seek(4096)
        fh.write(os.urandom(min(3 * 4096, size - 4096)))

    code, out, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "admin")

    assert code == 1
    assert "the ledger cannot be read" in err and "restore the newest good backup" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("url, says", [
    ("foo://bar", "not a ledger file or a database address Kongthun can open"),
    ("postgresql+nosuchdriver://someone@/books",
     "not a ledger file or a database address Kongthun can open"),
])
def test_a_bad_database_address_is_a_usage_error(capsys, url, says):
    code, _, err = kongthun(capsys, "verify", "--db", url, "--user", "admin")
    assert code == 2 and says in err


def test_a_user_name_or_password_that_is_not_utf8_is_a_wrong_log_in(capsys, ledger,
                                                                     monkeypatch):
    # What Python makes of the bytes \xff\xfe in argv or the environment on a UTF-8 system.
    code, _, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "\udcff\udcfe")
    assert code == 2 and "Wrong user name or password." in err
    monkeypatch.setenv("KONGTHUN_PASSWORD", "\udcffdemo")
    code, _, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "admin")
    assert code == 2 and "Wrong user name or password." in err


def test_a_read_only_ledger_is_called_read_only_not_foreign(capsys, ledger, monkeypatch):
    real_access = os.access
    monkeypatch.setattr(_ledger.os, "access",
                        lambda p, mode: False if Path(p) == ledger.parent else real_access(p, mode))
    ledger.with_name(ledger.name + "-shm").unlink(missing_ok=True)

    def refuse(*_args, **_kwargs):
        from sqlalchemy.exc import OperationalError
        raise OperationalError("PRAGMA journal_mode=WAL", {},
                               Exception("attempt to write a readonly database"))

    monkeypatch.setattr(_ledger, "inspect", refuse)

    code, _, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "admin")

    assert code == 2
    assert "is read-only" in err and "not a Kongthun ledger" not in err


def _demo_cut_short(path: Path) -> None:
    """The groups are in, but the build was killed before it could mark itself finished."""
    from models.core.migrate import open_database
    from models.demo import build_demo

    database = open_database(str(path))
    build_demo(database, seed=3, groups=1, years=1)
    database.dispose()


def test_a_demo_cut_short_is_built_again_but_never_a_finished_one_or_real_data(
        capsys, tmp_path):
    from sqlalchemy import select

    from models.core import groups, users
    from models.core.db import Database, sqlite_url
    from models.core.schema import Group

    path = tmp_path / "demo.sqlite3"
    _demo_cut_short(path)
    code, out, err = kongthun(capsys, "demo", "--db", str(path))
    assert code == 0, err
    assert "held an unfinished demo; it is built again" in out

    code, _, err = kongthun(capsys, "demo", "--db", str(path))
    assert code == 2 and "already holds a ledger" in err  # finished: kept

    other = tmp_path / "other.sqlite3"
    _demo_cut_short(other)
    database = Database(sqlite_url(other))
    with database.write() as s:
        admin = s.scalar(select(users.User).where(users.User.username == "admin"))
        groups.create_group(s, admin, name="ກຸ່ມແທ້")
    database.dispose()
    code, _, err = kongthun(capsys, "demo", "--db", str(other))
    assert code == 2 and "already holds a ledger" in err
    database = Database(sqlite_url(other))
    with database.read() as s:
        assert s.scalar(select(Group.id).where(Group.name == "ກຸ່ມແທ້"))
    database.dispose()


def test_the_locked_out_administrator_recovers_from_the_command_line(capsys, ledger,
                                                                     monkeypatch):
    code, out, err = kongthun(capsys, "recovery-code", "--db", str(ledger), "--user", "admin")
    assert code == 0, err
    recovery = out.split("Recovery code for admin: ")[1].split()[0]
    monkeypatch.setenv("KONGTHUN_PASSWORD", "guess")
    for _ in range(6):
        kongthun(capsys, "verify", "--db", str(ledger), "--user", "admin")
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    code, _, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "admin")
    assert code == 2 and "Too many wrong passwords" in err

    monkeypatch.setenv("KONGTHUN_RECOVERY_CODE", recovery)
    monkeypatch.setenv("KONGTHUN_NEW_PASSWORD", "fresh start")
    code, out, err = kongthun(capsys, "recover", "--db", str(ledger), "--user", "admin")
    assert code == 0, err
    assert "admin has a new password" in out

    monkeypatch.setenv("KONGTHUN_PASSWORD", "fresh start")
    code, _, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "admin")
    assert code == 0, err
    assert [(u, ok) for u, ok, _ in audit_events(ledger, "user.recover")] == [("admin", 1)]
