"""What the auditor's workbook shows, read from the ledger as frozen rows.

``auditor_data(session, actor, *, group_id, start, end)`` reads one group and a period (default
the whole history) for ``reports/auditor_workbook.py``; the journal and the cash book are
iterators that read in batches while the session is open, so a ten-year group is never held
in memory at once. Each sheet comes with the ledger's own figure for its totals (read by a
separate query) so the workbook can show a check cell beside every sum.

The rows are in ``auditor_rows`` (with ``MEMBER_COLUMNS``, the hook a capability fills to
add a column to the members sheet); the ledger's own sheets (funds, cash book, journal) are
read by ``auditor_ledger``, the capabilities' registers (members, loans, claims, meetings,
share-outs, audit log) by ``auditor_registers``. Funds come from the chart's fund tags
(``models.core.chart.FUNDS`` and any tag a group's own accounts carry), so the NSSF pots
appear as soon as their accounts hold money.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.permissions import Permission, require
from models.core.schema import JournalEntry, User
from models.core.verify import verify_group
from models.statements import auditor_rows
from models.statements.auditor_ledger import (
    _cash_rows,
    _funds,
    _group,
    _journal_rows,
    _period,
    _period_debits,
)
from models.statements.auditor_registers import (
    _audit,
    _claims,
    _loans,
    _meetings,
    _members,
    _share_outs,
)
from models.statements.auditor_rows import AuditorData, Cover

EXPORT_ACTION = "export.file"


def auditor_data(session: Session, actor: User, *, group_id: int, start: dt.date | None = None,
                 end: dt.date | None = None) -> AuditorData:
    """Everything the auditor's workbook shows for one group and period (default: from the
    first entry to today). Needs the export permission."""
    require(session, actor, Permission.EXPORT, group_id)
    group = _group(session, group_id)
    for day in (start, end):
        if day is not None:
            clock.check_date(day)
    start, end = _period(session, group_id, start, end)
    before = start - dt.timedelta(days=1)
    period_entries = int(session.scalar(select(func.count(JournalEntry.id)).where(
        JournalEntry.group_id == group_id, JournalEntry.value_date >= start,
        JournalEntry.value_date <= end)))
    problems = tuple((p.message, dict(p.params)) for p in verify_group(session, group))
    cover = Cover(group.id, group.name, group.name_latin, group.village, group.district,
                  group.currency, start, end, actor.display_name or actor.username, clock.now(),
                  group.head_hash, group.entry_count, period_entries, problems, group.is_demo)
    cash_opening = ledger.balance(session, group_id, "cash", as_of=before)
    bank_opening = ledger.balance(session, group_id, "bank", as_of=before)
    lines, debits = _period_debits(session, group_id, start, end)
    member_rows, member_ledger = _members(session, group_id, start, end)
    loans, risk, loans_ledger = _loans(session, actor, group_id, end)
    claims, claims_ledger = _claims(session, actor, group_id, start, end)
    labels, meeting_rows = _meetings(session, group_id, start, end)
    extra = tuple(auditor_rows.MEMBER_COLUMNS)
    return AuditorData(
        cover=cover,
        trial_balance=tuple(ledger.trial_balance(session, group_id, as_of=end)),
        funds=tuple(_funds(session, group_id, start, end)),
        cash_opening=cash_opening, bank_opening=bank_opening,
        cash_closing=ledger.balance(session, group_id, "cash", as_of=end),
        bank_closing=ledger.balance(session, group_id, "bank", as_of=end),
        cash_rows=lambda: _cash_rows(session, group_id, start, end, cash_opening, bank_opening),
        journal_rows=lambda: _journal_rows(session, group_id, start, end),
        journal_lines=lines, journal_debits=debits,
        members=member_rows, member_columns=tuple(c.title for c in extra),
        member_column_keys=tuple(c.key for c in extra),
        member_ledger=member_ledger, loans=loans, risk=risk, loans_ledger=loans_ledger,
        claims=claims, claims_ledger=claims_ledger, meeting_columns=labels,
        meetings=meeting_rows, share_outs=_share_outs(session, group_id, start, end),
        audit=_audit(session, group_id, start, end))


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_export(session: Session, actor: User, *, group_id: int, what: str, path: Path | str,
                  sha256: str, **detail: Any) -> None:
    """Write the audit event of a finished export: what, the file's name and its SHA-256."""
    require(session, actor, Permission.EXPORT, group_id)
    audit.record(session, actor, EXPORT_ACTION, group_id=group_id, what=what,
                 file=Path(path).name, sha256=sha256, **detail)
