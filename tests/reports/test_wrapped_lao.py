"""Every wrapped Lao line on paper is shaped: its glyphs are HarfBuzz's for the text of
that line (tone marks and vowels placed on their consonant), not the font's plain
character glyphs, and reading the PDF back never yields U+FFFD. Checked on a label that
wraps (the share-out statement's) and on every kind of PDF, printed in Lao from the demo."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata
from decimal import Decimal

import pytest
import uharfbuzz
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont
from sqlalchemy import select

from models.core import i18n
from models.core.db import Database, sqlite_url
from models.core.schema import Group, User
from models.loans.receipts import repayment_receipt
from models.loans.schedule import ScheduleTerms, build_schedule
from models.loans.schedule_sheet import ScheduleSheet, schedule_lines
from models.loans.schema import LoanRepayment
from models.meetings import meeting as meetings
from models.meetings import summary as meeting_summaries
from models.savings.schema import ShareOut
from models.statements.shareout_paper import shareout_statement
from models.welfare import claims as welfare
from models.welfare.schema import WelfareClaim
from models.welfare.voucher import claim_voucher
from reports import (
    loan_receipt_pdf,
    loan_schedule_pdf,
    meeting_pdf,
    pdf,
    shareout_pdf,
    welfare_voucher,
)
from tests.conftest import TODAY

LABEL = "ດອກເບ້ຍ ແລະ ຄ່າທຳນຽມຂອງເງິນກູ້ທີ່ຫັກຈ່າຍຈາກເງິນແບ່ງປັນ"
LAO = range(0x0E80, 0x0F00)
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")


def drawn_lines(paragraph) -> list[list[int]]:  # noqa: ANN001
    """The glyph ids ReportLab draws, line by line, for a paragraph already wrapped."""
    face = getFont(paragraph.style.fontName).face
    return [[face.charToGlyph[ord(ch)] for word in line.words for ch in word.text]
            for line in paragraph.blPara.lines]


def harfbuzz(text: str, font: str, size: float) -> list[int]:
    buf = uharfbuzz.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    uharfbuzz.shape(getFont(font).hbFont(size), buf, {"kern": True, "liga": True})
    return [info.codepoint for info in buf.glyph_infos]


def shaped_line(text: str, font: str, size: float) -> list[int]:
    """What a line should draw: each word shaped whole, a plain space between words."""
    glyphs: list[int] = []
    for number, word in enumerate(text.split(" ")):
        if number:
            glyphs += plain(" ", font)
        glyphs += harfbuzz(word, font, size) if word else []
    return glyphs


def plain(text: str, font: str) -> list[int]:
    face = getFont(font).face
    return [face.charToGlyph[ord(ch)] for ch in text]


def shown_lines(paragraph) -> list[str]:  # noqa: ANN001
    return [line for line in paragraph.text.split("<br/>")]


def assert_every_line_shaped(paragraph) -> int:  # noqa: ANN001
    """Each line's glyphs are the shaping of that line's text; returns how many wrapped
    lines carry Lao marks (so a caller knows the check saw some)."""
    style = paragraph.style
    if not paragraph.plain.strip():
        return 0  # an empty cell draws nothing
    lines = shown_lines(paragraph)
    drawn = drawn_lines(paragraph)
    assert len(drawn) == len(lines), (lines, drawn)
    checked = 0
    for number, (text, glyphs) in enumerate(zip(lines, drawn)):
        text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        assert 0 not in glyphs, text  # no .notdef box
        assert glyphs == shaped_line(text.strip(), style.fontName, style.fontSize), text
        if number and any(ord(c) in LAO for c in text):
            checked += glyphs != plain(text, style.fontName)
    return checked


def test_a_wrapped_lao_label_is_shaped_on_every_line():
    st = pdf.styles(10)
    paragraph = pdf.para(LABEL, st["body"])
    paragraph.wrap(40 * mm, 1000)
    assert len(paragraph.blPara.lines) >= 2
    assert assert_every_line_shaped(paragraph) >= 1
    # Lines break between syllables, never between a consonant and its marks.
    for line in shown_lines(paragraph):
        assert line and unicodedata.category(line[0]) != "Mn", line


@needs_poppler
def test_the_wrapped_label_reads_back_without_replacement_characters(tmp_path):
    st = pdf.styles(10)
    path = tmp_path / "label.pdf"
    doc = pdf.document(str(path), title="t")
    pdf.build(doc, [pdf.table([[pdf.para(LABEL, st["body"]), pdf.para("1,000 ₭", st["number"])]],
                              [40 * mm, 30 * mm], header_rows=0)])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "\ufffd" not in text


@pytest.fixture(scope="module")
def demo(demo_ledger):
    database = Database(sqlite_url(demo_ledger))
    yield database
    database.dispose()


def _papers(demo, tmp_path):  # noqa: ANN001, ANN202
    """Every kind of PDF, from the demo: (name, writer of the file at a path)."""
    with demo.read() as s:
        auditor = s.scalar(select(User).where(User.username == "auditor"))
        group = s.scalar(select(Group).order_by(Group.id))
        last = meetings.list_meetings(s, auditor, group.id)[0]
        summary = meeting_summaries.meeting_summary(s, auditor, last.id)
        claim_id = s.scalar(select(WelfareClaim.id).where(WelfareClaim.status == "paid")
                            .order_by(WelfareClaim.id))
        voucher = claim_voucher(s, auditor, claim_id)
        receipt = repayment_receipt(s, auditor, s.scalar(select(LoanRepayment.id)
                                                         .order_by(LoanRepayment.id.desc())))
        record = s.scalar(select(ShareOut).order_by(ShareOut.id))
        statement = shareout_statement(s, auditor, group_id=record.group_id,
                                       share_out_id=record.id)
    rows = build_schedule(ScheduleTerms(1_200_000, Decimal(24), installments=12,
                                        disbursed=dt.date(2026, 6, 10)))
    sheet = ScheduleSheet(
        summary.group_name, receipt.currency, False, 1_200_000, Decimal(24), "declining",
        dt.date(2026, 6, 10), schedule_lines(rows), TODAY, "auditor",
        member_name=receipt.member_name, loan_number=receipt.loan_number,
        purpose="ຊື້ຈັກຫຍິບ ແລະ ຜ້າສຳລັບຕັດເຄື່ອງນຸ່ງຂາຍໃນຕະຫຼາດ")
    return [
        ("meeting summary", lambda p: meeting_pdf.write_meeting_summary(summary, p)),
        ("meeting receipts", lambda p: meeting_pdf.write_receipts(summary, p)),
        ("welfare voucher", lambda p: welfare_voucher.write_voucher(voucher, p)),
        ("loan receipt", lambda p: loan_receipt_pdf.write_repayment_receipt(receipt, p)),
        ("loan schedule", lambda p: loan_schedule_pdf.write_schedule(sheet, p)),
        ("share-out statement", lambda p: shareout_pdf.write_statement(statement, p)),
    ]


@needs_poppler
def test_every_kind_of_pdf_in_lao_is_shaped_on_every_wrapped_line(demo, tmp_path, monkeypatch):
    i18n.set_language("lo")
    made: list = []
    real_para = pdf.para

    def recording_para(text, style):  # noqa: ANN001, ANN202
        paragraph = real_para(text, style)
        made.append(paragraph)
        return paragraph

    monkeypatch.setattr(pdf, "para", recording_para)
    wrapped_lao = 0
    for name, write in _papers(demo, tmp_path):
        made.clear()
        path = write(tmp_path / f"{name}.pdf")
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "\ufffd" not in text, name
        assert any(ord(c) in LAO for c in text), name
        for paragraph in made:
            if getattr(paragraph, "blPara", None) is not None:
                wrapped_lao += assert_every_line_shaped(paragraph)
    assert wrapped_lao > 0  # wrapped Lao lines were there to check
