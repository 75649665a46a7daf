"""The claim's voucher: everything the printed voucher shows (the claim, its rule check,
each payment and what was still owed after it), and the audit line of a print."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock
from models.core.groups import group_currency
from models.core.money import Currency
from models.core.permissions import Permission, require
from models.core.schema import Group, JournalEntry, Member, User
from models.welfare.claims import _draft_of, _judge
from models.welfare.fund import METHODS
from models.welfare.register import ClaimRow, _get_claim, _rows
from models.welfare.rules import RuleResult
from models.welfare.types import rule_in_force


@dataclass(frozen=True)
class VoucherPayment:
    value_date: dt.date
    entry_seq: int
    method: str  # cash bank
    amount: int
    owed_after: int


@dataclass(frozen=True)
class ClaimVoucher:
    """Everything the printed voucher shows."""

    group_name: str
    group_village: str | None
    currency: Currency
    claim: ClaimRow
    member_village: str | None
    evidence: str  # what the rules ask to see
    checks: tuple[RuleResult, ...]
    payments: tuple[VoucherPayment, ...]
    printed_at: dt.datetime
    printed_by: str
    ledger_seal: str  # the group's chain head when printed
    is_demo: bool


def claim_voucher(session: Session, actor: User, claim_id: int) -> ClaimVoucher:
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.READ, claim.group_id)
    group = session.get(Group, claim.group_id)
    member = session.get(Member, claim.member_id)
    found = rule_in_force(session, claim.claim_type_id, claim.event_date)
    cash_ids = {chart.account_id(session, group.id, m): m for m in METHODS}
    payments = []
    owed = 0
    entries = session.scalars(select(JournalEntry).where(JournalEntry.claim_id == claim.id)
                              .order_by(JournalEntry.seq))
    for entry in entries:
        paid, method = 0, "cash"
        for line in entry.lines:
            if line.account_id in cash_ids:
                paid -= line.amount
                method = cash_ids[line.account_id]
            elif line.account_id == chart.account_id(session, group.id,
                                                            "welfare_claims_payable"):
                owed -= line.amount
        payments.append(VoucherPayment(entry.value_date, entry.seq, method, paid, owed))
    return ClaimVoucher(
        group.name, group.village, group_currency(session, group.id),
        _rows(session, [claim])[0], member.village, found[1].evidence if found else "",
        tuple(_judge(session, group.id, _draft_of(claim), claim.id)), tuple(payments),
        clock.now(), actor.display_name, group.head_hash or "", group.is_demo)


def record_voucher_printed(session: Session, actor: User, *, claim_id: int,
                           path: str) -> None:
    """Note in the audit log that a claim's voucher was printed (or saved) to ``path``."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.READ, claim.group_id)
    audit.record(session, actor, "welfare.voucher", group_id=claim.group_id,
                 claim=claim.number, path=path)
