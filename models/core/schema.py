"""Foundation tables: groups, settings, accounts, the journal, members, users, roles, audit.

Feature modules add their own ``models/schema_<feature>.py``; ``models.core.tables.load_all``
imports every such module so ``Base.metadata`` is complete (for Alembic and tests).
Primary keys are plain ``Integer`` so SQLite autoincrements them. Money is ``BigInteger``
minor units, signed on journal lines (debit positive, credit negative).
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
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_latin: Mapped[str | None] = mapped_column(String(200))
    village: Mapped[str | None] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="LAK")
    meeting_frequency: Mapped[str] = mapped_column(String(16), default="monthly")
    distance_km: Mapped[int | None] = mapped_column(Integer)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # The chain head: updated with every posting, under the write lock, so deleting the
    # newest entry is detectable too.
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    head_hash: Mapped[str | None] = mapped_column(String(64))

    accounts: Mapped[list[Account]] = relationship(back_populates="group")


class GroupSetting(Base):
    """A dated setting: the value in force on a day is the newest row with
    ``effective_from`` on or before it. Rows are never changed; a new row supersedes."""

    __tablename__ = "group_settings"
    __table_args__ = (Index(None, "group_id", "key", "effective_from", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    key: Mapped[str] = mapped_column(String(80))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[object] = mapped_column(JSON)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("group_id", "code"),
        UniqueConstraint("group_id", "key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    code: Mapped[str] = mapped_column(String(16))
    key: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # asset liability equity income expense
    fund: Mapped[str | None] = mapped_column(String(16))  # loan welfare nssf, or None (cash)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    group: Mapped[Group] = relationship(back_populates="accounts")


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("group_id", "seq"),
        Index(None, "group_id", "value_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    seq: Mapped[int] = mapped_column(Integer)
    value_date: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    # Links to the business record behind the entry. Plain integers (no foreign key) so
    # feature tables can be added later without rebuilding this append-only table.
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    loan_id: Mapped[int | None] = mapped_column(Integer, index=True)
    claim_id: Mapped[int | None] = mapped_column(Integer, index=True)
    remittance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.line_no")


class JournalLine(Base):
    __tablename__ = "journal_lines"
    __table_args__ = (
        UniqueConstraint("entry_id", "line_no"),
        # Covering indexes: balances are sums read from the index alone.
        Index("ix_journal_lines_account_amount", "account_id", "amount"),
        Index("ix_journal_lines_account_member_amount", "account_id", "member_id", "amount"),
        Index("ix_journal_lines_member_account_amount", "member_id", "account_id", "amount"),
        Index("ix_journal_lines_loan_account_amount", "loan_id", "account_id", "amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    loan_id: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    memo: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")


class AccountTotal(Base):
    """The kept sum of one account's lines (debits positive), moved by every posting in
    the same transaction (``models.core.totals``); verify proves it against the lines."""

    __tablename__ = "account_totals"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger)


class MemberTotal(Base):
    """The kept sum of one member's lines on one account (her savings, her pot, what she
    owes), moved with ``AccountTotal``."""

    __tablename__ = "member_totals"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger)


class PeriodLock(Base):
    """Nothing may be dated on or before ``locked_through``. Locks only move forward."""

    __tablename__ = "period_locks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    locked_through: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name_lao: Mapped[str] = mapped_column(String(200))
    name_latin: Mapped[str | None] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(8))  # f m x
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    village: Mapped[str | None] = mapped_column(String(200))
    occupation: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    id_number: Mapped[str | None] = mapped_column(String(60))
    nssf_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    joined_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active left deceased
    status_date: Mapped[dt.date | None] = mapped_column(Date)


class MemberChange(Base):
    """History of member details: one row per changed field."""

    __tablename__ = "member_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), default="lo")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user")


class RoleGrant(Base):
    """A role of a user in one group, or in every group when ``group_id`` is NULL."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "group_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    role: Mapped[str] = mapped_column(String(16))

    user: Mapped[User] = relationship(back_populates="grants")


class UserMember(Base):
    """A user who is also a member (a leader who saves in the group). Used to refuse
    approving one's own loan or claim."""

    __tablename__ = "user_members"
    __table_args__ = (UniqueConstraint("user_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)


class AuditEvent(Base):
    """Who did what, when: every change, login, failed login and export. Append-only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    # Chained like the journal (``models.core.audit.event_hash``): an event changed, removed from
    # the middle or slipped in breaks the chain.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AccessChange(Base):
    """Who was given access, chained: a user created, a role granted or revoked, a password
    set. ``role_grants`` and ``users`` must be what replaying this log gives
    (``models.core.access_log``); a grant or user slipped in behind the app's back shows."""

    __tablename__ = "access_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    change: Mapped[str] = mapped_column(String(16))  # user grant revoke password
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(60))
    group_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(16))
    # sha256 of the stored password hash (never the hash itself) for "user" and "password".
    secret: Mapped[str | None] = mapped_column(String(64))
    by_user_id: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LedgerSeal(Base):
    """The seal history: each group's chain head after every transaction that moved it
    (``models.core.seal``). A seal printed on a page can be looked up here later, and verify
    checks every row still matches the journal (a rewritten or shortened chain shows)."""

    __tablename__ = "ledger_seals"
    __table_args__ = (Index(None, "group_id", "entry_count"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(Integer)
    entry_count: Mapped[int] = mapped_column(Integer)
    seal: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# Tables whose rows are never updated or deleted; the migrations guard them with triggers.
APPEND_ONLY_TABLES = (
    "journal_entries",
    "journal_lines",
    "period_locks",
    "group_settings",
    "member_changes",
    "audit_events",
    "access_changes",
    "ledger_seals",
)

# Unique keys per append-only table that an ``INSERT OR REPLACE`` could use to swap a row
# without firing the delete guard; ``models.core.migrate.no_replace_sql`` refuses them.
REPLACE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "journal_entries": (("id",), ("group_id", "seq"), ("reverses_id",)),
    "journal_lines": (("id",), ("entry_id", "line_no")),
}


class VerifyCheckpoint(Base):
    """Where a verify that found nothing wrong left each group's chain (``models.core.
    checkpoints``): the daily check resumes after it. Append-only; each row is sealed by the
    hash of its own fields, so a row edited by hand no longer matches its seal."""

    __tablename__ = "verify_checkpoints"
    __table_args__ = (Index(None, "group_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str | None] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(Integer)
    lines: Mapped[int] = mapped_column(Integer)
    sums: Mapped[str] = mapped_column(Text)  # JSON: [[account, member, lines, sum], ...]
    full_checked_at: Mapped[dt.datetime] = mapped_column(DateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    seal: Mapped[str] = mapped_column(String(64))
