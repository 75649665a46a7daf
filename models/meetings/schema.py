"""Tables of the meetings capability: meetings, their roll call, the grid as posted, the
draft typed into an open grid, and cash counts. Amounts are ``BigInteger`` minor units.

A meeting belongs to a cycle (``cycle_id``): the capability that keeps the cycles
(savings, through the hook ``cycle_keeper``) owns that table.
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


class MeetingDraftCell(Base):
    """An amount typed into an open meeting's grid, kept as it is typed so a power cut or a
    crash loses none. Scratch, not the ledger: overwritten as the treasurer changes the
    cell, deleted when she puts back the expected amount, and the whole draft deleted when
    the meeting is posted (in the posting's transaction); 0 is a cell she emptied."""

    __tablename__ = "meeting_draft_cells"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", "column_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    column_key: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
