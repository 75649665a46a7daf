"""Recovery codes: the way back in for an administrator locked out or who forgot the
password, when no other administrator can reset it.

A code is shown once, at set-up (or when an administrator makes a new one), to be written
on paper and kept with the group's cash box key. Only its scrypt hash is stored; a code is
used once. A code has 100 bits of chance, so trying codes needs no lock-out (which would let
anyone lock the only way back in too).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
