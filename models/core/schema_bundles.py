"""Sealed bundles: a village laptop's signing key, and at the office the groups whose books
come from a village laptop (replicas) with the village's own chain kept entry by entry.

``bundle_keys``: one Ed25519 key per group on the laptop that keeps its books; the
office pins the public key at the first import. ``replica_groups``: an office group that
is a copy of a village ledger's group (read-only at the office), named by its *origin*,
the hash of the village's first entry. ``replica_entries``: every village entry imported,
with the exact canonical text its hash covers, so the office can prove the village's chain
and which office entry mirrors each one. Append-only.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base


class BundleKey(Base):
    __tablename__ = "bundle_keys"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))    # hex, 32 bytes
    private_key: Mapped[str] = mapped_column(String(64))   # hex, 32 bytes (raw Ed25519)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReplicaGroup(Base):
    __tablename__ = "replica_groups"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    origin: Mapped[str] = mapped_column(String(64), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReplicaEntry(Base):
    __tablename__ = "replica_entries"
    __table_args__ = (UniqueConstraint("group_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    canonical: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"))


BUNDLE_APPEND_ONLY_TABLES = ("replica_entries",)
