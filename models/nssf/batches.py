"""Remittance batches as read: the batches of a group, one batch's lines, and what its
file holds (``RemittanceFile``, frozen at export: the reports' writer makes the CSV or
XLSX of it, the same bytes every time)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.errors import NotFound, UserError
from models.core.i18n import N_, gettext
from models.core.permissions import Permission, require
from models.core.schema import User
from models.nssf.schema import NssfBatch, NssfBatchLine
from models.nssf.scheme import month_start

DRAFT, EXPORTED, CONFIRMED = "draft", "exported", "confirmed"
BATCH_STATUS_NAMES = {DRAFT: N_("Draft"), EXPORTED: N_("Exported"),
                      CONFIRMED: N_("Confirmed by the LSSO")}


def find_batch(session: Session, batch_id: int) -> NssfBatch:
    found = session.get(NssfBatch, batch_id)
    if found is None:
        raise NotFound(N_("No such remittance batch."))
    return found


def batch_line_rows(session: Session, batch_id: int) -> list[NssfBatchLine]:
    return list(session.scalars(select(NssfBatchLine).where(NssfBatchLine.batch_id == batch_id)
                                .order_by(NssfBatchLine.id)))


@dataclass(frozen=True)
class BatchLineRow:
    member_id: int
    enrolment_id: int
    period: dt.date
    ss_number: str
    name: str
    level_number: int
    level: int
    contribution: int
    health: int
    short_term: int
    long_term: int
    from_pot: int
    from_advance: int
    from_subsidy: int


@dataclass(frozen=True)
class BatchRow:
    id: int
    group_id: int
    number: int
    month: dt.date
    status: str
    corrects_id: int | None
    corrects_number: int | None
    provisional: bool
    members: int
    member_months: int
    total: int
    from_pot: int
    from_advance: int
    from_subsidy: int
    created_at: dt.datetime
    exported_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    lsso_receipt: str | None
    paid_on: dt.date | None
    note: str


@dataclass(frozen=True)
class RemittanceFile:
    """What a batch's file holds, frozen at export: the rows in the documented layout and
    the control total. ``columns`` are (field, title) in the group's order."""

    batch_number: int
    group_name: str
    month: dt.date
    corrects_number: int | None
    provisional: bool
    language: str
    written_at: dt.datetime          # fixed: the export's time, so the bytes never change
    columns: tuple[tuple[str, str], ...]
    rows: tuple[dict, ...]           # field -> value (str, int, or date for ``period``)
    totals: dict                     # field -> control total (numbers and the row count)
    total_label: str
    provisional_note: str
    correction_note: str


def _batch_row(session: Session, batch: NssfBatch, lines: list[NssfBatchLine]) -> BatchRow:
    corrects = session.get(NssfBatch, batch.corrects_id) if batch.corrects_id else None
    return BatchRow(
        batch.id, batch.group_id, batch.number, batch.month, batch.status, batch.corrects_id,
        corrects.number if corrects else None, batch.provisional,
        len({line.member_id for line in lines}), len(lines),
        sum(line.contribution for line in lines), sum(line.from_pot for line in lines),
        sum(line.from_advance for line in lines), sum(line.from_subsidy for line in lines),
        batch.created_at, batch.exported_at, batch.confirmed_at, batch.lsso_receipt,
        batch.paid_on, batch.note)


def batch_row(session: Session, actor: User, batch_id: int) -> BatchRow:
    batch = find_batch(session, batch_id)
    require(session, actor, Permission.READ, batch.group_id)
    return _batch_row(session, batch, batch_line_rows(session, batch.id))


def batches(session: Session, actor: User, group_id: int, *,
            month: dt.date | None = None) -> list[BatchRow]:
    """The group's batches, newest first (only ``month``'s when given)."""
    require(session, actor, Permission.READ, group_id)
    query = select(NssfBatch).where(NssfBatch.group_id == group_id)
    if month is not None:
        query = query.where(NssfBatch.month == month_start(month))
    found = session.scalars(query.order_by(NssfBatch.number.desc())).all()
    lines: dict[int, list[NssfBatchLine]] = defaultdict(list)
    if found:
        for line in session.scalars(select(NssfBatchLine).where(
                NssfBatchLine.batch_id.in_([b.id for b in found])).order_by(NssfBatchLine.id)):
            lines[line.batch_id].append(line)
    return [_batch_row(session, b, lines[b.id]) for b in found]


def batch_lines(session: Session, actor: User, batch_id: int) -> list[BatchLineRow]:
    batch = find_batch(session, batch_id)
    require(session, actor, Permission.READ, batch.group_id)
    return [BatchLineRow(x.member_id, x.enrolment_id, x.period, x.ss_number, x.name,
                         x.level_number, x.level, x.contribution, x.health, x.short_term,
                         x.long_term, x.from_pot, x.from_advance, x.from_subsidy)
            for x in batch_line_rows(session, batch.id)]


def latest_batch(session: Session, actor: User, group_id: int,
                 month: dt.date) -> BatchRow | None:
    """The month's newest batch (a correction after the batch it corrects), or None."""
    found = batches(session, actor, group_id, month=month)
    return found[0] if found else None


def remittance_file(session: Session, actor: User, *, batch_id: int) -> RemittanceFile:
    """The rows of an exported batch's file, in its frozen layout and language."""
    batch = find_batch(session, batch_id)
    require(session, actor, Permission.READ, batch.group_id)
    if batch.status == DRAFT or not batch.layout:
        raise UserError(N_("Batch {number} is a draft; export it first."), number=batch.number)
    lang = batch.language or "en"
    corrects = session.get(NssfBatch, batch.corrects_id) if batch.corrects_id else None
    rows: list[dict[str, Any]] = []
    for x in batch_line_rows(session, batch.id):
        rows.append({"group": batch.group_name, "period": x.period.strftime("%Y-%m"),
                     "ss_number": x.ss_number, "name": x.name, "level_number": x.level_number,
                     "level": x.level, "contribution": x.contribution, "health": x.health,
                     "short_term": x.short_term, "long_term": x.long_term,
                     "months_covered": 1 if x.contribution > 0 else -1})
    numeric = ("level", "contribution", "health", "short_term", "long_term", "months_covered")
    totals = {field: sum(r[field] for r in rows) for field in numeric}
    totals["rows"] = len(rows)
    totals["members"] = len({r["ss_number"] for r in rows})
    provisional = (gettext(N_("Provisional: the level table is not yet the LSSO's official "
                              "one."), lang) if batch.provisional else "")
    correction = (gettext(N_("Corrects batch {number}: {note}"), lang).format(
        number=corrects.number, note=batch.note) if corrects else "")
    return RemittanceFile(
        batch.number, batch.group_name, batch.month, corrects.number if corrects else None,
        batch.provisional, lang, batch.exported_at,
        tuple((f, t) for f, t in batch.layout), tuple(rows), totals,
        gettext(N_("Control total"), lang), provisional, correction)
