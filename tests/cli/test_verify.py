"""``kongthun verify``: an auditor proves the ledger is whole, and tampering behind the app's
back is caught and named."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.core import users
from models.core.db import Database, sqlite_url
from models.core.schema import Group
from models.core.seal import format_seal
from tests.cli.ledger_helpers import (
    audit_events,
    build_demo_ledger,
    entry_id,
    execute_sql,
    foundation_only_demo,  # noqa: F401 (autouse fixture)
    group_name,
    kongthun,
    post_deposits,
    tamper,
)

KONGTHUN = Path(sys.prefix) / "bin" / "kongthun"


@pytest.fixture(autouse=True)
def demo_password(monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    monkeypatch.delenv("KONGTHUN_DATABASE_URL", raising=False)


@pytest.fixture
def ledger(capsys, tmp_path) -> Path:
    """A demo ledger where the treasurer has recorded four deposits in group 1 and two in
    group 2."""
    path = build_demo_ledger(capsys, tmp_path / "demo.sqlite3")
    post_deposits(path, group_id=1, count=4)
    post_deposits(path, group_id=2, count=2)
    return path


def test_a_fresh_demo_ledger_verifies(capsys, tmp_path):
    path = build_demo_ledger(capsys, tmp_path / "demo.sqlite3")

    code, out, err = kongthun(capsys, "verify", "--db", str(path), "--user", "auditor")

    assert code == 0, out + err
    assert "Checked 5 groups and 0 entries." in out and "All checks passed." in out
    assert "Schema: up to date" in out


def test_the_auditor_sees_each_groups_seal_and_all_checks_pass(capsys, ledger):
    code, out, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")

    assert code == 0, out + err
    database = Database(sqlite_url(ledger))
    with database.read() as s:
        first, second = s.get(Group, 1), s.get(Group, 2)
        assert f"{first.name} ({first.name_latin}): 4 entries, " \
               f"seal {format_seal(first.head_hash)}" in out
        assert f"{second.name} ({second.name_latin}): 2 entries, " \
               f"seal {format_seal(second.head_hash)}" in out
    database.dispose()
    assert "Checked 5 groups and 6 entries." in out
    assert "All checks passed." in out


def test_the_installed_command_builds_a_demo_that_then_verifies(tmp_path):
    """The real thing: every capability's activity, one group for a year (the full demo
    takes minutes)."""
    env = {k: v for k, v in os.environ.items() if k != "KONGTHUN_DATABASE_URL"}
    env.update(KONGTHUN_PASSWORD="demo", KONGTHUN_LANG="en")
    path = tmp_path / "installed.sqlite3"

    demo = subprocess.run([str(KONGTHUN), "demo", "--db", str(path), "--groups", "1",
                           "--years", "1"], env=env, capture_output=True, text=True,
                          timeout=600)
    assert demo.returncode == 0, demo.stderr
    assert "treasurer" in demo.stdout and "“demo”" in demo.stdout
    verify = subprocess.run([str(KONGTHUN), "verify", "--db", str(path), "--user", "auditor"],
                            env=env, capture_output=True, text=True, timeout=600)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "All checks passed." in verify.stdout


def test_a_changed_amount_is_caught_and_the_entry_named(capsys, ledger):
    # Both lines of deposit 2 are raised, so the entry still balances: only the hash tells.
    target = entry_id(ledger, 1, 2)
    tamper(ledger, f"UPDATE journal_lines SET amount = amount * 10 WHERE entry_id = {target}")

    code, out, _ = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")

    assert code == 1
    assert f"Group {group_name(ledger)}: entry 2 was changed after it was posted." in out
    assert "The guard that keeps journal_lines append-only was removed." in out
    assert "entry 1 " not in out and "entry 3 " not in out


def test_a_deleted_entry_is_caught(capsys, ledger):
    target = entry_id(ledger, 1, 3)
    tamper(ledger, f"DELETE FROM journal_lines WHERE entry_id = {target}",
           f"DELETE FROM journal_entries WHERE id = {target}")

    code, out, _ = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")

    assert code == 1
    name = group_name(ledger)
    assert f"Group {name}: entry 3 is missing (found 4 next)." in out
    assert f"Group {name}: entry 4 does not link to the entry before it." in out


def test_deleting_the_newest_entry_is_caught_by_the_stored_head(capsys, ledger):
    target = entry_id(ledger, 1, 4)
    tamper(ledger, f"DELETE FROM journal_lines WHERE entry_id = {target}",
           f"DELETE FROM journal_entries WHERE id = {target}")

    code, out, _ = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")

    assert code == 1
    assert "should end at entry 4 but ends at 3" in out


def test_two_swapped_entries_are_caught(capsys, ledger):
    second, third = entry_id(ledger, 1, 2), entry_id(ledger, 1, 3)
    tamper(ledger, f"UPDATE journal_entries SET seq = -1 WHERE id = {second}",
           f"UPDATE journal_entries SET seq = 2 WHERE id = {third}",
           f"UPDATE journal_entries SET seq = 3 WHERE id = {second}")

    code, out, _ = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")

    assert code == 1
    name = group_name(ledger)
    assert f"Group {name}: entry 2 was changed after it was posted." in out
    assert f"Group {name}: entry 2 does not link to the entry before it." in out
    assert f"Group {name}: entry 3 was changed after it was posted." in out


def test_the_verify_is_written_to_the_audit_log(capsys, ledger):
    assert kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")[0] == 0
    tamper(ledger, "UPDATE journal_lines SET amount = 1 WHERE id = 1")
    assert kongthun(capsys, "verify", "--db", str(ledger), "--user", "leader")[0] == 1

    events = audit_events(ledger, "ledger.verify")
    assert [(user, ok) for user, ok, _ in events] == [("auditor", 1), ("leader", 0)]
    assert json.loads(events[0][2])["groups"] == [1, 2, 3, 4, 5]
    assert json.loads(events[1][2])["problems"] >= 2


def test_a_wrong_password_exits_2_and_the_failure_is_audited(capsys, ledger, monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "guess")

    code, out, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")

    assert code == 2 and out == ""
    assert "Wrong user name or password." in err
    assert [(user, ok) for user, ok, _ in audit_events(ledger, "login")][-1] == ("auditor", 0)
    assert audit_events(ledger, "ledger.verify") == []


def test_a_user_without_a_role_may_not_verify(capsys, ledger):
    database = Database(sqlite_url(ledger))
    with database.write() as s:
        admin = users.authenticate(s, "admin", "demo")
        users.create_user(s, admin, username="visitor", display_name="Visitor",
                          password="demo")
    database.dispose()

    code, out, err = kongthun(capsys, "verify", "--db", str(ledger), "--user", "visitor")

    assert code == 2 and "visitor may not verify the ledger here." in err


def test_an_auditor_of_one_group_verifies_that_group(capsys, ledger):
    """Group 2's ledger was tampered with; the auditor of group 1 alone is told about her
    group (and the removed guards, which concern the whole file), not about group 2."""
    database = Database(sqlite_url(ledger))
    with database.write() as s:
        admin = users.authenticate(s, "admin", "demo")
        user = users.create_user(s, admin, username="keo", display_name="Keo",
                                 password="demo")
        users.grant_role(s, admin, user_id=user.id, role="auditor", group_id=1)
    database.dispose()
    tamper(ledger, f"UPDATE journal_lines SET amount = amount * 2 "
                   f"WHERE entry_id = {entry_id(ledger, 2, 1)}")

    code, out, _ = kongthun(capsys, "verify", "--db", str(ledger), "--user", "keo")

    assert "Checked 1 groups and 4 entries." in out
    assert group_name(ledger, 2) not in out
    assert "append-only was removed" in out and code == 1
    code, out, _ = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")
    assert f"Group {group_name(ledger, 2)}: entry 1 was changed" in out


def test_verify_reports_a_schema_it_does_not_know_and_does_not_migrate(capsys, ledger):
    execute_sql(ledger, "DELETE FROM alembic_version",
                "INSERT INTO alembic_version VALUES ('9999_from_the_future')")

    code, out, _ = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")

    assert code == 1
    assert "written by a newer version of Kongthun (schema 9999_from_the_future)" in out
    connection = sqlite3.connect(ledger)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
        ("9999_from_the_future",)]
    connection.close()
    assert not (ledger.parent / "backups").exists()  # no pre-migration backup either


def test_an_older_schema_is_reported_without_upgrading_it(capsys, ledger):
    execute_sql(ledger, "DELETE FROM alembic_version")

    code, out, _ = kongthun(capsys, "verify", "--db", str(ledger), "--user", "auditor")

    assert code == 1 and "is older than this version of Kongthun" in out
    connection = sqlite3.connect(ledger)
    assert connection.execute("SELECT count(*) FROM alembic_version").fetchone() == (0,)
    connection.close()


def test_a_missing_file_or_another_file_is_a_usage_error(capsys, tmp_path):
    missing = tmp_path / "nothing.sqlite3"
    code, _, err = kongthun(capsys, "verify", "--db", str(missing), "--user", "auditor")
    assert code == 2 and f"No ledger at {missing}." in err
    assert not missing.exists()

    notes = tmp_path / "notes.txt"
    notes.write_text("not a ledger")
    code, _, err = kongthun(capsys, "verify", "--db", str(notes), "--user", "auditor")
    assert code == 2 and "is not a Kongthun ledger" in err

    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE things (x)").connection.close()
    code, _, err = kongthun(capsys, "verify", "--db", str(other), "--user", "auditor")
    assert code == 2 and "is not a Kongthun ledger" in err


def test_messages_come_in_lao(capsys, ledger):
    from desktop.cli import main

    code = main(["--lang", "lo", "verify", "--db", str(ledger), "--user", "auditor"])
    out = capsys.readouterr().out
    assert code == 0 and "ກວດສອບຜ່ານທັງໝົດ." in out and "ກາປະທັບບັນຊີ" in out
