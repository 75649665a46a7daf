"""The overview a treasurer opens first: what the group has fund by fund, how many members
are active, how many entries the ledger holds, its seal, and the trial balance — one
frozen row, read in one session, for the window's Overview screen."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, ledger
from models.core.groups import get_group, group_currency
from models.core.ledger import TrialBalanceRow
from models.core.money import Currency
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.core.seal import format_seal


@dataclass(frozen=True)
class GroupOverview:
    group_id: int
    group_name: str
    village: str
    currency: Currency
    loan_fund: int
    welfare_fund: int
    nssf_pots: int
    cash: int
    bank: int
    active_members: int
    entry_count: int
    seal: str  # ``format_seal`` of the chain head: the same 16 digits as on paper
    trial_balance: tuple[TrialBalanceRow, ...]  # the accounts that hold something

    @property
    def total_debit(self) -> int:
        return sum(r.debit for r in self.trial_balance)

    @property
    def total_credit(self) -> int:
        return sum(r.credit for r in self.trial_balance)


def group_overview(session: Session, actor: User, group_id: int) -> GroupOverview:
    """The group's overview, for whoever may read the group."""
    require(session, actor, Permission.READ, group_id)
    group = get_group(session, group_id)
    active = session.scalar(select(func.count(Member.id)).where(
        Member.group_id == group_id, Member.status == "active")) or 0
    return GroupOverview(
        group_id=group.id, group_name=group.name, village=group.village or "",
        currency=group_currency(session, group_id),
        loan_fund=ledger.fund_balance(session, group_id, chart.LOAN_FUND),
        welfare_fund=ledger.fund_balance(session, group_id, chart.WELFARE_FUND),
        nssf_pots=ledger.fund_balance(session, group_id, chart.NSSF_FUND),
        cash=ledger.balance(session, group_id, "cash"),
        bank=ledger.balance(session, group_id, "bank"),
        active_members=active, entry_count=group.entry_count,
        seal=format_seal(group.head_hash),
        trial_balance=tuple(r for r in ledger.trial_balance(session, group_id)
                            if r.debit or r.credit))
