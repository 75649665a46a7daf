"""Passbook prints: what was printed in each member's passbook and where on the page it sat.

A row is one print of one section of one member's passbook (savings, loans, welfare, NSSF).
Rows are append-only: printing is recorded, never edited. The newest row that is not a copy
tells where the next "print new lines" starts: after entry ``last_seq``, on page ``page``
below line ``line`` of the book.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base


class PassbookPrint(Base):
    __tablename__ = "passbook_prints"
    __table_args__ = (Index(None, "member_id", "section", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    section: Mapped[str] = mapped_column(String(16))
    first_seq: Mapped[int] = mapped_column(Integer)  # journal entry seq of the first line printed
    last_seq: Mapped[int] = mapped_column(Integer)   # ... and of the last
    lines: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer)       # book page of the last line printed
    line: Mapped[int] = mapped_column(Integer)       # its line on that page, from 1
    is_copy: Mapped[bool] = mapped_column(Boolean, default=False)
    printed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    printed_at: Mapped[dt.datetime] = mapped_column(DateTime)


PASSBOOK_APPEND_ONLY_TABLES = ("passbook_prints",)
