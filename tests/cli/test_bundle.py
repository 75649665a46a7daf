"""`kongthun bundle export` on the village laptop, `kongthun bundle import` at the office."""
from __future__ import annotations

import json

from tests.cli.ledger_helpers import (  # noqa: F401
    build_demo_ledger,
    foundation_only_demo,
    kongthun,
    post_deposits,
)


def test_a_village_ledger_travels_to_the_office_and_a_changed_bundle_is_refused(
        capsys, tmp_path, monkeypatch):
    """The weavers' treasurer posts four deposits and exports group 2; the office (a ledger
    of its own, same demo users) imports it as a new group; two more deposits travel with
    --since the seal the office printed; a bundle edited on the way is refused, exit 1."""
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    village = build_demo_ledger(capsys, tmp_path / "village.sqlite3")
    office = build_demo_ledger(capsys, tmp_path / "office.sqlite3", "--groups", "1")
    post_deposits(village, group_id=2, count=4)

    code, out, err = kongthun(capsys, "bundle", "export", "--db", str(village), "--user",
                              "treasurer", "--group", "2", "--out", str(tmp_path / "b1.json"))
    assert code == 0, err
    assert "entries 1 to 4" in out
    code, out, err = kongthun(capsys, "bundle", "import", "--db", str(office), "--user",
                              "admin", "--from", str(tmp_path / "b1.json"))
    assert code == 0, err
    assert "New group 2 at the office" in out and "4 entries added" in out
    seal = out.rsplit("seal ", 1)[1].strip().rstrip(".")

    post_deposits(village, group_id=2, count=2)
    code, out, err = kongthun(capsys, "bundle", "export", "--db", str(village), "--user",
                              "treasurer", "--group", "2", "--since", seal,
                              "--out", str(tmp_path / "b2.json"))
    assert code == 0, err
    assert "entries 5 to 6" in out
    code, out, err = kongthun(capsys, "bundle", "import", "--db", str(office), "--user",
                              "admin", "--from", str(tmp_path / "b2.json"))
    assert code == 0, err
    assert "2 entries added, 0 already held" in out and "up to entry 6" in out

    outer = json.loads((tmp_path / "b2.json").read_text())
    outer["payload"] = outer["payload"].replace("20000", "200000")
    (tmp_path / "forged.json").write_text(json.dumps(outer))
    code, out, err = kongthun(capsys, "bundle", "import", "--db", str(office), "--user",
                              "admin", "--from", str(tmp_path / "forged.json"))
    assert code == 1
    assert "Refused, nothing was added" in out and "signature does not match" in out

    code, out, err = kongthun(capsys, "verify", "--db", str(office), "--user", "admin")
    assert code == 0, out + err
