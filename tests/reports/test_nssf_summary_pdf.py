"""The paper the leader signs before the month's NSSF money goes to the LSSO: read back
from the PDF, in English and in Lao."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from models.core import i18n
from models.core.money import currency
from reports.nssf_summary_pdf import RemittanceSummary, SkippedLine, SummaryLine, write_summary

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")


def pdf_text(path) -> str:  # noqa: ANN001
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pages(path) -> int:  # noqa: ANN001
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


def november(**changes) -> RemittanceSummary:  # noqa: ANN003
    """Three tailors remitted for November: Bouaphan from her pot, Khamphaeng paying three
    months ahead with part of it advanced by the group, Somphone paid by the subsidy fund;
    Dala skipped and in grace."""
    lines = [
        SummaryLine(3, "ນາງ ບົວພັນ ສີສຸວັນ", "SS-0102-3344", 2_500_000, 1, 225_000, 225_000),
        SummaryLine(5, "ນາງ ຄຳແພງ ວົງສະຫວັນ", "0199-22", 2_700_000, 3, 729_000, 500_000,
                    advanced=229_000),
        SummaryLine(8, "ທ້າວ ສົມພອນ", "LSSO 777", 4_500_000, 1, 405_000, 0,
                    subsidised=405_000),
    ]
    values = dict(group_name="Tailors of Phonsavang", village="Phonsavang",
                  currency=currency("LAK"), month=dt.date(2026, 11, 1), batch_number=4,
                  state="exported", lines=lines, printed_at=dt.datetime(2026, 11, 20, 9, 30),
                  printed_by="Kaeo", ledger_seal="ab" * 32,
                  skipped=[SkippedLine(9, "ນາງ ດາລາ", 225_000, dt.date(2027, 2, 1))],
                  table_from=dt.date(2024, 10, 1))
    values.update(changes)
    return RemittanceSummary(**values)


@needs_poppler
def test_the_leader_signs_a_page_whose_total_is_its_rows(tmp_path):
    path = write_summary(november(), tmp_path / "nov.pdf")
    text = pdf_text(path)
    assert pages(path) == 1
    for expected in ("Tailors of Phonsavang", "NSSF contributions for 11/2026", "Batch 4",
                     "waiting for the LSSO's receipt", "SS-0102-3344", "ນາງ ຄຳແພງ ວົງສະຫວັນ",
                     "2,700,000", "Leader", "Treasurer", "Not paid this month", "ນາງ ດາລາ",
                     "02/2027"):
        assert expected in text, expected
    total = next(line for line in text.splitlines() if line.strip().startswith("Total"))
    # 225,000 + 729,000 + 405,000 remitted; from pots 725,000; advanced; subsidised.
    assert total.split() == ["Total", "5", "1,359,000", "725,000", "229,000", "405,000"]
    assert "To pay to the LSSO" in text and "1,359,000 ₭" in text
    assert "PROVISIONAL" not in text


@needs_poppler
def test_a_provisional_table_is_marked_on_the_page_and_in_the_footer(tmp_path):
    path = write_summary(november(provisional=True), tmp_path / "nov.pdf")
    text = pdf_text(path)
    assert "PROVISIONAL: the levels and contributions" in text
    assert "PROVISIONAL LEVELS · Ledger seal ABAB" in text
    assert "in force from 01/10/2024 · provisional" in text


@needs_poppler
def test_a_confirmed_correction_names_the_receipt_and_the_batch_it_corrects(tmp_path):
    path = write_summary(november(state="confirmed", corrects=3, lsso_receipt="R-2026-1188",
                                  confirmed_on=dt.date(2026, 11, 25), skipped=()),
                         tmp_path / "nov.pdf")
    text = pdf_text(path)
    assert "Batch 4 · corrects batch 3" in text
    assert "the LSSO gave receipt R-2026-1188 on 25/11/2026" in text
    assert "Not paid this month" not in text


@needs_poppler
def test_in_lao_the_page_has_no_english_words(tmp_path):
    i18n.set_language("lo")
    path = write_summary(november(provisional=True, state="confirmed",
                                  lsso_receipt="R-1188", confirmed_on=dt.date(2026, 11, 25)),
                         tmp_path / "nov.pdf")
    text = pdf_text(path)
    # (pdftotext reads stacked tone marks back as private-use characters: words without)
    for expected in ("ເງິນສົມທົບປະກັນສັງຄົມ", "ປກສ", "ສະມາຊິກ", "1,359,000"):
        assert expected in text, expected
    for english in ("Total", "Leader", "Batch", "PROVISIONAL", "Level", "Subsidy", "Month"):
        assert english not in text, english


@needs_poppler
def test_forty_members_run_onto_more_pages_with_the_titles_repeated(tmp_path):
    lines = [SummaryLine(n, f"Member {n}", f"SS-{n}", 2_500_000, 1, 225_000, 225_000)
             for n in range(1, 41)]
    path = write_summary(november(lines=lines, skipped=()), tmp_path / "big.pdf")
    text = pdf_text(path)
    assert pages(path) > 1
    assert text.count("From her pot") == pages(path)
    assert "9,000,000" in text  # 40 × 225,000 in the total row
