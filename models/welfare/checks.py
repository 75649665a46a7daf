"""The welfare check of ``kongthun verify``: the fund ties to its accounts and each claim's
money to its status."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, verify
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.money import format_money
from models.core.schema import Group, JournalEntry, JournalLine
from models.welfare.fund import fund_position
from models.welfare.register import _claim_money
from models.welfare.schema import WelfareClaim


def verify_welfare(session: Session, group: Group) -> list[verify.Problem]:
    """The welfare fund ties to its accounts: every line on the claims accounts belongs to a
    claim of this group; each claim's money matches its status and amount; the fund is
    never overdrawn."""
    problems = []

    def add(message: str, **params) -> None:  # noqa: ANN003
        problems.append(verify.Problem(message, {"group": group.name, **params}, group.id))

    position = fund_position(session, group.id)
    if position.cash < 0:
        add(N_("Group {group}: the welfare fund is overdrawn by {amount}."),
            amount=format_money(-position.cash, group_currency(session, group.id)))
    claim_accounts = [chart.account_id(session, group.id, key)
                      for key in ("welfare_payouts", "welfare_claims_payable")]
    unlinked = session.scalar(
        select(func.count(JournalLine.id)).join(JournalEntry)
        .where(JournalEntry.group_id == group.id, JournalLine.account_id.in_(claim_accounts),
               JournalEntry.claim_id.is_(None)))
    if unlinked:
        add(N_("Group {group}: {count} welfare benefit lines belong to no claim."),
            count=unlinked)
    claims = {c.id: c for c in session.scalars(select(WelfareClaim)
                                               .where(WelfareClaim.group_id == group.id))}
    foreign = session.scalars(select(JournalEntry.seq).where(
        JournalEntry.group_id == group.id, JournalEntry.claim_id.is_not(None),
        JournalEntry.claim_id.not_in(list(claims) or [0])))
    for seq in foreign:
        add(N_("Group {group}: entry {seq} names a welfare claim that is not in this group."),
            seq=seq)
    money = _claim_money(session, list(claims))
    for claim in claims.values():
        granted, owed = money.get(claim.id, (0, 0))
        if claim.status == "paid" and not granted:
            add(N_("Group {group}: welfare claim {number} is marked paid but no payment is "
                   "in the ledger."), number=claim.number)
        elif owed < 0 or owed > granted or granted > claim.amount_asked or (
                granted and claim.status != "paid"):
            add(N_("Group {group}: the money of welfare claim {number} does not match the "
                   "claim (granted {granted}, owed {owed})."),
                number=claim.number, granted=granted, owed=owed)
    return problems
