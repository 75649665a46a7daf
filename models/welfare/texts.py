"""The welfare fund's entry kinds: their one name each, and claim payouts as read now."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import chart
from models.core.groups import group_currency
from models.core.i18n import N_, _
from models.core.money import format_money
from models.core.schema import Account, JournalEntry, JournalLine
from models.welfare.schema import WelfareClaim

KIND_NAMES = {
    "welfare_contribution": N_("Welfare contribution"),
    "welfare_joining_fee": N_("Welfare joining fee"),
    "welfare_payout": N_("Welfare benefit paid"),
    "welfare_owed_payment": N_("Welfare benefit owed, paid"),
}
CLAIM_KINDS = ("welfare_payout", "welfare_owed_payment")


def describe(session: Session, group_id: int, entries: Sequence[JournalEntry],
             member: Callable[[int], str]) -> dict[int, str]:
    mine = [e for e in entries if e.kind in CLAIM_KINDS and e.claim_id]
    if not mine:
        return {}
    claims = {c.id: c for c in session.scalars(select(WelfareClaim).where(
        WelfareClaim.id.in_({e.claim_id for e in mine})))}
    claim_lines = _claim_lines(session, group_id,
                               [e.id for e in mine if e.kind == "welfare_payout"])
    cur = group_currency(session, group_id)
    texts: dict[int, str] = {}
    for e in mine:
        claim = claims.get(e.claim_id)
        if claim is None:
            continue
        text = _("Claim {number}, {member}").format(number=claim.number,
                                                    member=member(claim.member_id))
        granted, paid, owed = claim_lines.get(e.id, (0, 0, 0))
        if e.kind == "welfare_payout" and owed:
            text = _("{claim}: {granted} granted, {paid} paid, {owed} still owed").format(
                claim=text, granted=format_money(granted, cur),
                paid=format_money(paid, cur), owed=format_money(owed, cur))
        texts[e.id] = text
    return texts


def _claim_lines(session: Session, group_id: int,
                 entry_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(granted, paid in money, left owed) of each welfare payout entry."""
    if not entry_ids:
        return {}
    keys = {chart.account_id(session, group_id, key): key
            for key in ("welfare_payouts", "welfare_claims_payable", "cash", "bank")}
    out: dict[int, list[int]] = {}
    for entry_id, account_id, amount in session.execute(
            select(JournalLine.entry_id, JournalLine.account_id, JournalLine.amount)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalLine.entry_id.in_(entry_ids), JournalLine.account_id.in_(keys))):
        granted, paid, owed = out.setdefault(entry_id, [0, 0, 0])
        key = keys[account_id]
        if key == "welfare_payouts":
            granted += amount
        elif key == "welfare_claims_payable":
            owed -= amount
        else:
            paid -= amount
        out[entry_id] = [granted, paid, owed]
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}
