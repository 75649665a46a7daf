"""NSSF pooling tables: members' enrolments in the voluntary scheme, their level changes,
and the monthly remittance batches with one line per member and month.

Money lives in the journal (entries carry ``remittance_id`` = the batch's id); a batch's
lines say what each month cost and where the money came from (her pot, an advance from
the loan fund, the subsidy fund) and keep the name, number and level as they were when
the batch was made, so an exported file is the same file however often it is written
again. Level changes are append-only.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base


class NssfEnrolment(Base):
    """One contract of one member with the LSSO through the group. A reinstatement after a
    lapse is a new row naming the one it follows (``follows_id``). ``contract_start`` is
    the first day of the first month covered, ``contract_end`` the first day of the last
    month the contract covers. ``ended_on``: the day she left the scheme (or the group)."""

    __tablename__ = "nssf_enrolments"
    __table_args__ = (Index(None, "group_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    ss_number: Mapped[str] = mapped_column(String(60), index=True)
    hospital: Mapped[str] = mapped_column(String(200))
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    contract_start: Mapped[dt.date] = mapped_column(Date)
    contract_end: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("nssf_enrolments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class NssfLevel(Base):
    """The level (insurable earnings, minor units) an enrolment pays from ``from_month``
    (a first of month) on, until a newer row. Append-only."""

    __tablename__ = "nssf_levels"
    __table_args__ = (Index(None, "enrolment_id", "from_month", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("nssf_enrolments.id"))
    from_month: Mapped[dt.date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class NssfBatch(Base):
    """A month's remittance to the LSSO: draft → exported → confirmed. A draft can be made
    again; exporting posts its money and freezes it (``layout``, ``language`` and
    ``exported_at`` fix the file; ``csv_sha256``/``xlsx_sha256`` the bytes first written);
    confirming records the LSSO's receipt and the payment. ``corrects_id``: the batch
    this one corrects (its lines are only the differences)."""

    __tablename__ = "nssf_batches"
    __table_args__ = (Index(None, "group_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    number: Mapped[int] = mapped_column(Integer)
    month: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("nssf_batches.id"))
    group_name: Mapped[str] = mapped_column(String(200))
    provisional: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    exported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    exported_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    layout: Mapped[list | None] = mapped_column(JSON)
    language: Mapped[str | None] = mapped_column(String(8))
    csv_sha256: Mapped[str | None] = mapped_column(String(64))
    xlsx_sha256: Mapped[str | None] = mapped_column(String(64))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    lsso_receipt: Mapped[str | None] = mapped_column(String(60))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_from: Mapped[str | None] = mapped_column(String(10))


class NssfBatchLine(Base):
    """One member and one month in a batch: what it cost and where the money came from
    (``from_pot + from_advance + from_subsidy == contribution``); negative in a correction
    that gives money back. Name, number and level as they were when the batch was made."""

    __tablename__ = "nssf_batch_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("nssf_batches.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("nssf_enrolments.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    period: Mapped[dt.date] = mapped_column(Date)
    ss_number: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    level_number: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(BigInteger)
    contribution: Mapped[int] = mapped_column(BigInteger)
    health: Mapped[int] = mapped_column(BigInteger)
    short_term: Mapped[int] = mapped_column(BigInteger)
    long_term: Mapped[int] = mapped_column(BigInteger)
    from_pot: Mapped[int] = mapped_column(BigInteger)
    from_advance: Mapped[int] = mapped_column(BigInteger)
    from_subsidy: Mapped[int] = mapped_column(BigInteger)


APPEND_ONLY_TABLES = ("nssf_levels",)


class NssfShareOutPot(Base):
    """What one member's pot did at a share-out: what it held, what was paid out to her
    with her share (the group's rule), what she put into it from her payout. The entries
    that moved the money are named (``paid_entry_id``, ``top_up_entry_id``: the top-up's
    ledger number is her receipt); ``share_out_id`` is the savings share-out's id."""

    __tablename__ = "nssf_share_out_pots"
    __table_args__ = (Index(None, "share_out_id", "member_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    share_out_id: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    held: Mapped[int] = mapped_column(BigInteger)
    paid_out: Mapped[int] = mapped_column(BigInteger)
    topped_up: Mapped[int] = mapped_column(BigInteger)
    paid_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    top_up_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
