"""The voucher a member takes home: read back from the PDF, in Lao and in English."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from models.core import i18n, users
from models.welfare import (
    approval as welfare_approval,
)
from models.welfare import (
    payout as welfare_payout,
)
from models.welfare import (
    voucher as welfare_voucher,
)
from reports.welfare_voucher import write_voucher
from tests.models.welfare_fixtures import change_rule, fund, record  # noqa: F401

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")


def pdf_text(path) -> str:  # noqa: ANN001
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pages(path) -> int:  # noqa: ANN001
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


@pytest.fixture
def partly_paid(fund):
    """A member's death: 900,000 ₭ granted, the fund pays its 690,000 and owes the rest."""
    with fund.db.write() as s:
        change_rule(s, fund, "death_member", dt.date(2024, 1, 1), max_amount=3_000_000)
        second = users.create_user(s, fund.user(s, "admin"), username="leader2",
                                   display_name="ນາງ ຈັນ", password="demo")
        users.grant_role(s, fund.user(s, "admin"), user_id=second.id, role="leader",
                         group_id=fund.group_id)
        claim = record(s, fund, member=2, code="death_member", amount=900_000,
                       event=dt.date(2026, 11, 12), evidence_note="ໃບມໍລະນະບັດ ເລກ 123",
                       note="ຈ່າຍໃຫ້ລູກສາວ")
        welfare_approval.approve_claim(s, fund.user(s, "leader"), claim_id=claim.id)
        welfare_payout.pay_claim(s, fund.user(s, "treasurer"), claim_id=claim.id)
    return fund, claim.id


def voucher(env, claim_id):  # noqa: ANN001, ANN201
    with env.db.read() as s:
        return welfare_voucher.claim_voucher(s, env.user(s, "treasurer"), claim_id)


@needs_poppler
def test_a_partly_paid_claim_in_english(partly_paid, tmp_path):
    env, claim_id = partly_paid
    path = write_voucher(voucher(env, claim_id), tmp_path / "voucher.pdf")
    text = pdf_text(path)
    assert pages(path) == 1
    for expected in ("Welfare payment voucher", "Claim 1", "ທ້າວ ສົມ", "Death of a member",
                     "12/11/2026", "900,000 ₭", "690,000 ₭", "210,000 ₭", "Leader",
                     "Maximum amount", "Passed", "Still owed"):
        assert expected in text, expected


@needs_poppler
def test_a_refused_claim_keeps_its_reason_in_lao(fund, tmp_path):
    with fund.db.write() as s:
        claim = record(s, fund, amount=800_000)
        welfare_approval.reject_claim(s, fund.user(s, "leader"), claim_id=claim.id,
                             reason="ເກີນຈຳນວນສູງສຸດ")
    i18n.set_language("lo")
    path = write_voucher(voucher(fund, claim.id), tmp_path / "refused.pdf")
    text = pdf_text(path)
    assert pages(path) == 1
    assert "ເກີນຈຳນວນສູງສຸດ" in text
    assert "800,000 ₭" in text
    assert "Welfare" not in text and "Refused" not in text
