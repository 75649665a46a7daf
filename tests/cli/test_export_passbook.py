"""The treasurer prints passbooks from the command line: the whole group, then only what is
new; a second --continue prints nothing."""
from __future__ import annotations

import subprocess

from tests.cli.ledger_helpers import (  # noqa: F401
    build_demo_ledger,
    foundation_only_demo,  # noqa: F401
    kongthun,
    post_deposits,
)


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_continue_prints_only_new_lines_and_then_nothing(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    ledger = build_demo_ledger(capsys, tmp_path / "demo.sqlite3", "--groups", "1")
    post_deposits(ledger, count=2)
    base = ["export", "passbook", "--db", str(ledger), "--user", "treasurer", "--group", "1"]
    code, out, err = kongthun(capsys, *base, "--member", "1", "--continue",
                              "--out", str(tmp_path / "first.pdf"))
    assert code == 0, err
    assert "1 lines for 1 members on 2 pages" in out
    assert "10,000" in _text(tmp_path / "first.pdf")
    code, out, err = kongthun(capsys, *base, "--member", "1", "--continue",
                              "--out", str(tmp_path / "again.pdf"))
    assert code == 0 and "Nothing new to print" in out
    assert not (tmp_path / "again.pdf").exists()
    code, out, err = kongthun(capsys, *base, "--member", "1", "--out", str(tmp_path / "all.pdf"))
    assert code == 0 and "COPY" in _text(tmp_path / "all.pdf")


def test_a_member_the_group_does_not_have_is_a_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    ledger = build_demo_ledger(capsys, tmp_path / "demo.sqlite3", "--groups", "1")
    code, out, err = kongthun(capsys, "export", "passbook", "--db", str(ledger), "--user",
                              "treasurer", "--group", "1", "--member", "99",
                              "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "Group 1 has no member 99." in err
    code, out, err = kongthun(capsys, "export", "passbook", "--db", str(ledger), "--user",
                              "treasurer", "--group", "7", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "There is no group 7. Groups: 1 " in err
    code, out, err = kongthun(capsys, "export", "passbook", "--db", str(ledger), "--user",
                              "auditor", "--group", "1", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "may not print passbooks" in err
    assert not (tmp_path / "x.pdf").exists()
