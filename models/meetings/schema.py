"""The amounts typed into an open meeting's grid, kept as they are typed so a power cut or
a crash loses none of them.

A draft is scratch, not the ledger: a cell is overwritten as the treasurer changes it and
deleted when she puts back the expected amount; the whole draft is deleted when the
meeting is posted (in the posting's transaction). Amounts are ``BigInteger`` minor units;
0 is a cell she emptied on purpose.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.schema import Base


class MeetingDraftCell(Base):
    __tablename__ = "meeting_draft_cells"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", "column_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    column_key: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
