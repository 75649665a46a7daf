"""``kongthun demo``: a trainer builds the demo ledger for a workshop and gets the logins."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.cli import main
from models.core import users
from models.core.db import Database, sqlite_url
from tests.cli.ledger_helpers import foundation_only_demo, kongthun  # noqa: F401


@pytest.fixture(autouse=True)
def no_default_ledger(monkeypatch):
    monkeypatch.delenv("KONGTHUN_DATABASE_URL", raising=False)


def members(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT group_id, number, name_lao, name_latin, birth_date, phone, nssf_number "
            "FROM members ORDER BY id").fetchall()
    finally:
        connection.close()


def test_the_demo_prints_its_groups_and_the_logins(capsys, tmp_path):
    path = tmp_path / "workshop.sqlite3"

    code, out, err = kongthun(capsys, "demo", "--db", str(path))

    assert code == 0, err
    assert f"Demo ledger {path}: 5 groups, 75 members (69 women)" in out
    assert "Napo hand weavers): 22 members, 69 km from the social security office" in out
    assert "every password is “demo”" in out
    for line in ("admin      administrator of every group",
                 "treasurer  treasurer in every demo group",
                 "leader     leader in every demo group",
                 "auditor    auditor in every demo group"):
        assert line in out
    database = Database(sqlite_url(path))
    assert users.login(database, "treasurer", "demo").username == "treasurer"
    database.dispose()


def test_the_same_seed_gives_the_same_members_and_another_seed_others(capsys, tmp_path):
    one, two, other = (tmp_path / f"{n}.sqlite3" for n in ("one", "two", "other"))
    assert kongthun(capsys, "demo", "--db", str(one), "--seed", "42")[0] == 0
    assert kongthun(capsys, "demo", "--db", str(two), "--seed", "42")[0] == 0
    assert kongthun(capsys, "demo", "--db", str(other), "--seed", "43")[0] == 0

    assert members(one) == members(two)
    assert members(one) != members(other)


def test_groups_and_years_scale_the_demo(capsys, tmp_path):
    path = tmp_path / "bench.sqlite3"

    code, out, _ = kongthun(capsys, "demo", "--db", str(path), "--groups", "12", "--years",
                            "3", "--today", "2026-06-01")

    assert code == 0
    assert "12 groups, 171 members" in out and "... and 2 more groups" in out
    first, last = out.split("Monthly meetings from ")[1].split(";")[0].split(" to ")
    assert "2023-06-01" < first < "2023-07-01" and "2026-05-01" < last < "2026-06-01"


def test_the_demo_never_writes_into_a_ledger_with_data(capsys, tmp_path):
    path = tmp_path / "real.sqlite3"
    assert kongthun(capsys, "demo", "--db", str(path))[0] == 0
    before = members(path)

    code, out, err = kongthun(capsys, "demo", "--db", str(path), "--seed", "9")

    assert code == 2 and out == ""
    assert "already holds a ledger. The demo is built only into a new file." in err
    assert members(path) == before


def test_the_demo_leaves_other_files_alone(capsys, tmp_path):
    photos = tmp_path / "photos.sqlite3"
    connection = sqlite3.connect(photos)
    connection.execute("CREATE TABLE photos (x)")
    connection.close()

    code, _, err = kongthun(capsys, "demo", "--db", str(photos))

    assert code == 2 and "is not a Kongthun ledger" in err
    connection = sqlite3.connect(photos)
    assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("photos",)]
    connection.close()


def test_an_empty_file_may_become_the_demo(capsys, tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    assert kongthun(capsys, "demo", "--db", str(path))[0] == 0
    assert len(members(path)) == 75


@pytest.mark.parametrize("argv, message", [
    (["--seed", "one"], "--seed needs a whole number, not “one”."),
    (["--groups", "0"], "The number of groups must be between 1 and 1000."),
    (["--years", "31"], "The number of years must be between 1 and 30."),
    (["--today", "20/11/2026"], "“20/11/2026” is not a date; use YYYY-MM-DD."),
    (["--today", "2027-01-01"], "--today cannot be in the future."),
])
def test_bad_numbers_are_usage_errors_and_leave_no_file(capsys, tmp_path, argv, message):
    path = tmp_path / "demo.sqlite3"

    code, _, err = kongthun(capsys, "demo", "--db", str(path), *argv)

    assert code == 2 and message in err
    assert list(tmp_path.iterdir()) == []


def test_the_demo_needs_a_file_name(capsys):
    code, _, err = kongthun(capsys, "demo")
    assert code == 2 and "Name the new demo ledger with --db PATH." in err


def test_the_demo_speaks_lao(capsys, tmp_path):
    code = main(["--lang", "lo", "demo", "--db", str(tmp_path / "lo.sqlite3")])
    out = capsys.readouterr().out
    assert code == 0
    assert "ສະມາຊິກ 75 ຄົນ (ແມ່ຍິງ 69 ຄົນ)" in out and "ຜູ້ຖືເງິນໃນທຸກກຸ່ມຕົວຢ່າງ" in out
