"""Past share-outs as the members' payout statements show them: the figures stored when it
was posted, each debt her payout paid and what stayed owed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFound
from models.core.i18n import N_, _
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.savings import member_funds
from models.savings.debts import Debt, DebtLine
from models.savings.schema import SavingsCycle, ShareOut, ShareOutDebt, ShareOutLine
from models.savings.shareout_preview import FundTotals, ShareOutRow, value_per_share


def debt_lines(rows: tuple[ShareOutRow, ...], money: Callable[[int], str]) -> list[str]:
    """Per member with debts, translated: each debt, what her payout paid on it and what
    is still owed on it after the share-out (the preview and the printed statement)."""
    out = []
    for row in rows:
        for line in row.debts:
            if not line.owed:
                continue
            if line.left:
                text = _("{number} · {member}: {debt} — {netted} from her payout, "
                         "{left} still owed")
            else:
                text = _("{number} · {member}: {debt} — {netted} from her payout, cleared")
            out.append(text.format(number=row.number, member=row.name, debt=line.label,
                                   netted=money(line.netted), left=money(line.left)))
    return out


def shows_pots(rows: tuple[ShareOutRow, ...] | list[ShareOutRow]) -> bool:
    """Whether any member held or put money into a fund beside her payout (an NSSF pot):
    the share-out's screens and paper show those columns only then."""
    return any(f.held or f.topped_up for r in rows for f in r.funds)


@dataclass(frozen=True)
class ShareOutRecord(FundTotals):
    id: int
    cycle_number: int
    on: dt.date
    method: str
    distributable: int
    total_savings: int
    residue: int
    rows: tuple[ShareOutRow, ...]
    round_to: int = 0  # payouts were rounded down to this (minor units)
    loan_interest: int = 0  # interest and fees of the loans paid off from payouts

    @property
    def total_shares(self) -> int:
        return sum(r.shares for r in self.rows)

    @property
    def value_per_share(self) -> Decimal:
        """V = D / total shares, as the preview computed it (exact to 4 places)."""
        return value_per_share(self.distributable, self.total_shares)


def share_out_record(session: Session, actor: User, share_out_id: int) -> ShareOutRecord:
    """A posted share-out, as the members' payout statements show it."""
    record = session.get(ShareOut, share_out_id)
    if record is None:
        raise NotFound(N_("No such share-out."))
    require(session, actor, Permission.READ, record.group_id)
    cycle = session.get(SavingsCycle, record.cycle_id)
    debts: dict[int, list[DebtLine]] = {}
    for d in session.scalars(select(ShareOutDebt).where(ShareOutDebt.share_out_id == record.id)
                             .order_by(ShareOutDebt.member_id, ShareOutDebt.position)):
        debts.setdefault(d.member_id, []).append(DebtLine(
            Debt(d.source, d.label, d.owed, loan_id=d.loan_id, params=dict(d.params)),
            d.netted))
    funds = member_funds.recorded_share_out(session, record.id)
    rows = []
    for line, member in session.execute(
            select(ShareOutLine, Member).join(Member, Member.id == ShareOutLine.member_id)
            .where(ShareOutLine.share_out_id == record.id).order_by(Member.number)):
        rows.append(ShareOutRow(member.id, member.number, member.name_lao, line.savings,
                                line.shares, line.weight, line.payout,
                                tuple(debts.get(member.id, ())), line.reinvested,
                                line.debts_netted, line.debt_left, funds.get(member.id, ())))
    return ShareOutRecord(record.id, cycle.number, record.share_out_date, record.method,
                          record.distributable, record.total_savings, record.residue,
                          tuple(rows), record.round_to, record.loan_interest)


def share_outs(session: Session, actor: User, group_id: int) -> list[ShareOutRecord]:
    require(session, actor, Permission.READ, group_id)
    return [share_out_record(session, actor, i) for i in session.scalars(
        select(ShareOut.id).where(ShareOut.group_id == group_id)
        .order_by(ShareOut.share_out_date.desc()))]
