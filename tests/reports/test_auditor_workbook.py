"""The auditor from the federation office exports the tailors' workbook and checks it against
the ledger, sheet by sheet: nothing she reads may differ from the books."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from desktop.exporting import export_auditor
from models.core import capability, ledger, tables
from models.core.errors import PermissionDenied, UserCancelled
from models.core.money import currency
from models.core.schema import AuditEvent, JournalEntry, JournalLine, Member
from models.core.seal import format_seal
from models.loans import arrears
from models.statements.auditor import EXPORT_ACTION
from models.statements.auditor_rows import MemberColumn, register_member_column
from tests.reports.auditor_support import TODAY, demo, demo_template, user  # noqa: F401

capability.load()
GID = 1
CURRENCY = currency("LAK")


def export(database, tmp_path, name="auditor.xlsx", **kw):  # noqa: ANN001, ANN003, ANN201
    out = tmp_path / name
    done = export_auditor(database, user(database, kw.pop("as_user", "auditor")), group_id=GID,
                          language=kw.pop("language", "en"), out=out, **kw)
    return done, load_workbook(out)


def rows(ws):  # noqa: ANN001, ANN201
    return [list(r) for r in ws.iter_rows(values_only=True)]


def header_index(ws, first: str) -> int:  # noqa: ANN001
    """Row index (0-based) of the table header starting with ``first``."""
    return next(i for i, r in enumerate(rows(ws)) if r and r[0] == first)


def labelled(ws, label: str, column: int) -> list:  # noqa: ANN001
    return [r for r in rows(ws) if len(r) > column and r[column] == label]


def data_rows(ws, first: str) -> list[list]:  # noqa: ANN001
    all_rows = rows(ws)
    start = header_index(ws, first) + 1
    out = []
    for r in all_rows[start:]:
        if all(v is None for v in r):
            break
        out.append(r)
    return out


@pytest.fixture
def book(demo, tmp_path):  # noqa: ANN001, ANN201, F811
    return export(demo, tmp_path)


def test_the_workbook_has_every_sheet_in_english_and_in_lao(demo, tmp_path):  # noqa: F811
    _, wb = export(demo, tmp_path)
    assert wb.sheetnames == ["Cover", "Trial balance", "Balance sheet", "Income statement",
                             "Cash book", "Journal", "Members", "Loan portfolio",
                             "Welfare claims", "Meetings", "Share-outs", "Audit log"]
    _, lao = export(demo, tmp_path, "lao.xlsx", language="lo")
    assert len(lao.sheetnames) == 12
    assert lao.sheetnames[1] == "ໃບດຸ່ນດ່ຽງທົດລອງ"
    assert "Journal" not in lao.sheetnames
    assert lao["ໃບດຸ່ນດ່ຽງທົດລອງ"]["A4"].value == "ລະຫັດ"


def test_the_cover_carries_the_ledger_seal_and_the_verify_result(demo, book):  # noqa: F811
    done, wb = book
    cover = {r[0]: r[1] for r in rows(wb["Cover"]) if r[0]}
    with demo.read() as s:
        from models.core.schema import Group

        group = s.get(Group, GID)
        seal, count = group.head_hash, group.entry_count
    assert cover["Ledger seal (head of the hash chain)"] == format_seal(seal)  # as on paper
    assert cover["The whole hash of the chain head"] == seal
    assert cover["Entries in the whole ledger"] == count
    assert cover["Entries in this period"] == count == done.entries
    assert cover["Verify at export time"] == "All checks passed."
    assert cover["Exported by"]
    assert isinstance(cover["Period from"], dt.datetime)
    assert cover["Period to"].date() == TODAY


def test_the_trial_balance_nets_to_zero_and_equals_the_ledgers(demo, book):  # noqa: F811
    _, wb = book
    ws = wb["Trial balance"]
    sheet = data_rows(ws, "Code")
    with demo.read() as s:
        expected = ledger.trial_balance(s, GID, as_of=TODAY)
    assert [(r[0], r[4], r[5]) for r in sheet] == [(x.code, x.debit, x.credit) for x in expected]
    assert sum(r[4] for r in sheet) == sum(r[5] for r in sheet) > 0
    total = labelled(ws, "Total", 1)[0]
    assert total[4] == f"=SUM(E5:E{4 + len(sheet)})"
    assert total[5] == f"=SUM(F5:F{4 + len(sheet)})"
    assert labelled(ws, "Check (should be 0)", 1)[0][4].startswith("=E")
    assert ws["E5"].number_format.startswith('#,##0 "₭"')
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref.startswith("A4:F")


def test_member_balances_equal_the_subledgers(demo, book):  # noqa: F811
    _, wb = book
    sheet = data_rows(wb["Members"], "No.")
    with demo.read() as s:
        numbers = dict(s.execute(select(Member.id, Member.number)
                                 .where(Member.group_id == GID)).all())
        savings = ledger.member_balances(s, GID, "member_savings", as_of=TODAY)
        loans = ledger.member_balances(s, GID, "loans_receivable", as_of=TODAY)
        fines = ledger.member_balances(s, GID, "fines_receivable", as_of=TODAY)
        control = ledger.balance(s, GID, "member_savings", as_of=TODAY)
    by_number = {numbers[m]: v for m, v in savings.items()}
    assert len(sheet) == len(numbers)
    for r in sheet:
        assert r[5] == 0  # the whole history starts before the first deposit
        assert r[6] == by_number.get(r[0], 0), r
        assert r[7] == {numbers[m]: v for m, v in loans.items()}.get(r[0], 0)
        assert r[8] == {numbers[m]: v for m, v in fines.items()}.get(r[0], 0)
    assert sum(r[6] for r in sheet) == control
    ledger_row = labelled(wb["Members"], "Ledger's figure", 1)[0]
    assert ledger_row[6] == control
    assert labelled(wb["Members"], "Total", 1)[0][6].startswith("=SUM(G")


def test_the_journal_holds_every_entry_of_the_period_and_its_lines_balance(demo, book):  # noqa: F811
    _, wb = book
    sheet = data_rows(wb["Journal"], "Entry")
    with demo.read() as s:
        found = s.execute(select(JournalEntry.id, JournalEntry.seq, JournalEntry.hash,
                                 JournalEntry.reverses_id)
                          .where(JournalEntry.group_id == GID)).all()
        lines = s.scalar(select(func.count(JournalLine.id)).join(JournalEntry)
                         .where(JournalEntry.group_id == GID))
    entries = {e.seq: e for e in found}
    reversal = next(e for e in found if e.reverses_id)
    original_seq = next(e.seq for e in found if e.id == reversal.reverses_id)
    assert {r[0] for r in sheet} == set(entries)
    assert len(sheet) == lines
    net: dict[int, int] = {}
    for r in sheet:
        net[r[0]] = net.get(r[0], 0) + (r[14] or 0) - (r[15] or 0)
        if r[9] == 1:  # the entry's first line carries its hash and who recorded it
            assert r[8] == entries[r[0]].hash
            assert r[3]
    assert set(net.values()) == {0}
    first_lines = {r[0]: r for r in sheet if r[9] == 1}
    assert first_lines[reversal.seq][6] == original_seq
    assert first_lines[original_seq][7] == reversal.seq
    assert first_lines[reversal.seq][4] == "Reversal"
    assert isinstance(sheet[0][1], dt.datetime) and isinstance(sheet[0][2], dt.datetime)
    total = labelled(wb["Journal"], "Total", 5)[0]
    assert total[14].startswith("=SUM(O") and total[15].startswith("=SUM(P")


def test_a_period_keeps_only_its_entries(demo, tmp_path):  # noqa: F811
    start, end = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    done, wb = export(demo, tmp_path, start=start, end=end)
    seqs = {r[0] for r in data_rows(wb["Journal"], "Entry")}
    with demo.read() as s:
        expected = set(s.scalars(select(JournalEntry.seq).where(
            JournalEntry.group_id == GID, JournalEntry.value_date >= start,
            JournalEntry.value_date <= end)))
        opening = ledger.member_balances(s, GID, "member_savings", as_of=start - dt.timedelta(1))
    assert seqs == expected and done.entries == len(expected)
    members = data_rows(wb["Members"], "No.")
    assert sum(r[5] for r in members) == sum(opening.values()) > 0


def test_par_figures_equal_the_arrears_query(demo, book):  # noqa: F811
    _, wb = book
    ws = wb["Loan portfolio"]
    with demo.read() as s:
        from models.core.schema import User

        auditor = s.scalar(select(User).where(User.username == "auditor"))
        found = arrears.loan_arrears(s, auditor, group_id=GID, on=TODAY)
    risk = arrears.portfolio_at_risk(found, TODAY)
    loans = data_rows(ws, "Loan")
    assert sorted(r[0] for r in loans) == sorted(r.number for r in found)
    assert sum(r[10] for r in loans) == risk.outstanding
    for label, days in (("PAR30", 30), ("PAR60", 60), ("PAR90", 90)):
        row = labelled(ws, label, 0)[0]
        assert row[1] == days
        assert row[2].startswith("=SUMIF(N")  # the auditor sees how it adds up
        assert row[3] == risk.at_risk[days]
        assert sum(r[10] for r in loans if r[13] > days) == risk.at_risk[days]
    assert any(r[13] > 0 for r in loans), "the demo has a loan in arrears"


def test_claims_meetings_share_outs_and_the_audit_log_are_there(demo, book):  # noqa: F811
    _, wb = book
    claims = data_rows(wb["Welfare claims"], "Claim")
    assert claims and all("✓" in r[9] or "✗" in r[9] for r in claims)
    assert sum(r[12] for r in claims) == labelled(wb["Welfare claims"], "Ledger's figure", 2)[0][12]
    meetings = data_rows(wb["Meetings"], "Date")
    assert len(meetings) == 24
    assert all(sum(r[2:6]) > 0 for r in meetings)
    with demo.read() as s:
        from models.savings.schema import ShareOutLine

        share_out_lines = s.scalar(select(func.count(ShareOutLine.id)))
    assert len(data_rows(wb["Share-outs"], "Date")) == share_out_lines
    actions = {r[2] for r in data_rows(wb["Audit log"], "When")}
    assert "meeting.post" in actions or "meeting.open" in actions


def test_each_share_out_line_shows_the_one_value_of_a_share(demo, book):  # noqa: F811
    """The auditor reads the value of one share the treasurer saw in the wizard and on the
    printed statement: the fund ÷ the shares, in kip with two decimals, on every line of a
    value-per-share share-out (blank for the other methods)."""
    from models.core.money import fraction_to_major
    from models.savings import shareout_records
    from models.savings.rules import VALUE_PER_SHARE

    _, wb = book
    ws = wb["Share-outs"]
    header = rows(ws)[header_index(ws, "Date")]
    column = header.index("Value of one share")
    lines = data_rows(ws, "Date")
    with demo.read() as s:
        records = shareout_records.share_outs(s, user(demo, "auditor"), GID)
    assert records and lines
    expected = {r.on: fraction_to_major(r.value_per_share, CURRENCY)
                if r.method == VALUE_PER_SHARE else None for r in records}
    assert any(v is not None for v in expected.values())
    for line in lines:
        value = expected[line[0].date()]
        assert (line[column] is None) if value is None else (line[column] == float(value))
    formats = {c.number_format for r in ws.iter_rows(min_row=header_index(ws, "Date") + 2)
               for c in r[column:column + 1] if c.value is not None}
    assert formats == {'#,##0.00 "₭";-#,##0.00 "₭"'}


def test_funds_and_cash_tie_to_the_ledger(demo, book):  # noqa: F811
    _, wb = book
    with demo.read() as s:
        worth = {f: ledger.fund_balance(s, GID, f, as_of=TODAY) for f in ("loan", "welfare")}
        cash = ledger.balance(s, GID, "cash", as_of=TODAY)
        bank = ledger.balance(s, GID, "bank", as_of=TODAY)
    ledger_rows = labelled(wb["Balance sheet"], "Ledger's figure", 1)
    assert [r[2] for r in ledger_rows][:2] == [worth["loan"], worth["welfare"]]
    assert ledger_rows[-1][2] == cash + bank
    book_rows = rows(wb["Cash book"])
    assert labelled(wb["Cash book"], "Ledger's figure", 0)[0][6] == cash
    counts = [r for r in book_rows if r[2] == "Cash count"]
    assert counts and all(r[10] is not None and r[11] is not None for r in counts)


def test_every_export_is_audited_with_the_files_sha256(demo, book, tmp_path):  # noqa: F811
    done, _ = book
    digest = hashlib.sha256((tmp_path / "auditor.xlsx").read_bytes()).hexdigest()
    assert done.sha256 == digest
    with demo.read() as s:
        detail, username, group_id = s.execute(
            select(AuditEvent.detail, AuditEvent.username, AuditEvent.group_id)
            .where(AuditEvent.action == EXPORT_ACTION)).one()
    assert detail["sha256"] == digest
    assert detail["file"] == "auditor.xlsx"
    assert username == "auditor" and group_id == GID


def test_someone_without_the_export_permission_gets_nothing(demo, tmp_path):  # noqa: F811
    from models.core import users

    with demo.write() as s:
        from models.core.schema import User

        admin = s.scalar(select(User).where(User.username == "admin"))
        users.create_user(s, admin, username="visitor", display_name="Visitor",
                          password="demo")
    with pytest.raises(PermissionDenied):
        export(demo, tmp_path, as_user="visitor")
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".*")) == []
    with demo.read() as s:
        assert s.scalar(select(func.count(AuditEvent.id))
                        .where(AuditEvent.action == EXPORT_ACTION)) == 0


def test_cancelling_leaves_no_file_and_no_audit_event(demo, tmp_path):  # noqa: F811
    seen = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < total // 2

    with pytest.raises(UserCancelled):
        export(demo, tmp_path, progress=progress)
    assert seen
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("ledger.sqlite3")] == []
    with demo.read() as s:
        assert s.scalar(select(func.count(AuditEvent.id))
                        .where(AuditEvent.action == EXPORT_ACTION)) == 0


def test_a_capability_adds_its_own_member_column(demo, tmp_path, monkeypatch):  # noqa: F811
    from models.statements import auditor_rows

    monkeypatch.setattr(auditor_rows, "MEMBER_COLUMNS", [])
    register_member_column(MemberColumn(
        "nssf_pot", "NSSF pot",
        values=lambda s, gid, start, end: {m: 1000 * m for m in s.scalars(
            select(Member.id).where(Member.group_id == gid))},
        ledger_total=lambda s, gid, start, end: 1000 * sum(s.scalars(
            select(Member.id).where(Member.group_id == gid)))))
    _, wb = export(demo, tmp_path)
    ws = wb["Members"]
    assert rows(ws)[3][10] == "NSSF pot"
    sheet = data_rows(ws, "No.")
    assert sum(r[10] for r in sheet) == labelled(ws, "Ledger's figure", 1)[0][10]
