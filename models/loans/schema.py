"""Loan tables: applications and their lifecycle, guarantors, the schedule fixed at
disbursement (and each rescheduling), late penalties, repayments, leaders' decisions on
write-offs and reschedulings, and each loan's history.

The journal is the money's truth (entries carry ``loan_id``; lines on loans receivable
carry the loan and the member). ``Loan.principal_outstanding`` is the loan's own record of
what principal is still owed; ``kongthun verify`` checks it against the ledger.
A schedule is never edited: rescheduling adds a new *version* of the terms and
installments. Terms, installments and events are append-only.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
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


class Loan(Base):
    """One loan from application to its end: applied → approved → active → closed, or
    rejected, cancelled, written off. The terms asked for are kept here; the schedule
    lives in ``loan_terms``/``loan_installments`` once the money is paid out."""

    __tablename__ = "loans"
    __table_args__ = (UniqueConstraint("group_id", "number"),
                      Index(None, "group_id", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    number: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(Text, default="")
    # Percent a year in hundredths (1850 = 18.5 %).
    annual_rate_bp: Mapped[int] = mapped_column(Integer)
    installments: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    amortization: Mapped[str] = mapped_column(String(24))
    interest_period: Mapped[str] = mapped_column(String(16))
    multiple: Mapped[int] = mapped_column(BigInteger, default=0)
    rounding: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    applied_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    disbursed_on: Mapped[dt.date | None] = mapped_column(Date)
    disbursed_via: Mapped[str | None] = mapped_column(String(24))
    principal_outstanding: Mapped[int] = mapped_column(BigInteger, default=0)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The loan fee fixed at application from the policy, and when it is paid: "payout"
    # (kept from the money paid out) or "installments" (owed with them).
    fee: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    fee_timing: Mapped[str] = mapped_column(String(16), default="payout",
                                            server_default="payout")


class LoanGuarantor(Base):
    __tablename__ = "loan_guarantors"
    __table_args__ = (UniqueConstraint("loan_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))


class LoanTerms(Base):
    """A version of the schedule: version 1 at disbursement, one more per rescheduling.
    ``principal`` is what the version amortizes; ``carried_interest``, ``carried_fees``
    and ``carried_penalties`` are what was due and unpaid when it started (owed at once).
    Append-only."""

    __tablename__ = "loan_terms"
    __table_args__ = (UniqueConstraint("loan_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"))
    version: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    principal: Mapped[int] = mapped_column(BigInteger)
    annual_rate_bp: Mapped[int] = mapped_column(Integer)
    installments: Mapped[int] = mapped_column(Integer)
    first_due: Mapped[dt.date | None] = mapped_column(Date)
    carried_interest: Mapped[int] = mapped_column(BigInteger, default=0)
    carried_penalties: Mapped[int] = mapped_column(BigInteger, default=0)
    carried_fees: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LoanInstallment(Base):
    """One installment of a schedule version, as ``build_schedule`` made it. Append-only."""

    __tablename__ = "loan_installments"
    __table_args__ = (UniqueConstraint("loan_id", "version", "n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"))
    version: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    principal: Mapped[int] = mapped_column(BigInteger)
    interest: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class LoanPenalty(Base):
    """A late penalty charged on one installment (at most one per installment: the
    unique key is what makes charging idempotent). ``waived`` once its entry is
    reversed."""

    __tablename__ = "loan_penalties"
    __table_args__ = (UniqueConstraint("loan_id", "version", "n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"))
    version: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    charged_on: Mapped[dt.date] = mapped_column(Date)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    waived: Mapped[bool] = mapped_column(Boolean, default=False)


class LoanRepayment(Base):
    """Money a member paid on a loan. ``entry_id`` is the posting that allocates it now
    and ``penalty``/``fee``/``interest``/``principal`` that allocation: when an earlier repayment is
    reversed or a backdated one recorded, the old posting is reversed and a new one
    made (the entries are never edited). ``paid_from`` is the account the money came
    from: cash, bank, or a member's savings at a settlement."""

    __tablename__ = "loan_repayments"
    __table_args__ = (Index(None, "loan_id", "status", "paid_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"))
    version: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_from: Mapped[str] = mapped_column(String(24))
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    penalty: Mapped[int] = mapped_column(BigInteger, default=0)
    interest: Mapped[int] = mapped_column(BigInteger, default=0)
    principal: Mapped[int] = mapped_column(BigInteger, default=0)
    fee: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(16))  # posted reversed
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reversal_reason: Mapped[str | None] = mapped_column(Text)


class LoanRequest(Base):
    """A write-off or rescheduling the treasurer asks for and a leader decides
    (never the borrower)."""

    __tablename__ = "loan_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # write_off reschedule
    effective_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    installments: Mapped[int | None] = mapped_column(Integer)
    annual_rate_bp: Mapped[int | None] = mapped_column(Integer)
    first_due: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # pending approved rejected
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)


class LoanEvent(Base):
    """The loan's history as its screen tells it: applied, approved, paid out, repaid,
    penalty, reversal, rescheduled, written off, closed. Append-only."""

    __tablename__ = "loan_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(24))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


LOAN_APPEND_ONLY_TABLES = ("loan_terms", "loan_installments", "loan_events")
