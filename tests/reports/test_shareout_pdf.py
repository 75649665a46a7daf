"""The share-out statement on paper: the treasurer prints one sheet for the whole group,
each member signs it as she takes her money, and it goes into the group's records."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from models.core import i18n
from models.core.errors import NotFound
from models.core.ledger import Line
from models.savings import accounts as savings
from models.savings import shareout_posting, shareout_records
from models.statements.shareout_paper import shareout_statement
from reports import shareout_pdf
from tests.models.savings_support import add_members, lend, post, with_rules

JAN, JUNE, TODAY = dt.date(2026, 1, 10), dt.date(2026, 6, 1), dt.date(2026, 11, 20)
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="pdftotext (poppler) is not installed")


def pdf_text(path: Path) -> str:
    """The text, NFKC-normalised (the shaper's "ﬁ" ligature reads "fi"). Lao marks the
    shaper moved come back as private-use glyphs, so the tests look for Lao words without
    such marks."""
    return unicodedata.normalize("NFKC", subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
        check=True).stdout)


def pages(path: Path) -> list[str]:
    return pdf_text(path).split("\f")[:-1]


def save_all(env, amounts: list[int]) -> None:  # noqa: ANN001
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        for member_id, amount in zip(env.member_ids, amounts):
            savings.record_deposit(s, treasurer, member_id=member_id, amount=amount, on=JAN)


def share_out(env, **kw) -> int:  # noqa: ANN001
    with env.db.write() as s:
        return shareout_posting.post_share_out(s, env.user(s, "treasurer"), group_id=env.group_id,
                                               on=TODAY, **kw).share_out_id


def write(env, share_out_id: int, path: Path, role: str = "auditor") -> Path:  # noqa: ANN001
    with env.db.read() as s:
        sheet = shareout_statement(s, env.user(s, role), group_id=env.group_id,
                                   share_out_id=share_out_id)
    return shareout_pdf.write_statement(sheet, path)


@pytest.fixture
def three_savers(env):  # noqa: ANN001, ANN201
    """Keo 7, Bua 11 and Som 13 shares of 1,000; the loans earned 1,000; Som also borrowed
    2,000 at 12 % and pays it off from her payout."""
    with_rules(env, share_price=1_000, max_shares=20)
    save_all(env, [7_000, 11_000, 13_000])
    post(env, Line("cash", 1_000), Line("interest_income", -1_000), on=JUNE)
    lend(env, env.member_ids[2], 2_000, on=JUNE)
    return env


@pytest.fixture
def thirty_savers(env):  # noqa: ANN001, ANN201
    with_rules(env, share_price=5_000, max_shares=50)
    add_members(env, 27)
    save_all(env, [(10 + i) * 5_000 for i in range(30)])
    post(env, Line("cash", 450_000), Line("interest_income", -450_000), on=JUNE)
    return env


def keep_png(path: Path, name: str) -> None:
    """With KONGTHUN_PDF_PNG=<folder>, keep pictures of the pages to look at."""
    folder = os.environ.get("KONGTHUN_PDF_PNG")
    if folder and shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(path), str(Path(folder) / name)],
                       check=True)


def test_the_statement_holds_the_stored_figures(three_savers):
    env = three_savers
    share_out_id = share_out(env, carry_over="none")
    with env.db.read() as s:
        sheet = shareout_statement(s, env.user(s, "auditor"), group_id=env.group_id,
                                   share_out_id=share_out_id)
        record = shareout_records.share_out_record(s, env.user(s, "auditor"), share_out_id)
    assert sheet.record == record
    assert (sheet.cycle_start, sheet.in_shares, sheet.printed_by) == (JAN, True, "Auditor")
    assert sheet.group_name and not sheet.is_demo and len(sheet.ledger_seal) == 64


@needs_poppler
def test_every_member_her_payout_and_the_totals_are_on_paper(three_savers, tmp_path):
    env = three_savers
    share_out_id = share_out(env, carry_over="none")
    with env.db.read() as s:
        record = shareout_records.share_out_record(s, env.user(s, "auditor"), share_out_id)
    path = write(env, share_out_id, tmp_path / "statement.pdf")
    keep_png(path, "shareout-en")
    text = pdf_text(path)
    [page] = pages(path)
    assert "Share-out of 20/11/2026" in text
    assert "1, from 10/01/2026 to 20/11/2026" in text
    assert "Value per share (fund ÷ shares)" in text
    # 31 shares: the value of one is the fund ÷ 31, as the wizard showed it, in kip.
    assert record.total_shares == 31
    assert f"Value of one share {record.value_per_share:,.2f} ₭" in " ".join(text.split())
    fund = f"{record.distributable:,} ₭ = savings 31,000 ₭ + profit"
    assert fund in " ".join(text.split())
    for row in record.rows:
        line = next(line for line in page.splitlines() if row.name in line)
        assert f"{row.payout:,}" in line and f"{row.cash:,}" in line, line
    som = next(r for r in record.rows if r.name == "ທ້າວ ສົມ")
    assert som.netted > 2_000  # her loan and its interest came out of her payout
    assert "Taken for loans and fines" in text
    # Her loan's interest was paid from the payout, so it is part of the fund shared out.
    assert record.loan_interest > 0
    assert "Interest and fees of loans" in " ".join(text.split())
    assert f"{record.loan_interest:,} ₭" in text
    assert "DEMO DATA" not in text and "printed 20/11/2026 09:30 by Auditor" in text


@needs_poppler
def test_the_statement_says_which_debt_each_payout_paid_and_what_is_still_owed(env, tmp_path):
    """Keo (7 shares) owes 21,200 on loan 1; her payout of 7,361 all goes to it, 13,839 is
    still owed (see tests/models/test_shareout.py for the figures worked by hand)."""
    with_rules(env, share_price=1_000, max_shares=20)
    save_all(env, [7_000, 11_000, 13_000])
    post(env, Line("cash", 1_000), Line("interest_income", -1_000), on=JUNE)
    lend(env, env.member_ids[0], 20_000, on=JUNE)
    share_out_id = share_out(env, carry_over={env.member_ids[1]: 11_000,
                                              env.member_ids[2]: 13_000})
    path = write(env, share_out_id, tmp_path / "statement.pdf")
    keep_png(path, "shareout-netted-en")
    text = " ".join(pdf_text(path).split())
    assert "Debts paid from payouts, and what is still owed" in text
    assert "1 · ນາງ ແກ້ວ: Loan 1 — 7,361 ₭ from her payout, 13,839 ₭ still owed" in text


@needs_poppler
def test_the_totals_row_adds_up_the_columns(three_savers, tmp_path):
    env = three_savers
    share_out_id = share_out(env, carry_over="all")
    with env.db.read() as s:
        record = shareout_records.share_out_record(s, env.user(s, "auditor"), share_out_id)
    [page] = pages(write(env, share_out_id, tmp_path / "statement.pdf"))
    totals = next(line for line in page.splitlines() if line.split()[:1] == ["Total"])
    payouts = sum(r.payout for r in record.rows)
    assert totals.split()[1:] == [f"{n:,}" for n in (
        31, record.total_savings, payouts - record.total_savings, payouts,
        sum(r.netted for r in record.rows), sum(r.reinvest for r in record.rows),
        sum(r.cash for r in record.rows))]
    assert payouts + record.residue == record.distributable


@needs_poppler
def test_the_statement_is_in_lao_when_the_program_is(three_savers, tmp_path):
    env = three_savers
    share_out_id = share_out(env, carry_over="none")
    i18n.set_language("lo")
    path = write(env, share_out_id, tmp_path / "statement.pdf")
    keep_png(path, "shareout-lo")
    text = pdf_text(path)
    assert "ເງິນວັນທີ 20/11/2026" in text  # the title: "share-out of 20/11/2026"
    assert "ແຕ່ 10/01/2026 ຫາ 20/11/2026" in text
    for name in ("ນາງ ແກ້ວ", "ນາງ ບົວ", "ທ້າວ ສົມ"):
        assert name in text
    titles = next(line for line in text.splitlines() if "ເງິນຝາກຄືນ" in line)  # savings back
    assert "ສະມາຊິກ" in titles  # member
    totals = next(line for line in text.splitlines() if line.split()[:1] == ["ລວມ"])
    assert "29,998" in totals
    # No English is left: the only Latin words are the village's and the user's names.
    unsealed = re.sub(r"\b[0-9A-F]{4}(?: [0-9A-F]{4}){3}\b", "", text)  # the ledger seal
    assert set(re.findall(r"[A-Za-z]{2,}", unsealed)) == {"Ban", "Nongbone", "Auditor"}


@needs_poppler
def test_thirty_members_run_onto_a_second_page_with_the_titles_again(thirty_savers, tmp_path):
    env = thirty_savers
    share_out_id = share_out(env, carry_over="none")
    with env.db.read() as s:
        record = shareout_records.share_out_record(s, env.user(s, "auditor"), share_out_id)
    path = write(env, share_out_id, tmp_path / "statement.pdf")
    keep_png(path, "shareout-30")
    first, second = pages(path)
    for page in (first, second):
        titles = [line for line in page.splitlines() if "Signature" in line]
        assert len(titles) == 1 and "Member" in titles[0] and "Profit" in titles[0]
    text = first + second
    assert len(record.rows) == 30
    for row in record.rows:
        assert row.name in text
    assert "Total" in second and "Total" not in first.split("Signature", 1)[1]
    assert f"{sum(r.cash for r in record.rows):,}" in second


@needs_poppler
def test_a_demo_group_says_so_on_every_page(thirty_savers, tmp_path):
    env = thirty_savers
    with env.db.write() as s:
        env.group(s).is_demo = True
    share_out_id = share_out(env, carry_over="none")
    first, second = pages(write(env, share_out_id, tmp_path / "statement.pdf"))
    assert "DEMO DATA" in first and "DEMO DATA" in second


@needs_poppler
def test_a_free_amount_group_has_no_shares_column(env, tmp_path):
    with_rules(env, mode="free")
    save_all(env, [120_000, 80_000, 50_000])
    post(env, Line("cash", 25_000), Line("interest_income", -25_000), on=JUNE)
    share_out_id = share_out(env, carry_over="none")
    [page] = pages(write(env, share_out_id, tmp_path / "statement.pdf"))
    assert "Shares" not in page
    assert "275,000 ₭ = savings 250,000 ₭ + profit 25,000 ₭" in page
    assert [line.split()[3] for line in page.splitlines()
            if line.split()[:1] in (["1"], ["2"], ["3"])] == ["120,000", "80,000", "50,000"]


def test_another_groups_share_out_is_not_printed_under_this_group(three_savers):
    env = three_savers
    share_out_id = share_out(env, carry_over="none")
    with env.db.read() as s, pytest.raises(NotFound):
        shareout_statement(s, env.user(s, "auditor"), group_id=env.group_id,
                           share_out_id=share_out_id + 1)
