"""Keo's passbook: the lines of her savings, loan and welfare subledgers, printed in her
book and continued on the line where the last print ended."""
from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess

import pytest
from sqlalchemy import select

from models.core import ledger, settings
from models.core.errors import PermissionDenied, UserError, ValidationError
from models.core.schema import JournalEntry
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.savings import accounts as savings
from models.savings import withdrawals as savings_withdrawals
from models.statements import passbook
from models.statements.schema import PassbookPrint
from models.welfare import fund as welfare_fund
from reports.passbook_pdf import write_calibration, write_passbook
from tests.models.savings_support import lend, with_rules

D = dt.date


def deposit(env, amount: int, on: dt.date, member: int = 0) -> None:
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[member],
                               amount=amount, on=on)


def print_new(env, path=None, member_ids=None, mode=passbook.NEW, **kw):
    """The treasurer prints; the PDF is written inside the same transaction."""
    with env.db.write() as s:
        job = passbook.print_passbooks(s, env.user(s, "treasurer"), group_id=env.group_id,
                                       member_ids=member_ids if member_ids is not None
                                       else env.member_ids[:1], mode=mode, **kw)
        pages = write_passbook(job, path) if path is not None else None
    return job, pages


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_pages(path) -> list[str]:
    return pdf_text(path).split("\f")[:-1]


def test_her_passbook_holds_every_line_of_her_subledgers_with_their_balances(env, tmp_path):
    keo = env.member_ids[0]
    with_rules(env, on=D(2025, 1, 1), withdrawals="allowed")
    for month in range(1, 5):
        deposit(env, 10_000 * month, D(2026, month, 5))
    with env.db.write() as s:
        savings_withdrawals.withdraw_savings(s, env.user(s, "treasurer"), member_id=keo,
                                             amount=30_000, on=D(2026, 4, 20))
        welfare_fund.record_contribution(s, env.user(s, "treasurer"), group_id=env.group_id,
                                         member_id=keo, amount=5_000, on=D(2026, 5, 5))
    loan_id = lend(env, keo, 60_000, on=D(2026, 5, 10))
    with env.db.write() as s:
        from models.loans.repayments import record_repayment
        record_repayment(s, env.user(s, "treasurer"), loan_id=loan_id, amount=15_000,
                         on=D(2026, 6, 10))
    out = tmp_path / "keo.pdf"
    job, pages = print_new(env, out)
    book = job.members[0]
    assert book.cover and [p.section for p in book.sections] == ["savings", "loans", "welfare"]
    assert pages == 4  # cover, savings, loans, welfare
    text = pdf_text(out)
    with env.db.read() as s:
        saved = ledger.balance(s, env.group_id, "member_savings", member_id=keo)
        owed = ledger.balance(s, env.group_id, "loans_receivable", member_id=keo)
        paid_in = ledger.balance(s, env.group_id, "welfare_fund", member_id=keo)
    assert (saved, paid_in) == (70_000, 5_000)
    savings_rows = [p.row for p in book.sections[0].lines]
    assert [(r.amount_in, r.amount_out, r.balance) for r in savings_rows] == [
        (10_000, 0, 10_000), (20_000, 0, 30_000), (30_000, 0, 60_000),
        (40_000, 0, 100_000), (0, 30_000, 70_000)]
    assert savings_rows[-1].balance == saved
    assert book.sections[1].lines[-1].row.balance == owed
    assert book.sections[2].lines[-1].row.balance == paid_in
    for line in ("ນາງ ແກ້ວ", "05/01/2026", "Savings deposit", "Savings withdrawal",
                 "70,000", "Loan paid out", "Loan repayment", f"{owed:,}",
                 "Welfare contribution", "Member since", "05/01/2024"):
        assert line in text, line


def test_continue_twice_prints_nothing_the_second_time(env, tmp_path):
    deposit(env, 10_000, D(2026, 1, 5))
    job, pages = print_new(env, tmp_path / "first.pdf")
    assert job.line_count == 1 and pages == 2
    job, pages = print_new(env, tmp_path / "again.pdf")
    assert job.line_count == 0 and pages == 0
    assert not (tmp_path / "again.pdf").exists()
    with env.db.read() as s:
        assert len(s.scalars(select(PassbookPrint)).all()) == 1


def test_after_a_new_meeting_only_the_new_lines_print_on_the_next_free_line(env, tmp_path):
    for month in range(1, 6):
        deposit(env, 20_000, D(2026, month, 5))
    print_new(env, tmp_path / "first.pdf")
    with env.db.write() as s:
        meeting = meetings.open_meeting(s, env.user(s, "treasurer"), group_id=env.group_id,
                                        on=D(2026, 6, 5))
    with env.db.write() as s:
        meeting_posting.post_meeting(s, env.user(s, "treasurer"), meeting_id=meeting.id,
                                     cells={(env.member_ids[0], "savings"): 30_000})
    job, pages = print_new(env, tmp_path / "next.pdf")
    book = job.members[0]
    assert not book.cover and pages == 1
    (part,) = book.sections
    assert [(p.page, p.line, p.row.value_date, p.row.amount_in, p.row.balance)
            for p in part.lines] == [(1, 6, D(2026, 6, 5), 30_000, 130_000)]
    assert part.continued_page == 1
    (page,) = pdf_pages(tmp_path / "next.pdf")
    assert "130,000" in page and "20,000" not in page
    assert "Balance" not in page  # the heading is on the paper already
    # the line sits where line 6 of the book is: five blank lines below the heading rows
    assert _line_top(tmp_path / "next.pdf", "05/06/2026") == pytest.approx(
        _line_top(tmp_path / "first.pdf", "05/05/2026", page=2) + _line_pitch(env), abs=0.6)


def _line_pitch(env) -> float:
    with env.db.read() as s:
        return passbook.page_layout(s, env.group_id).line_height * 72 / 25.4


def _line_top(path, word: str, page: int = 1) -> float:
    """The top of ``word`` on ``page`` in points (pdftotext's bounding boxes)."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path),
                           "-"], check=True, capture_output=True, text=True).stdout
    for line in html.splitlines():
        if f">{word}<" in line:
            return float(line.split('yMin="')[1].split('"')[0])
    raise AssertionError(f"{word} not on page {page}")


def test_a_full_page_rolls_to_the_next_page_of_the_book(env, tmp_path):
    with env.db.write() as s:
        settings.set_value(s, env.user(s, "admin"), group_id=env.group_id, key="passbook_page",
                           value={"preset": "A6"}, effective_from=D(2026, 1, 1))
    for day in range(1, 15):
        deposit(env, 10_000, D(2026, 2, day))
    print_new(env, tmp_path / "first.pdf")  # 14 of the A6 page's 16 lines
    for day in range(1, 6):
        deposit(env, 20_000, D(2026, 3, day))
    job, pages = print_new(env, tmp_path / "next.pdf")
    assert [(p.page, p.line) for p in job.members[0].sections[0].lines] == [
        (1, 15), (1, 16), (2, 1), (2, 2), (2, 3)]
    assert pages == 2
    first, second = pdf_pages(tmp_path / "next.pdf")
    assert "Balance" not in first and "page 2" in second and "Balance" in second
    with env.db.read() as s:
        last = passbook.last_positions(s, env.member_ids[0])["savings"]
    assert (last.page, last.line) == (2, 3)


def test_the_page_size_setting_changes_the_paper(env, tmp_path):
    deposit(env, 10_000, D(2026, 1, 5))
    print_new(env, tmp_path / "a5.pdf", mode=passbook.FULL)
    with env.db.write() as s:
        settings.set_value(s, env.user(s, "admin"), group_id=env.group_id, key="passbook_page",
                           value={"preset": "custom", "width": 120, "height": 170, "top": 12,
                                  "bottom": 10, "left": 8, "right": 8, "lines": 20,
                                  "offset_x": 2, "offset_y": -1},
                           effective_from=D(2026, 11, 1))
    print_new(env, tmp_path / "custom.pdf", mode=passbook.FULL)
    assert _page_size(tmp_path / "a5.pdf") == pytest.approx((419.5, 595.3), abs=0.5)  # 148×210 mm
    assert _page_size(tmp_path / "custom.pdf") == pytest.approx((340.2, 481.9), abs=0.5)


def _page_size(path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _x, height = size.split(":")[1].split()[:3]
    return float(width), float(height)


def test_a_page_size_that_cannot_hold_its_lines_is_refused_and_nothing_changes(env):
    with env.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            settings.set_value(s, env.user(s, "admin"), group_id=env.group_id,
                               key="passbook_page",
                               value={"preset": "custom", "width": 100, "height": 80, "top": 5,
                                      "bottom": 5, "left": 5, "right": 5, "lines": 30,
                                      "offset_x": 0, "offset_y": 0},
                               effective_from=D(2026, 11, 1))
    assert "30 lines do not fit" in str(caught.value)
    with env.db.write() as s:
        with pytest.raises(ValidationError) as caught:
            settings.set_value(s, env.user(s, "admin"), group_id=env.group_id,
                               key="passbook_page", value={"preset": "custom", "width": 10},
                               effective_from=D(2026, 11, 1))
    assert "Page width (mm)" in str(caught.value) and "Lines per page" in str(caught.value)
    with env.db.read() as s:
        assert passbook.page_layout(s, env.group_id).preset == "A5"


def test_a_reversal_prints_as_its_own_line_and_a_reprint_is_a_copy(env, tmp_path):
    deposit(env, 10_000, D(2026, 1, 5))
    deposit(env, 50_000, D(2026, 1, 6))
    print_new(env, tmp_path / "first.pdf")
    with env.db.write() as s:
        wrong = s.scalar(select(JournalEntry).where(JournalEntry.memo == "")
                         .order_by(JournalEntry.seq.desc()))
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=wrong.id,
                             reason="typed 50,000 for 5,000", value_date=D(2026, 1, 7))
    job, _pages = print_new(env, tmp_path / "next.pdf")
    (placed,) = job.members[0].sections[0].lines
    assert placed.row.is_reversal and placed.row.amount_out == 50_000
    assert placed.row.balance == 10_000 and (placed.page, placed.line) == (1, 3)
    assert "Reversal" in pdf_text(tmp_path / "next.pdf")
    job, _pages = print_new(env, tmp_path / "copy.pdf", mode=passbook.COPY,
                            first=D(2026, 1, 6), last=D(2026, 1, 7))
    part = job.members[0].sections[0]
    assert part.is_copy and [(p.page, p.line) for p in part.lines] == [(1, 1), (1, 2)]
    assert "COPY" in pdf_text(tmp_path / "copy.pdf")
    with env.db.read() as s:
        last = passbook.last_positions(s, env.member_ids[0])["savings"]
    assert (last.page, last.line) == (1, 3)  # a copy does not move where the book goes on


@pytest.mark.sqlite_only  # changes the file through sqlite3
def test_print_records_are_never_changed(env, tmp_path):
    deposit(env, 10_000, D(2026, 1, 5))
    print_new(env, tmp_path / "first.pdf")
    con = sqlite3.connect(env.db.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE passbook_prints SET line = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM passbook_prints")
    con.close()


def test_an_auditor_may_not_print_and_a_wrong_range_is_refused(env):
    with env.db.write() as s:
        with pytest.raises(PermissionDenied):
            passbook.print_passbooks(s, env.user(s, "auditor"), group_id=env.group_id)
        with pytest.raises(UserError, match="after the last date"):
            passbook.print_passbooks(s, env.user(s, "treasurer"), group_id=env.group_id,
                                     mode=passbook.COPY, first=D(2026, 2, 1),
                                     last=D(2026, 1, 1))


def test_the_calibration_page_is_the_book_size_with_millimetre_marks(env, tmp_path):
    with env.db.read() as s:
        layout = passbook.calibration_layout(s, env.user(s, "auditor"), env.group_id)
    write_calibration(layout, tmp_path / "grid.pdf", group_name="ກຸ່ມຕັດຫຍິບ")
    assert _page_size(tmp_path / "grid.pdf") == pytest.approx((419.5, 595.3), abs=0.5)
    text = pdf_text(tmp_path / "grid.pdf")
    assert "Calibration page" in text and "148 × 210 mm, 24 lines" in text
    assert "100" in text and "200" in text  # millimetre marks


def test_the_passbook_shows_the_ledger_seal_as_the_screen_does(env, tmp_path):
    """The seal at the foot of a passbook page is the overview's: 16 digits in fours (old
    code printed the hash's first 16 characters run together, in small letters, so a
    treasurer comparing it with the screen saw two different seals)."""
    from models.core.schema import Group
    from models.core.seal import format_seal

    deposit(env, 10_000, D(2026, 1, 5))
    job, _pages = print_new(env, tmp_path / "book.pdf")
    with env.db.read() as s:
        head = s.get(Group, env.group_id).head_hash
    text = " ".join(pdf_text(tmp_path / "book.pdf").split())
    assert f"Ledger seal {format_seal(head)}" in text
    assert head[:16] not in text
