"""Tables of the savings capability: cycles, meetings, attendance, the grid as posted, cash
counts, withdrawal notices, share-outs and exit settlements.

Money lives in the journal; these tables hold the business records around it (what a
meeting collected per column, how a cash count came out, how a share-out was computed) so
summaries and statements can be printed again. Amounts are ``BigInteger`` minor units.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
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


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("group_id", "meeting_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("savings_cycles.id"), index=True)
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open posted
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    posted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class MeetingAttendance(Base):
    """Roll call of a meeting (kept while the meeting is open, fixed when it is posted).
    A member without a row counts as present."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(16))  # present late represented absent
    note: Mapped[str] = mapped_column(Text, default="")


class MeetingCell(Base):
    """One non-zero cell of a posted meeting grid: what the member paid in that column."""

    __tablename__ = "meeting_cells"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", "column_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    column_key: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)


class CashCount(Base):
    """A count of the cash box by denomination. ``head_seq`` is the group's last journal
    entry once the count (and its over/short entry) was posted: the next count's opening."""

    __tablename__ = "cash_counts"
    __table_args__ = (Index(None, "group_id", "head_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    counted_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    denominations: Mapped[dict] = mapped_column(JSON)  # {"100000": 3, ...}
    other: Mapped[int] = mapped_column(BigInteger, default=0)
    counted: Mapped[int] = mapped_column(BigInteger)
    expected: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    head_seq: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


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
