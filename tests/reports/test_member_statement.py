"""A member disputes her balance: the treasurer prints her statement, and every figure on it
is the ledger's."""
from __future__ import annotations

import datetime as dt
import subprocess

from openpyxl import load_workbook
from sqlalchemy import select

from desktop.exporting import export_statement
from models.core import capability, ledger
from models.core.schema import Member
from models.statements.member import member_statement
from tests.reports.auditor_support import TODAY, demo, demo_template, user  # noqa: F401

capability.load()
GID = 1


def borrower(database) -> tuple[int, int]:  # noqa: ANN001
    """(member id, number) of a member who saved and borrowed."""
    with database.read() as s:
        loans = ledger.member_balances(s, GID, "loans_receivable", as_of=TODAY)
        member_id = max(loans, key=loans.get)
        return member_id, s.scalar(select(Member.number).where(Member.id == member_id))


def test_the_statement_ends_at_her_subledger_balances(demo):  # noqa: F811
    member_id, number = borrower(demo)
    with demo.read() as s:
        st = member_statement(s, s.merge(user(demo, "treasurer")), group_id=GID,
                              member_number=number)
        savings = ledger.balance(s, GID, "member_savings", member_id=member_id, as_of=TODAY)
        loans = ledger.balance(s, GID, "loans_receivable", member_id=member_id, as_of=TODAY)
    pots = {p.code: p for p in st.pots}
    assert pots["2000"].closing == savings > 0
    assert pots["1100"].closing == loans > 0
    for p in st.pots:
        assert p.opening + p.increases - p.decreases == p.closing
        last = [line.balance for line in st.lines if line.pot_code == p.code]
        assert last[-1] == p.closing


def test_the_workbook_shows_every_movement_and_checks_to_zero(demo, tmp_path):  # noqa: F811
    member_id, number = borrower(demo)
    out = tmp_path / "statement.xlsx"
    done = export_statement(demo, user(demo, "treasurer"), group_id=GID, member_number=number,
                            start=dt.date(2025, 6, 1), language="en", out=out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Movements"]
    summary = [r for r in wb["Summary"].iter_rows(min_row=5, values_only=True) if r[0]]
    with demo.read() as s:
        opening = ledger.balance(s, GID, "member_savings", member_id=member_id,
                                 as_of=dt.date(2025, 5, 31))
    savings = next(r for r in summary if r[0] == "2000")
    assert savings[3] == opening
    assert savings[6] == "=D{0}+E{0}-F{0}".format(5 + summary.index(savings))
    assert savings[8].startswith("=G")
    moves = [r for r in wb["Movements"].iter_rows(min_row=5, values_only=True)
             if isinstance(r[1], int)]
    assert len(moves) == done.entries
    assert all(r[0] >= dt.datetime(2025, 6, 1) for r in moves)


def test_the_pdf_is_one_page(demo, tmp_path):  # noqa: F811
    _, number = borrower(demo)
    out = tmp_path / "statement.pdf"
    export_statement(demo, user(demo, "treasurer"), group_id=GID, member_number=number,
                     language="lo", out=out)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert "Pages:           1" in info
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "ໃບແຈ້ງຍອດຂອງສະມາຊິກ" in text


def test_the_statement_shows_the_ledger_seal_as_the_screen_does(demo, tmp_path):  # noqa: F811
    """Her statement's seal reads as the overview's and every other page's: 16 digits in
    fours (old code: the hash's first 16 characters run together)."""
    from models.core.schema import Group
    from models.core.seal import format_seal

    _, number = borrower(demo)
    out = tmp_path / "statement.pdf"
    export_statement(demo, user(demo, "treasurer"), group_id=GID, member_number=number,
                     language="en", out=out)
    with demo.read() as s:
        head = s.get(Group, GID).head_hash
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert f"Ledger seal {format_seal(head)}" in text
    assert head[:16] not in text
