"""``kongthun demo --weekly``: a trainer shows a group that meets every week — a year of
weekly meetings, savings at each, the welfare contribution once a month, and a ledger that
verifies."""
from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

from tests.cli.ledger_helpers import kongthun


@pytest.fixture(autouse=True)
def no_default_ledger(monkeypatch):
    monkeypatch.delenv("KONGTHUN_DATABASE_URL", raising=False)


def test_a_year_of_weekly_meetings(capsys, tmp_path, monkeypatch):
    path = tmp_path / "weekly.sqlite3"
    code, out, err = kongthun(capsys, "demo", "--db", str(path), "--groups", "1",
                              "--years", "1", "--today", "2026-11-01", "--weekly")
    assert code == 0, err
    assert "Weekly meetings from 2025-11-01 to 2026-10-24" in out

    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT meeting_frequency FROM groups").fetchall() == [("weekly",)]
        days = [d for d, in con.execute(
            "SELECT meeting_date FROM meetings WHERE status = 'posted' ORDER BY meeting_date")]
        assert len(days) == 52
        contributions = Counter(con.execute(
            "SELECT l.member_id, substr(e.value_date, 1, 7) FROM journal_entries e "
            "JOIN journal_lines l ON l.entry_id = e.id "
            "WHERE e.kind = 'welfare_contribution' AND l.member_id IS NOT NULL").fetchall())
        assert contributions and max(contributions.values()) == 1  # once a month each
        deposits = con.execute("SELECT count(DISTINCT meeting_id) FROM journal_entries "
                               "WHERE kind = 'savings_deposit'").fetchone()[0]
        assert deposits == 52  # members save at every weekly meeting
    finally:
        con.close()

    monkeypatch.setenv("KONGTHUN_PASSWORD", "demo")
    code, out, err = kongthun(capsys, "verify", "--db", str(path), "--user", "admin")
    assert code == 0, out + err
    assert "All checks passed." in out
