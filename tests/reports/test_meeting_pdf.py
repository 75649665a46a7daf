"""The meeting on paper: the summary for the records and the receipts members keep, read
back from the PDF in English and in Lao."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import unicodedata

import pytest

from models.core import i18n, members
from models.meetings import cashbox
from models.meetings import meeting as meetings
from models.meetings import posting as meeting_posting
from models.meetings import summary as meeting_summaries
from reports.meeting_pdf import write_meeting_summary, write_receipts
from tests.models.savings_support import with_rules

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")
DAY = dt.date(2026, 11, 5)


def pdf_text(path) -> str:  # noqa: ANN001
    """The text, NFKC-normalised (the shaper's "ﬁ" ligature reads "fi", "ໝ" reads "ຫມ").
    Lao marks the shaper moved come back as private-use glyphs, so the tests look for
    Lao words without such marks."""
    return unicodedata.normalize("NFKC", subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
        check=True).stdout)


def pages(path) -> int:  # noqa: ANN001
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


@pytest.fixture
def meeting(env):
    """Keo saves 3 shares, Bua is absent (fined 5,000), Som comes late, saves 1 share and
    pays his 2,000 fine; the box is counted 1,000 short."""
    with_rules(env, fine_absence=5_000, fine_late=2_000)
    keo, bua, som = env.member_ids
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        row = meetings.open_meeting(s, treasurer, group_id=env.group_id, on=DAY)
        meeting_posting.post_meeting(s, treasurer, meeting_id=row.id,
                                     cells={(keo, "savings"): 30_000, (som, "savings"): 10_000,
                                            (som, "fines"): 2_000},
                                     attendance={bua: "absent", som: "late"},
                                     notes={keo: "ຊື້ 3 ຮຸ້ນ"})
        cashbox.count_cash(s, treasurer, group_id=env.group_id, on=DAY,
                           notes={20_000: 2, 1_000: 1}, note="one note missing",
                           meeting_id=row.id)
    return env, row.id


def summary(env, meeting_id):
    with env.db.read() as s:
        return meeting_summaries.meeting_summary(s, env.user(s, "treasurer"), meeting_id)


@needs_poppler
def test_the_summary_shows_every_member_the_totals_and_the_cash_box(meeting, tmp_path):
    env, meeting_id = meeting
    path = write_meeting_summary(summary(env, meeting_id), tmp_path / "summary.pdf")
    text = pdf_text(path)
    assert "Meeting summary" in text
    assert "Meeting 1 of cycle 1 · 05/11/2026" in text
    assert "Present: 1 · Came late: 1 · Represented: 0 · Absent: 1" in text
    for name in ("ນາງ ແກ້ວ", "ນາງ ບົວ", "ທ້າວ ສົມ"):
        assert name in text
    assert "fined 5,000 ₭" in text
    assert "40,000 ₭" in text and "42,000 ₭" in text  # savings total, paid in all
    assert "Cash there should be at the end" in text
    assert "42,000 ₭" in text and "41,000 ₭" in text  # expected, counted
    assert "Short: one note missing" in text
    assert "3 ຮຸ້ນ" in text  # Keo's note
    assert pages(path) <= 2


@needs_poppler
def test_the_summary_in_lao(meeting, tmp_path):
    env, meeting_id = meeting
    i18n.set_language("lo")
    path = write_meeting_summary(summary(env, meeting_id), tmp_path / "summary-lo.pdf")
    text = pdf_text(path)
    for words in ("ມາຮ່ວມ", "ຫີບເງິນສົດ", "ຈ່າຍທັງຫມົດ", "ລວມ", "ຮຸ້ນ: 3"):
        assert words in text
    assert "Meeting" not in text and "Savings" not in text


@needs_poppler
def test_a_receipt_for_each_member_who_paid(meeting, tmp_path):
    env, meeting_id = meeting
    path = write_receipts(summary(env, meeting_id), tmp_path / "receipts.pdf")
    text = pdf_text(path)
    assert text.count("Receipt") == 2  # Keo and Som; Bua paid nothing
    assert "Member 1 · ນາງ ແກ້ວ" in text and "Member 3 · ທ້າວ ສົມ" in text
    assert "ນາງ ບົວ" not in text
    assert "30,000 ₭ · shares: 3" in text
    path = write_receipts(summary(env, meeting_id), tmp_path / "bua.pdf",
                          member_ids=[env.member_ids[1]])
    text = pdf_text(path)
    assert "Member 2 · ນາງ ບົວ" in text and "Fines still owed" in text and "5,000 ₭" in text


def _figures(line: str) -> list[int]:
    return [int(x.replace(",", "")) for x in re.findall(r"(\d[\d,]*) ₭", line)]


@needs_poppler
def test_printed_totals_are_the_sum_of_the_printed_rows_when_a_member_died_since(
        meeting, tmp_path):
    """Som paid at the meeting; later his death is recorded as of the day before it (the
    family came to say so). He is still printed and counted, and the total row adds up
    the rows on the paper."""
    env, meeting_id = meeting
    keo, bua, som = env.member_ids
    with env.db.write() as s:
        members.set_status(s, env.user(s, "admin"), member_id=som, status="deceased",
                           on=DAY - dt.timedelta(days=1))
    path = write_meeting_summary(summary(env, meeting_id), tmp_path / "summary.pdf")
    text = pdf_text(path)
    assert "ທ້າວ ສົມ" in text
    assert "Present: 1 · Came late: 1 · Represented: 0 · Absent: 1" in text
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if "Paid in all" in line)
    end = next(i for i, line in enumerate(lines) if line.strip().startswith("Total"))
    titles = ["Attendance", "Savings", "Fines paid", "Paid in all", "Savings after"]
    at = [lines[head].index(t) for t in titles]

    def column(line: str, title: str) -> int:
        """The figure printed under ``title`` (right-aligned, so it may start left of
        the title): between the end of the title before and the start of the next."""
        i = titles.index(title)
        return sum(_figures(line[at[i - 1] + len(titles[i - 1]):at[i + 1]]))

    rows = [line for line in lines[head + 1:end] if re.match(r"\s*\d+\s{2,}", line)]
    assert len(rows) == 3  # Keo, Bua and Som, who died since
    for title in ("Savings", "Fines paid", "Paid in all"):
        assert sum(column(row, title) for row in rows) == column(lines[end], title), title
    assert column(lines[end], "Paid in all") == 42_000
