"""The loan repayment receipt, read back from the PDF in Lao and in English."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import select

from models.core import i18n
from models.loans.receipts import repayment_receipt
from reports.loan_receipt_pdf import file_name, write_repayment_receipt
from tests.models.loan_support import D, open_loan, repay, save

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")


def pdf_text(path) -> str:  # noqa: ANN001
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture
def receipt(db, env):
    with db.write() as s:
        save(s, env, 0, 2_000_000)
    loan = open_loan(db, env, amount=1_200_000, rate=24, installments=12,
                     disbursed=D(2026, 6, 10))
    paid = repay(db, env, loan, 124_000, D(2026, 7, 10))
    with db.read() as s:
        return repayment_receipt(s, env.user(s, "treasurer"), paid)


@needs_poppler
def test_the_receipt_names_the_member_the_split_and_what_is_still_owed(receipt, tmp_path):
    text = pdf_text(write_repayment_receipt(receipt, tmp_path / "r.pdf"))
    assert "Loan repayment receipt" in text
    assert receipt.member_name in text
    for figure in ("24,000 ₭", "100,000 ₭", "124,000 ₭", "1,100,000 ₭"):
        assert figure in text
    assert "Loan fee" not in text  # nothing of the payment went to a fee
    assert "Receipt number" in text and str(receipt.receipt_number) in text


@needs_poppler
def test_the_receipt_in_lao_has_no_english_words(receipt, tmp_path):
    i18n.set_language("lo")
    text = pdf_text(write_repayment_receipt(receipt, tmp_path / "r.pdf"))
    assert "ໃບຮັບເງິນ" in text
    assert not [w for w in ("Loan", "Paid", "Receipt", "Member", "Interest", "Principal",
                            "Printed") if w in text]


@needs_poppler
def test_money_received_in_cash_reads_received_into_the_cash_box(receipt, tmp_path):
    assert receipt.paid_from == "cash"
    text = pdf_text(write_repayment_receipt(receipt, tmp_path / "r.pdf"))
    assert "Received into" in text and "Cash box" in text
    assert "Paid from" not in text


def test_the_file_is_named_by_the_receipt_number_printed_on_it(db, env, receipt):
    from models.loans.schema import LoanRepayment

    with db.read() as s:
        repayment_id = s.scalar(select(LoanRepayment.id))
    # Entries before it (the savings, the payout) make the two numbers differ.
    assert receipt.receipt_number != repayment_id
    assert file_name(receipt) == f"receipt-{receipt.receipt_number}.pdf"
