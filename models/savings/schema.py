"""Tables of the savings capability: cycles, withdrawal notices, share-outs and exit
settlements (the meetings and cash counts are the meetings capability's).

Money lives in the journal; these tables hold the business records around it (how a
share-out was computed, what a member leaving was paid) so statements can be printed
again. Amounts are ``BigInteger`` minor units.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base


class SavingsCycle(Base):
    """One savings cycle (usually a year), ended by a share-out. The saving mode and the
    share price are fixed when the cycle starts (a later settings change applies to the
    next cycle). A free-amount cycle has ``share_price`` 1: every minor unit is a share."""

    __tablename__ = "savings_cycles"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(16))  # shares free
    share_price: Mapped[int] = mapped_column(BigInteger)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


class WithdrawalNotice(Base):
    """A member's notice that she will withdraw savings (groups whose rules ask for one)."""

    __tablename__ = "withdrawal_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    given_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open used cancelled
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))


class ShareOut(Base):
    """How a cycle was shared out: the figures of the preview the treasurer posted."""

    __tablename__ = "share_outs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("savings_cycles.id"), unique=True)
    share_out_date: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(24))
    loans_policy: Mapped[str] = mapped_column(String(16))
    round_to: Mapped[int] = mapped_column(BigInteger)
    distributable: Mapped[int] = mapped_column(BigInteger)
    total_savings: Mapped[int] = mapped_column(BigInteger)
    residue: Mapped[int] = mapped_column(BigInteger)
    # Interest and fees of the loans paid off from payouts (part of ``distributable``).
    loan_interest: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    next_cycle_id: Mapped[int] = mapped_column(ForeignKey("savings_cycles.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ShareOutLine(Base):
    """One member's payout statement."""

    __tablename__ = "share_out_lines"
    __table_args__ = (UniqueConstraint("share_out_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    share_out_id: Mapped[int] = mapped_column(ForeignKey("share_outs.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    savings: Mapped[int] = mapped_column(BigInteger)
    shares: Mapped[int] = mapped_column(BigInteger)
    weight: Mapped[int] = mapped_column(BigInteger)  # savings, kip-days or 1, by method
    payout: Mapped[int] = mapped_column(BigInteger)
    debts_netted: Mapped[int] = mapped_column(BigInteger)
    reinvested: Mapped[int] = mapped_column(BigInteger)
    cash_paid: Mapped[int] = mapped_column(BigInteger)
    debt_left: Mapped[int] = mapped_column(BigInteger)


class ShareOutDebt(Base):
    """One debt on a member's share-out statement: what she owed, what her payout paid
    (the rest stayed owed). ``label``/``params`` are the debt's N_() text and values."""

    __tablename__ = "share_out_debts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    share_out_id: Mapped[int] = mapped_column(ForeignKey("share_outs.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON)
    loan_id: Mapped[int | None] = mapped_column(Integer)
    owed: Mapped[int] = mapped_column(BigInteger)
    netted: Mapped[int] = mapped_column(BigInteger)


class ExitSettlement(Base):
    """What a leaving (or deceased) member's savings paid, and what she still owed."""

    __tablename__ = "exit_settlements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    settled_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(16))  # left deceased
    savings: Mapped[int] = mapped_column(BigInteger)
    debts_netted: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)
    debt_left: Mapped[int] = mapped_column(BigInteger)
    paid_to: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
