"""Welfare fund tables: the claim types a group defines, their dated rules, claims and the
leaders' approvals.

Money posted for a claim lives in the journal (entries carry ``claim_id``); what a claim
was granted, paid and still owed is read from there, never stored twice here. Rules and
approvals are append-only: a new rule row supersedes from its date, so old claims are
still judged by the rules they were made under.
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base


class WelfareClaimType(Base):
    """A kind of event the fund pays for (hospitalization, childbirth...). ``code`` is
    stable (the defaults' codes are known to the code; a group's own types get
    ``custom_<n>``); ``name`` is shown translated when it is one of the default names."""

    __tablename__ = "welfare_claim_types"
    __table_args__ = (UniqueConstraint("group_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class WelfareClaimRule(Base):
    """The rules of one claim type from ``effective_from`` on (until a newer row).
    Append-only."""

    __tablename__ = "welfare_claim_rules"
    __table_args__ = (Index(None, "claim_type_id", "effective_from", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_type_id: Mapped[int] = mapped_column(ForeignKey("welfare_claim_types.id"))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    max_amount: Mapped[int] = mapped_column(BigInteger)
    # At most ``frequency_count`` claims per window; NULL: no limit.
    frequency_count: Mapped[int | None] = mapped_column(Integer)
    frequency_window: Mapped[str] = mapped_column(String(16))  # rolling calendar
    frequency_months: Mapped[int] = mapped_column(Integer)  # the rolling window's length
    frequency_scope: Mapped[str] = mapped_column(String(8))  # type all
    waiting_months: Mapped[int] = mapped_column(Integer)
    beneficiaries: Mapped[list] = mapped_column(JSON)  # member spouse child parent
    requires_good_standing: Mapped[bool] = mapped_column(Boolean)
    evidence: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class WelfareClaim(Base):
    """A member's claim and where it stands: pending → approved → paid, or rejected (with
    the reason kept)."""

    __tablename__ = "welfare_claims"
    __table_args__ = (UniqueConstraint("group_id", "number"),
                      Index(None, "member_id", "event_date"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    claim_type_id: Mapped[int] = mapped_column(ForeignKey("welfare_claim_types.id"))
    event_date: Mapped[dt.date] = mapped_column(Date)
    claim_date: Mapped[dt.date] = mapped_column(Date)
    beneficiary: Mapped[str] = mapped_column(String(16))  # member spouse child parent
    beneficiary_name: Mapped[str | None] = mapped_column(String(200))
    amount_asked: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))  # pending approved rejected paid
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    rejected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rejected_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rejection_reason: Mapped[str | None] = mapped_column(Text)


class WelfareClaimApproval(Base):
    """One leader's approval of one claim. Append-only."""

    __tablename__ = "welfare_claim_approvals"
    __table_args__ = (UniqueConstraint("claim_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("welfare_claims.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime] = mapped_column(DateTime)


WELFARE_APPEND_ONLY_TABLES = ("welfare_claim_rules", "welfare_claim_approvals")
