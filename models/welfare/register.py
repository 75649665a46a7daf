"""The claims register: each claim as a frozen row with its approvals and the money the
journal shows for it (granted, paid, still owed), the register's filters, who claimed what in
a year, and how many leaders' approvals a payout needs. Everything here only reads."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import clock
from models.core.errors import NotFound, UserError
from models.core.i18n import N_, gettext
from models.core.permissions import Permission, require
from models.core.schema import Account, JournalEntry, JournalLine, Member, User
from models.welfare import fund as welfare_fund
from models.welfare.fund import FundPosition, fund_position
from models.welfare.schema import WelfareClaim, WelfareClaimApproval, WelfareClaimType

STATUSES = ("pending", "approved", "rejected", "paid")
STATUS_NAMES = {
    "pending": N_("Waiting for approval"),
    "approved": N_("Approved, to pay"),
    "rejected": N_("Refused"),
    "paid": N_("Paid"),
}
# Statuses whose claims count towards a member's frequency limit.
COUNTED = ("pending", "approved", "paid")

@dataclass(frozen=True)
class ClaimRow:
    id: int
    group_id: int
    number: int
    member_id: int
    member_number: int
    member_name: str
    claim_type_id: int
    type_name: str
    event_date: dt.date
    claim_date: dt.date
    beneficiary: str
    beneficiary_name: str | None
    amount_asked: int
    note: str
    evidence_note: str
    status: str
    recorded_by: str
    approvals: tuple[str, ...]  # approvers' display names, in order
    approver_ids: tuple[int, ...]  # their user ids, in the same order
    approvals_needed: int
    rejected_by: str | None
    rejection_reason: str | None
    granted: int  # from the journal
    owed: int

    @property
    def paid(self) -> int:
        return self.granted - self.owed

    @property
    def type_label(self) -> str:
        return gettext(self.type_name)

    @property
    def status_label(self) -> str:
        if self.status == "paid" and self.owed:
            return gettext(N_("Partly paid"))
        return gettext(STATUS_NAMES[self.status])


def _get_claim(session: Session, claim_id: int) -> WelfareClaim:
    claim = session.get(WelfareClaim, claim_id)
    if claim is None:
        raise NotFound(N_("No such claim."))
    return claim


def _claim_money(session: Session, claim_ids: list[int]) -> dict[int, tuple[int, int]]:
    """claim id -> (granted, owed), read from the journal."""
    if not claim_ids:
        return {}
    rows = session.execute(
        select(JournalEntry.claim_id, Account.key, func.sum(JournalLine.amount))
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalEntry.claim_id.in_(claim_ids),
               Account.key.in_(("welfare_payouts", "welfare_claims_payable")))
        .group_by(JournalEntry.claim_id, Account.key))
    money: dict[int, list[int]] = {}
    for claim_id, key, total in rows:
        pair = money.setdefault(claim_id, [0, 0])
        if key == "welfare_payouts":
            pair[0] += int(total)
        else:
            pair[1] -= int(total)
    return {k: (v[0], v[1]) for k, v in money.items()}


def approvals_needed(session: Session, group_id: int, amount: int,
                     position: FundPosition | None = None) -> int:
    """Leaders' approvals a payout of ``amount`` needs today: the group's number, plus the
    extra ones when it would leave the fund below its reserve."""
    s = welfare_fund.welfare_settings(session, group_id)
    needed = s.approvals_required
    if s.min_reserve:
        position = position or fund_position(session, group_id)
        if position.available - amount < s.min_reserve:
            needed += s.reserve_extra_approvals
    return needed


def _rows(session: Session, claims: list[WelfareClaim]) -> list[ClaimRow]:
    if not claims:
        return []
    ids = [c.id for c in claims]
    money = _claim_money(session, ids)
    approvals: dict[int, list[tuple[int, str]]] = {}
    for claim_id, user_id, name in session.execute(
            select(WelfareClaimApproval.claim_id, User.id, User.display_name)
            .join(User, User.id == WelfareClaimApproval.user_id)
            .where(WelfareClaimApproval.claim_id.in_(ids)).order_by(WelfareClaimApproval.id)):
        approvals.setdefault(claim_id, []).append((user_id, name))
    member_ids = {c.member_id for c in claims}
    members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(member_ids)))}
    type_ids = {c.claim_type_id for c in claims}
    types = dict(session.execute(select(WelfareClaimType.id, WelfareClaimType.name)
                                 .where(WelfareClaimType.id.in_(type_ids))).all())
    user_ids = {c.recorded_by for c in claims} | {c.rejected_by for c in claims if c.rejected_by}
    names = dict(session.execute(select(User.id, User.display_name)
                                 .where(User.id.in_(user_ids))).all())
    positions: dict[int, FundPosition] = {}
    out = []
    for c in claims:
        needed = 0
        if c.status in ("pending", "approved"):
            if c.group_id not in positions:
                positions[c.group_id] = fund_position(session, c.group_id)
            needed = approvals_needed(session, c.group_id, c.amount_asked,
                                      positions[c.group_id])
        granted, owed = money.get(c.id, (0, 0))
        m = members[c.member_id]
        out.append(ClaimRow(
            c.id, c.group_id, c.number, c.member_id, m.number, m.name_lao, c.claim_type_id,
            types[c.claim_type_id], c.event_date, c.claim_date, c.beneficiary,
            c.beneficiary_name, c.amount_asked, c.note, c.evidence_note, c.status,
            names.get(c.recorded_by, ""), tuple(n for _, n in approvals.get(c.id, ())),
            tuple(u for u, _ in approvals.get(c.id, ())), needed,
            names.get(c.rejected_by) if c.rejected_by else None, c.rejection_reason,
            granted, owed))
    return out


def get_claim(session: Session, actor: User, claim_id: int) -> ClaimRow:
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.READ, claim.group_id)
    return _rows(session, [claim])[0]


def claims_register(session: Session, actor: User, group_id: int, *,
                    status: str | None = None, member_id: int | None = None,
                    start: dt.date | None = None, end: dt.date | None = None) -> list[ClaimRow]:
    """Claims newest first, optionally only of one status, member or event-date range."""
    require(session, actor, Permission.READ, group_id)
    query = (select(WelfareClaim).where(WelfareClaim.group_id == group_id)
             .order_by(WelfareClaim.number.desc()))
    if status is not None:
        query = query.where(WelfareClaim.status == status)
    if member_id is not None:
        query = query.where(WelfareClaim.member_id == member_id)
    if start is not None:
        query = query.where(WelfareClaim.event_date >= start)
    if end is not None:
        query = query.where(WelfareClaim.event_date <= end)
    return _rows(session, list(session.scalars(query)))

class _Status(str):
    """A status shown in the reader's language when the message is."""

    def __format__(self, spec: str) -> str:
        return format(gettext(STATUS_NAMES[str(self)]).lower(), spec)

@dataclass(frozen=True)
class MemberClaims:
    member_id: int
    member_number: int
    member_name: str
    type_name: str
    claims: int
    asked: int
    granted: int
    paid: int

    @property
    def type_label(self) -> str:
        return gettext(self.type_name)


def claims_by_member(session: Session, actor: User, group_id: int, *,
                     year: int) -> list[MemberClaims]:
    """Who claimed what in a calendar year (by event date), refused claims left out: one
    row per member and claim type."""
    if isinstance(year, bool) or not isinstance(year, int) or \
            not clock.EARLIEST.year <= year <= clock.LATEST.year:
        raise UserError(N_("Choose a year from {first} to {last}."),
                        first=clock.EARLIEST.year, last=clock.LATEST.year)
    rows = claims_register(session, actor, group_id, start=dt.date(year, 1, 1),
                           end=dt.date(year, 12, 31))
    totals: dict[tuple[int, int], list] = {}
    for row in rows:
        if row.status == "rejected":
            continue
        key = (row.member_id, row.claim_type_id)
        t = totals.setdefault(key, [row, 0, 0, 0, 0])
        t[1] += 1
        t[2] += row.amount_asked
        t[3] += row.granted
        t[4] += row.paid
    out = [MemberClaims(r.member_id, r.member_number, r.member_name, r.type_name, n, asked,
                        granted, paid)
           for r, n, asked, granted, paid in totals.values()]
    return sorted(out, key=lambda m: (m.member_number, m.type_name))
